import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { DoctorHttp } from '../src/http/client.js';
import { originPolicy, type OriginPolicy } from '../src/http/origin-policy.js';
import { buildInput } from '../src/intake/input.js';
import { CREDENTIAL_HEADER } from '../src/intake/credentials.js';
import { userAuthHeaders } from '../src/facts/auth.js';
import { isCredentialHeader } from '../src/knowledge/wire.js';
import { CLOUD_URLS } from '../src/knowledge/docs.js';
import type { DoctorInput } from '../src/types.js';
import { fakeIO } from './helpers/io.js';

/** Issue #10, "Sent only where meant": the client's guards, unit by unit (nock). */
const API = CLOUD_URLS.apiBase;
const WEBSITE = CLOUD_URLS.authBase;
const make = (overrides: Partial<ConstructorParameters<typeof DoctorHttp>[0]> = {}) =>
  new DoctorHttp({
    allowedOrigins: [API],
    maxRequests: 12,
    max401PerSecret: 3,
    deadline: Date.now() + 10_000,
    userAgent: 'test',
    ...overrides,
  });

/** Every header bb-doctor treats as a credential, one of each. */
const CREDENTIAL_HEADERS = {
  Authorization: 'Bearer auth-secret-0001',
  Cookie: 'session=cookie-secret-0001',
  'Private-Token': 'private-secret-0001',
  'X-Auth-Token': 'xauth-secret-0001',
  'X-Api-Key': 'apikey-secret-0001',
  'Proxy-Authorization': 'Basic cHJveHk6cHJveHktc2VjcmV0',
};

describe('one list of credential-bearing headers', () => {
  it('wire.ts isCredentialHeader is the list; CREDENTIAL_HEADER and userAuthHeaders follow it', () => {
    for (const name of [...Object.keys(CREDENTIAL_HEADERS), 'x-api-key', 'X-Custom-Token']) {
      expect(isCredentialHeader(name), name).toBe(true);
      expect(CREDENTIAL_HEADER.test(name), name).toBe(true);
    }
    for (const name of ['Accept', 'User-Agent', 'X-Request-Id']) {
      expect(isCredentialHeader(name), name).toBe(false);
      expect(CREDENTIAL_HEADER.test(name), name).toBe(false);
    }
    const input = buildInput(
      { header: Object.entries(CREDENTIAL_HEADERS).map(([n, v]) => `${n}: ${v}`) },
      {},
    );
    expect(Object.keys(userAuthHeaders(input)).sort()).toEqual(
      Object.keys(CREDENTIAL_HEADERS).sort(),
    );
    // The "secret given as a flag" warning reads the same list (X-Api-Key was missing there).
    expect(
      buildInput({ header: ['X-Api-Key: apikey-secret-0001'] }, {}).warnings.join(' '),
    ).toMatch(/A secret was given as a flag \(--header\)/u);
  });
});

