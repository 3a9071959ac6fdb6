import type { CheckContext, HttpResult, Product } from '../types.js';
import { isCloudHost } from '../knowledge/hosts.js';
import { CLOUD_PATHS } from '../knowledge/docs.js';

/**
 * Requests that several checks share. The HTTP client memoises identical requests, so when
 * connectivity and public-private-contrast both ask for the anonymous listing it goes out once.
 */
export const workspaceListingUrl = (apiUrl: string, workspace: string): string =>
  `${apiUrl}${CLOUD_PATHS.repositories}/${encodeURIComponent(workspace)}?pagelen=100`;

/**
 * The anonymous workspace listing: Bitbucket answers it with the public repositories only
 * (bitbucket-auth.md §3.1, community qaq-p/648089), which makes it both a reachability probe and
 * the "anonymous" side of the public-vs-private contrast.
 */
export const anonymousListing = (ctx: CheckContext): Promise<HttpResult> | undefined =>
  ctx.input.workspace === undefined
    ? undefined
    : ctx.http.request(
        workspaceListingUrl(ctx.input.apiUrl, ctx.input.workspace),
        { label: 'anonymous workspace listing' },
        ctx.signal,
      );

/** Anonymous GET /2.0/user: any HTTP answer proves the API host is reachable. */
export const anonymousUser = (ctx: CheckContext): Promise<HttpResult> =>
  ctx.http.request(
    `${ctx.input.apiUrl}${CLOUD_PATHS.currentUser}`,
    { label: `anonymous ${CLOUD_PATHS.currentUser}` },
    ctx.signal,
  );

/**
 * The product before a credentialed request, where it matters: on a host that is not Bitbucket
 * Cloud's, connectivity's verdict (awaited); the demo's simulator says what it plays up front.
 */
export const productBeforeCredentials = async (ctx: CheckContext): Promise<Product> => {
  if (ctx.input.simulator?.product !== undefined) return ctx.input.simulator.product;
  if (isCloudHost(new URL(ctx.input.apiUrl).hostname)) return 'cloud';
  return (await ctx.fact('product')) ?? 'unknown';
};

/**
 * Whether connectivity found Bitbucket Data Center instead of Cloud (X-AREQUESTID...). The Cloud
 * checks then skip or take their Data Center branch instead of misreading a Data Center answer
 * (its 401 also means "not permitted", bitbucket-auth.md §8).
 */
export const onDataCenter = async (ctx: CheckContext): Promise<boolean> =>
  (await ctx.fact('product')) === 'data-center';

export const DATA_CENTER_SKIP =
  'Skipped: the API answers like Bitbucket Data Center; this check knows Bitbucket Cloud only.';
