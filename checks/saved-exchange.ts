/**
 * saved-exchange: the offline twin of `identity`, for `bb-doctor explain FILE`. It reads every
 * exchange of the saved capture (curl -v / curl -i / raw HTTP / HAR), names the cause of each
 * failing answer from the documented response signatures AND from what the captured request shows
 * (the scheme, the kind of secret by its shape, the username), and reports the one that matters
 * most in causal order (src/findings.ts).
 *
 * Why the request matters: several Bitbucket answers are ambiguous on their own (bitbucket-auth.md
 * §3.4, §5.3: one "Login failed" text and one "Token is invalid" text for several mistakes; §3.2:
 * one 404 for "missing", "private" and "your header was ignored"). The live checks tell them apart
 * by experiment; offline, the captured request is the only other witness.
 *
 * Nothing here is sent: captured exchanges with a request URL are fetched through `ctx.http`, which
 * in an explain run answers with the captured exchange (so it becomes evidence); exchanges without
 * a request (curl -i output without the command) cannot be fetched and are summarised in `details`.
 * Secrets never reach the outcome: credentials are described by kind (shape) and username only.
 */
import { causalRank } from '../src/findings.js';
import { kindByShape, parseAuthorization } from '../src/intake/credentials.js';
import { classifyUrl, type UrlClassification } from '../src/knowledge/api-versions.js';
import { detectDataCenter, type DataCenterDetection } from '../src/knowledge/data-center.js';
import { DOCS } from '../src/knowledge/docs.js';
import { parseScopeList } from '../src/knowledge/scopes.js';
import {
  headerValue,
  matchSignatures,
  parseErrorBody,
  type Signature,
} from '../src/knowledge/signatures.js';
import { appPasswordStatus } from '../src/knowledge/timeline.js';
import {
  defineCheck,
  type Exchange,
  type FindingCode,
  type HttpResult,
  type Outcome,
  type Remediation,
  type RequestOptions,
} from '../src/types.js';
import { lintAuthorization } from '../src/facts/header-lint.js';
import { CLIENT_CREDENTIALS_COMMAND, REFRESH_COMMAND, remedy } from '../src/facts/remedies.js';

/** Every code this check can name (meta.codes). */
const CODES = [
  'NETWORK_UNREACHABLE',
  'PROXY_AUTH_REQUIRED',
  'TLS_ERROR',
  'TIMEOUT',
  'SERVER_ERROR',
  'RATE_LIMITED',
  'HEADER_MALFORMED',
  'HEADER_SCHEME_CASE',
  'HEADER_SCHEME_UNKNOWN',
  'SECRET_IN_URL',
  'PASSWORD_GRANT_REMOVED',
  'ACCOUNT_PASSWORD_REJECTED',
  'APP_PASSWORD_REMOVED',
  'API_TOKEN_AS_BEARER',
  'API_TOKEN_NEEDS_EMAIL',
  'API_TOKEN_UNSCOPED',
  'ACCESS_TOKEN_AS_BASIC',
  'TOKEN_EXPIRED',
  'TOKEN_INVALID',
  'AUTH_REJECTED',
  'CONSUMER_INVALID',
  'CONSUMER_NOT_PRIVATE',
  'CONSUMER_NO_CALLBACK',
  'REFRESH_TOKEN_INVALID',
  'SCOPE_MISSING',
  'WRONG_HOST',
  'INSECURE_HTTP',
  'API_V1_REMOVED',
  'ENDPOINT_REMOVED',
  'DATA_CENTER_PATH_ON_CLOUD',
  'REPO_NOT_FOUND_OR_NO_ACCESS',
] as const satisfies readonly FindingCode[];

/** The cause of one failing exchange. */
interface Finding {
  readonly code: FindingCode;
  /** One sentence, ending with a period; never a secret. */
  readonly cause: string;
  readonly remediation: Remediation;
  /** Facts for JSON consumers (`missing`, `replacement`, `authenticatedAs`...). */
  readonly data?: Readonly<Record<string, unknown>>;
  /** Extra lines for `details`. */
  readonly notes?: readonly string[];
}

/** One captured exchange, as the report lists it. */
interface Entry {
  /** 1-based, in capture order. */
  readonly index: number;
  readonly exchange: Exchange;
  readonly method: string | null;
  readonly path: string | null;
  readonly status: number | null;
  /** Status ≥ 400, or no response at all. */
  readonly failed: boolean;
  readonly finding?: Finding;
  /** Why a failed exchange has no finding (no known signature). */
  readonly unexplained?: string;
}

// ---------------------------------------------------------------------------------------------
// What the captured request shows
// ---------------------------------------------------------------------------------------------

const hasRequest = (exchange: Exchange): boolean => exchange.request.url !== '';

const parsedUrl = (url: string): URL | undefined => {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
};

/** The path only: no query (it may hold `access_token=`), no userinfo. */
const pathOf = (exchange: Exchange): string | null =>
  hasRequest(exchange) ? (parsedUrl(exchange.request.url)?.pathname ?? null) : null;

