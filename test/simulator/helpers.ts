// Shared test world and HTTP helpers for the simulator's tests. The world here is written for the
// tests (short, readable secrets), independent of the scenarios' data.

import type { RunningSimulator, StartOptions } from '../../src/simulator/server.js';
import { startSimulator } from '../../src/simulator/server.js';
import type { Consumer, Credential, World } from '../../src/simulator/world.js';

export const ALICE_EMAIL = 'alice@example.com';

export const CONSUMERS = {
  ci: {
    label: 'ci',
    key: 'ciKey000000000000a',
    secret: 'ciSecret0000000000000000000000aa',
    owner: 'alice',
    isPrivate: true,
    callbackUrl: 'https://ci.example/callback',
    scopes: ['account', 'team', 'repository', 'pullrequest'],
  },
  narrow: {
    label: 'narrow',
    key: 'narrowKey000000000',
    secret: 'narrowSecret00000000000000000000',
    owner: 'alice',
    isPrivate: true,
    callbackUrl: 'https://ci.example/callback',
    scopes: ['account', 'repository'],
  },
  public: {
    label: 'public',
    key: 'publicKey000000000',
    secret: 'publicSecret00000000000000000000',
    owner: 'alice',
    isPrivate: false,
    callbackUrl: 'https://web.example/callback',
    scopes: ['repository'],
  },
  noCallback: {
    label: 'no-callback',
    key: 'noCallbackKey00000',
    secret: 'noCallbackSecret0000000000000000',
    owner: 'alice',
    isPrivate: true,
    callbackUrl: null,
    scopes: ['repository'],
  },
} satisfies Record<string, Consumer>;

export const SECRETS = {
  apiToken: 'ATATT3xFfGF0aliceApiToken=0000AAAA',
  apiTokenNoUser: 'ATATT3xFfGF0noUserScope=0000BBBB',
  apiTokenWriteOnly: 'ATATT3xFfGF0writeOnly=0000CCCC',
  apiTokenPrOnly: 'ATATT3xFfGF0prOnly=0000DDDD',
  bobApiToken: 'ATATT3xFfGF0bobApiToken=0000EEEE',
  classicToken: 'ATATT3xFfGF0classicToken=0000FFFF',
  appPassword: 'ATBBalicesAppPassword12345678',
  password: 'correct horse battery staple',
  oauth: 'oauthValidTokenForAlice_abcdefghijklmnopqrstuvwxyz0123456789',
  oauthExpired: 'oauthExpiredTokenForAlice_abcdefghijklmnopqrstuvwxyz012345',
  oauthPastExpiresAt: 'oauthPastExpiresAt_abcdefghijklmnopqrstuvwxyz0123456789',
  oauthPrWrite: 'oauthPullrequestWrite_abcdefghijklmnopqrstuvwxyz012345678',
  oauthRepoWrite: 'oauthRepositoryWrite_abcdefghijklmnopqrstuvwxyz0123456789',
  oauthRepoAdmin: 'oauthRepositoryAdmin_abcdefghijklmnopqrstuvwxyz0123456789',
  oauthProject: 'oauthProjectScope_abcdefghijklmnopqrstuvwxyz0123456789ab',
  oauthTeamOnly: 'oauthTeamOnly_abcdefghijklmnopqrstuvwxyz0123456789abcdef',
  repoToken: 'ATCTT3xFfGN0repoToken=1111AAAA',
  projectToken: 'ATCTT3xFfGN0projectToken=1111BBBB',
  workspaceToken: 'ATCTT3xFfGN0workspaceToken=1111CCCC',
  refresh: 'refreshTokenForAlice0123456789ab',
  authCode: 'authCodeForAlice0123',
} as const;

const oauth = (
  label: string,
  secret: string,
  scopes: string[] | undefined,
  extra: Partial<Extract<Credential, { kind: 'oauth-token' }>> = {},
): Credential => ({
  kind: 'oauth-token',
  label,
  secret,
  consumer: CONSUMERS.ci.key,
  account: 'alice',
  grant: 'authorization_code',
  ...(scopes ? { scopes } : {}),
  ...extra,
});

