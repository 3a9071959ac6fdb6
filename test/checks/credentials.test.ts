import { describe, expect, it } from 'vitest';
import check, { judge, type CredentialsFacts } from '../../checks/credentials.js';
import { makeCredential } from '../../src/intake/credentials.js';
import {
  captureContext,
  explainFixture,
  explainInput,
  explainWith,
  rawCapture,
} from '../helpers/capture-input.js';
import { testCheck } from '../helpers/check-tester.js';
import { cred } from '../helpers/context.js';
import { testJudge } from '../helpers/judge-tester.js';

testCheck(check, [
  {
    name: 'a clean API token passes and is described by kind, source and fingerprint',
    input: {
      credentials: [
        cred('api-token', 'ATATT3xFfGF0abcdefgh', { source: 'env:BITBUCKET_API_TOKEN' }),
      ],
    },
    expected: {
      verdict: 'pass',
      summary: /^api-token from env:BITBUCKET_API_TOKEN \(sha256:[0-9a-f]{8}, 20 chars\)$/u,
    },
  },
  {
    name: 'a token under 20 characters is described by its position, with no fingerprint',
    input: { credentials: [cred('api-token', 'ATATT3xFfGF0abcd')] },
    expected: { verdict: 'pass', summary: /^api-token from .* \(#1, 16 chars\)$/u },
  },
  {
    name: 'a token of 4 characters is a placeholder (TOKEN_INVALID, a warning)',
    input: { credentials: [cred('api-token', 'abcd', { source: 'flag:--api-token' })] },
    expected: {
      verdict: 'warn',
      code: 'TOKEN_INVALID',
      summary:
        'The api-token from flag:--api-token is 4 characters: too short to be a Bitbucket token; a placeholder?',
      data: { length: 4, placeholder: true },
    },
  },
  {
    name: 'a short account password is no placeholder (Data Center passwords often are short)',
    input: { credentials: [cred('account-password', 'abcd', { username: 'jdoe' })] },
    expected: { verdict: 'pass' },
  },
  {
    name: 'nothing given is NO_CREDENTIALS',
    expected: {
      verdict: 'fail',
      code: 'NO_CREDENTIALS',
      summary: 'No credentials were given: every request goes out anonymous.',
    },
  },
  {
    name: 'a trailing newline is SECRET_WHITESPACE',
    input: { credentials: [cred('access-token', 'abcdefghijkl\n')] },
    expected: { verdict: 'fail', code: 'SECRET_WHITESPACE', summary: /newline/u },
  },
  {
    name: 'quotes around the secret are SECRET_WHITESPACE',
    input: { credentials: [cred('access-token', '"abcdefghijkl"')] },
    expected: { verdict: 'fail', code: 'SECRET_WHITESPACE', summary: /quotes/u },
  },
  {
    name: 'a literal $VAR is SECRET_UNEXPANDED and names the variable',
    input: { credentials: [cred('access-token', '$BITBUCKET_TOKEN')] },
    expected: {
      verdict: 'fail',
      code: 'SECRET_UNEXPANDED',
      data: { variable: 'BITBUCKET_TOKEN' },
      hint: /Export BITBUCKET_TOKEN/u,
    },
  },
  {
    name: 'a literal $(cat file) is SECRET_UNEXPANDED and names the file',
    input: { credentials: [cred('api-token', '$(cat ~/.bb-token)')] },
    expected: { verdict: 'fail', code: 'SECRET_UNEXPANDED', data: { file: '~/.bb-token' } },
  },
  {
    name: 'a backtick expression is SECRET_UNEXPANDED',
    input: { credentials: [cred('api-token', '`pass show bitbucket`')] },
    expected: { verdict: 'fail', code: 'SECRET_UNEXPANDED' },
  },
  {
    name: 'an Authorization header with nothing in it: skipped for header-casing',
    input: { headers: [{ name: 'Authorization', value: 'Bearer', source: 'flag:--header' }] },
    expected: { verdict: 'skip', summary: /carries no credential; see header-casing/u },
  },
]);

// -----------------------------------------------------------------------------------------------
// The judge, as data: what was given (live) and what a capture shows (explain).
// -----------------------------------------------------------------------------------------------

const CAPTURED_API_TOKEN = cred('api-token', 'ATATT3xFfGF0capturedToken=0000', {
  source: 'header:Authorization (capture:saved.txt #1)',
  username: 'jdoe@example.com',
});

testJudge<CredentialsFacts>(check, {
  valid: [
    {
      name: 'live: a well-formed credential passes',
      facts: { credentials: [cred('access-token', 'abcdefghijkl')] },
      verdict: 'pass',
    },
    {
      name: 'live: several credentials are listed by kind and source',
      facts: { credentials: [cred('client-id', 'key0000000'), cred('client-secret', 'sec00000')] },
      verdict: 'pass',
      summary: /^2 credentials, all well-formed: client-id/u,
    },
    {
      name: 'captured: the credential of the captured header passes',
      facts: { credentials: [CAPTURED_API_TOKEN], capture: { request: 'GET /2.0/user' } },
      verdict: 'pass',
      summary: /capture:saved\.txt #1/u,
    },
    {
      name: 'captured: the capture does not show the request (curl -i): unknown, skipped',
      facts: { credentials: [], capture: {} },
      verdict: 'skip',
      summary: /does not show the request/u,
    },
    {
      name: "an Authorization header without a credential is header-casing's",
      facts: {
        credentials: [],
        emptyAuthorization: 'capture:saved.txt',
        capture: { request: 'GET /2.0/user' },
      },
      verdict: 'skip',
      summary: /see header-casing/u,
    },
    {
      name: 'captured: no credentials, but a removed API 1.0 path fails with any: api-version',
      facts: {
        credentials: [],
        capture: {
          request: 'GET /1.0/user/repositories',
          endpointGone: {
            code: 'API_V1_REMOVED',
            summary: 'API 1.0 was removed on 2019-04-29 (answers 410 Gone).',
          },
        },
      },
      verdict: 'skip',
      summary:
        /carries no credentials, but no credential would help: API 1\.0 was removed .*\(see api-version\)\.$/u,
      data: { anonymous: true, endpointGone: 'API_V1_REMOVED' },
    },
    {
      name: 'captured: the secret is in the form body (a token request), not anonymous',
      facts: {
        credentials: [],
        capture: {
          request: 'POST /site/oauth2/access_token',
          secretElsewhere: 'the form body (password)',
        },
      },
      verdict: 'skip',
      summary: /carries its secret in the form body \(password\)/u,
      data: { anonymous: false },
    },
  ],
  invalid: [
    {
      name: 'a euro sign in a token is HEADER_MALFORMED, by position and code point only',
      facts: {
        credentials: [makeCredential('api-token', 'ATATT3xFfGF0\u20acabc', 'env:T', 'a@b.c')],
      },
      code: 'HEADER_MALFORMED',
      summary: /character 13 is U\+20AC EURO SIGN: copied from a web page\?/u,
      assert: (outcome) => expect(JSON.stringify(outcome)).not.toContain('xFfGF'),
    },
    {
      name: 'a zero-width space is SECRET_WHITESPACE',
      facts: { credentials: [makeCredential('api-token', 'ATATT3\u200bxyz', 'env:T', 'a@b.c')] },
      code: 'SECRET_WHITESPACE',
      summary: /character 7 is U\+200B ZERO WIDTH SPACE/u,
    },
    {
      name: 'a smart quote inside a token is HEADER_MALFORMED',
      facts: { credentials: [makeCredential('access-token', 'abc\u201cdef', 'flag:--token')] },
      code: 'HEADER_MALFORMED',
      summary: /character 4 is U\+201C LEFT DOUBLE QUOTATION MARK/u,
    },
    {
      name: 'an unknown control character is named by its code point',
      facts: { credentials: [makeCredential('access-token', 'abc\u0007def', 'flag:--token')] },
      code: 'HEADER_MALFORMED',
      summary: /character 4 is U\+0007 It was not sent/u,
    },
    {
      name: 'live: nothing given',
      facts: { credentials: [] },
      code: 'NO_CREDENTIALS',
      summary: 'No credentials were given: every request goes out anonymous.',
      hint: /API token/u,
    },
    {
      name: 'captured: the failing request carries no credentials',
      facts: { credentials: [], capture: { request: 'GET /2.0/repositories/acme/secret-repo' } },
      code: 'NO_CREDENTIALS',
      summary:
        'The captured request (GET /2.0/repositories/acme/secret-repo) carries no credentials: it went out anonymous.',
      data: { anonymous: true, captured: true },
    },
    {
      name: 'captured: a Bearer header with a literal $VAR',
      facts: {
        credentials: [
          cred('access-token', '$BITBUCKET_TOKEN', {
            source: 'header:Authorization (capture:saved.txt #1)',
          }),
        ],
        capture: { request: 'GET /2.0/user' },
      },
      code: 'SECRET_UNEXPANDED',
    },
    {
      name: 'captured: a Basic secret with a trailing newline',
      facts: {
        credentials: [
          cred('api-token', 'ATATT3xFfGF0capturedToken=0000\n', { username: 'jdoe@example.com' }),
        ],
        capture: { request: 'GET /2.0/user' },
      },
      code: 'SECRET_WHITESPACE',
    },
  ],
});

// -----------------------------------------------------------------------------------------------
// fromCapture: what real captures show of the credentials, offline.
// -----------------------------------------------------------------------------------------------

const API = 'https://api.bitbucket.org';
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const JSON_TYPE = { 'content-type': 'application/json' };
const NO_ACCESS = JSON.stringify({
  type: 'error',
  error: {
    message:
      'You may not have access to this repository or it no longer exists in this workspace. If you think this repository exists and you have access, make sure you are authenticated.',
  },
});

describe('credentials fromCapture: what the capture shows of the credentials', () => {
  const factsOf = async (text: string | Buffer): Promise<CredentialsFacts> => {
    const { input, capture } = explainInput(text, 'saved.txt');
    return check.fromCapture!(captureContext(input), capture);
  };

  it('curl -v -L without credentials: the captured request carries none (NO_CREDENTIALS)', async () => {
    const facts = await factsOf(explainFixture('private-repo-anonymous-redirect.curl-v.txt'));
    expect(facts).toMatchObject({
      credentials: [],
      capture: { request: 'GET /2.0/repositories/acme/secret-repo' },
    });
    expect(facts.capture?.secretElsewhere).toBeUndefined();
    expect(judge(facts)).toMatchObject({ verdict: 'fail', code: 'NO_CREDENTIALS' });
  });

  it('an anonymous API 1.0 call: the removed endpoint outranks the missing credentials', async () => {
    const facts = await factsOf(
      rawCapture(
        { url: `${API}/1.0/user/repositories` },
        {
          status: 410,
          headers: JSON_TYPE,
          body: JSON.stringify({ type: 'error', error: { message: 'Resource removed' } }),
        },
      ),
    );
    expect(facts.capture?.endpointGone?.code).toBe('API_V1_REMOVED');
    expect(judge(facts).verdict).toBe('skip');
  });

  it('an anonymous CHANGE-2770 call: skipped for api-version, by the URL or by the answer', async () => {
    const facts = await factsOf(
      rawCapture(
        { url: `${API}/2.0/workspaces` },
        {
          status: 410,
          headers: JSON_TYPE,
          body: JSON.stringify({
            type: 'error',
            error: { message: 'CHANGE-2770 - Functionality has been deprecated' },
          }),
        },
      ),
    );
    expect(facts.capture?.endpointGone?.code).toBe('ENDPOINT_REMOVED');
    expect(judge(facts).verdict).toBe('skip');
  });

  it('the password grant: its secrets are in the form body, so it was not anonymous', async () => {
    const facts = await factsOf(
      rawCapture(
        {
          method: 'POST',
          url: 'https://bitbucket.org/site/oauth2/access_token',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=password&username=jdoe&password=Winter2026',
        },
        { status: 401, headers: JSON_TYPE, body: '{"error": "invalid_request"}' },
      ),
    );
    expect(facts.capture?.secretElsewhere).toBe('the form body (password)');
    expect(judge(facts).verdict).toBe('skip');
  });

  it('a token in the query string: not anonymous (api-version names SECRET_IN_URL)', async () => {
    const facts = await factsOf(
      rawCapture(
        { url: `${API}/2.0/user?access_token=opaqueTokenInTheQuery0123456789` },
        {
          status: 401,
          headers: JSON_TYPE,
          body: '{"type":"error","error":{"message":"Token is invalid, expired, or not supported for this endpoint."}}',
        },
      ),
    );
    expect(facts.capture?.secretElsewhere).toBe('the URL');
    expect(JSON.stringify(judge(facts))).not.toContain('opaqueTokenInTheQuery');
  });

  it('a session cookie: not anonymous', async () => {
    const facts = await factsOf(
      rawCapture(
        {
          url: `${API}/2.0/repositories/acme/secret-repo`,
          headers: { Cookie: 'cloud.session.token=abc123def456' },
        },
        { status: 404, headers: JSON_TYPE, body: NO_ACCESS },
      ),
    );
    expect(facts.capture?.secretElsewhere).toBe('the cookie header');
  });

  it('curl -i output without the request: what was sent is unknown', async () => {
    const facts = await factsOf(explainFixture('scope-missing.curl-i.txt'));
    expect(facts.capture).toEqual({});
    expect(judge(facts).verdict).toBe('skip');
  });

  it('a captured Basic secret with a trailing newline is SECRET_WHITESPACE, as live', async () => {
    const facts = await factsOf(
      rawCapture(
        {
          url: `${API}/2.0/user`,
          headers: {
            Authorization: `Basic ${b64('jdoe@example.com:ATATT3xFfGF0capturedToken=0000\n')}`,
          },
        },
        { status: 401, headers: { 'content-type': 'text/plain' }, body: 'Login failed' },
      ),
    );
    expect(judge(facts)).toMatchObject({ verdict: 'fail', code: 'SECRET_WHITESPACE' });
  });

  it('through the runner: explain says the captured request was anonymous, sending nothing', async () => {
    const { report, sent } = await explainWith(
      check,
      explainFixture('private-repo-anonymous-redirect.curl-v.txt'),
    );
    expect(report.code).toBe('NO_CREDENTIALS');
    expect(report.summary).toMatch(
      /^The captured request \(GET \/2\.0\/repositories\/acme\/secret-repo\) carries no credentials/u,
    );
    expect(sent).toBe(0);
  });
});
