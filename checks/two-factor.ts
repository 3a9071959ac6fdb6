import { onDataCenter } from '../src/facts/requests.js';
import { DOCS } from '../src/knowledge/docs.js';
import { day } from '../src/knowledge/timeline.js';
import { matchSignatures } from '../src/knowledge/signatures.js';
import { defineCheck, type Exchange, type Outcome } from '../src/types.js';

export interface TwoFactorFacts {
  /** Where the account password came from, if one is in play. */
  readonly passwordSource?: string | undefined;
  /** An OAuth consumer is in play too (the password grant). */
  readonly consumer: boolean;
  /** Answers that saw the password (identity's, live; the capture's, explain). */
  readonly answers: readonly Exchange[];
  /** The API answered like Data Center, where a password is a valid credential (§8). */
  readonly dataCenter?: boolean;
}

/** Pure: an account password never authenticates Bitbucket Cloud REST (bitbucket-auth.md §3.4). */
export const judge = (facts: TwoFactorFacts): Outcome => {
  if (facts.dataCenter === true)
    return {
      verdict: 'skip',
      summary:
        'Skipped: Bitbucket Data Center, where a username and password are valid credentials (no Cloud account-password rule).',
    };
  if (facts.passwordSource === undefined) {
    return {
      verdict: 'pass',
      summary:
        'No account password in play (API tokens, access tokens and OAuth are not affected by two-step verification).',
    };
  }
  // Bitbucket's own words, when an answer saw the password (§3.4 item 3).
  const proof = facts.answers.some(
    (e) =>
      e.response !== undefined &&
      matchSignatures(e.response).some((s) => s.id === 'cloud-account-password'),
  );
  const grant = facts.consumer ? ' with the OAuth password grant' : '';
  return {
    verdict: 'fail',
    code: 'ACCOUNT_PASSWORD_REJECTED',
    summary: `The Atlassian account password (${facts.passwordSource}) is in play${grant}: it never worked with two-step verification, and Bitbucket rejects it for everyone since ${day('account-passwords-rejected')}${proof ? ' (its answer above says so)' : ''}.`,
    remediation: {
      hint: 'Create an API token with scopes at id.atlassian.com and use it with your account email (or an OAuth consumer with client_credentials); stop sending the account password.',
      commands: [
        'export BITBUCKET_EMAIL=you@example.com BITBUCKET_API_TOKEN=...   # the new token',
      ],
      url: DOCS.createApiToken,
    },
    data: { passwordGrant: facts.consumer, provenByAnswer: proof },
  };
};

export default defineCheck({
  meta: {
    id: 'two-factor',
    title: 'No account password or password grant is in play',
    description: `Account passwords never worked with two-step verification and are rejected for everyone since ${day('account-passwords-rejected')}; the OAuth password grant went with them.`,
    codes: ['ACCOUNT_PASSWORD_REJECTED'],
    needs: ['reads:connectivity', 'reads:identity'],
  },
  async gather(ctx): Promise<TwoFactorFacts> {
    const password = ctx.input.credentials.find((c) => c.kind === 'account-password');
    return {
      passwordSource: password?.source,
      consumer: ctx.input.credentials.some((c) => c.kind === 'client-id'),
      answers: password === undefined ? [] : ((await ctx.result('identity'))?.evidence ?? []),
      dataCenter: await onDataCenter(ctx),
    };
  },
  fromCapture: async (ctx, capture): Promise<TwoFactorFacts> => ({
    dataCenter: await onDataCenter(ctx),
    passwordSource: ctx.input.credentials.find((c) => c.kind === 'account-password')?.source,
    consumer: ctx.input.credentials.some((c) => c.kind === 'client-id'),
    answers: capture.exchanges,
  }),
  judge,
});
