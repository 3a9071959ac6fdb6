import { makeResult } from '../http/client.js';
import {
  GRANT,
  isTokenEndpoint,
  readTokenResponse,
  TOKEN_FORM,
  type TokenResponse,
} from '../knowledge/oauth.js';
import { matchSignatures, parseErrorBody } from '../knowledge/signatures.js';
import type { FetchedToken } from './auth.js';
import type { CheckContext, Exchange, FindingCode, HttpResult, Remediation } from '../types.js';
import { answerProblem, type NetworkProblem } from './network.js';
import { clientCredentialsCommand, remedy } from '../knowledge/remedies.js';
import { day } from '../knowledge/timeline.js';
import { kindByShape } from '../intake/credentials.js';
import type { Capture, Credential, DoctorInput } from '../types.js';

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

/**
 * What to do about each token-endpoint error (§1.6): the catalogue's advice, its command sent to
 * the token endpoint of the run (`--auth-url`, or the one a capture called), Cloud's by default.
 */
export const tokenFix = (code: TokenCode, endpoint?: string): Remediation => {
  switch (code) {
    case 'CONSUMER_INVALID':
    case 'PASSWORD_GRANT_REMOVED':
      return remedy(code, [clientCredentialsCommand(endpoint)]);
    default:
      return remedy(code);
  }
};

/** The token endpoint a captured call asked (no query), for the fix's command. */
export const capturedEndpoint = (call: Exchange): { endpoint?: string } =>
  URL.canParse(call.request.url) ? { endpoint: call.request.url.replace(/[?#].*$/su, '') } : {};

/** The same advice for Bitbucket Cloud's token endpoint. */
export const TOKEN_FIXES: Readonly<Record<TokenCode, Remediation>> = Object.fromEntries(
  TOKEN_CODES.map((code) => [code, tokenFix(code)]),
) as Record<TokenCode, Remediation>;

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
  /** `pasted`: a step of the user's pasted command asked for the password grant. */
  readonly password?: 'given' | 'sent' | 'pasted';
  readonly answer?: TokenAnswer;
  /** The token endpoint asked (the run's, or the captured call's): where the fix's command goes. */
  readonly endpoint?: string;
  /** A refresh token was given but not spent (no --use-refresh-token, or no consumer). */
  readonly refresh?: UnspentRefresh;
}

/** What can be said of a refresh token without spending it: never the token itself. */
export interface UnspentRefresh {
  readonly source: string;
  readonly length: number;
  /** Its characters (`letters, digits, - and _`), or the credential its shape looks like. */
  readonly shape: string;
  /** A consumer key and secret are there to spend it with. */
  readonly consumer: boolean;
}

/**
 * What token-fetch may send: the consumer, and the refresh token only with --use-refresh-token
 * (it rotates when spent); otherwise what can be said of it without spending it.
 */
export const tokenRequestPlan = (
  input: DoctorInput,
): {
  id?: Credential;
  secret?: Credential;
  refresh?: Credential;
  /** The facts of a refresh token that is not spent, for TokenFetchFacts. */
  said: { refresh?: UnspentRefresh };
} => {
  const id = input.credentials.find((c) => c.kind === 'client-id');
  const secret = input.credentials.find((c) => c.kind === 'client-secret');
  const given = input.credentials.find((c) => c.kind === 'refresh-token');
  const consumer = id !== undefined && secret !== undefined;
  const spend = given !== undefined && consumer && input.useRefreshToken === true;
  return {
    ...(id === undefined ? {} : { id }),
    ...(secret === undefined ? {} : { secret }),
    ...(spend ? { refresh: given } : {}),
    said: given === undefined || spend ? {} : { refresh: unspentRefresh(given, consumer) },
  };
};

/**
 * The password grant in a capture: `sent` when the form said grant_type=password; `given` when a
 * bb-doctor HAR names an account password beside the consumer (the password grant the user
 * planned, which the live run never sent).
 */
export const capturedPassword = (
  grant: string | undefined,
  capture: Capture,
): { password?: 'sent' | 'given' } => {
  if (grant === GRANT.password) return { password: 'sent' };
  return capture.credentials?.some((c) => c.kind === 'account-password') === true
    ? { password: 'given' }
    : {};
};

/** The refresh token's facts, read from the credential alone (nothing is sent). */
export const unspentRefresh = (credential: Credential, consumer: boolean): UnspentRefresh => {
  const secret = credential.secret;
  const looks = kindByShape(secret)?.label;
  const classes = [
    /[A-Za-z]/u.test(secret) ? 'letters' : undefined,
    /[0-9]/u.test(secret) ? 'digits' : undefined,
    /[^A-Za-z0-9]/u.test(secret)
      ? [...new Set(secret.replace(/[A-Za-z0-9]/gu, ''))].join(' ')
      : undefined,
  ].filter((c): c is string => c !== undefined);
  return {
    source: credential.source,
    length: secret.length,
    shape: looks === undefined ? classes.join(', ') : `looks like an ${looks}`,
    consumer,
  };
};

/**
 * Why the refresh token was not sent, and how to test it safely. Since the OAuth changes of
 * 2026-05-04 (timeline.ts) refresh tokens rotate: spending one invalidates the copy the user's
 * application holds, so a doctor run must not do it unasked (contract.md, "Secrets").
 */
export const unspentRefreshLines = (refresh: UnspentRefresh): string[] => [
  `The refresh token (${refresh.length} chars, ${refresh.shape || 'no characters'}; from ${refresh.source}) was not sent: since ${day('oauth-changes-enforced')} refresh tokens rotate, and spending it would invalidate the copy your application holds.`,
  refresh.consumer
    ? 'The consumer key and secret to spend it are there. To test it, rerun with --use-refresh-token; it rotates the token: your application must then use the new one.'
    : 'No OAuth consumer (client id and secret) was given, which spending it needs. To test it, give the consumer and rerun with --use-refresh-token; it rotates the token: your application must then use the new one.',
];

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

const PASSWORD_GRANT = `${TOKEN_FORM.grantType}=${GRANT.password}`;
const REMOVED = `removed in ${day('account-passwords-rejected').slice(0, 4)}`;

/**
 * What token-fetch says of the password grant (§1.2): as captured, as a step of the pasted
 * command, or planned with the flags; live, the doctor tried the consumer another way instead.
 */
export const passwordGrantSummary = (
  how: 'given' | 'sent' | 'pasted',
  said: string,
  grant: string,
  alternativeWorks: boolean,
): string => {
  if (how === 'sent')
    return `The captured token request used ${PASSWORD_GRANT}, which was ${REMOVED}; the token endpoint answered ${said}.`;
  const asked =
    how === 'pasted'
      ? `Your token fetch asks for ${PASSWORD_GRANT}, which was ${REMOVED}.`
      : `A username and account password were given with an OAuth consumer: ${PASSWORD_GRANT} was ${REMOVED}.`;
  return `${asked} ${alternativeWorks ? `The same consumer does get a token with ${grant}.` : `The consumer did not get a token with ${grant} either.`}`;
};
