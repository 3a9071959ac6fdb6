import { correctedCommand } from '../src/facts/curl-fix.js';
import {
  type InsecureRedirect,
  insecureRedirect,
  insecureRedirectOutcome,
} from '../src/facts/capture.js';
import { type Answer, answerOf, replayAsSent } from '../src/facts/target.js';
import { classifyUrl, type UrlOptions } from '../src/knowledge/api-versions.js';
import { detectDataCenter, isDcHttpToken } from '../src/knowledge/data-center.js';
import { identityFirstOnDc, judgeDcPath } from '../src/facts/data-center.js';
import { CLOUD_URLS } from '../src/knowledge/docs.js';
import { REMEDY } from '../src/knowledge/remedies.js';
import { splitUrlText } from '../src/knowledge/paths.js';
import { matchSignatures, parseErrorBody } from '../src/knowledge/signatures.js';
import {
  defineCheck,
  type FindingCode,
  type HttpResult,
  type Outcome,
  type Product,
} from '../src/types.js';
import { CHANGES } from '../src/knowledge/api-paths.js';

/** The URL causes of contract.md; SECRET_IN_URL and INSECURE_HTTP from the same judgement too. */
const URL_CODES: readonly FindingCode[] = [
  'WRONG_HOST',
  'API_V1_REMOVED',
  'ENDPOINT_REMOVED',
  'DATA_CENTER_PATH_ON_CLOUD',
];
const OWN: readonly FindingCode[] = [...URL_CODES, 'SECRET_IN_URL', 'INSECURE_HTTP'];
export type { Answer };

/** The failing call and what Bitbucket said to it. */
export interface ApiVersionFacts {
  /** The failing call; undefined: a capture that shows only the answer (curl -i). */
  readonly url?: string | undefined;
  /** The run's hosts: `--api-url` counts as the Cloud API, `--auth-url` as the website. */
  readonly hosts: UrlOptions;
  /** The answer to the call as sent (the replay, or the capture); undefined when not sent. */
  readonly answer?: Answer | undefined;
  readonly product?: Product | undefined;
  /** The user's own curl command, corrected (secrets as placeholders), when one was given. */
  readonly correctedCommand?: string | undefined;
  /** An access token is in play (on Data Center, valid only below /rest and /scm). */
  readonly token?: boolean;
  /** Explain: an http:// call the capture shows redirected to https:// (curl -L). */
  readonly insecureRedirect?: InsecureRedirect | undefined;
}

const hostOf = (url: string): string => splitUrlText(url).host;
const pathOf = (url: string): string => splitUrlText(url).path;
/**
 * Pure: the URL's problems (src/knowledge/api-versions.ts) first, then what the answer itself
 * says about the URL (410 "Resource removed", CHANGE-2770, "no API hosted at this URL": the
 * signatures that blame the URL, not the credentials; bitbucket-auth.md §3.2, §3.7, §6). A Data
 * Center path answered by Data Center (or on a Data Center product) is that server's API (§8).
 */
