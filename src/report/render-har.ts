import type { CredentialKind, Exchange } from '../types.js';
import type { Report } from './model.js';

/**
 * `--output FILE.har`: the run's exchanges as a HAR 1.2 file (http://www.softwareishard.com/blog/har-12-spec/),
 * with bb-doctor's own facts in `_bbDoctor` fields (custom fields start with `_`, as the spec
 * allows). Pure: it renders the report it is given, which doctor.ts has redacted field by field,
 * and the caller passes the text through the redactor once more, as for every output. `explain`
 * reads it back (src/explain/parse.ts).
 */

export interface HarNameValue {
  readonly name: string;
  readonly value: string;
}

/** A credential as the HAR shows it: never the secret (contract.md, "Secrets"). */
export interface HarCredential {
  readonly kind: CredentialKind;
  readonly source: string;
  readonly username?: string;
  /** From the username alone: an API token wants the account email (API_TOKEN_NEEDS_EMAIL). */
  readonly usernameKind?: 'email' | 'username';
  /** The kind the secret's shape says (ATATT…), so explain can judge a redacted header by it. */
  readonly shape?: CredentialKind;
  readonly fingerprint: string | null;
  readonly length: number;
}

export interface HarEntry {
  readonly startedDateTime: string;
  readonly time: number;
  readonly request: {
    readonly method: string;
    readonly url: string;
    readonly httpVersion: string;
    readonly cookies: readonly HarNameValue[];
    readonly headers: readonly HarNameValue[];
    readonly queryString: readonly HarNameValue[];
    readonly postData?: { readonly mimeType: string; readonly text: string };
    readonly headersSize: -1;
    readonly bodySize: number;
  };
  readonly response: {
    readonly status: number;
    readonly statusText: string;
    readonly httpVersion: string;
    readonly cookies: readonly HarNameValue[];
    readonly headers: readonly HarNameValue[];
    readonly content: {
      readonly size: number;
      readonly mimeType: string;
      readonly text?: string;
      readonly comment?: string;
    };
    readonly redirectURL: string;
    readonly headersSize: -1;
    readonly bodySize: number;
    /** Why no answer came (the field browsers write for a failed request). */
    readonly _error?: string;
  };
  readonly cache: Record<string, never>;
  readonly timings: { readonly send: number; readonly wait: number; readonly receive: number };
  readonly _bbDoctor: {
    /** Why the doctor sent it, e.g. "identity: GET /2.0/user with the API token". */
    readonly label?: string;
    /** The first check (in report order) whose evidence this exchange is. */
    readonly checkId?: string;
    readonly error?: { readonly code: string; readonly message: string };
    readonly bodyTruncated?: true;
  };
}

export interface Har {
  readonly log: {
    readonly version: '1.2';
    readonly creator: { readonly name: 'bb-doctor'; readonly version: string };
    readonly comment: string;
    readonly entries: readonly HarEntry[];
    readonly _bbDoctor: {
      readonly mode: Report['mode'];
      readonly credentials: readonly HarCredential[];
      readonly target: Report['target'];
      readonly diagnosis: {
        readonly status: Report['diagnosis']['status'];
        readonly code?: string;
        readonly checkId?: string;
      };
      readonly requests: number;
    };
  };
}

/** Reason phrases (RFC 9110 and friends) of the answers Bitbucket and its proxies give. */
const REASONS: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const bytes = (text: string): number => new TextEncoder().encode(text).length;

const nameValues = (record: Readonly<Record<string, string>>): HarNameValue[] =>
  Object.entries(record).map(([name, value]) => ({ name, value }));

const queryOf = (url: string): HarNameValue[] => {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
};

const credentialOf = (c: Report['credentials'][number]): HarCredential => ({
  kind: c.kind,
  source: c.source,
  ...(c.username === undefined ? {} : { username: c.username }),
  ...(c.username === undefined || c.username === ''
    ? {}
    : { usernameKind: c.username.includes('@') ? 'email' : 'username' }),
  ...(c.shape === undefined ? {} : { shape: c.shape }),
  fingerprint: c.fingerprint,
  length: c.length,
});

