import { CLOUD_HOSTS } from '../knowledge/hosts.js';
import { shellWord } from '../knowledge/shell.js';
import type { Exchange, FindingCode, HttpResult, Remediation } from '../types.js';
import { REMEDY } from '../knowledge/remedies.js';

/** Every code networkProblem and answerProblem can name (a check that uses them lists these). */
export const NETWORK_CODES = [
  'NETWORK_UNREACHABLE',
  'TLS_ERROR',
  'TIMEOUT',
  'PROXY_AUTH_REQUIRED',
  'SERVER_ERROR',
  'REDIRECTED_AWAY',
] as const satisfies readonly FindingCode[];

export interface NetworkProblem {
  readonly code: FindingCode;
  readonly summary: string;
  readonly remediation: Remediation;
}

const TLS_CODES =
  /^(?:DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(?:_LOCALLY)?|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERR_TLS_CERT_ALTNAME_INVALID|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE|ERR_SSL_.*|EPROTO)$/u;

const TLS_HINT: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server sent a self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN:
    'a self-signed certificate is in the chain (typical of a TLS-inspecting proxy)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate was signed by an unknown authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate was signed by an unknown authority',
  CERT_HAS_EXPIRED: 'the certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate is for another host name',
};

/**
 * An answer the client marked as from another origin, a redirect loop or a chain too long
 * (src/http/client.ts): never evidence about Bitbucket. connectivity names it; for every other
 * check networkProblem and answerProblem treat it like a guarded request (nothing to judge).
 */
export const redirectedAway = (exchange: Exchange): NetworkProblem | undefined =>
  exchange.error?.code === 'REDIRECTED_AWAY'
    ? {
        code: 'REDIRECTED_AWAY',
        summary: exchange.error.message,
        remediation: REMEDY.REDIRECTED_AWAY,
      }
    : undefined;

/**
 * Names the network failure of an exchange that got no usable answer, so that a timeout, a DNS
 * failure, a TLS error or a proxy 407 is never reported as "your token is invalid" (the most
 * common complaint about `gh auth status`, anchors.md §3.3).
 */
export const networkProblem = (exchange: Exchange): NetworkProblem | undefined => {
  // An answer from another origin (a captive portal) is never evidence about Bitbucket: every
  // check that reads the network through here stops on it, not only connectivity.
  const away = redirectedAway(exchange);
  if (away !== undefined) return away;
  const host = (() => {
    try {
      return new URL(exchange.request.url).host;
    } catch {
      return exchange.request.url;
    }
  })();
  const status = exchange.response?.status;
  if (status === 407) {
    return {
      code: 'PROXY_AUTH_REQUIRED',
      summary: `The proxy answered 407 Proxy Authentication Required on the way to ${host}.`,
      remediation: REMEDY.PROXY_AUTH_REQUIRED,
    };
  }
  if (status !== undefined && status >= 500) {
    return {
      code: 'SERVER_ERROR',
      summary: `${host} answered ${status}: a server-side problem, not your credentials.`,
      remediation: {
        hint: 'Retry in a few minutes and check https://bitbucket.status.atlassian.com/ ; if a proxy sits in between, its logs may say more.',
        url: 'https://bitbucket.status.atlassian.com/',
      },
    };
  }
  const error = exchange.error;
  if (error === undefined) return undefined;
  const code = error.code;
  // hpagent reports a refused CONNECT tunnel as "Bad response: <status>".
  const tunnel = /Bad response: (\d{3})/u.exec(error.message)?.[1];
  if (tunnel === '407') {
    return {
      code: 'PROXY_AUTH_REQUIRED',
      summary: `The proxy answered 407 Proxy Authentication Required to the tunnel for ${host}.`,
      remediation: REMEDY.PROXY_AUTH_REQUIRED,
    };
  }
  if (tunnel !== undefined) {
    return {
      code: 'NETWORK_UNREACHABLE',
      summary: `The proxy refused the tunnel to ${host} (${tunnel}).`,
      remediation: {
        hint: `Check HTTPS_PROXY and NO_PROXY, and whether the proxy allows ${CLOUD_HOSTS.api}.`,
      },
    };
  }
  if (
    code === 'ETIMEDOUT' ||
    code === 'ESOCKETTIMEDOUT' ||
    code === 'TimeoutError' ||
    code === 'ERR_ABORTED' ||
    code === 'AbortError'
  ) {
    return {
      code: 'TIMEOUT',
      summary: `No answer from ${host} in time (${exchange.durationMs} ms).`,
      remediation: {
        hint: 'Check your network and proxy settings (HTTPS_PROXY, NO_PROXY), then run again, with a longer --timeout if the link is slow.',
        commands: [
          `curl -sS -o /dev/null -w '%{http_code} %{time_total}s\\n' ${shellWord(exchange.request.url)}`,
        ],
      },
    };
  }
  if (TLS_CODES.test(code)) {
    return {
      code: 'TLS_ERROR',
      summary: `TLS to ${host} failed: ${TLS_HINT[code] ?? code} (${code}).`,
      remediation: {
        hint: 'If your company inspects TLS, point NODE_EXTRA_CA_CERTS (or --cacert) at its CA certificate; never disable verification.',
        commands: ['export NODE_EXTRA_CA_CERTS=/path/to/company-ca.pem'],
      },
    };
  }
  if (
    /^(?:ORIGIN_GUARD|INSECURE_GUARD|DC_PATH_GUARD|REQUEST_BUDGET|AUTH_BUDGET|OFFLINE|HEADER_INVALID_CHAR)$/u.test(
      code,
    )
  )
    return undefined;
  const dns = code === 'ENOTFOUND' || code === 'EAI_AGAIN';
  return {
    code: 'NETWORK_UNREACHABLE',
    summary: dns
      ? `The host name ${host} does not resolve (${code}).`
      : `${host} cannot be reached (${code}: ${error.message}).`,
    remediation: {
      hint: dns
        ? 'Check the --api-url spelling, your DNS and VPN; behind a proxy, set HTTPS_PROXY.'
        : 'Check your network, VPN and proxy settings (HTTPS_PROXY, NO_PROXY) and the --api-url.',
    },
  };
};

