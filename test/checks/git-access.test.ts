import nock from 'nock';
import { expect } from 'vitest';
import check from '../../checks/git-access/index.js';
import type { CheckReport, Credential, DoctorInput, GitSends } from '../../src/types.js';
import { testCheck } from '../helpers/check-tester.js';
import { AUTH, cred } from '../helpers/context.js';
import * as bodies from '../knowledge/documented-bodies.js';

const URL_ = `${AUTH}/acme/secret-repo.git`;
const REFS = '/acme/secret-repo.git/info/refs';
const EMAIL = 'alice@example.com';
const API_TOKEN = 'ATATT3xFfGF0aliceApiToken=0000AAAA';
const REPO_TOKEN = 'ATCTT3xFfGN0repoToken=1111AAAA';
const APP_PASSWORD = 'ATBBalicesAppPassword12345678';
const PASSWORD = 'correct horse battery staple';
const ADVERTISEMENT = '001e# service=git-upload-pack\n0000';
const basic = (user: string, secret: string): string =>
  `Basic ${Buffer.from(`${user}:${secret}`, 'utf8').toString('base64')}`;

/** The ref advertisement request for a service, answered only with exactly this header. */
const refs = (service = 'git-upload-pack', authorization?: string): nock.Interceptor => {
  const scope = nock(AUTH).get(REFS).query({ service });
  return authorization === undefined
    ? scope.matchHeader('authorization', (v) => v === undefined)
    : scope.matchHeader('authorization', authorization);
};
const challenge = { 'www-authenticate': 'Basic realm="Bitbucket.org HTTP"' };

/** A git target whose credential came from `via` (a URL's userinfo, a helper, a header). */
const gitInput = (
  credential: Credential | undefined,
  options: {
    via?: GitSends['via'];
    push?: boolean;
    header?: string;
    extra?: Partial<DoctorInput>;
  } = {},
): Partial<DoctorInput> => ({
  credentials: credential === undefined ? [] : [credential],
  git: {
    url: URL_,
    transport: 'http',
    push: options.push ?? false,
    from: 'git ls-remote',
    helpers: options.via === 'credential-helper' ? ['store'] : [],
    notes: [],
    ...(credential === undefined
      ? {}
      : {
          sends: {
            via: options.via ?? 'url',
            source: credential.source,
            ...(credential.username === undefined ? {} : { username: credential.username }),
            secret: credential.secret,
            ...(options.header === undefined
              ? {}
              : { header: { name: 'Authorization', value: options.header } }),
          },
        }),
  },
  ...options.extra,
});
const fromUrl = (kind: Parameters<typeof cred>[0], secret: string, username?: string) =>
  cred(kind, secret, { source: 'git:url', ...(username === undefined ? {} : { username }) });
const authorizations = (report: CheckReport): (string | undefined)[] =>
  report.evidence.map((e) => e.request.headers['authorization']);

