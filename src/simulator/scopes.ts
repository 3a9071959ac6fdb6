// Scope vocabularies and implication rules, bitbucket-auth.md §4.

/**
 * `legacy`: OAuth consumers, app passwords and repository/project/workspace access tokens
 * (bitbucket-auth.md §4.1). `granular`: Atlassian API tokens, `<action>:<resource>:bitbucket`
 * (bitbucket-auth.md §4.2).
 */
export type ScopeVocabulary = 'legacy' | 'granular';

/** What an endpoint needs, in both vocabularies (bitbucket-auth.md §4.3). */
export interface ScopeRequirement {
  legacy: string;
  granular: string;
}

/**
 * Legacy implications, bitbucket-auth.md §4.1:
 * - `repository:write` implies `repository` [H] (official scopes doc);
 * - `repository:admin` implies neither `repository` nor `repository:write` [H] (so it is absent here);
 * - `pullrequest:write` ⊃ `pullrequest` ⊃ `repository`, `project` ⊃ `repository`,
 *   `pipeline:variable` ⊃ `pipeline:write` ⊃ `pipeline`, `runner:write` ⊃ `runner` [L] (third-party
 *   scope tables; `project` ⊃ `repository` also in the official wording "also grants repository read").
 * Other pairs (`account:write` ⊃ `account`, `issue:write` ⊃ `issue`...) are not in the dossier and are
 * deliberately not modelled.
 */
const LEGACY_IMPLIES: Readonly<Record<string, readonly string[]>> = {
  'repository:write': ['repository'],
  pullrequest: ['repository'],
  'pullrequest:write': ['pullrequest'],
  project: ['repository'],
  'pipeline:variable': ['pipeline:write'],
  'pipeline:write': ['pipeline'],
  'runner:write': ['runner'],
};

/** Every scope a set of legacy scopes grants, implied ones included. */
export function legacyClosure(granted: readonly string[]): Set<string> {
  const result = new Set<string>();
  const queue = [...granted];
  for (let scope = queue.shift(); scope !== undefined; scope = queue.shift()) {
    if (result.has(scope)) continue;
    result.add(scope);
    queue.push(...(LEGACY_IMPLIES[scope] ?? []));
  }
  return result;
}

/**
 * Does the credential hold `required`? Granular API-token scopes do not imply each other: "write does
 * not imply the read:repository:bitbucket scope" (bitbucket-auth.md §4.2 [H],
 * support.atlassian.com/bitbucket-cloud/docs/api-token-permissions).
 */
export function hasScope(
  granted: readonly string[],
  required: string,
  vocabulary: ScopeVocabulary,
): boolean {
  return vocabulary === 'legacy'
    ? legacyClosure(granted).has(required)
    : granted.includes(required);
}

/**
 * `x-oauth-scopes` / `x-accepted-oauth-scopes` value. The KB example shows one scope; clients split on
 * commas and spaces ("Bitbucket separates them with commas and spaces", bitbucket-auth.md §3.6 [L]).
 * CHOSEN: comma + space.
 */
export function scopeHeader(scopes: readonly string[]): string {
  return scopes.join(', ');
}
