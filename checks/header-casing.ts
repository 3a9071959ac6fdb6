import { correctAuth, fetchedToken, primaryCredential } from '../src/facts/auth.js';
import { STEP_OUTPUT } from '../src/intake/curl-input.js';
import { experimentTarget } from '../src/facts/data-center.js';
import { correctedCommand } from '../src/facts/curl-fix.js';
import { lintAuthorization, type AuthorizationOptions } from '../src/facts/header-lint.js';
import { REMEDY } from '../src/knowledge/remedies.js';
import { parseAuthorization } from '../src/intake/credentials.js';
import { API_PATHS, GRANTS, OAUTH_PARAMS, SCHEMES } from '../src/knowledge/wire.js';
import { headerValue } from '../src/knowledge/signatures.js';
import {
  defineCheck,
  type CheckContext,
  type Exchange,
  type GivenHeader,
  type Outcome,
} from '../src/types.js';

/** The user's Authorization header and the experiment on it. */
export interface HeaderCasingFacts {
  /** The first Authorization header of the failing call (or of --header); undefined: none. */
  readonly header?:
    | {
        readonly value: string;
        readonly source: string;
        readonly computed?: GivenHeader['computed'];
      }
    | undefined;
  readonly options: AuthorizationOptions;
  /** Where the experiment goes: a GET target on the API, else /2.0/user (Data Center: a REST path). */
  readonly target: string;
  /** Status of the call as sent (the replay; in explain, the captured answer), if any. */
  readonly asSent?: number | undefined;
  /** Status of the same call with the corrected header; undefined = not sent. */
  readonly corrected?: number | undefined;
  /** The two requests were sent (live, and there was a correction to try). */
  readonly replayed: boolean;
  /** The user's own curl command, corrected, when one was given. */
  readonly correctedCommand?: string | undefined;
}

const BASIC_PLACEHOLDER = '$(printf %s "$BITBUCKET_EMAIL:$BITBUCKET_API_TOKEN" | base64)';

/**
 * Pure: the one Authorization linter (src/facts/header-lint.ts) names what is wrong with the
 * header's form; the replay with the corrected header is the proof (bitbucket-auth.md §2.2: an
 * unreadable header is ignored and the call runs anonymous, so the corrected one answers
 * differently).
 */
export const judge = (facts: HeaderCasingFacts): Outcome => {
  const { header } = facts;
  if (header === undefined)
    return {
      verdict: 'skip',
      summary:
        'Skipped: no Authorization header was given (--header or a curl command); the doctor builds its own headers correctly.',
    };
  const lint = lintAuthorization(header.value, facts.options);
  const scheme = parseAuthorization(header.value).scheme;
  if (lint === undefined)
    return {
      verdict: 'pass',
      summary: `Authorization: ${scheme} … is well-formed (from ${header.source}).`,
      data: { scheme },
    };
  const correctedScheme = lint.corrected?.replace(/^(\S+) .*$/su, '$1');
  const command =
    lint.corrected === undefined
      ? undefined
      : (facts.correctedCommand ??
        `curl -H "Authorization: ${correctedScheme} ${correctedScheme === SCHEMES.basic ? BASIC_PLACEHOLDER : '$BITBUCKET_ACCESS_TOKEN'}" ${facts.target}`);
  const remediation = {
    ...REMEDY[lint.code],
    ...(command === undefined ? {} : { commands: [command] }),
  };
  if (!facts.replayed) {
    // Offline (explain) or nothing to correct: the lint stands on the documented facts alone.
    return {
      verdict: 'fail',
      code: lint.code,
      summary: `Your Authorization header is wrong: ${lint.problem}.`,
      remediation,
      data: { scheme, proven: false },
      proof: { asSent: facts.asSent, corrected: undefined, command, verified: false },
    };
  }
  const before = facts.asSent;
  const after = facts.corrected;
  const proven = before !== undefined && after !== undefined && before !== after;
  const works = after !== undefined && after < 300;
  const outcome = !proven
    ? `Replaying with the corrected header changed nothing (${before ?? 'no answer'} both times), so something else is wrong too.`
    : works
      ? `Bitbucket ignored it and answered as if anonymous (${before ?? '?'}); the corrected header got ${after}.`
      : `Bitbucket ignored it (${before ?? '?'}); with the corrected header it read the credentials (${after}: see identity for why they are refused).`;
  return {
    verdict: 'fail',
    code: lint.code,
    summary: `Your Authorization header is wrong: ${lint.problem}. ${outcome}`,
    remediation,
    data: { scheme, proven, statusAsSent: before, statusCorrected: after, fixVerified: works },
    proof: { asSent: before, corrected: after, command, verified: proven && works },
  };
};

