import got, { type Agents, type Method } from 'got';
import { parseAuthorization } from '../intake/credentials.js';
import { detectDataCenter, isTokenPath, pathBelowBase } from '../knowledge/data-center.js';
import { CLOUD_EDGE_HEADERS, isTraceHeader } from '../knowledge/headers.js';
import { CLOUD_HOSTS, isCloudHost, WEBSITE_HOSTS } from '../knowledge/hosts.js';
import { isCredentialHeader } from '../knowledge/wire.js';
import { fingerprint } from '../report/redactor.js';
import {
  carriedBy,
  hostOf,
  originOf,
  refusalOf,
  type GuardedCredential,
  type OriginPolicy,
  type Withheld,
} from './origin-policy.js';
import type { Exchange, HttpClient, HttpResult, RequestOptions } from '../types.js';

/**
 * Checks may read up to 1 MB of a body. Evidence keeps EVIDENCE_RAW_BYTES of it, raw: the report
 * shows EVIDENCE_BODY_BYTES, cut after redaction (report/model.ts `clipEvidence`), so that no
 * part of a secret across the cut survives it.
 */
export { EVIDENCE_BODY_BYTES } from '../report/model.js';
export const EVIDENCE_RAW_BYTES = 16 * 1024;
export const MAX_BODY_BYTES = 1024 * 1024;

export interface ClientOptions {
  /** Origins credentials may be sent to (API, auth, the user's own target). */
  readonly allowedOrigins: readonly string[];
  /** At most this many requests on the wire per run (issue #4: 12). */
  readonly maxRequests: number;
  /** At most this many 401 answers per secret per run, so the doctor never locks an account. */
  readonly max401PerSecret: number;
  /** Deadline for the whole run; every request ends by then. */
  readonly deadline: number;
  readonly connectTimeoutMs?: number;
  readonly responseTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly userAgent: string;
  /** The proxy agents for a URL (from HTTPS_PROXY/NO_PROXY...), or undefined for a direct connection. */
  readonly agentFor?: (url: string) => Agents | undefined;
  readonly now?: () => number;
  readonly https?: { readonly certificateAuthority?: string | Buffer };
  /** Where each credential of the run may go (origin-policy.ts); none: only allowedOrigins. */
  readonly policy?: OriginPolicy;
  /**
   * What answered the API (connectivity's verdict), awaited before a credential goes to a host
   * that is not Bitbucket Cloud's (contract.md, "Harmless to run on Data Center"): on Data Center,
   * credentials go only to `/rest` and `/scm` below `dataCenterBase`, one failed login per
   * username at most, none after a CAPTCHA answer.
   */
  readonly product?: () => Promise<string | undefined>;
  readonly dataCenterBase?: string;
  /** --allow-insecure-http: plain http:// to another host is allowed (the report says so). */
  readonly allowInsecureHttp?: boolean;
}

interface RawResult {
  exchange: Exchange;
  body: string;
  /** Earlier legs of a followed redirect. */
  chain?: Exchange[];
}

const lowerHeaders = (
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
};

const traceIdsOf = (
  headers: Readonly<Record<string, string>>,
): Record<string, string> | undefined => {
  const ids = Object.entries(headers).filter(([name]) => isTraceHeader(name));
  return ids.length > 0 ? Object.fromEntries(ids) : undefined;
};

const isLoopbackUrl = (url: string): boolean => {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/gu, '');
    return host === 'localhost' || host === '::1' || host.startsWith('127.');
  } catch {
    return false;
  }
};

/** Plain http, decided on the parsed URL: `HTTP://` and `Http://` are http too. */
const isPlainHttp = (url: string): boolean => {
  try {
    return new URL(url).protocol === 'http:';
  } catch {
    return false;
  }
};

/** The headers that carry a credential (wire.ts, the one list), with a value. */
const credentialHeaderNames = (headers: Readonly<Record<string, string>>): string[] =>
  Object.entries(headers)
    .filter(([name, value]) => isCredentialHeader(name) && value.trim() !== '')
    .map(([name]) => name);

const withoutCredentialHeaders = (
  headers: Readonly<Record<string, string>>,
): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !isCredentialHeader(name)));

const errorCodeOf = (error: unknown): { code: string; message: string } => {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const causeCode = typeof cause?.code === 'string' ? cause.code : undefined;
    const firstLine = error.message.split('\n')[0] ?? error.message;
    return {
      code: causeCode ?? (typeof code === 'string' ? code : error.name),
      message: firstLine,
    };
  }
  return { code: 'UNKNOWN', message: String(error) };
};

