// The REST API of the simulated Bitbucket Cloud: `/2.0/...`, plus the answers Cloud gives to paths that
// are not (or no longer) its API: `/1.0/...`, CHANGE-2770 endpoints, Data Center `/rest/api/...` paths,
// website `/!api/...` paths and unknown paths.

import { createHash } from 'node:crypto';
import type { AuthResult, Principal } from './auth.js';
import type { ScopeRequirement } from './scopes.js';
import { hasScope, scopeHeader } from './scopes.js';
import type { Account, Repository, Workspace, World } from './world.js';
import { findAccount, findRepository, findWorkspace } from './world.js';
import type { Reply } from './wire.js';
import {
  ANONYMOUS_USER_MESSAGE,
  BASIC_CHALLENGE_HEADERS,
  REPO_NOT_FOUND_MESSAGE,
  TOKEN_INVALID_MESSAGE,
  change2770Removed,
  errorReply,
  htmlReply,
  jsonReply,
  noApiHere,
  resourceNotFound,
  scopeError,
  v1Removed,
} from './wire.js';

export interface ApiRequest {
  method: string;
  url: URL;
  /** Whether the request carried an Authorization header at all (whatever its scheme). */
  hasAuthorization: boolean;
  auth: AuthResult;
  /** The simulator's origin, for `next` and `links` URLs. */
  baseUrl: string;
}

interface Route {
  scope: ScopeRequirement | null;
  /**
   * Endpoints about "the current user": they need a user credential. Access tokens "are not users, so
   * /2.0/user is not a reliable check for them" and get 403 with the scope headers still present
   * (bitbucket-auth.md §0 item 9, §3.3, §9 item 15 [L]).
   */
  userOnly: boolean;
  handle: (principal: Principal | null) => Reply;
}

/** bitbucket-auth.md §4.3 [M]/[H]: endpoint → scope, in both vocabularies. */
const SCOPES = {
  user: { legacy: 'account', granular: 'read:user:bitbucket' },
  // CHOSEN [U]: `/2.0/user/workspaces` and `/2.0/workspaces/{ws}` need `team` ("read workspaces where
  // user is a member", bitbucket-auth.md §4.1) / `read:workspace:bitbucket` (§4.2); not in the §4.3 table.
  workspace: { legacy: 'team', granular: 'read:workspace:bitbucket' },
  repository: { legacy: 'repository', granular: 'read:repository:bitbucket' },
  pullrequest: { legacy: 'pullrequest', granular: 'read:pullrequest:bitbucket' },
} as const satisfies Record<string, ScopeRequirement>;

/** API paths that keep their 1.0 form (bitbucket-auth.md §6 [H], support.atlassian.com/bitbucket-cloud/docs/users-endpoint-10/). */
function isV1Exception(rest: readonly string[]): boolean {
  const [first, , third] = rest;
  return (
    first === 'groups' ||
    first === 'group-privileges' ||
    first === 'invitations' ||
    (first === 'users' && third === 'invitations')
  );
}

export function routeApi(world: World, req: ApiRequest): Reply {
  const segments = req.url.pathname.split('/').slice(1);
  // One trailing slash is tolerated; an empty segment inside the path is not (see below).
  if (segments.length > 1 && segments.at(-1) === '') segments.pop();
  const [first, second] = segments;

  if (first === '1.0' || (first === 'api' && second === '1.0')) {
    const rest = segments.slice(first === 'api' ? 2 : 1);
    // bitbucket-auth.md §6 [H]: everything in 1.0 is 410 "Resource removed", except four resources that
    // still exist; the simulator does not model those and answers them as unknown paths.
    return isV1Exception(rest) ? noApiHere() : v1Removed();
  }
  if (first === 'rest') {
    // Data Center `/rest/api/1.0/...` (or `/rest/api/latest/...`) against Cloud → 404 (bitbucket-auth.md
    // §6 last paragraph, §8 "REST base", §9 item 17: nishio-dens #197, hygieia #1622). CHOSEN: the
    // "There is no API hosted at this URL" body of §3.2 (the DC-on-Cloud body itself was not captured).
    return noApiHere();
  }
  if (first === '!api') return websiteApi(req);
  if (first !== '2.0') return noApiHere();
  // Every answer of the 2.0 application to an authenticated request names the credential
  // (x-oauth-scopes, x-credential-type; bitbucket-auth.md §3.6).
  return withCredentialHeaders(routeApi20(world, req, segments.slice(1)), req.auth, null);
}

