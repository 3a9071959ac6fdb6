import nock from 'nock';
import { expect } from 'vitest';
import check, { type Answer, type ApiVersionFacts } from '../../checks/api-version.js';
import type { CheckReport, DoctorInput, GivenHeader } from '../../src/types.js';
import { testCheck } from '../helpers/check-tester.js';
import { API, AUTH } from '../helpers/context.js';
import { fixturesOf, wireBody } from '../helpers/fixtures.js';
import { testJudge } from '../helpers/judge-tester.js';

const fx = fixturesOf('api-version');
const TOKEN = 'oauthValidTokenForAlice_abcdefghijklmnopqrstuvwxyz0123456789';
const HOSTS = { apiUrl: API, authUrl: AUTH };
/** A recorded answer of fixtures/checks/api-version, as the judge sees it. */
const answer = (name: string): Answer => {
  const fixture = fx.load(name);
  return { status: fixture.status, headers: fixture.headers ?? {}, body: wireBody(fixture) };
};
const facts = (url: string, extra: Partial<ApiVersionFacts> = {}): ApiVersionFacts => ({
  url,
  hosts: HOSTS,
  ...extra,
});
const V1 = `${API}/1.0/repositories/acme/repo/changesets?branch=master`;

testJudge(check, {
  valid: [
    {
      name: 'a current 2.0 path on api.bitbucket.org',
      facts: facts(`${API}/2.0/repositories/acme/repo/commits/master`),
      summary:
        '/2.0/repositories/acme/repo/commits/master is a current API 2.0 path on api.bitbucket.org.',
    },
    { name: 'a kept 1.0 resource (/1.0/groups)', facts: facts(`${API}/1.0/groups/acme`) },
    {
      name: 'a Data Center path on a Data Center host is its current API (§8)',
      facts: facts('https://git.example.com/rest/api/1.0/projects/ACME/repos/x'),
      summary: /none of the known URL problems/u,
    },
    {
      name: 'a Data Center path on the run API host, answered by Data Center (§8)',
      facts: facts('https://git.example.com/rest/api/1.0/projects/ACME/repos/x', {
        hosts: { apiUrl: 'https://git.example.com', authUrl: AUTH },
        answer: answer('data-center-repo-200'),
      }),
      summary: /Data Center REST path, and a Data Center server answered it/u,
      data: { product: 'data-center', status: 200 },
    },
    {
      name: 'a Data Center path when connectivity found Data Center (a POST: no answer)',
      facts: facts('https://git.example.com/rest/api/1.0/projects/ACME/repos/x', {
        hosts: { apiUrl: 'https://git.example.com', authUrl: AUTH },
        product: 'data-center',
      }),
      data: { product: 'data-center' },
    },
    {
      name: 'an empty workspace segment is not the removed /2.0/repositories (§3.2)',
      facts: facts(`${API}/2.0/repositories//?role=member`),
    },
  ],
  invalid: [
    {
      name: 'API 1.0 changesets?branch= → commits/master (§6), proven by the 410',
      facts: facts(V1, { answer: answer('v1-removed-410') }),
      code: 'API_V1_REMOVED',
      summary: /Bitbucket answered 410\.$/u,
      hint: /^Call https:\/\/api\.bitbucket\.org\/2\.0\/repositories\/acme\/repo\/commits\/master instead\.$/u,
      data: { replacement: `${API}/2.0/repositories/acme/repo/commits/master`, status: 410 },
    },
    {
      name: "the command is the user's own corrected curl command when one was given",
      facts: facts(V1, { correctedCommand: 'curl -H "Authorization: Bearer $T" CORRECTED' }),
      code: 'API_V1_REMOVED',
      assert: (outcome) => {
        expect(outcome.verdict === 'fail' && outcome.remediation.commands).toEqual([
          'curl -H "Authorization: Bearer $T" CORRECTED',
        ]);
      },
    },
    {
      name: 'a replacement with a placeholder is advice: the generic command, never the uncorrected one',
      facts: facts(`${API}/1.0/user/repositories`, { correctedCommand: 'curl UNCHANGED' }),
      code: 'API_V1_REMOVED',
      data: { replacement: `${API}/2.0/repositories/{workspace}?role=member` },
      assert: (outcome) => {
        expect(outcome.verdict === 'fail' && outcome.remediation.commands?.[0]).toContain(
          '{workspace}',
        );
      },
    },
    {
      name: '/1.0/users/{name} → /2.0/users/{account_id} (§6)',
      facts: facts(`${API}/1.0/users/bob`),
      code: 'API_V1_REMOVED',
      data: { replacement: `${API}/2.0/users/{account_id}` },
    },
    {
      name: 'CHANGE-2770 /2.0/user/permissions/teams is ENDPOINT_REMOVED (§3.7)',
      facts: facts(`${API}/2.0/user/permissions/teams`),
      code: 'ENDPOINT_REMOVED',
    },
    {
      name: 'a Data Center path behind a multi-segment context path is DATA_CENTER_PATH_ON_CLOUD (§8)',
      facts: facts(`${API}/org/team/rest/api/1.0/projects/ACME/repos/x`),
      code: 'DATA_CENTER_PATH_ON_CLOUD',
      data: { replacement: `${API}/2.0/repositories/{workspace}/x` },
    },
    {
      name: 'the website host is WRONG_HOST with the API host replacement (§1.1)',
      facts: facts(`${AUTH}/2.0/repositories/acme/repo`),
      code: 'WRONG_HOST',
      data: { replacement: `${API}/2.0/repositories/acme/repo` },
    },
    {
      name: 'the whole correction is the replacement: http + website + /!api + removed endpoint',
      facts: facts('http://bitbucket.org/!api/2.0/repositories?role=member'),
      code: 'INSECURE_HTTP',
      data: {
        replacement: `${API}/2.0/repositories/{workspace}?role=member`,
        problems: ['INSECURE_HTTP', 'WRONG_HOST', 'ENDPOINT_REMOVED'],
      },
    },
    {
      name: 'the documented x-token-auth userinfo only warns (contract.md)',
      facts: facts('https://x-token-auth:tok@api.bitbucket.org/2.0/repositories/acme/repo'),
      code: 'SECRET_IN_URL',
      verdict: 'warn',
    },
    // What the captured answer says about the URL (saved-exchange judged these alone).
    {
      name: 'a CHANGE-2770 answer on an existing endpoint (brownout) is ENDPOINT_REMOVED',
      facts: facts(`${API}/2.0/workspaces/acme`, { answer: answer('change-2770-410') }),
      code: 'ENDPOINT_REMOVED',
      data: { status: 410, signature: 'cloud-change-2770' },
    },
    {
      name: '"no API hosted at this URL" on an unknown path is WRONG_HOST (§3.2)',
      facts: facts(`${API}/2.0/nothing/here`, { answer: answer('no-api-hosted-404') }),
      code: 'WRONG_HOST',
      data: { status: 404, signature: 'cloud-no-api-hosted' },
    },
    {
      name: 'a Cloud answer makes its host Cloud: a Data Center path there is DATA_CENTER_PATH_ON_CLOUD',
      facts: facts('https://proxy.example.com/rest/api/1.0/projects/ACME/repos/x', {
        answer: answer('no-api-hosted-404'),
      }),
      code: 'DATA_CENTER_PATH_ON_CLOUD',
      data: {
        status: 404,
        replacement: 'https://proxy.example.com/2.0/repositories/{workspace}/x',
      },
    },
  ],
});