export function testWorld(): World {
  const commits = (repo: string): World['workspaces'][number]['repositories'][number]['commits'] =>
    ['c', 'b', 'a'].map((letter, index) => ({
      hash: `${letter.repeat(8)}${repo.length.toString(16).padStart(2, '0')}${'0'.repeat(30)}`,
      message: `commit ${letter}`,
      date: `2026-11-2${String(index)}T10:00:00+00:00`,
      author: 'alice',
    }));
  const repo = (slug: string, isPrivate: boolean, projectKey: string) => ({
    slug,
    name: slug,
    isPrivate,
    projectKey,
    mainBranch: 'master',
    branches: ['master', 'develop'],
    commits: commits(slug),
    pullRequests: [
      {
        id: 2,
        title: 'open one',
        state: 'OPEN' as const,
        sourceBranch: 'develop',
        destinationBranch: 'master',
        author: 'alice',
      },
      {
        id: 1,
        title: 'merged one',
        state: 'MERGED' as const,
        sourceBranch: 'develop',
        destinationBranch: 'master',
        author: 'alice',
      },
    ],
  });
  return {
    accounts: [
      {
        username: 'alice',
        email: ALICE_EMAIL,
        displayName: 'Alice Example',
        accountId: '712020:alice',
        uuid: '{00000000-0000-4000-a000-00000000a11c}',
      },
      {
        username: 'bob',
        email: 'bob@globex.example',
        displayName: 'Bob Globex',
        accountId: '712020:bob',
        uuid: '{00000000-0000-4000-a000-000000000b0b}',
      },
    ],
    workspaces: [
      {
        slug: 'acme',
        name: 'ACME',
        uuid: '{00000000-0000-4000-a000-0000000acbe0}',
        members: ['alice'],
        repositories: [
          repo('website', false, 'WEB'),
          repo('secret-repo', true, 'ACME'),
          repo('infra', true, 'OPS'),
        ],
      },
      {
        slug: 'globex',
        name: 'Globex',
        uuid: '{00000000-0000-4000-a000-0000000910be}',
        members: ['bob'],
        repositories: [repo('billing', true, 'BIL')],
      },
    ],
    consumers: Object.values(CONSUMERS).map((consumer) => ({
      ...consumer,
      scopes: [...consumer.scopes],
    })),
    credentials: [
      {
        kind: 'api-token',
        label: 'alice-api',
        secret: SECRETS.apiToken,
        account: 'alice',
        scopes: [
          'read:user:bitbucket',
          'read:workspace:bitbucket',
          'read:repository:bitbucket',
          'read:pullrequest:bitbucket',
        ],
      },
      {
        kind: 'api-token',
        label: 'alice-api-no-user',
        secret: SECRETS.apiTokenNoUser,
        account: 'alice',
        scopes: ['read:repository:bitbucket'],
      },
      {
        kind: 'api-token',
        label: 'alice-api-write-only',
        secret: SECRETS.apiTokenWriteOnly,
        account: 'alice',
        scopes: ['write:repository:bitbucket', 'admin:repository:bitbucket'],
      },
      {
        kind: 'api-token',
        label: 'alice-api-pr-only',
        secret: SECRETS.apiTokenPrOnly,
        account: 'alice',
        scopes: ['read:pullrequest:bitbucket'],
      },
      {
        kind: 'api-token',
        label: 'bob-api',
        secret: SECRETS.bobApiToken,
        account: 'bob',
        scopes: ['read:user:bitbucket', 'read:repository:bitbucket'],
      },
      {
        kind: 'classic-api-token',
        label: 'alice-classic',
        secret: SECRETS.classicToken,
        account: 'alice',
      },
      {
        kind: 'app-password',
        label: 'alice-app-password',
        secret: SECRETS.appPassword,
        account: 'alice',
        scopes: ['account', 'repository'],
      },
      {
        kind: 'account-password',
        label: 'alice-password',
        secret: SECRETS.password,
        account: 'alice',
      },
      oauth('alice-oauth', SECRETS.oauth, undefined),
      oauth('alice-oauth-expired', SECRETS.oauthExpired, undefined, { expired: true }),
      oauth('alice-oauth-past', SECRETS.oauthPastExpiresAt, undefined, { expiresAt: 1 }),
      oauth('pr-write', SECRETS.oauthPrWrite, ['pullrequest:write']),
      oauth('repo-write', SECRETS.oauthRepoWrite, ['repository:write']),
      oauth('repo-admin', SECRETS.oauthRepoAdmin, ['repository:admin']),
      oauth('project', SECRETS.oauthProject, ['project']),
      oauth('team-only', SECRETS.oauthTeamOnly, ['team']),
      {
        kind: 'access-token',
        label: 'repo-token',
        secret: SECRETS.repoToken,
        level: 'repository',
        workspace: 'acme',
        target: 'secret-repo',
        scopes: ['repository', 'pullrequest'],
      },
      {
        kind: 'access-token',
        label: 'project-token',
        secret: SECRETS.projectToken,
        level: 'project',
        workspace: 'acme',
        target: 'OPS',
        scopes: ['repository'],
      },
      {
        kind: 'access-token',
        label: 'workspace-token',
        secret: SECRETS.workspaceToken,
        level: 'workspace',
        workspace: 'acme',
        scopes: ['repository', 'project'],
      },
      {
        kind: 'refresh-token',
        label: 'alice-refresh',
        secret: SECRETS.refresh,
        consumer: CONSUMERS.ci.key,
        account: 'alice',
      },
      {
        kind: 'auth-code',
        label: 'alice-code',
        secret: SECRETS.authCode,
        consumer: CONSUMERS.ci.key,
        account: 'alice',
      },
    ],
  };
}

