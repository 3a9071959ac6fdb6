import type { FindingCode } from '../types.js';

/** The layer of the problem, in causal order: a cause in an earlier layer explains later symptoms. */
export type Layer =
  'network' | 'secret' | 'header' | 'credential' | 'token-fetch' | 'scope' | 'endpoint';

export interface FindingInfo {
  readonly code: FindingCode;
  readonly layer: Layer;
  /** The cause, one line (README and `bb-doctor checks`). */
  readonly cause: string;
}

/**
 * Every finding code in causal order (issue #4, "Diagnosis in causal order"): the network before
 * the secret's form before the header before the credential kind before the token fetch before
 * scopes before the endpoint. The diagnosis is the failing finding that comes first in this list;
 * ties go to registry order. A rate limit sits with the network: it must never be blamed on the
 * credentials (bitbucket-auth.md §9 item 21).
 */
export const FINDINGS: readonly FindingInfo[] = [
  {
    code: 'NETWORK_UNREACHABLE',
    layer: 'network',
    cause: 'DNS failure, refused or reset connection: the network, not the credentials',
  },
  {
    code: 'PROXY_AUTH_REQUIRED',
    layer: 'network',
    cause: 'a proxy answered 407 and wants its own credentials',
  },
  {
    code: 'TLS_ERROR',
    layer: 'network',
    cause:
      'the TLS handshake failed (self-signed, unknown CA, hostname mismatch, expired), often a TLS-inspecting proxy',
  },
  { code: 'TIMEOUT', layer: 'network', cause: 'no answer in time' },
  {
    code: 'SERVER_ERROR',
    layer: 'network',
    cause: 'Bitbucket (or something in between) answered 5xx or an unreadable body',
  },
  {
    code: 'REDIRECTED_AWAY',
    layer: 'network',
    cause:
      'the API redirects to another origin (a captive portal, a proxy login page) or in a loop: no verdict, nothing sent there',
  },
  {
    code: 'NOT_BITBUCKET',
    layer: 'network',
    cause: 'the API URL answers, but not like Bitbucket Cloud',
  },
  { code: 'RATE_LIMITED', layer: 'network', cause: 'a 429: a rate limit, not the credentials' },
  { code: 'NO_CREDENTIALS', layer: 'secret', cause: 'nothing to authenticate with' },
  {
    code: 'SECRET_UNEXPANDED',
    layer: 'secret',
    cause: 'a secret that is literally $VAR, $(...) or a backtick expression',
  },
  {
    code: 'SECRET_WHITESPACE',
    layer: 'secret',
    cause: 'a secret with leading/trailing whitespace, a newline, or quotes around it',
  },
  {
    code: 'HEADER_MALFORMED',
    layer: 'header',
    cause: 'an Authorization header that does not parse',
  },
  {
    code: 'HEADER_SCHEME_CASE',
    layer: 'header',
    cause: 'bearer/BEARER/basic: the scheme must be spelled Bearer or Basic',
  },
  {
    code: 'HEADER_SCHEME_UNKNOWN',
    layer: 'header',
    cause: 'no scheme, or one Bitbucket does not know (token, JWT outside Connect)',
  },
  {
    code: 'CREDENTIALS_IGNORED',
    layer: 'header',
    cause:
      'the authenticated answer equals the anonymous one: the credentials never reached Bitbucket as credentials',
  },
  {
    code: 'SECRET_IN_URL',
    layer: 'credential',
    cause: 'a token in the query string or POST body (rejected since 2026-05-04)',
  },
  {
    code: 'PASSWORD_GRANT_REMOVED',
    layer: 'credential',
    cause: 'OAuth grant_type=password (removed in 2022)',
  },
  {
    code: 'ACCOUNT_PASSWORD_REJECTED',
    layer: 'credential',
    cause:
      'the Atlassian account password (rejected since 2022-03-01; never worked with two-step verification)',
  },
  {
    code: 'APP_PASSWORD_REMOVED',
    layer: 'credential',
    cause: 'an app password (creation stopped 2025-09-09, removed 2026-07-28)',
  },
  {
    code: 'API_TOKEN_AS_BEARER',
    layer: 'credential',
    cause: 'an API token sent as Bearer (it must be Basic with the email)',
  },
  {
    code: 'API_TOKEN_NEEDS_EMAIL',
    layer: 'credential',
    cause: 'an API token with the Bitbucket username instead of the Atlassian account email',
  },
  {
    code: 'API_TOKEN_UNSCOPED',
    layer: 'credential',
    cause: 'a classic API token without Bitbucket scopes',
  },
  {
    code: 'GIT_USERNAME_WRONG',
    layer: 'credential',
    cause:
      'an API token sent to git with the account email: git wants the Bitbucket username or x-bitbucket-api-token-auth',
  },
  {
    code: 'GIT_ACCESS_TOKEN_USERNAME',
    layer: 'credential',
    cause: 'an access token sent to git with a username other than x-token-auth',
  },
  // Data Center (contract.md, "Bitbucket Data Center (Server)"; bitbucket-auth.md §8, §12.3): a
  // lock refuses even the right password, so it comes first; then what is refused before the
  // credential is read (Basic switched off), then the credential itself.
  {
    code: 'DC_CAPTCHA_REQUIRED',
    layer: 'credential',
    cause:
      'Data Center locked the account behind a CAPTCHA after failed logins: the right password fails too',
  },
  {
    code: 'DC_BASIC_AUTH_DISABLED',
    layer: 'credential',
    cause:
      'Data Center has Basic authentication switched off (the 10.x default): any Basic request is refused (403)',
  },
  {
    code: 'CLOUD_CREDENTIAL_ON_DC',
    layer: 'credential',
    cause: 'a Bitbucket Cloud credential (ATATT…, ATBB…, ATCTT…) sent to a Data Center server',
  },
  {
    code: 'DC_TOKEN_OUTSIDE_REST',
    layer: 'credential',
    cause:
      'a Data Center HTTP access token used outside /rest and /scm (refused there since 8.9.22)',
  },
  {
    code: 'DC_TOKEN_AS_BASIC',
    layer: 'credential',
    cause:
      'a Data Center project or repository HTTP access token sent with Basic: they work only as Bearer',
  },
  {
    code: 'DC_TOKEN_REJECTED',
    layer: 'credential',
    cause:
      'a Data Center HTTP access token the server does not accept (expired, revoked, or from another server)',
  },
  {
    code: 'DC_CREDENTIALS_REJECTED',
    layer: 'credential',
    cause: 'a wrong Data Center username or password (an email address is no username there)',
  },
  {
    code: 'ACCESS_TOKEN_AS_BASIC',
    layer: 'credential',
    cause: 'a repository/project/workspace or OAuth access token sent with Basic',
  },
  {
    code: 'TOKEN_EXPIRED',
    layer: 'credential',
    cause: 'an expired OAuth access token (they live 2 hours)',
  },
  { code: 'TOKEN_INVALID', layer: 'credential', cause: 'a token Bitbucket does not recognise' },
  {
    code: 'AUTH_REJECTED',
    layer: 'credential',
    cause:
      'a rejection whose cause the evidence cannot narrow to one code; data.alternatives ranks the candidates',
  },
  {
    code: 'CONSUMER_INVALID',
    layer: 'token-fetch',
    cause: 'wrong OAuth consumer key or secret, or not sent as Basic',
  },
  {
    code: 'CONSUMER_NOT_PRIVATE',
    layer: 'token-fetch',
    cause: 'client_credentials with a consumer not marked private',
  },
  { code: 'CONSUMER_NO_CALLBACK', layer: 'token-fetch', cause: 'the consumer has no callback URL' },
  {
    code: 'REFRESH_TOKEN_INVALID',
    layer: 'token-fetch',
    cause: 'a refresh token Bitbucket does not accept (used already: they rotate since 2026-05-04)',
  },
  {
    code: 'TWO_STEP_REQUIRED',
    layer: 'credential',
    cause:
      'the workspace requires two-step verification, and this user has not enabled it (git 403)',
  },
  { code: 'SCOPE_MISSING', layer: 'scope', cause: 'the credential lacks a scope the target needs' },
  {
    code: 'DC_NOT_PERMITTED',
    layer: 'scope',
    cause:
      'Data Center authenticated the user (X-AUSERNAME) but does not permit this resource: a 401, not a 403',
  },
  {
    code: 'IP_NOT_ALLOWED',
    layer: 'scope',
    cause: "the workspace's IP allowlist refuses this address (git 403)",
  },
  {
    code: 'WRONG_HOST',
    layer: 'endpoint',
    cause: 'an API path on the website host (bitbucket.org/2.0/..., bitbucket.org/!api/...)',
  },
  { code: 'INSECURE_HTTP', layer: 'endpoint', cause: 'http:// instead of https://' },
  { code: 'API_V1_REMOVED', layer: 'endpoint', cause: 'an API 1.0 path (removed 2019-04-29)' },
  { code: 'ENDPOINT_REMOVED', layer: 'endpoint', cause: 'a removed 2.0 endpoint (CHANGE-2770)' },
  {
    code: 'DATA_CENTER_PATH_ON_CLOUD',
    layer: 'endpoint',
    cause: 'a /rest/api/1.0/... path sent to Bitbucket Cloud',
  },
  {
    code: 'CLOUD_PATH_ON_DC',
    layer: 'endpoint',
    cause: 'a Bitbucket Cloud path (/2.0/..., /1.0/...) sent to a Data Center server',
  },
  {
    code: 'REPO_NOT_FOUND_OR_NO_ACCESS',
    layer: 'endpoint',
    cause: 'a 404 that means "does not exist, or you may not see it"',
  },
];

const RANK = new Map<FindingCode, number>(FINDINGS.map((f, i) => [f.code, i]));

/** Position of a code in causal order (lower = more fundamental). */
export const causalRank = (code: FindingCode): number => RANK.get(code) ?? FINDINGS.length;

/** Findings that mean "no verdict: Bitbucket could not be reached" (exit 3). */
export const NO_VERDICT_CODES: ReadonlySet<FindingCode> = new Set(
  // The network layer, except a rate limit: a 429 is an answer, and a verdict (exit 1).
  FINDINGS.filter((f) => f.layer === 'network' && f.code !== 'RATE_LIMITED').map((f) => f.code),
);
