import { readFile } from 'node:fs/promises';
import { grantOf, isTokenEndpoint } from '../knowledge/oauth.js';
import { runDoctor, type RunHttp } from '../doctor.js';
import { intakeCurl, type CurlRead } from '../intake/curl-input.js';
import { intakeGit, type GitRead } from '../intake/git-input.js';
import { standInCredentials } from '../explain/input.js';
import { apiBaseOf, buildInput, UsageError } from '../intake/input.js';
import { disagreements, storedCredentials } from '../intake/stored.js';
import { CHECKS } from '../registry.js';
import type { Report } from '../report/model.js';
import type { Redactor } from '../report/redactor.js';
import { renderHar } from '../report/render-har.js';
import { render, type Format } from '../report/render.js';
import type {
  CapturedCredential,
  Check,
  Credential,
  DoctorInput,
  FailingRequest,
  GitTarget,
  GivenHeader,
} from '../types.js';
import type { ParsedArgs } from './args.js';
import { terminalWidth, useColor, useSpinnerColor, writer, type IO } from './io.js';
import { checkOutputs, writeOutput, type OutputFile } from './output.js';

export interface RunExtras {
  readonly simulator?: DoctorInput['simulator'];
  readonly failingRequest?: FailingRequest;
  readonly headers?: readonly GivenHeader[];
  readonly checks?: readonly Check[];
  readonly mode?: 'live' | 'demo' | 'explain';
  readonly offline?: DoctorInput['offline'];
  readonly warnings?: readonly string[];
  readonly credentials?: readonly Credential[];
  readonly curl?: DoctorInput['curl'];
  readonly steps?: DoctorInput['steps'];
  /** The git target (`-- git …`, `--git`, `--git-url`, `--remote`, the work tree's remote). */
  readonly git?: GitTarget;
  /** The workspace and repository of the git target, when no flag names them. */
  readonly workspace?: string;
  readonly repo?: string;
  readonly authUrl?: string;
  readonly http?: RunHttp;
  /** explain of a bb-doctor HAR: stand-ins for its redacted credentials (explain/stand-ins.ts). */
  readonly standIns?: ReadonlyMap<string, CapturedCredential>;
  /** Files the run reads (explain's input): an --output may not be one of them. */
  readonly inputs?: readonly string[];
}

export type { FileFormat } from './output.js';

/** How the stderr line names what a file holds. */
const FILE_FORMAT_NAMES: Readonly<Record<OutputFile['format'], string>> = {
  text: 'text',
  markdown: 'markdown',
  json: 'json',
  har: 'HAR 1.2, the exchanges',
};

interface Output {
  readonly format: Format;
  /** Every --output, each in the format of its extension (a .har is the exchanges). */
  readonly files: readonly OutputFile[];
  readonly verbose: boolean;
}

/** --format is what goes to stdout only; the files were checked before anything ran. */
const outputOf = async (args: ParsedArgs, inputs: readonly string[]): Promise<Output> => ({
  format: (args.format as Format | undefined) ?? 'text',
  files: await checkOutputs(args.output, inputs),
  verbose: args.verbose,
});

export const checkTimeout = (value: number): number => {
  if (!Number.isFinite(value) || value <= 0 || value > 3600) {
    throw new UsageError(
      Number.isNaN(value)
        ? '--timeout expects a number of seconds between 0 and 3600.'
        : `--timeout expects a number of seconds between 0 and 3600, got '${String(value)}'.`,
    );
  }
  return value;
};

