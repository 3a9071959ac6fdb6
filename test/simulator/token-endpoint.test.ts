// bitbucket-auth.md §1: POST /site/oauth2/access_token, its grants, 2026 response shape and error table.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/server.js';
import {
  CONSUMERS,
  SECRETS,
  at,
  basic,
  bearer,
  clientAuth,
  get,
  startTestSimulator,
  token,
} from './helpers.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(async () => {
  await sim.close();
});

describe('grants', () => {
  test('client_credentials: 2026 shape (scope, 7200, lower-case bearer, state), no refresh token', async () => {
    const res = await token(sim, { grant_type: 'client_credentials' }, clientAuth(CONSUMERS.ci));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = res.json as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(
      ['access_token', 'expires_in', 'scope', 'state', 'token_type'].sort(),
    );
    expect(body).toMatchObject({
      scope: 'account team repository pullrequest',
      expires_in: 7200,
      token_type: 'bearer',
      state: 'client_credentials',
    });
    expect(body['scopes']).toBeUndefined();
    expect(body['refresh_token']).toBeUndefined();
    expect(typeof body['access_token']).toBe('string');
  });

  test('an issued token works on the API with the consumer scopes and acts as the consumer owner', async () => {
    const issued = await token(sim, { grant_type: 'client_credentials' }, clientAuth(CONSUMERS.ci));
    const accessToken = String(at(issued.json, 'access_token'));
    const user = await get(sim, '/2.0/user', bearer(accessToken));
    expect(user.status).toBe(200);
    expect(at(user.json, 'username')).toBe('alice');
    expect(user.headers.get('x-oauth-scopes')).toBe('account, team, repository, pullrequest');
    expect(user.headers.get('x-credential-type')).toBe('oauth2');
    const commits = await get(
      sim,
      '/2.0/repositories/acme/secret-repo/commits/master',
      bearer(accessToken),
    );
    expect(commits.status).toBe(200);
    // ...but the token_type spelled as returned, "bearer", is ignored (bitbucket-auth.md §2.2).
    const lower = await get(
      sim,
      '/2.0/repositories/acme/secret-repo/commits/master',
      `${String(at(issued.json, 'token_type'))} ${accessToken}`,
    );
    expect(lower.status).toBe(404);
  });

  test('refresh_token: new access token AND a new refresh token; the old one is consumed (rotation)', async () => {
    const local = await startTestSimulator();
    try {
      const first = await token(
        local,
        { grant_type: 'refresh_token', refresh_token: SECRETS.refresh },
        clientAuth(CONSUMERS.ci),
      );
      expect(first.status).toBe(200);
      expect(first.json).toMatchObject({
        state: 'refresh_token',
        token_type: 'bearer',
        expires_in: 7200,
      });
      const rotated = String(at(first.json, 'refresh_token'));
      expect(rotated).not.toBe(SECRETS.refresh);
      const accessToken = String(at(first.json, 'access_token'));
      expect((await get(local, '/2.0/user', bearer(accessToken))).status).toBe(200);

      const again = await token(
        local,
        { grant_type: 'refresh_token', refresh_token: SECRETS.refresh },
        clientAuth(CONSUMERS.ci),
      );
      expect(again.status).toBe(400);
      expect(again.json).toEqual({
        error_description: 'Invalid refresh_token',
        error: 'invalid_request',
      });

      const next = await token(
        local,
        { grant_type: 'refresh_token', refresh_token: rotated },
        clientAuth(CONSUMERS.ci),
      );
      expect(next.status).toBe(200);
    } finally {
      await local.close();
    }
  });

  test('authorization_code: token plus refresh token, state authorization_code; the code is single-use', async () => {
    const local = await startTestSimulator();
    try {
      const first = await token(
        local,
        { grant_type: 'authorization_code', code: SECRETS.authCode },
        clientAuth(CONSUMERS.ci),
      );
      expect(first.status).toBe(200);
      expect(first.json).toMatchObject({ state: 'authorization_code', token_type: 'bearer' });
      expect(typeof at(first.json, 'refresh_token')).toBe('string');
      const again = await token(
        local,
        { grant_type: 'authorization_code', code: SECRETS.authCode },
        clientAuth(CONSUMERS.ci),
      );
      expect(again.status).toBe(400);
      expect(at(again.json, 'error')).toBe('invalid_grant');
    } finally {
      await local.close();
    }
  });
});

