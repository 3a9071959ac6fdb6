// Git over HTTPS end to end (contract.md "Git over HTTPS"): every git scenario through the built CLI
// in the three formats, git's side of the world in a HOME of its own (a credential-store file, never
// the user's configuration), every intake form, and the simulator's log read for what was sent.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gitHomeFiles,
  gitScenarios,
  gitUrl,
  scenarios,
  startSimulator,
  type RequestLogEntry,
  type RunningSimulator,
  type Scenario,
} from '../../src/simulator/index.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { gitHome } from '../simulator/git-helpers.js';

interface Report {
  diagnosis: { status: string; code?: string; summary?: string };
  target: Record<string, unknown>;
  checks: { id: string; status: string; code?: string; summary: string }[];
  warnings?: string[];
}

/** A started scenario with git's HOME written, and a way to run the doctor in it. */
interface GitWorld {
  sim: RunningSimulator;
  log: RequestLogEntry[];
  home: string;
  url: string;
  run(args: readonly string[], cwd?: string): Promise<CliResult>;
  close(): Promise<void>;
}

const openWorld = async (scenario: Scenario): Promise<GitWorld> => {
  const log: RequestLogEntry[] = [];
  const sim = await startSimulator({ scenario, onRequest: (entry) => log.push(entry) });
  const home = await mkdtemp(join(tmpdir(), 'bb-doctor-git-e2e-'));
  for (const [file, text] of Object.entries(gitHomeFiles(scenario.git!, sim.url)))
    await writeFile(join(home, file), text, { mode: 0o600 });
  const env = {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    LC_ALL: 'C',
  };
  return {
    sim,
    log,
    home,
    url: gitUrl(scenario.git!, sim.url),
    run: (args, cwd) =>
      runCli(['--api-url', sim.url, '--auth-url', sim.url, ...args], env, {
        ...(cwd === undefined ? {} : { cwd }),
      }),
    close: async () => {
      await sim.close();
      await rm(home, { recursive: true, force: true });
    },
  };
};

/** Where git-access's own code differs from the diagnosis (REST narrows it, git-story.ts). */
const GIT_CODE: Readonly<Record<string, string>> = { 'git-api-token-unscoped': 'AUTH_REJECTED' };

/** A Cloud scenario by name (getScenario also finds the Data Center ones). */
const byName = (name: string): Scenario => {
  const found = [...scenarios, ...gitScenarios].find((s) => s.name === name);
  if (found === undefined) throw new Error(`no scenario ${name}`);
  return found;
};

const secretsOf = (scenario: Scenario): string[] =>
  scenario.world.credentials.map((c) => c.secret).filter((s) => s.length >= 8);

const expectNoSecret = (scenario: Scenario, result: CliResult): void => {
  for (const secret of secretsOf(scenario)) {
    expect(result.stdout + result.stderr).not.toContain(secret);
    expect(result.stdout).not.toContain(encodeURIComponent(secret));
  }
};

/** Read-only: ref advertisements only (GET info/refs), no pack data ever (no POST). */
const expectNoPackData = (log: readonly RequestLogEntry[]): void => {
  const git = log.filter((entry) => entry.path.includes('.git/'));
  expect(git.length).toBeGreaterThan(0);
  for (const entry of git) {
    expect(entry.method).toBe('GET');
    expect(entry.path).toMatch(/\/info\/refs\?service=git-(?:upload|receive)-pack$/u);
  }
  expect(
    log.some((entry) => entry.method === 'POST' && /git-(?:upload|receive)-pack/u.test(entry.path)),
  ).toBe(false);
};

