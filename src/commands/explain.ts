import { planExplain } from '../explain/input.js';
import { OfflineHttp } from '../explain/offline.js';
import { parseCapture, readCapture } from '../explain/parse.js';
import { registerSecrets, secretsOf } from '../intake/secrets.js';
import type { Redactor } from '../report/redactor.js';
import type { ParsedArgs } from './args.js';
import type { IO } from './io.js';
import { checkOutputs } from './output.js';
import { checkTimeout, runCommand } from './run.js';

/**
 * The environment of an explain run without the secrets of the shell: explain judges what the
 * capture shows, and a token exported in this shell (BITBUCKET_API_TOKEN…) was not in it.
 */
const withoutSecrets = (
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> =>
  Object.fromEntries(
    Object.entries(env).filter(([name]) => !/^BITBUCKET_.*(?:TOKEN|PASSWORD|SECRET)$/u.test(name)),
  );

/** `explain FILE`: a saved exchange diagnosed offline, with the same report as a live run. */
/** explain's deadline without --timeout (contract.md, "Options of a run"): 120 s, not 30. */
const EXPLAIN_TIMEOUT_SECONDS = 120;

export const explainCommand = async (
  given: ParsedArgs,
  io: IO,
  redactor: Redactor,
  options: { readonly explicitTimeout?: boolean } = {},
): Promise<number> => {
  const args: ParsedArgs =
    options.explicitTimeout === true ? given : { ...given, timeout: EXPLAIN_TIMEOUT_SECONDS };
  // yargs hands the positional "-" over as an empty string.
  const file = args.file === undefined || args.file === '' ? '-' : args.file;
  const inputs = file === '-' ? [] : [file];
  // Every --output is checked before the input is read (a large HAR takes a while).
  await checkOutputs(args.output, inputs);
  // The deadline bounds reading too: a pipe with no writer ends with exit 2 by then, not a hang.
  const { text, name } = await readCapture(file, io.stdin ?? process.stdin, {
    timeoutMs: checkTimeout(args.timeout) * 1000,
  });
  const parsed = parseCapture(text, name);
  registerSecrets(redactor, secretsOf({ capture: parsed.exchanges, urls: parsed.urls ?? [] }));
  const plan = planExplain(parsed, name, redactor);
  // A bb-doctor HAR runs as its live run was configured: the same API and auth hosts, workspace
  // and repository (unless given here).
  const { configured } = plan;
  const withTarget: ParsedArgs = {
    ...args,
    ...(args.apiUrl === undefined && configured.apiUrl !== undefined
      ? { apiUrl: configured.apiUrl }
      : {}),
    ...(args.authUrl === undefined && configured.authUrl !== undefined
      ? { authUrl: configured.authUrl }
      : {}),
    ...(args.workspace === undefined && configured.workspace !== undefined
      ? { workspace: configured.workspace }
      : {}),
    ...(args.repo === undefined && configured.repo !== undefined ? { repo: configured.repo } : {}),
  };
  return runCommand(withTarget, { ...io, env: withoutSecrets(io.env) }, redactor, {
    mode: 'explain',
    inputs,
    offline: plan.capture,
    http: new OfflineHttp(plan.capture.exchanges),
    ...(plan.failingRequest === undefined ? {} : { failingRequest: plan.failingRequest }),
    headers: plan.headers,
    standIns: plan.standIns,
    // git's own output: the run has a git target, so the verdict follows git (git-story.ts).
    ...(plan.git === undefined ? {} : { git: plan.git, ...plan.gitRepo }),
  });
};
