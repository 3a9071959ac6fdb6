import { causalRank } from '../findings.js';
import { makeResult } from '../http/client.js';
import { matchSignatures } from '../knowledge/signatures.js';
import type { Exchange, FailingRequest, HttpClient, HttpResult } from '../types.js';

const sameUrl = (a: string, b: string): boolean =>
  a.replace(/\/+$/u, '') === b.replace(/\/+$/u, '');

/**
 * The HTTP client of an `explain` run: it sends nothing. A request the capture holds (same method
 * and URL) is answered with the captured exchange; anything else gets an OFFLINE error, which the
 * checks read as "no answer to judge".
 */
export class OfflineHttp {
  private readonly capture: readonly Exchange[];

  constructor(capture: readonly Exchange[]) {
    this.capture = capture;
  }

  readonly sent = 0;

  get exchanges(): readonly Exchange[] {
    return this.capture;
  }

  request(url: string, method: string, label: string): HttpResult {
    const found = [...this.capture]
      .reverse()
      .find(
        (e) =>
          sameUrl(e.request.url, url) && (e.request.method === method || e.request.method === ''),
      );
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
    return {
      request: (url, options) => {
        const result = this.request(url, options.method ?? 'GET', options.label);
        if (result.exchange.error === undefined && !evidence.includes(result.exchange))
          evidence.push(result.exchange);
        return Promise.resolve(result);
      },
    };
  }
}

/**
 * The captured call that matters most: a failing answer with a known request, the one whose
 * signature comes first in causal order (ties: the later one, usually the final answer).
 */
export const mostImportantFailure = (exchanges: readonly Exchange[]): Exchange | undefined => {
  const failing = exchanges
    .map((exchange, index) => ({ exchange, index }))
    .filter(
      ({ exchange }) =>
        exchange.request.url !== '' &&
        (exchange.response === undefined || exchange.response.status >= 400),
    );
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
  return failing.sort((a, b) => rank(a.exchange) - rank(b.exchange) || b.index - a.index)[0]
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
