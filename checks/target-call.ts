import { capturedName, redirectRemedy } from '../src/facts/capture.js';
import { NETWORK_CODES, answerProblem } from '../src/facts/network.js';
import { DATA_CENTER_SKIP } from '../src/facts/requests.js';
import {
  type CapturedTargetFacts,
  capturedTargetFacts,
  gatherLiveTarget,
  type LiveTargetFacts,
  notFoundRemedy,
} from '../src/facts/target.js';
import { matchSignatures } from '../src/knowledge/signatures.js';
import { defineCheck, type Outcome, type Proof } from '../src/types.js';

/** The user's call as sent and corrected (live), or as captured (explain: nothing is replayed). */
export type TargetCallFacts =
  | { readonly source: 'not-replayed'; readonly method: string }
  | LiveTargetFacts
  | CapturedTargetFacts;

const works = (status: number | undefined): boolean => status !== undefined && status < 300;
const shown = (status: number | undefined): string => String(status ?? 'nothing');
const skip = (summary: string, proof: Proof, data?: Record<string, unknown>): Outcome => ({
  verdict: 'skip',
  summary,
  proof,
  ...(data === undefined ? {} : { data }),
});

/** Live: the replay of the corrected call is the proof of the fix (design.md). */
const judgeLive = (facts: LiveTargetFacts): Outcome => {
  const asSent = facts.asSent.status;
  const { corrected } = facts;
  const proof: Proof = {
    asSent,
    corrected: corrected?.result.status,
    command: corrected?.command,
    verified: works(corrected?.result.status) && !works(asSent),
  };
  const net = answerProblem(facts.asSent);
  if (net !== undefined) {
    const summary = `Replaying your call: ${net.summary}`;
    return { verdict: 'fail', code: net.code, summary, remediation: net.remediation, proof };
  }
  if (facts.unfixablePath) {
    return skip(
      `Your call answered ${shown(asSent)}; the path itself is the problem and has no automatic replacement (see api-version).`,
      proof,
    );
  }
  // On Data Center the Cloud corrections do not apply, and a replay without them proves nothing.
  if (facts.dataCenter) return skip(DATA_CENTER_SKIP, proof);
  if (works(asSent) && (corrected === undefined || corrected.url === facts.url)) {
    return { verdict: 'pass', summary: `Your call works as sent (${shown(asSent)}).`, proof };
  }
  if (corrected === undefined) {
    return skip(
      `Your call answered ${shown(asSent)}; there is no credential to build a corrected call with.`,
      proof,
    );
  }
  if (facts.dataCenter) return skip(DATA_CENTER_SKIP, proof);
  const fixed = corrected.result;
  const data = { correctedUrl: corrected.url };
  if (works(fixed.status)) {
    return {
      verdict: 'pass',
      summary: `Fix verified: your call answered ${asSent ?? '?'}, the corrected call (${corrected.describe}) answered ${shown(fixed.status)}.`,
      data,
      proof,
    };
  }
  const signatures = matchSignatures({
    status: fixed.status ?? 0,
    headers: fixed.exchange.response?.headers ?? {},
    body: fixed.body,
  });
  const removed = signatures.some((s) => /^(?:API_V1|ENDPOINT)_REMOVED$/u.test(s.code));
  // A 404 says something about the repository only once the credentials are known to work.
  if (fixed.status === 404 && facts.identityProven && !removed) {
    return {
      verdict: 'fail',
      code: 'REPO_NOT_FOUND_OR_NO_ACCESS',
      summary: `Even with working credentials ${facts.target} answers 404: it does not exist (check the slug and workspace, case matters) or this account may not see it.`,
      remediation: notFoundRemedy(facts.target, facts.listCommand),
      data,
      proof,
    };
  }
  const code = signatures[0] === undefined ? '' : ` (${signatures[0].code})`;
  return skip(
    `The corrected call still answered ${shown(fixed.status)}${code}: see the findings above.`,
    proof,
    data,
  );
};

