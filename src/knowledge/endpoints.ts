/**
 * Which scopes the common Bitbucket Cloud endpoints need, in both vocabularies (bitbucket-auth.md
 * §4.3). The official API reference lists them per operation, but the dossier did not capture it:
 * rows come from §4.3's examples and from the scope descriptions of §4.1/§4.2, each with its own
 * confidence. Bitbucket's own answer (`x-accepted-oauth-scopes`, 403 `detail.required`) always
 * wins over this table; the table is for explaining, and for targets not yet called.
 *
 * `legacy` and `granular` are alternatives, like `x-accepted-oauth-scopes`: any one is enough.
 */
import { DOCS } from './docs.js';
import type { Confidence, Sourced } from './fact.js';
import { literalSegments, matchTemplate, splitTarget, stripApiPrefix } from './paths.js';

export interface EndpointScopes extends Sourced {
  /** Upper-case methods; HEAD is looked up as GET. */
  readonly methods: readonly string[];
  /** e.g. `/2.0/repositories/{workspace}/{repo_slug}/commits`; `{name*}` matches the rest. */
  readonly template: string;
  /** Legacy scopes, any one of which is enough. */
  readonly legacy: readonly string[];
  /** Granular (API token) scopes, any one of which is enough. */
  readonly granular: readonly string[];
  readonly note?: string;
}

const REPO = '/2.0/repositories/{workspace}/{repo_slug}';
const READ = ['GET'] as const;
const WRITE = ['POST', 'PUT', 'DELETE'] as const;

interface Row {
  readonly methods: readonly string[];
  readonly templates: readonly string[];
  readonly legacy: readonly string[];
  readonly granular: readonly string[];
  readonly source: string;
  readonly confidence: Confidence;
  readonly note?: string;
}

