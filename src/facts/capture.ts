import { shellWord } from '../knowledge/shell.js';
import { type CapturedAuth, describeAuthorization } from '../explain/capture.js';
import { mostImportantFailure } from '../explain/offline.js';
import { DOCS } from '../knowledge/docs.js';
import { headerValue } from '../knowledge/signatures.js';
import { classifyUrl } from '../knowledge/api-versions.js';
import { SEND_AS } from '../knowledge/wire.js';
import type { Capture, Exchange, Outcome, Remediation } from '../types.js';

/**
 * What a saved capture (explain) shows of one call: facts for the checks' fromCapture, pure and
 * without secrets (an Authorization header is described, never kept).
 */

/** How a captured request authenticated, described without the secret (one describer). */
export type SentAuthorization = CapturedAuth;
export { describeAuthorization };

/** The captured call that matters most and what it carried. */
export interface CapturedCall {
  /** 1-based position in the capture. */
  readonly index: number;
  readonly method: string;
  readonly url: string;
  /** Its answer; undefined: none was recorded (a blocked request, a dropped connection). */
  readonly response?: Exchange['response'];
  /** Its Authorization header, described; undefined: the request carried none. */
  readonly sent?: SentAuthorization | undefined;
  /**
   * The redirect (1-based index and status) this call followed without the Authorization header
   * the redirect itself carried: curl -L does not resend credentials to another scheme, host or
   * port (curl(1) --location; since 7.83.0, CVE-2022-27776), so the call ran anonymously.
   */
  readonly droppedBy?:
    | { readonly index: number; readonly status: number; readonly sent: SentAuthorization }
    | undefined;
}

const parsedUrl = (url: string, base?: string): URL | undefined => {
  try {
    return new URL(url, base);
  } catch {
    return undefined;
  }
};

/** The captured exchange that redirected to the one at `position` (curl -L), if any. */
export const redirectedFrom = (
  exchanges: readonly Exchange[],
  position: number,
): Exchange | undefined => {
  const previous = exchanges[position - 1];
  const current = exchanges[position];
  const location = headerValue(previous?.response?.headers ?? {}, 'location');
  const status = previous?.response?.status ?? 0;
  if (previous === undefined || current === undefined || location === undefined) return undefined;
  if (status < 300 || status > 399) return undefined;
  const target = parsedUrl(location, previous.request.url)?.href;
  return target !== undefined && target === parsedUrl(current.request.url)?.href
    ? previous
    : undefined;
};

const authorizationOf = (exchange: Exchange): string | undefined =>
  exchange.request.url === '' ? undefined : headerValue(exchange.request.headers, 'authorization');

/**
 * The captured failing call explain diagnoses (the one `ctx.input.failingRequest` is built from:
 * mostImportantFailure), with what it carried and the redirect that may have dropped it.
 */
export const capturedFailure = (capture: Capture): CapturedCall | undefined => {
  const exchange = mostImportantFailure(capture.exchanges);
  if (exchange === undefined) return undefined;
  const position = capture.exchanges.indexOf(exchange);
  const authorization = authorizationOf(exchange);
  const from = redirectedFrom(capture.exchanges, position);
  const before = from === undefined ? undefined : authorizationOf(from);
  return {
    index: position + 1,
    method: exchange.request.method === '' ? 'GET' : exchange.request.method.toUpperCase(),
    url: exchange.request.url,
    response: exchange.response,
    sent: authorization === undefined ? undefined : describeAuthorization(authorization),
    droppedBy:
      authorization !== undefined || before === undefined
        ? undefined
        : {
            index: position,
            status: from?.response?.status ?? 0,
            sent: describeAuthorization(before),
          },
  };
};

/** "saved exchange 2 (GET /2.0/repositories/acme/x → 404)": no query, no userinfo. */
export const capturedName = (call: CapturedCall): string =>
  `saved exchange ${call.index} (${call.method} ${parsedUrl(call.url)?.pathname ?? '?'} → ${call.response?.status ?? 'no answer'})`;