describe('the HTTP client sends credentials only where meant', () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('drops every credential-bearing header on a redirect to another origin', async () => {
    nock(API)
      .get('/2.0/x')
      .reply(302, '', { location: `${WEBSITE}/landing` });
    let seen: Record<string, unknown> = {};
    nock(WEBSITE)
      .get('/landing')
      .reply(function reply() {
        seen = { ...this.req.headers };
        return [200, '{}', { 'content-type': 'application/json' }];
      });
    const result = await make().request(`${API}/2.0/x`, {
      label: 'r',
      headers: { ...CREDENTIAL_HEADERS, 'X-Trace': 'kept' },
    });
    expect(result.status).toBe(200);
    expect(seen['x-trace']).toBe('kept');
    for (const name of Object.keys(CREDENTIAL_HEADERS))
      expect(seen[name.toLowerCase()], name).toBeUndefined();
  });

  it('ORIGIN_GUARD counts every credential-bearing header, not only Authorization', async () => {
    for (const [name, value] of Object.entries(CREDENTIAL_HEADERS)) {
      const result = await make().request('https://evil.example/x', {
        label: name,
        headers: { [name]: value },
      });
      expect(result.exchange.error?.code, name).toBe('ORIGIN_GUARD');
    }
  });

  it('INSECURE_GUARD decides on the parsed URL: HTTP:// and Http:// are plain http too', async () => {
    const host = 'dc.example.com';
    const http = make({ allowedOrigins: [`http://${host}`] });
    const wire = nock(`http://${host}`).get(/.*/u).reply(200, 'sent');
    for (const url of [`http://${host}/a`, `HTTP://${host}/b`, `Http://${host}/c`]) {
      for (const [name, value] of Object.entries(CREDENTIAL_HEADERS)) {
        const result = await http.request(url, { label: url, headers: { [name]: value } });
        expect(result.exchange.error?.code, `${url} ${name}`).toBe('INSECURE_GUARD');
      }
    }
    expect(wire.isDone()).toBe(false);
    expect(http.sent).toBe(0);
  });

  it('--allow-insecure-http lets a credential go to a plain-http host (a Data Center on :7990), and only then', async () => {
    const host = 'dc.example.com:7990';
    const wire = nock(`http://${host}`)
      .get('/rest/api/1.0/application-properties')
      .reply(200, '{}');
    const allowed = make({ allowedOrigins: [`http://${host}`], allowInsecureHttp: true });
    const sent = await allowed.request(`http://${host}/rest/api/1.0/application-properties`, {
      label: 'allowed',
      headers: { authorization: 'Bearer BBDC-token' },
    });
    expect(sent.exchange.response?.status).toBe(200);
    expect(wire.isDone()).toBe(true);
  });

  it('the 401 budget counts requests that carry any credential header, keyed by its value', async () => {
    nock(API).get(/.*/u).times(3).reply(401, 'Login failed');
    const http = make();
    for (const path of ['/a', '/b', '/c'])
      await http.request(`${API}${path}`, { label: path, headers: { 'X-Api-Key': 'k-0001' } });
    const fourth = await http.request(`${API}/d`, {
      label: 'd',
      headers: { 'X-Api-Key': 'k-0001' },
    });
    expect(fourth.exchange.error?.code).toBe('AUTH_BUDGET');
    expect(http.sent).toBe(3);
  });
});

