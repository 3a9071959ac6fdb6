import { GENERATED_KINDS } from '../knowledge/shapes.js';
import { SUBSTRING_MIN } from '../report/redactor.js';
import type { Credential, Outcome } from '../types.js';

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
