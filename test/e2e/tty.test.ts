import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';

/**
 * On a terminal the spinner runs; on a pseudo-terminal that reports no size, ora would redraw
 * forever, so bb-doctor must not start it there. `script` (util-linux) gives the run a terminal.
 */
describe('on a terminal', () => {
  const run = (command: string) =>
    spawnSync('script', ['-qec', command, '/dev/null'], {
      encoding: 'utf8',
      timeout: 20_000,
      env: { PATH: process.env['PATH'] ?? '', TERM: 'xterm' },
    });

  it('a sized terminal gets the spinner and colour, and the run ends', () => {
    const result = run(`stty cols 100 rows 40; ${process.execPath} ${BIN} demo healthy`);
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Starting checks');
    expect(result.stdout).toContain('\u001B[36mSIMULATOR');
  });

  it('a terminal with no size gets no spinner and the run still ends', () => {
    const result = run(`stty cols 0 rows 0; ${process.execPath} ${BIN} demo healthy`);
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain('Starting checks');
    expect(result.stdout).toContain('Diagnosis: no problem found');
  });

  it('NO_COLOR turns colour off even on a terminal', () => {
    const result = run(`stty cols 100 rows 40; NO_COLOR=1 ${process.execPath} ${BIN} demo healthy`);
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain('\u001B[36mSIMULATOR');
  });
});
