/**
 * How a request to Bitbucket is spelled on the wire: the hosts, the OAuth paths, the
 * Authorization schemes, the header and parameter names that carry credentials, the fixed git
 * usernames and the shape of an API token. Each literal once (design.md, "Knowledge in one
 * place"); intake, facts and checks import them from here. § = bitbucket-auth.md.
 */
import { CLOUD_PATHS, CLOUD_URLS } from './docs.js';
import { GIT_ACCESS_TOKEN_USER, GIT_API_TOKEN_USER, SECRET_SHAPES } from './shapes.js';

// -----------------------------------------------------------------------------------------------
// Hosts (§1.1 [H]: "The API lives under the api.bitbucket.org domain, while bitbucket.org is the
// website. The domains are not interchangeable.")
// -----------------------------------------------------------------------------------------------

// One home for the hosts: hosts.ts (re-exported here for the wire's readers).
export { CLOUD_HOSTS, isCloudHost, WEBSITE_HOSTS } from './hosts.js';

/** REST paths the doctor calls itself. */
export const API_PATHS = {
  /** "Who am I" for user credentials: any authenticated user gets 200 (§3.3 [H]). */
  user: CLOUD_PATHS.currentUser,
} as const;

// -----------------------------------------------------------------------------------------------
// OAuth 2.0 (§1.1, §1.2, §1.3 [H])
// -----------------------------------------------------------------------------------------------

export const OAUTH_PATHS = {
  /** Every OAuth endpoint is below this path, on the website host. */
  prefix: '/site/oauth2/',
  token: new URL(CLOUD_URLS.tokenEndpoint).pathname,
  authorize: new URL(CLOUD_URLS.authorizeEndpoint).pathname,
} as const;

/** The path is the token endpoint (`POST {auth-url}/site/oauth2/access_token`), trailing slash or not. */
export const isTokenEndpointPath = (path: string): boolean =>
  path.replace(/\/$/u, '').endsWith(OAUTH_PATHS.token);

/** OAuth parameter names of the token endpoint and of calls (§1.2, §1.3, §1.5). */
export const OAUTH_PARAMS = {
  accessToken: 'access_token',
  refreshToken: 'refresh_token',
  clientId: 'client_id',
  clientSecret: 'client_secret',
  grantType: 'grant_type',
  password: 'password',
} as const;

/** Grant types (§1.2 table): `password` is removed; the JWT grant is Bitbucket's own URN. */
export const GRANTS = {
  password: 'password',
  jwt: 'urn:bitbucket:oauth2:jwt',
  clientCredentials: 'client_credentials',
  refreshToken: 'refresh_token',
  authorizationCode: 'authorization_code',
} as const;

/**
 * Parameters whose value is a Bitbucket credential: the access token (rejected in the query and
 * the body since 2026-05-04, §1.5), the refresh token and consumer secret (§1.3, §1.5) and the
 * removed password grant's password (§1.2). One in a URL is SECRET_IN_URL (contract.md).
 */
export const SECRET_PARAMETERS: readonly string[] = [
  OAUTH_PARAMS.accessToken,
  OAUTH_PARAMS.clientSecret,
  OAUTH_PARAMS.refreshToken,
  OAUTH_PARAMS.password,
];

/**
 * Every parameter name whose value is treated as a secret (redaction, and a `$VAR` there is a
 * credential): the Bitbucket ones above, plus the common names other services use for tokens and
 * keys, which users carry over (contract.md, "Secrets": credential query and form parameters).
 */
const REDACTED_PARAMETER =
  /^(?:access_token|refresh_token|id_token|token|client_secret|password|passwd|pass|secret|api_key|apikey|key|jwt|code|assertion|app_password|private_token)$/iu;

export const isSecretParameter = (name: string): boolean => REDACTED_PARAMETER.test(name);

// -----------------------------------------------------------------------------------------------
// The Authorization header (§2.1-§2.3)
// -----------------------------------------------------------------------------------------------

/**
 * The schemes Bitbucket Cloud reads, spelled as it wants them: RFC 7235 makes schemes
 * case-insensitive, but Bitbucket ignores `bearer` (§2.2 [M]), and the Connect scheme `JWT` is
 * "case sensitive" (§1.2 [H]).
 */
export const SCHEMES = { bearer: 'Bearer', basic: 'Basic', jwt: 'JWT' } as const;

export type SchemeName = keyof typeof SCHEMES;

/** The canonical spelling of a scheme Bitbucket knows, whatever the case given. */
export const canonicalScheme = (scheme: string): string | undefined =>
  Object.values(SCHEMES).find((s) => s.toLowerCase() === scheme.toLowerCase());

/** GitHub's `token` scheme: unknown to Bitbucket (§2.3 [U]); the token inside goes as Bearer (§10.3). */
export const BEARER_ALIASES: readonly string[] = ['token'];

/** A Connect app's JWT carries the query-string hash claim `qsh` (Atlassian Connect; §1.2). */
export const CONNECT_JWT_CLAIM = 'qsh';

/** "Basic HTTP Authentication as per RFC-2617 (Digest not supported)" (§2.3 [H]). */
export const UNSUPPORTED_SCHEMES: readonly string[] = ['digest'];

/**
 * Request headers that carry a credential: Authorization (the only one Bitbucket reads, §2.3),
 * the proxy's, cookies, and the names other services use (GitLab's Private-Token, X-Api-Key,
 * X-Auth-Token...). Bitbucket ignores the latter (the call runs anonymous), but their values are
 * secrets all the same: registered with the redactor and replayed only as sent.
 */
const CREDENTIAL_HEADER_NAMES: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'private-token',
  'x-api-key',
];

export const isCredentialHeader = (name: string): boolean => {
  const lower = name.toLowerCase();
  return CREDENTIAL_HEADER_NAMES.includes(lower) || /^x-.*(?:token|auth)/u.test(lower);
};

// -----------------------------------------------------------------------------------------------
// Credentials by shape, and the fixed usernames (§2.3, §4.2, §12.1)
// -----------------------------------------------------------------------------------------------

/** Atlassian API tokens "start with ATAT" / "ATATT3x" (§4.2 [L]). */
export const API_TOKEN_PREFIX = SECRET_SHAPES.find(
  (s) => s.kind === 'api-token',
)!.prefix.source.replace(/^\^/u, '');

export const looksLikeApiToken = (secret: string): boolean => secret.startsWith(API_TOKEN_PREFIX);

export const GIT_USERNAMES = {
  /** Access tokens in git URLs: "The literal string x-token-auth ... is required" (§2.3 [H]). */
  accessToken: GIT_ACCESS_TOKEN_USER,
  /** API tokens for git, instead of the Bitbucket username (§5.2, §12.1 [H]). */
  apiToken: GIT_API_TOKEN_USER,
} as const;

/**
 * How each credential is sent, as curl options with `$PLACEHOLDERS` (§2.3 matrix [H]): access
 * tokens as Bearer, API tokens as Basic with the Atlassian account email, the OAuth consumer as
 * Basic at the token endpoint.
 */
export const SEND_AS = {
  bearer: `-H "Authorization: ${SCHEMES.bearer} $BITBUCKET_ACCESS_TOKEN"`,
  apiToken: '-u "you@example.com:$BITBUCKET_API_TOKEN"',
  consumer: '-u "$BITBUCKET_CLIENT_ID:$BITBUCKET_CLIENT_SECRET"',
} as const;
