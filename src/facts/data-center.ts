import {
  DC_APPLICATION_PROPERTIES,
  cloudPathOnDc,
  dcRepoPath,
  dcReplacement,
  detectDataCenter,
  isTokenPath,
  pathBelowBase,
} from '../knowledge/data-center.js';
import { DATA_CENTER_REST } from '../knowledge/hosts.js';
import { REMEDY } from '../knowledge/remedies.js';
import type { CheckContext, HttpResult, Outcome } from '../types.js';
import type { AuthAttempt } from './auth.js';
import { productBeforeCredentials } from './requests.js';

/**
 * A failing call on Data Center (contract.md, "Checks on Data Center"): a Cloud path below its
 * base is CLOUD_PATH_ON_DC (with the REST path it maps to); a token on a path outside /rest and
 * /scm is DC_TOKEN_OUTSIDE_REST (refused there since 8.9.22, §8). Undefined: a REST path.
 */
export const judgeDcPath = (facts: {
  readonly product?: string | undefined;
  readonly url?: string | undefined;
  readonly hosts: { readonly apiUrl?: string | undefined };
  readonly token?: boolean;
}): Outcome | undefined => {
  if (facts.product !== 'data-center' || facts.url === undefined) return undefined;
  const { url } = facts;
  const base = facts.hosts.apiUrl ?? url;
  const token = facts.token === true;
  const below = pathBelowBase(url, base);
  if (cloudPathOnDc(below)) {
    const mapped = dcReplacement(below);
    const replacement = mapped === undefined ? undefined : `${base.replace(/\/+$/u, '')}${mapped}`;
    return {
      verdict: 'fail',
      code: 'CLOUD_PATH_ON_DC',
      summary: `${below} is a Bitbucket Cloud API path, sent to a Data Center server (which has no /2.0 API).`,
      remediation: {
        ...REMEDY.CLOUD_PATH_ON_DC,
        ...(replacement === undefined
          ? {}
          : { hint: `Call ${replacement} instead (Data Center's REST API).` }),
      },
      data: { product: 'data-center', ...(replacement === undefined ? {} : { replacement }) },
    };
  }
  if (token && !isTokenPath(below))
    return {
      verdict: 'fail',
      code: 'DC_TOKEN_OUTSIDE_REST',
      summary: `${below} is outside /rest and /scm, where Data Center refuses HTTP access tokens (302 to the login page for Bearer; with Basic it counts as a failed login). The doctor sent the token nowhere there.`,
      remediation: REMEDY.DC_TOKEN_OUTSIDE_REST,
      data: { product: 'data-center' },
    };
  return isTokenPath(below)
    ? {
        verdict: 'pass',
        summary: `${below} is a Bitbucket Data Center REST path.`,
        data: { product: 'data-center' },
      }
    : undefined;
};

/** Data Center's form of scopes: may this credential read the repository (§8)? */
export interface DcPermissionFacts {
  /** `ACME/secret-repo`. */
  readonly target: string;
  readonly describe: string;
  readonly result: HttpResult;
}

/**
 * The repository asked with the credential identity proved (never a second login with a refused
 * one: a Data Center counts it towards the CAPTCHA lock).
 */
export const gatherDcPermission = async (
  ctx: CheckContext,
  auth: AuthAttempt,
): Promise<DcPermissionFacts | { readonly skip: string }> => {
  const { workspace, repo } = ctx.input;
  if (workspace === undefined || repo === undefined)
    return {
      skip: 'no project and repository (--workspace KEY --repo SLUG) to check a permission on',
    };
  if ((await ctx.result('identity'))?.status !== 'pass')
    return { skip: 'the credential does not authenticate (see identity)' };
  const result = await ctx.http.request(
    `${ctx.input.apiUrl}${dcRepoPath(workspace, repo)}`,
    {
      label: `scopes: ${workspace}/${repo} with ${auth.describe}`,
      headers: { authorization: auth.header },
      secretKey: auth.secretKey,
    },
    ctx.signal,
  );
  return { target: `${workspace}/${repo}`, describe: auth.describe, result };
};

/** Pure: on Data Center a missing permission is a 401 with X-AUSERNAME (§8), not a 403. */
export const judgeDcPermission = (f: DcPermissionFacts): Outcome => {
  const response = f.result.exchange.response ?? { status: 0, headers: {}, body: '' };
  const as = detectDataCenter(response).authenticatedAs;
  if (f.result.status === 200)
    return {
      verdict: 'pass',
      summary: `${as ?? 'The credential'} may read ${f.target} (200).`,
      data: { product: 'data-center', ...(as === undefined ? {} : { authenticatedAs: as }) },
    };
  if (f.result.status === 401 && as !== undefined)
    return {
      verdict: 'fail',
      code: 'DC_NOT_PERMITTED',
      summary: `Authenticated as ${as} (${f.describe}), but not permitted to read ${f.target}: Data Center answers 401 "You are not permitted to access this resource" for a missing permission.`,
      remediation: REMEDY.DC_NOT_PERMITTED,
      data: { product: 'data-center', authenticatedAs: as },
    };
  if (f.result.status === 404)
    return {
      verdict: 'fail',
      code: 'REPO_NOT_FOUND_OR_NO_ACCESS',
      summary: `${f.target} does not exist on this Data Center server (404).`,
      remediation: REMEDY.REPO_NOT_FOUND_OR_NO_ACCESS,
      data: { product: 'data-center' },
    };
  return {
    verdict: 'skip',
    summary: `Skipped: ${f.target} answered ${f.result.status ?? 'nothing'}.`,
  };
};

/**
 * Where a header experiment goes: the call itself, except on Data Center when it is not a REST
 * path (credentials go only below /rest and /scm there): the repository, or application-properties.
 */
export const experimentTarget = async (ctx: CheckContext, target: string): Promise<string> => {
  if ((await productBeforeCredentials(ctx)) !== 'data-center') return target;
  const { workspace, repo } = ctx.input;
  // The repository tells apart a credential read from one ignored (a private one answers 401
  // anonymously); application-properties answers anybody.
  return isTokenPath(pathBelowBase(target, ctx.input.apiUrl))
    ? target
    : `${ctx.input.apiUrl}${workspace !== undefined && repo !== undefined ? dcRepoPath(workspace, repo) : DC_APPLICATION_PROPERTIES}`;
};

/**
 * On Data Center the identity check makes the run's one login per username: a later check that
 * would send the same credential waits for it, so that a refused password is refused once (and
 * the budget then withholds the rest).
 */
export const identityFirstOnDc = (ctx: CheckContext, url: string): Promise<void> | undefined =>
  // Only a Data Center REST call waits (not a microtask of delay for any other run).
  DATA_CENTER_REST.test(url)
    ? productBeforeCredentials(ctx).then(async (product) => {
        if (product === 'data-center') await ctx.result('identity');
      })
    : undefined;
