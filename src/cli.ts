import yargs, { type Argv } from 'yargs';
import { quoted, scrubMessage } from './intake/quote.js';
import type { ParsedArgs } from './commands/args.js';
import { checksCommand, checksJson } from './commands/checks.js';
import { readCommandLine } from './commands/command-line.js';
import { demoCommand } from './commands/demo.js';
import { explainCommand } from './commands/explain.js';
import { defaultIO, terminalWidth, writer, type IO } from './commands/io.js';
import { commandLineExtras, runCommand } from './commands/run.js';
import { checkOutputs } from './commands/output.js';
import { simulateCommand } from './commands/simulate.js';
import { VERSION } from './doctor.js';
import { UsageError, type RunArgs } from './intake/input.js';
import { Redactor } from './report/redactor.js';
import { FORMATS } from './report/render.js';
import { CLOUD_URLS } from './knowledge/docs.js';
import { GIT_URL_EXAMPLE } from './knowledge/git.js';
import { OAUTH_PATHS } from './knowledge/wire.js';

export type { IO } from './commands/io.js';
export type { ParsedArgs } from './commands/args.js';

const RUN_OPTIONS_GROUP = 'Target:';
const CRED_GROUP = 'Credentials (each may also come from its environment variable):';
const OUT_GROUP = 'Output and limits:';

