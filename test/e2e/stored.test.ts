import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getScenario, startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { runCli } from '../helpers/cli.js';

const API_TOKEN = getScenario('healthy')!.env!['BITBUCKET_API_TOKEN']!;

interface Report {
  diagnosis: { status: string; code?: string };
  credentials: { kind: string; source: string; username?: string }[];
  warnings: string[];
}

/** Credentials stored where git and curl keep them reach the checks, with their source shown. */
describe('stored credentials: --git-credential and --netrc', () => {
  let sim: RunningSimulator;
  const dir = mkdtempSync(join(tmpdir(), 'bb-stored-'));
  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'healthy' });
  });
  afterAll(async () => {
    await sim.close();
  });
  const args = () => [
    '--api-url',
    sim.url,
    '--auth-url',
    sim.url,
    '--workspace',
    'acme',
    '--email',
    'alice@example.com',
    '--format',
    'json',
  ];

  /** A real git with a helper script as its only credential helper, in a throw-away HOME. */
  const gitEnv = (): Record<string, string> => {
    const helper = join(dir, 'bb-helper.sh');
    writeFileSync(
      helper,
      `#!/bin/sh\n[ "$1" = get ] || exit 0\ncat >/dev/null\necho username=alice@example.com\necho password=${API_TOKEN}\n`,
    );
    chmodSync(helper, 0o755);
    const config = join(dir, 'gitconfig');
    writeFileSync(config, `[credential]\n\thelper = ${helper}\n`);
    return { HOME: dir, GIT_CONFIG_GLOBAL: config, GIT_CONFIG_NOSYSTEM: '1' };
  };

  it('a helper configured with arguments: shown by its program only, its arguments never printed', async () => {
    const helper = join(dir, 'bb-args-helper.sh');
    const secret = 'ATATT3xHelperArgument0123456789abcdefXYZ';
    writeFileSync(
      helper,
      `#!/bin/sh\nfor a; do last=$a; done\n[ "$last" = get ] || exit 0\ncat >/dev/null\necho username=alice@example.com\necho password=${API_TOKEN}\n`,
    );
    chmodSync(helper, 0o755);
    const config = join(dir, 'gitconfig-args');
    writeFileSync(config, `[credential]\n\thelper = ${helper} --token=${secret}\n`);
    const env = { HOME: dir, GIT_CONFIG_GLOBAL: config, GIT_CONFIG_NOSYSTEM: '1' };
    for (const format of ['json', 'text', 'markdown']) {
      const result = await runCli(
        [...args().slice(0, -2), '--format', format, '--verbose', '--git-credential'],
        env,
      );
      expect(result.stdout + result.stderr).not.toContain(secret);
      expect(result.stdout + result.stderr).not.toContain(secret.slice(8, 24));
      expect(result.stdout).toContain(`${helper} (+1 argument)`);
    }
  });

  it('git credential fill: the helper that answered is the source, and the token works', async () => {
    const result = await runCli([...args(), '--git-credential'], gitEnv());
    const report = JSON.parse(result.stdout) as Report;
    expect(result.code, result.stdout.slice(0, 1200)).toBe(0);
    expect(report.credentials[0]).toMatchObject({
      kind: 'api-token',
      source: `git-credential:${join(dir, 'bb-helper.sh')}`,
      username: 'alice@example.com',
    });
    expect(result.stdout).not.toContain(API_TOKEN);
  });

  it('an environment variable overriding the stored credential is warned about, as glab does', async () => {
    const result = await runCli([...args(), '--git-credential'], {
      ...gitEnv(),
      BITBUCKET_API_TOKEN: 'ATATT3xSomethingElseEntirely0001',
    });
    const report = JSON.parse(result.stdout) as Report;
    expect(report.warnings.join(' ')).toMatch(
      /env:BITBUCKET_API_TOKEN overrides the credential stored in git-credential:/u,
    );
    expect(result.stdout).not.toContain('ATATT3xSomethingElseEntirely0001');
  });

  it('no helper configured: a warning, no prompt, no hang', async () => {
    const empty = join(dir, 'empty-gitconfig');
    writeFileSync(empty, '');
    const result = await runCli(
      [...args(), '--git-credential'],
      { HOME: dir, GIT_CONFIG_GLOBAL: empty, GIT_CONFIG_NOSYSTEM: '1' },
      { timeoutMs: 15_000 },
    );
    const report = JSON.parse(result.stdout) as Report;
    expect(report.diagnosis.code).toBe('NO_CREDENTIALS');
    expect(report.warnings.join(' ')).toMatch(/credential helper|hold nothing|found nothing/u);
  });

  it('--netrc reads $NETRC for the API host', async () => {
    const file = join(dir, 'netrc');
    writeFileSync(file, `machine 127.0.0.1 login alice@example.com password ${API_TOKEN}\n`);
    chmodSync(file, 0o600);
    const result = await runCli([...args(), '--netrc'], { NETRC: file });
    const report = JSON.parse(result.stdout) as Report;
    expect(result.code).toBe(0);
    expect(report.credentials[0]).toMatchObject({
      source: `netrc:${file}`,
      username: 'alice@example.com',
    });
    expect(report.warnings).toEqual([]);
  });

  it('--netrc-file that does not exist is a usage error', async () => {
    const result = await runCli([...args(), '--netrc-file', join(dir, 'missing')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no such file/u);
  });
});
