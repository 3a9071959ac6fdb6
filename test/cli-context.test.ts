import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { CHECKS } from '../src/registry.js';
import { clientCredentialsCommand, refreshCommand } from '../src/knowledge/remedies.js';
import { shellWord } from '../src/knowledge/shell.js';
import { getScenario, startSimulator, type RunningSimulator } from '../src/simulator/index.js';
import { fakeIO } from './helpers/io.js';
import { runCli } from './helpers/cli.js';

interface Report {
  target: { apiUrl: string; authUrl: string };
  diagnosis: { status: string; code?: string; remediation?: { commands?: string[] } };
  credentials: { kind: string; source: string; username?: string }[];
  checks: { id: string; remediation?: { commands?: string[] } }[];
  warnings: string[];
}

/** Every remediation command of a JSON report, diagnosis and checks. */
const commandsOf = (report: Report): string[] => [
  ...(report.diagnosis.remediation?.commands ?? []),
  ...report.checks.flatMap((c) => c.remediation?.commands ?? []),
];

describe('--output: a line on stderr for each file written', () => {
  it('names each file and its format; stdout stays the report alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-out-'));
    const md = join(dir, 'report.md');
    const json = join(dir, 'report.json');
    const har = join(dir, 'run.har');
    const t = fakeIO();
    const code = await main(
      ['demo', 'healthy', '--format', 'json', '-o', md, '--output', json, '--output', har],
      t.sink,
    );
    expect(code).toBe(0);
    expect(() => JSON.parse(t.out()) as unknown).not.toThrow();
    expect(t.err()).toBe(
      `bb-doctor: wrote ${md} (markdown)\nbb-doctor: wrote ${json} (json)\nbb-doctor: wrote ${har} (HAR 1.2, the exchanges)\n`,
    );
    for (const file of [md, json, har]) expect(existsSync(file)).toBe(true);
    expect(readFileSync(md, 'utf8')).toMatch(/^#/u);
  });

  it('an unknown extension (.html) is a usage error before anything runs: exit 2, nothing written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-out-'));
    const file = join(dir, 'r.html');
    const t = fakeIO();
    expect(await main(['demo', '--output', file], t.sink)).toBe(2);
    expect(t.out()).toBe('');
    expect(t.err()).toMatch(
      /^bb-doctor: cannot write --output .*r\.html: .*\.md, \.json, \.txt or \.har\.\n$/u,
    );
    expect(existsSync(file)).toBe(false);
  });
});

describe('checks --format json', () => {
  it('lists every check (id, title, description, codes, needs) in registry order', async () => {
    const t = fakeIO();
    expect(await main(['checks', '--format', 'json'], t.sink)).toBe(0);
    const list = JSON.parse(t.out()) as {
      checks: {
        id: string;
        title: string;
        description: string;
        codes: string[];
        needs: string[];
      }[];
      findings: { code: string; layer: string; cause: string }[];
    };
    expect(list.checks.map((c) => c.id)).toEqual(CHECKS.map((c) => c.meta.id));
    for (const check of list.checks) {
      expect(Object.keys(check)).toEqual(['id', 'title', 'description', 'codes', 'needs']);
      expect(check.title.length).toBeGreaterThan(0);
    }
    expect(list.checks.find((c) => c.id === 'header-casing')?.codes).toContain(
      'HEADER_SCHEME_CASE',
    );
    expect(list.findings.map((f) => f.code)).toContain('TOKEN_EXPIRED');
    expect(t.err()).toBe('');
  });

  it('text stays the default; markdown and --output are refused with one line', async () => {
    const text = fakeIO();
    expect(await main(['checks'], text.sink)).toBe(0);
    expect(text.out()).toMatch(/^Checks, in the order/u);
    const md = fakeIO();
    expect(await main(['checks', '--format', 'markdown'], md.sink)).toBe(2);
    expect(md.err()).toMatch(/^bb-doctor: checks prints text or json.*\n$/u);
    const out = fakeIO();
    const file = join(mkdtempSync(join(tmpdir(), 'bb-out-')), 'checks.json');
    expect(await main(['checks', '--output', file], out.sink)).toBe(2);
    expect(existsSync(file)).toBe(false);
  });
});

