/**
 * Documentation links used in remediations (`Remediation.url`) and as sources of facts. Only URLs
 * that appear in the fact dossier (bitbucket-auth.md) are listed here; a few appear there without
 * the `https://` prefix (noted). A link that moves breaks one hint, so every remediation names one
 * of these constants instead of repeating the string.
 */
export const DOCS = {
  // --- Credentials: API tokens (§4.2, §5.2, §5.3) ---
  /** How API tokens are used (REST: Basic with the Atlassian account email; git: the username). */
  apiTokens: 'https://support.atlassian.com/bitbucket-cloud/docs/using-api-tokens',
  /** git 403s from the IP allowlist and required two-step verification (bitbucket-auth.md §12.1). */
  gitForbiddenKB:
    'https://confluence.atlassian.com/bbkb/error-403-when-performing-git-operations-1155479141.html',
  /** git's credential helpers and `git credential reject` (gitcredentials(7), git-credential(1)). */
  /**
   * Where API tokens are created: "Create API token with scopes" → app "Bitbucket" (§4.2). The
   * dossier names this page (without https://) in §9.4, as where classic tokens came from.
   */
  createApiToken: 'https://id.atlassian.com/manage/api-tokens',
  /** The granular scopes an API token can have (§4.2). */
  apiTokenPermissions: 'https://support.atlassian.com/bitbucket-cloud/docs/api-token-permissions',
  /** KB: which username goes with an app password / API token (§5.2). */
  getting401KB:
    'https://support.atlassian.com/bitbucket-cloud/kb/getting-401-http-error-while-authenticating-to-bitbucket-cloud-rest-apis',
  /** Atlassian staff: "You must use this token with a email as a basic auth password" (§5.3). */
  apiTokenAsBearerAnswer:
    'https://community.developer.atlassian.com/t/api-tokens-at-account-level-not-working/94071',

  // --- Credentials: app passwords and account passwords (§5.1) ---
  /** The scopes an app password can have (legacy vocabulary, §4.1). */
  appPasswordPermissions:
    'https://support.atlassian.com/bitbucket-cloud/docs/app-password-permissions',
  /** The app-password deprecation announcement (2025). */
  appPasswordDeprecation:
    'https://www.atlassian.com/blog/bitbucket/bitbucket-cloud-transitions-to-api-tokens-enhancing-security-with-app-password-deprecation',
  /** Phase 2: app-password creation disabled on 2025-09-09. */
  appPasswordCreationDisabled:
    'https://community.atlassian.com/forums/Bitbucket-articles/Bitbucket-Cloud-enters-phase-2-of-app-password-deprecation/ba-p/3106901',
  /** Brownouts 2026-06-09 → 2026-07-27, removal 2026-07-28. */
  appPasswordBrownouts:
    'https://community.atlassian.com/forums/Bitbucket-articles/Deprecation-notice-Bitbucket-Cloud-app-password-brownout/ba-p/3237429',
  /** The blog post on the end of account passwords for API and git (2022-03-01). */
  accountPasswordDeprecation:
    'https://bitbucket.org/blog/deprecating-atlassian-account-password-for-bitbucket-api-and-git-activity',
  /** The community announcement of the same (also removes the OAuth password grant). */
  accountPasswordAnnouncement:
    'https://community.atlassian.com/t5/Bitbucket-articles/Announcement-Bitbucket-Cloud-account-password-usage-for-Git-over/ba-p/1948231',
  /** Where the Bitbucket username is shown (an app password wants it, not the email). */
  accountSettings: 'https://bitbucket.org/account/settings/',
  /** Where a locked Atlassian account is restored ("Too many invalid password attempts"). */
  atlassianAccount: 'https://id.atlassian.com/',
  /** "If you are unsure of which login details or login method to use" (the plain-text 401). */
  loginMethods:
    'https://support.atlassian.com/bitbucket-cloud/docs/log-into-or-connect-to-bitbucket-cloud/',

  // --- OAuth 2.0 and access tokens (§1, §2.3) ---
  oauth2: 'https://developer.atlassian.com/cloud/bitbucket/oauth-2',
  oauth2Connect: 'https://developer.atlassian.com/cloud/bitbucket/oauth-2-connect/',
  oauthEndpoints: 'https://support.atlassian.com/bitbucket-cloud/docs/oauth-endpoints/',
  useOAuth: 'https://support.atlassian.com/bitbucket-cloud/docs/use-oauth-on-bitbucket-cloud/',
  /** 2026-05-04: no query/body tokens, `scope` key, rotating refresh tokens (§1.5). */
  oauthChanges2026:
    'https://community.developer.atlassian.com/t/oauth-2-0-and-api-authentication-changes-for-bitbucket-cloud/99003',
  /** Access tokens live 2 hours (staff reply, §1.5). */
  tokenLifetime:
    'https://community.developer.atlassian.com/t/oauth2-token-lifetime-expiration-clarification/22136',
  /** Staff: client credentials go in Basic at the token endpoint, not Bearer (§1.3). */
  tokenEndpointHtml:
    'https://community.developer.atlassian.com/t/unexpected-html-response-from-oauth2-access-token-endpoint/22038',
  /** REST intro, incl. "Authentication methods" and "Access Tokens". */
  restIntro: 'https://developer.atlassian.com/cloud/bitbucket/rest/intro/',
  /** The anchor the plain-text 401 bodies link to. */
  authMethods: 'https://developer.atlassian.com/cloud/bitbucket/rest/intro/#authentication',
  /** Repository/project/workspace access tokens are described in the REST intro ("Access Tokens"). */
  accessTokens: 'https://developer.atlassian.com/cloud/bitbucket/rest/intro/',
  projectAccessTokens:
    'https://support.atlassian.com/bitbucket-cloud/docs/using-project-access-tokens/',
  repositoryAccessTokenPermissions:
    'https://support.atlassian.com/bitbucket-cloud/docs/repository-access-token-permissions/',

  // --- Scopes (§4) ---
  scopes: 'https://developer.atlassian.com/cloud/bitbucket/bitbucket-cloud-rest-api-scopes',
  projectWriteScopeDeprecation:
    'https://developer.atlassian.com/cloud/bitbucket/deprecation-notice-project-write-scope/',
  /** KB: read `x-oauth-scopes` with `curl -I` (§3.6). */
  tokenScopeKB:
    'https://support.atlassian.com/bitbucket-cloud/kb/how-to-fetch-the-scope-of-a-token-via-command-line/',

  // --- API versions and removed endpoints (§3.7, §6) ---
  v1Deprecation: 'https://developer.atlassian.com/cloud/bitbucket/deprecation-notice-v1-apis',
  /** The four 1.0 resources still served. */
  users10: 'https://support.atlassian.com/bitbucket-cloud/docs/users-endpoint-10/',
  teamsDeprecation:
    'https://developer.atlassian.com/cloud/bitbucket/bitbucket-api-teams-deprecation',
  changelog: 'https://developer.atlassian.com/cloud/bitbucket/changelog',
  change2770: 'https://developer.atlassian.com/cloud/bitbucket/changelog#CHANGE-2770',
  /** Linked from the 404 "There is no API hosted at this URL." body (§3.2). */
  apiReference: 'https://developer.atlassian.com/bitbucket/api/2/reference/',
  /** Atlassian engineer: api.bitbucket.org is the API, bitbucket.org the website (§1.1). */
  apiHostAnswer:
    'https://stackoverflow.com/questions/34452088/retrieving-single-raw-file-from-bitbucket-with-token-based-authentication/34499948',

  // --- Rate limits (§7) ---
  rateLimits: 'https://support.atlassian.com/bitbucket-cloud/docs/api-request-limits/',
  rateLimitTroubleshooting:
    'https://support.atlassian.com/bitbucket-cloud/kb/bitbucket-cloud-rate-limit-troubleshooting/',
  scaledRateLimits:
    'https://bitbucket.org/blog/introducing-scaled-rate-limits-for-bitbucket-cloud-api',
  rateLimitHeadersAnswer:
    'https://community.atlassian.com/forums/Bitbucket-questions/Reqeust-limitation/qaq-p/3218562',

  // --- Data Center (§8); named in the dossier without https:// ---
  dataCenterBasicAuth:
    'https://developer.atlassian.com/server/bitbucket/how-tos/example-basic-authentication/',
  dataCenterHttpAccessTokens:
    'https://confluence.atlassian.com/bitbucketserver091/http-access-tokens-1443038354.html',
  dataCenterTokensAfterUpgrade:
    'https://support.atlassian.com/bitbucket-data-center/kb/access-tokens-no-longer-work-as-expected-after-upgrading-bitbucket-data-center',
  dataCenterRateLimiting:
    'https://confluence.atlassian.com/bitbucketserver0715/improving-instance-stability-with-rate-limiting-1082271237.html',

  // --- Standards and background (§2.1) ---
  bearerCase: 'https://auth0.com/blog/the-bearer-token-case/',
} as const;

export type DocName = keyof typeof DOCS;

/**
 * Bitbucket Cloud's own addresses (§1.1, [H]): the REST API lives on api.bitbucket.org, the OAuth
 * endpoints on the website host bitbucket.org. "The domains are not interchangeable."
 */
export const CLOUD_URLS = {
  apiBase: 'https://api.bitbucket.org',
  api: 'https://api.bitbucket.org/2.0',
  authBase: 'https://bitbucket.org',
  tokenEndpoint: 'https://bitbucket.org/site/oauth2/access_token',
  authorizeEndpoint: 'https://bitbucket.org/site/oauth2/authorize',
} as const;

/**
 * API paths the doctor asks itself (bitbucket-auth.md §3.1, §3.3): who the credential is, and a
 * workspace's repositories (answered to anonymous callers with the public ones only).
 */
export const CLOUD_PATHS = {
  currentUser: '/2.0/user',
  repositories: '/2.0/repositories',
} as const;
