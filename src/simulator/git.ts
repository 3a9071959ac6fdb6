// Git over HTTPS on the simulator's origin: the smart-HTTP ref advertisement
// (`GET /{ws}/{repo}.git/info/refs?service=git-upload-pack|git-receive-pack`), enough of
// `POST .../git-upload-pack` for a `git clone`, and a refusal for every `POST .../git-receive-pack`.
//
// Git authenticates differently from REST (bitbucket-auth.md §12.1 [H]): an API token wants the
// Bitbucket USERNAME (or the fixed `x-bitbucket-api-token-auth`), not the email that REST wants; an
// access token wants `x-token-auth` in Basic; a removed app password gets 410 with the CHANGE-3222
// text. So git requests have their own authentication here, built on the same world and credential
// model as REST (auth.ts), and answer in git's terms: plain-text bodies, which git prints as
// `remote:` lines, and the Basic challenge on every 401, without which curl never sends the
// credential at all.

import type { AuthResult, Principal } from './auth.js';
import type { GitObject, GitService } from './git-protocol.js';
import {
  advertisementReply,
  commitObjects,
  serviceParam,
  uploadPackReply,
} from './git-protocol.js';
import { CREDENTIAL_TYPE, authenticate, decodeBasic, safeUser } from './auth.js';
import { canRead } from './routes.js';
import { hasScope } from './scopes.js';
import type { ScopeRequirement } from './scopes.js';
import type { Reply } from './wire.js';
import { BASIC_CHALLENGE_HEADERS, REPO_NOT_FOUND_MESSAGE, textReply } from './wire.js';
import type { Account, Repository, Workspace, World } from './world.js';
import { findAccount, findConsumer, findCredential, findRepository } from './world.js';

export type { GitService } from './git-protocol.js';
export { FLUSH, pktLine } from './git-protocol.js';

export interface GitPath {
  workspace: string;
  repo: string;
  /** `info/refs` (the advertisement) or the POST endpoint of a service. */
  endpoint: 'info/refs' | GitService;
}

/** First path segments that belong to the REST side of the origin, never a workspace. */
const NOT_WORKSPACES = new Set(['1.0', '2.0', 'api', 'rest', '!api', 'site']);

const GIT_PATH = /^\/([^/]+)\/([^/]+?)(\.git)?\/(info\/refs|git-upload-pack|git-receive-pack)$/;

/**
 * `/{ws}/{repo}.git/info/refs`, `/{ws}/{repo}.git/git-upload-pack`, `.../git-receive-pack`. The
 * `.git` suffix is optional, as git's own URL rewriting allows (CHOSEN: both accepted, [U] for Cloud).
 */
export function parseGitPath(pathname: string): GitPath | null {
  const match = GIT_PATH.exec(pathname);
  if (!match) return null;
  const [, workspace = '', repo = '', , endpoint = ''] = match;
  if (NOT_WORKSPACES.has(workspace)) return null;
  return { workspace, repo, endpoint: endpoint as GitPath['endpoint'] };
}

// --- authentication --------------------------------------------------------------------------

/** The fixed git usernames of bitbucket-auth.md §12.1 / §5.2. */
export const API_TOKEN_GIT_USERNAME = 'x-bitbucket-api-token-auth';
export const ACCESS_TOKEN_GIT_USERNAME = 'x-token-auth';

/**
 * Authenticate one git request (bitbucket-auth.md §12.1). Basic is what git sends (from the URL's
 * userinfo or a credential helper); anything else is read as REST reads it (a `Bearer` from
 * `http.extraHeader`, an ignored scheme), and a REST rejection becomes git's 401.
 */
export function authenticateGit(world: World, header: string | undefined, now: number): AuthResult {
  if (header?.startsWith('Basic ')) {
    return gitBasic(world, header.slice('Basic '.length), now);
  }
  // Bearer via `git -c http.extraHeader=...`: CHOSEN to accept what REST accepts (access tokens and
  // OAuth tokens), since §12.1 does not cover it [U].
  const result = authenticate(world, header, now);
  return result.outcome === 'rejected' ? { ...result, reply: gitUnauthorized() } : result;
}