export function startTestSimulator(options: StartOptions = {}): Promise<RunningSimulator> {
  return startSimulator({ world: testWorld(), ...options });
}

export function basic(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`, 'utf8').toString('base64')}`;
}

export function bearer(token: string): string {
  return `Bearer ${token}`;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: unknown;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** GET `path` from the simulator with an optional Authorization header (or any headers). */
export async function get(
  sim: RunningSimulator,
  path: string,
  auth?: string | Record<string, string>,
): Promise<Answer> {
  const headers = typeof auth === 'string' ? { authorization: auth } : (auth ?? {});
  return answer(await fetch(`${sim.url}${path}`, { headers }));
}

/** POST a form to the token endpoint. */
export async function token(
  sim: RunningSimulator,
  form: Record<string, string>,
  auth?: string,
): Promise<Answer> {
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
  };
  if (auth !== undefined) headers['authorization'] = auth;
  return answer(
    await fetch(`${sim.url}/site/oauth2/access_token`, {
      method: 'POST',
      headers,
      body: new URLSearchParams(form).toString(),
    }),
  );
}

export function clientAuth(consumer: Consumer): string {
  return basic(consumer.key, consumer.secret);
}

/** Walk into parsed JSON: `at(json, 'values', 0, 'slug')`. */
export function at(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** The `values` of a paginated answer. */
export function values(json: unknown): unknown[] {
  const list = at(json, 'values');
  return Array.isArray(list) ? (list as unknown[]) : [];
}

/** Slugs of a repository listing. */
export function slugs(json: unknown): string[] {
  return values(json).map((repo) => String(at(repo, 'slug')));
}

export const REPO_404 =
  'You may not have access to this repository or it no longer exists in this workspace. If you think this repository exists and you have access, make sure you are authenticated.';
export const TOKEN_INVALID = 'Token is invalid, expired, or not supported for this endpoint.';
