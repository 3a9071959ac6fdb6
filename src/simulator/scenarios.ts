// Scenarios as data: each is a small Bitbucket world, the bb-doctor arguments a user in that story
// would pass, and the finding the story should produce (finding codes: contract.md). Every story is a
// real failure from bitbucket-auth.md §9.
//
// `{base}` in args stands for the simulator's base URL; `bb-doctor demo` adds
// `--api-url {base} --auth-url {base}` itself. The secrets below are the simulator's own, public test
// credentials: deterministic fakes shaped like the real ones (API tokens start `ATATT3x...`,
// bitbucket-auth.md §4.2; app passwords `ATBB...`; legacy consumer keys 18 and secrets 32 characters,
// §1.3), so that reports and golden files are stable from run to run.

import { createHash } from 'node:crypto';
import type { DcScenario } from './dc-scenarios.js';
import { dcScenarios } from './dc-scenarios.js';
import type { FaultMode } from './faults.js';
import type {
  Account,
  AccessTokenCredential,
  AccountPasswordCredential,
  ApiTokenCredential,
  AppPasswordCredential,
  AuthCodeCredential,
  ClassicApiTokenCredential,
  Commit,
  Consumer,
  Credential,
  OAuthTokenCredential,
  PullRequest,
  RefreshTokenCredential,
  Repository,
  World,
} from './world.js';

export interface ScenarioExpectation {
  /** Finding code from contract.md; null = healthy. */
  code: string | null;
  exit: 0 | 1 | 3;
}

export interface Scenario {
  /** kebab-case */
  name: string;
  /** Bitbucket Cloud (the default); Data Center scenarios are `DcScenario`s (dc-scenarios.ts). */
  product?: 'cloud';
  /** One line. */
  title: string;
  /** 2-4 sentences. */
  story: string;
  /** The bitbucket-auth.md §9 item and its sources. */
  source: string;
  world: World;
  /** bb-doctor arguments; `{base}` = the simulator's base URL. */
  args: string[];
  env?: Record<string, string>;
  expected: ScenarioExpectation;
  fault?: FaultMode;
  latencyMs?: number;
  /** Only on git scenarios (`gitScenarios`): what git was given and what it printed. */
  git?: GitStory;
}

/**
 * The git side of a git scenario (bitbucket-auth.md §12.1). `{git-url}` in a git scenario's `args`
 * stands for `gitUrl(story, base)`: the clone URL as git has it, with userinfo when the credential is
 * in the URL, without when a credential helper holds it (then `gitHomeFiles` is the helper's store).
 */
export interface GitStory {
  /** The git command the user ran, `{git-url}` for the URL. Read-only commands only. */
  command: string[];
  /** The clone URL without credentials; `{base}` = the simulator's origin. */
  url: string;
  /** The credential git sends, and where git keeps it. */
  credential: { username: string; secret: string; from: 'url' | 'credential-store' };
  /** git's exit code, and lines of its stderr, when the command runs against the scenario's world. */
  gitExit: number;
  gitStderr: string[];
}

// --- deterministic fake secrets ----------------------------------------------------------------

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const B64URL = `${ALNUM}-_`;

function fake(seed: string, length: number, alphabet: string): string {
  let out = '';
  for (let counter = 0; out.length < length; counter += 1) {
    const digest = createHash('sha256')
      .update(`${seed}#${String(counter)}`)
      .digest();
    for (const byte of digest) {
      if (out.length < length) out += alphabet.charAt(byte % alphabet.length);
    }
  }
  return out;
}

