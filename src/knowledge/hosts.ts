import { CLOUD_URLS } from './docs.js';

/**
 * Bitbucket Cloud's hosts (bitbucket-auth.md §1.1, §6): the website (OAuth, and the wrong host for
 * REST calls) and the REST API. One list for intake, checks and the report.
 */
export const CLOUD_HOSTS = {
  /** The REST API. */
  api: new URL(CLOUD_URLS.apiBase).host,
  /** The website, which also serves the OAuth endpoints. */
  website: new URL(CLOUD_URLS.authBase).host,
} as const;

/** The website's names: `bitbucket.org` and `www.bitbucket.org` (§1.1: not the API). */
export const WEBSITE_HOSTS: ReadonlySet<string> = new Set([
  CLOUD_HOSTS.website,
  `www.${CLOUD_HOSTS.website}`,
]);

/** bitbucket.org or any of its subdomains (api., www.…). */
export const isCloudHost = (host: string): boolean => {
  const h = host.toLowerCase().replace(/\.$/u, '');
  return h === CLOUD_HOSTS.website || h.endsWith(`.${CLOUD_HOSTS.website}`);
};

/** Data Center's REST API prefixes (bitbucket-auth.md §8): current on Data Center, wrong on Cloud. */
export const DATA_CENTER_REST = /\/rest\/api\/(?:1\.0|latest)\//u;

/** Data Center's REST API base below its context path (bitbucket-auth.md §8). */
export const DATA_CENTER_API_PREFIX = '/rest/api/1.0';