function gitBasic(world: World, value: string, now: number): AuthResult {
  const pair = decodeBasic(value);
  if (pair === null) {
    return {
      outcome: 'rejected',
      reply: gitUnauthorized(),
      describe: 'Basic(malformed)',
      statsKey: 'unknown',
    };
  }
  const credential = findCredential(world, pair.secret);
  const user = safeUser(world, pair.user);
  const describe = `Basic(${credential ? `${credential.kind} ${credential.label}` : 'unknown'} as ${user})`;
  const statsKey = credential?.label ?? 'unknown';
  const rejected = (reply: Reply = gitUnauthorized()): AuthResult => ({
    outcome: 'rejected',
    reply,
    describe,
    statsKey,
  });
  const account: Account | undefined =
    credential && 'account' in credential ? findAccount(world, credential.account) : undefined;

  switch (credential?.kind) {
    case 'api-token':
      // §12.1 [H]: the Bitbucket username or `x-bitbucket-api-token-auth` work for fetch and push; the
      // account EMAIL gets 401 (GIT_USERNAME_WRONG), although the same pair works on REST.
      if (!account || (pair.user !== account.username && pair.user !== API_TOKEN_GIT_USERNAME)) {
        return rejected();
      }
      return {
        outcome: 'authenticated',
        principal: {
          kind: 'user',
          account,
          credential,
          credentialType: CREDENTIAL_TYPE.apiToken,
          scopes: credential.scopes,
          vocabulary: 'granular',
        },
        describe,
        statsKey,
      };
    case 'app-password':
      // §12.1 [H] (community bc-p/3248508, qaq-p/3256900): after 2026-07-28 git gets 410 with the
      // CHANGE-3222 lines. With a username that never went with it (the email): plain 401, as before.
      return account?.username === pair.user ? rejected(appPasswordGone()) : rejected();
    case 'access-token':
      // §12.1 [H]: `x-token-auth:{token}`. Other usernames fail [U]: CHOSEN 401 (GIT_ACCESS_TOKEN_USERNAME).
      if (pair.user !== ACCESS_TOKEN_GIT_USERNAME) return rejected();
      return {
        outcome: 'authenticated',
        principal: {
          kind: 'access-token',
          credential,
          credentialType: CREDENTIAL_TYPE[credential.level],
          scopes: credential.scopes,
          vocabulary: 'legacy',
        },
        describe,
        statsKey,
      };
    case 'oauth-token': {
      // Not in the dossier: Bitbucket's OAuth docs use `x-token-auth:{access_token}` for git too.
      // CHOSEN: accepted with `x-token-auth` while unexpired, like an access token.
      const consumer = findConsumer(world, credential.consumer);
      const expired =
        credential.expired === true ||
        (credential.expiresAt !== undefined && credential.expiresAt <= now);
      if (pair.user !== ACCESS_TOKEN_GIT_USERNAME || !account || !consumer || expired) {
        return rejected();
      }
      return {
        outcome: 'authenticated',
        principal: {
          kind: 'user',
          account,
          credential,
          credentialType: CREDENTIAL_TYPE.oauth,
          scopes: credential.scopes ?? consumer.scopes,
          vocabulary: 'legacy',
        },
        describe,
        statsKey,
      };
    }
    default:
      // Classic (unscoped) API tokens "fail for git with every username" (§12.1 [H]); account
      // passwords are rejected since 2022 (§5.1); unknown secrets: all CHOSEN as the same git 401.
      return rejected();
  }
}

// --- answers ---------------------------------------------------------------------------------

/**
 * git's 401. The challenge is required: curl sends the credential only after a Basic challenge.
 * Body [U]: §12.1 reports the "You may not have access to this repository..." line before `fatal:
 * Authentication failed` "sometimes"; CHOSEN always, as text/plain, which git prints as `remote:`.
 */
export function gitUnauthorized(): Reply {
  return textReply(401, `${REPO_NOT_FOUND_MESSAGE}\n`, BASIC_CHALLENGE_HEADERS);
}

