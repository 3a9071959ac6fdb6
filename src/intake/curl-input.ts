import { isGitCommand } from './git-command.js';
import type { Redactor } from '../report/redactor.js';
import { quoted } from './quote.js';
import type { Credential, FailingRequest, GivenHeader } from '../types.js';
import { makeCredential } from './credentials.js';
import {
  lintCurl,
  parseCurl,
  splitCommandLine,
  toFailingRequest,
  CurlParseError,
  type CurlLint,
  type ParsedCurl,
} from './curl.js';
import { decodeComponent, splitParams } from './curl-url.js';
import { fromPowerShell, isPowerShell, splitCommand } from './curl-parse.js';
import { expand, splitPipeline, splitStatements, statementOf } from './substitution.js';
import { GRANT, isTokenEndpoint, TOKEN_FORM } from '../knowledge/oauth.js';
import { isCredentialHeader } from '../knowledge/wire.js';
import { expandedSource, UsageError } from './input.js';
import { readNetrc } from './netrc.js';
import { registerSecrets, secretsOf } from './secrets.js';

/** What a curl command adds to a run: the failing request, its headers and credentials, its lints. */
export interface CurlIntake {
  readonly original: string;
  readonly parsed: ParsedCurl;
  readonly lints: readonly CurlLint[];
  readonly failingRequest?: FailingRequest;
  readonly headers: readonly GivenHeader[];
  readonly credentials: readonly Credential[];
  readonly warnings: readonly string[];
  /** The earlier steps of a pasted command (curl commands in substitutions). */
  readonly steps: readonly PastedStep[];
}

/** How a step's output reads in a header (`<step-1-output>`): what the checks look for. */
export const STEP_OUTPUT = /<step-\d+-output>/gu;

/** How a computed part reads in a header: a name, never its text (contract.md, "Secrets"). */
const placeholderOf = (part: ComputedPart): string =>
  part.step !== undefined
    ? `<step-${part.step}-output>`
    : part.variable !== undefined
      ? `$${part.variable}`
      : '<computed-by-your-shell>';

/** `text` with each computed part's marker replaced by its name (`placeholderOf`). */
const named = (text: string, expanded: Expanded): string =>
  text.replace(COMPUTED_MARKER, (_m, i: string) => {
    const part = expanded.computed[Number(i)];
    return part === undefined ? '' : placeholderOf(part);
  });

/** Nothing expanded: a command after `--`, already expanded by the user's shell. */
const noExpansion = (): Expanded => ({ steps: [], computed: [], variables: new Map() });

/**
 * The failing request with each computed part named: a header that holds one is `computed` (no
 * credential is read from it, nothing of it is sent as written); a `-u` that holds one is dropped,
 * and the first credential bb-doctor cannot see is the request's `unknownCredential`.
 */
const withComputed = (
  request: FailingRequest | undefined,
  expanded: Expanded,
): FailingRequest | undefined => {
  if (request === undefined || expanded.computed.length === 0) return request;
  const partsOf = (text: string): ComputedPart[] =>
    [...text.matchAll(COMPUTED_MARKER)].flatMap((m) => expanded.computed[Number(m[1])] ?? []);
  const headers = request.headers.map((h): GivenHeader => {
    const parts = partsOf(h.value);
    const first = parts[0];
    if (first === undefined) return h;
    return {
      ...h,
      value: named(h.value, expanded),
      computed: {
        describe: first.describe,
        ...(first.step === undefined ? {} : { step: first.step }),
        ...(first.variable === undefined ? {} : { variable: first.variable }),
      },
    };
  });
  const { basic, ...rest } = request;
  const basicParts = basic === undefined ? [] : partsOf(`${basic.username}:${basic.secret}`);
  const headerParts = request.headers.flatMap((h) =>
    isCredentialHeader(h.name) ? partsOf(h.value).map((part) => ({ part, where: h.name })) : [],
  );
  const unknown = [...basicParts.map((part) => ({ part, where: '-u' })), ...headerParts].find(
    ({ part }) => part.step === undefined,
  );
  return {
    ...rest,
    ...(unknown === undefined
      ? {}
      : {
          unknownCredential: {
            where: unknown.where,
            describe: unknown.part.describe,
            ...(unknown.part.variable === undefined ? {} : { variable: unknown.part.variable }),
          },
        }),
    url: named(request.url, expanded),
    headers,
    ...(basic === undefined || basicParts.length > 0 ? {} : { basic }),
    ...(request.body === undefined ? {} : { body: named(request.body, expanded) }),
  };
};