// Grouped by resource; expanded into one EndpointScopes per template below.
const ROWS: readonly Row[] = [
  // --- User (§3.3, §4.3) ---
  {
    methods: READ,
    templates: ['/2.0/user'],
    legacy: ['account'],
    granular: ['read:user:bitbucket'],
    source: DOCS.apiTokenPermissions,
    confidence: 'M',
    note: 'Repository/project/workspace access tokens are not users: a 403 here is expected for them.',
  },
  {
    methods: READ,
    templates: ['/2.0/user/emails', '/2.0/user/emails/{email}'],
    legacy: ['email'],
    granular: ['read:user:bitbucket'],
    source: DOCS.scopes,
    confidence: 'L',
    note: 'From the scope descriptions (email = "read primary email").',
  },
  // --- Workspaces (§3.7, §4.1 team = "Workspace membership: Read") ---
  {
    methods: READ,
    templates: ['/2.0/user/workspaces', '/2.0/user/workspaces/{workspace}/permission'],
    legacy: ['team'],
    granular: ['read:workspace:bitbucket'],
    source: DOCS.scopes,
    confidence: 'L',
    note: 'The replacement for the removed GET /2.0/workspaces (CHANGE-2770) [M].',
  },
  {
    methods: READ,
    templates: [
      '/2.0/workspaces/{workspace}',
      '/2.0/workspaces/{workspace}/members',
      '/2.0/workspaces/{workspace}/members/{member}',
    ],
    legacy: ['team'],
    granular: ['read:workspace:bitbucket'],
    source: DOCS.scopes,
    confidence: 'L',
  },
  {
    methods: READ,
    templates: [
      '/2.0/workspaces/{workspace}/permissions',
      '/2.0/workspaces/{workspace}/permissions/repositories',
      '/2.0/workspaces/{workspace}/permissions/repositories/{repo_slug}',
    ],
    legacy: ['team'],
    granular: ['read:workspace:bitbucket'],
    source: DOCS.scopes,
    confidence: 'U',
    note: '"Only users with admin permission for the team may access this resource" [H]; the scope is a guess [U].',
  },
  {
    methods: READ,
    templates: [
      '/2.0/workspaces/{workspace}/projects',
      '/2.0/workspaces/{workspace}/projects/{project_key}',
    ],
    legacy: ['project'],
    granular: ['read:project:bitbucket'],
    source: DOCS.scopes,
    confidence: 'L',
  },
  {
    methods: READ,
    templates: ['/2.0/workspaces/{workspace}/hooks', '/2.0/workspaces/{workspace}/hooks/{uid}'],
    legacy: ['webhook'],
    granular: ['read:webhook:bitbucket'],
    source: DOCS.scopes,
    confidence: 'L',
  },
  {
    methods: WRITE,
    templates: ['/2.0/workspaces/{workspace}/hooks', '/2.0/workspaces/{workspace}/hooks/{uid}'],
    legacy: ['webhook'],
    granular: ['write:webhook:bitbucket'],
    source: DOCS.scopes,
    confidence: 'L',
  },
  // --- Repositories (§4.3: "List/read repos ... repository / read:repository:bitbucket" [H]) ---
  {
    methods: READ,
    templates: ['/2.0/repositories/{workspace}', REPO],
    legacy: ['repository'],
    granular: ['read:repository:bitbucket'],
    source: DOCS.apiTokenPermissions,
    confidence: 'H',
  },
  {
    // "repository: read repos ... file browsing API" (§4.1): commits, refs and src are repository read.
    methods: READ,
    templates: [
      `${REPO}/commits`,
      `${REPO}/commits/{revision}`,
      `${REPO}/commit/{commit}`,
      `${REPO}/commit/{commit}/statuses`,
      `${REPO}/diff/{spec}`,
      `${REPO}/diffstat/{spec}`,
      `${REPO}/src`,
      `${REPO}/src/{commit}/{path*}`,
      `${REPO}/refs`,
      `${REPO}/refs/branches`,
      `${REPO}/refs/branches/{name}`,
      `${REPO}/refs/tags`,
      `${REPO}/refs/tags/{name}`,
      `${REPO}/downloads`,
    ],
    legacy: ['repository'],
    granular: ['read:repository:bitbucket'],
    source: DOCS.scopes,
    confidence: 'M',
  },
  {
    methods: ['POST'],
    templates: [`${REPO}/refs/branches`, `${REPO}/refs/tags`, `${REPO}/src`],
    legacy: ['repository:write'],
    granular: ['write:repository:bitbucket'],
    source: DOCS.scopes,
    confidence: 'M',
  },
  {
    // Code Insights reports: reviewdog #1938 citing the API reference (§4.3).
    methods: READ,
    templates: [`${REPO}/commit/{commit}/reports`, `${REPO}/commit/{commit}/reports/{report_id}`],
    legacy: ['repository'],
    granular: ['read:repository:bitbucket'],
    source: DOCS.scopes,
    confidence: 'M',
  },
  // --- Pull requests (§4.3 [M]) ---
  {
    methods: READ,
    templates: [
      `${REPO}/pullrequests`,
      `${REPO}/pullrequests/{pull_request_id}`,
      `${REPO}/pullrequests/{pull_request_id}/{sub*}`,
    ],
    legacy: ['pullrequest'],
    granular: ['read:pullrequest:bitbucket'],
    source: DOCS.scopes,
    confidence: 'M',
  },
  {
    methods: WRITE,
    templates: [
      `${REPO}/pullrequests`,
      `${REPO}/pullrequests/{pull_request_id}`,
      `${REPO}/pullrequests/{pull_request_id}/{sub*}`,
    ],
    legacy: ['pullrequest:write'],
    granular: ['write:pullrequest:bitbucket'],
    source: DOCS.scopes,
    confidence: 'M',
    note: 'Create, comment, approve, decline, merge.',
  },
  // --- Pipelines (§4.1 pipeline / pipeline:write / pipeline:variable; §4.3 [L]) ---
  {
    methods: READ,
    templates: [
      `${REPO}/pipelines`,
      `${REPO}/pipelines/{pipeline_uuid}`,
      `${REPO}/pipelines/{pipeline_uuid}/{sub*}`,
      `${REPO}/pipelines_config`,
    ],
    legacy: ['pipeline'],
    granular: ['read:pipeline:bitbucket'],
    source: DOCS.scopes,
    confidence: 'L',
  },
  {
    methods: ['POST'],
    templates: [`${REPO}/pipelines`, `${REPO}/pipelines/{pipeline_uuid}/stopPipeline`],
    legacy: ['pipeline:write'],
    granular: ['write:pipeline:bitbucket'],
    source: DOCS.scopes,
    confidence: 'L',
  },
  {
    methods: READ,
    templates: [
      `${REPO}/pipelines_config/variables`,
      `${REPO}/pipelines_config/variables/{variable_uuid}`,
    ],
    legacy: ['pipeline'],
    granular: ['read:pipeline:bitbucket'],
    source: DOCS.scopes,
    confidence: 'L',
    note: 'Reading variables is Pipelines read; editing them needs pipeline:variable.',
  },
  {
    methods: WRITE,
    templates: [
      `${REPO}/pipelines_config/variables`,
      `${REPO}/pipelines_config/variables/{variable_uuid}`,
    ],
    legacy: ['pipeline:variable'],
    granular: ['admin:pipeline:bitbucket'],
    source: DOCS.scopes,
    confidence: 'L',
  },
  // --- Webhooks (§4.1 webhook; granular read|write|delete:webhook [M]) ---
  {
    methods: READ,
    templates: [`${REPO}/hooks`, `${REPO}/hooks/{uid}`],
    legacy: ['webhook'],
    granular: ['read:webhook:bitbucket'],
    source: DOCS.scopes,
    confidence: 'M',
  },
  {
    methods: ['POST', 'PUT'],
    templates: [`${REPO}/hooks`, `${REPO}/hooks/{uid}`],
    legacy: ['webhook'],
    granular: ['write:webhook:bitbucket'],
    source: DOCS.scopes,
    confidence: 'M',
  },
  {
    methods: ['DELETE'],
    templates: [`${REPO}/hooks/{uid}`],
    legacy: ['webhook'],
    granular: ['delete:webhook:bitbucket'],
    source: DOCS.scopes,
    confidence: 'M',
  },
  // --- Repository permissions and branch restrictions (§4.3: repository:admin [M]) ---
  {
    methods: [...READ, ...WRITE],
    templates: [
      `${REPO}/permissions-config/users`,
      `${REPO}/permissions-config/users/{selected_user_id}`,
      `${REPO}/permissions-config/groups`,
      `${REPO}/permissions-config/groups/{group_slug}`,
      `${REPO}/branch-restrictions`,
      `${REPO}/branch-restrictions/{id}`,
      `${REPO}/deploy-keys`,
      `${REPO}/deploy-keys/{key_id}`,
    ],
    legacy: ['repository:admin'],
    granular: ['admin:repository:bitbucket'],
    source: DOCS.scopes,
    confidence: 'M',
    note: 'repository:admin does not imply repository: reading the repository itself needs both.',
  },
  // --- Issues (§4.1 issue / issue:write; Issues sunset announced for 2026-08-20) ---
  {
    methods: READ,
    templates: [`${REPO}/issues`, `${REPO}/issues/{issue_id}`],
    legacy: ['issue'],
    granular: ['read:issue:bitbucket'],
    source: DOCS.scopes,
    confidence: 'L',
  },
];

