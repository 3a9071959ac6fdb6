import { makeResult } from '../http/client.js';
import { isTokenEndpoint, readTokenResponse, type TokenResponse } from '../knowledge/oauth.js';
import { matchSignatures, parseErrorBody } from '../knowledge/signatures.js';
import type { FetchedToken } from './auth.js';
import type { CheckContext, Exchange, FindingCode, HttpResult, Remediation } from '../types.js';
import { answerProblem, type NetworkProblem } from './network.js';
import { CLIENT_CREDENTIALS_COMMAND, remedy } from '../knowledge/remedies.js';

/**
 * The token endpoint's facts (bitbucket-auth.md §1.3–§1.6), read the same way from the doctor's
 * own token request (live) and from a captured one (explain), so that token-fetch judges both.
 */

export const TOKEN_CODES = [
  'CONSUMER_INVALID',
  'CONSUMER_NOT_PRIVATE',
  'CONSUMER_NO_CALLBACK',
  'REFRESH_TOKEN_INVALID',
  'PASSWORD_GRANT_REMOVED',
] as const satisfies readonly FindingCode[];

export type TokenCode = (typeof TOKEN_CODES)[number];

export const isTokenCode = (code: FindingCode): code is TokenCode =>
  (TOKEN_CODES as readonly string[]).includes(code);

/** What to do about each token-endpoint error (§1.6): the catalogue's advice. */
export const TOKEN_FIXES: Readonly<Record<TokenCode, Remediation>> = {
  CONSUMER_INVALID: remedy('CONSUMER_INVALID', [CLIENT_CREDENTIALS_COMMAND]),
  CONSUMER_NOT_PRIVATE: remedy('CONSUMER_NOT_PRIVATE'),
  CONSUMER_NO_CALLBACK: remedy('CONSUMER_NO_CALLBACK'),
  REFRESH_TOKEN_INVALID: remedy('REFRESH_TOKEN_INVALID'),
  PASSWORD_GRANT_REMOVED: remedy('PASSWORD_GRANT_REMOVED', [CLIENT_CREDENTIALS_COMMAND]),
};

/** What the token endpoint answered: the same fields live and from a capture. */
export interface TokenAnswer {
  /** undefined: no answer at all. */
  readonly status?: number | undefined;
  /** No usable answer (network, 5xx, an unreadable body): no verdict on the consumer. */
  readonly problem?: NetworkProblem;
  /** RFC 6749 `error` of the JSON answer (`unauthorized_client`, `invalid_grant`...). */
  readonly error?: string;
  /** `error_description` (or the message of any other body shape). */
  readonly description?: string;
  /** The token-endpoint signatures the answer matches (src/knowledge/signatures.ts), best first. */
  readonly signatures: readonly { readonly id: string; readonly code: TokenCode }[];
  /** A 200 with an access token: the token and what comes with it (§1.4). */
  readonly token?: TokenResponse;
}

/** The facts token-fetch judges. */
export interface TokenFetchFacts {
  /** The doctor's own token request, or one the user captured. */
  readonly from: 'live' | 'capture';
  /** Nothing to judge, and why (no consumer given; no token call in the capture). */
  readonly skip?: string;
  /** The grant_type sent; undefined when the capture does not show it, or none was sent. */
  readonly grant?: string | undefined;
  /**
   * The password grant is in play: `given` (live: an account password came with the consumer;
   * the doctor never sends it and tries the consumer's own grant instead), `sent` (captured:
   * the request said grant_type=password).
   */
  readonly password?: 'given' | 'sent';
  readonly answer?: TokenAnswer;
}

/** Reads the token endpoint's answer (the whole body live; the captured 4 KB offline). */
export const readTokenAnswer = (result: HttpResult): TokenAnswer => {
  const problem = answerProblem(result);
  if (problem !== undefined) return { status: result.status, problem, signatures: [] };
  const response = result.exchange.response;
  const parsed = parseErrorBody(result.body, result.header('content-type'));
  const token = result.status === 200 ? readTokenResponse(result.json()) : undefined;
  const signatures = matchSignatures({
    status: result.status ?? 0,
    headers: response?.headers ?? {},
    body: result.body,
  }).flatMap((s) => (isTokenCode(s.code) ? [{ id: s.id, code: s.code }] : []));
  return {
    status: result.status,
    signatures,
    ...(parsed.oauthError === undefined ? {} : { error: parsed.oauthError }),
    ...(parsed.message === undefined ? {} : { description: parsed.message }),
    ...(token === undefined ? {} : { token }),
  };
};

/** A captured exchange as the client's answer to it (nothing is sent). */
export const capturedResult = (exchange: Exchange): HttpResult =>
  makeResult({ exchange, body: exchange.response?.body ?? '' });

/**
 * A captured call to the token endpoint: by its path, or, when the capture does not show the
 * request (curl -i output), by an answer only the token endpoint gives (an RFC 6749 error body, a
 * token, a token-endpoint signature).
 */
export const isTokenCall = (exchange: Exchange): boolean => {
  if (exchange.request.url !== '') return isTokenEndpoint(exchange.request.url);
  const response = exchange.response;
  if (response === undefined) return false;
  const result = capturedResult(exchange);
  return (
    parseErrorBody(response.body, result.header('content-type')).shape === 'oauth' ||
    readTokenResponse(result.json()) !== undefined ||
    matchSignatures(response).some((s) => isTokenCode(s.code))
  );
};

/** The captured token call that matters: the last one that failed, else the last one. */
export const capturedTokenCall = (exchanges: readonly Exchange[]): Exchange | undefined => {
  const calls = exchanges.filter(isTokenCall);
  const failed = calls.filter((e) => e.response === undefined || e.response.status >= 400);
  return failed.at(-1) ?? calls.at(-1);
};

/** From here on a token in an answer is a secret of this run like any other. */
export const registerTokens = (ctx: CheckContext, answer: TokenAnswer): void => {
  if (answer.token === undefined) return;
  ctx.registerSecret(answer.token.accessToken);
  if (answer.token.refreshToken !== undefined) ctx.registerSecret(answer.token.refreshToken);
};

/** The token to share with later checks (SharedFacts.fetchedToken), if the answer holds one. */
export const fetchedTokenOf = (answer: TokenAnswer, grant: string): FetchedToken | undefined => {
  const token = answer.token;
  if (token === undefined) return undefined;
  return {
    token: token.accessToken,
    scopes: token.scopes,
    grant,
    ...(token.expiresIn === undefined ? {} : { expiresIn: token.expiresIn }),
    ...(token.tokenType === undefined ? {} : { tokenType: token.tokenType }),
  };
};
