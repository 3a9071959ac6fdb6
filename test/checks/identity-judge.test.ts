import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import check from '../../checks/identity/index.js';
import type { Experiment, IdentityFacts, SentCredential } from '../../checks/identity/judge.js';
import type { AuthAttempt } from '../../src/facts/auth.js';
import { makeResult } from '../../src/http/client.js';
import type { Exchange, HttpResult } from '../../src/types.js';
import { testJudge } from '../helpers/judge-tester.js';

/** identity's judge as data: the same judge for live facts and captured ones (RuleTester-style). */
const fixture = (
  name: string,
): { status: number; headers: Record<string, string>; body: string } => {
  const raw = JSON.parse(
    readFileSync(new URL(`../../fixtures/checks/identity/${name}.json`, import.meta.url), 'utf8'),
  ) as { status: number; headers: Record<string, string>; body: unknown };
  return {
    status: raw.status,
    headers: raw.headers,
    body: typeof raw.body === 'string' ? raw.body : JSON.stringify(raw.body),
  };
};
const answer = (
  response: { status: number; headers: Record<string, string>; body: string } | undefined,
  url = 'https://api.bitbucket.org/2.0/user',
  error?: Exchange['error'],
): HttpResult =>
  makeResult({
    exchange: {
      request: { method: 'GET', url, headers: {} },
      ...(response === undefined ? {} : { response }),
      ...(error === undefined ? {} : { error }),
      durationMs: 1,
    },
    body: response?.body ?? '',
  });
const LOGIN_FAILED = {
  status: 401,
  headers: { 'www-authenticate': 'Basic realm="Bitbucket.org HTTP"' },
  body: 'Login failed due to incorrect login credentials or method.',
};
const TOKEN_INVALID = fixture('token-invalid-401');
const OK = fixture('user-200');
const auth = (describe: string): AuthAttempt => ({
  header: 'Basic c2VjcmV0',
  describe,
  secretKey: 'k',
  credential: {
    kind: 'api-token',
    source: 'flag:--api-token',
    secret: 's',
    raw: 's',
    classifiedBy: 'flag',
  },
});
const sent = (kind: SentCredential['kind'], scheme: string, username?: string): SentCredential => ({
  kind,
  scheme,
  username,
  describe: `${scheme}${username === undefined ? '' : ` with ${username}`}`,
});
const live = (extra: Partial<IdentityFacts>): IdentityFacts => ({
  captured: false,
  url: 'https://api.bitbucket.org/2.0/user',
  date: new Date('2026-12-01T00:00:00Z'),
  requestKnown: true,
  ...extra,
});
const captured = (extra: Partial<IdentityFacts>): IdentityFacts =>
  live({ captured: true, url: 'https://api.bitbucket.org/2.0/repositories/acme/x', ...extra });
const experiment = (change: Experiment['change'], result: HttpResult): Experiment => ({
  change,
  auth: auth(change === 'bearer' ? 'Bearer' : 'Basic with alice@example.com'),
  result,
});

