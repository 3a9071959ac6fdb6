// The simulated Data Center application below its context path: the REST API
// (`/rest/api/1.0/...`, `/rest/api/latest/...`), git (`/scm/...`, dc-git.ts), the login page and the
// answers Data Center gives to web pages, servlets and Cloud paths (bitbucket-auth.md §8, §12.3;
// contract.md "Bitbucket Data Center (Server)").

import type { DcArea, DcAuthResult, DcAuthState, DcPrincipal } from './dc-auth.js';
import { authenticateDc, lockedUsers } from './dc-auth.js';
import { dcHistory, parseDcGitPath, routeDcGit } from './dc-git.js';
import {
  dcErrors,
  dcHtml404,
  dcLoginPage,
  dcNoResource,
  dcNoSuchProject,
  dcNoSuchRepository,
  dcNoSuchUser,
  dcNotPermitted,
  dcRedirectToLogin,
  dcWebPage,
} from './dc-wire.js';
import type { DcProject, DcRepository, DcUser, DcWorld } from './dc-world.js';
import {
  canSeeProject,
  dcCanRead,
  findDcProject,
  findDcRepository,
  findDcUser,
} from './dc-world.js';
import type { Reply } from './wire.js';
import { htmlReply, jsonReply, textReply } from './wire.js';

// --- the request -------------------------------------------------------------------------------

export interface DcRequest {
  method: string;
  url: URL;
  authorization: string | undefined;
  body: string;
  /** The origin, e.g. `http://127.0.0.1:40000`. */
  origin: string;
}

export interface DcHandled {
  reply: Reply;
  describe: string;
  statsKey: string;
  /** The answer came from the Bitbucket application (it carries `X-AREQUESTID`). */
  inApp: boolean;
}

export interface DcServer {
  world: DcWorld;
  state: DcAuthState;
}

/** Which part of the application a path (below the context path) belongs to. */
export function dcArea(path: string): DcArea {
  if (path === '/rest' || path.startsWith('/rest/')) return 'rest';
  if (path.startsWith('/scm/')) return 'scm';
  return 'web';
}

export function handleDc(server: DcServer, req: DcRequest): DcHandled {
  const { world } = server;
  const context = world.contextPath.replace(/\/+$/, '');
  const pathname = req.url.pathname;
  const baseUrl = `${req.origin}${context}`;
  if (context !== '' && pathname !== context && !pathname.startsWith(`${context}/`)) {
    // Outside the context path the application is not there: a bare container 404, without any of
    // Bitbucket's headers (CHOSEN: what a Tomcat without a ROOT application answers).
    return {
      reply: htmlReply(
        404,
        '<!doctype html><html><body><h1>HTTP Status 404 - Not Found</h1></body></html>\n',
      ),
      describe: req.authorization === undefined ? 'none' : 'ignored(outside the context path)',
      statsKey: 'anonymous',
      inApp: false,
    };
  }
  const path = pathname.slice(context.length) || '/';
  const area = dcArea(path);
  const auth = authenticateDc({ world, state: server.state, area, baseUrl }, req.authorization);
  const done = (reply: Reply): DcHandled => ({
    reply,
    describe: auth.describe,
    statsKey: auth.statsKey,
    inApp: true,
  });

  if (area === 'scm') {
    const gitPath = parseDcGitPath(path);
    if (gitPath === null) return done(textReply(404, 'Repository not found\n'));
    return done(
      routeDcGit(world, {
        method: req.method,
        url: req.url,
        path: gitPath,
        auth,
        body: req.body,
        baseUrl,
      }),
    );
  }
  if (area === 'rest') return done(routeRest(server, req, path, auth, baseUrl));
  return done(routeWeb(req, path, auth, baseUrl));
}

// --- /rest ---------------------------------------------------------------------------------------

/** §8 [M]: `X-AUSERNAME` (and `X-AUSERID`) on every answer to an authenticated `/rest` request. */
function identity(principal: DcPrincipal | null): Record<string, string> {
  return principal === null
    ? {}
    : { 'x-ausername': principal.username, 'x-auserid': String(principal.userId) };
}

function routeRest(
  server: DcServer,
  req: DcRequest,
  path: string,
  auth: DcAuthResult,
  baseUrl: string,
): Reply {
  if (auth.outcome === 'rejected') return auth.reply;
  const principal = auth.outcome === 'authenticated' ? auth.principal : null;
  const reply = restResource(server, req, path, principal, baseUrl);
  reply.headers = { ...reply.headers, ...identity(principal) };
  return reply;
}

function page(values: unknown[]): unknown {
  return { size: values.length, limit: 25, isLastPage: true, values, start: 0 };
}

