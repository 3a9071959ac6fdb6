import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The long options yargs lists in a `--help` (the option column: `  -w, --workspace  …`). */
const optionsOf = (help: string): string[] =>
  [...help.matchAll(/^\s{2,}(?:-[A-Za-z], )?--([a-z][a-z0-9-]*)/gmu)].map((m) => m[1]!);

/** Every `--name` of the README's usage block and of the first cell of its option tables. */
const readmeOptions = (): Set<string> => {
  const found = new Set<string>();
  const usage = /^## Usage\n+```text\n([\s\S]*?)```/mu.exec(readme)?.[1] ?? '';
  const cells = [...readme.matchAll(/^\| (`--[^|]*)\|/gmu)].map((m) => m[1]!);
  for (const text of [usage, ...cells])
    for (const m of text.matchAll(/(?:^|[\s`[|(])--([a-z][a-z0-9-]*)/gu)) found.add(m[1]!);
  return found;
};

describe('README and --help name the same options', () => {
  const commands = [[], ['explain'], ['demo'], ['simulate'], ['checks']];
  let helped: Map<string, string[]> | undefined;
  const help = async (): Promise<Map<string, string[]>> => {
    if (helped !== undefined) return helped;
    helped = new Map();
    for (const command of commands) {
      const r = await runCli([...command, '--help']);
      expect(r.code, r.stderr).toBe(0);
      helped.set(command.join(' ') || '(run)', optionsOf(r.stdout));
    }
    return helped;
  };

  it('every option of every --help is in the README', async () => {
    const all = await help();
    expect(all.get('(run)')).toContain('api-token');
    for (const [command, options] of all) {
      expect(options.length, command).toBeGreaterThan(3);
      for (const option of options)
        expect(readme, `--${option} (bb-doctor ${command} --help)`).toMatch(
          new RegExp(`--${option}(?![a-z0-9-])`, 'u'),
        );
    }
  });

  it('every option of the README usage block and option tables is in some --help', async () => {
    const known = new Set([...(await help()).values()].flat());
    const documented = readmeOptions();
    expect(documented.size).toBeGreaterThan(20);
    for (const option of documented) expect(known, `README's --${option}`).toContain(option);
  });
});
