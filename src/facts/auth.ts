import { GIT_ACCESS_TOKEN_USER } from '../knowledge/shapes.js';
import { isCredentialHeader } from '../knowledge/wire.js';
import { fingerprint } from '../report/redactor.js';
import {
  basicAuthorization,
  kindByShape,
  parseAuthorization,
  unexpandedExpression,
} from '../intake/credentials.js';
import type { CheckContext, Credential, CredentialKind, DoctorInput } from '../types.js';

/** One way of sending a credential: the header value and a description without the secret. */
export interface AuthAttempt {
  /** The Authorization header value (a secret: only ever sent, never printed unredacted). */
  readonly header: string;
  /** e.g. "Basic with alice@example.com", "Bearer". */
  readonly describe: string;
  /** Budget key: the secret's fingerprint, so 401s per secret can be counted. */
  readonly secretKey: string;
  readonly credential: Credential;
}

/** Kinds that are secrets a user authenticates with (not consumer parts). */
export const isUserCredential = (c: Credential): boolean =>
  c.kind !== 'client-id' &&
  c.kind !== 'client-secret' &&
  c.kind !== 'refresh-token' &&
  // A password a step sent to the token endpoint is judged there, never sent by the doctor.
  c.tokenRequestOnly !== true;

export const fromAuthorizationHeader = (c: Credential): boolean =>
  c.source.startsWith('header:Authorization');

/**
 * The credential under test: the one the user's failing call sends (a header they gave) first,
 * then the strongest given by flag or environment.
 */
export const primaryCredential = (input: DoctorInput): Credential | undefined => {
  const given = input.credentials.filter(isUserCredential);
  // The credential the failing call itself sends (curl -u, curl -n, its Authorization header)...
  const basic = input.failingRequest?.basic;
  const ofCall = given.find((c) => c.secret === basic?.secret || fromAuthorizationHeader(c));
  if (ofCall !== undefined) return ofCall;
  // ...for a git target, the one git sends: REST is judged on the same credential (contract.md,
  // "Git over HTTPS"); the doctor's own flags only when git has none...
  const sends = input.git?.sends;
  const ofGit = given.find((c) => c.source === sends?.source && c.secret === sends.secret);
  if (ofGit !== undefined) return ofGit;
  // ...else the strongest given for this run; stored ones (.netrc, git) only when nothing else is.
  const stored = given.filter((c) => /^(?:netrc|git-credential):/u.test(c.source));
  const fresh = given.filter((c) => !stored.includes(c));
  const order = ['api-token', 'access-token', 'app-password', 'account-password', 'unknown'];
  return [...(fresh.length > 0 ? fresh : stored)].sort(
    (a, b) => order.indexOf(a.kind) - order.indexOf(b.kind),
  )[0];
};

/** The Atlassian account email, if one is known (API tokens want it for REST, §5.2). */
export const emailOf = (input: DoctorInput, credential?: Credential): string | undefined => {
  const candidates = [input.email, credential?.username, input.username];
  return candidates.find((c) => c?.includes('@') === true);
};

const attempt = (credential: Credential, header: string, describe: string): AuthAttempt => ({
  header,
  describe,
  secretKey: fingerprint(credential.secret),
  credential,
});

/**
 * What a credential really is: its shape wins over the flag it came with, so an ATATT… secret
 * given as --access-token is an API token (bitbucket-auth.md §4.2, token prefix [L]).
 */
export const effectiveKind = (credential: Credential): CredentialKind => {
  // x-token-auth is the user name git uses for access tokens (bitbucket-auth.md §2.3).
  if (credential.username === GIT_ACCESS_TOKEN_USER) return 'access-token';
  const shape = kindByShape(credential.secret)?.kind;
  return shape === 'api-token' || shape === 'access-token' || shape === 'app-password'
    ? shape
    : credential.kind;
};

