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
