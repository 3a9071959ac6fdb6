import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import check from '../../checks/saved-exchange.js';
import { parseCapture } from '../../src/explain/parse.js';
import { makeResult } from '../../src/http/client.js';
import { credentialFromAuthorization } from '../../src/intake/input.js';
import { SIGNATURES } from '../../src/knowledge/signatures.js';
import { runChecks } from '../../src/runner.js';
import {
  type CheckReport,
  type Credential,
  type DoctorInput,
  type Exchange,
  type FailingRequest,
  FINDING_CODES,
  type FindingCode,
  type HttpClient,
} from '../../src/types.js';
import { testCheck } from '../helpers/check-tester.js';
import { makeInput } from '../helpers/context.js';

const DIR = new URL('../../fixtures/explain/', import.meta.url);
const NOW = new Date('2026-11-28T12:30:00Z');

interface FixtureEntry {
  readonly file: string;
  readonly format: string;
  readonly expectedCode: FindingCode;
  readonly exchanges: number;
  readonly failingExchange: number;
  readonly status: number;
  readonly secrets: readonly string[];
  readonly usernames?: readonly string[];
}

const INDEX = JSON.parse(readFileSync(new URL('index.json', DIR), 'utf8')) as FixtureEntry[];

/** `input.offline` as `bb-doctor explain` builds it, from a capture's text. */
const offlineOf = (text: string | Buffer, file: string): NonNullable<DoctorInput['offline']> => {
  const { format, exchanges } = parseCapture(text, file);
  return { file, format, exchanges };
};

const fixture = (file: string): NonNullable<DoctorInput['offline']> =>
  offlineOf(readFileSync(new URL(file, DIR)), file);

/**
 * The offline client of an explain run, written here on purpose (no network, no nock): a request
 * the capture holds (same method and URL) is answered with the captured exchange, which becomes
 * evidence; anything else gets an OFFLINE error.
 */
const offlineHttp =
  (capture: readonly Exchange[], asked: string[] = []) =>
  (evidence: Exchange[]): HttpClient => ({
    request: (url, options) => {
      const method = options.method ?? 'GET';
      asked.push(`${method} ${url} (${options.label})`);
      const found = capture.find(
        (e) => e.request.url === url && (e.request.method || 'GET').toUpperCase() === method,
      );
      if (found !== undefined) {
        evidence.push(found);
        return Promise.resolve(makeResult({ exchange: found, body: found.response?.body ?? '' }));
      }
      return Promise.resolve(
        makeResult({
          exchange: {
            label: options.label,
            request: { method, url, headers: {} },
            error: { code: 'OFFLINE', message: 'Not in the saved exchange.' },
            durationMs: 0,
          },
          body: '',
        }),
      );
    },
  });

/** What explain adds from the capture: the failing request and the credential of its header. */
const fromCapture = (exchanges: readonly Exchange[], file: string): Partial<DoctorInput> => {
  const failing = [...exchanges]
    .reverse()
    .find((e) => e.request.url !== '' && (e.response === undefined || e.response.status >= 400));
  if (failing === undefined) return {};
  const headers = Object.entries(failing.request.headers).map(([name, value]) => ({
    name: name === 'authorization' ? 'Authorization' : name,
    value,
    source: `capture:${file}`,
  }));
  const failingRequest: FailingRequest = {
    method: failing.request.method || 'GET',
    url: failing.request.url,
    headers,
    source: 'url',
  };
  const authorization = headers.find((h) => h.name === 'Authorization');
  const credential: Credential | undefined =
    authorization === undefined ? undefined : credentialFromAuthorization(authorization);
  return { failingRequest, credentials: credential === undefined ? [] : [credential] };
};

/** Runs the check offline through the real runner. */
const explain = async (
  offline: NonNullable<DoctorInput['offline']>,
  asked: string[] = [],
): Promise<CheckReport> => {
  const input = makeInput({ offline, ...fromCapture(offline.exchanges, offline.file) });
  const [report] = await runChecks([check], {
    input,
    httpFor: offlineHttp(offline.exchanges, asked),
    now: () => NOW,
  });
  if (report === undefined || report.status === 'error') {
    throw new Error(`check crashed: ${report?.error?.stack ?? report?.summary ?? 'no report'}`);
  }
  return report;
};

const explainText = (text: string, file = 'capture.txt'): Promise<CheckReport> =>
  explain(offlineOf(text, file));