function routeApi20(world: World, req: ApiRequest, raw: readonly string[]): Reply {
  let rest: string[];
  try {
    rest = raw.map((segment) => decodeURIComponent(segment));
  } catch {
    return noApiHere();
  }
  // An empty segment such as `/2.0/repositories//?role=member` → 404 "There is no API hosted at this
  // URL." (bitbucket-auth.md §3.2, OpenReplyDE/bbbackup #3).
  if (rest.some((segment) => segment === '')) return noApiHere();

  if (isChange2770(rest)) {
    // bitbucket-auth.md §3.7 [H]/[M]: removed in 2026, 410 whatever the credentials (gitbackup #223:
    // "410 Gone" with a valid API token). The removal answer comes before authentication: CHOSEN, since
    // one report (atlassian-python-api #1607) even saw 401, the order is [U].
    return change2770Removed();
  }

  const route = matchRoute(world, rest, req);
  if (!route) return noApiHere();

  if (req.url.searchParams.has('access_token')) {
    // bitbucket-auth.md §1.5 [H] (community.developer 99003): from 2026-05-04 access tokens "may no
    // longer be sent as a query parameter"; only `Authorization: Bearer`. The rejection's status and
    // body are [U]: CHOSEN 401 "Token is invalid, expired, or not supported for this endpoint.".
    return errorReply(401, TOKEN_INVALID_MESSAGE);
  }
  if (req.auth.outcome === 'rejected') return req.auth.reply;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    // bb-doctor only reads; the simulator models GET only. Status/body [U].
    return withCredentialHeaders(errorReply(405, 'Method not allowed'), req.auth, route.scope);
  }

  const principal = req.auth.outcome === 'authenticated' ? req.auth.principal : null;
  if (principal === null) {
    if (route.userOnly) {
      // bitbucket-auth.md §3.3: anonymous `/2.0/user` → 401 expected; body [U] (see ANONYMOUS_USER_MESSAGE).
      return errorReply(401, ANONYMOUS_USER_MESSAGE, {}, BASIC_CHALLENGE_HEADERS);
    }
    return route.handle(null);
  }

  if (route.scope !== null) {
    // bitbucket-auth.md §3.6, §4.4: scope checks happen per endpoint, before the object is looked up.
    const required =
      principal.vocabulary === 'granular' ? route.scope.granular : route.scope.legacy;
    const denied =
      (route.userOnly && principal.kind === 'access-token') ||
      !hasScope(principal.scopes, required, principal.vocabulary);
    if (denied) {
      return withCredentialHeaders(
        scopeError([required], [...principal.scopes]),
        req.auth,
        route.scope,
      );
    }
  }
  return withCredentialHeaders(route.handle(principal), req.auth, route.scope);
}

/**
 * bitbucket-auth.md §3.6 [H] (KB "How to fetch the scope of a token via command line"): responses to an
 * authenticated request carry `x-oauth-scopes` (what the credential has), `x-accepted-oauth-scopes`
 * (what the endpoint accepts) and `x-credential-type`. For the Go-client claim that they also appear on
 * 403s (§3.3 [L]) the simulator says yes. Whether API tokens get them is [L]/[U]: CHOSEN yes, with the
 * granular names, and the accepted scope in the caller's own vocabulary.
 */
export function withCredentialHeaders(
  reply: Reply,
  auth: AuthResult,
  scope: ScopeRequirement | null,
): Reply {
  if (auth.outcome !== 'authenticated') return reply;
  const { principal } = auth;
  const headers: Record<string, string> = {
    ...reply.headers,
    'x-oauth-scopes': scopeHeader(principal.scopes),
    'x-credential-type': principal.credentialType,
  };
  if (scope !== null) {
    headers['x-accepted-oauth-scopes'] =
      principal.vocabulary === 'granular' ? scope.granular : scope.legacy;
  }
  return { ...reply, headers };
}

/**
 * bitbucket-auth.md §7 [H] (community qaq-p/3218562, Atlassian staff 2026-04): "Only access token
 * authentication supports the X-RateLimit-Limit, X-RateLimit-Resource and X-RateLimit-NearLimit
 * response headers", on the scaled "api" resource group, most of `/2.0/repositories/*`
 * (bitbucket.org/blog/introducing-scaled-rate-limits-for-bitbucket-cloud-api). Values: base 1,000 per
 * hour [H]; the resource name and the NearLimit format are [U]: CHOSEN `api` and `true`/`false`.
 */
