/**
 * Telling Bitbucket Data Center (Server) from Cloud by its answers (bitbucket-auth.md §8, §10.1).
 * It matters because the two products read a 401 differently: on Cloud a 401 means bad or
 * unsupported credentials; on Data Center a 401 *with* X-AUSERNAME means "authenticated, but not
 * permitted" (AuthorisationException), and a CAPTCHA lock also answers 401. Sending a locked DC
 * account more attempts keeps it locked, so the doctor must notice and stop.
 */
import type { Sourced } from './fact.js';
import { headerValue, parseErrorBody } from './signatures.js';
import { SOURCES } from './sources.js';

export interface DataCenterMarker extends Sourced {
  readonly id: string;
  /** A header (by lower-case name) whose value matches, or a body pattern. */
  readonly header?: { readonly name: string; readonly pattern: RegExp };
  readonly body?: RegExp;
  readonly description: string;
  /** False for markers that show a CAPTCHA lock without proving the product. */
  readonly provesDataCenter: boolean;
  readonly captcha: boolean;
}

export const DATA_CENTER_MARKERS: readonly DataCenterMarker[] = [
  {
    // GCM: "Identify Bitbucket on-prem instances ... using the Atlassian specific header X-AREQUESTID".
    id: 'x-arequestid',
    header: { name: 'x-arequestid', pattern: /\S/ },
    description: 'X-AREQUESTID header (Atlassian on-premises request id)',
    provesDataCenter: true,
    captcha: false,
    source: SOURCES.gcmHostProvider,
    confidence: 'H',
  },
  {
    id: 'x-ausername',
    header: { name: 'x-ausername', pattern: /\S/ },
    description: 'X-AUSERNAME header (the authenticated Data Center user)',
    provesDataCenter: true,
    captcha: false,
    source: SOURCES.dataCenter401Headers,
    confidence: 'H',
  },
  {
    id: 'x-auserid',
    header: { name: 'x-auserid', pattern: /\S/ },
    description: 'X-AUSERID header',
    provesDataCenter: true,
    captcha: false,
    source: SOURCES.dataCenter401Headers,
    confidence: 'H',
  },
  {
    id: 'x-asessionid',
    header: { name: 'x-asessionid', pattern: /\S/ },
    description: 'X-ASESSIONID header',
    provesDataCenter: true,
    captcha: false,
    source: SOURCES.dataCenter401Headers,
    confidence: 'H',
  },
  {
    id: 'x-asen',
    header: { name: 'x-asen', pattern: /\S/ },
    description: 'X-ASEN header',
    provesDataCenter: true,
    captcha: false,
    source: SOURCES.dataCenter401Headers,
    confidence: 'H',
  },
  {
    id: 'realm-atlassian-bitbucket',
    header: { name: 'www-authenticate', pattern: /realm="Atlassian Bitbucket"/i },
    description: 'WWW-Authenticate with realm="Atlassian Bitbucket"',
    provesDataCenter: true,
    captcha: false,
    source: SOURCES.gcmHostProvider,
    confidence: 'H',
  },
  {
    id: 'bitbucket-exception',
    body: /"exceptionName"\s*:\s*"com\.atlassian\.bitbucket\./,
    description: 'an {"errors":[...]} body with a com.atlassian.bitbucket exceptionName',
    provesDataCenter: true,
    captcha: false,
    source: SOURCES.dataCenter401Headers,
    confidence: 'H',
  },
  {
    id: 'captcha-body',
    body: /CaptchaRequiredAuthenticationException|CAPTCHA required/i,
    description: 'a "CAPTCHA required" answer (the account is locked)',
    provesDataCenter: true,
    captcha: true,
    source: SOURCES.stashnotifierIssue263,
    confidence: 'H',
  },
  {
    // Jira/Confluence (Seraph) send this; no source shows Bitbucket DC doing so [U].
    id: 'captcha-denied-reason',
    header: { name: 'x-authentication-denied-reason', pattern: /CAPTCHA/i },
    description: 'X-Authentication-Denied-Reason: CAPTCHA_CHALLENGE (a Jira/Confluence header)',
    provesDataCenter: false,
    captcha: true,
    source: SOURCES.jiraPluginIssue26,
    confidence: 'U',
  },
];

