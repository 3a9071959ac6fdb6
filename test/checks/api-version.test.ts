import nock from 'nock';
import { expect } from 'vitest';
import check from '../../checks/api-version.js';
import type { CheckReport, DoctorInput, GivenHeader } from '../../src/types.js';
import { testCheck } from '../helpers/check-tester.js';
import { API, AUTH } from '../helpers/context.js';
import { fixturesOf } from '../helpers/fixtures.js';

const fx = fixturesOf('api-version');
const TOKEN = 'oauthValidTokenForAlice_abcdefghijklmnopqrstuvwxyz0123456789';

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
    name: 'the same /rest/api/1.0 path answered by a Data Center server is that server API: pass',
    input: failing('https://bitbucket.example.com/rest/api/1.0/projects/ACME/repos/x'),
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
    name: 'no target URL: skipped',
    expected: { verdict: 'skip', summary: /no target URL/u, requests: 0 },
  },
]);
