/**
 * Small path helpers shared by endpoints.ts and api-versions.ts (internal: not re-exported by
 * index.ts). Callers give a path with its query (`/2.0/user?fields=x`), a trailing slash, or a
 * whole URL; every table in src/knowledge/ is keyed by the bare path.
 */

export interface SplitTarget {
  /**
   * The path without query, fragment or one trailing slash (`/` stays `/`). Never empty. Only one
   * slash goes: `/2.0/repositories//` keeps its empty segment (an unset variable), which is "no
   * API hosted at this URL" (§3.2), not the removed `/2.0/repositories`.
   */
  readonly path: string;
  /** The query string with its `?`, or `''`. */
  readonly search: string;
  readonly params: URLSearchParams;
}

/** Splits a path-with-query or an absolute URL into path and query. Never throws. */
export function splitTarget(pathWithQuery: string): SplitTarget {
  let raw = pathWithQuery.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    try {
      const url = new URL(raw);
      raw = url.pathname + url.search;
    } catch {
      // Not a parsable URL: drop the scheme and authority by hand.
      raw = raw.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
    }
  }
  const hash = raw.indexOf('#');
  if (hash >= 0) raw = raw.slice(0, hash);
  const question = raw.indexOf('?');
  let path = question >= 0 ? raw.slice(0, question) : raw;
  const search = question >= 0 ? raw.slice(question) : '';
  if (!path.startsWith('/')) path = `/${path}`;
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return { path, search: search === '?' ? '' : search, params: new URLSearchParams(search) };
}

/**
 * Removes the website-style prefixes `/!api` and `/api` in front of `/1.0` or `/2.0` (§6: v1 lived
 * at bitbucket.org/api/1.0; §9.17: `bitbucket.org/!api/2.0/...`). Returns the prefix found.
 */
export function stripApiPrefix(path: string): { readonly path: string; readonly prefix: string } {
  const match = /^(\/!api|\/api)(?=\/(?:1\.0|2\.0)(?:\/|$))/.exec(path);
  if (match?.[1] === undefined) return { path, prefix: '' };
  return { path: path.slice(match[1].length), prefix: match[1] };
}

/**
 * Matches a path against a template such as `/2.0/repositories/{workspace}/{repo_slug}`.
 * `{name}` matches one non-empty segment; `{name*}` (last only) matches the rest, possibly empty.
 * Returns the parameters, or undefined.
 */
export function matchTemplate(
  template: string,
  path: string,
): Readonly<Record<string, string>> | undefined {
  const want = template.split('/');
  const got = path.split('/');
  const params: Record<string, string> = {};
  for (const [index, part] of want.entries()) {
    const rest = /^\{(\w+)\*\}$/.exec(part);
    if (rest?.[1] !== undefined) {
      params[rest[1]] = got.slice(index).join('/');
      return params;
    }
    const segment = got[index];
    if (segment === undefined) return undefined;
    const param = /^\{(\w+)\}$/.exec(part);
    if (param?.[1] !== undefined) {
      if (segment === '') return undefined;
      params[param[1]] = segment;
    } else if (segment !== part) {
      return undefined;
    }
  }
  return got.length === want.length ? params : undefined;
}

/** How many literal (non-parameter) segments a template has: more literal = more specific. */
export function literalSegments(template: string): number {
  return template.split('/').filter((part) => part !== '' && !part.startsWith('{')).length;
}

/** The `{name}` placeholders of a template that `params` does not fill. */
export function missingParams(
  template: string,
  params: Readonly<Record<string, string>>,
): string[] {
  return [...template.matchAll(/\{(\w+)\*?\}/g)]
    .map((m) => m[1] ?? '')
    .filter((name) => params[name] === undefined);
}

/** Fills `{name}` placeholders from `params`; unknown ones stay as they are. */
export function fillTemplate(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\*?\}/g, (whole, name: string) => params[name] ?? whole);
}

/**
 * A URL in pieces, each exactly as typed: WHATWG `URL` would percent-encode `$`, `{` and `~` and
 * drop dot segments and trailing slashes, which changes what the user wrote. The same shape as
 * intake's `UrlParts`.
 */
export interface UrlText {
  /** Lower-case scheme without `://`; absent when the URL has none. */
  scheme?: string;
  userinfo?: string;
  host: string;
  port?: string;
  /** `''` when there is none. */
  path: string;
  /** Without the `?`. */
  query?: string;
  fragment?: string;
}

const URL_TEXT =
  /^(?:([A-Za-z][A-Za-z0-9+.-]*):\/\/)?([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#([\s\S]*))?$/;

/** Splits a URL as typed; never throws. */
export function splitUrlText(url: string): UrlText {
  const m = URL_TEXT.exec(url.trim());
  if (m === null) return { host: '', path: url };
  const [, scheme, authority = '', path = '', query, fragment] = m;
  const at = authority.lastIndexOf('@');
  const hostPort = at >= 0 ? authority.slice(at + 1) : authority;
  const hp = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(hostPort);
  const parts: UrlText = { host: hp?.[1] ?? hostPort, path };
  if (scheme !== undefined) parts.scheme = scheme.toLowerCase();
  if (at >= 0) parts.userinfo = authority.slice(0, at);
  if (hp?.[2] !== undefined && hp[2] !== '') parts.port = hp[2];
  if (query !== undefined) parts.query = query;
  if (fragment !== undefined) parts.fragment = fragment;
  return parts;
}

/** The inverse of `splitUrlText`. */
export function joinUrlText(parts: UrlText): string {
  return (
    (parts.scheme === undefined ? '' : `${parts.scheme}://`) +
    (parts.userinfo === undefined ? '' : `${parts.userinfo}@`) +
    parts.host +
    (parts.port === undefined ? '' : `:${parts.port}`) +
    parts.path +
    (parts.query === undefined ? '' : `?${parts.query}`) +
    (parts.fragment === undefined ? '' : `#${parts.fragment}`)
  );
}

/**
 * Workspace and repo slug from an API path (§3.1: Cloud 1.0/2.0 `/repositories/{ws}/{slug}`, the
 * 2.0 workspace paths; §8: Data Center `/rest/api/1.0/projects/{KEY}/repos/{slug}` gives the slug
 * only, the project key is not a workspace).
 */
export const targetFromPath = (url: string): { workspace?: string; repo?: string } => {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return {};
  }
  const cloud = /\/(?:!api\/|api\/)?(?:2\.0|1\.0)\/repositories\/([^/]+)(?:\/([^/]+))?/u.exec(path);
  if (cloud !== null) {
    const workspace = decodeURIComponent(cloud[1] ?? '');
    const repo = cloud[2] === undefined ? undefined : decodeURIComponent(cloud[2]);
    return { ...(workspace === '' ? {} : { workspace }), ...(repo === undefined ? {} : { repo }) };
  }
  const ws = /\/2\.0\/workspaces\/([^/]+)/u.exec(path);
  if (ws?.[1] !== undefined) return { workspace: decodeURIComponent(ws[1]) };
  // Data Center: the project key stands in the workspace's place (contract.md, "Target on Data
  // Center"): /rest/api/{1.0|latest}/projects/{KEY}/repos/{slug}/...
  const dc = /\/rest\/api\/(?:1\.0|latest)\/projects\/([^/]+)(?:\/repos\/([^/]+))?/u.exec(path);
  if (dc?.[1] !== undefined)
    return {
      workspace: decodeURIComponent(dc[1]),
      ...(dc[2] === undefined ? {} : { repo: decodeURIComponent(dc[2]) }),
    };
  return {};
};
