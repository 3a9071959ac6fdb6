/**
 * The git target of a run (contract.md, "Git over HTTPS"): `-- git ARG...`, `--git 'git …'`,
 * `--git-url URL`, `--remote [NAME]`, or the work tree's own remote when nothing else is given. And
 * the credential git would send for it, in git's order (gitcredentials(7)): the URL's userinfo,
 * `http.extraHeader` (from `-c` and from config files, `http.<url>.extraHeader` included), then the
 * credential helper. Nothing is run against the network; git itself is asked only for its
 * configuration, its remotes and (never prompting) its credential helper's answer.
 */
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { GIT_URL_EXAMPLE, SSH_CHECK_COMMAND } from '../knowledge/git.js';
import { isCloudHost } from '../knowledge/hosts.js';
import type { Redactor } from '../report/redactor.js';
import type { Credential, GitSends, GitTarget, GivenHeader } from '../types.js';
import { makeCredential } from './credentials.js';
import {
  pastedEndsInGit,
  splitGitPaste,
  stepCredentials,
  STEP_OUTPUT,
  type PastedStep,
} from './curl-input.js';
import { CurlParseError } from './curl-parse.js';
import {
  GitParseError,
  isGitCommand,
  parseGitCommand,
  parseGitPaste,
  readRemote,
  type GitCommand,
  type GitRemote,
} from './git-command.js';
import {
  GitCredentialError,
  configUrlMatches,
  gitConfigForUrl,
  gitCredentialFill,
  gitRemoteNames,
  gitRemoteUrl,
} from './git-credential.js';
import { credentialFromAuthorization, UsageError } from './input.js';
import { looksLikeToken } from './quote.js';
import {
  headerSecrets,
  registerSecrets,
  secretsOf,
  urlSecrets,
  type FoundSecret,
} from './secrets.js';

/** A git command of a command line, read once; what is wrong with it is kept, not thrown. */
export interface GitRead {
  readonly command?: GitCommand;
  readonly form?: 'command' | 'pasted';
  readonly error?: Error;
  /** Everything the words carry, for the redactor (registered by `readCommandLine`). */
  readonly secrets: readonly FoundSecret[];
  /** A pasted script's curl lines before the git line (`TOKEN=$(curl … client_credentials …)`). */
  readonly steps?: readonly PastedStep[];
}

const isGit = (word: string | undefined): boolean => isGitCommand([word ?? '']);

const asUsage = (error: unknown): Error =>
  error instanceof GitParseError
    ? new UsageError(`The git command: ${error.message}.`)
    : error instanceof Error
      ? error
      : new Error(String(error));

/**
 * What a text that did not parse may still carry: the userinfo and parameters of its URLs and any
 * token-like word, registered so that the usage error cannot show them.
 */
const looseSecrets = (text: string): FoundSecret[] => [
  ...[...text.matchAll(/https?:\/\/\S+/giu)].flatMap((m) => urlSecrets(m[0])),
  ...text
    .split(/\s+/u)
    .filter(looksLikeToken)
    .map((secret) => ({ secret })),
];

type Env = Readonly<Record<string, string | undefined>>;