testCheck(check, [
  {
    name: 'no git target: skip',
    expected: { verdict: 'skip', summary: /No git target/u, requests: 0 },
  },
  {
    name: 'an SSH remote: skip with the reason, nothing sent',
    input: {
      git: {
        url: 'ssh://git@bitbucket.org/acme/repo.git',
        transport: 'ssh',
        push: false,
        from: '--remote',
        helpers: [],
        notes: [],
      },
    },
    expected: { verdict: 'skip', summary: /SSH remote .*HTTPS only/u, requests: 0 },
  },
  {
    name: 'a public repository answers anonymously: pass that says it proves nothing',
    input: gitInput(fromUrl('api-token', API_TOKEN, 'alice')),
    http: () => refs().reply(200, ADVERTISEMENT),
    expected: {
      verdict: 'pass',
      summary: /public.*proves nothing/u,
      data: { public: true },
      requests: 1,
    },
  },
  {
    name: 'challenged, the API token with the Bitbucket username gets in: pass',
    input: gitInput(fromUrl('api-token', API_TOKEN, 'alice')),
    http: () => [
      refs().reply(401, '', challenge),
      refs('git-upload-pack', basic('alice', API_TOKEN)).reply(200, ADVERTISEMENT),
    ],
    expected: {
      verdict: 'pass',
      summary: /git accepts Basic with alice \(git:url\) for fetch/u,
      requests: 2,
    },
  },
  {
    name: 'the API token with the email: GIT_USERNAME_WRONG, proven by x-bitbucket-api-token-auth',
    input: gitInput(fromUrl('api-token', API_TOKEN, EMAIL)),
    http: () => [
      refs().reply(401, '', challenge),
      refs('git-upload-pack', basic(EMAIL, API_TOKEN)).reply(401, '', challenge),
      refs('git-upload-pack', basic('x-bitbucket-api-token-auth', API_TOKEN)).reply(
        200,
        ADVERTISEMENT,
      ),
    ],
    expected: {
      verdict: 'fail',
      code: 'GIT_USERNAME_WRONG',
      summary: /your email: that is REST's username/u,
      data: { usernameSent: EMAIL, usernameThatWorks: 'x-bitbucket-api-token-auth' },
      requests: 3,
    },
    assert: (report) => {
      expect(report.proof).toMatchObject({ asSent: 401, corrected: 200, verified: true });
      expect(report.remediation?.commands?.[0]).toBe(
        'git remote set-url origin https://x-bitbucket-api-token-auth@bitbucket.org/acme/secret-repo.git',
      );
      expect(JSON.stringify(report)).not.toContain(API_TOKEN);
    },
  },
  {
    name: 'the API token with the email and --username: the Bitbucket username is tried first',
    input: gitInput(fromUrl('api-token', API_TOKEN, EMAIL), { extra: { username: 'alice' } }),
    http: () => [
      refs().reply(401, '', challenge),
      refs('git-upload-pack', basic(EMAIL, API_TOKEN)).reply(401, '', challenge),
      refs('git-upload-pack', basic('alice', API_TOKEN)).reply(200, ADVERTISEMENT),
    ],
    expected: { verdict: 'fail', code: 'GIT_USERNAME_WRONG', data: { usernameThatWorks: 'alice' } },
  },
  {
    name: 'an access token with a username other than x-token-auth: GIT_ACCESS_TOKEN_USERNAME',
    input: gitInput(fromUrl('access-token', REPO_TOKEN, 'alice')),
    http: () => [
      refs().reply(401, '', challenge),
      refs('git-upload-pack', basic('alice', REPO_TOKEN)).reply(401, '', challenge),
      refs('git-upload-pack', basic('x-token-auth', REPO_TOKEN)).reply(200, ADVERTISEMENT),
    ],
    expected: {
      verdict: 'fail',
      code: 'GIT_ACCESS_TOKEN_USERNAME',
      data: { usernameThatWorks: 'x-token-auth' },
    },
  },
  {
    name: 'an app password from the store helper: 410 CHANGE-3222, APP_PASSWORD_REMOVED with the reject command',
    input: gitInput(
      cred('app-password', APP_PASSWORD, { source: 'git-credential:store', username: 'alice' }),
      { via: 'credential-helper' },
    ),
    http: () => [
      refs().reply(401, '', challenge),
      refs('git-upload-pack', basic('alice', APP_PASSWORD)).reply(410, bodies.GIT_CHANGE_3222),
    ],
    expected: {
      verdict: 'fail',
      code: 'APP_PASSWORD_REMOVED',
      summary: /sends an app password \(git-credential:store\) .*410 with CHANGE-3222/u,
      data: { helper: 'store' },
      requests: 2,
    },
    assert: (report) => {
      expect(report.remediation?.commands).toContain(
        "printf 'protocol=https\\nhost=bitbucket.org\\nusername=alice\\n\\n' | git credential reject",
      );
    },
  },
  {
    name: 'a token without read:repository: 403, SCOPE_MISSING with the scopes git needs',
    input: gitInput(fromUrl('api-token', API_TOKEN, 'alice')),
    http: () => [
      refs().reply(401, '', challenge),
      refs('git-upload-pack', basic('alice', API_TOKEN)).reply(
        403,
        'Your credentials lack one or more required privilege scopes.',
      ),
    ],
    expected: {
      verdict: 'fail',
      code: 'SCOPE_MISSING',
      data: { scopesNeeded: ['read:repository:bitbucket'] },
      requests: 2,
    },
  },
  {
    name: 'push: the receive-pack advertisement wants write:repository too',
    input: gitInput(fromUrl('api-token', API_TOKEN, 'alice'), { push: true }),
    http: () => [
      refs().reply(401, '', challenge),
      refs('git-upload-pack', basic('alice', API_TOKEN)).reply(200, ADVERTISEMENT),
      refs('git-receive-pack').reply(401, '', challenge),
      refs('git-receive-pack', basic('alice', API_TOKEN)).reply(
        403,
        'Your credentials lack one or more required privilege scopes.',
      ),
    ],
    expected: {
      verdict: 'fail',
      code: 'SCOPE_MISSING',
      summary: /git push/u,
      data: {
        service: 'git-receive-pack',
        scopesNeeded: ['read:repository:bitbucket', 'write:repository:bitbucket'],
      },
    },
  },
  {
    name: "the workspace's IP allowlist: IP_NOT_ALLOWED, the credential is not blamed",
    input: gitInput(fromUrl('api-token', API_TOKEN, 'alice')),
    http: () => [
      refs().reply(401, '', challenge),
      refs('git-upload-pack', basic('alice', API_TOKEN)).reply(403, bodies.GIT_IP_NOT_ALLOWED),
    ],
    expected: { verdict: 'fail', code: 'IP_NOT_ALLOWED', hint: /allowlist|IP/u },
  },
  {
    name: 'the workspace requires two-step verification: TWO_STEP_REQUIRED',
    input: gitInput(fromUrl('api-token', API_TOKEN, 'alice')),
    http: () => [
      refs().reply(401, '', challenge),
      refs('git-upload-pack', basic('alice', API_TOKEN)).reply(403, bodies.GIT_TWO_STEP_REQUIRED),
    ],
    expected: { verdict: 'fail', code: 'TWO_STEP_REQUIRED', hint: /two-step/u },
  },
  {
    name: 'a repository that does not exist (or is hidden): REPO_NOT_FOUND_OR_NO_ACCESS',
    input: gitInput(fromUrl('api-token', API_TOKEN, 'alice')),
    http: () => [
      refs().reply(401, '', challenge),
      refs('git-upload-pack', basic('alice', API_TOKEN)).reply(404, 'Repository not found'),
    ],
    expected: { verdict: 'fail', code: 'REPO_NOT_FOUND_OR_NO_ACCESS' },
  },
  {
    name: 'challenged with nothing to send: NO_CREDENTIALS (git would prompt)',
    input: gitInput(undefined),
    http: () => refs().reply(401, '', challenge),
    expected: {
      verdict: 'fail',
      code: 'NO_CREDENTIALS',
      summary: /git has no credential/u,
      requests: 1,
    },
  },
  {
    name: "git has nothing, the doctor's own API token works for git: NO_CREDENTIALS says which does",
    input: gitInput(undefined, {
      extra: {
        credentials: [cred('api-token', API_TOKEN, { source: 'env:BITBUCKET_API_TOKEN' })],
        username: 'alice',
      },
    }),
    http: () => [
      refs().reply(401, '', challenge),
      refs('git-upload-pack', basic('alice', API_TOKEN)).reply(200, ADVERTISEMENT),
    ],
    expected: {
      verdict: 'fail',
      code: 'NO_CREDENTIALS',
      summary: /Basic with alice from env:BITBUCKET_API_TOKEN works \(200\)/u,
      requests: 2,
    },
  },
  {
    name: 'the account password: ACCOUNT_PASSWORD_REJECTED',
    input: gitInput(fromUrl('account-password', PASSWORD, 'alice')),
    http: () => [
      refs().reply(401, '', challenge),
      refs('git-upload-pack', basic('alice', PASSWORD)).reply(401, '', challenge),
    ],
    expected: { verdict: 'fail', code: 'ACCOUNT_PASSWORD_REJECTED' },
  },
  {
    name: 'an API token refused with the fixed git username too: AUTH_REJECTED (nothing to correct)',
    input: gitInput(fromUrl('api-token', API_TOKEN, 'x-bitbucket-api-token-auth')),
    http: () => [
      refs().reply(401, '', challenge),
      refs('git-upload-pack', basic('x-bitbucket-api-token-auth', API_TOKEN)).reply(
        401,
        '',
        challenge,
      ),
    ],
    expected: {
      verdict: 'fail',
      code: 'AUTH_REJECTED',
      summary: /no corrected username worked/u,
      requests: 2,
    },
  },
  {
    name: 'rate limited: RATE_LIMITED',
    input: gitInput(fromUrl('access-token', REPO_TOKEN, 'x-token-auth')),
    http: () => [
      refs().reply(401, '', challenge),
      refs('git-upload-pack', basic('x-token-auth', REPO_TOKEN)).reply(
        429,
        'Rate limit for this resource has been exceeded',
      ),
    ],
    expected: { verdict: 'fail', code: 'RATE_LIMITED' },
  },
  {
    name: 'http.extraHeader Bearer goes on the first request, as git sends it: pass',
    input: gitInput(cred('access-token', REPO_TOKEN, { source: 'git:http.extraHeader' }), {
      via: 'extra-header',
      header: `Bearer ${REPO_TOKEN}`,
    }),
    http: () => refs('git-upload-pack', `Bearer ${REPO_TOKEN}`).reply(200, ADVERTISEMENT),
    expected: { verdict: 'pass', summary: /Bearer \(http.extraHeader\)/u, requests: 1 },
    assert: (report) => expect(authorizations(report)).toHaveLength(1),
  },
]);