describe('error table (§1.6)', () => {
  test('client_credentials with a public consumer → 400 invalid_grant, exact text', async () => {
    const res = await token(
      sim,
      { grant_type: 'client_credentials' },
      clientAuth(CONSUMERS.public),
    );
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error_description:
        'Cannot use client_credentials with a consumer marked as "public". Calls for auto generated consumers should use urn:bitbucket:oauth2:jwt instead.',
      error: 'invalid_grant',
    });
  });

  test('consumer without a callback URL → 400 invalid_request "No callback uri defined for the OAuth client."', async () => {
    const res = await token(
      sim,
      { grant_type: 'client_credentials' },
      clientAuth(CONSUMERS.noCallback),
    );
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error_description: 'No callback uri defined for the OAuth client.',
      error: 'invalid_request',
    });
  });

  test('wrong secret or unknown client id → 400 unauthorized_client "Invalid OAuth client credentials"', async () => {
    for (const auth of [basic(CONSUMERS.ci.key, 'wrong'), basic('nobody', 'nothing')]) {
      const res = await token(sim, { grant_type: 'client_credentials' }, auth);
      expect(res.status).toBe(400);
      expect(res.json).toEqual({
        error_description: 'Invalid OAuth client credentials',
        error: 'unauthorized_client',
      });
    }
  });

  test('client credentials not sent as Basic (none, in the body, lower-case basic) → "Requests must be authenticated..."', async () => {
    const expected = {
      error_description: 'Requests must be authenticated using OAuth client credentials',
      error: 'unauthorized_client',
    };
    const none = await token(sim, { grant_type: 'client_credentials' });
    expect(none.status).toBe(401);
    expect(none.json).toEqual(expected);
    const inBody = await token(sim, {
      grant_type: 'client_credentials',
      client_id: CONSUMERS.ci.key,
      client_secret: CONSUMERS.ci.secret,
    });
    expect(inBody.json).toEqual(expected);
    const lower = await token(
      sim,
      { grant_type: 'client_credentials' },
      clientAuth(CONSUMERS.ci).replace('Basic', 'basic'),
    );
    expect(lower.json).toEqual(expected);
  });

  test('client credentials sent as Bearer → an HTML page (OpenID transaction in progress), not JSON', async () => {
    const header = `Bearer ${Buffer.from(`${CONSUMERS.ci.key}:${CONSUMERS.ci.secret}`).toString('base64')}`;
    const res = await token(sim, { grant_type: 'client_credentials' }, header);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toContain('OpenID transaction in progress');
    expect(res.json).toBeUndefined();
  });

  test('grant_type=password (removed) → 400 invalid_grant "Unsupported grant type: password"', async () => {
    const res = await token(
      sim,
      { grant_type: 'password', username: 'alice', password: SECRETS.password },
      clientAuth(CONSUMERS.ci),
    );
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error_description: 'Unsupported grant type: password',
      error: 'invalid_grant',
    });
  });

  test('missing grant_type → 400 "Unsupported grant type: None"', async () => {
    const res = await token(sim, {}, clientAuth(CONSUMERS.ci));
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error_description: 'Unsupported grant type: None',
      error: 'invalid_grant',
    });
  });

  test('bad refresh token (e.g. the access token passed instead) → 400 "Invalid refresh_token"', async () => {
    const res = await token(
      sim,
      { grant_type: 'refresh_token', refresh_token: SECRETS.oauth },
      clientAuth(CONSUMERS.ci),
    );
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error_description: 'Invalid refresh_token',
      error: 'invalid_request',
    });
  });

  test('a refresh token of another consumer is invalid for this one', async () => {
    const res = await token(
      sim,
      { grant_type: 'refresh_token', refresh_token: SECRETS.refresh },
      clientAuth(CONSUMERS.narrow),
    );
    expect(at(res.json, 'error_description')).toBe('Invalid refresh_token');
  });

  test('GET on the token endpoint → 405', async () => {
    const res = await get(sim, '/site/oauth2/access_token');
    expect(res.status).toBe(405);
  });
});
