import { readFile, writeFile } from 'node:fs/promises';
import yargs, { type Argv } from 'yargs';
import { runDoctor, VERSION, type RunHttp } from './doctor.js';
import { failingRequestOf, mostImportantFailure, OfflineHttp } from './explain/offline.js';
import { parseCapture, readCapture } from './explain/parse.js';
import { FINDINGS } from './findings.js';
import { CREDENTIAL_HEADER, parseAuthorization } from './intake/credentials.js';
import { curlWords, intakeCurl, registerCurlSecrets } from './intake/curl-input.js';
import { parseCurl, splitCommandLine } from './intake/curl.js';
import {
  buildInput,
  DEFAULT_API_URL,
  SECRET_OPTIONS,
  UsageError,
  type RunArgs,
} from './intake/input.js';
import { disagreements, storedCredentials } from './intake/stored.js';
import { CHECKS } from './registry.js';
import { Redactor } from './report/redactor.js';
import { FORMATS, formatForFile, render, type Format } from './report/render.js';
import type {
  Check,
  Credential,
  DoctorInput,
  Exchange,
  FailingRequest,
  GivenHeader,
} from './types.js';

/** Where the CLI writes; injectable so tests run `main` in-process. */
export interface IO {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin?: NodeJS.ReadableStream;
}

const defaultIO = (): IO => ({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  stdin: process.stdin,
});

/** Parsed options of a run (flags of contract.md), as yargs gives them. */
export interface ParsedArgs extends RunArgs {
  readonly _: (string | number)[];
  readonly '--'?: (string | number)[];
  readonly format?: string;
  readonly output?: string;
  readonly verbose: boolean;
  readonly timeout: number;
  readonly cacert?: string;
  readonly curl?: string;
  readonly netrc?: boolean;
  readonly netrcFile?: string;
  readonly gitCredential?: boolean;
  readonly list?: boolean;
  /** demo's positional, or simulate's --scenario. */
  readonly scenario?: string;
  readonly port?: number;
  readonly latencyMs?: number;
  readonly fault?: string;
  readonly file?: string;
}

const RUN_OPTIONS_GROUP = 'Target:';
const CRED_GROUP = 'Credentials (each may also come from its environment variable):';
const OUT_GROUP = 'Output and limits:';