/** origin + path for a copy-pasteable command (no query, no userinfo), quoted when needed. */
const commandUrl = (exchange: Exchange): string | undefined => {
  const url = hasRequest(exchange) ? parsedUrl(exchange.request.url) : undefined;
  if (url === undefined) return undefined;
  const plain = `${url.origin}${url.pathname}`;
  return /^[\w\-./:%~+=@]+$/u.test(plain) ? plain : `'${plain.replace(/'/gu, "'\\''")}'`;
};

/** A curl command for a GET/HEAD of the captured URL with the given auth option, if it fits. */
const curlFor = (exchange: Exchange, auth: string): string[] | undefined => {
  const url = commandUrl(exchange);
  const method = exchange.request.method.toUpperCase();
  if (url === undefined || (method !== 'GET' && method !== 'HEAD' && method !== '')) {
    return undefined;
  }
  return [`curl ${method === 'HEAD' ? '-I ' : ''}${auth} ${url}`];
};

const BASIC_API_TOKEN = '-u "$BITBUCKET_EMAIL:$BITBUCKET_API_TOKEN"';
const BEARER_ACCESS_TOKEN = '-H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN"';

/** How the captured request authenticated, described without the secret. */
interface SentAuth {
  /** The scheme as written ('' when the header has none). */
  readonly scheme: string;
  /** Basic's username (a username or an email: not a secret). */
  readonly username?: string;
  /** The secret's kind by its shape (§4.2 [L], credentials.ts), if it has a known shape. */
  readonly kind?: 'api-token' | 'app-password' | 'access-token';
  /** e.g. `Basic with jdoe and an API token (ATATT…)`. */
  readonly describe: string;
}

const KIND_LABEL: Record<NonNullable<SentAuth['kind']>, string> = {
  'api-token': 'an API token (ATATT…)',
  'app-password': 'an app password (ATBB…)',
  'access-token': 'an access token',
};

const authorizationOf = (exchange: Exchange): string | undefined =>
  hasRequest(exchange) ? headerValue(exchange.request.headers, 'authorization') : undefined;

const sentAuth = (value: string): SentAuth => {
  const parsed = parseAuthorization(value);
  const lower = parsed.scheme.toLowerCase();
  const secret = parsed.basic?.secret ?? (lower === 'bearer' ? parsed.rest : undefined);
  const shape = secret === undefined ? undefined : kindByShape(secret)?.kind;
  const kind =
    shape === 'api-token' || shape === 'app-password' || shape === 'access-token'
      ? shape
      : undefined;
  const what = kind === undefined ? 'a secret' : KIND_LABEL[kind];
  // A scheme is printed only when it looks like one: a header that is only a token with a space
  // in it would otherwise put part of the secret in the report.
  const printable =
    /^[A-Za-z][A-Za-z0-9_-]{0,15}$/u.test(parsed.scheme) &&
    kindByShape(parsed.scheme) === undefined;
  const scheme = printable ? parsed.scheme : '';
  const describe =
    parsed.basic !== undefined
      ? `${parsed.scheme} with ${parsed.basic.username === '' ? '(no username)' : parsed.basic.username} and ${what}`
      : lower === 'bearer'
        ? `${parsed.scheme} with ${what}`
        : printable
          ? `the scheme "${parsed.scheme}"`
          : 'a header without a known scheme';
  return {
    scheme,
    ...(parsed.basic === undefined ? {} : { username: parsed.basic.username }),
    ...(kind === undefined ? {} : { kind }),
    describe,
  };
};

/**
 * Values of the request that may be secrets (Authorization parts, cookies, query and form values).
 * A server message that contains one is not quoted.
 */
const requestSecrets = (exchange: Exchange): string[] => {
  if (!hasRequest(exchange)) return [];
  const out: string[] = [];
  const auth = authorizationOf(exchange);
  if (auth !== undefined) {
    const parsed = parseAuthorization(auth);
    out.push(auth.trim(), parsed.rest);
    if (parsed.basic !== undefined) out.push(parsed.basic.secret);
  }
  for (const cookie of (headerValue(exchange.request.headers, 'cookie') ?? '').split(';')) {
    out.push(cookie.slice(cookie.indexOf('=') + 1).trim());
  }
  for (const [, value] of parsedUrl(exchange.request.url)?.searchParams ?? []) out.push(value);
  for (const [, value] of new URLSearchParams(exchange.request.body ?? '')) out.push(value);
  return out.filter((value) => value.length >= 8);
};

/** Bitbucket's own words, for details; undefined when they would echo a request value. */
const said = (exchange: Exchange): string | undefined => {
  const response = exchange.response;
  if (response === undefined) return undefined;
  const parsed = parseErrorBody(response.body, headerValue(response.headers, 'content-type'));
  if (parsed.message === undefined) return undefined;
  const message = parsed.message.length > 200 ? `${parsed.message.slice(0, 200)}…` : parsed.message;
  if (requestSecrets(exchange).some((secret) => message.includes(secret))) return undefined;
  return message;
};

// ---------------------------------------------------------------------------------------------
// Remediations (hint: an imperative sentence; commands: placeholders only; url: DOCS)
// ---------------------------------------------------------------------------------------------

const withCommands = (remediation: Remediation, commands: string[] | undefined): Remediation =>
  commands === undefined ? remediation : { ...remediation, commands };

