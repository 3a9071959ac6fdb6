import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnosis.js';
import { parseCapture } from '../../src/explain/parse.js';
import { buildReport } from '../../src/report/model.js';
import { fingerprint, Redactor } from '../../src/report/redactor.js';
import { harOf, renderHar } from '../../src/report/render-har.js';
import type { CheckReport, Exchange } from '../../src/types.js';
import { cred, makeInput } from '../helpers/context.js';

const TOKEN = 'ATATT3xFfGF0T9k2mQx7Lp4Rz8Vb1Nc6Hd3Js5Kf0Wg2Ye9Ua4Ti7Oq1Pr6Es3Dw8=7C3A9B2D';
const ACCESS = 'ATCTT3xFfGN0sampleAccessToken0123456789';
const API = 'https://api.bitbucket.org';

const asSent: Exchange = {
  label: 'header-casing: your header, as sent',
  request: {
    method: 'GET',
    url: `${API}/2.0/repositories/acme/secret-repo?pagelen=10&access_token=${ACCESS}`,
    headers: { authorization: `bearer ${ACCESS}`, accept: 'application/json' },
  },
  response: {
    status: 404,
    headers: { 'content-type': 'application/json', 'x-b3-traceid': '5f0c1e2d3c4b5a69' },
    body: '{"type":"error","error":{"message":"Repository not found"}}',
    bodyTruncated: true,
  },
  durationMs: 120,
};
const tokenFetch: Exchange = {
  label: 'token-fetch: client_credentials grant',
  request: {
    method: 'POST',
    url: 'https://bitbucket.org/site/oauth2/access_token',
    headers: {
      authorization: `Basic ${Buffer.from(`key:${TOKEN}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  },
  response: { status: 200, headers: {}, body: `{"access_token":"${ACCESS}"}` },
  durationMs: 30,
};
const failed: Exchange = {
  label: 'identity: GET /2.0/user',
  request: { method: 'GET', url: `${API}/2.0/user`, headers: {} },
  error: { code: 'ETIMEDOUT', message: 'Timeout awaiting request' },
  durationMs: 5000,
};

const check = (id: string, evidence: Exchange[], status: CheckReport['status']): CheckReport => ({
  id,
  title: id,
  status,
  ...(status === 'fail' ? { code: 'HEADER_SCHEME_CASE' as const } : {}),
  summary: `${id} summary`,
  durationMs: 1,
  evidence,
  data: {},
});

/** A report as doctor.ts hands it to the renderers: built, then redacted field by field. */
const report = () => {
  const redactor = new Redactor();
  redactor.register(TOKEN, ['alice@example.com', 'key']);
  redactor.register(ACCESS);
  const checks = [
    check('connectivity', [], 'pass'),
    check('header-casing', [asSent], 'fail'),
    check('token-fetch', [tokenFetch], 'pass'),
    // A memoised exchange is the evidence of two checks: the first one owns it.
    check('public-private-contrast', [asSent], 'pass'),
  ];
  const built = buildReport({
    input: makeInput({
      workspace: 'acme',
      repo: 'secret-repo',
      credentials: [
        cred('api-token', TOKEN, { username: 'alice@example.com' }),
        cred('app-password', TOKEN, { username: 'alice' }),
        cred('access-token', ACCESS, { source: 'header:Authorization (flag:--header)' }),
      ],
    }),
    checks,
    diagnosis: diagnose(checks),
    version: '9.9.9',
    startedAt: new Date('2026-11-28T12:00:00.000Z'),
    finishedAt: new Date('2026-11-28T12:00:01.500Z'),
    requests: 3,
    environment: { bbDoctor: '9.9.9', node: 'v20', os: 'test', proxy: null, ci: false },
    mode: 'live',
    exchanges: [asSent, tokenFetch, failed],
  });
  return { redactor, report: redactor.redactDeep(built) };
};

describe('render-har: the run as HAR 1.2', () => {
  it('log: version, creator, one entry per exchange, bb-doctor facts without secrets', () => {
    const { report: r } = report();
    const har = harOf(r);
    expect(har.log.version).toBe('1.2');
    expect(har.log.creator).toEqual({ name: 'bb-doctor', version: '9.9.9' });
    expect(har.log.entries).toHaveLength(3);
    expect(har.log._bbDoctor.diagnosis).toEqual({
      status: 'fail',
      code: 'HEADER_SCHEME_CASE',
      checkId: 'header-casing',
    });
    expect(har.log._bbDoctor.target).toMatchObject({ apiUrl: API, workspace: 'acme' });
    expect(har.log._bbDoctor.credentials).toEqual([
      {
        kind: 'api-token',
        source: 'env:TEST_API-TOKEN',
        username: 'alice@example.com',
        usernameKind: 'email',
        shape: 'api-token',
        fingerprint: `sha256:${fingerprint(TOKEN)}`,
        length: TOKEN.length,
      },
      expect.objectContaining({
        kind: 'app-password',
        username: 'alice',
        usernameKind: 'username',
      }),
      {
        kind: 'access-token',
        source: 'header:Authorization (flag:--header)',
        shape: 'access-token',
        fingerprint: `sha256:${fingerprint(ACCESS)}`,
        length: ACCESS.length,
      },
    ]);
    const text = renderHar(r);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(ACCESS);
  });

  it('entries: request, response, timings and the check each exchange is evidence of', () => {
    const [get, post, error] = harOf(report().report).log.entries;
    expect(get).toMatchObject({
      startedDateTime: '2026-11-28T12:00:00.000Z',
      time: 120,
      request: {
        method: 'GET',
        httpVersion: 'HTTP/1.1',
        headersSize: -1,
        bodySize: 0,
        queryString: [
          { name: 'pagelen', value: '10' },
          { name: 'access_token', value: `[redacted sha256:${fingerprint(ACCESS)}]` },
        ],
      },
      response: {
        status: 404,
        statusText: 'Not Found',
        content: { mimeType: 'application/json', comment: 'Only the first 4 KB were kept.' },
      },
      timings: { send: 0, wait: 120, receive: 0 },
      _bbDoctor: {
        label: 'header-casing: your header, as sent',
        checkId: 'header-casing',
        bodyTruncated: true,
      },
    });
    // The scheme stays as it was sent; only the credential after it is redacted.
    expect(get!.request.headers).toContainEqual({
      name: 'authorization',
      value: `bearer [redacted sha256:${fingerprint(ACCESS)}]`,
    });
    expect(post!.request.postData).toEqual({
      mimeType: 'application/x-www-form-urlencoded',
      text: 'grant_type=client_credentials',
    });
    expect(post!.request.bodySize).toBe('grant_type=client_credentials'.length);
    expect(post!._bbDoctor.checkId).toBe('token-fetch');
    expect(error!.response).toMatchObject({ status: 0, _error: 'Timeout awaiting request' });
    expect(error!._bbDoctor).toEqual({
      label: 'identity: GET /2.0/user',
      error: { code: 'ETIMEDOUT', message: 'Timeout awaiting request' },
    });
  });

  it('explain reads it back: the same requests, answers and headers', () => {
    const { report: r } = report();
    const capture = parseCapture(renderHar(r), 'run.har');
    expect(capture.format).toBe('har');
    expect(capture.exchanges.map((e) => [e.request.method, e.request.url])).toEqual(
      (r.exchanges ?? []).map((e) => [e.request.method, e.request.url]),
    );
    expect(capture.exchanges.map((e) => e.response?.status)).toEqual([404, 200, undefined]);
    expect(capture.exchanges[0]!.request.headers['authorization']).toMatch(
      /^bearer \[redacted sha256:[0-9a-f]{8}\]$/u,
    );
    expect(capture.exchanges[1]!.request.body).toBe('grant_type=client_credentials');
    expect(capture.exchanges[2]!.error?.message).toBe('Timeout awaiting request');
  });

  it('a report without exchanges is a HAR without entries', () => {
    const { exchanges: _e, ...bare } = report().report;
    expect(harOf(bare).log.entries).toEqual([]);
  });
});