const withRunOptions = <T>(y: Argv<T>): Argv<T> =>
  y
    .option('api-url', {
      type: 'string',
      group: RUN_OPTIONS_GROUP,
      describe: 'REST API base (default https://api.bitbucket.org)',
      requiresArg: true,
    })
    .option('auth-url', {
      type: 'string',
      group: RUN_OPTIONS_GROUP,
      describe:
        'OAuth base: POST {auth-url}/site/oauth2/access_token (default https://bitbucket.org)',
      requiresArg: true,
    })
    .option('workspace', {
      alias: 'w',
      type: 'string',
      group: RUN_OPTIONS_GROUP,
      describe: 'Workspace you are trying to reach',
      requiresArg: true,
    })
    .option('repo', {
      alias: 'r',
      type: 'string',
      group: RUN_OPTIONS_GROUP,
      describe: 'Repository slug you are trying to reach',
      requiresArg: true,
    })
    .option('url', {
      type: 'string',
      group: RUN_OPTIONS_GROUP,
      describe: 'The API call that failed (workspace and repo are read from it)',
      requiresArg: true,
    })
    .option('curl', {
      type: 'string',
      group: RUN_OPTIONS_GROUP,
      describe: 'The failing curl command, pasted whole as one string (nothing in it is executed)',
      requiresArg: true,
    })
    .option('username', {
      type: 'string',
      group: CRED_GROUP,
      describe: 'Bitbucket username [BITBUCKET_USERNAME]',
      requiresArg: true,
    })
    .option('email', {
      type: 'string',
      group: CRED_GROUP,
      describe: 'Atlassian account email [BITBUCKET_EMAIL]',
      requiresArg: true,
    })
    .option('api-token', {
      type: 'string',
      group: CRED_GROUP,
      describe: 'Atlassian API token [BITBUCKET_API_TOKEN]',
      requiresArg: true,
    })
    .option('app-password', {
      type: 'string',
      group: CRED_GROUP,
      describe: 'Legacy app password [BITBUCKET_APP_PASSWORD]',
      requiresArg: true,
    })
    .option('password', {
      type: 'string',
      group: CRED_GROUP,
      describe: 'Account password, only to diagnose it [BITBUCKET_PASSWORD]',
      requiresArg: true,
    })
    .option('access-token', {
      type: 'string',
      group: CRED_GROUP,
      describe: 'OAuth or repository/project/workspace access token [BITBUCKET_ACCESS_TOKEN]',
      requiresArg: true,
    })
    .option('client-id', {
      type: 'string',
      group: CRED_GROUP,
      describe: 'OAuth consumer key [BITBUCKET_CLIENT_ID]',
      requiresArg: true,
    })
    .option('client-secret', {
      type: 'string',
      group: CRED_GROUP,
      describe: 'OAuth consumer secret [BITBUCKET_CLIENT_SECRET]',
      requiresArg: true,
    })
    .option('refresh-token', {
      type: 'string',
      group: CRED_GROUP,
      describe: 'OAuth refresh token [BITBUCKET_REFRESH_TOKEN]',
      requiresArg: true,
    })
    .option('header', {
      alias: 'H',
      type: 'string',
      array: true,
      group: CRED_GROUP,
      describe:
        "A header exactly as the failing call sent it, e.g. 'Authorization: bearer abc' (repeatable)",
      requiresArg: true,
    })
    .option('netrc', {
      type: 'boolean',
      group: CRED_GROUP,
      describe: 'Also use the ~/.netrc (or $NETRC) machine entry for the API host, as curl -n does',
    })
    .option('netrc-file', {
      type: 'string',
      group: CRED_GROUP,
      describe: 'Use the machine entry of this netrc file',
      requiresArg: true,
    })
    .option('git-credential', {
      type: 'boolean',
      group: CRED_GROUP,
      describe: "Also ask git's credential helper for https://bitbucket.org (never prompts)",
    });

const withOutputOptions = <T>(y: Argv<T>): Argv<T> =>
  y
    .option('format', {
      alias: 'f',
      type: 'string',
      choices: FORMATS as string[],
      group: OUT_GROUP,
      describe: 'Report format (default text)',
      requiresArg: true,
    })
    .option('output', {
      alias: 'o',
      type: 'string',
      group: OUT_GROUP,
      describe: 'Also write the report to FILE (.md, .json, .txt pick the format)',
      requiresArg: true,
    })
    .option('verbose', {
      alias: 'v',
      type: 'boolean',
      default: false,
      group: OUT_GROUP,
      describe: 'Include every HTTP exchange (redacted)',
    })
    .option('timeout', {
      type: 'number',
      default: 30,
      group: OUT_GROUP,
      describe: 'Deadline for the whole run, in seconds',
      requiresArg: true,
    })
    .option('cacert', {
      type: 'string',
      group: OUT_GROUP,
      describe:
        "Extra CA certificates (PEM) to trust, e.g. a TLS-inspecting proxy's (NODE_EXTRA_CA_CERTS works too)",
      requiresArg: true,
    });

