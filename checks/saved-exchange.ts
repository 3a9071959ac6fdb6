/**
 * saved-exchange: the adapter of `bb-doctor explain FILE`. It names nothing itself: explain runs
 * the same checks and judges as a live run, each check's fromCapture standing the captured
 * exchanges in for the requests it would have sent (Lighthouse's audits of a saved artifact set).
 * This check maps the capture to what those judges read, once, and says so in the report: which
 * exchanges it holds, which failing call stands for the user's call, which ones carry their
 * request, and what each answered. Nothing is sent.
 */
import { capturedFailure, requestKnown } from '../src/explain/capture.js';
import { defineCheck, type Capture, type Exchange, type Outcome } from '../src/types.js';

/** One captured exchange, as the report lists it (no query, no userinfo: they may hold secrets). */
export interface CapturedEntry {
  /** 1-based, in capture order. */
  readonly index: number;
  readonly method: string | null;
  readonly path: string | null;
  readonly status: number | null;
  /** Status ≥ 400, or no answer at all. */
  readonly failed: boolean;
}

export interface SavedExchangeFacts {
  readonly capture?: { readonly file: string; readonly format: string } | undefined;
  readonly entries: readonly CapturedEntry[];
  /** The entry explain treats as the user's failing call (the one that matters most). */
  readonly failing?: number | undefined;
}

const pathOf = (exchange: Exchange): string | null => {
  if (!requestKnown(exchange)) return null;
  try {
    return new URL(exchange.request.url).pathname;
  } catch {
    return null;
  }
};

/** The capture as the judges see it: one entry per exchange. */
export const factsOf = (capture: Capture): SavedExchangeFacts => {
  const failing = capturedFailure(capture);
  return {
    capture: { file: capture.file, format: capture.format },
    entries: capture.exchanges.map((exchange, position) => {
      const status = exchange.response?.status ?? null;
      return {
        index: position + 1,
        method: requestKnown(exchange) ? (exchange.request.method || 'GET').toUpperCase() : null,
        path: pathOf(exchange),
        status,
        failed: status === null || status >= 400,
      };
    }),
    failing: failing === undefined ? undefined : capture.exchanges.indexOf(failing) + 1,
  };
};

const nameOf = (entry: CapturedEntry): string =>
  entry.method !== null && entry.path !== null
    ? `saved exchange ${entry.index} (${entry.method} ${entry.path} → ${entry.status ?? 'no answer'})`
    : `saved answer ${entry.index} (${entry.status ?? 'no answer'}, request not captured)`;

/** Pure: what the capture holds; the checks below judge it. */
export const judge = (facts: SavedExchangeFacts): Outcome => {
  if (facts.capture === undefined) {
    return { verdict: 'skip', summary: 'Skipped: only for bb-doctor explain.' };
  }
  const { entries } = facts;
  const failed = entries.filter((entry) => entry.failed);
  const chosen = entries.find((entry) => entry.index === facts.failing);
  const withoutRequest = entries.filter((entry) => entry.method === null).length;
  const data = {
    file: facts.capture.file,
    format: facts.capture.format,
    exchanges: entries.length,
    entries: entries.filter((entry) => entry.failed || entry.index === facts.failing),
    ...(chosen === undefined ? {} : { failing: chosen.index }),
  };
  const summary =
    failed.length === 0
      ? `Read ${entries.length} saved ${entries.length === 1 ? 'answer' : 'answers'} (${facts.capture.format}); none failed.`
      : `Read ${entries.length} saved ${entries.length === 1 ? 'exchange' : 'exchanges'} (${facts.capture.format}), ${failed.length} failing; the checks judge ${chosen === undefined ? 'them' : nameOf(chosen)} as your call.`;
  return {
    verdict: 'pass',
    summary,
    details: [
      ...entries.map((entry) => `${nameOf(entry)}${entry.failed ? ': failed' : ''}.`),
      ...(withoutRequest > 0
        ? [
            `${withoutRequest} of them show only the answer (curl -i without the command): the checks judge those by the answer alone, and say so.`,
          ]
        : []),
    ],
    data,
  };
};

export default defineCheck({
  meta: {
    id: 'saved-exchange',
    title: 'The saved exchange is read',
    description:
      'Maps the captured exchanges of bb-doctor explain (curl -v, curl -i, raw HTTP, HAR) to the facts the checks judge, so a saved capture gets the same judges as a live run; nothing is sent.',
    codes: [],
  },
  gather: (): SavedExchangeFacts => ({ entries: [] }),
  async fromCapture(ctx, capture): Promise<SavedExchangeFacts> {
    // Evidence: each captured exchange with a request, through the offline client, which answers
    // with the captured exchange itself (so the report shows what was captured, redacted).
    await Promise.all(
      capture.exchanges.map((exchange, position) => {
        const method = (exchange.request.method || 'GET').toUpperCase();
        if (!requestKnown(exchange) || !['GET', 'POST', 'HEAD'].includes(method))
          return Promise.resolve(undefined);
        return ctx.http.request(
          exchange.request.url,
          {
            method: method as 'GET' | 'POST' | 'HEAD',
            label: `saved exchange ${position + 1}: ${method} ${pathOf(exchange) ?? '?'}`,
            headers: exchange.request.headers,
          },
          ctx.signal,
        );
      }),
    );
    return factsOf(capture);
  },
  judge,
});
