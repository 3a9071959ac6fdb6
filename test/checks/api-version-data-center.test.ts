import check from '../../checks/api-version.js';
import type { Prior } from '../helpers/check-tester.js';
import { testCheck } from '../helpers/check-tester.js';
import { cred } from '../helpers/context.js';

const BASE = 'https://git.example.com/bitbucket';
const TOKEN = `BBDC-${'a1B2c3D4e5'.repeat(4)}abcd`;
const onDc: Record<string, Prior> = {
  connectivity: {
    outcome: { verdict: 'pass', summary: 'stub' },
    provides: { product: 'data-center' },
  },
};
const call = (url: string, token = true) => ({
  apiUrl: BASE,
  authUrl: BASE,
  url,
  failingRequest: { method: 'GET', url, headers: [], source: 'url' as const },
  credentials: token ? [cred('access-token', TOKEN)] : [],
});

testCheck(check, [
  {
    name: 'Data Center: a Cloud path below the base: CLOUD_PATH_ON_DC with the REST path it maps to',
    input: call(`${BASE}/2.0/repositories/acme/secret-repo/commits`),
    prior: onDc,
    expected: {
      verdict: 'fail',
      code: 'CLOUD_PATH_ON_DC',
      data: { replacement: `${BASE}/rest/api/1.0/projects/ACME/repos/secret-repo/commits` },
      requests: 0,
    },
  },
  {
    name: 'Data Center: a token on a web path: DC_TOKEN_OUTSIDE_REST, the token sent nowhere',
    input: call(`${BASE}/plugins/servlet/applinks/whoami`),
    prior: onDc,
    expected: { verdict: 'fail', code: 'DC_TOKEN_OUTSIDE_REST', requests: 0 },
  },
  {
    name: 'Data Center: a REST path: pass',
    input: call(`${BASE}/rest/api/1.0/projects/ACME/repos/secret-repo`),
    prior: onDc,
    expected: { verdict: 'pass', summary: /Data Center REST path/u },
  },
]);