const responseOf = (exchange: Exchange): HarEntry['response'] => {
  const response = exchange.response;
  if (response === undefined) {
    return {
      status: 0,
      statusText: '',
      httpVersion: '',
      cookies: [],
      headers: [],
      content: { size: 0, mimeType: 'x-unknown' },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
      _error: exchange.error?.message ?? 'no response',
    };
  }
  return {
    status: response.status,
    statusText: REASONS[response.status] ?? '',
    httpVersion: 'HTTP/1.1',
    cookies: [],
    headers: nameValues(response.headers),
    content: {
      size: bytes(response.body),
      mimeType: response.headers['content-type'] ?? 'x-unknown',
      text: response.body,
      ...(response.bodyTruncated === true ? { comment: 'Only the first 4 KB were kept.' } : {}),
    },
    redirectURL: response.headers['location'] ?? '',
    headersSize: -1,
    bodySize: bytes(response.body),
  };
};

const entryOf = (exchange: Exchange, startedDateTime: string, checkId?: string): HarEntry => {
  const { request } = exchange;
  const body = request.body;
  return {
    startedDateTime,
    time: Math.max(0, exchange.durationMs),
    request: {
      method: request.method,
      url: request.url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: nameValues(request.headers),
      queryString: queryOf(request.url),
      ...(body === undefined
        ? {}
        : {
            postData: {
              // The only body the doctor sends is the token endpoint's form.
              mimeType: request.headers['content-type'] ?? 'application/x-www-form-urlencoded',
              text: body,
            },
          }),
      headersSize: -1,
      bodySize: body === undefined ? 0 : bytes(body),
    },
    response: responseOf(exchange),
    cache: {},
    timings: { send: 0, wait: Math.max(0, exchange.durationMs), receive: 0 },
    _bbDoctor: {
      ...(exchange.label === undefined ? {} : { label: exchange.label }),
      ...(checkId === undefined ? {} : { checkId }),
      ...(exchange.error === undefined
        ? {}
        : { error: { code: exchange.error.code, message: exchange.error.message } }),
      ...(exchange.response?.bodyTruncated === true ? { bodyTruncated: true as const } : {}),
    },
  };
};

/** The HAR 1.2 of a report: its exchanges (all of them with `keepExchanges`), in order. */
export const harOf = (report: Report): Har => {
  // Exchanges carry no start time of their own: every entry gets the start of the run.
  const started = Date.parse(report.generatedAt) - report.durationMs;
  const startedDateTime = new Date(Number.isFinite(started) ? started : 0).toISOString();
  // Which check an exchange is evidence of (the report is a redacted copy: compare by value).
  const owner = new Map<string, string>();
  for (const check of report.checks)
    for (const exchange of check.evidence) {
      const key = JSON.stringify(exchange);
      if (!owner.has(key)) owner.set(key, check.id);
    }
  return {
    log: {
      version: '1.2',
      creator: { name: 'bb-doctor', version: report.tool.version },
      comment:
        'Recorded by bb-doctor. Secrets are redacted as [redacted sha256:XXXXXXXX]; an Authorization value keeps its scheme.',
      entries: (report.exchanges ?? []).map((exchange) =>
        entryOf(exchange, startedDateTime, owner.get(JSON.stringify(exchange))),
      ),
      _bbDoctor: {
        mode: report.mode,
        credentials: report.credentials.map(credentialOf),
        target: report.target,
        diagnosis: {
          status: report.diagnosis.status,
          ...(report.diagnosis.code === undefined ? {} : { code: report.diagnosis.code }),
          ...(report.diagnosis.checkId === undefined ? {} : { checkId: report.diagnosis.checkId }),
        },
        requests: report.requests,
      },
    },
  };
};

/** `--output FILE.har`: the HAR of a report, pretty-printed JSON. */
export const renderHar = (report: Report): string => `${JSON.stringify(harOf(report), null, 2)}\n`;