/** A pasted git command or script, split as the user's shell would (curl-input.ts splits both). */
const gitScript = (text: string, env: Env): ReturnType<typeof splitGitPaste> => {
  try {
    // A root prompt (`# git clone …`) is no comment line; the splitter knows only `# curl`'s.
    return splitGitPaste(text.replace(/^\s*#[ \t]+(?=git\s)/u, ''), env);
  } catch (error) {
    // The splitter speaks of curl; the words it gives are the same for git.
    if (error instanceof CurlParseError)
      throw new GitParseError(error.message.replace(/\bcurl\b(?! commands)/gu, 'git'));
    throw error;
  }
};

/** The git command of raw argv: the words after `--` when they start with git, or `--git TEXT`. */
export const readGit = (argv: readonly string[], env?: Env): GitRead => {
  const dash = argv.indexOf('--');
  const options = dash === -1 ? argv : argv.slice(0, dash);
  let pasted: string | undefined;
  let curl: string | undefined;
  options.forEach((word, i) => {
    if (word === '--git') pasted = options[i + 1];
    else if (word.startsWith('--git=')) pasted = word.slice('--git='.length);
    else if (word === '--curl') curl = options[i + 1];
    else if (word.startsWith('--curl=')) curl = word.slice('--curl='.length);
  });
  // A script pasted with --curl whose last command is git: git's, with its curl lines as steps.
  if (pasted === undefined && curl !== undefined && pastedEndsInGit(curl)) pasted = curl;
  const words = dash === -1 ? [] : argv.slice(dash + 1);
  const command = isGit(words[0]) ? words : undefined;
  if (command === undefined && pasted === undefined) return { secrets: [] };
  if (command !== undefined && pasted !== undefined)
    return {
      error: new UsageError('Give the git command either after -- or with --git, not both.'),
      secrets: [...looseSecrets(pasted), ...looseSecrets(command.join(' '))],
    };
  try {
    if (command !== undefined) {
      const parsed = parseGitCommand(command);
      return { command: parsed, form: 'command', secrets: parsed.secrets };
    }
    if (env === undefined) {
      const parsed = parseGitPaste(pasted!);
      return { command: parsed, form: 'pasted', secrets: parsed.secrets };
    }
    const split = gitScript(pasted!, env);
    const parsed = parseGitCommand(split.words);
    return {
      command: parsed,
      form: 'pasted',
      secrets: [...parsed.secrets, ...looseSecrets(pasted!)],
      ...(split.expanded.steps.length === 0 ? {} : { steps: split.expanded.steps }),
    };
  } catch (error) {
    return {
      error: asUsage(error),
      secrets: looseSecrets(command !== undefined ? command.join(' ') : pasted!),
    };
  }
};

export interface GitIntakeOptions {
  readonly read: GitRead;
  readonly gitUrl?: string | undefined;
  /** `--remote [NAME]`: '' or true for the default (`origin`). */
  readonly remote?: string | undefined;
  /** Nothing else names a target (no --url, curl, --workspace): the work tree's remote may. */
  readonly noTarget: boolean;
  readonly apiUrl: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly redactor: Redactor;
}

export interface GitIntake {
  readonly git?: GitTarget;
  readonly workspace?: string;
  readonly repo?: string;
  readonly credentials: readonly Credential[];
  readonly warnings: readonly string[];
}

const processEnv = (env: Readonly<Record<string, string | undefined>>): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));

/** The URL as the report may show it: no userinfo, no query. */
const bareUrl = (text: string): string => {
  const url = new URL(text);
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/u, '');
};

/** A remote that "points at Bitbucket": a Cloud host, or the host of the API the run talks to. */
const pointsAtBitbucket = (remote: GitRemote, apiUrl: string): boolean => {
  const host = remote.url?.host.toLowerCase();
  return host !== undefined && (isCloudHost(host) || host === new URL(apiUrl).hostname);
};

interface Resolved {
  readonly remote: GitRemote;
  readonly from: string;
  readonly remoteName?: string;
}

/** Finds the repository URL the command, flag or work tree names. */
const resolveTarget = async (
  options: GitIntakeOptions,
  git: { env: NodeJS.ProcessEnv; cwd: string },
): Promise<Resolved | undefined> => {
  const { command } = options.read;
  const register = (url: string): void => {
    registerSecrets(options.redactor, urlSecrets(url));
  };
  const named = async (name: string, from: string): Promise<Resolved> => {
    const url = await gitRemoteUrl(name, { ...git, push: command?.push === true });
    if (url === undefined)
      throw new UsageError(
        `${from}: no remote named ${JSON.stringify(name)} in ${git.cwd} (git remote -v lists them).`,
      );
    register(url);
    return { remote: readRemote(url, true), from: `${from} (remote ${name})`, remoteName: name };
  };
  if (command !== undefined) {
    const label = `git ${command.subcommand}`;
    if (command.remote?.kind === 'url') return { remote: command.remote, from: label };
    // fetch/pull/push/ls-remote without a URL: the remote named, else git's default (origin).
    return named(command.remote?.text ?? 'origin', label);
  }
  if (options.gitUrl !== undefined) {
    const remote = readRemote(options.gitUrl, true);
    if (remote.kind !== 'url')
      throw new UsageError(`--git-url expects a clone URL (${GIT_URL_EXAMPLE}).`);
    return { remote, from: '--git-url' };
  }
  if (options.remote !== undefined) return named(options.remote || 'origin', '--remote');
  if (!options.noTarget) return undefined;
  // No target at all: inside a work tree whose origin (or only remote) is Bitbucket, that one.
  const names = await gitRemoteNames(git).catch((): string[] => []);
  const name = names.includes('origin') ? 'origin' : names.length === 1 ? names[0] : undefined;
  if (name === undefined) return undefined;
  const url = await gitRemoteUrl(name, git).catch(() => undefined);
  if (url === undefined) return undefined;
  register(url);
  // A remote git cannot ask a server for (a local path, a clone of a clone) is no Bitbucket one.
  let remote: GitRemote;
  try {
    remote = readRemote(url, true);
  } catch {
    return undefined;
  }
  return pointsAtBitbucket(remote, options.apiUrl)
    ? { remote, from: `the ${name} remote of ${git.cwd}`, remoteName: name }
    : undefined;
};

