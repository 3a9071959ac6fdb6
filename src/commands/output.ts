import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { access, chmod, lstat, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../intake/input.js';
import type { Format } from '../report/render.js';

/** What a file of `--output` holds: a report format, or the run's exchanges as HAR 1.2. */
export type FileFormat = Format | 'har';

/** The formats of contract.md's `--output`, by extension; any other extension is refused. */
const EXTENSIONS: Readonly<Record<string, FileFormat>> = {
  '.md': 'markdown',
  '.json': 'json',
  '.txt': 'text',
  '.har': 'har',
};

/** A checked `--output`: where the bytes go (a symlink's target) and in which format. */
export interface OutputFile {
  /** As the user gave it, for messages. */
  readonly given: string;
  /** The file that is replaced: the path itself, or the regular file a symlink points to. */
  readonly target: string;
  readonly format: FileFormat;
  /** The mode of the file it replaces, kept. */
  readonly mode?: number;
}

/** `--output` as yargs gives it: absent, once (a string) or repeated (an array). */
export const outputsOf = (output: string | readonly string[] | undefined): readonly string[] =>
  output === undefined ? [] : typeof output === 'string' ? [output] : output.map(String);

/** The format of an output file's extension (case-insensitive), or undefined. */
export const fileFormatOf = (file: string): FileFormat | undefined => {
  const match = /\.[^./\\]+$/u.exec(basename(file));
  return match === null ? undefined : EXTENSIONS[match[0].toLowerCase()];
};

const refuse = (file: string, why: string): never => {
  throw new UsageError(`cannot write --output ${file}: ${why}.`);
};

const kindOf = (s: Stats): string =>
  s.isDirectory()
    ? 'it is a directory'
    : s.isFIFO()
      ? 'it is a FIFO (a named pipe)'
      : s.isSocket()
        ? 'it is a socket'
        : s.isCharacterDevice() || s.isBlockDevice()
          ? 'it is a device'
          : 'it is not a regular file';

const writable = async (path: string): Promise<boolean> => {
  try {
    await access(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

/** One `--output`, checked before anything runs: contract.md's list of refusals. */
const checkOne = async (given: string, inputs: readonly string[]): Promise<OutputFile> => {
  if (given === '-')
    refuse(given, "'-' is refused, the report already goes to stdout; give a file name");
  const format = fileFormatOf(given);
  if (format === undefined)
    refuse(given, 'the extension picks the format: use .md, .json, .txt or .har');
  let target = resolve(given);
  let mode: number | undefined;
  const link = await lstat(target).catch(() => undefined);
  if (link !== undefined) {
    if (link.isSymbolicLink()) {
      const real = await realpath(target).catch(() => undefined);
      if (real === undefined) refuse(given, 'it is a symlink to nothing');
      target = real!;
    }
    const s = link.isSymbolicLink() ? await stat(target) : link;
    if (!s.isFile()) refuse(given, kindOf(s));
    // root may write anything: a file without any write bit is read-only all the same.
    if ((s.mode & 0o222) === 0 || !(await writable(target))) refuse(given, 'the file is read-only');
    mode = s.mode & 0o7777;
  }
  const dir = dirname(target);
  const d = await stat(dir).catch(
    (error: unknown) => (error as { code?: string }).code ?? 'unreadable',
  );
  if (typeof d === 'string')
    refuse(given, `${d}${d === 'ENOENT' ? ' (its directory does not exist)' : ''}`);
  else if (!d.isDirectory()) refuse(given, `${dir} is not a directory`);
  // The file is replaced by a rename in its directory: the directory must be writable.
  if (!(await writable(dir))) refuse(given, `EACCES (its directory ${dir} is not writable)`);
  for (const input of inputs) {
    const real = await realpath(input).catch(() => resolve(input));
    if (real === target) refuse(given, 'it is the input file itself');
  }
  return { given, target, format: format!, ...(mode === undefined ? {} : { mode }) };
};

/**
 * Every `--output` checked before the first request (contract.md): an extension of .md, .json,
 * .txt or .har; an existing, writable directory; not `-`, a directory, a FIFO, a read-only file, a
 * symlink to anything but a regular file, or the explain input itself. Throws a UsageError.
 */
export const checkOutputs = async (
  output: string | readonly string[] | undefined,
  inputs: readonly string[] = [],
): Promise<readonly OutputFile[]> => {
  const files: OutputFile[] = [];
  for (const given of outputsOf(output)) {
    if (given.trim() === '') throw new UsageError('--output expects a value, got an empty string.');
    const file = await checkOne(given, inputs);
    if (files.some((f) => f.target === file.target))
      throw new UsageError(`--output ${given} was given twice; give each file once.`);
    files.push(file);
  }
  return files;
};

/**
 * Writes an output atomically: a temporary file in the same directory, renamed over the target
 * (a reader never sees half a report; a failed write leaves the old file as it was).
 */
export const writeOutput = async (file: OutputFile, text: string): Promise<void> => {
  const temp = join(
    dirname(file.target),
    `.${basename(file.target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    await writeFile(temp, text, { encoding: 'utf8', flag: 'wx', mode: file.mode ?? 0o666 });
    if (file.mode !== undefined) await chmod(temp, file.mode);
    await rename(temp, file.target);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
};
