/**
 * The path tables of wrong-URL knowledge (bitbucket-auth.md §3.7, §6, §8, §9.17): API 1.0 paths
 * (removed 2019-04-29, answer 410) and their 2.0 replacements; 2.0 endpoints removed since
 * (CHANGE-2770 in 2026, teams/users in 2020); Data Center paths and their Cloud equivalents. The
 * judgement of a whole URL (host, scheme, secrets, and these paths) is api-versions.ts.
 */
import { DOCS } from './docs.js';
import type { Confidence, Sourced } from './fact.js';
import {
  fillTemplate,
  literalSegments,
  matchTemplate,
  missingParams,
  splitTarget,
  stripApiPrefix,
} from './paths.js';
import { SOURCES } from './sources.js';
import { OAUTH_PATHS, SECRET_PARAMETERS } from './wire.js';

// -----------------------------------------------------------------------------------------------
// API 1.0 → 2.0 (§6)
// -----------------------------------------------------------------------------------------------

export interface V1Mapping extends Sourced {
  /** The 1.0 path template (without the website prefix `/api`). */
  readonly v1: string;
  /** The 2.0 template (same parameter names); absent when kept. */
  readonly v2?: string;
  /** Where `v2` lives: the REST API (default) or the website's OAuth endpoints (§1.1). */
  readonly on?: 'auth';
  /** With this query parameter, `byQuery.v2` replaces `v2` (e.g. changesets?branch=master). */
  readonly byQuery?: { readonly param: string; readonly v2: string };
  /** True for the four 1.0 resources that are still served. */
  readonly kept?: true;
  readonly note: string;
}

const KEPT_NOTE =
  'Still served: one of the four API 1.0 resources kept "until the Atlassian platform services are fully available".';

