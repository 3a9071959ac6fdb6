import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mostImportantFailure, OfflineHttp } from '../../src/explain/offline.js';
import type { Exchange } from '../../src/types.js';

const exchange = (method: string, url: string, status: number, label: string): Exchange => ({
  label,
  request: { method, url, headers: {} },
  response: { status, headers: {}, body: '' },
  durationMs: 0,
});

/** What OfflineHttp answered before the index: the latest capture with that method (or none) and URL. */
const scan = (capture: readonly Exchange[], url: string, method: string): Exchange | undefined =>
  [...capture]
    .reverse()
    .find(
      (e) =>
        e.request.url.replace(/\/+$/u, '') === url.replace(/\/+$/u, '') &&
        (e.request.method === method || e.request.method === ''),
    );

describe('OfflineHttp', () => {
  it('answers with the latest capture of that method and URL; a capture without method answers any', () => {
    const capture = [
      exchange('GET', 'https://api.bitbucket.org/2.0/user', 401, 'first'),
      exchange('', 'https://api.bitbucket.org/2.0/user/', 403, 'no method'),
      exchange('POST', 'https://api.bitbucket.org/2.0/user', 400, 'post'),
      exchange('GET', 'https://api.bitbucket.org/2.0/repositories/acme', 404, 'repo'),
    ];
    const http = new OfflineHttp(capture);
    expect(http.request('https://api.bitbucket.org/2.0/user', 'GET', 'x').exchange.label).toBe(
      'no method',
    );
    expect(http.request('https://api.bitbucket.org/2.0/user//', 'POST', 'x').exchange.label).toBe(
      'post',
    );
    expect(
      http.request('https://api.bitbucket.org/2.0/repositories/acme/', 'GET', 'x').exchange.label,
    ).toBe('repo');
    const missing = http.request('https://api.bitbucket.org/2.0/other', 'GET', 'asked');
    expect(missing.exchange.error?.code).toBe('OFFLINE');
    expect(missing.exchange.label).toBe('asked');
  });

  it('gives the same answer as a reversed scan, for any capture', () => {
    const url = fc.constantFrom('https://a/x', 'https://a/x/', 'https://a/y', 'https://b/x');
    const method = fc.constantFrom('GET', 'POST', 'HEAD', '');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(method, url), { maxLength: 30 }),
        fc.array(fc.tuple(method, url), { minLength: 1, maxLength: 10 }),
        (captured, asked) => {
          const capture = captured.map(([m, u], i) => exchange(m, u, 200, String(i)));
          const http = new OfflineHttp(capture);
          for (const [m, u] of asked) {
            const expected = scan(capture, u, m);
            const { exchange: got } = http.request(u, m, 'asked');
            if (expected === undefined) expect(got.error?.code).toBe('OFFLINE');
            else expect(got).toBe(expected);
          }
        },
      ),
    );
  });

  it('puts each answered exchange once in a check’s evidence, quickly for 100k captures', async () => {
    const capture = Array.from({ length: 100_000 }, (_, i) =>
      exchange('GET', `https://api.bitbucket.org/2.0/r/${String(i % 50_000)}`, 200, String(i)),
    );
    const evidence: Exchange[] = [];
    const client = new OfflineHttp(capture).forCheck(evidence);
    for (const e of capture) await client.request(e.request.url, { method: 'GET', label: 'l' });
    expect(evidence).toHaveLength(50_000);
    expect(evidence[0]?.label).toBe('50000');
  });
});

describe('mostImportantFailure', () => {
  it('picks the failure first in causal order, ties to the later one', () => {
    const expired: Exchange = {
      ...exchange('GET', 'https://api.bitbucket.org/2.0/user', 401, 'expired'),
      response: {
        status: 401,
        headers: { 'content-type': 'application/json' },
        body: '{"type":"error","error":{"message":"Access token expired."}}',
      },
    };
    const unknown = exchange('GET', 'https://api.bitbucket.org/2.0/x', 409, 'unknown');
    const later = { ...expired, label: 'later' };
    expect(mostImportantFailure([expired, unknown])?.label).toBe('expired');
    expect(mostImportantFailure([unknown, expired, later])?.label).toBe('later');
    expect(mostImportantFailure([exchange('GET', 'https://a/', 200, 'ok')])).toBeUndefined();
  });
});