export interface DataCenterDetection {
  readonly isDataCenter: boolean;
  /** Human-readable descriptions of the markers found, in the order of DATA_CENTER_MARKERS. */
  readonly evidence: string[];
  /** X-AUSERNAME: who Data Center authenticated the request as. */
  readonly authenticatedAs?: string;
  /** The account is locked behind a CAPTCHA: stop sending credentials. */
  readonly captcha: boolean;
  /** `errors[0].exceptionName` of a Data Center error body. */
  readonly exceptionName?: string;
  readonly explanation?: string;
}

/**
 * Looks for Data Center markers in a response. Pure; never throws. A 401 with X-AUSERNAME means
 * authenticated-but-not-permitted; without it, not authenticated (§8).
 */
export function detectDataCenter(response: {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}): DataCenterDetection {
  const found = DATA_CENTER_MARKERS.filter((marker) => {
    if (marker.header !== undefined) {
      const value = headerValue(response.headers, marker.header.name);
      return value !== undefined && marker.header.pattern.test(value);
    }
    return marker.body?.test(response.body) ?? false;
  });
  const isDataCenter = found.some((marker) => marker.provesDataCenter);
  const captcha = found.some((marker) => marker.captcha);
  const user = headerValue(response.headers, 'x-ausername')?.trim();
  const authenticatedAs = user === undefined || user === '' ? undefined : user;
  const parsed = parseErrorBody(response.body);
  const exceptionName = parsed.shape === 'data-center' ? parsed.exceptionName : undefined;
  const explanation = explain({
    status: response.status,
    isDataCenter,
    captcha,
    authenticatedAs,
    exceptionName,
  });
  return {
    isDataCenter,
    evidence: found.map((marker) => marker.description),
    ...(authenticatedAs === undefined ? {} : { authenticatedAs }),
    captcha,
    ...(exceptionName === undefined ? {} : { exceptionName }),
    ...(explanation === undefined ? {} : { explanation }),
  };
}

function explain(facts: {
  status: number;
  isDataCenter: boolean;
  captcha: boolean;
  authenticatedAs: string | undefined;
  exceptionName: string | undefined;
}): string | undefined {
  if (facts.captcha) {
    return (
      'The account is locked behind a CAPTCHA after too many failed logins; until it is solved even ' +
      'the right password fails. Log in through the browser and solve the CAPTCHA (log out first if ' +
      'already logged in), and stop any job that keeps retrying bad credentials.'
    );
  }
  if (!facts.isDataCenter) return undefined;
  if (facts.status === 401 && facts.authenticatedAs !== undefined) {
    return (
      `Authenticated as ${facts.authenticatedAs}, but not permitted: Bitbucket Data Center answers 401 ` +
      '(not 403) when the user or token lacks permission on the project or repository. The ' +
      'credentials work; ask for access, or use a token with the right permission.'
    );
  }
  if (facts.status === 401) {
    const wrongPassword = facts.exceptionName?.includes('IncorrectPassword') === true;
    return (
      (wrongPassword
        ? 'Data Center rejected the username or password.'
        : 'Data Center did not authenticate the request (no X-AUSERNAME came back).') +
      ' Project and repository HTTP access tokens work only as Bearer, never with a username in ' +
      'Basic. Repeated failures lock the account behind a CAPTCHA.'
    );
  }
  return (
    'This is Bitbucket Data Center (Server), not Bitbucket Cloud: its REST API is ' +
    '/rest/api/1.0/... and it has its own credentials (username/password, HTTP access tokens).' +
    (facts.authenticatedAs === undefined ? '' : ` Authenticated as ${facts.authenticatedAs}.`)
  );
}

// ---------------------------------------------------------------------------------------------
// Data Center REST, credentials and paths (contract.md, "Bitbucket Data Center (Server)"; §8, §12.3)
// ---------------------------------------------------------------------------------------------

/** The REST root below a Data Center base URL (with its context path, if any). */
export const DC_REST_ROOT = '/rest/api/1.0';

/** Anonymous, and it names the version (§8): `{"version","buildNumber","displayName":"Bitbucket"}`. */
export const DC_APPLICATION_PROPERTIES = `${DC_REST_ROOT}/application-properties`;

