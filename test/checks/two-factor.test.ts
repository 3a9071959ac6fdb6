import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import check from '../../checks/two-factor.js';
import identity from '../../checks/identity/index.js';
import { runChecks } from '../../src/runner.js';
import type { Check, Outcome } from '../../src/types.js';
import { testCheck } from '../helpers/check-tester.js';
import { API, cred, makeHttp, makeInput } from '../helpers/context.js';
import { fixturesOf } from '../helpers/fixtures.js';

const fx = fixturesOf('two-factor');
const PASSWORD = 'correct horse battery staple';
const password = cred('account-password', PASSWORD, {
  source: 'env:BITBUCKET_PASSWORD',
  username: 'alice',
});
const consumer = [
  cred('client-id', 'ciKey000000000000a'),
  cred('client-secret', 'ciSecret0000000000000000000000aa'),
];

testCheck(check, [
  {
    name: 'no account password: pass',
    input: { credentials: [cred('api-token', 'ATATT3xFfGF0aliceApiToken=0000AAAA')] },
    expected: { verdict: 'pass', summary: /No account password in play/u, requests: 0 },
  },
  {
    name: 'nothing given at all: pass (no password in play)',
    expected: { verdict: 'pass', requests: 0 },
  },
  {
    name: 'an account password is ACCOUNT_PASSWORD_REJECTED (no answer of identity to quote)',
    input: { credentials: [password] },
    expected: {
      verdict: 'fail',
      code: 'ACCOUNT_PASSWORD_REJECTED',
      summary:
        'The Atlassian account password (env:BITBUCKET_PASSWORD) is in play: it never worked with two-step verification, and Bitbucket rejects it for everyone since 2022-03-01.',
      data: { passwordGrant: false, provenByAnswer: false },
      hint: /API token with scopes/u,
      requests: 0,
    },
  },
  {
    name: 'an account password with an OAuth consumer is the password grant',
    input: { credentials: [...consumer, password] },
    expected: {
      verdict: 'fail',
      code: 'ACCOUNT_PASSWORD_REJECTED',
      summary: /is in play with the OAuth password grant/u,
      data: { passwordGrant: true, provenByAnswer: false },
    },
  },
]);

describe('two-factor quotes Bitbucket when identity sent the password', () => {
  beforeEach(() => {
    nock.disableNetConnect();
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const tokenFetch: Check = {
    meta: { id: 'token-fetch', title: 'Stub token-fetch', description: 'Stub.', codes: [] },
    run: (): Outcome => ({ verdict: 'skip', summary: 'Skipped: no OAuth consumer (stub).' }),
  };

  const connectivity: Check = {
    meta: { id: 'connectivity', title: 'Stub connectivity', description: 'Stub.', codes: [] },
    run: (): Outcome => ({ verdict: 'pass', summary: 'Reached (stub).' }),
  };

  it('provenByAnswer is true when identity got the §3.4 "stopped supporting account passwords" answer', async () => {
    const input = makeInput({ credentials: [password] });
    const http = makeHttp(input);
    const scope = fx.reply(
      nock(API)
        .get('/2.0/user')
        .matchHeader(
          'authorization',
          `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`,
        ),
      'account-password-401',
    );
    const [, , identityReport, report] = await runChecks(
      [connectivity, tokenFetch, identity, check],
      {
        input,
        httpFor: (evidence) => http.forCheck(evidence),
      },
    );
    expect(scope.pendingMocks()).toEqual([]);
    expect(identityReport?.code).toBe('ACCOUNT_PASSWORD_REJECTED');
    expect(report?.status).toBe('fail');
    expect(report?.code).toBe('ACCOUNT_PASSWORD_REJECTED');
    expect(report?.data).toEqual({ passwordGrant: false, provenByAnswer: true });
    expect(report?.summary).toMatch(/\(its answer above says so\)\.$/u);
    // two-factor itself sends nothing: the one request is identity's.
    expect(http.sent).toBe(1);
    expect(report?.evidence).toEqual([]);
  });

  it('provenByAnswer stays false when identity got another answer', async () => {
    const input = makeInput({ credentials: [password] });
    const http = makeHttp(input);
    nock(API)
      .get('/2.0/user')
      .reply(401, 'Login failed due to incorrect login credentials or method.');
    const [, , , report] = await runChecks([connectivity, tokenFetch, identity, check], {
      input,
      httpFor: (evidence) => http.forCheck(evidence),
    });
    expect(report?.code).toBe('ACCOUNT_PASSWORD_REJECTED');
    expect(report?.data['provenByAnswer']).toBe(false);
  });
});
