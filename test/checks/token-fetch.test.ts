import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import check from '../../checks/token-fetch.js';
import { runChecks } from '../../src/runner.js';
import type { Check, Outcome } from '../../src/types.js';
import { testCheck } from '../helpers/check-tester.js';
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
    name: 'a refresh token is exchanged with grant_type=refresh_token (consumer still as Basic)',
    input: { credentials: [...consumer, cred('refresh-token', REFRESH)] },
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
    name: 'a bad refresh token (§1.6) is REFRESH_TOKEN_INVALID',
    input: { credentials: [...consumer, cred('refresh-token', REFRESH)] },
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
  },
  {
    name: 'offline (explain): skipped, nothing is sent',
    input: {
      credentials: consumer,
      offline: { file: 'saved.txt', format: 'curl-i', exchanges: [] },
    },
    expected: { verdict: 'skip', summary: /offline/u, requests: 0 },
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
    const input = makeInput({ credentials: [...consumer, cred('refresh-token', REFRESH)] });
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
