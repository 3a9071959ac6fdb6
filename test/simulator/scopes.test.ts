// bitbucket-auth.md §3.6, §4: scope headers, the 403 body, implication rules.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hasScope, legacyClosure } from '../../src/simulator/scopes.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import {
  ALICE_EMAIL,
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

const REPO = '/2.0/repositories/acme/secret-repo';
const PRS = '/2.0/repositories/acme/secret-repo/pullrequests';
const LACK = 'Your credentials lack one or more required privilege scopes.';

describe('scope headers', () => {
  test('an authenticated 200 carries x-oauth-scopes (comma+space), x-accepted-oauth-scopes and x-credential-type', async () => {
    const res = await get(sim, REPO, bearer(SECRETS.oauth));
    expect(res.headers.get('x-oauth-scopes')).toBe('account, team, repository, pullrequest');
    expect(res.headers.get('x-accepted-oauth-scopes')).toBe('repository');
    expect(res.headers.get('x-credential-type')).toBe('oauth2');
    expect(
      (await get(sim, PRS, bearer(SECRETS.oauth))).headers.get('x-accepted-oauth-scopes'),
    ).toBe('pullrequest');
    expect(
      (await get(sim, '/2.0/user', bearer(SECRETS.oauth))).headers.get('x-accepted-oauth-scopes'),
    ).toBe('account');
    expect(
      (await get(sim, '/2.0/user/workspaces', bearer(SECRETS.oauth))).headers.get(
        'x-accepted-oauth-scopes',
      ),
    ).toBe('team');
  });

  test('API tokens get the granular names', async () => {
    const res = await get(sim, REPO, basic(ALICE_EMAIL, SECRETS.apiToken));
    expect(res.headers.get('x-oauth-scopes')).toBe(
      'read:user:bitbucket, read:workspace:bitbucket, read:repository:bitbucket, read:pullrequest:bitbucket',
    );
    expect(res.headers.get('x-accepted-oauth-scopes')).toBe('read:repository:bitbucket');
  });

  test('anonymous answers carry no scope headers', async () => {
    const res = await get(sim, '/2.0/repositories/acme/website');
    expect(res.headers.get('x-oauth-scopes')).toBeNull();
    expect(res.headers.get('x-accepted-oauth-scopes')).toBeNull();
    expect(res.headers.get('x-credential-type')).toBeNull();
  });
});

describe('missing scope → 403 with required/granted (§4.4)', () => {
  test('a consumer with repository only reading pull requests', async () => {
    const issued = await token(
      sim,
      { grant_type: 'client_credentials' },
      clientAuth(CONSUMERS.narrow),
    );
    const accessToken = String(at(issued.json, 'access_token'));
    expect((await get(sim, REPO, bearer(accessToken))).status).toBe(200);
    const res = await get(sim, PRS, bearer(accessToken));
    expect(res.status).toBe(403);
    expect(res.json).toEqual({
      type: 'error',
      error: {
        message: LACK,
        detail: { required: ['pullrequest'], granted: ['account', 'repository'] },
      },
    });
    expect(res.headers.get('x-oauth-scopes')).toBe('account, repository');
    expect(res.headers.get('x-accepted-oauth-scopes')).toBe('pullrequest');
  });

  test('an API token without read:user:bitbucket on /2.0/user', async () => {
    const res = await get(sim, '/2.0/user', basic(ALICE_EMAIL, SECRETS.apiTokenNoUser));
    expect(res.status).toBe(403);
    expect(at(res.json, 'error', 'detail')).toEqual({
      required: ['read:user:bitbucket'],
      granted: ['read:repository:bitbucket'],
    });
  });

  test('scope is checked before the object: a missing repository with too few scopes → 403, not 404', async () => {
    const res = await get(
      sim,
      '/2.0/repositories/acme/no-such-repo/pullrequests',
      basic(ALICE_EMAIL, SECRETS.apiTokenNoUser),
    );
    expect(res.status).toBe(403);
  });
});

describe('implication rules', () => {
  test('legacy: pullrequest:write ⊃ pullrequest ⊃ repository', async () => {
    expect((await get(sim, PRS, bearer(SECRETS.oauthPrWrite))).status).toBe(200);
    expect((await get(sim, REPO, bearer(SECRETS.oauthPrWrite))).status).toBe(200);
  });

  test('legacy: repository:write ⊃ repository', async () => {
    expect((await get(sim, REPO, bearer(SECRETS.oauthRepoWrite))).status).toBe(200);
    expect((await get(sim, PRS, bearer(SECRETS.oauthRepoWrite))).status).toBe(403);
  });

  test('legacy: project ⊃ repository', async () => {
    expect((await get(sim, REPO, bearer(SECRETS.oauthProject))).status).toBe(200);
  });

  test('legacy: repository:admin implies neither repository nor repository:write', async () => {
    const res = await get(sim, REPO, bearer(SECRETS.oauthRepoAdmin));
    expect(res.status).toBe(403);
    expect(at(res.json, 'error', 'detail')).toEqual({
      required: ['repository'],
      granted: ['repository:admin'],
    });
  });

  test('legacy: team does not give account', async () => {
    expect((await get(sim, '/2.0/user', bearer(SECRETS.oauthTeamOnly))).status).toBe(403);
    expect((await get(sim, '/2.0/user/workspaces', bearer(SECRETS.oauthTeamOnly))).status).toBe(
      200,
    );
  });

  test('granular: write/admin:repository do not imply read:repository', async () => {
    const res = await get(sim, REPO, basic(ALICE_EMAIL, SECRETS.apiTokenWriteOnly));
    expect(res.status).toBe(403);
    expect(at(res.json, 'error', 'detail', 'required')).toEqual(['read:repository:bitbucket']);
  });

  test('granular: read:pullrequest does not imply read:repository', async () => {
    expect((await get(sim, PRS, basic(ALICE_EMAIL, SECRETS.apiTokenPrOnly))).status).toBe(200);
    expect((await get(sim, REPO, basic(ALICE_EMAIL, SECRETS.apiTokenPrOnly))).status).toBe(403);
  });

  test('the rules as functions', () => {
    expect([...legacyClosure(['pullrequest:write'])].sort()).toEqual(
      ['pullrequest', 'pullrequest:write', 'repository'].sort(),
    );
    expect([...legacyClosure(['pipeline:variable'])].sort()).toEqual(
      ['pipeline', 'pipeline:variable', 'pipeline:write'].sort(),
    );
    expect(hasScope(['repository:admin'], 'repository', 'legacy')).toBe(false);
    expect(hasScope(['repository:admin'], 'repository:write', 'legacy')).toBe(false);
    expect(hasScope(['write:repository:bitbucket'], 'read:repository:bitbucket', 'granular')).toBe(
      false,
    );
    expect(hasScope(['read:repository:bitbucket'], 'read:repository:bitbucket', 'granular')).toBe(
      true,
    );
  });
});
