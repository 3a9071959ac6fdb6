import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/**
 * explain's deadline bounds reading its input too (contract: --timeout ends the run whatever it is
 * doing): a FIFO nobody writes to ends with one line and exit 2 at --timeout, not a hang, and a bad
 * --timeout is refused before anything is read.
 */
describe('explain: the deadline bounds reading the capture', { timeout: 30_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'bb-explain-deadline-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a FIFO with no writer ends at --timeout with exit 2 and one line', async () => {
    const fifo = join(dir, 'capture.fifo');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    const result = await runCli(['explain', fifo, '--timeout', '2']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/nothing to read after 2 s/u);
    // Loose for a loaded CI machine: the point is that it ends, near its deadline.
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a --timeout that is not a number is refused before the file is read', async () => {
    const result = await runCli(['explain', join(dir, 'missing.txt'), '--timeout', 'abc']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--timeout expects a number of seconds/u);
  });
});
