import { answerProblem } from '../src/facts/network.js';
import { anonymousListing, anonymousUser } from '../src/facts/requests.js';
import { defineCheck } from '../src/types.js';

/** Headers Bitbucket Cloud's edge puts on every answer (bitbucket-auth.md §3.5, §3.6). */
const CLOUD_MARKS = ['x-b3-traceid', 'x-request-id', 'x-trace-id', 'x-view-name', 'x-served-by'];
/** Data Center marks (bitbucket-auth.md §8; GCM BitbucketHostProvider.cs uses X-AREQUESTID). */
const DC_MARKS = ['x-arequestid', 'x-ausername', 'x-asessionid'];

export default defineCheck({
  meta: {
    id: 'connectivity',
    title: 'The Bitbucket API can be reached',
    description:
      'Every other check talks to the API; a DNS, TLS, proxy or timeout problem must be named as such, never as a bad token.',
    codes: [
      'NETWORK_UNREACHABLE',
      'TLS_ERROR',
      'TIMEOUT',
      'PROXY_AUTH_REQUIRED',
      'SERVER_ERROR',
      'NOT_BITBUCKET',
    ],
    needs: ['network'],
  },
  async run(ctx) {
    // The anonymous listing doubles as the contrast's anonymous side; without a workspace the
    // anonymous /2.0/user (any answer will do, a 401 included) is the probe.
    const result = await (anonymousListing(ctx) ?? anonymousUser(ctx));
    const problem = answerProblem(result);
    if (problem !== undefined) {
      return {
        verdict: 'fail',
        code: problem.code,
        summary: problem.summary,
        remediation: problem.remediation,
      };
    }
    const host = new URL(ctx.input.apiUrl).host;
    const headers = result.exchange.response?.headers ?? {};
    const names = Object.keys(headers);
    if (DC_MARKS.some((mark) => names.includes(mark))) {
      return {
        verdict: 'warn',
        code: 'NOT_BITBUCKET',
        summary: `${host} answers like Bitbucket Data Center (X-AREQUESTID), not Bitbucket Cloud.`,
        remediation: {
          hint: 'Point --api-url at Bitbucket Cloud (https://api.bitbucket.org); on Data Center, call /rest/api/1.0 paths with an HTTP access token as Bearer.',
          url: 'https://confluence.atlassian.com/bitbucketserver091/http-access-tokens-1443038354.html',
        },
        data: { product: 'data-center', status: result.status },
      };
    }
    const cloudLike =
      CLOUD_MARKS.some((mark) => names.includes(mark)) ||
      /"type"\s*:\s*"(?:error|paginated|repository)|"pagelen"/u.test(result.body);
    if (!cloudLike) {
      return {
        verdict: 'warn',
        code: 'NOT_BITBUCKET',
        summary: `${host} answered ${result.status ?? '?'}, but not like Bitbucket Cloud (no trace headers, no Bitbucket JSON).`,
        remediation: {
          hint: 'Check the --api-url (Cloud is https://api.bitbucket.org) and whether a proxy or captive portal answers instead.',
        },
        data: { product: 'unknown', status: result.status },
      };
    }
    return {
      verdict: 'pass',
      summary: `${host} answered ${result.status ?? '?'} in ${result.exchange.durationMs} ms (Bitbucket Cloud).`,
      data: { product: 'cloud', status: result.status, durationMs: result.exchange.durationMs },
    };
  },
});