/** `--url URL` (GET), optionally with the user's own headers. */
const failing = (
  url: string,
  headers: readonly GivenHeader[] = [],
  method = 'GET',
): Partial<DoctorInput> => ({
  failingRequest: { method, url, headers, source: 'url' },
});
/** Nothing the user could paste from the report contains the secret. */
const noSecret = (secret: string) => (report: CheckReport) => {
  expect(
    JSON.stringify({ summary: report.summary, data: report.data, fix: report.remediation }),
  ).not.toContain(secret);
};

testCheck(check, [
  {
    name: 'an API 1.0 path is API_V1_REMOVED with the 2.0 replacement, proven by the 410',
    input: failing(`${API}/1.0/repositories/acme/secret-repo/changesets?branch=master`),
    http: () =>
      fx.reply(
        nock(API, { badheaders: ['authorization'] })
          .get('/1.0/repositories/acme/secret-repo/changesets')
          .query({ branch: 'master' }),
        'v1-removed-410',
      ),
    expected: {
      verdict: 'fail',
      code: 'API_V1_REMOVED',
      summary: /API 1\.0 was removed on 2019-04-29.* Bitbucket answered 410\.$/u,
      data: {
        replacement: 'https://api.bitbucket.org/2.0/repositories/acme/secret-repo/commits/master',
        status: 410,
        problems: ['API_V1_REMOVED'],
      },
      hint: /^Call https:\/\/api\.bitbucket\.org\/2\.0\/repositories\/acme\/secret-repo\/commits\/master instead\.$/u,
      requests: 1,
    },
  },
  {
    name: 'CHANGE-2770 /2.0/repositories?role=member is ENDPOINT_REMOVED (410)',
    input: failing(`${API}/2.0/repositories?role=member`),
    http: () =>
      fx.reply(nock(API).get('/2.0/repositories').query({ role: 'member' }), 'change-2770-410'),
    expected: {
      verdict: 'fail',
      code: 'ENDPOINT_REMOVED',
      summary: /\/2\.0\/repositories was removed \(CHANGE-2770\).* Bitbucket answered 410\.$/u,
      data: {
        replacement: 'https://api.bitbucket.org/2.0/repositories/{workspace}?role=member',
        status: 410,
        problems: ['ENDPOINT_REMOVED'],
      },
      requests: 1,
    },
    assert: (report) => {
      expect(report.remediation?.url).toMatch(/CHANGE-2770/u);
    },
  },
  {
    name: 'GET /2.0/workspaces is ENDPOINT_REMOVED; the replacement is /2.0/user/workspaces',
    input: failing(`${API}/2.0/workspaces`),
    http: () => fx.reply(nock(API).get('/2.0/workspaces'), 'change-2770-410'),
    expected: {
      verdict: 'fail',
      code: 'ENDPOINT_REMOVED',
      data: { replacement: 'https://api.bitbucket.org/2.0/user/workspaces', status: 410 },
    },
  },
  {
    name: 'a Data Center /rest/api/1.0 path on Cloud is DATA_CENTER_PATH_ON_CLOUD',
    input: failing(`${API}/rest/api/1.0/projects/ACME/repos/x`),
    http: () => fx.reply(nock(API).get('/rest/api/1.0/projects/ACME/repos/x'), 'no-api-hosted-404'),
    expected: {
      verdict: 'fail',
      code: 'DATA_CENTER_PATH_ON_CLOUD',
      summary:
        /Data Center path .*\/2\.0\/repositories\/\{workspace\}\/x\. Bitbucket answered 404\.$/u,
      data: {
        replacement: 'https://api.bitbucket.org/2.0/repositories/{workspace}/x',
        status: 404,
        problems: ['DATA_CENTER_PATH_ON_CLOUD'],
      },
      requests: 1,
    },
  },
  {
    name: 'a /rest/api/1.0 path on a Data Center host is that server API: pass without a request',
    input: failing('https://bitbucket.example.com/rest/api/1.0/projects/ACME/repos/x'),
    expected: { verdict: 'pass', summary: /none of the known URL problems/u, requests: 0 },
  },
  {
    name: 'the same path on the --api-url host answered by a Data Center server: pass',
    input: {
      ...failing('https://bitbucket.example.com/rest/api/1.0/projects/ACME/repos/x'),
      apiUrl: 'https://bitbucket.example.com',
    },
    http: () =>
      fx.reply(
        nock('https://bitbucket.example.com').get('/rest/api/1.0/projects/ACME/repos/x'),
        'data-center-repo-200',
      ),
    expected: {
      verdict: 'pass',
      summary: /Data Center REST path, and a Data Center server answered it/u,
      data: { product: 'data-center', status: 200 },
      requests: 1,
    },
  },
  {
    name: 'https://bitbucket.org/2.0/... is WRONG_HOST; the call as sent is replayed to the website',
    input: failing(`${AUTH}/2.0/repositories/acme/secret-repo`, [
      { name: 'Authorization', value: `Bearer ${TOKEN}`, source: 'flag:--header' },
    ]),
    http: () =>
      fx.reply(
        nock(AUTH, { reqheaders: { authorization: `Bearer ${TOKEN}` } }).get(
          '/2.0/repositories/acme/secret-repo',
        ),
        'website-no-token-auth-403',
      ),
    expected: {
      verdict: 'fail',
      code: 'WRONG_HOST',
      summary: /The API is on api\.bitbucket\.org, not bitbucket\.org.* Bitbucket answered 403\.$/u,
      data: {
        replacement: 'https://api.bitbucket.org/2.0/repositories/acme/secret-repo',
        status: 403,
        problems: ['WRONG_HOST'],
      },
      requests: 1,
    },
    assert: noSecret(TOKEN),
  },
  {
    name: '?access_token= in the URL is SECRET_IN_URL; the replacement drops the token',
    input: failing(`${API}/2.0/repositories/acme/secret-repo?access_token=${TOKEN}`),
    http: () =>
      fx.reply(
        nock(API).get('/2.0/repositories/acme/secret-repo').query({ access_token: TOKEN }),
        'repo-no-access-404',
      ),
    expected: {
      verdict: 'fail',
      code: 'SECRET_IN_URL',
      summary: /access_token= in its query/u,
      data: {
        replacement: 'https://api.bitbucket.org/2.0/repositories/acme/secret-repo',
        status: 404,
        problems: ['SECRET_IN_URL'],
      },
      requests: 1,
    },
    assert: noSecret(TOKEN),
  },
  {
    name: 'plain http:// is INSECURE_HTTP; the replacement is https',
    input: failing('http://api.bitbucket.org/2.0/repositories/acme/website'),
    http: () => [
      fx.reply(
        nock('http://api.bitbucket.org').get('/2.0/repositories/acme/website'),
        'http-redirect-301',
      ),
      fx.reply(nock(API).get('/2.0/repositories/acme/website'), 'repo-public-200'),
    ],
    expected: {
      verdict: 'fail',
      code: 'INSECURE_HTTP',
      data: {
        replacement: 'https://api.bitbucket.org/2.0/repositories/acme/website',
        status: 200,
        problems: ['INSECURE_HTTP'],
      },
      requests: 2,
    },
    assert: (report) => {
      // The redirect to https was followed: the answer read is the https one.
      expect(report.evidence.at(-1)?.request.url).toBe(
        'https://api.bitbucket.org/2.0/repositories/acme/website',
      );
    },
  },
  {
    name: 'a current 2.0 path on api.bitbucket.org: pass without a request',
    input: failing(`${API}/2.0/repositories/acme/secret-repo/commits/master`),
    expected: {
      verdict: 'pass',
      summary:
        '/2.0/repositories/acme/secret-repo/commits/master is a current API 2.0 path on api.bitbucket.org.',
      requests: 0,
    },
  },
  {
    name: 'a kept 1.0 resource (/1.0/groups) is not reported as removed',
    input: failing(`${API}/1.0/groups/acme`),
    expected: { verdict: 'pass', requests: 0 },
  },
  {
    name: 'a removed path in a POST is classified but not replayed (the doctor is read-only)',
    input: failing(`${API}/1.0/repositories/acme/secret-repo/issues`, [], 'POST'),
    expected: { verdict: 'fail', code: 'API_V1_REMOVED', data: { status: undefined }, requests: 0 },
  },
  {
    name: 'explain: the captured failing call and its captured answer, no request',
    input: {
      ...failing(V1),
      offline: {
        file: 'saved.txt',
        format: 'curl-v',
        exchanges: [
          {
            request: { method: 'GET', url: V1, headers: {} },
            response: { ...answer('v1-removed-410') },
            durationMs: 0,
          },
        ],
      },
    },
    expected: {
      verdict: 'fail',
      code: 'API_V1_REMOVED',
      data: { replacement: `${API}/2.0/repositories/acme/repo/commits/master`, status: 410 },
      requests: 0,
    },
  },
  {
    name: 'no target URL: skipped',
    expected: { verdict: 'skip', summary: /no target URL/u, requests: 0 },
  },
]);