/** A user's own profile: an authenticated answer carries X-AUSERNAME (§8). */
export const dcUserPath = (slug: string): string =>
  `${DC_REST_ROOT}/users/${encodeURIComponent(slug)}`;

/** A repository: `/rest/api/1.0/projects/{KEY}/repos/{slug}` (a personal project is `~user`). */
export const dcRepoPath = (key: string, slug: string): string =>
  `${DC_REST_ROOT}/projects/${encodeURIComponent(key)}/repos/${encodeURIComponent(slug)}`;

/** A base URL given with its REST root (`…/rest/api/1.0`, `…/rest/api/latest`): the root removed. */
export const withoutRestRoot = (url: string): string =>
  url.replace(/\/rest\/api\/(?:1\.0|latest)\/?$/u, '');

/** `BBDC-` + 40–50 characters: an HTTP access token of 8.x and later (§12.3 [M]). */
export const isDcHttpToken = (secret: string): boolean =>
  /^BBDC-[A-Za-z0-9+/=_-]{40,50}$/u.test(secret);

/** A Bitbucket Cloud credential by its prefix (API token, app password, access token; §12.3). */
export const isCloudSecret = (secret: string): boolean => /^(?:ATATT|ATBB|ATCTT)/u.test(secret);

/** A URL's path below a Data Center base (its context path removed, when it has it). */
export const pathBelowBase = (url: string, base: string): string => {
  const basePath = new URL(base).pathname.replace(/\/+$/u, '');
  const path = new URL(url).pathname;
  return path.startsWith(basePath) ? path.slice(basePath.length) : path;
};

/** Tokens work only below /rest and /scm since 8.9.22, 8.19.12 and 9.3.2 (§8, access-tokens KB). */
export const isTokenPath = (path: string): boolean => /^\/(?:rest|scm)(?:\/|$)/u.test(path);

/** A Cloud API path (`/2.0/...`, `/1.0/...`) below a Data Center base: CLOUD_PATH_ON_DC. */
export const cloudPathOnDc = (path: string): boolean => /^\/(?:api\/)?[12]\.0(?:\/|$)/u.test(path);

/**
 * The Data Center REST path for a Cloud one, where the shape maps (§8): the project key for the
 * workspace, `repos` for the repository, the rest of the path unchanged.
 */
export const dcReplacement = (path: string): string | undefined => {
  const m = /^\/(?:api\/)?2\.0\/repositories\/([^/]+)(?:\/([^/?]+)(\/[^?]*)?)?/u.exec(path);
  if (m === null) return undefined;
  const key = decodeURIComponent(m[1] ?? '').toUpperCase();
  if (m[2] === undefined) return `${DC_REST_ROOT}/projects/${key}/repos`;
  return `${dcRepoPath(key, decodeURIComponent(m[2]))}${m[3] ?? ''}`;
};

/** A Data Center version answer (application-properties), if the body is one. */
export const dcVersionOf = (body: string): string | undefined => {
  try {
    const parsed = JSON.parse(body) as { version?: unknown; displayName?: unknown };
    return typeof parsed.version === 'string' ? parsed.version : undefined;
  } catch {
    return undefined;
  }
};

/** Basic switched off (7.12+, the 10.x default): 403 to any Basic request (§8, §12.3). */
export const BASIC_DISABLED_BODY = /Basic Authentication has been disabled/iu;

/** The header naming the user Data Center authenticated (§8). */
export const DC_USER_HEADER = 'X-AUSERNAME';

/**
 * An admin clears a user's CAPTCHA (contract.md DC_CAPTCHA_REQUIRED; KB "How to identify and reset
 * all the users blocked by CAPTCHA"): the base is what comes before /rest/ in a Data Center URL.
 */
export const captchaResetCommand = (url: string, username: string): string | undefined => {
  const rest = url.indexOf('/rest/');
  if (rest < 0) return undefined;
  return `curl -u "$ADMIN_USER" -X DELETE '${url.slice(0, rest)}${DC_REST_ROOT}/admin/users/captcha?name=${encodeURIComponent(username)}'`;
};