/** The yargs parser, from an argv array (no process.argv), for tests too. */
export const buildParser = (argv: readonly string[]): Argv =>
  withOutputOptions(
    withRunOptions(
      yargs([...argv])
        .scriptName('bb-doctor')
        .usage(
          "bb-doctor: a doctor for Bitbucket authentication. Names the one root cause of a 401 and proves the fix.\n\nUsage:\n  bb-doctor [options]\n  bb-doctor [options] -- curl ARG...\n  bb-doctor [options] --curl 'curl ...'\n  bb-doctor explain FILE\n  bb-doctor demo [SCENARIO]\n  bb-doctor simulate [--port N] [--scenario S]\n  bb-doctor checks",
        )
        .parserConfiguration({ 'populate--': true, 'strip-aliased': true })
        .command(
          'explain <file>',
          'Diagnose a saved exchange offline (curl -i / curl -v output, raw HTTP, HAR; - = stdin)',
          (y) =>
            y.positional('file', { type: 'string', describe: 'The saved exchange; - reads stdin' }),
        )
        .command(
          'demo [scenario]',
          'Run the doctor against the embedded Bitbucket simulator',
          (y) =>
            y
              .positional('scenario', {
                type: 'string',
                describe: 'Scenario to run (default lowercase-bearer; see --list)',
              })
              .option('list', { type: 'boolean', describe: 'List the scenarios' })
              .option('latency-ms', {
                type: 'number',
                describe: 'Latency the simulator adds to every answer',
                requiresArg: true,
              })
              .option('fault', {
                type: 'string',
                describe: 'Fault the simulator injects (see simulate --help)',
                requiresArg: true,
              }),
        )
        .command('simulate', 'Run the Bitbucket simulator in the foreground', (y) =>
          y
            .option('port', {
              type: 'number',
              default: 0,
              describe: 'Port on 127.0.0.1 (0 = a free one)',
              requiresArg: true,
            })
            .option('scenario', {
              type: 'string',
              describe: 'Scenario whose world to serve',
              requiresArg: true,
            })
            .option('latency-ms', {
              type: 'number',
              default: 0,
              describe: 'Latency added to every answer',
              requiresArg: true,
            })
            .option('fault', {
              type: 'string',
              describe:
                'Fault to inject (rate-limit, hang, reset, html500, badjson, redirect-offhost, slow-body)',
              requiresArg: true,
            }),
        )
        .command('checks', 'List every check: id, title, what it needs, what it proves'),
    ),
  )
    .strictOptions()
    .help()
    .alias('help', 'h')
    .version(VERSION)
    .wrap(Math.min(100, process.stdout.columns ?? 80))
    .epilogue(
      'Exit codes: 0 no problem, 1 a problem was found, 2 usage error, 3 no verdict (network, crash).\nDocs: see README.md. Secrets are never printed: they appear as [redacted sha256:XXXXXXXX].',
    );

/** Registers every secret in argv and the environment before anything else can print them. */
const preRegisterSecrets = (argv: readonly string[], env: IO['env'], redactor: Redactor): void => {
  // A curl command (after -- or --curl) carries its secrets too: register them before parsing.
  const dash = argv.indexOf('--');
  const pasted = argv.findIndex((a) => a === '--curl' || a.startsWith('--curl='));
  const curlText =
    pasted === -1
      ? undefined
      : argv[pasted]!.startsWith('--curl=')
        ? argv[pasted]!.slice(7)
        : argv[pasted + 1];
  for (const words of [
    dash === -1 ? undefined : argv.slice(dash + 1),
    curlText === undefined
      ? undefined
      : (() => {
          try {
            return splitCommandLine(curlText);
          } catch {
            return undefined;
          }
        })(),
  ]) {
    if (words?.[0] !== 'curl') continue;
    try {
      registerCurlSecrets(parseCurl(words), redactor);
    } catch {
      // unparsable: the intake reports it, with nothing echoed
    }
  }
  const flags = new Set(SECRET_OPTIONS.map((o) => o.flag));
  for (const option of SECRET_OPTIONS) redactor.register(env[option.env]);
  // A proxy URL may carry a password (HTTPS_PROXY=http://user:password@proxy:3128).
  for (const name of [
    'HTTPS_PROXY',
    'https_proxy',
    'HTTP_PROXY',
    'http_proxy',
    'ALL_PROXY',
    'all_proxy',
  ]) {
    try {
      const password = new URL(env[name] ?? '').password;
      if (password !== '') {
        redactor.register(password);
        redactor.register(decodeURIComponent(password));
      }
    } catch {
      // not a URL: nothing to register
    }
  }
  for (let i = 0; i < argv.length; i += 1) {
    const word = argv[i] ?? '';
    const eq = word.indexOf('=');
    const flag = eq > -1 ? word.slice(0, eq) : word;
    if (flags.has(flag)) redactor.register(eq > -1 ? word.slice(eq + 1) : argv[i + 1]);
    if (/^(?:-H|--header)$/u.test(flag)) {
      const value = eq > -1 ? word.slice(eq + 1) : (argv[i + 1] ?? '');
      // Only headers that carry credentials: `Accept: application/json` is no secret.
      if (!CREDENTIAL_HEADER.test(value.split(':')[0]?.trim() ?? '')) continue;
      const rest = value.replace(/^[^:]*:\s*/u, '');
      redactor.register(rest);
      redactor.register(rest.replace(/^\S+\s+/u, ''));
    }
  }
};

