import { DOCS } from '../src/knowledge/docs.js';
import { defineCheck, type Exchange, type Outcome } from '../src/types.js';

/** Every answer the run got (live) or the capture holds (explain). */
export interface RateLimitFacts {
  readonly exchanges: readonly Exchange[];
}

/** Pure: a 429 anywhere means a limit was hit, whatever the credentials (bitbucket-auth.md §7). */
export const judge = ({ exchanges }: RateLimitFacts): Outcome => {
  const unique = [...new Set(exchanges)];
  const limited = unique.filter((e) => e.response?.status === 429);
  const answered = unique.filter((e) => e.response !== undefined).length;
  if (limited.length === 0) {
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
    summary: `${limited.length} of ${answered} ${answered === 1 ? 'answer was' : 'answers were'} 429 "Rate limit for this resource has been exceeded."${shown === '' ? '' : ` (${shown})`}: a limit, not the credentials.`,
    remediation: {
      hint: 'Wait for the hourly window to roll over, cache answers and poll less; authenticated calls get 1,000 requests an hour (more with access tokens on big workspaces), anonymous ones 60.',
      url: DOCS.rateLimits,
    },
    data: { limited: limited.length, headers: limits },
  };
};

export default defineCheck({
  meta: {
    id: 'rate-limit',
    title: 'No answer was rate limited',
    description:
      'A 429 means a limit was hit (1,000 requests an hour by default, 60 anonymous), which no change of credentials fixes.',
    codes: ['RATE_LIMITED'],
    // A final phase: it reads every answer of the run, whichever check got it.
    final: true,
  },
  gather: (ctx): RateLimitFacts => ({ exchanges: ctx.answers() }),
  fromCapture: (_ctx, capture): RateLimitFacts => ({ exchanges: capture.exchanges }),
  judge,
});
