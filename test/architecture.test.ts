import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The design's "nevers" are ESLint rules per folder (eslint.config.js). Each is proven here on a
 * tiny source text linted as if it were a file of that folder, so that none can silently be
 * dropped or shadowed by another config of the same rule.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RULES = new Set(['no-restricted-imports', 'no-restricted-syntax', 'no-restricted-globals']);

const TERMINAL = /Only src\/commands\/, src\/cli\.ts and src\/bin\.ts write to the terminal/u;
const NO_IO = /src\/report\/ does no I\/O/u;
const SIMULATOR = /The simulator imports nothing from the doctor/u;
const KNOWLEDGE = /src\/knowledge\/ is data and imports nothing/u;
const CHECKS = /Checks never import each other/u;
const CONTEXT = /Use the CheckContext/u;

let eslint: ESLint;
beforeAll(() => {
  // The project's config, without type information: these rules need none, and a fixture text
  // is no file of the TypeScript project.
  eslint = new ESLint({ cwd: ROOT, overrideConfig: [tseslint.configs.disableTypeChecked] });
});

/** The messages of the architecture rules for `code` linted as the file `path`. */
const lint = async (path: string, code: string): Promise<string[]> => {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${path}` });
  const fatal = result?.messages.find((m) => m.fatal === true);
  if (fatal !== undefined) throw new Error(`${path}: ${fatal.message}`);
  return (result?.messages ?? []).filter((m) => RULES.has(m.ruleId ?? '')).map((m) => m.message);
};

const cases: [folder: string, path: string, code: string, message: RegExp][] = [
  // Only the command layer writes to the terminal.
  ['src/', 'src/facts/x.ts', "console.log('x');", TERMINAL],
  ['src/', 'src/facts/x.ts', "process.stdout.write('x');", TERMINAL],
  ['src/', 'src/intake/x.ts', "process.stderr.write('x');", TERMINAL],
  ['src/', 'src/http/x.ts', 'const { stdout } = process;\nexport { stdout };', TERMINAL],
  [
    'src/',
    'src/doctor-x.ts',
    "import { stderr } from 'node:process';\nexport { stderr };",
    TERMINAL,
  ],
  // src/report/ does no I/O.
  ['src/report/', 'src/report/x.ts', "import { writeFile } from 'node:fs/promises';", NO_IO],
  ['src/report/', 'src/report/x.ts', "import { readFileSync } from 'fs';", NO_IO],
  ['src/report/', 'src/report/x.ts', "import { connect } from 'node:net';", NO_IO],
  ['src/report/', 'src/report/x.ts', "import { spawn } from 'node:child_process';", NO_IO],
  ['src/report/', 'src/report/x.ts', "import got from 'got';", NO_IO],
  ['src/report/', 'src/report/x.ts', "export const f = () => import('node:fs');", NO_IO],
  ['src/report/', 'src/report/x.ts', "process.stdout.write('x');", TERMINAL],
  // The simulator imports nothing from the doctor.
  ['src/simulator/', 'src/simulator/x.ts', "import '../report/model.js';", SIMULATOR],
  [
    'src/simulator/',
    'src/simulator/x.ts',
    "import type { Exchange } from '../types.js';",
    SIMULATOR,
  ],
  [
    'src/simulator/',
    'src/simulator/x.ts',
    "import { CHECKS } from '../../checks/identity.js';",
    SIMULATOR,
  ],
  [
    'src/simulator/',
    'src/simulator/x.ts',
    "export const k = () => import('../knowledge/index.js');",
    SIMULATOR,
  ],
  ['src/simulator/', 'src/simulator/x.ts', "console.log('x');", TERMINAL],
  // src/knowledge/ imports nothing but knowledge, and the shared types as types.
  ['src/knowledge/', 'src/knowledge/x.ts', "import { CHECKS } from '../registry.js';", KNOWLEDGE],
  [
    'src/knowledge/',
    'src/knowledge/x.ts',
    "import { FINDING_CODES } from '../types.js';",
    KNOWLEDGE,
  ],
  ['src/knowledge/', 'src/knowledge/x.ts', "import { readFileSync } from 'node:fs';", KNOWLEDGE],
  ['src/knowledge/', 'src/knowledge/x.ts', "import yargs from 'yargs';", KNOWLEDGE],
  [
    'src/knowledge/',
    'src/knowledge/x.ts',
    "export const r = () => import('../registry.js');",
    KNOWLEDGE,
  ],
  // Checks never print and never import each other.
  ['checks/', 'checks/x.ts', "import { identity } from './identity.js';", CHECKS],
  ['checks/', 'checks/x.ts', "export const i = () => import('./identity.js');", CHECKS],
  ['checks/', 'checks/x.ts', "console.log('x');", TERMINAL],
  ['checks/', 'checks/x.ts', "process.stdout.write('x');", CONTEXT],
  ['checks/', 'checks/x.ts', "import { readFile } from 'node:fs/promises';", CONTEXT],
];

describe('architecture: every "never" of the design is a lint rule that fires', () => {
  for (const [folder, path, code, message] of cases) {
    it(`${folder}: ${code.split('\n')[0]!}`, async () => {
      expect(await lint(path, code)).toContainEqual(expect.stringMatching(message));
    });
  }
});

describe('architecture: what each folder may do stays allowed', () => {
  const allowed: [path: string, code: string][] = [
    ['src/commands/x.ts', "process.stdout.write('x');\nconsole.log('x');"],
    ['src/cli.ts', "process.stderr.write('x');"],
    ['src/bin.ts', "process.stdout.write('x');"],
    ['src/facts/x.ts', "import { createHash } from 'node:crypto';\nexport { createHash };"],
    [
      'src/report/x.ts',
      "import { createHash } from 'node:crypto';\nimport type { Report } from './model.js';\nexport type { Report };\nexport { createHash };",
    ],
    [
      'src/simulator/x.ts',
      "import { createServer } from 'node:http';\nimport { scenarios } from './scenarios.js';\nexport { createServer, scenarios };",
    ],
    [
      'src/knowledge/x.ts',
      "import type { FindingCode } from '../types.js';\nimport { DOCS } from './docs.js';\nexport type { FindingCode };\nexport { DOCS };",
    ],
    [
      'checks/x.ts',
      "import { defineCheck } from '../src/types.js';\nimport type { Got } from 'got';\nexport type { Got };\nexport { defineCheck };",
    ],
  ];
  for (const [path, code] of allowed) {
    it(path, async () => {
      expect(await lint(path, code)).toEqual([]);
    });
  }
});
