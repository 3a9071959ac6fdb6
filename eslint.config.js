import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const TERMINAL =
  'Only src/commands/, src/cli.ts and src/bin.ts write to the terminal (design.md): return data, and let the command print it through the redactor.';
const TERMINAL_GLOBALS = [{ name: 'console', message: TERMINAL }];
const TERMINAL_SYNTAX = [
  {
    selector: "MemberExpression[object.name='process'][property.name=/^(stdout|stderr)$/]",
    message: TERMINAL,
  },
  {
    selector:
      "VariableDeclarator[init.name='process'] > ObjectPattern > Property[key.name=/^(stdout|stderr)$/]",
    message: TERMINAL,
  },
];
const TERMINAL_IMPORTS = ['node:process', 'process'].map((name) => ({
  name,
  importNames: ['stdout', 'stderr'],
  message: TERMINAL,
}));

const IO_MODULE = '^(?:node:)?(?:fs|fs/promises|net|tls|dns|http|https|http2|child_process)$|^got$';
const NO_IO =
  'src/report/ does no I/O: it turns a Report into text; the command layer reads and writes files and the network.';
const OUTSIDE_SIMULATOR = '^\\.\\./(?!simulator/)';
const SIMULATOR_ALONE =
  'The simulator imports nothing from the doctor (design.md, The simulator): it writes Bitbucket down on its own, so that one wrong fact cannot be wrong on both sides.';
const KNOWLEDGE_ALONE =
  'src/knowledge/ is data and imports nothing: only other knowledge files, and src/types.ts as types (design.md, Knowledge in one place).';
const SIBLING_CHECK = '^\\./|^\\.\\./checks/';
const CHECKS_ALONE = 'Checks never import each other; put shared code in src/facts/.';

/**
 * The same restriction for `import('…')` expressions, which no-restricted-imports does not see
 * (a selector's regex ends at the first slash, so slashes are written \x2F).
 */
const dynamicImports = (regex, message) => [
  { selector: `ImportExpression[source.value=/${regex.replaceAll('/', '\\x2F')}/]`, message },
];

export default defineConfig(
  { ignores: ['dist/', 'fixtures/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // Checks declare needs (a consumer, a target URL...) that the runner guarantees before run();
      // a `!` there states that guarantee instead of a dead branch.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Dropping fields with a rest pattern (`const { secret: _s, ...safe } = x`) is intended.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { ignoreRestSiblings: true, varsIgnorePattern: '^_' },
      ],
    },
  },
  // The design's "nevers" (design.md: Layout, The simulator, The shape we are moving to), one
  // rule set per folder. ESLint applies the last matching config of a rule, so each folder's set
  // repeats the terminal restriction it inherits; test/architecture.test.ts proves every rule fires.
  {
    files: ['src/**/*.ts', 'checks/**/*.ts'],
    ignores: ['src/commands/**', 'src/cli.ts', 'src/bin.ts'],
    rules: {
      'no-restricted-globals': ['error', ...TERMINAL_GLOBALS],
      'no-restricted-syntax': ['error', ...TERMINAL_SYNTAX],
      'no-restricted-imports': ['error', { paths: TERMINAL_IMPORTS }],
    },
  },
  {
    files: ['src/report/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', ...TERMINAL_SYNTAX, ...dynamicImports(IO_MODULE, NO_IO)],
      'no-restricted-imports': [
        'error',
        {
          paths: TERMINAL_IMPORTS,
          patterns: [{ regex: IO_MODULE, message: NO_IO }],
        },
      ],
    },
  },
  {
    files: ['src/simulator/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...TERMINAL_SYNTAX,
        ...dynamicImports(OUTSIDE_SIMULATOR, SIMULATOR_ALONE),
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: TERMINAL_IMPORTS,
          patterns: [{ regex: OUTSIDE_SIMULATOR, message: SIMULATOR_ALONE }],
        },
      ],
    },
  },
  {
    files: ['src/knowledge/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...TERMINAL_SYNTAX,
        ...dynamicImports('^(?!\\./)', KNOWLEDGE_ALONE),
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: TERMINAL_IMPORTS,
          patterns: [
            // Other knowledge files only: no package, no built-in module...
            { regex: '^[^.]', message: KNOWLEDGE_ALONE },
            // ...nothing else of the doctor...
            { regex: '^\\.\\./(?!types\\.js$)', message: KNOWLEDGE_ALONE },
            // ...but the shared types, as types.
            { regex: '^\\.\\./types\\.js$', allowTypeImports: true, message: KNOWLEDGE_ALONE },
          ],
        },
      ],
    },
  },
  {
    // Checks see the world only through the CheckContext, so tests can fake it, and never print.
    files: ['checks/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...TERMINAL_GLOBALS,
        { name: 'process', message: 'Use the CheckContext (input, env, http).' },
      ],
      'no-restricted-syntax': [
        'error',
        ...TERMINAL_SYNTAX,
        ...dynamicImports(SIBLING_CHECK, CHECKS_ALONE),
      ],
      'no-restricted-imports': [
        'error',
        {
          // Checks never import each other: shared reasoning lives in src/facts/.
          patterns: [{ regex: SIBLING_CHECK, message: CHECKS_ALONE }],
          paths: [
            ...['node:fs', 'node:fs/promises', 'node:child_process', 'node:process', 'got'].map(
              (name) => ({
                name,
                message: 'Use the CheckContext (http, input) so tests can fake it.',
                ...(name === 'got' ? { allowTypeImports: true, importNames: ['default'] } : {}),
              }),
            ),
            { name: 'process', message: 'Use the CheckContext (input, env, http).' },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-floating-promises': 'off',
    },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
  },
  {
    // A check that is a folder (checks/<id>/): its files import each other, never another check.
    files: ['checks/*/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!\\.\\./src/)',
              message: 'Checks never import each other; put shared code in src/facts/.',
            },
          ],
          paths: ['node:fs', 'node:fs/promises', 'node:child_process', 'node:process', 'got'].map(
            (name) => ({
              name,
              message: 'Use the CheckContext (http, input) so tests can fake it.',
              ...(name === 'got' ? { allowTypeImports: true, importNames: ['default'] } : {}),
            }),
          ),
        },
      ],
    },
  },
);
