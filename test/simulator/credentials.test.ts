// bitbucket-auth.md §1.7, §2.3, §3.3, §3.4, §3.5, §4.1, §5: what each kind of credential gets.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/server.js';
import {
  ALICE_EMAIL,
  REPO_404,
  SECRETS,
  TOKEN_INVALID,
  at,
  basic,
  bearer,
  get,
  slugs,
  startTestSimulator,
} from './helpers.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(async () => {
  await sim.close();
});

const COMMITS = '/2.0/repositories/acme/secret-repo/commits/master';

function expectLoginFailed(res: Awaited<ReturnType<typeof get>>): void {
  expect(res.status).toBe(401);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  expect(res.text).toBe(
    'Login failed due to incorrect login credentials or method.\n' +
      'For information on authentication methods for Bitbucket Cloud APIs, visit:\n' +
      '    https://developer.atlassian.com/cloud/bitbucket/rest/intro/#authentication\n' +
      'If you are unsure of which login details or login method to use, visit:\n' +
      '    https://support.atlassian.com/bitbucket-cloud/docs/log-into-or-connect-to-bitbucket-cloud/\n',
  );
  expect(res.headers.get('www-authenticate')).toBe('Basic realm="Bitbucket.org HTTP"');
  expect(res.headers.get('server')).toBe('envoy');
}

describe('API tokens (§5.2, §5.3)', () => {
  test('Basic with the account EMAIL works; /2.0/user names the user; x-credential-type api_token', async () => {
    const res = await get(sim, '/2.0/user', basic(ALICE_EMAIL, SECRETS.apiToken));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      type: 'user',
      username: 'alice',
      display_name: 'Alice Example',
      account_id: '712020:alice',
      uuid: '{00000000-0000-4000-a000-00000000a11c}',
    });
    expect(res.headers.get('x-credential-type')).toBe('api_token');
  });

  test('Basic with the Bitbucket USERNAME → 401 plain-text "Login failed", Basic realm, server: envoy', async () => {
    expectLoginFailed(await get(sim, COMMITS, basic('alice', SECRETS.apiToken)));
  });

  test('sent as Bearer → 401 JSON "Token is invalid, expired, or not supported for this endpoint."', async () => {
    const res = await get(sim, COMMITS, bearer(SECRETS.apiToken));
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ type: 'error', error: { message: TOKEN_INVALID } });
  });

  test('classic unscoped token with the email → 401 JSON "Token is invalid..."', async () => {
    const res = await get(sim, COMMITS, basic(ALICE_EMAIL, SECRETS.classicToken));
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ type: 'error', error: { message: TOKEN_INVALID } });
  });
});

describe('app passwords (§5.1, removed 2026-07-28)', () => {
  test('with the username → 401 plain text naming the removal', async () => {
    const res = await get(sim, COMMITS, basic('alice', SECRETS.appPassword));
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toContain(
      'App passwords are deprecated and must be replaced with API tokens.',
    );
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="Bitbucket.org HTTP"');
  });

  test('with the email (never worked, §5.2) → 401 "Login failed"', async () => {
    expectLoginFailed(await get(sim, COMMITS, basic(ALICE_EMAIL, SECRETS.appPassword)));
  });
});

describe('account passwords (§3.4 item 3, rejected since 2022-03-01)', () => {
  for (const user of ['alice', ALICE_EMAIL]) {
    test(`Basic ${user}:<password> → 401 with the "stopped supporting account passwords" text`, async () => {
      const res = await get(sim, COMMITS, basic(user, SECRETS.password));
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(
        res.text.startsWith(
          'Bitbucket Cloud recently stopped supporting account passwords for API authentication.\n',
        ),
      ).toBe(true);
      expect(res.text).toContain(
        'https://developer.atlassian.com/cloud/bitbucket/rest/intro/#authentication',
      );
    });
  }
});

