// Data Center scenarios as data: a small Data Center world, the bb-doctor arguments a user in that
// story would pass, and the finding the story should produce (contract.md "Finding codes (Data
// Center)"). Every story is a Data Center failure of bitbucket-auth.md §8, §9 item 25 and §12.3.
//
// Kept in `dcScenarios`, out of the Cloud `scenarios` that the end-to-end tests run through the
// doctor, until the doctor diagnoses Data Center. `getScenario` finds them; `bb-doctor simulate
// --scenario dc-…` serves them.
//
// `{base}` in args stands for the SERVER's base URL with its context path (`running.base`, e.g.
// `http://127.0.0.1:PORT/bitbucket`); `bb-doctor demo` adds `--api-url {base}` itself. The secrets
// are the simulator's own public test values: HTTP access tokens shaped `BBDC-` + 44 characters
// (§12.3 [M]), a Cloud API token shaped `ATATT3x…` (§4.2).

import { createHash } from 'node:crypto';
import type { FaultMode } from './faults.js';
import type { DcProject, DcRepository, DcToken, DcUser, DcWorld } from './dc-world.js';
import type { GitStory, ScenarioExpectation } from './scenarios.js';

export interface DcScenario {
  /** kebab-case, starting `dc-`. */
  name: string;
  product: 'data-center';
  /** One line. */
  title: string;
  /** 2-4 sentences. */
  story: string;
  /** The bitbucket-auth.md section and its sources. */
  source: string;
  world: DcWorld;
  /** bb-doctor arguments; `{base}` = `running.base` (origin + context path), `{git-url}` = `gitUrl(git, base)`. */
  args: string[];
  env?: Record<string, string>;
  /** A Data Center finding code of contract.md (the doctor may not produce it yet). */
  expected: ScenarioExpectation;
  fault?: FaultMode;
  latencyMs?: number;
  /** Only on git stories: what git was given and what it printed; `url` is below `{base}`. */
  git?: GitStory;
}

// --- deterministic fake secrets ----------------------------------------------------------------

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function fake(seed: string, length: number, alphabet: string): string {
  let out = '';
  for (let counter = 0; out.length < length; counter += 1) {
    const digest = createHash('sha256')
      .update(`${seed}#${String(counter)}`)
      .digest();
    for (const byte of digest)
      if (out.length < length) out += alphabet.charAt(byte % alphabet.length);
  }
  return out;
}

/** An HTTP access token of 8.x and later: `BBDC-` + 44 characters (§12.3 [M], secret scanners). */
const httpToken = (seed: string): string => `BBDC-${fake(seed, 44, `${ALNUM}+/`)}`;

/** A Bitbucket Cloud API token (§4.2): not a credential Data Center knows. */
const CLOUD_API_TOKEN = `ATATT3xFfGF0${fake('cloud api token on dc', 170, `${ALNUM}-_`)}=${createHash(
  'sha256',
)
  .update('cloud api token on dc')
  .digest('hex')
  .slice(0, 8)
  .toUpperCase()}`;

// --- the people and the code -------------------------------------------------------------------

const ALICE: DcUser = {
  username: 'alice',
  displayName: 'Alice Example',
  email: 'alice@acme.example',
  password: 'dc-alice-correct-horse',
  id: 101,
};

const CAROL: DcUser = {
  username: 'carol',
  displayName: 'Carol Contractor',
  email: 'carol@contractor.example',
  password: 'dc-carol-battery-staple',
  id: 103,
};

const ADMIN: DcUser = {
  username: 'admin',
  displayName: 'Bitbucket Administrator',
  email: 'admin@acme.example',
  password: 'dc-admin-hunter2-long',
  id: 1,
  sysadmin: true,
};

/** The password Alice had before she changed it: what the CI job still sends. */
const ALICE_OLD_PASSWORD = 'dc-alice-old-password-2025';

function repository(slug: string, isPublic: boolean): DcRepository {
  const messages = ['Fix the deploy script', 'Add health check', 'Initial commit'];
  return {
    slug,
    name: slug,
    isPublic,
    mainBranch: 'master',
    branches: ['master', 'develop'],
    commits: messages.map((message, index) => ({
      message: `${message}\n`,
      date: new Date(Date.UTC(2026, 10, 20 - index * 3, 9, 30)).toISOString(),
      author: 'alice',
    })),
  };
}

const PROJECTS: DcProject[] = [
  {
    key: 'ACME',
    name: 'Acme',
    repositories: [repository('secret-repo', false), repository('website', true)],
  },
  { key: 'OPS', name: 'Operations', repositories: [repository('infra', false)] },
];