/** The catalogue's advice, with the user's own call corrected where a command helps. */
const remedyOf = (code: FindingCode, exchange: Exchange): Remediation => {
  switch (code) {
    case 'API_TOKEN_NEEDS_EMAIL':
    case 'API_TOKEN_AS_BEARER':
    case 'APP_PASSWORD_REMOVED':
    case 'ACCOUNT_PASSWORD_REJECTED':
      return remedy(code, curlFor(exchange, BASIC_API_TOKEN));
    case 'ACCESS_TOKEN_AS_BASIC':
    case 'HEADER_SCHEME_CASE':
    case 'HEADER_SCHEME_UNKNOWN':
    case 'SECRET_IN_URL':
      return remedy(code, curlFor(exchange, BEARER_ACCESS_TOKEN));
    case 'TOKEN_EXPIRED':
    case 'REFRESH_TOKEN_INVALID':
      return remedy(code, [REFRESH_COMMAND]);
    case 'CONSUMER_INVALID':
    case 'CONSUMER_NOT_PRIVATE':
    case 'CONSUMER_NO_CALLBACK':
      return remedy(code, [CLIENT_CREDENTIALS_COMMAND]);
    default:
      return remedy(code);
  }
};

const finding = (
  code: FindingCode,
  exchange: Exchange,
  cause: string,
  extra: { remediation?: Remediation; data?: Record<string, unknown>; notes?: string[] } = {},
): Finding => ({
  code,
  cause,
  remediation: extra.remediation ?? remedyOf(code, exchange),
  ...(extra.data === undefined ? {} : { data: extra.data }),
  ...(extra.notes === undefined || extra.notes.length === 0 ? {} : { notes: extra.notes }),
});

// ---------------------------------------------------------------------------------------------
// The rules
// ---------------------------------------------------------------------------------------------

/** The date of the answer (its Date header), else now: app-password advice depends on it (§5.1). */
const answerDate = (exchange: Exchange, now: Date): Date => {
  const value = headerValue(exchange.response?.headers ?? {}, 'date');
  const date = value === undefined ? undefined : new Date(value);
  return date === undefined || Number.isNaN(date.getTime()) ? now : date;
};

/**
 * §3.4 (2), §3.5, §5.2, §5.3, §2.3: a 401 that rejects credentials ("Login failed…", the
 * `Basic realm="Bitbucket.org HTTP"` challenge, "Token is invalid, expired, or not supported…",
 * "not accessible by this authentication mechanism") says nothing of which mistake was made; the
 * captured request does: the scheme, the shape of the secret and whether the username is an email.
 */
const credentialRule = (
  signature: Signature,
  exchange: Exchange,
  now: Date,
): Finding | undefined => {
  const auth = authorizationOf(exchange);
  if (!hasRequest(exchange)) {
    return finding(
      signature.code,
      exchange,
      `${signature.summary} The capture does not show the request, so which credential was sent (and how) is unknown.`,
    );
  }
  if (auth === undefined) return undefined;
  const sent = sentAuth(auth);
  const tokenInvalid =
    signature.id === 'cloud-token-invalid' ||
    signature.id === 'cloud-auth-mechanism-not-accessible';
  const lower = sent.scheme.toLowerCase();
  const email = sent.username?.includes('@') === true;

  if (lower === 'bearer' && sent.kind === 'api-token') {
    // §5.3, §2.3: an API token as Bearer → 401 "Token is invalid…"; it must be Basic with the email.
    return finding(
      'API_TOKEN_AS_BEARER',
      exchange,
      'An Atlassian API token (ATATT…) was sent as Bearer; Bitbucket only accepts it as Basic with the Atlassian account email.',
    );
  }
  if (lower !== 'basic' || sent.username === undefined) return undefined;
  if (sent.username === 'x-token-auth' || sent.kind === 'access-token') {
    // §2.3, §9.14: repository/project/workspace and OAuth access tokens go as Bearer for REST;
    // x-token-auth is their git username.
    return finding(
      'ACCESS_TOKEN_AS_BASIC',
      exchange,
      `An access token was sent with Basic (${sent.describe}); REST wants it as "Authorization: Bearer <token>".`,
    );
  }
  if (sent.kind === 'api-token' && !email) {
    // §5.2 (KB): "The Bitbucket username or the token name will NOT work when using API tokens."
    return finding(
      'API_TOKEN_NEEDS_EMAIL',
      exchange,
      `An API token (ATATT…) was sent with the username ${sent.username === '' ? '(empty)' : sent.username}; for REST, Bitbucket wants the Atlassian account email.`,
    );
  }
  if (sent.kind === 'api-token' && tokenInvalid) {
    // §5.3, §9.4: with the email, "Token is invalid…" means a classic token without Bitbucket scopes.
    return finding(
      'API_TOKEN_UNSCOPED',
      exchange,
      `An API token was sent with the email ${sent.username} and refused as invalid: a classic API token without Bitbucket scopes (or a revoked one) answers this way.`,
    );
  }
  if (sent.kind === 'app-password') {
    // §5.2: an app password wants the Bitbucket username, never the email; §5.1: app passwords fail
    // with 401 from the brownouts (2026-06-09) and are gone since 2026-07-28.
    const status = appPasswordStatus(answerDate(exchange, now));
    if (email) {
      return finding(
        'APP_PASSWORD_REMOVED',
        exchange,
        `An app password (ATBB…) was sent with the email ${sent.username}: app passwords only ever worked with the Bitbucket username, and they ${status === 'removed' ? 'were removed on 2026-07-28' : 'are being removed (2026-07-28)'}.`,
      );
    }
    if (status === 'removed' || status === 'brownouts') {
      return finding(
        'APP_PASSWORD_REMOVED',
        exchange,
        `An app password (ATBB…) was refused: app passwords ${status === 'removed' ? 'were removed on 2026-07-28' : 'fail during the brownouts before their removal on 2026-07-28'}.`,
      );
    }
  }
  return finding(
    signature.code,
    exchange,
    `${signature.summary} The request sent ${sent.describe}.`,
  );
};

