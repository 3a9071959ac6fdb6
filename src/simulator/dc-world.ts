// The simulated Bitbucket Data Center (formerly Server) as plain data: users with passwords, projects
// with keys and repositories with slugs, per-user permissions, HTTP access tokens, and the two
// switches of 10.x that turn Basic authentication off (bitbucket-auth.md §8, §12.3).
//
// Nothing here is imported from the rest of bb-doctor (design.md, "The simulator"), and nothing is
// shared with the Cloud world (world.ts): Data Center has no workspaces, no OAuth consumers and no
// API tokens, and its users log in with a password.

/** The version the simulator claims in `application-properties` (a 10.x: basic auth off by default). */
export interface DcVersion {
  version: string;
  buildNumber: string;
  /** Epoch milliseconds, as a string, as Data Center writes it. */
  buildDate: string;
}

export interface DcUser {
  /** The login name and the user slug (`/rest/api/1.0/users/{slug}`). */
  username: string;
  displayName: string;
  /** Not a login name on Data Center: Basic with the email fails like a wrong password (CHOSEN, §8). */
  email: string;
  password: string;
  /** Numeric user id (`X-AUSERID`). */
  id: number;
  /** Failed password logins already counted when the world starts (a CI job that kept retrying). */
  failedLogins?: number;
  /** Sysadmins may clear a CAPTCHA (`DELETE /rest/api/1.0/admin/users/captcha?name=`). */
  sysadmin?: boolean;
}

export interface DcCommit {
  message: string;
  /** ISO 8601. */
  date: string;
  /** Username of the author. */
  author: string;
}

export interface DcRepository {
  slug: string;
  name: string;
  /** Public repositories answer anonymous callers (REST and git fetch). */
  isPublic: boolean;
  mainBranch: string;
  branches: string[];
  /** Newest first. */
  commits: DcCommit[];
}

export interface DcProject {
  /** Upper case, e.g. `ACME`; URLs may spell it in any case. */
  key: string;
  name: string;
  /** A public project makes all of its repositories readable anonymously. */
  isPublic?: boolean;
  repositories: DcRepository[];
}

export type DcPermissionLevel = 'READ' | 'WRITE' | 'ADMIN';

/** A user's permission on a project (all of its repositories) or on one repository. */
export interface DcGrant {
  user: string;
  project: string;
  /** Omitted: the whole project (`PROJECT_*`); set: this repository only (`REPO_*`). */
  repository?: string;
  permission: DcPermissionLevel;
}

/**
 * An HTTP access token (bitbucket-auth.md §8, §12.3): personal tokens act as their user (and may be
 * the password in Basic); project and repository tokens act as a bot user of their own and work
 * only as Bearer ("Don't use this token with a username in Basic authentication", DC 9.1 docs [H]).
 */
export interface DcToken {
  label: string;
  /** `BBDC-` + 44 characters on 8.x and later (§12.3 [M]). */
  secret: string;
  kind: 'personal' | 'project' | 'repository';
  /** personal: the username the token acts as. */
  user?: string;
  /** project and repository tokens: the project key. */
  project?: string;
  /** repository tokens: the repository slug. */
  repository?: string;
  /** The token's permission; a personal token is also limited by its user's own permissions. */
  permission: DcPermissionLevel;
  /** Past its expiry date: refused like an unknown token (§8; expired and revoked look alike). */
  expired?: boolean;
}

export interface DcWorld {
  product: 'data-center';
  /** Where the application lives below the origin, e.g. `/bitbucket` (`running.base` = url + this). */
  contextPath: string;
  version: DcVersion;
  users: DcUser[];
  projects: DcProject[];
  grants: DcGrant[];
  tokens: DcToken[];
  /** "Allow basic authentication on API calls" switched off (the 10.x default, §12.3 [H]). */
  basicAuthDisabled?: boolean;
  /** The same for git over HTTP (`/scm/...`). */
  basicAuthDisabledForGit?: boolean;
  /** Failed password logins before the CAPTCHA lock. Default 5 (contract.md, §8). */
  captchaThreshold?: number;
}

