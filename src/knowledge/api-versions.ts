/**
 * What is wrong with a target URL, and the one correction of it (bitbucket-auth.md §1.1, §1.5,
 * §3.3, §3.7, §6, §8, §9.17): plain HTTP, a secret in the URL, the website host or prefix instead
 * of the API, a removed API 1.0 path, a removed 2.0 endpoint, a Data Center path sent to Cloud.
 * A 410 or a wrong host is never a credentials problem: this module lets the doctor say so before
 * anyone rotates a token.
 *
 * Every problem carries its fix as data (`UrlEdit`). The corrected URL is those edits applied in
 * order to the URL exactly as typed, by `correctedUrl` here and by the curl rules' fixes alike,
 * so the report shows one corrected call, never two. The path tables are in api-paths.ts.
 */
import type { FindingCode } from '../types.js';
import { dataCenterPath, isV1Path, removedEndpoint, v1Replacement } from './api-paths.js';
import { CLOUD_URLS, DOCS } from './docs.js';
import type { Confidence } from './fact.js';
import { joinUrlText, splitUrlText, stripApiPrefix, type UrlText } from './paths.js';
import { SOURCES } from './sources.js';
import {
  CLOUD_HOSTS,
  WEBSITE_HOSTS,
  GIT_USERNAMES,
  isCloudHost,
  OAUTH_PARAMS,
  OAUTH_PATHS,
  SECRET_PARAMETERS,
} from './wire.js';

export * from './api-paths.js';

export interface UrlOrigin {
  readonly scheme: string;
  readonly host: string;
  readonly port?: string;
}

/** One mechanical fix of a URL, applied to its text as typed (`applyUrlEdit`). */
export interface UrlEdit {
  readonly https?: true;
  /** Another scheme, host and port: where the API or the OAuth endpoints live. */
  readonly origin?: UrlOrigin;
  readonly dropUserinfo?: true;
  /** Query parameters to remove (names, any case). */
  readonly dropParams?: readonly string[];
  /** A new path; the query stays. */
  readonly path?: string;
  /** A new path and query (`/2.0/...?role=member`); the call's query is replaced. */
  readonly target?: string;
  /** The result holds a placeholder such as `{workspace}`: advice to show, not a URL to send. */
  readonly placeholder?: true;
}

export type UrlProblemKind =
  | 'plain-http'
  | 'secret-in-userinfo'
  | 'secret-in-query'
  | 'website-host'
  | 'website-prefix'
  | 'oauth-on-api-host'
  | 'unversioned-path'
  | 'api-v1'
  | 'removed-endpoint'
  | 'data-center-path';

export interface UrlProblem {
  readonly code: FindingCode;
  readonly kind: UrlProblemKind;
  /** One line; never contains the secret it warns about. */
  readonly summary: string;
  /** `warn`: the documented x-token-auth form of a URL with a secret (contract.md, SECRET_IN_URL). */
  readonly severity: 'fail' | 'warn';
  readonly edit?: UrlEdit;
  /** The URL with this one problem fixed (secrets removed), when a fix is known. */
  readonly replacementUrl?: string;
  /** For secret-in-query: the secret parameters found (names only). */
  readonly params?: readonly string[];
  readonly source: string;
  readonly confidence: Confidence;
}

export interface UrlClassification {
  readonly product: 'cloud' | 'data-center' | 'unknown';
  /** `api`: the API host; `website`: the website host; `other`: anything else. */
  readonly host: 'api' | 'website' | 'other';
  /** In causal order: transport, secrets, host, then path. */
  readonly problems: UrlProblem[];
  /**
   * The URL with every fix that yields a concrete URL applied, as typed otherwise (no secret
   * parameter, no userinfo): what the corrected command and the corrected replay send.
   */
  readonly correctedUrl?: string;
  /** Every fix applied, placeholders (`{workspace}`) included: the advice to show. */
  readonly adviceUrl?: string;
}

/** Which hosts count as what (the simulator and test servers stand in for Cloud). */
export interface UrlOptions {
  /** The API base of the run (`--api-url`): its host counts as the Cloud API. */
  readonly apiUrl?: string;
  /** The OAuth base (`--auth-url`): its host counts as the website when it differs from the API's. */
  readonly authUrl?: string;
  /** More hosts known to be Bitbucket Cloud (e.g. they answered like it). */
  readonly cloudHosts?: readonly string[];
}

/** First segments of 2.0 resources: on the API host without /2.0 they answer 403 (§3.3). */
const UNVERSIONED_RESOURCES: ReadonlySet<string> = new Set([
  'user',
  'users',
  'repositories',
  'workspaces',
  'teams',
  'snippets',
  'pullrequests',
  'hook_events',
]);