function restResource(
  server: DcServer,
  req: DcRequest,
  path: string,
  principal: DcPrincipal | null,
  baseUrl: string,
): Reply {
  const { world } = server;
  let segments: string[];
  try {
    segments = path
      .split('/')
      .slice(1)
      .map((s) => decodeURIComponent(s));
  } catch {
    return dcNoResource(path);
  }
  if (segments.length > 1 && segments.at(-1) === '') segments.pop();
  // `/rest/api/1.0/...` and `/rest/api/latest/...` are the same API (§8 [H]).
  const [rest, api, version, ...tail] = segments;
  if (rest !== 'rest' || api !== 'api' || (version !== '1.0' && version !== 'latest')) {
    return dcNoResource(path);
  }
  const [first, second, third, fourth, fifth] = tail;

  if (first === 'admin' && second === 'users' && third === 'captcha' && tail.length === 3) {
    if (req.method !== 'DELETE') return methodNotAllowed();
    // contract.md DC_CAPTCHA_REQUIRED fix: `DELETE {base}/rest/api/1.0/admin/users/captcha?name={user}`.
    if (principal?.user?.sysadmin !== true || principal.token !== undefined) {
      return dcNotPermitted(principal !== null, baseUrl);
    }
    const name = req.url.searchParams.get('name') ?? '';
    const user = findDcUser(world, name);
    if (!user) return dcNoSuchUser(name);
    server.state.failures.delete(user.username.toLowerCase());
    return textReply(204, '');
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed();

  if (first === 'application-properties' && tail.length === 1) {
    // §8, contract.md: anonymous, `{"version","buildNumber","buildDate","displayName":"Bitbucket"}`.
    return jsonReply(200, { ...world.version, displayName: 'Bitbucket' });
  }
  if (first === 'users' && second !== undefined && tail.length === 2) {
    // CHOSEN: only users see users. Project and repository tokens "only cover project/repo-level
    // APIs" (§8 [H], BSERV-19635): 401 AuthorisationException, with X-AUSERNAME (the bot).
    if (principal?.user === undefined) {
      return dcNotPermitted(principal !== null, baseUrl);
    }
    const user = findDcUser(world, second);
    if (!user) return dcNoSuchUser(second);
    return jsonReply(200, userJson(user, baseUrl));
  }
  if (first === 'projects' && tail.length === 1) {
    const visible = world.projects.filter((p) => canSeeProject(world, principal, p));
    return jsonReply(200, page(visible.map((p) => projectJson(p, baseUrl))));
  }
  if (first !== 'projects' || second === undefined) return dcNoResource(path);

  const project = findDcProject(world, second);
  if (!project) return dcNoSuchProject(second);
  if (tail.length === 2) {
    return canSeeProject(world, principal, project)
      ? jsonReply(200, projectJson(project, baseUrl))
      : dcNotPermitted(principal !== null, baseUrl);
  }
  if (third !== 'repos') return dcNoResource(path);
  if (fourth === undefined) {
    if (!canSeeProject(world, principal, project))
      return dcNotPermitted(principal !== null, baseUrl);
    const repos = project.repositories.filter((r) => dcCanRead(world, principal, project, r));
    return jsonReply(200, page(repos.map((r) => repoJson(project, r, baseUrl))));
  }
  const found = findDcRepository(world, project.key, fourth);
  if (!found) return dcNoSuchRepository(project.key, fourth);
  const { repository } = found;
  // §8 [H]: authenticated but not permitted is a 401 AuthorisationException WITH X-AUSERNAME; a
  // private repository asked anonymously is the same 401 without it (CHOSEN: no 404 hiding).
  if (!dcCanRead(world, principal, project, repository)) {
    return dcNotPermitted(principal !== null, baseUrl);
  }
  if (tail.length === 4) return jsonReply(200, repoJson(project, repository, baseUrl));
  if (tail.length === 5 && fifth === 'commits') {
    return jsonReply(200, page(commitsJson(world, repository)));
  }
  if (tail.length === 5 && fifth === 'branches') {
    const head = dcHistory(world, repository).at(-1)?.sha ?? '0'.repeat(40);
    const branches = [...repository.branches].sort().map((name) => ({
      id: `refs/heads/${name}`,
      displayId: name,
      type: 'BRANCH',
      latestCommit: head,
      latestChangeset: head,
      isDefault: name === repository.mainBranch,
    }));
    return jsonReply(200, page(branches));
  }
  return dcNoResource(path);
}

function methodNotAllowed(): Reply {
  // CHOSEN [U]: the envelope with a null exceptionName.
  return dcErrors(405, 'Method not allowed', null);
}

function userJson(user: DcUser, baseUrl: string): unknown {
  return {
    name: user.username,
    emailAddress: user.email,
    active: true,
    displayName: user.displayName,
    id: user.id,
    slug: user.username.toLowerCase(),
    type: 'NORMAL',
    links: { self: [{ href: `${baseUrl}/users/${user.username.toLowerCase()}` }] },
  };
}

function projectJson(project: DcProject, baseUrl: string): unknown {
  return {
    key: project.key,
    id: project.key.length * 7 + project.key.charCodeAt(0),
    name: project.name,
    public: project.isPublic === true,
    type: 'NORMAL',
    links: { self: [{ href: `${baseUrl}/projects/${project.key}` }] },
  };
}

function repoJson(project: DcProject, repo: DcRepository, baseUrl: string): unknown {
  return {
    slug: repo.slug,
    id: project.repositories.indexOf(repo) + 1,
    name: repo.name,
    scmId: 'git',
    state: 'AVAILABLE',
    statusMessage: 'Available',
    forkable: true,
    project: projectJson(project, baseUrl),
    public: repo.isPublic,
    archived: false,
    links: {
      clone: [
        { href: `${baseUrl}/scm/${project.key.toLowerCase()}/${repo.slug}.git`, name: 'http' },
      ],
      self: [{ href: `${baseUrl}/projects/${project.key}/repos/${repo.slug}/browse` }],
    },
  };
}

function commitsJson(world: DcWorld, repo: DcRepository): unknown[] {
  const objects = dcHistory(world, repo).filter((o) => o.type === 'commit');
  // dcHistory is oldest first; the API lists newest first, as repo.commits does.
  return [...repo.commits].map((commit, index) => {
    const sha = objects[objects.length - 1 - index]?.sha ?? '0'.repeat(40);
    const author = findDcUser(world, commit.author);
    const person = { name: author?.username ?? commit.author, emailAddress: author?.email ?? '' };
    return {
      id: sha,
      displayId: sha.slice(0, 11),
      author: person,
      authorTimestamp: Date.parse(commit.date),
      committer: person,
      committerTimestamp: Date.parse(commit.date),
      message: commit.message.trimEnd(),
      parents:
        index + 1 < objects.length - 1 ? [{ id: objects[objects.length - 2 - index]?.sha }] : [],
    };
  });
}

// --- everything else: web pages, servlets, Cloud paths ---------------------------------------------

function routeWeb(req: DcRequest, path: string, auth: DcAuthResult, baseUrl: string): Reply {
  if (path === '/login') return dcLoginPage();
  if (req.authorization?.startsWith('Bearer ') === true) {
    // §8 [H] (access-tokens KB): since 8.9.22 / 8.19.12 / 9.3.2 a token outside /rest and /scm is
    // not read; the request ends at the login page (contract.md DC_TOKEN_OUTSIDE_REST, CLOUD_PATH_ON_DC).
    return dcRedirectToLogin(baseUrl, path + req.url.search);
  }
  // Basic with a token (or any failed Basic) here is a failed login, already counted (§8 [H]).
  if (auth.outcome === 'rejected') return auth.reply;
  const principal = auth.outcome === 'authenticated' ? auth.principal : null;
  const [first] = path.split('/').slice(1);
  if (path === '/plugins/servlet/applinks/whoami') {
    // "Who am I" of the application links plugin: the username as plain text (§8 [M]); CHOSEN: an
    // empty body for anonymous callers.
    return textReply(200, principal?.username ?? '');
  }
  if (first === '2.0' || first === '1.0') {
    // contract.md CLOUD_PATH_ON_DC: an HTML 404 (anonymous or Basic).
    return dcHtml404();
  }
  if (
    path === '/' ||
    first === 'dashboard' ||
    first === 'projects' ||
    first === 'users' ||
    first === 'plugins'
  ) {
    return principal === null
      ? dcRedirectToLogin(baseUrl, path + req.url.search)
      : dcWebPage(first === undefined || first === '' ? 'Dashboard' : first);
  }
  return dcHtml404();
}

/** For the stats: who is locked now. */
export function dcStats(server: DcServer): {
  failedLogins: number;
  captchaRefusals: number;
  locked: string[];
  failedLoginsByUser: Record<string, number>;
} {
  return {
    failedLogins: server.state.failedLogins,
    captchaRefusals: server.state.captchaRefusals,
    locked: lockedUsers(server.world, server.state),
    failedLoginsByUser: Object.fromEntries(server.state.failedByUser),
  };
}
