import nock from 'nock';
import { describe, expect, it } from 'vitest';
import check, { judge, type ScopesFacts } from '../../checks/scopes.js';
import type { ScopeAnswerFacts } from '../../src/facts/scope-facts.js';
import type { FetchedToken } from '../../src/facts/auth.js';
import type { DoctorInput, Outcome } from '../../src/types.js';
import {
  captureContext,
  explainFixture,
  explainInput,
  explainWith,
  rawCapture,
} from '../helpers/capture-input.js';
import { type Prior, testCheck } from '../helpers/check-tester.js';
import { API, cred } from '../helpers/context.js';
import { fixturesOf } from '../helpers/fixtures.js';
import { testJudge } from '../helpers/judge-tester.js';

const fx = fixturesOf('scopes');
const EMAIL = 'alice@example.com';
const API_TOKEN = 'ATATT3xFfGF0aliceApiToken=0000AAAA';
const OAUTH = 'oauthValidTokenForAlice_abcdefghijklmnopqrstuvwxyz0123456789';
const REPO_TOKEN = 'ATCTT3xFfGN0repoToken=1111AAAA';
const REPO = '/2.0/repositories/acme/secret-repo';
const basic = (user: string, secret: string): string =>
  `Basic ${Buffer.from(`${user}:${secret}`, 'utf8').toString('base64')}`;

/** A GET answered only when sent with exactly this Authorization header. */
const get = (path: string, authorization: string): nock.Interceptor =>
  nock(API, { reqheaders: { authorization } }).get(path);
/** The user's failing call (`--url`), with no header of their own. */
const target = (path: string, extra: Partial<DoctorInput>): Partial<DoctorInput> => ({
  workspace: 'acme',
  repo: 'secret-repo',
  failingRequest: { method: 'GET', url: `${API}${path}`, headers: [], source: 'url' },
  ...extra,
});
const apiToken = { credentials: [cred('api-token', API_TOKEN, { username: EMAIL })], email: EMAIL };
const repoToken = { credentials: [cred('access-token', REPO_TOKEN)] };
const consumer = {
  credentials: [cred('client-id', 'ciKey000000000000a'), cred('client-secret', 'ciSecret00')],
};

const pass = (summary: string, data?: Record<string, unknown>): Outcome => ({
  verdict: 'pass',
  summary,
  ...(data === undefined ? {} : { data }),
});
/** identity (and token-fetch, which bestAuth may wait for) as earlier checks. */
const priors = (
  options: { identityData?: Record<string, unknown>; token?: FetchedToken } = {},
): Record<string, Prior> => ({
  'token-fetch': {
    outcome: pass('token-fetch (stub)'),
    ...(options.token === undefined ? {} : { provides: { fetchedToken: options.token } }),
  },
  identity: { outcome: pass('identity (stub)', options.identityData) },
});