/** `Name: value` of an extraHeader value, or undefined when it is none. */
const headerOf = (value: string, source: string): GivenHeader | undefined => {
  const colon = value.indexOf(':');
  if (colon < 1) return undefined;
  return { name: value.slice(0, colon).trim(), value: value.slice(colon + 1).trim(), source };
};

/**
 * The `http.extraHeader`s git sends to the URL: configuration files first, then `-c` (git reads the
 * command line last); an empty value clears the ones before it (git-config(1), http.extraHeader).
 */
const extraHeaders = async (
  url: string,
  command: GitCommand | undefined,
  git: { env: NodeJS.ProcessEnv; cwd: string },
  redactor: Redactor,
): Promise<GivenHeader[]> => {
  const files = await gitConfigForUrl('^http\\..*extraheader$', url, git).catch(() => []);
  const values = files.map(({ value }) => ({ value, source: 'git-config:http.extraHeader' }));
  for (const entry of command?.extraHeaders ?? []) {
    // `-c http.<url>.extraHeader=…` applies only where its URL matches, as in a config file.
    if (entry.scope !== undefined && !configUrlMatches(entry.scope, url)) continue;
    const value = entry.env !== undefined ? (git.env[entry.env] ?? '') : (entry.value ?? '');
    values.push({ value, source: 'git:-c http.extraHeader' });
  }
  const out: GivenHeader[] = [];
  for (const { value, source } of values) {
    if (value === '') {
      out.length = 0;
      continue;
    }
    const header = headerOf(value, source);
    if (header === undefined) continue;
    registerSecrets(redactor, headerSecrets(header.name, header.value));
    out.push(header);
  }
  return out;
};

/**
 * Builds the git target and the credential git would send (git's order). Registers every secret it
 * reads before returning; throws UsageError for a remote that does not exist.
 */