/** Each header that holds an exported variable says so in its source (`$NAME from your environment`). */
const withVariables = (
  request: FailingRequest | undefined,
  expanded: Expanded,
): FailingRequest | undefined => {
  if (request === undefined || expanded.variables.size === 0) return request;
  const headers = request.headers.map((h): GivenHeader => {
    const names = [...expanded.variables]
      .filter(([value]) => value !== '' && h.value.includes(value))
      .map(([, name]) => `$${name}`);
    return names.length === 0
      ? h
      : { ...h, source: `${h.source}, ${names.join(', ')} from your environment` };
  });
  return { ...request, headers };
};

/** What to do about a value bb-doctor cannot see. */
export const whatToDo = (part: { readonly variable?: string | undefined }): string =>
  part.variable !== undefined
    ? `${part.variable} is not visible to bb-doctor (not exported?), though your shell may have sent its value; export ${part.variable}, or paste the command after -- (bb-doctor -- curl ...) so that your shell expands it`
    : 'paste the command after -- (bb-doctor -- curl ...) so that your shell expands it, or give the value in the environment (BITBUCKET_ACCESS_TOKEN, BITBUCKET_API_TOKEN)';

/**
 * The credentials of the steps: a token fetch's consumer (`--user KEY:SECRET`, or client_id and
 * client_secret in its form) and, for the password grant, the username and account password. The
 * password is kept only to be judged: it is never sent (the doctor uses grants it may use).
 */
export const stepCredentials = (steps: readonly PastedStep[]): Credential[] =>
  steps.flatMap((step) => tokenRequestCredentials(step.curl, `curl step ${step.index}`));

/**
 * A call to the token endpoint carries the OAuth consumer (`-u KEY:SECRET`, or client_id and
 * client_secret in its form), and for the password grant a username and account password: the
 * consumer goes only to the token endpoint, the password nowhere (contract.md, "Secrets").
 */
export const tokenRequestCredentials = (curl: ParsedCurl, where: string): Credential[] => {
  if (curl.url === undefined || !isTokenEndpoint(curl.url)) return [];
  const form = new URLSearchParams(curl.data.map((d) => d.value).join('&'));
  const sentTo = new URL(curl.url).origin;
  const out: Credential[] = [];
  const key = curl.user?.username ?? form.get('client_id') ?? undefined;
  const secret = curl.user?.secret ?? form.get('client_secret') ?? undefined;
  const by = curl.user === undefined ? '-d' : '--user';
  if (key !== undefined && key !== '')
    out.push(makeCredential('client-id', key, `${where}: ${by}`, undefined, 'token endpoint'));
  if (secret !== undefined && secret !== '')
    out.push(
      makeCredential('client-secret', secret, `${where}: ${by}`, undefined, 'token endpoint'),
    );
  const password = form.get(TOKEN_FORM.password);
  if (form.get(TOKEN_FORM.grantType) === GRANT.password && password !== null && password !== '')
    out.push({
      ...makeCredential(
        'account-password',
        password,
        `${where}: -d ${TOKEN_FORM.password}=`,
        form.get(TOKEN_FORM.username) ?? undefined,
        'token endpoint',
      ),
      tokenRequestOnly: true,
    });
  return out.map((c) => ({ ...c, sentTo }));
};

/** The largest curl command a run takes, in bytes (UTF-8): 1 MB. */
export const MAX_COMMAND_BYTES = 1_000_000;

const checkCommandSize = (bytes: number): void => {
  if (bytes > MAX_COMMAND_BYTES)
    throw new UsageError(
      `The curl command is ${(bytes / 1_000_000).toFixed(1)} MB (${bytes} bytes): at most 1 MB.`,
    );
};

/**
 * A part of a pasted command that the user's shell computed: a step (a curl command whose output
 * the call used) or a value bb-doctor cannot know. In the words it stands as its marker.
 */
export interface ComputedPart {
  readonly marker: string;
  readonly describe: string;
  /** 1-based: the step that produced it. */
  readonly step?: number;
  /** An unset variable's name. */
  readonly variable?: string;
}

/** An earlier step of a pasted command: a curl command in a substitution. */
export interface PastedStep {
  readonly index: number;
  readonly curl: ParsedCurl;
  /** The JSON field the call kept of its answer (`| jq -r .access_token`). */
  readonly field?: string;
  readonly describe: string;
}

