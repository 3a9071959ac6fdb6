/**
 * The one Authorization linter of bb-doctor: header-casing, the curl rules and saved-exchange all
 * read an Authorization header through `authorizationProblems`, so the same header gets the same
 * verdict and the same correction everywhere. Facts from bitbucket-auth.md (§ refs); the
 * literals (schemes, prefixes, usernames) from src/knowledge/wire.ts.
 *
 * Problems never contain the secret: only schemes, usernames and what is wrong.
 */
import { Buffer } from 'node:buffer';
import { decodeBasic, encodeBasic, findReferences, isPureReference } from '../intake/curl-url.js';
import {
  API_TOKEN_PREFIX,
  BEARER_ALIASES,
  canonicalScheme,
  CONNECT_JWT_CLAIM,
  GIT_USERNAMES,
  looksLikeApiToken,
  SCHEMES,
  SEND_AS,
  UNSUPPORTED_SCHEMES,
} from '../knowledge/wire.js';
import type { FindingCode } from '../types.js';

/** What can be wrong, in causal order; each id is one curl rule (src/rules/curl/authorization.ts). */
export const PROBLEM_CODES = {
  empty: 'HEADER_MALFORMED',
  'no-credentials': 'HEADER_MALFORMED',
  'no-scheme': 'HEADER_SCHEME_UNKNOWN',
  'scheme-colon': 'HEADER_MALFORMED',
  'scheme-case': 'HEADER_SCHEME_CASE',
  'scheme-unknown': 'HEADER_SCHEME_UNKNOWN',
  'scheme-unsupported': 'HEADER_SCHEME_UNKNOWN',
  'jwt-outside-connect': 'HEADER_SCHEME_UNKNOWN',
  spacing: 'HEADER_MALFORMED',
  'secret-whitespace': 'SECRET_WHITESPACE',
  'credentials-whitespace': 'HEADER_MALFORMED',
  'basic-not-encoded': 'HEADER_MALFORMED',
  'basic-not-base64': 'HEADER_MALFORMED',
  'api-token-as-bearer': 'API_TOKEN_AS_BEARER',
  'api-token-needs-email': 'API_TOKEN_NEEDS_EMAIL',
  'access-token-as-basic': 'ACCESS_TOKEN_AS_BASIC',
} as const satisfies Record<string, FindingCode>;

export type AuthorizationProblemId = keyof typeof PROBLEM_CODES;

export interface AuthorizationProblem {
  readonly id: AuthorizationProblemId;
  readonly code: FindingCode;
  /** A clause without a final period ("the scheme is spelled ..."); never a secret. */
  readonly problem: string;
  /** What to do, one sentence with `$PLACEHOLDERS`. */
  readonly hint: string;
  /** `fixAuthorization(value, id)` corrects it mechanically. */
  readonly fixable: boolean;
  /** The scheme as written (without a colon), '' when there is none. */
  readonly scheme: string;
  /** The scheme Bitbucket wants, when known. */
  readonly expected?: string;
  /** The username of a Basic header or `-u` (never the secret). */
  readonly username?: string;
}

export interface AuthorizationOptions {
  /** The request is the JWT grant at the token endpoint, where `JWT` is the scheme (§1.2). */
  readonly jwtGrant?: boolean;
  /** The request goes to the token endpoint: Basic there is the OAuth consumer (§1.3). */
  readonly tokenEndpoint?: boolean;
}

/** The header's form, as the curl fixes see it: `scheme[:]<separator>credentials`, or one word. */
type Parts =
  { scheme: string; colon: boolean; separator: string; credentials: string } | { bare: string };

const knownish = (scheme: string): boolean =>
  canonicalScheme(scheme) !== undefined || BEARER_ALIASES.includes(scheme.toLowerCase());

const split = (value: string): Parts => {
  const v = value.replace(/^[ \t]+/u, '');
  const spaced = /^(\S+?)(:?)([ \t]+)([\s\S]*)$/u.exec(v);
  if (spaced !== null)
    return {
      scheme: spaced[1] ?? '',
      colon: spaced[2] === ':',
      separator: spaced[3] ?? ' ',
      credentials: spaced[4] ?? '',
    };
  const attached = /^([A-Za-z]+):(\S+)$/u.exec(v.trim());
  if (attached !== null && knownish(attached[1] ?? ''))
    return {
      scheme: attached[1] ?? '',
      colon: true,
      separator: '',
      credentials: attached[2] ?? '',
    };
  return { bare: v.trim() };
};

