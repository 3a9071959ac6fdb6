import nock from 'nock';
import { expect } from 'vitest';
import check from '../../checks/public-private-contrast.js';
import { credentialFromAuthorization } from '../../src/intake/input.js';
import type { DoctorInput, GivenHeader, Outcome } from '../../src/types.js';
import { type Prior, testCheck } from '../helpers/check-tester.js';
import { API, cred } from '../helpers/context.js';
import { fixturesOf } from '../helpers/fixtures.js';

const fx = fixturesOf('public-private-contrast');
const EMAIL = 'alice@example.com';
const API_TOKEN = 'ATATT3xFfGF0aliceApiToken=0000AAAA';
const OAUTH = 'oauthValidTokenForAlice_abcdefghijklmnopqrstuvwxyz0123456789';
const LISTING = '/2.0/repositories/acme';
const basic = (user: string, secret: string): string =>
  `Basic ${Buffer.from(`${user}:${secret}`, 'utf8').toString('base64')}`;

/** The workspace listing sent without any Authorization header (the anonymous side). */
const anonymous = (): nock.Interceptor =>
  nock(API, { badheaders: ['authorization'] })
    .get(LISTING)
    .query({ pagelen: '100' });
/** The workspace listing sent with exactly this Authorization header. */
const withAuth = (authorization: string): nock.Interceptor =>
  nock(API, { reqheaders: { authorization } }).get(LISTING).query({ pagelen: '100' });

/** `--header 'Authorization: <value>' --workspace acme`, as the intake builds it. */
const userHeader = (value: string): Partial<DoctorInput> => {
  const header: GivenHeader = { name: 'Authorization', value, source: 'flag:--header' };
  const credential = credentialFromAuthorization(header);
  return {
    workspace: 'acme',
    headers: [header],
    credentials: credential === undefined ? [] : [credential],
  };
};
const apiToken: Partial<DoctorInput> = {
  workspace: 'acme',
  email: EMAIL,
  credentials: [cred('api-token', API_TOKEN, { username: EMAIL })],
};
/** The earlier checks it may wait for: token-fetch (through bestAuth) and identity. */
const identity = (outcome: Outcome): Record<string, Prior> => ({
  'token-fetch': { outcome: { verdict: 'skip', summary: 'Skipped: no OAuth consumer (stub).' } },
  identity: { outcome },
});
const identityPassed = identity({ verdict: 'pass', summary: 'Authenticated as alice (stub).' });
const identityFailed = identity({
  verdict: 'fail',
  code: 'TOKEN_INVALID',
  summary: 'Bitbucket does not recognise the token (stub).',
  remediation: { hint: 'Create a new token.' },
});

