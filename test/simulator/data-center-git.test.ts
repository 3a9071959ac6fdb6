// Git on the simulated Data Center, with the REAL git binary (isolated HOME, no system config, no
// prompts): `{base}/scm/{KEY}/{slug}.git` with a password, a personal token, a Bearer header through
// http.extraHeader, the 401 challenge, the CAPTCHA as git shows it, and basic auth off for git
// (bitbucket-auth.md §8, §12.3).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { dcScenarios, dcWorld } from '../../src/simulator/dc-scenarios.js';
import type { DcWorld } from '../../src/simulator/dc-world.js';
import { gitHomeFiles, gitUrl } from '../../src/simulator/scenarios.js';
import type { RequestLogEntry, RunningSimulator } from '../../src/simulator/server.js';
import { startSimulator } from '../../src/simulator/server.js';
import type { GitHome } from './git-helpers.js';
import { gitHome, withUserinfo } from './git-helpers.js';

const world = dcWorld();
const ALICE = world.users.find((u) => u.username === 'alice')!;
const token = (label: string) => world.tokens.find((t) => t.label === label)!.secret;
const PAT = token('alice-pat');
const PROJECT = token('acme-project-token');

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function setup(
  overrides: Partial<DcWorld> = {},
): Promise<{ sim: RunningSimulator; home: GitHome; log: RequestLogEntry[]; repo: string }> {
  const log: RequestLogEntry[] = [];
  const sim = await startSimulator({ world: dcWorld(overrides), onRequest: (e) => log.push(e) });
  const home = await gitHome();
  cleanup.push(
    () => sim.close(),
    () => home.remove(),
  );
  return { sim, home, log, repo: `${sim.base}/scm/acme/secret-repo.git` };
}

const refsOf = (stdout: string): string[] =>
  stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t')[1] ?? '');