/**
 * §2.2, §2.3: Bitbucket Cloud ignores an Authorization header whose scheme is not spelled `Bearer`
 * or `Basic` (lowercase `bearer`, `token`, none), so the call runs anonymously: 401 on /2.0/user,
 * 403 in one report, 404 on a private repository (§3.2). The header is the cause, not the answer.
 */
const headerRule = (exchange: Exchange, status: number): Finding | undefined => {
  const auth = authorizationOf(exchange);
  if (auth === undefined || ![401, 403, 404].includes(status)) return undefined;
  const lint = lintAuthorization(auth);
  if (lint === undefined) return undefined;
  const ignored =
    status === 404
      ? 'so Bitbucket ignored the credentials and answered as to an anonymous caller (404: missing or private)'
      : `so Bitbucket did not read the credentials (${status})`;
  return finding(
    lint.code,
    exchange,
    `The Authorization header is wrong: ${lint.problem}, ${ignored}.`,
  );
};

/** The captured exchange that redirected to this one, if any (curl -L, §3.2 fixture notes). */
const redirectedFrom = (exchanges: readonly Exchange[], index: number): Exchange | undefined => {
  const previous = exchanges[index - 1];
  const location = headerValue(previous?.response?.headers ?? {}, 'location');
  const current = exchanges[index];
  if (previous === undefined || current === undefined || location === undefined) return undefined;
  const status = previous.response?.status ?? 0;
  if (status < 300 || status > 399) return undefined;
  const target = parsedUrl(previous.request.url);
  try {
    return new URL(location, target).href === parsedUrl(current.request.url)?.href
      ? previous
      : undefined;
  } catch {
    return undefined;
  }
};

/**
 * §3.2 (404 "…make sure you are authenticated"): the same answer for "does not exist", "private and
 * you may not see it" and "you were anonymous". What the request carried tells which.
 */
const notFoundRule = (
  signature: Signature,
  exchanges: readonly Exchange[],
  position: number,
): Finding => {
  const exchange = exchanges[position]!;
  if (!hasRequest(exchange)) {
    return finding(
      signature.code,
      exchange,
      `${signature.summary} The capture does not show the request, so whether it was authenticated is unknown.`,
    );
  }
  const auth = authorizationOf(exchange);
  if (auth === undefined) {
    const from = redirectedFrom(exchanges, position);
    const dropped = from !== undefined && authorizationOf(from) !== undefined;
    const anonymous = dropped
      ? `The call ran anonymously: the redirect of saved exchange ${position} (${from.response?.status ?? '?'}) was followed without the Authorization header (curl sends credentials only to the same scheme, host and port), so Bitbucket answered 404 (missing, or private).`
      : 'The call was anonymous (no Authorization header), and Bitbucket answers 404 for a private repository to an anonymous caller as for a missing one.';
    return finding(signature.code, exchange, anonymous, {
      remediation: withCommands(
        {
          hint: 'Send credentials with the call (an API token as Basic with your Atlassian account email, or an access token as Bearer), then check the workspace and repository slug.',
          url: DOCS.apiTokens,
        },
        curlFor(exchange, BASIC_API_TOKEN),
      ),
      data: { anonymous: true, ...(dropped ? { credentialsDroppedByRedirect: true } : {}) },
    });
  }
  return finding(
    signature.code,
    exchange,
    `The repository does not exist, or the credentials sent (${sentAuth(auth).describe}) may not see it; Bitbucket answers 404 for both.`,
    { data: { anonymous: false } },
  );
};

/** §4.4: `detail.required` minus `detail.granted` (granted falls back to `x-oauth-scopes`, §3.6). */
const scopeRule = (signature: Signature, exchange: Exchange): Finding => {
  const response = exchange.response!;
  const parsed = parseErrorBody(response.body, headerValue(response.headers, 'content-type'));
  const granted = parsed.granted ?? parseScopeList(headerValue(response.headers, 'x-oauth-scopes'));
  const accepted = parseScopeList(headerValue(response.headers, 'x-accepted-oauth-scopes'));
  const required = parsed.required ?? [];
  // Quoted verbatim (§4.4: "quote required verbatim and do not over-interpret it").
  const difference = required.filter((scope) => !granted.includes(scope));
  const missing = difference.length > 0 ? difference : required;
  const cause =
    missing.length > 0
      ? `The credential lacks the scope${missing.length === 1 ? '' : 's'} ${missing.join(', ')}${granted.length > 0 ? ` (it has ${granted.join(', ')})` : ''}.`
      : `${signature.summary}${accepted.length > 0 ? ` This endpoint accepts ${accepted.join(', ')}.` : ''}`;
  return finding('SCOPE_MISSING', exchange, cause, {
    remediation:
      missing.length > 0
        ? {
            hint: `Give the credential the scope${missing.length === 1 ? '' : 's'} ${missing.join(', ')}: a new API token with ${missing.length === 1 ? 'it' : 'them'}, or the permissions of the OAuth consumer or access token.`,
            url: DOCS.scopes,
          }
        : remedyOf('SCOPE_MISSING', exchange),
    data: { missing, required, granted, ...(accepted.length > 0 ? { accepted } : {}) },
  });
};

