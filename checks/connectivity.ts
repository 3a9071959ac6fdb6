import { capturedFailure, resultOf } from '../src/explain/capture.js';
import {
  answerProblem,
  capturedNetworkProblem,
  NETWORK_CODES,
  redirectedAway,
} from '../src/facts/network.js';
import { anonymousListing, anonymousUser } from '../src/facts/requests.js';
import { CLOUD_EDGE_HEADERS, detectDataCenter } from '../src/knowledge/index.js';
import { DC_APPLICATION_PROPERTIES, dcVersionOf } from '../src/knowledge/data-center.js';
import { REMEDY } from '../src/knowledge/remedies.js';
import { defineCheck, type HttpResult, type Outcome, type Product } from '../src/types.js';

/** The first anonymous answer of the API host (live) or the capture's first answer (explain). */
export interface ConnectivityFacts {
  readonly host: string;
  readonly result: HttpResult;
  /** From a capture: whoever answered, a missing Cloud header is no finding (a pasted body has none). */
  readonly captured?: boolean;
  /** Data Center: its anonymous application-properties (the version). */
  readonly properties?: HttpResult;
}

const withProduct = (outcome: Outcome, product: Product): Outcome => ({
  ...outcome,
  provides: { product },
});

/** Pure: the network first (never "your token is invalid"), then which product answered. */
export const judge = (facts: ConnectivityFacts): Outcome => {
  const { host, result, captured = false } = facts;
  // A captured failure names curl's and Chromium's own error codes; a blocked request is none.
  const problem =
    redirectedAway(result.exchange) ??
    (captured && result.exchange.error !== undefined
      ? capturedNetworkProblem(result.exchange)
      : answerProblem(result));
  if (problem !== undefined) {
    return {
      verdict: 'fail',
      code: problem.code,
      summary: problem.summary,
      remediation: problem.remediation,
    };
  }
  const response = result.exchange.response;
  const headers = response?.headers ?? {};
  // Data Center marks (X-AREQUESTID, X-AUSERNAME, its realm and error envelope; §8) come from
  // the one table in knowledge: the product is found from the answers, not the host name.
  const dc =
    response === undefined
      ? undefined
      : detectDataCenter({ status: response.status, headers, body: result.body });
  if (dc?.isDataCenter === true) {
    // A Data Center answer is never NOT_BITBUCKET (contract.md, "Checks on Data Center"): the run
    // follows the product from here.
    const version =
      facts.properties?.status === 200 ? dcVersionOf(facts.properties.body) : undefined;
    return withProduct(
      {
        verdict: 'pass',
        summary: `${host} answers like Bitbucket Data Center${version === undefined ? '' : ` ${version}`} (${dc.evidence[0] ?? 'Data Center markers'}).`,
        data: {
          product: 'data-center',
          status: result.status,
          ...(version === undefined ? {} : { serverVersion: version }),
        },
      },
      'data-center',
    );
  }
  const names = Object.keys(headers);
  const cloudLike =
    CLOUD_EDGE_HEADERS.some((mark) => names.includes(mark)) ||
    /"type"\s*:\s*"(?:error|paginated|repository)|"pagelen"/u.test(result.body);
  if (captured && !cloudLike) {
    return withProduct(
      {
        verdict: 'pass',
        summary: `The captured answer of ${host} (${result.status ?? '?'}) shows no network problem.`,
        data: { product: 'unknown', status: result.status },
      },
      'unknown',
    );
  }
  if (!cloudLike) {
    return withProduct(
      {
        verdict: 'warn',
        code: 'NOT_BITBUCKET',
        summary: `${host} answered ${result.status ?? '?'}, but not like Bitbucket Cloud (no trace headers, no Bitbucket JSON).`,
        remediation: REMEDY.NOT_BITBUCKET,
        data: { product: 'unknown', status: result.status },
      },
      'unknown',
    );
  }
  return withProduct(
    {
      verdict: 'pass',
      summary: `${host} answered ${result.status ?? '?'} in ${result.exchange.durationMs} ms (Bitbucket Cloud).`,
      data: { product: 'cloud', status: result.status, durationMs: result.exchange.durationMs },
    },
    'cloud',
  );
};

export default defineCheck({
  meta: {
    id: 'connectivity',
    title: 'The Bitbucket API can be reached',
    description:
      'Every other check talks to the API; a DNS, TLS, proxy or timeout problem must be named as such, never as a bad token.',
    codes: [...NETWORK_CODES, 'NOT_BITBUCKET'],
  },
  // The anonymous listing doubles as the contrast's anonymous side; without a workspace the
  // anonymous /2.0/user (any answer will do, a 401 included) is the probe.
  gather: async (ctx): Promise<ConnectivityFacts> => {
    const result = await (anonymousListing(ctx) ?? anonymousUser(ctx));
    const response = result.exchange.response;
    // Data Center by its answer: its anonymous application-properties name the version (§8).
    const dc =
      response !== undefined &&
      detectDataCenter({ status: response.status, headers: response.headers, body: result.body })
        .isDataCenter;
    const properties = dc
      ? await ctx.http.request(
          `${ctx.input.apiUrl}${DC_APPLICATION_PROPERTIES}`,
          { label: 'Data Center version (anonymous application-properties)' },
          ctx.signal,
        )
      : undefined;
    return {
      host: new URL(ctx.input.apiUrl).host,
      result,
      ...(properties === undefined ? {} : { properties }),
    };
  },
  // explain: the failing call that matters most (its error, or its answer, tells the product).
  fromCapture: (ctx, capture): ConnectivityFacts | Promise<ConnectivityFacts> => {
    // parse.ts never yields an empty capture.
    const exchange = capturedFailure(capture) ?? capture.exchanges[0]!;
    let host = new URL(ctx.input.apiUrl).host;
    try {
      host = new URL(exchange.request.url).host;
    } catch {
      // A capture without the request: the API host of the run.
    }
    return { host, result: resultOf(exchange), captured: true };
  },
  judge,
});
