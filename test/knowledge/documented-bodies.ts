/**
 * Response bodies exactly as bitbucket-auth.md quotes them, each with its source. Where the
 * dossier gives only the message (no envelope or no status), the comment says what was assumed.
 */

// §1.7 / §5.3: API token as Bearer, unscoped API token, unknown token.
// community.developer.atlassian.com/t/api-tokens-at-account-level-not-working/94071
export const TOKEN_INVALID =
  '{"type": "error", "error": {"message": "Token is invalid, expired, or not supported for this endpoint."}}';

// §1.7: swoodford/migrate_bitbucket_server_to_bitbucket_cloud #1; bitbucket.org/site/master/issues/11512
export const TOKEN_EXPIRED_LONG =
  '{"type": "error", "error": {"message": "Access token expired. Use your refresh token to obtain a new access token."}}';

// §1.7: lemurheavy/coveralls-public #1541 (2021)
export const TOKEN_EXPIRED_SHORT =
  '{"type": "error", "error": {"message": "Access token expired."}}';

// §1.7: avivsinai/bitbucket-cli pkg/httpx/client_test.go (a fixture only)
export const AUTH_MECHANISM =
  '{"type":"error","error":{"message":"This API is not accessible by this authentication mechanism"}}';

// §3.4 (2): GearPlug/bitbucket-python #10; renovatebot/renovate #20533 (plain text)
export const LOGIN_FAILED = [
  'Login failed due to incorrect login credentials or method.',
  'For information on authentication methods for Bitbucket Cloud APIs, visit:',
  '    https://developer.atlassian.com/cloud/bitbucket/rest/intro/#authentication',
  'If you are unsure of which login details or login method to use, visit:',
  '    https://support.atlassian.com/bitbucket-cloud/docs/log-into-or-connect-to-bitbucket-cloud/',
].join('\n');

// §3.4 (3): mantisbt-plugins/source-integration #399; tomasbjerre/... #6 (plain text)
export const ACCOUNT_PASSWORD = [
  'Bitbucket Cloud recently stopped supporting account passwords for API authentication.',
  'See our community post for more details: https://atlassian.community/t5/x/x/ba-p/1948231',
  'App passwords are recommended for most use cases and can be created in your Personal settings:',
  'https://bitbucket.org/account/settings/app-passwords/',
  'For more details on API authentication methods see our documentation:',
  'https://developer.atlassian.com/cloud/bitbucket/rest/intro/#authentication',
].join('\n');

// §3.4 (4): MistyKuu/bitbucket-for-visual-studio #31 (2017); conduktor/kafka-security-manager #68 (2020)
export const LOCKOUT_WEBSITE =
  'Too many invalid password attempts. Try logging in through the website with your password.';
export const LOCKOUT_ID =
  'Too many invalid password attempts. Log in at https://id.atlassian.com/ to restore access.';

// §5.1: the git message quoted by a third-party blog (atdev.blog), with 410 [L].
export const APP_PASSWORD_GIT =
  'remote: App passwords are deprecated and must be replaced with API tokens.';

// §4.4: backstage/backstage #22383 (OAuth consumer)
export const SCOPE_MISSING_ACCOUNT =
  '{"type": "error", "error": {"message": "Your credentials lack one or more required privilege scopes.", "detail": {"required": ["account"], "granted": ["team"]}}}';

// §4.4: a public Terraform-provider doc
export const SCOPE_MISSING_ADMIN =
  '{"type": "error", "error": {"message": "Your credentials lack one or more required privilege scopes.", "detail": {"required": ["repository:admin"], "granted": ["runner:write", "pipeline:variable", "webhook", "snippet:write", "wiki", "issue:write", "pullrequest:write", "project", "team"]}}}';

