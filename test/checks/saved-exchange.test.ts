import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import check, { factsOf } from '../../checks/saved-exchange.js';
import { planCredentials, planExplain } from '../../src/explain/input.js';
import { type CaptureFormat, parseCapture } from '../../src/explain/parse.js';
import { Redactor } from '../../src/report/redactor.js';
import { makeResult } from '../../src/http/client.js';
import { diagnose } from '../../src/diagnosis.js';
import { CHECKS } from '../../src/registry.js';
import { runChecks } from '../../src/runner.js';
import {
  type CheckReport,
  type DoctorInput,
  type Exchange,
  type FindingCode,
  type HttpClient,
} from '../../src/types.js';
import { testJudge } from '../helpers/judge-tester.js';
import { makeInput } from '../helpers/context.js';

const DIR = new URL('../../fixtures/explain/', import.meta.url);
const NOW = new Date('2026-11-28T12:30:00Z');

interface FixtureEntry {
  readonly file: string;
  readonly format: string;
  readonly expectedCode: FindingCode;
  readonly diagnosis?: FindingCode;
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

/**
 * Runs explain's checks offline through the real runner, with the input `bb-doctor explain` builds
 * (the capture, its most important failing call, the credentials of its headers), and returns the
 * report of the check the diagnosis names: the root cause, judged by the same checks as a live
 * run (saved-exchange itself only maps the capture). When nothing failed, saved-exchange's own
 * report (what the capture holds) stands for the run.
 */
const explain = async (
  offline: NonNullable<DoctorInput['offline']>,
  asked: string[] = [],
): Promise<CheckReport> => {
  // The input the explain command builds (src/explain/input.ts), not a copy of it.
  const plan = planExplain(
    { format: offline.format as CaptureFormat, exchanges: [...offline.exchanges] },
    offline.file,
    new Redactor(),
  );
  const input = makeInput({
    offline: plan.capture,
    headers: plan.headers,
    credentials: planCredentials(plan),
    ...(plan.failingRequest === undefined ? {} : { failingRequest: plan.failingRequest }),
  });
  const reports = await runChecks(CHECKS, {
    input,
    httpFor: offlineHttp(plan.capture.exchanges, asked),
    now: () => NOW,
  });
  const crashed = reports.find((r) => r.status === 'error');
  if (crashed !== undefined) {
    throw new Error(`${crashed.id} crashed: ${crashed.error?.stack ?? crashed.summary}`);
  }
  const diagnosis = diagnose(reports);
  const root = reports.find((r) => r.id === diagnosis.checkId);
  return root ?? reports.find((r) => r.id === check.meta.id)!;
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

// -----------------------------------------------------------------------------------------------
// The adapter's own judge: it names nothing, it says what the capture holds.
// -----------------------------------------------------------------------------------------------

testJudge(check, {
  valid: [
    {
      name: 'a live run (no saved exchange): skipped',
      facts: { entries: [] },
      verdict: 'skip',
      summary: 'Skipped: only for bb-doctor explain.',
    },
    {
      name: 'a capture whose answers all succeeded',
      facts: factsOf(offlineOf(curlI(200, JSON_TYPE, '{"username": "jdoe"}'), 'ok.curl-i.txt')),
      verdict: 'pass',
      summary: 'Read 1 saved answer (curl-include); none failed.',
    },
    {
      name: 'a failing capture: the call the checks judge is named, no query, no userinfo',
      facts: factsOf(
        offlineOf(
          raw(
            {
              url: `${REPO}?access_token=${OPAQUE}`,
              headers: { Authorization: `Bearer ${OPAQUE}` },
            },
            { status: 401, headers: JSON_TYPE, body: TOKEN_INVALID },
          ),
          'q.txt',
        ),
      ),
      verdict: 'pass',
      summary:
        /the checks judge saved exchange 1 \(GET \/2\.0\/repositories\/acme\/secret-repo → 401\) as your call\.$/u,
      data: { failing: 1, exchanges: 1 },
      assert: (outcome) => expect(JSON.stringify(outcome)).not.toContain(OPAQUE),
    },
  ],
  invalid: [],
});

// -----------------------------------------------------------------------------------------------
// Explain's diagnosis: the same checks and judges as a live run, on every fixture of
// fixtures/explain and on captures written here (answers with and without their request).
// -----------------------------------------------------------------------------------------------

describe('explain: every fixtures/explain capture, offline', () => {
  it.each(INDEX)('$file → $expectedCode', async (entry) => {
    const offline = fixture(entry.file);
    const report = await explain(offline);
    // The root cause of the whole run (entry.diagnosis where it is not the failing answer's own).
    expect(report.code, report.summary).toBe(entry.diagnosis ?? entry.expectedCode);
    expect(report.status).toBe('fail');
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
});

describe('explain: answers without their request (curl -i)', () => {
  const cases: readonly { name: string; text: string; code: FindingCode }[] = [
    {
      name: 'a 429',
      text: readFileSync(new URL('rate-limited.curl-i.txt', DIR), 'utf8'),
      code: 'RATE_LIMITED',
    },
    {
      name: 'the account-password 401',
      text: readFileSync(new URL('account-password.curl-i.txt', DIR), 'utf8'),
      code: 'ACCOUNT_PASSWORD_REJECTED',
    },
    {
      name: 'a 403 privilege-scopes body',
      text: readFileSync(new URL('scope-missing.curl-i.txt', DIR), 'utf8'),
      code: 'SCOPE_MISSING',
    },
    {
      name: 'the CHANGE-2770 410',
      text: readFileSync(new URL('change-2770.curl-i.txt', DIR), 'utf8'),
      code: 'ENDPOINT_REMOVED',
    },
    {
      name: '100 Continue then 400 invalid client',
      text: readFileSync(new URL('continue-100.curl-i.txt', DIR), 'utf8'),
      code: 'CONSUMER_INVALID',
    },
    {
      name: 'a proxy 407',
      text: curlI(407, { 'proxy-authenticate': 'Basic' }, ''),
      code: 'PROXY_AUTH_REQUIRED',
    },
    {
      name: 'a Cloud 500',
      text: curlI(500, JSON_TYPE, error('Something went wrong', { id: 'abc123' })),
      code: 'SERVER_ERROR',
    },
    {
      name: '"Login failed" dated after 2026-07-28: the likeliest cause, with the alternatives',
      text: curlI(401, { ...BASIC_401, date: 'Sat, 01 Aug 2026 10:00:00 GMT' }, LOGIN_FAILED),
      code: 'APP_PASSWORD_REMOVED',
    },
  ];
  it.each(cases)('$name → $code', async ({ text, code }) => {
    const report = await explainText(text);
    expect(report.code, report.summary).toBe(code);
  });

  it('a status no signature knows names no cause', async () => {
    const report = await explainText(curlI(418, { 'content-type': 'text/plain' }, 'teapot'));
    expect(report.id).toBe('saved-exchange');
    expect(report.status).toBe('pass');
  });
});

describe('explain: the request-side causes the body alone would not name', () => {
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
      summary: /Your Authorization header is wrong/u,
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
      summary:
        /sent Bearer with a secret .*does not exist, or the credentials sent may not see it/u,
    },
    {
      // The root cause is that nothing was sent (causal order: the secret before the endpoint),
      // worded as a capture; the contrast's anonymous-404 reading is the symptom.
      name: '404 make sure you are authenticated + no Authorization',
      text: notFound({}),
      code: 'NO_CREDENTIALS',
      summary: /captured request .* carries no credentials/u,
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
      code: 'DC_CREDENTIALS_REJECTED',
      summary: /Bitbucket Data Center/u,
    },
  ];

  it.each(cases)('$name → $code', async ({ text, code, summary }) => {
    const report = await explainText(text);
    expect(report.code, report.summary).toBe(code);
    expect(report.status).toBe('fail');
    if (summary !== undefined) expect(report.summary).toMatch(summary);
    expect(report.remediation?.hint).toMatch(/^[A-Z`'"$(].*[.!?)]$/su);
    expectNoSecret(report);
  });
});
