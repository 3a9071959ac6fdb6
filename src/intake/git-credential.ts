/**
 * Asks git's configured credential helpers for the Bitbucket credential, as `git push` would, but
 * without ever prompting: `git credential fill` (git-credential(1)) with terminal prompts off, an
 * askpass program that answers nothing, Git Credential Manager told not to interact, no
 * controlling terminal (the child gets its own session on POSIX), and a short timeout after which
 * the whole process group is killed.
 *
 * git does not say which helper answered, so the helpers it will try are read from the config
 * (`credential.helper` and `credential.<url>.helper`, in order, an empty value resetting the list,
 * gitcredentials(7)), and the fill runs with GIT_TRACE on stderr: helpers run in that order and
 * the first that returns a username and password ends the search, so the last helper `get` traced
 * is the one that answered.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { homedir } from 'node:os';

/** git is missing, timed out, or failed in a way that is not "no credential" (one line). */
export class GitCredentialError extends Error {
  override readonly name = 'GitCredentialError';
}

export interface GitCredential {
  username?: string;
  password?: string;
  /**
   * The configured helper that answered, by its program only (`store`, `osxkeychain`, `manager`,
   * `/path/to/helper`, a shell helper `!f() {...}; f` as `!f()`): its arguments may hold a token
   * (`helper = /path/helper.sh --token=X`), so they are counted, never shown.
   */
  helper?: string;
  /** The helpers git asks for this URL, in order (same naming). */
  helpers: string[];
}

export interface GitCredentialOptions {
  /** Per git invocation; default 5000 ms. */
  timeoutMs?: number;
  /**
   * Called with the arguments of every configured helper before git runs, so that they are
   * registered as secrets before any of git's messages (which may quote them) can print.
   */
  onHelperArguments?: (values: readonly string[]) => void;
  /** The environment git runs with (default `process.env`); the no-prompt settings are added. */
  env?: NodeJS.ProcessEnv;
  /**
   * Where git runs. Default: the home directory, not the current one: a cloned repository's own
   * config could name a helper that runs any command.
   */
  cwd?: string;
  /** The git executable; default `git` on PATH. */
  git?: string;
  /** `git credential fill`: the repository path (git keeps it only with credential.useHttpPath). */
  path?: string;
  /** `git remote get-url`: the push URL. */
  push?: boolean;
}

const DEFAULT_TIMEOUT_MS = 5000;

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A credential answer is a few short lines: beyond this, git's output is not one (a helper printing
 * a file, a log or an endless stream), and git is stopped.
 */
export const MAX_GIT_OUTPUT_BYTES = 64 * 1024;

/** Of git's stderr (its trace and messages), what is kept; the rest is read and dropped. */
const MAX_GIT_STDERR_BYTES = 256 * 1024;

/** The git processes running now: each leads its own process group (its helpers are in it). */
const running = new Set<ChildProcess>();

/** Ends the process group of each git still running (SIGTERM, as an interrupted run would). */
export function endGitChildren(signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const child of running) {
    if (child.pid === undefined) continue;
    try {
      if (process.platform === 'win32') child.kill(signal);
      else process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  }
  running.clear();
}

const SIGNAL_EXIT_CODES: Readonly<Partial<Record<NodeJS.Signals, number>>> = {
  SIGINT: 130,
  SIGTERM: 143,
};

/**
 * While git runs, Ctrl-C or SIGTERM ends its process group too, then the run (exit 130 or 143):
 * left alone, `git credential fill` and the helper it waits for would outlive the run, re-parented
 * to init. An exit for any other reason ends them as well.
 */
const onSignal = (signal: NodeJS.Signals): void => {
  endGitChildren('SIGTERM');
  process.exit(SIGNAL_EXIT_CODES[signal] ?? 1);
};
const onExit = (): void => endGitChildren('SIGTERM');

function track(child: ChildProcess): void {
  if (running.size === 0) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('exit', onExit);
  }
  running.add(child);
}