// §4.4: gildas/bitbucket-cli #56 (API-token variant; the dossier abridges `granted`: assumed empty)
export const SCOPE_MISSING_API_TOKEN =
  '{"type": "error", "error": {"message": "Your credentials lack one or more required privilege scopes.", "detail": {"required": ["read:user:bitbucket"], "granted": []}}}';

// §3.3 / §4.4: avivsinai/bitbucket-cli #30, #62, #70
export const FORBIDDEN = '{"type": "error", "error": {"message": "Forbidden"}}';

// §6: xuhdev/backup-on-the-go #4; GothenburgBitFactory/bugwarrior #694 (410)
export const V1_REMOVED =
  '{"type": "error", "error": {"message": "Resource removed", "detail": "This API is no longer supported.\\n\\nFor information about its removal, please refer to the deprecation notice at: https://developer.atlassian.com/cloud/bitbucket/deprecation-notice-v1-apis/"}}';

// §3.7: ktrysmt/go-bitbucket #357; community qaq-p/3218050 (410)
export const CHANGE_2770 =
  '{"type": "error", "error": {"message": "CHANGE-2770 - Functionality has been deprecated", "detail": "Please read the changelog entry for more details.", "data": {"announcement_url": "https://developer.atlassian.com/cloud/bitbucket/changelog#CHANGE-2770"}}, "data": {"announcement_url": "https://developer.atlassian.com/cloud/bitbucket/changelog#CHANGE-2770"}}';

// §3.2: composer/composer PR #10657 (404, 2022)
export const REPO_NO_ACCESS_2022 =
  '{"type": "error", "error": {"message": "The requested repository either does not exist or you do not have access. If you believe this repository exists and you have access, make sure you\'re authenticated."}}';

// §3.2: community qaq-p/3141816 (2025; status 404 presumed)
export const REPO_NO_ACCESS_2025 =
  '{"type":"error","error":{"message":"You may not have access to this repository or it no longer exists in this workspace. If you think this repository exists and you have access, make sure you are authenticated."}}';

// §3.2: OpenReplyDE/bbbackup #3 (404, empty workspace segment)
export const NO_API_HOSTED =
  '{"type": "error", "error": {"message": "Resource not found", "detail": "There is no API hosted at this URL.\\n\\nFor information about our API\'s, please refer to the documentation at: https://developer.atlassian.com/bitbucket/api/2/reference/"}}';

// §3.2: nishio-dens/bitbucket-pullrequest-builder-plugin #37 (2015, slug case)
export const RESOURCE_NOT_FOUND = '{"error": {"message": "Resource not found"}}';

// §3.4 (1): jira.atlassian.com/browse/BCLOUD-22703
export const SERVER_500 =
  '{"type": "error", "error": {"message": "Something went wrong", "id": "<error code>"}}';

// §7: the message is documented; the JSON envelope was not captured (assumed the usual one).
export const RATE_LIMITED =
  '{"type": "error", "error": {"message": "Rate limit for this resource has been exceeded."}}';

// §1.6 token-endpoint errors (RFC 6749 shape)
// github.com/p2/OAuth2 #96
export const OAUTH_CLIENT_AUTH_REQUIRED =
  '{"error_description": "Requests must be authenticated using OAuth client credentials", "error": "unauthorized_client"}';
// gist ericchiang/6e82e497ec45ea2aedbf (400)
export const OAUTH_INVALID_CLIENT =
  '{"error_description": "Invalid OAuth client credentials", "error": "unauthorized_client"}';
// composer/composer PR #5335; jonhadfield/soba #50 (400)
export const OAUTH_NO_CALLBACK =
  '{"error_description": "No callback uri defined for the OAuth client.", "error": "invalid_request"}';
// composer/composer PR #10678 (400)
export const OAUTH_CONSUMER_PUBLIC =
  '{"error_description": "Cannot use client_credentials with a consumer marked as \\"public\\". Calls for auto generated consumers should use urn:bitbucket:oauth2:jwt instead.", "error": "invalid_grant"}';
