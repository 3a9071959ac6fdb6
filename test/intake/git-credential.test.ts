import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  gitCredentialFill,
  GitCredentialError,
  gitCredentialHelpers,
} from '../../src/intake/git-credential.js';

const hasGit = (() => {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const PASSWORD = 'ATATT3xFfGF0aZ9-helper-secret=';

// A real git, with a temporary HOME and global config, and small helper scripts (POSIX sh).
describe.skipIf(!hasGit || process.platform === 'win32')('gitCredentialFill (real git)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  const helper = async (name: string, body: string): Promise<string> => {
    const file = join(dir, name);
    await writeFile(file, `#!/bin/sh\n${body}\n`);
    await chmod(file, 0o755);
    return file;
  };
  const config = (text: string) => writeFile(join(dir, '.gitconfig'), text);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bbd-git-'));
    env = {
      PATH: process.env['PATH'],
      HOME: dir,
      GIT_CONFIG_GLOBAL: join(dir, '.gitconfig'),
      GIT_CONFIG_NOSYSTEM: '1',
    };
    await config('');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns what the helper answers and names the helper', async () => {
    const script = await helper(
      'helper.sh',
      `[ "$1" = get ] || exit 0\ncat >/dev/null\nprintf 'username=alice\\npassword=${PASSWORD}\\n'`,
    );
    await config(`[credential]\n\thelper = ${script}\n`);
    const credential = await gitCredentialFill('https://bitbucket.org', { env, cwd: dir });
    expect(credential).toEqual({
      username: 'alice',
      password: PASSWORD,
      helper: script,
      helpers: [script],
    });
  });

  it('says which of several helpers answered, with URL-specific helpers and resets', async () => {
    const empty = await helper('empty.sh', 'cat >/dev/null\nexit 0');
    const answers = await helper(
      'answers.sh',
      `cat >/dev/null\nprintf 'username=bob\\npassword=${PASSWORD}\\n'`,
    );
    const never = await helper('never.sh', 'cat >/dev/null\nprintf "password=wrong\\n"');
    await config(
      [
        '[credential]',
        `\thelper = ${never}`,
        '\thelper =',
        `\thelper = ${empty}`,
        '[credential "https://bitbucket.org"]',
        `\thelper = ${answers}`,
        '[credential "https://github.com"]',
        `\thelper = ${never}`,
        '',
      ].join('\n'),
    );
    expect(await gitCredentialHelpers('https://bitbucket.org', { env, cwd: dir })).toEqual([
      empty,
      answers,
    ]);
    const credential = await gitCredentialFill('https://bitbucket.org', { env, cwd: dir });
    expect(credential).toMatchObject({ username: 'bob', password: PASSWORD, helper: answers });
  });

  it('shows a shell helper by its first word only', async () => {
    await config(
      `[credential]\n\thelper = "!f() { cat >/dev/null; echo username=x; echo password=${PASSWORD}; }; f"\n`,
    );
    const credential = await gitCredentialFill('https://bitbucket.org', { env, cwd: dir });
    expect(credential).toMatchObject({ password: PASSWORD, helper: '!f()', helpers: ['!f()'] });
    expect(JSON.stringify(credential?.helpers)).not.toContain(PASSWORD);
  });

  it('shows a helper with arguments by its program only, and hands the arguments over first', async () => {
    const script = await helper(
      'args.sh',
      `cat >/dev/null\necho username=x\necho password=${PASSWORD}`,
    );
    const token = 'ATATT3xHelperArgumentToken0123456789';
    await config(`[credential]\n\thelper = ${script} --token=${token} --verbose\n`);
    const handed: string[] = [];
    const credential = await gitCredentialFill('https://bitbucket.org', {
      env,
      cwd: dir,
      onHelperArguments: (values) => handed.push(...values),
    });
    expect(credential).toMatchObject({ helper: `${script} (+2 arguments)` });
    expect(JSON.stringify(credential)).not.toContain(token);
    expect(handed).toEqual([`--token=${token}`, '--verbose']);
  });

  it('returns undefined, fast and without prompting, when no helper is configured', async () => {
    const started = Date.now();
    expect(await gitCredentialFill('https://bitbucket.org', { env, cwd: dir })).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await gitCredentialHelpers('https://bitbucket.org', { env, cwd: dir })).toEqual([]);
  });

  it('returns no password, and the helper asked, when the helper has a username but no password', async () => {
    const script = await helper('user-only.sh', 'cat >/dev/null\necho username=alice');
    await config(`[credential]\n\thelper = ${script}\n`);
    const answer = await gitCredentialFill('https://bitbucket.org', { env, cwd: dir });
    expect(answer?.password).toBeUndefined();
    expect(answer?.helpers).toEqual([script]);
  });

  it('a helper that answers garbage is a configured helper that gave nothing, not a missing one', async () => {
    const script = await helper('garbage.sh', 'cat >/dev/null\necho "%%% not a credential %%%"');
    await config(`[credential]\n\thelper = ${script}\n`);
    const answer = await gitCredentialFill('https://bitbucket.org', { env, cwd: dir });
    expect(answer?.password).toBeUndefined();
    expect(answer?.helpers).toEqual([script]);
  });

  it('kills a hanging helper after the timeout', async () => {
    const script = await helper('hangs.sh', 'sleep 30');
    await config(`[credential]\n\thelper = ${script}\n`);
    const started = Date.now();
    const fill = gitCredentialFill('https://bitbucket.org', { env, cwd: dir, timeoutMs: 700 });
    await expect(fill).rejects.toThrow(GitCredentialError);
    await expect(fill).rejects.toThrow(/did not answer within 0\.7 s/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('passes the URL username to the helpers', async () => {
    const script = await helper(
      'echo-user.sh',
      `user=$(grep '^username=' | cut -d= -f2)\nprintf 'username=%s\\npassword=${PASSWORD}\\n' "$user"`,
    );
    await config(`[credential]\n\thelper = ${script}\n`);
    expect(
      (await gitCredentialFill('https://carol@bitbucket.org', { env, cwd: dir }))?.username,
    ).toBe('carol');
  });

  it('reports a broken config in one line', async () => {
    await config('[credential\n\thelper = x\n');
    await expect(gitCredentialFill('https://bitbucket.org', { env, cwd: dir })).rejects.toThrow(
      GitCredentialError,
    );
  });
});

describe('gitCredentialFill without git', () => {
  it('throws a one-line GitCredentialError', async () => {
    const fill = gitCredentialFill('https://bitbucket.org', { git: '/nonexistent/bin/git' });
    await expect(fill).rejects.toThrow(GitCredentialError);
    await expect(fill).rejects.toThrow(
      'git is not installed or not on PATH, so git credential helpers cannot be asked',
    );
  });

  it('rejects a bad URL without echoing it', async () => {
    const fill = gitCredentialFill('not a url with s3cret');
    await expect(fill).rejects.toThrow('the URL for git credential fill is not a valid URL');
  });
});