describe.each(gitScenarios.map((s) => [s.name, s] as const))(
  'git scenario %s',
  (_name, scenario) => {
    let world: GitWorld;
    beforeAll(async () => {
      world = await openWorld(scenario);
    });
    afterAll(async () => {
      await world.close();
    });
    const args = (): string[] => scenario.args.map((a) => a.replaceAll('{git-url}', world.url));

    it(`json: ${scenario.expected.code ?? 'healthy'} from git-access, exit ${scenario.expected.exit}, read-only`, async () => {
      world.log.length = 0;
      const result = await world.run([...args(), '--format', 'json']);
      expect(result.stderr).toBe('');
      expect(result.code, result.stdout.slice(0, 2000)).toBe(scenario.expected.exit);
      const report = JSON.parse(result.stdout) as Report;
      expect(report.diagnosis.code).toBe(scenario.expected.code);
      const git = report.checks.find((c) => c.id === 'git-access');
      expect(git?.status).toBe('fail');
      // git cannot narrow a refusal with every username; REST's experiment on the secret can.
      expect(git?.code).toBe(GIT_CODE[scenario.name] ?? scenario.expected.code);
      expect(report.checks.filter((c) => c.status === 'error')).toEqual([]);
      expectNoSecret(scenario, result);
      expectNoPackData(world.log);
      // git asks anonymously first, as git does, and is challenged.
      const first = world.log.find((entry) => entry.path.includes('/info/refs'));
      expect(first?.auth).toBe('none');
      expect(first?.status).toBe(401);
    });

    it('text: the diagnosis first, the fix to paste, no secret', async () => {
      const result = await world.run(args());
      expect(result.code).toBe(scenario.expected.exit);
      expect(result.stdout).toMatch(new RegExp(`Diagnosis: ${scenario.expected.code ?? ''}`, 'u'));
      expect(result.stdout.indexOf('Diagnosis')).toBeLessThan(result.stdout.indexOf('Checks'));
      expectNoSecret(scenario, result);
    });

    it('markdown: the code and the git-access row, no secret', async () => {
      const result = await world.run([...args(), '--format', 'markdown']);
      expect(result.code).toBe(scenario.expected.exit);
      expect(result.stdout).toContain(scenario.expected.code!);
      expect(result.stdout).toContain('git-access');
      expectNoSecret(scenario, result);
    });
  },
);

describe('the fix is proven and pasteable', () => {
  it('GIT_USERNAME_WRONG: verified by the second advertisement; set-url without the secret', async () => {
    const scenario = byName('git-api-token-email');
    const world = await openWorld(scenario);
    try {
      const result = await world.run(['--git-url', world.url, '--format', 'json']);
      const report = JSON.parse(result.stdout) as Report & {
        diagnosis: { commands?: string[]; verified?: string };
      };
      expect(report.diagnosis.verified).toMatch(
        /as sent answered 401; corrected, it answered 200/u,
      );
      const commands = report.diagnosis.commands ?? [];
      expect(commands[0]).toMatch(
        /^git remote set-url origin http:\/\/x-bitbucket-api-token-auth@127\.0\.0\.1:\d+\/acme\/secret-repo\.git$/u,
      );
      // REST works with the same token and the email: said, and not the cause.
      const identity = report.checks.find((c) => c.id === 'identity');
      expect(identity?.status).toBe('pass');
    } finally {
      await world.close();
    }
  });

  it('APP_PASSWORD_REMOVED from the store helper: named, and the reject command keeps other entries (username)', async () => {
    const scenario = byName('git-app-password-cached');
    const world = await openWorld(scenario);
    try {
      const before = await readFile(join(world.home, '.git-credentials'), 'utf8');
      const result = await world.run(['--git-url', world.url, '--format', 'json']);
      const report = JSON.parse(result.stdout) as Report & { diagnosis: { commands?: string[] } };
      expect(report.diagnosis.summary).toContain('git-credential:store');
      expect(report.diagnosis.commands).toContainEqual(
        expect.stringMatching(
          /^printf 'protocol=http\\nhost=127\.0\.0\.1:\d+\\nusername=alice\\n\\n' \| git credential reject$/u,
        ),
      );
      // Never approve or reject: the helper's store is as it was.
      expect(await readFile(join(world.home, '.git-credentials'), 'utf8')).toBe(before);
    } finally {
      await world.close();
    }
  });
});