/** The parts of a report a user or a support desk sees (evidence is redacted elsewhere). */
const visible = (report: CheckReport): string =>
  JSON.stringify([report.summary, report.data, report.details, report.remediation]);

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const basic = (user: string, secret: string): string => `Basic ${b64(`${user}:${secret}`)}`;

/** A raw HTTP capture: the request, then the response (as `raw-http`). */
const raw = (
  request: { method?: string; url: string; headers?: Record<string, string>; body?: string },
  response: { status: number; headers?: Record<string, string>; body?: string },
): string => {
  const url = new URL(request.url);
  const head = [
    `${request.method ?? 'GET'} ${url.pathname}${url.search} HTTP/1.1`,
    `Host: ${url.host}`,
    ...Object.entries(request.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
  ];
  return [
    ...head,
    '',
    ...(request.body === undefined ? [] : [request.body]),
    `HTTP/1.1 ${response.status} `,
    ...Object.entries(response.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    '',
    response.body ?? '',
    '',
  ].join('\n');
};

/** `curl -i` output without the command: a response and no request. */
const curlI = (status: number, headers: Record<string, string>, body: string): string =>
  [
    `HTTP/2 ${status} `,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    '',
    body,
    '',
  ].join('\r\n');

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };
const error = (message: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ type: 'error', error: { message, ...extra } });
const LOGIN_FAILED = [
  'Login failed due to incorrect login credentials or method.',
  'For information on authentication methods for Bitbucket Cloud APIs, visit:',
  '    https://developer.atlassian.com/cloud/bitbucket/rest/intro/#authentication',
].join('\n');
const BASIC_401 = {
  'content-type': 'text/plain',
  server: 'envoy',
  'www-authenticate': 'Basic realm="Bitbucket.org HTTP"',
  date: 'Sat, 28 Nov 2026 12:01:10 GMT',
};
const TOKEN_INVALID = error('Token is invalid, expired, or not supported for this endpoint.');
const NO_ACCESS = error(
  'You may not have access to this repository or it no longer exists in this workspace. If you think this repository exists and you have access, make sure you are authenticated.',
);

const API = 'https://api.bitbucket.org';
const REPO = `${API}/2.0/repositories/acme/secret-repo`;
const EMAIL = 'jdoe@example.com';
const API_TOKEN = 'ATATT3xFfGF0savedExchangeApiToken_0123456789abcdef=ABCD1234';
const APP_PASSWORD = 'ATBBsavedExchangeAppPassword0123456789';
const REPO_TOKEN = 'ATCTT3xFfGN0savedExchangeRepoToken=99887766';
const OPAQUE = 'opaqueOAuthTokenSavedExchange_abcdefghijklmnopqrstuvwxyz012345';
const PASSWORD = 'Winter2026!savedExchange';
const SECRETS = [API_TOKEN, APP_PASSWORD, REPO_TOKEN, OPAQUE, PASSWORD];

const expectNoSecret = (report: CheckReport, secrets: readonly string[] = SECRETS): void => {
  const shown = visible(report);
  for (const secret of secrets) {
    expect(shown).not.toContain(secret);
    expect(shown).not.toContain(b64(secret).replace(/=+$/u, ''));
  }
};

// -----------------------------------------------------------------------------------------------
// The check tester: no `input.offline` (a live run), and captures without request URLs, so that
// nothing is fetched through the tester's nock-based client.
// -----------------------------------------------------------------------------------------------

