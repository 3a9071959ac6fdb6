import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redactor } from '../report/redactor.js';
import type { ParseArgs, ParsedArgs } from './args.js';
import { readCommandLine } from './command-line.js';
import { wrap } from '../report/layout.js';
import { terminalWidth, writer, type IO } from './io.js';
import { commandLineExtras, runCommand } from './run.js';
import { scenarioOf, simulatorOptions, type Sim } from './simulator-options.js';

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

/**
 * `demo --list`: name, expected code and title, one row each while the title has 30 columns beside
 * them; on a narrower terminal the title goes under its name, indented. Both wrap to `width`.
 */
const scenarioList = (
  all: readonly { name: string; title: string; expected: { code?: string | null | undefined } }[],
  sim: Sim,
  width: number,
): string[] => {
  const nameWidth = Math.max(...all.map((s) => s.name.length));
  const codeWidth = Math.max(...all.map((s) => (s.expected.code ?? 'healthy').length));
  const column = nameWidth + 2 + codeWidth + 2;
  return all.flatMap((s) => {
    const code = s.expected.code ?? 'healthy';
    const isDefault = s.name === sim.defaultScenarioName || s.name === sim.defaultDcScenarioName;
    const title = `${s.title}${isDefault ? ' (default)' : ''}`;
    if (width - column >= 30)
      return wrap(
        title,
        width,
        ' '.repeat(column),
        false,
        `${s.name.padEnd(nameWidth)}  ${code.padEnd(codeWidth)}  `,
      );
    return [`${s.name.padEnd(nameWidth)}  ${code}`, ...wrap(title, width, '    ')];
  });
};

export interface DemoOptions {
  /** The CLI's parser, for the scenario's own arguments. */
  readonly parse: ParseArgs;
  /** Whether the user gave --timeout (else the scenario's own, or the default, applies). */
  readonly explicitTimeout: boolean;
}

/** `demo [SCENARIO]`: the doctor against the embedded simulator; `--list` lists the scenarios. */
export const demoCommand = async (
  args: ParsedArgs,
  io: IO,
  redactor: Redactor,
  options: DemoOptions,
): Promise<number> => {
  const sim = await import('../simulator/index.js');
  const { out } = writer(io, redactor);
  if (args.list === true) {
    out(
      `${scenarioList([...sim.scenarios, ...sim.gitScenarios, ...sim.dcScenarios], sim, terminalWidth(io)).join('\n')}\n`,
    );
    return 0;
  }
  const scenario = scenarioOf(args, sim);
  const { latencyMs, fault } = simulatorOptions(args, sim);
  const running = await sim.startSimulator({
    scenario,
    ...(latencyMs === undefined ? {} : { latencyMs }),
    ...(fault === undefined ? {} : { fault }),
  });
  // A git story's git lives in a HOME of its own: its credential helper's store, never the
  // user's own configuration or credentials.
  const home =
    scenario.git === undefined ? undefined : await mkdtemp(join(tmpdir(), 'bb-doctor-demo-'));
  try {
    // `running.base` is the origin for Cloud, origin + context path for Data Center.
    const gitUrl = scenario.git === undefined ? '' : sim.gitUrl(scenario.git, running.base);
    if (home !== undefined && scenario.git !== undefined) {
      for (const [name, text] of Object.entries(sim.gitHomeFiles(scenario.git, running.base)))
        await writeFile(join(home, name), text, { mode: 0o600 });
    }
    const words = [
      '--api-url',
      running.base,
      '--auth-url',
      running.url,
      ...scenario.args.map((word) =>
        word.replaceAll('{git-url}', gitUrl).replaceAll('{base}', running.base),
      ),
    ];
    const gitHome =
      home === undefined
        ? {}
        : {
            HOME: home,
            XDG_CONFIG_HOME: home,
            GIT_CONFIG_NOSYSTEM: '1',
            GIT_CONFIG_GLOBAL: join(home, '.gitconfig'),
          };
    const demoIo: IO = { ...io, env: { ...demoEnv(io.env, scenario.env), ...gitHome } };
    // The scenario's arguments and environment are an input of their own.
    const curl = readCommandLine(words, demoIo.env, redactor);
    const parsed = await options.parse(words);
    const merged: ParsedArgs = {
      ...parsed,
      verbose: args.verbose,
      timeout: options.explicitTimeout ? args.timeout : parsed.timeout,
      ...(args.format === undefined ? {} : { format: args.format }),
      ...(args.output === undefined ? {} : { output: args.output }),
    };
    return await runCommand(merged, demoIo, redactor, {
      ...(await commandLineExtras(merged, curl, demoIo, redactor, { workTree: false })),
      simulator: { scenario: scenario.name, product: running.product },
    });
  } finally {
    await running.close();
    if (home !== undefined) await rm(home, { recursive: true, force: true });
  }
};