/**
 * networkProblem, plus an answer that came back but cannot be read: a JSON content type whose
 * body does not parse (cut off mid-body, or garbage) is a server-side failure, never a verdict
 * about the credentials. The whole body is used (the evidence keeps only 4 KB of it).
 */
export const answerProblem = (result: HttpResult): NetworkProblem | undefined => {
  const problem = networkProblem(result.exchange);
  if (problem !== undefined) return problem;
  const status = result.status;
  const type = result.header('content-type') ?? '';
  if (status === undefined || status >= 300 || !/json/iu.test(type) || result.body.trim() === '')
    return undefined;
  if (result.json() !== undefined) return undefined;
  const host = (() => {
    try {
      return new URL(result.exchange.request.url).host;
    } catch {
      return result.exchange.request.url;
    }
  })();
  return {
    code: 'SERVER_ERROR',
    summary: `${host} answered ${status} with a ${result.exchange.response?.bodyTruncated === true ? 'cut-off' : 'malformed'} JSON body: a server or proxy problem, not your credentials.`,
    remediation: {
      hint: 'Retry in a few minutes and check https://bitbucket.status.atlassian.com/ ; if a proxy sits in between, it may be cutting answers short.',
      url: 'https://bitbucket.status.atlassian.com/',
    },
  };
};

/**
 * A captured exchange with no response: curl(1)'s EXIT CODES (`CURLE_28`…) and Chromium's net
 * errors (`net::ERR_…`) name network failures; a request the browser blocked (an extension, CORS)
 * was never sent and says nothing, so it is no finding.
 */
export const capturedNetworkProblem = (exchange: Exchange): NetworkProblem | undefined => {
  const error = exchange.error;
  if (error === undefined || exchange.response !== undefined) return undefined;
  const { code, message } = error;
  let host = 'the server';
  try {
    host = new URL(exchange.request.url).host;
  } catch {
    // No request in the capture.
  }
  const curl = /^CURLE_(\d+)$/u.exec(code)?.[1] ?? '';
  const net = /net::(ERR_[A-Z_]+)/u.exec(message)?.[1] ?? '';
  const said = message || code;
  const problem = (found: FindingCode, summary: string): NetworkProblem => ({
    code: found,
    summary,
    remediation: REMEDY[found],
  });
  if (/\b407\b/u.test(message) || net.startsWith('ERR_PROXY_AUTH')) {
    return problem(
      'PROXY_AUTH_REQUIRED',
      `A proxy wanted its own credentials (407) on the way to ${host}.`,
    );
  }
  if (curl === '28' || net.includes('TIMED_OUT')) {
    return problem('TIMEOUT', `No answer from ${host} in time (${said}).`);
  }
  const tlsCurl = ['35', '53', '54', '58', '59', '60', '66', '77', '80', '82', '83', '90', '91'];
  if (tlsCurl.includes(curl) || /^ERR_(?:CERT|SSL)_/u.test(net)) {
    return problem('TLS_ERROR', `TLS to ${host} failed (${said}).`);
  }
  if (
    ['5', '6', '7', '52', '55', '56', '97'].includes(curl) ||
    /^ERR_(?:NAME_NOT_RESOLVED|CONNECTION_(?:REFUSED|RESET|CLOSED|FAILED)|INTERNET_DISCONNECTED|ADDRESS_UNREACHABLE|EMPTY_RESPONSE)$/u.test(
      net,
    )
  ) {
    return problem('NETWORK_UNREACHABLE', `${host} could not be reached (${said}).`);
  }
  // bb-doctor's own HAR (--output run.har) keeps Node's codes (ETIMEDOUT, ECONNRESET…): read
  // them as a live run does. Anything else (a request the browser blocked) is no finding.
  return /^(?:E[A-Z_]+|ERR_[A-Z_]+|[A-Z_]*TIMEOUT[A-Z_]*|CERT_[A-Z_]+|[A-Z_]*CERT[A-Z_]*)$/u.test(
    code,
  ) && !/^ERR_(?:BLOCKED|ABORTED)/u.test(code)
    ? networkProblem(exchange)
    : undefined;
};