export const V1_MAP: readonly V1Mapping[] = [
  // The four exceptions (§6, users-endpoint-10 [H]).
  { v1: '/1.0/groups/{rest*}', kept: true, note: KEPT_NOTE, source: DOCS.users10, confidence: 'H' },
  {
    v1: '/1.0/group-privileges/{rest*}',
    kept: true,
    note: `${KEPT_NOTE} (No 2.0 group-privileges resource; repository permissions are under /2.0/workspaces/{workspace}/permissions/repositories.)`,
    source: DOCS.users10,
    confidence: 'H',
  },
  {
    v1: '/1.0/invitations/{rest*}',
    kept: true,
    note: KEPT_NOTE,
    source: DOCS.users10,
    confidence: 'H',
  },
  {
    v1: '/1.0/users/{accountname}/invitations/{rest*}',
    kept: true,
    note: KEPT_NOTE,
    source: DOCS.users10,
    confidence: 'H',
  },
  // Users.
  {
    v1: '/1.0/user',
    v2: '/2.0/user',
    note: 'The current user.',
    source: DOCS.users10,
    confidence: 'H',
  },
  {
    v1: '/1.0/user/repositories',
    v2: '/2.0/repositories/{workspace}?role=member',
    note:
      'Call it once per workspace (list them with GET /2.0/user/workspaces): the cross-workspace ' +
      'GET /2.0/repositories?role=member was removed in 2026 (CHANGE-2770).',
    source: DOCS.v1Deprecation,
    confidence: 'M',
  },
  {
    // §6 [H]: "/2.0/users/{account_id or {uuid}}", "Do not use username" (curl-lint's answer won
    // over the 2.0 reference's parameter name {selected_user}, which the dossier does not use).
    v1: '/1.0/users/{accountname}',
    v2: '/2.0/users/{account_id}',
    note:
      'Identify the user by account_id or UUID ({...}), not by username; most /2.0/users/* ' +
      'sub-resources were removed in 2020 (use /2.0/workspaces/{workspace}/...).',
    source: DOCS.teamsDeprecation,
    confidence: 'H',
  },
  // Repositories.
  {
    v1: '/1.0/repositories/{owner}/{slug}',
    v2: '/2.0/repositories/{owner}/{slug}',
    note: 'The 1.0 owner is the 2.0 workspace.',
    source: DOCS.v1Deprecation,
    confidence: 'H',
  },
  {
    // The seed story (§6): v1 changesets?branch=master → 2.0 commits/master.
    v1: '/1.0/repositories/{owner}/{slug}/changesets',
    v2: '/2.0/repositories/{owner}/{slug}/commits',
    byQuery: { param: 'branch', v2: '/2.0/repositories/{owner}/{slug}/commits/{branch}' },
    note:
      'GET /2.0/repositories/{workspace}/{repo_slug}/commits/{revision} "Returns all commits on ' +
      'ref" {revision} (e.g. commits/master); /commits?include=...&exclude=... narrows further.',
    source: DOCS.v1Deprecation,
    confidence: 'H',
  },
  {
    v1: '/1.0/repositories/{owner}/{slug}/changesets/{node}',
    v2: '/2.0/repositories/{owner}/{slug}/commit/{node}',
    note: 'One commit: /commit/ (singular) in 2.0.',
    source: DOCS.v1Deprecation,
    confidence: 'M',
  },
  {
    v1: '/1.0/repositories/{owner}/{slug}/branches',
    v2: '/2.0/repositories/{owner}/{slug}/refs/branches',
    note: 'Branches are refs in 2.0.',
    source: DOCS.v1Deprecation,
    confidence: 'M',
  },
  {
    v1: '/1.0/repositories/{owner}/{slug}/branches-tags',
    v2: '/2.0/repositories/{owner}/{slug}/refs',
    note: 'Branches and tags together: /refs in 2.0.',
    source: DOCS.v1Deprecation,
    confidence: 'M',
  },
  {
    v1: '/1.0/repositories/{owner}/{slug}/tags',
    v2: '/2.0/repositories/{owner}/{slug}/refs/tags',
    note: 'Tags are refs in 2.0.',
    source: DOCS.v1Deprecation,
    confidence: 'M',
  },
  {
    v1: '/1.0/repositories/{owner}/{slug}/raw/{revision}/{path*}',
    v2: '/2.0/repositories/{owner}/{slug}/src/{revision}/{path}',
    note: 'Raw file contents come from /src/{commit}/{path} in 2.0.',
    source: DOCS.v1Deprecation,
    confidence: 'M',
  },
  {
    v1: '/1.0/repositories/{owner}/{slug}/src/{revision}/{path*}',
    v2: '/2.0/repositories/{owner}/{slug}/src/{revision}/{path}',
    note: 'File browsing: /src/{commit}/{path} in 2.0.',
    source: DOCS.v1Deprecation,
    confidence: 'M',
  },
  {
    v1: '/1.0/repositories/{owner}/{slug}/issues/{rest*}',
    v2: '/2.0/repositories/{owner}/{slug}/issues/{rest}',
    note: 'Issues exist in 2.0, but Bitbucket announced the sunset of Issues and Wikis for 2026-08-20.',
    source: DOCS.v1Deprecation,
    confidence: 'M',
  },
  {
    v1: '/1.0/privileges/{owner}/{slug}',
    v2: '/2.0/workspaces/{owner}/permissions/repositories/{slug}',
    note: 'Admin only: "Only users with admin permission for the team may access this resource".',
    source: DOCS.v1Deprecation,
    confidence: 'M',
  },
  {
    v1: '/1.0/privileges/{owner}',
    v2: '/2.0/workspaces/{owner}/permissions/repositories',
    note: 'Admin only: "Only users with admin permission for the team may access this resource".',
    source: DOCS.v1Deprecation,
    confidence: 'M',
  },
  // OAuth 1.0a (§6): bitbucket.org/api/1.0/oauth/... → OAuth 2.0.
  {
    v1: '/1.0/oauth/request_token',
    v2: OAUTH_PATHS.token,
    on: 'auth',
    note: 'OAuth 1.0a is gone: get an OAuth 2.0 token (consumers became OAuth 2 clients once given a callback URL).',
    source: DOCS.oauth2,
    confidence: 'H',
  },
  {
    v1: '/1.0/oauth/access_token',
    v2: OAUTH_PATHS.token,
    on: 'auth',
    note: 'OAuth 1.0a is gone: POST the OAuth 2.0 token endpoint with the consumer key/secret as Basic.',
    source: DOCS.oauth2,
    confidence: 'H',
  },
  {
    v1: '/1.0/oauth/authenticate',
    v2: OAUTH_PATHS.authorize,
    on: 'auth',
    note: 'OAuth 1.0a is gone: use the OAuth 2.0 authorize endpoint.',
    source: DOCS.oauth2,
    confidence: 'H',
  },
  // Anything else under a repository: the 2.0 resource of the same name, when there is one.
  {
    v1: '/1.0/repositories/{owner}/{slug}/{rest*}',
    v2: '/2.0/repositories/{owner}/{slug}/{rest}',
    note: 'No documented mapping: this guesses the 2.0 resource of the same name; check the 2.0 reference.',
    source: DOCS.v1Deprecation,
    confidence: 'U',
  },
];

