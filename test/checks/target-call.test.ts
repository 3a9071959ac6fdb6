import nock from 'nock';
import { expect } from 'vitest';
import check from '../../checks/target-call.js';
import type { AuthAttempt } from '../../src/facts/auth.js';
import { credentialFromAuthorization } from '../../src/intake/input.js';
import type { CheckReport, DoctorInput, GivenHeader, Outcome } from '../../src/types.js';
import { type Prior, testCheck } from '../helpers/check-tester.js';
import { API, cred } from '../helpers/context.js';
import { fixturesOf } from '../helpers/fixtures.js';

const fx = fixturesOf('target-call');
const EMAIL = 'alice@example.com';
const API_TOKEN = 'ATATT3xFfGF0aliceApiToken=0000AAAA';
const TOKEN = 'oauthValidTokenForAlice_abcdefghijklmnopqrstuvwxyz0123456789';
const REPO = '/2.0/repositories/acme/secret-repo';
const basic = (user: string, secret: string): string =>
  `Basic ${Buffer.from(`${user}:${secret}`, 'utf8').toString('base64')}`;

/** `--url API+path` with the user's Authorization header, as the intake builds it. */
const callWithHeader = (path: string, value: string, method = 'GET'): Partial<DoctorInput> => {
  const header: GivenHeader = { name: 'Authorization', value, source: 'flag:--header' };
  const credential = credentialFromAuthorization(header);
  return {
    workspace: 'acme',
    repo: 'secret-repo',
    headers: [header],
    credentials: credential === undefined ? [] : [credential],
    failingRequest: { method, url: `${API}${path}`, headers: [header], source: 'url' },
  };
};
/** `--url API+path` with an API token and the email from the environment (no header). */
const callWithApiToken = (path: string): Partial<DoctorInput> => ({
  workspace: 'acme',
  repo: 'secret-repo',
  email: EMAIL,
  credentials: [cred('api-token', API_TOKEN, { username: EMAIL })],
  failingRequest: { method: 'GET', url: `${API}${path}`, headers: [], source: 'url' },
});
const bare = (path: string): nock.Interceptor =>
  nock(API, { badheaders: ['authorization'] }).get(path);
const withAuth = (path: string, authorization: string): nock.Interceptor =>
  nock(API).get(path).matchHeader('authorization', authorization);

const identityFail = (data: Record<string, unknown>): Outcome => ({
  verdict: 'fail',
  code: 'API_TOKEN_NEEDS_EMAIL',
  summary: 'identity failed (stub)',
  remediation: { hint: 'Use the email.' },
  data,
});
/** The checks target-call reads (identity) or may wait for (token-fetch). */
const priors = (identity: Outcome, working?: AuthAttempt): Record<string, Prior> => ({
  'token-fetch': { outcome: { verdict: 'skip', summary: 'Skipped: no OAuth consumer (stub).' } },
  identity: {
    outcome: identity,
    ...(working === undefined ? {} : { provides: { workingAuth: working } }),
  },
});
const identityPassed = (working?: AuthAttempt): Record<string, Prior> =>
  priors({ verdict: 'pass', summary: 'Authenticated as alice (stub).' }, working);
const noSecretIn = (report: CheckReport, ...secrets: string[]): void => {
  const shown = JSON.stringify({ summary: report.summary, data: report.data });
  for (const secret of secrets) expect(shown).not.toContain(secret);
};

