import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The bundled CLI that `bin` points to (built by `npm run build`, which `npm test` runs first). */
export const BIN = fileURLToPath(new URL('../../dist/bb-doctor.js', import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI as a subprocess with a clean environment (no real Bitbucket secrets). */
export const runCli = (
  args: readonly string[],
  env: Record<string, string> = {},
  options: { timeoutMs?: number; input?: string; cwd?: string } = {},
): Promise<CliResult> => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build`);
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: process.env['HOME'] ?? '/tmp',
          NO_COLOR: '1',
          ...env,
        },
        timeout: options.timeoutMs ?? 30_000,
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        maxBuffer: 20 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 99;
        resolve({ code, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
};