export interface V1Replacement extends Sourced {
  /** False for the four kept 1.0 resources: the path still works, nothing to replace. */
  readonly removed: boolean;
  /** The 2.0 path with query; for kept resources, the path itself. */
  readonly replacement: string;
  /** Where the replacement lives: the REST API or the website's OAuth endpoints (§1.1). */
  readonly on: 'api' | 'auth';
  /** Placeholders the call could not fill (`{workspace}`): advice, not a URL to send. */
  readonly unresolved: readonly string[];
  readonly note: string;
  /** The 1.0 template that matched. */
  readonly v1: string;
}

/** Path after the website prefix: `/api/1.0/...` and `/!api/1.0/...` count as `/1.0/...`. */
function v1PathOf(pathWithQuery: string): { path: string; params: URLSearchParams } {
  const target = splitTarget(pathWithQuery);
  return { path: stripApiPrefix(target.path).path, params: target.params };
}

/** True when the path is an API 1.0 path (`/1.0/...`, `/api/1.0/...`, `/!api/1.0/...`). */
export function isV1Path(pathWithQuery: string): boolean {
  const { path } = v1PathOf(pathWithQuery);
  return path === '/1.0' || path.startsWith('/1.0/');
}

function bestMatch<T extends { readonly template: string }>(
  candidates: readonly T[],
  path: string,
): { entry: T; params: Readonly<Record<string, string>> } | undefined {
  let best: { entry: T; params: Readonly<Record<string, string>>; score: number } | undefined;
  for (const entry of candidates) {
    const params = matchTemplate(entry.template, path);
    if (params === undefined) continue;
    const score = literalSegments(entry.template) * 2 - (entry.template.includes('*}') ? 1 : 0);
    if (best === undefined || score > best.score) best = { entry, params, score };
  }
  return best;
}

function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(decodeURIComponent(value));
  } catch {
    return encodeURIComponent(value);
  }
}

/** Joins a filled template with `{rest}`-style parameters that may be empty (no `//`, no `/` end). */
function cleanPath(path: string): string {
  const [bare = '', query] = path.split('?', 2);
  const tidy = bare.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
  return query === undefined ? tidy : `${tidy}?${query}`;
}

/**
 * The API 2.0 replacement of an API 1.0 path (also `/api/1.0/...` as on bitbucket.org, or a whole
 * URL). The four kept 1.0 resources come back with `removed: false`. Undefined when the path is
 * not 1.0 or has no known replacement.
 */
export function v1Replacement(pathWithQuery: string): V1Replacement | undefined {
  const { path, params } = v1PathOf(pathWithQuery);
  if (!(path === '/1.0' || path.startsWith('/1.0/'))) return undefined;
  const found = bestMatch(
    V1_MAP.map((entry) => ({ ...entry, template: entry.v1 })),
    path,
  );
  if (found === undefined) return undefined;
  const { entry } = found;
  const base = {
    note: entry.note,
    source: entry.source,
    confidence: entry.confidence,
    v1: entry.v1,
  };
  if (entry.kept === true || entry.v2 === undefined) {
    return { ...base, removed: false, replacement: path, on: 'api', unresolved: [] };
  }
  const values: Record<string, string> = { ...found.params };
  let template = entry.v2;
  const byValue = entry.byQuery === undefined ? null : params.get(entry.byQuery.param);
  if (entry.byQuery !== undefined && byValue !== null && byValue !== '') {
    template = entry.byQuery.v2;
    values[entry.byQuery.param] = encodeSegment(byValue);
  }
  const used = entry.byQuery === undefined ? [] : [entry.byQuery.param];
  const dropped = [...new Set(params.keys())].filter((key) => !used.includes(key));
  const note =
    dropped.length === 0
      ? entry.note
      : `${entry.note} Query parameters not carried over: ${dropped.join(', ')} (2.0 paginates with pagelen and page).`;
  return {
    ...base,
    note,
    removed: true,
    replacement: cleanPath(fillTemplate(template, values)),
    on: entry.on ?? 'api',
    unresolved: missingParams(template, values),
  };
}

