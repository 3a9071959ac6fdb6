import type { DcPermissionFacts } from './data-center.js';
import { detectDataCenter } from '../knowledge/data-center.js';
import { SCOPE_HEADERS } from '../knowledge/oauth.js';
import { parseScopeList } from '../knowledge/scopes.js';
import { headerValue, parseErrorBody } from '../knowledge/signatures.js';
import type { Exchange } from '../types.js';

/**
 * What an answer says about scopes (bitbucket-auth.md §3.6, §4.4), read the same way from the
 * doctor's own probe (live) and from a captured answer (explain), so that scopes judges both.
 */
export interface ScopeAnswerFacts {
  readonly from: 'live' | 'capture';
  /** The method of the call whose answer is read. */
  readonly method: string;
  /** Its path (live: with the query the doctor built); undefined when the capture lacks it. */
  readonly path?: string | undefined;
  /** undefined: no answer. */
  readonly status?: number | undefined;
  /** The answer came from Bitbucket Data Center (whose 401/403 mean other things, §8). */
  readonly dataCenter: boolean;
  /** `error.message` of the answer. */
  readonly message?: string | undefined;
  /** 403 `error.detail.required`, verbatim (§4.4). */
  readonly required?: readonly string[] | undefined;
  /** What the credential has: `x-oauth-scopes`, 403 `detail.granted`, the token response. */
  readonly granted: readonly string[];
  /** What the endpoint accepts: `x-accepted-oauth-scopes` (any one is enough). */
  readonly accepted: readonly string[];
  /** identity found a credential that is not a user (a repository access token): live only. */
  readonly notAUser: boolean;
}

/** Nothing to judge, and why; or the facts of one answer. */
export type ScopesFacts =
  { readonly skip: string } | ScopeAnswerFacts | { readonly dcPermission: DcPermissionFacts };

interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The scope facts of one answer; `grantedElsewhere` adds what other answers said the credential has. */
export const readScopeAnswer = (
  call: { from: 'live' | 'capture'; method: string; path?: string | undefined; notAUser: boolean },
  response: Answer | undefined,
  grantedElsewhere: { header?: string | undefined; scopes?: readonly string[] } = {},
): ScopeAnswerFacts => {
  const headers = response?.headers ?? {};
  const parsed = parseErrorBody(response?.body ?? '', headerValue(headers, 'content-type'));
  const granted = [
    ...new Set([
      ...parseScopeList(headerValue(headers, SCOPE_HEADERS.granted) ?? grantedElsewhere.header),
      ...(parsed.granted ?? []),
      ...(grantedElsewhere.scopes ?? []),
    ]),
  ];
  return {
    ...call,
    status: response?.status,
    dataCenter: response !== undefined && detectDataCenter(response).isDataCenter,
    message: parsed.message,
    required: parsed.required,
    granted,
    accepted: parseScopeList(headerValue(headers, SCOPE_HEADERS.accepted)),
  };
};

const namesScopes = (response: Answer): boolean =>
  parseErrorBody(response.body, headerValue(response.headers, 'content-type')).required !==
    undefined ||
  headerValue(response.headers, SCOPE_HEADERS.granted) !== undefined ||
  headerValue(response.headers, SCOPE_HEADERS.accepted) !== undefined;

/**
 * The captured answer that says most about scopes: the last 403 that names scopes (its body's
 * `detail.required`, or the scope headers), else the last 403, else the last success that lists
 * the credential's scopes.
 */
export const capturedScopeAnswer = (exchanges: readonly Exchange[]): Exchange | undefined => {
  const answered = exchanges.filter((e) => e.response !== undefined);
  const forbidden = answered.filter((e) => e.response!.status === 403);
  return (
    forbidden.filter((e) => namesScopes(e.response!)).at(-1) ??
    forbidden.at(-1) ??
    answered.filter((e) => e.response!.status < 400 && namesScopes(e.response!)).at(-1)
  );
};

/** The path of a captured request, without its query (it may hold a token); undefined if absent. */
export const capturedPath = (exchange: Exchange): string | undefined => {
  if (exchange.request.url === '') return undefined;
  try {
    return new URL(exchange.request.url).pathname;
  } catch {
    return undefined;
  }
};
