import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DoctorHttp } from '../src/http/client.js';

const API = 'https://api.bitbucket.org';
const make = (overrides: Partial<ConstructorParameters<typeof DoctorHttp>[0]> = {}) =>
  new DoctorHttp({
    allowedOrigins: [API],
    maxRequests: 12,
    max401PerSecret: 3,
    deadline: Date.now() + 10_000,
    userAgent: 'test',
    ...overrides,
  });

describe('the HTTP client', () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('records the exchange: request headers, status, response headers, trace ids, the first 16 KB raw', async () => {
    nock(API).get('/2.0/user').reply(200, 'x'.repeat(20_000), {
      'x-b3-traceid': 'b3',
      'x-request-id': 'rq',
      'content-type': 'text/plain',
    });
    const result = await make().request(`${API}/2.0/user`, {
      label: 'probe',
      headers: { Authorization: 'Bearer t' },
    });
    expect(result.exchange).toMatchObject({
      label: 'probe',
      request: { method: 'GET', headers: { authorization: 'Bearer t' } },
      response: { status: 200, bodyTruncated: true },
      traceIds: { 'x-b3-traceid': 'b3', 'x-request-id': 'rq' },
    });
    // The report shows 4 KB of it, cut after redaction (report/model.ts clipEvidence).
    expect(result.exchange.response?.body).toHaveLength(16 * 1024);
    expect(result.body).toHaveLength(20_000);
  });

  it('sends identical requests once (memo), different credentials twice', async () => {
    const scope = nock(API).get('/2.0/user').times(2).reply(200, {});
    const http = make();
    await Promise.all([
      http.request(`${API}/2.0/user`, { label: 'a', headers: { authorization: 'Bearer 1' } }),
      http.request(`${API}/2.0/user`, { label: 'b', headers: { Authorization: 'Bearer 1' } }),
      http.request(`${API}/2.0/user`, { label: 'c', headers: { authorization: 'Bearer 2' } }),
    ]);
    expect(http.sent).toBe(2);
    expect(scope.isDone()).toBe(true);
  });

  it('never follows a redirect to an unknown origin: the answer is REDIRECTED_AWAY, nothing sent there', async () => {
    nock(API).get('/2.0/user').reply(302, '', { location: 'https://elsewhere.example/landing' });
    const elsewhere = nock('https://elsewhere.example').get('/landing').reply(200, 'ok');
    const http = make({ allowedOrigins: [API] });
    const result = await http.request(`${API}/2.0/user`, {
      label: 'r',
      headers: { authorization: 'Bearer secret' },
    });
    expect(result.status).toBe(302);
    expect(result.exchange.error?.code).toBe('REDIRECTED_AWAY');
    expect(result.exchange.error?.message).toMatch(
      /redirects to https:\/\/elsewhere\.example\/landing, a captive portal or proxy login page; your credentials were not sent there/u,
    );
    expect(elsewhere.isDone()).toBe(false);
    nock.cleanAll();
    // The origin redirected away: later calls there are not sent either.
    const later = await http.request(`${API}/2.0/repositories/acme`, { label: 'l' });
    expect(later.exchange.error?.code).toBe('REDIRECTED_AWAY');
    expect(http.sent).toBe(1);
  });

  it('a same-origin redirect to an HTML page with no Bitbucket marker is REDIRECTED_AWAY', async () => {
    nock(API).get('/2.0/user').reply(302, '', { location: '/portal' });
    nock(API).get('/portal').reply(200, '<html>Log in</html>', { 'content-type': 'text/html' });
    const result = await make().request(`${API}/2.0/user`, { label: 'r' });
    expect(result.status).toBe(200);
    expect(result.exchange.error?.code).toBe('REDIRECTED_AWAY');
  });

  it('a marked HTML page after a redirect stays evidence', async () => {
    nock(API).get('/2.0/user').reply(302, '', { location: '/login' });
    nock(API)
      .get('/login')
      .reply(200, '<html>Log in</html>', { 'content-type': 'text/html', 'x-request-id': 'r' });
    const result = await make().request(`${API}/2.0/user`, { label: 'r' });
    expect(result.exchange.error).toBeUndefined();
  });

  it('a redirect loop stops at once, a chain longer than 3 after 4 requests', async () => {
    nock(API).get('/loop').reply(301, '', { location: '/loop' });
    const http = make();
    const loop = await http.request(`${API}/loop`, { label: 'l' });
    expect(loop.exchange.error?.message).toMatch(/loop/u);
    expect(http.sent).toBe(1);
    for (const n of [1, 2, 3, 4])
      nock(API)
        .get(`/c${n}`)
        .reply(302, '', { location: `/c${n + 1}` });
    const other = make();
    const chain = await other.request(`${API}/c1`, { label: 'c' });
    expect(chain.exchange.error?.message).toMatch(/more than 3 times/u);
    expect(other.sent).toBe(4);
  });

  it('never sends a header value Node refuses: named by position and code point only', async () => {
    const result = await make().request(`${API}/2.0/user`, {
      label: 'r',
      headers: { authorization: 'Bearer abc\u20acdef' },
    });
    expect(result.exchange.error?.code).toBe('HEADER_INVALID_CHAR');
    expect(result.exchange.error?.message).toMatch(/character 11, U\+20AC/u);
    expect(result.exchange.error?.message).not.toContain('abc');
  });

  it('keeps Authorization on a same-origin redirect', async () => {
    nock(API).get('/a').reply(301, '', { location: '/b' });
    nock(API, { reqheaders: { authorization: 'Bearer s' } })
      .get('/b')
      .reply(200, 'ok');
    expect(
      (await make().request(`${API}/a`, { label: 'r', headers: { authorization: 'Bearer s' } }))
        .status,
    ).toBe(200);
  });

  it('refuses to send credentials to an origin that is not configured', async () => {
    const result = await make().request('https://evil.example/x', {
      label: 'x',
      headers: { authorization: 'Bearer s' },
    });
    expect(result.exchange.error?.code).toBe('ORIGIN_GUARD');
  });

  it('stops at the request budget', async () => {
    nock(API).get(/.*/u).times(2).reply(200, {});
    const http = make({ maxRequests: 2 });
    await http.request(`${API}/1`, { label: '1' });
    await http.request(`${API}/2`, { label: '2' });
    const third = await http.request(`${API}/3`, { label: '3' });
    expect(third.exchange.error?.code).toBe('REQUEST_BUDGET');
    expect(http.sent).toBe(2);
  });

  it('sends no more than 3 requests that got 401 for one secret (no account lockouts)', async () => {
    nock(API).get(/.*/u).times(3).reply(401, 'Login failed');
    const http = make();
    for (const path of ['/a', '/b', '/c'])
      await http.request(`${API}${path}`, { label: path, secretKey: 'k' });
    const fourth = await http.request(`${API}/d`, { label: 'd', secretKey: 'k' });
    expect(fourth.exchange.error?.code).toBe('AUTH_BUDGET');
    expect(http.sent).toBe(3);
  });

  it('reserves the 401 budget before sending: five concurrent requests of one secret, three sent', async () => {
    nock(API).get(/.*/u).times(5).delay(20).reply(401, 'Login failed');
    const http = make();
    const results = await Promise.all(
      ['/a', '/b', '/c', '/d', '/e'].map((path) =>
        http.request(`${API}${path}`, { label: path, secretKey: 'k' }),
      ),
    );
    expect(http.sent).toBe(3);
    expect(results.filter((r) => r.exchange.error?.code === 'AUTH_BUDGET')).toHaveLength(2);
  });

  it('counts failed answers per (origin, username) too: three passwords of one account, then no more', async () => {
    nock(API).get(/.*/u).times(3).reply(401, 'Login failed');
    const http = make();
    const basic = (secret: string) => `Basic ${Buffer.from(`jdoe:${secret}`).toString('base64')}`;
    for (const secret of ['one-password', 'two-password', 'three-password'])
      await http.request(`${API}/2.0/user`, {
        label: secret,
        secretKey: secret,
        headers: { Authorization: basic(secret) },
      });
    const fourth = await http.request(`${API}/2.0/user`, {
      label: 'fourth',
      secretKey: 'four-password',
      headers: { Authorization: basic('four-password') },
    });
    expect(fourth.exchange.error?.code).toBe('AUTH_BUDGET');
    expect(http.sent).toBe(3);
  });

  it('a Data Center 401 with X-AUSERNAME (authenticated, not permitted) is no failed answer', async () => {
    nock(API).get(/.*/u).times(5).reply(401, '{"errors":[]}', { 'x-ausername': 'jdoe' });
    const http = make();
    for (const path of ['/a', '/b', '/c', '/d', '/e'])
      await http.request(`${API}${path}`, { label: path, secretKey: 'k' });
    expect(http.sent).toBe(5);
  });

  it('turns network errors into exchanges with a code, never a throw', async () => {
    nock(API)
      .get('/x')
      .replyWithError(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }));
    const result = await make().request(`${API}/x`, { label: 'x' });
    expect(result.exchange.error?.code).toBe('ENOTFOUND');
    expect(result.status).toBeUndefined();
  });

  it('sends nothing past the deadline', async () => {
    const result = await make({ deadline: Date.now() - 1 }).request(`${API}/x`, { label: 'x' });
    expect(result.exchange.error?.code).toBe('ETIMEDOUT');
  });
});
