import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  scripts: Record<string, string>;
};

/**
 * What `npm pack` (and so `npm install -g`, `npx bb-doctor`) ships: every built file. The entry
 * imports dist/chunks/*, so a package with the entry alone fails with ERR_MODULE_NOT_FOUND.
 * Scripts are ignored: `prepare` would rebuild dist/ under the other tests' feet.
 */
describe('the npm package', () => {
  it('contains every file of dist/ (the entry and its chunks)', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: root,
      encoding: 'utf8',
    });
    const packed = new Set(
      (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path),
    );
    const built = readdirSync(new URL('../dist/', import.meta.url), {
      recursive: true,
      withFileTypes: true,
    })
      .filter((f) => f.isFile())
      .map((f) => relative(root, join(f.parentPath, f.name)));
    expect(built.length).toBeGreaterThan(1);
    for (const file of built) expect(packed, file).toContain(file);
  });

  it('has no runtime dependencies and no install scripts (the bundle holds them)', () => {
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.optionalDependencies ?? {}).toEqual({});
    expect(pkg.peerDependencies ?? {}).toEqual({});
    for (const script of ['preinstall', 'install', 'postinstall'])
      expect(pkg.scripts, script).not.toHaveProperty(script);
  });

  it('builds the bin with the execute bit (npm link survives a rebuild)', () => {
    const bin = join(root, pkg.bin['bb-doctor']!);
    expect(statSync(bin).mode & 0o111).toBe(0o111);
  });
});

/** Runs a command, resolving with its exit code and output (a non-zero exit is not an error). */
const run = (
  file: string,
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(
      file,
      [...args],
      {
        cwd,
        // No NODE_PATH, no node_modules above the prefix: only what the tarball brought.
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: cwd,
          NO_COLOR: '1',
          npm_config_cache: join(cwd, '.npm-cache'),
        },
        timeout: 30_000,
        maxBuffer: 20 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 99;
        resolve({ code, stdout, stderr });
      },
    );
  });

/**
 * The tarball as a user installs it: packed, installed globally into an empty prefix with no
 * install scripts and no network, then its `bb-doctor` command run from a directory with no
 * node_modules anywhere above it.
 */
describe('the packed tarball, installed into an empty prefix', () => {
  let dir = '';
  let bin = '';
  let installed = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bb-doctor-pack-'));
    const packed = await run(
      'npm',
      ['pack', '--ignore-scripts', '--json', '--pack-destination', dir, root],
      dir,
    );
    expect(packed.code, packed.stderr).toBe(0);
    const tarball = join(dir, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename);
    const install = await run(
      'npm',
      [
        'install',
        '-g',
        '--prefix',
        join(dir, 'prefix'),
        '--ignore-scripts',
        '--offline',
        '--no-audit',
        '--no-fund',
        tarball,
      ],
      dir,
    );
    installed = install.stdout;
    expect(install.code, install.stderr).toBe(0);
    bin = join(dir, 'prefix', 'bin', 'bb-doctor');
  }, 60_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('installs one package and a bb-doctor command', () => {
    expect(installed).toMatch(/added 1 package\b/u);
    expect(existsSync(bin)).toBe(true);
    expect(readdirSync(join(dir, 'prefix', 'lib', 'node_modules'))).toEqual(['bb-doctor']);
    expect(
      existsSync(join(dir, 'prefix', 'lib', 'node_modules', 'bb-doctor', 'node_modules')),
    ).toBe(false);
  });

  it('answers --version', async () => {
    const r = await run(bin, ['--version'], dir);
    expect(r).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('runs the demo (exit 1: it finds the problem)', async () => {
    const r = await run(bin, ['demo'], dir);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Diagnosis: HEADER_SCHEME_CASE');
    expect(r.code).toBe(1);
  });

  it('explains a saved curl -v', async () => {
    const capture = join(root, 'fixtures', 'explain', 'seed-bearer-lowercase.curl-v.txt');
    const r = await run(bin, ['explain', capture], dir);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('HEADER_SCHEME_CASE');
    expect(r.code).toBe(1);
  });

  it('loads every chunk of the installed bundle (the ones loaded only on demand too: ora, the simulator)', async () => {
    const chunks = join(dir, 'prefix', 'lib', 'node_modules', 'bb-doctor', 'dist', 'chunks');
    const files = readdirSync(chunks).map((f) => join(chunks, f));
    expect(files.some((f) => /\/ora-[^/]+\.js$/u.test(f))).toBe(true);
    const probe = `for (const f of ${JSON.stringify(files)}) await import(f); console.log('loaded');`;
    const r = await run(process.execPath, ['--input-type=module', '-e', probe], dir);
    expect(r.stderr).toBe('');
    expect(r).toMatchObject({ code: 0, stdout: 'loaded\n' });
  });

  it('lists the checks', async () => {
    const r = await run(bin, ['checks'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('connectivity');
    expect(r.stderr).toBe('');
  });
});