/** What the shell expanded in a pasted command, as far as bb-doctor can know it. */
export interface Expanded {
  readonly steps: PastedStep[];
  readonly computed: ComputedPart[];
  /** Variables read from bb-doctor's environment: value → name (for the credential's source). */
  readonly variables: Map<string, string>;
}

/** Markers of computed parts in the words (private-use characters: never sent, never typed). */
export const COMPUTED_MARKER = /\uE002(\d+)\uE003/gu;

/**
 * Splits a pasted command, expanding what the user's shell expanded (substitution.ts). A paste of
 * several statements is a script: its assignments (`TOKEN=$(curl …)`, `export TOKEN=…`) feed the
 * later lines, `read NAME` leaves NAME unknown, the last curl command is the failing call and
 * every earlier one is a step; a heredoc or a loop is refused (exit 2).
 */
const splitPasted = (
  text: string,
  env: Env,
  anyCommand = false,
): { words: string[]; expanded: Expanded } => {
  // PowerShell's backtick is no POSIX quote: its lines are joined before statements are split.
  const unix = text.replace(/\r\n?/gu, '\n').replace(/^\s+/u, '');
  // cmd.exe's `^` continuation must not be read as two statements (curl-parse.ts says how).
  if (/(?:^|[ \t])\^[ \t]*\n/u.test(unix))
    return { words: splitCommandLine(unix), expanded: noExpansion() };
  const pasted = isPowerShell(unix) ? fromPowerShell(unix) : text;
  const expanded = noExpansion();
  const vars = new Map<string, string>();
  let context: string | undefined;
  const mark = (part: Omit<ComputedPart, 'marker'>): string => {
    const marker = `\uE002${expanded.computed.length}\uE003`;
    expanded.computed.push({ ...part, marker });
    return marker;
  };
  const addStep = (curl: ParsedCurl, where: string, field?: string): number => {
    const index = expanded.steps.length + 1;
    const what =
      curl.url !== undefined && isTokenEndpoint(curl.url) ? 'the token fetch' : 'the curl command';
    expanded.steps.push({
      index,
      curl,
      ...(field === undefined ? {} : { field }),
      describe: `${what} ${where}`,
    });
    return index;
  };
  const expander = (expression: string): string => {
    const e = expand(expression, { ...env, ...Object.fromEntries(vars) });
    if (e.kind === 'value') {
      if (e.variable !== undefined && !vars.has(e.variable))
        expanded.variables.set(e.value, e.variable);
      return e.value;
    }
    if (e.kind === 'step') {
      const where = context ?? (expression.startsWith('`') ? 'in backticks' : 'in $(...)');
      const index = addStep(e.curl, where, e.field);
      return mark({ describe: e.describe, step: index });
    }
    return mark({
      describe: e.describe,
      ...(e.variable === undefined ? {} : { variable: e.variable }),
    });
  };
  const statements = splitStatements(pasted);
  const kinds = statements.map((statement) => statementOf(statement));
  const last = kinds.findLastIndex((k) => k.kind === 'curl' || k.kind === 'git');
  if (statements.length <= 1 || last < 0)
    return { words: splitCommand(pasted, { expand: expander, anyCommand }).argv, expanded };
  statements.slice(0, last).forEach((statement, i) => {
    const kind = kinds[i];
    if (kind?.kind === 'assign') {
      context = `in ${kind.name}=$(...)`;
      const word =
        kind.value === ''
          ? ''
          : splitCommand(`: ${kind.value}`, { expand: expander, anyCommand: true }).argv[1];
      context = undefined;
      vars.set(kind.name, word ?? '');
    } else if (kind?.kind === 'read') {
      vars.set(kind.name, mark({ describe: `what your script read into ${kind.name}` }));
    } else if (kind?.kind === 'curl') {
      const first = splitPipeline(statement)[0] ?? statement;
      addStep(parseCurl(splitCommand(first, { expand: expander }).argv), `in statement ${i + 1}`);
    }
  });
  return {
    words: splitCommand(statements[last] ?? '', { expand: expander, anyCommand }).argv,
    expanded,
  };
};

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Whether a pasted script's last command is git (`TOKEN=$(curl …)` then `git clone …`): then the
 * git intake reads it, with its curl lines as steps. Undefined when the text does not split.
 */
export const pastedEndsInGit = (text: string): boolean => {
  try {
    const kinds = splitStatements(text.replace(/\r\n?/gu, '\n')).map((s) => statementOf(s).kind);
    return kinds.filter((k) => k === 'curl' || k === 'git').at(-1) === 'git';
  } catch {
    return false;
  }
};

