import nock from 'nock';
import check from '../../checks/scopes.js';
import type { Prior } from '../helpers/check-tester.js';
import { testCheck } from '../helpers/check-tester.js';
import { cred } from '../helpers/context.js';

const ORIGIN = 'https://git.example.com';
const BASE = `${ORIGIN}/bitbucket`;
const TOKEN = `BBDC-${'a1B2c3D4e5'.repeat(4)}abcd`;
const DC = { 'x-arequestid': '@1X2Y3Zx1x1', 'content-type': 'application/json' };
const NOT_PERMITTED = JSON.stringify({
  errors: [
    {
      context: null,
      message: 'You are not permitted to access this resource',
      exceptionName: 'com.atlassian.bitbucket.AuthorisationException',
    },
  ],
});
const prior = (identity: 'pass' | 'fail'): Record<string, Prior> => ({
  connectivity: {
    outcome: { verdict: 'pass', summary: 'stub' },
    provides: { product: 'data-center' },
  },
  identity:
    identity === 'pass'
      ? { outcome: { verdict: 'pass', summary: 'Authenticated as carol (stub)' } }
      : {
          outcome: {
            verdict: 'fail',
            code: 'DC_TOKEN_REJECTED',
            summary: 'refused (stub)',
            remediation: { hint: 'stub' },
          },
        },
});
const input = {
  apiUrl: BASE,
  authUrl: BASE,
  workspace: 'OPS',
  repo: 'infra',
  credentials: [cred('access-token', TOKEN)],
};
const repo = (): nock.Interceptor =>
  nock(ORIGIN)
    .get('/bitbucket/rest/api/1.0/projects/OPS/repos/infra')
    .matchHeader('authorization', `Bearer ${TOKEN}`);

testCheck(check, [
  {
    name: 'Data Center: the credential may read the repository: pass',
    input,
    prior: prior('pass'),
    http: () => repo().reply(200, '{"slug":"infra"}', { ...DC, 'x-ausername': 'carol' }),
    expected: { verdict: 'pass', summary: /carol may read OPS\/infra/u, requests: 1 },
  },
  {
    name: 'Data Center: 401 with X-AUSERNAME: DC_NOT_PERMITTED (a 401, not a 403)',
    input,
    prior: prior('pass'),
    http: () => repo().reply(401, NOT_PERMITTED, { ...DC, 'x-ausername': 'carol' }),
    expected: { verdict: 'fail', code: 'DC_NOT_PERMITTED', data: { authenticatedAs: 'carol' } },
  },
  {
    name: 'Data Center: no such repository: REPO_NOT_FOUND_OR_NO_ACCESS',
    input,
    prior: prior('pass'),
    http: () => repo().reply(404, '{"errors":[]}', { ...DC, 'x-ausername': 'carol' }),
    expected: { verdict: 'fail', code: 'REPO_NOT_FOUND_OR_NO_ACCESS' },
  },
  {
    name: 'Data Center: identity refused the credential: skip, nothing sent (no second login)',
    input,
    prior: prior('fail'),
    expected: { verdict: 'skip', requests: 0 },
  },
]);
