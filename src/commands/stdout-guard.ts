/**
 * stdout that cannot fail the process: a reader that went away (`bb-doctor … | head -1`, EPIPE)
 * ends the run quietly with its verdict's exit code; a full disk (ENOSPC, stdout to /dev/full) or
 * any other write error is one line on stderr and exit 2 (contract.md). Imports nothing: bin.ts
 * installs it before `--version` is answered.
 */

export interface StdoutGuard {
  /** The code of stdout's first write error (EPIPE, ENOSPC…), or undefined while it works. */
  readonly failure: () => string | undefined;
  /** Resolves with that code when stdout fails (simulate stops then). */
  readonly failed: Promise<string>;
  /** The exit code of a run whose verdict is `code`: 2 when stdout could not be written. */
  readonly exitCode: (code: number) => number;
}

const REASONS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EFBIG: 'file too large',
};

/** A reader that went away is no error of the run. */
const isGone = (code: string): boolean => code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';

let installed: StdoutGuard | undefined;

/** Installs the guard on process.stdout once; later calls return the same guard. */
export const guardStdout = (
  stdout: NodeJS.WriteStream = process.stdout,
  stderr: { write(text: string): unknown } = process.stderr,
): StdoutGuard => {
  if (installed !== undefined && stdout === process.stdout) return installed;
  let failure: string | undefined;
  let settle: (code: string) => void = () => undefined;
  const failed = new Promise<string>((resolve) => (settle = resolve));
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (failure !== undefined) return;
    failure = error.code ?? 'EIO';
    if (!isGone(failure)) {
      stderr.write(
        `bb-doctor: cannot write to stdout: ${REASONS[failure] ?? error.message} (${failure}).\n`,
      );
      process.exitCode = 2;
    }
    settle(failure);
  });
  const guard: StdoutGuard = {
    failure: () => failure,
    failed,
    exitCode: (code) => (failure !== undefined && !isGone(failure) ? 2 : code),
  };
  if (stdout === process.stdout) installed = guard;
  return guard;
};

/** Waits for stdout to take what was written (or fail), so its error is known before the exit. */
export const drained = (stdout: NodeJS.WriteStream = process.stdout): Promise<void> =>
  new Promise((resolve) => {
    // Error events come on the next tick: one turn of the loop lets them arrive.
    const done = (): void => void setImmediate(resolve);
    if (stdout.destroyed || stdout.writableLength === 0) {
      done();
      return;
    }
    stdout.once('drain', done);
    stdout.once('error', done);
    stdout.once('close', done);
  });