/** At most this many redirects are followed (so at most 4 requests for one call). */
export const MAX_REDIRECTS = 3;

/**
 * The first character of a header value that Node refuses to send (ERR_INVALID_CHAR: anything
 * but TAB, printable ASCII and Latin-1), 1-based, with its code point: never the value itself.
 */
export const invalidHeaderChar = (
  value: string,
): { position: number; codePoint: number } | undefined => {
  let position = 0;
  for (const char of value) {
    position += 1;
    const codePoint = char.codePointAt(0) ?? 0;
    const ok =
      codePoint === 9 ||
      (codePoint >= 0x20 && codePoint <= 0x7e) ||
      (codePoint >= 0x80 && codePoint <= 0xff);
    if (!ok) return { position, codePoint };
  }
  return undefined;
};

/** A page with a Bitbucket marker (Cloud's edge headers, Data Center's markers) is Bitbucket's. */
const bitbucketMarked = (response: {
  status: number;
  headers: Record<string, string>;
  body: string;
}): boolean =>
  CLOUD_EDGE_HEADERS.some((name) => response.headers[name] !== undefined) ||
  detectDataCenter(response).isDataCenter;

/** The username of a Basic Authorization header: the account a request logs in as. */
const basicUsername = (headers: Readonly<Record<string, string>>): string | undefined => {
  const name = Object.keys(headers).find((h) => h.toLowerCase() === 'authorization');
  const user = parseAuthorization(name === undefined ? '' : (headers[name] ?? '')).basic?.username;
  return user === undefined || user === '' ? undefined : user.toLowerCase();
};

export const makeResult = (raw: {
  exchange: Exchange;
  body: string;
  chain?: Exchange[];
}): HttpResult => {
  let parsed: { value: unknown } | undefined;
  return {
    exchange: raw.exchange,
    redirects: raw.chain ?? [],
    body: raw.body,
    status: raw.exchange.response?.status,
    header: (name) => raw.exchange.response?.headers[name.toLowerCase()],
    json: () => {
      if (parsed === undefined) {
        try {
          parsed = { value: JSON.parse(raw.body) as unknown };
        } catch {
          parsed = { value: undefined };
        }
      }
      return parsed.value;
    },
  };
};

/**
 * The one HTTP client of a run, built on got: connect/response timeouts, no retries (a retry of a
 * rejected credential is how accounts get locked), no automatic redirects (a redirect to another
 * origin is followed without any credential header), a request budget, and a memo so identical
 * requests with identical credentials are sent once.
 */
export class DoctorHttp {
  private readonly options: ClientOptions;
  private readonly memo = new Map<string, Promise<RawResult>>();
  private readonly unauthorized = new Map<string, number>();
  /** Requests on the wire that may still come back failed: reserved against the same budget. */
  private readonly reserved = new Map<string, number>();
  /** Who waits for a reservation to end (see the budget in `send`). */
  private releases: (() => void)[] = [];
  private readonly log: Exchange[] = [];
  /** Origins that redirected away: nothing more is sent there in this run. */
  private readonly away = new Map<string, string>();
  /**
   * Per origin, whether its first answer to a request without credentials was Bitbucket's (a
   * Cloud edge header, a Data Center marker): what lets a flag or environment credential go to the
   * host of a pasted command or --url (origin-policy.ts).
   */
  private readonly anonymous = new Map<string, Promise<boolean>>();
  private readonly refused: Withheld[] = [];
  private wire = 0;
  private failed = 0;

  constructor(options: ClientOptions) {
    this.options = options;
  }

  /** Requests that went out on the wire. */
  get sent(): number {
    return this.wire;
  }

  /** Failed-authentication answers the run caused (contract.md: what a lockout counter saw). */
  get failedAuthAnswers(): number {
    return this.failed;
  }

  /** Every exchange of the run, in the order they were sent. */
  get exchanges(): readonly Exchange[] {
    return this.log;
  }

  /** The credentials not sent to an origin, and why, once per credential and origin. */
  get withheld(): readonly Withheld[] {
    return this.refused;
  }

  /** A client for one check: its exchanges are also recorded as that check's evidence. */
  forCheck(evidence: Exchange[]): HttpClient {
    return {
      request: async (url, options, signal) => {
        const result = await this.request(url, options, signal);
        for (const exchange of [...result.redirects, result.exchange]) {
          if (!evidence.includes(exchange)) evidence.push(exchange);
        }
        return result;
      },
    };
  }

