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

  it('records the exchange: request headers, status, response headers, trace ids, the first 4 KB', async () => {
    nock(API).get('/2.0/user').reply(200, 'x'.repeat(10_000), {
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
    expect(result.exchange.response?.body).toHaveLength(4096);
    expect(result.body).toHaveLength(10_000);
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

  it('never retries, and follows a redirect to another origin without the Authorization header', async () => {
    nock(API).get('/2.0/user').reply(302, '', { location: 'https://elsewhere.example/landing' });
    const elsewhere = nock('https://elsewhere.example', { badheaders: ['authorization'] })
      .get('/landing')
      .reply(200, 'ok');
    const result = await make({ allowedOrigins: [API] }).request(`${API}/2.0/user`, {
      label: 'r',
      headers: { authorization: 'Bearer secret' },
    });
    expect(result.status).toBe(200);
    expect(elsewhere.isDone()).toBe(true);
    // Both legs are evidence: the 302 and the answer it led to.
    expect(result.redirects.map((e) => e.response?.status)).toEqual([302]);
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
