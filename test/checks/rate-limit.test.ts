import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import contrast from '../../checks/public-private-contrast.js';
import check from '../../checks/rate-limit.js';
import { runChecks } from '../../src/runner.js';
import { replayAsSent } from '../../src/facts/target.js';
import type { Check, CheckReport, Credential, DoctorInput, Outcome } from '../../src/types.js';
import { testCheck } from '../helpers/check-tester.js';
import { API, cred, makeHttp, makeInput } from '../helpers/context.js';
import { fixturesOf } from '../helpers/fixtures.js';

const fx = fixturesOf('rate-limit');
const REPO_TOKEN = 'ATCTT3xFfGN0repoToken=1111AAAA';
const EMAIL = 'alice@example.com';
const API_TOKEN = 'ATATT3xFfGF0aliceApiToken=0000AAAA';

/**
 * rate-limit reads the evidence of the checks before it, and the tester's stubs send nothing. So
 * the tested check first replays the user's call exactly as target-call and api-version do
 * (replayAsSent), files that exchange as target-call's evidence, then runs the real rate-limit
 * over those results. Without a failing call it is the real check, untouched.
 */
const afterReplay: Check = {
  meta: check.meta,
  run: async (ctx) => {
    const replay = replayAsSent(ctx);
    if (replay === undefined) return check.run(ctx);
    const answer = await replay;
    const results = new Map(ctx.results);
    results.set('target-call', {
      id: 'target-call',
      title: 'The failing call works once corrected',
      status: 'skip',
      summary: 'Replayed the call (test).',
      durationMs: 0,
      evidence: [answer.exchange],
      data: {},
    });
    return check.run({ ...ctx, results });
  },
};
const failing = (path: string): Partial<DoctorInput> => ({
  workspace: 'acme',
  failingRequest: { method: 'GET', url: `${API}${path}`, headers: [], source: 'url' },
});

testCheck(afterReplay, [
  {
    name: 'no check saw a 429: pass',
    expected: { verdict: 'pass', summary: 'No 429 in 0 answers.', requests: 0 },
  },
  {
    name: 'earlier checks that failed for other reasons do not make a rate limit',
    prior: {
      identity: {
        outcome: {
          verdict: 'fail',
          code: 'TOKEN_INVALID',
          summary: 'Bitbucket does not recognise the token (stub).',
          remediation: { hint: 'Create a new token.' },
        },
      },
    },
    expected: { verdict: 'pass', requests: 0 },
  },
  {
    name: 'an earlier answer that is not a 429: pass, counted',
    input: failing('/2.0/repositories/acme'),
    http: () => fx.reply(nock(API).get('/2.0/repositories/acme'), 'listing-public'),
    expected: { verdict: 'pass', summary: 'No 429 in 1 answer.', requests: 1 },
  },
  {
    name: 'an earlier 429 with X-RateLimit-* headers: RATE_LIMITED with data.headers',
    input: failing('/2.0/repositories/acme'),
    http: () => fx.reply(nock(API).get('/2.0/repositories/acme'), 'rate-limited-access-token-429'),
    expected: {
      verdict: 'fail',
      code: 'RATE_LIMITED',
      summary:
        /^1 of 1 answers were 429 .*\(x-ratelimit-limit: 1000, x-ratelimit-resource: api, x-ratelimit-nearlimit: false\): a limit, not the credentials\.$/u,
      data: {
        limited: 1,
        headers: {
          'x-ratelimit-limit': '1000',
          'x-ratelimit-resource': 'api',
          'x-ratelimit-nearlimit': 'false',
        },
      },
      hint: /hourly window/u,
      requests: 1,
    },
  },
]);

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
