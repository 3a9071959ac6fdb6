/**
 * Reading an input that may never end: a file named on the command line may be a regular file, `-`
 * (stdin), a named pipe or a shell's `<(curl -v …)` / `<(pass show …)`. A pipe with no writer
 * blocks open(2) itself, and a producer that hangs blocks every read, so:
 *
 * - a FIFO is opened with O_NONBLOCK (open returns at once) and read through a socket-like stream
 *   (libuv polls it; nothing waits in the thread pool);
 * - every read waits at most `timeoutMs` for its next chunk;
 * - at most `maxBytes` are taken.
 *
 * Either bound throws `BoundedReadError` with one line naming the input and the bound, never its
 * content (callers turn it into their own usage error, exit 2).
 */
import { Buffer } from 'node:buffer';
import { constants, createReadStream, open } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Socket } from 'node:net';
import type { Readable } from 'node:stream';

/** An input that stayed silent too long or was too large (one line, no content). */
export class BoundedReadError extends Error {
  override readonly name = 'BoundedReadError';
}

export interface BoundOptions {
  /** How the input is named in messages (`stdin`, the path). */
  readonly name: string;
  /** The longest wait for the next chunk, in ms. */
  readonly timeoutMs: number;
  /** At most this many bytes; undefined: no limit here (the caller counts). */
  readonly maxBytes?: number | undefined;
}

/** `1 MB`, `64 KB`, `20 MB`: the limits are round numbers of binary units. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(1))} s`;

const openNonBlocking = (file: string): Promise<number> =>
  new Promise((resolve, reject) => {
    open(file, constants.O_RDONLY | constants.O_NONBLOCK, (error, fd) => {
      if (error) reject(error);
      else resolve(fd);
    });
  });

/**
 * Opens `file` for reading without ever blocking in open(2): a FIFO (named pipe, `/dev/fd/N` of a
 * process substitution) with O_NONBLOCK, read as a pipe; anything else as a file stream. Throws the
 * fs error (ENOENT, EACCES, EISDIR…) as is.
 */
export async function openForReading(
  file: string,
  highWaterMark: number = 64 * 1024,
): Promise<Readable> {
  const info = await stat(file);
  if (info.isFIFO()) {
    const fd = await openNonBlocking(file);
    const socket = new Socket({ fd, readable: true, writable: false });
    return socket;
  }
  return createReadStream(file, { highWaterMark });
}

function destroy(stream: NodeJS.ReadableStream): void {
  const destroyable = stream as { destroy?: () => void };
  if (typeof destroyable.destroy === 'function') destroyable.destroy();
}

/**
 * The chunks of `stream`, each awaited at most `timeoutMs`, at most `maxBytes` in all. The stream
 * is destroyed when the iteration ends, for whatever reason.
 */
export async function* boundedChunks(
  stream: NodeJS.ReadableStream,
  options: BoundOptions,
): AsyncGenerator<Buffer, void, undefined> {
  const chunks = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  let received = 0;
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const silent = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          reject(
            new BoundedReadError(
              received === 0
                ? `${options.name}: nothing to read after ${seconds(options.timeoutMs)} (a pipe with no writer?)`
                : `${options.name}: nothing more to read after ${seconds(options.timeoutMs)} (the program writing it seems stuck)`,
            ),
          );
        }, options.timeoutMs);
      });
      let step: IteratorResult<Buffer | string>;
      try {
        step = await Promise.race([chunks.next(), silent]);
      } finally {
        clearTimeout(timer);
      }
      if (step.done === true) return;
      const chunk = typeof step.value === 'string' ? Buffer.from(step.value, 'utf8') : step.value;
      received += chunk.length;
      if (options.maxBytes !== undefined && received > options.maxBytes) {
        throw new BoundedReadError(
          `${options.name} is larger than ${formatBytes(options.maxBytes)}`,
        );
      }
      yield chunk;
    }
  } finally {
    // Not chunks.return(): with a read still pending it may wait for the stream that never ends.
    destroy(stream);
  }
}

/**
 * Reads all of `file` (`-`: `stdin`) within the bounds. fs errors (ENOENT, EACCES…) are thrown as
 * they are; the bounds throw `BoundedReadError`.
 */
export async function readBounded(
  file: string,
  options: Omit<BoundOptions, 'name'> & { name?: string },
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<Buffer> {
  const name = options.name ?? (file === '-' ? 'stdin' : file);
  const stream = file === '-' ? stdin : await openForReading(file);
  const parts: Buffer[] = [];
  for await (const chunk of boundedChunks(stream, { ...options, name })) parts.push(chunk);
  return Buffer.concat(parts);
}
