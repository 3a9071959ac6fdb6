import { readFileSync } from 'node:fs';
import nock from 'nock';
import { expect } from 'vitest';
import check, { type TargetCallFacts } from '../../checks/target-call.js';
import type { AuthAttempt } from '../../src/facts/auth.js';
import { type CapturedCall, describeAuthorization } from '../../src/facts/capture.js';
import type { CapturedTargetFacts, LiveTargetFacts } from '../../src/facts/target.js';
import { failingRequestOf, mostImportantFailure } from '../../src/explain/offline.js';
import { parseCapture } from '../../src/explain/parse.js';
import { makeResult } from '../../src/http/client.js';
import { credentialFromAuthorization, targetFromPath } from '../../src/intake/input.js';
import type {
  CheckReport,
  DoctorInput,
  Exchange,
  GivenHeader,
  HttpResult,
  Outcome,
} from '../../src/types.js';
import { type Prior, testCheck } from '../helpers/check-tester.js';
import { API, cred } from '../helpers/context.js';
import { fixturesOf, wireBody } from '../helpers/fixtures.js';
import { testJudge } from '../helpers/judge-tester.js';

const fx = fixturesOf('target-call');
const EMAIL = 'alice@example.com';
const API_TOKEN = 'ATATT3xFfGF0aliceApiToken=0000AAAA';
const TOKEN = 'oauthValidTokenForAlice_abcdefghijklmnopqrstuvwxyz0123456789';
const REPO = '/2.0/repositories/acme/secret-repo';
const basic = (user: string, secret: string): string =>
  `Basic ${Buffer.from(`${user}:${secret}`, 'utf8').toString('base64')}`;

// -----------------------------------------------------------------------------------------------
// The judge, as data: live facts (replays) and captured facts (explain) side by side.
// -----------------------------------------------------------------------------------------------

/** An exchange answered with one of the recorded fixtures (or a network error). */
const exchange = (url: string, answer: string | { error: string }): Exchange => {
  if (typeof answer !== 'string') {
    return {
      request: { method: 'GET', url, headers: {} },
      error: { code: answer.error, message: `connect ${answer.error}` },
      durationMs: 5,
    };
  }
  const fixture = fx.load(answer);
  return {
    request: { method: 'GET', url, headers: {} },
    response: {
      status: fixture.status,
      headers: { ...fixture.headers },
      body: wireBody(fixture),
    },
    durationMs: 5,
  };
};
const result = (url: string, answer: string | { error: string }): HttpResult => {
  const e = exchange(url, answer);
  return makeResult({ exchange: e, body: e.response?.body ?? '' });
};

const COMMAND = `curl -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN" '${API}${REPO}'`;
/** Live facts: the call to REPO as sent, and corrected with Bearer. */
const live = (
  asSent: string | { error: string },
  corrected: string | undefined,
  extra: Partial<LiveTargetFacts> = {},
): LiveTargetFacts => ({
  source: 'live',
  method: 'GET',
  url: `${API}${REPO}`,
  asSent: result(`${API}${REPO}`, asSent),
  unfixablePath: false,
  corrected:
    corrected === undefined
      ? undefined
      : {
          result: result(`${API}${REPO}`, corrected),
          url: `${API}${REPO}`,
          describe: 'Bearer',
          command: COMMAND,
        },
  dataCenter: false,
  identityProven: true,
  target: 'acme/secret-repo',
  listCommand: 'curl … ?role=member',
  ...extra,
});

/** Captured facts: the failing call as explain reads it from the capture (nothing replayed). */
const captured = (
  answer: string,
  authorization: string | undefined,
  extra: Partial<CapturedCall> = {},
): CapturedTargetFacts => {
  const e = exchange(`${API}${REPO}`, answer);
  return {
    source: 'capture',
    call: {
      index: 1,
      method: 'GET',
      url: `${API}${REPO}`,
      response: e.response,
      sent: authorization === undefined ? undefined : describeAuthorization(authorization),
      ...extra,
    },
    dataCenter: false,
    target: 'acme/secret-repo',
    listCommand: 'curl … ?role=member',
  };
};
const DROPPED = { index: 1, status: 301, sent: describeAuthorization(basic('jdoe', API_TOKEN)) };

