import { identityFirstOnDc } from './data-center.js';
import { classifyUrl } from '../knowledge/api-versions.js';
import { detectDataCenter } from '../knowledge/data-center.js';
import { DOCS } from '../knowledge/docs.js';
import type {
  Exchange,
  Capture,
  CheckContext,
  CheckReport,
  DoctorInput,
  FailingRequest,
  HttpResult,
  Remediation,
} from '../types.js';
import {
  type AuthAttempt,
  correctAuth,
  fetchedToken,
  primaryCredential,
  isUnexpanded,
  userAuthHeaders,
  workingAuth,
} from './auth.js';
import { type CapturedCall, capturedFailure } from './capture.js';
import { correctedCurlCommand } from './curl-fix.js';
import { onDataCenter } from './requests.js';
import { CLOUD_PATHS } from '../knowledge/docs.js';

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
  // A header the user's shell computed (a token fetch's output) is unknown here: the call goes
  // without it (what Bitbucket made of `bearer null`), and the label says so.
  const left = request.headers.some((h) => h.computed !== undefined);
  return ctx.http.request(
    request.url,
    {
      method: request.method,
      label: left
        ? 'your call, replayed without what your shell computed'
        : 'your call, replayed as sent',
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

/** A curl command for the corrected call by how it authenticates (secrets as $PLACEHOLDERS). */
export const curlFor = (method: string, url: string, describe: string): string => {
  const auth = describe.startsWith('Basic')
    ? `-u "${describe.includes('@') ? '$BITBUCKET_EMAIL' : '$BITBUCKET_USERNAME'}:$BITBUCKET_API_TOKEN"`
    : '-H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN"';
  return `curl ${method === 'GET' ? '' : `-X ${method} `}${auth} '${url}'`;
};

/** What the 404 is about: "acme/secret-repo", or "the resource" without a repository. */
export const targetName = (input: DoctorInput): string =>
  input.repo === undefined ? 'the resource' : `${input.workspace ?? '?'}/${input.repo}`;

/** The repositories the account is a member of in the workspace: where the right slug shows. */
export const memberListingCommand = (input: DoctorInput): string =>
  `curl -u "$BITBUCKET_EMAIL:$BITBUCKET_API_TOKEN" '${input.apiUrl}${CLOUD_PATHS.repositories}/${input.workspace ?? '{workspace}'}?role=member&pagelen=100'`;

/** A 404 with working credentials: the slug, the workspace, or the account's access. */
export const notFoundRemedy = (target: string, listCommand: string): Remediation => ({
  hint: `Check the workspace and repository slug in the URL, then ask a workspace admin to give your account (or the access token) read access to ${target}.`,
  commands: [listCommand],
  url: DOCS.restIntro,
});

/** The live experiment of target-call: the call as sent, and corrected with every known fix. */
export interface LiveTargetFacts {
  readonly source: 'live';
  readonly method: string;
  readonly url: string;
  /** The user's call replayed exactly as sent. */
  readonly asSent: HttpResult;
  /** The path is the problem and has no automatic replacement (a Data Center path): not corrected. */
  readonly unfixablePath: boolean;
  /** The corrected call (its last try), when a credential could build one. */
  readonly corrected?:
    | {
        readonly result: HttpResult;
        readonly url: string;
        /** How it authenticated, e.g. "Basic with alice@example.com" (no secret). */
        readonly describe: string;
        readonly command: string;
      }
    | undefined;
  /** connectivity found Bitbucket Data Center. */
  readonly dataCenter: boolean;
  /** identity authenticated (pass/warn), or failed but proved its one-variable fix. */
  readonly identityProven: boolean;
  readonly target: string;
  readonly listCommand: string;
}

/** identity's verdict on the credentials: they work, or its experiment proved how they would. */
const identityProven = (identity: CheckReport | undefined): boolean =>
  identity?.status === 'pass' ||
  identity?.status === 'warn' ||
  (identity?.status === 'fail' && identity.proof?.verified === true);

/**
 * Sends the user's call as sent and corrected (both at once; the other checks' verdicts are only
 * needed to read the answers); when identity proved another way works (Bearer for a token sent as
 * Basic, the email for the username) and the corrected call failed, it is sent once more that way.
 */
export const gatherLiveTarget = async (
  ctx: CheckContext,
  request: FailingRequest,
): Promise<LiveTargetFacts> => {
  const identityFirst = identityFirstOnDc(ctx, request.url);
  if (identityFirst !== undefined) await identityFirst;
  // A path with no automatic replacement (a Data Center path, say) is api-version's finding:
  // sending it again with other credentials proves nothing.
  const unfixablePath =
    correctedTargetUrl(ctx) === request.url && classifyUrl(request.url).problems.length > 0;
  const [asSent, first] = await Promise.all([
    replayAsSent(ctx)!,
    unfixablePath ? Promise.resolve(undefined) : sendCorrected(ctx),
  ]);
  const identity = await ctx.result('identity');
  const dataCenter = await onDataCenter(ctx);
  const base = {
    source: 'live' as const,
    method: request.method,
    url: request.url,
    asSent,
    unfixablePath,
    dataCenter,
    identityProven: identityProven(identity),
    target: targetName(ctx.input),
    listCommand: memberListingCommand(ctx.input),
  };
  if (first === undefined) return base;
  let { result, auth } = first;
  const working = await workingAuth(ctx);
  const works = (r: HttpResult): boolean => r.status !== undefined && r.status < 300;
  // Nothing to retry when the call works as sent, or on Data Center (the Cloud fixes do not apply).
  const settled = (works(asSent) && first.url === request.url) || dataCenter;
  if (!settled && !works(result) && working !== undefined && working.header !== auth.header) {
    auth = working;
    result = await ctx.http.request(
      first.url,
      {
        method: request.method === 'HEAD' ? 'HEAD' : 'GET',
        label: `the corrected call (${working.describe})`,
        headers: { authorization: working.header },
        secretKey: working.secretKey,
      },
      ctx.signal,
    );
  }
  const command =
    correctedCurlCommand(ctx.input, first.url, auth) ??
    curlFor(request.method, first.url, auth.describe);
  return { ...base, corrected: { result, url: first.url, describe: auth.describe, command } };
};

/** Explain: the captured failing call (undefined: the capture shows none) and what it is about. */
export interface CapturedTargetFacts {
  readonly source: 'capture';
  readonly call: CapturedCall | undefined;
  /** The captured answer is Bitbucket Data Center's. */
  readonly dataCenter: boolean;
  readonly target: string;
  readonly listCommand: string;
}

/** target-call's facts from a capture: the call as sent is the captured one; nothing is replayed. */
export const capturedTargetFacts = (input: DoctorInput, capture: Capture): CapturedTargetFacts => {
  const call = capturedFailure(capture);
  return {
    source: 'capture',
    call,
    dataCenter: call?.response !== undefined && detectDataCenter(call.response).isDataCenter,
    target: targetName(input),
    listCommand: memberListingCommand(input),
  };
};

/** An answer as a judge reads it: status, headers and (the whole, when known) body. */
export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export const answerOf = (exchange: Exchange | undefined, body?: string): Answer | undefined =>
  exchange?.response === undefined
    ? undefined
    : { ...exchange.response, body: body ?? exchange.response.body };