export const judge = (facts: ApiVersionFacts): Outcome => {
  if (facts.insecureRedirect !== undefined) return insecureRedirectOutcome(facts.insecureRedirect);
  const dc = judgeDcPath(facts);
  if (dc !== undefined) return dc;
  const { answer } = facts;
  const url = facts.url ?? '';
  if (facts.url === undefined && answer === undefined)
    return {
      verdict: 'skip',
      summary: 'Skipped: no target URL (--url or a curl command) was given.',
    };
  const signatures = answer === undefined ? [] : matchSignatures(answer);
  // An answer in Bitbucket Cloud's own words makes its host a Cloud host (a capture, a proxy).
  const cloudAnswer = signatures.some((s) => s.product === 'cloud');
  const classification = classifyUrl(facts.url ?? 'https://unknown.invalid/', {
    ...facts.hosts,
    ...(cloudAnswer ? { cloudHosts: [hostOf(url)] } : {}),
  });
  const dataCenter =
    facts.product === 'data-center' ||
    (answer !== undefined && detectDataCenter(answer).isDataCenter);
  const problems = classification.problems.filter(
    (p) => OWN.includes(p.code) && !(dataCenter && p.code === 'DATA_CENTER_PATH_ON_CLOUD'),
  );
  const status = answer?.status;
  const answered = status === undefined ? '' : ` Bitbucket answered ${status}.`;
  const problem = problems[0];
  if (problem === undefined) {
    if (dataCenter && classification.problems.some((p) => p.code === 'DATA_CENTER_PATH_ON_CLOUD'))
      return {
        verdict: 'pass',
        summary: `${pathOf(url)} is a Bitbucket Data Center REST path, and a Data Center server answered it.`,
        data: { product: 'data-center', status },
      };
    // The answer's own words, when the URL alone did not tell (saved exchanges, mostly).
    const said = signatures.find((s) => URL_CODES.includes(s.code) && !s.blamesCredentials);
    if (said !== undefined && answer !== undefined) {
      const announcementUrl =
        said.code === 'ENDPOINT_REMOVED' ? parseErrorBody(answer.body).announcementUrl : undefined;
      return {
        verdict: 'fail',
        code: said.code,
        summary: `${said.summary}${answered}`,
        remediation: {
          hint: said.explanation.replace(/\.?$/u, '.'),
          ...(REMEDY[said.code].url === undefined ? {} : { url: REMEDY[said.code].url }),
        },
        data: {
          status,
          signature: said.id,
          ...(announcementUrl === undefined ? {} : { announcementUrl }),
        },
      };
    }
    if (facts.url === undefined)
      return { verdict: 'skip', summary: 'Skipped: the capture does not show the request URL.' };
    const path = pathOf(url);
    return {
      verdict: 'pass',
      summary: /^\/2\.0(?:\/|$)/u.test(path)
        ? `${path} is a current API 2.0 path${classification.host === 'api' ? ` on ${hostOf(url)}` : ''}.`
        : `${path} has none of the known URL problems (removed 1.0 and 2.0 endpoints, Data Center paths, the website host).`,
    };
  }
  // The whole correction (every problem's fix), the same URL the corrected command calls.
  const replacement = classification.adviceUrl ?? problem.replacementUrl;
  const concrete = !classification.problems.some((p) => p.edit?.placeholder === true);
  const command =
    facts.correctedCommand !== undefined && concrete
      ? facts.correctedCommand
      : replacement === undefined
        ? undefined
        : `curl -u "$BITBUCKET_EMAIL:$BITBUCKET_API_TOKEN" '${replacement}'`;
  return {
    verdict: problem.severity,
    code: problem.code,
    summary: `${problem.summary}${answered}`,
    remediation: {
      hint:
        replacement === undefined
          ? `Use the API 2.0 equivalent of this call on ${CLOUD_URLS.apiBase}.`
          : `Call ${replacement} instead.`,
      ...(command === undefined ? {} : { commands: [command] }),
      ...(REMEDY[problem.code].url === undefined ? {} : { url: REMEDY[problem.code].url }),
    },
    data: {
      ...(replacement === undefined ? {} : { replacement }),
      status,
      problems: classification.problems.map((p) => p.code),
    },
  };
};

export default defineCheck({
  meta: {
    id: 'api-version',
    title: 'The target is a current Bitbucket Cloud API path',
    description: `A removed API 1.0 path, a removed 2.0 endpoint (${CHANGES.workspaceApis}), a Data Center path or the website host fails whatever the credentials; a 410 is never a credentials problem.`,
    codes: [...OWN, 'CLOUD_PATH_ON_DC', 'DC_TOKEN_OUTSIDE_REST'],
    needs: ['reads:connectivity', 'reads:identity'],
  },
  async gather(ctx): Promise<ApiVersionFacts> {
    const { input } = ctx;
    const url = input.failingRequest?.url;
    const hosts = { apiUrl: input.apiUrl, authUrl: input.authUrl };
    if (url === undefined) return { hosts };
    // Proof of a suspect URL: its answer as sent (410, CHANGE-2770...); a POST is not replayed.
    const first = identityFirstOnDc(ctx, url);
    if (first !== undefined) await first;
    const replay = classifyUrl(url, hosts).problems.length > 0 ? replayAsSent(ctx) : undefined;
    const result: HttpResult | undefined = replay === undefined ? undefined : await replay;
    return {
      url,
      hosts,
      answer: answerOf(result?.exchange, result?.body),
      product: await ctx.fact('product'),
      correctedCommand: correctedCommand(input),
      token: input.credentials.some((c) => c.kind === 'access-token' || isDcHttpToken(c.secret)),
    };
  },
  // Explain: the captured failing call and its captured answer (what saved-exchange judged alone).
  fromCapture(ctx, capture): ApiVersionFacts {
    const { input } = ctx;
    const url = input.failingRequest?.url;
    // A capture without the request (curl -i): the answer alone may still name the URL's problem.
    const exchange = [...capture.exchanges]
      .reverse()
      .find((e) =>
        url === undefined
          ? e.request.url === '' && (e.response?.status ?? 0) >= 400
          : e.request.url.replace(/\/+$/u, '') === url.replace(/\/+$/u, '') && e.response,
      );
    return {
      url,
      hosts: { apiUrl: input.apiUrl, authUrl: input.authUrl },
      answer: answerOf(exchange),
      insecureRedirect: insecureRedirect(capture),
    };
  },
  judge,
});
