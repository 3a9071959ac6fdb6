// Bundles the CLI with esbuild so that `bb-doctor --version` starts about as fast as bare `node`.
// dist/bb-doctor.js (what `bin` points to) is a small entry; the CLI proper (yargs, got, boxen,
// the checks), ora and the simulator are chunks it imports only when a command needs them.
// Measured on this machine (npm run bench): one 800 KB file costs ~1.7× node's start-up just to
// parse; the split entry answers --version in ~1.2×.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const outdir = new URL('../dist/', import.meta.url).pathname;

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { 'bb-doctor': 'src/bin.ts' },
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  sourcemap: false,
  define: { __BB_DOCTOR_VERSION__: JSON.stringify(pkg.version) },
  // Some CommonJS dependencies call require(); give the ESM chunks one.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __bbCreateRequire } from 'node:module';\nconst require = __bbCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