testCheck(check, [
  {
    name: 'the user header is ignored (identical listings, no private repo): CREDENTIALS_IGNORED',
    input: userHeader(`bearer ${OAUTH}`),
    prior: identityPassed,
    http: () => [
      fx.reply(anonymous(), 'listing-public'),
      fx.reply(withAuth(`bearer ${OAUTH}`), 'listing-public'),
    ],
    expected: {
      verdict: 'fail',
      code: 'CREDENTIALS_IGNORED',
      summary:
        /With your headers the listing of acme is identical to the anonymous one \(2 repositories, 0 private\)/u,
      data: { anonymous: { size: 2, private: 0 }, authenticated: { size: 2, private: 0 } },
      hint: /Authorization header/u,
      requests: 2,
    },
    assert: (report) => {
      // The user's header went out verbatim (that is the call under suspicion), the other bare.
      const sent = report.evidence.map((e) => e.request.headers['authorization']);
      expect(sent.sort()).toEqual([`bearer ${OAUTH}`, undefined].sort());
    },
  },
  {
    name: 'with a repository target, the user call getting the anonymous 404 is named too',
    input: {
      ...userHeader(`bearer ${OAUTH}`),
      repo: 'secret-repo',
      failingRequest: {
        method: 'GET',
        url: `${API}/2.0/repositories/acme/secret-repo/commits/master`,
        headers: [{ name: 'Authorization', value: `bearer ${OAUTH}`, source: 'flag:--header' }],
        source: 'url',
      },
    },
    prior: identityPassed,
    http: () => [
      fx.reply(anonymous(), 'listing-public'),
      fx.reply(withAuth(`bearer ${OAUTH}`), 'listing-public'),
      fx.reply(
        nock(API, { reqheaders: { authorization: `bearer ${OAUTH}` } }).get(
          '/2.0/repositories/acme/secret-repo/commits/master',
        ),
        'repo-no-access-404',
      ),
    ],
    expected: {
      verdict: 'fail',
      code: 'CREDENTIALS_IGNORED',
      summary: /your call to acme\/secret-repo got the anonymous 404/u,
      data: { anonymousSignatureOnTarget: true },
      requests: 3,
    },
  },
  {
    name: 'the authenticated listing shows the private repository: pass',
    input: apiToken,
    prior: identityPassed,
    http: () => [
      fx.reply(anonymous(), 'listing-public'),
      fx.reply(withAuth(basic(EMAIL, API_TOKEN)), 'listing-with-private'),
    ],
    expected: {
      verdict: 'pass',
      summary:
        'The authenticated listing of acme shows 3 repositories (1 private); anonymous shows 2.',
      data: { anonymous: { size: 2, private: 0 }, authenticated: { size: 3, private: 1 } },
      requests: 2,
    },
  },
  {
    name: 'the authenticated listing answers 401: pass, the credentials were read (refused)',
    input: apiToken,
    prior: identityFailed,
    http: () => [
      fx.reply(anonymous(), 'listing-public'),
      fx.reply(withAuth(basic(EMAIL, API_TOKEN)), 'login-failed-401'),
    ],
    expected: {
      verdict: 'pass',
      summary:
        /Bitbucket read the credentials: the listing answered 401 with them and 200 without/u,
      data: { anonymousStatus: 200, authenticatedStatus: 401 },
      requests: 2,
    },
  },
  {
    name: 'identical listings with flag/env credentials and identity passed: pass (no private repos)',
    input: apiToken,
    prior: identityPassed,
    http: () => [
      fx.reply(anonymous(), 'listing-public'),
      fx.reply(withAuth(basic(EMAIL, API_TOKEN)), 'listing-public'),
    ],
    expected: {
      verdict: 'pass',
      summary: /Identical listings, but identity proved the credentials work/u,
      data: { authenticated: { size: 2, private: 0 } },
      requests: 2,
    },
  },
  {
    name: 'identical listings with flag/env credentials and identity failed: CREDENTIALS_IGNORED',
    input: apiToken,
    prior: identityFailed,
    http: () => [
      fx.reply(anonymous(), 'listing-public'),
      fx.reply(withAuth(basic(EMAIL, API_TOKEN)), 'listing-public'),
    ],
    expected: {
      verdict: 'fail',
      code: 'CREDENTIALS_IGNORED',
      summary: /With the credentials the listing of acme is identical/u,
      requests: 2,
    },
  },
  {
    name: 'a 429 on the listing: skipped (see rate-limit)',
    input: apiToken,
    prior: identityPassed,
    http: () => [
      fx.reply(anonymous(), 'listing-public'),
      fx.reply(withAuth(basic(EMAIL, API_TOKEN)), 'rate-limited-429'),
    ],
    expected: { verdict: 'skip', summary: /rate limited/u },
  },
  {
    name: 'no workspace: skipped without a request',
    input: { credentials: [cred('api-token', API_TOKEN, { username: EMAIL })] },
    expected: { verdict: 'skip', summary: /no workspace was given/u, requests: 0 },
  },
  {
    name: 'no credentials: skipped without a request',
    input: { workspace: 'acme' },
    expected: { verdict: 'skip', summary: /no credentials were given/u, requests: 0 },
  },
]);