export function rateLimitHeaders(
  auth: AuthResult,
  pathname: string,
  nearLimit: boolean,
): Record<string, string> {
  if (auth.outcome !== 'authenticated' || auth.principal.kind !== 'access-token') return {};
  if (!pathname.startsWith('/2.0/repositories/')) return {};
  return {
    'x-ratelimit-limit': '1000',
    'x-ratelimit-resource': 'api',
    'x-ratelimit-nearlimit': nearLimit ? 'true' : 'false',
  };
}

function isChange2770(rest: readonly string[]): boolean {
  const [first, second] = rest;
  return (
    (rest.length === 1 && (first === 'repositories' || first === 'workspaces')) ||
    (first === 'user' && second === 'permissions')
  );
}

/**
 * Website-host paths such as `bitbucket.org/!api/2.0/...` (bitbucket-auth.md §9 item 17 [H]/[M]:
 * self-xdsd #1014; Wanchai/FTPbucket PR #30 "401 fixed by removing '!'"; §1.1: OAuth against website URLs
 * gave "This endpoint does not support token-based authentication", SO 34452088). With any
 * Authorization header: 401 with that message (CHOSEN: JSON envelope, the exact shape is [U]).
 * Without one: the website's own 404 page (CHOSEN, [U]).
 */
function websiteApi(req: ApiRequest): Reply {
  if (req.hasAuthorization) {
    return errorReply(401, 'This endpoint does not support token-based authentication.');
  }
  return htmlReply(
    404,
    '<!DOCTYPE html>\n<html lang="en"><head><title>Bitbucket</title></head>' +
      "<body><h1>Resource not found</h1><p>We can't find the page you're looking for.</p></body></html>\n",
  );
}

