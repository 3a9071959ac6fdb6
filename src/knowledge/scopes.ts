/**
 * Bitbucket Cloud's two scope vocabularies (bitbucket-auth.md §4):
 *
 * - legacy (§4.1): OAuth consumers, Connect apps, app passwords and repository/project/workspace
 *   access tokens: `repository`, `repository:write`, `pullrequest`... Some legacy scopes imply
 *   others (`repository:write` ⊃ `repository`), and some famously do not (`repository:admin`).
 * - granular (§4.2): Atlassian API tokens, `<action>:<resource>:bitbucket`. They imply NOTHING:
 *   `write:repository:bitbucket` does not include `read:repository:bitbucket`.
 *
 * The doctor compares what a credential has (`x-oauth-scopes`, 403 `detail.granted`, the token
 * response) with what the target needs (`x-accepted-oauth-scopes`, 403 `detail.required`, the
 * table of endpoints.ts), so both the vocabularies and the implication rules are data here.
 */
import { DOCS } from './docs.js';
import { atLeast, type Confidence, type Sourced } from './fact.js';

export type ScopeVocabulary = 'legacy' | 'granular';

export interface ScopeInfo extends Sourced {
  readonly scope: string;
  readonly vocabulary: ScopeVocabulary;
  readonly description: string;
  /** Set when the scope is gone or going, with the date or the reason. */
  readonly deprecated?: string;
}

// §4.1, from the official scope page (2024–2026 copies) and the app-password permissions page.
const legacy = (scope: string, description: string, extra?: Partial<ScopeInfo>): ScopeInfo => ({
  scope,
  vocabulary: 'legacy',
  description,
  source: DOCS.scopes,
  confidence: 'H',
  ...extra,
});

export const LEGACY_SCOPES: readonly ScopeInfo[] = [
  legacy('account', 'Read your account information (name, emails, groups, SSH keys...).'),
  legacy('account:write', 'Manage your account information (including deleting the account).'),
  legacy('email', 'Read your primary email address.'),
  legacy('team', 'Read the workspaces you are a member of ("Workspace membership: Read").'),
  legacy('team:write', 'Manage the workspaces you administer.'),
  legacy('project', 'Read projects; also grants repository read on the repositories in them.'),
  legacy('project:write', 'Write projects (replaced by project:admin).', {
    deprecated: 'removed 2023-05-15; use project:admin',
    source: DOCS.projectWriteScopeDeprecation,
  }),
  legacy('project:admin', 'Administer projects.'),
  legacy(
    'repository',
    'Read repositories: clone over HTTPS, browse files, archives, issue tracker and wiki. Not pull requests.',
  ),
  legacy('repository:write', 'Push and fork repositories (implies repository). Not pull requests.'),
  legacy(
    'repository:admin',
    'Repository admin features (deploy keys, permissions, branch restrictions, webhooks...). Does NOT imply repository or repository:write.',
  ),
  legacy('repository:delete', 'Delete repositories.'),
  legacy('pullrequest', 'Read pull requests.'),
  legacy('pullrequest:write', 'Create, comment on, approve, decline and merge pull requests.'),
  legacy('issue', 'Read the issue tracker.'),
  legacy('issue:write', 'Create and update issues.'),
  legacy('wiki', 'Read and write wikis.'),
  legacy('snippet', 'Read snippets.'),
  legacy('snippet:write', 'Create and update snippets.'),
  legacy('webhook', 'Read and write webhooks.'),
  legacy('pipeline', 'Read Pipelines.'),
  legacy('pipeline:write', 'Run and stop Pipelines.'),
  legacy('pipeline:variable', 'Edit Pipelines variables.'),
  legacy('runner', 'Read Pipelines runners.'),
  legacy('runner:write', 'Manage Pipelines runners.'),
];

