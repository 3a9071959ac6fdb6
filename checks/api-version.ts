import { replayAsSent } from '../src/facts/target.js';
import { classifyUrl } from '../src/knowledge/api-versions.js';
import { detectDataCenter } from '../src/knowledge/data-center.js';
import { DOCS } from '../src/knowledge/docs.js';
import { defineCheck, type FindingCode } from '../src/types.js';

/** Codes this check owns; SECRET_IN_URL and INSECURE_HTTP from the same classifier are reported too. */
const OWN: readonly FindingCode[] = [
  'WRONG_HOST',
  'API_V1_REMOVED',
  'ENDPOINT_REMOVED',
  'DATA_CENTER_PATH_ON_CLOUD',
  'SECRET_IN_URL',
  'INSECURE_HTTP',
];

const DOC: Partial<Record<FindingCode, string>> = {
  API_V1_REMOVED: DOCS.v1Deprecation,
  ENDPOINT_REMOVED: DOCS.change2770,
  DATA_CENTER_PATH_ON_CLOUD: DOCS.restIntro,
  WRONG_HOST: DOCS.restIntro,
  SECRET_IN_URL: DOCS.oauth2,
  INSECURE_HTTP: DOCS.restIntro,
};

export default defineCheck({
  meta: {
    id: 'api-version',
    title: 'The target is a current Bitbucket Cloud API path',
    description:
      'A removed API 1.0 path, a removed 2.0 endpoint (CHANGE-2770), a Data Center path or the website host fails whatever the credentials; a 410 is never a credentials problem.',
    codes: [...OWN],
    needs: ['target-url'],
  },
  async run(ctx) {
    const url = ctx.input.failingRequest!.url;
    const classification = classifyUrl(url);
    const problem = classification.problems.find((p) => OWN.includes(p.code));
    if (problem === undefined) {
      const path = new URL(url).pathname;
      return {
        verdict: 'pass',
        summary: /^\/2\.0(?:\/|$)/u.test(path)
          ? `${path} is a current API 2.0 path${classification.host === 'api' ? ' on api.bitbucket.org' : ''}.`
          : `${path} has none of the known URL problems (removed 1.0 and 2.0 endpoints, Data Center paths, the website host).`,
      };
    }
    // The proof: Bitbucket's own answer to the call as sent (410 "Resource removed", CHANGE-2770...).
    // Offline (explain) the answer comes from the capture; a POST is not replayed, and then the
    // classification stands on the documented facts alone.
    const replay = replayAsSent(ctx);
    const answer = replay === undefined ? undefined : await replay;
    const status = answer?.status;
    // A /rest/api/1.0 path answered by Bitbucket Data Center itself (X-AREQUESTID, its errors[]
    // bodies, bitbucket-auth.md §8) is that server's current API, not a Cloud mistake.
    const response = answer?.exchange.response;
    if (
      problem.code === 'DATA_CENTER_PATH_ON_CLOUD' &&
      response !== undefined &&
      detectDataCenter(response).isDataCenter
    ) {
      return {
        verdict: 'pass',
        summary: `${new URL(url).pathname} is a Bitbucket Data Center REST path, and a Data Center server answered it.`,
        data: { product: 'data-center', status },
      };
    }
    const replacement = problem.replacementUrl ?? classification.correctedUrl;
    return {
      verdict: 'fail',
      code: problem.code,
      summary: `${problem.summary}${status === undefined ? '' : ` Bitbucket answered ${status}.`}`,
      remediation: {
        hint:
          replacement === undefined
            ? 'Use the API 2.0 equivalent of this call on https://api.bitbucket.org.'
            : `Call ${replacement} instead.`,
        ...(replacement === undefined
          ? {}
          : { commands: [`curl -u "$BITBUCKET_EMAIL:$BITBUCKET_API_TOKEN" '${replacement}'`] }),
        ...(DOC[problem.code] === undefined ? {} : { url: DOC[problem.code]! }),
      },
      data: {
        ...(replacement === undefined ? {} : { replacement }),
        status,
        problems: classification.problems.map((p) => p.code),
      },
    };
  },
});
