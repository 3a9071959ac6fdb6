/**
 * What a capture shows, as the facts the checks' judges read (design.md: "offline: explain maps
 * captured exchanges to the same facts"). Pure helpers shared by the checks' fromCapture.
 */
import { makeResult } from '../http/client.js';
import { kindByShape, parseAuthorization } from '../intake/credentials.js';
import { headerValue } from '../knowledge/signatures.js';
import { GIT_ACCESS_TOKEN_USER, KIND_WITH_SHAPE } from '../knowledge/shapes.js';
import { lintAuthorization } from '../facts/header-lint.js';
import type { Capture, CredentialKind, Exchange, FindingCode, HttpResult } from '../types.js';
import { mostImportantFailure } from './offline.js';

/** The captured exchange that shows the request, or only the answer (a pasted body, curl -i). */
export const requestKnown = (exchange: Exchange): boolean => exchange.request.url !== '';

/** A captured exchange as the answer a check's own request would have got. */
export const resultOf = (exchange: Exchange): HttpResult =>
  makeResult({ exchange, body: exchange.response?.body ?? '' });

/**
 * The failing call that matters most (the one explain treats as the user's call); a capture that
 * shows only answers (curl -i without the command) offers its last failing answer instead.
 */
export const capturedFailure = (capture: Capture): Exchange | undefined =>
  mostImportantFailure(capture.exchanges) ??
  [...capture.exchanges]
    .reverse()
    .find((e) => !requestKnown(e) && (e.response?.status ?? 0) >= 400);

/** The Authorization header a captured request carried, if it shows one. */
export const capturedAuthorization = (exchange: Exchange): string | undefined =>
  requestKnown(exchange) ? headerValue(exchange.request.headers, 'authorization') : undefined;

/** How a captured request authenticated, without the secret. */
export interface CapturedAuth {
  /** The scheme exactly as written ('' when it does not look like one). */
  readonly scheme: string;
  readonly username?: string | undefined;
  /** By the secret's shape (§4.2 [L]), or the git user of access tokens; undefined if unknown. */
  readonly kind: CredentialKind | undefined;
  /** e.g. "Bearer with an access token", "Basic with jdoe and an app password (ATBB…)". */
  readonly describe: string;
  /** Sent as Bearer (else Basic or a scheme Bitbucket does not know). */
  readonly bearer: boolean;
  /** What is wrong with the header the way Bitbucket reads it (header-lint), if anything. */
  readonly lint?: FindingCode | undefined;
}

/** Describes an Authorization value by scheme, username and the secret's shape, never the secret. */
export const describeAuthorization = (value: string): CapturedAuth => {
  const parsed = parseAuthorization(value);
  const lower = parsed.scheme.toLowerCase();
  const secret = parsed.basic?.secret ?? (lower === 'bearer' ? parsed.rest : undefined);
  const shape = secret === undefined ? undefined : kindByShape(secret)?.kind;
  const kind = parsed.basic?.username === GIT_ACCESS_TOKEN_USER ? 'access-token' : shape;
  const what =
    shape === 'api-token' || shape === 'app-password' || shape === 'access-token'
      ? KIND_WITH_SHAPE[shape]
      : 'a secret';
  // A scheme is printed only when it looks like one: a bare token with a space in it would
  // otherwise put part of the secret in the report.
  const printable =
    /^[A-Za-z][A-Za-z0-9_-]{0,15}$/u.test(parsed.scheme) &&
    kindByShape(parsed.scheme) === undefined;
  const user = parsed.basic?.username;
  const describe =
    user !== undefined
      ? `${parsed.scheme} with ${user === '' ? '(no username)' : user} and ${what}`
      : lower === 'bearer'
        ? `${parsed.scheme} with ${what}`
        : printable
          ? `the scheme "${parsed.scheme}"`
          : 'a header without a known scheme';
  return {
    scheme: printable ? parsed.scheme : '',
    username: user,
    kind,
    describe,
    bearer: lower === 'bearer',
    lint: lintAuthorization(value)?.code,
  };
};

/** When the answer was given: its Date header, else now (advice that depends on dates, §5.1). */
export const answerDate = (exchange: Exchange, now: Date): Date => {
  const value = headerValue(exchange.response?.headers ?? {}, 'date');
  const date = value === undefined ? undefined : new Date(value);
  return date === undefined || Number.isNaN(date.getTime()) ? now : date;
};