const checkTimeout = (value: number): number => {
  if (!Number.isFinite(value) || value <= 0 || value > 3600) {
    throw new UsageError(
      Number.isNaN(value)
        ? '--timeout expects a number of seconds between 0 and 3600.'
        : `--timeout expects a number of seconds between 0 and 3600, got '${String(value)}'.`,
    );
  }
  return value;
};

const checkNonEmpty = (args: ParsedArgs): void => {
  const keys: (keyof RunArgs | 'output' | 'curl')[] = [
    'apiUrl',
    'authUrl',
    'workspace',
    'repo',
    'url',
    'username',
    'email',
    'apiToken',
    'appPassword',
    'password',
    'accessToken',
    'clientId',
    'clientSecret',
    'refreshToken',
    'output',
    'curl',
  ];
  for (const key of keys) {
    const value = args[key];
    if (typeof value === 'string' && value.trim() === '') {
      const flag = `--${key.replace(/[A-Z]/gu, (c) => `-${c.toLowerCase()}`)}`;
      throw new UsageError(`${flag} expects a value, got an empty string.`);
    }
  }
  for (const header of args.header ?? []) {
    if (typeof header !== 'string' || header.trim() === '')
      throw new UsageError('--header expects a value, got an empty string.');
  }
};

interface Output {
  readonly format: Format;
  readonly file?: { readonly path: string; readonly format: Format };
  readonly verbose: boolean;
}

const outputOf = (args: ParsedArgs): Output => {
  const explicit = args.format as Format | undefined;
  if (args.output === undefined) return { format: explicit ?? 'text', verbose: args.verbose };
  const implied = formatForFile(args.output);
  return {
    format: explicit ?? 'text',
    file: { path: args.output, format: explicit ?? implied ?? 'text' },
    verbose: args.verbose,
  };
};

/** Writes text through the redactor: every byte of output passes it. */
const writer = (io: IO, redactor: Redactor) => ({
  out: (text: string): void => {
    io.stdout.write(redactor.redact(text));
  },
  err: (text: string): void => {
    io.stderr.write(redactor.redact(text));
  },
});

const useColor = (io: IO): boolean =>
  io.stdout.isTTY === true &&
  (io.env['NO_COLOR'] === undefined || io.env['NO_COLOR'] === '') &&
  io.env['TERM'] !== 'dumb';

export interface RunExtras {
  readonly simulator?: { readonly scenario: string };
  readonly failingRequest?: FailingRequest;
  readonly headers?: readonly GivenHeader[];
  readonly checks?: readonly Check[];
  readonly mode?: 'live' | 'demo' | 'explain';
  readonly offline?: DoctorInput['offline'];
  readonly warnings?: readonly string[];
  readonly credentials?: readonly Credential[];
  readonly curl?: DoctorInput['curl'];
  readonly http?: RunHttp;
}

