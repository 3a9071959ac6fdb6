import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SIGNATURES,
  matchSignatures,
  parseErrorBody,
  signatureById,
  type ParsedErrorBody,
} from '../../src/knowledge/signatures.js';
import { FINDING_CODES } from '../../src/types.js';
import * as bodies from './documented-bodies.js';

interface Case {
  readonly name: string;
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string;
  /** The most specific signature expected. */
  readonly top: string;
  /** Other body signatures allowed to match the same body (same wording, told apart by headers). */
  readonly sameBody?: readonly string[];
}

// Every documented answer of bitbucket-auth.md (sources in documented-bodies.ts).
const CASES: readonly Case[] = [
  {
    name: 'token invalid (API token as Bearer)',
    status: 401,
    body: bodies.TOKEN_INVALID,
    top: 'cloud-token-invalid',
  },
  {
    name: 'access token expired (long)',
    status: 401,
    body: bodies.TOKEN_EXPIRED_LONG,
    top: 'cloud-access-token-expired',
  },
  {
    name: 'access token expired (short)',
    status: 401,
    body: bodies.TOKEN_EXPIRED_SHORT,
    top: 'cloud-access-token-expired-short',
  },
  {
    name: 'Basic login failed (plain text)',
    status: 401,
    headers: bodies.CLOUD_BASIC_CHALLENGE,
    body: bodies.LOGIN_FAILED,
    top: 'cloud-basic-login-failed',
  },
  {
    name: 'Basic challenge, empty body',
    status: 401,
    headers: bodies.CLOUD_BASIC_CHALLENGE,
    body: '',
    top: 'cloud-basic-realm',
  },
  {
    name: 'account password',
    status: 401,
    headers: bodies.CLOUD_BASIC_CHALLENGE,
    body: bodies.ACCOUNT_PASSWORD,
    top: 'cloud-account-password',
  },
  {
    name: 'app password removed (git)',
    status: 410,
    body: bodies.APP_PASSWORD_GIT,
    top: 'cloud-app-password-removed',
  },
  {
    name: 'lockout (website wording)',
    status: 401,
    body: bodies.LOCKOUT_WEBSITE,
    top: 'cloud-too-many-password-attempts',
  },
  {
    name: 'lockout (id.atlassian.com wording)',
    status: 403,
    body: bodies.LOCKOUT_ID,
    top: 'cloud-too-many-password-attempts',
  },
  {
    name: 'auth mechanism',
    status: 401,
    body: bodies.AUTH_MECHANISM,
    top: 'cloud-auth-mechanism-not-accessible',
  },
  {
    name: 'scope missing (account)',
    status: 403,
    body: bodies.SCOPE_MISSING_ACCOUNT,
    top: 'cloud-scope-missing',
  },
  {
    name: 'scope missing (repository:admin)',
    status: 403,
    body: bodies.SCOPE_MISSING_ADMIN,
    top: 'cloud-scope-missing',
  },
  {
    name: 'scope missing (API token)',
    status: 403,
    body: bodies.SCOPE_MISSING_API_TOKEN,
    top: 'cloud-scope-missing',
  },
  { name: 'bare Forbidden', status: 403, body: bodies.FORBIDDEN, top: 'cloud-forbidden' },
  {
    name: 'website host',
    status: 401,
    body: bodies.WEBSITE_NO_TOKEN_AUTH,
    top: 'cloud-website-no-token-auth',
  },
  {
    name: 'API 1.0 removed',
    status: 410,
    body: bodies.V1_REMOVED,
    top: 'cloud-v1-resource-removed',
  },
  { name: 'CHANGE-2770 (410)', status: 410, body: bodies.CHANGE_2770, top: 'cloud-change-2770' },
  { name: 'CHANGE-2770 (404)', status: 404, body: bodies.CHANGE_2770, top: 'cloud-change-2770' },
  {
    name: "private repo 2022 (you're)",
    status: 404,
    body: bodies.REPO_NO_ACCESS_2022,
    top: 'cloud-repo-no-access-2022',
  },
  {
    name: 'private repo 2025 (you are)',
    status: 404,
    body: bodies.REPO_NO_ACCESS_2025,
    top: 'cloud-repo-no-access-2025',
  },
  { name: 'no API hosted', status: 404, body: bodies.NO_API_HOSTED, top: 'cloud-no-api-hosted' },
  {
    name: 'resource not found (slug)',
    status: 404,
    body: bodies.RESOURCE_NOT_FOUND,
    top: 'cloud-resource-not-found',
  },
  {
    name: 'rate limited (Cloud message)',
    status: 429,
    body: bodies.RATE_LIMITED,
    top: 'cloud-rate-limited',
  },
  {
    name: 'rate limited (any body)',
    status: 429,
    body: '<html>Too Many Requests</html>',
    top: 'rate-limited',
  },
  {
    name: 'server error with id',
    status: 500,
    body: bodies.SERVER_500,
    top: 'cloud-something-went-wrong',
  },
  {
    name: 'gateway error',
    status: 502,
    body: '<html><body>Bad Gateway</body></html>',
    top: 'server-error',
  },
  {
    name: 'proxy 407',
    status: 407,
    headers: { 'proxy-authenticate': 'Basic realm="corp"' },
    body: '',
    top: 'proxy-auth-required',
  },
  {
    name: 'token endpoint: client auth required',
    status: 401,
    body: bodies.OAUTH_CLIENT_AUTH_REQUIRED,
    top: 'oauth-client-auth-required',
  },
  {
    name: 'token endpoint: invalid client',
    status: 400,
    body: bodies.OAUTH_INVALID_CLIENT,
    top: 'oauth-invalid-client',
  },
  {
    name: 'token endpoint: no callback',
    status: 400,
    body: bodies.OAUTH_NO_CALLBACK,
    top: 'oauth-no-callback',
  },
  {
    name: 'token endpoint: public consumer',
    status: 400,
    body: bodies.OAUTH_CONSUMER_PUBLIC,
    top: 'oauth-consumer-public',
  },
  {
    name: 'token endpoint: unsupported grant None',
    status: 400,
    body: bodies.OAUTH_UNSUPPORTED_GRANT,
    top: 'oauth-unsupported-grant',
  },
  {
    name: 'token endpoint: unsupported grant password (hypothetical)',
    status: 400,
    body: '{"error_description": "Unsupported grant type: password", "error": "invalid_grant"}',
    top: 'oauth-unsupported-grant-password',
  },
  {
    name: 'token endpoint: invalid refresh token',
    status: 400,
    body: bodies.OAUTH_INVALID_REFRESH,
    top: 'oauth-invalid-refresh-token',
  },
  {
    name: 'token endpoint: password grant',
    status: 401,
    body: bodies.OAUTH_PASSWORD_GRANT,
    top: 'oauth-password-grant-credentials',
  },
  {
    name: 'token endpoint: HTML',
    status: 200,
    body: bodies.OPENID_HTML,
    top: 'oauth-html-response',
  },
  {
    name: 'DC CAPTCHA',
    status: 401,
    headers: bodies.DC_BASIC_CHALLENGE,
    body: bodies.DC_CAPTCHA,
    top: 'dc-captcha',
  },
  {
    name: 'DC not permitted (X-AUSERNAME)',
    status: 401,
    headers: { 'X-AUSERNAME': 'jdoe', 'X-AREQUESTID': '@1ABC' },
    body: bodies.DC_NOT_PERMITTED,
    top: 'dc-not-permitted',
    sameBody: ['dc-not-authenticated'],
  },
  {
    name: 'DC not authenticated (no X-AUSERNAME)',
    status: 401,
    headers: { 'X-AREQUESTID': '@1ABC' },
    body: bodies.DC_NOT_PERMITTED,
    top: 'dc-not-authenticated',
    sameBody: ['dc-not-permitted'],
  },
  {
    name: 'DC wrong password',
    status: 401,
    headers: bodies.DC_BASIC_CHALLENGE,
    body: bodies.DC_INCORRECT_PASSWORD,
    top: 'dc-incorrect-password',
  },
  {
    name: 'git: removed app password (410, CHANGE-3222)',
    status: 410,
    body: bodies.GIT_CHANGE_3222,
    top: 'git-change-3222',
    // The REST message is among the lines: its own signature matches too.
    sameBody: ['cloud-app-password-removed'],
  },
  {
    name: 'git: workspace IP allowlist',
    status: 403,
    body: bodies.GIT_IP_NOT_ALLOWED,
    top: 'git-ip-not-allowed',
  },
  {
    name: 'git: workspace requires two-step verification',
    status: 403,
    body: bodies.GIT_TWO_STEP_REQUIRED,
    top: 'git-two-step-required',
  },
  {
    name: 'DC Basic authentication disabled',
    status: 403,
    body: bodies.DC_BASIC_DISABLED,
    top: 'dc-basic-auth-disabled',
  },
  {
    name: 'DC challenge, empty body',
    status: 401,
    headers: bodies.DC_BASIC_CHALLENGE,
    body: '',
    top: 'dc-basic-realm',
  },
];