/**
 * §12.1 [H] (community bc-p/3248508, qaq-p/3256900): what git shows for a removed app password:
 * `remote: CHANGE-3222 - Functionality has been deprecated`, `remote: App passwords are deprecated
 * and must be replaced with API tokens.`, `remote: https://developer.atlassian.com/cloud/bitbucket/changelog#CHANGE-3222`,
 * then `The requested URL returned error: 410`. No challenge: the credential was read, it is gone.
 */
export const CHANGE_3222_TEXT =
  'CHANGE-3222 - Functionality has been deprecated\n' +
  'App passwords are deprecated and must be replaced with API tokens.\n' +
  'https://developer.atlassian.com/cloud/bitbucket/changelog#CHANGE-3222\n';

function appPasswordGone(): Reply {
  return textReply(410, CHANGE_3222_TEXT);
}

/** §12.1 [H] (community qaq-p/3129221, qaq-p/3057268): then git says `...returned error: 403`. */
export const GIT_SCOPE_TEXT = 'Your credentials lack one or more required privilege scopes.\n';

/** No write permission on a repository the caller can read: status 403, text [U], CHOSEN. */
export const GIT_NO_WRITE_TEXT = 'You do not have write access to this repository.\n';

/**
 * §12.1 (KB confluence.atlassian.com/bbkb/error-403-when-performing-git-operations-1155479141): git's
 * 403 from a workspace IP allowlist (IP_NOT_ALLOWED). Its REST form is [U] and not modelled.
 */
export const GIT_IP_TEXT = 'To access this repository, an admin must whitelist your IP.\n';

/** §12.1 (same KB): git's 403 when the workspace requires two-step verification (TWO_STEP_REQUIRED). */
export const GIT_TWO_STEP_TEXT = 'To access this repository, enable two-step authentication.\n';

/** Every push is refused: bb-doctor never pushes, and the simulator takes no pack data (CHOSEN). */
export const GIT_PUSH_REFUSED_TEXT =
  'This simulator does not accept pushes: only the ref advertisement of git-receive-pack is served.\n';

/** §12.1: git needs repository read for fetch, and write for push (granular: both, no implication). */
const GIT_SCOPES: Record<GitService, readonly ScopeRequirement[]> = {
  'git-upload-pack': [{ legacy: 'repository', granular: 'read:repository:bitbucket' }],
  'git-receive-pack': [
    { legacy: 'repository', granular: 'read:repository:bitbucket' },
    { legacy: 'repository:write', granular: 'write:repository:bitbucket' },
  ],
};

export interface GitRequest {
  method: string;
  url: URL;
  path: GitPath;
  auth: AuthResult;
  /** The POST body (a want list for upload-pack); never read for receive-pack. */
  body: string;
  /** The client's address, for a workspace's IP allowlist. */
  clientIp: string;
}

export function routeGit(world: World, req: GitRequest): Reply {
  const { path } = req;
  const service: GitService | null =
    path.endpoint === 'info/refs' ? serviceParam(req.url) : path.endpoint;
  if (service === null) {
    // Dumb HTTP (`info/refs` without `?service=`): CHOSEN 403 text, Cloud speaks smart HTTP only [U].
    return textReply(403, 'Only the smart HTTP protocol is supported.\n');
  }
  const wantMethod = path.endpoint === 'info/refs' ? ['GET', 'HEAD'] : ['POST'];
  if (!wantMethod.includes(req.method)) return textReply(405, 'Method not allowed\n');
  if (req.auth.outcome === 'rejected') return req.auth.reply;

  const found = findRepository(world, path.workspace, path.repo);
  const principal = req.auth.outcome === 'authenticated' ? req.auth.principal : null;
  if (principal === null) {
    // Like git itself expects: anonymous first, the credential only after a 401 challenge. A public
    // repository answers fetches anonymously; a push, a private or a missing repository is challenged
    // (CHOSEN: missing repositories are not told apart from private ones, as on REST §3.2).
    if (!found || found.repository.isPrivate || service === 'git-receive-pack') {
      return gitUnauthorized();
    }
    return answer(world, req, service, found);
  }

  // Scopes before the repository lookup, as on REST (§4.4).
  for (const scope of GIT_SCOPES[service]) {
    const required = principal.vocabulary === 'granular' ? scope.granular : scope.legacy;
    if (!hasScope(principal.scopes, required, principal.vocabulary)) {
      return textReply(403, GIT_SCOPE_TEXT);
    }
  }
  if (!found || !canRead(principal, found.workspace, found.repository)) {
    // REPO_NOT_FOUND_OR_NO_ACCESS in its git form (contract.md): git prints the `remote:` line, then
    // `fatal: repository '...' not found`. Status 404 CHOSEN [U].
    return textReply(404, `${REPO_NOT_FOUND_MESSAGE}\n`);
  }
  // Workspace policies (§12.1), CHOSEN to apply to authenticated callers only, after the repository
  // is known to be readable: an anonymous fetch of a public repository is not refused.
  if (!ipAllowed(found.workspace, req.clientIp)) return textReply(403, GIT_IP_TEXT);
  if (
    found.workspace.requireTwoStep === true &&
    principal.kind === 'user' &&
    principal.account.twoStepEnabled !== true
  ) {
    // Whether this also blocks API tokens is [U] (they "don't require two-step verification"):
    // CHOSEN yes, the rule is about the account; access tokens are not users and pass.
    return textReply(403, GIT_TWO_STEP_TEXT);
  }
  if (service === 'git-receive-pack' && !canWrite(principal, found.workspace)) {
    return textReply(403, GIT_NO_WRITE_TEXT);
  }
  return answer(world, req, service, found);
}