// bitbucket.org/site/master/issues/16249
export const OAUTH_UNSUPPORTED_GRANT =
  '{"error_description": "Unsupported grant type: None", "error": "invalid_grant"}';
// community qaq-p/1545002
export const OAUTH_INVALID_REFRESH =
  '{"error_description": "Invalid refresh_token", "error": "invalid_request"}';
// leonhartX/gas-github #93 (historic password grant, 401)
export const OAUTH_PASSWORD_GRANT =
  '{"error_description": "Invalid resource owner username/password", "error": "invalid_request"}';

// §1.1: SO 34452088 (Atlassian engineer); body shape not captured (assumed plain text).
export const WEBSITE_NO_TOKEN_AUTH = 'This endpoint does not support token-based authentication';

// §1.3: community.developer 22038: an HTML page "OpenID transaction in progress" (page assumed).
export const OPENID_HTML =
  '<!DOCTYPE html><html><head><title>OpenID transaction in progress</title></head><body><form></form></body></html>';

// §8: jenkinsci/stashnotifier-plugin #263 (401, WWW-Authenticate: Basic realm="Atlassian Bitbucket")
export const DC_CAPTCHA =
  '{"errors":[{"context":null,"message":"CAPTCHA required. Your Bitbucket account has been locked. To unlock it and log in again you must solve a CAPTCHA. This is typically caused by too many attempts to login with an incorrect password. The account lock prevents your SCM client from accessing Bitbucket and its mirrors until it is solved, even if you enter your password correctly.\\n\\nIf you are currently logged in to Bitbucket via a browser you may need to logout and then log back in in order to solve the CAPTCHA.\\n\\nVisit Bitbucket at https://… for more details.","exceptionName":"com.atlassian.bitbucket.auth.CaptchaRequiredAuthenticationException"}]}';

// §8: community qaq-p/1064279; KB 1416563314 (401 WITH X-AUSERNAME)
export const DC_NOT_PERMITTED =
  '{"errors":[{"context":null,"message":"You are not permitted to access this resource","exceptionName":"com.atlassian.bitbucket.AuthorisationException"}]}';

// §8: several clients' fixtures (401)
export const DC_INCORRECT_PASSWORD =
  '{"errors":[{"context":null,"message":"Authentication failed. Please check your credentials and try again.","exceptionName":"com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException"}]}';

// §3.5 / §5.2: the KB's 401 challenge header.
export const CLOUD_BASIC_CHALLENGE = {
  'www-authenticate': 'Basic realm="Bitbucket.org HTTP"',
  server: 'envoy',
};

// §8: the DC challenge header.
export const DC_BASIC_CHALLENGE = { 'WWW-Authenticate': 'Basic realm="Atlassian Bitbucket"' };

// §12.1: git's 410 for a removed app password; git prints each line of the plain-text body with
// "remote: " in front (community bc-p/3248508; community qaq-p/3256900).
export const GIT_CHANGE_3222 = [
  'CHANGE-3222 - Functionality has been deprecated',
  'App passwords are deprecated and must be replaced with API tokens.',
  'https://developer.atlassian.com/cloud/bitbucket/changelog#CHANGE-3222',
].join('\n');

// §12.1: git's 403 for the workspace IP allowlist (confluence.atlassian.com/bbkb/error-403-when-performing-git-operations-1155479141.html)
export const GIT_IP_NOT_ALLOWED = 'To access this repository, an admin must whitelist your IP.';

// §12.1: git's 403 when the workspace requires two-step verification (same KB)
export const GIT_TWO_STEP_REQUIRED = 'To access this repository, enable two-step authentication.';

// §8/§12.3: Basic switched off on Data Center (atlassian/data-center-helm-charts PR #1101; the
// body as Jira/Confluence DC send it, unverified for Bitbucket).
export const DC_BASIC_DISABLED =
  '{"message":"Basic Authentication has been disabled on this instance."}';