// §4.2: the repository scopes are on the official API-token permissions page [H]; the others
// were seen across several third-party tools [M] (write:user:bitbucket only once [L]).
const granular = (scope: string, description: string, confidence: Confidence = 'M'): ScopeInfo => ({
  scope,
  vocabulary: 'granular',
  description,
  source: DOCS.apiTokenPermissions,
  confidence,
});

export const GRANULAR_SCOPES: readonly ScopeInfo[] = [
  granular('read:repository:bitbucket', 'Read repositories.', 'H'),
  granular(
    'write:repository:bitbucket',
    'Write repositories. Does not include read:repository:bitbucket.',
    'H',
  ),
  granular(
    'admin:repository:bitbucket',
    'Administer repositories. Does not include the read or write scopes.',
    'H',
  ),
  granular('delete:repository:bitbucket', 'Delete repositories.', 'H'),
  granular('read:pullrequest:bitbucket', 'Read pull requests.'),
  granular('write:pullrequest:bitbucket', 'Create and update pull requests.'),
  granular('read:project:bitbucket', 'Read projects.'),
  granular('admin:project:bitbucket', 'Administer projects.'),
  granular('read:workspace:bitbucket', 'Read workspaces.'),
  granular('admin:workspace:bitbucket', 'Administer workspaces.'),
  granular('read:user:bitbucket', 'Read the user (GET /2.0/user).'),
  granular('write:user:bitbucket', 'Update the user.', 'L'),
  granular('read:pipeline:bitbucket', 'Read Pipelines.'),
  granular('write:pipeline:bitbucket', 'Run Pipelines.'),
  granular('admin:pipeline:bitbucket', 'Administer Pipelines (variables).'),
  granular('read:runner:bitbucket', 'Read runners.'),
  granular('write:runner:bitbucket', 'Manage runners.'),
  granular('read:issue:bitbucket', 'Read issues.'),
  granular('write:issue:bitbucket', 'Create and update issues.'),
  granular('delete:issue:bitbucket', 'Delete issues.'),
  granular('read:webhook:bitbucket', 'Read webhooks.'),
  granular('write:webhook:bitbucket', 'Create and update webhooks.'),
  granular('delete:webhook:bitbucket', 'Delete webhooks.'),
  granular('read:snippet:bitbucket', 'Read snippets.'),
  granular('write:snippet:bitbucket', 'Create and update snippets.'),
  granular('delete:snippet:bitbucket', 'Delete snippets.'),
  granular('read:ssh-key:bitbucket', 'Read SSH keys.'),
  granular('write:ssh-key:bitbucket', 'Add SSH keys.'),
  granular('delete:ssh-key:bitbucket', 'Delete SSH keys.'),
  granular('read:gpg-key:bitbucket', 'Read GPG keys.'),
  granular('write:gpg-key:bitbucket', 'Add GPG keys.'),
  granular('delete:gpg-key:bitbucket', 'Delete GPG keys.'),
  granular('read:permission:bitbucket', 'Read permissions.'),
  granular('write:permission:bitbucket', 'Change permissions.'),
  granular('delete:permission:bitbucket', 'Remove permissions.'),
];

export interface ScopeImplication extends Sourced {
  readonly scope: string;
  /** The scopes it directly implies (the closure is computed by expandScopes). */
  readonly implies: readonly string[];
  readonly note?: string;
}

/**
 * Legacy implications (§4.1). Granular scopes have none, on purpose. The `U` rules are not in the
 * dossier (its copy of the scope page is abridged): they follow the `:write` ⊃ read pattern that
 * the doc states for repositories. Pass `minConfidence` to expandScopes to leave them out.
 */