export const intakeGit = async (options: GitIntakeOptions): Promise<GitIntake> => {
  if (options.read.error !== undefined) throw options.read.error;
  const command = options.read.command;
  const env = processEnv(options.env);
  const cwd = resolve(options.cwd, command?.directory ?? '.');
  const git = { env, cwd };
  const resolved = await resolveTarget(options, git);
  if (resolved === undefined) return { credentials: [], warnings: [] };
  const { remote, from } = resolved;
  const url = remote.url;
  const push = command?.push === true;
  const named = resolved.remoteName === undefined ? {} : { remoteName: resolved.remoteName };
  if (url?.transport !== 'http') {
    const shown = url === undefined ? 'a local path' : `${url.host}:${url.path}`;
    return {
      git: { url: shown, transport: 'ssh', push, from, helpers: [], notes: [], ...named },
      credentials: [],
      warnings: [
        `The git remote (${from}) is ${url === undefined ? 'no URL' : 'an SSH URL'} (${shown}): bb-doctor diagnoses git over HTTPS only. For SSH, run ${SSH_CHECK_COMMAND}; for HTTPS, give the https:// clone URL.`,
      ],
    };
  }
  const text = remote.text;
  const repoUrl = bareUrl(text);
  const origin = new URL(repoUrl).origin;
  const notes: string[] = [];
  const warnings: string[] = [];
  const credentials: Credential[] = [];
  let sends: GitSends | undefined;

  // 1. Userinfo in the URL: git sends it as Basic when challenged, and it lands in .git/config.
  const info = url.userinfo;
  // The consumer of a script's token fetch (`TOKEN=$(curl … client_credentials …)`): token-fetch
  // gets a token with it, which stands in for the step's output in the URL (git-access).
  credentials.push(...stepCredentials(options.read.steps ?? []));
  if (info?.password !== undefined && info.password.match(STEP_OUTPUT) !== null) {
    sends = { via: 'url', source: 'git:url', username: info.username, secret: info.password };
    warnings.push(
      `The git URL (${from}) carries a token in its userinfo: git saves the URL in .git/config, token included (SECRET_IN_URL). Put only the username in the URL and let a credential helper keep the token.`,
    );
  } else if (info?.password !== undefined && info.password !== '') {
    const credential = {
      ...makeCredential('unknown', info.password, 'git:url', info.username || undefined, 'git:url'),
      sentTo: origin,
    };
    credentials.push(credential);
    sends = { via: 'url', source: 'git:url', username: info.username, secret: credential.secret };
    warnings.push(
      `The git URL (${from}) carries a secret in its userinfo: git saves it in .git/config in plain text (SECRET_IN_URL). Put only the username in the URL and let a credential helper keep the secret.`,
    );
  }

  // 2. http.extraHeader: sent on every request, before and instead of any challenge.
  const headers = await extraHeaders(repoUrl, command, git, options.redactor);
  const authorization = headers.find((h) => /^authorization$/iu.test(h.name));
  if (authorization !== undefined) {
    const credential = credentialFromAuthorization(authorization);
    if (credential !== undefined) {
      const sent = { ...credential, sentTo: origin };
      credentials.push(sent);
      sends ??= {
        via: 'extra-header',
        source: authorization.source,
        secret: sent.secret,
        header: { name: authorization.name, value: authorization.value },
      };
    }
  }

  // 3. The credential helper, as git would ask it (never prompting, never storing or erasing).
  const pasted = command?.credentialHelpers ?? [];
  let helpers: string[] = [];
  if (pasted.some((h) => (h.value ?? '') !== ''))
    notes.push(
      'the pasted command sets credential.helper: reported, not run (bb-doctor never runs a helper from a pasted command)',
    );
  const cleared = pasted.length > 0;
  if (cleared) notes.push('the pasted -c credential.helper replaces the configured helpers');
  if (sends === undefined && !cleared) {
    const username = info?.username === '' ? undefined : info?.username;
    try {
      const fillUrl = new URL(repoUrl);
      if (username !== undefined) fillUrl.username = encodeURIComponent(username);
      const answer = await gitCredentialFill(
        `${fillUrl.protocol}//${fillUrl.username === '' ? '' : `${fillUrl.username}@`}${fillUrl.host}`,
        {
          env,
          cwd: env['HOME'] ?? homedir(),
          path: new URL(repoUrl).pathname,
          onHelperArguments: (values) => {
            registerSecrets(options.redactor, secretsOf({ helperArguments: values }));
          },
        },
      );
      helpers = answer?.helpers ?? [];
      if (answer?.password !== undefined) {
        registerSecrets(
          options.redactor,
          secretsOf({ stored: { username: answer.username, secret: answer.password } }),
        );
        const source = `git-credential:${answer.helper ?? 'unknown helper'}`;
        const credential = {
          ...makeCredential('unknown', answer.password, source, answer.username, 'git-credential'),
          storedFor: new URL(repoUrl).hostname,
        };
        credentials.push(credential);
        sends = {
          via: 'credential-helper',
          source,
          ...(answer.username === undefined ? {} : { username: answer.username }),
          secret: credential.secret,
        };
      }
    } catch (error) {
      if (!(error instanceof GitCredentialError)) throw error;
      warnings.push(`git credential fill: ${error.message}`);
    }
  }
  return {
    git: {
      url: repoUrl,
      transport: 'http',
      push,
      from,
      helpers,
      notes,
      ...named,
      ...(sends === undefined ? {} : { sends }),
    },
    ...(url.workspace === undefined ? {} : { workspace: url.workspace }),
    ...(url.repo === undefined ? {} : { repo: url.repo }),
    credentials,
    warnings,
  };
};