const CLOUD_API: UrlOrigin = { scheme: 'https', host: CLOUD_HOSTS.api };
const CLOUD_AUTH: UrlOrigin = { scheme: 'https', host: new URL(CLOUD_URLS.authBase).host };

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    /^127(?:\.\d{1,3}){3}$/.test(host) ||
    host === '0:0:0:0:0:0:0:1'
  );
}

function originOf(url: string | undefined): UrlOrigin | undefined {
  if (url === undefined) return undefined;
  const parts = splitUrlText(url);
  if (parts.scheme === undefined || parts.host === '') return undefined;
  const origin = { scheme: parts.scheme, host: parts.host.toLowerCase() };
  return parts.port === undefined ? origin : { ...origin, port: parts.port };
}

interface Roles {
  readonly api: ReadonlySet<string>;
  readonly website: ReadonlySet<string>;
  readonly cloud: ReadonlySet<string>;
  readonly apiOrigin?: UrlOrigin;
  readonly authOrigin?: UrlOrigin;
}

function rolesOf(options: UrlOptions): Roles {
  const apiOrigin = originOf(options.apiUrl);
  const authOrigin = originOf(options.authUrl);
  const api = new Set<string>([CLOUD_HOSTS.api]);
  const website = new Set<string>(WEBSITE_HOSTS);
  // One host serving both (the simulator) is neither: nothing there is on the wrong host.
  if (apiOrigin !== undefined && apiOrigin.host !== authOrigin?.host) api.add(apiOrigin.host);
  if (authOrigin !== undefined && authOrigin.host !== apiOrigin?.host) website.add(authOrigin.host);
  const cloud = new Set<string>([
    ...api,
    ...website,
    ...[apiOrigin?.host, authOrigin?.host].filter((h): h is string => h !== undefined),
    ...(options.cloudHosts ?? []).map((h) => h.toLowerCase()),
  ]);
  return {
    api,
    website,
    cloud,
    ...(apiOrigin === undefined ? {} : { apiOrigin }),
    ...(authOrigin === undefined ? {} : { authOrigin }),
  };
}

function paramName(pair: string): string {
  const raw = pair.split('=', 1)[0] ?? '';
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}

/** Applies one fix to a URL in pieces (as typed); returns a new object. */
export function applyUrlEdit<T extends UrlText>(parts: T, edit: UrlEdit): T {
  const next: T = { ...parts };
  if (edit.https === true) next.scheme = 'https';
  if (edit.origin !== undefined) {
    next.scheme = edit.origin.scheme;
    next.host = edit.origin.host;
    if (edit.origin.port === undefined) delete next.port;
    else next.port = edit.origin.port;
  }
  if (edit.dropUserinfo === true) delete next.userinfo;
  if (edit.dropParams !== undefined && next.query !== undefined) {
    const drop = new Set(edit.dropParams.map((name) => name.toLowerCase()));
    const kept = next.query.split('&').filter((p) => p !== '' && !drop.has(paramName(p)));
    if (kept.length > 0) next.query = kept.join('&');
    else delete next.query;
  }
  if (edit.path !== undefined) next.path = edit.path;
  if (edit.target !== undefined) {
    const at = edit.target.indexOf('?');
    next.path = at < 0 ? edit.target : edit.target.slice(0, at);
    if (at < 0) delete next.query;
    else next.query = edit.target.slice(at + 1);
  }
  return next;
}

/** A URL as shown to the user: never a secret parameter or userinfo. */
const shown = (parts: UrlText): string =>
  joinUrlText(applyUrlEdit(parts, { dropUserinfo: true, dropParams: SECRET_PARAMETERS }));

type Problem = Omit<UrlProblem, 'replacementUrl' | 'severity'> & { severity?: 'warn' };

/**
 * What is wrong with a target URL, before (or without) sending it. Path problems (API 1.0,
 * removed endpoints, `/!api/`) are found on any host, so that the local simulator gets the same
 * diagnosis as bitbucket.org; a Data Center path only on a Cloud host (on a Data Center server it
 * is that server's current API, §8); website-host problems only on website hosts; plain HTTP is
 * fine on loopback. Never throws.
 */
