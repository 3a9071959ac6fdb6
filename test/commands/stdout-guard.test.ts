import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { drained, guardStdout } from '../../src/commands/stdout-guard.js';

/** A stdout whose writes fail with `code`. */
const failing = (code: string): NodeJS.WriteStream =>
  new Writable({
    write: (_chunk, _enc, cb) => cb(Object.assign(new Error(`write ${code}`), { code })),
  }) as unknown as NodeJS.WriteStream;

afterEach(() => {
  process.exitCode = undefined;
});

describe('guardStdout', () => {
  it('EPIPE: quiet, the verdict exit code stands', async () => {
    let err = '';
    const stdout = failing('EPIPE');
    const guard = guardStdout(stdout, { write: (t: string) => (err += t) });
    stdout.write('report');
    expect(await guard.failed).toBe('EPIPE');
    await drained(stdout);
    expect(err).toBe('');
    expect(guard.exitCode(1)).toBe(1);
    expect(guard.exitCode(0)).toBe(0);
  });

  it('ENOSPC: one line on stderr, exit 2, whatever the verdict', async () => {
    let err = '';
    const stdout = failing('ENOSPC');
    const guard = guardStdout(stdout, { write: (t: string) => (err += t) });
    stdout.write('report');
    stdout.write('more');
    expect(await guard.failed).toBe('ENOSPC');
    expect(err).toBe('bb-doctor: cannot write to stdout: no space left on device (ENOSPC).\n');
    expect(guard.exitCode(0)).toBe(2);
    expect(guard.exitCode(1)).toBe(2);
  });

  it('a working stdout changes nothing', async () => {
    const stdout = new Writable({ write: (_c, _e, cb) => cb() }) as unknown as NodeJS.WriteStream;
    const guard = guardStdout(stdout, { write: () => undefined });
    stdout.write('report');
    await drained(stdout);
    expect(guard.failure()).toBeUndefined();
    expect(guard.exitCode(3)).toBe(3);
  });
});