/** The credential sent the way Bitbucket Cloud wants it for REST (bitbucket-auth.md §2.3). */
export const correctAuth = (credential: Credential, input: DoctorInput): AuthAttempt => {
  const secret = credential.secret;
  switch (effectiveKind(credential)) {
    case 'api-token': {
      const user = emailOf(input, credential) ?? credential.username ?? input.username ?? '';
      return attempt(
        credential,
        basicAuthorization(user, secret),
        `Basic with ${user || '(no user)'}`,
      );
    }
    case 'app-password':
    case 'account-password': {
      const user = credential.username ?? input.username ?? input.email ?? '';
      return attempt(
        credential,
        basicAuthorization(user, secret),
        `Basic with ${user || '(no user)'}`,
      );
    }
    case 'unknown':
      if (credential.username !== undefined) {
        return attempt(
          credential,
          basicAuthorization(credential.username, secret),
          `Basic with ${credential.username}`,
        );
      }
      return attempt(credential, `Bearer ${secret}`, 'Bearer');
    default:
      return attempt(credential, `Bearer ${secret}`, 'Bearer');
  }
};

/** Where git's own credential came from (git-input.ts): its URL, http.extraHeader, a helper. */
const GIT_SOURCE = /^git(?:-credential|-config)?:/u;

/** The credential the way the user sent it: their own header verbatim, or Basic with their user. */
export const asSentAuth = (credential: Credential, input: DoctorInput): AuthAttempt => {
  // git's credential is never sent to REST by the user: REST is asked in REST's own form (an API
  // token with the account email, an access token as Bearer), so that the report can say which of
  // git and REST works with it (contract.md, "Git over HTTPS").
  if (input.git !== undefined && GIT_SOURCE.test(credential.source))
    return correctAuth(credential, input);
  if (fromAuthorizationHeader(credential)) {
    const header = input.headers.find((h) => h.name.toLowerCase() === 'authorization');
    if (header !== undefined) {
      const scheme = parseAuthorization(header.value).scheme;
      return attempt(credential, header.value.trim(), `your header (${scheme || 'no scheme'})`);
    }
  }
  // The call's own Basic (curl -u, URL userinfo, .netrc) is sent as Basic with its username,
  // whatever the secret is: `-u x-token-auth:<access token>` is the ACCESS_TOKEN_AS_BASIC call.
  const basic = input.failingRequest?.basic;
  if (basic?.secret === credential.secret && basic !== undefined)
    return attempt(
      credential,
      basicAuthorization(basic.username, basic.secret),
      `Basic with ${basic.username || '(no user)'}`,
    );
  if (
    (credential.kind === 'api-token' ||
      credential.kind === 'app-password' ||
      credential.kind === 'account-password') &&
    credential.username !== undefined
  ) {
    return attempt(
      credential,
      basicAuthorization(credential.username, credential.secret),
      `Basic with ${credential.username}`,
    );
  }
  // The flag says how the user sends it: --access-token means Bearer, whatever the shape says.
  if (credential.kind === 'access-token')
    return attempt(credential, `Bearer ${credential.secret}`, 'Bearer');
  return correctAuth(credential, input);
};

/** A secret that is an unexpanded `$VAR`: sending it would only burn a 401. */
export const isUnexpanded = (credential: Credential): boolean =>
  unexpandedExpression(credential.raw) !== undefined;

/** The headers of the user's failing call that carry credentials, as they sent them. */
export const userAuthHeaders = (input: DoctorInput): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const header of input.failingRequest?.headers ?? input.headers) {
    // What the user's shell computed is not known here: never sent as its placeholder.
    if (isCredentialHeader(header.name) && header.computed === undefined) {
      out[header.name] = header.value.trim();
    }
  }
  const basic = input.failingRequest?.basic;
  if (basic !== undefined) out['Authorization'] = basicAuthorization(basic.username, basic.secret);
  return out;
};

/** The OAuth token token-fetch obtained, shared with later checks. */
export interface FetchedToken {
  readonly token: string;
  readonly scopes: readonly string[];
  readonly expiresIn?: number;
  readonly tokenType?: string;
  readonly grant: string;
}

/** The token token-fetch obtained, if any (the caller names token-fetch in its needs). */
export const fetchedToken = (ctx: CheckContext): Promise<FetchedToken | undefined> =>
  ctx.fact('fetchedToken');

/** The way of authenticating that identity proved to work, if any (identity in needs). */
export const workingAuth = (ctx: CheckContext): Promise<AuthAttempt | undefined> =>
  ctx.fact('workingAuth');