export function classifyUrl(url: string, options: UrlOptions = {}): UrlClassification {
  const original = splitUrlText(url);
  if (original.host === '' || (original.scheme !== 'http' && original.scheme !== 'https')) {
    return { product: 'unknown', host: 'other', problems: [] };
  }
  const host = original.host.toLowerCase().replace(/\.$/, '');
  const roles = rolesOf(options);
  const role = roles.api.has(host) ? 'api' : roles.website.has(host) ? 'website' : 'other';
  const cloudHost = isCloudHost(host) || roles.cloud.has(host);
  // Where a fix moves the call: Cloud's own hosts, else the run's --api-url / --auth-url.
  const toApi = isCloudHost(host) ? CLOUD_API : (roles.apiOrigin ?? CLOUD_API);
  const toAuth = isCloudHost(host) ? CLOUD_AUTH : (roles.authOrigin ?? CLOUD_AUTH);
  const path = original.path === '' ? '/' : original.path;
  const search = original.query === undefined ? '' : `?${original.query}`;
  const found: Problem[] = [];

  // 1. Transport.
  if (original.scheme === 'http' && !isLoopback(host)) {
    found.push({
      code: 'INSECURE_HTTP',
      kind: 'plain-http',
      summary:
        'The URL uses plain http://: credentials would cross the network unencrypted. Use https://.',
      edit: { https: true },
      source: DOCS.restIntro,
      confidence: 'H',
    });
  }

  // 2. Secrets in the URL (contract.md SECRET_IN_URL; the fixes drop them, never echo them).
  const colon = original.userinfo?.indexOf(':') ?? -1;
  if (original.userinfo !== undefined && colon >= 0 && colon < original.userinfo.length - 1) {
    const username = original.userinfo.slice(0, colon);
    found.push({
      code: 'SECRET_IN_URL',
      kind: 'secret-in-userinfo',
      summary:
        'The URL carries a password in user:password@host: URLs end up in logs and histories. Pass ' +
        'credentials with curl -u or an Authorization header.',
      ...(username === GIT_USERNAMES.accessToken ? { severity: 'warn' as const } : {}),
      edit: { dropUserinfo: true },
      source: DOCS.authMethods,
      confidence: 'H',
    });
  }
  const names = (original.query ?? '')
    .split('&')
    .filter((p) => p !== '')
    .map(paramName);
  const secrets = SECRET_PARAMETERS.filter((name) => names.includes(name));
  if (secrets.length > 0) {
    const token = secrets.includes(OAUTH_PARAMS.accessToken);
    found.push({
      code: 'SECRET_IN_URL',
      kind: 'secret-in-query',
      summary: token
        ? 'The URL carries access_token= in its query: Bitbucket rejects tokens in the query since ' +
          '2026-05-04 (and URLs end up in logs). Send it as "Authorization: Bearer <token>".'
        : `The URL carries a secret in its query (${secrets.join(', ')}=): URLs end up in logs and histories. Send secrets in headers or the form body.`,
      edit: { dropParams: SECRET_PARAMETERS },
      params: secrets,
      source: DOCS.oauthChanges2026,
      confidence: token ? 'H' : 'M',
    });
  }

  // 3. Host and prefix (§1.1, §3.3, §9.17).
  const { path: unprefixed, prefix } = stripApiPrefix(path);
  const isApiPath = /^\/2\.0(?:\/|$)/.test(unprefixed);
  if (role === 'website' && isApiPath) {
    found.push({
      code: 'WRONG_HOST',
      kind: 'website-host',
      summary: `The API is on ${toApi.host}, not ${host} (the website): use ${toApi.scheme}://${toApi.host}${unprefixed}.`,
      edit: { origin: toApi, path: unprefixed },
      source: DOCS.apiHostAnswer,
      confidence: 'H',
    });
  } else if (prefix !== '' && isApiPath) {
    // "/!api/2.0" (FTPbucket PR #30: the 401 went away without the "!") and "/api/2.0" (the
    // website's prefix of API 1.0, §6) are website routes, not the API.
    found.push({
      code: 'WRONG_HOST',
      kind: 'website-prefix',
      summary: `The ${prefix}/ prefix is a website path, not the API: drop it and call /2.0/... directly.`,
      edit: { path: unprefixed },
      source: SOURCES.ftpbucketPr30,
      confidence: 'M',
    });
  }
  if (role === 'api' && path.startsWith(OAUTH_PATHS.prefix)) {
    found.push({
      code: 'WRONG_HOST',
      kind: 'oauth-on-api-host',
      summary: `The OAuth endpoints are on ${toAuth.host}, not ${host}: use ${toAuth.scheme}://${toAuth.host}${path}.`,
      edit: { origin: toAuth },
      source: DOCS.oauth2,
      confidence: 'H',
    });
  }
  if (role === 'api' && UNVERSIONED_RESOURCES.has(path.split('/')[1] ?? '')) {
    found.push({
      code: 'WRONG_HOST',
      kind: 'unversioned-path',
      summary: `The path lacks the /2.0 version prefix (${host}${path} answers 403): use /2.0${path}.`,
      edit: { path: `/2.0${path}` },
      source: SOURCES.avivsinaiIssue70,
      confidence: 'M',
    });
  }

  // 4. Path: API 1.0, removed 2.0 endpoints (any host), Data Center paths (Cloud hosts).
  if (isV1Path(path)) {
    const v1 = v1Replacement(path + search);
    if (v1?.removed !== false) {
      const move =
        v1?.on === 'auth'
          ? role === 'api'
            ? toAuth
            : undefined
          : role === 'website'
            ? toApi
            : undefined;
      found.push({
        code: 'API_V1_REMOVED',
        kind: 'api-v1',
        summary:
          v1 === undefined
            ? 'API 1.0 was removed on 2019-04-29 (answers 410 Gone): use the API 2.0 equivalent.'
            : `API 1.0 was removed on 2019-04-29 (answers 410 Gone): use ${v1.replacement}.`,
        ...(v1 === undefined
          ? {}
          : {
              edit: {
                target: v1.replacement,
                ...(move === undefined ? {} : { origin: move }),
                ...(v1.unresolved.length > 0 ? { placeholder: true as const } : {}),
              },
            }),
        source: v1?.source ?? DOCS.v1Deprecation,
        confidence: 'H',
      });
    }
  }
  const removed = removedEndpoint('GET', unprefixed + search);
  if (removed !== undefined) {
    const replacement = removed.replacement;
    found.push({
      code: 'ENDPOINT_REMOVED',
      kind: 'removed-endpoint',
      summary:
        `The endpoint ${removed.endpoint} was removed (${removed.change})` +
        (replacement === undefined ? '.' : `: use ${replacement}.`),
      ...(replacement === undefined
        ? {}
        : {
            edit: {
              target: replacement,
              ...(role === 'website' ? { origin: toApi } : {}),
              ...(removed.unresolved.length > 0 ? { placeholder: true as const } : {}),
            },
          }),
      source: removed.source,
      confidence: removed.confidence,
    });
  }
  const dc = dataCenterPath(path + search);
  if (dc !== undefined && cloudHost) {
    const equivalent = dc.cloudEquivalent;
    found.push({
      code: 'DATA_CENTER_PATH_ON_CLOUD',
      kind: 'data-center-path',
      summary:
        'This is a Bitbucket Data Center path (/rest/api/...), which Bitbucket Cloud does not serve' +
        (equivalent === undefined ? '.' : `: the Cloud call is ${equivalent}.`),
      ...(equivalent === undefined
        ? {}
        : {
            edit: {
              target: equivalent,
              ...(role === 'website' ? { origin: toApi } : {}),
              ...(/\{\w+\}/.test(equivalent) ? { placeholder: true as const } : {}),
            },
          }),
      source: dc.source,
      confidence: dc.confidence,
    });
  }

  const problems: UrlProblem[] = found.map((problem) => ({
    ...problem,
    severity: problem.severity ?? 'fail',
    ...(problem.edit === undefined
      ? {}
      : { replacementUrl: shown(applyUrlEdit(original, problem.edit)) }),
  }));
  const edits = problems.flatMap((p) => (p.edit === undefined ? [] : [p.edit]));
  const concrete = edits.filter((edit) => edit.placeholder !== true);
  const product: UrlClassification['product'] = isCloudHost(host)
    ? 'cloud'
    : dc !== undefined
      ? 'data-center'
      : /^\/[12]\.0(?:\/|$)/.test(unprefixed) || cloudHost
        ? 'cloud'
        : 'unknown';
  return {
    product,
    host: role,
    problems,
    ...(concrete.length === 0
      ? {}
      : { correctedUrl: joinUrlText(concrete.reduce(applyUrlEdit, original)) }),
    ...(edits.length === 0 ? {} : { adviceUrl: shown(edits.reduce(applyUrlEdit, original)) }),
  };
}

/**
 * The target URL corrected: every fix that yields a concrete URL, applied in causal order to the
 * URL as typed (the URL itself when nothing applies). The one corrected URL of a run: the curl
 * rules' fixes, api-version's replacement and the corrected replay all come to this.
 */
export const correctedUrl = (url: string, options: UrlOptions = {}): string =>
  classifyUrl(url, options).correctedUrl ?? url;
