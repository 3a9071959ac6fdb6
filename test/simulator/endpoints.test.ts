// bitbucket-auth.md §3.1, §3.2, §3.3, §3.6, §3.7, §6, §9 items 17/22: the endpoints and the answers
// for removed, foreign and unknown paths.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/server.js';
import {
  ALICE_EMAIL,
  REPO_404,
  SECRETS,
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

const ALICE = basic(ALICE_EMAIL, SECRETS.apiToken);
const BOB = basic('bob@globex.example', SECRETS.bobApiToken);

const NO_API = {
  type: 'error',
  error: {
    message: 'Resource not found',
    detail:
      "There is no API hosted at this URL.\n\nFor information about our API's, please refer to the documentation at: https://developer.atlassian.com/bitbucket/api/2/reference/",
  },
};

describe('/2.0/user and /2.0/user/workspaces', () => {
  test('anonymous /2.0/user → 401 (JSON envelope, Basic challenge)', async () => {
    const res = await get(sim, '/2.0/user');
    expect(res.status).toBe(401);
    expect(at(res.json, 'type')).toBe('error');
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="Bitbucket.org HTTP"');
  });

  test('/2.0/user/workspaces lists memberships under values[].workspace', async () => {
    const res = await get(sim, '/2.0/user/workspaces', ALICE);
    expect(res.status).toBe(200);
    expect(values(res.json).map((v) => at(v, 'workspace', 'slug'))).toEqual(['acme']);
    expect(res.json).toMatchObject({ pagelen: 10, size: 1, page: 1 });
    expect((await get(sim, '/2.0/user/workspaces')).status).toBe(401);
  });

  test('/2.0/workspaces/{ws} still exists', async () => {
    const res = await get(sim, '/2.0/workspaces/acme', ALICE);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ type: 'workspace', slug: 'acme' });
  });
});

describe('/2.0/repositories/{workspace}', () => {
  test('anonymous: 200 with the public repositories only; paginated envelope', async () => {
    const res = await get(sim, '/2.0/repositories/acme');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ pagelen: 10, size: 1, page: 1 });
    expect(values(res.json)).toEqual([
      expect.objectContaining({ slug: 'website', full_name: 'acme/website', is_private: false }),
    ]);
  });

  test('an authenticated member also sees the private repositories', async () => {
    const res = await get(sim, '/2.0/repositories/acme', ALICE);
    expect(slugs(res.json)).toEqual(['website', 'secret-repo', 'infra']);
    expect(values(res.json).map((repo) => at(repo, 'is_private'))).toEqual([false, true, true]);
  });

  test('an authenticated non-member sees the public ones only', async () => {
    expect(slugs((await get(sim, '/2.0/repositories/acme', BOB)).json)).toEqual(['website']);
  });

  test('pagelen/page and an absolute next link on the same origin', async () => {
    const first = await get(sim, '/2.0/repositories/acme?pagelen=2', ALICE);
    expect(first.json).toMatchObject({ pagelen: 2, size: 3, page: 1 });
    expect(slugs(first.json)).toEqual(['website', 'secret-repo']);
    const next = String(at(first.json, 'next'));
    expect(next.startsWith(`${sim.url}/2.0/repositories/acme?`)).toBe(true);
    const second = await get(sim, next.slice(sim.url.length), ALICE);
    expect(slugs(second.json)).toEqual(['infra']);
    expect(at(second.json, 'next')).toBeUndefined();
  });

  test('role=member: members get the workspace repositories, non-members none', async () => {
    expect(slugs((await get(sim, '/2.0/repositories/acme?role=member', ALICE)).json)).toHaveLength(
      3,
    );
    expect(slugs((await get(sim, '/2.0/repositories/acme?role=member', BOB)).json)).toEqual([]);
  });

  test('mistyped workspace → 404 "Resource not found" (§9 item 22)', async () => {
    const res = await get(sim, '/2.0/repositories/acmee', ALICE);
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ type: 'error', error: { message: 'Resource not found' } });
  });
});

describe('single repository, commits, pull requests', () => {
  test('/2.0/repositories/{ws}/{slug} for a member', async () => {
    const res = await get(sim, '/2.0/repositories/acme/secret-repo', ALICE);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      type: 'repository',
      slug: 'secret-repo',
      full_name: 'acme/secret-repo',
      is_private: true,
      mainbranch: { name: 'master' },
    });
  });

  test('private repo anonymously, private repo of another workspace, and a missing repo: the same 404 (§3.2)', async () => {
    const expected = { type: 'error', error: { message: REPO_404 } };
    for (const [path, auth] of [
      ['/2.0/repositories/acme/secret-repo', undefined],
      ['/2.0/repositories/globex/billing', ALICE],
      ['/2.0/repositories/acme/no-such-repo', ALICE],
      ['/2.0/repositories/acme/secret-repo/commits/master', undefined],
      ['/2.0/repositories/acme/secret-repo/pullrequests', undefined],
    ] as const) {
      const res = await get(sim, path, auth);
      expect(res.status, path).toBe(404);
      expect(res.json, path).toEqual(expected);
    }
  });

  test('public repository anonymously → 200', async () => {
    expect((await get(sim, '/2.0/repositories/acme/website')).status).toBe(200);
    expect((await get(sim, '/2.0/repositories/acme/website/commits')).status).toBe(200);
  });

  test('commits, commits/{branch}, commits/{hash}, unknown revision', async () => {
    const all = await get(sim, '/2.0/repositories/acme/secret-repo/commits', ALICE);
    expect(all.status).toBe(200);
    expect(values(all.json)).toHaveLength(3);
    expect(values(all.json)[0]).toMatchObject({ type: 'commit', message: 'commit c' });
    const master = await get(sim, '/2.0/repositories/acme/secret-repo/commits/master', ALICE);
    expect(values(master.json)).toHaveLength(3);
    const hash = String(at(values(all.json)[1], 'hash'));
    const fromHash = await get(sim, `/2.0/repositories/acme/secret-repo/commits/${hash}`, ALICE);
    expect(values(fromHash.json).map((c) => at(c, 'message'))).toEqual(['commit b', 'commit a']);
    const unknown = await get(sim, '/2.0/repositories/acme/secret-repo/commits/nope', ALICE);
    expect(unknown.status).toBe(404);
  });

  test('pullrequests: OPEN by default, ?state= to choose', async () => {
    const open = await get(sim, '/2.0/repositories/acme/secret-repo/pullrequests', ALICE);
    expect(open.status).toBe(200);
    expect(values(open.json).map((pr) => at(pr, 'id'))).toEqual([2]);
    const merged = await get(
      sim,
      '/2.0/repositories/acme/secret-repo/pullrequests?state=MERGED',
      ALICE,
    );
    expect(values(merged.json).map((pr) => at(pr, 'state'))).toEqual(['MERGED']);
  });
});

