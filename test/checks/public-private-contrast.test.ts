import { readFileSync } from 'node:fs';
import nock from 'nock';
import { expect } from 'vitest';
import check, { type ContrastFacts } from '../../checks/public-private-contrast.js';
import { type CapturedCall, describeAuthorization } from '../../src/facts/capture.js';
import { type LiveContrastFacts, listingOf } from '../../src/facts/contrast.js';
import { failingRequestOf, mostImportantFailure } from '../../src/explain/offline.js';
import { parseCapture } from '../../src/explain/parse.js';
import { makeResult } from '../../src/http/client.js';
import { credentialFromAuthorization, targetFromPath } from '../../src/intake/input.js';
import type { DoctorInput, GivenHeader, Outcome } from '../../src/types.js';
import { type Prior, testCheck } from '../helpers/check-tester.js';
import { API, cred } from '../helpers/context.js';
import { fixturesOf, wireBody } from '../helpers/fixtures.js';
import { testJudge } from '../helpers/judge-tester.js';

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

// -----------------------------------------------------------------------------------------------
// The judge, as data: the two listings (live) and the captured call (explain).
// -----------------------------------------------------------------------------------------------

/** A recorded answer as the response of a captured or replayed exchange. */
const response = (
  name: string,
): { status: number; headers: Record<string, string>; body: string } => {
  const fixture = fx.load(name);
  return { status: fixture.status, headers: { ...fixture.headers }, body: wireBody(fixture) };
};
const answer = (name: string): ReturnType<typeof listingOf> =>
  listingOf(
    makeResult({
      exchange: {
        request: { method: 'GET', url: `${API}${LISTING}`, headers: {} },
        response: response(name),
        durationMs: 1,
      },
      body: response(name).body,
    }),
  );
const live = (
  anonymousSide: string,
  authenticatedSide: string,
  extra: Partial<LiveContrastFacts> = {},
): LiveContrastFacts => ({
  source: 'live',
  workspace: 'acme',
  usesOwn: true,
  anonymous: answer(anonymousSide),
  authenticated: answer(authenticatedSide),
  dataCenter: false,
  target: 'your call to acme/secret-repo',
  listingUrl: `${API}${LISTING}?pagelen=100`,
  ...extra,
});
const captured = (
  name: string,
  authorization: string | undefined,
  extra: Partial<CapturedCall> = {},
): ContrastFacts => ({
  source: 'capture',
  call: {
    index: 2,
    method: 'GET',
    url: `${API}/2.0/repositories/acme/secret-repo`,
    response: response(name),
    sent: authorization === undefined ? undefined : describeAuthorization(authorization),
    ...extra,
  },
});