export function isDcWorld(world: unknown): world is DcWorld {
  return (
    typeof world === 'object' &&
    world !== null &&
    (world as { product?: unknown }).product === 'data-center'
  );
}

/** Usernames are matched case-insensitively (CHOSEN: Data Center logins are case-insensitive [U]). */
export function findDcUser(world: DcWorld, username: string): DcUser | undefined {
  const lower = username.toLowerCase();
  return world.users.find((user) => user.username.toLowerCase() === lower);
}

/** Project keys are matched case-insensitively (`/scm/acme/...` and `/scm/ACME/...` both work). */
export function findDcProject(world: DcWorld, key: string): DcProject | undefined {
  const upper = key.toUpperCase();
  return world.projects.find((project) => project.key.toUpperCase() === upper);
}

export function findDcRepository(
  world: DcWorld,
  key: string,
  slug: string,
): { project: DcProject; repository: DcRepository } | undefined {
  const project = findDcProject(world, key);
  const repository = project?.repositories.find((repo) => repo.slug === slug.toLowerCase());
  return project && repository ? { project, repository } : undefined;
}

export function findDcToken(world: DcWorld, secret: string): DcToken | undefined {
  return world.tokens.find((token) => token.secret === secret);
}

/** The bot user a project or repository token acts as (CHOSEN name, [U]: `bot-{label}`). */
export function botUsername(token: DcToken): string {
  return `bot-${token.label}`;
}

/**
 * Who a request acts as, for permission checks: the user behind a password or a personal token, and
 * the token (if any). Structurally the principal of dc-auth.ts.
 */
export interface DcActor {
  user?: DcUser;
  token?: DcToken;
}

// --- permissions -------------------------------------------------------------------------------

const RANK: Record<DcPermissionLevel, number> = { READ: 1, WRITE: 2, ADMIN: 3 };

function userRank(
  world: DcWorld,
  username: string,
  project: DcProject,
  repo?: DcRepository,
): number {
  const lower = username.toLowerCase();
  let best = 0;
  for (const grant of world.grants) {
    if (grant.user.toLowerCase() !== lower || grant.project !== project.key) continue;
    if (grant.repository !== undefined && grant.repository !== repo?.slug) continue;
    best = Math.max(best, RANK[grant.permission]);
  }
  return best;
}

/**
 * The principal's permission on a repository (or, without one, on the project itself): a personal
 * token is the lesser of its own permission and its user's; project and repository tokens cover
 * their project or repository only.
 */
export function dcRank(
  world: DcWorld,
  principal: DcActor | null,
  project: DcProject,
  repo?: DcRepository,
): number {
  if (principal === null) return 0;
  const { token } = principal;
  if (token?.kind === 'project') return token.project === project.key ? RANK[token.permission] : 0;
  if (token?.kind === 'repository') {
    return token.project === project.key && repo !== undefined && token.repository === repo.slug
      ? RANK[token.permission]
      : 0;
  }
  const own = principal.user ? userRank(world, principal.user.username, project, repo) : 0;
  return token ? Math.min(own, RANK[token.permission]) : own;
}

export function dcCanRead(
  world: DcWorld,
  principal: DcActor | null,
  project: DcProject,
  repo: DcRepository,
): boolean {
  return repo.isPublic || project.isPublic === true || dcRank(world, principal, project, repo) >= 1;
}

export function dcCanWrite(
  world: DcWorld,
  principal: DcActor | null,
  project: DcProject,
  repo: DcRepository,
): boolean {
  return dcRank(world, principal, project, repo) >= RANK.WRITE;
}

export function canSeeProject(
  world: DcWorld,
  principal: DcActor | null,
  project: DcProject,
): boolean {
  return (
    project.isPublic === true ||
    dcRank(world, principal, project) >= 1 ||
    project.repositories.some((repo) => dcCanRead(world, principal, project, repo))
  );
}

/** Every secret of the world (passwords and tokens), so that logs can mask them. */
export function dcWorldSecrets(world: DcWorld): string[] {
  return [...world.users.map((user) => user.password), ...world.tokens.map((t) => t.secret)].filter(
    (secret) => secret.length >= 4,
  );
}
