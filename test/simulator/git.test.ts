// bitbucket-auth.md §12.1: git over HTTPS on the simulator's origin, per credential, first on the wire
// (node's fetch), then with the REAL git binary in an isolated HOME.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ipAllowed, parseGitPath, pktLine } from '../../src/simulator/git.js';
import type { RequestLogEntry, RunningSimulator } from '../../src/simulator/server.js';
import { startSimulator } from '../../src/simulator/server.js';
import type { World } from '../../src/simulator/world.js';
import type { GitHome } from './git-helpers.js';
import { gitHome, withUserinfo } from './git-helpers.js';
import {
  ALICE_EMAIL,
  REPO_404,
  SECRETS,
  basic,
  bearer,
  get,
  startTestSimulator,
  testWorld,
} from './helpers.js';

const REFS = '/acme/secret-repo.git/info/refs?service=git-upload-pack';
const PUSH_REFS = '/acme/secret-repo.git/info/refs?service=git-receive-pack';
const CHALLENGE = 'Basic realm="Bitbucket.org HTTP"';
const SCOPE_TEXT = 'Your credentials lack one or more required privilege scopes.\n';

let sim: RunningSimulator;
const log: RequestLogEntry[] = [];
beforeAll(async () => {
  sim = await startTestSimulator({ onRequest: (entry) => log.push(entry) });
});
afterAll(async () => {
  await sim.close();
});

/** Split a pkt-line stream into its payloads; `null` for a flush. */
function pkts(body: string): (string | null)[] {
  const out: (string | null)[] = [];
  for (let at = 0; at < body.length;) {
    const length = Number.parseInt(body.slice(at, at + 4), 16);
    if (length === 0) {
      out.push(null);
      at += 4;
      continue;
    }
    out.push(body.slice(at + 4, at + length));
    at += length;
  }
  return out;
}

/** POST with node's own http client (no fetch), as git's stateless RPC does. */
function post(
  path: string,
  body: string,
  authorization?: string,
): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${sim.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-git-upload-pack-request',
        ...(authorization === undefined ? {} : { authorization }),
      },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type']),
          text: Buffer.concat(chunks).toString('latin1'),
        });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('git paths', () => {
  test('info/refs and the two service endpoints, with or without .git; REST paths are not git', () => {
    expect(parseGitPath('/acme/secret-repo.git/info/refs')).toEqual({
      workspace: 'acme',
      repo: 'secret-repo',
      endpoint: 'info/refs',
    });
    expect(parseGitPath('/acme/secret-repo/git-upload-pack')?.repo).toBe('secret-repo');
    expect(parseGitPath('/acme/secret-repo.git/git-receive-pack')?.endpoint).toBe(
      'git-receive-pack',
    );
    expect(parseGitPath('/2.0/repositories/info/refs')).toBeNull();
    expect(parseGitPath('/2.0/x/info/refs')).toBeNull();
    expect(parseGitPath('/acme/secret-repo.git')).toBeNull();
  });

  test('pkt-line lengths count their own four digits', () => {
    expect(pktLine('# service=git-upload-pack\n')).toBe('001e# service=git-upload-pack\n');
  });
});

describe('the ref advertisement', () => {
  test('upload-pack: service line, flush, HEAD with capabilities, branches, flush', async () => {
    const res = await get(sim, REFS, basic('alice', SECRETS.apiToken));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-git-upload-pack-advertisement');
    expect(res.headers.get('cache-control')).toMatch(/no-cache/);
    const lines = pkts(res.text);
    expect(lines.slice(0, 2)).toEqual(['# service=git-upload-pack\n', null]);
    expect(lines.at(-1)).toBeNull();
    const [first, ...rest] = lines.slice(2, -1) as string[];
    expect(first).toMatch(/^[0-9a-f]{40} HEAD\0/);
    expect(first).toContain('symref=HEAD:refs/heads/master');
    const sha = first!.slice(0, 40);
    expect(rest).toEqual([`${sha} refs/heads/develop\n`, `${sha} refs/heads/master\n`]);
  });

  test('receive-pack: its own content type and service line, no HEAD', async () => {
    const res = await get(sim, PUSH_REFS, basic('x-token-auth', SECRETS.oauthRepoWrite));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-git-receive-pack-advertisement');
    const lines = pkts(res.text);
    expect(lines[0]).toBe('# service=git-receive-pack\n');
    expect(lines[2]).toMatch(/^[0-9a-f]{40} refs\/heads\/develop\0.*report-status/);
    expect(lines.some((line) => line?.includes(' HEAD'))).toBe(false);
  });

  test('dumb HTTP (no service) is refused; POST on info/refs and GET on a service are 405', async () => {
    expect((await get(sim, '/acme/website.git/info/refs')).status).toBe(403);
    expect((await post('/acme/website.git/info/refs?service=git-upload-pack', '')).status).toBe(
      405,
    );
    expect((await get(sim, '/acme/website.git/git-upload-pack')).status).toBe(405);
  });
});

