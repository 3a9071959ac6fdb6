/**
 * Reads a failing git command the way git reads it (contract.md, "Git over HTTPS"): `-- git ARG...`
 * and `--git 'git …'`. Pure: nothing is executed, no repository is read, and a remote NAME is left
 * for the caller to resolve (`git remote get-url NAME`). Bitbucket's git failures are mostly about
 * which username goes with which secret (bitbucket-auth.md §12.1), so the parser keeps every place
 * git takes a credential from: userinfo, `http.extraHeader`, and `credential.helper` overrides.
 * Not yet wired into the CLI.
 */
import { posix } from 'node:path';
import { CurlParseError, splitCommand } from './curl-parse.js';
import { decodePercent } from './curl-url.js';
import { quoted } from './quote.js';
import { headerSecrets, urlSecrets, type FoundSecret } from './secrets.js';

/** The command cannot be read (one line, for the user; never quotes a secret). */
export class GitParseError extends Error {
  override readonly name = 'GitParseError';
}

/** The subcommands that talk to the server over smart HTTP (the ref advertisement). */
export const GIT_SUBCOMMANDS = ['clone', 'fetch', 'pull', 'push', 'ls-remote'] as const;
export type GitSubcommand = (typeof GIT_SUBCOMMANDS)[number];

/** One `-c name=value` (git's or clone's) or `--config-env name=ENVVAR`. Values may be secrets. */
export interface GitConfig {
  /** Canonical: section and key lower-cased, subsection as typed (git-config(1), "Syntax"). */
  readonly name: string;
  /** Absent for `-c name` (git: boolean true) and for `--config-env`. */
  readonly value?: string;
  /** `--config-env`: the environment variable the value is read from (a name, no secret). */
  readonly env?: string;
  /** Before the subcommand (`git -c`), or `git clone -c/--config` (the new repository's). */
  readonly from: 'git' | 'clone';
}

/**
 * An `http.extraHeader` (a CI checkout's credential) or `credential.helper` value, for every URL
 * or for the `<url>` of `http.<url>.extraheader` (scope as typed). An empty value resets the list
 * (git-config(1)); `env` is `--config-env`'s variable.
 */
export interface GitScoped {
  readonly scope?: string;
  readonly value?: string;
  readonly env?: string;
}

/** A URL git connects to, in pieces. */
export interface GitUrl {
  /** `http` for http:// and https:// (in scope); `ssh` (ssh://, scp-like) and `git` are not. */
  readonly transport: 'http' | 'ssh' | 'git';
  readonly scheme: string;
  readonly host: string;
  readonly port?: number;
  readonly path: string;
  /** `/WS/REPO(.git)`: a Bitbucket Cloud-like repository path. */
  readonly workspace?: string;
  readonly repo?: string;
  /** Percent-decoded userinfo. Contains secrets. */
  readonly userinfo?: { readonly username: string; readonly password?: string };
}

/** The repository argument: a URL, or a remote NAME the caller resolves in the repository. */
export interface GitRemote {
  readonly kind: 'url' | 'name';
  /** As typed. May contain secrets (userinfo). */
  readonly text: string;
  readonly url?: GitUrl;
}

/** What a git command asks for. Secrets are in here as given: never print this object. */
export interface GitCommand {
  readonly subcommand: GitSubcommand;
  readonly configs: readonly GitConfig[];
  readonly extraHeaders: readonly GitScoped[];
  /** `credential.helper`, `credential.<url>.helper` values: recorded, never run (contract.md). */
  readonly credentialHelpers: readonly GitScoped[];
  /** Some `credential.helper` was given: git's configured helpers are not what ran. */
  readonly credentialHelperOverride: boolean;
  /** `-C DIR` (several compose, as in git(1)), `--git-dir`, `--work-tree`. */
  readonly directory?: string;
  readonly gitDir?: string;
  readonly workTree?: string;
  /** Absent: git uses the branch's remote, usually `origin` (the caller resolves it). */
  readonly remote?: GitRemote;
  readonly push: boolean;
  /** Every secret the words carry, for `registerSecrets` (src/intake/secrets.ts). */
  readonly secrets: readonly FoundSecret[];
}