describe('intake forms (nothing is executed against the network)', () => {
  let world: GitWorld;
  const scenario = byName('git-api-token-email');
  beforeAll(async () => {
    world = await openWorld(scenario);
  });
  afterAll(async () => {
    await world.close();
  });
  const codeOf = (result: CliResult): string | undefined =>
    (JSON.parse(result.stdout) as Report).diagnosis.code;

  it('-- git ls-remote URL', async () => {
    const result = await world.run(['--format', 'json', '--', 'git', 'ls-remote', world.url]);
    expect(result.stderr).toBe('');
    expect(codeOf(result)).toBe('GIT_USERNAME_WRONG');
    expectNoSecret(scenario, result);
  });

  it("--git 'git clone URL dir' pasted whole, with -c options read and not run", async () => {
    const result = await world.run([
      '--format',
      'json',
      '--git',
      `git -c credential.helper= clone ${world.url} work`,
    ]);
    expect(result.stderr).toBe('');
    expect(codeOf(result)).toBe('GIT_USERNAME_WRONG');
    expectNoSecret(scenario, result);
  });

  it('no target inside a work tree: the origin remote, said in the report', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'bb-doctor-worktree-'));
    const git = await gitHome();
    try {
      expect((await git.run(['init', '-q', repo])).code).toBe(0);
      expect((await git.run(['remote', 'add', 'origin', world.url], repo)).code).toBe(0);
      const result = await world.run(['--format', 'json'], repo);
      expect(result.stderr).toBe('');
      const report = JSON.parse(result.stdout) as Report;
      expect(report.diagnosis.code).toBe('GIT_USERNAME_WRONG');
      expect(JSON.stringify(report)).toMatch(/origin/u);
      // The URL's userinfo lands in .git/config: warned.
      expect(JSON.stringify(report)).toContain('SECRET_IN_URL');
      expectNoSecret(scenario, result);
    } finally {
      await git.remove();
      await rm(repo, { recursive: true, force: true });
    }
  });

  it('--remote NAME picks another remote; an SSH remote is said, not diagnosed', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'bb-doctor-worktree-'));
    const git = await gitHome();
    try {
      await git.run(['init', '-q', repo]);
      await git.run(['remote', 'add', 'origin', 'git@bitbucket.org:acme/secret-repo.git'], repo);
      await git.run(['remote', 'add', 'https', world.url], repo);
      const ssh = await world.run(['--remote', '--format', 'json'], repo);
      expect(ssh.stdout + ssh.stderr).toMatch(/SSH/u);
      expect(ssh.stdout + ssh.stderr).toMatch(/HTTPS only/u);
      const https = await world.run(['--remote', 'https', '--format', 'json'], repo);
      expect(https.stderr).toBe('');
      expect(codeOf(https)).toBe('GIT_USERNAME_WRONG');
    } finally {
      await git.remove();
      await rm(repo, { recursive: true, force: true });
    }
  });
});

describe('the verdict follows git', () => {
  it('git accepts the API token with the username: exit 0; REST with the same username is a warning', async () => {
    const scenario = byName('git-api-token-email');
    const world = await openWorld(scenario);
    try {
      const fixed = world.url.replace(/^http:\/\/[^:]+:/u, 'http://alice:');
      const result = await world.run(['--git-url', fixed, '--format', 'json']);
      expect(result.code, result.stdout.slice(0, 1500)).toBe(0);
      const report = JSON.parse(result.stdout) as Report;
      expect(report.checks.find((c) => c.id === 'git-access')?.status).toBe('pass');
      const identity = report.checks.find((c) => c.id === 'identity');
      expect(identity?.status).toBe('warn');
      expect(identity?.summary).toMatch(/REST only/u);
      expectNoSecret(scenario, result);
    } finally {
      await world.close();
    }
  });
});

describe('a pasted script: a token fetch, then git with the token in the URL', () => {
  let sim: RunningSimulator;
  let consumer: string;
  let host: string;
  beforeAll(async () => {
    const scenario = byName('lowercase-bearer');
    sim = await startSimulator({ scenario });
    const ci = scenario.world.consumers.find((c) => c.label === 'acme-ci')!;
    consumer = `${ci.key}:${ci.secret}`;
    host = new URL(sim.url).host;
  });
  afterAll(async () => {
    await sim.close();
  });
  const script = (user: string): string =>
    `TOKEN=$(curl -s -X POST -u ${consumer} ${sim.url}/site/oauth2/access_token -d grant_type=client_credentials | jq -r .access_token)\n` +
    `git clone http://${user}:$TOKEN@${host}/acme/secret-repo.git`;
  const run = (args: readonly string[]): Promise<CliResult> =>
    runCli(['--api-url', sim.url, '--auth-url', sim.url, ...args, '--format', 'json'], {
      HOME: tmpdir(),
      GIT_CONFIG_NOSYSTEM: '1',
    });

  it('with x-token-auth: the doctor fetches a token with the same consumer, and git gets in (exit 0)', async () => {
    const result = await run(['--git', script('x-token-auth')]);
    expect(result.stderr).toBe('');
    expect(result.code, result.stdout.slice(0, 1500)).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.checks.find((c) => c.id === 'token-fetch')?.status).toBe('pass');
    expect(report.checks.find((c) => c.id === 'git-access')?.summary).toMatch(/x-token-auth/u);
    expect(result.stdout).not.toContain(consumer.split(':')[1]!);
  });

  it('with another username, pasted with --curl: GIT_ACCESS_TOKEN_USERNAME, the clone URL fixed', async () => {
    const result = await run(['--curl', script('alice')]);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as Report & { diagnosis: { commands?: string[] } };
    expect(report.diagnosis.code).toBe('GIT_ACCESS_TOKEN_USERNAME');
    expect(report.diagnosis.commands?.[0]).toBe(
      `git clone http://x-token-auth@${host}/acme/secret-repo.git`,
    );
    expect(result.stdout).not.toContain(consumer.split(':')[1]!);
  });
});