describe('who git lets in (bitbucket-auth.md §12.1)', () => {
  test('anonymous: a public repository answers, a private or missing one is challenged', async () => {
    expect((await get(sim, '/acme/website.git/info/refs?service=git-upload-pack')).status).toBe(
      200,
    );
    for (const path of [REFS, '/acme/no-such-repo.git/info/refs?service=git-upload-pack']) {
      const res = await get(sim, path);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(CHALLENGE);
    }
    // A push is always challenged, even on a public repository.
    const push = await get(sim, '/acme/website.git/info/refs?service=git-receive-pack');
    expect(push.status).toBe(401);
  });

  test('API token: the username or x-bitbucket-api-token-auth work; the email gets 401 (REST takes it)', async () => {
    expect((await get(sim, REFS, basic('alice', SECRETS.apiToken))).status).toBe(200);
    expect(
      (await get(sim, REFS, basic('x-bitbucket-api-token-auth', SECRETS.apiToken))).status,
    ).toBe(200);
    const email = await get(sim, REFS, basic(ALICE_EMAIL, SECRETS.apiToken));
    expect(email.status).toBe(401);
    expect(email.headers.get('www-authenticate')).toBe(CHALLENGE);
    expect(email.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(email.text).toBe(`${REPO_404}\n`);
    // The same pair on REST: fine (§12.1, "The same email:token works on REST").
    expect(
      (await get(sim, '/2.0/repositories/acme/secret-repo', basic(ALICE_EMAIL, SECRETS.apiToken)))
        .status,
    ).toBe(200);
  });

  test('classic (unscoped) API token and account password: 401 with every username', async () => {
    for (const user of ['alice', ALICE_EMAIL, 'x-bitbucket-api-token-auth']) {
      expect((await get(sim, REFS, basic(user, SECRETS.classicToken))).status).toBe(401);
    }
    expect((await get(sim, REFS, basic('alice', SECRETS.password))).status).toBe(401);
  });

  test('access tokens: x-token-auth works, another username gets 401, Bearer (extraHeader) works', async () => {
    expect((await get(sim, REFS, basic('x-token-auth', SECRETS.repoToken))).status).toBe(200);
    for (const user of ['alice', 'repo-token', 'x-bitbucket-api-token-auth']) {
      const res = await get(sim, REFS, basic(user, SECRETS.repoToken));
      expect(res.status, user).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(CHALLENGE);
    }
    expect((await get(sim, REFS, bearer(SECRETS.repoToken))).status).toBe(200);
    // An API token as Bearer is refused, in git's form (challenge, text).
    const apiBearer = await get(sim, REFS, bearer(SECRETS.apiToken));
    expect(apiBearer.status).toBe(401);
    expect(apiBearer.headers.get('www-authenticate')).toBe(CHALLENGE);
  });

  test('a removed app password: 410 with the CHANGE-3222 lines, no challenge', async () => {
    const res = await get(sim, REFS, basic('alice', SECRETS.appPassword));
    expect(res.status).toBe(410);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect(res.text).toBe(
      'CHANGE-3222 - Functionality has been deprecated\n' +
        'App passwords are deprecated and must be replaced with API tokens.\n' +
        'https://developer.atlassian.com/cloud/bitbucket/changelog#CHANGE-3222\n',
    );
    // With the email it never worked: a plain 401.
    expect((await get(sim, REFS, basic(ALICE_EMAIL, SECRETS.appPassword))).status).toBe(401);
  });

  test('scopes: fetch needs repository read (admin and write do not imply it), push also write', async () => {
    for (const secret of [SECRETS.apiTokenPrOnly, SECRETS.apiTokenWriteOnly]) {
      const res = await get(sim, REFS, basic('alice', secret));
      expect(res.status).toBe(403);
      expect(res.text).toBe(SCOPE_TEXT);
    }
    const readOnlyPush = await get(sim, PUSH_REFS, basic('alice', SECRETS.apiToken));
    expect(readOnlyPush.status).toBe(403);
    expect(readOnlyPush.text).toBe(SCOPE_TEXT);
    expect((await get(sim, PUSH_REFS, basic('x-token-auth', SECRETS.repoToken))).status).toBe(403);
    expect((await get(sim, PUSH_REFS, basic('x-token-auth', SECRETS.oauthRepoWrite))).status).toBe(
      200,
    );
  });

  test('no access, or no such repository, with a good credential: 404 with the "may not have access" text', async () => {
    const cases: [string, string][] = [
      ['/globex/billing.git/info/refs?service=git-upload-pack', basic('alice', SECRETS.apiToken)],
      [
        '/acme/no-such-repo.git/info/refs?service=git-upload-pack',
        basic('alice', SECRETS.apiToken),
      ],
      [
        '/acme/infra.git/info/refs?service=git-upload-pack',
        basic('x-token-auth', SECRETS.repoToken),
      ],
    ];
    for (const [path, auth] of cases) {
      const res = await get(sim, path, auth);
      expect(res.status, path).toBe(404);
      expect(res.text).toBe(`${REPO_404}\n`);
    }
    expect(
      (
        await get(
          sim,
          '/acme/infra.git/info/refs?service=git-upload-pack',
          basic('x-token-auth', SECRETS.projectToken),
        )
      ).status,
    ).toBe(200);
  });

  test('a push is refused even with a credential that may write; nothing of its body is taken', async () => {
    const res = await post(
      '/acme/secret-repo.git/git-receive-pack',
      'PACK-would-be-here',
      basic('x-token-auth', SECRETS.oauthRepoWrite),
    );
    expect(res.status).toBe(403);
    expect(res.text).toMatch(/does not accept pushes/);
    expect((await post('/acme/secret-repo.git/git-receive-pack', 'x')).status).toBe(401);
  });

  test('upload-pack POST: NAK and a pack for known wants, 400 for unknown ones', async () => {
    const adv = pkts((await get(sim, '/acme/website.git/info/refs?service=git-upload-pack')).text);
    const sha = adv[2]!.slice(0, 40);
    const body = `${pktLine(`want ${sha} ofs-delta\n`)}0000${pktLine('done\n')}`;
    const res = await post('/acme/website.git/git-upload-pack', body);
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/x-git-upload-pack-result');
    expect(res.text.startsWith('0008NAK\nPACK')).toBe(true);
    const bad = await post(
      '/acme/website.git/git-upload-pack',
      pktLine(`want ${'1'.repeat(40)}\n`),
    );
    expect(bad.status).toBe(400);
  });

  test('the log names credentials by label and never holds a secret', () => {
    const text = JSON.stringify(log);
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    expect(log.some((entry) => entry.auth === `Basic(api-token alice-api as ${ALICE_EMAIL})`)).toBe(
      true,
    );
    expect(log.some((entry) => entry.path === REFS && entry.status === 401)).toBe(true);
  });
});

describe('the real git binary against the simulator', () => {
  let home: GitHome;
  let seen: RequestLogEntry[];
  let git: RunningSimulator;
  const url = (): string => `${git.url}/acme/secret-repo.git`;

  beforeAll(async () => {
    seen = [];
    git = await startTestSimulator({ onRequest: (entry) => seen.push(entry) });
    home = await gitHome();
  });
  afterAll(async () => {
    await home.remove();
    await git.close();
  });

  test('git ls-remote with a good API token in the URL lists the refs; no pack data is sent', async () => {
    seen.length = 0;
    const run = await home.run(['ls-remote', withUserinfo(url(), 'alice', SECRETS.apiToken)]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^[0-9a-f]{40}\tHEAD\n[0-9a-f]{40}\trefs\/heads\/develop\n[0-9a-f]{40}\trefs\/heads\/master\n$/,
    );
    // Anonymous first, then the credential after the challenge; only GETs of the advertisement.
    expect(seen.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
      `GET ${REFS} 401`,
      `GET ${REFS} 200`,
    ]);
  });

  test('git ls-remote with the credential in the store helper of the temp HOME', async () => {
    const stored = await gitHome();
    try {
      await stored.storeCredential(
        withUserinfo(git.url, 'x-bitbucket-api-token-auth', SECRETS.apiToken).replace(/\/$/, ''),
      );
      const run = await stored.run(['ls-remote', url()]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('refs/heads/master');
    } finally {
      await stored.remove();
    }
  });

  test('git ls-remote with the email: "fatal: Authentication failed" after the remote: line', async () => {
    const run = await home.run(['ls-remote', withUserinfo(url(), ALICE_EMAIL, SECRETS.apiToken)]);
    expect(run.code).toBe(128);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`remote: ${REPO_404}`);
    expect(run.stderr).toContain(`fatal: Authentication failed for '${url()}/'`);
  });

  test('git ls-remote with a removed app password: the CHANGE-3222 remote: lines and error 410', async () => {
    const run = await home.run(['ls-remote', withUserinfo(url(), 'alice', SECRETS.appPassword)]);
    expect(run.code).toBe(128);
    expect(run.stderr).toContain('remote: CHANGE-3222 - Functionality has been deprecated');
    expect(run.stderr).toContain('The requested URL returned error: 410');
  });

  test('git ls-remote without a credential on a private repository cannot prompt, and fails', async () => {
    const run = await home.run(['ls-remote', url()]);
    expect(run.code).toBe(128);
    expect(run.stderr).toMatch(/terminal prompts disabled/);
  });

  test('git clone works with an access token as x-token-auth (history of the world), no push ever', async () => {
    seen.length = 0;
    const clone = await home.run([
      'clone',
      '--quiet',
      withUserinfo(url(), 'x-token-auth', SECRETS.repoToken),
      'clone',
    ]);
    expect(clone.code, clone.stderr).toBe(0);
    const logRun = await home.run(['log', '--format=%s', 'master'], `${home.dir}/clone`);
    expect(logRun.stdout).toBe('commit c\ncommit b\ncommit a\n');
    expect(
      seen.some((entry) => entry.method === 'POST' && entry.path.endsWith('/git-upload-pack')),
    ).toBe(true);
    expect(seen.some((entry) => entry.path.includes('receive-pack'))).toBe(false);
  });
});