/**
 * A pasted git command or script, split as the user's shell would: variables from this
 * environment expanded, a `$(curl …)` kept as a step, and each computed part named in the words
 * (`<step-1-output>`, `$TOKEN`): never sent as such, stood in for by what the doctor can know.
 */
export const splitGitPaste = (text: string, env: Env): { words: string[]; expanded: Expanded } => {
  const split = splitPasted(text, env, true);
  return {
    words: split.words.map((word) => named(word, split.expanded)),
    expanded: split.expanded,
  };
};

/** The words of the curl command: after `--`, or `--curl` pasted whole. Undefined when neither. */
export const curlWords = (
  dashDash: readonly (string | number)[] | undefined,
  pasted: string | undefined,
  env?: Env,
  expanded?: (e: Expanded) => void,
): string[] | undefined => {
  const words = (dashDash ?? []).map(String);
  if (words.length > 0 && pasted !== undefined)
    throw new UsageError('Give the curl command either after -- or with --curl, not both.');
  checkCommandSize(
    pasted !== undefined
      ? Buffer.byteLength(pasted, 'utf8')
      : words.reduce((sum, word) => sum + Buffer.byteLength(word, 'utf8') + 1, -1),
  );
  if (pasted !== undefined) {
    if (env === undefined) return splitCommandLine(pasted);
    const split = splitPasted(pasted, env);
    expanded?.(split.expanded);
    return split.words;
  }
  if (words.length === 0) return undefined;
  if (words[0] !== 'curl')
    throw new UsageError(`Expected a curl or git command after --, got ${quoted(words[0] ?? '')}.`);
  return words;
};

/**
 * The curl command of a command line, read once: its words (after `--`, or `--curl` pasted whole)
 * and the parse of them. What is wrong with it is kept, not thrown, so that the secrets of the
 * parts that did parse are registered before anything can print, and the run reports the error
 * in its place (after the flags parser's own usage errors).
 */
export interface CurlRead {
  /** The words, `curl` first; undefined when the command line has no curl command. */
  readonly words?: readonly string[];
  /** `--curl`'s text as pasted, or the words quoted back into one line. */
  readonly original?: string;
  readonly parsed?: ParsedCurl;
  /** Why the words could not be read (both forms, not curl, unbalanced quotes). */
  readonly wordsError?: Error;
  /** Why the words do not parse as curl options. */
  readonly parseError?: Error;
  /** What the user's shell expanded in a pasted command: steps, computed values, variables. */
  readonly expanded?: Expanded;
}