testCheck(check, [
  {
    name: 'a live run (no saved exchange): skipped',
    expected: { verdict: 'skip', summary: 'Skipped: only for bb-doctor explain.', requests: 0 },
  },
  {
    name: 'curl -i output with only a 200 and no request: pass, nothing fetched',
    input: {
      offline: offlineOf(curlI(200, JSON_TYPE, '{"username": "jdoe"}'), 'ok.curl-i.txt'),
    },
    expected: {
      verdict: 'pass',
      summary: 'The saved answer succeeded.',
      data: { format: 'curl-include', entries: [] },
      requests: 0,
    },
    assert: (report) => {
      expect(report.evidence).toEqual([]);
      expect(report.details?.join('\n')).toMatch(/no request .*not fetched as evidence/u);
    },
  },
  {
    name: 'curl -i with a 429 and no request: RATE_LIMITED from the signature alone',
    input: { offline: fixture('rate-limited.curl-i.txt') },
    expected: {
      verdict: 'fail',
      code: 'RATE_LIMITED',
      summary: /^Saved answer 1 \(429, request not captured\): /u,
      data: {
        entries: [{ index: 1, method: null, path: null, status: 429, code: 'RATE_LIMITED' }],
      },
      requests: 0,
    },
  },
  {
    name: 'curl -i with the account-password 401: ACCOUNT_PASSWORD_REJECTED',
    input: { offline: fixture('account-password.curl-i.txt') },
    expected: { verdict: 'fail', code: 'ACCOUNT_PASSWORD_REJECTED', requests: 0 },
  },
  {
    name: 'curl -i with a 403 privilege-scopes body: SCOPE_MISSING with data.missing',
    input: { offline: fixture('scope-missing.curl-i.txt') },
    expected: {
      verdict: 'fail',
      code: 'SCOPE_MISSING',
      data: { missing: ['account'], granted: ['team'] },
      hint: /scope account/u,
      requests: 0,
    },
  },
  {
    name: 'curl -i with the CHANGE-2770 410: ENDPOINT_REMOVED',
    input: { offline: fixture('change-2770.curl-i.txt') },
    expected: { verdict: 'fail', code: 'ENDPOINT_REMOVED', requests: 0 },
  },
  {
    name: 'curl -i with 100 Continue then 400 invalid client: CONSUMER_INVALID',
    input: { offline: fixture('continue-100.curl-i.txt') },
    expected: { verdict: 'fail', code: 'CONSUMER_INVALID', requests: 0 },
  },
  {
    name: 'curl -i with a proxy 407: PROXY_AUTH_REQUIRED',
    input: { offline: offlineOf(curlI(407, { 'proxy-authenticate': 'Basic' }, ''), 'p.txt') },
    expected: { verdict: 'fail', code: 'PROXY_AUTH_REQUIRED', requests: 0 },
  },
  {
    name: 'curl -i with a Cloud 500: SERVER_ERROR',
    input: {
      offline: offlineOf(
        curlI(500, JSON_TYPE, error('Something went wrong', { id: 'abc123' })),
        '500.txt',
      ),
    },
    expected: { verdict: 'fail', code: 'SERVER_ERROR', requests: 0 },
  },
  {
    name: 'curl -i with a status no signature knows: skipped, honestly',
    input: { offline: offlineOf(curlI(418, { 'content-type': 'text/plain' }, 'teapot'), 't.txt') },
    expected: {
      verdict: 'skip',
      summary: /no known signature .*\(418\)/u,
      data: { entries: [{ index: 1, status: 418 }] },
      requests: 0,
    },
  },
]);

// -----------------------------------------------------------------------------------------------
// Every fixture of fixtures/explain, run offline.
// -----------------------------------------------------------------------------------------------