export const LEGACY_IMPLICATIONS: readonly ScopeImplication[] = [
  {
    scope: 'repository:write',
    implies: ['repository'],
    note: 'The official scope page: "implies repository".',
    source: DOCS.scopes,
    confidence: 'H',
  },
  {
    scope: 'repository:admin',
    implies: [],
    note: 'Implies neither repository nor repository:write (official scope page).',
    source: DOCS.scopes,
    confidence: 'H',
  },
  {
    scope: 'project',
    implies: ['repository'],
    note: 'The scope page: "also grants repository read" on the repositories of the projects.',
    source: DOCS.scopes,
    confidence: 'H',
  },
  {
    scope: 'pullrequest:write',
    implies: ['pullrequest'],
    note: 'Encoded by third-party clients.',
    source: DOCS.scopes,
    confidence: 'L',
  },
  {
    scope: 'pullrequest',
    implies: ['repository'],
    note: 'Per third-party scope tables.',
    source: DOCS.scopes,
    confidence: 'L',
  },
  {
    scope: 'pipeline:variable',
    implies: ['pipeline:write'],
    note: 'Encoded by third-party clients.',
    source: DOCS.scopes,
    confidence: 'L',
  },
  {
    scope: 'pipeline:write',
    implies: ['pipeline'],
    note: 'Encoded by third-party clients.',
    source: DOCS.scopes,
    confidence: 'L',
  },
  {
    scope: 'runner:write',
    implies: ['runner'],
    note: 'Encoded by third-party clients.',
    source: DOCS.scopes,
    confidence: 'L',
  },
  {
    scope: 'account',
    implies: ['email'],
    note: 'The scope page says account reads "name, emails...".',
    source: DOCS.scopes,
    confidence: 'L',
  },
  {
    scope: 'project:admin',
    implies: ['project'],
    note: 'Not in the dossier; by analogy with repository:write.',
    source: DOCS.scopes,
    confidence: 'U',
  },
  {
    scope: 'project:write',
    implies: ['project'],
    note: 'Removed 2023-05-15; not in the dossier; by analogy with repository:write.',
    source: DOCS.projectWriteScopeDeprecation,
    confidence: 'U',
  },
  {
    scope: 'issue:write',
    implies: ['issue'],
    note: 'Not in the dossier; by analogy with repository:write.',
    source: DOCS.scopes,
    confidence: 'U',
  },
  {
    scope: 'snippet:write',
    implies: ['snippet'],
    note: 'Not in the dossier; by analogy with repository:write.',
    source: DOCS.scopes,
    confidence: 'U',
  },
  {
    scope: 'account:write',
    implies: ['account'],
    note: 'Not in the dossier; by analogy with repository:write.',
    source: DOCS.scopes,
    confidence: 'U',
  },
  {
    scope: 'team:write',
    implies: ['team'],
    note: 'Not in the dossier; by analogy with repository:write.',
    source: DOCS.scopes,
    confidence: 'U',
  },
];

export interface ScopeEquivalence extends Sourced {
  readonly legacy: string;
  readonly granular: string;
}

/**
 * Legacy ↔ granular pairs, for telling an API-token user which scope to tick when Bitbucket (or
 * our table) names the legacy one, and back. §4.3 gives account, repository, pullrequest,
 * pullrequest:write, repository:admin and pipeline:variable; the rest pair by name [L]/[U].
 * Legacy `webhook` covers reading and writing, so it pairs with two granular scopes.
 */