/** A word as a message may name it: an option up to its `=`, else described (quote.ts). */
const named = (word: string): string => quoted(word.replace(/=.*$/su, ''), 30);

/** git-config(1): `section[.subsection].key`; section and key case-insensitive, key alnum/`-`. */
export const canonicalConfigName = (name: string): string => {
  const first = name.indexOf('.');
  const last = name.lastIndexOf('.');
  const section = name.slice(0, first);
  const key = name.slice(last + 1);
  if (first < 1 || !/^[A-Za-z][A-Za-z0-9-]*$/u.test(key) || !/^[A-Za-z0-9.-]+$/u.test(section))
    throw new GitParseError(
      `git -c ${named(name)}: the key needs a section and a name (a.b=value)`,
    );
  const sub = first === last ? '' : name.slice(first, last);
  return `${section.toLowerCase()}${sub}.${key.toLowerCase()}`;
};

const words = (text: string): ReadonlySet<string> => new Set(text.split(' '));

// git(1) "OPTIONS": the global options that take a value (separate or after `=`); the others
// are flags. `--exec-path[=]`, `--list-cmds=` take theirs only after `=`; the path options print.
const GLOBAL_VALUE = words('--git-dir --work-tree --namespace --attr-source');
const GLOBAL_FLAGS = words(
  '-p --paginate -P --no-pager --bare --no-replace-objects --no-lazy-fetch --no-optional-locks ' +
    '--no-advice --literal-pathspecs --glob-pathspecs --noglob-pathspecs --icase-pathspecs',
);
const NO_SERVER = words(
  '-h --help -v --version --exec-path --list-cmds --html-path --man-path --info-path',
);

// The subcommands' options that take a value (git-clone(1), git-fetch(1), git-pull(1),
// git-push(1), git-ls-remote(1)): long names, and short letters (`-b main`, `-bmain`, `-qb main`).
// Optional values (`--recurse-submodules[=]`, `--rebase[=]`) go after `=` only: flags here.
// parse-options also accepts unique abbreviations of long options (`--dep 1`); those are not read.
const FETCH =
  'upload-pack server-option depth deepen shallow-since shallow-exclude refmap jobs ' +
  'negotiation-tip filter submodule-prefix recurse-submodules-default';
const VALUE_OPTIONS: Record<GitSubcommand, { long: ReadonlySet<string>; short: string }> = {
  clone: {
    long: words(
      'branch depth origin reference reference-if-able config jobs filter separate-git-dir ' +
        'template upload-pack server-option shallow-since shallow-exclude revision ref-format bundle-uri',
    ),
    short: 'bocju',
  },
  fetch: { long: words(FETCH), short: 'oj' },
  pull: { long: words(`${FETCH} strategy strategy-option cleanup`), short: 'ojsX' },
  // git-push(1): `--recurse-submodules=check|on-demand|only|no` needs its value.
  push: { long: words('repo receive-pack exec push-option recurse-submodules'), short: 'o' },
  'ls-remote': { long: words('upload-pack exec sort server-option'), short: 'o' },
};

/** git-fetch(1) "GIT URLS": the transports git speaks; ftp(s):// and file:// are none of ours. */
const TRANSPORTS: Partial<Record<string, GitUrl['transport']>> = {
  http: 'http',
  https: 'http',
  ssh: 'ssh',
  'git+ssh': 'ssh',
  'ssh+git': 'ssh',
  git: 'git',
};

/** `/WS/REPO` or `/WS/REPO.git` (trailing slash allowed): Bitbucket Cloud's repository path. */
const repoPath = (path: string): { workspace?: string; repo?: string } => {
  const m = /^\/?([^/]+)\/([^/]+?)(?:\.git)?\/?$/u.exec(path);
  return m?.[1] !== undefined && m[2] !== undefined ? { workspace: m[1], repo: m[2] } : {};
};