describe('check saved-exchange: every fixtures/explain capture, offline', () => {
  it.each(INDEX)('$file → $expectedCode', async (entry) => {
    const offline = fixture(entry.file);
    const asked: string[] = [];
    const report = await explain(offline, asked);
    expect(report.code, report.summary).toBe(entry.expectedCode);
    expect(report.status).toBe('fail');
    expect(report.remediation?.hint).toMatch(/^[A-Z].*\.$/su);
    // The exchange that carries the diagnosis is the one the index names.
    const entries = report.data['entries'] as { index: number; status: number | null }[];
    expect(entries[0]?.index).toBe(entry.failingExchange);
    expect(entries[0]?.status).toBe(entry.status);
    expect(report.summary).toContain(`${entry.failingExchange} (`);
    // Evidence: exactly the captured exchanges that have a request URL, none invented.
    const withUrl = offline.exchanges.filter((e) => e.request.url !== '');
    expect(asked).toHaveLength(withUrl.length);
    expect(report.evidence).toEqual(withUrl);
    for (const exchange of report.evidence) expect(offline.exchanges).toContain(exchange);
    // No secret of the capture, in any form the capture had it.
    const shown = visible(report);
    for (const secret of entry.secrets) {
      expect(shown).not.toContain(secret);
      for (const user of entry.usernames ?? []) {
        expect(shown).not.toContain(b64(`${user}:${secret}`).replace(/=+$/u, ''));
      }
    }
    for (const command of report.remediation?.commands ?? []) {
      expect(command).not.toMatch(/ATATT|ATBB|ATCTT/u);
    }
  });

  it('names the request-side causes the body alone would not', async () => {
    const lowercase = await explain(fixture('seed-bearer-lowercase.curl-v.txt'));
    expect(lowercase.summary).toMatch(/"bearer".*anonymous caller/u);
    const username = await explain(fixture('api-token-username.curl-v.txt'));
    expect(username.summary).toContain('username jdoe');
    expect(username.remediation?.commands).toEqual([
      'curl -u "$BITBUCKET_EMAIL:$BITBUCKET_API_TOKEN" https://api.bitbucket.org/2.0/user',
    ]);
    const bearer = await explain(fixture('api-token-bearer.curl-v.txt'));
    expect(bearer.summary).toMatch(/API token \(ATATT…\) was sent as Bearer/u);
  });

  it('explains Data Center answers in the summary', async () => {
    const captcha = await explain(fixture('dc-captcha.raw.txt'));
    expect(captcha.summary).toMatch(/Bitbucket Data Center: CAPTCHA required/u);
    expect(captcha.data).toMatchObject({ product: 'data-center', captcha: true });
    const permitted = await explain(fixture('dc-not-permitted.curl-v.txt'));
    expect(permitted.summary).toMatch(/authenticated as jdoe but not permitted/u);
    expect(permitted.data).toMatchObject({ authenticatedAs: 'jdoe' });
  });

  it('reports the anonymous follow-up of an http:// redirect as INSECURE_HTTP, once', async () => {
    const report = await explain(fixture('redirect-http-to-https.curl-i.txt'));
    expect(report.summary).toMatch(/plain http:\/\/.*ran anonymously/u);
    expect(report.data).toMatchObject({
      redirect: 1,
      credentialsSentInClear: true,
      credentialsDroppedByRedirect: true,
      entries: [{ index: 2, status: 404, code: 'INSECURE_HTTP' }],
    });
    expect(report.remediation?.commands).toEqual([
      'curl -u "$BITBUCKET_EMAIL:$BITBUCKET_API_TOKEN" https://api.bitbucket.org/2.0/repositories/acme/secret-repo',
    ]);
  });

  it('says a call without Authorization was anonymous', async () => {
    const report = await explain(fixture('private-repo-anonymous-redirect.curl-v.txt'));
    expect(report.summary).toMatch(/anonymous \(no Authorization header\)/u);
    expect(report.data).toMatchObject({ anonymous: true });
  });

  it('lists every failing exchange of a HAR, the one that matters first', async () => {
    const report = await explain(fixture('browser-session.har'));
    expect(report.data).toMatchObject({
      format: 'har',
      exchanges: 4,
      missing: ['pullrequest'],
      entries: [
        { index: 3, status: 403, code: 'SCOPE_MISSING' },
        { index: 4, status: null },
      ],
    });
    const entries = report.data['entries'] as Record<string, unknown>[];
    expect(entries[1]).not.toHaveProperty('code');
  });
});

// -----------------------------------------------------------------------------------------------
// The rules, one capture each (raw HTTP with the request, so the request can be read).
// -----------------------------------------------------------------------------------------------

