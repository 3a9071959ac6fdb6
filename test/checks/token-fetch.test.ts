import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import check, { judge, type TokenFetchFacts } from '../../checks/token-fetch.js';
import type { TokenAnswer } from '../../src/facts/token-endpoint.js';
import { runChecks } from '../../src/runner.js';
import type { Check, Exchange, Outcome } from '../../src/types.js';
import {
  captureContext,
  explainFixture,
  explainInput,
  explainWith,
  rawCapture,
} from '../helpers/capture-input.js';
import { testCheck } from '../helpers/check-tester.js';
import { testJudge } from '../helpers/judge-tester.js';
import { AUTH, cred, makeHttp, makeInput } from '../helpers/context.js';
import { fixturesOf } from '../helpers/fixtures.js';

const fx = fixturesOf('token-fetch');
const TOKEN_PATH = '/site/oauth2/access_token';
const CLIENT_ID = 'ciKey000000000000a';
const CLIENT_SECRET = 'ciSecret0000000000000000000000aa';
const REFRESH = 'refreshTokenForAlice0123456789ab';
const PASSWORD = 'correct horse battery staple';
const consumer = [
  cred('client-id', CLIENT_ID, { source: 'env:BITBUCKET_CLIENT_ID' }),
  cred('client-secret', CLIENT_SECRET, { source: 'env:BITBUCKET_CLIENT_SECRET' }),
];
/** The consumer key and secret as HTTP Basic (§1.3): what the check must send. */
const consumerBasic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();
/** The token endpoint, answering only a request authenticated with the consumer as Basic. */
const tokenEndpoint = (): nock.Scope =>
  nock(AUTH, { reqheaders: { authorization: consumerBasic } });
const clientCredentials = form({ grant_type: 'client_credentials' });

