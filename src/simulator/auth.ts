// How Bitbucket Cloud reads the Authorization header of an API request (bitbucket-auth.md §2, §3.4,
// §3.5, §5), turned into: anonymous, authenticated as a principal, or rejected with a ready 401.
//
// Every outcome also carries a short description for the request log that never contains a secret:
// it names the credential by its label, kind and the username/email it was paired with, and only
// echoes a username or a scheme word when it is a known one.

import type {
  Account,
  AccessTokenCredential,
  ApiTokenCredential,
  Credential,
  OAuthTokenCredential,
  World,
} from './world.js';
import { findAccount, findConsumer, findCredential } from './world.js';
import type { Reply } from './wire.js';
import {
  ACCOUNT_PASSWORD_TEXT,
  APP_PASSWORD_REMOVED_TEXT,
  BASIC_CHALLENGE_HEADERS,
  TOKEN_EXPIRED_MESSAGE,
  TOKEN_INVALID_MESSAGE,
  errorReply,
  loginFailed,
  textReply,
} from './wire.js';
import type { ScopeVocabulary } from './scopes.js';

export type Principal =
  | {
      kind: 'user';
      account: Account;
      credential: ApiTokenCredential | OAuthTokenCredential;
      credentialType: string;
      scopes: readonly string[];
      vocabulary: ScopeVocabulary;
    }
  | {
      kind: 'access-token';
      credential: AccessTokenCredential;
      credentialType: string;
      scopes: readonly string[];
      vocabulary: ScopeVocabulary;
    };

export type AuthResult =
  | { outcome: 'anonymous'; describe: string; statsKey: string }
  | { outcome: 'authenticated'; principal: Principal; describe: string; statsKey: string }
  | { outcome: 'rejected'; reply: Reply; describe: string; statsKey: string };

/**
 * `x-credential-type` values. `repo_access_token` is [H] (KB "How to fetch the scope of a token via
 * command line", bitbucket-auth.md §3.6); `project_access_token`, `workspace_access_token` and
 * `api_token` come from third-party clients [L]; the value for OAuth consumers is [U] (§3.6, §11):
 * CHOSEN `oauth2`.
 */
export const CREDENTIAL_TYPE = {
  repository: 'repo_access_token',
  project: 'project_access_token',
  workspace: 'workspace_access_token',
  apiToken: 'api_token',
  oauth: 'oauth2',
} as const;

/** Scheme words we may echo in a log line (case-insensitively); anything else could be a secret. */
const KNOWN_SCHEME_WORDS = new Set([
  'bearer',
  'basic',
  'token',
  'jwt',
  'digest',
  'negotiate',
  'ntlm',
  'oauth',
  'apikey',
  'api-key',
  'x-token-auth',
]);

/** Usernames that are not secrets: the git-only static usernames of bitbucket-auth.md §2.3 / §5.2. */
const STATIC_USERNAMES = new Set(['x-token-auth', 'x-bitbucket-api-token-auth']);

const ANONYMOUS: AuthResult = { outcome: 'anonymous', describe: 'none', statsKey: 'anonymous' };

/**
 * Authenticate one API request.
 *
 * bitbucket-auth.md §2.2 and §2.3: the scheme must be spelled `Bearer` or `Basic` exactly. Other
 * spellings (`bearer`, `BEARER`, `basic`), unknown schemes (`token`) and a bare secret with no scheme
 * are IGNORED: the request runs as anonymous, so public data still comes back and private data 404s.
 * The community answer for `bearer` (qaq-p/648089) and the no-scheme report (qaq-p/3141816) are [M];
 * the `token` scheme is [U] (§2.3 says "most likely treated as unrecognised").
 * A recognised scheme with bad credentials is NOT anonymous: it gets 401 (§2.2 caveat, §3.4).
 */
export function authenticate(world: World, header: string | undefined, now: number): AuthResult {
  if (header === undefined || header === '') return ANONYMOUS;
  const space = header.indexOf(' ');
  const scheme = space === -1 ? header : header.slice(0, space);
  const value = space === -1 ? '' : header.slice(space + 1);
  if (scheme === 'Bearer') return bearer(world, value, now);
  if (scheme === 'Basic') return basic(world, value);
  if (scheme === 'JWT') {
    // Connect JWT: a scheme Bitbucket knows ("JWT" scheme, case sensitive, bitbucket-auth.md §1.2/§2.3 [H]),
    // but the simulator has no Connect apps. What a non-Connect JWT gets is [U]; CHOSEN: the
    // "Token is invalid" 401 of §1.7.
    return {
      outcome: 'rejected',
      reply: errorReply(401, TOKEN_INVALID_MESSAGE),
      describe: 'JWT(unknown)',
      statsKey: 'unknown',
    };
  }
  const word = KNOWN_SCHEME_WORDS.has(scheme.toLowerCase()) && space !== -1 ? scheme : null;
  return {
    outcome: 'anonymous',
    describe: word === null ? 'unknown-scheme(ignored)' : `${word}(ignored)`,
    statsKey: 'anonymous',
  };
}