/** --allow-insecure-http to a host that is not this machine: said in the report (INSECURE_HTTP). */
const insecureWarning = (allowed: boolean, apiUrl: string): string[] => {
  const url = new URL(apiUrl);
  const loopback = /^(?:localhost|127\.\d+\.\d+\.\d+|\[::1\])$/u.test(url.hostname);
  return allowed && url.protocol === 'http:' && !loopback
    ? [
        `--allow-insecure-http: credentials go to ${url.origin} over plain http://, readable by anyone on the network path (INSECURE_HTTP). Give the server https (and --cacert for a private authority).`,
      ]
    : [];
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

/** The report without the run's exchanges: they are only shown with --verbose. */
const withoutExchanges = (report: Report): Report => {
  const { exchanges: _exchanges, ...rest } = report;
  return rest;
};

/**
 * A doctor run: input → checks → report → stdout (and --output). Returns the exit code.
 * Registers nothing: the caller has registered every input's secrets (`secretsOf`) before.
 */
export const runCommand = async (
  args: ParsedArgs,
  io: IO,
  redactor: Redactor,
  extras: RunExtras = {},
): Promise<number> => {
  const { out, err } = writer(io, redactor);
  const output = await outputOf(args, extras.inputs ?? []);
  const timeoutSeconds = checkTimeout(args.timeout);
  const ca = args.cacert === undefined ? undefined : await readCa(args.cacert);
  const base = buildInput(args, io.env, {
    ...(extras.failingRequest === undefined ? {} : { failingRequest: extras.failingRequest }),
    ...(extras.headers === undefined ? {} : { headers: extras.headers }),
    ...(extras.credentials === undefined ? {} : { credentials: extras.credentials }),
    ...(extras.authUrl === undefined ? {} : { authUrl: extras.authUrl }),
  });
  const workspace = base.workspace ?? extras.workspace;
  const repo = base.repo ?? (base.workspace === undefined ? extras.repo : undefined);
  const input: DoctorInput = {
    ...base,
    ...(workspace === undefined ? {} : { workspace }),
    ...(repo === undefined ? {} : { repo }),
    ...(extras.git === undefined ? {} : { git: extras.git }),
    ...(args.allowInsecureHttp === true ? { allowInsecureHttp: true } : {}),
    credentials:
      extras.standIns === undefined
        ? base.credentials
        : standInCredentials(base.credentials, extras.standIns),
    warnings: [
      ...(extras.warnings ?? []),
      ...base.warnings,
      ...disagreements(base.credentials),
      ...insecureWarning(args.allowInsecureHttp === true, base.apiUrl),
    ],
    ...(extras.curl === undefined ? {} : { curl: extras.curl }),
    ...(extras.steps === undefined || extras.steps.length === 0 ? {} : { steps: extras.steps }),
    ...(extras.simulator === undefined ? {} : { simulator: extras.simulator }),
    ...(extras.offline === undefined ? {} : { offline: extras.offline }),
  };

  // Each credential's mark in the evidence is the name the Credentials table gives it.
  redactor.identify(input.credentials);

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
    // NO_COLOR (and TERM=dumb) turn off every colour, the spinner's included.
    color: useSpinnerColor(io) ? 'cyan' : false,
    discardStdin: false,
  }).start();
  const har = output.files.some((f) => f.format === 'har');
  const { report, exitCode } = await runDoctor({
    input,
    checks: extras.checks ?? CHECKS,
    redactor,
    env: io.env,
    timeoutSeconds,
    ...(ca === undefined ? {} : { ca }),
    verbose: output.verbose,
    // A HAR file is the run's exchanges: keep them all, even without --verbose.
    ...(har ? { keepExchanges: true } : {}),
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

  // The report as the renderers see it: the exchanges only with --verbose.
  const shown = output.verbose ? report : withoutExchanges(report);
  const color = useColor(io);
  const width = terminalWidth(io);
  out(render(shown, output.format, { color, verbose: output.verbose, width }));
  for (const file of output.files) {
    // Like stdout, the file passes the redactor whole (the report was redacted field by field).
    const text = redactor.redact(
      file.format === 'har'
        ? renderHar(report)
        : render(shown, file.format, { color: false, verbose: output.verbose, width: 80 }),
    );
    try {
      await writeOutput(file, text);
    } catch (error) {
      const reason =
        error instanceof Error
          ? ((error as { code?: string }).code ?? error.message)
          : String(error);
      err(`bb-doctor: cannot write --output ${file.given}: ${reason}\n`);
      return 2;
    }
    // Where each file went, on stderr: stdout stays the report alone.
    err(`bb-doctor: wrote ${file.given} (${FILE_FORMAT_NAMES[file.format]})\n`);
  }
  return exitCode;
};

/**
 * What a run gets besides flags: the curl command (after `--` or `--curl`, read and parsed once
 * by `readCommandLine`) and the credentials stored in .netrc or git's helper (`--netrc`,
 * `--netrc-file`, `--git-credential`).
 */
export const commandLineExtras = async (
  args: ParsedArgs,
  curl: CurlRead & { readonly git: GitRead },
  io: IO,
  redactor: Redactor,
  options: { readonly workTree?: boolean } = {},
): Promise<RunExtras> => {
  if (curl.wordsError !== undefined) throw curl.wordsError;
  if (curl.git.command !== undefined && curl.words !== undefined)
    throw new UsageError(
      'Give one command to diagnose: a curl command or a git command, not both.',
    );
  const git = await intakeGit({
    read: curl.git,
    gitUrl: args.gitUrl,
    remote: args.remote,
    // Nothing else names a target: inside a work tree whose remote is Bitbucket, git's access is
    // what to diagnose (never in the demo, whose target is the simulator).
    noTarget:
      options.workTree !== false &&
      curl.words === undefined &&
      args.url === undefined &&
      args.workspace === undefined,
    apiUrl: apiBaseOf(args, io.env).apiUrl,
    cwd: process.cwd(),
    env: io.env,
    redactor,
  });
  const gitExtras = {
    ...(git.git === undefined ? {} : { git: git.git }),
    ...(git.workspace === undefined ? {} : { workspace: git.workspace }),
    ...(git.repo === undefined ? {} : { repo: git.repo }),
  };
  const stored = await storedCredentials(
    {
      netrc: args.netrc,
      netrcFile: args.netrcFile,
      gitCredential: args.gitCredential,
      // A .netrc that is a pipe may stay silent at most the run's deadline.
      timeout: checkTimeout(args.timeout),
      // The host the run calls: the failing call's (--url), else the API base.
      netrcUrl: args.url !== undefined && URL.canParse(args.url) ? args.url : undefined,
    },
    io.env,
    // The API base the user named (--api-url, BITBUCKET_API_URL), else Cloud's: git's helper is
    // asked for that site only, never for an unproven --url host.
    apiBaseOf(args, io.env).apiUrl,
    redactor,
  );
  if (curl.words === undefined)
    return {
      ...gitExtras,
      credentials: [...git.credentials, ...stored.credentials],
      warnings: [...git.warnings, ...stored.warnings],
    };
  if (curl.parseError !== undefined) throw curl.parseError;
  const intake = await intakeCurl(
    { parsed: curl.parsed!, original: curl.original!, expanded: curl.expanded },
    redactor,
    io.env,
    args.apiUrl,
  );
  // The OAuth base the user's command used: its own token endpoint, or its token fetch step's.
  const tokenUrl = [curl.parsed?.url, ...intake.steps.map((s) => s.curl.url)].find(
    (u): u is string => u !== undefined && isTokenEndpoint(u),
  );
  return {
    steps: intake.steps.map((s) => {
      const grant = grantOf(s.curl.data.map((d) => d.value).join('&'));
      return {
        index: s.index,
        describe: s.describe,
        method: s.curl.method,
        url: s.curl.url ?? '',
        ...(grant === undefined ? {} : { grant }),
        ...(s.field === undefined ? {} : { field: s.field }),
      };
    }),
    ...(tokenUrl === undefined ? {} : { authUrl: new URL(tokenUrl).origin }),
    ...(intake.failingRequest === undefined ? {} : { failingRequest: intake.failingRequest }),
    headers: intake.headers,
    credentials: [...intake.credentials, ...stored.credentials],
    warnings: [...intake.warnings, ...stored.warnings],
    curl: { original: intake.original, parsed: intake.parsed, lints: intake.lints },
  };
};
