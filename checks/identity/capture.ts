/**
 * identity's facts from a capture: the captured answer to the credentials (a /2.0/user exchange
 * if the capture has one, else the failing call that matters most, when it is a refusal) and the
 * request that got it, described by structure. No experiment is possible offline, so the judge
 * names the cause from the answer, the credential's shape and the username (bitbucket-auth.md
 * §3.4, §5.2, §5.3), and says when the capture cannot show more.
 */
import {
  answerDate,
  capturedAuthorization,
  capturedFailure,
  describeAuthorization,
  requestKnown,
  resultOf,
} from '../../src/explain/capture.js';
import { lintAuthorization } from '../../src/facts/header-lint.js';
import { FINDINGS } from '../../src/knowledge/findings.js';
import { CLOUD_PATHS, CLOUD_URLS } from '../../src/knowledge/docs.js';
import { matchSignatures } from '../../src/knowledge/signatures.js';
import type { Capture, CheckContext, Exchange } from '../../src/types.js';
import type { Experiment, IdentityFacts, SentCredential } from './judge.js';

const TOKEN_PATH = new URL(CLOUD_URLS.tokenEndpoint).pathname;

/**
 * An answer that speaks about the user's credentials: a refusal of an API call. The token
 * endpoint's answers speak about the OAuth consumer instead (token-fetch's).
 */
const aboutCredentials = (exchange: Exchange): boolean => {
  const response = exchange.response;
  if (response === undefined) return false;
  if (requestKnown(exchange) && exchange.request.url.includes(TOKEN_PATH)) return false;
  const signatures = matchSignatures(response);
  // A consumer's refusal (invalid_client, not private…) is token-fetch's, even without the URL.
  if (signatures.some((s) => FINDINGS.find((f) => f.code === s.code)?.layer === 'token-fetch')) {
    return false;
  }
  if (response.status === 401) return true;
  // A 403 no documented answer explains: a refusal too, never "pass" (§3.3: only /2.0/user's
  // 403 to an access token means "valid, not a user").
  if (response.status === 403 && signatures.length === 0) return true;
  return signatures.some((s) => s.blamesCredentials && s.code !== 'SCOPE_MISSING');
};

/** Every captured /2.0/user call with a well-formed Authorization header, in capture order. */
const userCalls = (capture: Capture): Exchange[] =>
  capture.exchanges.filter((exchange) => {
    if (!requestKnown(exchange) || exchange.response === undefined) return false;
    try {
      if (!new URL(exchange.request.url).pathname.endsWith(CLOUD_PATHS.currentUser)) return false;
    } catch {
      return false;
    }
    const header = capturedAuthorization(exchange);
    return header !== undefined && lintAuthorization(header) === undefined;
  });

const sentOf = (header: string): SentCredential => {
  const auth = describeAuthorization(header);
  return { ...auth, scheme: auth.scheme.toLowerCase() === 'basic' ? 'Basic' : 'Bearer' };
};

/**
 * A bb-doctor HAR holds identity's own experiment: a later /2.0/user call with the same
 * credential sent another way. It stands in for the experiment the check would have made.
 */
const capturedExperiment = (
  calls: readonly Exchange[],
  first: SentCredential,
  firstHeader: string,
): Experiment | undefined => {
  for (const exchange of calls) {
    const header = capturedAuthorization(exchange) ?? '';
    if (header === firstHeader) continue;
    const sent = sentOf(header);
    const toEmail = sent.scheme === 'Basic' && sent.username?.includes('@') === true;
    const change: Experiment['change'] | undefined =
      first.scheme === 'Bearer' && toEmail
        ? 'basic-email'
        : first.scheme === 'Basic' && sent.scheme === 'Bearer'
          ? 'bearer'
          : first.scheme === 'Basic' && toEmail && first.username !== sent.username
            ? 'email'
            : undefined;
    if (change === undefined) continue;
    const credential = {
      kind: sent.kind ?? 'unknown',
      source: 'capture',
      secret: header,
      raw: header,
      classifiedBy: 'capture',
    } as const;
    return {
      change,
      auth: { header, describe: sent.describe, secretKey: 'capture', credential },
      result: resultOf(exchange),
    };
  }
  return undefined;
};

export const fromCapture = async (ctx: CheckContext, capture: Capture): Promise<IdentityFacts> => {
  const calls = userCalls(capture);
  const failure = capturedFailure(capture);
  const exchange =
    calls[0] ?? (failure !== undefined && aboutCredentials(failure) ? failure : undefined);
  const now = ctx.now();
  const base = {
    captured: true,
    date: now,
    url: ctx.input.apiUrl,
    authUrl: ctx.input.authUrl,
    requestKnown: false,
  } as const;
  if (exchange === undefined) {
    return { ...base, skip: 'the capture holds no answer to the credentials.' };
  }
  const url = requestKnown(exchange) ? exchange.request.url.replace(/[?#].*$/su, '') : base.url;
  const facts = {
    ...base,
    url,
    date: answerDate(exchange, now),
    requestKnown: requestKnown(exchange),
    product: await ctx.fact('product'),
    result: resultOf(exchange),
  };
  if (!requestKnown(exchange)) return facts;
  const header = capturedAuthorization(exchange);
  if (header === undefined) {
    return { ...facts, skip: 'the captured request carries no credentials (see credentials).' };
  }
  // A misspelled scheme is the cause (header-casing): the answer then says nothing about the
  // credential itself, which Bitbucket never read (§2.2).
  if (lintAuthorization(header) !== undefined) {
    return {
      ...facts,
      skip: 'the captured Authorization header is malformed (see header-casing), so Bitbucket never read the credential.',
    };
  }
  const sent = sentOf(header);
  const experiment =
    calls.length > 1 ? capturedExperiment(calls.slice(1), sent, header) : undefined;
  return {
    ...facts,
    sent,
    ...(experiment === undefined
      ? {}
      : {
          experiment,
          email: [sentOf(experiment.auth.header).username, sent.username].find(
            (user) => user?.includes('@') === true,
          ),
        }),
  };
};