describe('demo brings its own target and credentials', () => {
  const refused: string[][] = [
    ['--url', 'https://api.bitbucket.org/2.0/user'],
    ['--workspace', 'acme'],
    ['-w', 'acme'],
    ['--repo', 'secret-repo'],
    ['--username', 'jdoe'],
    ['--email', 'me@example.com'],
    ['--api-token', 'ATATT3xDemoRefusesThis000001'],
    ['--header', 'Authorization: Bearer abc'],
    ['--curl', 'curl https://api.bitbucket.org/2.0/user'],
    ['--git', 'git clone https://bitbucket.org/acme/secret-repo.git'],
    ['--git-url', 'https://bitbucket.org/acme/secret-repo.git'],
    ['--remote'],
    ['--api-url', 'https://api.bitbucket.org'],
    ['--auth-url', 'https://bitbucket.org'],
    ['--netrc'],
    ['--git-credential'],
    ['--', 'curl', 'https://api.bitbucket.org/2.0/user'],
  ];
  it.each(refused)('demo %s … is exit 2 with one line', async (...words) => {
    const t = fakeIO();
    expect(await main(['demo', ...words], t.sink)).toBe(2);
    expect(t.out()).toBe('');
    const lines = t.err().split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^bb-doctor: demo brings its own target and credentials/u);
    expect(t.err()).not.toContain('ATATT3xDemoRefusesThis000001');
  });

  it('the output options still work (--format, --timeout, a scenario)', async () => {
    const t = fakeIO();
    expect(await main(['demo', 'healthy', '--format', 'json', '--timeout', '20'], t.sink)).toBe(0);
  });
});

describe('the API base: BITBUCKET_API_URL, and --netrc for the host of the API used', () => {
  let sim: RunningSimulator;
  const token = getScenario('healthy')!.env!['BITBUCKET_API_TOKEN']!;
  const env = (extra: Record<string, string> = {}) => ({
    BITBUCKET_EMAIL: 'alice@example.com',
    BITBUCKET_API_TOKEN: token,
    ...extra,
  });
  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'healthy' });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('BITBUCKET_API_URL sets the API base like --api-url', async () => {
    const t = fakeIO(env({ BITBUCKET_API_URL: `${sim.url}/` }));
    const code = await main(
      ['--auth-url', sim.url, '--workspace', 'acme', '--format', 'json'],
      t.sink,
    );
    const report = JSON.parse(t.out()) as Report;
    expect(report.target.apiUrl).toBe(sim.url);
    expect(code).toBe(0);
  });

  it('--api-url wins over BITBUCKET_API_URL', async () => {
    const t = fakeIO(env({ BITBUCKET_API_URL: 'http://127.0.0.1:9' }));
    const code = await main(
      ['--api-url', sim.url, '--auth-url', sim.url, '--workspace', 'acme', '--format', 'json'],
      t.sink,
    );
    expect((JSON.parse(t.out()) as Report).target.apiUrl).toBe(sim.url);
    expect(code).toBe(0);
  });

  it('a BITBUCKET_API_URL that is no URL is a usage error naming the variable', async () => {
    const t = fakeIO(env({ BITBUCKET_API_URL: 'api.bitbucket.org' }));
    expect(await main(['--workspace', 'acme'], t.sink)).toBe(2);
    expect(t.err()).toMatch(/^bb-doctor: BITBUCKET_API_URL expects an absolute URL/u);
  });

  it("--netrc looks up the --url's host, not api.bitbucket.org", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-netrc-url-'));
    const file = join(dir, 'netrc');
    writeFileSync(file, `machine 127.0.0.1 login alice@example.com password ${token}\n`);
    chmodSync(file, 0o600);
    const result = await runCli(
      [
        '--url',
        `${sim.url}/2.0/repositories/acme/secret-repo`,
        '--auth-url',
        sim.url,
        '--netrc',
        '--format',
        'json',
      ],
      { NETRC: file },
    );
    const report = JSON.parse(result.stdout) as Report;
    expect(report.credentials[0]).toMatchObject({
      source: `netrc:${file}`,
      username: 'alice@example.com',
    });
    expect(report.warnings.join(' ')).not.toMatch(/no machine entry/u);
    expect(result.code).toBe(0);
  });

  it('--netrc looks up the host of BITBUCKET_API_URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-netrc-env-'));
    const file = join(dir, 'netrc');
    writeFileSync(file, `machine 127.0.0.1 login alice@example.com password ${token}\n`);
    chmodSync(file, 0o600);
    const result = await runCli(
      ['--auth-url', sim.url, '--workspace', 'acme', '--netrc', '--format', 'json'],
      { NETRC: file, BITBUCKET_API_URL: sim.url },
    );
    const report = JSON.parse(result.stdout) as Report;
    expect(report.credentials[0]).toMatchObject({ source: `netrc:${file}` });
    expect(result.code).toBe(0);
  });
});

/**
 * Runs a printed command in bash with `failglob` (an unmatched glob is an error, as zsh's "no
 * matches found"), with curl and git replaced by functions that print their arguments one a line.
 */