testCheck(check, [
  {
    name: '403 privilege-scopes body (detail.required/granted): SCOPE_MISSING with data.missing',
    input: target(`${REPO}/branch-restrictions`, apiToken),
    prior: priors(),
    http: () =>
      fx.reply(
        get(`${REPO}/branch-restrictions`, basic(EMAIL, API_TOKEN)),
        'scope-missing-admin-403',
      ),
    expected: {
      verdict: 'fail',
      code: 'SCOPE_MISSING',
      summary:
        /branch-restrictions needs repository:admin; the credential has runner:write, .*team \(403 "Your credentials lack one or more required privilege scopes\."\)/u,
      data: {
        required: ['repository:admin'],
        missing: ['repository:admin'],
        granted: [
          'runner:write',
          'pipeline:variable',
          'webhook',
          'snippet:write',
          'wiki',
          'issue:write',
          'pullrequest:write',
          'project',
          'team',
        ],
        endpoint: '/2.0/repositories/{workspace}/{repo_slug}/branch-restrictions',
      },
      hint: /repository:admin/u,
      requests: 1,
    },
  },
  {
    name: 'an OAuth token on /2.0/user with required ["account"], granted ["team"]: SCOPE_MISSING',
    input: { credentials: [cred('access-token', OAUTH)] },
    prior: priors(),
    http: () => fx.reply(get('/2.0/user', `Bearer ${OAUTH}`), 'scope-missing-account-403'),
    expected: {
      verdict: 'fail',
      code: 'SCOPE_MISSING',
      data: { required: ['account'], missing: ['account'], granted: ['team'] },
      requests: 1,
    },
  },
  {
    name: '200 with x-oauth-scopes and x-accepted-oauth-scopes: pass with both lists',
    input: target(REPO, repoToken),
    prior: priors({ identityData: { notAUser: true } }),
    http: () => fx.reply(get(REPO, `Bearer ${REPO_TOKEN}`), 'repo-scope-headers-200'),
    expected: {
      verdict: 'pass',
      summary:
        'Scopes repository:write; /2.0/repositories/acme/secret-repo accepts repository (200).',
      data: {
        granted: ['repository:write'],
        accepted: ['repository'],
        endpoint: '/2.0/repositories/{workspace}/{repo_slug}',
        requiredByTable: { legacy: ['repository'], granular: ['read:repository:bitbucket'] },
      },
      requests: 1,
    },
  },
  {
    name: 'the credential is refused (401): skipped, scopes cannot be read',
    input: target(REPO, apiToken),
    prior: priors(),
    http: () => fx.reply(get(REPO, basic(EMAIL, API_TOKEN)), 'login-failed-401'),
    expected: { verdict: 'skip', summary: /refused \(401\)/u, requests: 1 },
  },
  {
    name: 'legacy: granted pullrequest satisfies accepted repository, so a 403 is not a scope problem',
    input: target(REPO, { credentials: [cred('access-token', OAUTH)] }),
    prior: priors(),
    http: () => fx.reply(get(REPO, `Bearer ${OAUTH}`), 'forbidden-legacy-pullrequest-403'),
    expected: {
      verdict: 'skip',
      summary: /answered 403 without naming a scope: permission on the repository/u,
      data: { granted: ['pullrequest'], accepted: ['repository'] },
      requests: 1,
    },
    assert: (report) => {
      expect(report.code).toBeUndefined();
    },
  },
  {
    name: 'granular: write:repository:bitbucket does not satisfy read:repository:bitbucket (headers): SCOPE_MISSING',
    input: target(REPO, apiToken),
    prior: priors(),
    http: () => fx.reply(get(REPO, basic(EMAIL, API_TOKEN)), 'forbidden-granular-write-403'),
    expected: {
      verdict: 'fail',
      code: 'SCOPE_MISSING',
      summary:
        /answered 403; it accepts read:repository:bitbucket and the credential has write:repository:bitbucket\./u,
      data: {
        granted: ['write:repository:bitbucket'],
        accepted: ['read:repository:bitbucket'],
        missing: ['read:repository:bitbucket'],
      },
      requests: 1,
    },
  },
  {
    name: 'granular: write-only token, no x-accepted-oauth-scopes: the built-in table names the need',
    input: target(REPO, apiToken),
    prior: priors(),
    http: () =>
      fx.reply(get(REPO, basic(EMAIL, API_TOKEN)), 'forbidden-granular-write-no-accepted-403'),
    expected: {
      verdict: 'fail',
      code: 'SCOPE_MISSING',
      data: {
        granted: ['write:repository:bitbucket'],
        accepted: [],
        missing: ['repository', 'read:repository:bitbucket'],
        endpoint: '/2.0/repositories/{workspace}/{repo_slug}',
      },
      hint: /read:repository:bitbucket/u,
      requests: 1,
    },
  },
  {
    name: 'only a consumer: the fetched token is the probe credential and its scopes are the grant',
    input: { ...consumer, workspace: 'acme' },
    prior: priors({ token: { token: OAUTH, scopes: ['team'], grant: 'client_credentials' } }),
    http: () =>
      fx.reply(
        get('/2.0/repositories/acme', `Bearer ${OAUTH}`).query({ pagelen: '100' }),
        'forbidden-403',
      ),
    expected: {
      verdict: 'fail',
      code: 'SCOPE_MISSING',
      data: {
        granted: ['team'],
        endpoint: '/2.0/repositories/{workspace}',
        missing: ['repository', 'read:repository:bitbucket'],
      },
      requests: 1,
    },
  },
  {
    name: 'a bare 403 for an access token that is not a user: pass (nothing says a scope is missing)',
    input: target(REPO, repoToken),
    prior: priors({ identityData: { notAUser: true } }),
    http: () => fx.reply(get(REPO, `Bearer ${REPO_TOKEN}`), 'forbidden-403'),
    expected: { verdict: 'pass', data: { granted: [] }, requests: 1 },
  },
  {
    name: 'no credentials at all: skipped without a request',
    prior: priors(),
    expected: { verdict: 'skip', summary: 'Skipped: no credentials were given.', requests: 0 },
  },
  {
    name: 'only a consumer and no token obtained: skipped without a request',
    input: consumer,
    prior: priors(),
    expected: { verdict: 'skip', summary: /no credential to inspect/u, requests: 0 },
  },
]);

