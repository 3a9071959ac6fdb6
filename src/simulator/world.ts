// The simulated Bitbucket Cloud as plain data: accounts, workspaces with repositories, OAuth consumers
// and every kind of credential a user may hold. Scenarios (scenarios.ts) are built from these types,
// and the server (server.ts) clones the world before it serves it, because the token endpoint adds
// tokens and consumes refresh tokens and authorization codes.
//
// Nothing here is imported from the rest of bb-doctor (design.md, "The simulator"): the simulator
// writes Bitbucket's behaviour down on its own, from bitbucket-auth.md.

/** An Atlassian account with a Bitbucket profile. */
export interface Account {
  /** Bitbucket username (what app passwords and git want, bitbucket-auth.md §5.2). */
  username: string;
  /** Atlassian account email (what API tokens want for REST, bitbucket-auth.md §5.2). */
  email: string;
  displayName: string;
  accountId: string;
  /** With braces, as Bitbucket writes UUIDs: `{...}`. */
  uuid: string;
  /** Two-step verification turned on (matters where a workspace requires it, bitbucket-auth.md §12.1). */
  twoStepEnabled?: boolean;
}

export interface Commit {
  hash: string;
  message: string;
  /** ISO 8601. */
  date: string;
  /** Username of the author (an Account). */
  author: string;
}

export interface PullRequest {
  id: number;
  title: string;
  state: 'OPEN' | 'MERGED' | 'DECLINED' | 'SUPERSEDED';
  sourceBranch: string;
  destinationBranch: string;
  /** Username of the author. */
  author: string;
}

export interface Repository {
  slug: string;
  name: string;
  isPrivate: boolean;
  /** Project key, e.g. `ACME`; project access tokens cover the repositories of one project. */
  projectKey: string;
  mainBranch: string;
  /** Branch names; the simulator gives every branch the same history (`commits`). */
  branches: string[];
  /** Newest first. */
  commits: Commit[];
  pullRequests: PullRequest[];
}

export interface Workspace {
  slug: string;
  name: string;
  uuid: string;
  /** Usernames of the members; members see the private repositories. */
  members: string[];
  repositories: Repository[];
  /**
   * Premium IP allowlist: exact addresses or IPv4 `a.b.c.d/n` ranges. When set, git from any other
   * address is refused with 403 (bitbucket-auth.md §12.1); the REST form is [U] and not modelled.
   */
  ipAllowlist?: string[];
  /** The workspace requires two-step verification of its users (bitbucket-auth.md §12.1, git only). */
  requireTwoStep?: boolean;
}

/** An OAuth 2 consumer (bitbucket-auth.md §1). */
export interface Consumer {
  label: string;
  /** The client id ("key"). Legacy keys are 18 characters (bitbucket-auth.md §1.3). */
  key: string;
  /** Legacy secrets are 32 characters (bitbucket-auth.md §1.3). */
  secret: string;
  /** Username of the owner; client_credentials tokens act as the owner (bitbucket-auth.md §1.2). */
  owner: string;
  /** "This is a private consumer": needed for client_credentials (bitbucket-auth.md §1.3). */
  isPrivate: boolean;
  /** Needed even for client_credentials (bitbucket-auth.md §1.3, §1.6). */
  callbackUrl: string | null;
  /** Scopes are set on the consumer, not per grant request (bitbucket-auth.md §1.3). Legacy vocabulary. */
  scopes: string[];
}

/** Atlassian API token with Bitbucket scopes (granular vocabulary, bitbucket-auth.md §4.2). */
export interface ApiTokenCredential {
  kind: 'api-token';
  label: string;
  secret: string;
  /** Username of the owning account. */
  account: string;
  scopes: string[];
}

/** Classic Atlassian API token created without scopes: does not work for Bitbucket (bitbucket-auth.md §5.3). */
export interface ClassicApiTokenCredential {
  kind: 'classic-api-token';
  label: string;
  secret: string;
  account: string;
}

