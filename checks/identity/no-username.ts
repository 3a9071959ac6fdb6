import { remedy } from '../../src/knowledge/remedies.js';
import type { Outcome } from '../../src/types.js';
import { fail } from './judge.js';

/** An API token with no username at all: Basic needs the account email (§5.2); nothing sent. */
export const withoutUsername = ({ kind, source }: { kind: string; source: string }): Outcome =>
  kind === 'api-token'
    ? fail(
        'API_TOKEN_NEEDS_EMAIL',
        `The API token from ${source} has no username to go with it: Bitbucket wants Basic with your Atlassian account email. Not sent, since it cannot work: add --email to verify.`,
        remedy('API_TOKEN_NEEDS_EMAIL', ['export BITBUCKET_EMAIL=you@example.com']),
      )
    : {
        verdict: 'skip',
        summary: `Skipped: the ${kind} from ${source} has no username to go with it in Basic; not sent. Add --username (or --email) to verify it.`,
      };