function hexOf(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

/** Atlassian API token: `ATATT3xFfGF0` + body + `=` + 8 hex checksum (~190 characters). */
const apiToken = (seed: string): string =>
  `ATATT3xFfGF0${fake(seed, 170, B64URL)}=${hexOf(seed, 8).toUpperCase()}`;
/** Repository/project/workspace access token (Atlassian `ATCTT3x...` shape). */
const accessTokenSecret = (seed: string): string =>
  `ATCTT3xFfGN0${fake(seed, 170, B64URL)}=${hexOf(seed, 8).toUpperCase()}`;
/** App password: `ATBB` + 32 characters. */
const appPassword = (seed: string): string =>
  `ATBB${fake(seed, 24, ALNUM)}${hexOf(seed, 8).toUpperCase()}`;
/** OAuth access token: long random-looking base64url. */
const oauthToken = (seed: string): string => fake(seed, 128, B64URL);
const refreshToken = (seed: string): string => fake(seed, 32, ALNUM);
const uuid = (seed: string): string => {
  const h = hexOf(seed, 32);
  return `{${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}}`;
};

// --- the people and the code -------------------------------------------------------------------

const ALICE: Account = {
  username: 'alice',
  email: 'alice@example.com',
  displayName: 'Alice Example',
  accountId: `712020:${uuid('alice account').slice(1, -1)}`,
  uuid: uuid('alice'),
};

const BOB: Account = {
  username: 'bob',
  email: 'bob@globex.example',
  displayName: 'Bob Globex',
  accountId: `712020:${uuid('bob account').slice(1, -1)}`,
  uuid: uuid('bob'),
};

function commits(repo: string, author: string): Commit[] {
  const messages = ['Fix the deploy script', 'Add health check', 'Initial commit'];
  return messages.map((message, index) => ({
    hash: createHash('sha1')
      .update(`${repo}:${String(index)}`)
      .digest('hex'),
    message: `${message}\n`,
    date: new Date(Date.UTC(2026, 10, 20 - index * 3, 9, 30))
      .toISOString()
      .replace('.000Z', '+00:00'),
    author,
  }));
}

function repository(
  slug: string,
  isPrivate: boolean,
  projectKey: string,
  pullRequests: PullRequest[] = [],
): Repository {
  return {
    slug,
    name: slug,
    isPrivate,
    projectKey,
    mainBranch: 'master',
    branches: ['master', 'develop'],
    commits: commits(slug, 'alice'),
    pullRequests,
  };
}

/** Workspace `acme` (alice): public `website`, private `secret-repo` and `infra`; workspace `globex` (bob). */
function baseWorld(consumers: Consumer[], credentials: Credential[]): World {
  return {
    accounts: [{ ...ALICE }, { ...BOB }],
    workspaces: [
      {
        slug: 'acme',
        name: 'ACME',
        uuid: uuid('workspace acme'),
        members: ['alice'],
        repositories: [
          repository('website', false, 'WEB', [
            {
              id: 7,
              title: 'Update the landing page',
              state: 'OPEN',
              sourceBranch: 'develop',
              destinationBranch: 'master',
              author: 'alice',
            },
          ]),
          repository('secret-repo', true, 'ACME', [
            {
              id: 41,
              title: 'Rotate the deploy keys',
              state: 'OPEN',
              sourceBranch: 'develop',
              destinationBranch: 'master',
              author: 'alice',
            },
            {
              id: 40,
              title: 'Pin the base image',
              state: 'MERGED',
              sourceBranch: 'develop',
              destinationBranch: 'master',
              author: 'alice',
            },
          ]),
          repository('infra', true, 'OPS'),
        ],
      },
      {
        slug: 'globex',
        name: 'Globex',
        uuid: uuid('workspace globex'),
        members: ['bob'],
        repositories: [repository('billing', true, 'BIL')],
      },
    ],
    consumers: consumers.map((consumer) => ({ ...consumer, scopes: [...consumer.scopes] })),
    credentials: credentials.map((credential) => structuredClone(credential)),
  };
}

// --- credentials -------------------------------------------------------------------------------

const CALLBACK = 'https://ci.acme.example/oauth/callback';

/** Private consumer with a callback URL: client_credentials works (bitbucket-auth.md §1.3). */
const CI_CONSUMER: Consumer = {
  label: 'acme-ci',
  key: fake('consumer acme-ci key', 18, ALNUM),
  secret: fake('consumer acme-ci secret', 32, ALNUM),
  owner: 'alice',
  isPrivate: true,
  callbackUrl: CALLBACK,
  scopes: ['account', 'team', 'repository', 'pullrequest'],
};

/** Not marked private (bitbucket-auth.md §1.6). */
const PUBLIC_CONSUMER: Consumer = {
  label: 'acme-web-app',
  key: fake('consumer acme-web-app key', 18, ALNUM),
  secret: fake('consumer acme-web-app secret', 32, ALNUM),
  owner: 'alice',
  isPrivate: false,
  callbackUrl: 'https://dashboard.acme.example/login/bitbucket',
  scopes: ['account', 'repository'],
};

/** Private, but no callback URL (bitbucket-auth.md §1.6). */
const NO_CALLBACK_CONSUMER: Consumer = {
  label: 'acme-scripts',
  key: fake('consumer acme-scripts key', 18, ALNUM),
  secret: fake('consumer acme-scripts secret', 32, ALNUM),
  owner: 'alice',
  isPrivate: true,
  callbackUrl: null,
  scopes: ['account', 'repository'],
};

/** Private consumer with `repository` but no `pullrequest` (bitbucket-auth.md §4.1, §9 item 8). */
const NARROW_CONSUMER: Consumer = {
  label: 'acme-reporting',
  key: fake('consumer acme-reporting key', 18, ALNUM),
  secret: fake('consumer acme-reporting secret', 32, ALNUM),
  owner: 'alice',
  isPrivate: true,
  callbackUrl: CALLBACK,
  scopes: ['account', 'repository'],
};

/** Consumer behind a web dashboard that uses the authorization-code flow. */
const DASHBOARD_CONSUMER: Consumer = {
  label: 'acme-dashboard',
  key: fake('consumer acme-dashboard key', 18, ALNUM),
  secret: fake('consumer acme-dashboard secret', 32, ALNUM),
  owner: 'alice',
  isPrivate: true,
  callbackUrl: 'https://dashboard.acme.example/oauth/callback',
  scopes: ['account', 'team', 'repository', 'pullrequest'],
};

const ALICE_API_TOKEN: ApiTokenCredential = {
  kind: 'api-token',
  label: 'alice-api-token',
  secret: apiToken('alice api token'),
  account: 'alice',
  scopes: [
    'read:user:bitbucket',
    'read:workspace:bitbucket',
    'read:repository:bitbucket',
    'read:pullrequest:bitbucket',
  ],
};

const ALICE_CLASSIC_TOKEN: ClassicApiTokenCredential = {
  kind: 'classic-api-token',
  label: 'alice-classic-token',
  secret: apiToken('alice classic token'),
  account: 'alice',
};

const ALICE_APP_PASSWORD: AppPasswordCredential = {
  kind: 'app-password',
  label: 'alice-app-password',
  secret: appPassword('alice app password'),
  account: 'alice',
  scopes: ['account', 'repository', 'pullrequest'],
};

const ALICE_PASSWORD: AccountPasswordCredential = {
  kind: 'account-password',
  label: 'alice-password',
  secret: 'Winter-2026-alice!',
  account: 'alice',
};

/** A token acme-ci obtained with client_credentials: acts as the owner, alice (bitbucket-auth.md §1.2). */
const CI_TOKEN: OAuthTokenCredential = {
  kind: 'oauth-token',
  label: 'acme-ci-token',
  secret: oauthToken('acme-ci client_credentials token'),
  consumer: CI_CONSUMER.key,
  account: 'alice',
  grant: 'client_credentials',
};

const DASHBOARD_EXPIRED_TOKEN: OAuthTokenCredential = {
  kind: 'oauth-token',
  label: 'dashboard-expired-token',
  secret: oauthToken('acme-dashboard expired token'),
  consumer: DASHBOARD_CONSUMER.key,
  account: 'alice',
  grant: 'authorization_code',
  expired: true,
};

const DASHBOARD_REFRESH_TOKEN: RefreshTokenCredential = {
  kind: 'refresh-token',
  label: 'dashboard-refresh-token',
  secret: refreshToken('acme-dashboard refresh token'),
  consumer: DASHBOARD_CONSUMER.key,
  account: 'alice',
};

const DASHBOARD_AUTH_CODE: AuthCodeCredential = {
  kind: 'auth-code',
  label: 'dashboard-auth-code',
  secret: fake('acme-dashboard authorization code', 20, ALNUM),
  consumer: DASHBOARD_CONSUMER.key,
  account: 'alice',
};

/** Repository access token for acme/secret-repo (bitbucket-auth.md §4.1: no `account` scope). */
const REPO_TOKEN: AccessTokenCredential = {
  kind: 'access-token',
  label: 'secret-repo-ci',
  secret: accessTokenSecret('acme/secret-repo access token'),
  level: 'repository',
  workspace: 'acme',
  target: 'secret-repo',
  scopes: ['repository', 'pullrequest'],
};

/** A token nobody issued (revoked, or copied from another system). */
const REVOKED_TOKEN = oauthToken('revoked token nobody knows');

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const COMMITS_URL = '{base}/2.0/repositories/acme/secret-repo/commits/master';

// --- the scenarios -----------------------------------------------------------------------------

export const defaultScenarioName = 'lowercase-bearer';

export const scenarios: readonly Scenario[] = [
  {
    name: 'lowercase-bearer',
    title: 'A client_credentials token sent as "Authorization: bearer ..." (lower-case scheme)',
    story:
      'A CI job gets a token for the private consumer acme-ci with client_credentials and builds the header from the token response\'s token_type, "bearer". The workspace listing /2.0/repositories/acme answers 200, so the token looks fine, but the private repository\'s commits/master answers 404. Bitbucket ignored the header: the listing only showed public repositories.',
    source:
      'bitbucket-auth.md §9 item 9, §2.2, §3.1: community qaq-p/648089 (https://community.atlassian.com/t5/Bitbucket-questions/bitbucket-API-v2-repositories-username-repo-slug-permissions/qaq-p/648089); next-auth #3075; jupyterhub/oauthenticator #677; spinnaker #2758',
    // Also the world `bb-doctor simulate` serves by default, so it holds one credential of each
    // working kind for users to play with; the story itself only uses acme-ci and its token.
    world: baseWorld(
      [CI_CONSUMER, DASHBOARD_CONSUMER],
      [CI_TOKEN, ALICE_API_TOKEN, REPO_TOKEN, DASHBOARD_REFRESH_TOKEN, DASHBOARD_AUTH_CODE],
    ),
    args: ['--url', COMMITS_URL, '--header', `Authorization: bearer ${CI_TOKEN.secret}`],
    env: { BITBUCKET_CLIENT_ID: CI_CONSUMER.key, BITBUCKET_CLIENT_SECRET: CI_CONSUMER.secret },
    expected: { code: 'HEADER_SCHEME_CASE', exit: 1 },
  },
  {
    name: 'healthy',
    title: 'A scoped API token with the account email: everything works',
    story:
      'Alice created an API token with Bitbucket scopes and sends it with her Atlassian account email, as the docs say. The private repository and its pull requests answer 200. The doctor finds nothing to fix.',
    source:
      'bitbucket-auth.md §2.3, §5.2: https://support.atlassian.com/bitbucket-cloud/docs/using-api-tokens',
    world: baseWorld([], [ALICE_API_TOKEN]),
    args: ['--workspace', 'acme', '--repo', 'secret-repo'],
    env: { BITBUCKET_EMAIL: ALICE.email, BITBUCKET_API_TOKEN: ALICE_API_TOKEN.secret },
    expected: { code: null, exit: 0 },
  },
  {
    name: 'api-token-with-username',
    title: 'An API token sent with the Bitbucket username instead of the email',
    story:
      'Alice replaced her app password with an API token but kept her Bitbucket username in the script. Every call answers 401 "Login failed". With her Atlassian account email instead, the same token works.',
    source:
      'bitbucket-auth.md §9 item 2, §5.2, §5.3: KB https://support.atlassian.com/bitbucket-cloud/kb/getting-401-http-error-while-authenticating-to-bitbucket-cloud-rest-apis; avivsinai/bitbucket-cli #174; amitsaha/gitbackup PR #228',
    world: baseWorld([], [ALICE_API_TOKEN]),
    args: ['--username', 'alice', '--email', ALICE.email, '--url', COMMITS_URL],
    env: { BITBUCKET_API_TOKEN: ALICE_API_TOKEN.secret },
    expected: { code: 'API_TOKEN_NEEDS_EMAIL', exit: 1 },
  },
  {
    name: 'api-token-as-bearer',
    title: 'An API token sent as a Bearer token',
    story:
      'Alice put her new API token where the old OAuth token used to go, so it is sent as "Authorization: Bearer ATATT...". Bitbucket answers 401 "Token is invalid, expired, or not supported for this endpoint." API tokens go in Basic, with the account email.',
    source:
      'bitbucket-auth.md §9 item 3, §5.3: https://community.developer.atlassian.com/t/api-tokens-at-account-level-not-working/94071; community qaq-p/3194144; OpenHands PR #14309',
    world: baseWorld([], [ALICE_API_TOKEN]),
    args: ['--url', COMMITS_URL],
    env: { BITBUCKET_ACCESS_TOKEN: ALICE_API_TOKEN.secret, BITBUCKET_EMAIL: ALICE.email },
    expected: { code: 'API_TOKEN_AS_BEARER', exit: 1 },
  },
  {
    name: 'api-token-unscoped',
    title: 'A classic Atlassian API token without Bitbucket scopes',
    story:
      'Alice created her token with "Create API token" on id.atlassian.com, not "Create API token with scopes". She sends it correctly, with her email, and still gets 401 "Token is invalid, expired, or not supported for this endpoint."',
    source:
      'bitbucket-auth.md §9 item 4, §5.3: avivsinai/bitbucket-cli #30; MunifTanjim/node-bitbucket #135; community qaq-p/3144636',
    world: baseWorld([], [ALICE_CLASSIC_TOKEN]),
    args: ['--workspace', 'acme', '--repo', 'secret-repo'],
    env: { BITBUCKET_EMAIL: ALICE.email, BITBUCKET_API_TOKEN: ALICE_CLASSIC_TOKEN.secret },
    expected: { code: 'API_TOKEN_UNSCOPED', exit: 1 },
  },
  {
    name: 'app-password-removed',
    title: 'An app password after their removal (2026-07-28)',
    story:
      "A backup script still authenticates with Alice's username and an app password created in 2024. Since the removal every API call answers 401. The fix is an API token with the account email.",
    source:
      'bitbucket-auth.md §9 item 6, §5.1: community ba-p/3237429 (https://community.atlassian.com/forums/Bitbucket-articles/Deprecation-notice-Bitbucket-Cloud-app-password-brownout/ba-p/3237429); jenkinsci/bitbucket-branch-source-plugin PR #1220',
    world: baseWorld([], [ALICE_APP_PASSWORD]),
    args: ['--url', COMMITS_URL],
    env: { BITBUCKET_USERNAME: 'alice', BITBUCKET_APP_PASSWORD: ALICE_APP_PASSWORD.secret },
    expected: { code: 'APP_PASSWORD_REMOVED', exit: 1 },
  },
  {
    name: 'account-password',
    title: 'The Atlassian account password used for the API',
    story:
      'An old deployment script logs in with Alice\'s username and her account password. Bitbucket answers 401 with "Bitbucket Cloud recently stopped supporting account passwords for API authentication." Account passwords have been rejected since 2022-03-01.',
    source:
      'bitbucket-auth.md §9 item 5, §3.4 item 3: mantisbt-plugins/source-integration #399; https://bitbucket.org/blog/deprecating-atlassian-account-password-for-bitbucket-api-and-git-activity',
    world: baseWorld([], [ALICE_PASSWORD]),
    args: ['--workspace', 'acme', '--repo', 'secret-repo'],
    env: { BITBUCKET_USERNAME: 'alice', BITBUCKET_PASSWORD: ALICE_PASSWORD.secret },
    expected: { code: 'ACCOUNT_PASSWORD_REJECTED', exit: 1 },
  },
  {
    name: 'password-grant',
    title: 'OAuth "password" grant with a consumer and the account password',
    story:
      'A tool from 2019 asks for a consumer and a username and password and requests grant_type=password. The token endpoint refuses it: the Resource Owner Password Credentials grant was removed with account passwords in 2022.',
    source:
      'bitbucket-auth.md §1.2, §1.6, §5.1: https://developer.atlassian.com/cloud/bitbucket/oauth-2 ("Resource Owner Password Credentials Grant (4.3) is no longer supported"); community ba-p/1948231',
    world: baseWorld([CI_CONSUMER], [ALICE_PASSWORD]),
    args: [
      '--client-id',
      CI_CONSUMER.key,
      '--username',
      'alice',
      '--workspace',
      'acme',
      '--repo',
      'secret-repo',
    ],
    env: { BITBUCKET_CLIENT_SECRET: CI_CONSUMER.secret, BITBUCKET_PASSWORD: ALICE_PASSWORD.secret },
    expected: { code: 'PASSWORD_GRANT_REMOVED', exit: 1 },
  },
  {
    name: 'consumer-not-private',
    title: 'client_credentials with a consumer that is not marked private',
    story:
      'The consumer acme-web-app was created for a web login and never ticked "This is a private consumer". A CI job uses it with grant_type=client_credentials and gets 400 invalid_grant "Cannot use client_credentials with a consumer marked as \\"public\\"".',
    source:
      'bitbucket-auth.md §9 item 12, §1.3, §1.6: composer/composer PR #10678; jonhadfield/soba #50; https://bitbucket.org/atlassian/bb-cloud-client-creds-grant-sample-app',
    world: baseWorld([PUBLIC_CONSUMER], []),
    args: ['--workspace', 'acme', '--repo', 'secret-repo'],
    env: {
      BITBUCKET_CLIENT_ID: PUBLIC_CONSUMER.key,
      BITBUCKET_CLIENT_SECRET: PUBLIC_CONSUMER.secret,
    },
    expected: { code: 'CONSUMER_NOT_PRIVATE', exit: 1 },
  },
  {
    name: 'consumer-no-callback',
    title: 'An OAuth consumer without a callback URL',
    story:
      'The consumer acme-scripts is private, but nobody filled in a callback URL because the scripts never open a browser. The token endpoint answers 400 "No callback uri defined for the OAuth client." even for client_credentials.',
    source:
      'bitbucket-auth.md §9 item 12, §1.3, §1.6: composer/composer PR #5335; jonhadfield/soba #50',
    world: baseWorld([NO_CALLBACK_CONSUMER], []),
    args: ['--workspace', 'acme', '--repo', 'secret-repo'],
    env: {
      BITBUCKET_CLIENT_ID: NO_CALLBACK_CONSUMER.key,
      BITBUCKET_CLIENT_SECRET: NO_CALLBACK_CONSUMER.secret,
    },
    expected: { code: 'CONSUMER_NO_CALLBACK', exit: 1 },
  },
  {
    name: 'consumer-wrong-secret',
    title: 'The right consumer key with an old secret',
    story:
      'Someone regenerated the secret of acme-ci and the CI variable still holds the old one. The token endpoint answers 400 unauthorized_client "Invalid OAuth client credentials".',
    source:
      'bitbucket-auth.md §1.6: gist ericchiang/6e82e497ec45ea2aedbf; composer/composer src/Composer/Util/Bitbucket.php',
    world: baseWorld([CI_CONSUMER], []),
    args: ['--client-id', CI_CONSUMER.key, '--workspace', 'acme', '--repo', 'secret-repo'],
    env: { BITBUCKET_CLIENT_SECRET: fake('consumer acme-ci OLD secret', 32, ALNUM) },
    expected: { code: 'CONSUMER_INVALID', exit: 1 },
  },
  {
    name: 'token-expired',
    title: 'An OAuth access token older than two hours',
    story:
      'A dashboard stored the access token from its authorization-code login and reuses it the next morning. Bitbucket answers 401 "Access token expired. Use your refresh token to obtain a new access token." The refresh token it also stored still works.',
    source:
      'bitbucket-auth.md §9 item 10, §1.5, §1.7: swoodford/migrate_bitbucket_server_to_bitbucket_cloud #1; bitbucket.org/site/master/issues/11512; https://community.developer.atlassian.com/t/oauth2-token-lifetime-expiration-clarification/22136',
    world: baseWorld([DASHBOARD_CONSUMER], [DASHBOARD_EXPIRED_TOKEN, DASHBOARD_REFRESH_TOKEN]),
    args: ['--url', COMMITS_URL],
    env: {
      BITBUCKET_ACCESS_TOKEN: DASHBOARD_EXPIRED_TOKEN.secret,
      BITBUCKET_REFRESH_TOKEN: DASHBOARD_REFRESH_TOKEN.secret,
      BITBUCKET_CLIENT_ID: DASHBOARD_CONSUMER.key,
      BITBUCKET_CLIENT_SECRET: DASHBOARD_CONSUMER.secret,
    },
    expected: { code: 'TOKEN_EXPIRED', exit: 1 },
  },
  {
    name: 'token-invalid',
    title: 'A token Bitbucket does not know (revoked, or from another system)',
    story:
      'A job sends a Bearer token that was revoked when its access token was deleted. Bitbucket answers 401 "Token is invalid, expired, or not supported for this endpoint."',
    source:
      'bitbucket-auth.md §1.7, §5.3: https://community.developer.atlassian.com/t/api-tokens-at-account-level-not-working/94071',
    world: baseWorld([], [REPO_TOKEN]),
    args: ['--url', COMMITS_URL],
    env: { BITBUCKET_ACCESS_TOKEN: REVOKED_TOKEN },
    expected: { code: 'TOKEN_INVALID', exit: 1 },
  },
  {
    name: 'access-token-as-basic',
    title: 'A repository access token sent with Basic (x-token-auth:<token>)',
    story:
      'A repository access token works for git as x-token-auth:<token>, so the same pair was put into the REST call as Basic. Bitbucket answers 401 "Login failed": for REST, access tokens go in "Authorization: Bearer".',
    source:
      'bitbucket-auth.md §9 item 14, §2.3: avivsinai/bitbucket-cli #293; Jenkins bitbucket-branch-source #917; https://support.atlassian.com/bitbucket-cloud/docs/using-project-access-tokens/',
    world: baseWorld([], [REPO_TOKEN]),
    args: [
      '--url',
      COMMITS_URL,
      '--header',
      `Authorization: Basic ${base64(`x-token-auth:${REPO_TOKEN.secret}`)}`,
    ],
    expected: { code: 'ACCESS_TOKEN_AS_BASIC', exit: 1 },
  },
  {
    name: 'scope-missing',
    title: 'A consumer with "repository" but not "pullrequest" reading pull requests',
    story:
      'The reporting consumer acme-reporting was given Repositories: Read only. Its token reads the repository fine, but the pull request list answers 403 "Your credentials lack one or more required privilege scopes." with required ["pullrequest"].',
    source:
      'bitbucket-auth.md §9 item 8, §4.1, §4.4: backstage/backstage #22383; reviewdog #1938; https://developer.atlassian.com/cloud/bitbucket/bitbucket-cloud-rest-api-scopes',
    world: baseWorld([NARROW_CONSUMER], []),
    args: ['--url', '{base}/2.0/repositories/acme/secret-repo/pullrequests'],
    env: {
      BITBUCKET_CLIENT_ID: NARROW_CONSUMER.key,
      BITBUCKET_CLIENT_SECRET: NARROW_CONSUMER.secret,
    },
    expected: { code: 'SCOPE_MISSING', exit: 1 },
  },
  {
    name: 'unknown-scheme',
    title: 'A GitHub-style "Authorization: token ..." header',
    story:
      'A script written for GitHub sends "Authorization: token <repository access token>". Bitbucket does not know the scheme and treats the call as anonymous, so the private repository answers 404 "...make sure you are authenticated."',
    source:
      'bitbucket-auth.md §2.3 (token scheme [U]), §2.2, §3.2: community qaq-p/3141816 (header without a scheme); https://community.atlassian.com/forums/Bitbucket-questions/facing-issue-to-GET-PRIVATE-REPOSITORY-using-api-curl/qaq-p/3141816',
    world: baseWorld([], [REPO_TOKEN]),
    args: ['--url', COMMITS_URL, '--header', `Authorization: token ${REPO_TOKEN.secret}`],
    expected: { code: 'HEADER_SCHEME_UNKNOWN', exit: 1 },
  },
  {
    name: 'empty-token-variable',
    title: 'An unset $TOKEN expanded into "Authorization: Bearer " (no token at all)',
    story:
      'A CI step runs curl -H "Authorization: Bearer $BB_TOKEN" in a job where BB_TOKEN was never set, so the shell expands it to nothing and the header says only "Bearer". Bitbucket cannot read a token from it and the private repository answers 404.',
    source:
      'bitbucket-auth.md §2.1 (credentials = "Bearer" 1*SP b64token: the token is required), §3.2 (anonymous 404 on a private repository)',
    world: baseWorld([], [REPO_TOKEN]),
    args: ['--url', COMMITS_URL, '--header', 'Authorization: Bearer '],
    expected: { code: 'HEADER_MALFORMED', exit: 1 },
  },
  {
    name: 'wrong-header-name',
    title: 'The token in a header Bitbucket does not read (X-Auth-Token)',
    story:
      'An HTTP client template puts the token into "X-Auth-Token". The workspace listing answers 200, but with the public repository only: exactly what an anonymous caller sees. The credentials never reached Bitbucket as credentials.',
    source:
      'bitbucket-auth.md §3.1, §2.2: community qaq-p/648089 ("If it\'s called without authentication, or with invalid credentials, it will return public repositories")',
    world: baseWorld([], [REPO_TOKEN]),
    args: [
      '--url',
      '{base}/2.0/repositories/acme',
      '--header',
      `X-Auth-Token: ${REPO_TOKEN.secret}`,
    ],
    expected: { code: 'CREDENTIALS_IGNORED', exit: 1 },
  },
  {
    name: 'api-v1',
    title: 'An API 1.0 URL (changesets), removed in 2019',
    story:
      'A release script still asks /1.0/repositories/acme/secret-repo/changesets?branch=master. Bitbucket answers 410 "Resource removed", whatever the credentials; the 2.0 equivalent is /2.0/repositories/acme/secret-repo/commits/master.',
    source:
      'bitbucket-auth.md §9 item 16, §6: https://developer.atlassian.com/cloud/bitbucket/deprecation-notice-v1-apis; GothenburgBitFactory/bugwarrior #694; xuhdev/backup-on-the-go #4',
    world: baseWorld([], [ALICE_API_TOKEN]),
    args: ['--url', '{base}/1.0/repositories/acme/secret-repo/changesets?branch=master'],
    env: { BITBUCKET_EMAIL: ALICE.email, BITBUCKET_API_TOKEN: ALICE_API_TOKEN.secret },
    expected: { code: 'API_V1_REMOVED', exit: 1 },
  },
  {
    name: 'endpoint-removed',
    title: 'The cross-workspace /2.0/repositories?role=member (CHANGE-2770)',
    story:
      'A backup tool lists every repository the user belongs to with /2.0/repositories?role=member. Since the 2026 removal it answers 410 "CHANGE-2770 - Functionality has been deprecated" even with a valid API token; list per workspace instead.',
    source:
      'bitbucket-auth.md §9 item 16, §3.7: https://developer.atlassian.com/cloud/bitbucket/changelog#CHANGE-2770; ktrysmt/go-bitbucket #357; amitsaha/gitbackup #223',
    world: baseWorld([], [ALICE_API_TOKEN]),
    args: ['--url', '{base}/2.0/repositories?role=member'],
    env: { BITBUCKET_EMAIL: ALICE.email, BITBUCKET_API_TOKEN: ALICE_API_TOKEN.secret },
    expected: { code: 'ENDPOINT_REMOVED', exit: 1 },
  },
  {
    name: 'data-center-path',
    title: 'A Bitbucket Data Center REST path sent to Bitbucket Cloud',
    story:
      'A plugin written for the company\'s Bitbucket Server calls /rest/api/1.0/projects/ACME/repos/secret-repo on Cloud. Cloud answers 404 "There is no API hosted at this URL."; the Cloud path is /2.0/repositories/acme/secret-repo.',
    source:
      'bitbucket-auth.md §9 item 17, §6, §8: nishio-dens #197; Karunamon/concourse-resource-bitbucket #10; hygieia #1622',
    world: baseWorld([], [ALICE_API_TOKEN]),
    args: ['--url', '{base}/rest/api/1.0/projects/ACME/repos/secret-repo'],
    env: { BITBUCKET_EMAIL: ALICE.email, BITBUCKET_API_TOKEN: ALICE_API_TOKEN.secret },
    expected: { code: 'DATA_CENTER_PATH_ON_CLOUD', exit: 1 },
  },
  {
    name: 'website-api-path',
    title: 'A website "!api" path instead of the REST API',
    story:
      'A URL copied from the browser\'s network tab, bitbucket.org/!api/2.0/repositories/acme/secret-repo, answers 401 "This endpoint does not support token-based authentication." with a perfectly good API token. Removing "!api" (and using the API host) fixes it.',
    source:
      'bitbucket-auth.md §9 item 17, §1.1: Wanchai/FTPbucket PR #30; self-xdsd #1014; https://stackoverflow.com/questions/34452088/retrieving-single-raw-file-from-bitbucket-with-token-based-authentication/34499948',
    world: baseWorld([], [ALICE_API_TOKEN]),
    args: ['--url', '{base}/!api/2.0/repositories/acme/secret-repo'],
    env: { BITBUCKET_EMAIL: ALICE.email, BITBUCKET_API_TOKEN: ALICE_API_TOKEN.secret },
    expected: { code: 'WRONG_HOST', exit: 1 },
  },
  {
    name: 'repo-not-found',
    title: 'Working credentials, a repository slug that does not exist',
    story:
      'Alice\'s API token works, but the script asks for acme/secrets-repo (one letter too many). Bitbucket answers 404 "You may not have access to this repository or it no longer exists in this workspace...", the same answer as for a private repository she may not see.',
    source:
      'bitbucket-auth.md §9 items 18 and 22, §3.2: community qaq-p/3141816; composer/composer PR #10657; badges/shields PR #8520',
    world: baseWorld([], [ALICE_API_TOKEN]),
    args: ['--url', '{base}/2.0/repositories/acme/secrets-repo/commits/master'],
    env: { BITBUCKET_EMAIL: ALICE.email, BITBUCKET_API_TOKEN: ALICE_API_TOKEN.secret },
    expected: { code: 'REPO_NOT_FOUND_OR_NO_ACCESS', exit: 1 },
  },
  {
    name: 'rate-limited',
    title: 'Polling with a repository access token hits the rate limit (429)',
    story:
      'A Jenkins job polls the repository every few seconds with a repository access token. Bitbucket answers 429 "Rate limit for this resource has been exceeded." with X-RateLimit-* headers. The token is fine; the polling is not.',
    source:
      'bitbucket-auth.md §9 item 21, §7: https://support.atlassian.com/bitbucket-cloud/docs/api-request-limits/; community qaq-p/3218562; jenkins bitbucket-branch-source #831/#840',
    world: baseWorld([], [REPO_TOKEN]),
    args: ['--url', COMMITS_URL],
    env: { BITBUCKET_ACCESS_TOKEN: REPO_TOKEN.secret },
    expected: { code: 'RATE_LIMITED', exit: 1 },
    fault: 'rate-limit',
  },
  {
    name: 'secret-whitespace',
    title: 'An API token with quotes around it (docker --env-file)',
    story:
      'The token sits in an env file as BITBUCKET_API_TOKEN="ATATT...", and docker --env-file keeps the quotes as part of the value. Bitbucket sees a secret with quotes and answers 401 "Login failed"; without the quotes the token works.',
    source:
      'bitbucket-auth.md §3.4 item 2, §3.5 (the 401 for a wrong Basic secret); contract.md SECRET_WHITESPACE',
    world: baseWorld([], [ALICE_API_TOKEN]),
    args: ['--workspace', 'acme', '--repo', 'secret-repo'],
    env: { BITBUCKET_EMAIL: ALICE.email, BITBUCKET_API_TOKEN: `"${ALICE_API_TOKEN.secret}"` },
    expected: { code: 'SECRET_WHITESPACE', exit: 1 },
  },
  {
    name: 'secret-unexpanded',
    title: 'A literal "$BITBUCKET_TOKEN" in a single-quoted header',
    story:
      'The header was written as \'Authorization: Bearer $BITBUCKET_TOKEN\' in single quotes, so the shell never expanded the variable and Bitbucket received the 16 characters "$BITBUCKET_TOKEN". It answers 401 "Token is invalid, expired, or not supported for this endpoint."',
    source: 'bitbucket-auth.md §1.7 (the 401 for an unknown token); contract.md SECRET_UNEXPANDED',
    world: baseWorld([], [REPO_TOKEN]),
    args: ['--url', COMMITS_URL, '--header', 'Authorization: Bearer $BITBUCKET_TOKEN'],
    env: { BITBUCKET_TOKEN: REPO_TOKEN.secret },
    expected: { code: 'SECRET_UNEXPANDED', exit: 1 },
  },
  {
    name: 'no-credentials',
    title: 'No credentials at all',
    story:
      'The CI variables were not passed to the job, so the call goes out anonymously. The private repository answers 404 "...make sure you are authenticated.", which looks like a missing repository.',
    source:
      'bitbucket-auth.md §9 item 18, §3.2: renovatebot/renovate #18316; composer/composer PR #10657',
    world: baseWorld([], [ALICE_API_TOKEN]),
    args: ['--url', COMMITS_URL],
    expected: { code: 'NO_CREDENTIALS', exit: 1 },
  },
  {
    name: 'timeout',
    title: 'Bitbucket (or a proxy) accepts the connection and never answers',
    story:
      'The connection opens, the request goes out, and nothing comes back. The doctor gives up after its --timeout and says so, instead of blaming the token.',
    source: 'design.md "Honest about the network"; contract.md TIMEOUT and exit code 3',
    world: baseWorld([], [ALICE_API_TOKEN]),
    args: ['--timeout', '3', '--workspace', 'acme', '--repo', 'secret-repo'],
    env: { BITBUCKET_EMAIL: ALICE.email, BITBUCKET_API_TOKEN: ALICE_API_TOKEN.secret },
    expected: { code: 'TIMEOUT', exit: 3 },
    fault: 'hang',
  },
];

/** `http://user:secret@host:port/...` when git has the credential in the URL, else the bare URL. */
export function gitUrl(story: GitStory, base: string): string {
  const url = new URL(story.url.replace('{base}', base));
  if (story.credential.from === 'url') {
    url.username = encodeURIComponent(story.credential.username);
    url.password = encodeURIComponent(story.credential.secret);
  }
  return url.toString();
}

/**
 * Files of a HOME in which git's `store` helper holds the story's credential (none when the
 * credential is in the URL): `.gitconfig` and `.git-credentials`, as `git credential approve` leaves them.
 */
export function gitHomeFiles(story: GitStory, base: string): Record<string, string> {
  if (story.credential.from !== 'credential-store') return {};
  const url = new URL(base);
  url.username = encodeURIComponent(story.credential.username);
  url.password = encodeURIComponent(story.credential.secret);
  return {
    '.gitconfig': '[credential]\n\thelper = store\n',
    '.git-credentials': `${url.origin.replace('//', `//${url.username}:${url.password}@`)}\n`,
  };
}

// --- git scenarios -----------------------------------------------------------------------------

const GIT_URL = '{base}/acme/secret-repo.git';

/** An API token whose scopes cover everything but reading repositories (admin does not imply read). */
const ALICE_NO_REPO_READ_TOKEN: ApiTokenCredential = {
  kind: 'api-token',
  label: 'alice-token-no-repo-read',
  secret: apiToken('alice api token without read:repository'),
  account: 'alice',
  scopes: [
    'read:user:bitbucket',
    'read:workspace:bitbucket',
    'read:pullrequest:bitbucket',
    'admin:repository:bitbucket',
  ],
};

/** A workspace policy (§12.1) on the acme workspace of the base world. */
function withAcme(world: World, policy: Partial<World['workspaces'][number]>): World {
  return {
    ...world,
    workspaces: world.workspaces.map((ws) => (ws.slug === 'acme' ? { ...ws, ...policy } : ws)),
  };
}

/**
 * Git over HTTPS stories (bitbucket-auth.md §12.1). A list of their own: each needs git's side of
 * the world too (the URL git is given, a credential helper's store in a HOME of its own), which
 * `bb-doctor demo` and the git end-to-end tests set up (`gitUrl`, `gitHomeFiles`). `getScenario`
 * finds them, so `bb-doctor simulate --scenario NAME` serves their worlds to a real git.
 */
export const gitScenarios: readonly Scenario[] = [
  {
    name: 'git-api-token-email',
    title: 'git with an API token and the account email as the username (REST works, git does not)',
    story:
      'Alice replaced her app password with an API token and, as the REST docs say, put her Atlassian email in the clone URL. Her curl calls work, but git answers "fatal: Authentication failed". Git wants her Bitbucket username, or the fixed x-bitbucket-api-token-auth.',
    source:
      'bitbucket-auth.md §12.1 (API token with the email as git username) and §5.2: dimileeh/agent-workspace-fabric #467; sourcebot-dev/sourcebot #892; RooCodeInc/Roomote PR #182; gabrie30/ghorg PR #604',
    world: baseWorld([], [ALICE_API_TOKEN]),
    args: ['--git-url', '{git-url}'],
    expected: { code: 'GIT_USERNAME_WRONG', exit: 1 },
    git: {
      command: ['ls-remote', '{git-url}'],
      url: GIT_URL,
      credential: { username: ALICE.email, secret: ALICE_API_TOKEN.secret, from: 'url' },
      gitExit: 128,
      gitStderr: [
        'remote: You may not have access to this repository or it no longer exists in this workspace.',
        'fatal: Authentication failed for ',
      ],
    },
  },
  {
    name: 'git-app-password-cached',
    title: 'git fetch with an app password that a credential helper still holds',
    story:
      "Alice's laptop cloned the repository in 2024 with an app password, and git's credential helper kept it. Since the removal every fetch answers 410 with the CHANGE-3222 lines. The stale entry must be erased from the helper and replaced by an API token.",
    source:
      'bitbucket-auth.md §12.1 (removed app password, cached by a credential helper), §5.1: community bc-p/3248508; community qaq-p/3256900; bastabc.com/posts/fix-jenkins-bitbucket-401-app-password-deprecated/',
    world: baseWorld([], [ALICE_APP_PASSWORD, ALICE_API_TOKEN]),
    args: ['--git-url', '{git-url}'],
    expected: { code: 'APP_PASSWORD_REMOVED', exit: 1 },
    git: {
      command: ['ls-remote', '{git-url}'],
      url: GIT_URL,
      credential: {
        username: ALICE.username,
        secret: ALICE_APP_PASSWORD.secret,
        from: 'credential-store',
      },
      gitExit: 128,
      gitStderr: [
        'remote: CHANGE-3222 - Functionality has been deprecated',
        'remote: App passwords are deprecated and must be replaced with API tokens.',
        'The requested URL returned error: 410',
      ],
    },
  },
  {
    name: 'git-token-no-repo-scope',
    title: 'git with an API token that lacks read:repository:bitbucket',
    story:
      'Alice made an API token with scopes for her dashboard, including admin:repository, and uses it for git with her username. Git answers "Your credentials lack one or more required privilege scopes." and error 403. Admin does not imply read: the token needs read:repository:bitbucket.',
    source:
      'bitbucket-auth.md §12.1 (API token lacking read:repository:bitbucket), §4.2: community qaq-p/3129221; community qaq-p/3057268',
    world: baseWorld([], [ALICE_NO_REPO_READ_TOKEN]),
    args: ['--git-url', '{git-url}'],
    expected: { code: 'SCOPE_MISSING', exit: 1 },
    git: {
      command: ['ls-remote', '{git-url}'],
      url: GIT_URL,
      credential: {
        username: ALICE.username,
        secret: ALICE_NO_REPO_READ_TOKEN.secret,
        from: 'url',
      },
      gitExit: 128,
      gitStderr: [
        'remote: Your credentials lack one or more required privilege scopes.',
        'The requested URL returned error: 403',
      ],
    },
  },
  {
    name: 'git-access-token-username',
    title: 'git with a repository access token and a username other than x-token-auth',
    story:
      'The CI job clones with the repository access token secret-repo-ci but puts the bot\'s own name, alice, in the URL. Git answers "fatal: Authentication failed". Access tokens go to git with the username x-token-auth.',
    source:
      'bitbucket-auth.md §12.1 (repository/project/workspace access token: username x-token-auth; other usernames fail [U]): support.atlassian.com/bitbucket-cloud/docs/using-access-tokens; apache/devlake #8700',
    world: baseWorld([], [REPO_TOKEN]),
    args: ['--git-url', '{git-url}'],
    expected: { code: 'GIT_ACCESS_TOKEN_USERNAME', exit: 1 },
    git: {
      command: ['ls-remote', '{git-url}'],
      url: GIT_URL,
      credential: { username: ALICE.username, secret: REPO_TOKEN.secret, from: 'url' },
      gitExit: 128,
      gitStderr: ['fatal: Authentication failed for '],
    },
  },
  {
    name: 'git-api-token-unscoped',
    title: 'git with a classic API token (no Bitbucket scopes) that a credential helper holds',
    story:
      'Alice made her token with "Create API token", not "Create API token with scopes", and stored it in git\'s credential helper with her username. Git answers "fatal: Authentication failed" with every username. Tokens used for git must have scopes: she needs a new token with read:repository:bitbucket.',
    source:
      'bitbucket-auth.md §12.1 (API token without scopes fails for git with every username), §5.3: community qaq-p/3057268; support.atlassian.com/bitbucket-cloud/docs/using-api-tokens',
    world: baseWorld([], [ALICE_CLASSIC_TOKEN]),
    args: ['--git-url', '{git-url}', '--email', ALICE.email],
    expected: { code: 'API_TOKEN_UNSCOPED', exit: 1 },
    git: {
      command: ['ls-remote', '{git-url}'],
      url: GIT_URL,
      credential: {
        username: ALICE.username,
        secret: ALICE_CLASSIC_TOKEN.secret,
        from: 'credential-store',
      },
      gitExit: 128,
      gitStderr: ['fatal: Authentication failed for '],
    },
  },
  {
    name: 'git-ip-not-allowed',
    title: "git from an address the workspace's IP allowlist does not list",
    story:
      'The acme workspace (Premium) lets only its office network use git. Alice clones from home with a working API token and her username, and git answers 403 "To access this repository, an admin must whitelist your IP." The credential is fine: an admin adds the address, or she connects through the office network.',
    source:
      'bitbucket-auth.md §12.1 (workspace IP allowlist): confluence.atlassian.com/bbkb/error-403-when-performing-git-operations-1155479141.html',
    world: withAcme(baseWorld([], [ALICE_API_TOKEN]), { ipAllowlist: ['203.0.113.0/24'] }),
    args: ['--git-url', '{git-url}'],
    expected: { code: 'IP_NOT_ALLOWED', exit: 1 },
    git: {
      command: ['ls-remote', '{git-url}'],
      url: GIT_URL,
      credential: { username: ALICE.username, secret: ALICE_API_TOKEN.secret, from: 'url' },
      gitExit: 128,
      gitStderr: [
        'remote: To access this repository, an admin must whitelist your IP.',
        'The requested URL returned error: 403',
      ],
    },
  },
  {
    name: 'git-two-step-required',
    title: 'git for a workspace that requires two-step verification, by a user without it',
    story:
      'The acme workspace now requires two-step verification of its members. Alice has not enabled it, so git answers 403 "To access this repository, enable two-step authentication." even with her valid API token. She enables two-step verification on her account; the token stays as it is.',
    source:
      'bitbucket-auth.md §12.1 (workspace requires two-step verification; whether API tokens are blocked is [U], the simulator says yes): confluence.atlassian.com/bbkb/error-403-when-performing-git-operations-1155479141.html',
    world: withAcme(baseWorld([], [ALICE_API_TOKEN]), { requireTwoStep: true }),
    args: ['--git-url', '{git-url}'],
    expected: { code: 'TWO_STEP_REQUIRED', exit: 1 },
    git: {
      command: ['ls-remote', '{git-url}'],
      url: GIT_URL,
      credential: { username: ALICE.username, secret: ALICE_API_TOKEN.secret, from: 'url' },
      gitExit: 128,
      gitStderr: [
        'remote: To access this repository, enable two-step authentication.',
        'The requested URL returned error: 403',
      ],
    },
  },
];

/** A Cloud or a Data Center scenario. */
export type AnyScenario = Scenario | DcScenario;

/** Whether a scenario serves Bitbucket Data Center. */
export function isDcScenario(scenario: AnyScenario): scenario is DcScenario {
  return scenario.product === 'data-center';
}

/** Any scenario by name: the Cloud ones, the git ones and the Data Center ones (`dc-…`). */
export function getScenario(name: string): AnyScenario | undefined {
  return [...scenarios, ...gitScenarios, ...dcScenarios].find((scenario) => scenario.name === name);
}