function bearer(world: World, token: string, now: number): AuthResult {
  const credential = token === '' ? undefined : findCredential(world, token);
  const label = credential ? `${credential.kind} ${credential.label}` : 'unknown';
  const describe = `Bearer(${label})`;
  const statsKey = credential?.label ?? 'unknown';
  const invalid: AuthResult = {
    outcome: 'rejected',
    // bitbucket-auth.md §1.7 / §5.3: unknown tokens, API tokens as Bearer, app passwords as Bearer.
    // No WWW-Authenticate Bearer challenge: none was ever seen on Cloud (§3.5 [U]).
    reply: errorReply(401, TOKEN_INVALID_MESSAGE),
    describe,
    statsKey,
  };
  if (credential?.kind === 'oauth-token') {
    const account = findAccount(world, credential.account);
    const consumer = findConsumer(world, credential.consumer);
    if (!account || !consumer) return invalid;
    if (
      credential.expired === true ||
      (credential.expiresAt !== undefined && credential.expiresAt <= now)
    ) {
      // bitbucket-auth.md §1.7 [H]: 401 "Access token expired. Use your refresh token...".
      return {
        outcome: 'rejected',
        reply: errorReply(401, TOKEN_EXPIRED_MESSAGE),
        describe: `Bearer(oauth-token ${credential.label} expired)`,
        statsKey,
      };
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
  if (credential?.kind === 'access-token') {
    // bitbucket-auth.md §2.3 [H]: repository/project/workspace access tokens go in Bearer.
    return {
      outcome: 'authenticated',
      principal: {
        kind: 'access-token',
        credential,
        credentialType: CREDENTIAL_TYPE[credential.level],
        scopes: credential.scopes,
        vocabulary: 'legacy',
      },
      describe: `Bearer(${credential.level}-access-token ${credential.label})`,
      statsKey,
    };
  }
  if (credential?.kind === 'api-token' || credential?.kind === 'classic-api-token') {
    const email = findAccount(world, credential.account)?.email ?? '?';
    return { ...invalid, describe: `Bearer(${credential.kind} ${email})` };
  }
  return invalid;
}

export function decodeBasic(value: string): { user: string; secret: string } | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return null;
  return { user: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** The username half of a Basic pair, echoed only when it is a known, non-secret name. */
export function safeUser(world: World, user: string): string {
  const lower = user.toLowerCase();
  const known = world.accounts.some(
    (account) => account.username === user || account.email.toLowerCase() === lower,
  );
  return known || STATIC_USERNAMES.has(user) ? user : '?';
}

function emailMatches(account: Account | undefined, user: string): boolean {
  // Email comparison is case-insensitive; whether Bitbucket agrees is [U].
  return account?.email.toLowerCase() === user.toLowerCase();
}

function basic(world: World, value: string): AuthResult {
  const pair = decodeBasic(value);
  if (pair === null) {
    // Not base64 of `user:secret`: a failed Basic login (bitbucket-auth.md §3.4 item 2, §3.5). [U] for this exact input.
    return {
      outcome: 'rejected',
      reply: loginFailed(),
      describe: 'Basic(malformed)',
      statsKey: 'unknown',
    };
  }
  const credential: Credential | undefined = findCredential(world, pair.secret);
  const user = safeUser(world, pair.user);
  const describe = `Basic(${credential ? `${credential.kind} ${credential.label}` : 'unknown'} as ${user})`;
  const statsKey = credential?.label ?? 'unknown';
  const failed: AuthResult = { outcome: 'rejected', reply: loginFailed(), describe, statsKey };
  const account =
    credential && 'account' in credential ? findAccount(world, credential.account) : undefined;

  switch (credential?.kind) {
    case 'api-token':
      // bitbucket-auth.md §2.3, §5.2 [H]: REST wants Basic with the Atlassian account EMAIL. "The
      // Bitbucket username or the token name will NOT work" → 401 "Login failed" (§3.4 item 2, §3.5).
      if (!account || !emailMatches(account, pair.user)) return failed;
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
    case 'classic-api-token':
      // bitbucket-auth.md §5.3 [M] (avivsinai/bitbucket-cli #30): a classic, unscoped token with the
      // right email → 401 "Token is invalid, expired, or not supported for this endpoint.".
      if (!account || !emailMatches(account, pair.user)) return failed;
      return {
        outcome: 'rejected',
        reply: errorReply(401, TOKEN_INVALID_MESSAGE, {}, BASIC_CHALLENGE_HEADERS),
        describe,
        statsKey,
      };
    case 'app-password':
      // bitbucket-auth.md §5.1 [H]: removed 2026-07-28, every API request with one fails with 401.
      // With the email it never worked (§5.2): plain "Login failed".
      if (account?.username !== pair.user) return failed;
      return {
        outcome: 'rejected',
        reply: textReply(401, APP_PASSWORD_REMOVED_TEXT, BASIC_CHALLENGE_HEADERS),
        describe,
        statsKey,
      };
    case 'account-password':
      // bitbucket-auth.md §3.4 item 3, §5.1 [H]: rejected since 2022-03-01, with its own plain-text body.
      // Username or email: both were valid logins before 2022, CHOSEN to answer both with this body.
      if (!account || (account.username !== pair.user && !emailMatches(account, pair.user))) {
        return failed;
      }
      return {
        outcome: 'rejected',
        reply: textReply(401, ACCOUNT_PASSWORD_TEXT, BASIC_CHALLENGE_HEADERS),
        describe,
        statsKey,
      };
    default:
      // OAuth and repository/project/workspace access tokens with Basic (e.g. `x-token-auth:<token>`)
      // → 401 (bitbucket-auth.md §2.3 "Basic does not work", §9 item 14 [M], avivsinai/bitbucket-cli #293).
      // Unknown secrets and wrong pairs → 401 "Login failed" (§3.4 item 2, §3.5).
      return failed;
  }
}