/** What both modes know before any request: the header, where to try it, the corrected command. */
const base = ({ input }: CheckContext): HeaderCasingFacts => {
  const request = input.failingRequest;
  const header = (request?.headers ?? input.headers).find(
    (h) => h.name.toLowerCase() === 'authorization',
  );
  const body = new URLSearchParams(request?.body ?? '');
  return {
    ...(header === undefined
      ? {}
      : {
          header: {
            value: header.value,
            source: header.source,
            ...(header.computed === undefined ? {} : { computed: header.computed }),
          },
        }),
    options: { jwtGrant: body.get(OAUTH_PARAMS.grantType) === GRANTS.jwt },
    target:
      request?.method === 'GET' && request.url.startsWith(input.apiUrl)
        ? request.url
        : `${input.apiUrl}${API_PATHS.user}`,
    replayed: false,
    correctedCommand: correctedCommand(input),
  };
};

export default defineCheck({
  meta: {
    id: 'header-casing',
    title: 'The Authorization header is well-formed',
    description:
      'Bitbucket ignores an Authorization header whose scheme is not spelled Bearer or Basic, so the call runs anonymous; replaying it with the corrected spelling proves it.',
    codes: ['HEADER_SCHEME_CASE', 'HEADER_SCHEME_UNKNOWN', 'HEADER_MALFORMED'],
    needs: ['reads:connectivity', 'reads:token-fetch'],
  },
  // The experiment: the same request with the user's header and with the corrected one.
  async gather(ctx): Promise<HeaderCasingFacts> {
    const facts = { ...base(ctx), target: await experimentTarget(ctx, base(ctx).target) };
    const lint =
      facts.header === undefined ? undefined : lintAuthorization(facts.header.value, facts.options);
    if (facts.header === undefined || lint?.corrected === undefined) return facts;
    // A credential the user's shell computed is never sent as its placeholder: a step's token
    // fetch is stood in for by the token the doctor got with the same consumer.
    const computed = facts.header.computed;
    const token = computed?.step === undefined ? undefined : (await fetchedToken(ctx))?.token;
    if (computed !== undefined && token === undefined) return facts;
    const withToken = (value: string): string =>
      token === undefined ? value : value.replace(STEP_OUTPUT, token);
    const user = primaryCredential(ctx.input);
    const secretKey = user === undefined ? 'header' : correctAuth(user, ctx.input).secretKey;
    const send = (label: string, authorization: string) =>
      ctx.http.request(facts.target, { label, headers: { authorization }, secretKey }, ctx.signal);
    const stood = token === undefined ? '' : ' (a token the doctor got for step 1)';
    const [asSent, fixed] = await Promise.all([
      send(`header-casing: your header, as sent${stood}`, withToken(facts.header.value.trim())),
      send(`header-casing: the corrected header${stood}`, withToken(lint.corrected)),
    ]);
    return { ...facts, replayed: true, asSent: asSent.status, corrected: fixed.status };
  },
  // Explain: the captured header and the captured answer; nothing can be replayed offline.
  // Explain: the first captured Authorization header Bitbucket cannot read (a browser session or
  // a bb-doctor HAR may hold several), else the failing call's; its captured answer, and the
  // answer to the same call with the corrected header when the capture holds one (bb-doctor's
  // own replay), stand in for the experiment.
  fromCapture(ctx, capture): HeaderCasingFacts {
    const facts = base(ctx);
    const captured = ctx.input.headers.filter((h) => h.name.toLowerCase() === 'authorization');
    const header = captured.find((h) => lintAuthorization(h.value) !== undefined) ?? facts.header;
    const sent = (value: string): Exchange | undefined =>
      capture.exchanges.find(
        (e) =>
          e.response !== undefined && headerValue(e.request.headers, 'authorization') === value,
      );
    const asSent = header === undefined ? undefined : sent(header.value);
    const fixed = header === undefined ? undefined : lintAuthorization(header.value)?.corrected;
    const corrected =
      fixed === undefined || asSent === undefined
        ? undefined
        : capture.exchanges.find(
            (e) =>
              e.request.url === asSent.request.url &&
              headerValue(e.request.headers, 'authorization') === fixed,
          );
    return {
      ...facts,
      ...(header === undefined ? {} : { header: { value: header.value, source: header.source } }),
      asSent: asSent?.response?.status,
      ...(corrected?.response === undefined
        ? {}
        : { corrected: corrected.response.status, replayed: true }),
    };
  },
  judge,
});