/**
 * A repository argument as git-fetch(1) "GIT URLS" reads it: `scheme://`, scp-like
 * `[user@]host:path` ("only recognized if there are no slashes before the first colon"), a
 * local path, or (not for clone) a remote name.
 */
export const readRemote = (text: string, clone: boolean): GitRemote => {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//u.exec(text)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    const transport = TRANSPORTS[scheme];
    if (transport === undefined)
      throw new GitParseError(
        scheme === 'file'
          ? 'a file:// repository is local: git does not talk to a server for it'
          : `git's ${quoted(scheme, 20)}:// transport is out of scope (only https:// is diagnosed)`,
      );
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new GitParseError(`the ${scheme}:// repository URL cannot be read`);
    }
    const username = decodePercent(url.username);
    const password = url.password === '' ? undefined : decodePercent(url.password);
    const userinfo =
      username === '' && password === undefined
        ? {}
        : { userinfo: { username, ...(password === undefined ? {} : { password }) } };
    const path = decodePercent(url.pathname);
    return {
      kind: 'url',
      text,
      url: {
        transport,
        scheme,
        host: url.hostname.toLowerCase(),
        ...(url.port === '' ? {} : { port: Number(url.port) }),
        path,
        ...repoPath(path),
        ...userinfo,
      },
    };
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*::/u.test(text))
    throw new GitParseError('a remote helper (<transport>::<address>) is out of scope');
  const colon = text.indexOf(':');
  const slash = text.search(/[/\\]/u);
  // scp-like, unless a slash comes first or it is a DOS drive (`C:\repo`), as in git's connect.c.
  if (colon > 0 && (slash < 0 || slash > colon) && !/^[A-Za-z]:/u.test(text)) {
    const at = text.lastIndexOf('@', colon);
    const host = text
      .slice(at + 1, colon)
      .replace(/^\[|\]$/gu, '')
      .toLowerCase();
    const path = text.slice(colon + 1);
    const username = at > -1 ? { userinfo: { username: text.slice(0, at) } } : {};
    const url = { transport: 'ssh', scheme: 'ssh', host, path, ...repoPath(path), ...username };
    return { kind: 'url', text, url: url as GitUrl };
  }
  if (clone || slash > -1 || /^[.~]|^[A-Za-z]:/u.test(text) || text === '')
    throw new GitParseError(`the repository ${quoted(text)} is a local path: no server to ask`);
  return { kind: 'name', text };
};

/** Secrets of an extraHeader value (`Name: value`): the credential, the pair of a Basic. */
const extraHeaderSecrets = (value: string): FoundSecret[] => {
  const colon = value.indexOf(':');
  if (colon < 1) return [{ secret: value }];
  const found = headerSecrets(value.slice(0, colon), value.slice(colon + 1).trimStart());
  // A private header name (`X-Api-Key`) is a credential as often as not: keep its value.
  return found.length > 0 ? found : [{ secret: value.slice(colon + 1).trim() }];
};

/**
 * The arguments of a `credential.helper` value (`store --file=X`, `!f() { echo password=X; }`):
 * the words after the helper's name, and what follows an `=`; never run (contract.md).
 */
