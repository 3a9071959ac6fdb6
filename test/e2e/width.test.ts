import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fitLines, isOneToken } from '../../src/report/layout.js';
import {
  dcScenarios,
  describeScenario,
  gitScenarios,
  scenarios,
} from '../../src/simulator/index.js';
import { BIN, runCli, type CliResult } from '../helpers/cli.js';

/**
 * Every command's text output fits the terminal: 80 columns without a TTY, `COLUMNS` when set, down
 * to 60. A line may be longer only when it is one unbreakable token (a URL, a secret, one shell
 * word) that no layout could make narrower. JSON and Markdown are exempt (not run here).
 */
const WIDTHS = [80, 60] as const;
const ALL = [...scenarios, ...gitScenarios, ...dcScenarios];
const NAMES = ALL.map((s) => s.name);

/** The lines of an output that do not fit `width` (in characters, colour codes aside). */
const tooWide = (text: string, width: number): string[] =>
  text
    .split('\n')
    .map((line) => stripVTControlCharacters(line))
    .filter((line) => line.length > width && !isOneToken(line));

/** What no layout may print: a `\` alone (a continuation of nothing), a box cut inside a word. */
const broken = (text: string): string[] =>
  text.split('\n').filter((line) => line.trim() === '\\' || line.startsWith('\\'));

/** What does not fit in an output, or is not what the run should print (empty when all is well). */
const problems = (result: CliResult, width: number, what: string): string[] => [
  ...tooWide(result.stdout, width).map((line) => `${what} at ${width}: too wide: ${line}`),
  ...broken(result.stdout).map((line) => `${what} at ${width}: broken: ${line}`),
  // NO_COLOR (runCli sets it) and no TTY: not one colour code, on either stream.
  ...((result.stdout + result.stderr).includes('\u001B[') ? [`${what}: colour`] : []),
];

/** Runs `jobs` at most `limit` at a time (two cores, shared): the file stays well under 90 s. */
const pool = async <T>(jobs: readonly (() => Promise<T>)[], limit: number): Promise<T[]> => {
  const results: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const index = next;
      next += 1;
      results[index] = await jobs[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
};

describe('every demo scenario fits 80 and 60 columns', { timeout: 120_000 }, () => {
  it(`${NAMES.length} scenarios × ${WIDTHS.join(' and ')} columns (text; --verbose for a few)`, async () => {
    const verbose = new Set(['lowercase-bearer', 'git-api-token-email', 'dc-healthy', 'timeout']);
    const runs = NAMES.flatMap((name) =>
      WIDTHS.flatMap((width) => [
        { name, width, args: ['demo', name] },
        ...(verbose.has(name) ? [{ name, width, args: ['demo', name, '--verbose'] }] : []),
      ]),
    );
    const results = await pool(
      runs.map(
        (run) => () =>
          runCli(run.args, { COLUMNS: String(run.width) }, { timeoutMs: 60_000 }).then(
            (result) => ({ run, result }),
          ),
      ),
      3,
    );
    for (const { run, result } of results)
      expect(result.stdout, `${run.args.join(' ')}: ${result.stderr}`).toContain('Diagnosis');
    expect(
      results.flatMap(({ run, result }) => problems(result, run.width, run.args.join(' '))),
    ).toEqual([]);
  });
});

describe('every other command fits 80 and 60 columns', { timeout: 60_000 }, () => {
  const explainDir = new URL('../../fixtures/explain/', import.meta.url);
  const captures = (
    JSON.parse(readFileSync(new URL('index.json', explainDir), 'utf8')) as { file: string }[]
  )
    .slice(0, 4)
    .map((e) => new URL(e.file, explainDir).pathname);
  const commands: string[][] = [
    ['--help'],
    ['demo', '--help'],
    ['simulate', '--help'],
    ['explain', '--help'],
    ['checks', '--help'],
    ['checks'],
    ['demo', '--list'],
    ...captures.flatMap((file) => [
      ['explain', file],
      ['explain', file, '--verbose'],
    ]),
  ];
  for (const width of WIDTHS) {
    it(`checks, demo --list, --help of each command, explain of captures at ${width}`, async () => {
      const results = await pool(
        commands.map((args) => () => runCli(args, { COLUMNS: String(width) })),
        3,
      );
      results.forEach((result, index) => {
        expect(result.stdout.length, commands[index]!.join(' ')).toBeGreaterThan(0);
      });
      expect(
        results.flatMap((result, index) => problems(result, width, commands[index]!.join(' '))),
      ).toEqual([]);
    });
  }

  it('simulate: what it prints when it starts, for every scenario (as the command lays it out)', () => {
    const found = ALL.flatMap((scenario) =>
      WIDTHS.flatMap((width) => {
        const text = fitLines(describeScenario(scenario, 'http://127.0.0.1:54321', width), width);
        const result = { code: 0, stdout: text.join('\n'), stderr: '' };
        return problems(result, width, scenario.name);
      }),
    );
    expect(found).toEqual([]);
  });

  /** `simulate` itself, until it says it is logging, then SIGTERM. */
  const simulate = (args: readonly string[], width: number): Promise<CliResult> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [BIN, 'simulate', ...args], {
        env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', COLUMNS: String(width) },
      });
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => child.kill('SIGTERM'), 15_000);
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('Ctrl-C stops the simulator')) child.kill('SIGTERM');
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? 99, stdout, stderr });
      });
    });

  for (const width of WIDTHS) {
    it(`simulate (Cloud, Data Center, a git story) at ${width}`, async () => {
      const found: string[] = [];
      for (const args of [
        [],
        ['--product', 'data-center'],
        ['--scenario', 'git-api-token-email'],
      ]) {
        const result = await simulate(args, width);
        expect(result.stdout).toContain('Ctrl-C stops the simulator');
        found.push(...problems(result, width, `simulate ${args.join(' ')}`));
      }
      expect(found).toEqual([]);
    });
  }
});

describe('the width has one source', () => {
  it('COLUMNS under 60 gives 60; above 100 gives 100; garbage gives 80', async () => {
    const [narrow, wide, junk] = await Promise.all([
      runCli(['checks'], { COLUMNS: '20' }),
      runCli(['checks'], { COLUMNS: '300' }),
      runCli(['checks'], { COLUMNS: 'wide' }),
    ]);
    const longest = (r: CliResult): number =>
      Math.max(...r.stdout.split('\n').map((l) => l.length));
    expect(longest(narrow)).toBeLessThanOrEqual(60);
    expect(longest(wide)).toBeLessThanOrEqual(100);
    expect(longest(wide)).toBeGreaterThan(80);
    expect(longest(junk)).toBeLessThanOrEqual(80);
    expect(longest(junk)).toBeGreaterThan(60);
  });
});