/** §8: Data Center reads a 401 differently (CAPTCHA lock; authenticated-but-not-permitted). */
const dataCenterRule = (
  signature: Signature,
  exchange: Exchange,
  dc: DataCenterDetection,
): Finding => {
  const status = exchange.response?.status ?? 0;
  const auth = authorizationOf(exchange);
  const user = auth === undefined ? undefined : sentAuth(auth).username;
  const notes = [
    ...(dc.explanation === undefined ? [] : [dc.explanation]),
    ...(dc.evidence.length > 0 ? [`Data Center markers: ${dc.evidence.join('; ')}.`] : []),
  ];
  if (dc.captcha) {
    return finding(
      signature.code,
      exchange,
      `Bitbucket Data Center: CAPTCHA required, the account${user === undefined || user === '' ? '' : ` ${user}`} is locked after too many failed logins, and until the CAPTCHA is solved even the right password fails.`,
      {
        remediation: {
          hint: 'Log in to Bitbucket Data Center in a browser and solve the CAPTCHA (log out first if already logged in), then fix or stop the job that kept sending the wrong password.',
          url: DOCS.dataCenterBasicAuth,
        },
        data: { product: 'data-center', captcha: true },
        notes,
      },
    );
  }
  if (status === 401 && dc.authenticatedAs !== undefined) {
    return finding(
      signature.code,
      exchange,
      `Bitbucket Data Center: authenticated as ${dc.authenticatedAs} but not permitted to access this resource (Data Center answers 401, not 403, for a missing permission).`,
      {
        remediation: {
          hint: 'Ask a project or repository admin for permission, or use an HTTP access token that has it; the credentials themselves work.',
          url: DOCS.dataCenterHttpAccessTokens,
        },
        data: { product: 'data-center', authenticatedAs: dc.authenticatedAs },
        notes,
      },
    );
  }
  return finding(signature.code, exchange, `Bitbucket Data Center: ${signature.summary}`, {
    remediation: {
      hint: 'Check the Data Center username and password or HTTP access token (project and repository tokens only work as Bearer); repeated failures lock the account behind a CAPTCHA.',
      url: DOCS.dataCenterHttpAccessTokens,
    },
    data: { product: 'data-center' },
    notes,
  });
};

/** §3.7, §6, §1.1: a URL problem that is one of the signature's alternatives names the cause. */
const urlAlternative = (
  signature: Signature,
  classification: UrlClassification | undefined,
): UrlClassification['problems'][number] | undefined =>
  classification?.problems.find((problem) => signature.alsoConsider?.includes(problem.code));

/** A replacement URL without query (it may hold placeholders; never secrets: classifyUrl drops them). */
const replacementOf = (
  classification: UrlClassification | undefined,
  code: FindingCode,
): string | undefined =>
  classification?.problems.find((problem) => problem.code === code)?.replacementUrl;

/**
 * No response at all. curl(1) EXIT CODES and Chromium's net errors name network failures; a
 * request the browser blocked (an extension, CORS) was never sent and says nothing.
 */
const noResponseRule = (exchange: Exchange): Finding | string => {
  const error = exchange.error;
  const code = error?.code ?? '';
  const message = error?.message ?? '';
  const host = parsedUrl(exchange.request.url)?.host ?? 'the server';
  const curl = /^CURLE_(\d+)$/u.exec(code)?.[1];
  const net = /net::(ERR_[A-Z_]+)/u.exec(message)?.[1] ?? '';
  if (/\b407\b/u.test(message) || net.startsWith('ERR_PROXY_AUTH')) {
    return finding(
      'PROXY_AUTH_REQUIRED',
      exchange,
      `A proxy wanted its own credentials (407) on the way to ${host}.`,
    );
  }
  if (curl === '28' || net.includes('TIMED_OUT')) {
    return finding('TIMEOUT', exchange, `No answer from ${host} in time (${message || code}).`);
  }
  if (
    ['35', '53', '54', '58', '59', '60', '66', '77', '80', '82', '83', '90', '91'].includes(
      curl ?? '',
    ) ||
    /^ERR_(?:CERT|SSL)_/u.test(net)
  ) {
    return finding('TLS_ERROR', exchange, `TLS to ${host} failed (${message || code}).`);
  }
  if (
    ['5', '6', '7', '52', '55', '56', '97'].includes(curl ?? '') ||
    /^ERR_(?:NAME_NOT_RESOLVED|CONNECTION_(?:REFUSED|RESET|CLOSED|FAILED)|INTERNET_DISCONNECTED|ADDRESS_UNREACHABLE|EMPTY_RESPONSE)$/u.test(
      net,
    )
  ) {
    return finding(
      'NETWORK_UNREACHABLE',
      exchange,
      `${host} could not be reached (${message || code}).`,
    );
  }
  return `no response was recorded: ${message || code || 'unknown reason'}, which says nothing about the credentials`;
};