export const SCOPE_EQUIVALENTS: readonly ScopeEquivalence[] = [
  {
    legacy: 'account',
    granular: 'read:user:bitbucket',
    source: DOCS.apiTokenPermissions,
    confidence: 'M',
  },
  {
    legacy: 'account:write',
    granular: 'write:user:bitbucket',
    source: DOCS.apiTokenPermissions,
    confidence: 'L',
  },
  {
    legacy: 'repository',
    granular: 'read:repository:bitbucket',
    source: DOCS.apiTokenPermissions,
    confidence: 'H',
  },
  {
    legacy: 'repository:write',
    granular: 'write:repository:bitbucket',
    source: DOCS.apiTokenPermissions,
    confidence: 'M',
  },
  {
    legacy: 'repository:admin',
    granular: 'admin:repository:bitbucket',
    source: DOCS.apiTokenPermissions,
    confidence: 'M',
  },
  {
    legacy: 'repository:delete',
    granular: 'delete:repository:bitbucket',
    source: DOCS.apiTokenPermissions,
    confidence: 'M',
  },
  {
    legacy: 'pullrequest',
    granular: 'read:pullrequest:bitbucket',
    source: DOCS.apiTokenPermissions,
    confidence: 'M',
  },
  {
    legacy: 'pullrequest:write',
    granular: 'write:pullrequest:bitbucket',
    source: DOCS.apiTokenPermissions,
    confidence: 'M',
  },
  {
    legacy: 'project',
    granular: 'read:project:bitbucket',
    source: DOCS.apiTokenPermissions,
    confidence: 'L',
  },
  {
    legacy: 'project:admin',
    granular: 'admin:project:bitbucket',
    source: DOCS.apiTokenPermissions,
    confidence: 'L',
  },
  {
    legacy: 'team',
    granular: 'read:workspace:bitbucket',
    source: DOCS.apiTokenPermissions,
    confidence: 'L',
  },
  {
    legacy: 'team:write',
    granular: 'admin:workspace:bitbucket',
    source: DOCS.apiTokenPermissions,
    confidence: 'U',
  },
  {
    legacy: 'pipeline',
    granular: 'read:pipeline:bitbucket',
    source: DOCS.apiTokenPermissions,
    confidence: 'L',
  },
  {
    legacy: 'pipeline:write',
    granular: 'write:pipeline:bitbucket',
    source: DOCS.apiTokenPermissions,
    confidence: 'L',
  },
  {
    legacy: 'pipeline:variable',
    granular: 'admin:pipeline:bitbucket',
    source: DOCS.apiTokenPermissions,
    confidence: 'L',
  },
  {
    legacy: 'runner',
    granular: 'read:runner:bitbucket',
    source: DOCS.apiTokenPermissions,
    confidence: 'L',
  },
  {
    legacy: 'runner:write',
    granular: 'write:runner:bitbucket',
    source: DOCS.apiTokenPermissions,
    confidence: 'L',
  },
  {
    legacy: 'issue',
    granular: 'read:issue:bitbucket',
    source: DOCS.apiTokenPermissions,
    confidence: 'L',
  },
  {
    legacy: 'issue:write',
    granular: 'write:issue:bitbucket',
    source: DOCS.apiTokenPermissions,
    confidence: 'L',
  },
  {
    legacy: 'webhook',
    granular: 'read:webhook:bitbucket',
    source: DOCS.apiTokenPermissions,
    confidence: 'L',
  },
  {
    legacy: 'webhook',
    granular: 'write:webhook:bitbucket',
    source: DOCS.apiTokenPermissions,
    confidence: 'L',
  },
  {
    legacy: 'snippet',
    granular: 'read:snippet:bitbucket',
    source: DOCS.apiTokenPermissions,
    confidence: 'L',
  },
  {
    legacy: 'snippet:write',
    granular: 'write:snippet:bitbucket',
    source: DOCS.apiTokenPermissions,
    confidence: 'L',
  },
];

const LEGACY_NAMES: ReadonlySet<string> = new Set(LEGACY_SCOPES.map((info) => info.scope));
const GRANULAR_SHAPE = /^(?:read|write|admin|delete):[a-z][a-z0-9-]*:bitbucket$/;

/**
 * Splits a scope list as Bitbucket writes it: `x-oauth-scopes` uses commas and/or spaces, the token
 * response's `scope(s)` uses spaces (§1.4, §3.6). Trims, drops empties and quotes, dedupes (first
 * occurrence wins).
 */