/** A doctor run: input → checks → report → stdout (and --output). Returns the exit code. */
export const runCommand = async (
  args: ParsedArgs,
  io: IO,
  redactor: Redactor,
  extras: RunExtras = {},
): Promise<number> => {
  const { out, err } = writer(io, redactor);
  const output = outputOf(args);
  const timeoutSeconds = checkTimeout(args.timeout);
  const ca = args.cacert === undefined ? undefined : await readCa(args.cacert);
  const base = buildInput(args, io.env, redactor, {
    ...(extras.failingRequest === undefined ? {} : { failingRequest: extras.failingRequest }),
    ...(extras.headers === undefined ? {} : { headers: extras.headers }),
    ...(extras.credentials === undefined ? {} : { credentials: extras.credentials }),
  });
  const input: DoctorInput = {
    ...base,
    warnings: [...(extras.warnings ?? []), ...base.warnings, ...disagreements(base.credentials)],
    ...(extras.curl === undefined ? {} : { curl: extras.curl }),
    ...(extras.simulator === undefined ? {} : { simulator: extras.simulator }),
    ...(extras.offline === undefined ? {} : { offline: extras.offline }),
  };

  // ora only on a TTY and only for the text format: CI logs and pipes get the report alone.
  // A terminal that reports no width (a pseudo-terminal without a size) sends ora into an endless
  // redraw: spin only on a real, sized terminal.
  const spin =
    io.stderr.isTTY === true &&
    (process.stderr.columns ?? 0) >= 20 &&
    output.format === 'text' &&
    io.env['CI'] === undefined;
  const running = new Set<string>();
  const ora = spin ? (await import('ora')).default : undefined;
  const spinner = ora?.({
    text: 'Starting checks',
    stream: process.stderr,
    discardStdin: false,
  }).start();
  const { report, exitCode } = await runDoctor({
    input,
    checks: extras.checks ?? CHECKS,
    redactor,
    env: io.env,
    timeoutSeconds,
    ...(ca === undefined ? {} : { ca }),
    verbose: output.verbose,
    ...(extras.http === undefined ? {} : { http: extras.http }),
    mode: extras.mode ?? (extras.simulator === undefined ? 'live' : 'demo'),
    onStart: (check) => {
      running.add(check.meta.id);
      if (spinner !== undefined)
        spinner.text = redactor.redact(`Checking: ${[...running].join(', ')}`);
    },
    onFinish: (check) => {
      running.delete(check.id);
      if (spinner !== undefined)
        spinner.text = redactor.redact(`Checking: ${[...running].join(', ') || '…'}`);
    },
  });
  spinner?.stop();

  const color = useColor(io);
  const width = Math.max(60, Math.min(100, process.stdout.columns ?? 80));
  out(render(report, output.format, { color, verbose: output.verbose, width }));
  if (output.file !== undefined) {
    const text = redactor.redact(
      render(report, output.file.format, { color: false, verbose: output.verbose, width: 80 }),
    );
    try {
      await writeFile(output.file.path, text, 'utf8');
    } catch (error) {
      const reason =
        error instanceof Error
          ? ((error as { code?: string }).code ?? error.message)
          : String(error);
      err(`bb-doctor: cannot write --output ${output.file.path}: ${reason}\n`);
      return 2;
    }
  }
  return exitCode;
};