// -----------------------------------------------------------------------------------------------
// Removed 2.0 endpoints (§3.7, §5.1 timeline): CHANGE-2770 (2026) and teams/users (2020)
// -----------------------------------------------------------------------------------------------

export type RemovalChange = 'CHANGE-2770' | 'TEAMS-USERS-2020';

/** Atlassian's announcement ids, for prose (§3.7: CHANGE-2770 removed the cross-workspace APIs). */
export const CHANGES = { workspaceApis: 'CHANGE-2770' } as const satisfies Record<
  string,
  RemovalChange
>;

export interface RemovedEndpointInfo extends Sourced {
  readonly change: RemovalChange;
  /** Upper-case methods it applies to. */
  readonly methods: readonly string[];
  readonly template: string;
  /** The replacement template (same parameter names); the query of the call is kept. */
  readonly replacement?: string;
  readonly note: string;
  readonly announcementUrl: string;
  /** When it stopped working (ISO date, approximate for CHANGE-2770: brownouts, then enforcement). */
  readonly removedOn: string;
}

const ANY = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;
const GET = ['GET', 'HEAD'] as const;

export const REMOVED_ENDPOINTS: readonly RemovedEndpointInfo[] = [
  {
    change: 'CHANGE-2770',
    methods: GET,
    template: '/2.0/repositories',
    replacement: '/2.0/repositories/{workspace}',
    note:
      'Listing repositories across workspaces is gone: list them per workspace (workspaces from ' +
      'GET /2.0/user/workspaces). GET /2.0/repositories/{workspace} still works.',
    announcementUrl: DOCS.change2770,
    removedOn: '2026-04-14',
    source: DOCS.change2770,
    confidence: 'H',
  },
  {
    change: 'CHANGE-2770',
    methods: GET,
    template: '/2.0/workspaces',
    replacement: '/2.0/user/workspaces',
    note:
      'GET /2.0/user/workspaces lists your memberships under values[].workspace (several projects ' +
      'use it as the replacement [M]). GET /2.0/workspaces/{workspace} still works.',
    announcementUrl: DOCS.change2770,
    removedOn: '2026-04-14',
    source: SOURCES.infisicalPr6152,
    confidence: 'M',
  },
  {
    change: 'CHANGE-2770',
    methods: GET,
    template: '/2.0/user/permissions/workspaces',
    replacement: '/2.0/user/workspaces',
    note: 'Workspace memberships (and your permission) come from GET /2.0/user/workspaces.',
    announcementUrl: DOCS.change2770,
    removedOn: '2026-04-14',
    source: DOCS.change2770,
    confidence: 'M',
  },
  {
    change: 'CHANGE-2770',
    methods: GET,
    template: '/2.0/user/permissions/repositories',
    replacement: '/2.0/repositories/{workspace}?role=member',
    note:
      'List repositories per workspace with role=member (or admin/owner/contributor). This endpoint ' +
      'was also seen answering 404 instead of 410.',
    announcementUrl: DOCS.change2770,
    removedOn: '2026-04-14',
    source: SOURCES.t3codeIssue8328,
    confidence: 'M',
  },
  {
    change: 'CHANGE-2770',
    methods: GET,
    template: '/2.0/user/permissions/{rest*}',
    note: 'The /2.0/user/permissions/* endpoints were removed with the cross-workspace APIs.',
    announcementUrl: DOCS.change2770,
    removedOn: '2026-04-14',
    source: DOCS.change2770,
    confidence: 'M',
  },
  // Teams and users (2020-10-14): /2.0/teams/{team}/... → /2.0/workspaces/{workspace}/... [H].
  {
    change: 'TEAMS-USERS-2020',
    methods: ANY,
    template: '/2.0/teams',
    replacement: '/2.0/user/workspaces',
    note: 'Teams became workspaces; list yours with GET /2.0/user/workspaces.',
    announcementUrl: DOCS.teamsDeprecation,
    removedOn: '2020-10-14',
    source: DOCS.teamsDeprecation,
    confidence: 'H',
  },
  {
    change: 'TEAMS-USERS-2020',
    methods: ANY,
    template: '/2.0/teams/{workspace}/repositories',
    replacement: '/2.0/repositories/{workspace}',
    note: "A workspace's repositories are listed at GET /2.0/repositories/{workspace}.",
    announcementUrl: DOCS.teamsDeprecation,
    removedOn: '2020-10-14',
    source: DOCS.teamsDeprecation,
    confidence: 'M',
  },
  {
    change: 'TEAMS-USERS-2020',
    methods: ANY,
    template: '/2.0/teams/{workspace}/{rest*}',
    replacement: '/2.0/workspaces/{workspace}/{rest}',
    note: 'Teams became workspaces: /2.0/teams/{team}/... is /2.0/workspaces/{workspace}/...',
    announcementUrl: DOCS.teamsDeprecation,
    removedOn: '2020-10-14',
    source: DOCS.teamsDeprecation,
    confidence: 'H',
  },
  {
    change: 'TEAMS-USERS-2020',
    methods: ANY,
    template: '/2.0/users/{workspace}/repositories',
    replacement: '/2.0/repositories/{workspace}',
    note: 'Repositories belong to workspaces: GET /2.0/repositories/{workspace}.',
    announcementUrl: DOCS.teamsDeprecation,
    removedOn: '2020-10-14',
    source: DOCS.teamsDeprecation,
    confidence: 'M',
  },
  ...(['members', 'projects', 'hooks', 'pipelines_config'] as const).map(
    (resource): RemovedEndpointInfo => ({
      change: 'TEAMS-USERS-2020',
      methods: ANY,
      template: `/2.0/users/{workspace}/${resource}/{rest*}`,
      replacement: `/2.0/workspaces/{workspace}/${resource}/{rest}`,
      note: 'Most /2.0/users/* endpoints were removed in 2020; the resource lives under the workspace.',
      announcementUrl: DOCS.teamsDeprecation,
      removedOn: '2020-10-14',
      source: DOCS.teamsDeprecation,
      confidence: 'M',
    }),
  ),
  ...(['followers', 'following'] as const).map((resource): RemovedEndpointInfo => ({
    change: 'TEAMS-USERS-2020',
    methods: ANY,
    template: `/2.0/users/{user}/${resource}`,
    note: 'Most /2.0/users/* endpoints were removed in 2020; this one has no replacement.',
    announcementUrl: DOCS.teamsDeprecation,
    removedOn: '2020-10-14',
    source: DOCS.teamsDeprecation,
    confidence: 'M',
  })),
];

