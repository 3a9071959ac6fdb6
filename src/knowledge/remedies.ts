import { CLOUD_URLS, DOCS } from './docs.js';
import { shellWord } from './shell.js';
import type { FindingCode, Remediation } from '../types.js';

/** The token endpoint call that proves a consumer works (bitbucket-auth.md §1.3), at `endpoint`. */
export const clientCredentialsCommand = (endpoint: string = CLOUD_URLS.tokenEndpoint): string =>
  `curl -u "$BITBUCKET_CLIENT_ID:$BITBUCKET_CLIENT_SECRET" -d grant_type=client_credentials ${shellWord(endpoint)}`;
/** A refresh with the latest (rotated) refresh token (§1.5), at `endpoint`. */
export const refreshCommand = (endpoint: string = CLOUD_URLS.tokenEndpoint): string =>
  `curl -u "$BITBUCKET_CLIENT_ID:$BITBUCKET_CLIENT_SECRET" -d grant_type=refresh_token -d refresh_token="$BITBUCKET_REFRESH_TOKEN" ${shellWord(endpoint)}`;
/** The same two commands against Bitbucket Cloud's token endpoint. */
export const CLIENT_CREDENTIALS_COMMAND = clientCredentialsCommand();
export const REFRESH_COMMAND = refreshCommand();

/**
 * The default remediation of each finding: one imperative sentence and where to read more. A
 * check with more context (the user's email, the URL that worked) says more; checks that only
 * know the code use this, so the same cause gets the same advice everywhere.
 */