testCheck(check, [
  {
    name: 'client_credentials 200 with "scope" (2026 shape): pass with the scopes, sent as Basic',
    input: { credentials: consumer },
    http: () =>
      fx.reply(
        tokenEndpoint()
          .post(TOKEN_PATH, clientCredentials)
          .matchHeader('content-type', 'application/x-www-form-urlencoded'),
        'token-scope-2026',
      ),
    expected: {
      verdict: 'pass',
      summary:
        /^Got a token with client_credentials: scopes repository pullrequest; lives 120 min/u,
      data: {
        grant: 'client_credentials',
        scopes: ['repository', 'pullrequest'],
        expiresIn: 7200,
        tokenType: 'bearer',
        refreshToken: 'none (client_credentials issues none since 2026-05-04)',
      },
      requests: 1,
    },
    assert: (report) => {
      // token_type "bearer" is lower case: the check warns never to copy it into the header.
      expect(report.details?.join(' ')).toMatch(/never copy token_type/u);
      expect(report.evidence[0]?.request.body).toBe('grant_type=client_credentials');
    },
  },
  {
    name: 'client_credentials 200 with "scopes" (old shape): the space-separated list is read',
    input: { credentials: consumer },
    http: () =>
      fx.reply(tokenEndpoint().post(TOKEN_PATH, clientCredentials), 'token-scopes-legacy'),
    expected: {
      verdict: 'pass',
      data: {
        grant: 'client_credentials',
        scopes: [
          'pipeline:variable',
          'webhook',
          'snippet:write',
          'wiki',
          'issue:write',
          'pullrequest:write',
          'repository:delete',
          'repository:admin',
          'project:write',
        ],
        expiresIn: 7200,
      },
      requests: 1,
    },
  },
  {
    name: 'with --use-refresh-token a refresh token is exchanged with grant_type=refresh_token (consumer still as Basic)',
    input: { credentials: [...consumer, cred('refresh-token', REFRESH)], useRefreshToken: true },
    http: () =>
      fx.reply(
        tokenEndpoint().post(
          TOKEN_PATH,
          form({ grant_type: 'refresh_token', refresh_token: REFRESH }),
        ),
        'token-refresh-rotated',
      ),
    expected: {
      verdict: 'pass',
      summary: /^Got a token with refresh_token: scopes repository;/u,
      data: { grant: 'refresh_token', scopes: ['repository'], refreshToken: 'rotated' },
      requests: 1,
    },
  },
  {
    name: 'wrong consumer key or secret (§1.6) is CONSUMER_INVALID',
    input: { credentials: consumer },
    http: () => fx.reply(tokenEndpoint().post(TOKEN_PATH, clientCredentials), 'invalid-client'),
    expected: {
      verdict: 'fail',
      code: 'CONSUMER_INVALID',
      summary: 'The token endpoint answered 400 "Invalid OAuth client credentials".',
      data: {
        grant: 'client_credentials',
        status: 400,
        error: 'unauthorized_client',
        signature: 'oauth-invalid-client',
      },
      hint: /as HTTP Basic/u,
    },
  },
  {
    name: '"Requests must be authenticated using OAuth client credentials" (§1.6) is CONSUMER_INVALID',
    input: { credentials: consumer },
    http: () =>
      fx.reply(tokenEndpoint().post(TOKEN_PATH, clientCredentials), 'client-auth-required'),
    expected: {
      verdict: 'fail',
      code: 'CONSUMER_INVALID',
      data: { status: 401, error: 'unauthorized_client', signature: 'oauth-client-auth-required' },
    },
  },
  {
    name: 'a public consumer with client_credentials (§1.6) is CONSUMER_NOT_PRIVATE',
    input: { credentials: consumer },
    http: () => fx.reply(tokenEndpoint().post(TOKEN_PATH, clientCredentials), 'consumer-public'),
    expected: {
      verdict: 'fail',
      code: 'CONSUMER_NOT_PRIVATE',
      summary: /Cannot use client_credentials with a consumer marked as "public"/u,
      data: { status: 400, error: 'invalid_grant', signature: 'oauth-consumer-public' },
      hint: /private consumer/u,
    },
  },
  {
    name: 'a consumer without a callback URL (§1.6) is CONSUMER_NO_CALLBACK',
    input: { credentials: consumer },
    http: () => fx.reply(tokenEndpoint().post(TOKEN_PATH, clientCredentials), 'no-callback'),
    expected: {
      verdict: 'fail',
      code: 'CONSUMER_NO_CALLBACK',
      data: { status: 400, error: 'invalid_request', signature: 'oauth-no-callback' },
      hint: /Callback URL/u,
    },
  },
  {
    name: 'a bad refresh token (§1.6) is REFRESH_TOKEN_INVALID (with --use-refresh-token)',
    input: { credentials: [...consumer, cred('refresh-token', REFRESH)], useRefreshToken: true },
    http: () =>
      fx.reply(
        tokenEndpoint().post(
          TOKEN_PATH,
          form({ grant_type: 'refresh_token', refresh_token: REFRESH }),
        ),
        'invalid-refresh-token',
      ),
    expected: {
      verdict: 'fail',
      code: 'REFRESH_TOKEN_INVALID',
      summary: 'The token endpoint answered 400 "Invalid refresh_token".',
      data: { grant: 'refresh_token', error: 'invalid_request' },
      hint: /rotate/u,
    },
  },
  {
    name: 'username + account password with a consumer is PASSWORD_GRANT_REMOVED; the password is never sent',
    input: {
      credentials: [...consumer, cred('account-password', PASSWORD, { username: 'alice' })],
    },
    // The body must be exactly grant_type=client_credentials: no grant_type=password, no password.
    http: () => fx.reply(tokenEndpoint().post(TOKEN_PATH, clientCredentials), 'token-scope-2026'),
    expected: {
      verdict: 'fail',
      code: 'PASSWORD_GRANT_REMOVED',
      summary: /grant_type=password was removed in 2022\. The same consumer does get a token/u,
      data: { grant: 'password', alternativeWorks: true },
      requests: 1,
    },
    assert: (report) => {
      const sent = JSON.stringify(report.evidence.map((e) => e.request));
      expect(sent).not.toContain('password');
      expect(sent).not.toContain(encodeURIComponent(PASSWORD));
      expect(sent).not.toContain(Buffer.from(`alice:${PASSWORD}`).toString('base64'));
    },
  },
  {
    name: 'the password grant with a consumer that fails too says so',
    input: {
      credentials: [...consumer, cred('account-password', PASSWORD, { username: 'alice' })],
    },
    http: () => fx.reply(tokenEndpoint().post(TOKEN_PATH, clientCredentials), 'invalid-client'),
    expected: {
      verdict: 'fail',
      code: 'PASSWORD_GRANT_REMOVED',
      summary: /did not get a token with client_credentials either/u,
      data: { grant: 'password', alternativeWorks: false },
    },
  },
  {
    name: 'without an OAuth consumer it is skipped, without a request',
    input: { credentials: [cred('api-token', 'ATATT3xFfGF0aliceApiToken=0000AAAA')] },
    expected: { verdict: 'skip', summary: /no OAuth consumer/u, requests: 0 },
  },
  {
    name: 'a refresh token without the consumer is skipped (the refresh grant needs it)',
    input: { credentials: [cred('refresh-token', REFRESH)] },
    expected: { verdict: 'skip', summary: /no OAuth consumer/u, requests: 0 },
    assert: (report) => {
      // What can be said without spending it: its length, its source, that no consumer is there.
      expect(report.details?.join(' ')).toMatch(
        /The refresh token \(32 chars, letters, digits; from env:TEST_REFRESH-TOKEN\) was not sent: since 2026-05-04 refresh tokens rotate.*No OAuth consumer/u,
      );
    },
  },
  {
    name: 'a refresh token without --use-refresh-token is never spent: client_credentials is tested, the token described',
    input: { credentials: [...consumer, cred('refresh-token', REFRESH)] },
    http: () => fx.reply(tokenEndpoint().post(TOKEN_PATH, clientCredentials), 'token-scope-2026'),
    expected: {
      verdict: 'pass',
      summary: /^Got a token with client_credentials/u,
      data: { grant: 'client_credentials' },
      requests: 1,
    },
    assert: (report) => {
      expect(report.evidence[0]?.request.body).toBe('grant_type=client_credentials');
      expect(report.evidence.some((e) => e.request.body?.includes(REFRESH) === true)).toBe(false);
      expect(report.details?.join(' ')).toMatch(
        /The refresh token \(32 chars.*was not sent.*rerun with --use-refresh-token; it rotates the token: your application must then use the new one/u,
      );
    },
  },
  {
    name: 'offline (explain) with no token call in the capture: skipped, nothing is sent',
    input: {
      credentials: consumer,
      offline: { file: 'saved.txt', format: 'curl-i', exchanges: [] },
    },
    expected: {
      verdict: 'skip',
      summary: 'Skipped: the capture holds no call to the OAuth token endpoint.',
      requests: 0,
    },
  },
  {
    name: 'an unreachable token endpoint is named as the network, never as a bad consumer',
    input: { credentials: consumer },
    http: () =>
      tokenEndpoint()
        .post(TOKEN_PATH, clientCredentials)
        .replyWithError(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' })),
    expected: {
      verdict: 'fail',
      code: 'NETWORK_UNREACHABLE',
      summary: /^Token endpoint: The host name bitbucket\.org does not resolve/u,
      requests: 1,
    },
  },
]);

describe('token-fetch shares and protects the token it obtained', () => {
  beforeEach(() => {
    nock.disableNetConnect();
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const connectivity: Check = {
    meta: { id: 'connectivity', title: 'Stub connectivity', description: 'Stub.', codes: [] },
    run: (): Outcome => ({ verdict: 'pass', summary: 'connectivity passed (stub)' }),
  };
  /** A later check that reports what token-fetch left in ctx.shared. */
  const probe: Check = {
    meta: {
      id: 'probe',
      title: 'Probe',
      description: 'Reads the shared token.',
      codes: [],
      needs: ['after:token-fetch'],
    },
    run: async (ctx): Promise<Outcome> => ({
      verdict: 'pass',
      summary: 'probe',
      data: { token: await ctx.fact('fetchedToken') },
    }),
  };

  it('registers the access and refresh tokens as secrets and shares the token with later checks', async () => {
    const input = makeInput({
      credentials: [...consumer, cred('refresh-token', REFRESH)],
      useRefreshToken: true,
    });
    const http = makeHttp(input);
    const scope = fx.reply(
      tokenEndpoint().post(
        TOKEN_PATH,
        form({ grant_type: 'refresh_token', refresh_token: REFRESH }),
      ),
      'token-refresh-rotated',
    );
    const registered: string[] = [];
    const reports = await runChecks([connectivity, check, probe], {
      input,
      httpFor: (evidence) => http.forCheck(evidence),
      registerSecret: (secret) => registered.push(secret),
    });
    expect(scope.pendingMocks()).toEqual([]);
    expect(reports.map((r) => r.status)).toEqual(['pass', 'pass', 'pass']);
    expect(registered).toEqual([
      'rt-access-token-abcdefghijklmnopqrst',
      'rotated-refresh-token-0123456789',
    ]);
    expect(reports[2]?.data['token']).toEqual({
      token: 'rt-access-token-abcdefghijklmnopqrst',
      scopes: ['repository'],
      grant: 'refresh_token',
      expiresIn: 7200,
      tokenType: 'bearer',
    });
  });

  it('shares nothing when the token endpoint refuses', async () => {
    const input = makeInput({ credentials: consumer });
    const http = makeHttp(input);
    fx.reply(tokenEndpoint().post(TOKEN_PATH, clientCredentials), 'invalid-client');
    const registered: string[] = [];
    const reports = await runChecks([connectivity, check, probe], {
      input,
      httpFor: (evidence) => http.forCheck(evidence),
      registerSecret: (secret) => registered.push(secret),
    });
    expect(reports[1]?.code).toBe('CONSUMER_INVALID');
    expect(registered).toEqual([]);
    expect(reports[2]?.data['token']).toBeUndefined();
  });
});

// -----------------------------------------------------------------------------------------------
// The judge, as data: the doctor's own token request (live) and a captured one (explain) are the
// same facts, so the same table covers both.
// -----------------------------------------------------------------------------------------------

const INVALID_CLIENT: TokenAnswer = {
  status: 400,
  error: 'unauthorized_client',
  description: 'Invalid OAuth client credentials',
  signatures: [{ id: 'oauth-invalid-client', code: 'CONSUMER_INVALID' }],
};
const TOKEN: TokenAnswer = {
  status: 200,
  signatures: [],
  token: {
    accessToken: 'cc-access-token-0123456789abcdef',
    scopes: ['repository', 'pullrequest'],
    expiresIn: 7200,
    tokenType: 'bearer',
  },
};
const UNSUPPORTED_NONE: TokenAnswer = {
  status: 400,
  error: 'invalid_grant',
  description: 'Unsupported grant type: None',
  signatures: [{ id: 'oauth-unsupported-grant', code: 'PASSWORD_GRANT_REMOVED' }],
};
const live = (facts: Omit<TokenFetchFacts, 'from'>): TokenFetchFacts => ({
  from: 'live',
  ...facts,
});
const captured = (facts: Omit<TokenFetchFacts, 'from'>): TokenFetchFacts => ({
  from: 'capture',
  ...facts,
});

testJudge(check, {
  valid: [
    {
      name: 'live: a token with client_credentials passes and is shared',
      facts: live({ grant: 'client_credentials', answer: TOKEN }),
      verdict: 'pass',
      summary:
        /^Got a token with client_credentials: scopes repository pullrequest; lives 120 min/u,
      assert: (outcome) => {
        expect(outcome.provides?.fetchedToken).toEqual({
          token: 'cc-access-token-0123456789abcdef',
          scopes: ['repository', 'pullrequest'],
          grant: 'client_credentials',
          expiresIn: 7200,
          tokenType: 'bearer',
        });
        expect(outcome.details?.join(' ')).toMatch(/never copy token_type/u);
      },
    },
    {
      name: 'captured: a token in the capture passes, worded as a capture',
      facts: captured({ grant: 'refresh_token', answer: TOKEN }),
      verdict: 'pass',
      summary: /^The capture shows a token obtained with refresh_token: scopes repository/u,
      data: { grant: 'refresh_token', refreshToken: 'rotated', captured: true },
    },
    {
      name: 'live: no consumer, nothing to fetch',
      facts: live({ skip: 'no OAuth consumer (client id and secret) was given' }),
      verdict: 'skip',
      summary: 'Skipped: no OAuth consumer (client id and secret) was given.',
    },
    {
      name: 'captured: no token call in the capture',
      facts: captured({ skip: 'the capture holds no call to the OAuth token endpoint' }),
      verdict: 'skip',
    },
    {
      name: 'captured: "Unsupported grant type: None" without grant_type is no password grant',
      facts: captured({ answer: UNSUPPORTED_NONE }),
      verdict: 'skip',
      summary: /matches no documented token-endpoint error/u,
    },
    {
      name: 'captured: a refusal no signature knows is not guessed at',
      facts: captured({
        grant: 'client_credentials',
        answer: { status: 401, signatures: [], description: 'Something else' },
      }),
      verdict: 'skip',
    },
  ],
  invalid: [
    {
      name: 'live: wrong consumer key or secret',
      facts: live({ grant: 'client_credentials', answer: INVALID_CLIENT }),
      code: 'CONSUMER_INVALID',
      summary: 'The token endpoint answered 400 "Invalid OAuth client credentials".',
      data: {
        grant: 'client_credentials',
        status: 400,
        error: 'unauthorized_client',
        signature: 'oauth-invalid-client',
      },
      hint: /as HTTP Basic/u,
    },
    {
      name: 'captured: the same answer without the request (curl -i)',
      facts: captured({ answer: INVALID_CLIENT }),
      code: 'CONSUMER_INVALID',
      summary:
        'The token endpoint answered 400 "Invalid OAuth client credentials" to the captured token request.',
      data: { status: 400, signature: 'oauth-invalid-client', captured: true },
    },
    {
      name: 'captured: client_credentials on a public consumer',
      facts: captured({
        grant: 'client_credentials',
        answer: {
          status: 400,
          error: 'invalid_grant',
          signatures: [{ id: 'oauth-consumer-public', code: 'CONSUMER_NOT_PRIVATE' }],
        },
      }),
      code: 'CONSUMER_NOT_PRIVATE',
      hint: /private consumer/u,
    },
    {
      name: 'captured: a consumer without a callback URL',
      facts: captured({
        answer: {
          status: 400,
          error: 'invalid_request',
          signatures: [{ id: 'oauth-no-callback', code: 'CONSUMER_NO_CALLBACK' }],
        },
      }),
      code: 'CONSUMER_NO_CALLBACK',
    },
    {
      name: 'captured: an invalid refresh token',
      facts: captured({
        grant: 'refresh_token',
        answer: {
          status: 400,
          error: 'invalid_request',
          description: 'Invalid refresh_token',
          signatures: [{ id: 'oauth-invalid-refresh-token', code: 'REFRESH_TOKEN_INVALID' }],
        },
      }),
      code: 'REFRESH_TOKEN_INVALID',
      data: { grant: 'refresh_token', error: 'invalid_request' },
    },
    {
      name: 'live: a refresh refused without a known body is the refresh token',
      facts: live({ grant: 'refresh_token', answer: { status: 400, signatures: [] } }),
      code: 'REFRESH_TOKEN_INVALID',
    },
    {
      name: 'live: "Unsupported grant type" to the doctor\'s own grant is never the password grant',
      facts: live({ grant: 'client_credentials', answer: UNSUPPORTED_NONE }),
      code: 'CONSUMER_INVALID',
    },
    {
      name: 'live: a password given with a working consumer is PASSWORD_GRANT_REMOVED',
      facts: live({ grant: 'client_credentials', password: 'given', answer: TOKEN }),
      code: 'PASSWORD_GRANT_REMOVED',
      summary:
        /grant_type=password was removed in 2022\. The same consumer does get a token with client_credentials\./u,
      data: { grant: 'password', alternativeWorks: true },
      assert: (outcome) => expect(outcome.provides?.fetchedToken).toBeDefined(),
    },
    {
      name: "live: a pasted step's password grant is said as the user's own token fetch",
      facts: live({ grant: 'client_credentials', password: 'pasted', answer: TOKEN }),
      code: 'PASSWORD_GRANT_REMOVED',
      summary:
        /^Your token fetch asks for grant_type=password, which was removed in 2022\. The same consumer does get a token with client_credentials\.$/u,
    },
    {
      name: 'captured: grant_type=password in the captured form is PASSWORD_GRANT_REMOVED',
      facts: captured({
        grant: 'password',
        password: 'sent',
        answer: {
          status: 401,
          error: 'invalid_request',
          description: 'Invalid resource owner username/password',
          signatures: [{ id: 'oauth-password-grant-credentials', code: 'PASSWORD_GRANT_REMOVED' }],
        },
      }),
      code: 'PASSWORD_GRANT_REMOVED',
      summary:
        'The captured token request used grant_type=password, which was removed in 2022; the token endpoint answered 401 "Invalid resource owner username/password".',
      data: { grant: 'password', status: 401, captured: true },
    },
    {
      name: 'captured: the historic password-grant answer without the request names the grant',
      facts: captured({
        answer: {
          status: 401,
          signatures: [{ id: 'oauth-password-grant-credentials', code: 'PASSWORD_GRANT_REMOVED' }],
        },
      }),
      code: 'PASSWORD_GRANT_REMOVED',
    },
    {
      name: 'live or captured: no answer is the network, never the consumer',
      facts: live({
        grant: 'client_credentials',
        answer: {
          signatures: [],
          problem: {
            code: 'NETWORK_UNREACHABLE',
            summary: 'The host name bitbucket.org does not resolve (ENOTFOUND).',
            remediation: { hint: 'Check your DNS.' },
          },
        },
      }),
      code: 'NETWORK_UNREACHABLE',
      summary: /^Token endpoint: The host name/u,
    },
  ],
});

// -----------------------------------------------------------------------------------------------
// fromCapture: the facts of real captured token calls (fixtures/explain and raw HTTP), offline.
// -----------------------------------------------------------------------------------------------

const JSON_TYPE = { 'Content-Type': 'application/json' };
const tokenCapture = (body: string, answer: Record<string, unknown>, status = 400): string =>
  rawCapture(
    {
      method: 'POST',
      url: `${AUTH}${TOKEN_PATH}`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
    },
    { status, headers: JSON_TYPE, body: JSON.stringify(answer) },
  );

describe('token-fetch fromCapture: the same facts from a captured token call', () => {
  const factsOf = async (text: string | Buffer, registered: string[] = []) => {
    const { input, capture } = explainInput(text);
    return check.fromCapture!(captureContext(input, registered), capture);
  };

  it('a raw POST with grant_type=client_credentials and the public-consumer answer', async () => {
    const facts = await factsOf(explainFixture('consumer-not-private.raw.txt'));
    expect(facts).toMatchObject({
      from: 'capture',
      grant: 'client_credentials',
      answer: {
        status: 400,
        error: 'invalid_grant',
        signatures: [{ id: 'oauth-consumer-public', code: 'CONSUMER_NOT_PRIVATE' }],
      },
    });
    expect(facts.password).toBeUndefined();
    expect(judge(facts)).toMatchObject({ verdict: 'fail', code: 'CONSUMER_NOT_PRIVATE' });
  });

  it('curl -v (the body not shown): the grant is unknown, the answer names the cause', async () => {
    const facts = await factsOf(explainFixture('consumer-no-callback.curl-v.txt'));
    expect(facts.grant).toBeUndefined();
    expect(judge(facts)).toMatchObject({ verdict: 'fail', code: 'CONSUMER_NO_CALLBACK' });
  });

  it('curl -i without the request: an RFC 6749 error body is the token endpoint answer', async () => {
    const facts = await factsOf(explainFixture('continue-100.curl-i.txt'));
    expect(facts.answer).toMatchObject({ status: 400, error: 'unauthorized_client' });
    expect(judge(facts)).toMatchObject({ verdict: 'fail', code: 'CONSUMER_INVALID' });
  });

  it('grant_type=password in the captured form: PASSWORD_GRANT_REMOVED; the password is a secret', async () => {
    const registered: string[] = [];
    const facts = await factsOf(
      tokenCapture(
        `grant_type=password&username=jdoe&password=${encodeURIComponent(PASSWORD)}`,
        {
          error_description: 'Invalid resource owner username/password',
          error: 'invalid_request',
        },
        401,
      ),
      registered,
    );
    expect(facts).toMatchObject({ grant: 'password', password: 'sent' });
    expect(registered).toContain(PASSWORD);
    const outcome = judge(facts);
    expect(outcome).toMatchObject({ verdict: 'fail', code: 'PASSWORD_GRANT_REMOVED' });
    expect(JSON.stringify(outcome)).not.toContain(PASSWORD);
  });

  it('a captured refresh that Bitbucket refuses: REFRESH_TOKEN_INVALID', async () => {
    const facts = await factsOf(
      tokenCapture(`grant_type=refresh_token&refresh_token=${REFRESH}`, {
        error_description: 'Invalid refresh_token',
        error: 'invalid_request',
      }),
    );
    expect(facts.grant).toBe('refresh_token');
    expect(judge(facts)).toMatchObject({ verdict: 'fail', code: 'REFRESH_TOKEN_INVALID' });
  });

  it('"Unsupported grant type: None" to a form without grant_type is not called a password grant', async () => {
    const facts = await factsOf(
      tokenCapture('grant_typ=client_credentials', {
        error_description: 'Unsupported grant type: None',
        error: 'invalid_grant',
      }),
    );
    expect(facts.grant).toBeUndefined();
    expect(judge(facts).verdict).toBe('skip');
  });

  it('a captured success: the scopes and lifetime are read, the tokens registered', async () => {
    const registered: string[] = [];
    const facts = await factsOf(
      tokenCapture(
        'grant_type=client_credentials',
        {
          access_token: 'captured-access-token-0123456789',
          scope: 'repository account',
          expires_in: 7200,
          token_type: 'bearer',
        },
        200,
      ),
      registered,
    );
    expect(facts.answer?.token).toMatchObject({
      scopes: ['repository', 'account'],
      expiresIn: 7200,
    });
    expect(registered).toEqual(['captured-access-token-0123456789']);
    expect(judge(facts)).toMatchObject({ verdict: 'pass' });
  });

  it('picks the failing token call of a capture that also holds REST calls', async () => {
    const rest: Exchange = {
      request: { method: 'GET', url: 'https://api.bitbucket.org/2.0/user', headers: {} },
      response: { status: 401, headers: {}, body: '' },
      durationMs: 0,
    };
    const { input, capture } = explainInput(explainFixture('consumer-not-private.raw.txt'));
    const facts = await check.fromCapture!(captureContext(input), {
      ...capture,
      exchanges: [rest, ...capture.exchanges, rest],
    });
    expect(facts.answer?.status).toBe(400);
  });

  it('through the runner: explain judges a captured token call, sending nothing', async () => {
    const { report, sent } = await explainWith(
      check,
      explainFixture('consumer-not-private.raw.txt'),
    );
    expect(report.status).toBe('fail');
    expect(report.code).toBe('CONSUMER_NOT_PRIVATE');
    expect(sent).toBe(0);
  });
});
