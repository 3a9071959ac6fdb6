import {
  type CapturedCall,
  capturedFailure,
  capturedName,
  commandUrl,
} from '../src/facts/capture.js';
import {
  capturedContrast,
  gatherLiveContrast,
  type LiveContrastFacts,
  type NoContrast,
  sameListing,
} from '../src/facts/contrast.js';
import { remedy } from '../src/knowledge/remedies.js';
import { DATA_CENTER_SKIP } from '../src/facts/requests.js';
import { DOCS } from '../src/knowledge/docs.js';
import { matchSignatures } from '../src/knowledge/signatures.js';
import { defineCheck, type Outcome } from '../src/types.js';

/** Explain: the captured failing call (undefined: the capture shows none). */
export interface CapturedContrastFacts {
  readonly source: 'capture';
  readonly call: CapturedCall | undefined;
}

/** The two listings (live), the captured call (explain), or why nothing was compared. */
export type ContrastFacts = LiveContrastFacts | CapturedContrastFacts | NoContrast;

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

const judgeLive = (facts: LiveContrastFacts): Outcome => {
  const { workspace: ws, anonymous: anon, authenticated: authed } = facts;
  if (facts.dataCenter) return { verdict: 'skip', summary: DATA_CENTER_SKIP };
  if (authed.status === 429 || anon.status === 429)
    return { verdict: 'skip', summary: 'Skipped: rate limited (see rate-limit).' };
  const statuses = { anonymousStatus: anon.status, authenticatedStatus: authed.status };
  if (authed.status !== undefined && authed.status >= 400 && authed.status === anon.status) {
    return {
      verdict: 'skip',
      summary: `Skipped: the listing of ${ws} answered ${authed.status} with and without credentials (a misspelt workspace, or a server problem), so there is nothing to compare.`,
      data: statuses,
    };
  }
  if (authed.status !== undefined && authed.status >= 400) {
    return {
      verdict: 'pass',
      summary: `Bitbucket read the credentials: the listing answered ${authed.status} with them and ${anon.status ?? '?'} without (see identity for why they are refused).`,
      data: statuses,
    };
  }
  const a = anon.listing;
  const b = authed.listing;
  if (a === undefined || b === undefined) {
    return {
      verdict: 'skip',
      summary: `Skipped: the listings could not be compared (anonymous ${anon.status ?? 'no answer'}, authenticated ${authed.status ?? 'no answer'}).`,
    };
  }
  const data = {
    anonymous: { size: a.size, private: a.privateCount },
    authenticated: { size: b.size, private: b.privateCount },
  };
  if (!sameListing(a, b)) {
    return {
      verdict: 'pass',
      summary: `The authenticated listing of ${ws} shows ${b.size ?? b.slugs.length} repositories (${b.privateCount} private); anonymous shows ${a.size ?? a.slugs.length}.`,
      data,
    };
  }
  if (facts.proven === true) {
    return {
      verdict: 'pass',
      summary: `Identical listings, but identity proved the credentials work: ${ws} has no private repositories you can see.`,
      data,
    };
  }
  const anonymous404 = facts.anonymous404OnTarget === true;
  return {
    verdict: 'fail',
    code: 'CREDENTIALS_IGNORED',
    summary: `With ${facts.usesOwn ? 'your headers' : 'the credentials'} the listing of ${ws} is identical to the anonymous one (${plural(a.size ?? a.slugs.length, 'repository', 'repositories')}, ${a.privateCount} private)${anonymous404 ? `, and ${facts.target} got the anonymous 404 ("…make sure you are authenticated")` : ''}: Bitbucket never read them as credentials, and a 200 here proves nothing.`,
    remediation: remedy('CREDENTIALS_IGNORED', [
      `curl -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN" '${facts.listingUrl}&role=member'`,
    ]),
    data: { ...data, anonymousSignatureOnTarget: anonymous404 },
  };
};

/**
 * Explain: a capture holds no second listing to compare with, but a captured call that carried no
 * credentials is the anonymous side itself: Bitbucket answers it 404 "…make sure you are
 * authenticated" for a private repository as for a missing one (bitbucket-auth.md §3.2).
 */
const judgeCapture = ({ call }: CapturedContrastFacts): Outcome => {
  if (call === undefined)
    return { verdict: 'skip', summary: 'Skipped: the capture shows no failing request.' };
  const name = capturedName(call);
  if (call.sent !== undefined) {
    return {
      verdict: 'skip',
      summary: `Skipped: the captured request carries credentials (${call.sent.describe}), and a capture holds no anonymous answer to compare it with (see target-call).`,
    };
  }
  if (call.droppedBy !== undefined) {
    return {
      verdict: 'skip',
      summary: `Skipped: the captured request ran anonymously because the redirect of saved exchange ${call.droppedBy.index} dropped its credentials (see target-call).`,
      data: { anonymous: true, credentialsDroppedByRedirect: true },
    };
  }
  const response = call.response;
  const best = response === undefined ? undefined : matchSignatures(response)[0];
  // The answer an anonymous caller gets for a private repository (the §3.2 signatures name it).
  if (response?.status !== 404 || best?.alsoConsider?.includes('CREDENTIALS_IGNORED') !== true) {
    return {
      verdict: 'skip',
      summary: `Skipped: the captured request carries no credentials and ${name} is not the anonymous 404, so there is nothing to contrast (see credentials).`,
      data: { anonymous: true },
    };
  }
  return {
    verdict: 'fail',
    code: 'REPO_NOT_FOUND_OR_NO_ACCESS',
    summary: `The captured request carries no credentials (${name}): Bitbucket answers 404 for a private repository to an anonymous caller as for a missing one.`,
    remediation: {
      hint: 'Send credentials with the call (an API token as Basic with your Atlassian account email, or an access token as Bearer), then check the workspace and repository slug.',
      commands: [`curl -u "$BITBUCKET_EMAIL:$BITBUCKET_API_TOKEN" '${commandUrl(call.url)}'`],
      url: DOCS.apiTokens,
    },
    data: { anonymous: true },
  };
};

/** Pure: the contrast live, or its capture form. */
export const judge = (facts: ContrastFacts): Outcome =>
  facts.source === 'none'
    ? { verdict: 'skip', summary: facts.summary }
    : facts.source === 'live'
      ? judgeLive(facts)
      : judgeCapture(facts);

export default defineCheck({
  meta: {
    id: 'public-private-contrast',
    title: 'The authenticated view differs from the anonymous one',
    description:
      'A workspace listing answers anonymous callers with the public repositories, so a 200 there proves nothing; only a difference from the anonymous answer shows the credentials were read.',
    codes: ['CREDENTIALS_IGNORED', 'REPO_NOT_FOUND_OR_NO_ACCESS'],
    // No `credentials` need: explain judges a captured call that carried none (gather skips then).
    needs: [
      'workspace',
      'reads:connectivity',
      'reads:token-fetch',
      'reads:identity',
      'reads:git-access',
    ],
  },
  gather: (ctx): Promise<ContrastFacts> => gatherLiveContrast(ctx, ctx.input.workspace!),
  // Explain: both listings when the capture holds them (bb-doctor's HAR), else the captured call.
  fromCapture: async (ctx, capture): Promise<ContrastFacts> =>
    (ctx.input.workspace === undefined
      ? undefined
      : await capturedContrast(ctx, capture, ctx.input.workspace)) ?? {
      source: 'capture',
      call: capturedFailure(capture),
    },
  judge,
});
