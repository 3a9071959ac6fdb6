/**
 * Response signatures: what Bitbucket answers (status, body text, header) when something is wrong,
 * mapped to the finding code that names the cause. This is the doctor's *second* line of evidence
 * (design.md): checks diagnose by experiment first, and a signature only names or confirms the
 * cause. Each entry quotes the documented wording of bitbucket-auth.md (section in the comment),
 * so that when Bitbucket rewords a message one hint degrades, not the diagnosis.
 *
 * Also here: `parseErrorBody`, which reads every error-body shape Bitbucket is known to send
 * (Cloud JSON envelope, RFC 6749 token errors, Data Center `errors[]`, plain text, HTML).
 */
import type { FindingCode } from '../types.js';
import { clipWords } from './clip.js';
import { DOCS } from './docs.js';
import type { Confidence } from './fact.js';
import { SOURCES } from './sources.js';

export interface Signature {
  /** kebab-case, stable: checks and tests refer to it. */
  readonly id: string;
  /** The most likely cause. */
  readonly code: FindingCode;
  /**
   * Other causes that produce the very same answer (the signature is ambiguous): a check must tell
   * them apart by experiment before naming one.
   */
  readonly alsoConsider?: readonly FindingCode[];
  /** The HTTP status, or the statuses, it was seen with. */
  readonly status: number | readonly number[];
  /** Tested against the raw body (no flags `g`/`y`: the regexes are shared). */
  readonly body?: RegExp;
  /** A response header (name in any case) whose value must match. */
  readonly header?: { readonly name: string; readonly pattern: RegExp };
  /** A response header that must be absent (e.g. Data Center's X-AUSERNAME). */
  readonly absentHeader?: string;
  readonly product: 'cloud' | 'data-center' | 'any';
  /**
   * False when the answer says nothing bad about the credentials (a removed endpoint, a rate
   * limit, a server error, a wrong URL): the doctor must then not tell the user to change them.
   */
  readonly blamesCredentials: boolean;
  /** One line, for the report. */
  readonly summary: string;
  /** Why, and what to do; may name the alternatives of `alsoConsider`. */
  readonly explanation: string;
  readonly source: string;
  readonly confidence: Confidence;
}

/** 500 to 599: any server-side failure. */
const SERVER_ERROR_STATUSES: readonly number[] = Array.from(
  { length: 100 },
  (_, index) => 500 + index,
);

