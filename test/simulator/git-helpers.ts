// Running the REAL git binary against a started simulator, isolated from the user's own git: a
// temporary HOME, no system config, no prompts, no askpass, and a minimal environment (no GIT_* or
// proxy variables are inherited).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface GitHome {
  dir: string;
  /** Store `url` (with userinfo) for git's `store` helper, as `git credential approve` would. */
  storeCredential(url: string): Promise<void>;
  run(args: readonly string[], cwd?: string): Promise<GitRun>;
  remove(): Promise<void>;
}

export async function gitHome(): Promise<GitHome> {
  const dir = await mkdtemp(join(tmpdir(), 'bb-doctor-git-'));
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    GCM_INTERACTIVE: 'never',
    LC_ALL: 'C',
  };
  return {
    dir,
    storeCredential: async (url) => {
      await writeFile(join(dir, '.git-credentials'), `${url}\n`, { mode: 0o600 });
      await writeFile(join(dir, '.gitconfig'), '[credential]\n\thelper = store\n');
    },
    run: (args, cwd = dir) =>
      new Promise((resolve) => {
        execFile(
          'git',
          [...args],
          { cwd, env, timeout: 20_000, encoding: 'utf8' },
          (error, stdout, stderr) => {
            const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
            resolve({ code, stdout, stderr });
          },
        );
      }),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** `http://user:secret@host:port/path`, percent-encoded as git expects userinfo. */
export function withUserinfo(url: string, user: string, secret: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = encodeURIComponent(secret);
  return parsed.toString();
}