testJudge<TargetCallFacts>(check, {
  valid: [
    {
      name: 'live: the call works as sent',
      facts: live('repo-private-200', undefined),
      verdict: 'pass',
      summary: 'Your call works as sent (200).',
      proof: { asSent: 200, verified: false },
    },
    {
      name: 'live: 404 as sent, 200 corrected: the fix is verified, with the command',
      facts: live('repo-no-access-404', 'repo-private-200'),
      verdict: 'pass',
      summary: 'Fix verified: your call answered 404, the corrected call (Bearer) answered 200.',
      proof: { asSent: 404, corrected: 200, command: COMMAND, verified: true },
    },
    {
      name: 'live: still 404 while identity proved nothing: no verdict on the repository',
      facts: live('repo-no-access-404', 'repo-no-access-2022-404', { identityProven: false }),
      verdict: 'skip',
      summary: /still answered 404 \(REPO_NOT_FOUND_OR_NO_ACCESS\)/u,
      proof: { asSent: 404, corrected: 404, verified: false },
    },
    {
      name: 'live: a CHANGE-2770 404 is a removed endpoint, not a missing repository',
      facts: live('change-2770-404', 'change-2770-404'),
      verdict: 'skip',
      summary: /still answered 404 \(ENDPOINT_REMOVED\)/u,
    },
    {
      name: 'live: a path with no replacement is api-version’s finding',
      facts: live('repo-no-access-404', undefined, { unfixablePath: true }),
      verdict: 'skip',
      summary: /the path itself is the problem/u,
      proof: { asSent: 404, verified: false },
    },
    {
      name: 'live: no credential to build the corrected call with',
      facts: live('repo-no-access-404', undefined),
      verdict: 'skip',
      summary: /there is no credential/u,
    },
    {
      name: 'live: Data Center',
      facts: live('repo-no-access-404', 'repo-no-access-404', { dataCenter: true }),
      verdict: 'skip',
      summary: /Data Center/u,
    },
    {
      name: 'a POST is not replayed',
      facts: { source: 'not-replayed', method: 'POST' },
      verdict: 'skip',
      summary: /your call is a POST/u,
    },
    {
      name: 'capture: the anonymous 404 of a call without credentials is the contrast’s',
      facts: captured('repo-no-access-404', undefined),
      verdict: 'skip',
      summary: /^The captured request carries no credentials .*public-private-contrast/u,
      data: { anonymous: true },
      proof: { asSent: 404, corrected: undefined, verified: false },
    },
    {
      name: 'capture: a 404 to a header Bitbucket does not read is header-casing’s',
      facts: captured('repo-no-access-404', `bearer ${TOKEN}`),
      verdict: 'skip',
      summary: /does not read \(HEADER_SCHEME_CASE, see header-casing\)/u,
    },
    {
      name: 'capture: another failure is named, and no fix is claimed',
      facts: captured('v1-removed-410', `Bearer ${TOKEN}`),
      verdict: 'skip',
      summary: /^The captured request answered 410: see the findings above; .*no corrected call/u,
      proof: { asSent: 410, verified: false },
    },
    {
      name: 'capture: a redirect dropped the credentials, and the answer is not the 404',
      facts: captured('v1-removed-410', undefined, { index: 2, droppedBy: DROPPED }),
      verdict: 'skip',
      summary: /ran anonymously: curl followed the redirect of saved exchange 1 \(301\)/u,
      data: { credentialsDroppedByRedirect: true, redirect: 1 },
    },
    {
      name: 'capture: a Data Center answer',
      facts: { ...captured('repo-no-access-404', `Bearer ${TOKEN}`), dataCenter: true },
      verdict: 'skip',
      summary: /Data Center/u,
    },
    {
      name: 'capture: no answer recorded',
      facts: captured('repo-no-access-404', `Bearer ${TOKEN}`, { response: undefined }),
      verdict: 'skip',
      summary: /got no answer/u,
    },
    {
      name: 'capture: no failing request at all',
      facts: { ...captured('repo-no-access-404', undefined), call: undefined },
      verdict: 'skip',
      summary: /no failing request/u,
    },
  ],
  invalid: [
    {
      name: 'live: still 404 with working credentials: missing, or not visible to this account',
      facts: live('repo-no-access-404', 'repo-no-access-2022-404'),
      code: 'REPO_NOT_FOUND_OR_NO_ACCESS',
      summary: /^Even with working credentials acme\/secret-repo answers 404/u,
      hint: /read access to acme\/secret-repo/u,
      data: { correctedUrl: `${API}${REPO}` },
      proof: { asSent: 404, corrected: 404, command: COMMAND, verified: false },
    },
    {
      name: 'live: the replay got no answer: the network, never the credentials',
      facts: live({ error: 'ENOTFOUND' }, 'repo-private-200'),
      code: 'NETWORK_UNREACHABLE',
      summary: /^Replaying your call: The host name api.bitbucket.org does not resolve/u,
    },
    {
      name: 'live: a timeout',
      facts: live({ error: 'ETIMEDOUT' }, undefined),
      code: 'TIMEOUT',
    },
    {
      name: 'capture: the §3.2 404 to a call with credentials',
      facts: captured('repo-no-access-404', `Bearer ${TOKEN}`),
      code: 'REPO_NOT_FOUND_OR_NO_ACCESS',
      summary:
        'The captured request sent Bearer with a secret and got 404 (saved exchange 1 (GET /2.0/repositories/acme/secret-repo → 404)): acme/secret-repo does not exist, or the credentials sent may not see it; Bitbucket answers 404 for both.',
      hint: /read access to acme\/secret-repo/u,
      data: { anonymous: false },
      proof: { asSent: 404, corrected: undefined, verified: false },
    },
    {
      name: 'capture: the 2022 wording, Basic with the email and an API token',
      facts: captured('repo-no-access-2022-404', basic(EMAIL, API_TOKEN)),
      code: 'REPO_NOT_FOUND_OR_NO_ACCESS',
      summary: /sent Basic with alice@example.com and an API token \(ATATT…\) and got 404/u,
    },
    {
      name: 'capture: a redirect dropped the credentials before the 404',
      facts: captured('repo-no-access-404', undefined, { index: 2, droppedBy: DROPPED }),
      code: 'REPO_NOT_FOUND_OR_NO_ACCESS',
      summary:
        /^The captured request ran anonymously: .*\(Basic with jdoe and an API token \(ATATT…\)\), as curl does not resend credentials to another scheme, host or port; so saved exchange 2 .* anonymous caller \(404 for a private repository as for a missing one\)\.$/u,
      data: { anonymous: true, credentialsDroppedByRedirect: true, redirect: 1 },
      proof: { asSent: 404, verified: false },
      assert: (outcome) => {
        if (outcome.verdict !== 'fail') throw new Error('expected a failure');
        expect(outcome.remediation.commands).toEqual([
          `curl -u "$BITBUCKET_EMAIL:$BITBUCKET_API_TOKEN" '${API}${REPO}'`,
        ]);
      },
    },
  ],
});