export const REMEDY: Readonly<Record<FindingCode, Remediation>> = {
  NETWORK_UNREACHABLE: {
    hint: 'Check your network, VPN and proxy settings (HTTPS_PROXY, NO_PROXY) and the host name.',
  },
  TLS_ERROR: {
    hint: 'If your company inspects TLS, trust its CA certificate (--cacert or NODE_EXTRA_CA_CERTS); never disable verification.',
  },
  TIMEOUT: { hint: 'Check your network and proxy settings (HTTPS_PROXY, NO_PROXY), then retry.' },
  PROXY_AUTH_REQUIRED: {
    hint: 'Put the proxy credentials in the proxy URL (HTTPS_PROXY=http://user:password@proxy:port) or ask your network team for an exception for api.bitbucket.org.',
  },
  SERVER_ERROR: {
    hint: 'Retry in a few minutes; a server error says nothing about the credentials.',
  },
  REDIRECTED_AWAY: {
    hint: 'Open the API URL in a browser and log in to the network (hotel, airport or company proxy login page), or fix the --api-url, then run again.',
  },
  NOT_BITBUCKET: {
    hint: 'Check the --api-url (Cloud is https://api.bitbucket.org) and whether a proxy or captive portal answers instead.',
  },
  NO_CREDENTIALS: {
    hint: 'Create an API token with scopes and pass it with your Atlassian account email, e.g. export BITBUCKET_EMAIL and BITBUCKET_API_TOKEN.',
    url: DOCS.apiTokens,
  },
  SECRET_WHITESPACE: { hint: 'Remove the whitespace, newline or quotes around the secret.' },
  SECRET_UNEXPANDED: {
    hint: 'Export the variable in this shell and use double quotes (or none) around it, never single quotes.',
  },
  SECRET_IN_URL: {
    hint: 'Send the token as "Authorization: Bearer <token>" instead of in the query string or the body (rejected since 2026-05-04).',
    url: DOCS.oauthChanges2026,
  },
  INSECURE_HTTP: {
    hint: 'Use https:// in the URL, and replace any secret that was sent over plain http://.',
    url: DOCS.restIntro,
  },
  HEADER_SCHEME_CASE: {
    hint: 'Spell the scheme "Bearer" (or "Basic") with a capital letter: OAuth\'s token_type says "bearer", but that is not the header scheme.',
    url: DOCS.oauth2,
  },
  HEADER_SCHEME_UNKNOWN: {
    hint: 'Send the token as "Authorization: Bearer <token>" (an API token goes as Basic with your Atlassian account email instead).',
    url: DOCS.authMethods,
  },
  HEADER_MALFORMED: {
    hint: 'Write the header as "Authorization: Bearer <token>" or "Authorization: Basic base64(user:secret)" with exactly one space.',
    url: DOCS.authMethods,
  },
  CREDENTIALS_IGNORED: {
    hint: 'Send the credentials in the Authorization header as "Bearer <token>" (access tokens) or Basic with your email (API tokens); other header names and spellings are ignored.',
    url: DOCS.authMethods,
  },
  PASSWORD_GRANT_REMOVED: {
    hint: 'Stop using grant_type=password (removed with account passwords on 2022-03-01): use client_credentials with a private consumer, the authorization-code flow, or an API token with your email.',
    url: DOCS.oauth2,
  },
  CONSUMER_INVALID: {
    hint: 'Copy the consumer Key and Secret again from Workspace settings → OAuth consumers, and send them as HTTP Basic (curl -u "$BITBUCKET_CLIENT_ID:$BITBUCKET_CLIENT_SECRET"), not in the body or as Bearer.',
    url: DOCS.oauth2,
  },
  CONSUMER_NOT_PRIVATE: {
    hint: 'Edit the OAuth consumer and tick "This is a private consumer": only private consumers may use the client_credentials grant.',
    url: DOCS.oauth2,
  },
  CONSUMER_NO_CALLBACK: {
    hint: 'Edit the OAuth consumer and set a Callback URL (any https URL you own works for client_credentials).',
    url: DOCS.oauth2,
  },
  REFRESH_TOKEN_INVALID: {
    hint: 'Use the refresh token from the latest token response: since 2026-05-04 refresh tokens rotate (each use returns a new one) and unused ones expire after 3 months.',
    url: DOCS.oauth2,
  },
  API_TOKEN_NEEDS_EMAIL: {
    hint: 'Use your Atlassian account email as the username with an API token; the Bitbucket username only works for git.',
    url: DOCS.getting401KB,
  },
  API_TOKEN_AS_BEARER: {
    hint: 'Send the API token as HTTP Basic with your Atlassian account email, not as Bearer.',
    url: DOCS.apiTokens,
  },
  API_TOKEN_UNSCOPED: {
    hint: 'Create an API token with scopes (id.atlassian.com → Security → Create API token with scopes → Bitbucket) and use it with your email.',
    url: DOCS.createApiToken,
  },
  APP_PASSWORD_REMOVED: {
    hint: 'Create an API token with scopes and use it with your Atlassian account email (REST) or your username (git).',
    url: DOCS.apiTokens,
  },
  ACCOUNT_PASSWORD_REJECTED: {
    hint: 'Create an API token with scopes and use it with your Atlassian account email instead of your password.',
    url: DOCS.accountPasswordDeprecation,
  },
  GIT_USERNAME_WRONG: {
    hint: 'Give git your Bitbucket username (or x-bitbucket-api-token-auth) with the API token, not your email: the email is for REST only.',
    url: DOCS.apiTokens,
  },
  GIT_ACCESS_TOKEN_USERNAME: {
    hint: 'Give git the username x-token-auth with an access token (https://x-token-auth@bitbucket.org/WS/REPO.git).',
    url: DOCS.accessTokens,
  },
  IP_NOT_ALLOWED: {
    hint: "Ask a workspace admin to add this network's public IP address to the workspace's IP allowlist, or run git from an allowed network (VPN).",
    url: DOCS.gitForbiddenKB,
  },
  TWO_STEP_REQUIRED: {
    hint: 'Enable two-step verification on your Bitbucket account (Personal settings → Two-step verification); the workspace requires it.',
    url: DOCS.gitForbiddenKB,
  },
  DC_CAPTCHA_REQUIRED: {
    hint: 'Log in to the Data Center web UI and solve the CAPTCHA (log out first if logged in), or ask an admin to clear it; then find what keeps sending the old password (a CI variable, .netrc, a credential helper) and give it an HTTP access token.',
    url: DOCS.dataCenterBasicAuth,
  },
  DC_BASIC_AUTH_DISABLED: {
    hint: 'Basic authentication is switched off on this server: use an HTTP access token as Bearer (REST: -H "Authorization: Bearer $TOKEN"; git: -c http.extraHeader="Authorization: Bearer $TOKEN"), or ask the admin for an allowlist entry.',
    url: DOCS.dataCenterHttpAccessTokens,
  },
  CLOUD_CREDENTIAL_ON_DC: {
    hint: 'This is a Data Center server: Bitbucket Cloud tokens and app passwords do not work here. Create an HTTP access token on this server (Manage account → HTTP access tokens) and send it as Bearer, or point --api-url at Bitbucket Cloud if Cloud was meant.',
    url: DOCS.dataCenterHttpAccessTokens,
  },
  DC_TOKEN_OUTSIDE_REST: {
    hint: 'HTTP access tokens work only below /rest and /scm: call the /rest/api/1.0/... equivalent (for "who am I", read X-AUSERNAME of any authenticated /rest answer).',
    url: DOCS.dataCenterTokensAfterUpgrade,
  },
  DC_TOKEN_AS_BASIC: {
    hint: 'Send project and repository HTTP access tokens as "Authorization: Bearer <token>", never with a username in Basic (only a personal token may stand in for a password).',
    url: DOCS.dataCenterHttpAccessTokens,
  },
  DC_TOKEN_REJECTED: {
    hint: 'Check the token under Manage account → HTTP access tokens (or the project or repository settings): expired or revoked tokens look the same; create a new one.',
    url: DOCS.dataCenterHttpAccessTokens,
  },
  DC_CREDENTIALS_REJECTED: {
    hint: 'Use your Data Center username (not your email address) and current password, or better an HTTP access token as Bearer; stop any job that retries, because 5 failed logins lock the account behind a CAPTCHA.',
    url: DOCS.dataCenterBasicAuth,
  },
  DC_NOT_PERMITTED: {
    hint: 'The credential works but lacks permission: ask a project or repository admin for at least REPO_READ (PROJECT_READ), or use a token created with it.',
    url: DOCS.dataCenterHttpAccessTokens,
  },
  CLOUD_PATH_ON_DC: {
    hint: "This is a Data Center server: use its REST paths (/rest/api/1.0/projects/{KEY}/repos/{slug}/...), not Bitbucket Cloud's /2.0/....",
    url: DOCS.dataCenterBasicAuth,
  },
  ACCESS_TOKEN_AS_BASIC: {
    hint: 'Send access tokens as "Authorization: Bearer <token>"; only git uses them with Basic (x-token-auth).',
    url: DOCS.accessTokens,
  },
  TOKEN_EXPIRED: {
    hint: 'Get a new access token with your refresh token (or client_credentials) and refresh it before expires_in (2 hours) runs out.',
    url: DOCS.oauth2,
  },
  TOKEN_INVALID: {
    hint: 'Check that the token was copied whole and not revoked, or create a new one (access tokens cannot be viewed again after creation).',
    url: DOCS.accessTokens,
  },
  AUTH_REJECTED: {
    hint: 'Check the username and secret pair: an API token goes with your Atlassian account email, an app password with your Bitbucket username, an access token as Bearer.',
    url: DOCS.getting401KB,
  },
  SCOPE_MISSING: {
    hint: 'Give the credential the missing scope: a new API token with it, or the permissions of the OAuth consumer or access token.',
    url: DOCS.scopes,
  },
  WRONG_HOST: {
    hint: 'Send REST calls to https://api.bitbucket.org/2.0/... (the website host and /!api/ paths are not the API).',
    url: DOCS.apiHostAnswer,
  },
  API_V1_REMOVED: { hint: 'Call the API 2.0 equivalent instead.', url: DOCS.v1Deprecation },
  ENDPOINT_REMOVED: {
    hint: 'List workspaces with GET /2.0/user/workspaces and repositories per workspace with GET /2.0/repositories/{workspace}.',
    url: DOCS.change2770,
  },
  DATA_CENTER_PATH_ON_CLOUD: {
    hint: 'Use the Bitbucket Cloud API 2.0 path on api.bitbucket.org instead of the Data Center /rest/api/1.0 path.',
    url: DOCS.restIntro,
  },
  REPO_NOT_FOUND_OR_NO_ACCESS: {
    hint: 'Check the workspace and repository slug in the URL, then ask for access to the repository or use a credential that has it.',
    url: DOCS.restIntro,
  },
  RATE_LIMITED: {
    hint: 'Wait for the hourly window to roll over, then cache answers and poll less; authenticated calls get 1,000 requests an hour, anonymous ones 60.',
    url: DOCS.rateLimits,
  },
};

/** The default remediation of a code, with commands when there are any. */
export const remedy = (code: FindingCode, commands?: readonly string[]): Remediation =>
  commands === undefined || commands.length === 0 ? REMEDY[code] : { ...REMEDY[code], commands };