export const SIGNATURES: readonly Signature[] = [
  // ---------------------------------------------------------------------------------------------
  // Cloud REST: the credential itself (§1.7, §5.3)
  // ---------------------------------------------------------------------------------------------
  {
    // §1.7, §5.3: one message for three (four) different mistakes, hence `alsoConsider`.
    id: 'cloud-token-invalid',
    code: 'TOKEN_INVALID',
    alsoConsider: ['API_TOKEN_AS_BEARER', 'API_TOKEN_UNSCOPED', 'API_TOKEN_NEEDS_EMAIL'],
    status: 401,
    body: /Token is invalid, expired, or not supported for this endpoint/,
    product: 'cloud',
    blamesCredentials: true,
    summary: 'Bitbucket rejected the token: invalid, expired, or not supported for this endpoint.',
    explanation:
      'Bitbucket sends this one message for several mistakes: an Atlassian API token sent as Bearer ' +
      '(it must go in Basic with the Atlassian account email), a classic API token created without ' +
      'Bitbucket scopes (create one "with scopes"), an API token paired with the Bitbucket username ' +
      'instead of the email, or a token Bitbucket does not know at all. Only an experiment tells them ' +
      'apart: resend an API token as Basic with the email.',
    source: DOCS.apiTokenAsBearerAnswer,
    confidence: 'H',
  },
  {
    // §1.7: the long variant, several reports.
    id: 'cloud-access-token-expired',
    code: 'TOKEN_EXPIRED',
    status: 401,
    body: /Access token expired\. Use your refresh token/,
    product: 'cloud',
    blamesCredentials: true,
    summary: 'The OAuth access token has expired.',
    explanation:
      'Bitbucket Cloud access tokens live 2 hours (7200 s). Obtain a new one with the refresh token ' +
      '(grant_type=refresh_token; since 2026-05-04 each use returns a new refresh token) or with ' +
      'client_credentials.',
    source: SOURCES.swoodfordIssue1,
    confidence: 'H',
  },
  {
    // §1.7: the short variant seen in 2021. Anchored on the closing quote so that it does not also
    // match the long variant above.
    id: 'cloud-access-token-expired-short',
    code: 'TOKEN_EXPIRED',
    status: 401,
    body: /"message"\s*:\s*"Access token expired\."/,
    product: 'cloud',
    blamesCredentials: true,
    summary: 'The OAuth access token has expired.',
    explanation:
      'Bitbucket Cloud access tokens live 2 hours (7200 s). Obtain a new one with the refresh token ' +
      'or with client_credentials.',
    source: SOURCES.coverallsIssue1541,
    confidence: 'M',
  },
  {
    // §3.4 (2): plain text, not JSON, when Basic credentials are rejected.
    id: 'cloud-basic-login-failed',
    code: 'AUTH_REJECTED',
    alsoConsider: ['API_TOKEN_NEEDS_EMAIL', 'APP_PASSWORD_REMOVED', 'ACCESS_TOKEN_AS_BASIC'],
    status: 401,
    body: /Login failed due to incorrect login credentials or method/,
    product: 'cloud',
    blamesCredentials: true,
    summary: 'Bitbucket rejected the Basic credentials (username and secret).',
    explanation:
      'Basic authentication failed: a wrong username/secret pair, an API token paired with the ' +
      'Bitbucket username (REST wants the Atlassian account email), an app password paired with the ' +
      'email (it wants the Bitbucket username) or used after its removal, or an access token sent with ' +
      'Basic (it must be Bearer).',
    source: SOURCES.gearplugIssue10,
    confidence: 'M',
  },
  {
    // §3.5 / §5.2: the KB's diagnosis of a failed Basic login is this challenge header. The 2025
    // variant `BitbucketCustom realm=Bitbucket.org HTTP` [L] matches too.
    id: 'cloud-basic-realm',
    code: 'AUTH_REJECTED',
    alsoConsider: ['API_TOKEN_NEEDS_EMAIL', 'APP_PASSWORD_REMOVED', 'ACCESS_TOKEN_AS_BASIC'],
    status: 401,
    header: { name: 'www-authenticate', pattern: /realm="?Bitbucket\.org HTTP/i },
    product: 'cloud',
    blamesCredentials: true,
    summary: 'Bitbucket Cloud did not accept the credentials (401 with a Basic challenge).',
    explanation:
      'A 401 with `www-authenticate: Basic realm="Bitbucket.org HTTP"` means the credentials were ' +
      'read and rejected. For an API token the username must be the Atlassian account email; for an ' +
      'app password, the Bitbucket username.',
    source: DOCS.getting401KB,
    confidence: 'H',
  },
  {
    // §3.4 (3), §9.5: plain text since 2022-03-01.
    id: 'cloud-account-password',
    code: 'ACCOUNT_PASSWORD_REJECTED',
    status: 401,
    body: /stopped supporting account passwords/,
    product: 'cloud',
    blamesCredentials: true,
    summary:
      'An Atlassian account password was used; Bitbucket Cloud rejects them since 2022-03-01.',
    explanation:
      'Account passwords stopped working for the API and git over HTTPS on 2022-03-01, for every ' +
      'user (with two-step verification they never worked). Create an API token with scopes and send ' +
      'it with Basic and your Atlassian account email.',
    source: SOURCES.mantisbtIssue399,
    confidence: 'H',
  },
  {
    // §5.1: the REST body for a removed app password is unknown [U]; the git message
    // "App passwords are deprecated and must be replaced with API tokens." (with 410) comes from one
    // third-party blog [L]. The pattern is broad on purpose, and does not match the 2022 account-
    // password text ("App passwords are recommended...").
    id: 'cloud-app-password-removed',
    code: 'APP_PASSWORD_REMOVED',
    status: [401, 410],
    body: /app passwords? (?:are|is|have been|has been) (?:deprecated|removed|disabled|no longer (?:supported|accepted))/i,
    product: 'cloud',
    blamesCredentials: true,
    summary: 'An app password was used; Bitbucket Cloud removed them on 2026-07-28.',
    explanation:
      'App-password creation stopped on 2025-09-09, brownouts ran from 2026-06-09 to 2026-07-27 and ' +
      'app passwords were removed on 2026-07-28. Create an API token with scopes and send it with ' +
      'Basic and your Atlassian account email.',
    source: DOCS.appPasswordBrownouts,
    confidence: 'L',
  },
  {
    // §3.4 (4), §9.19: account lockout after repeated bad passwords (two wordings).
    id: 'cloud-too-many-password-attempts',
    code: 'AUTH_REJECTED',
    status: [401, 403],
    body: /Too many invalid password attempts/,
    product: 'cloud',
    blamesCredentials: true,
    summary: 'The account is locked after too many invalid password attempts.',
    explanation:
      'Bitbucket locked the login after repeated failures, usually an automated job retrying bad ' +
      'credentials. Stop the retries, log in at https://id.atlassian.com/ (or the website) to restore ' +
      'access, then fix the credential the job uses.',
    source: SOURCES.mistyKuuIssue31,
    confidence: 'M',
  },
  {
    // §1.7: an auth-mechanism mismatch, seen only as a test fixture of one CLI.
    id: 'cloud-auth-mechanism-not-accessible',
    code: 'TOKEN_INVALID',
    alsoConsider: ['ACCESS_TOKEN_AS_BASIC', 'API_TOKEN_AS_BEARER'],
    status: [401, 403],
    body: /This API is not accessible by this authentication mechanism/,
    product: 'cloud',
    blamesCredentials: true,
    summary: 'This endpoint does not accept this kind of credential.',
    explanation:
      'The credential was recognised but this API does not accept its kind, for example a ' +
      'repository access token on a user-level endpoint, or a token sent with the wrong scheme.',
    source: SOURCES.avivsinaiBitbucketCli,
    confidence: 'L',
  },

  // ---------------------------------------------------------------------------------------------
  // Cloud git over HTTPS (§12.1): plain-text bodies that git prints as `remote:` lines
  // ---------------------------------------------------------------------------------------------
  {
    // §12.1: the removed app password, as git sees it (410 and the CHANGE-3222 lines) [H].
    id: 'git-change-3222',
    code: 'APP_PASSWORD_REMOVED',
    status: 410,
    body: /CHANGE-3222/,
    product: 'cloud',
    blamesCredentials: true,
    summary:
      'git got 410 with CHANGE-3222: the credential is an app password, removed on 2026-07-28.',
    explanation:
      'The app password is usually cached by a credential helper or kept in the remote URL. Erase ' +
      'it there and use an API token with scopes (git username: your Bitbucket username or ' +
      'x-bitbucket-api-token-auth).',
    source: DOCS.appPasswordBrownouts,
    confidence: 'H',
  },
  {
    // §12.1: the workspace IP allowlist (Premium), git's form [H]; the REST form is [U].
    id: 'git-ip-not-allowed',
    code: 'IP_NOT_ALLOWED',
    status: 403,
    body: /an admin must whitelist your IP/,
    product: 'cloud',
    blamesCredentials: false,
    summary: "The workspace's IP allowlist refuses this address.",
    explanation:
      'The credential may be fine: the workspace (Premium) only lets listed IP addresses use git. ' +
      'An admin adds the address, or you connect from an allowed network.',
    source: DOCS.gitForbiddenKB,
    confidence: 'H',
  },
  {
    // §12.1: the workspace requires two-step verification of its users [H]; whether it also
    // blocks API-token git access is [U].
    id: 'git-two-step-required',
    code: 'TWO_STEP_REQUIRED',
    status: 403,
    body: /enable two-step authentication/,
    product: 'cloud',
    blamesCredentials: false,
    summary: 'The workspace requires two-step verification, and this account has not enabled it.',
    explanation:
      'Enable two-step verification on the Bitbucket account; the credential itself was accepted.',
    source: DOCS.gitForbiddenKB,
    confidence: 'H',
  },

  // ---------------------------------------------------------------------------------------------
  // Cloud REST: scopes (§4.4)
  // ---------------------------------------------------------------------------------------------
  {
    id: 'cloud-scope-missing',
    code: 'SCOPE_MISSING',
    status: 403,
    body: /Your credentials lack one or more required privilege scopes/,
    product: 'cloud',
    blamesCredentials: true,
    summary: 'The credential lacks a scope this endpoint needs.',
    explanation:
      'Bitbucket lists the scopes in `error.detail.required` and what the credential has in ' +
      '`error.detail.granted` (top-level scopes only). Add the missing scope: a new API token with ' +
      'it, or the consumer/token permissions. Granular write scopes do not include read.',
    source: SOURCES.backstageIssue22383,
    confidence: 'H',
  },
  {
    // §3.3, §4.4: a bare "Forbidden" for an API token without read:user:bitbucket on /2.0/user,
    // and for the unversioned path api.bitbucket.org/user.
    id: 'cloud-forbidden',
    code: 'SCOPE_MISSING',
    alsoConsider: ['WRONG_HOST'],
    status: 403,
    body: /"message"\s*:\s*"Forbidden"/,
    product: 'cloud',
    blamesCredentials: true,
    summary: 'Bitbucket answered 403 Forbidden without naming a scope.',
    explanation:
      'Seen for an API token without `read:user:bitbucket` on /2.0/user, and for a path without the ' +
      '/2.0 prefix (api.bitbucket.org/user). Check the path first, then the scopes.',
    source: SOURCES.avivsinaiIssue62,
    confidence: 'M',
  },

  // ---------------------------------------------------------------------------------------------
  // Cloud REST: the URL, not the credentials (§1.1, §3.2, §3.7, §6)
  // ---------------------------------------------------------------------------------------------
  {
    // §1.1: OAuth against the website host.
    id: 'cloud-website-no-token-auth',
    code: 'WRONG_HOST',
    status: [401, 403],
    body: /This endpoint does not support token-based authentication/,
    product: 'cloud',
    blamesCredentials: false,
    summary: 'A token was sent to the website (bitbucket.org) instead of the API host.',
    explanation:
      'The REST API lives on api.bitbucket.org; bitbucket.org is the website, and the two are not ' +
      'interchangeable. Send the same call to https://api.bitbucket.org/2.0/...',
    source: DOCS.apiHostAnswer,
    confidence: 'H',
  },
  {
    // §6: every removed 1.0 resource answers 410 with this message.
    id: 'cloud-v1-resource-removed',
    code: 'API_V1_REMOVED',
    status: 410,
    body: /"message"\s*:\s*"Resource removed"/,
    product: 'cloud',
    blamesCredentials: false,
    summary: 'This is an API 1.0 resource; API 1.0 was removed on 2019-04-29.',
    explanation:
      'A 410 here says nothing about the credentials. Use the API 2.0 equivalent (see the ' +
      'deprecation notice); only /1.0/groups, /1.0/group-privileges and the invitations resources ' +
      'are still served.',
    source: SOURCES.bugwarriorIssue694,
    confidence: 'H',
  },
  {
    // §3.7: cross-workspace endpoints removed in 2026; 410, sometimes 404, once reported as 401.
    id: 'cloud-change-2770',
    code: 'ENDPOINT_REMOVED',
    status: [410, 404, 401],
    body: /CHANGE-2770/,
    product: 'cloud',
    blamesCredentials: false,
    summary: 'This endpoint was removed by CHANGE-2770 (cross-workspace APIs, 2026).',
    explanation:
      'GET /2.0/repositories, GET /2.0/workspaces and /2.0/user/permissions/* are gone. List ' +
      'workspaces with GET /2.0/user/workspaces and repositories per workspace with ' +
      'GET /2.0/repositories/{workspace}. During brownouts this body was also seen on endpoints ' +
      'that still exist; retry later before changing the code.',
    source: SOURCES.goBitbucketIssue357,
    confidence: 'M',
  },
  {
    // §3.2: the 2022 wording ("make sure you're authenticated").
    id: 'cloud-repo-no-access-2022',
    code: 'REPO_NOT_FOUND_OR_NO_ACCESS',
    alsoConsider: ['CREDENTIALS_IGNORED'],
    status: 404,
    body: /make sure you(?:'|\\u0027|\u2019)re authenticated/,
    product: 'cloud',
    blamesCredentials: false,
    summary: 'The repository does not exist, or these credentials may not see it.',
    explanation:
      'Bitbucket answers 404 (not 401/403) both for a repository that does not exist and for a ' +
      'private one the caller may not see, including an anonymous caller whose credentials were ' +
      'ignored. Check the workspace and slug, then whether the request was authenticated at all.',
    source: SOURCES.composerPr10657,
    confidence: 'M',
  },
  {
    // §3.2: the 2025 wording ("make sure you are authenticated"); status 404 presumed [U].
    id: 'cloud-repo-no-access-2025',
    code: 'REPO_NOT_FOUND_OR_NO_ACCESS',
    alsoConsider: ['CREDENTIALS_IGNORED'],
    status: 404,
    body: /make sure you are authenticated/,
    product: 'cloud',
    blamesCredentials: false,
    summary: 'The repository does not exist, or these credentials may not see it.',
    explanation:
      'Bitbucket answers 404 both for a repository that does not exist and for a private one the ' +
      'caller may not see. This answer also comes back when the Authorization header was not ' +
      'understood (no scheme, lowercase `bearer`) and the call ran anonymously.',
    source: SOURCES.privateRepoNoScheme,
    confidence: 'M',
  },
  {
    // §3.2: no such route. This is a path problem, not a missing repository. WRONG_HOST is the
    // nearest code (wrong base URL: website host, missing /2.0, Data Center path, empty segment).
    id: 'cloud-no-api-hosted',
    code: 'WRONG_HOST',
    alsoConsider: ['DATA_CENTER_PATH_ON_CLOUD', 'API_V1_REMOVED'],
    status: 404,
    body: /There is no API hosted at this URL/,
    product: 'cloud',
    blamesCredentials: false,
    summary: 'No API exists at this URL: the path is wrong.',
    explanation:
      'Bitbucket has no route for this path. Check the host (api.bitbucket.org), the /2.0 prefix, ' +
      'empty segments such as /repositories//, and Data Center paths (/rest/api/1.0/...).',
    source: SOURCES.bbbackupIssue3,
    confidence: 'M',
  },
  {
    // §3.2, §9.22: "Resource not found" without the no-route detail: a mistyped workspace or slug.
    id: 'cloud-resource-not-found',
    code: 'REPO_NOT_FOUND_OR_NO_ACCESS',
    status: 404,
    body: /"message"\s*:\s*"Resource not found"(?![\s\S]*There is no API hosted)/,
    product: 'cloud',
    blamesCredentials: false,
    summary: 'Bitbucket found nothing at this path.',
    explanation:
      'A mistyped workspace or repository slug (or a slug in the wrong case) answers 404 "Resource ' +
      'not found". Check the names in the URL.',
    source: SOURCES.nishioDensIssue37,
    confidence: 'L',
  },

  // ---------------------------------------------------------------------------------------------
  // Rate limits (§7), servers and proxies
  // ---------------------------------------------------------------------------------------------
  {
    id: 'cloud-rate-limited',
    code: 'RATE_LIMITED',
    status: 429,
    body: /Rate limit for this resource has been exceeded/,
    product: 'cloud',
    blamesCredentials: false,
    summary: 'Bitbucket rate-limited the request (429).',
    explanation:
      'Limits are per rolling hour: anonymous 60/h per IP, authenticated about 1,000/h per user for ' +
      'most /2.0/repositories/* calls (access tokens scale with seats, up to 10,000/h). A 429 says ' +
      'nothing about the credentials; wait, then spread or cache the calls.',
    source: DOCS.rateLimits,
    confidence: 'H',
  },
  {
    // Any 429, whatever the body (the exact JSON envelope was not captured, §7).
    id: 'rate-limited',
    code: 'RATE_LIMITED',
    status: 429,
    product: 'any',
    blamesCredentials: false,
    summary: 'The server rate-limited the request (429).',
    explanation:
      'A 429 means too many requests, not bad credentials. Wait before retrying; X-RateLimit-* ' +
      'headers, when present, tell the limit and the resource.',
    source: DOCS.rateLimits,
    confidence: 'H',
  },
  {
    // §3.4 (1): Cloud 500s carry an error id for support.
    id: 'cloud-something-went-wrong',
    code: 'SERVER_ERROR',
    status: SERVER_ERROR_STATUSES,
    body: /"message"\s*:\s*"Something went wrong"/,
    product: 'cloud',
    blamesCredentials: false,
    summary: 'Bitbucket failed on its side (5xx).',
    explanation:
      'A server error says nothing about the credentials. Retry later; quote `error.id` to Atlassian ' +
      'support if it persists.',
    source: SOURCES.bcloud22703,
    confidence: 'H',
  },
  {
    id: 'server-error',
    code: 'SERVER_ERROR',
    status: SERVER_ERROR_STATUSES,
    product: 'any',
    blamesCredentials: false,
    summary: 'The server failed on its side (5xx).',
    explanation:
      'A 5xx answer is a server (or gateway) failure, not a verdict on the credentials. Retry later.',
    source: SOURCES.rfc9110,
    confidence: 'H',
  },
  {
    // HTTP semantics (RFC 9110): 407 comes from a proxy between the user and Bitbucket (§9.23).
    id: 'proxy-auth-required',
    code: 'PROXY_AUTH_REQUIRED',
    status: 407,
    product: 'any',
    blamesCredentials: false,
    summary: 'A proxy between you and Bitbucket wants its own credentials (407).',
    explanation:
      'Bitbucket never sent this answer: a corporate proxy did. Configure the proxy credentials ' +
      '(HTTPS_PROXY=http://user:password@proxy:port) or ask your network team; the Bitbucket ' +
      'credentials were not checked.',
    source: SOURCES.rfc9110,
    confidence: 'H',
  },

  // ---------------------------------------------------------------------------------------------
  // Cloud token endpoint, RFC 6749 bodies `{"error_description", "error"}` (§1.6)
  // ---------------------------------------------------------------------------------------------
  {
    id: 'oauth-invalid-client',
    code: 'CONSUMER_INVALID',
    status: [400, 401],
    body: /Invalid OAuth client credentials/,
    product: 'cloud',
    blamesCredentials: true,
    summary: 'The OAuth consumer key or secret is wrong.',
    explanation:
      'The token endpoint did not recognise the client id/secret pair. Copy the key and secret again ' +
      'from the workspace settings (OAuth consumers) and send them with Basic (`-u key:secret`).',
    source: SOURCES.ericchiangGist,
    confidence: 'M',
  },
  {
    id: 'oauth-client-auth-required',
    code: 'CONSUMER_INVALID',
    status: [400, 401],
    body: /Requests must be authenticated using OAuth client credentials/,
    product: 'cloud',
    blamesCredentials: true,
    summary: 'The token request did not carry the consumer key and secret as Basic.',
    explanation:
      'Client authentication at https://bitbucket.org/site/oauth2/access_token is HTTP Basic with ' +
      '`client_id:secret` (curl -u). A Bearer header, form fields or no credentials give this error.',
    source: SOURCES.p2OAuth2Issue96,
    confidence: 'M',
  },
  {
    id: 'oauth-no-callback',
    code: 'CONSUMER_NO_CALLBACK',
    status: 400,
    body: /No callback uri defined/,
    product: 'cloud',
    blamesCredentials: true,
    summary: 'The OAuth consumer has no callback URL.',
    explanation:
      'Bitbucket requires a callback URL on the consumer, even for client_credentials. Edit the ' +
      'consumer and set any URL (e.g. https://localhost/).',
    source: SOURCES.composerPr5335,
    confidence: 'M',
  },
  {
    id: 'oauth-consumer-public',
    code: 'CONSUMER_NOT_PRIVATE',
    status: 400,
    body: /Cannot use client_credentials with a consumer marked as/,
    product: 'cloud',
    blamesCredentials: true,
    summary: 'client_credentials needs a consumer marked private.',
    explanation:
      'Edit the consumer and tick "This is a private consumer": that is what enables the ' +
      'client_credentials grant.',
    source: SOURCES.composerPr10678,
    confidence: 'M',
  },
  {
    id: 'oauth-invalid-refresh-token',
    code: 'REFRESH_TOKEN_INVALID',
    status: [400, 401],
    body: /Invalid refresh_token/,
    product: 'cloud',
    blamesCredentials: true,
    summary: 'The refresh token is not valid (any more).',
    explanation:
      'Common causes: the access token was sent instead of the refresh token, or a refresh token was ' +
      'used twice (since 2026-05-04 they rotate: each use returns a new one), or it was unused for 3 ' +
      'months. Run the authorization flow again to get a fresh one.',
    source: SOURCES.refreshTokenQuestion,
    confidence: 'M',
  },
  {
    // Historic (≤2018) answer of the password grant with a wrong user/password.
    id: 'oauth-password-grant-credentials',
    code: 'PASSWORD_GRANT_REMOVED',
    status: [400, 401],
    body: /Invalid resource owner username\/password/,
    product: 'cloud',
    blamesCredentials: true,
    summary: 'The OAuth password grant was used; Bitbucket removed it in 2022.',
    explanation:
      'grant_type=password (username and account password) no longer works. Use client_credentials ' +
      'with a private consumer, the authorization-code flow, or an API token with Basic.',
    source: SOURCES.gasGithubIssue93,
    confidence: 'L',
  },
  {
    // Today's answer to grant_type=password is not documented [U]; if it names the grant, say so.
    id: 'oauth-unsupported-grant-password',
    code: 'PASSWORD_GRANT_REMOVED',
    status: [400, 401],
    body: /Unsupported grant type:?\s*password/i,
    product: 'cloud',
    blamesCredentials: true,
    summary: 'The OAuth password grant was used; Bitbucket removed it in 2022.',
    explanation:
      'grant_type=password no longer works ("Resource Owner Password Credentials Grant (4.3) is no ' +
      'longer supported"). Use client_credentials with a private consumer, the authorization-code ' +
      'flow, or an API token with Basic.',
    source: DOCS.oauth2,
    confidence: 'U',
  },
  {
    // "Unsupported grant type: None" = grant_type missing or garbled. Mapped to
    // PASSWORD_GRANT_REMOVED (an unsupported grant); a check must confirm that `password` was sent.
    id: 'oauth-unsupported-grant',
    code: 'PASSWORD_GRANT_REMOVED',
    status: [400, 401],
    body: /Unsupported grant type(?!:?\s*password)/i,
    product: 'cloud',
    blamesCredentials: true,
    summary: 'The token endpoint does not support the grant_type sent.',
    explanation:
      'Supported grants: authorization_code, refresh_token, client_credentials and ' +
      'urn:bitbucket:oauth2:jwt. "Unsupported grant type: None" means grant_type was missing from ' +
      'the form body; the password grant was removed in 2022.',
    source: SOURCES.bitbucketIssue16249,
    confidence: 'M',
  },
  {
    // §1.3: client credentials sent as Bearer at the token endpoint → an HTML page, not JSON.
    id: 'oauth-html-response',
    code: 'CONSUMER_INVALID',
    status: [200, 302, 400, 401, 403],
    body: /OpenID transaction in progress/i,
    product: 'cloud',
    blamesCredentials: true,
    summary: 'The token endpoint answered with an HTML page instead of JSON.',
    explanation:
      'Atlassian staff: the consumer key and secret must be sent with the Basic scheme ' +
      '(base64 of `client_id:secret`), not Bearer.',
    source: DOCS.tokenEndpointHtml,
    confidence: 'H',
  },

  // ---------------------------------------------------------------------------------------------
  // Data Center / Server (§8): `{"errors":[{"message","exceptionName"}]}` bodies
  // ---------------------------------------------------------------------------------------------
  {
    // Seen in several clients' fixtures (no URL in the dossier); the DC Basic-auth how-to is the
    // nearest official page.
    id: 'dc-incorrect-password',
    code: 'DC_CREDENTIALS_REJECTED',
    status: 401,
    body: /IncorrectPasswordAuthenticationException|Authentication failed\. Please check your credentials/,
    product: 'data-center',
    blamesCredentials: true,
    summary: 'Bitbucket Data Center rejected the username or password.',
    explanation:
      'Wrong username/password (or token) for this Data Center server. Careful: repeated failures ' +
      'lock the account behind a CAPTCHA.',
    source: DOCS.dataCenterBasicAuth,
    confidence: 'M',
  },
  {
    // On DC a 401 with X-AUSERNAME means authenticated but not permitted (not bad credentials).
    id: 'dc-not-permitted',
    code: 'DC_NOT_PERMITTED',
    status: 401,
    body: /AuthorisationException|You are not permitted to access this resource/,
    header: { name: 'x-ausername', pattern: /\S/ },
    product: 'data-center',
    blamesCredentials: false,
    summary: 'Data Center authenticated the user but does not permit this resource.',
    explanation:
      'Bitbucket Data Center answers 401 (not 403) for a missing permission. X-AUSERNAME shows who ' +
      'was authenticated: the credentials work, the user (or token) lacks permission on the ' +
      'project or repository.',
    source: SOURCES.dataCenter401Headers,
    confidence: 'H',
  },
  {
    // The same body without X-AUSERNAME: nobody was authenticated.
    id: 'dc-not-authenticated',
    code: 'AUTH_REJECTED',
    alsoConsider: ['CREDENTIALS_IGNORED'],
    status: 401,
    body: /AuthorisationException|You are not permitted to access this resource/,
    absentHeader: 'x-ausername',
    product: 'data-center',
    blamesCredentials: true,
    summary: 'Data Center did not authenticate the request.',
    explanation:
      'No X-AUSERNAME came back, so the request ran anonymously: the credentials were missing, not ' +
      'understood, or (project/repository tokens) sent with Basic instead of Bearer.',
    source: SOURCES.dataCenter401Headers,
    confidence: 'H',
  },
  {
    id: 'dc-captcha',
    code: 'DC_CAPTCHA_REQUIRED',
    status: [401, 403],
    body: /CaptchaRequiredAuthenticationException|CAPTCHA required/,
    product: 'data-center',
    blamesCredentials: true,
    summary: 'The Data Center account is locked behind a CAPTCHA.',
    explanation:
      'Too many failed logins locked the account. Log in through the browser and solve the CAPTCHA ' +
      '(log out first if already logged in), then fix the credential of the job that kept failing.',
    source: SOURCES.stashnotifierIssue263,
    confidence: 'H',
  },
  {
    // §8/§12.3: "Allow basic authentication on API calls" off (7.12+, the 10.x default): 403 to
    // any Basic request, before the credentials are read. Body as on Jira/Confluence DC [U].
    id: 'dc-basic-auth-disabled',
    code: 'DC_BASIC_AUTH_DISABLED',
    status: 403,
    body: /Basic Authentication has been disabled on this instance/,
    product: 'data-center',
    blamesCredentials: false,
    summary: 'Basic authentication is switched off on this Data Center server.',
    explanation:
      'The admin disabled Basic authentication (the default in 10.x): send an HTTP access token as ' +
      'Bearer instead, for REST and for git (http.extraHeader).',
    source: DOCS.dataCenterHttpAccessTokens,
    confidence: 'M',
  },
  {
    // GCM identifies on-prem Bitbucket by this realm.
    id: 'dc-basic-realm',
    code: 'DC_CREDENTIALS_REJECTED',
    status: 401,
    header: { name: 'www-authenticate', pattern: /realm="Atlassian Bitbucket"/i },
    product: 'data-center',
    blamesCredentials: true,
    summary: 'Bitbucket Data Center did not accept the credentials.',
    explanation:
      'This is a Data Center server (realm "Atlassian Bitbucket"), not Bitbucket Cloud: it wants ' +
      'its own username/password or HTTP access token.',
    source: SOURCES.gcmHostProvider,
    confidence: 'H',
  },
];

/** Looks a header up whatever the case of its name. */
export function headerValue(
  headers: Readonly<Record<string, string>>,
  name: string,
): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

function statusMatches(status: Signature['status'], actual: number): boolean {
  return typeof status === 'number' ? status === actual : status.includes(actual);
}

/** Body + header beats body beats header beats status alone; one status beats a list. */
function specificity(signature: Signature): number {
  return (
    (signature.body === undefined ? 0 : 4) +
    (signature.header === undefined ? 0 : 2) +
    (signature.absentHeader === undefined ? 0 : 2) +
    (typeof signature.status === 'number' ? 1 : 0)
  );
}

/**
 * Every signature the response fits, most specific first (ties keep the order of SIGNATURES).
 * Pure; never throws.
 */
export function matchSignatures(response: {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}): Signature[] {
  const matches = SIGNATURES.filter((signature) => {
    if (!statusMatches(signature.status, response.status)) return false;
    if (signature.body !== undefined && !signature.body.test(response.body)) return false;
    if (signature.header !== undefined) {
      const value = headerValue(response.headers, signature.header.name);
      if (value === undefined || !signature.header.pattern.test(value)) return false;
    }
    if (
      signature.absentHeader !== undefined &&
      (headerValue(response.headers, signature.absentHeader) ?? '').trim() !== ''
    ) {
      return false;
    }
    return true;
  });
  return matches
    .map((signature, index) => ({ signature, index, score: specificity(signature) }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map(({ signature }) => signature);
}

/** The signature with this id, if any. */
export function signatureById(id: string): Signature | undefined {
  return SIGNATURES.find((signature) => signature.id === id);
}

// -----------------------------------------------------------------------------------------------
// Error bodies (§3.4, §1.6, §8)
// -----------------------------------------------------------------------------------------------

export interface ParsedErrorBody {
  /**
   * `bitbucket`: Cloud `{"type":"error","error":{...}}`; `oauth`: RFC 6749 token-endpoint error;
   * `data-center`: `{"errors":[...]}`; `text`: plain text (or JSON of no known shape); `html`: a
   * web page; `empty`: nothing.
   */
  readonly shape: 'bitbucket' | 'oauth' | 'data-center' | 'text' | 'html' | 'empty';
  /** `error.message`, `error_description`, `errors[0].message`, the first text line, the title. */
  readonly message?: string;
  /** `error.detail` (an object is given as JSON), or the text after the first line. */
  readonly detail?: string;
  /** 403 scope errors: `error.detail.required`, verbatim. */
  readonly required?: string[];
  /** 403 scope errors: `error.detail.granted` (top-level scopes only, §4.4). */
  readonly granted?: string[];
  /** RFC 6749 `error` (`unauthorized_client`, `invalid_request`, `invalid_grant`...). */
  readonly oauthError?: string;
  /** Data Center `errors[0].exceptionName`. */
  readonly exceptionName?: string;
  /** `data.announcement_url` of deprecation answers (CHANGE-2770). */
  readonly announcementUrl?: string;
  /** `error.id` of Cloud 5xx answers, for support. */
  readonly errorId?: string;
  /** The body looked like JSON but did not parse (cut off): fields were read by pattern. */
  readonly truncated?: boolean;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function stringsOf(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter((item): item is string => typeof item === 'string');
}

function announcementOf(data: unknown): string | undefined {
  return isRecord(data) ? stringOf(data['announcement_url']) : undefined;
}

function fromJson(json: unknown): ParsedErrorBody | undefined {
  if (!isRecord(json)) return undefined;
  const error = json['error'];
  if (isRecord(error)) {
    // Cloud envelope (`type` is missing in some old answers, §3.2).
    const result: Mutable<ParsedErrorBody> = { shape: 'bitbucket' };
    const message = stringOf(error['message']);
    if (message !== undefined) result.message = message;
    const detail = error['detail'];
    if (typeof detail === 'string' && detail !== '') result.detail = detail;
    if (isRecord(detail)) {
      result.detail = JSON.stringify(detail);
      const required = stringsOf(detail['required']);
      const granted = stringsOf(detail['granted']);
      if (required !== undefined) result.required = required;
      if (granted !== undefined) result.granted = granted;
    }
    const announcementUrl = announcementOf(error['data']) ?? announcementOf(json['data']);
    if (announcementUrl !== undefined) result.announcementUrl = announcementUrl;
    const id = error['id'];
    if (typeof id === 'string' || typeof id === 'number') result.errorId = String(id);
    return result;
  }
  if (typeof error === 'string') {
    const result: Mutable<ParsedErrorBody> = { shape: 'oauth', oauthError: error };
    const description = stringOf(json['error_description']);
    if (description !== undefined) result.message = description;
    return result;
  }
  const errors = json['errors'];
  if (Array.isArray(errors)) {
    const result: Mutable<ParsedErrorBody> = { shape: 'data-center' };
    const first = errors.find(isRecord);
    if (first !== undefined) {
      const message = stringOf(first['message']);
      const exceptionName = stringOf(first['exceptionName']);
      if (message !== undefined) result.message = message;
      if (exceptionName !== undefined) result.exceptionName = exceptionName;
    }
    return result;
  }
  return undefined;
}

/** Reads a JSON string field by pattern from a body that did not parse (e.g. cut at 4 KB). */
function fieldByPattern(body: string, name: string): string | undefined {
  // No closing quote required: a value cut off at the end of the body is still worth reading.
  const match = new RegExp(`"${name}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)`).exec(body);
  const raw = match?.[1];
  if (raw === undefined) return undefined;
  try {
    return stringOf(JSON.parse(`"${raw}"`));
  } catch {
    return stringOf(raw);
  }
}

function fromBrokenJson(body: string): ParsedErrorBody {
  const message = fieldByPattern(body, 'message');
  const description = fieldByPattern(body, 'error_description');
  const oauthError = fieldByPattern(body, 'error');
  const exceptionName = fieldByPattern(body, 'exceptionName');
  let result: Mutable<ParsedErrorBody>;
  if (/"errors"\s*:\s*\[/.test(body)) {
    result = { shape: 'data-center' };
    if (message !== undefined) result.message = message;
    if (exceptionName !== undefined) result.exceptionName = exceptionName;
  } else if (/"error_description"|"error"\s*:\s*"/.test(body)) {
    result = { shape: 'oauth' };
    if (description !== undefined) result.message = description;
    if (oauthError !== undefined) result.oauthError = oauthError;
  } else if (/"error"\s*:\s*\{/.test(body)) {
    result = { shape: 'bitbucket' };
    if (message !== undefined) result.message = message;
    const detail = fieldByPattern(body, 'detail');
    if (detail !== undefined) result.detail = detail;
    const announcementUrl = fieldByPattern(body, 'announcement_url');
    if (announcementUrl !== undefined) result.announcementUrl = announcementUrl;
  } else {
    result = { shape: 'text', message: firstLine(body) };
  }
  result.truncated = true;
  return result;
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/).find((candidate) => candidate.trim() !== '') ?? '';
  return clipWords(line.trim(), 500);
}

function fromHtml(body: string): ParsedErrorBody {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(body)?.[1];
  const text = (title ?? body.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ''))
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const clipped = clipWords(text, 200);
  return clipped === '' ? { shape: 'html' } : { shape: 'html', message: clipped };
}

/**
 * Reads an error body of any known shape. Never throws: garbage comes back as `text`, a cut-off
 * JSON body as its shape with `truncated: true`. 401s are not always JSON (§3.4): plain text is a
 * first-class shape.
 */
export function parseErrorBody(body: string, contentType?: string): ParsedErrorBody {
  try {
    const trimmed = body.replace(/^\uFEFF/, '').trim();
    if (trimmed === '') return { shape: 'empty' };
    const type = (contentType ?? '').toLowerCase();
    if (type.includes('html') || /^<(?:!doctype|html|head|body|\?xml)/i.test(trimmed)) {
      return fromHtml(trimmed);
    }
    if (trimmed.startsWith('{') || trimmed.startsWith('[') || type.includes('json')) {
      let json: unknown;
      try {
        json = JSON.parse(trimmed);
      } catch {
        return trimmed.startsWith('{') ? fromBrokenJson(trimmed) : textOf(trimmed);
      }
      const parsed = fromJson(json);
      if (parsed !== undefined) return parsed;
      // JSON of no known shape: keep a top-level `message` if there is one.
      const message = isRecord(json) ? stringOf(json['message']) : undefined;
      return message === undefined ? textOf(trimmed) : { shape: 'text', message };
    }
    return textOf(trimmed);
  } catch {
    return { shape: 'text' };
  }
}

function textOf(trimmed: string): ParsedErrorBody {
  const message = firstLine(trimmed);
  const rest = trimmed.slice(trimmed.indexOf(message) + message.length).trim();
  const result: Mutable<ParsedErrorBody> = { shape: 'text' };
  if (message !== '') result.message = message;
  if (rest !== '') result.detail = clipWords(rest, 2000);
  return result;
}
