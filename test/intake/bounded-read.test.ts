import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../src/explain/parse.js';
import { BoundedReadError, formatBytes, readBounded } from '../../src/intake/bounded-read.js';
import { readNetrc } from '../../src/intake/netrc.js';

const posix = process.platform !== 'win32';
const dir = mkdtempSync(join(tmpdir(), 'bbd-bounded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fifos = 0;
/** A named pipe nobody writes to (yet). */
const fifo = (): string => {
  fifos += 1;
  const path = join(dir, `pipe-${String(fifos)}`);
  execFileSync('mkfifo', [path]);
  return path;
};

/** Writes `text` into the pipe from another process after `delayMs`. */
const writeLater = (path: string, text: string, delayMs = 100): void => {
  spawn(
    'sh',
    ['-c', `sleep ${String(delayMs / 1000)}; printf '%s' "$1" > "$2"`, 'sh', text, path],
    {
      stdio: 'ignore',
    },
  );
};

const elapsed = async (run: () => Promise<unknown>): Promise<[unknown, number]> => {
  const start = Date.now();
  try {
    await run();
    return [undefined, Date.now() - start];
  } catch (error) {
    return [error, Date.now() - start];
  }
};

describe.skipIf(!posix)('readBounded', () => {
  it('a FIFO with no writer: a one-line error after the time limit, not a hang in open(2)', async () => {
    const [error, ms] = await elapsed(() => readBounded(fifo(), { timeoutMs: 300 }));
    expect(error).toBeInstanceOf(BoundedReadError);
    expect((error as Error).message).toMatch(
      /pipe-\d+: nothing to read after 0\.3 s \(a pipe with no writer\?\)$/u,
    );
    expect(ms).toBeLessThan(5000);
  });

  it('a FIFO with a writer is read to its end', async () => {
    const path = fifo();
    writeLater(path, 'machine api.bitbucket.org login a password b');
    const bytes = await readBounded(path, { timeoutMs: 5000 });
    expect(bytes.toString()).toBe('machine api.bitbucket.org login a password b');
  });

  it('stdin from a producer that hangs after some output: bounded too', async () => {
    const stdin = new PassThrough();
    stdin.write('machine ');
    const [error] = await elapsed(() => readBounded('-', { timeoutMs: 200 }, stdin));
    expect((error as Error).message).toBe(
      'stdin: nothing more to read after 0.2 s (the program writing it seems stuck)',
    );
    expect(stdin.destroyed).toBe(true);
  });

  it('beyond maxBytes: refused with the limit, /dev/zero included', async () => {
    const [error] = await elapsed(() =>
      readBounded('/dev/zero', { timeoutMs: 5000, maxBytes: 1024 * 1024 }),
    );
    expect((error as Error).message).toBe('/dev/zero is larger than 1 MB');
    expect(formatBytes(64 * 1024)).toBe('64 KB');
  });
});

describe.skipIf(!posix)('readNetrc within bounds', () => {
  it('a 2 MB .netrc is refused as larger than 1 MB (NetrcError, no content)', async () => {
    const big = join(dir, 'big.netrc');
    writeFileSync(
      big,
      `machine api.bitbucket.org login a password ${'s'.repeat(2 * 1024 * 1024)}\n`,
    );
    await expect(readNetrc(big)).rejects.toThrow(/^.*big\.netrc is larger than 1 MB$/u);
    await expect(readNetrc(big)).rejects.toMatchObject({ name: 'NetrcError' });
  });

  it('a FIFO with no writer ends after the timeout; one with a writer is read', async () => {
    await expect(readNetrc(fifo(), {}, undefined, undefined, { timeoutMs: 300 })).rejects.toThrow(
      /nothing to read after 0\.3 s/u,
    );
    const path = fifo();
    writeLater(path, 'machine api.bitbucket.org login alice password s3cret');
    const result = await readNetrc(path, {});
    expect(result.entry).toMatchObject({ login: 'alice', password: 's3cret' });
  });

  it('`-` reads stdin', async () => {
    const stdin = new PassThrough();
    stdin.end('machine api.bitbucket.org login bob password pw');
    const result = await readNetrc('-', {}, undefined, undefined, { stdin });
    expect(result).toMatchObject({ file: 'stdin', exists: true, entry: { login: 'bob' } });
  });
});

describe.skipIf(!posix)('readCapture within the time bound', () => {
  it('a FIFO with no writer: CaptureError after the timeout', async () => {
    const [error, ms] = await elapsed(() => readCapture(fifo(), undefined, { timeoutMs: 300 }));
    expect(error).toMatchObject({ name: 'CaptureError' });
    expect((error as Error).message).toMatch(
      /nothing to read after 0\.3 s \(a pipe with no writer\?\)/u,
    );
    expect(ms).toBeLessThan(5000);
  });

  it('stdin that never ends: CaptureError after the timeout', async () => {
    const stdin = new PassThrough();
    await expect(readCapture('-', stdin, { timeoutMs: 200 })).rejects.toThrow(
      'stdin: nothing to read after 0.2 s (a pipe with no writer?)',
    );
  });

  it('a FIFO with a writer is read as a capture', async () => {
    const path = fifo();
    writeLater(path, 'HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\n\r\nno\r\n');
    const { text } = await readCapture(path, undefined, { timeoutMs: 5000 });
    expect(Buffer.isBuffer(text) ? text.toString() : text).toMatch(/^HTTP\/1\.1 401/u);
  });
});