function untrack(child: ChildProcess): void {
  running.delete(child);
  if (running.size === 0) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', onExit);
  }
}

/** Kills the child and everything it started (its own process group on POSIX). */
function killTree(child: ChildProcess): void {
  untrack(child);
  if (child.pid !== undefined && process.platform !== 'win32') {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  } else {
    child.kill('SIGKILL');
  }
  // A helper's grandchild may still hold the pipes: do not wait for them.
  child.stdin?.destroy();
  child.stdout?.destroy();
  child.stderr?.destroy();
  child.unref();
}

function run(
  git: string,
  args: readonly string[],
  input: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
  timeoutMs: number,
  what: string,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(git, args, {
      env,
      cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own session: no controlling terminal, so nothing can open /dev/tty to prompt.
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    track(child);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let stdoutBytes = 0;
    let stderrBytes = 0;
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      killTree(child);
      reject(
        new GitCredentialError(
          `${what} did not answer within ${String(timeoutMs / 1000)} s (a credential helper may be waiting for input) and was stopped`,
        ),
      );
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      if (settled) return;
      stdoutBytes += chunk.length;
      if (stdoutBytes > MAX_GIT_OUTPUT_BYTES) {
        // Never its content: it may be anything, secrets included.
        settled = true;
        clearTimeout(timer);
        killTree(child);
        reject(
          new GitCredentialError(
            `${what} printed more than ${String(MAX_GIT_OUTPUT_BYTES / 1024)} KB, which is no credential (a credential helper printing something else?), and was stopped`,
          ),
        );
        return;
      }
      stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderrBytes >= MAX_GIT_STDERR_BYTES) return;
      stderrBytes += chunk.length;
      stderr.push(chunk);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      untrack(child);
      reject(
        new GitCredentialError(
          error.code === 'ENOENT'
            ? 'git is not installed or not on PATH, so git credential helpers cannot be asked'
            : `cannot run git: ${error.message}`,
        ),
      );
    });
    child.on('close', (code) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      untrack(child);
      resolve({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
    // git may exit before reading its input (EPIPE): the exit code tells what happened.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/** The environment for git: never prompt, English messages, traces on stderr. */
function gitEnv(base: NodeJS.ProcessEnv, trace: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    GIT_TERMINAL_PROMPT: '0',
    // An askpass that answers nothing: git gets an empty username/password instead of asking.
    GIT_ASKPASS: 'true',
    // Git Credential Manager: no GUI, no terminal prompt.
    GCM_INTERACTIVE: 'never',
    LC_ALL: 'C',
  };
  delete env['SSH_ASKPASS'];
  delete env['GIT_TRACE'];
  if (trace) env['GIT_TRACE'] = '2';
  return env;
}

/** A helper's words after its program: what may carry a secret. */
export function helperArguments(value: string): string[] {
  return value.replace(/^!\s*/, '').trim().split(/\s+/).slice(1);
}

/** How a helper is shown: by its program only, its arguments counted (they may hold anything). */
function helperName(value: string): string {
  const shell = value.startsWith('!');
  const first = /^!?\s*(\S+)/.exec(value)?.[1] ?? '';
  const name = shell && first.length > 30 ? `${first.slice(0, 30)}…` : first;
  // A shell helper's text is a script, not arguments: its first word stands for it.
  const count = shell ? 0 : helperArguments(value).length;
  return `${shell ? '!' : ''}${name}${count === 0 ? '' : ` (+${count} argument${count === 1 ? '' : 's'})`}`;
}

/** Does `credential.<pattern>.helper` apply to the URL (gitcredentials(7) "Credential contexts")? */
function contextMatches(pattern: string, target: URL): boolean {
  let context: URL;
  try {
    context = new URL(pattern.includes('://') ? pattern : `${target.protocol}//${pattern}`);
  } catch {
    return false;
  }
  if (context.protocol !== target.protocol) return false;
  const wanted = context.hostname.toLowerCase().split('.');
  const actual = target.hostname.toLowerCase().split('.');
  if (wanted.length !== actual.length) return false;
  if (!wanted.every((label, i) => label === '*' || label === actual[i])) return false;
  if (context.port !== target.port) return false;
  if (context.username !== '' && context.username !== target.username) return false;
  // A context path matches the target's path as a prefix of whole segments (git-config(1),
  // "http.<url>.*": "path ... matches if it is a prefix, split at slashes"); a credential request
  // carries no path, so there a context with a path does not match.
  const path = context.pathname.replace(/\/+$/u, '');
  if (path === '') return true;
  const actualPath = target.pathname.replace(/\/+$/u, '');
  return actualPath === path || actualPath.startsWith(`${path}/`);
}

/** Does a configuration `<url>` subsection (`http.<url>.extraHeader`) apply to `url`? */
export function configUrlMatches(pattern: string, url: string): boolean {
  return contextMatches(pattern, targetUrl(url));
}

/**
 * The values of the configuration keys whose name matches `keyPattern` (`git config -z
 * --get-regexp`) and whose `<url>` subsection, if any, matches `url` as git matches it, in
 * configuration order. Reads configuration only: no helper or hook runs.
 */
export async function gitConfigForUrl(
  keyPattern: string,
  url: string,
  options: GitCredentialOptions = {},
): Promise<{ key: string; value: string }[]> {
  const target = targetUrl(url);
  const result = await gitQuery(
    ['config', '-z', '--get-regexp', keyPattern],
    'git config',
    options,
  );
  if (result.code !== 0) return [];
  return configRecords(result.stdout)
    .filter(([key]) => {
      const first = key.indexOf('.');
      const last = key.lastIndexOf('.');
      return first === last || contextMatches(key.slice(first + 1, last), target);
    })
    .map(([key, value]) => ({ key, value }));
}

/** A read-only git query (config, remotes): no prompts, no helper, the user's HOME or `cwd`. */
const gitQuery = (
  args: readonly string[],
  what: string,
  options: GitCredentialOptions,
): ReturnType<typeof run> =>
  run(
    options.git ?? 'git',
    [...args],
    '',
    gitEnv(options.env ?? process.env, false),
    options.cwd ?? homedir(),
    options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    what,
  );

/**
 * The URL of a remote of the repository at `cwd` (`git remote get-url NAME`, which applies
 * `url.<base>.insteadOf` as fetch does), or undefined when there is no such remote or no
 * repository. Contains the userinfo as configured: register it before anything prints.
 */
export async function gitRemoteUrl(
  name: string,
  options: GitCredentialOptions = {},
): Promise<string | undefined> {
  const result = await gitQuery(
    ['remote', 'get-url', ...(options.push === true ? ['--push'] : []), '--', name],
    'git remote get-url',
    options,
  );
  const url = result.stdout.split('\n')[0]?.trim() ?? '';
  return result.code === 0 && url !== '' ? url : undefined;
}

/** The remote names of the repository at `cwd` (`git remote`), none outside a repository. */
export async function gitRemoteNames(options: GitCredentialOptions = {}): Promise<string[]> {
  const result = await gitQuery(['remote'], 'git remote', options);
  if (result.code !== 0) return [];
  return result.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** Parses `git config -z --get-regexp` output: `key\nvalue\0` records (`key\0` for no value). */
function configRecords(stdout: string): [string, string][] {
  return stdout
    .split('\0')
    .filter((record) => record !== '')
    .map((record) => {
      const nl = record.indexOf('\n');
      return nl < 0 ? [record, ''] : [record.slice(0, nl), record.slice(nl + 1)];
    });
}

function targetUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    // Not echoed: a URL may carry user:secret.
    throw new GitCredentialError('the URL for git credential fill is not a valid URL');
  }
}

/**
 * The helpers git will ask for `url`, in order, as configured (`credential.helper`,
 * `credential.<url>.helper`; an empty value clears the ones before it).
 */
export async function gitCredentialHelpers(
  url: string,
  options: GitCredentialOptions = {},
): Promise<string[]> {
  const target = targetUrl(url);
  const result = await run(
    options.git ?? 'git',
    ['config', '-z', '--get-regexp', '^credential\\..*helper$'],
    '',
    gitEnv(options.env ?? process.env, false),
    options.cwd ?? homedir(),
    options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    'git config',
  );
  // Exit 1: no such key.
  if (result.code !== 0) return [];
  let helpers: string[] = [];
  for (const [key, value] of configRecords(result.stdout)) {
    const context = /^credential\.(.+)\.helper$/i.exec(key)?.[1];
    if (
      key.toLowerCase() !== 'credential.helper' &&
      (context === undefined || !contextMatches(context, target))
    ) {
      continue;
    }
    if (value === '') helpers = [];
    else helpers.push(value);
  }
  return helpers;
}

/** git's "no credential and no way to ask" errors, which mean "no credential", not a failure. */
const NO_CREDENTIAL_RE =
  /could not read (?:Username|Password)|terminal prompts disabled|unable to read askpass response|unable to get password/i;

/** No credential came back: undefined when no helper is configured, else the helpers asked. */
const unanswered = (configured: readonly string[]): GitCredential | undefined =>
  configured.length === 0 ? undefined : { helpers: configured.map(helperName) };

/**
 * Runs `git credential fill` for the URL's protocol and host (and its username, if any), never
 * prompting, and returns what the helpers answered with the helper that answered. Returns
 * undefined when no helper is configured, and the helpers without a password when none answered. Throws `GitCredentialError` (one line) when git is
 * missing, times out, or fails otherwise.
 */
export async function gitCredentialFill(
  url: string,
  options: GitCredentialOptions = {},
): Promise<GitCredential | undefined> {
  const target = targetUrl(url);
  const configured = await gitCredentialHelpers(url, options);
  options.onHelperArguments?.(configured.flatMap(helperArguments));
  const lines = [`protocol=${target.protocol.replace(/:$/, '')}`, `host=${target.host}`];
  if (target.username !== '') lines.push(`username=${decodeURIComponent(target.username)}`);
  if (options.path !== undefined && options.path !== '')
    lines.push(`path=${options.path.replace(/^\/+/u, '')}`);
  const result = await run(
    options.git ?? 'git',
    ['credential', 'fill'],
    `${lines.join('\n')}\n\n`,
    gitEnv(options.env ?? process.env, true),
    options.cwd ?? homedir(),
    options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    'git credential fill',
  );
  const messages = result.stderr
    .split('\n')
    .filter((line) => line.trim() !== '' && !/\btrace: /.test(line));
  if (result.code !== 0) {
    // Nothing to give: say which helpers were asked (a helper that prints garbage is configured,
    // not missing).
    if (NO_CREDENTIAL_RE.test(result.stderr)) return unanswered(configured);
    const first = messages.find((line) => /^(?:fatal|error):/.test(line)) ?? messages[0] ?? '';
    throw new GitCredentialError(
      `git credential fill failed (exit ${String(result.code)})${first === '' ? '' : `: ${first.replace(/^(?:fatal|error):\s*/, '')}`}`,
    );
  }
  const fields = new Map<string, string>();
  for (const line of result.stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) fields.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const username = fields.get('username');
  const password = fields.get('password');
  if (password === undefined || password === '') return unanswered(configured);

  // The helpers run in order; the last one traced is the one that answered.
  const ran = result.stderr
    .split('\n')
    .filter((line) => /trace: run_command: .* get'?$/.test(line.trim())).length;
  const helpers = configured.map(helperName);
  const credential: GitCredential = { password, helpers };
  if (username !== undefined && username !== '') credential.username = username;
  const helper = ran > 0 ? helpers[ran - 1] : undefined;
  if (helper !== undefined) credential.helper = helper;
  return credential;
}
