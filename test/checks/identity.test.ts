import nock from 'nock';
import { expect } from 'vitest';
import check from '../../checks/identity/index.js';
import type { FetchedToken } from '../../src/facts/auth.js';
import { credentialFromAuthorization } from '../../src/intake/input.js';
import type { CheckReport, DoctorInput, GivenHeader } from '../../src/types.js';
import { type Prior, testCheck } from '../helpers/check-tester.js';
import { API, cred } from '../helpers/context.js';
import { fixturesOf } from '../helpers/fixtures.js';

const fx = fixturesOf('identity');
const EMAIL = 'alice@example.com';
const API_TOKEN = 'ATATT3xFfGF0aliceApiToken=0000AAAA';
const APP_PASSWORD = 'ATBBalicesAppPassword12345678';
const PASSWORD = 'correct horse battery staple';
const OAUTH = 'oauthValidTokenForAlice_abcdefghijklmnopqrstuvwxyz0123456789';
const OAUTH_EXPIRED = 'oauthExpiredTokenForAlice_abcdefghijklmnopqrstuvwxyz012345';
const REPO_TOKEN = 'ATCTT3xFfGN0repoToken=1111AAAA';
const basic = (user: string, secret: string): string =>
  `Basic ${Buffer.from(`${user}:${secret}`, 'utf8').toString('base64')}`;

/** GET /2.0/user, answered only when sent with exactly this Authorization header. */
const user = (authorization: string): nock.Interceptor =>
  nock(API).get('/2.0/user').matchHeader('authorization', authorization);

/** What the intake builds from `--header 'Authorization: <value>'`. */
const fromHeader = (value: string, extra: Partial<DoctorInput> = {}): Partial<DoctorInput> => {
  const header: GivenHeader = { name: 'Authorization', value, source: 'flag:--header' };
  const credential = credentialFromAuthorization(header);
  return { headers: [header], credentials: credential === undefined ? [] : [credential], ...extra };
};
const sent = (report: CheckReport): (string | undefined)[] =>
  report.evidence.map((e) => e.request.headers['authorization']);
const tokenFetchPassed = (token?: FetchedToken): Record<string, Prior> => ({
  'token-fetch': {
    outcome: { verdict: 'pass', summary: 'token-fetch passed (stub)' },
    ...(token === undefined ? {} : { provides: { fetchedToken: token } }),
  },
});