describe('check saved-exchange: rules', () => {
  const loginFailed = (authorization: string, date = BASIC_401.date): string =>
    raw(
      { url: `${API}/2.0/user`, headers: { Authorization: authorization } },
      { status: 401, headers: { ...BASIC_401, date }, body: LOGIN_FAILED },
    );
  const tokenInvalid = (authorization: string, url = REPO): string =>
    raw(
      { url, headers: { Authorization: authorization } },
      { status: 401, headers: JSON_TYPE, body: TOKEN_INVALID },
    );
  const notFound = (headers: Record<string, string>): string =>
    raw({ url: REPO, headers }, { status: 404, headers: JSON_TYPE, body: NO_ACCESS });

  const cases: readonly { name: string; text: string; code: FindingCode; summary?: RegExp }[] = [
    {
      name: 'Login failed + Basic username + API token',
      text: loginFailed(basic('jdoe', API_TOKEN)),
      code: 'API_TOKEN_NEEDS_EMAIL',
    },
    {
      name: 'Login failed + Basic email + app password',
      text: loginFailed(basic(EMAIL, APP_PASSWORD)),
      code: 'APP_PASSWORD_REMOVED',
      summary: /only ever worked with the Bitbucket username/u,
    },
    {
      name: 'Login failed + app password with the username, answered after 2026-07-28',
      text: loginFailed(basic('jdoe', APP_PASSWORD), 'Sat, 01 Aug 2026 10:00:00 GMT'),
      code: 'APP_PASSWORD_REMOVED',
      summary: /removed on 2026-07-28/u,
    },
    {
      name: 'Login failed + app password with the username, answered in 2025: not blamed on removal',
      text: loginFailed(basic('jdoe', APP_PASSWORD), 'Fri, 10 Jan 2025 10:00:00 GMT'),
      code: 'AUTH_REJECTED',
    },
    {
      name: 'Login failed + Basic x-token-auth',
      text: loginFailed(basic('x-token-auth', OPAQUE)),
      code: 'ACCESS_TOKEN_AS_BASIC',
    },
    {
      name: 'Login failed + Basic with a repository access token (ATCTT)',
      text: loginFailed(basic('jdoe', REPO_TOKEN)),
      code: 'ACCESS_TOKEN_AS_BASIC',
    },
    {
      name: 'Login failed + Basic username + password',
      text: loginFailed(basic('jdoe', PASSWORD)),
      code: 'AUTH_REJECTED',
      summary: /Basic with jdoe and a secret/u,
    },
    {
      name: 'Login failed + a Basic header that is not base64 of user:secret',
      text: loginFailed('Basic not-base64!!'),
      code: 'HEADER_MALFORMED',
    },
    {
      name: 'Token is invalid + Bearer API token',
      text: tokenInvalid(`Bearer ${API_TOKEN}`),
      code: 'API_TOKEN_AS_BEARER',
    },
    {
      name: 'Token is invalid + Basic email + API token',
      text: tokenInvalid(basic(EMAIL, API_TOKEN)),
      code: 'API_TOKEN_UNSCOPED',
    },
    {
      name: 'Token is invalid + Basic username + API token',
      text: tokenInvalid(basic('jdoe', API_TOKEN)),
      code: 'API_TOKEN_NEEDS_EMAIL',
    },
    {
      name: 'Token is invalid + Bearer opaque token',
      text: tokenInvalid(`Bearer ${OPAQUE}`),
      code: 'TOKEN_INVALID',
    },
    {
      name: 'Token is invalid + lowercase bearer: the header comes first',
      text: tokenInvalid(`bearer ${API_TOKEN}`),
      code: 'HEADER_SCHEME_CASE',
    },
    {
      name: 'Token is invalid + the token in the query string and no header',
      text: raw(
        { url: `${API}/2.0/user?access_token=${OPAQUE}` },
        { status: 401, headers: JSON_TYPE, body: TOKEN_INVALID },
      ),
      code: 'SECRET_IN_URL',
    },
    {
      name: '404 make sure you are authenticated + "token" scheme',
      text: notFound({ Authorization: `token ${OPAQUE}` }),
      code: 'HEADER_SCHEME_UNKNOWN',
      summary: /ignored the credentials/u,
    },
    {
      name: '404 make sure you are authenticated + a bare token without scheme',
      text: notFound({ Authorization: OPAQUE }),
      code: 'HEADER_SCHEME_UNKNOWN',
    },
    {
      name: '404 make sure you are authenticated + BEARER',
      text: notFound({ Authorization: `BEARER ${OPAQUE}` }),
      code: 'HEADER_SCHEME_CASE',
    },
    {
      name: '404 make sure you are authenticated + a proper Bearer',
      text: notFound({ Authorization: `Bearer ${OPAQUE}` }),
      code: 'REPO_NOT_FOUND_OR_NO_ACCESS',
      summary: /does not exist, or the credentials sent \(Bearer with a secret\) may not see it/u,
    },
    {
      name: '404 make sure you are authenticated + no Authorization',
      text: notFound({}),
      code: 'REPO_NOT_FOUND_OR_NO_ACCESS',
      summary: /anonymous/u,
    },
    {
      name: '404 no API hosted at this URL on a Data Center path sent to Cloud',
      text: raw(
        {
          url: `${API}/rest/api/1.0/projects/ACME/repos`,
          headers: { Authorization: basic(EMAIL, API_TOKEN) },
        },
        {
          status: 404,
          headers: JSON_TYPE,
          body: error('Resource not found', {
            detail:
              "There is no API hosted at this URL.\n\nFor information about our API's, please refer to the documentation at: https://developer.atlassian.com/bitbucket/api/2/reference/",
          }),
        },
      ),
      code: 'DATA_CENTER_PATH_ON_CLOUD',
    },
    {
      name: '404 no API hosted at this URL (empty workspace segment)',
      text: raw(
        { url: `${API}/2.0/repositories//?role=member` },
        {
          status: 404,
          headers: JSON_TYPE,
          body: error('Resource not found', { detail: 'There is no API hosted at this URL.' }),
        },
      ),
      code: 'WRONG_HOST',
    },
    {
      name: '403 Forbidden on the unversioned path /user',
      text: raw(
        { url: `${API}/user`, headers: { Authorization: `Bearer ${OPAQUE}` } },
        { status: 403, headers: JSON_TYPE, body: error('Forbidden') },
      ),
      code: 'WRONG_HOST',
    },
    {
      name: '410 CHANGE-2770 on GET /2.0/workspaces: the replacement is given',
      text: raw(
        { url: `${API}/2.0/workspaces`, headers: { Authorization: basic(EMAIL, API_TOKEN) } },
        {
          status: 410,
          headers: JSON_TYPE,
          body: error('CHANGE-2770 - Functionality has been deprecated'),
        },
      ),
      code: 'ENDPOINT_REMOVED',
      summary: /CHANGE-2770/u,
    },
    {
      name: '401 access token expired (short variant)',
      text: raw(
        { url: `${API}/2.0/user`, headers: { Authorization: `Bearer ${OPAQUE}` } },
        { status: 401, headers: JSON_TYPE, body: error('Access token expired.') },
      ),
      code: 'TOKEN_EXPIRED',
    },
    {
      name: '401 too many invalid password attempts',
      text: raw(
        { url: `${API}/2.0/user`, headers: { Authorization: basic('jdoe', PASSWORD) } },
        {
          status: 401,
          headers: { 'content-type': 'text/plain' },
          body: 'Too many invalid password attempts. Log in at https://id.atlassian.com/ to restore access.',
        },
      ),
      code: 'AUTH_REJECTED',
    },
    {
      name: 'token endpoint: invalid refresh token',
      text: raw(
        {
          method: 'POST',
          url: 'https://bitbucket.org/site/oauth2/access_token',
          headers: {
            Authorization: basic('consumerKey123456', PASSWORD),
            'Content-Type': 'application/x-www-form-urlencoded',
          },
          body: `grant_type=refresh_token&refresh_token=${OPAQUE}`,
        },
        {
          status: 400,
          headers: JSON_TYPE,
          body: JSON.stringify({
            error_description: 'Invalid refresh_token',
            error: 'invalid_request',
          }),
        },
      ),
      code: 'REFRESH_TOKEN_INVALID',
    },
    {
      name: 'token endpoint: the password grant',
      text: raw(
        {
          method: 'POST',
          url: 'https://bitbucket.org/site/oauth2/access_token',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: `grant_type=password&username=jdoe&password=${encodeURIComponent(PASSWORD)}`,
        },
        {
          status: 401,
          headers: JSON_TYPE,
          body: JSON.stringify({
            error_description: 'Invalid resource owner username/password',
            error: 'invalid_request',
          }),
        },
      ),
      code: 'PASSWORD_GRANT_REMOVED',
    },
    {
      name: 'Data Center: wrong password',
      text: raw(
        {
          url: 'https://bitbucket.example.com/rest/api/1.0/projects',
          headers: { Authorization: basic('jdoe', PASSWORD) },
        },
        {
          status: 401,
          headers: { 'X-AREQUESTID': '@1x2', ...JSON_TYPE },
          body: JSON.stringify({
            errors: [
              {
                context: null,
                message: 'Authentication failed. Please check your credentials and try again.',
                exceptionName:
                  'com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException',
              },
            ],
          }),
        },
      ),
      code: 'AUTH_REJECTED',
      summary:
        /^Saved exchange 1 \(GET \/rest\/api\/1\.0\/projects → 401\): Bitbucket Data Center: /u,
    },
  ];

  it.each(cases)('$name → $code', async ({ text, code, summary }) => {
    const report = await explainText(text);
    expect(report.code, report.summary).toBe(code);
    expect(report.status).toBe('fail');
    if (summary !== undefined) expect(report.summary).toMatch(summary);
    expect(report.remediation?.hint).toMatch(/^[A-Z`'"$(].*[.!?)]$/su);
    expect(report.evidence).toHaveLength(1);
    expectNoSecret(report);
  });

  it('gives the 2.0 replacement of a removed endpoint', async () => {
    const report = await explainText(
      raw(
        { url: `${API}/2.0/workspaces` },
        {
          status: 410,
          headers: JSON_TYPE,
          body: error('CHANGE-2770 - Functionality has been deprecated'),
        },
      ),
    );
    expect(report.data).toMatchObject({ replacement: `${API}/2.0/user/workspaces` });
    expect(report.remediation?.hint).toBe(`Use ${API}/2.0/user/workspaces instead.`);
  });

  it('does not call "Unsupported grant type: None" a password grant', async () => {
    const report = await explainText(
      raw(
        {
          method: 'POST',
          url: 'https://bitbucket.org/site/oauth2/access_token',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: 'grant_typ=client_credentials',
        },
        {
          status: 400,
          headers: JSON_TYPE,
          body: JSON.stringify({
            error_description: 'Unsupported grant type: None',
            error: 'invalid_grant',
          }),
        },
      ),
    );
    expect(report.status).toBe('skip');
    expect(report.summary).toMatch(/no known signature/u);
  });

  it('names network failures of a capture without a response (curl exit codes)', async () => {
    const failed = (code: string, message: string): Exchange => ({
      request: { method: 'GET', url: `${API}/2.0/user`, headers: {} },
      error: { code, message },
      durationMs: 0,
    });
    const run = (exchange: Exchange): Promise<CheckReport> =>
      explain({ file: 'v.txt', format: 'curl-verbose', exchanges: [exchange] });
    expect((await run(failed('CURLE_28', 'Operation timed out'))).code).toBe('TIMEOUT');
    expect((await run(failed('CURLE_60', 'SSL certificate problem'))).code).toBe('TLS_ERROR');
    expect((await run(failed('CURLE_56', 'Recv failure: Connection reset'))).code).toBe(
      'NETWORK_UNREACHABLE',
    );
    expect((await run(failed('CURLE_56', 'CONNECT tunnel failed, response 407'))).code).toBe(
      'PROXY_AUTH_REQUIRED',
    );
    const blocked = await run(failed('NO_RESPONSE', 'net::ERR_BLOCKED_BY_CLIENT'));
    expect(blocked.status).toBe('skip');
  });

  it('ranks causes in causal order, ties to the later exchange', async () => {
    const expired: Exchange = {
      request: {
        method: 'GET',
        url: `${API}/2.0/user`,
        headers: { authorization: `Bearer ${OPAQUE}` },
      },
      response: {
        status: 401,
        headers: JSON_TYPE,
        body: error('Access token expired. Use your refresh token to obtain a new access token.'),
      },
      durationMs: 0,
    };
    const scopes: Exchange = {
      request: { method: 'GET', url: REPO, headers: { authorization: `Bearer ${OPAQUE}` } },
      response: {
        status: 403,
        headers: JSON_TYPE,
        body: error('Your credentials lack one or more required privilege scopes.', {
          detail: { required: ['repository'], granted: ['account'] },
        }),
      },
      durationMs: 0,
    };
    const report = await explain({ file: 'h.har', format: 'har', exchanges: [scopes, expired] });
    expect(report.code).toBe('TOKEN_EXPIRED');
    expect(report.data).toMatchObject({
      entries: [
        { index: 2, code: 'TOKEN_EXPIRED' },
        { index: 1, code: 'SCOPE_MISSING' },
      ],
    });
    const later = { ...scopes, request: { ...scopes.request, url: `${REPO}/pullrequests` } };
    const tie = await explain({ file: 'h.har', format: 'har', exchanges: [scopes, later] });
    expect(tie.summary).toMatch(
      /^Saved exchange 2 \(GET \/2\.0\/repositories\/acme\/secret-repo\/pullrequests → 403\)/u,
    );
  });

  it('warns about an http:// redirect whose final answer succeeded', async () => {
    const http: Exchange = {
      request: {
        method: 'GET',
        url: 'http://api.bitbucket.org/2.0/repositories/acme',
        headers: { authorization: basic(EMAIL, API_TOKEN) },
      },
      response: {
        status: 301,
        headers: { location: 'https://api.bitbucket.org/2.0/repositories/acme' },
        body: '',
      },
      durationMs: 0,
    };
    const ok: Exchange = {
      request: {
        method: 'GET',
        url: 'https://api.bitbucket.org/2.0/repositories/acme',
        headers: {},
      },
      response: { status: 200, headers: JSON_TYPE, body: '{"values": []}' },
      durationMs: 0,
    };
    const report = await explain({ file: 'r.txt', format: 'curl-include', exchanges: [http, ok] });
    expect(report.status).toBe('warn');
    expect(report.code).toBe('INSECURE_HTTP');
    expect(report.summary).toMatch(/crossed the network unencrypted/u);
    expectNoSecret(report);
  });

  it('passes when every saved answer succeeded, and fetches each one with a URL', async () => {
    const asked: string[] = [];
    const ok = (url: string): Exchange => ({
      request: { method: 'GET', url, headers: {} },
      response: { status: 200, headers: JSON_TYPE, body: '{}' },
      durationMs: 0,
    });
    const report = await explain(
      { file: 'ok.har', format: 'har', exchanges: [ok(`${API}/2.0/user`), ok(REPO)] },
      asked,
    );
    expect(report.status).toBe('pass');
    expect(report.summary).toBe('All 2 saved answers succeeded.');
    expect(asked).toEqual([
      `GET ${API}/2.0/user (saved exchange 1: GET /2.0/user)`,
      `GET ${REPO} (saved exchange 2: GET /2.0/repositories/acme/secret-repo)`,
    ]);
  });

  it('does not fetch what the client cannot replay, and still explains it', async () => {
    const asked: string[] = [];
    const put: Exchange = {
      request: { method: 'PUT', url: REPO, headers: { authorization: `bearer ${OPAQUE}` } },
      response: { status: 404, headers: JSON_TYPE, body: NO_ACCESS },
      durationMs: 0,
    };
    const report = await explain({ file: 'put.har', format: 'har', exchanges: [put] }, asked);
    expect(asked).toEqual([]);
    expect(report.evidence).toEqual([]);
    expect(report.code).toBe('HEADER_SCHEME_CASE');
    expect(report.details?.join('\n')).toMatch(/only replays GET, POST and HEAD/u);
  });

  it('never quotes a server message that echoes a request secret', async () => {
    const report = await explainText(
      raw(
        { url: `${API}/2.0/user`, headers: { Authorization: `Bearer ${OPAQUE}` } },
        { status: 401, headers: JSON_TYPE, body: error(`Token ${OPAQUE} is not valid`) },
      ),
    );
    expectNoSecret(report);
  });
});

describe('check saved-exchange: meta', () => {
  it('declares every code a signature can name, and only known codes', () => {
    for (const signature of SIGNATURES) expect(check.meta.codes).toContain(signature.code);
    for (const code of check.meta.codes) expect(FINDING_CODES).toContain(code);
    expect(check.meta.needs).toEqual([]);
  });

  it('pins every code it can produce', () => {
    const produced: readonly FindingCode[] = [
      'NETWORK_UNREACHABLE',
      'PROXY_AUTH_REQUIRED',
      'TLS_ERROR',
      'TIMEOUT',
      'SERVER_ERROR',
      'RATE_LIMITED',
      'HEADER_MALFORMED',
      'HEADER_SCHEME_CASE',
      'HEADER_SCHEME_UNKNOWN',
      'SECRET_IN_URL',
      'PASSWORD_GRANT_REMOVED',
      'ACCOUNT_PASSWORD_REJECTED',
      'APP_PASSWORD_REMOVED',
      'API_TOKEN_AS_BEARER',
      'API_TOKEN_NEEDS_EMAIL',
      'API_TOKEN_UNSCOPED',
      'ACCESS_TOKEN_AS_BASIC',
      'TOKEN_EXPIRED',
      'TOKEN_INVALID',
      'AUTH_REJECTED',
      'CONSUMER_INVALID',
      'CONSUMER_NOT_PRIVATE',
      'CONSUMER_NO_CALLBACK',
      'REFRESH_TOKEN_INVALID',
      'SCOPE_MISSING',
      'WRONG_HOST',
      'INSECURE_HTTP',
      'API_V1_REMOVED',
      'ENDPOINT_REMOVED',
      'DATA_CENTER_PATH_ON_CLOUD',
      'REPO_NOT_FOUND_OR_NO_ACCESS',
    ];
    expect([...check.meta.codes].sort()).toEqual([...produced].sort());
  });
});