const argsAsRun = (command: string): { code: number; args: string[]; stderr: string } => {
  const script = `shopt -s failglob; curl() { printf '%s\\n' "$@"; }; git() { printf '%s\\n' "$@"; }\n${command}`;
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', script], {
    encoding: 'utf8',
    cwd: mkdtempSync(join(tmpdir(), 'bb-shell-')),
    env: { PATH: process.env['PATH'] ?? '' },
  });
  return { code: r.status ?? -1, args: r.stdout.split('\n').filter(Boolean), stderr: r.stderr };
};

describe('fix commands run as printed (bash and zsh) and use the run’s origins', () => {
  it('shellWord quotes what a shell would expand or split', () => {
    expect(shellWord('https://api.bitbucket.org/2.0/user')).toBe(
      'https://api.bitbucket.org/2.0/user',
    );
    expect(shellWord('https://h/2.0/repositories/acme?pagelen=100&role=member')).toBe(
      "'https://h/2.0/repositories/acme?pagelen=100&role=member'",
    );
    expect(shellWord("it's")).toBe("'it'\\''s'");
    for (const word of ['a?b', 'a&b', 'a*b', 'a[1]', '{x}', 'a b', '~x', '#x', "it's", ''])
      expect(argsAsRun(`curl ${shellWord(word)}`).args).toEqual(word === '' ? [] : [word]);
  });

  it('the token endpoint commands go to the given endpoint', () => {
    const endpoint = 'http://127.0.0.1:8080/site/oauth2/access_token';
    expect(refreshCommand(endpoint)).toMatch(
      / http:\/\/127\.0\.0\.1:8080\/site\/oauth2\/access_token$/u,
    );
    expect(clientCredentialsCommand(endpoint)).toMatch(/ http:\/\/127\.0\.0\.1:8080\//u);
  });

  const demo = async (scenario: string): Promise<{ report: Report; commands: string[] }> => {
    const t = fakeIO();
    await main(['demo', scenario, '--format', 'json'], t.sink);
    const report = JSON.parse(t.out()) as Report;
    return { report, commands: commandsOf(report) };
  };

  it.each(['timeout', 'lowercase-bearer', 'repo-not-found', 'unknown-scheme'])(
    '%s: every fix command passes bash with failglob, its URL one whole word',
    async (scenario) => {
      const { report, commands } = await demo(scenario);
      expect(commands.length).toBeGreaterThan(0);
      for (const command of commands.filter((c) => /^(?:curl|git) /u.test(c))) {
        const run = argsAsRun(command);
        expect(run.stderr, command).toBe('');
        expect(run.code, command).toBe(0);
        const urls = run.args.filter((a) => /^https?:\/\//u.test(a));
        expect(urls.length, command).toBeGreaterThan(0);
        for (const url of urls)
          expect(url.startsWith(new URL(report.target.apiUrl).origin)).toBe(true);
      }
    },
    20_000,
  );

  it.each(['token-expired', 'consumer-wrong-secret', 'password-grant'])(
    '%s: the token endpoint of the fix is the run’s --auth-url, not bitbucket.org',
    async (scenario) => {
      const { report, commands } = await demo(scenario);
      const token = commands.filter((c) => c.includes('/site/oauth2/access_token'));
      expect(token.length).toBeGreaterThan(0);
      for (const command of token) {
        expect(command).not.toContain('https://bitbucket.org');
        expect(argsAsRun(command).args).toContain(
          `${report.target.authUrl}/site/oauth2/access_token`,
        );
      }
    },
  );
});

describe('a work tree whose origin is a local path (a clone of a clone)', () => {
  const tree = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-local-origin-'));
    const git = (...args: string[]) =>
      spawnSync('git', args, {
        cwd: dir,
        encoding: 'utf8',
        env: { PATH: process.env['PATH'] ?? '', HOME: dir },
      });
    git('init', '-q');
    git('remote', 'add', 'origin', '/srv/git/bb-doctor');
    return dir;
  };

  it('is no Bitbucket remote: a run with no target is not a crash (a usage error stays exit 2)', async () => {
    const r = await runCli(['--timeout', 'soon'], { HOME: '/nonexistent' }, { cwd: tree() });
    expect(r.stderr).toMatch(/^bb-doctor: --timeout expects a number/u);
    expect(r.code).toBe(2);
  });

  it('--remote naming it is a usage error with one line, not an internal error', async () => {
    const r = await runCli(['--remote'], { HOME: '/nonexistent' }, { cwd: tree() });
    expect(r.stderr).toMatch(/^bb-doctor: .*local path/u);
    expect(r.stderr).not.toMatch(/internal error/u);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.code).toBe(2);
  });
});
