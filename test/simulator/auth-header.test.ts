// bitbucket-auth.md §2.2, §2.3: the Authorization scheme is matched case-sensitively; unknown
// spellings and schemes are ignored (anonymous), recognised schemes with bad credentials get 401.
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
  values,
} from './helpers.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(async () => {
  await sim.close();
});

const LISTING = '/2.0/repositories/acme';
const COMMITS = '/2.0/repositories/acme/secret-repo/commits/master';

describe('scheme spelled exactly: Bearer / Basic', () => {
  test('"Bearer <token>" authenticates: the listing shows private repositories, commits/master is 200', async () => {
    const listing = await get(sim, LISTING, bearer(SECRETS.oauth));
    expect(listing.status).toBe(200);
    expect(slugs(listing.json)).toEqual(['website', 'secret-repo', 'infra']);
    expect((await get(sim, COMMITS, bearer(SECRETS.oauth))).status).toBe(200);
  });

  test('"Basic <email:api-token>" authenticates', async () => {
    const res = await get(sim, COMMITS, basic(ALICE_EMAIL, SECRETS.apiToken));
    expect(res.status).toBe(200);
    expect(values(res.json)).toHaveLength(3);
  });
});

describe('other spellings are ignored, so the request is anonymous', () => {
  for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
    test(`"${scheme} <token>": listing 200 with public repositories only, private repo 404`, async () => {
      const listing = await get(sim, LISTING, `${scheme} ${SECRETS.oauth}`);
      expect(listing.status).toBe(200);
      expect(slugs(listing.json)).toEqual(['website']);
      expect(values(listing.json).every((repo) => at(repo, 'is_private') === false)).toBe(true);
      // Same answer as no header at all.
      const anonymous = await get(sim, LISTING);
      expect(listing.json).toEqual(anonymous.json);
      // No credential was recognised, so no credential headers.
      expect(listing.headers.get('x-credential-type')).toBeNull();

      const commits = await get(sim, COMMITS, `${scheme} ${SECRETS.oauth}`);
      expect(commits.status).toBe(404);
      expect(at(commits.json, 'error', 'message')).toBe(REPO_404);
    });
  }

  test('"basic <email:token>" is anonymous too: /2.0/user answers the anonymous 401, not "Login failed"', async () => {
    const header = basic(ALICE_EMAIL, SECRETS.apiToken).replace('Basic', 'basic');
    const listing = await get(sim, LISTING, header);
    expect(slugs(listing.json)).toEqual(['website']);
    const user = await get(sim, '/2.0/user', header);
    expect(user.status).toBe(401);
    expect(user.text).not.toContain('Login failed');
    expect(at(user.json, 'type')).toBe('error');
  });

  test('GitHub-style "token <x>" is anonymous', async () => {
    const res = await get(sim, COMMITS, `token ${SECRETS.repoToken}`);
    expect(res.status).toBe(404);
    expect(at(res.json, 'error', 'message')).toBe(REPO_404);
    expect(slugs((await get(sim, LISTING, `token ${SECRETS.repoToken}`)).json)).toEqual([
      'website',
    ]);
  });

  test('a bare secret with no scheme is anonymous', async () => {
    const res = await get(sim, COMMITS, SECRETS.apiToken);
    expect(res.status).toBe(404);
    expect(slugs((await get(sim, LISTING, SECRETS.apiToken)).json)).toEqual(['website']);
  });

  test('a credential in another header (X-Auth-Token) is not read at all', async () => {
    const res = await get(sim, LISTING, { 'x-auth-token': SECRETS.repoToken });
    expect(slugs(res.json)).toEqual(['website']);
  });
});

describe('a recognised scheme with bad credentials is NOT anonymous', () => {
  test('"Bearer <unknown>" → 401 JSON "Token is invalid..." even on the public listing', async () => {
    const res = await get(sim, LISTING, bearer('no-such-token'));
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ type: 'error', error: { message: TOKEN_INVALID } });
    // No RFC 6750 Bearer challenge was ever seen on Cloud (bitbucket-auth.md §3.5).
    expect(res.headers.get('www-authenticate')).toBeNull();
  });

  test('"Basic <wrong pair>" → 401 plain-text "Login failed" with the Basic challenge and server: envoy', async () => {
    const res = await get(sim, LISTING, basic('alice', 'wrong'));
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text.startsWith('Login failed due to incorrect login credentials or method.')).toBe(
      true,
    );
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="Bitbucket.org HTTP"');
    expect(res.headers.get('server')).toBe('envoy');
  });

  test('Basic that is not base64 of user:secret → 401 "Login failed"', async () => {
    for (const header of [
      'Basic !!!not-base64!!!',
      `Basic ${Buffer.from('nocolon').toString('base64')}`,
    ]) {
      const res = await get(sim, LISTING, header);
      expect(res.status).toBe(401);
      expect(res.text).toContain('Login failed');
    }
  });

  test('"JWT <x>" (a scheme Bitbucket knows, for Connect apps) → 401', async () => {
    const res = await get(sim, LISTING, 'JWT eyJhbGciOiJIUzI1NiJ9.e30.x');
    expect(res.status).toBe(401);
  });
});
