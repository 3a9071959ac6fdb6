import { DOCS } from '../src/knowledge/docs.js';
import { defineCheck } from '../src/types.js';

export default defineCheck({
  meta: {
    id: 'two-factor',
    title: 'No account password or password grant is in play',
    description:
      'Account passwords never worked with two-step verification and are rejected for everyone since 2022-03-01; the OAuth password grant went with them.',
    codes: ['ACCOUNT_PASSWORD_REJECTED'],
    needs: ['after:token-fetch', 'after:identity'],
  },
  run({ input, results }) {
    const password = input.credentials.find((c) => c.kind === 'account-password');
    const consumer = input.credentials.some((c) => c.kind === 'client-id');
    if (password === undefined) {
      return {
        verdict: 'pass',
        summary:
          'No account password in play (API tokens, access tokens and OAuth are not affected by two-step verification).',
      };
    }
    // Evidence from identity, when it sent the password once: Bitbucket's own words (§3.4 item 3).
    const proof = results
      .get('identity')
      ?.evidence.some((e) => /stopped supporting account passwords/iu.test(e.response?.body ?? ''));
    const grant = consumer ? ' with the OAuth password grant' : '';
    return {
      verdict: 'fail',
      code: 'ACCOUNT_PASSWORD_REJECTED',
      summary: `The Atlassian account password (${password.source}) is in play${grant}: it never worked with two-step verification, and Bitbucket rejects it for everyone since 2022-03-01${proof === true ? ' (its answer above says so)' : ''}.`,
      remediation: {
        hint: 'Create an API token with scopes at id.atlassian.com and use it with your account email (or an OAuth consumer with client_credentials); stop sending the account password.',
        commands: [
          'export BITBUCKET_EMAIL=you@example.com BITBUCKET_API_TOKEN=...   # the new token',
        ],
        url: DOCS.createApiToken,
      },
      data: { passwordGrant: consumer, provenByAnswer: proof === true },
    };
  },
});