const withRunOptions = <T>(y: Argv<T>): Argv<T> =>
  y
    .option('api-url', {
      type: 'string',
      group: RUN_OPTIONS_GROUP,
      describe: `REST API base (default ${CLOUD_URLS.apiBase}) [BITBUCKET_API_URL]`,
      requiresArg: true,
    })
    .option('auth-url', {
      type: 'string',
      group: RUN_OPTIONS_GROUP,
      describe: `OAuth base: POST {auth-url}${OAUTH_PATHS.token} (default ${CLOUD_URLS.authBase})`,
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
    .option('git', {
      type: 'string',
      group: RUN_OPTIONS_GROUP,
      describe:
        'The failing git command (clone, fetch, pull, push, ls-remote), pasted whole (nothing is executed)',
      requiresArg: true,
    })
    .option('git-url', {
      type: 'string',
      group: RUN_OPTIONS_GROUP,
      describe: `The git clone URL that fails (${GIT_URL_EXAMPLE})`,
      requiresArg: true,
    })
    .option('remote', {
      type: 'string',
      group: RUN_OPTIONS_GROUP,
      describe:
        'Diagnose git access to this remote of the repository here (default origin; its URL is read, nothing is fetched)',
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
    .option('use-refresh-token', {
      type: 'boolean',
      group: CRED_GROUP,
      describe:
        'Let token-fetch spend the refresh token. Refresh tokens rotate: your application must then use the new one',
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
      describe: `Also ask git's credential helper for ${CLOUD_URLS.authBase} (never prompts)`,
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
      describe:
        'Also write the report to FILE (.md, .json, .txt pick the format; .har: the exchanges as HAR 1.2; repeatable)',
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
    .option('allow-insecure-http', {
      type: 'boolean',
      group: OUT_GROUP,
      describe:
        'Send credentials over plain http:// to a non-loopback host (a Data Center on port 7990): reported as INSECURE_HTTP',
    })
    .option('cacert', {
      type: 'string',
      group: OUT_GROUP,
      describe:
        "Extra CA certificates (PEM) to trust, e.g. a TLS-inspecting proxy's (NODE_EXTRA_CA_CERTS works too)",
      requiresArg: true,
    });

/** The yargs parser, from an argv array (no process.argv), for tests too; `--help` wraps to `width`. */
export const buildParser = (argv: readonly string[], width = 80): Argv =>
  withOutputOptions(
    withRunOptions(
      yargs([...argv])
        .scriptName('bb-doctor')
        .usage(
          "bb-doctor: a doctor for Bitbucket authentication. Names the one root cause of a 401 and proves the fix.\n\nUsage:\n  bb-doctor [options]\n  bb-doctor [options] -- curl ARG...\n  bb-doctor [options] --curl 'curl ...'\n  bb-doctor [options] -- git ARG...\n  bb-doctor [options] --git-url URL | --remote [NAME]\n  bb-doctor explain FILE\n  bb-doctor demo [SCENARIO]\n  bb-doctor simulate [--port N] [--scenario S] [--product cloud|data-center]\n  bb-doctor checks",
        )
        // No `--no-FLAG`: negating a string option (`--no-api-token`) would hand the run `false`.
        .parserConfiguration({
          'populate--': true,
          'strip-aliased': true,
          'boolean-negation': false,
        })
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
              describe: 'Scenario whose world to serve (dc-… scenarios are Data Center)',
              requiresArg: true,
            })
            .option('product', {
              type: 'string',
              choices: ['cloud', 'data-center'],
              describe:
                'Bitbucket Cloud (default) or Data Center (served under /bitbucket; default scenario dc-healthy)',
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
    .wrap(width)
    .epilogue(
      'Exit codes: 0 no problem, 1 a problem was found, 2 usage error, 3 no verdict (network, crash).\nDocs: see README.md. Secrets are never printed: they appear as [redacted sha256:XXXXXXXX].',
    );

const checkNonEmpty = (args: ParsedArgs): void => {
  const keys: (keyof RunArgs | 'output' | 'curl' | 'git' | 'gitUrl')[] = [
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
    'git',
    'gitUrl',
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

/** The options that may be given more than once; every other one is given once. */
const REPEATABLE = new Set(['header', 'output']);

/**
 * A single-value option given twice (`--api-token a --api-token b`, even with the same value) is
 * refused, naming the flag and never its value: yargs would hand the run an array.
 */
const checkRepeated = (parsed: Record<string, unknown>): void => {
  for (const [key, value] of Object.entries(parsed)) {
    if (key === '_' || key === '--' || REPEATABLE.has(key) || /[A-Z]/u.test(key)) continue;
    if (Array.isArray(value))
      throw new UsageError(`--${key} was given ${value.length} times; give it once.`);
  }
};

/** `--no-FLAG` of a known option: refused with a clearer line than yargs' "Unknown arguments". */
const checkNegated = (argv: readonly string[]): void => {
  const end = argv.indexOf('--');
  let known: ReadonlySet<string> | undefined;
  for (const word of end === -1 ? argv : argv.slice(0, end)) {
    const match = /^--no-([a-z][a-z-]*)(?:=|$)/u.exec(word);
    if (match !== null && (known ??= knownFlags()).has(match[1]!))
      throw new UsageError(`--no-${match[1]!} is not an option; leave --${match[1]!} out instead.`);
  }
};

/** The long options of a run, as `buildParser` declares them (yargs' own getOptions). */
const knownFlags = (): ReadonlySet<string> =>
  new Set(
    Object.keys(
      (
        buildParser([]) as unknown as { getOptions(): { key: Record<string, unknown> } }
      ).getOptions().key,
    ).filter((k) => !/[A-Z]/u.test(k)),
  );

/** The target and credential options of a run (withRunOptions), by their long names. */
const runFlags = (): readonly string[] =>
  Object.keys(
    (
      withRunOptions(yargs([])) as unknown as { getOptions(): { key: Record<string, unknown> } }
    ).getOptions().key,
  ).filter((k) => k.length > 1 && !/[A-Z]/u.test(k));

/** `demo` brings its own target and credentials: one of the user's would be silently ignored. */
const checkDemoArgs = (parsed: Record<string, unknown>): void => {
  const given = runFlags().filter((flag) => parsed[flag] !== undefined);
  const words = parsed['--'];
  if (Array.isArray(words) && words.length > 0) given.push('--');
  if (given.length === 0) return;
  const flags = given.map((f) => (f === '--' ? '-- COMMAND' : `--${f}`)).join(', ');
  throw new UsageError(
    `demo brings its own target and credentials, so it takes no ${flags}: run bb-doctor without demo to diagnose your own call.`,
  );
};

const camel = (args: Record<string, unknown>): ParsedArgs => args as unknown as ParsedArgs;

/**
 * The CLI: parse, dispatch, print. The only place (with bin.ts) that writes to the terminal.
 * Returns the exit code of contract.md.
 */
export const main = async (argv: readonly string[], io: IO = defaultIO()): Promise<number> => {
  const redactor = new Redactor();
  // Every secret of the command line, its curl command and the environment, before anything prints.
  const curl = readCommandLine(argv, io.env, redactor);
  const { out, err } = writer(io, redactor);
  let verbose = argv.includes('--verbose') || argv.includes('-v');
  try {
    checkNegated(argv);
    let helpOutput = '';
    const parsed = await new Promise<Record<string, unknown>>((resolve, reject) => {
      void buildParser(argv, terminalWidth(io))
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
    checkRepeated(parsed);
    const args = camel(parsed);
    verbose = args.verbose;
    const command = args._[0] === undefined ? undefined : String(args._[0]);
    checkNonEmpty(args);
    // Every --output is checked before anything runs (explain checks them against its input).
    if (command !== 'explain') await checkOutputs(args.output);
    switch (command) {
      case undefined:
        return await runCommand(
          args,
          io,
          redactor,
          await commandLineExtras(args, curl, io, redactor),
        );
      case 'checks':
        // A list, not a report: stdout only, as text or JSON.
        if (args.output !== undefined)
          throw new UsageError('checks prints to stdout only; --output is for a report.');
        if (args.format === 'markdown')
          throw new UsageError('checks prints text or json (--format json), not markdown.');
        return args.format === 'json' ? checksJson(io) : checksCommand(io);
      case 'demo':
        checkDemoArgs(parsed);
        return await demoCommand(args, io, redactor, {
          parse: parseInternal,
          explicitTimeout: argv.some((a) => a === '--timeout' || a.startsWith('--timeout=')),
        });
      case 'simulate':
        return await simulateCommand(args, io, redactor);
      case 'explain':
        return await explainCommand(args, io, redactor, {
          explicitTimeout: argv.some((a) => a === '--timeout' || a.startsWith('--timeout=')),
        });
      default:
        throw new UsageError(
          `Unknown command ${quoted(command)}. Run bb-doctor --help for the commands.`,
        );
    }
  } catch (error) {
    if (error instanceof UsageError || isUsageError(error)) {
      const message = error instanceof Error ? error.message : String(error);
      // One line, always: yargs spreads some messages (invalid choices) over several.
      // A usage message may quote what was typed (yargs does): a token-like word never shows.
      err(`bb-doctor: ${scrubMessage(message.replace(/\s*\n\s*/gu, ' ').trim())}\n`);
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
  /^(?:UsageError|CurlParseError|CaptureError|NetrcError|GitCredentialError|GitParseError)$/u.test(
    error.name,
  );

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