const helperSecrets = (value: string): FoundSecret[] =>
  value
    .trim()
    .split(/\s+/u)
    .slice(1)
    .map((word) => word.replace(/^['"]+|[;'"]+$/gu, ''))
    .flatMap((word) => [word, word.replace(/^[^=]*=/u, '')])
    .filter((word) => word.length >= 8 && !/^[-!{};()]/u.test(word))
    .map((secret) => ({ secret }));

/** Reads one `-c`/`--config-env` argument into `configs`. */
const readConfig = (spec: string, env: boolean, from: 'git' | 'clone'): GitConfig => {
  const eq = env ? spec.lastIndexOf('=') : spec.indexOf('=');
  const name = canonicalConfigName(eq < 0 ? spec : spec.slice(0, eq));
  if (env && (eq < 0 || spec.slice(eq + 1) === ''))
    throw new GitParseError(`git --config-env ${quoted(name)} needs =ENVVAR`);
  // git(1): `-c name` without `=` is boolean true; a header or a helper then has no value, and
  // git stops with "missing value for 'http.extraheader'".
  if (eq < 0 && /^http\.(?:.*\.)?extraheader$|^credential\.(?:.*\.)?helper$/u.test(name))
    throw new GitParseError(`git -c ${quoted(name)}: missing value (name=value)`);
  if (env) return { name, env: spec.slice(eq + 1), from };
  return eq < 0 ? { name, from } : { name, value: spec.slice(eq + 1), from };
};

/** Splits a word list at the options' values; positional words are returned in order. */
const subcommandPositionals = (
  sub: GitSubcommand,
  words: readonly string[],
  push: (c: GitConfig) => void,
): { positional: string[]; repo?: string } => {
  const { long, short } = VALUE_OPTIONS[sub];
  const positional: string[] = [];
  let repo: string | undefined;
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? '';
    const take = (attached: string | undefined, flag: string): string => {
      if (attached !== undefined) return attached;
      i += 1;
      const next = words[i];
      if (next === undefined) throw new GitParseError(`git ${sub} ${flag} needs a value`);
      return next;
    };
    if (word === '--') {
      positional.push(...words.slice(i + 1));
      break;
    }
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      const name = word.slice(2, eq < 0 ? undefined : eq);
      if (!long.has(name)) continue;
      const value = take(eq < 0 ? undefined : word.slice(eq + 1), `--${name}`);
      if (name === 'config') push(readConfig(value, false, 'clone'));
      if (name === 'repo') repo = value; // git-push(1): "equivalent to the <repository> argument"
    } else if (word.startsWith('-') && word.length > 1) {
      for (let j = 1; j < word.length; j += 1) {
        const letter = word.charAt(j);
        if (!short.includes(letter)) continue;
        const value = take(j + 1 < word.length ? word.slice(j + 1) : undefined, `-${letter}`);
        if (sub === 'clone' && letter === 'c') push(readConfig(value, false, 'clone'));
        break;
      }
    } else positional.push(word);
  }
  return repo === undefined ? { positional } : { positional, repo };
};

/** Whether the words after `--` are a git command (the curl intake leaves them alone). */
export const isGitCommand = (argv: readonly string[]): boolean =>
  /^git(?:\.exe)?$/iu.test((argv[0] ?? '').split(/[\\/]/u).pop() ?? '');

/** Reads the words of a git command, `git` first (after `--` on bb-doctor's command line). */
export const parseGitCommand = (argv: readonly string[]): GitCommand => {
  const first = argv[0] ?? '';
  if (!isGitCommand(argv))
    throw new GitParseError(`not a git command: it runs ${quoted(first, 30)}, not git`);
  const configs: GitConfig[] = [];
  const dirs: string[] = [];
  const paths: { gitDir?: string; workTree?: string } = {};
  let i = 1;
  for (; i < argv.length; i += 1) {
    const word = argv[i] ?? '';
    if (!word.startsWith('-')) break;
    const eq = word.indexOf('=');
    const flag = word.startsWith('--') && eq > -1 ? word.slice(0, eq) : word;
    const attached = flag === word ? undefined : word.slice(eq + 1);
    const value = (): string => {
      if (attached !== undefined) return attached;
      i += 1;
      const next = argv[i];
      if (next === undefined) throw new GitParseError(`git ${named(flag)} needs a value`);
      return next;
    };
    if (NO_SERVER.has(flag) && !(flag === '--exec-path' && attached !== undefined))
      throw new GitParseError(`git ${named(flag)} does not talk to the server`);
    if (flag === '-c' || flag === '--config-env')
      configs.push(readConfig(value(), flag !== '-c', 'git'));
    else if (flag === '-C') dirs.push(value());
    else if (GLOBAL_VALUE.has(flag)) {
      const v = value();
      if (flag === '--git-dir') paths.gitDir = v;
      if (flag === '--work-tree') paths.workTree = v;
    } else if (!GLOBAL_FLAGS.has(flag) && !word.startsWith('--exec-path='))
      throw new GitParseError(`git: unknown option ${named(word)}`);
  }
  const sub = argv[i];
  if (sub === undefined)
    throw new GitParseError('the git command has no subcommand (clone, fetch...)');
  if (!(GIT_SUBCOMMANDS as readonly string[]).includes(sub))
    throw new GitParseError(
      `git ${quoted(sub, 30)} does not talk to the server (or is an alias: give what it runs)`,
    );
  const subcommand = sub as GitSubcommand;
  const parsed = subcommandPositionals(subcommand, argv.slice(i + 1), (c) => configs.push(c));
  const repoText = parsed.positional[0] ?? parsed.repo;
  const remote = repoText === undefined ? undefined : readRemote(repoText, subcommand === 'clone');
  if (subcommand === 'clone' && remote === undefined)
    throw new GitParseError('git clone needs the repository URL');

  const extraHeaders: GitScoped[] = [];
  const credentialHelpers: GitScoped[] = [];
  const secrets: FoundSecret[] = [];
  for (const c of configs) {
    // `http.<url>.extraheader`, `credential.<url>.helper`: the subsection is a URL scope
    // (git-config(1), "http.<url>.*", "credential.<url>.*").
    const m = /^(http|credential)\.(?:(.*)\.)?(extraheader|helper|username)$/u.exec(c.name);
    const kind = `${m?.[1] ?? ''}.${m?.[3] ?? ''}`;
    const entry: GitScoped = {
      ...(m?.[2] === undefined ? {} : { scope: m[2] }),
      ...(c.value === undefined ? {} : { value: c.value }),
      ...(c.env === undefined ? {} : { env: c.env }),
    };
    if (kind === 'http.extraheader') {
      extraHeaders.push(entry);
      if (c.value !== undefined && c.value !== '') secrets.push(...extraHeaderSecrets(c.value));
    } else if (kind === 'credential.helper') {
      credentialHelpers.push(entry);
      secrets.push(...helperSecrets(c.value ?? ''));
    } else if (kind === 'credential.username' && c.value !== undefined)
      secrets.push({ usernames: [c.value] });
  }
  const userinfo = remote?.url?.userinfo;
  if (userinfo !== undefined && userinfo.username !== '')
    secrets.push({ usernames: [userinfo.username] });
  if (remote?.kind === 'url') secrets.push(...urlSecrets(remote.text));
  // git(1): "each subsequent non-absolute -C <path> is interpreted relative to the preceding".
  const dir = dirs.reduce<string | undefined>(
    (at, d) => (at === undefined || posix.isAbsolute(d) ? d : posix.join(at, d)),
    undefined,
  );
  return {
    subcommand,
    configs,
    extraHeaders,
    credentialHelpers,
    credentialHelperOverride: credentialHelpers.length > 0,
    ...(dir === undefined ? {} : { directory: dir }),
    ...paths,
    ...(remote === undefined ? {} : { remote }),
    push: subcommand === 'push',
    secrets: secrets.filter((s) => s.secret !== '' && (s.secret !== undefined || s.usernames)),
  };
};

/** Reads a git command pasted whole (`--git 'git …'`), split as a POSIX shell would. */
export const parseGitPaste = (text: string): GitCommand => {
  let argv: string[];
  try {
    // A root prompt (`# git clone …`) is no comment line; splitCommand knows only `# curl`'s.
    argv = splitCommand(text.replace(/^\s*#[ \t]+(?=git\s)/u, ''), { anyCommand: true }).argv;
  } catch (error) {
    // The splitter speaks of curl; the words it gives are the same for git.
    if (!(error instanceof CurlParseError)) throw error;
    throw new GitParseError(error.message.replace(/\bcurl\b/gu, 'git'));
  }
  return parseGitCommand(argv);
};