describe('the per-credential origin policy', () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
  const TOKEN = 'ATATT3xEnvironmentToken000000000001';
  const policyOf = (input: DoctorInput): OriginPolicy =>
    originPolicy(input, input.explicitOrigins ?? [], () => 'sha256:test');

  it('an environment token goes to a --url host only after it answered like Bitbucket anonymously', async () => {
    const origin = 'https://proxy.example';
    const input = buildInput(
      { url: `${origin}/2.0/repositories/acme/r` },
      { BITBUCKET_API_TOKEN: TOKEN, BITBUCKET_EMAIL: 'a@example.com' },
    );
    expect(input.explicitOrigins).toEqual([]);
    // Not like Bitbucket: no edge header, no Data Center marker.
    nock(origin).get('/2.0/repositories/acme/r').reply(404, 'nope');
    const wire = nock(origin).get('/2.0/user').reply(200, '{}');
    const http = make({ allowedOrigins: [origin], policy: policyOf(input) });
    await http.request(`${origin}/2.0/repositories/acme/r`, { label: 'anonymous' });
    const result = await http.request(`${origin}/2.0/user`, {
      label: 'with token',
      headers: {
        authorization: `Basic ${Buffer.from(`a@example.com:${TOKEN}`).toString('base64')}`,
      },
    });
    expect(result.exchange.error?.code).toBe('ORIGIN_GUARD');
    expect(result.exchange.error?.message).toMatch(/env:BITBUCKET_API_TOKEN/u);
    expect(wire.isDone()).toBe(false);
    expect(http.withheld).toEqual([
      {
        kind: 'api-token',
        source: 'env:BITBUCKET_API_TOKEN',
        fingerprint: 'sha256:test',
        origin,
        reason:
          'from the environment; proxy.example did not answer like Bitbucket without credentials',
      },
    ]);
  });

  it('a Data Center answer (X-AREQUESTID) lets the same token go to that host', async () => {
    const origin = 'https://git.example.com';
    const input = buildInput(
      { url: `${origin}/rest/api/1.0/projects/ACME/repos/r` },
      { BITBUCKET_ACCESS_TOKEN: TOKEN },
    );
    // The probe the client makes without credentials answers like Data Center; then the call.
    const probe = nock(origin)
      .get('/rest/api/1.0/users')
      .reply(401, '{}', { 'x-arequestid': '@1ABC' });
    const wire = nock(origin).get('/rest/api/1.0/users').reply(200, '{}');
    const http = make({ allowedOrigins: [origin], policy: policyOf(input) });
    // The credentialed request comes first: the client asks the origin without credentials.
    const result = await http.request(`${origin}/rest/api/1.0/users`, {
      label: 'with token',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(result.exchange.error).toBeUndefined();
    expect(probe.isDone()).toBe(true);
    expect(wire.isDone()).toBe(true);
    expect(http.withheld).toEqual([]);
  });

  it('a stored credential goes only to the site it is stored for', async () => {
    const input: DoctorInput = {
      ...buildInput({ url: 'https://other.example/2.0/user' }, {}),
      credentials: [
        {
          kind: 'api-token',
          source: 'git-credential:helper',
          secret: TOKEN,
          raw: TOKEN,
          classifiedBy: 'git-credential',
          username: 'a@example.com',
          storedFor: new URL(WEBSITE).hostname,
        },
      ],
    };
    const http = make({ allowedOrigins: [API, 'https://other.example'], policy: policyOf(input) });
    nock(API).get('/2.0/user').reply(200, '{}');
    const basic = `Basic ${Buffer.from(`a@example.com:${TOKEN}`).toString('base64')}`;
    const cloud = await http.request(`${API}/2.0/user`, {
      label: 'api host',
      headers: { authorization: basic },
    });
    expect(cloud.exchange.error).toBeUndefined();
    const other = await http.request('https://other.example/2.0/user', {
      label: 'other host',
      headers: { authorization: basic },
    });
    expect(other.exchange.error?.code).toBe('ORIGIN_GUARD');
    expect(http.withheld[0]?.reason).toBe(`stored for ${new URL(WEBSITE).hostname}`);
  });
});

describe('defect 2, whole CLI: HTTP:// and Http:// are plain http to a non-loopback host', () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
  const TOKEN = 'BBDC-NjY2NzQ4MjI3NDQ4OmFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3';

  for (const scheme of ['HTTP', 'Http']) {
    it(`${scheme}:// --api-url: the access token is withheld, never sent`, async () => {
      const seen: Record<string, unknown>[] = [];
      nock('http://dc.example.com')
        .persist()
        .get(/.*/u)
        .reply(function reply() {
          seen.push({ ...this.req.headers });
          return [401, '{"errors":[]}', { 'x-arequestid': '@1ABC' }];
        });
      const t = fakeIO({ BITBUCKET_ACCESS_TOKEN: TOKEN });
      const origin = `${scheme}://dc.example.com`;
      await main(
        ['--api-url', origin, '--auth-url', origin, '--format', 'json', '--workspace', 'ACME'],
        t.sink,
      );
      expect(seen.length).toBeGreaterThan(0);
      for (const headers of seen) expect(headers['authorization']).toBeUndefined();
      const report = JSON.parse(t.out()) as { withheld?: { origin: string; reason: string }[] };
      expect(report.withheld).toContainEqual(
        expect.objectContaining({
          origin: 'http://dc.example.com',
          reason: 'plain http to a non-loopback host',
        }),
      );
    });
  }
});