export interface RemovedEndpoint extends Sourced {
  readonly change: RemovalChange;
  /** The removed endpoint's template. */
  readonly endpoint: string;
  /** The call to make instead (with the original query), when there is one. */
  readonly replacement?: string;
  /** Placeholders of the replacement the call could not fill (`{workspace}`). */
  readonly unresolved: readonly string[];
  readonly note: string;
  readonly announcementUrl: string;
  readonly removedOn: string;
}

/**
 * Whether this call targets a removed 2.0 endpoint. Only exact templates: `/2.0/repositories/acme`
 * and `/2.0/workspaces/acme` are fine (a brownout 410 on them is a signature, not a removal).
 */
export function removedEndpoint(
  method: string,
  pathWithQuery: string,
): RemovedEndpoint | undefined {
  const verb = method.toUpperCase();
  const target = splitTarget(pathWithQuery);
  const path = stripApiPrefix(target.path).path;
  const found = bestMatch(
    REMOVED_ENDPOINTS.filter((entry) => entry.methods.includes(verb)),
    path,
  );
  if (found === undefined) return undefined;
  const { entry, params } = found;
  let replacement: string | undefined;
  if (entry.replacement !== undefined) {
    const filled = cleanPath(fillTemplate(entry.replacement, params));
    replacement = target.search === '' ? filled : mergeQuery(filled, target.search);
  }
  return {
    change: entry.change,
    endpoint: entry.template,
    ...(replacement === undefined ? {} : { replacement }),
    unresolved: entry.replacement === undefined ? [] : missingParams(entry.replacement, params),
    note: entry.note,
    announcementUrl: entry.announcementUrl,
    removedOn: entry.removedOn,
    source: entry.source,
    confidence: entry.confidence,
  };
}

/**
 * Adds the call's query to a replacement that may have its own (its own keys win), each pair as
 * typed. Secret parameters are dropped: a replacement is shown to the user and must never echo a
 * token.
 */
