/**
 * git-access's pure judge: the ref advertisements git would ask for, as git would send them, and
 * the replays with a corrected username or credential, turned into one verdict (contract.md, "Git
 * over HTTPS"; bitbucket-auth.md §12.1).
 */
import { networkProblem } from '../../src/facts/network.js';
import {
  APP_PASSWORD_CHANGE_ID,
  GIT_API_TOKEN_USER,
  GIT_CREDENTIAL_HINT,
  gitScopes,
  helperNote,
  isEmail,
  rejectCommand,
  setUrlCommand,
  type GitService,
} from '../../src/knowledge/git.js';
import { remedy } from '../../src/knowledge/remedies.js';
import { matchSignatures } from '../../src/knowledge/signatures.js';
import { DOCS } from '../../src/knowledge/docs.js';
import { capturedRejection } from './captured.js';
import { day } from '../../src/knowledge/timeline.js';
import type { Outcome } from '../../src/types.js';

import {
  answerCode,
  commandsFor,
  details,
  ok,
  serviceWord,
  status,
  usernameCode,
  type GitAccessFacts,
  type GitAttempt,
} from './words.js';

export type { GitAccessFacts, GitAttempt };

/** Pure: the verdict on git's access. */
export const judge = (facts: GitAccessFacts): Outcome => {
  if (facts.skip !== undefined) return { verdict: 'skip', summary: facts.skip };
  const base = { details: details(facts) };
  const { attempts } = facts;
  const net = attempts.map((a) => networkProblem(a.exchange)).find((p) => p !== undefined);
  if (net !== undefined)
    return {
      ...base,
      verdict: 'fail',
      code: net.code,
      remediation: net.remediation,
      summary: `git's first request: ${net.summary}`,
    };
  const services: GitService[] =
    facts.push === true ? ['git-upload-pack', 'git-receive-pack'] : ['git-upload-pack'];
  const sent = facts.sends;
  // git's output does not name the helper (or prompt) git asked: no source to show then.
  const from = sent === undefined || sent.source === 'git-credential' ? '' : ` (${sent.source})`;
  for (const service of services) {
    const mine = attempts.filter((a) => a.service === service);
    // A capture shows the services git asked for (a push trace may start at receive-pack).
    if (facts.captured === true && mine.length === 0) continue;
    const anonymous = mine.find((a) => a.as === 'anonymous');
    const asSent = mine.find((a) => a.as === 'as-sent');
    const fixed = mine.find((a) => a.as === 'corrected' && ok(a));
    const what = serviceWord(service);
    // A public repository answers git's anonymous first request: git never sends a credential.
    if (ok(anonymous)) continue;
    if (ok(asSent)) continue;
    const failed = asSent ?? anonymous;
    if (failed === undefined)
      return { ...base, verdict: 'skip', summary: 'No ref advertisement was asked for.' };
    const proof = {
      asSent: status(failed),
      corrected: fixed === undefined ? undefined : status(fixed),
      verified: fixed !== undefined,
    };
    const named = answerCode(failed);
    if (named !== undefined && named !== 'APP_PASSWORD_REMOVED') {
      const scopes = gitScopes(service === 'git-receive-pack');
      const scopeText =
        named === 'SCOPE_MISSING'
          ? ` git needs ${scopes.granular.join(' and ')} (access tokens and consumers: ${scopes.legacy.join(' and ')}).`
          : '';
      return {
        ...base,
        verdict: 'fail',
        code: named,
        summary: `git ${what} with ${failed.describe}${from} answered ${String(status(failed))}: ${matchSignatures(failed.exchange.response!)[0]?.summary ?? 'refused'}${scopeText}`,
        remediation: remedy(named),
        proof,
        data: {
          service,
          status: status(failed),
          ...(named === 'SCOPE_MISSING' ? { scopesNeeded: scopes.granular } : {}),
        },
      };
    }
    if (sent === undefined && failed.as === 'anonymous') {
      const works =
        fixed === undefined
          ? ''
          : ` ${fixed.describe} from ${fixed.source ?? 'your flags'} works (${String(status(fixed))}): store it in git's credential helper.`;
      return {
        ...base,
        verdict: 'fail',
        code: 'NO_CREDENTIALS',
        summary: `git ${what} is challenged (${String(status(failed))}) and git has no credential for ${facts.url ?? 'this URL'}: no userinfo, no http.extraHeader, no helper answer (git would prompt, or fail with "terminal prompts disabled").${works}`,
        remediation: {
          hint: GIT_CREDENTIAL_HINT,
          commands: commandsFor(facts, fixed?.username),
          url: DOCS.apiTokens,
        },
        proof,
      };
    }
    // 410 with CHANGE-3222, or an app password by its shape: removed (§12.1).
    if (named === 'APP_PASSWORD_REMOVED' || sent?.kind === 'app-password') {
      const helper =
        sent?.via === 'credential-helper'
          ? /^git-credential:(.+)$/u.exec(sent.source)?.[1]
          : undefined;
      const note = helperNote(helper);
      return {
        ...base,
        verdict: 'fail',
        code: 'APP_PASSWORD_REMOVED',
        summary: `git ${what} sends an app password${from} and Bitbucket answered ${String(status(failed))}${named === 'APP_PASSWORD_REMOVED' ? ` with ${APP_PASSWORD_CHANGE_ID}` : ''}: app passwords were removed on ${day('app-passwords-removed')}.${fixed === undefined ? '' : ` ${fixed.describe} from ${fixed.source ?? 'your flags'} works for git (${String(status(fixed))}).`}`,
        remediation: {
          hint: `Erase the stale entry${helper === undefined ? '' : ` from the ${helper} helper`} and use an API token with scopes (git username: your Bitbucket username or ${GIT_API_TOKEN_USER}).${note === undefined ? '' : ` ${note[0]!.toUpperCase()}${note.slice(1)}.`}`,
          commands: [
            ...(sent?.via === 'credential-helper'
              ? [rejectCommand(facts.url ?? '', sent.username)]
              : []),
            ...(sent?.via === 'url'
              ? [
                  setUrlCommand(
                    facts.url ?? '',
                    fixed?.username ?? sent.username ?? GIT_API_TOKEN_USER,
                    facts.remoteName,
                  ),
                ]
              : []),
          ],
          url: DOCS.apiTokens,
        },
        proof,
        data: { service, status: status(failed), ...(helper === undefined ? {} : { helper }) },
      };
    }
    const byName = usernameCode(sent?.kind, sent?.username);
    if (byName !== undefined && fixed !== undefined) {
      const email = isEmail(sent?.username)
        ? " (your email: that is REST's username for an API token, not git's)"
        : '';
      return {
        ...base,
        verdict: 'fail',
        code: byName,
        summary: `git ${what} with ${failed.describe}${email}${from} answered ${String(status(failed))}; with ${fixed.describe} it answered ${String(status(fixed))}.`,
        remediation: { ...remedy(byName), commands: commandsFor(facts, fixed.username) },
        proof,
        data: { service, usernameSent: sent?.username, usernameThatWorks: fixed.username },
      };
    }
    if (sent?.kind === 'account-password')
      return {
        ...base,
        verdict: 'fail',
        code: 'ACCOUNT_PASSWORD_REJECTED',
        summary: `git ${what} sends the Atlassian account password${from}: Bitbucket rejects it for git and the API (${String(status(failed))}).`,
        remediation: remedy('ACCOUNT_PASSWORD_REJECTED'),
        proof,
      };
    if (facts.captured === true) return { ...base, ...capturedRejection(facts, failed) };
    const unproven = usernameCode(sent?.kind, sent?.username, false);
    return {
      ...base,
      verdict: 'fail',
      code: unproven ?? 'AUTH_REJECTED',
      summary: `git ${what} with ${failed.describe}${from} answered ${String(status(failed))}${fixed === undefined ? ', and no corrected username worked: the token may be unscoped (classic), revoked or expired (identity and scopes below test it on REST)' : ''}.`,
      remediation: remedy(unproven ?? 'AUTH_REJECTED', commandsFor(facts, fixed?.username)),
      proof,
      data: { service, status: status(failed) },
    };
  }
  const anonymousOnly = attempts.every((a) => a.as === 'anonymous');
  const as = attempts.find((a) => a.as === 'as-sent');
  return {
    ...base,
    verdict: 'pass',
    summary: anonymousOnly
      ? `The repository answers git without credentials (public): git ${facts.push === true ? 'asks credentials only to push' : 'sends none'}, so this proves nothing about them.`
      : `git accepts ${as?.describe ?? 'the credential'}${from} for ${services.map(serviceWord).join(' and ')} (${String(status(as))}).`,
    data: { public: anonymousOnly },
  };
};
