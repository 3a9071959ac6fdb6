// Bundles the CLI into one file so that `bb-doctor --version` starts about as fast as bare `node`:
// resolving and loading yargs+got+ora+boxen module by module costs several times node's own start-up.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: ['src/bin.ts'],
  outfile: 'dist/bb-doctor.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  splitting: false,
  minifyWhitespace: false,
  legalComments: 'none',
  sourcemap: false,
  define: { __BB_DOCTOR_VERSION__: JSON.stringify(pkg.version) },
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __bbCreateRequire } from 'node:module';\nconst require = __bbCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
