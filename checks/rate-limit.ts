import { DOCS } from '../src/knowledge/docs.js';
import { defineCheck, type Exchange } from '../src/types.js';

export default defineCheck({
  meta: {
    id: 'rate-limit',
    title: 'No answer was rate limited',
    description:
      'A 429 means a limit was hit (1,000 requests an hour by default, 60 anonymous), which no change of credentials fixes.',
    codes: ['RATE_LIMITED'],
    needs: [
      'after:connectivity',
      'after:token-fetch',
      'after:header-casing',
      'after:identity',
      'after:public-private-contrast',
      'after:scopes',
      'after:api-version',
      'after:target-call',
    ],
  },
  run({ results }) {
    const exchanges = new Set<Exchange>();
    for (const report of results.values()) for (const e of report.evidence) exchanges.add(e);
    const limited = [...exchanges].filter((e) => e.response?.status === 429);
    if (limited.length === 0) {
      const answered = [...exchanges].filter((e) => e.response !== undefined).length;
      return {
        verdict: 'pass',
        summary: `No 429 in ${answered} ${answered === 1 ? 'answer' : 'answers'}.`,
      };
    }
    const headers = limited[0]!.response!.headers;
    // X-RateLimit-* only come with access tokens on scaled endpoints (§7); Retry-After is unconfirmed.
    const limits = Object.fromEntries(
      Object.entries(headers).filter(([name]) => /^(x-ratelimit-.*|retry-after)$/u.test(name)),
    );
    const shown = Object.entries(limits)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ');
    return {
      verdict: 'fail',
      code: 'RATE_LIMITED',
      summary: `${limited.length} of ${exchanges.size} answers were 429 "Rate limit for this resource has been exceeded."${shown === '' ? '' : ` (${shown})`}: a limit, not the credentials.`,
      remediation: {
        hint: 'Wait for the hourly window to roll over, cache answers and poll less; authenticated calls get 1,000 requests an hour (more with access tokens on big workspaces), anonymous ones 60.',
        url: DOCS.rateLimits,
      },
      data: { limited: limited.length, headers: limits },
    };
  },
});
