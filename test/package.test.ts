import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * What `npm pack` (and so `npm install -g`, `npx bb-doctor`) ships: every built file. The entry
 * imports dist/chunks/*, so a package with the entry alone fails with ERR_MODULE_NOT_FOUND.
 * Scripts are ignored: `prepare` would rebuild dist/ under the other tests' feet.
 */
describe('the npm package', () => {
  it('contains every file of dist/ (the entry and its chunks)', () => {
    const root = new URL('../', import.meta.url).pathname;
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
});