/** --cacert FILE: PEM certificates, read once; a missing or non-PEM file is a usage error. */
const readCa = async (file: string): Promise<string> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--cacert ${file}: ${(error as { code?: string }).code ?? 'cannot be read'}.`,
    );
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----'))
    throw new UsageError(`--cacert ${file} holds no PEM certificate.`);
  return text;
};

const listChecks = (io: IO): number => {
  const lines = ['Checks, in the order they run and report:', ''];
  for (const check of CHECKS) {
    lines.push(`${check.meta.id}  ${check.meta.title}`);
    lines.push(`    ${check.meta.description}`);
    const needs = (check.meta.needs ?? []).filter((n) => !n.startsWith('after:'));
    if (needs.length > 0) lines.push(`    needs: ${needs.join(', ')}`);
    if (check.meta.codes.length > 0) lines.push(`    finds: ${check.meta.codes.join(', ')}`);
    lines.push('');
  }
  lines.push('Finding codes, in causal order (the first failing one is the diagnosis):', '');
  for (const finding of FINDINGS) lines.push(`  ${finding.code.padEnd(28)} ${finding.cause}`);
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
};

const camel = (args: Record<string, unknown>): ParsedArgs => args as unknown as ParsedArgs;

/**
 * The CLI: parse, dispatch, print. The only place (with bin.ts) that writes to the terminal.
 * Returns the exit code of contract.md.
 */
export const main = async (argv: readonly string[], io: IO = defaultIO()): Promise<number> => {
  const redactor = new Redactor();
  preRegisterSecrets(argv, io.env, redactor);
  const { out, err } = writer(io, redactor);
  let verbose = argv.includes('--verbose') || argv.includes('-v');
  try {
    let helpOutput = '';
    const parsed = await new Promise<Record<string, unknown>>((resolve, reject) => {
      void buildParser(argv)
        .exitProcess(false)
        .fail((message, error) => {
          reject(new UsageError(message ?? error?.message ?? 'invalid arguments'));
        })
        .parse(
          [...argv],
          {},
          (
            error: Error | null | undefined,
            result: Record<string, unknown> | Promise<Record<string, unknown>>,
            text: string,
          ) => {
            if (error !== null && error !== undefined) {
              reject(error instanceof UsageError ? error : new UsageError(error.message));
              return;
            }
            helpOutput = text;
            Promise.resolve(result).then(resolve, reject);
          },
        );
    });
    if (helpOutput !== '') {
      out(`${helpOutput}\n`);
      return 0;
    }
    const args = camel(parsed);
    verbose = args.verbose;
    const command = args._[0] === undefined ? undefined : String(args._[0]);
    checkNonEmpty(args);
    switch (command) {
      case undefined:
        return await runCommand(args, io, redactor, await curlExtras(args, io, redactor));
      case 'checks':
        return listChecks(io);
      case 'demo':
        return await demoCommand(args, io, redactor);
      case 'simulate':
        return await simulateCommand(args, io, redactor);
      case 'explain':
        return await explainCommand(args, io, redactor);
      default:
        throw new UsageError(
          `Unknown command '${command}'. Run bb-doctor --help for the commands.`,
        );
    }
  } catch (error) {
    if (error instanceof UsageError || isUsageError(error)) {
      const message = error instanceof Error ? error.message : String(error);
      // One line, always: yargs spreads some messages (invalid choices) over several.
      err(`bb-doctor: ${message.replace(/\s*\n\s*/gu, ' ').trim()}\n`);
      return 2;
    }
    const e = error instanceof Error ? error : new Error(String(error));
    err(
      `bb-doctor: internal error: ${e.message}. This is a bug in bb-doctor; run again with --verbose and report it.\n`,
    );
    if (verbose && e.stack !== undefined) err(`${e.stack}\n`);
    return 3;
  }
};

/** Errors of the input that are the user's to fix (exit 2), from the intake and explain parsers. */
const isUsageError = (error: unknown): boolean =>
  error instanceof Error &&
  /^(?:UsageError|CurlParseError|CaptureError|NetrcError|GitCredentialError)$/u.test(error.name);

/**
 * What a run gets besides flags: the curl command (after `--` or `--curl`) and the credentials
 * stored in .netrc or git's helper (`--netrc`, `--netrc-file`, `--git-credential`).
 */
const curlExtras = async (args: ParsedArgs, io: IO, redactor: Redactor): Promise<RunExtras> => {
  const words = curlWords(args['--'], args.curl);
  const stored = await storedCredentials(
    { netrc: args.netrc, netrcFile: args.netrcFile, gitCredential: args.gitCredential },
    io.env,
    args.apiUrl ?? DEFAULT_API_URL,
    redactor,
  );
  if (words === undefined) return { credentials: stored.credentials, warnings: stored.warnings };
  const original =
    args.curl ??
    words
      .map((w) => (/^[\w@%+=:,./-]+$/u.test(w) ? w : `'${w.replace(/'/gu, `'\\''`)}'`))
      .join(' ');
  const intake = await intakeCurl(words, original, redactor, io.env, args.apiUrl);
  return {
    ...(intake.failingRequest === undefined ? {} : { failingRequest: intake.failingRequest }),
    headers: intake.headers,
    credentials: [...intake.credentials, ...stored.credentials],
    warnings: [...intake.warnings, ...stored.warnings],
    curl: { original, parsed: intake.parsed, lints: intake.lints },
  };
};