const ALICE_TOKEN: DcToken = {
  label: 'alice-pat',
  secret: httpToken('alice personal token'),
  kind: 'personal',
  user: 'alice',
  permission: 'WRITE',
};

const ALICE_EXPIRED_TOKEN: DcToken = {
  label: 'alice-pat-expired',
  secret: httpToken('alice personal token, expired'),
  kind: 'personal',
  user: 'alice',
  permission: 'READ',
  expired: true,
};

const PROJECT_TOKEN: DcToken = {
  label: 'acme-project-token',
  secret: httpToken('acme project token'),
  kind: 'project',
  project: 'ACME',
  permission: 'READ',
};

const REPO_TOKEN: DcToken = {
  label: 'secret-repo-token',
  secret: httpToken('secret-repo repository token'),
  kind: 'repository',
  project: 'ACME',
  repository: 'secret-repo',
  permission: 'READ',
};

/** A Data Center 10.0 world; `overrides` set the switches and the users' state. */
export function dcWorld(overrides: Partial<DcWorld> = {}): DcWorld {
  return {
    product: 'data-center',
    contextPath: '/bitbucket',
    version: { version: '10.0.1', buildNumber: '10000001', buildDate: '1727740800000' },
    users: [ALICE, CAROL, ADMIN].map((user) => ({ ...user })),
    projects: structuredClone(PROJECTS),
    grants: [
      { user: 'alice', project: 'ACME', permission: 'WRITE' },
      { user: 'alice', project: 'OPS', permission: 'READ' },
      { user: 'carol', project: 'OPS', repository: 'infra', permission: 'READ' },
      { user: 'admin', project: 'ACME', permission: 'ADMIN' },
      { user: 'admin', project: 'OPS', permission: 'ADMIN' },
    ],
    tokens: [ALICE_TOKEN, ALICE_EXPIRED_TOKEN, PROJECT_TOKEN, REPO_TOKEN].map((t) => ({ ...t })),
    ...overrides,
  };
}

const TARGET = ['--workspace', 'ACME', '--repo', 'secret-repo'];
const PASSWORD_ENV = { BITBUCKET_USERNAME: ALICE.username, BITBUCKET_PASSWORD: ALICE.password };
const DC_TOKENS_KB =
  'KB https://support.atlassian.com/bitbucket-data-center/kb/access-tokens-no-longer-work-as-expected-after-upgrading-bitbucket-data-center';

export const defaultDcScenarioName = 'dc-healthy';

