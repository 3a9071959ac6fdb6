import type { Redactor } from '../report/redactor.js';
import { guardStdout } from './stdout-guard.js';

/** Where the CLI writes; injectable so tests run `main` in-process. */
export interface IO {
  readonly stdout: {
    write(text: string): unknown;
    readonly isTTY?: boolean;
    readonly columns?: number;
  };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin?: NodeJS.ReadableStream;
  /** Resolves when stdout can no longer be written (EPIPE, ENOSPC): a long command stops then. */
  readonly stdoutFailed?: Promise<string>;
}

/** The process's own terminal and environment. */
export const defaultIO = (): IO => ({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  stdin: process.stdin,
  stdoutFailed: guardStdout().failed,
});

/** Writes text through the redactor: every byte of output passes it. */
export const writer = (
  io: IO,
  redactor: Redactor,
): {
  out: (text: string) => void;
  err: (text: string) => void;
  /** The simulator's public test values, printed to be pasted: only the user's secrets go. */
  outPublic: (text: string) => void;
} => ({
  out: (text: string): void => {
    io.stdout.write(redactor.redact(text));
  },
  outPublic: (text: string): void => {
    io.stdout.write(redactor.registered(text));
  },
  err: (text: string): void => {
    io.stderr.write(redactor.redact(text));
  },
});

/** Colour only on a terminal, never with NO_COLOR or TERM=dumb. */
export const useColor = (io: IO): boolean =>
  io.stdout.isTTY === true &&
  (io.env['NO_COLOR'] === undefined || io.env['NO_COLOR'] === '') &&
  io.env['TERM'] !== 'dumb';

/** The narrowest width the text output is laid out for, and the widest (prose past 100 tires). */
export const MIN_WIDTH = 60;
export const MAX_WIDTH = 100;

/**
 * The one width every text output is laid out for: `COLUMNS` when set (the shell's, or the user's
 * own override), else the terminal's on a TTY, else 80; clamped to MIN_WIDTH..MAX_WIDTH.
 */
export const terminalWidth = (io: Pick<IO, 'stdout' | 'env'>): number => {
  const fromEnv = Number.parseInt(io.env['COLUMNS'] ?? '', 10);
  const columns =
    Number.isFinite(fromEnv) && fromEnv > 0
      ? fromEnv
      : io.stdout.isTTY === true && (io.stdout.columns ?? 0) > 0
        ? (io.stdout.columns ?? 80)
        : 80;
  return Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, columns));
};

/** The spinner's colour follows the same rule, on the stream it draws on (stderr). */
export const useSpinnerColor = (io: IO): boolean =>
  io.stderr.isTTY === true &&
  (io.env['NO_COLOR'] === undefined || io.env['NO_COLOR'] === '') &&
  io.env['TERM'] !== 'dumb';