describe('workspace policies on git (bitbucket-auth.md §12.1: IP allowlist, two-step verification)', () => {
  const withAcme = (change: (acme: World['workspaces'][number], world: World) => void): World => {
    const world = testWorld();
    change(world.workspaces[0]!, world);
    return world;
  };

  test('ipAllowed: exact addresses and IPv4 ranges, IPv4-mapped IPv6 too; no list allows all', () => {
    const ws = withAcme((acme) => {
      acme.ipAllowlist = ['203.0.113.0/24', '198.51.100.7'];
    }).workspaces[0]!;
    expect(ipAllowed(ws, '203.0.113.200')).toBe(true);
    expect(ipAllowed(ws, '::ffff:198.51.100.7')).toBe(true);
    expect(ipAllowed(ws, '127.0.0.1')).toBe(false);
    expect(ipAllowed(ws, '::1')).toBe(false);
    expect(ipAllowed(testWorld().workspaces[0]!, '127.0.0.1')).toBe(true);
  });

  test('an address off the allowlist: 403 with the whitelist text; on it: 200', async () => {
    const off = await startSimulator({
      world: withAcme((acme) => {
        acme.ipAllowlist = ['203.0.113.0/24'];
      }),
    });
    const on = await startSimulator({
      world: withAcme((acme) => {
        acme.ipAllowlist = ['127.0.0.0/8'];
      }),
    });
    const home = await gitHome();
    try {
      const refused = await get(off, REFS, basic('alice', SECRETS.apiToken));
      expect(refused.status).toBe(403);
      expect(refused.text).toBe('To access this repository, an admin must whitelist your IP.\n');
      expect((await get(on, REFS, basic('alice', SECRETS.apiToken))).status).toBe(200);
      // Anonymous fetches of a public repository are not refused (CHOSEN).
      expect((await get(off, '/acme/website.git/info/refs?service=git-upload-pack')).status).toBe(
        200,
      );
      const run = await home.run([
        'ls-remote',
        withUserinfo(`${off.url}/acme/secret-repo.git`, 'alice', SECRETS.apiToken),
      ]);
      expect(run.code).toBe(128);
      expect(run.stderr).toContain(
        'remote: To access this repository, an admin must whitelist your IP.',
      );
      expect(run.stderr).toContain('The requested URL returned error: 403');
    } finally {
      await home.remove();
      await off.close();
      await on.close();
    }
  });

  test('two-step required: users without it get 403 with the text; with it, and access tokens, pass', async () => {
    const required = await startSimulator({
      world: withAcme((acme) => {
        acme.requireTwoStep = true;
      }),
    });
    const enabled = await startSimulator({
      world: withAcme((acme, world) => {
        acme.requireTwoStep = true;
        world.accounts[0]!.twoStepEnabled = true;
      }),
    });
    try {
      const refused = await get(required, REFS, basic('alice', SECRETS.apiToken));
      expect(refused.status).toBe(403);
      expect(refused.text).toBe('To access this repository, enable two-step authentication.\n');
      expect((await get(required, REFS, basic('x-token-auth', SECRETS.repoToken))).status).toBe(
        200,
      );
      expect((await get(enabled, REFS, basic('alice', SECRETS.apiToken))).status).toBe(200);
      // REST is not affected (its form is not in the dossier).
      expect(
        (
          await get(
            required,
            '/2.0/repositories/acme/secret-repo',
            basic(ALICE_EMAIL, SECRETS.apiToken),
          )
        ).status,
      ).toBe(200);
    } finally {
      await required.close();
      await enabled.close();
    }
  });
});
