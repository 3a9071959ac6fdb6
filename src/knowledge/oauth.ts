/**
 * The OAuth 2.0 wire vocabulary of Bitbucket Cloud (bitbucket-auth.md §1): the token endpoint, its
 * grants, form fields and answers, and the headers in which REST answers name scopes (§3.6). The
 * checks read these names from here, so a captured call and a live one are read the same way.
 */
import { CLOUD_URLS, DOCS } from './docs.js';
import type { Sourced } from './fact.js';
import { parseScopeList } from './scopes.js';
import { SOURCES } from './sources.js';

/** §1.1 [H]: `https://bitbucket.org/site/oauth2/access_token` (the path, to match any host). */
export const TOKEN_ENDPOINT_PATH: string = new URL(CLOUD_URLS.tokenEndpoint).pathname;

/** The token endpoint's path on `base` (the website host, or a simulator's origin). */
export const tokenEndpointUrl = (base: string): string =>
  `${base.replace(/\/+$/u, '')}${TOKEN_ENDPOINT_PATH}`;

/** True for a URL whose path is the token endpoint's (any host: the simulator serves it too). */
export const isTokenEndpoint = (url: string): boolean => {
  try {
    return new URL(url).pathname.replace(/\/+$/u, '') === TOKEN_ENDPOINT_PATH;
  } catch {
    return false;
  }
};

/** §1.2: the `grant_type` values Bitbucket knows, and the one it removed. */
export const GRANT = {
  clientCredentials: 'client_credentials',
  refreshToken: 'refresh_token',
  authorizationCode: 'authorization_code',
  jwt: 'urn:bitbucket:oauth2:jwt',
  /** Resource Owner Password Credentials (RFC 6749 §4.3): removed on 2022-03-01 [H]. */
  password: 'password',
} as const;

export const GRANT_SOURCE: Sourced = { source: DOCS.oauth2, confidence: 'H' };

/** §1.3 [H]: the form fields of a token request (the consumer itself goes in HTTP Basic). */
export const TOKEN_FORM = {
  grantType: 'grant_type',
  refreshToken: 'refresh_token',
  username: 'username',
  password: 'password',
} as const;

/**
 * Form (and query) fields whose value is a secret: RFC 6749's `password` (§4.3.2),
 * `client_secret` (§2.3.1), `refresh_token` (§6), `code` (§4.1.3), and `access_token`, which
 * Bitbucket accepted in the body or query until 2026-05-04 (§1.5).
 */
export const SECRET_FORM_FIELDS: readonly string[] = [
  'password',
  'client_secret',
  'refresh_token',
  'code',
  'access_token',
];

/** The secret-bearing fields a form body (or query string) carries: name and value. */
export const secretFieldsOf = (form: string | undefined): { name: string; value: string }[] => {
  if (form === undefined || form.trim() === '') return [];
  const params = new URLSearchParams(form.trim());
  return SECRET_FORM_FIELDS.flatMap((name) => {
    const value = params.get(name) ?? '';
    return value.trim() === '' ? [] : [{ name, value }];
  });
};

/** The grant a token request's form body asks for; undefined when it names none. */
export const grantOf = (form: string | undefined): string | undefined => {
  const grant = new URLSearchParams((form ?? '').trim()).get(TOKEN_FORM.grantType)?.trim();
  return grant === undefined || grant === '' ? undefined : grant;
};

/**
 * `token_type` as Bitbucket writes it: lower-case "bearer" in every observed answer (§1.4 [H]),
 * although the header scheme must be spelled "Bearer" (§2.2).
 */
export const TOKEN_TYPE_AS_SENT = 'bearer';

/** §1.4: the fields of a token endpoint success (RFC 6749 §5.1, plus Bitbucket's `scopes`). */
export const TOKEN_FIELDS = {
  accessToken: 'access_token',
  refreshToken: 'refresh_token',
  /** Since 2026-05-04. */
  scope: 'scope',
  /** Before 2026-05-04. */
  scopes: 'scopes',
  expiresIn: 'expires_in',
  tokenType: 'token_type',
} as const;

/** A token endpoint success (§1.4), as read from its JSON. */
export interface TokenResponse {
  readonly accessToken: string;
  readonly refreshToken?: string;
  /** Space-separated `scope` (since 2026-05-04) or `scopes` (before) [H]. */
  readonly scopes: string[];
  readonly expiresIn?: number;
  readonly tokenType?: string;
}

export const TOKEN_RESPONSE_SOURCE: Sourced = {
  source: DOCS.oauthChanges2026,
  confidence: 'H',
};

/** Reads a token endpoint success body; undefined when it holds no `access_token`. */
export const readTokenResponse = (json: unknown): TokenResponse | undefined => {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const body = json as Record<string, unknown>;
  const text = (key: string): string | undefined =>
    typeof body[key] === 'string' && body[key] !== '' ? body[key] : undefined;
  const accessToken = text(TOKEN_FIELDS.accessToken);
  if (accessToken === undefined) return undefined;
  // Since 2026-05-04 the answer says "scope", before it said "scopes" (§1.4): accept both.
  const scopes = parseScopeList(text(TOKEN_FIELDS.scope) ?? text(TOKEN_FIELDS.scopes));
  const refreshToken = text(TOKEN_FIELDS.refreshToken);
  const tokenType = text(TOKEN_FIELDS.tokenType);
  const expires = body[TOKEN_FIELDS.expiresIn];
  const expiresIn = typeof expires === 'number' ? expires : undefined;
  return {
    accessToken,
    scopes,
    ...(refreshToken === undefined ? {} : { refreshToken }),
    ...(expiresIn === undefined ? {} : { expiresIn }),
    ...(tokenType === undefined ? {} : { tokenType }),
  };
};

/**
 * §3.6 [H]: what a REST answer says of scopes. `granted`: the scopes of the credential that was
 * used (KB "how to fetch the scope of a token"); `accepted`: the scopes the endpoint accepts, any
 * one of which is enough.
 */
export const SCOPE_HEADERS = {
  granted: 'x-oauth-scopes',
  accepted: 'x-accepted-oauth-scopes',
} as const;

export const SCOPE_HEADERS_SOURCE: Sourced = { source: DOCS.tokenScopeKB, confidence: 'H' };

/**
 * §3.3 [H]: GET /2.0/user, the usual identity probe of a user credential (git-credential-manager
 * validates stored credentials with it), so it shows a credential's scopes when there is no target.
 */
export const CURRENT_USER_PATH = '/2.0/user';

export const CURRENT_USER_SOURCE: Sourced = { source: SOURCES.gcmHostProvider, confidence: 'H' };