export function parseScopeList(value: string | undefined): string[] {
  if (value === undefined) return [];
  const seen = new Set<string>();
  for (const item of value.split(/[\s,]+/)) {
    const scope = item.replace(/^["']+|["']+$/g, '');
    if (scope !== '') seen.add(scope);
  }
  return [...seen];
}

/** Which vocabulary a scope belongs to. */
export function vocabularyOf(scope: string): ScopeVocabulary | 'unknown' {
  if (LEGACY_NAMES.has(scope)) return 'legacy';
  if (GRANULAR_SHAPE.test(scope)) return 'granular';
  return 'unknown';
}

export interface ExpandOptions {
  /** Only apply implication rules of at least this confidence (default: every rule). */
  readonly minConfidence?: Confidence;
}

/**
 * The granted scopes plus everything they imply, under the legacy rules only. Granular and
 * unknown scopes are kept as they are and imply nothing.
 */
export function expandScopes(granted: readonly string[], options?: ExpandOptions): Set<string> {
  const minimum = options?.minConfidence ?? 'U';
  const rules = new Map<string, string[]>();
  for (const rule of LEGACY_IMPLICATIONS) {
    if (!atLeast(rule.confidence, minimum)) continue;
    rules.set(rule.scope, [...(rules.get(rule.scope) ?? []), ...rule.implies]);
  }
  const result = new Set<string>();
  const queue = [...granted];
  for (let scope = queue.shift(); scope !== undefined; scope = queue.shift()) {
    if (result.has(scope)) continue;
    result.add(scope);
    queue.push(...(rules.get(scope) ?? []));
  }
  return result;
}

/** All the scopes of the other vocabulary that mean the same (legacy ↔ granular). */
export function equivalentScopes(scope: string): string[] {
  return SCOPE_EQUIVALENTS.flatMap((pair) =>
    pair.legacy === scope ? [pair.granular] : pair.granular === scope ? [pair.legacy] : [],
  );
}

/**
 * The scope of the other vocabulary that means the same: `repository` ↔
 * `read:repository:bitbucket`, `account` ↔ `read:user:bitbucket`... Undefined when there is none.
 */
export function equivalentScope(scope: string): string | undefined {
  return equivalentScopes(scope)[0];
}

/**
 * What the granted scopes cover: the legacy closure, plus the direct equivalent of each covered
 * scope in the other vocabulary. Equivalents are not expanded again, so a granular
 * `write:repository:bitbucket` maps to `repository:write` but never reaches `repository`: a
 * write-only API token cannot read.
 */
function coverage(granted: readonly string[], options?: ExpandOptions): Set<string> {
  const expanded = expandScopes(granted, options);
  const covered = new Set(expanded);
  for (const scope of expanded) {
    for (const other of equivalentScopes(scope)) covered.add(other);
  }
  return covered;
}

/**
 * True when the granted scopes satisfy one of `requiredAnyOf`. Like `x-accepted-oauth-scopes`,
 * the list holds alternatives: any one accepted scope is enough. An empty list needs nothing.
 */
export function satisfies(
  granted: readonly string[],
  requiredAnyOf: readonly string[],
  options?: ExpandOptions,
): boolean {
  if (requiredAnyOf.length === 0) return true;
  const covered = coverage(granted, options);
  return requiredAnyOf.some((scope) => covered.has(scope));
}

/**
 * The scopes of `required` that the granted ones do not cover, each judged on its own (a 403's
 * `detail.required` lists what is needed). Quoted verbatim: Bitbucket's list is not re-interpreted.
 */
export function missingScopes(
  granted: readonly string[],
  required: readonly string[],
  options?: ExpandOptions,
): string[] {
  const covered = coverage(granted, options);
  return [...new Set(required)].filter((scope) => !covered.has(scope));
}

/** The description of a known scope of either vocabulary. */
export function scopeInfo(scope: string): ScopeInfo | undefined {
  return (
    LEGACY_SCOPES.find((info) => info.scope === scope) ??
    GRANULAR_SCOPES.find((info) => info.scope === scope)
  );
}
