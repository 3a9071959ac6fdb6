/**
 * git-access's facts, and the pieces its verdicts are made of (contract.md, "Git over HTTPS";
 * bitbucket-auth.md §12.1).
 */
import {
  cloneCommand,
  GIT_ACCESS_TOKEN_USER,
  GIT_API_TOKEN_USER,
  isEmail,
  rejectCommand,
  setUrlCommand,
  type GitService,
} from '../../src/knowledge/git.js';
import { matchSignatures } from '../../src/knowledge/signatures.js';
import type { CredentialKind, Exchange, FindingCode } from '../../src/types.js';

/** One ref advertisement git would ask for (or that a capture shows). */
export interface GitAttempt {
  readonly service: GitService;
  /** anonymous: git's first request; as-sent: with git's credential; corrected: one change. */
  readonly as: 'anonymous' | 'as-sent' | 'corrected';
  /** `Basic with alice`, `Bearer (http.extraHeader)`: never the secret. */
  readonly describe: string;
  readonly username?: string;
  readonly kind?: CredentialKind;
  /** Where the credential of a corrected attempt came from (`env:BITBUCKET_API_TOKEN`). */
  readonly source?: string;
  readonly exchange: Exchange;
}

export interface GitAccessFacts {
  readonly skip?: string;
  readonly url?: string;
  readonly from?: string;
  readonly push?: boolean;
  readonly remoteName?: string;
  /** What git sends when challenged: how, from where, which kind. Undefined: git has nothing. */
  readonly sends?: {
    readonly via: string;
    readonly source: string;
    readonly username?: string;
    readonly kind: CredentialKind;
  };
  readonly helpers: readonly string[];
  readonly notes: readonly string[];
  readonly attempts: readonly GitAttempt[];
  /** The doctor's own credentials (flags, environment) that differ from what git sends. */
  readonly differs: readonly string[];
  /** explain: the capture shows git's answers, not the doctor's. */
  readonly captured?: boolean;
}

export const status = (a: GitAttempt | undefined): number | undefined =>
  a?.exchange.response?.status;
export const ok = (a: GitAttempt | undefined): boolean => {
  const s = status(a);
  return s !== undefined && s >= 200 && s < 300;
};

/** The code Bitbucket's git answer names by itself (§12.1 bodies), if any. */
export const answerCode = (attempt: GitAttempt): FindingCode | undefined => {
  const response = attempt.exchange.response;
  if (response === undefined) return undefined;
  if (response.status === 429) return 'RATE_LIMITED';
  if (response.status === 404) return 'REPO_NOT_FOUND_OR_NO_ACCESS';
  const named = matchSignatures(response).find((s) => s.status !== 401 || response.status !== 401);
  if (named !== undefined) return named.code;
  // git gets Bitbucket's no-access words with 403 as well (contract.md, the git form of
  // REPO_NOT_FOUND_OR_NO_ACCESS; seen in git's `remote:` lines): the text REST answers with 404.
  const noAccess = matchSignatures({ ...response, status: 404 }).some(
    (s) => s.code === 'REPO_NOT_FOUND_OR_NO_ACCESS' && s.body !== undefined,
  );
  return response.status === 403 && noAccess ? 'REPO_NOT_FOUND_OR_NO_ACCESS' : undefined;
};

export const serviceWord = (service: GitService): string =>
  service === 'git-receive-pack' ? 'push' : 'fetch';

/**
 * Why the credential as sent fails for git, by its kind and username (§12.1). An API token's
 * username is wrong when it is not x-bitbucket-api-token-auth; unproven (no corrected username
 * worked), only the email is known to be wrong: any other name may be the Bitbucket username.
 */
export const usernameCode = (
  kind: CredentialKind | undefined,
  username: string | undefined,
  proven = true,
) => {
  if (kind === 'api-token' && username !== GIT_API_TOKEN_USER && (proven || isEmail(username)))
    return 'GIT_USERNAME_WRONG' as const;
  if (kind === 'access-token' && username !== GIT_ACCESS_TOKEN_USER)
    return 'GIT_ACCESS_TOKEN_USERNAME' as const;
  return undefined;
};

export const commandsFor = (facts: GitAccessFacts, username: string | undefined): string[] => {
  const url = facts.url ?? '';
  const out: string[] = [];
  // A failing clone has no remote yet: the clone URL itself is the fix.
  if (username !== undefined)
    out.push(
      facts.from === 'git clone'
        ? cloneCommand(url, username)
        : setUrlCommand(url, username, facts.remoteName),
    );
  if (facts.sends?.via === 'credential-helper') out.push(rejectCommand(url, facts.sends.username));
  return out;
};

export const details = (facts: GitAccessFacts): string[] => [
  ...(facts.from === undefined ? [] : [`Target: ${facts.url ?? ''} (from ${facts.from}).`]),
  ...(facts.helpers.length === 0
    ? []
    : [`Credential helpers git asks: ${facts.helpers.join(', ')}.`]),
  ...facts.notes.map((n) => `Note: ${n}.`),
  ...facts.differs,
];
