import type { FindingCode } from '../types.js';
import { DOCS } from './docs.js';

/**
 * The candidates behind one ambiguous Basic refusal (bitbucket-auth.md §3.4 (2), §3.5, §5.2: one
 * "Login failed" text and one `Basic realm="Bitbucket.org HTTP"` challenge for every mistake), each
 * with how to tell it apart. AUTH_REJECTED and a likeliest-cause finding list them in
 * `data.alternatives` (contract.md, "The diagnosis").
 */
export interface Alternative {
  readonly code: FindingCode;
  readonly cause: string;
  /** How to tell this candidate from the others. */
  readonly tell: string;
  readonly source: string;
}

export const BASIC_REFUSAL_CANDIDATES: readonly Alternative[] = [
  {
    code: 'API_TOKEN_NEEDS_EMAIL',
    cause: 'an API token (ATATT…) sent with the Bitbucket username: REST wants the account email',
    tell: 'curl -v shows the Basic header; its user part (base64-decode it) is the username, not an email',
    source: DOCS.getting401KB,
  },
  {
    code: 'APP_PASSWORD_REMOVED',
    cause: 'an app password (ATBB…): removed on 2026-07-28',
    tell: 'the secret starts with ATBB; any answer dated after 2026-07-28 refuses it',
    source: DOCS.apiTokens,
  },
  {
    code: 'ACCOUNT_PASSWORD_REJECTED',
    cause: 'the Atlassian account password: rejected for the API since 2022-03-01',
    tell: 'the secret has no ATATT/ATBB/ATCTT prefix and is the password you log in with',
    source: DOCS.getting401KB,
  },
  {
    code: 'ACCESS_TOKEN_AS_BASIC',
    cause: 'an access token sent with Basic: REST wants "Authorization: Bearer <token>"',
    tell: 'the secret starts with ATCTT, or the user is x-token-auth',
    source: DOCS.accessTokens,
  },
  {
    code: 'TOKEN_INVALID',
    cause: 'a revoked, expired or mistyped token',
    tell: 'a fresh token with the same username and scheme works',
    source: DOCS.apiTokens,
  },
];

/** The candidates, the likeliest first; those the sent credential rules out are left out. */
export const alternativesFor = (
  likeliest: FindingCode | undefined,
  ruledOut: readonly FindingCode[] = [],
): Alternative[] => {
  const kept = BASIC_REFUSAL_CANDIDATES.filter((a) => !ruledOut.includes(a.code));
  const first = kept.filter((a) => a.code === likeliest);
  return [...first, ...kept.filter((a) => a.code !== likeliest)];
};

/**
 * The candidates behind a 403 no documented answer explains (bitbucket-auth.md §3.3, §4.4, §12.1):
 * each with how to tell it apart.
 */
export const FORBIDDEN_CANDIDATES: readonly Alternative[] = [
  {
    code: 'SCOPE_MISSING',
    cause: 'the credential lacks a scope the endpoint needs',
    tell: "the answer's x-accepted-oauth-scopes and x-oauth-scopes headers (curl -i), or a fresh token with more scopes",
    source: DOCS.scopes,
  },
  {
    code: 'REPO_NOT_FOUND_OR_NO_ACCESS',
    cause: 'the account (or access token) may not use this repository or workspace',
    tell: "the same call by a workspace admin, or the repository's user and group permissions",
    source: DOCS.restIntro,
  },
  {
    code: 'CREDENTIALS_IGNORED',
    cause: 'the credential never reached Bitbucket as one (a proxy, a wrong header name)',
    tell: 'curl -v shows the Authorization header the call sent',
    source: DOCS.authMethods,
  },
];

export const forbiddenAlternatives = (): { code: FindingCode; cause: string; tell: string }[] =>
  FORBIDDEN_CANDIDATES.map(({ code, cause, tell }) => ({ code, cause, tell }));

/**
 * The candidates behind git's 401 to a credential it sent (bitbucket-auth.md §12.1: git prints
 * `fatal: Authentication failed` for every one of them), each with how to tell it apart. explain of
 * git's output names them when it cannot replay the ref advertisement with a corrected username.
 */
export const GIT_REFUSAL_CANDIDATES: readonly Alternative[] = [
  {
    code: 'GIT_USERNAME_WRONG',
    cause:
      'an API token with the account email (or another username) as git username: git wants the Bitbucket username or x-bitbucket-api-token-auth',
    tell: 'the git username (GIT_TRACE_CURL=1 prints it as "Server auth using Basic with user"); git ls-remote with x-bitbucket-api-token-auth works',
    source: DOCS.apiTokens,
  },
  {
    code: 'GIT_ACCESS_TOKEN_USERNAME',
    cause:
      'a repository/project/workspace access token with a git username other than x-token-auth',
    tell: 'the secret starts with ATCTT; https://x-token-auth@… works',
    source: DOCS.accessTokens,
  },
  {
    code: 'API_TOKEN_UNSCOPED',
    cause: 'an API token without Bitbucket scopes (classic): it fails for git with every username',
    tell: 'the token was made without scopes; one with read:repository:bitbucket works',
    source: DOCS.apiTokens,
  },
  {
    code: 'ACCOUNT_PASSWORD_REJECTED',
    cause: 'the Atlassian account password: rejected for git since 2022-03-01',
    tell: 'the secret has no ATATT/ATBB/ATCTT prefix and is the password you log in with',
    source: DOCS.getting401KB,
  },
  {
    code: 'TOKEN_INVALID',
    cause: 'a revoked, expired or mistyped token',
    tell: 'a fresh token with the same username works',
    source: DOCS.apiTokens,
  },
];
