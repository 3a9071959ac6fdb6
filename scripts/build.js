// Bundles the CLI with esbuild so that `bb-doctor --version` starts about as fast as bare `node`.
// dist/bb-doctor.js (what `bin` points to) is a small entry; the CLI proper (yargs, got, boxen,
// the checks), ora and the simulator are chunks it imports only when a command needs them.
// Measured on this machine (npm run bench): one 800 KB file costs ~1.7× node's start-up just to
// parse; the split entry answers --version in ~1.2×.
// The runtime packages are devDependencies: the bundle holds them, so the published package has no
// dependencies and no install scripts.
import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const outdir = new URL('../dist/', import.meta.url).pathname;

const entry = join(outdir, 'bb-doctor.js');

// `prepare` runs this on `npm install` from a folder: without the dev dependencies (esbuild) a
// dist/ that is already there is kept as it is, instead of failing the install.
const esbuild = await import('esbuild').catch(() => undefined);
if (esbuild === undefined) {
  if (existsSync(entry)) {
    console.error('bb-doctor build: esbuild is not installed; keeping the dist/ already built.');
    process.exit(0);
  }
  console.error('bb-doctor build: esbuild is not installed: run npm install first.');
  process.exit(1);
}

rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
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
// The bin must be executable: `npm link` points at this file, and a rebuild replaces it.
chmodSync(entry, 0o755);