export const ENDPOINT_SCOPES: readonly EndpointScopes[] = ROWS.flatMap((row) =>
  row.templates.map((template): EndpointScopes => ({
    methods: row.methods,
    template,
    legacy: row.legacy,
    granular: row.granular,
    source: row.source,
    confidence: row.confidence,
    ...(row.note === undefined ? {} : { note: row.note }),
  })),
);

export interface RequiredScopes extends Sourced {
  /** The matched template, e.g. `/2.0/repositories/{workspace}/{repo_slug}/commits`. */
  readonly endpoint: string;
  /** Any one of these legacy scopes is enough. */
  readonly legacy: string[];
  /** Any one of these granular scopes is enough. */
  readonly granular: string[];
  readonly note?: string;
}

/**
 * The scopes an API call needs, from the table. `path` may carry a query string, a trailing
 * slash, the website prefixes `/!api`/`/api`, or be a whole URL. Undefined for endpoints not in
 * the table (ask Bitbucket: `x-accepted-oauth-scopes`).
 */
export function requiredScopes(method: string, path: string): RequiredScopes | undefined {
  const verb = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  const bare = stripApiPrefix(splitTarget(path).path).path;
  let best: { entry: EndpointScopes; score: number } | undefined;
  for (const entry of ENDPOINT_SCOPES) {
    if (!entry.methods.includes(verb)) continue;
    if (matchTemplate(entry.template, bare) === undefined) continue;
    const score = literalSegments(entry.template) * 2 - (entry.template.includes('*}') ? 1 : 0);
    if (best === undefined || score > best.score) best = { entry, score };
  }
  if (best === undefined) return undefined;
  const { entry } = best;
  return {
    endpoint: entry.template,
    legacy: [...entry.legacy],
    granular: [...entry.granular],
    source: entry.source,
    confidence: entry.confidence,
    ...(entry.note === undefined ? {} : { note: entry.note }),
  };
}
