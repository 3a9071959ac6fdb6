import { classifyUrl } from '../knowledge/api-versions.js';
import type { CheckContext, HttpResult } from '../types.js';
import {
  type AuthAttempt,
  correctAuth,
  fetchedToken,
  primaryCredential,
  isUnexpanded,
  userAuthHeaders,
} from './auth.js';

/** The user's failing call with every known URL fix applied (v1 → 2.0, /!api, website host...). */
export const correctedTargetUrl = (ctx: CheckContext): string | undefined => {
  const url = ctx.input.failingRequest?.url;
  if (url === undefined) return undefined;
  const corrected = classifyUrl(url).correctedUrl;
  // A replacement with placeholders ({workspace}) cannot be sent; it is advice only.
  return corrected !== undefined && !/[{}]/u.test(corrected) ? corrected : url;
};

/**
 * The best way to authenticate: the credential sent the right way (what identity tests first),
 * else the token token-fetch obtains. Async because the token, when that is all there is, comes
 * from token-fetch; everything else is known at once, so requests need not wait for identity.
 */
export const bestAuth = async (ctx: CheckContext): Promise<AuthAttempt | undefined> => {
  const credential = primaryCredential(ctx.input);
  if (credential !== undefined && !isUnexpanded(credential))
    return correctAuth(credential, ctx.input);
  const token = await fetchedToken(ctx);
  if (token === undefined) return undefined;
  return {
    header: `Bearer ${token.token}`,
    describe: `Bearer (token from ${token.grant})`,
    secretKey: 'token-fetch',
    credential: {
      kind: 'access-token',
      source: 'token-fetch',
      secret: token.token,
      raw: token.token,
      classifiedBy: 'token-fetch',
    },
  };
};

/** The user's call replayed exactly as they sent it (GET/HEAD only: the doctor is read-only). */
export const replayAsSent = (ctx: CheckContext): Promise<HttpResult> | undefined => {
  const request = ctx.input.failingRequest;
  if (request === undefined || (request.method !== 'GET' && request.method !== 'HEAD'))
    return undefined;
  return ctx.http.request(
    request.url,
    {
      method: request.method,
      label: 'your call, replayed as sent',
      headers: userAuthHeaders(ctx.input),
    },
    ctx.signal,
  );
};

/** The corrected call: fixed URL, credentials sent the right way. Shared by scopes and target-call. */
export const sendCorrected = async (
  ctx: CheckContext,
): Promise<{ result: HttpResult; url: string; auth: AuthAttempt } | undefined> => {
  const request = ctx.input.failingRequest;
  const url = correctedTargetUrl(ctx);
  const auth = await bestAuth(ctx);
  if (request === undefined || url === undefined || auth === undefined) return undefined;
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  const result = await ctx.http.request(
    url,
    {
      method: request.method,
      label: `the corrected call (${auth.describe})`,
      headers: { authorization: auth.header },
      secretKey: auth.secretKey,
    },
    ctx.signal,
  );
  return { result, url, auth };
};