export const dcScenarios: readonly DcScenario[] = [
  {
    name: 'dc-healthy',
    product: 'data-center',
    title: 'A personal HTTP access token as Bearer on Data Center 10: everything works',
    story:
      "Alice made a personal HTTP access token under Manage account and sends it as 'Authorization: Bearer'. The private repository ACME/secret-repo answers 200 with X-AUSERNAME: alice. The doctor finds nothing to fix.",
    source:
      'bitbucket-auth.md §8 (HTTP access tokens), §12.3: confluence.atlassian.com/bitbucketserver091/http-access-tokens-1443038354.html; renovatebot/renovate PR #28093',
    world: dcWorld(),
    args: TARGET,
    env: { BITBUCKET_ACCESS_TOKEN: ALICE_TOKEN.secret },
    expected: { code: null, exit: 0 },
  },
  {
    name: 'dc-lowercase-bearer',
    product: 'data-center',
    title:
      'A personal token sent as "Authorization: bearer ..." (lower-case scheme) to Data Center',
    story:
      "A script copies the scheme from an OAuth library and sends 'Authorization: bearer <token>'. Data Center ignores a scheme it does not know and answers as to an anonymous caller: the private repository is 401, with no X-AUSERNAME. One capital letter fixes it.",
    source:
      'bitbucket-auth.md §2.1 (the scheme is case-sensitive in practice), §8 (an ignored header reads as anonymous; the simulator CHOSE to ignore lower-case schemes, [U] for Data Center)',
    world: dcWorld(),
    args: [...TARGET, '--header', `Authorization: bearer ${ALICE_TOKEN.secret}`],
    expected: { code: 'HEADER_SCHEME_CASE', exit: 1 },
  },
  {
    name: 'dc-wrong-password',
    product: 'data-center',
    title: 'A CI job still sends the password Alice changed last week',
    story:
      'Alice changed her Data Center password, and the CI variable still holds the old one. Every call answers 401 IncorrectPasswordAuthenticationException "Authentication failed. Please check your credentials and try again.", without X-AUSERNAME. Each retry brings the account closer to the CAPTCHA lock.',
    source:
      'bitbucket-auth.md §8 (wrong password), contract.md DC_CREDENTIALS_REJECTED: baloise/gitopscli bitbucket_git_repo_api_adapter.py; Karunamon/concourse-resource-bitbucket tests',
    world: dcWorld(),
    args: TARGET,
    env: { BITBUCKET_USERNAME: ALICE.username, BITBUCKET_PASSWORD: ALICE_OLD_PASSWORD },
    expected: { code: 'DC_CREDENTIALS_REJECTED', exit: 1 },
  },
  {
    name: 'dc-email-as-username',
    product: 'data-center',
    title: 'The email address as the Data Center username',
    story:
      'Used to Bitbucket Cloud, Alice logs in with her email address and her correct password. Data Center logs in by username, so it answers 401 "Authentication failed" as for a wrong password. With the username alice the same password works.',
    source:
      'bitbucket-auth.md §8 (wrong password), contract.md DC_CREDENTIALS_REJECTED ("a login name the server does not know (an email address …)"): developer.atlassian.com/server/bitbucket/how-tos/example-basic-authentication/',
    world: dcWorld(),
    args: TARGET,
    env: { BITBUCKET_USERNAME: ALICE.email, BITBUCKET_PASSWORD: ALICE.password },
    expected: { code: 'DC_CREDENTIALS_REJECTED', exit: 1 },
  },
  {
    name: 'dc-captcha',
    product: 'data-center',
    title: 'The account is locked behind a CAPTCHA: the right password is refused too',
    story:
      'A forgotten cron job retried Alice\'s old password five times overnight, so Data Center locked her account behind a CAPTCHA. Now her correct password gets 401 CaptchaRequiredAuthenticationException "CAPTCHA required. Your Bitbucket account has been locked." She must solve the CAPTCHA in the web UI (or an admin clears it) and stop the cron job.',
    source:
      'bitbucket-auth.md §8 (CAPTCHA lock), §9 item 25: jenkinsci/stashnotifier-plugin #263; KB "How to configure CAPTCHA in Bitbucket Server"',
    world: dcWorld({ users: [{ ...ALICE, failedLogins: 5 }, { ...CAROL }, { ...ADMIN }] }),
    args: TARGET,
    env: PASSWORD_ENV,
    expected: { code: 'DC_CAPTCHA_REQUIRED', exit: 1 },
  },
  {
    name: 'dc-not-permitted',
    product: 'data-center',
    title: 'Authenticated, but not permitted: a 401 that is not about the password',
    story:
      'Carol, a contractor, may read OPS/infra only, and asks for ACME/secret-repo with her correct password. Data Center answers 401 AuthorisationException "You are not permitted to access this resource", with X-AUSERNAME: carol. The password is fine; she needs REPO_READ on the repository.',
    source:
      'bitbucket-auth.md §8 (authenticated but not permitted), contract.md DC_NOT_PERMITTED: community qaq-p/1064279; confluence bitbucketserverkb pageId 1416563314',
    world: dcWorld(),
    args: TARGET,
    env: { BITBUCKET_USERNAME: CAROL.username, BITBUCKET_PASSWORD: CAROL.password },
    expected: { code: 'DC_NOT_PERMITTED', exit: 1 },
  },
  {
    name: 'dc-project-token-as-basic',
    product: 'data-center',
    title: 'A project HTTP access token used as a password in Basic',
    story:
      'Alice made a project access token for ACME and put it where her password used to go, with her username. Data Center answers 401 "Authentication failed", and counts a failed login for alice. Project and repository tokens work only as Bearer.',
    source:
      'bitbucket-auth.md §8 (project/repo tokens only with Bearer), §12.3: confluence.atlassian.com/bitbucketserver091/http-access-tokens-1443038354.html; renovatebot/renovate PR #28093',
    world: dcWorld(),
    args: TARGET,
    env: { BITBUCKET_USERNAME: ALICE.username, BITBUCKET_PASSWORD: PROJECT_TOKEN.secret },
    expected: { code: 'DC_TOKEN_AS_BASIC', exit: 1 },
  },
  {
    name: 'dc-expired-token',
    product: 'data-center',
    title: 'An expired personal HTTP access token',
    story:
      "Alice's personal access token reached its expiry date last month. Every Bearer call answers 401 without X-AUSERNAME. Expiry dates cannot be changed: she must create a new token.",
    source:
      'bitbucket-auth.md §8 (HTTP access tokens), contract.md DC_TOKEN_REJECTED: confluence.atlassian.com/bitbucketserver091/http-access-tokens-1443038354.html; trufflehog PR #4883',
    world: dcWorld(),
    args: TARGET,
    env: { BITBUCKET_ACCESS_TOKEN: ALICE_EXPIRED_TOKEN.secret },
    expected: { code: 'DC_TOKEN_REJECTED', exit: 1 },
  },
  {
    name: 'dc-token-outside-rest',
    product: 'data-center',
    title: 'A token sent to /plugins/servlet/applinks/whoami (outside /rest and /scm)',
    story:
      "A monitoring script checks the token with the application links 'whoami' servlet. Since the 2024 security releases tokens work only below /rest and /scm, so the request is redirected (302) to the login page. Who the token is shows in X-AUSERNAME of any /rest answer.",
    source: `bitbucket-auth.md §8 (token on non-REST paths), §9 item 25: ${DC_TOKENS_KB}`,
    world: dcWorld(),
    args: ['--url', '{base}/plugins/servlet/applinks/whoami'],
    env: { BITBUCKET_ACCESS_TOKEN: ALICE_TOKEN.secret },
    expected: { code: 'DC_TOKEN_OUTSIDE_REST', exit: 1 },
  },
  {
    name: 'dc-basic-disabled',
    product: 'data-center',
    title: 'Basic authentication switched off, as Data Center 10 does by default',
    story:
      'After the upgrade to Data Center 10, a script that logs in with username and password gets 403 "Basic Authentication has been disabled on this instance." The password is never checked. The fix is an HTTP access token as Bearer.',
    source:
      'bitbucket-auth.md §12.3: atlassian/data-center-helm-charts PR #1101; opendevstack/ods-pipeline #683',
    world: dcWorld({ basicAuthDisabled: true, basicAuthDisabledForGit: true }),
    args: TARGET,
    env: PASSWORD_ENV,
    expected: { code: 'DC_BASIC_AUTH_DISABLED', exit: 1 },
  },
  {
    name: 'dc-cloud-token',
    product: 'data-center',
    title: 'A Bitbucket Cloud API token sent to a Data Center server',
    story:
      'Alice copied the setup of a Cloud project: her email and an Atlassian API token (ATATT…). Data Center knows neither the email as a username nor the token, so it answers 401 "Authentication failed". She needs an HTTP access token made on this server.',
    source:
      'bitbucket-auth.md §8, §12.3 (Cloud confusion, community qaq-p/3204826), contract.md CLOUD_CREDENTIAL_ON_DC: community qaq-p/3093481',
    world: dcWorld(),
    args: TARGET,
    env: { BITBUCKET_EMAIL: ALICE.email, BITBUCKET_API_TOKEN: CLOUD_API_TOKEN },
    expected: { code: 'CLOUD_CREDENTIAL_ON_DC', exit: 1 },
  },
  {
    name: 'dc-cloud-path',
    product: 'data-center',
    title: 'A Bitbucket Cloud API path (/2.0/...) sent to Data Center',
    story:
      'A script written for Bitbucket Cloud asks the Data Center server for /2.0/repositories/ACME/secret-repo/commits. Data Center has no such API: with a token the request is redirected to the login page, without one it is an HTML 404. The Data Center path is /rest/api/1.0/projects/ACME/repos/secret-repo/commits.',
    source: `bitbucket-auth.md §8 (REST base), contract.md CLOUD_PATH_ON_DC: developer.atlassian.com/server/bitbucket/rest/; ${DC_TOKENS_KB}`,
    world: dcWorld(),
    args: ['--url', '{base}/2.0/repositories/ACME/secret-repo/commits'],
    env: { BITBUCKET_ACCESS_TOKEN: ALICE_TOKEN.secret },
    expected: { code: 'CLOUD_PATH_ON_DC', exit: 1 },
  },
  {
    name: 'dc-git-basic-disabled',
    product: 'data-center',
    title: 'git with a password after the admin switched off Basic for git',
    story:
      'The admin switched off basic authentication for git operations, while Alice\'s REST scripts still may use it. Her git credential helper sends username and password, and git answers "The requested URL returned error: 403". The fix is an HTTP access token through git -c http.extraHeader="Authorization: Bearer …".',
    source:
      'bitbucket-auth.md §12.3 (basic auth disabled; the git fix with http.extraHeader): atlassian/data-center-helm-charts PR #1101; opendevstack/ods-pipeline #683',
    world: dcWorld({ basicAuthDisabledForGit: true }),
    args: ['--git-url', '{git-url}'],
    expected: { code: 'DC_BASIC_AUTH_DISABLED', exit: 1 },
    git: {
      command: ['ls-remote', '{git-url}'],
      url: '{base}/scm/acme/secret-repo.git',
      credential: { username: ALICE.username, secret: ALICE.password, from: 'credential-store' },
      gitExit: 128,
      gitStderr: [
        'remote: Basic Authentication has been disabled on this instance.',
        'The requested URL returned error: 403',
      ],
    },
  },
];