/**
 * curl(1) --location: an http:// URL redirected to https:// sent its credentials over the network
 * unencrypted, and curl does not resend them to another scheme, host or port (since 7.83.0,
 * CVE-2022-27776), so the follow-up runs anonymously (§3.2: a private repository then answers
 * 404). Reported on the failing follow-up (`at`) when there is one, else on the redirect itself.
 */
const insecureRedirectFinding = (
  exchanges: readonly Exchange[],
  redirectAt: number,
  at: number,
): Finding | undefined => {
  const redirect = exchanges[redirectAt];
  const status = redirect?.response?.status ?? 0;
  if (redirect === undefined || status < 300 || status > 399 || !hasRequest(redirect)) {
    return undefined;
  }
  const insecure = classifyUrl(redirect.request.url).problems.find(
    (problem) => problem.code === 'INSECURE_HTTP',
  );
  const location = headerValue(redirect.response?.headers ?? {}, 'location');
  let target: URL | undefined;
  try {
    target = location === undefined ? undefined : new URL(location, redirect.request.url);
  } catch {
    target = undefined;
  }
  if (insecure === undefined || target?.protocol !== 'https:') return undefined;
  const auth = authorizationOf(redirect);
  const next = exchanges[redirectAt + 1];
  const dropped =
    auth !== undefined &&
    next !== undefined &&
    redirectedFrom(exchanges, redirectAt + 1) === redirect &&
    authorizationOf(next) === undefined;
  const exchange = exchanges[at]!;
  const onFollowUp = at !== redirectAt;
  const cause = onFollowUp
    ? `The URL used plain http://: saved exchange ${redirectAt + 1} was redirected (${status}) to https://, the credentials (${auth === undefined ? 'none' : sentAuth(auth).describe}) crossed the network unencrypted there, and curl did not resend them to https://, so this call ran anonymously.`
    : 'The URL used plain http:// and was redirected to https://' +
      (auth === undefined
        ? '.'
        : `: the credentials (${sentAuth(auth).describe}) crossed the network unencrypted.`);
  return finding('INSECURE_HTTP', exchange, cause, {
    remediation: withCommands(
      {
        hint:
          auth === undefined
            ? 'Use https:// in the URL.'
            : 'Use https:// in the URL, and replace the secret that was sent over plain http://.',
        url: DOCS.restIntro,
      },
      insecure.replacementUrl === undefined
        ? undefined
        : [
            `curl ${auth === undefined ? '' : `${BASIC_API_TOKEN} `}${insecure.replacementUrl.replace(/\?.*$/su, '')}`,
          ],
    ),
    data: {
      redirect: redirectAt + 1,
      credentialsSentInClear: auth !== undefined,
      credentialsDroppedByRedirect: dropped,
    },
  });
};