  async request(url: string, options: RequestOptions, signal?: AbortSignal): Promise<HttpResult> {
    const method = options.method ?? 'GET';
    const headers = { ...(options.headers ?? {}) };
    const key = JSON.stringify([
      method,
      url,
      Object.entries(headers)
        .map(([k, v]) => [k.toLowerCase(), v])
        .sort(),
      options.form ?? null,
    ]);
    let pending = this.memo.get(key);
    if (pending === undefined) {
      pending = this.send(url, method, headers, options, signal);
      this.memo.set(key, pending);
      const origin = originOf(url);
      const anonymous =
        credentialHeaderNames(headers).length === 0 &&
        carriedBy(this.options.policy, headers, options.form).length === 0;
      if (anonymous && !this.anonymous.has(origin)) {
        // The first answer of the origin itself (a redirect's first leg), not where it led.
        this.anonymous.set(
          origin,
          pending.then((raw) => {
            const first = raw.chain?.[0] ?? raw.exchange;
            const response = first.response;
            return response === undefined
              ? false
              : bitbucketMarked({
                  status: response.status,
                  headers: response.headers,
                  body: first === raw.exchange ? raw.body : response.body,
                });
          }),
        );
      }
    }
    return makeResult(await pending);
  }

  /**
   * Whether the origin answered like Bitbucket without credentials. A check that sends a
   * credential before the anonymous probe of the run (connectivity's) was even asked waits a
   * moment for it; when none comes, the client asks the origin itself, without credentials.
   */
  private async answeredLikeBitbucket(
    url: string,
    headers: Readonly<Record<string, string>>,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    const origin = originOf(url);
    for (let tick = 0; tick < 3 && !this.anonymous.has(origin); tick += 1) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (!this.anonymous.has(origin)) {
      await this.request(
        url,
        {
          method: 'GET',
          headers: withoutCredentialHeaders(headers),
          label: 'origin probe: does it answer like Bitbucket without credentials?',
        },
        signal,
      );
    }
    return (await this.anonymous.get(origin)) ?? false;
  }

  private withhold(credentials: readonly GuardedCredential[], url: string, reason: string): void {
    const origin = originOf(url);
    for (const c of credentials) {
      if (
        this.refused.some(
          (w) => w.fingerprint === c.fingerprint && w.source === c.source && w.origin === origin,
        )
      )
        continue;
      this.refused.push({
        kind: c.kind,
        source: c.source,
        fingerprint: c.fingerprint,
        origin,
        reason,
      });
    }
  }

  private refuse(
    url: string,
    method: string,
    headers: Record<string, string>,
    options: RequestOptions,
    code: string,
    message: string,
  ): RawResult {
    return {
      exchange: {
        label: options.label,
        request: { method, url, headers: lowerHeaders(headers) },
        error: { code, message },
        durationMs: 0,
      },
      body: '',
    };
  }

  /**
   * Why an answer is no evidence about Bitbucket (design.md, "Harmless to run"): a redirect to an
   * origin that is not the API's, the auth's or a known Bitbucket host (a captive portal, a proxy
   * login page: it is not followed), a loop, more than MAX_REDIRECTS redirects, or a redirect that
   * ends on an HTML page with no Bitbucket marker. Undefined when the answer is evidence.
   */
  private awayOf(
    url: string,
    next: string | undefined,
    redirects: number,
    visited: readonly string[],
    response: { status: number; headers: Record<string, string>; body: string },
  ): string | undefined {
    const first = visited[0] ?? url;
    if (next !== undefined) {
      if ([...visited, url].includes(next)) {
        return `The API redirects in a loop (${url} to ${next}): no verdict.`;
      }
      if (redirects >= MAX_REDIRECTS) {
        return `The API redirects more than ${MAX_REDIRECTS} times (last to ${next}): no verdict.`;
      }
      const host = hostOf(next);
      const known =
        this.options.allowedOrigins.includes(originOf(next)) ||
        host === hostOf(first) ||
        host === CLOUD_HOSTS.api ||
        WEBSITE_HOSTS.has(host);
      return known
        ? undefined
        : `The API redirects to ${next}, a captive portal or proxy login page; your credentials were not sent there; no verdict.`;
    }
    const html = /html/iu.test(response.headers['content-type'] ?? '');
    if (redirects > 0 && html && !bitbucketMarked(response)) {
      return `The API redirects to ${url}, an HTML page with no Bitbucket marker (a captive portal or proxy login page); no verdict.`;
    }
    // The same page served in place (a hijacking DNS or a transparent proxy's portal): a 2xx HTML
    // answer with no Bitbucket marker answers nothing Bitbucket was asked.
    if (html && response.status < 300 && !bitbucketMarked(response)) {
      return `${originOf(url)} answers with an HTML page that carries no Bitbucket marker (a captive portal or proxy login page), not Bitbucket's API; no verdict.`;
    }
    return undefined;
  }