function matchRoute(world: World, rest: readonly string[], req: ApiRequest): Route | null {
  const [first, second, third, fourth, fifth] = rest;
  const query = req.url.searchParams;
  const { baseUrl } = req;

  if (first === 'user' && rest.length === 1) {
    return {
      scope: SCOPES.user,
      userOnly: true,
      handle: (principal) =>
        principal?.kind === 'user'
          ? jsonReply(200, userJson(principal.account, baseUrl))
          : errorReply(401, ANONYMOUS_USER_MESSAGE),
    };
  }
  if (first === 'user' && second === 'workspaces' && rest.length === 2) {
    return {
      scope: SCOPES.workspace,
      userOnly: true,
      handle: (principal) => {
        if (principal?.kind !== 'user') return errorReply(401, ANONYMOUS_USER_MESSAGE);
        const { username } = principal.account;
        const memberships = world.workspaces
          .filter((ws) => ws.members.includes(username))
          .map((ws) => ({
            // bitbucket-auth.md §3.7 [M]: memberships under `values[].workspace` (Infisical PR #6152).
            // The other fields are [U].
            type: 'workspace_access',
            administrator: ws.members[0] === username,
            workspace: workspaceJson(ws, baseUrl),
          }));
        return jsonReply(200, paginate(memberships, req, { defaultPagelen: 10, withSize: true }));
      },
    };
  }
  if (first === 'workspaces' && second !== undefined && rest.length === 2) {
    // bitbucket-auth.md §3.7: `GET /2.0/workspaces/{workspace}` still exists (seen answering the
    // CHANGE-2770 body only during brownouts). Anonymous access to it is [U]: CHOSEN allowed.
    return {
      scope: SCOPES.workspace,
      userOnly: false,
      handle: () => {
        const ws = findWorkspace(world, second);
        return ws ? jsonReply(200, workspaceJson(ws, baseUrl)) : resourceNotFound();
      },
    };
  }
  if (first !== 'repositories' || second === undefined) return null;
  const workspaceSlug = second;

  if (rest.length === 2) {
    return {
      scope: SCOPES.repository,
      userOnly: false,
      handle: (principal) => {
        const ws = findWorkspace(world, workspaceSlug);
        // bitbucket-auth.md §9 item 22 [M]: mistyped workspace → 404 "Resource not found".
        if (!ws) return resourceNotFound();
        // bitbucket-auth.md §3.1 [M] (community qaq-p/648089): anonymous callers (and ignored
        // Authorization headers) get 200 with the PUBLIC repositories only; authenticated callers
        // also see the private repositories they may read.
        let repos = ws.repositories.filter((repo) => canRead(principal, ws, repo));
        const role = query.get('role');
        if (role !== null && principal !== null) {
          // `role=member|contributor|admin|owner` narrows by the authenticated user's role (§3.1 [H]).
          // The simulator knows membership only: members see the workspace's repositories, others none.
          repos = isMember(principal, ws) ? repos : [];
        }
        // What `role=` does anonymously is [U] (§3.1): CHOSEN ignored.
        return jsonReply(
          200,
          paginate(
            repos.map((repo) => repoJson(ws, repo, baseUrl)),
            req,
            { defaultPagelen: 10, withSize: true },
          ),
        );
      },
    };
  }
  if (third === undefined) return null;
  const repoSlug = third;
  const visibleRepo = (principal: Principal | null): FoundRepo | Reply => {
    const found = findRepository(world, workspaceSlug, repoSlug);
    // bitbucket-auth.md §3.2 [M]: "does not exist" and "no access" are the same 404, with the
    // "...make sure you are authenticated." message (2025 wording).
    if (!found || !canRead(principal, found.workspace, found.repository)) {
      return errorReply(404, REPO_NOT_FOUND_MESSAGE);
    }
    return found;
  };

  if (rest.length === 3) {
    return {
      scope: SCOPES.repository,
      userOnly: false,
      handle: (principal) => {
        const found = visibleRepo(principal);
        if (isReply(found)) return found;
        return jsonReply(200, repoJson(found.workspace, found.repository, baseUrl));
      },
    };
  }
  if (fourth === 'commits' && rest.length <= 5) {
    return {
      scope: SCOPES.repository,
      userOnly: false,
      handle: (principal) => {
        const found = visibleRepo(principal);
        if (isReply(found)) return found;
        const { repository } = found;
        let commits = repository.commits;
        if (fifth !== undefined) {
          // bitbucket-auth.md §6 v1→v2 table [H]: `GET /repositories/{ws}/{slug}/commits/master`
          // "Returns all commits on ref master". Every branch shares the one history here.
          const at = repository.branches.includes(fifth)
            ? 0
            : repository.commits.findIndex(
                (commit) => fifth.length >= 7 && commit.hash.startsWith(fifth),
              );
          // Unknown revision: status/body [U]; CHOSEN 404 "Revision not found".
          if (at === -1) return errorReply(404, 'Revision not found');
          commits = repository.commits.slice(at);
        }
        return jsonReply(
          200,
          paginate(
            commits.map((commit) => ({
              type: 'commit',
              hash: commit.hash,
              date: commit.date,
              message: commit.message,
              author: { type: 'author', raw: authorRaw(world, commit.author) },
              repository: { type: 'repository', full_name: `${workspaceSlug}/${repository.slug}` },
              links: {
                self: {
                  href: `${baseUrl}/2.0/repositories/${workspaceSlug}/${repository.slug}/commit/${commit.hash}`,
                },
              },
            })),
            req,
            // The commits listing pages without `size` (cursor style); default page length [U].
            { defaultPagelen: 30, withSize: false },
          ),
        );
      },
    };
  }
  if (fourth === 'pullrequests' && rest.length === 4) {
    return {
      scope: SCOPES.pullrequest,
      userOnly: false,
      handle: (principal) => {
        const found = visibleRepo(principal);
        if (isReply(found)) return found;
        // Default state filter OPEN, `?state=` to choose: Bitbucket API reference behaviour, [U] here.
        const states = query.getAll('state').map((state) => state.toUpperCase());
        const wanted = states.length > 0 ? states : ['OPEN'];
        const prs = found.repository.pullRequests.filter((pr) => wanted.includes(pr.state));
        return jsonReply(
          200,
          paginate(
            prs.map((pr) => ({
              type: 'pullrequest',
              id: pr.id,
              title: pr.title,
              state: pr.state,
              author: {
                type: 'user',
                display_name: findAccount(world, pr.author)?.displayName ?? pr.author,
              },
              source: { branch: { name: pr.sourceBranch } },
              destination: { branch: { name: pr.destinationBranch } },
              links: {
                self: {
                  href: `${baseUrl}/2.0/repositories/${workspaceSlug}/${found.repository.slug}/pullrequests/${pr.id}`,
                },
              },
            })),
            req,
            { defaultPagelen: 10, withSize: true },
          ),
        );
      },
    };
  }
  return null;
}