/** Registers what a saved exchange carries: Authorization and cookie headers, secrets in URLs. */
const registerCaptureSecrets = (exchanges: readonly Exchange[], redactor: Redactor): void => {
  for (const exchange of exchanges) {
    for (const [name, value] of Object.entries(exchange.request.headers)) {
      if (!CREDENTIAL_HEADER.test(name)) continue;
      redactor.register(value);
      const parsed = parseAuthorization(value);
      redactor.register(parsed.rest);
      if (parsed.basic !== undefined) {
        redactor.addUsername(parsed.basic.username);
        redactor.register(parsed.basic.secret, [parsed.basic.username]);
      }
      if (name === 'cookie')
        for (const part of value.split(/;\s*/u))
          redactor.register(part.slice(part.indexOf('=') + 1));
    }
    const setCookie = exchange.response?.headers['set-cookie'];
    if (setCookie !== undefined)
      for (const part of setCookie.split(/,\s*(?=[^;=]+=)/u))
        redactor.register((part.split(';')[0] ?? '').replace(/^[^=]*=/u, ''));
    try {
      for (const [key, value] of new URL(exchange.request.url).searchParams)
        if (/token|secret|password|key/iu.test(key)) redactor.register(value);
    } catch {
      // a capture without the URL
    }
  }
};

/** Distinct credential-bearing request headers of a capture, each once. */
const capturedAuthHeaders = (exchanges: readonly Exchange[], file: string): GivenHeader[] => {
  const seen = new Set<string>();
  const out: GivenHeader[] = [];
  exchanges.forEach((exchange, index) => {
    for (const [name, value] of Object.entries(exchange.request.headers)) {
      if (
        !/^(authorization|x-.*token.*|private-token)$/iu.test(name) ||
        seen.has(`${name}:${value}`)
      )
        continue;
      seen.add(`${name}:${value}`);
      out.push({
        name: name === 'authorization' ? 'Authorization' : name,
        value,
        source: `capture:${file} #${index + 1}`,
      });
    }
  });
  return out;
};

/** `explain FILE`: a saved exchange diagnosed offline, with the same report as a live run. */
const explainCommand = async (args: ParsedArgs, io: IO, redactor: Redactor): Promise<number> => {
  // yargs hands the positional "-" over as an empty string.
  const file = args.file === undefined || args.file === '' ? '-' : args.file;
  const { text, name } = await readCapture(file, io.stdin ?? process.stdin);
  const capture = parseCapture(text, name);
  registerCaptureSecrets(capture.exchanges, redactor);
  const failing = mostImportantFailure(capture.exchanges);
  const failingRequest = failing === undefined ? undefined : failingRequestOf(failing, name);
  return runCommand(args, io, redactor, {
    mode: 'explain',
    offline: { file: name, format: capture.format, exchanges: capture.exchanges },
    http: new OfflineHttp(capture.exchanges),
    ...(failingRequest === undefined ? {} : { failingRequest }),
    // The credentials of every captured request: a redirect may have dropped them from the
    // answer that matters, and that is a finding, not "no credentials".
    headers: capturedAuthHeaders(capture.exchanges, name),
  });
};

/** Parses argv that bb-doctor builds itself (the demo's scenario arguments). */
const parseInternal = async (argv: readonly string[]): Promise<ParsedArgs> =>
  camel(
    await buildParser(argv)
      .exitProcess(false)
      .fail((message, error) => {
        throw new UsageError(message ?? error?.message ?? 'invalid scenario arguments');
      })
      .parseAsync([...argv]),
  );

/** The user's environment minus Bitbucket secrets and proxies: the demo must never mix them in. */
const demoEnv = (
  env: IO['env'],
  scenarioEnv: Readonly<Record<string, string>> | undefined,
): Record<string, string | undefined> => {
  const clean = Object.fromEntries(
    Object.entries(env).filter(
      ([name]) => !/^(BITBUCKET_|https?_proxy$|HTTPS?_PROXY$)/u.test(name),
    ),
  );
  return { ...clean, ...(scenarioEnv ?? {}) };
};

type Sim = typeof import('./simulator/index.js');