const join = (p: Exclude<Parts, { bare: string }>): string =>
  `${p.scheme}${p.colon ? ':' : ''}${p.separator}${p.credentials}`;

const QUOTED = /^(["']).*\1$/su;
const unquote = (text: string): string => (QUOTED.test(text) ? text.slice(1, -1) : text);

/** Shell expressions count as one word: `$(cat a file)` is not whitespace in a token. */
const withoutReferences = (text: string): string => {
  let rest = text;
  for (const ref of [...findReferences(text)].reverse())
    rest = `${rest.slice(0, ref.start)}x${rest.slice(ref.end)}`;
  return rest;
};

/** A Connect JWT carries a `qsh` claim (§1.2: the JWT scheme is for Connect apps). */
const isConnectJwt = (token: string): boolean => {
  const payload = token.split('.')[1];
  if (payload === undefined) return false;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null && CONNECT_JWT_CLAIM in claims;
  } catch {
    return false;
  }
};

const problem = (
  id: AuthorizationProblemId,
  text: string,
  hint: string,
  fixable: boolean,
  scheme: string,
  extra: { expected?: string; username?: string } = {},
): AuthorizationProblem => ({
  id,
  code: PROBLEM_CODES[id],
  problem: text,
  hint,
  fixable,
  scheme,
  ...extra,
});

const BEARER_HINT = `Send an access token as ${SEND_AS.bearer}.`;
const API_TOKEN_HINT = `Send an API token as Basic with your Atlassian account email: ${SEND_AS.apiToken}.`;

/**
 * What is wrong with Basic credentials `username:secret` (a Basic header or curl `-u`): an API
 * token with a username instead of the email (§5.2, §5.3), an access token as Basic with the git
 * username x-token-auth (§2.3). Not at the token endpoint, where Basic is the consumer (§1.3).
 */
export const basicCredentialProblems = (
  username: string,
  secret: string,
  options: AuthorizationOptions = {},
): AuthorizationProblem[] => {
  if (options.tokenEndpoint === true) return [];
  const out: AuthorizationProblem[] = [];
  if (looksLikeApiToken(secret) && !isPureReference(username) && !username.includes('@')) {
    const gitOnly =
      username === GIT_USERNAMES.apiToken
        ? 'that static username is for git only'
        : 'the username works for git only';
    out.push(
      problem(
        'api-token-needs-email',
        `an API token (${API_TOKEN_PREFIX}…) is paired with the username "${username}": for the REST API Bitbucket wants the Atlassian account email (${gitOnly})`,
        API_TOKEN_HINT,
        false,
        SCHEMES.basic,
        { username },
      ),
    );
  }
  if (username === GIT_USERNAMES.accessToken) {
    out.push(
      problem(
        'access-token-as-basic',
        `an access token is sent as Basic with ${GIT_USERNAMES.accessToken}: that form is for git; the REST API wants it as a Bearer token`,
        BEARER_HINT,
        false,
        SCHEMES.basic,
        { username },
      ),
    );
  }
  return out;
};

/**
 * Everything wrong with an Authorization header value, in causal order (the form of the header
 * before the credentials in it). A shell expression in it (`$TOKEN`, `$(cat f)`) is left to the
 * SECRET_UNEXPANDED judgement: it is not a malformed token (causal order, findings.ts).
 */
export const authorizationProblems = (
  value: string,
  options: AuthorizationOptions = {},
): AuthorizationProblem[] => {
  const out: AuthorizationProblem[] = [];
  if (value.trim() === '')
    return [problem('empty', 'the header has no value', BEARER_HINT, false, '')];
  const parts = split(value);
  if ('bare' in parts) {
    const word = parts.bare.replace(/:$/u, '');
    // "Bearer" alone: typically an empty $TOKEN expanded into the header.
    if (knownish(word))
      return [
        problem(
          'no-credentials',
          `the header says "${word}" with no credentials after it (an empty variable?)`,
          BEARER_HINT,
          false,
          word,
        ),
      ];
    // §2.2 [M]: a header without a scheme is ignored; the call runs anonymous. An API token is
    // not a Bearer token (§5.3), so it has no mechanical fix.
    const apiToken = looksLikeApiToken(word);
    return [
      problem(
        'no-scheme',
        'the header has no scheme, only a token',
        apiToken ? API_TOKEN_HINT : BEARER_HINT,
        !apiToken,
        '',
      ),
    ];
  }
  const { scheme, separator } = parts;
  const creds = unquote(parts.credentials.replace(/[ \t]+$/u, ''));
  const reference = isPureReference(creds);
  const apiToken = looksLikeApiToken(creds);
  const canonical = canonicalScheme(scheme);
  const lower = scheme.toLowerCase();
  const connect =
    canonical !== SCHEMES.jwt || options.jwtGrant === true || reference || isConnectJwt(creds);
  // RFC 7235 §2.1 (§2.1 of the dossier): the scheme is a token, and ':' is not a token character,
  // so "Bearer: x" does not parse: HEADER_MALFORMED, not an unknown scheme.
  if (parts.colon)
    out.push(
      problem(
        'scheme-colon',
        `there is a colon after the scheme ("${scheme}:"), so the header does not parse`,
        `Remove the colon: "Authorization: ${canonical ?? scheme} …".`,
        true,
        scheme,
      ),
    );
  if (canonical !== undefined && scheme !== canonical && connect) {
    // §2.1/§2.2: case-insensitive by RFC 9110, but Bitbucket Cloud ignores `bearer`.
    out.push(
      problem(
        'scheme-case',
        `the scheme is spelled "${scheme}"; Bitbucket only knows "${canonical}"`,
        canonical === SCHEMES.basic
          ? `Spell it "${SCHEMES.basic}", or let curl build the header: ${SEND_AS.apiToken}.`
          : `Spell it "${canonical}" (OAuth's token_type says "bearer"; the header must still say "${SCHEMES.bearer}").`,
        true,
        scheme,
        { expected: canonical },
      ),
    );
  } else if (canonical === undefined && UNSUPPORTED_SCHEMES.includes(lower)) {
    out.push(
      problem(
        'scheme-unsupported',
        `Bitbucket does not support ${scheme} authentication ("Digest not supported")`,
        `${BEARER_HINT.slice(0, -1)}, or Basic with ${SEND_AS.apiToken}.`,
        false,
        scheme,
      ),
    );
  } else if (canonical === undefined) {
    // §2.3 [U]: `token` (GitHub style) is most likely ignored; §10.3 rewrites it to Bearer.
    const alias = BEARER_ALIASES.includes(lower);
    out.push(
      problem(
        'scheme-unknown',
        `Bitbucket does not know the scheme "${scheme}"`,
        apiToken ? API_TOKEN_HINT : BEARER_HINT,
        alias && !apiToken,
        scheme,
        alias && !apiToken ? { expected: SCHEMES.bearer } : {},
      ),
    );
  } else if (!connect) {
    out.push(
      problem(
        'jwt-outside-connect',
        `"${SCHEMES.jwt}" is only for Connect apps exchanging a JWT at the token endpoint`,
        apiToken ? API_TOKEN_HINT : BEARER_HINT,
        !apiToken,
        scheme,
        apiToken ? {} : { expected: SCHEMES.bearer },
      ),
    );
  }
  if (separator !== ' ' && separator !== '')
    out.push(
      problem(
        'spacing',
        'there is more than one space (or a tab) after the scheme',
        `Write "Authorization: ${canonical ?? scheme} …" with exactly one space.`,
        true,
        scheme,
      ),
    );
  const raw = parts.credentials.replace(/[ \t]+$/u, '');
  if (raw === '') {
    out.push(
      problem(
        'no-credentials',
        `the header says "${scheme}" with no credentials after it (an empty variable?)`,
        BEARER_HINT,
        false,
        scheme,
      ),
    );
    return out;
  }
  if (reference) return out;
  // contract.md SECRET_WHITESPACE: quotes around the secret, or a line break at its end.
  if (QUOTED.test(raw) || /^[\r\n]|[\r\n]$/u.test(raw))
    out.push(
      problem(
        'secret-whitespace',
        QUOTED.test(raw)
          ? 'the credentials are wrapped in quotes, which are sent as part of the token'
          : 'the credentials start or end with a line break, which is sent as part of the token',
        'Remove the quotes and line breaks around the token.',
        true,
        scheme,
      ),
    );
  else if (/\s/u.test(withoutReferences(raw)))
    out.push(
      problem(
        'credentials-whitespace',
        'the credentials contain whitespace',
        'Check that the token was copied whole, without spaces or line breaks: a token is one word.',
        false,
        scheme,
      ),
    );
  if (canonical === SCHEMES.basic) {
    const decoded = decodeBasic(creds.trim());
    const colon = creds.indexOf(':');
    if (decoded !== undefined) {
      out.push(...basicCredentialProblems(decoded.username, decoded.secret, options));
    } else {
      out.push(
        problem(
          colon > 0 ? 'basic-not-encoded' : 'basic-not-base64',
          colon > 0
            ? `${SCHEMES.basic} must be followed by base64 of user:secret, and this is user:secret in clear`
            : `${SCHEMES.basic} must be followed by base64 of user:secret, and this is not`,
          `Let curl build the header: ${SEND_AS.apiToken}.`,
          colon > 0,
          scheme,
        ),
      );
      if (colon > 0)
        out.push(
          ...basicCredentialProblems(creds.slice(0, colon), creds.slice(colon + 1), options),
        );
    }
  }
  if (canonical === SCHEMES.bearer && apiToken)
    out.push(
      problem(
        'api-token-as-bearer',
        `an API token (${API_TOKEN_PREFIX}…) is sent as Bearer: Bitbucket answers 401 "Token is invalid, expired, or not supported for this endpoint."`,
        API_TOKEN_HINT,
        false,
        scheme,
      ),
    );
  return out;
};

/** The header value with one problem fixed (unchanged when it has no mechanical fix). */
export const fixAuthorization = (value: string, id: AuthorizationProblemId): string => {
  const parts = split(value);
  if ('bare' in parts) return id === 'no-scheme' ? `${SCHEMES.bearer} ${parts.bare}` : value;
  const p = { ...parts };
  switch (id) {
    case 'scheme-colon':
      p.colon = false;
      if (p.separator === '') p.separator = ' ';
      break;
    case 'scheme-case':
      p.scheme = canonicalScheme(p.scheme) ?? p.scheme;
      break;
    case 'scheme-unknown':
    case 'jwt-outside-connect':
      p.scheme = SCHEMES.bearer;
      break;
    case 'spacing':
      p.separator = ' ';
      break;
    case 'secret-whitespace':
      p.credentials = unquote(p.credentials.trim());
      break;
    case 'basic-not-encoded': {
      const creds = p.credentials.trim();
      const colon = creds.indexOf(':');
      p.credentials = encodeBasic(creds.slice(0, colon), creds.slice(colon + 1));
      break;
    }
    default:
      return value;
  }
  return join(p);
};

/** Every mechanical fix applied (the header the corrected command sends), or undefined. */
export const correctedAuthorization = (
  value: string,
  options: AuthorizationOptions = {},
): string | undefined => {
  const fixable = authorizationProblems(value, options).filter((p) => p.fixable);
  if (fixable.length === 0) return undefined;
  return fixable.reduce((current, p) => fixAuthorization(current, p.id), value);
};

/** The codes of the header's own form: what header-casing judges (the rest is other checks'). */
export const HEADER_CODES: readonly FindingCode[] = [
  'HEADER_MALFORMED',
  'HEADER_SCHEME_CASE',
  'HEADER_SCHEME_UNKNOWN',
];

export interface HeaderLint {
  readonly code: FindingCode;
  readonly problem: string;
  /** The corrected header value (every mechanical fix), when the problem has one. */
  readonly corrected?: string;
}

/**
 * The first problem of the header's form (HEADER_MALFORMED, HEADER_SCHEME_CASE,
 * HEADER_SCHEME_UNKNOWN), from `authorizationProblems`, with the corrected header when that
 * problem has a mechanical fix. Bitbucket Cloud ignores a header it cannot read (§2.1-2.3), so the
 * call runs anonymous.
 */
export const lintAuthorization = (
  value: string,
  options: AuthorizationOptions = {},
): HeaderLint | undefined => {
  const first = authorizationProblems(value, options).find((p) => HEADER_CODES.includes(p.code));
  if (first === undefined) return undefined;
  const corrected = first.fixable ? correctedAuthorization(value, options) : undefined;
  return {
    code: first.code,
    problem: first.problem,
    ...(corrected === undefined ? {} : { corrected }),
  };
};