/** App password: removed 2026-07-28 (bitbucket-auth.md §5.1). */
export interface AppPasswordCredential {
  kind: 'app-password';
  label: string;
  secret: string;
  account: string;
  scopes: string[];
}

/** Atlassian account password: rejected since 2022-03-01 (bitbucket-auth.md §5.1, §3.4 item 3). */
export interface AccountPasswordCredential {
  kind: 'account-password';
  label: string;
  secret: string;
  account: string;
}

export type OAuthGrant = 'client_credentials' | 'authorization_code' | 'refresh_token';

/** OAuth 2 access token issued to a consumer (bitbucket-auth.md §1.4, §1.5). */
export interface OAuthTokenCredential {
  kind: 'oauth-token';
  label: string;
  secret: string;
  /** Consumer key. */
  consumer: string;
  /** Username the token acts as (for client_credentials: the consumer's owner). */
  account: string;
  grant: OAuthGrant;
  /** Defaults to the consumer's scopes. */
  scopes?: string[];
  /** A seeded token that is already past its 2 hours (bitbucket-auth.md §1.5). */
  expired?: boolean;
  /** Epoch ms; set on tokens the simulator issues (now + 7200 s). */
  expiresAt?: number;
}

/** OAuth refresh token; rotates on every use since 2026-05-04 (bitbucket-auth.md §1.5). */
export interface RefreshTokenCredential {
  kind: 'refresh-token';
  label: string;
  secret: string;
  consumer: string;
  account: string;
}

/** An authorization code as the browser flow would have delivered it (bitbucket-auth.md §1.2). Single use. */
export interface AuthCodeCredential {
  kind: 'auth-code';
  label: string;
  secret: string;
  consumer: string;
  account: string;
}

/** Repository, project or workspace access token: Bearer only (bitbucket-auth.md §2.3, §4.1). */
export interface AccessTokenCredential {
  kind: 'access-token';
  label: string;
  secret: string;
  level: 'repository' | 'project' | 'workspace';
  workspace: string;
  /** Repository slug (level repository) or project key (level project); unused for workspace tokens. */
  target?: string;
  /** Legacy vocabulary, from the access-token subsets of bitbucket-auth.md §4.1 (never `account`). */
  scopes: string[];
}

export type Credential =
  | ApiTokenCredential
  | ClassicApiTokenCredential
  | AppPasswordCredential
  | AccountPasswordCredential
  | OAuthTokenCredential
  | RefreshTokenCredential
  | AuthCodeCredential
  | AccessTokenCredential;

export type CredentialKind = Credential['kind'];

export interface World {
  accounts: Account[];
  workspaces: Workspace[];
  consumers: Consumer[];
  credentials: Credential[];
}

export function findAccount(world: World, username: string): Account | undefined {
  return world.accounts.find((account) => account.username === username);
}

export function findWorkspace(world: World, slug: string): Workspace | undefined {
  return world.workspaces.find((workspace) => workspace.slug === slug);
}

export function findRepository(
  world: World,
  workspace: string,
  slug: string,
): { workspace: Workspace; repository: Repository } | undefined {
  const ws = findWorkspace(world, workspace);
  const repository = ws?.repositories.find((repo) => repo.slug === slug);
  return ws && repository ? { workspace: ws, repository } : undefined;
}

export function findConsumer(world: World, key: string): Consumer | undefined {
  return world.consumers.find((consumer) => consumer.key === key);
}

export function findCredential(world: World, secret: string): Credential | undefined {
  return world.credentials.find((credential) => credential.secret === secret);
}

/** Every secret string of the world, so that logs can mask them wherever they show up. */
export function worldSecrets(world: World): string[] {
  return [
    ...world.credentials.map((credential) => credential.secret),
    ...world.consumers.map((consumer) => consumer.secret),
  ].filter((secret) => secret.length >= 4);
}