describe('SIGNATURES data', () => {
  it('has unique ids', () => {
    const ids = SIGNATURES.map((signature) => signature.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(SIGNATURES.map((signature) => [signature.id, signature] as const))(
    '%s: valid code, source, confidence and stateless regexes',
    (_id, signature) => {
      expect(FINDING_CODES).toContain(signature.code);
      for (const code of signature.alsoConsider ?? []) expect(FINDING_CODES).toContain(code);
      expect(signature.source).toMatch(/^https:\/\/\S+$/);
      expect(['H', 'M', 'L', 'U']).toContain(signature.confidence);
      expect(signature.body?.flags ?? '').not.toMatch(/[gy]/);
      expect(signature.header?.pattern.flags ?? '').not.toMatch(/[gy]/);
      expect(signature.summary).not.toBe('');
      expect(signature.explanation).not.toBe('');
    },
  );

  it('every signature is exercised by a documented case', () => {
    const tops = new Set(CASES.map((testCase) => testCase.top));
    expect(SIGNATURES.map((signature) => signature.id).filter((id) => !tops.has(id))).toEqual([]);
  });

  it('marks the ambiguous "Token is invalid" answer with its alternatives', () => {
    const signature = signatureById('cloud-token-invalid');
    expect(signature?.code).toBe('TOKEN_INVALID');
    expect(signature?.alsoConsider).toEqual(
      expect.arrayContaining(['API_TOKEN_AS_BEARER', 'API_TOKEN_UNSCOPED']),
    );
  });

  it('never blames the credentials for removed endpoints, rate limits, servers or proxies', () => {
    for (const code of [
      'API_V1_REMOVED',
      'ENDPOINT_REMOVED',
      'RATE_LIMITED',
      'SERVER_ERROR',
      'PROXY_AUTH_REQUIRED',
    ]) {
      for (const signature of SIGNATURES.filter((candidate) => candidate.code === code)) {
        expect(signature.blamesCredentials, signature.id).toBe(false);
      }
    }
  });
});

describe('matchSignatures on documented answers', () => {
  it.each(CASES.map((testCase) => [testCase.name, testCase] as const))('%s', (_name, testCase) => {
    const matches = matchSignatures({
      status: testCase.status,
      headers: testCase.headers ?? {},
      body: testCase.body,
    });
    expect(matches[0]?.id).toBe(testCase.top);
    // No other signature's body pattern fits this documented body.
    const intruders = SIGNATURES.filter(
      (signature) =>
        signature.body?.test(testCase.body) === true &&
        signature.id !== testCase.top &&
        !(testCase.sameBody ?? []).includes(signature.id),
    ).map((signature) => signature.id);
    expect(intruders).toEqual([]);
  });

  it('orders body matches before header-only and status-only ones', () => {
    const matches = matchSignatures({
      status: 401,
      headers: { 'WWW-Authenticate': 'Basic realm="Bitbucket.org HTTP"' },
      body: bodies.LOGIN_FAILED,
    }).map((signature) => signature.id);
    expect(matches).toEqual(['cloud-basic-login-failed', 'cloud-basic-realm']);
  });

  it('reads header names in any case', () => {
    const matches = matchSignatures({
      status: 401,
      headers: { 'Www-Authenticate': 'BitbucketCustom realm=Bitbucket.org HTTP' },
      body: '',
    });
    expect(matches.map((signature) => signature.id)).toEqual(['cloud-basic-realm']);
  });

  it('does not match a body with the wrong status', () => {
    expect(matchSignatures({ status: 200, headers: {}, body: bodies.TOKEN_INVALID })).toEqual([]);
    expect(matchSignatures({ status: 404, headers: {}, body: bodies.V1_REMOVED })).toEqual([]);
  });

  it('returns nothing for a plain 200', () => {
    expect(matchSignatures({ status: 200, headers: {}, body: '{"values":[]}' })).toEqual([]);
  });

  it('matches every 5xx', () => {
    for (const status of [500, 502, 503, 504, 599]) {
      expect(matchSignatures({ status, headers: {}, body: '' })[0]?.code).toBe('SERVER_ERROR');
    }
  });
});

describe('parseErrorBody', () => {
  const cases: readonly (readonly [string, string, string | undefined, ParsedErrorBody])[] = [
    [
      'Cloud envelope, string message',
      bodies.TOKEN_INVALID,
      'application/json',
      {
        shape: 'bitbucket',
        message: 'Token is invalid, expired, or not supported for this endpoint.',
      },
    ],
    [
      'Cloud envelope, string detail',
      bodies.V1_REMOVED,
      undefined,
      {
        shape: 'bitbucket',
        message: 'Resource removed',
        detail:
          'This API is no longer supported.\n\nFor information about its removal, please refer to the deprecation notice at: https://developer.atlassian.com/cloud/bitbucket/deprecation-notice-v1-apis/',
      },
    ],
    [
      'Cloud envelope, scope detail object',
      bodies.SCOPE_MISSING_ACCOUNT,
      'application/json; charset=utf-8',
      {
        shape: 'bitbucket',
        message: 'Your credentials lack one or more required privilege scopes.',
        detail: '{"required":["account"],"granted":["team"]}',
        required: ['account'],
        granted: ['team'],
      },
    ],
    [
      'Cloud envelope, announcement_url (CHANGE-2770)',
      bodies.CHANGE_2770,
      undefined,
      {
        shape: 'bitbucket',
        message: 'CHANGE-2770 - Functionality has been deprecated',
        detail: 'Please read the changelog entry for more details.',
        announcementUrl: 'https://developer.atlassian.com/cloud/bitbucket/changelog#CHANGE-2770',
      },
    ],
    [
      'Cloud envelope, 500 id',
      bodies.SERVER_500,
      undefined,
      { shape: 'bitbucket', message: 'Something went wrong', errorId: '<error code>' },
    ],
    [
      'old envelope without type',
      bodies.RESOURCE_NOT_FOUND,
      undefined,
      { shape: 'bitbucket', message: 'Resource not found' },
    ],
    [
      'RFC 6749 token error',
      bodies.OAUTH_CONSUMER_PUBLIC,
      'application/json',
      {
        shape: 'oauth',
        oauthError: 'invalid_grant',
        message:
          'Cannot use client_credentials with a consumer marked as "public". Calls for auto generated consumers should use urn:bitbucket:oauth2:jwt instead.',
      },
    ],
    [
      'Data Center errors[]',
      bodies.DC_NOT_PERMITTED,
      'application/json;charset=UTF-8',
      {
        shape: 'data-center',
        message: 'You are not permitted to access this resource',
        exceptionName: 'com.atlassian.bitbucket.AuthorisationException',
      },
    ],
    [
      'plain-text 401',
      bodies.LOGIN_FAILED,
      'text/plain',
      {
        shape: 'text',
        message: 'Login failed due to incorrect login credentials or method.',
        detail: bodies.LOGIN_FAILED.slice(bodies.LOGIN_FAILED.indexOf('\n') + 1).trim(),
      },
    ],
    [
      'HTML page',
      bodies.OPENID_HTML,
      'text/html',
      { shape: 'html', message: 'OpenID transaction in progress' },
    ],
    [
      'HTML without a title',
      '<html><body><h1>Bad Gateway</h1></body></html>',
      undefined,
      { shape: 'html', message: 'Bad Gateway' },
    ],
    ['empty', '', undefined, { shape: 'empty' }],
    ['whitespace only', '  \n\t ', 'application/json', { shape: 'empty' }],
    [
      'JSON of no known shape',
      '{"values": []}',
      'application/json',
      { shape: 'text', message: '{"values": []}' },
    ],
    [
      'JSON with a top-level message',
      '{"message": "Unauthorized"}',
      undefined,
      { shape: 'text', message: 'Unauthorized' },
    ],
    ['JSON null', 'null', 'application/json', { shape: 'text', message: 'null' }],
    ['JSON array', '[1, 2]', undefined, { shape: 'text', message: '[1, 2]' }],
    [
      'truncated Cloud envelope',
      '{"type": "error", "error": {"message": "Your credentials lack one or more required privilege scopes.", "detail": {"requi',
      'application/json',
      {
        shape: 'bitbucket',
        message: 'Your credentials lack one or more required privilege scopes.',
        truncated: true,
      },
    ],
    [
      'truncated token error',
      '{"error_description": "Invalid OAuth client cre',
      undefined,
      { shape: 'oauth', message: 'Invalid OAuth client cre', truncated: true },
    ],
    [
      'truncated Data Center body',
      '{"errors":[{"context":null,"message":"CAPTCHA required. Your Bitbucket account',
      undefined,
      {
        shape: 'data-center',
        message: 'CAPTCHA required. Your Bitbucket account',
        truncated: true,
      },
    ],
    ['truncated garbage', '{"a', undefined, { shape: 'text', message: '{"a', truncated: true }],
    [
      'detail with wrong types',
      '{"type":"error","error":{"message":42,"detail":{"required":"account","granted":[1,"team"]}}}',
      undefined,
      {
        shape: 'bitbucket',
        detail: '{"required":"account","granted":[1,"team"]}',
        granted: ['team'],
      },
    ],
    [
      'oauth error without description',
      '{"error": "invalid_request"}',
      undefined,
      { shape: 'oauth', oauthError: 'invalid_request' },
    ],
    ['DC errors of garbage', '{"errors": [1, "x"]}', undefined, { shape: 'data-center' }],
    [
      'byte-order mark',
      '\uFEFF{"error": {"message": "Forbidden"}}',
      undefined,
      { shape: 'bitbucket', message: 'Forbidden' },
    ],
  ];

  it.each(cases)('%s', (_name, body, contentType, expected) => {
    expect(parseErrorBody(body, contentType)).toEqual(expected);
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string(), fc.option(fc.string(), { nil: undefined }), (body, type) => {
        const parsed = parseErrorBody(body, type);
        expect(['bitbucket', 'oauth', 'data-center', 'text', 'html', 'empty']).toContain(
          parsed.shape,
        );
      }),
    );
    fc.assert(
      fc.property(fc.json(), fc.nat(200), (json, cut) => {
        parseErrorBody(json);
        parseErrorBody(json.slice(0, cut), 'application/json');
      }),
    );
  });
});
