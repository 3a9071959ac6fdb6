// How Bitbucket Data Center reads the Authorization header (bitbucket-auth.md §8, §12.3), with its
// CAPTCHA lock: anonymous, authenticated as a user (a personal token acts as its user, a project or
// repository token as its bot user), or rejected with a ready answer.
//
// The lock is state: `DcAuthState` counts failed password logins per username. It is changed only by
// `authenticateDc`, once per request, and read by `stats().dataCenter`.

import type { Reply } from './wire.js';
import { dcAuthFailed, dcBasicDisabled, dcCaptchaRequired } from './dc-wire.js';
import type { DcToken, DcUser, DcWorld } from './dc-world.js';
import { botUsername, findDcToken, findDcUser } from './dc-world.js';

/** Where a request goes: the REST API, git (`/scm`), or anything else (web pages, `/2.0`, servlets). */
export type DcArea = 'rest' | 'scm' | 'web';

export interface DcPrincipal {
  /** The name in `X-AUSERNAME`: the user, or the bot user of a project/repository token. */
  username: string;
  userId: number;
  /** The user behind a password or a personal token; absent for project/repository tokens. */
  user?: DcUser;
  token?: DcToken;
  via: 'password' | 'basic-token' | 'bearer';
}

export type DcAuthResult =
  | { outcome: 'anonymous'; describe: string; statsKey: string }
  | { outcome: 'authenticated'; principal: DcPrincipal; describe: string; statsKey: string }
  | {
      outcome: 'rejected';
      /** `captcha` lets git answer in its own way (an `ERR` line); `basic-disabled` likewise. */
      reason: 'failed' | 'captcha' | 'basic-disabled' | 'token-rejected' | 'token-outside';
      reply: Reply;
      describe: string;
      statsKey: string;
    };

export interface DcAuthState {
  /** Failed password logins in a row, per lower-cased username. */
  failures: Map<string, number>;
  /** Every failed login counted so far (the CAPTCHA budget a run spends). */
  failedLogins: number;
  /** The same per username (as the world spells it); never reset. */
  failedByUser: Map<string, number>;
  /** Requests refused because the account was locked. */
  captchaRefusals: number;
}

export function newDcAuthState(world: DcWorld): DcAuthState {
  const failures = new Map<string, number>();
  for (const user of world.users) {
    if ((user.failedLogins ?? 0) > 0)
      failures.set(user.username.toLowerCase(), user.failedLogins ?? 0);
  }
  return { failures, failedLogins: 0, failedByUser: new Map(), captchaRefusals: 0 };
}

export function captchaThreshold(world: DcWorld): number {
  return world.captchaThreshold ?? 5;
}

export function isLocked(world: DcWorld, state: DcAuthState, username: string): boolean {
  return (state.failures.get(username.toLowerCase()) ?? 0) >= captchaThreshold(world);
}

/** The usernames now behind a CAPTCHA. */
export function lockedUsers(world: DcWorld, state: DcAuthState): string[] {
  return world.users.filter((user) => isLocked(world, state, user.username)).map((u) => u.username);
}

const ANONYMOUS: DcAuthResult = { outcome: 'anonymous', describe: 'none', statsKey: 'anonymous' };