describe('removed and foreign paths', () => {
  const V1 = {
    type: 'error',
    error: {
      message: 'Resource removed',
      detail:
        'This API is no longer supported.\n\nFor information about its removal, please refer to the deprecation notice at: https://developer.atlassian.com/cloud/bitbucket/deprecation-notice-v1-apis/',
    },
  };

  test('API 1.0 → 410 "Resource removed", with or without credentials (§6)', async () => {
    for (const path of [
      '/1.0/repositories/acme/secret-repo/changesets?branch=master',
      '/1.0/user',
      '/api/1.0/user/repositories',
    ]) {
      for (const auth of [undefined, ALICE]) {
        const res = await get(sim, path, auth);
        expect(res.status, path).toBe(410);
        expect(res.json).toEqual(V1);
      }
    }
  });

  test('CHANGE-2770 endpoints → 410 with the changelog body (§3.7), also with valid credentials', async () => {
    const data = {
      announcement_url: 'https://developer.atlassian.com/cloud/bitbucket/changelog#CHANGE-2770',
    };
    const body = {
      type: 'error',
      error: {
        message: 'CHANGE-2770 - Functionality has been deprecated',
        detail: 'Please read the changelog entry for more details.',
        data,
      },
      data,
    };
    for (const path of [
      '/2.0/repositories',
      '/2.0/repositories?role=member',
      '/2.0/repositories/',
      '/2.0/workspaces',
      '/2.0/user/permissions/repositories',
      '/2.0/user/permissions/workspaces',
    ]) {
      const res = await get(sim, path, ALICE);
      expect(res.status, path).toBe(410);
      expect(res.json, path).toEqual(body);
    }
  });

  test('Data Center paths → 404 "There is no API hosted at this URL."', async () => {
    for (const path of [
      '/rest/api/1.0/projects/ACME/repos/secret-repo',
      '/rest/api/latest/projects',
    ]) {
      const res = await get(sim, path, ALICE);
      expect(res.status).toBe(404);
      expect(res.json).toEqual(NO_API);
    }
  });

  test('unknown paths (and an empty segment, §3.2 bbbackup #3) → 404 "There is no API hosted at this URL."', async () => {
    for (const path of ['/', '/2.0/nothing', '/2.0/repositories//?role=member', '/user']) {
      const res = await get(sim, path);
      expect(res.status, path).toBe(404);
      expect(res.json, path).toEqual(NO_API);
    }
  });

  test('website "!api" path: with credentials 401 "does not support token-based authentication", without: 404 HTML', async () => {
    const withAuth = await get(sim, '/!api/2.0/repositories/acme/secret-repo', ALICE);
    expect(withAuth.status).toBe(401);
    expect(at(withAuth.json, 'error', 'message')).toBe(
      'This endpoint does not support token-based authentication.',
    );
    const anonymous = await get(sim, '/!api/2.0/repositories/acme/secret-repo');
    expect(anonymous.status).toBe(404);
    expect(anonymous.headers.get('content-type')).toMatch(/^text\/html/);
  });
});

describe('headers on every answer', () => {
  test('trace headers x-request-id, x-b3-traceid, x-trace-id (random hex) and server', async () => {
    const seen = new Set<string>();
    for (const [path, auth] of [
      ['/2.0/repositories/acme', undefined],
      ['/2.0/user', undefined],
      ['/1.0/user', undefined],
      ['/2.0/user', bearer('nope')],
    ] as const) {
      const res = await get(sim, path, auth);
      for (const name of ['x-request-id', 'x-b3-traceid', 'x-trace-id']) {
        const value = res.headers.get(name);
        expect(value, `${name} on ${path}`).toMatch(/^[0-9a-f]{16,32}$/);
        seen.add(value ?? '');
      }
      expect(res.headers.get('server')).toBeTruthy();
    }
    expect(seen.size).toBe(12);
  });

  test('non-GET methods on API routes → 405', async () => {
    const res = await fetch(`${sim.url}/2.0/repositories/acme`, { method: 'DELETE' });
    expect(res.status).toBe(405);
  });

  test('HEAD answers headers only', async () => {
    const res = await fetch(`${sim.url}/2.0/repositories/acme`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });
});