function mergeQuery(pathWithQuery: string, search: string): string {
  const [path = '', own = ''] = pathWithQuery.split('?', 2);
  const pairs = own === '' ? [] : own.split('&');
  const name = (pair: string): string => {
    const raw = pair.split('=', 1)[0] ?? '';
    try {
      return decodeURIComponent(raw.replace(/\+/g, ' '));
    } catch {
      return raw;
    }
  };
  const taken = new Set(pairs.map(name));
  for (const pair of search.replace(/^\?/, '').split('&')) {
    if (pair === '' || taken.has(name(pair)) || SECRET_PARAMETERS.includes(name(pair))) continue;
    pairs.push(pair);
  }
  return pairs.length === 0 ? path : `${path}?${pairs.join('&')}`;
}

// -----------------------------------------------------------------------------------------------
// Data Center paths (§6 end, §8, §9.17)
// -----------------------------------------------------------------------------------------------

export interface DataCenterMapping extends Sourced {
  /** Template after `/rest/api/1.0` (or `/rest/api/latest`). */
  readonly template: string;
  readonly cloud?: string;
  readonly note?: string;
}

const PROJECT_KEY_NOTE =
  'A Data Center project key is not a Cloud workspace: put your Cloud workspace id in {workspace}.';
const DC_REPO = '/projects/{key}/repos/{slug}';
const CLOUD_REPO = '/2.0/repositories/{workspace}/{slug}';

// The dossier shows that DC paths on Cloud fail (404/401) [H]/[M]; the resource-by-resource
// mapping below pairs resources by name and is low confidence.
export const DATA_CENTER_MAP: readonly DataCenterMapping[] = [
  {
    template: DC_REPO,
    cloud: CLOUD_REPO,
    source: SOURCES.atlassianPythonIssue633,
    confidence: 'M',
  },
  {
    template: `${DC_REPO}/commits`,
    cloud: `${CLOUD_REPO}/commits`,
    source: SOURCES.nishioDensIssue197,
    confidence: 'L',
  },
  {
    template: `${DC_REPO}/commits/{id}`,
    cloud: `${CLOUD_REPO}/commit/{id}`,
    source: SOURCES.nishioDensIssue197,
    confidence: 'L',
  },
  {
    template: `${DC_REPO}/branches`,
    cloud: `${CLOUD_REPO}/refs/branches`,
    source: SOURCES.nishioDensIssue197,
    confidence: 'L',
  },
  {
    template: `${DC_REPO}/tags`,
    cloud: `${CLOUD_REPO}/refs/tags`,
    source: SOURCES.nishioDensIssue197,
    confidence: 'L',
  },
  {
    template: `${DC_REPO}/browse/{path*}`,
    cloud: `${CLOUD_REPO}/src/{at}/{path}`,
    note: 'Cloud wants the revision in the path (/src/{commit}/{path}); HEAD is the main branch.',
    source: SOURCES.nishioDensIssue197,
    confidence: 'L',
  },
  {
    template: `${DC_REPO}/raw/{path*}`,
    cloud: `${CLOUD_REPO}/src/{at}/{path}`,
    note: 'Cloud wants the revision in the path (/src/{commit}/{path}); HEAD is the main branch.',
    source: SOURCES.nishioDensIssue197,
    confidence: 'L',
  },
  {
    template: `${DC_REPO}/pull-requests`,
    cloud: `${CLOUD_REPO}/pullrequests`,
    source: SOURCES.nishioDensIssue197,
    confidence: 'L',
  },
  {
    template: `${DC_REPO}/pull-requests/{id}`,
    cloud: `${CLOUD_REPO}/pullrequests/{id}`,
    source: SOURCES.nishioDensIssue197,
    confidence: 'L',
  },
  {
    template: `${DC_REPO}/pull-requests/{id}/{rest*}`,
    cloud: `${CLOUD_REPO}/pullrequests/{id}/{rest}`,
    note: 'Sub-resources differ between the products (e.g. DC activities vs Cloud activity); check the 2.0 reference.',
    source: SOURCES.nishioDensIssue197,
    confidence: 'U',
  },
  {
    template: '/projects/{key}/repos',
    cloud: '/2.0/repositories/{workspace}?q=project.key="{key}"',
    source: SOURCES.nishioDensIssue197,
    confidence: 'U',
  },
  {
    template: '/projects/{key}',
    cloud: '/2.0/workspaces/{workspace}/projects/{key}',
    note: 'Cloud projects live inside a workspace.',
    source: SOURCES.nishioDensIssue197,
    confidence: 'L',
  },
  {
    template: '/projects',
    cloud: '/2.0/workspaces/{workspace}/projects',
    source: SOURCES.nishioDensIssue197,
    confidence: 'L',
  },
  {
    template: '/repos',
    cloud: '/2.0/repositories/{workspace}',
    source: SOURCES.nishioDensIssue197,
    confidence: 'L',
  },
  {
    template: '/users',
    cloud: '/2.0/workspaces/{workspace}/members',
    source: SOURCES.nishioDensIssue197,
    confidence: 'U',
  },
  {
    template: '/application-properties',
    note:
      'Data Center clients call this to read X-AUSERNAME ("who am I"). On Cloud, ask GET /2.0/user ' +
      '(user credentials) instead.',
    source: DOCS.dataCenterBasicAuth,
    confidence: 'M',
  },
];

