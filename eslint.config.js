import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

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
  {
    // Only cli.ts (and the simulator's own foreground command) may write to the terminal.
    files: ['src/**/*.ts', 'checks/**/*.ts'],
    ignores: ['src/cli.ts', 'src/bin.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // Checks see the world only through the CheckContext, so tests can fake it.
    files: ['checks/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'Use the CheckContext (input, env, http).' },
      ],
      'no-restricted-imports': [
        'error',
        {
          // Checks never import each other: shared reasoning lives in src/facts/.
          patterns: [
            {
              group: ['./*'],
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
