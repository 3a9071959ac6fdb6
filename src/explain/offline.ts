import { causalRank } from '../knowledge/findings.js';
import { makeResult } from '../http/client.js';
import { matchSignatures } from '../knowledge/signatures.js';
import { isCredentialHeader } from '../knowledge/wire.js';
import type { Exchange, FailingRequest, HttpClient, HttpResult } from '../types.js';

/** URLs compare without trailing slashes. */
const urlKey = (url: string): string => url.replace(/\/+$/u, '');

/**
 * The HTTP client of an `explain` run: it sends nothing. A request the capture holds (same method
 * and URL) is answered with the captured exchange; anything else gets an OFFLINE error, which the
 * checks read as "no answer to judge".
 */
export class OfflineHttp {
  private readonly capture: readonly Exchange[];
  /**
   * The latest capture for each method and URL (method '' for a capture that does not say its
   * method, which answers any). Built once: the saved-exchange check fetches every captured
   * exchange, so a scan per request was quadratic (100k HAR entries: 10^10 URL comparisons).
   */
  private readonly latest = new Map<string, Map<string, number>>();

  constructor(capture: readonly Exchange[]) {
    this.capture = capture;
    capture.forEach((exchange, index) => {
      const { method } = exchange.request;
      let byUrl = this.latest.get(method);
      if (byUrl === undefined) {
        byUrl = new Map();
        this.latest.set(method, byUrl);
      }
      byUrl.set(urlKey(exchange.request.url), index);
    });
  }

  readonly sent = 0;

  get exchanges(): readonly Exchange[] {
    return this.capture;
  }

  request(url: string, method: string, label: string): HttpResult {
    // The latest capture with this method or with no method: the same answer as a reversed scan.
    const key = urlKey(url);
    const exact = this.latest.get(method)?.get(key) ?? -1;
    const any = this.latest.get('')?.get(key) ?? -1;
    const found = this.capture[Math.max(exact, any)];
    if (found !== undefined)
      return makeResult({ exchange: found, body: found.response?.body ?? '' });
    return makeResult({
      exchange: {
        label,
        request: { method, url, headers: {} },
        error: {
          code: 'OFFLINE',
          message: 'Not in the saved exchange (explain sends no requests).',
        },
        durationMs: 0,
      },
      body: '',
    });
  }

  forCheck(evidence: Exchange[]): HttpClient {
    // What is already in the evidence, as a set (an includes() per request was quadratic too); if
    // someone else added to the array, the set is rebuilt from it.
    const seen = new Set(evidence);
    const inEvidence = (exchange: Exchange): boolean => {
      if (seen.size !== evidence.length) for (const e of evidence) seen.add(e);
      return seen.has(exchange);
    };
    return {
      request: (url, options) => {
        const result = this.request(url, options.method ?? 'GET', options.label);
        if (result.exchange.error === undefined && !inEvidence(result.exchange)) {
          evidence.push(result.exchange);
          seen.add(result.exchange);
        }
        return Promise.resolve(result);
      },
    };
  }
}

/** Every check of an explain run asks for the same capture's failure: it is ranked once. */
const chosen = new WeakMap<readonly Exchange[], { readonly exchange: Exchange | undefined }>();

/**
 * The captured call that matters most: a failing answer with a known request, the one whose
 * signature comes first in causal order (ties: the later one, usually the final answer).
 */
export const mostImportantFailure = (exchanges: readonly Exchange[]): Exchange | undefined => {
  const known = chosen.get(exchanges);
  if (known !== undefined) return known.exchange;
  const exchange = rankFailures(exchanges);
  chosen.set(exchanges, { exchange });
  return exchange;
};

/** 1 when the request carried a credential header (Authorization, Private-Token...). */
const carries = (e: Exchange): number =>
  Object.keys(e.request.headers).some((name) => isCredentialHeader(name)) ? 1 : 0;

const rankFailures = (exchanges: readonly Exchange[]): Exchange | undefined => {
  const rank = (e: Exchange): number => {
    const response = e.response;
    // No answer at all (a request the browser blocked, a dropped connection): only when nothing
    // that was answered failed.
    if (response === undefined) return 2000;
    const code = matchSignatures({
      status: response.status,
      headers: response.headers,
      body: response.body,
    })[0]?.code;
    return code === undefined ? 1000 : causalRank(code);
  };
  // Each rank computed once (matchSignatures per comparison made the sort n log n signature scans).
  const failing = exchanges
    .map((exchange, index) => ({ exchange, index }))
    .filter(
      ({ exchange }) =>
        exchange.request.url !== '' &&
        (exchange.response === undefined || exchange.response.status >= 400),
    )
    .map((item) => ({ ...item, rank: rank(item.exchange), carries: carries(item.exchange) }));
  // Equal causes: the request that carried credentials is the user's call (an anonymous twin is
  // a contrast's experiment, in whatever order the answers came), then the latest.
  return failing.sort((a, b) => a.rank - b.rank || b.carries - a.carries || b.index - a.index)[0]
    ?.exchange;
};

/** A captured request as the failing call of the run (headers as they were sent). */
export const failingRequestOf = (exchange: Exchange, file: string): FailingRequest => ({
  method: exchange.request.method === '' ? 'GET' : exchange.request.method,
  url: exchange.request.url,
  headers: Object.entries(exchange.request.headers).map(([name, value]) => ({
    name: name === 'authorization' ? 'Authorization' : name,
    value,
    source: `capture:${file}`,
  })),
  ...(exchange.request.body === undefined ? {} : { body: exchange.request.body }),
  source: 'url',
});