interface FoundRepo {
  workspace: Workspace;
  repository: Repository;
}

function isReply(value: FoundRepo | Reply): value is Reply {
  return 'status' in value;
}

function isMember(principal: Principal, ws: Workspace): boolean {
  if (principal.kind === 'user') return ws.members.includes(principal.account.username);
  return principal.credential.workspace === ws.slug;
}

/**
 * Who may read a repository: everyone for public ones; members of the workspace; an access token for
 * what it was created for (bitbucket-auth.md §4.1: repository, project or workspace level [H]).
 */
export function canRead(principal: Principal | null, ws: Workspace, repo: Repository): boolean {
  if (!repo.isPrivate) return true;
  if (principal === null) return false;
  if (principal.kind === 'user') return ws.members.includes(principal.account.username);
  const token = principal.credential;
  if (token.workspace !== ws.slug) return false;
  switch (token.level) {
    case 'workspace':
      return true;
    case 'project':
      return token.target === repo.projectKey;
    case 'repository':
      return token.target === repo.slug;
  }
}

/**
 * The paginated envelope of Bitbucket 2.0 lists (bitbucket-auth.md §3.1 and the issue text:
 * `{"pagelen","size","page","values"}`, plus `next` when there is more).
 */
function paginate(
  values: readonly unknown[],
  req: ApiRequest,
  options: { defaultPagelen: number; withSize: boolean },
): Record<string, unknown> {
  const query = req.url.searchParams;
  const pagelen = clampInt(query.get('pagelen'), options.defaultPagelen, 1, 100);
  const page = clampInt(query.get('page'), 1, 1, Number.MAX_SAFE_INTEGER);
  const start = (page - 1) * pagelen;
  const body: Record<string, unknown> = { pagelen };
  if (options.withSize) body['size'] = values.length;
  body['page'] = page;
  body['values'] = values.slice(start, start + pagelen);
  if (start + pagelen < values.length) {
    const next = new URL(req.url.pathname + req.url.search, req.baseUrl);
    next.searchParams.set('page', String(page + 1));
    body['next'] = next.toString();
  }
  return body;
}

function clampInt(raw: string | null, fallback: number, min: number, max: number): number {
  const value = raw === null ? NaN : Number.parseInt(raw, 10);
  if (!Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, value));
}

/** Deterministic `{uuid}` for objects the world does not give one. */
function uuidFor(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `{${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}}`;
}

function authorRaw(world: World, username: string): string {
  const account = findAccount(world, username);
  return account ? `${account.displayName} <${account.email}>` : username;
}

/**
 * `GET /2.0/user`: username, display_name, account_id, uuid (bitbucket-auth.md §3.6 [L]/[U]; GCM's
 * identity probe, §3.3 [H]).
 */
function userJson(account: Account, baseUrl: string): Record<string, unknown> {
  return {
    type: 'user',
    username: account.username,
    display_name: account.displayName,
    nickname: account.username,
    account_id: account.accountId,
    uuid: account.uuid,
    account_status: 'active',
    links: {
      self: { href: `${baseUrl}/2.0/users/${encodeURIComponent(account.uuid)}` },
      html: { href: `https://bitbucket.org/${encodeURIComponent(account.uuid)}/` },
    },
  };
}

function workspaceJson(ws: Workspace, baseUrl: string): Record<string, unknown> {
  return {
    type: 'workspace',
    uuid: ws.uuid,
    name: ws.name,
    slug: ws.slug,
    links: { self: { href: `${baseUrl}/2.0/workspaces/${ws.slug}` } },
  };
}

function repoJson(ws: Workspace, repo: Repository, baseUrl: string): Record<string, unknown> {
  return {
    type: 'repository',
    uuid: uuidFor(`repository:${ws.slug}/${repo.slug}`),
    slug: repo.slug,
    name: repo.name,
    full_name: `${ws.slug}/${repo.slug}`,
    is_private: repo.isPrivate,
    scm: 'git',
    mainbranch: { type: 'branch', name: repo.mainBranch },
    project: { type: 'project', key: repo.projectKey },
    workspace: { type: 'workspace', slug: ws.slug, name: ws.name, uuid: ws.uuid },
    links: {
      self: { href: `${baseUrl}/2.0/repositories/${ws.slug}/${repo.slug}` },
      html: { href: `https://bitbucket.org/${ws.slug}/${repo.slug}` },
    },
  };
}
