/**
 * Response header names bb-doctor reads as facts about who answered. One list each, used by the
 * HTTP client, the capture parser and connectivity alike.
 */

/**
 * Headers that carry a request or trace id support staff can look up: Bitbucket Cloud's edge
 * (x-b3-traceid, x-request-id: bitbucket-auth.md §3.5, §3.6), Data Center's X-AREQUESTID (§8),
 * Atlassian's edge (atl-traceid), and the common proxy and CDN ids a capture may carry.
 */
export const TRACE_HEADERS: readonly string[] = [
  'x-b3-traceid',
  'x-b3-spanid',
  'x-trace-id',
  'x-request-id',
  'x-arequestid',
  'atl-traceid',
  'atl-request-id',
  'x-atlassian-request-id',
  'x-correlation-id',
  'x-amzn-trace-id',
  'x-amzn-requestid',
  'x-amz-cf-id',
  'traceparent',
  'x-cloud-trace-context',
];

export const isTraceHeader = (name: string): boolean => TRACE_HEADERS.includes(name.toLowerCase());

/**
 * Headers Bitbucket Cloud's edge puts on every answer (bitbucket-auth.md §3.5, §3.6): one of
 * them on an answer says Cloud answered, not a proxy or a captive portal.
 */
export const CLOUD_EDGE_HEADERS: readonly string[] = [
  'x-b3-traceid',
  'x-request-id',
  'x-trace-id',
  'x-view-name',
  'x-served-by',
];

/**
 * Bitbucket Cloud's answer headers about the credential (bitbucket-auth.md §3.6, §4.4): the scopes
 * it has, the scopes the endpoint accepts, and what kind of credential Bitbucket read.
 */
export const CREDENTIAL_HEADERS = {
  grantedScopes: 'x-oauth-scopes',
  acceptedScopes: 'x-accepted-oauth-scopes',
  credentialType: 'x-credential-type',
} as const;

/** Answer headers worth showing in a report's evidence (auth, scopes, limits, redirects). */
export const SHOWN_RESPONSE_HEADERS =
  /^(www-authenticate|content-type|location|x-oauth-scopes|x-accepted-oauth-scopes|x-credential-type|x-ratelimit-.*|retry-after)$/u;
