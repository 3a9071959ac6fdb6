/**
 * git-access on git's own output (explain): a refusal that the doctor could not narrow by replaying
 * the ref advertisement with a corrected username, because explain sends nothing. Where the capture
 * shows the likely cause (an email as git username, a token's shape), it is named, unproven;
 * otherwise AUTH_REJECTED with the git candidates (contract.md, "The diagnosis"). Pure.
 */
import {
  GIT_ACCESS_TOKEN_USER,
  GIT_API_TOKEN_USER,
  gitUsernamesFor,
  isEmail,
} from '../../src/knowledge/git.js';
import { remedy } from '../../src/knowledge/remedies.js';
import { GIT_REFUSAL_CANDIDATES } from '../../src/knowledge/rejections.js';
import type { Outcome } from '../../src/types.js';
import { commandsFor, serviceWord, status, usernameCode } from './words.js';
import type { GitAccessFacts, GitAttempt } from './words.js';

/**
 * The likely cause by the capture alone: the username and kind git sent (§12.1). An email is no
 * git username for any Cloud credential (API tokens want the Bitbucket username, app passwords
 * are removed, account passwords rejected), so it is named even when the secret's kind is unseen.
 */
const likely = (facts: GitAccessFacts) => {
  const sent = facts.sends;
  const byKind = usernameCode(sent?.kind, sent?.username);
  // An API token with the Bitbucket username (not an email) is what git accepts: no username cause.
  if (byKind === 'GIT_USERNAME_WRONG' && !isEmail(sent?.username) && sent?.username !== undefined)
    return undefined;
  if (byKind !== undefined) return byKind;
  return sent !== undefined && isEmail(sent.username) ? ('GIT_USERNAME_WRONG' as const) : undefined;
};

export const capturedRejection = (facts: GitAccessFacts, failed: GitAttempt): Outcome => {
  const what = serviceWord(failed.service);
  const answered = `git ${what} with ${failed.describe} answered ${String(status(failed))}`;
  const code = likely(facts);
  const proof = { asSent: status(failed), corrected: undefined, verified: false };
  const data = { service: failed.service, status: status(failed), proven: false };
  if (code !== undefined) {
    const username =
      code === 'GIT_ACCESS_TOKEN_USERNAME'
        ? GIT_ACCESS_TOKEN_USER
        : (gitUsernamesFor('api-token')[0] ?? GIT_API_TOKEN_USER);
    const why =
      code === 'GIT_ACCESS_TOKEN_USERNAME'
        ? `an access token wants the git username ${GIT_ACCESS_TOKEN_USER}`
        : isEmail(facts.sends?.username)
          ? `the username is an email: that is REST's username for an API token, never git's (git wants your Bitbucket username or ${GIT_API_TOKEN_USER})`
          : `an API token wants your Bitbucket username or ${GIT_API_TOKEN_USER} for git`;
    return {
      verdict: 'fail',
      code,
      summary: `${answered}: ${why}. Likely ${code}, not proven: explain sends nothing, so the corrected username was not tried (bb-doctor --git-url ${facts.url ?? 'URL'} proves it).`,
      remediation: { ...remedy(code), commands: commandsFor(facts, username) },
      proof,
      data: { ...data, usernameSent: facts.sends?.username },
    };
  }
  return {
    verdict: 'fail',
    code: 'AUTH_REJECTED',
    summary: `${answered}: Bitbucket refused the credential, and git's output does not tell which of the causes below it is (explain sends nothing to narrow it).`,
    remediation: remedy('AUTH_REJECTED', commandsFor(facts, undefined)),
    proof,
    data: {
      ...data,
      alternatives: GIT_REFUSAL_CANDIDATES.map(({ code: c, cause, tell }) => ({
        code: c,
        cause,
        tell,
      })),
    },
  };
};