export interface DataCenterPath {
  /** The Cloud 2.0 call for the same resource, with placeholders such as {workspace}. */
  readonly cloudEquivalent?: string;
  readonly note: string;
  /**
   * `/rest/api/1.0/...`, another `/rest/<plugin>/<version>/...` Data Center API, or a Server-style
   * `/projects/{KEY}/repos/{slug}` path without the `/rest/api/1.0` prefix (§9.17).
   */
  readonly kind: 'rest-api' | 'rest-plugin' | 'server-style';
  readonly source: string;
  readonly confidence: Confidence;
}

/**
 * §8 [H]: the REST base is `https://{host}[/{context}]/rest/api/1.0/...`; a context path may have
 * several segments (`/org/team/rest/api/1.0/...`), so any prefix is allowed.
 */
const DC_REST = /^((?:\/[^/]+)*?)\/rest\/([^/]+)\/(1\.0|latest)(\/.*)?$/;
/** §9.17 [M]: "Server-style projects/{KEY}/repos/{slug} on Cloud (atlassian-python-api #633)". */
const SERVER_STYLE = /^\/projects\/[^/]+\/repos\/[^/]+(?:\/.*)?$/;

/**
 * Recognises a Data Center REST path (`/rest/api/1.0/...`, `/rest/api/latest/...`, behind any
 * context path such as `/bitbucket`, other `/rest/<plugin>/1.0/...` APIs, and the Server-style
 * `/projects/{KEY}/repos/{slug}` without the prefix) and gives the Cloud equivalent when one is
 * known.
 */
export function dataCenterPath(pathWithQuery: string): DataCenterPath | undefined {
  const target = splitTarget(pathWithQuery);
  const serverStyle = SERVER_STYLE.test(target.path);
  const match = serverStyle ? ['', '', 'api', '', target.path] : DC_REST.exec(target.path);
  if (match === null) return undefined;
  const [, , api = '', , rest = ''] = match;
  const general =
    'This is a Bitbucket Data Center (Server) REST path; Bitbucket Cloud answers it with 404 or 401. ' +
    "Cloud's API is https://api.bitbucket.org/2.0/...";
  if (api !== 'api') {
    return {
      kind: 'rest-plugin',
      note: `${general} (/rest/${api}/... has no one-to-one Cloud path.)`,
      source: SOURCES.nishioDensIssue197,
      confidence: 'M',
    };
  }
  const found = bestMatch(DATA_CENTER_MAP, rest === '' ? '/' : rest.replace(/(.)\/$/, '$1'));
  if (found === undefined) {
    return { kind: 'rest-api', note: general, source: SOURCES.nishioDensIssue197, confidence: 'M' };
  }
  const { entry, params } = found;
  const usesProject = entry.template.includes('{key}') && entry.cloud?.includes('{workspace}');
  const notes = [general, entry.note, usesProject === true ? PROJECT_KEY_NOTE : undefined].filter(
    (part): part is string => part !== undefined,
  );
  const result = {
    kind: serverStyle ? ('server-style' as const) : ('rest-api' as const),
    note: notes.join(' '),
    source: entry.source,
    confidence: entry.confidence,
  };
  if (entry.cloud === undefined) return result;
  const at = target.params.get('at')?.replace(/^refs\/(?:heads|tags)\//, '');
  const values = { ...params, at: at === undefined || at === '' ? 'HEAD' : encodeSegment(at) };
  return { ...result, cloudEquivalent: cleanPath(fillTemplate(entry.cloud, values)) };
}