/** No allowlist, or the address is on it (exact, or inside an IPv4 `a.b.c.d/n` range). */
export function ipAllowed(ws: Workspace, ip: string): boolean {
  if (ws.ipAllowlist === undefined) return true;
  const address = ip.replace(/^::ffff:/, '');
  return ws.ipAllowlist.some((entry) => {
    const [range = '', bits] = entry.split('/');
    if (bits === undefined) return range === address;
    const toInt = (text: string): number | null => {
      const parts = text.split('.').map(Number);
      if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
        return null;
      }
      return parts.reduce((acc, p) => acc * 256 + p, 0);
    };
    const a = toInt(address);
    const r = toInt(range);
    const n = Number(bits);
    if (a === null || r === null || !Number.isInteger(n) || n < 0 || n > 32) return false;
    const size = 2 ** (32 - n);
    return Math.floor(a / size) === Math.floor(r / size);
  });
}

/** Users write where they are members; access tokens where they can read (the scope was checked). */
function canWrite(principal: Principal, ws: Workspace): boolean {
  return principal.kind === 'access-token' || ws.members.includes(principal.account.username);
}

function answer(
  world: World,
  req: GitRequest,
  service: GitService,
  found: { workspace: Workspace; repository: Repository },
): Reply {
  if (req.path.endpoint === 'info/refs') return advertisement(world, service, found);
  if (service === 'git-receive-pack') return textReply(403, GIT_PUSH_REFUSED_TEXT);
  return uploadPack(world, req.body, found);
}

// --- the protocol (git-protocol.ts) -------------------------------------------------------------

/**
 * Real git objects for the world's commits (oldest first), each with the empty tree, so that a clone
 * passes git's connectivity check. Their sha-1s are therefore NOT the `hash` values the REST API shows
 * (those are fakes): CHOSEN, the two sides of the simulator are not cross-checked by anyone.
 */
function gitHistory(world: World, repository: Repository): GitObject[] {
  return commitObjects(
    [...repository.commits].reverse().map((commit) => {
      const account = findAccount(world, commit.author);
      return {
        message: commit.message,
        date: commit.date,
        who: account ? `${account.displayName} <${account.email}>` : `${commit.author} <>`,
      };
    }),
  );
}

function advertisement(
  world: World,
  service: GitService,
  found: { workspace: Workspace; repository: Repository },
): Reply {
  const { repository } = found;
  const head = gitHistory(world, repository).at(-1)?.sha;
  return advertisementReply(service, head, repository.branches, repository.mainBranch);
}

function uploadPack(
  world: World,
  body: string,
  found: { workspace: Workspace; repository: Repository },
): Reply {
  return uploadPackReply(gitHistory(world, found.repository), body);
}
