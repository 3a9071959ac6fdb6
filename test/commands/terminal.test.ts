import { describe, expect, it } from 'vitest';
import { terminalWidth, useColor, useSpinnerColor, type IO } from '../../src/commands/io.js';

const io = (
  env: Record<string, string>,
  stdout: { isTTY?: boolean; columns?: number } = {},
  stderrTTY = false,
): IO => ({
  stdout: { write: () => true, ...stdout },
  stderr: { write: () => true, isTTY: stderrTTY },
  env,
});

describe('the terminal: one width, one colour rule', () => {
  it('COLUMNS first, then the TTY, else 80; clamped to 60..100', () => {
    expect(terminalWidth(io({}))).toBe(80);
    expect(terminalWidth(io({}, { isTTY: true, columns: 72 }))).toBe(72);
    // A pipe's columns (none, or stale) are not a terminal's.
    expect(terminalWidth(io({}, { isTTY: false, columns: 72 }))).toBe(80);
    expect(terminalWidth(io({ COLUMNS: '66' }, { isTTY: true, columns: 120 }))).toBe(66);
    expect(terminalWidth(io({ COLUMNS: '40' }))).toBe(60);
    expect(terminalWidth(io({ COLUMNS: '250' }))).toBe(100);
    expect(terminalWidth(io({ COLUMNS: 'wide' }))).toBe(80);
    expect(terminalWidth(io({}, { isTTY: true, columns: 0 }))).toBe(80);
  });

  it("NO_COLOR and a non-TTY turn off every colour, the spinner's (on stderr) included", () => {
    expect(useSpinnerColor(io({}, {}, true))).toBe(true);
    expect(useSpinnerColor(io({ NO_COLOR: '1' }, {}, true))).toBe(false);
    expect(useSpinnerColor(io({ TERM: 'dumb' }, {}, true))).toBe(false);
    expect(useSpinnerColor(io({}, {}, false))).toBe(false);
    expect(useColor(io({ NO_COLOR: '1' }, { isTTY: true }))).toBe(false);
    expect(useColor(io({}, { isTTY: true }))).toBe(true);
  });
});