/**
 * Explain: the captured call is the call as sent, and nothing is replayed. Bitbucket answers 404
 * "…make sure you are authenticated" alike for a missing repository, a private one the caller may
 * not see, and an anonymous caller (bitbucket-auth.md §3.2): what the request carried decides.
 */
const judgeCapture = (facts: CapturedTargetFacts): Outcome => {
  const { call } = facts;
  if (call === undefined)
    return { verdict: 'skip', summary: 'Skipped: the capture shows no failing request.' };
  const response = call.response;
  const proof: Proof = { asSent: response?.status, corrected: undefined, verified: false };
  const name = capturedName(call);
  if (response === undefined) return skip(`The captured request got no answer (${name}).`, proof);
  if (facts.dataCenter) return skip(DATA_CENTER_SKIP, proof);
  const best = matchSignatures(response)[0];
  const notFound = response.status === 404 && best?.code === 'REPO_NOT_FOUND_OR_NO_ACCESS';
  const dropped = call.droppedBy;
  if (call.sent === undefined && dropped !== undefined) {
    const summary = `The captured request ran anonymously: curl followed the redirect of saved exchange ${dropped.index} (${dropped.status}) without the Authorization header sent there (${dropped.sent.describe}), as curl does not resend credentials to another scheme, host or port; so ${name} is Bitbucket's answer to an anonymous caller${notFound ? ' (404 for a private repository as for a missing one)' : ''}.`;
    const data = { anonymous: true, credentialsDroppedByRedirect: true, redirect: dropped.index };
    if (!notFound) return skip(summary, proof, data);
    return {
      verdict: 'fail',
      code: 'REPO_NOT_FOUND_OR_NO_ACCESS',
      summary,
      remediation: redirectRemedy(dropped.sent, call.url),
      data,
      proof,
    };
  }
  if (call.sent === undefined) {
    return skip(
      `The captured request carries no credentials (${name}): see credentials and public-private-contrast.`,
      proof,
      { anonymous: true },
    );
  }
  if (call.sent.lint !== undefined) {
    return skip(
      `The captured request sent an Authorization header Bitbucket does not read (${call.sent.lint}, see header-casing), so ${name} is an answer to an anonymous caller; explain sends no corrected call.`,
      proof,
    );
  }
  if (notFound) {
    return {
      verdict: 'fail',
      code: 'REPO_NOT_FOUND_OR_NO_ACCESS',
      summary: `The captured request sent ${call.sent.describe} and got 404 (${name}): ${facts.target} does not exist, or the credentials sent may not see it; Bitbucket answers 404 for both.`,
      remediation: notFoundRemedy(facts.target, facts.listCommand),
      data: { anonymous: false },
      proof,
    };
  }
  return skip(
    `The captured request answered ${response.status}: see the findings above; explain sends no corrected call to prove a fix.`,
    proof,
  );
};

/** Pure: the call as sent and corrected (live), or as captured (explain). */
export const judge = (facts: TargetCallFacts): Outcome => {
  if (facts.source === 'not-replayed') {
    return {
      verdict: 'skip',
      summary: `Skipped: your call is a ${facts.method}; bb-doctor only replays read-only requests.`,
    };
  }
  return facts.source === 'live' ? judgeLive(facts) : judgeCapture(facts);
};

export default defineCheck({
  meta: {
    id: 'target-call',
    title: 'The failing call works once corrected',
    description:
      'Replays your call as you sent it, then with every fix the other checks found, and says whether the fix works.',
    codes: ['REPO_NOT_FOUND_OR_NO_ACCESS', ...NETWORK_CODES],
    needs: ['target-url', 'reads:connectivity', 'reads:token-fetch', 'reads:identity'],
  },
  gather: async (ctx): Promise<TargetCallFacts> => {
    const request = ctx.input.failingRequest!;
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return { source: 'not-replayed', method: request.method };
    return gatherLiveTarget(ctx, request);
  },
  fromCapture: (ctx, capture): TargetCallFacts => capturedTargetFacts(ctx.input, capture),
  judge,
});
