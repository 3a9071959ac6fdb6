import nock from 'nock';
import { expect } from 'vitest';
import check from '../../checks/identity/index.js';
import type { Credential, DoctorInput } from '../../src/types.js';
import { type Prior, testCheck } from '../helpers/check-tester.js';
import { cred } from '../helpers/context.js';
import * as bodies from '../knowledge/documented-bodies.js';

const ORIGIN = 'https://git.example.com';
const BASE = `${ORIGIN}/bitbucket`;
const TOKEN = `BBDC-${'a1B2c3D4e5'.repeat(4)}abcd`;
const CLOUD_TOKEN = 'ATATT3xFfGF0aliceApiToken=0000AAAA';
const basic = (user: string, secret: string): string =>
  `Basic ${Buffer.from(`${user}:${secret}`, 'utf8').toString('base64')}`;
const DC = { 'x-arequestid': '@1X2Y3Zx1x1', 'content-type': 'application/json' };
const as = (user: string) => ({ ...DC, 'x-ausername': user });
const challenge = { ...DC, 'www-authenticate': 'Basic realm="Atlassian Bitbucket"' };
const envelope = (message: string, exception: string): string =>
  JSON.stringify({ errors: [{ context: null, message, exceptionName: exception }] });
const WRONG = envelope(
  'Authentication failed. Please check your credentials and try again.',
  'com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException',
);
const CAPTCHA = envelope(
  'CAPTCHA required. Your Bitbucket account has been locked.',
  'com.atlassian.bitbucket.auth.CaptchaRequiredAuthenticationException',
);
const PROPS = '{"version":"10.0.1","buildNumber":"10000001","displayName":"Bitbucket"}';

/** connectivity found Data Center (its answers, not the host name). */
const onDc: Record<string, Prior> = {
  connectivity: {
    outcome: { verdict: 'pass', summary: 'Data Center (stub)' },
    provides: { product: 'data-center' },
  },
};
const input = (credential: Credential, extra: Partial<DoctorInput> = {}): Partial<DoctorInput> => ({
  apiUrl: BASE,
  authUrl: BASE,
  credentials: [credential],
  ...extra,
});
const password = (user: string, secret = 'correct horse') =>
  cred('account-password', secret, { source: 'env:BITBUCKET_PASSWORD', username: user });
const user = (slug: string, authorization: string): nock.Interceptor =>
  nock(ORIGIN)
    .get(`/bitbucket/rest/api/1.0/users/${slug}`)
    .matchHeader('authorization', authorization);
const props = (authorization: string): nock.Interceptor =>
  nock(ORIGIN)
    .get('/bitbucket/rest/api/1.0/application-properties')
    .matchHeader('authorization', authorization);

testCheck(check, [
  {
    name: 'Data Center: a password that works: pass with X-AUSERNAME, one request',
    input: input(password('alice')),
    prior: onDc,
    http: () =>
      user('alice', basic('alice', 'correct horse')).reply(200, '{"name":"alice"}', as('alice')),
    expected: {
      verdict: 'pass',
      summary: /Authenticated as alice on Bitbucket Data Center/u,
      requests: 1,
    },
  },
  {
    name: 'Data Center: a token as Bearer: application-properties with X-AUSERNAME',
    input: input(cred('access-token', TOKEN)),
    prior: onDc,
    http: () => props(`Bearer ${TOKEN}`).reply(200, PROPS, as('alice')),
    expected: { verdict: 'pass', data: { username: 'alice' } },
  },
  {
    name: 'Data Center: a wrong password: DC_CREDENTIALS_REJECTED, and no second login',
    input: input(password('alice', 'old password')),
    prior: onDc,
    http: () => user('alice', basic('alice', 'old password')).reply(401, WRONG, challenge),
    expected: {
      verdict: 'fail',
      code: 'DC_CREDENTIALS_REJECTED',
      summary: /wrong username or password/u,
      requests: 1,
    },
  },
  {
    name: 'Data Center: the email as the username: DC_CREDENTIALS_REJECTED that says so',
    input: input(password('alice@acme.example')),
    prior: onDc,
    http: () =>
      user('alice%40acme.example', basic('alice@acme.example', 'correct horse')).reply(
        401,
        WRONG,
        challenge,
      ),
    expected: {
      verdict: 'fail',
      code: 'DC_CREDENTIALS_REJECTED',
      summary: /an email address is not a Data Center username/u,
    },
  },
  {
    name: 'Data Center: CAPTCHA: DC_CAPTCHA_REQUIRED, nothing more sent',
    input: input(password('alice')),
    prior: onDc,
    http: () => user('alice', basic('alice', 'correct horse')).reply(401, CAPTCHA, challenge),
    expected: { verdict: 'fail', code: 'DC_CAPTCHA_REQUIRED', requests: 1 },
    // The admin's reset, for this user on this server.
    assert: (report) =>
      expect(report.remediation?.commands?.[0]).toBe(
        `curl -u "$ADMIN_USER" -X DELETE '${BASE}/rest/api/1.0/admin/users/captcha?name=alice'`,
      ),
  },
  {
    name: 'Data Center: a project token in Basic: DC_TOKEN_AS_BASIC, proven by the Bearer replay',
    input: input(password('alice', TOKEN)),
    prior: onDc,
    http: () => [
      user('alice', basic('alice', TOKEN)).reply(401, WRONG, challenge),
      props(`Bearer ${TOKEN}`).reply(200, PROPS, as('bot-acme')),
    ],
    expected: {
      verdict: 'fail',
      code: 'DC_TOKEN_AS_BASIC',
      data: { authenticatedAs: 'bot-acme' },
      requests: 2,
    },
    assert: (report) =>
      expect(report.proof).toMatchObject({ asSent: 401, corrected: 200, verified: true }),
  },
  {
    name: 'Data Center: an expired token as Bearer: DC_TOKEN_REJECTED',
    input: input(cred('access-token', TOKEN)),
    prior: onDc,
    http: () => props(`Bearer ${TOKEN}`).reply(401, WRONG, challenge),
    expected: { verdict: 'fail', code: 'DC_TOKEN_REJECTED' },
  },
  {
    name: 'Data Center: Basic switched off: DC_BASIC_AUTH_DISABLED (403 before the credential is read)',
    input: input(password('alice')),
    prior: onDc,
    http: () =>
      user('alice', basic('alice', 'correct horse')).reply(403, bodies.DC_BASIC_DISABLED, DC),
    expected: { verdict: 'fail', code: 'DC_BASIC_AUTH_DISABLED', requests: 1 },
  },
  {
    name: 'Data Center: a Cloud API token: CLOUD_CREDENTIAL_ON_DC',
    input: input(cred('api-token', CLOUD_TOKEN, { username: 'alice@acme.example' })),
    prior: onDc,
    http: () =>
      user('alice%40acme.example', basic('alice@acme.example', CLOUD_TOKEN)).reply(
        401,
        WRONG,
        challenge,
      ),
    expected: { verdict: 'fail', code: 'CLOUD_CREDENTIAL_ON_DC' },
  },
  {
    name: 'Data Center: an answer without X-AUSERNAME to a credential: CREDENTIALS_IGNORED',
    input: input(cred('access-token', TOKEN)),
    prior: onDc,
    http: () => props(`Bearer ${TOKEN}`).reply(200, PROPS, DC),
    expected: { verdict: 'fail', code: 'CREDENTIALS_IGNORED' },
  },
]);
