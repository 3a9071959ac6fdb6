import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { stripVTControlCharacters } from 'node:util';
import { isOneToken } from '../../src/report/layout.js';
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

  it("NO_COLOR turns off the spinner's colour too (it still spins)", () => {
    const result = run(`stty cols 100 rows 40; NO_COLOR=1 ${process.execPath} ${BIN} demo healthy`);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Starting checks');
    // No SGR sequence (ESC [ … m) at all: the spinner's cyan was one.
    const sgr = result.stdout
      .split('\u001B[')
      .slice(1)
      .filter((part) => /^[0-9;]*m/u.test(part));
    expect(sgr).toEqual([]);
  });

  it('a 60-column terminal gets a report that fits 60 columns', () => {
    const result = run(`stty cols 60 rows 40; ${process.execPath} ${BIN} demo`);
    expect(result.status).toBe(1);
    // What stays on the screen: each line after the spinner's last redraw (a carriage return or
    // a cursor to column 1), without escapes.
    const lines = result.stdout
      .split(/\r?\n/u)
      .map((line) =>
        stripVTControlCharacters(line.replaceAll('\u001B[1G', '\r').split('\r').pop() ?? ''),
      );
    expect(lines.join('\n')).toContain('Diagnosis: HEADER_SCHEME_CASE');
    expect(lines.filter((line) => line.length > 60 && !isOneToken(line))).toEqual([]);
    expect(lines.find((line) => line.startsWith('╭'))?.length).toBe(60);
  });
});
