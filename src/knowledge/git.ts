/**
 * Git over HTTPS on Bitbucket (bitbucket-auth.md §12.1; contract.md, "Git over HTTPS"): which
 * username goes with which secret for git, the read-only requests that tell whether git would get
 * in, the scopes git needs, and the fixes people paste. Facts only: no I/O.
 */
import type { CredentialKind } from '../types.js';
import { CLOUD_HOSTS } from './hosts.js';
import { GIT_ACCESS_TOKEN_USER, GIT_API_TOKEN_USER } from './shapes.js';

export { GIT_ACCESS_TOKEN_USER, GIT_API_TOKEN_USER };

/**
 * The smart-HTTP services (gitprotocol-http(5)): the ref advertisement of `git-upload-pack` is what
 * fetch, pull, clone and ls-remote ask first; `git-receive-pack`'s is what push asks first. Both
 * are GETs that send no pack data and change nothing.
 */
export type GitService = 'git-upload-pack' | 'git-receive-pack';

/** `{repo}.git/info/refs?service=…`: the first request git makes (gitprotocol-http(5)). */
export const infoRefsUrl = (repoUrl: string, service: GitService): string => {
  const url = new URL(repoUrl);
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  url.pathname = `${url.pathname.replace(/\/+$/u, '')}/info/refs`;
  return `${url.toString()}?service=${service}`;
};

/**
 * The scopes git needs (§12.1, §4.2): reading wants `read:repository:bitbucket` (an admin scope
 * does not imply it), pushing also `write:repository:bitbucket`. Legacy vocabulary (access tokens,
 * OAuth consumers): `repository`, and `repository:write` for push (§4.1).
 */
export const gitScopes = (push: boolean): { granular: string[]; legacy: string[] } => ({
  granular: push
    ? ['read:repository:bitbucket', 'write:repository:bitbucket']
    : ['read:repository:bitbucket'],
  legacy: push ? ['repository', 'repository:write'] : ['repository'],
});

/** An email address as a username (REST's username for an API token, never git's, §12.1). */
export const isEmail = (name: string | undefined): boolean =>
  name !== undefined && /^[^@\s]+@[^@\s]+\.[^@\s]+$/u.test(name);

/**
 * The git usernames that work with a secret of this kind, best first (§12.1): an API token with
 * the Bitbucket username (when known and not an email) or the fixed x-bitbucket-api-token-auth; an
 * access token (repository/project/workspace, or OAuth) only with x-token-auth. Other kinds have no
 * username that makes them work for git (app and account passwords are refused).
 */
export const gitUsernamesFor = (kind: CredentialKind, bitbucketUsername?: string): string[] => {
  if (kind === 'api-token') {
    const own =
      bitbucketUsername !== undefined &&
      !isEmail(bitbucketUsername) &&
      bitbucketUsername !== GIT_API_TOKEN_USER &&
      bitbucketUsername !== GIT_ACCESS_TOKEN_USER
        ? [bitbucketUsername]
        : [];
    return [...own, GIT_API_TOKEN_USER];
  }
  if (kind === 'access-token') return [GIT_ACCESS_TOKEN_USER];
  return [];
};

/** The URL with a username and no secret (the fixed remote URL people paste). */
export const urlWithUser = (repoUrl: string, username: string): string => {
  const url = new URL(repoUrl);
  url.username = encodeURIComponent(username);
  url.password = '';
  return url.toString();
};

const shellQuote = (text: string): string =>
  /^[\w@%+=:,./-]+$/u.test(text) ? text : `'${text.replace(/'/gu, `'\\''`)}'`;

/**
 * The fix of the remote URL: `git remote set-url NAME URL` when the target came from a remote (or a
 * clone's default `origin`), the URL itself otherwise. Never with the secret in it: git asks the
 * credential helper (or prompts) for the password of that username.
 */
export const setUrlCommand = (repoUrl: string, username: string, remoteName = 'origin'): string =>
  `git remote set-url ${shellQuote(remoteName)} ${shellQuote(urlWithUser(repoUrl, username))}`;

/** The fixed clone command, for a failing `git clone` (no remote to set yet). No secret in it. */
export const cloneCommand = (repoUrl: string, username: string): string =>
  `git clone ${shellQuote(urlWithUser(repoUrl, username))}`;

/**
 * Erasing one stale entry of a credential helper (git-credential(1), "reject"): git passes the
 * erase to every configured helper (store, cache, libsecret, osxkeychain, manager), and the
 * username keeps the host's other entries. No secret in it.
 */
export const rejectCommand = (repoUrl: string, username: string | undefined): string => {
  const url = new URL(repoUrl);
  const fields = [`protocol=${url.protocol.replace(/:$/u, '')}`, `host=${url.host}`];
  if (username !== undefined && username !== '') fields.push(`username=${username}`);
  return `printf '${fields.map((f) => f.replace(/'/gu, `'\\''`)).join('\\n')}\\n\\n' | git credential reject`;
};

/** A helper's own way to see or erase its entry, where it has one beyond `git credential reject`. */
export const helperNote = (helper: string | undefined): string | undefined => {
  switch (helper) {
    case 'store':
      return 'the store helper keeps it in plain text in ~/.git-credentials (one line per entry): git credential reject removes that line';
    case 'cache':
      return 'the cache helper keeps it in memory: git credential-cache exit forgets every entry';
    case 'manager':
    case 'manager-core':
      return 'Git Credential Manager: git credential-manager erase reads the same lines as git credential reject';
    case 'osxkeychain':
      return 'macOS keychain: Keychain Access, search for the host, delete the internet password';
    default:
      return undefined;
  }
};

/**
 * Bearer for git, where that is the form (an access token or OAuth token without a username):
 * `http.extraHeader`, scoped to the site so it goes nowhere else. The token stays a variable.
 */
export const extraHeaderCommand = (repoUrl: string, variable: string): string => {
  const url = new URL(repoUrl);
  return `git -c http.${url.origin}/.extraHeader="Authorization: Bearer $${variable}" ls-remote ${shellQuote(urlWithUser(repoUrl, '').replace(/\/\/@/u, '//'))}`;
};

/** The clone URL shape people should give (`https://bitbucket.org/WS/REPO.git`). */
export const GIT_URL_EXAMPLE = `https://${CLOUD_HOSTS.website}/WS/REPO.git`;

/** Bitbucket's own SSH check for an SSH remote, which bb-doctor does not diagnose. */
export const SSH_CHECK_COMMAND = `ssh -T git@${CLOUD_HOSTS.website}`;

/** The announcement id Bitbucket prints (`remote: CHANGE-3222 …`) for a removed app password (§12.1). */
export const APP_PASSWORD_CHANGE_ID = 'CHANGE-3222';

/** What to give git when it has no credential at all (§12.1). */
export const GIT_CREDENTIAL_HINT = `Give git a credential: an API token with your Bitbucket username (or ${GIT_API_TOKEN_USER}) in a credential helper, or an access token with ${GIT_ACCESS_TOKEN_USER}.`;