/** --latency-ms and --fault of demo and simulate, checked. */
const simulatorOptions = (
  args: ParsedArgs,
  sim: Sim,
): { latencyMs?: number; fault?: import('./simulator/index.js').FaultMode } => {
  const latency = args.latencyMs;
  if (latency !== undefined && (!Number.isFinite(latency) || latency < 0 || latency > 60_000)) {
    throw new UsageError(
      `--latency-ms expects milliseconds from 0 to 60000, got '${String(latency)}'.`,
    );
  }
  if (args.fault !== undefined && !sim.isFaultMode(args.fault)) {
    throw new UsageError(
      `--fault expects one of ${sim.FAULT_MODES.join(', ')}, got '${args.fault}'.`,
    );
  }
  return {
    ...(latency === undefined || latency === 0 ? {} : { latencyMs: latency }),
    ...(args.fault !== undefined && sim.isFaultMode(args.fault) ? { fault: args.fault } : {}),
  };
};

const demoCommand = async (args: ParsedArgs, io: IO, redactor: Redactor): Promise<number> => {
  const sim = await import('./simulator/index.js');
  const { out } = writer(io, redactor);
  if (args.list === true) {
    const width = Math.max(...sim.scenarios.map((s) => s.name.length));
    const lines = sim.scenarios.map(
      (s) =>
        `${s.name.padEnd(width)}  ${(s.expected.code ?? 'healthy').padEnd(27)} ${s.title}${s.name === sim.defaultScenarioName ? ' (default)' : ''}`,
    );
    out(`${lines.join('\n')}\n`);
    return 0;
  }
  const name = args.scenario ?? sim.defaultScenarioName;
  const scenario = sim.getScenario(name);
  if (scenario === undefined)
    throw new UsageError(`Unknown scenario '${name}'. Run bb-doctor demo --list to see them.`);
  const { latencyMs, fault } = simulatorOptions(args, sim);
  const running = await sim.startSimulator({
    scenario,
    ...(latencyMs === undefined ? {} : { latencyMs }),
    ...(fault === undefined ? {} : { fault }),
  });
  try {
    const words = scenario.args.map((word) => word.replaceAll('{base}', running.url));
    const parsed = await parseInternal([
      '--api-url',
      running.url,
      '--auth-url',
      running.url,
      ...words,
    ]);
    const explicitTimeout = process.argv.some(
      (a) => a === '--timeout' || a.startsWith('--timeout='),
    );
    const merged: ParsedArgs = {
      ...parsed,
      verbose: args.verbose,
      timeout: explicitTimeout ? args.timeout : parsed.timeout,
      ...(args.format === undefined ? {} : { format: args.format }),
      ...(args.output === undefined ? {} : { output: args.output }),
    };
    const demoIo: IO = { ...io, env: demoEnv(io.env, scenario.env) };
    return await runCommand(merged, demoIo, redactor, {
      ...(await curlExtras(merged, demoIo, redactor)),
      simulator: { scenario: scenario.name },
    });
  } finally {
    await running.close();
  }
};

const simulateCommand = async (args: ParsedArgs, io: IO, redactor: Redactor): Promise<number> => {
  const sim = await import('./simulator/index.js');
  const { out } = writer(io, redactor);
  const name = args.scenario ?? sim.defaultScenarioName;
  const scenario = sim.getScenario(name);
  if (scenario === undefined)
    throw new UsageError(`Unknown scenario '${name}'. Run bb-doctor demo --list to see them.`);
  const port = args.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port expects a number from 0 to 65535, got '${String(port)}'.`);
  const { latencyMs, fault } = simulatorOptions(args, sim);
  let running: Awaited<ReturnType<typeof sim.startSimulator>>;
  try {
    running = await sim.startSimulator({
      scenario,
      port,
      ...(latencyMs === undefined ? {} : { latencyMs }),
      ...(fault === undefined ? {} : { fault }),
      onRequest: (entry) => out(`${sim.formatLogLine(entry)}\n`),
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES')
      throw new UsageError(`cannot listen on 127.0.0.1:${port} (${code}).`);
    throw error;
  }
  out(
    `${sim.describeScenario(scenario, running.url).join('\n')}\n\nLogging each request; Ctrl-C stops the simulator.\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await running.close();
  out('Simulator stopped.\n');
  return 0;
};