testCheck(check, [
  {
    name: 'an API token with the account email authenticates: pass with the username',
    input: { credentials: [cred('api-token', API_TOKEN, { username: EMAIL })], email: EMAIL },
    http: () => fx.reply(user(basic(EMAIL, API_TOKEN)), 'user-200'),
    expected: {
      verdict: 'pass',
      summary: `Authenticated as alice (Basic with ${EMAIL}).`,
      data: {
        status: 200,
        username: 'alice',
        displayName: 'Alice Example',
        accountId: '712020:alice',
        via: `Basic with ${EMAIL}`,
      },
      requests: 1,
    },
  },
  {
    name: 'an API token with the username, then the email: API_TOKEN_NEEDS_EMAIL, fix verified',
    input: {
      credentials: [cred('api-token', API_TOKEN, { username: 'alice' })],
      username: 'alice',
      email: EMAIL,
    },
    http: () => [
      fx.reply(user(basic('alice', API_TOKEN)), 'login-failed-401'),
      fx.reply(user(basic(EMAIL, API_TOKEN)), 'user-200'),
    ],
    expected: {
      verdict: 'fail',
      code: 'API_TOKEN_NEEDS_EMAIL',
      summary: new RegExp(
        `sent with the username alice and refused \\(401\\); with the account email ${EMAIL} it works \\(200\\)`,
        'u',
      ),
      data: { fixVerified: true, status: 200, username: 'alice' },
      hint: /Atlassian account email/u,
      requests: 2,
    },
    assert: (report) => {
      expect(sent(report)).toEqual([basic('alice', API_TOKEN), basic(EMAIL, API_TOKEN)]);
    },
  },
  {
    name: 'an API token with the username and no email known: API_TOKEN_NEEDS_EMAIL, unproven',
    input: { credentials: [cred('api-token', API_TOKEN, { username: 'alice' })] },
    http: () => fx.reply(user(basic('alice', API_TOKEN)), 'login-failed-401'),
    expected: {
      verdict: 'fail',
      code: 'API_TOKEN_NEEDS_EMAIL',
      summary: /username alice and refused \(401 "Login failed due to incorrect login credentials/u,
      data: { fixVerified: false },
      hint: /--email or BITBUCKET_EMAIL/u,
      requests: 1,
    },
  },
  {
    name: 'refused with the username and with the email ("Token is invalid"): API_TOKEN_UNSCOPED',
    input: {
      credentials: [cred('api-token', API_TOKEN, { username: 'alice' })],
      email: EMAIL,
    },
    http: () => [
      fx.reply(user(basic('alice', API_TOKEN)), 'login-failed-401'),
      fx.reply(user(basic(EMAIL, API_TOKEN)), 'token-invalid-401'),
    ],
    expected: {
      verdict: 'fail',
      code: 'API_TOKEN_UNSCOPED',
      summary: /Refused with the username and with the email/u,
      data: { fixVerified: false },
      hint: /Create API token with scopes/u,
      requests: 2,
    },
  },
  {
    name: 'an API token with the email refused as "Token is invalid": API_TOKEN_UNSCOPED',
    input: { credentials: [cred('api-token', API_TOKEN, { username: EMAIL })], email: EMAIL },
    http: () => fx.reply(user(basic(EMAIL, API_TOKEN)), 'token-invalid-401'),
    expected: {
      verdict: 'fail',
      code: 'API_TOKEN_UNSCOPED',
      summary: /Token is invalid, expired, or not supported for this endpoint/u,
      requests: 1,
    },
  },
  {
    name: 'an API token sent as a Bearer header: API_TOKEN_AS_BEARER, retried as Basic with the email',
    input: fromHeader(`Bearer ${API_TOKEN}`, { email: EMAIL }),
    http: () => [
      fx.reply(user(`Bearer ${API_TOKEN}`), 'token-invalid-401'),
      fx.reply(user(basic(EMAIL, API_TOKEN)), 'user-200'),
    ],
    expected: {
      verdict: 'fail',
      code: 'API_TOKEN_AS_BEARER',
      summary: new RegExp(`as Basic with ${EMAIL} it works \\(200\\)`, 'u'),
      data: { fixVerified: true, username: 'alice' },
      hint: /HTTP Basic with your Atlassian account email/u,
      requests: 2,
    },
    assert: (report) => {
      expect(sent(report)).toEqual([`Bearer ${API_TOKEN}`, basic(EMAIL, API_TOKEN)]);
      expect(report.remediation?.commands?.join(' ')).not.toContain(API_TOKEN);
    },
  },
  {
    name: 'an ATATT token given as --access-token is an API token sent as Bearer: API_TOKEN_AS_BEARER',
    input: {
      credentials: [cred('access-token', API_TOKEN, { source: 'flag:--access-token' })],
    },
    http: () => fx.reply(user(`Bearer ${API_TOKEN}`), 'token-invalid-401'),
    expected: {
      verdict: 'fail',
      code: 'API_TOKEN_AS_BEARER',
      summary: /An API token \(ATATT…\) was sent as Bearer and refused \(401 "Token is invalid/u,
      data: { fixVerified: false },
      hint: /set --email or BITBUCKET_EMAIL/u,
      requests: 1,
    },
  },
  {
    name: 'an app password refused with 401: APP_PASSWORD_REMOVED',
    input: { credentials: [cred('app-password', APP_PASSWORD, { username: 'alice' })] },
    http: () => fx.reply(user(basic('alice', APP_PASSWORD)), 'login-failed-401'),
    expected: {
      verdict: 'fail',
      code: 'APP_PASSWORD_REMOVED',
      summary: /An app password was refused \(401 .*2026-07-28/u,
      hint: /API token with scopes/u,
      requests: 1,
    },
  },
  {
    name: 'an account password refused with the §3.4 text: ACCOUNT_PASSWORD_REJECTED',
    input: { credentials: [cred('account-password', PASSWORD, { username: 'alice' })] },
    http: () => fx.reply(user(basic('alice', PASSWORD)), 'account-password-401'),
    expected: {
      verdict: 'fail',
      code: 'ACCOUNT_PASSWORD_REJECTED',
      summary: /stopped supporting account passwords.*since 2022-03-01/u,
      requests: 1,
    },
  },
  {
    name: 'an unclassified Basic secret answered with the account-password text: ACCOUNT_PASSWORD_REJECTED',
    input: fromHeader(basic('alice', 'hunter2hunter2')),
    http: () => fx.reply(user(basic('alice', 'hunter2hunter2')), 'account-password-401'),
    expected: { verdict: 'fail', code: 'ACCOUNT_PASSWORD_REJECTED', requests: 1 },
  },
  {
    name: 'a repository access token in Basic (x-token-auth): ACCESS_TOKEN_AS_BASIC, Bearer gets 403 repo_access_token',
    input: fromHeader(basic('x-token-auth', REPO_TOKEN)),
    http: () => [
      fx.reply(user(basic('x-token-auth', REPO_TOKEN)), 'login-failed-401'),
      fx.reply(user(`Bearer ${REPO_TOKEN}`), 'access-token-not-a-user-403'),
    ],
    expected: {
      verdict: 'fail',
      code: 'ACCESS_TOKEN_AS_BASIC',
      summary:
        /sent with Basic and refused \(401\); as Bearer it works \(403, repo_access_token\)/u,
      data: {
        fixVerified: true,
        status: 403,
        credentialType: 'repo_access_token',
        scopes: 'repository:write',
      },
      hint: /Bearer <token>/u,
      requests: 2,
    },
    assert: (report) => {
      expect(sent(report)).toEqual([basic('x-token-auth', REPO_TOKEN), `Bearer ${REPO_TOKEN}`]);
    },
  },
  {
    name: 'a repository access token as Bearer answered 403 with x-credential-type: pass, not a user',
    input: fromHeader(`Bearer ${REPO_TOKEN}`),
    http: () => fx.reply(user(`Bearer ${REPO_TOKEN}`), 'access-token-not-a-user-403'),
    expected: {
      verdict: 'pass',
      summary: /Valid repo_access_token: it is not a user/u,
      data: { notAUser: true, status: 403, credentialType: 'repo_access_token', via: 'Bearer' },
      requests: 1,
    },
  },
  {
    name: 'an API token without read:user:bitbucket answered 403 "Forbidden": pass, identity scope missing',
    input: { credentials: [cred('api-token', API_TOKEN, { username: EMAIL })] },
    http: () => fx.reply(user(basic(EMAIL, API_TOKEN)), 'forbidden-403'),
    expected: {
      verdict: 'pass',
      summary: /lacks the account \/ read:user:bitbucket scope/u,
      data: { missingIdentityScope: true, status: 403 },
      requests: 1,
    },
  },
  {
    name: 'an expired OAuth access token: TOKEN_EXPIRED',
    input: { credentials: [cred('access-token', OAUTH_EXPIRED)] },
    http: () => fx.reply(user(`Bearer ${OAUTH_EXPIRED}`), 'token-expired-401'),
    expected: {
      verdict: 'fail',
      code: 'TOKEN_EXPIRED',
      summary: /Access token expired\. Use your refresh token.*live 2 hours/u,
      hint: /refresh token/u,
      requests: 1,
    },
  },
  {
    name: 'the short 2021 expiry message is TOKEN_EXPIRED too',
    input: { credentials: [cred('access-token', OAUTH_EXPIRED)] },
    http: () => fx.reply(user(`Bearer ${OAUTH_EXPIRED}`), 'token-expired-short-401'),
    expected: { verdict: 'fail', code: 'TOKEN_EXPIRED', requests: 1 },
  },
  {
    name: 'a token Bitbucket does not know: TOKEN_INVALID',
    input: { credentials: [cred('access-token', OAUTH)] },
    http: () => fx.reply(user(`Bearer ${OAUTH}`), 'token-invalid-401'),
    expected: {
      verdict: 'fail',
      code: 'TOKEN_INVALID',
      summary: /does not recognise the token \(401 "Token is invalid/u,
      requests: 1,
    },
  },
  {
    name: 'Basic refused, and the secret refused as Bearer too: AUTH_REJECTED',
    input: fromHeader(basic('alice', 'someSecretValue42')),
    http: () => [
      fx.reply(user(basic('alice', 'someSecretValue42')), 'login-failed-401'),
      fx.reply(user('Bearer someSecretValue42'), 'token-invalid-401'),
    ],
    expected: {
      verdict: 'fail',
      code: 'AUTH_REJECTED',
      summary: /does not work as Bearer either/u,
      requests: 2,
    },
  },
  {
    name: 'an OAuth token that works: pass via Bearer',
    input: { credentials: [cred('access-token', OAUTH)] },
    http: () => fx.reply(user(`Bearer ${OAUTH}`), 'user-200'),
    expected: {
      verdict: 'pass',
      data: { username: 'alice', via: 'Bearer' },
      requests: 1,
    },
  },
  {
    name: 'the API answers like Data Center (connectivity says so): skipped, not misread as a bad token',
    input: { credentials: [cred('access-token', OAUTH)] },
    prior: {
      connectivity: {
        outcome: {
          verdict: 'warn',
          code: 'NOT_BITBUCKET',
          summary: 'Data Center (stub).',
          remediation: { hint: 'Use Cloud.' },
          data: { product: 'data-center' },
        },
        provides: { product: 'data-center' },
      },
    },
    http: () =>
      nock(API)
        .get('/2.0/user')
        .reply(404, { errors: [{ message: 'No such resource' }] }, { 'x-arequestid': '@1X' }),
    expected: { verdict: 'skip', summary: /Bitbucket Data Center/u, requests: 1 },
  },
  {
    name: 'only an OAuth consumer: the token token-fetch obtained is tested as Bearer',
    input: {
      credentials: [cred('client-id', 'ciKey000000000000a'), cred('client-secret', 'ciSecret00')],
    },
    prior: tokenFetchPassed({ token: OAUTH, scopes: ['account'], grant: 'client_credentials' }),
    http: () => fx.reply(user(`Bearer ${OAUTH}`), 'user-200'),
    expected: { verdict: 'pass', data: { username: 'alice', via: 'Bearer' }, requests: 1 },
  },
  {
    name: 'only an OAuth consumer and no token obtained: skipped without a request',
    input: {
      credentials: [cred('client-id', 'ciKey000000000000a'), cred('client-secret', 'ciSecret00')],
    },
    prior: tokenFetchPassed(),
    expected: { verdict: 'skip', summary: /no user credential and no OAuth token/u, requests: 0 },
  },
  {
    name: '/2.0/user answered 429: skipped, a limit says nothing about the credentials',
    input: { credentials: [cred('api-token', API_TOKEN, { username: EMAIL })] },
    http: () => fx.reply(user(basic(EMAIL, API_TOKEN)), 'rate-limited-429'),
    expected: { verdict: 'skip', summary: /answered 429/u, requests: 1 },
  },
  {
    name: 'an unexpanded $VAR secret: skipped without any request',
    input: {
      credentials: [cred('api-token', '$BITBUCKET_API_TOKEN', { username: EMAIL })],
      email: EMAIL,
    },
    prior: tokenFetchPassed(),
    expected: { verdict: 'skip', summary: /unexpanded shell expression/u, requests: 0 },
  },
  {
    name: 'no credentials at all: skipped',
    expected: { verdict: 'skip', summary: /no credentials were given/u, requests: 0 },
  },
]);
