import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import contrast from '../../checks/public-private-contrast.js';
import check from '../../checks/rate-limit.js';
import { runChecks } from '../../src/runner.js';
import type { Check, CheckReport, Credential, Exchange, Outcome } from '../../src/types.js';
import { testJudge } from '../helpers/judge-tester.js';
import { API, cred, makeHttp, makeInput } from '../helpers/context.js';
import { fixturesOf } from '../helpers/fixtures.js';

const fx = fixturesOf('rate-limit');
const REPO_TOKEN = 'ATCTT3xFfGN0repoToken=1111AAAA';
const EMAIL = 'alice@example.com';
const API_TOKEN = 'ATATT3xFfGF0aliceApiToken=0000AAAA';

const exchange = (status: number | undefined, headers: Record<string, string> = {}): Exchange => ({
  request: { method: 'GET', url: `${API}/2.0/repositories/acme`, headers: {} },
  ...(status === undefined
    ? { error: { code: 'ECONNRESET', message: 'reset' } }
    : { response: { status, headers, body: '' } }),
  durationMs: 1,
});

testJudge(check, {
  valid: [
    { name: 'no answer at all', facts: { exchanges: [] }, summary: 'No 429 in 0 answers.' },
    {
      name: 'answers that are not 429, counted once each',
      facts: { exchanges: [exchange(200), exchange(401), exchange(undefined)] },
      summary: 'No 429 in 2 answers.',
    },
  ],
  invalid: [
    {
      name: 'a 429 with X-RateLimit-* headers names them',
      facts: {
        exchanges: [
          exchange(200),
          exchange(429, { 'x-ratelimit-limit': '1000', 'content-type': 'application/json' }),
        ],
      },
      code: 'RATE_LIMITED',
      summary: /^1 of 2 answers were 429 .*\(x-ratelimit-limit: 1000\): a limit/u,
      data: { limited: 1, headers: { 'x-ratelimit-limit': '1000' } },
      hint: /hourly window/u,
    },
    {
      name: 'one answer, a 429: singular',
      facts: { exchanges: [exchange(429)] },
      code: 'RATE_LIMITED',
      summary: /^1 of 1 answer was 429 /u,
    },
  ],
});

/**
 * A 429 only reaches rate-limit as evidence of an earlier check, and stubs send nothing: so these
 * runs put the real public-private-contrast (whose listing gets the 429) among stubs of the other
 * checks rate-limit waits for.
 */
describe('rate-limit reads the 429s in the evidence of the earlier checks', () => {
  beforeEach(() => {
    nock.disableNetConnect();
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const stub = (id: string): Check => ({
    meta: { id, title: `Stub ${id}`, description: 'Stub.', codes: [] },
    run: (): Outcome => ({ verdict: 'pass', summary: `${id} passed (stub)` }),
  });
  const run = async (
    credential: Credential,
    authorization: string,
    limited: string,
  ): Promise<{ reports: CheckReport[]; sent: number; pending: string[] }> => {
    const input = makeInput({ workspace: 'acme', credentials: [credential] });
    const http = makeHttp(input);
    const scopes = [
      fx.reply(
        nock(API, { badheaders: ['authorization'] })
          .get('/2.0/repositories/acme')
          .query({ pagelen: '100' }),
        'listing-public',
      ),
      fx.reply(
        nock(API, { reqheaders: { authorization } })
          .get('/2.0/repositories/acme')
          .query({ pagelen: '100' }),
        limited,
      ),
    ];
    const reports = await runChecks(
      [
        stub('connectivity'),
        stub('token-fetch'),
        stub('header-casing'),
        stub('identity'),
        contrast,
        stub('scopes'),
        stub('api-version'),
        stub('target-call'),
        check,
      ],
      { input, httpFor: (evidence) => http.forCheck(evidence) },
    );
    return { reports, sent: http.sent, pending: scopes.flatMap((s) => s.pendingMocks()) };
  };

  it('an access token 429 with X-RateLimit-* headers is RATE_LIMITED with data.headers', async () => {
    const { reports, sent, pending } = await run(
      cred('access-token', REPO_TOKEN),
      `Bearer ${REPO_TOKEN}`,
      'rate-limited-access-token-429',
    );
    expect(pending).toEqual([]);
    const contrastReport = reports.find((r) => r.id === 'public-private-contrast');
    expect(contrastReport?.status).toBe('skip');
    const report = reports.at(-1)!;
    expect(report.id).toBe('rate-limit');
    expect(report.status).toBe('fail');
    expect(report.code).toBe('RATE_LIMITED');
    expect(report.summary).toBe(
      '1 of 2 answers were 429 "Rate limit for this resource has been exceeded." (x-ratelimit-limit: 1000, x-ratelimit-resource: api, x-ratelimit-nearlimit: false): a limit, not the credentials.',
    );
    expect(report.data).toEqual({
      limited: 1,
      headers: {
        'x-ratelimit-limit': '1000',
        'x-ratelimit-resource': 'api',
        'x-ratelimit-nearlimit': 'false',
      },
    });
    expect(report.remediation?.hint).toMatch(/hourly window/u);
    // rate-limit only reads: it sends nothing of its own and has no evidence.
    expect(sent).toBe(2);
    expect(report.evidence).toEqual([]);
  });

  it('a 429 without X-RateLimit-* headers (Basic credentials) is RATE_LIMITED with no headers', async () => {
    const basic = `Basic ${Buffer.from(`${EMAIL}:${API_TOKEN}`).toString('base64')}`;
    const { reports, pending } = await run(
      cred('api-token', API_TOKEN, { username: EMAIL }),
      basic,
      'rate-limited-429',
    );
    expect(pending).toEqual([]);
    const report = reports.at(-1)!;
    expect(report.code).toBe('RATE_LIMITED');
    expect(report.summary).toMatch(
      /^1 of 2 answers were 429 "[^"]+": a limit, not the credentials\.$/u,
    );
    expect(report.data).toEqual({ limited: 1, headers: {} });
  });
});
