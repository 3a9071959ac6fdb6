import type { IO } from '../../src/commands/io.js';

/** An in-process terminal for `main()`: what it wrote to stdout and stderr, not a TTY. */
export const fakeIO = (env: Record<string, string> = {}) => {
  let stdout = '';
  let stderr = '';
  const sink: IO = {
    stdout: { write: (t: string) => (stdout += t), isTTY: false },
    stderr: { write: (t: string) => (stderr += t), isTTY: false },
    env,
  };
  return { sink, out: () => stdout, err: () => stderr, all: () => stdout + stderr };
};
