import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';

const hasGit = (() => {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const posix = process.platform !== 'win32';

/** An API nobody answers on: these runs stop at their input, or report no verdict. */
const OFFLINE = ['--api-url', 'http://127.0.0.1:9', '--auth-url', 'http://127.0.0.1:9'];

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Every input bounded: a .netrc, a capture and a credential helper are read within limits. */
describe.skipIf(!posix)('bounded inputs through the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bbd-inputs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--netrc-file /dev/zero and a 20 MB .netrc: one line naming the 1 MB limit, exit 2', async () => {
    const big = join(dir, 'big.netrc');
    writeFileSync(
      big,
      `machine api.bitbucket.org login a password ${'x'.repeat(20 * 1024 * 1024)}\n`,
    );
    for (const file of ['/dev/zero', big]) {
      const result = await runCli([...OFFLINE, '--netrc-file', file]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe(`bb-doctor: ${file} is larger than 1 MB`);
      expect(result.stdout).toBe('');
    }
  });

  it('--netrc-file and explain read a named pipe that has a writer (no block in open)', async () => {
    const pipe = join(dir, 'netrc-pipe');
    execFileSync('mkfifo', [pipe]);
    spawn(
      'sh',
      ['-c', `printf 'machine 127.0.0.1 login alice password pw-from-pipe\\n' > "$1"`, 'sh', pipe],
      {
        stdio: 'ignore',
      },
    );
    const result = await runCli([...OFFLINE, '--netrc-file', pipe, '--format', 'json']);
    const report = JSON.parse(result.stdout) as { credentials: { source: string }[] };
    expect(report.credentials[0]?.source).toBe(`netrc:${pipe}`);
    expect(result.stdout).not.toContain('pw-from-pipe');

    const capture = join(dir, 'capture-pipe');
    execFileSync('mkfifo', [capture]);
    spawn(
      'sh',
      [
        '-c',
        `printf 'HTTP/1.1 401 Unauthorized\\r\\nContent-Length: 0\\r\\n\\r\\n' > "$1"`,
        'sh',
        capture,
      ],
      { stdio: 'ignore' },
    );
    const explained = await runCli(['explain', capture, '--format', 'json']);
    expect(explained.stderr).not.toMatch(/nothing to read/u);
    expect(explained.code).not.toBe(2);
  });

  it.skipIf(!hasGit)(
    'a credential helper that prints 100 MB: git is stopped past 64 KB, one warning, no content',
    async () => {
      const helper = join(dir, 'flood.sh');
      writeFileSync(
        helper,
        '#!/bin/sh\n[ "$1" = get ] || exit 0\nprintf password=; head -c 100000000 /dev/zero | tr "\\\\0" x; echo\n',
      );
      chmodSync(helper, 0o755);
      const config = join(dir, 'flood-gitconfig');
      writeFileSync(config, `[credential]\n\thelper = ${helper}\n`);
      const started = Date.now();
      const result = await runCli([...OFFLINE, '--git-credential', '--format', 'json'], {
        HOME: dir,
        GIT_CONFIG_GLOBAL: config,
        GIT_CONFIG_NOSYSTEM: '1',
      });
      const report = JSON.parse(result.stdout) as { warnings: string[] };
      expect(report.warnings.join('\n')).toMatch(
        /git credential fill printed more than 64 KB, which is no credential .*and was stopped/u,
      );
      expect(result.stdout).not.toMatch(/xxxxxxxxxx/u);
      expect(result.stderr).not.toMatch(/xxxxxxxxxx|at .*\.js:/u);
      expect(Date.now() - started).toBeLessThan(20_000);
    },
  );

  it.skipIf(!hasGit).each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)(
    '%s during --git-credential: exit %i, and git and the helper end with the run',
    async (signal, code) => {
      const pidFile = join(dir, `helper-${signal}.pid`);
      const helper = join(dir, `sleepy-${signal}.sh`);
      writeFileSync(
        helper,
        `#!/bin/sh\n[ "$1" = get ] || exit 0\necho $$ > '${pidFile}'\nexec sleep 60\n`,
      );
      chmodSync(helper, 0o755);
      const config = join(dir, `sleepy-${signal}-gitconfig`);
      writeFileSync(config, `[credential]\n\thelper = ${helper}\n`);
      const child = spawn(process.execPath, [BIN, ...OFFLINE, '--git-credential'], {
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: dir,
          GIT_CONFIG_GLOBAL: config,
          GIT_CONFIG_NOSYSTEM: '1',
        },
        stdio: 'ignore',
      });
      const exited = new Promise<[number | null, string | null]>((resolve) =>
        child.on('exit', (code, signal) => resolve([code, signal])),
      );
      let pid = 0;
      for (let i = 0; i < 100 && pid === 0; i += 1) {
        await new Promise((r) => setTimeout(r, 50));
        try {
          pid = Number(readFileSync(pidFile, 'utf8').trim());
        } catch {
          // Not yet.
        }
      }
      expect(pid).toBeGreaterThan(0);
      expect(alive(pid)).toBe(true);
      child.kill(signal);
      expect(await exited).toEqual([code, null]);
      for (let i = 0; i < 60 && alive(pid); i += 1) await new Promise((r) => setTimeout(r, 50));
      expect(alive(pid)).toBe(false);
    },
  );
});
