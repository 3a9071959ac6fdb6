// What goes on the wire: the reply type and every response body the simulator sends, each with the
// bitbucket-auth.md section (and its source) that it reproduces.

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** `latin1` for binary bodies (a git pack) carried in the string byte for byte; default utf8. */
  bodyEncoding?: 'latin1';
}

const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';

export function jsonReply(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Reply {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: JSON.stringify(body) };
}

export function textReply(
  status: number,
  body: string,
  headers: Record<string, string> = {},
): Reply {
  return { status, headers: { 'content-type': TEXT_TYPE, ...headers }, body };
}

export function htmlReply(
  status: number,
  body: string,
  headers: Record<string, string> = {},
): Reply {
  return { status, headers: { 'content-type': HTML_TYPE, ...headers }, body };
}

/**
 * The JSON error envelope of most 4xx/5xx answers:
 * `{"type": "error", "error": {"message": ..., "detail": ..., "data": ...}}`.
 * bitbucket-auth.md §3.4 item 1 (jira.atlassian.com/browse/BCLOUD-22703 and the sources of §3.2, §3.7, §4.4, §6).
 */
export function errorEnvelope(
  message: string,
  extra: { detail?: unknown; data?: unknown } = {},
): { type: 'error'; error: Record<string, unknown> } {
  return { type: 'error', error: { message, ...extra } };
}

export function errorReply(
  status: number,
  message: string,
  extra: { detail?: unknown; data?: unknown } = {},
  headers: Record<string, string> = {},
): Reply {
  return jsonReply(status, errorEnvelope(message, extra), headers);
}

// --- 401 bodies ------------------------------------------------------------------------------

/**
 * Plain-text (not JSON) 401 for failed Basic auth.
 * bitbucket-auth.md §3.4 item 2 (GearPlug/bitbucket-python #10; renovatebot/renovate #20533).
 */
export const LOGIN_FAILED_TEXT =
  'Login failed due to incorrect login credentials or method.\n' +
  'For information on authentication methods for Bitbucket Cloud APIs, visit:\n' +
  '    https://developer.atlassian.com/cloud/bitbucket/rest/intro/#authentication\n' +
  'If you are unsure of which login details or login method to use, visit:\n' +
  '    https://support.atlassian.com/bitbucket-cloud/docs/log-into-or-connect-to-bitbucket-cloud/\n';

/**
 * Plain-text 401 for an Atlassian account password (2022+).
 * bitbucket-auth.md §3.4 item 3 (mantisbt-plugins/source-integration #399;
 * tomasbjerre/violation-comments-to-bitbucket-cloud-command-line #6).
 */
export const ACCOUNT_PASSWORD_TEXT =
  'Bitbucket Cloud recently stopped supporting account passwords for API authentication.\n' +
  'See our community post for more details: https://atlassian.community/t5/x/x/ba-p/1948231\n' +
  'App passwords are recommended for most use cases and can be created in your Personal settings:\n' +
  'https://bitbucket.org/account/settings/app-passwords/\n' +
  'For more details on API authentication methods see our documentation:\n' +
  'https://developer.atlassian.com/cloud/bitbucket/rest/intro/#authentication\n';

/**
 * 401 for a removed app password. bitbucket-auth.md §5.1: "All API requests authenticated using app
 * passwords will fail with an HTTP 401 error code" [H] (community ba-p/3237429), but the REST body text
 * is [U]. CHOSEN: plain text, reusing the git-side message quoted by a third-party blog (atdev.blog,
 * [L]: "App passwords are deprecated and must be replaced with API tokens."), followed by the
 * "Login failed" pointer lines of §3.4 item 2.
 */
export const APP_PASSWORD_REMOVED_TEXT =
  'App passwords are deprecated and must be replaced with API tokens.\n' +
  'For information on authentication methods for Bitbucket Cloud APIs, visit:\n' +
  '    https://developer.atlassian.com/cloud/bitbucket/rest/intro/#authentication\n';

/**
 * bitbucket-auth.md §3.5: `www-authenticate: Basic realm="Bitbucket.org HTTP"` and `server: envoy` on a
 * 401 for failed Basic auth (KB https://support.atlassian.com/bitbucket-cloud/kb/getting-401-http-error-while-authenticating-to-bitbucket-cloud-rest-apis).
 */
export const BASIC_CHALLENGE_HEADERS: Record<string, string> = {
  'www-authenticate': 'Basic realm="Bitbucket.org HTTP"',
  server: 'envoy',
};

/** bitbucket-auth.md §3.4 item 2, §3.5: every failed Basic login. */
export function loginFailed(): Reply {
  return textReply(401, LOGIN_FAILED_TEXT, BASIC_CHALLENGE_HEADERS);
}