/** origin + path of a captured URL, for a command (the query may hold access_token=). */
export const commandUrl = (url: string): string => {
  const parsed = parsedUrl(url);
  return parsed === undefined ? url : `${parsed.origin}${parsed.pathname}`;
};

/**
 * The call curl -L ran anonymously after a redirect: send it to where the redirect points, with
 * the credentials (a Bearer token as Bearer, anything else as an API token with the email).
 */
export const redirectRemedy = (sent: SentAuthorization, url: string): Remediation => ({
  hint: 'Call the URL the redirect points to (https://, the API host) directly with the credentials, so that they go with the call.',
  commands: [
    `curl ${sent.bearer ? '-H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN"' : '-u "$BITBUCKET_EMAIL:$BITBUCKET_API_TOKEN"'} '${commandUrl(url)}'`,
  ],
  url: DOCS.restIntro,
});

/**
 * curl(1) --location: an http:// URL redirected to https:// sent its credentials over the network
 * unencrypted, and curl does not resend them to another scheme, host or port (since 7.83.0,
 * CVE-2022-27776), so the follow-up ran anonymously (§3.2: a private repository then answers 404).
 */
export interface InsecureRedirect {
  /** 1-based position of the redirect in the capture. */
  readonly index: number;
  readonly status: number;
  /** What the http:// request carried, described; undefined: no credentials. */
  readonly sent?: SentAuthorization | undefined;
  /** The follow-up went out without the Authorization header the redirect carried. */
  readonly dropped: boolean;
  /** The same call on https://, without query. */
  readonly replacementUrl?: string | undefined;
}

export const insecureRedirect = (capture: Capture): InsecureRedirect | undefined => {
  const exchanges = capture.exchanges;
  for (let i = 0; i < exchanges.length; i += 1) {
    const redirect = exchanges[i]!;
    const status = redirect.response?.status ?? 0;
    if (status < 300 || status > 399 || redirect.request.url === '') continue;
    const insecure = classifyUrl(redirect.request.url).problems.find(
      (p) => p.code === 'INSECURE_HTTP',
    );
    const location = headerValue(redirect.response?.headers ?? {}, 'location');
    const target = location === undefined ? undefined : parsedUrl(location, redirect.request.url);
    if (insecure === undefined || target?.protocol !== 'https:') continue;
    const auth = authorizationOf(redirect);
    const next = exchanges[i + 1];
    return {
      index: i + 1,
      status,
      sent: auth === undefined ? undefined : describeAuthorization(auth),
      dropped:
        auth !== undefined &&
        next !== undefined &&
        redirectedFrom(exchanges, i + 1) === redirect &&
        authorizationOf(next) === undefined,
      replacementUrl: insecure.replacementUrl?.replace(/\?.*$/su, ''),
    };
  }
  return undefined;
};

/** The INSECURE_HTTP finding of a captured http:// → https:// redirect. Pure. */
export const insecureRedirectOutcome = (r: InsecureRedirect): Outcome => ({
  verdict: 'fail',
  code: 'INSECURE_HTTP',
  summary:
    `The URL used plain http://: saved exchange ${r.index} was redirected (${r.status}) to https://` +
    (r.sent === undefined
      ? '.'
      : `, the credentials (${r.sent.describe}) crossed the network unencrypted${r.dropped ? ', and curl did not resend them to https://, so the follow-up ran anonymously' : ''}.`),
  remediation: {
    hint:
      r.sent === undefined
        ? 'Use https:// in the URL.'
        : 'Use https:// in the URL, and replace the secret that was sent over plain http://.',
    ...(r.replacementUrl === undefined
      ? {}
      : {
          commands: [
            `curl ${r.sent === undefined ? '' : `${SEND_AS.apiToken.replace('you@example.com', '$BITBUCKET_EMAIL')} `}${shellWord(r.replacementUrl)}`,
          ],
        }),
    url: DOCS.restIntro,
  },
  data: {
    redirect: r.index,
    credentialsSentInClear: r.sent !== undefined,
    credentialsDroppedByRedirect: r.dropped,
  },
});