describe('OAuth access tokens (§1.5, §1.7)', () => {
  test('a valid token as Bearer works', async () => {
    const res = await get(sim, COMMITS, bearer(SECRETS.oauth));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-credential-type')).toBe('oauth2');
  });

  test('an expired token → 401 "Access token expired. Use your refresh token..."', async () => {
    for (const secret of [SECRETS.oauthExpired, SECRETS.oauthPastExpiresAt]) {
      const res = await get(sim, COMMITS, bearer(secret));
      expect(res.status).toBe(401);
      expect(res.json).toEqual({
        type: 'error',
        error: {
          message: 'Access token expired. Use your refresh token to obtain a new access token.',
        },
      });
    }
  });

  test('an OAuth token with Basic → 401 "Login failed"', async () => {
    expectLoginFailed(await get(sim, COMMITS, basic('x-token-auth', SECRETS.oauth)));
  });

  test('since 2026-05-04 a token in ?access_token= is rejected (401)', async () => {
    const res = await get(sim, `${COMMITS}?access_token=${SECRETS.oauth}`);
    expect(res.status).toBe(401);
    expect(at(res.json, 'error', 'message')).toBe(TOKEN_INVALID);
  });
});

describe('repository / project / workspace access tokens (§2.3, §3.3, §4.1)', () => {
  test('repository token as Bearer reads its repository; x-credential-type repo_access_token', async () => {
    const res = await get(sim, COMMITS, bearer(SECRETS.repoToken));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-credential-type')).toBe('repo_access_token');
    // ...but not another private repository of the workspace.
    expect((await get(sim, '/2.0/repositories/acme/infra', bearer(SECRETS.repoToken))).status).toBe(
      404,
    );
  });

  test('repository token with Basic (x-token-auth:<token>) → 401 "Login failed"', async () => {
    expectLoginFailed(await get(sim, COMMITS, basic('x-token-auth', SECRETS.repoToken)));
  });

  test('/2.0/user with an access token → 403, scope and credential-type headers still present', async () => {
    const res = await get(sim, '/2.0/user', bearer(SECRETS.repoToken));
    expect(res.status).toBe(403);
    expect(res.json).toEqual({
      type: 'error',
      error: {
        message: 'Your credentials lack one or more required privilege scopes.',
        detail: { required: ['account'], granted: ['repository', 'pullrequest'] },
      },
    });
    expect(res.headers.get('x-credential-type')).toBe('repo_access_token');
    expect(res.headers.get('x-oauth-scopes')).toBe('repository, pullrequest');
    expect(res.headers.get('x-accepted-oauth-scopes')).toBe('account');
  });

  test('/2.0/user/workspaces with an access token → 403', async () => {
    expect((await get(sim, '/2.0/user/workspaces', bearer(SECRETS.workspaceToken))).status).toBe(
      403,
    );
  });

  test('project token sees its project; workspace token sees the workspace; credential types', async () => {
    const project = await get(sim, '/2.0/repositories/acme', bearer(SECRETS.projectToken));
    expect(slugs(project.json)).toEqual(['website', 'infra']);
    expect(project.headers.get('x-credential-type')).toBe('project_access_token');
    const workspace = await get(sim, '/2.0/repositories/acme', bearer(SECRETS.workspaceToken));
    expect(slugs(workspace.json)).toEqual(['website', 'secret-repo', 'infra']);
    expect(workspace.headers.get('x-credential-type')).toBe('workspace_access_token');
    // Nothing private of another workspace.
    const other = await get(
      sim,
      '/2.0/repositories/globex/billing',
      bearer(SECRETS.workspaceToken),
    );
    expect(other.status).toBe(404);
    expect(at(other.json, 'error', 'message')).toBe(REPO_404);
  });
});

test('an unknown token → 401 "Token is invalid, expired, or not supported for this endpoint."', async () => {
  const res = await get(sim, COMMITS, bearer('c29tZXRoaW5nLW5vYm9keS1pc3N1ZWQ'));
  expect(res.status).toBe(401);
  expect(at(res.json, 'error', 'message')).toBe(TOKEN_INVALID);
});

test('a refresh token or authorization code is not an access token → 401', async () => {
  expect((await get(sim, COMMITS, bearer(SECRETS.refresh))).status).toBe(401);
  expect((await get(sim, COMMITS, bearer(SECRETS.authCode))).status).toBe(401);
});