testJudge<ContrastFacts>(check, {
  valid: [
    {
      name: 'live: the authenticated listing shows a private repository',
      facts: live('listing-public', 'listing-with-private'),
      verdict: 'pass',
      summary:
        'The authenticated listing of acme shows 3 repositories (1 private); anonymous shows 2.',
      data: { anonymous: { size: 2, private: 0 }, authenticated: { size: 3, private: 1 } },
    },
    {
      name: 'live: a 401 with the credentials: they were read (and refused)',
      facts: live('listing-public', 'login-failed-401'),
      verdict: 'pass',
      data: { anonymousStatus: 200, authenticatedStatus: 401 },
    },
    {
      name: 'live: identical listings, but identity proved these credentials',
      facts: live('listing-public', 'listing-public', { proven: true }),
      verdict: 'pass',
      summary: /^Identical listings, but identity proved/u,
    },
    {
      name: 'live: the same error on both sides: nothing to compare',
      facts: live('login-failed-401', 'login-failed-401'),
      verdict: 'skip',
      summary: /answered 401 with and without credentials/u,
    },
    {
      name: 'live: a 429 is rate-limit’s',
      facts: live('listing-public', 'rate-limited-429'),
      verdict: 'skip',
      summary: /rate limited/u,
    },
    {
      name: 'live: Data Center',
      facts: live('listing-public', 'listing-public', { dataCenter: true }),
      verdict: 'skip',
      summary: /Data Center/u,
    },
    {
      name: 'no credentials given',
      facts: { source: 'none', summary: 'Skipped: no credentials were given.' },
      verdict: 'skip',
      summary: 'Skipped: no credentials were given.',
    },
    {
      name: 'capture: a call with credentials has no anonymous side to compare with',
      facts: captured('repo-no-access-404', `Bearer ${OAUTH}`),
      verdict: 'skip',
      summary: /carries credentials \(Bearer with a secret\).*see target-call/u,
    },
    {
      name: 'capture: credentials dropped by a redirect are target-call’s finding',
      facts: captured('repo-no-access-404', undefined, {
        droppedBy: { index: 1, status: 301, sent: describeAuthorization(basic(EMAIL, API_TOKEN)) },
      }),
      verdict: 'skip',
      summary: /redirect of saved exchange 1 dropped its credentials \(see target-call\)/u,
      data: { anonymous: true, credentialsDroppedByRedirect: true },
    },
    {
      name: 'capture: no credentials, and not the anonymous 404 (a 401): the credentials check’s',
      facts: captured('login-failed-401', undefined),
      verdict: 'skip',
      summary: /is not the anonymous 404.*see credentials/u,
    },
    {
      name: 'capture: no failing request',
      facts: { source: 'capture', call: undefined },
      verdict: 'skip',
    },
  ],
  invalid: [
    {
      name: 'live: identical listings with the user’s header: CREDENTIALS_IGNORED',
      facts: live('listing-public', 'listing-public', { proven: false }),
      code: 'CREDENTIALS_IGNORED',
      summary: /^With your headers the listing of acme is identical .*proves nothing\.$/u,
      data: { anonymousSignatureOnTarget: false },
    },
    {
      name: 'live: … and the user’s call got the anonymous 404',
      facts: live('listing-public', 'listing-public', {
        proven: false,
        anonymous404OnTarget: true,
      }),
      code: 'CREDENTIALS_IGNORED',
      summary: /your call to acme\/secret-repo got the anonymous 404/u,
      data: { anonymousSignatureOnTarget: true },
    },
    {
      name: 'capture: a call without credentials got the anonymous 404',
      facts: captured('repo-no-access-404', undefined),
      code: 'REPO_NOT_FOUND_OR_NO_ACCESS',
      summary:
        'The captured request carries no credentials (saved exchange 2 (GET /2.0/repositories/acme/secret-repo → 404)): Bitbucket answers 404 for a private repository to an anonymous caller as for a missing one.',
      hint: /^Send credentials with the call/u,
      data: { anonymous: true },
      assert: (outcome) => {
        if (outcome.verdict !== 'fail') throw new Error('expected a failure');
        expect(outcome.remediation.commands).toEqual([
          `curl -u "$BITBUCKET_EMAIL:$BITBUCKET_API_TOKEN" '${API}/2.0/repositories/acme/secret-repo'`,
        ]);
      },
    },
  ],
});

// -----------------------------------------------------------------------------------------------
// gather (live, with nock) and fromCapture (explain's fixtures, offline).
// -----------------------------------------------------------------------------------------------

/** `bb-doctor explain FILE`'s input: the capture, its most important failing call, the target. */
const explainInput = (file: string): Partial<DoctorInput> => {
  const text = readFileSync(new URL(`../../fixtures/explain/${file}`, import.meta.url));
  const { format, exchanges } = parseCapture(text, file);
  const failing = mostImportantFailure(exchanges);
  const failingRequest = failing === undefined ? undefined : failingRequestOf(failing, file);
  return {
    offline: { file, format, exchanges },
    ...(failingRequest === undefined
      ? {}
      : { failingRequest, ...targetFromPath(failingRequest.url) }),
  };
};

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
  {
    name: 'explain: no credentials anywhere, the anonymous 404 after a redirect: REPO_NOT_FOUND_OR_NO_ACCESS (anonymous)',
    input: explainInput('private-repo-anonymous-redirect.curl-v.txt'),
    expected: {
      verdict: 'fail',
      code: 'REPO_NOT_FOUND_OR_NO_ACCESS',
      summary: /^The captured request carries no credentials \(saved exchange 2 /u,
      data: { anonymous: true },
      requests: 0,
    },
  },
  {
    name: 'explain: the redirect dropped -u: left to target-call',
    input: explainInput('redirect-http-to-https.curl-i.txt'),
    expected: { verdict: 'skip', summary: /dropped its credentials/u, requests: 0 },
  },
  {
    name: 'explain: a call with credentials: nothing to contrast offline',
    input: explainInput('seed-bearer-lowercase.curl-v.txt'),
    expected: {
      verdict: 'skip',
      summary: /carries credentials \(bearer with a secret\)/u,
      requests: 0,
    },
  },
]);