// -----------------------------------------------------------------------------------------------
// The judge, as data: the doctor's probe (live) and a captured answer (explain) give the same facts.
// -----------------------------------------------------------------------------------------------

const PRIVILEGE = 'Your credentials lack one or more required privilege scopes.';
const answer = (facts: Partial<ScopeAnswerFacts>): ScopeAnswerFacts => ({
  from: 'live',
  method: 'GET',
  path: '/2.0/repositories/acme/secret-repo',
  status: 200,
  dataCenter: false,
  granted: [],
  accepted: [],
  notAUser: false,
  ...facts,
});
const capturedAnswer = (facts: Partial<ScopeAnswerFacts>): ScopeAnswerFacts =>
  answer({ from: 'capture', ...facts });

testJudge<ScopesFacts>(check, {
  valid: [
    {
      name: 'live: 200 with both scope headers passes with both lists',
      facts: answer({ granted: ['repository:write'], accepted: ['repository'] }),
      verdict: 'pass',
      summary:
        'Scopes repository:write; /2.0/repositories/acme/secret-repo accepts repository (200).',
      data: { endpoint: '/2.0/repositories/{workspace}/{repo_slug}' },
    },
    {
      name: 'captured: a 200 listing the scopes passes, marked as captured',
      facts: capturedAnswer({ path: '/2.0/user', granted: ['account'], accepted: ['account'] }),
      verdict: 'pass',
      data: { granted: ['account'], captured: true },
    },
    {
      name: 'no credential (live) or no scope answer (captured): skipped',
      facts: { skip: 'the capture holds no answer that names scopes' },
      verdict: 'skip',
      summary: 'Skipped: the capture holds no answer that names scopes.',
    },
    {
      name: 'a 401: the scopes cannot be read',
      facts: capturedAnswer({ status: 401 }),
      verdict: 'skip',
      summary: /refused \(401\)/u,
    },
    {
      name: 'no answer or a 429: no verdict',
      facts: answer({ status: 429 }),
      verdict: 'skip',
    },
    {
      name: 'a Data Center answer: skipped (permissions, not scopes)',
      facts: capturedAnswer({ status: 403, dataCenter: true, required: ['account'] }),
      verdict: 'skip',
      summary: /Data Center/u,
    },
    {
      name: 'legacy: granted pullrequest satisfies accepted repository, a 403 is a permission',
      facts: answer({ status: 403, granted: ['pullrequest'], accepted: ['repository'] }),
      verdict: 'skip',
      summary: /answered 403 without naming a scope/u,
    },
    {
      name: 'a bare 403 for a credential that is not a user passes',
      facts: answer({ status: 403, notAUser: true }),
      verdict: 'pass',
    },
  ],
  invalid: [
    {
      name: 'live: 403 detail.required against detail.granted',
      facts: answer({
        path: '/2.0/repositories/acme/secret-repo/branch-restrictions',
        status: 403,
        message: PRIVILEGE,
        required: ['repository:admin'],
        granted: ['repository', 'pullrequest:write'],
      }),
      code: 'SCOPE_MISSING',
      summary:
        '/2.0/repositories/acme/secret-repo/branch-restrictions needs repository:admin; the credential has repository, pullrequest:write (403 "Your credentials lack one or more required privilege scopes.").',
      data: { required: ['repository:admin'], missing: ['repository:admin'] },
      hint: /repository:admin/u,
    },
    {
      name: 'captured without the request (curl -i): the answer alone names the missing scope',
      facts: capturedAnswer({
        path: undefined,
        status: 403,
        message: PRIVILEGE,
        required: ['account'],
        granted: ['team'],
        accepted: ['account'],
      }),
      code: 'SCOPE_MISSING',
      summary: /^The call needs account; the credential has team \(403 "/u,
      data: { missing: ['account'], granted: ['team'], captured: true },
    },
    {
      name: 'headers only: granular write does not satisfy the accepted read',
      facts: capturedAnswer({
        status: 403,
        granted: ['write:repository:bitbucket'],
        accepted: ['read:repository:bitbucket'],
      }),
      code: 'SCOPE_MISSING',
      data: { missing: ['read:repository:bitbucket'] },
    },
    {
      name: 'no x-accepted-oauth-scopes: the built-in table names what the endpoint needs',
      facts: answer({ status: 403, granted: ['write:repository:bitbucket'] }),
      code: 'SCOPE_MISSING',
      data: { missing: ['repository', 'read:repository:bitbucket'] },
    },
  ],
});

// -----------------------------------------------------------------------------------------------
// fromCapture: the facts of real captured answers, offline.
// -----------------------------------------------------------------------------------------------

describe('scopes fromCapture: the same facts from a captured answer', () => {
  const factsOf = async (text: string | Buffer): Promise<ScopesFacts> => {
    const { input, capture } = explainInput(text);
    return check.fromCapture!(captureContext(input), capture);
  };

  it('curl -i (no request): the 403 scope body and headers', async () => {
    expect(await factsOf(explainFixture('scope-missing.curl-i.txt'))).toEqual({
      from: 'capture',
      method: 'GET',
      path: undefined,
      status: 403,
      dataCenter: false,
      message: PRIVILEGE,
      required: ['account'],
      granted: ['team'],
      accepted: ['account'],
      notAUser: false,
    });
  });

  it("a HAR: the failing 403 among the successes, with its path and the credential's scopes", async () => {
    const facts = await factsOf(explainFixture('browser-session.har'));
    expect(facts).toMatchObject({
      path: '/2.0/repositories/acme/secret-repo/pullrequests',
      status: 403,
      required: ['pullrequest'],
      granted: ['account', 'repository'],
      accepted: ['pullrequest'],
    });
    expect(judge(facts)).toMatchObject({
      verdict: 'fail',
      code: 'SCOPE_MISSING',
      data: { missing: ['pullrequest'] },
    });
  });

  it('a 403 with only the scope headers (no body detail)', async () => {
    const facts = await factsOf(
      rawCapture(
        { url: `${API}${REPO}`, headers: { Authorization: `Bearer ${OAUTH}` } },
        {
          status: 403,
          headers: {
            'content-type': 'application/json',
            'x-oauth-scopes': 'write:repository:bitbucket',
            'x-accepted-oauth-scopes': 'read:repository:bitbucket',
          },
          body: JSON.stringify({ type: 'error', error: { message: 'Forbidden' } }),
        },
      ),
    );
    expect(judge(facts)).toMatchObject({ verdict: 'fail', code: 'SCOPE_MISSING' });
  });

  it('a capture whose answers say nothing of scopes: skipped', async () => {
    const facts = await factsOf(explainFixture('token-expired.raw.txt'));
    expect(facts).toEqual({ skip: 'the capture holds no answer that names scopes' });
  });

  it('through the runner: explain names the missing scope, sending nothing', async () => {
    const { report, sent } = await explainWith(check, explainFixture('scope-missing.curl-i.txt'));
    expect(report.code).toBe('SCOPE_MISSING');
    expect(report.data).toMatchObject({ missing: ['account'] });
    expect(sent).toBe(0);
  });
});