describe('git ls-remote against Data Center', () => {
  test('username and password in the URL: git asks anonymously, gets the challenge, then succeeds', async () => {
    const { home, repo, log } = await setup();
    const run = await home.run(['ls-remote', withUserinfo(repo, 'alice', ALICE.password)]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(refsOf(run.stdout)).toEqual(['HEAD', 'refs/heads/develop', 'refs/heads/master']);
    expect(log.map((e) => e.status)).toEqual([401, 200]);
    expect(log[1]?.auth).toBe('Basic(password as alice)');
    expect(JSON.stringify(log)).not.toContain(ALICE.password);
  });

  test('a personal token as the password, and the project key in upper case', async () => {
    const { home, sim } = await setup();
    const run = await home.run([
      'ls-remote',
      withUserinfo(`${sim.base}/scm/ACME/secret-repo.git`, 'alice', PAT),
    ]);
    expect(run.code).toBe(0);
    expect(refsOf(run.stdout)).toContain('refs/heads/master');
  });

  test('Bearer through http.extraHeader (personal and project tokens): no challenge needed', async () => {
    const { home, repo, log } = await setup();
    for (const secret of [PAT, PROJECT]) {
      const run = await home.run([
        '-c',
        `http.extraHeader=Authorization: Bearer ${secret}`,
        'ls-remote',
        repo,
      ]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(refsOf(run.stdout)).toContain('refs/heads/master');
    }
    expect(log.map((e) => e.status)).toEqual([200, 200]);
  });

  test('a wrong password: 401, "Authentication failed", one failed login counted', async () => {
    const { home, repo, sim } = await setup();
    const run = await home.run(['ls-remote', withUserinfo(repo, 'alice', 'not-the-password')]);
    expect(run.code).toBe(128);
    expect(run.stderr).toContain('fatal: Authentication failed for ');
    expect(sim.stats().dataCenter?.failedLogins).toBe(1);
  });

  test('a project token in the URL (Basic) fails; the public repository needs no credential', async () => {
    const { home, repo, sim } = await setup();
    const run = await home.run(['ls-remote', withUserinfo(repo, 'alice', PROJECT)]);
    expect(run.code).toBe(128);
    expect(run.stderr).toContain('Authentication failed');
    const pub = await home.run(['ls-remote', `${sim.base}/scm/acme/website.git`]);
    expect(pub.code).toBe(0);
    expect(refsOf(pub.stdout)).toContain('HEAD');
  });

  test('a locked account: git prints "fatal: remote error: CAPTCHA required" and the text', async () => {
    const { home, repo, sim } = await setup({
      users: dcWorld().users.map((u) => (u.username === 'alice' ? { ...u, failedLogins: 5 } : u)),
    });
    const run = await home.run(['ls-remote', withUserinfo(repo, 'alice', ALICE.password)]);
    expect(run.code).toBe(128);
    expect(run.stderr).toContain('fatal: remote error: CAPTCHA required');
    expect(run.stderr).toContain('Your Bitbucket account has been locked.');
    expect(run.stderr).toContain(`Visit Bitbucket at ${sim.base} for more details.`);
    expect(sim.stats().dataCenter).toMatchObject({ failedLogins: 0, captchaRefusals: 1 });
  });

  test('five wrong passwords from git lock the account for git too', async () => {
    const { home, repo } = await setup();
    for (let i = 0; i < 5; i += 1) {
      await home.run(['ls-remote', withUserinfo(repo, 'alice', `wrong-${String(i)}`)]);
    }
    const run = await home.run(['ls-remote', withUserinfo(repo, 'alice', ALICE.password)]);
    expect(run.stderr).toContain('fatal: remote error: CAPTCHA required');
  });

  test('basic auth disabled for git: 403 with the sentence as a remote: line; Bearer still works', async () => {
    const { home, repo } = await setup({ basicAuthDisabledForGit: true });
    const run = await home.run(['ls-remote', withUserinfo(repo, 'alice', ALICE.password)]);
    expect(run.code).toBe(128);
    expect(run.stderr).toContain(
      'remote: Basic Authentication has been disabled on this instance.',
    );
    expect(run.stderr).toContain('The requested URL returned error: 403');
    const fixed = await home.run([
      '-c',
      `http.extraHeader=Authorization: Bearer ${PAT}`,
      'ls-remote',
      repo,
    ]);
    expect(fixed.code).toBe(0);
  });

  test('git clone works (upload-pack), and every push is refused', async () => {
    const { home, repo } = await setup();
    const url = withUserinfo(repo, 'alice', ALICE.password);
    const clone = await home.run(['clone', '--quiet', url, 'work']);
    expect(clone.stderr).toBe('');
    expect(clone.code).toBe(0);
    const logOut = await home.run(['log', '--format=%s'], join(home.dir, 'work'));
    expect(logOut.stdout.trim().split('\n')).toEqual([
      'Fix the deploy script',
      'Add health check',
      'Initial commit',
    ]);
    const push = await home.run(['push', url, 'HEAD:refs/heads/new'], join(home.dir, 'work'));
    expect(push.code).not.toBe(0);
  });
});

describe('the dc-git-basic-disabled story with the real git', () => {
  test('its credential store, its command, its stderr', async () => {
    const scenario = dcScenarios.find((s) => s.name === 'dc-git-basic-disabled')!;
    const story = scenario.git!;
    const sim = await startSimulator({ scenario });
    const home = await gitHome();
    cleanup.push(
      () => sim.close(),
      () => home.remove(),
    );
    for (const [file, text] of Object.entries(gitHomeFiles(story, sim.base))) {
      await writeFile(join(home.dir, file), text, { mode: 0o600 });
    }
    const url = gitUrl(story, sim.base);
    expect(url).toBe(`${sim.base}/scm/acme/secret-repo.git`);
    const run = await home.run(story.command.map((word) => word.replace('{git-url}', url)));
    expect(run.code).toBe(story.gitExit);
    for (const line of story.gitStderr) expect(run.stderr).toContain(line);
  });
});