/**
 * bitbucket-auth.md §1.7 and §5.3 [H]/[M]: unknown token, API token sent as Bearer, classic API token.
 * (community.developer.atlassian.com/t/api-tokens-at-account-level-not-working/94071; avivsinai/bitbucket-cli #30)
 */
export const TOKEN_INVALID_MESSAGE =
  'Token is invalid, expired, or not supported for this endpoint.';

/**
 * bitbucket-auth.md §1.7 [H]: expired OAuth access token
 * (swoodford/migrate_bitbucket_server_to_bitbucket_cloud #1; bitbucket.org/site/master/issues/11512).
 */
export const TOKEN_EXPIRED_MESSAGE =
  'Access token expired. Use your refresh token to obtain a new access token.';

/**
 * Anonymous `GET /2.0/user`: bitbucket-auth.md §3.3 and §11 say 401 is expected but the exact body is
 * [U]. CHOSEN: the JSON envelope with this message, plus the Basic challenge of §3.5 (also [U] here).
 */
export const ANONYMOUS_USER_MESSAGE = 'This API requires authentication.';

// --- 403 ---------------------------------------------------------------------------------------

/**
 * bitbucket-auth.md §4.4 [H]/[M] (backstage/backstage #22383; gildas/bitbucket-cli #56): missing scope.
 * `granted` lists only the scopes the credential was given, not the implied ones.
 */
export function scopeError(required: string[], granted: string[]): Reply {
  return errorReply(403, 'Your credentials lack one or more required privilege scopes.', {
    detail: { required, granted },
  });
}

// --- 404 / 410 ---------------------------------------------------------------------------------

/**
 * Private repository seen anonymously or without access, or a repository that does not exist: 404
 * with the 2025 wording. bitbucket-auth.md §3.2 [M] (community qaq-p/3141816; status presumed 404 since
 * composer/composer PR #10657 and badges/shields PR #8520).
 */
export const REPO_NOT_FOUND_MESSAGE =
  'You may not have access to this repository or it no longer exists in this workspace. ' +
  'If you think this repository exists and you have access, make sure you are authenticated.';

/**
 * No such route (also Data Center `/rest/api/1.0/...` paths sent to Cloud).
 * bitbucket-auth.md §3.2 "Other 404 shapes" [M] (OpenReplyDE/bbbackup #3) and §6 / §9 item 17.
 */
export function noApiHere(): Reply {
  return errorReply(404, 'Resource not found', {
    detail:
      "There is no API hosted at this URL.\n\nFor information about our API's, please refer to the documentation at: https://developer.atlassian.com/bitbucket/api/2/reference/",
  });
}

/** Mistyped workspace: 404 "Resource not found". bitbucket-auth.md §9 item 22 [M] (nishio-dens #37). */
export function resourceNotFound(): Reply {
  return errorReply(404, 'Resource not found');
}

/**
 * API 1.0, removed 2019-04-29: 410 "Resource removed". bitbucket-auth.md §6 [H]
 * (https://developer.atlassian.com/cloud/bitbucket/deprecation-notice-v1-apis; xuhdev/backup-on-the-go #4;
 * GothenburgBitFactory/bugwarrior #694).
 */
export function v1Removed(): Reply {
  return errorReply(410, 'Resource removed', {
    detail:
      'This API is no longer supported.\n\nFor information about its removal, please refer to the deprecation notice at: https://developer.atlassian.com/cloud/bitbucket/deprecation-notice-v1-apis/',
  });
}

/**
 * Cross-workspace 2.0 endpoints removed in 2026: 410 with the CHANGE-2770 body, `data` both inside
 * `error` and at the top level, exactly as captured. bitbucket-auth.md §3.7 [M]
 * (ktrysmt/go-bitbucket #357; community qaq-p/3218050; https://developer.atlassian.com/cloud/bitbucket/changelog#CHANGE-2770).
 */
export function change2770Removed(): Reply {
  const data = {
    announcement_url: 'https://developer.atlassian.com/cloud/bitbucket/changelog#CHANGE-2770',
  };
  return jsonReply(410, {
    type: 'error',
    error: {
      message: 'CHANGE-2770 - Functionality has been deprecated',
      detail: 'Please read the changelog entry for more details.',
      data,
    },
    data,
  });
}

// --- 429 ---------------------------------------------------------------------------------------

/**
 * bitbucket-auth.md §7 [H]/[M]: 429 "Rate limit for this resource has been exceeded." The JSON envelope
 * around the message was not captured; CHOSEN: the usual error envelope of §3.4 item 1.
 * (support.atlassian.com/bitbucket-cloud/docs/api-request-limits/)
 */
export const RATE_LIMIT_MESSAGE = 'Rate limit for this resource has been exceeded.';
