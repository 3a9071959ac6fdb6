import { GENERATED_KINDS } from '../knowledge/shapes.js';
import { SUBSTRING_MIN } from '../report/redactor.js';
import { whatToDo } from '../intake/curl-input.js';
import type { Credential, FailingRequest, Outcome, Remediation } from '../types.js';

/**
 * The credentials check's finding for a token too short to be one: a placeholder left in a script
 * or a test value (contract.md, "Short secrets"). Undefined when every token is long enough.
 */
export const placeholderOutcome = (
  credentials: readonly Credential[],
  list: readonly string[],
): Outcome | undefined => {
  // A token under 8 characters is no Bitbucket token (a placeholder, a test value); a password
  // may be that short (Data Center's often are), so it is left to identity.
  const placeholder = credentials.find(
    (c) => GENERATED_KINDS.includes(c.kind) && c.secret.length < SUBSTRING_MIN,
  );
  if (placeholder === undefined) return undefined;
  return {
    verdict: 'warn',
    code: 'TOKEN_INVALID',
    summary: `The ${placeholder.kind} from ${placeholder.source} is ${placeholder.secret.length} character${placeholder.secret.length === 1 ? '' : 's'}: too short to be a Bitbucket token; a placeholder?`,
    remediation: {
      hint: 'Give the token itself (Bitbucket tokens are dozens of characters long), from the environment rather than a flag.',
      commands: ['export BITBUCKET_API_TOKEN=...   # paste the whole token'],
    },
    data: { source: placeholder.source, length: placeholder.secret.length, placeholder: true },
    details: list,
  };
};

/**
 * The credentials check's finding when the call's credential is what the user's shell computed
 * (an unset variable, `$(cat token.txt)`): it may well have been sent; bb-doctor cannot see it,
 * and says how to let it (contract.md, "Commands").
 */
export const unknownOutcome = (
  unknown: NonNullable<FailingRequest['unknownCredential']>,
  fix: Remediation,
): Outcome => {
  const todo = whatToDo(unknown);
  return {
    verdict: 'fail',
    code: 'NO_CREDENTIALS',
    summary: `The credential of your command's ${unknown.where} is ${unknown.describe}, which your shell computed and bb-doctor cannot see: ${todo}.`,
    remediation: { ...fix, hint: `Give bb-doctor the value: ${todo}.` },
    data: { computed: true, variable: unknown.variable },
  };
};