function decodeBasic(value: string): { user: string; secret: string } | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return null;
  return { user: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function tokenValid(world: DcWorld, token: DcToken): boolean {
  if (token.expired === true) return false;
  return (
    token.kind !== 'personal' ||
    (token.user !== undefined && findDcUser(world, token.user) !== undefined)
  );
}

function tokenPrincipal(world: DcWorld, token: DcToken, via: DcPrincipal['via']): DcPrincipal {
  if (token.kind === 'personal') {
    const user = findDcUser(world, token.user ?? '');
    return {
      username: user?.username ?? '?',
      userId: user?.id ?? 0,
      ...(user ? { user } : {}),
      token,
      via,
    };
  }
  // Bot users get ids far from the real users' (CHOSEN).
  const index = world.tokens.indexOf(token);
  return { username: botUsername(token), userId: 100_000 + index, token, via };
}

export interface DcAuthContext {
  world: DcWorld;
  state: DcAuthState;
  area: DcArea;
  /** The server's base URL (origin + context path), for the CAPTCHA text. */
  baseUrl: string;
}

/**
 * Authenticate one request. `Bearer` and `Basic` are recognised with exactly that spelling (CHOSEN,
 * the dossier is silent for Data Center: `bearer`, `basic`, unknown schemes are ignored, the request
 * runs anonymously). Failed Basic logins of a known username count towards its CAPTCHA lock; a
 * successful one resets the count; refusals while locked and bad Bearer tokens are not counted.
 */
export function authenticateDc(ctx: DcAuthContext, header: string | undefined): DcAuthResult {
  if (header === undefined || header === '') return ANONYMOUS;
  const space = header.indexOf(' ');
  const scheme = space === -1 ? header : header.slice(0, space);
  const value = space === -1 ? '' : header.slice(space + 1);
  if (scheme === 'Bearer') return bearer(ctx, value);
  if (scheme === 'Basic') return basic(ctx, value);
  const known = /^(bearer|basic|BEARER|BASIC|token|Token)$/.test(scheme) && space !== -1;
  return {
    outcome: 'anonymous',
    describe: known ? `${scheme}(ignored)` : 'unknown-scheme(ignored)',
    statsKey: 'anonymous',
  };
}

function bearer(ctx: DcAuthContext, secret: string): DcAuthResult {
  const { world } = ctx;
  const token = secret === '' ? undefined : findDcToken(world, secret);
  const describe = `Bearer(${token ? `${token.kind}-token ${token.label}` : 'unknown'})`;
  const statsKey = token?.label ?? 'unknown';
  if (ctx.area === 'web') {
    // §8 [H] (access-tokens KB, 8.9.22 / 8.19.12 / 9.3.2+): tokens only work below /rest and /scm;
    // elsewhere the request is not authenticated (the router sends a 302 to the login page).
    return { outcome: 'anonymous', describe: `${describe.slice(0, -1)} outside /rest)`, statsKey };
  }
  if (!token || !tokenValid(world, token)) {
    // §8, contract.md DC_TOKEN_REJECTED: 401, no X-AUSERNAME. The body is [U]: CHOSEN the
    // "Authentication failed" envelope. Not counted towards the CAPTCHA (no username).
    return {
      outcome: 'rejected',
      reason: 'token-rejected',
      reply: dcAuthFailed(),
      describe: token?.expired === true ? `${describe.slice(0, -1)} expired)` : describe,
      statsKey,
    };
  }
  return {
    outcome: 'authenticated',
    principal: tokenPrincipal(world, token, 'bearer'),
    describe,
    statsKey,
  };
}

function basic(ctx: DcAuthContext, value: string): DcAuthResult {
  const { world, state, area } = ctx;
  const disabled = area === 'scm' ? world.basicAuthDisabledForGit : world.basicAuthDisabled;
  const pair = decodeBasic(value);
  const user = pair ? findDcUser(world, pair.user) : undefined;
  const token = pair ? findDcToken(world, pair.secret) : undefined;
  const shown =
    user?.username ?? (pair && token && pair.user === botUsername(token) ? pair.user : '?');
  const what =
    pair === null
      ? 'malformed'
      : token
        ? `${token.kind}-token ${token.label}`
        : pair.secret === user?.password
          ? 'password'
          : 'unknown';
  const describe = pair === null ? 'Basic(malformed)' : `Basic(${what} as ${shown})`;
  const statsKey = token?.label ?? (user ? `password:${user.username}` : 'unknown');
  if (disabled === true && area !== 'web') {
    // §12.3 [H]: 10.x answers every Basic request 403 before the credentials are checked: nothing
    // is counted. CHOSEN: web pages (the login form's world) are not affected.
    return {
      outcome: 'rejected',
      reason: 'basic-disabled',
      reply: dcBasicDisabled(),
      describe,
      statsKey,
    };
  }
  if (pair === null || user === undefined) {
    // Not a username Data Center knows (an email address, `x-token-auth`, a bot name): the usual
    // 401 (contract.md DC_CREDENTIALS_REJECTED). No account to lock, nothing counted (CHOSEN).
    return { outcome: 'rejected', reason: 'failed', reply: dcAuthFailed(), describe, statsKey };
  }
  const key = user.username.toLowerCase();
  if (isLocked(world, state, user.username)) {
    // §8 [H]: "even if you enter your password correctly". Refusals while locked are not counted.
    state.captchaRefusals += 1;
    return {
      outcome: 'rejected',
      reason: 'captcha',
      reply: dcCaptchaRequired(ctx.baseUrl),
      describe: `${describe.slice(0, -1)} captcha)`,
      statsKey,
    };
  }
  const personal =
    token?.kind === 'personal' &&
    tokenValid(world, token) &&
    token.user?.toLowerCase() === key &&
    area !== 'web';
  if (pair.secret === user.password || personal) {
    state.failures.delete(key);
    const principal: DcPrincipal =
      personal && token
        ? tokenPrincipal(world, token, 'basic-token')
        : { username: user.username, userId: user.id, user, via: 'password' };
    return { outcome: 'authenticated', principal, describe, statsKey };
  }
  // A wrong password, a Cloud credential (ATATT…, ATBB…), a project or repository token in Basic
  // (§8 [H]: "Don't use this token with a username in Basic authentication"), an expired token, or a
  // token outside /rest and /scm (§8 [H]: "Basic with token → 401, which can lock the account"):
  // all one failed login of this username.
  state.failures.set(key, (state.failures.get(key) ?? 0) + 1);
  state.failedLogins += 1;
  state.failedByUser.set(user.username, (state.failedByUser.get(user.username) ?? 0) + 1);
  return {
    outcome: 'rejected',
    reason: token && area === 'web' ? 'token-outside' : 'failed',
    reply: dcAuthFailed(),
    describe,
    statsKey,
  };
}