testCheck(check, [
  {
    name: 'the call works as sent (2xx): pass, one request',
    input: callWithHeader(REPO, `Bearer ${TOKEN}`),
    prior: identityPassed(),
    http: () => fx.reply(withAuth(REPO, `Bearer ${TOKEN}`), 'repo-private-200'),
    expected: {
      verdict: 'pass',
      summary: 'Your call works as sent (200).',
      data: { statusAsSent: 200, fixVerified: true },
      requests: 1,
    },
  },
  {
    name: 'original 404, corrected 200 with the working auth: pass, fix verified, command without secret',
    input: callWithHeader(REPO, `bearer ${TOKEN}`),
    prior: identityPassed({
      header: `Bearer ${TOKEN}`,
      describe: 'Bearer',
      secretKey: 'oauth',
      credential: cred('access-token', TOKEN),
    }),
    http: () => [
      fx.reply(withAuth(REPO, `bearer ${TOKEN}`), 'repo-no-access-404'),
      fx.reply(withAuth(REPO, `Bearer ${TOKEN}`), 'repo-private-200'),
    ],
    expected: {
      verdict: 'pass',
      summary:
        /^Fix verified: your call answered 404, the corrected call \(Bearer\) answered 200\.$/u,
      data: {
        statusAsSent: 404,
        statusCorrected: 200,
        fixVerified: true,
        correctedUrl: `${API}${REPO}`,
        correctedCommand: `curl -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN" '${API}${REPO}'`,
      },
      requests: 2,
    },
    assert: (report) => {
      noSecretIn(report, TOKEN);
    },
  },
  {
    name: 'an API 1.0 call: 410 as sent, the 2.0 replacement answers 200 with Basic and the email',
    input: callWithApiToken('/1.0/repositories/acme/secret-repo/changesets?branch=master'),
    prior: identityPassed(),
    http: () => [
      fx.reply(
        bare('/1.0/repositories/acme/secret-repo/changesets').query({ branch: 'master' }),
        'v1-removed-410',
      ),
      fx.reply(withAuth(`${REPO}/commits/master`, basic(EMAIL, API_TOKEN)), 'commits-200'),
    ],
    expected: {
      verdict: 'pass',
      data: {
        statusAsSent: 410,
        statusCorrected: 200,
        fixVerified: true,
        correctedUrl: `${API}${REPO}/commits/master`,
        correctedCommand: `curl -u "$BITBUCKET_EMAIL:$BITBUCKET_API_TOKEN" '${API}${REPO}/commits/master'`,
      },
      requests: 2,
    },
    assert: (report) => {
      noSecretIn(report, API_TOKEN, Buffer.from(`${EMAIL}:${API_TOKEN}`).toString('base64'));
    },
  },
  {
    name: 'corrected call 404 while identity passed: REPO_NOT_FOUND_OR_NO_ACCESS',
    input: callWithApiToken(REPO),
    prior: identityPassed(),
    http: () => [
      fx.reply(bare(REPO), 'repo-no-access-404'),
      fx.reply(withAuth(REPO, basic(EMAIL, API_TOKEN)), 'repo-no-access-2022-404'),
    ],
    expected: {
      verdict: 'fail',
      code: 'REPO_NOT_FOUND_OR_NO_ACCESS',
      summary: /Even with working credentials acme\/secret-repo answers 404/u,
      data: { statusAsSent: 404, statusCorrected: 404, fixVerified: false },
      hint: /read access to acme\/secret-repo/u,
      requests: 2,
    },
    assert: (report) => {
      expect(report.remediation?.commands?.join(' ')).not.toContain(API_TOKEN);
    },
  },
  {
    name: 'identity failed but its fix was verified (email): a 404 is still REPO_NOT_FOUND_OR_NO_ACCESS',
    input: callWithApiToken(REPO),
    prior: priors(identityFail({ fixVerified: true })),
    http: () => [
      fx.reply(bare(REPO), 'repo-no-access-404'),
      fx.reply(withAuth(REPO, basic(EMAIL, API_TOKEN)), 'repo-no-access-2022-404'),
    ],
    expected: { verdict: 'fail', code: 'REPO_NOT_FOUND_OR_NO_ACCESS', requests: 2 },
  },
  {
    name: 'identity failed without a working fix: a 404 says nothing about the repository (skip)',
    input: callWithApiToken(REPO),
    prior: priors(identityFail({ fixVerified: false })),
    http: () => [
      fx.reply(bare(REPO), 'repo-no-access-404'),
      fx.reply(withAuth(REPO, basic(EMAIL, API_TOKEN)), 'repo-no-access-2022-404'),
    ],
    expected: {
      verdict: 'skip',
      summary: /The corrected call still answered 404 \(REPO_NOT_FOUND_OR_NO_ACCESS\)/u,
      data: { fixVerified: false },
    },
  },
  {
    name: 'a 404 carrying CHANGE-2770 is a removed endpoint, not a missing repository (skip)',
    input: callWithApiToken('/2.0/workspaces/acme'),
    prior: identityPassed(),
    http: () => [
      fx.reply(bare('/2.0/workspaces/acme'), 'change-2770-404'),
      fx.reply(withAuth('/2.0/workspaces/acme', basic(EMAIL, API_TOKEN)), 'change-2770-404'),
    ],
    expected: {
      verdict: 'skip',
      summary: /still answered 404 \(ENDPOINT_REMOVED\)/u,
      data: { statusCorrected: 404, fixVerified: false },
    },
  },
  {
    name: 'a Data Center path has no automatic replacement: replayed once, then skipped',
    input: callWithApiToken('/rest/api/1.0/projects/ACME/repos/secret-repo'),
    prior: identityPassed(),
    http: () =>
      fx.reply(bare('/rest/api/1.0/projects/ACME/repos/secret-repo'), 'repo-no-access-404'),
    expected: {
      verdict: 'skip',
      summary: /the path itself is the problem.*see api-version/u,
      data: { statusAsSent: 404 },
      requests: 1,
    },
  },
  {
    name: 'a POST failing request: skipped without any request (read-only)',
    input: callWithHeader(`${REPO}/pullrequests`, `Bearer ${TOKEN}`, 'POST'),
    prior: identityPassed(),
    expected: { verdict: 'skip', summary: /your call is a POST/u, requests: 0 },
  },
  {
    name: 'no target URL: skipped',
    input: { credentials: [cred('access-token', TOKEN)] },
    expected: { verdict: 'skip', summary: /no target URL/u, requests: 0 },
  },
]);