/** Diagnoses one exchange; `undefined` finding and `unexplained` when no rule names the cause. */
const diagnose = (
  exchanges: readonly Exchange[],
  position: number,
  now: Date,
): { finding?: Finding; unexplained?: string } => {
  const exchange = exchanges[position]!;
  const response = exchange.response;
  if (response === undefined) {
    const result = noResponseRule(exchange);
    return typeof result === 'string' ? { unexplained: result } : { finding: result };
  }
  const status = response.status;
  const classification = hasRequest(exchange) ? classifyUrl(exchange.request.url) : undefined;

  if (status >= 300 && status < 400) {
    // A 3xx is not a failure, except an http:// URL redirected to https:// (curl(1) --location).
    const finding3xx = insecureRedirectFinding(exchanges, position, position);
    return finding3xx === undefined ? {} : { finding: finding3xx };
  }
  if (status < 400) return {};

  const signatures = matchSignatures(response);
  const best = signatures[0];
  const dc = detectDataCenter(response);

  // The anonymous follow-up of an insecure redirect: the http:// URL is the root cause.
  const from = redirectedFrom(exchanges, position);
  if (
    from !== undefined &&
    authorizationOf(exchange) === undefined &&
    authorizationOf(from) !== undefined &&
    [401, 403, 404].includes(status) &&
    (best === undefined ||
      best.blamesCredentials ||
      best.alsoConsider?.includes('CREDENTIALS_IGNORED') === true)
  ) {
    const insecure = insecureRedirectFinding(exchanges, position - 1, position);
    if (insecure !== undefined) return { finding: insecure };
  }

  if (dc.isDataCenter || dc.captcha) {
    return best === undefined
      ? { unexplained: `a Bitbucket Data Center answer ${status}` }
      : { finding: dataCenterRule(best, exchange, dc) };
  }

  // The header before the credential (causal order): only when the answer blames the credentials
  // or is the anonymous 404, or when there is no signature at all (§2.2 reports 401/403/404).
  const anonymousAnswer = best?.alsoConsider?.includes('CREDENTIALS_IGNORED') === true;
  if (best === undefined || best.blamesCredentials || anonymousAnswer) {
    const header = headerRule(exchange, status);
    if (header !== undefined) return { finding: header };
  }

  // §1.5 (2026-05-04): tokens in the query string are rejected; with no header, that is the cause.
  const inQuery = classification?.problems.find(
    (p) => p.code === 'SECRET_IN_URL' && p.summary.includes('access_token'),
  );
  if (
    inQuery !== undefined &&
    authorizationOf(exchange) === undefined &&
    [401, 403, 404].includes(status) &&
    (best === undefined || best.blamesCredentials || anonymousAnswer)
  ) {
    return {
      finding: finding(
        'SECRET_IN_URL',
        exchange,
        'The token was sent in the query string (access_token=), which Bitbucket rejects since 2026-05-04, and no Authorization header was sent.',
      ),
    };
  }

  if (best === undefined) {
    return { unexplained: `an answer ${status} that matches no documented one` };
  }

  switch (best.id) {
    case 'cloud-basic-login-failed':
    case 'cloud-basic-realm':
    case 'cloud-token-invalid':
    case 'cloud-auth-mechanism-not-accessible': {
      const refined = credentialRule(best, exchange, now);
      if (refined !== undefined) return { finding: refined };
      break;
    }
    case 'cloud-repo-no-access-2022':
    case 'cloud-repo-no-access-2025':
      return { finding: notFoundRule(best, exchanges, position) };
    case 'cloud-scope-missing':
      return { finding: scopeRule(best, exchange) };
    case 'oauth-unsupported-grant': {
      // §1.6: "Unsupported grant type: None" is a missing grant_type; only a request that sent
      // grant_type=password is the removed password grant.
      const grant = new URLSearchParams(exchange.request.body ?? '').get('grant_type');
      if (grant !== 'password') {
        return {
          unexplained: `${status} "Unsupported grant type" without grant_type=password in the captured request`,
        };
      }
      break;
    }
    default:
      break;
  }

  // A URL problem that the signature lists as an alternative (e.g. a 404 "no API hosted" on a
  // Data Center path, a bare 403 on an unversioned path) names the cause (§3.2, §3.3, §6).
  const alternative = urlAlternative(best, classification);
  if (alternative !== undefined) {
    return {
      finding: finding(alternative.code, exchange, alternative.summary, {
        ...(alternative.replacementUrl === undefined
          ? {}
          : {
              remediation: {
                ...remedyOf(alternative.code, exchange),
                hint: `Call ${alternative.replacementUrl} instead.`,
              },
              data: { signature: best.id, replacement: alternative.replacementUrl },
            }),
        notes: [best.explanation],
      }),
    };
  }
  if (best.id === 'cloud-forbidden') return { finding: scopeRule(best, exchange) };

  // Everything else: the best signature, with the URL's 2.0 replacement when one is known (§6, §3.7).
  const replacement = replacementOf(classification, best.code);
  const announcement =
    best.code === 'ENDPOINT_REMOVED' ? parseErrorBody(response.body).announcementUrl : undefined;
  const remediation =
    best.code === 'API_V1_REMOVED' && replacement !== undefined
      ? { hint: `Call the API 2.0 equivalent: ${replacement}.`, url: DOCS.v1Deprecation }
      : best.code === 'ENDPOINT_REMOVED' && replacement !== undefined
        ? { hint: `Use ${replacement} instead.`, url: DOCS.change2770 }
        : remedyOf(best.code, exchange);
  return {
    finding: finding(best.code, exchange, best.summary, {
      remediation,
      data: {
        signature: best.id,
        ...(replacement === undefined ? {} : { replacement }),
        ...(announcement === undefined ? {} : { announcementUrl: announcement }),
      },
      notes: [best.explanation],
    }),
  };
};

// ---------------------------------------------------------------------------------------------
// The check
// ---------------------------------------------------------------------------------------------

const FETCHABLE: ReadonlySet<string> = new Set(['GET', 'POST', 'HEAD']);

const isFetchable = (method: string): method is NonNullable<RequestOptions['method']> =>
  FETCHABLE.has(method);

const nameOf = (entry: Entry): string =>
  entry.method !== null && entry.path !== null
    ? `Saved exchange ${entry.index} (${entry.method} ${entry.path} → ${entry.status ?? 'no answer'})`
    : `Saved answer ${entry.index} (${entry.status ?? 'no answer'}, request not captured)`;

const listed = (entry: Entry): Record<string, unknown> => ({
  index: entry.index,
  method: entry.method,
  path: entry.path,
  status: entry.status,
  ...(entry.finding === undefined ? {} : { code: entry.finding.code }),
  summary: entry.finding?.cause ?? `No known signature: ${entry.unexplained ?? 'unknown'}.`,
});