testJudge(check, {
  valid: [
    {
      name: 'nothing to test: skip with the reason',
      facts: live({ skip: 'no user credential.' }),
      verdict: 'skip',
    },
    {
      name: 'an app password with no username is not sent either: skip, add --username',
      facts: live({ noUsername: { kind: 'app-password', source: 'env:BITBUCKET_APP_PASSWORD' } }),
      verdict: 'skip',
      summary: /Add --username \(or --email\) to verify it\./u,
    },
    {
      name: 'a 200 names the account and provides the working auth',
      facts: live({
        sent: sent('api-token', 'Basic', 'alice@example.com'),
        first: auth('Basic with alice@example.com'),
        result: answer(OK),
      }),
      verdict: 'pass',
      summary: /^Authenticated as /u,
      assert: (o) => expect(o.provides?.workingAuth?.describe).toBe('Basic with alice@example.com'),
    },
    {
      name: 'an access token on /2.0/user answers 403: not a user, valid',
      facts: live({
        sent: sent('access-token', 'Bearer'),
        result: answer(fixture('access-token-not-a-user-403')),
      }),
      data: { notAUser: true },
    },
    {
      name: 'a 429 says nothing about the credentials',
      facts: live({
        sent: sent('api-token', 'Basic', 'a@b.c'),
        result: answer(fixture('rate-limited-429')),
      }),
      verdict: 'skip',
    },
    {
      name: 'Data Center, live: skipped, never misread as a bad token',
      facts: live({
        product: 'data-center',
        sent: sent('api-token', 'Basic', 'a'),
        result: answer(LOGIN_FAILED),
      }),
      verdict: 'skip',
    },
  ],
  invalid: [
    {
      name: 'an API token with no username at all is not sent: API_TOKEN_NEEDS_EMAIL, add --email to verify',
      facts: live({ noUsername: { kind: 'api-token', source: 'flag:--api-token' } }),
      verdict: 'fail',
      code: 'API_TOKEN_NEEDS_EMAIL',
      summary:
        /has no username to go with it.*Not sent, since it cannot work: add --email to verify\./u,
    },
    {
      name: 'live: API token with the username, the email works: proven by the experiment',
      facts: live({
        sent: sent('api-token', 'Basic', 'alice'),
        result: answer(LOGIN_FAILED),
        email: 'alice@example.com',
        experiment: experiment('email', answer(OK)),
      }),
      code: 'API_TOKEN_NEEDS_EMAIL',
      summary: /with the account email alice@example.com it works \(200\)/u,
      proof: { asSent: 401, corrected: 200, verified: true },
      assert: (o) => expect(o.provides?.workingAuth).toBeDefined(),
    },
    {
      name: 'captured: the same API token with the username, no experiment: the same code, worded as a capture',
      facts: captured({ sent: sent('api-token', 'Basic', 'alice'), result: answer(LOGIN_FAILED) }),
      code: 'API_TOKEN_NEEDS_EMAIL',
      summary: /^The captured request sent an API token/u,
      assert: (o) => expect(o.proof).toBeUndefined(),
    },
    {
      name: 'live: refused with the username and the email as invalid: an unscoped classic token',
      facts: live({
        sent: sent('api-token', 'Basic', 'alice'),
        result: answer(LOGIN_FAILED),
        email: 'alice@example.com',
        experiment: experiment('email', answer(TOKEN_INVALID)),
      }),
      code: 'API_TOKEN_UNSCOPED',
      proof: { verified: false },
    },
    {
      name: 'an API token as Bearer, Basic with the email works',
      facts: live({
        sent: sent('api-token', 'Bearer'),
        result: answer(TOKEN_INVALID),
        email: 'alice@example.com',
        experiment: experiment('basic-email', answer(OK)),
      }),
      code: 'API_TOKEN_AS_BEARER',
      proof: { verified: true },
    },
    {
      name: 'captured: an access token (x-token-auth) with Basic',
      facts: captured({
        sent: sent('access-token', 'Basic', 'x-token-auth'),
        result: answer(LOGIN_FAILED),
      }),
      code: 'ACCESS_TOKEN_AS_BASIC',
      summary: /^The captured request sent an access token with Basic/u,
    },
    {
      name: 'live: a token sent with Basic that works as Bearer',
      facts: live({
        sent: sent(undefined, 'Basic', 'bob'),
        result: answer(LOGIN_FAILED),
        experiment: experiment('bearer', answer(OK)),
      }),
      code: 'ACCESS_TOKEN_AS_BASIC',
      proof: { asSent: 401, corrected: 200, verified: true },
    },
    {
      name: 'live: Basic refused and not as Bearer either: AUTH_REJECTED with ranked alternatives',
      facts: live({
        sent: sent(undefined, 'Basic', 'bob'),
        result: answer(LOGIN_FAILED),
        experiment: experiment('bearer', answer(TOKEN_INVALID)),
      }),
      code: 'AUTH_REJECTED',
      assert: (o) => {
        const alternatives = o.data?.['alternatives'] as { code: string; tell: string }[];
        expect(alternatives.map((a) => a.code)).toContain('API_TOKEN_NEEDS_EMAIL');
        expect(alternatives.every((a) => a.tell.length > 0)).toBe(true);
      },
    },
    {
      name: 'an app password refused after 2026-07-28 is removed',
      facts: live({ sent: sent('app-password', 'Basic', 'alice'), result: answer(LOGIN_FAILED) }),
      code: 'APP_PASSWORD_REMOVED',
      summary: /were removed on 2026-07-28/u,
    },
    {
      name: 'an account password is rejected',
      facts: live({
        sent: sent('account-password', 'Basic', 'alice'),
        result: answer(fixture('account-password-401')),
      }),
      code: 'ACCOUNT_PASSWORD_REJECTED',
    },
    {
      name: 'an expired OAuth token',
      facts: live({
        sent: sent('access-token', 'Bearer'),
        result: answer(fixture('token-expired-401')),
      }),
      code: 'TOKEN_EXPIRED',
    },
    {
      name: 'a Bearer token Bitbucket does not know',
      facts: live({ sent: sent('access-token', 'Bearer'), result: answer(TOKEN_INVALID) }),
      code: 'TOKEN_INVALID',
    },
    {
      name: 'captured "Login failed" without the request, answered after 2026-07-28: the app password is the likeliest, alternatives listed',
      facts: captured({
        requestKnown: false,
        date: new Date('2026-09-01T00:00:00Z'),
        result: answer(LOGIN_FAILED, ''),
      }),
      code: 'APP_PASSWORD_REMOVED',
      summary: /the capture does not show the request/u,
      assert: (o) => {
        expect(o.data?.['likeliest']).toBe('APP_PASSWORD_REMOVED');
        const codes = (o.data?.['alternatives'] as { code: string }[]).map((a) => a.code);
        expect(codes[0]).toBe('APP_PASSWORD_REMOVED');
        expect(codes).toContain('API_TOKEN_NEEDS_EMAIL');
      },
    },
    {
      name: 'captured "Login failed" without the request, before the removal: the API token with the username is the likeliest',
      facts: captured({
        requestKnown: false,
        date: new Date('2026-03-01T00:00:00Z'),
        result: answer(LOGIN_FAILED, ''),
      }),
      code: 'API_TOKEN_NEEDS_EMAIL',
      assert: (o) => expect(o.data?.['likeliest']).toBe('API_TOKEN_NEEDS_EMAIL'),
    },
    {
      name: 'captured Data Center 401 with X-AUSERNAME: authenticated, not permitted',
      facts: captured({
        product: 'data-center',
        sent: sent('unknown', 'Basic', 'alice'),
        result: answer({
          status: 401,
          headers: {
            'x-arequestid': 'r1',
            'x-ausername': 'alice',
            'content-type': 'application/json',
          },
          body: JSON.stringify({
            errors: [
              {
                context: null,
                message: 'You are not permitted to access this resource',
                exceptionName: 'com.atlassian.bitbucket.AuthorisationException',
              },
            ],
          }),
        }),
      }),
      code: 'DC_NOT_PERMITTED',
      data: { product: 'data-center', authenticatedAs: 'alice' },
    },
    {
      name: 'the network, never "your token is invalid"',
      facts: live({
        sent: sent('api-token', 'Basic', 'a@b.c'),
        result: answer(undefined, 'https://api.bitbucket.org/2.0/user', {
          code: 'ECONNRESET',
          message: 'socket hang up',
        }),
      }),
      code: 'NETWORK_UNREACHABLE',
    },
  ],
});