// -----------------------------------------------------------------------------------------------
// gather: the live experiment, through the runner with nock.
// -----------------------------------------------------------------------------------------------

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

const identityFail = (extra: Partial<Outcome>): Outcome => ({
  verdict: 'fail',
  code: 'API_TOKEN_NEEDS_EMAIL',
  summary: 'identity failed (stub)',
  remediation: { hint: 'Use the email.' },
  ...extra,
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
  const shown = JSON.stringify({ summary: report.summary, data: report.data, proof: report.proof });
  for (const secret of secrets) expect(shown).not.toContain(secret);
};
const proofIs =
  (proof: Record<string, unknown>) =>
  (report: CheckReport): void => {
    expect(report.proof).toMatchObject(proof);
  };

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
    name: 'the call works as sent (2xx): pass, one request',
    input: callWithHeader(REPO, `Bearer ${TOKEN}`),
    prior: identityPassed(),
    http: () => fx.reply(withAuth(REPO, `Bearer ${TOKEN}`), 'repo-private-200'),
    expected: { verdict: 'pass', summary: 'Your call works as sent (200).', requests: 1 },
    assert: proofIs({ asSent: 200, verified: false }),
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
      data: { correctedUrl: `${API}${REPO}` },
      requests: 2,
    },
    assert: (report) => {
      proofIs({ asSent: 404, corrected: 200, command: COMMAND, verified: true })(report);
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
      data: { correctedUrl: `${API}${REPO}/commits/master` },
      requests: 2,
    },
    assert: (report) => {
      proofIs({
        asSent: 410,
        corrected: 200,
        verified: true,
        command: `curl -u "$BITBUCKET_EMAIL:$BITBUCKET_API_TOKEN" '${API}${REPO}/commits/master'`,
      })(report);
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
      hint: /read access to acme\/secret-repo/u,
      requests: 2,
    },
    assert: (report) => {
      proofIs({ asSent: 404, corrected: 404, verified: false })(report);
      expect(report.remediation?.commands?.join(' ')).not.toContain(API_TOKEN);
    },
  },
  {
    name: 'identity failed but its proof is verified (email): a 404 is still REPO_NOT_FOUND_OR_NO_ACCESS',
    input: callWithApiToken(REPO),
    prior: priors(identityFail({ proof: { asSent: 401, corrected: 200, verified: true } })),
    http: () => [
      fx.reply(bare(REPO), 'repo-no-access-404'),
      fx.reply(withAuth(REPO, basic(EMAIL, API_TOKEN)), 'repo-no-access-2022-404'),
    ],
    expected: { verdict: 'fail', code: 'REPO_NOT_FOUND_OR_NO_ACCESS', requests: 2 },
  },
  {
    name: 'identity failed without a working fix: a 404 says nothing about the repository (skip)',
    input: callWithApiToken(REPO),
    prior: priors(identityFail({ proof: { asSent: 401, corrected: 401, verified: false } })),
    http: () => [
      fx.reply(bare(REPO), 'repo-no-access-404'),
      fx.reply(withAuth(REPO, basic(EMAIL, API_TOKEN)), 'repo-no-access-2022-404'),
    ],
    expected: {
      verdict: 'skip',
      summary: /The corrected call still answered 404 \(REPO_NOT_FOUND_OR_NO_ACCESS\)/u,
    },
    assert: proofIs({ verified: false }),
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
      requests: 1,
    },
    assert: proofIs({ asSent: 404, verified: false }),
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
  // fromCapture: explain's fixtures, offline (nothing is sent).
  {
    name: 'explain: curl -L dropped -u at the http→https redirect, then the 404: REPO_NOT_FOUND_OR_NO_ACCESS',
    input: explainInput('redirect-http-to-https.curl-i.txt'),
    expected: {
      verdict: 'fail',
      code: 'REPO_NOT_FOUND_OR_NO_ACCESS',
      summary: /^The captured request ran anonymously: .*saved exchange 1 \(301\)/u,
      data: { anonymous: true, credentialsDroppedByRedirect: true, redirect: 1 },
      requests: 0,
    },
    assert: (report) => {
      proofIs({ asSent: 404, verified: false })(report);
      expect(report.proof?.corrected).toBeUndefined();
      noSecretIn(report, 'ATBBBI4ce8KCHnsO995wDGSIkoUq5k3d276D9D71');
    },
  },
  {
    name: 'explain: a proper Bearer got the §3.2 404: REPO_NOT_FOUND_OR_NO_ACCESS, said of the capture',
    input: (() => {
      const e = exchange(`${API}${REPO}`, 'repo-no-access-404');
      const sent = {
        ...e,
        request: { ...e.request, headers: { authorization: `Bearer ${TOKEN}` } },
      };
      return {
        offline: { file: 'capture.txt', format: 'raw-http', exchanges: [sent] },
        failingRequest: failingRequestOf(sent, 'capture.txt'),
        workspace: 'acme',
        repo: 'secret-repo',
      };
    })(),
    expected: {
      verdict: 'fail',
      code: 'REPO_NOT_FOUND_OR_NO_ACCESS',
      summary:
        /^The captured request sent Bearer with a secret and got 404 .*Bitbucket answers 404 for both\.$/u,
      data: { anonymous: false },
      requests: 0,
    },
    assert: (report) => {
      proofIs({ asSent: 404, verified: false })(report);
      noSecretIn(report, TOKEN);
    },
  },
  {
    name: 'explain: the lowercase bearer 404 is left to header-casing',
    input: explainInput('seed-bearer-lowercase.curl-v.txt'),
    expected: { verdict: 'skip', summary: /HEADER_SCHEME_CASE, see header-casing/u, requests: 0 },
  },
  {
    name: 'explain: a call without any credentials is left to the contrast',
    input: explainInput('private-repo-anonymous-redirect.curl-v.txt'),
    expected: { verdict: 'skip', summary: /carries no credentials/u, requests: 0 },
  },
  {
    name: 'explain: an expired token is named, no fix claimed',
    input: explainInput('token-expired.raw.txt'),
    expected: { verdict: 'skip', summary: /answered 401: see the findings above/u, requests: 0 },
    assert: proofIs({ asSent: 401, verified: false }),
  },
]);