  private async send(
    url: string,
    method: string,
    headers: Record<string, string>,
    options: RequestOptions,
    signal: AbortSignal | undefined,
    redirects = 0,
    visited: readonly string[] = [],
  ): Promise<RawResult> {
    // A value Node cannot send is the user's input, not the network (credentials names it).
    for (const [name, value] of Object.entries(headers)) {
      const bad = invalidHeaderChar(value);
      if (bad === undefined) continue;
      return this.refuse(
        url,
        method,
        headers,
        options,
        'HEADER_INVALID_CHAR',
        `Not sent: the ${name} header has character ${bad.position}, U+${bad.codePoint.toString(16).toUpperCase().padStart(4, '0')}, which HTTP headers cannot carry.`,
      );
    }
    const awayFrom = redirects === 0 ? this.away.get(originOf(url)) : undefined;
    if (awayFrom !== undefined) {
      return this.refuse(url, method, headers, options, 'REDIRECTED_AWAY', awayFrom);
    }
    // Every header bb-doctor treats as a credential counts (Cookie, Private-Token, X-Api-Key...),
    // and so does a credential of the run in a form field (a refresh token).
    const carried = carriedBy(this.options.policy, headers, options.form);
    const hasAuth = credentialHeaderNames(headers).length > 0 || carried.length > 0;
    if (hasAuth && !this.options.allowedOrigins.includes(originOf(url))) {
      this.withhold(
        carried,
        url,
        `${originOf(url)} is not the API, auth or target origin of this run`,
      );
      return this.refuse(
        url,
        method,
        headers,
        options,
        'ORIGIN_GUARD',
        `Not sending credentials to ${originOf(url)}: it is not the configured API or auth origin.`,
      );
    }
    // Never send credentials in clear text over the network: a replay of an http:// call goes
    // without them unless the host is this machine (the simulator, a local proxy).
    if (
      hasAuth &&
      isPlainHttp(url) &&
      !isLoopbackUrl(url) &&
      this.options.allowInsecureHttp !== true
    ) {
      this.withhold(carried, url, 'plain http to a non-loopback host');
      return this.refuse(
        url,
        method,
        headers,
        options,
        'INSECURE_GUARD',
        'Not sent: credentials are never sent over plain http:// (see api-version for the https:// URL; --allow-insecure-http for a server that has no https).',
      );
    }
    const policy = this.options.policy;
    if (policy !== undefined && carried.length > 0) {
      const origin = originOf(url);
      const answered = (): Promise<boolean> => this.answeredLikeBitbucket(url, headers, signal);
      const refusals: { credential: GuardedCredential; reason: string }[] = [];
      for (const credential of carried) {
        const reason = await refusalOf(policy, credential, origin, answered);
        if (reason !== undefined) refusals.push({ credential, reason });
      }
      if (refusals.length > 0) {
        for (const { credential, reason } of refusals) this.withhold([credential], url, reason);
        return this.refuse(
          url,
          method,
          headers,
          options,
          'ORIGIN_GUARD',
          `Not sending credentials to ${origin}: ${refusals
            .map(({ credential, reason }) => `${credential.source} (${reason})`)
            .join('; ')}.`,
        );
      }
    }
    if (this.wire >= this.options.maxRequests) {
      return this.refuse(
        url,
        method,
        headers,
        options,
        'REQUEST_BUDGET',
        `Not sent: the run's budget of ${this.options.maxRequests} requests is spent.`,
      );
    }
    // Data Center: nothing credentialed before the product is known, and then only its rules.
    let dataCenter = false;
    if (hasAuth && this.options.product !== undefined && !isCloudHost(new URL(url).hostname)) {
      dataCenter = (await this.options.product()) === 'data-center';
      const below = pathBelowBase(url, this.options.dataCenterBase ?? url);
      if (dataCenter && !isTokenPath(below)) {
        this.withhold(carried, url, 'Data Center: credentials only below /rest and /scm');
        return this.refuse(
          url,
          method,
          headers,
          options,
          'DC_PATH_GUARD',
          'Not sent: on Data Center, credentials go only to /rest and /scm paths (a token is refused elsewhere, and a refused Basic login counts towards the CAPTCHA lock).',
        );
      }
    }
    // The failed-authentication budget counts against every secret a request carries: the one the
    // check names, each credential of the run it carries, and any other credential header value.
    // And against its (origin, username) (contract.md, "Secrets": the lockout counter of a
    // server is per account): a Basic username is the account the request logs in as.
    const account = basicUsername(headers);
    const budgetKeys = [
      ...new Set([
        ...(options.secretKey === undefined ? [] : [options.secretKey]),
        ...carried.map((c) => fingerprint(c.secret)),
        ...(carried.length > 0 || options.secretKey !== undefined
          ? []
          : credentialHeaderNames(headers).map((name) => `header:${fingerprint(headers[name]!)}`)),
        ...(account === undefined ? [] : [`account:${originOf(url)}:${account}`]),
      ]),
    ];
    // Reserved before sending: concurrent checks cannot together exceed the budget, and a
    // request with no credential (healthy, anonymous) neither counts nor waits.
    const secretLimit = this.options.max401PerSecret - (options.spare === true ? 1 : 0);
    // On Data Center an account gets one failed login per run (5 lock it behind a CAPTCHA, and
    // the user's own attempts count too).
    const limitOf = (key: string): number =>
      dataCenter && key.startsWith('account:') ? 1 : secretLimit;
    const failed = (key: string): number => this.unauthorized.get(key) ?? 0;
    // A request that could overrun the budget if the ones on the wire fail waits for them: the
    // budget holds whatever the concurrency, and a request far from it never waits.
    while (
      !budgetKeys.some((key) => failed(key) >= limitOf(key)) &&
      budgetKeys.some((key) => failed(key) + (this.reserved.get(key) ?? 0) >= limitOf(key)) &&
      signal?.aborted !== true
    ) {
      await new Promise<void>((resolve) => this.releases.push(resolve));
    }
    if (budgetKeys.some((key) => failed(key) >= limitOf(key))) {
      return this.refuse(
        url,
        method,
        headers,
        options,
        'AUTH_BUDGET',
        `Not sent: this secret was already rejected ${this.options.max401PerSecret} times in this run (no account lockouts).`,
      );
    }
    const now = this.options.now ?? Date.now;
    const remaining = this.options.deadline - now();
    if (remaining <= 0 || signal?.aborted === true) {
      return this.refuse(
        url,
        method,
        headers,
        options,
        'ETIMEDOUT',
        'Not sent: the run reached its deadline.',
      );
    }
    this.wire += 1;
    for (const key of budgetKeys) this.reserved.set(key, (this.reserved.get(key) ?? 0) + 1);
    let held = true;
    const release = (): void => {
      if (!held) return;
      held = false;
      for (const key of budgetKeys) this.reserved.set(key, (this.reserved.get(key) ?? 1) - 1);
      const waiting = this.releases;
      this.releases = [];
      for (const wake of waiting) wake();
    };
    const started = now();
    const requestHeaders: Record<string, string> = {
      'user-agent': this.options.userAgent,
      accept: 'application/json',
      ...headers,
    };
    const form = options.form;
    const body = form === undefined ? undefined : new URLSearchParams(form).toString();
    if (body !== undefined) requestHeaders['content-type'] = 'application/x-www-form-urlencoded';
    const requestTimeout = Math.max(
      1,
      Math.min(this.options.requestTimeoutMs ?? 10_000, remaining),
    );
    const record = lowerHeaders(requestHeaders);
    const agent = this.options.agentFor?.(url);
    try {
      const { status, responseHeaders, text, truncated } = await new Promise<{
        status: number;
        responseHeaders: Record<string, string>;
        text: string;
        truncated: boolean;
      }>((resolve, reject) => {
        const stream = got.stream(url, {
          method: method as Method,
          headers: requestHeaders,
          ...(body === undefined ? {} : { body }),
          throwHttpErrors: false,
          followRedirect: false,
          retry: { limit: 0 },
          decompress: true,
          timeout: {
            connect: Math.min(this.options.connectTimeoutMs ?? 5000, requestTimeout),
            secureConnect: Math.min(this.options.connectTimeoutMs ?? 5000, requestTimeout),
            response: Math.min(this.options.responseTimeoutMs ?? 8000, requestTimeout),
            request: requestTimeout,
          },
          ...(agent === undefined ? {} : { agent }),
          ...(this.options.https?.certificateAuthority === undefined
            ? {}
            : { https: { certificateAuthority: this.options.https.certificateAuthority } }),
          ...(signal === undefined ? {} : { signal }),
        });
        const chunks: Buffer[] = [];
        let size = 0;
        let truncatedBody = false;
        let meta: { status: number; headers: Record<string, string> } | undefined;
        stream.on(
          'response',
          (response: {
            statusCode: number;
            headers: Record<string, string | string[] | undefined>;
          }) => {
            meta = { status: response.statusCode, headers: lowerHeaders(response.headers) };
          },
        );
        stream.on('data', (chunk: Buffer) => {
          if (size >= MAX_BODY_BYTES) return;
          chunks.push(chunk);
          size += chunk.length;
          if (size >= MAX_BODY_BYTES) {
            truncatedBody = true;
            stream.destroy();
            finish();
          }
        });
        const finish = (): void => {
          if (meta === undefined) return;
          resolve({
            status: meta.status,
            responseHeaders: meta.headers,
            text: Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8'),
            truncated: truncatedBody,
          });
        };
        stream.on('end', finish);
        stream.on('error', (error: unknown) => {
          // A body cut short (reset, timeout mid-body) is still evidence when headers came back.
          if (meta !== undefined && chunks.length > 0) {
            truncatedBody = true;
            finish();
            return;
          }
          reject(error instanceof Error ? error : new Error(String(error)));
        });
      });
      const location = responseHeaders['location'];
      const redirect = status >= 300 && status < 400 && location !== undefined && method === 'GET';
      const next = redirect ? new URL(location, url).href : undefined;
      const awayMessage = this.awayOf(url, next, redirects, visited, {
        status,
        headers: responseHeaders,
        body: text,
      });
      const exchange: Exchange = {
        label: options.label,
        request: { method, url, headers: record, ...(body === undefined ? {} : { body }) },
        ...(awayMessage === undefined
          ? {}
          : { error: { code: 'REDIRECTED_AWAY', message: awayMessage } }),
        response: {
          status,
          headers: responseHeaders,
          body: text.slice(0, EVIDENCE_RAW_BYTES),
          ...(truncated || text.length > EVIDENCE_RAW_BYTES ? { bodyTruncated: true } : {}),
        },
        durationMs: Math.round(now() - started),
        ...(traceIdsOf(responseHeaders) === undefined
          ? {}
          : { traceIds: traceIdsOf(responseHeaders)! }),
      };
      this.log.push(exchange);
      release();
      // A failed answer: a 401, except Data Center's 401 with X-AUSERNAME (authenticated, only
      // not permitted: bitbucket-auth.md §8), which locks nothing.
      const dc = detectDataCenter({ status, headers: responseHeaders, body: text });
      // An anonymous 401 (git's first request, a probe) is a challenge, not a failed login.
      if (status === 401 && dc.authenticatedAs === undefined && budgetKeys.length > 0) {
        this.failed += 1;
        for (const key of budgetKeys)
          this.unauthorized.set(
            key,
            // A CAPTCHA answer: that account gets nothing more this run.
            (this.unauthorized.get(key) ?? 0) + (dc.captcha && key.startsWith('account:') ? 99 : 1),
          );
      }
      if (awayMessage !== undefined) {
        const first = visited[0] ?? url;
        this.away.set(originOf(first), awayMessage);
        return { exchange, body: text };
      }
      if (next !== undefined) {
        // Credentials never follow a redirect to another origin (design.md, "Harmless to run"):
        // none of the headers that carry one (wire.ts), not only Authorization.
        const nextHeaders =
          originOf(next) === originOf(url) ? headers : withoutCredentialHeaders(headers);
        const follow = await this.send(
          next,
          method,
          nextHeaders,
          { ...options, label: `${options.label} (redirect)` },
          signal,
          redirects + 1,
          [...visited, url],
        );
        return { ...follow, chain: [exchange, ...(follow.chain ?? [])] };
      }
      return { exchange, body: text };
    } catch (error) {
      release();
      const { code, message } = errorCodeOf(error);
      const exchange: Exchange = {
        label: options.label,
        request: { method, url, headers: record, ...(body === undefined ? {} : { body }) },
        error: { code, message },
        durationMs: Math.round(now() - started),
      };
      this.log.push(exchange);
      return { exchange, body: '' };
    }
  }
}