export default defineCheck({
  meta: {
    id: 'saved-exchange',
    title: 'The saved exchange is explained',
    description:
      'Names the cause of each failing answer of a saved capture (bb-doctor explain) from its documented signature and from what the captured request sent, without sending anything.',
    codes: CODES,
    needs: [],
  },
  async run(ctx) {
    const offline = ctx.input.offline;
    if (offline === undefined) {
      return { verdict: 'skip', summary: 'Skipped: only for bb-doctor explain.' };
    }
    const { exchanges } = offline;
    if (exchanges.length === 0) {
      return {
        verdict: 'skip',
        summary: 'Skipped: the saved capture holds no exchange.',
        data: { file: offline.file, format: offline.format, entries: [] },
      };
    }

    // Evidence: every captured exchange with a request URL is fetched through the (offline)
    // client, which answers with the captured exchange; nothing is invented for the others.
    const details: string[] = [];
    const fetches: Promise<{ index: number; result: HttpResult }>[] = [];
    exchanges.forEach((exchange, position) => {
      const index = position + 1;
      const method = (exchange.request.method || 'GET').toUpperCase();
      const path = pathOf(exchange);
      if (!hasRequest(exchange)) {
        details.push(
          `Saved answer ${index}: ${exchange.response?.status ?? 'no answer'}; the capture has no request (curl -i output without the command), so it is not fetched as evidence.`,
        );
        return;
      }
      if (!isFetchable(method)) {
        details.push(
          `Saved exchange ${index}: ${method} ${path ?? '?'}; the doctor's client only replays GET, POST and HEAD, so it is not fetched as evidence.`,
        );
        return;
      }
      fetches.push(
        ctx.http
          .request(
            exchange.request.url,
            {
              method,
              label: `saved exchange ${index}: ${method} ${path ?? '?'}`,
              headers: exchange.request.headers,
            },
            ctx.signal,
          )
          .then((result) => ({ index, result })),
      );
    });
    for (const { index, result } of await Promise.all(fetches)) {
      if (result.exchange.error?.code === 'OFFLINE') {
        details.push(
          `Saved exchange ${index}: the offline client did not return it, so it is not in the evidence.`,
        );
      }
    }

    // The diagnosis reads the captured exchanges themselves (the same data the offline client
    // returns), so that an exchange that could not be fetched is still explained.
    const now = ctx.now();
    const diagnosed: Entry[] = exchanges.map((exchange, position) => {
      const status = exchange.response?.status ?? null;
      const { finding: found, unexplained } = diagnose(exchanges, position, now);
      return {
        index: position + 1,
        exchange,
        method: hasRequest(exchange) ? (exchange.request.method || 'GET').toUpperCase() : null,
        path: pathOf(exchange),
        status,
        failed: status === null || status >= 400,
        ...(found === undefined ? {} : { finding: found }),
        ...(unexplained === undefined ? {} : { unexplained }),
      };
    });

    // An insecure redirect whose anonymous follow-up carries the finding is reported once, there.
    const carried = new Set(
      diagnosed.flatMap((entry) =>
        entry.finding?.code === 'INSECURE_HTTP' && entry.failed
          ? [entry.finding.data?.['redirect']]
          : [],
      ),
    );
    const entries = diagnosed.map((entry): Entry => {
      if (entry.failed || !carried.has(entry.index)) return entry;
      const { finding: _carried, ...rest } = entry;
      return rest;
    });

    for (const entry of entries) {
      const words = entry.failed ? said(entry.exchange) : undefined;
      details.push(
        `${nameOf(entry)}: ${
          entry.finding !== undefined
            ? `[${entry.finding.code}] ${entry.finding.cause}`
            : entry.failed
              ? `no known signature (${entry.unexplained ?? 'unknown'}).`
              : 'not a failure.'
        }${words === undefined ? '' : ` Bitbucket said: "${words}".`}`,
      );
    }

    // The entry that matters most: lowest causal rank; ties go to the later exchange (usually the
    // final answer). Failures without a known cause come last.
    const reported = entries
      .filter((entry) => entry.finding !== undefined || entry.failed)
      .sort((a, b) => {
        if (a.finding === undefined || b.finding === undefined) {
          return (a.finding === undefined ? 1 : 0) - (b.finding === undefined ? 1 : 0);
        }
        return causalRank(a.finding.code) - causalRank(b.finding.code) || b.index - a.index;
      });
    const data = {
      file: offline.file,
      format: offline.format,
      exchanges: exchanges.length,
      entries: reported.map(listed),
    };
    const top = reported[0];

    if (top === undefined) {
      return {
        verdict: 'pass',
        summary:
          exchanges.length === 1
            ? 'The saved answer succeeded.'
            : `All ${exchanges.length} saved answers succeeded.`,
        details,
        data,
      };
    }
    if (top.finding === undefined) {
      // Honest: the doctor does not guess a code it cannot back with a signature.
      const statuses = reported.map((entry) => entry.status ?? 'no answer').join(', ');
      return {
        verdict: 'skip',
        summary: `Skipped: no known signature for the failing answer${reported.length === 1 ? '' : 's'} (${statuses}); the doctor cannot name the cause.`,
        details,
        data,
      };
    }
    const chosen = top.finding;
    const outcome: Outcome = {
      // Only an insecure redirect whose final answers succeeded: a warning, not a failure.
      verdict: reported.some((entry) => entry.finding !== undefined && entry.failed)
        ? 'fail'
        : 'warn',
      code: chosen.code,
      summary: `${nameOf(top)}: ${chosen.cause}`,
      remediation: chosen.remediation,
      details: [...details, ...(chosen.notes ?? [])],
      data: { ...data, ...(chosen.data ?? {}) },
    };
    return outcome;
  },
});