const quoteWord = (w: string): string =>
  /^[\w@%+=:,./-]+$/u.test(w) ? w : `'${w.replace(/'/gu, `'\\''`)}'`;

const asError = (error: unknown): Error =>
  error instanceof Error ? error : new Error(String(error));

/** The curl command of raw argv: the words after the first `--`, or the last `--curl` before it. */
export const readCurl = (argv: readonly string[], env?: Env): CurlRead => {
  const dash = argv.indexOf('--');
  const options = dash === -1 ? argv : argv.slice(0, dash);
  let pasted: string | undefined;
  options.forEach((word, i) => {
    if (word === '--curl') pasted = options[i + 1];
    else if (word.startsWith('--curl=')) pasted = word.slice('--curl='.length);
  });
  let words: string[] | undefined;
  let expanded: Expanded | undefined;
  // `-- git …`, and a pasted script that ends with git, are the git intake's (git-input.ts).
  if (pasted !== undefined && pastedEndsInGit(pasted)) pasted = undefined;
  const after =
    dash === -1 || isGitCommand(argv.slice(dash + 1)) ? undefined : argv.slice(dash + 1);
  try {
    words = curlWords(after, pasted, env, (e) => {
      expanded = e;
    });
  } catch (error) {
    return { wordsError: asError(error) };
  }
  if (words === undefined) return {};
  const original = pasted ?? words.map(quoteWord).join(' ');
  const more = expanded === undefined ? {} : { expanded };
  try {
    return { words, original, parsed: parseCurl(words), ...more };
  } catch (error) {
    return {
      words,
      original,
      ...more,
      parseError: error instanceof CurlParseError ? new UsageError(error.message) : asError(error),
    };
  }
};

/**
 * A curl command as the user ran it, parsed once by `readCurl` (whose secrets are registered by
 * then): linted, and turned into the failing request and its credentials (with `-n`, from .netrc
 * as curl would; those are registered here, the moment they are read).
 */
export const intakeCurl = async (
  command: {
    readonly parsed: ParsedCurl;
    readonly original: string;
    readonly expanded?: Expanded | undefined;
  },
  redactor: Redactor,
  env: Readonly<Record<string, string | undefined>>,
  apiUrl: string | undefined,
): Promise<CurlIntake> => {
  const { original } = command;
  const expanded = command.expanded ?? noExpansion();
  // The command as the report shows it and lints it: each computed part by its name.
  const parsed =
    expanded.computed.length === 0
      ? command.parsed
      : (JSON.parse(named(JSON.stringify(command.parsed), expanded)) as ParsedCurl);
  if (parsed.url === undefined) throw new UsageError('The curl command has no URL.');
  const lints = lintCurl(parsed, apiUrl === undefined ? {} : { apiUrl });
  const warnings: string[] = [];
  let failingRequest = withVariables(
    withComputed(toFailingRequest(command.parsed), expanded),
    expanded,
  );
  const credentials: Credential[] = [...stepCredentials(expanded.steps)];
  const sourceOf = (secret: string, source: string): string => {
    const variable = expanded.variables.get(secret);
    return variable === undefined ? source : expandedSource(variable);
  };
  // A call to the token endpoint: its -u is the OAuth consumer, not a user credential.
  const consumer = tokenRequestCredentials(parsed, 'curl');
  credentials.push(...consumer);
  if (consumer.length > 0 && failingRequest?.basic !== undefined) {
    // ...never replayed as a user's Basic anywhere else.
    const { basic: _consumer, ...call } = failingRequest;
    failingRequest = call;
  }
  if (failingRequest?.basic !== undefined && consumer.length === 0) {
    const { username, secret, source } = failingRequest.basic;
    credentials.push(
      makeCredential('unknown', secret, sourceOf(secret, source), username, 'curl:-u'),
    );
  }
  // A token in the query string or the body is still the credential of the call, only in a place
  // Bitbucket stopped reading on 2026-05-04 (bitbucket-auth.md §1.5).
  const query = parsed.url.includes('?')
    ? splitParams(parsed.url.slice(parsed.url.indexOf('?') + 1))
    : [];
  for (const [where, params] of [
    ['url', query],
    ['-d', parsed.data.flatMap((d) => splitParams(d.value))],
  ] as const) {
    for (const param of params) {
      if (param.name === 'access_token' && param.value !== '')
        credentials.push(
          makeCredential(
            'access-token',
            decodeComponent(param.value),
            `curl:${where} access_token=`,
          ),
        );
    }
  }
  // curl -n / --netrc-file: the credentials come from the machine entry of the URL's host.
  if (parsed.netrc && failingRequest !== undefined && failingRequest.basic === undefined) {
    const host = new URL(failingRequest.url).hostname;
    const netrc = await readNetrc(parsed.netrcFile, env, host);
    const entry = netrc.entry;
    if (entry?.password !== undefined) {
      registerSecrets(
        redactor,
        secretsOf({ stored: { username: entry.login, secret: entry.password } }),
      );
      const source = `netrc:${netrc.file}`;
      failingRequest = {
        ...failingRequest,
        basic: { username: entry.login ?? '', secret: entry.password, source },
      };
      // Stored for the host the command calls: it goes only there (contract.md, "Secrets").
      credentials.push({
        ...makeCredential('unknown', entry.password, source, entry.login, 'netrc'),
        storedFor: host,
      });
      if (netrc.worldReadable)
        warnings.push(
          `${netrc.file} is readable by other users (curl warns about this too): chmod 600 ${netrc.file}.`,
        );
    } else if (!parsed.netrcOptional) {
      warnings.push(
        `curl -n was given but ${netrc.file} has no entry for ${host}: the call went out without credentials.`,
      );
    }
  }
  const suspicious = parsed.ignored.filter((o) =>
    /^(?:-x|--proxy|-K|--config|--digest|--ntlm|--negotiate|-T|--upload-file)$/u.test(o),
  );
  if (suspicious.length > 0)
    warnings.push(
      `The curl command uses ${suspicious.join(', ')}, which bb-doctor does not replay.`,
    );
  return {
    original,
    parsed,
    lints,
    steps: expanded.steps,
    ...(failingRequest === undefined ? {} : { failingRequest }),
    headers: failingRequest?.headers ?? [],
    credentials,
    warnings,
  };
};
