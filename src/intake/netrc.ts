import { CLOUD_HOSTS } from '../knowledge/hosts.js';
/**
 * Reads a .netrc the way curl does (curl(1) --netrc, lib/netrc.c): `machine NAME`, `default`,
 * `login`, `password`, `account` (read, unused by curl), `macdef NAME` bodies skipped up to the
 * next empty line, lines starting with `#` ignored, tokens separated by any whitespace (newlines
 * included), keywords and machine names case-insensitive, and double-quoted values with `\"`,
 * `\\`, `\n`, `\r`, `\t` escapes as curl ≥ 7.84 reads them.
 *
 * Hand-written on purpose: the npm netrc packages pull in execa and debug for a 60-line parser.
 */
import type { Buffer } from 'node:buffer';
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

import { BoundedReadError, readBounded } from './bounded-read.js';

/** A .netrc holds a few machine entries: anything larger is not one (curl reads it whole). */
export const MAX_NETRC_BYTES = 1024 * 1024;

/** How long a .netrc that is a pipe (`<(pass show …)`, `-`) may stay silent; the run's default. */
export const NETRC_TIMEOUT_MS = 30_000;

/** One `machine` (or `default`) block. */
export interface NetrcEntry {
  /** The machine name as written; absent for `default`. */
  machine?: string;
  isDefault: boolean;
  login?: string;
  password?: string;
  account?: string;
  /** 1-based line of the `machine`/`default` keyword. */
  line: number;
}

/** The .netrc could not be read (not for a missing file: that is `exists: false`). */
export class NetrcError extends Error {
  override readonly name = 'NetrcError';
}

interface Token {
  text: string;
  line: number;
}

const VALUE_KEYWORDS = new Set(['machine', 'login', 'password', 'account']);

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t' };

/** Splits the file into tokens, skipping comment lines and macdef bodies. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let inMacdef = false;
  let expectMacroName = false;
  let expectValue = false;
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    const lineNo = index + 1;
    if (inMacdef) {
      // "its contents begin with the next .netrc line and continue until a null line".
      if (line.trim() === '') inMacdef = false;
      continue;
    }
    // curl: "treat an initial hash as a comment line".
    if (line.startsWith('#')) continue;
    let i = 0;
    while (i < line.length) {
      while (i < line.length && /\s/.test(line.charAt(i))) i += 1;
      if (i >= line.length) break;
      let value = '';
      if (line.charAt(i) === '"') {
        i += 1;
        while (i < line.length && line.charAt(i) !== '"') {
          const ch = line.charAt(i);
          if (ch === '\\' && i + 1 < line.length) {
            const next = line.charAt(i + 1);
            value += ESCAPES[next] ?? next;
            i += 2;
          } else {
            value += ch;
            i += 1;
          }
        }
        i += 1;
      } else {
        while (i < line.length && !/\s/.test(line.charAt(i))) {
          value += line.charAt(i);
          i += 1;
        }
      }
      if (expectMacroName) {
        // The macro's name ends its line; the body starts on the next one.
        expectMacroName = false;
        inMacdef = true;
        break;
      }
      if (expectValue) {
        // The value of machine/login/password/account, even if it reads like a keyword.
        expectValue = false;
      } else if (VALUE_KEYWORDS.has(value.toLowerCase())) {
        expectValue = true;
      } else if (value.toLowerCase() === 'macdef') {
        expectMacroName = true;
        continue;
      }
      tokens.push({ text: value, line: lineNo });
    }
    if (expectMacroName) {
      expectMacroName = false;
      inMacdef = true;
    }
  }
  return tokens;
}

/** Parses a .netrc into its entries, in file order. Never throws. */
export function parseNetrc(text: string): NetrcEntry[] {
  const entries: NetrcEntry[] = [];
  const tokens = tokenize(text);
  let current: NetrcEntry | undefined;
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i];
    if (token === undefined) break;
    const keyword = token.text.toLowerCase();
    const value = tokens[i + 1]?.text;
    switch (keyword) {
      case 'machine':
        if (value === undefined) return entries;
        current = { machine: value, isDefault: false, line: token.line };
        entries.push(current);
        i += 1;
        break;
      case 'default':
        current = { isDefault: true, line: token.line };
        entries.push(current);
        break;
      case 'login':
      case 'password':
      case 'account':
        if (value === undefined) return entries;
        if (current) current[keyword] = value;
        i += 1;
        break;
      default:
        // Unknown tokens are skipped, as curl does.
        break;
    }
  }
  return entries;
}

/**
 * The entry curl uses for `host`: the first `machine` whose name matches (case-insensitively), else
 * `default`. With `login` (from `-u user`), only entries for that login match. (curl itself takes
 * whichever of the two comes first in the file; `default` is meant to be last.)
 */
export function findNetrcEntry(
  entries: readonly NetrcEntry[],
  host: string,
  login?: string,
): NetrcEntry | undefined {
  const wanted = host.toLowerCase().replace(/^\[|\]$/g, '');
  const loginMatches = (e: NetrcEntry): boolean => login === undefined || e.login === login;
  return (
    entries.find((e) => e.machine?.toLowerCase() === wanted && loginMatches(e)) ??
    entries.find((e) => e.isDefault && loginMatches(e))
  );
}

/** Where curl looks: `$NETRC` (curl ≥ 7.87 honours it) else `~/.netrc` (`~/_netrc` on Windows as fallback). */
export function netrcPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['NETRC'];
  if (fromEnv !== undefined && fromEnv !== '') return expandHome(fromEnv, env);
  return join(home(env), '.netrc');
}

function home(env: NodeJS.ProcessEnv): string {
  return env['HOME'] ?? env['USERPROFILE'] ?? homedir();
}

/** `~/x` → `$HOME/x` (a `--netrc-file ~/x` pasted in quotes reaches us unexpanded). */
function expandHome(file: string, env: NodeJS.ProcessEnv): string {
  return file === '~' || file.startsWith('~/') ? join(home(env), file.slice(1)) : file;
}

export interface NetrcReadResult {
  /** The file read (or looked for). */
  file: string;
  exists: boolean;
  /** The entry for the host, if any. */
  entry?: NetrcEntry;
  entries: NetrcEntry[];
  /**
   * The file is readable or writable by group or others (mode & 0o077, POSIX only): curl-style
   * tools warn about it, and the report should too.
   */
  worldReadable: boolean;
  /** The permission bits (POSIX). */
  mode?: number;
}

export interface NetrcReadOptions {
  /** The longest wait for the file's next bytes (a pipe); default NETRC_TIMEOUT_MS. */
  timeoutMs?: number | undefined;
  /** What `-` reads; default process.stdin. */
  stdin?: NodeJS.ReadableStream | undefined;
}

/**
 * Reads a .netrc (`file`, else `$NETRC`, else `~/.netrc`; `-` is stdin, and a pipe such as
 * `<(pass show netrc)` is read too) and finds the entry for `host` (default `api.bitbucket.org`).
 * A missing file is `exists: false`; a file that cannot be read (a directory, no permission), is
 * larger than 1 MB or stays silent for `timeoutMs` throws `NetrcError` with one line.
 */
export async function readNetrc(
  file?: string,
  env: NodeJS.ProcessEnv = process.env,
  host: string = CLOUD_HOSTS.api,
  login?: string,
  options: NetrcReadOptions = {},
): Promise<NetrcReadResult> {
  const bounds = { timeoutMs: options.timeoutMs ?? NETRC_TIMEOUT_MS, maxBytes: MAX_NETRC_BYTES };
  if (file === '-') {
    const text = await readText(() => readBounded('-', bounds, options.stdin), 'stdin');
    const entries = parseNetrc(text);
    const entry = findNetrcEntry(entries, host, login);
    return {
      file: 'stdin',
      exists: true,
      entries,
      worldReadable: false,
      ...(entry ? { entry } : {}),
    };
  }
  let path = file === undefined ? netrcPath(env) : expandHome(file, env);
  if (file === undefined && process.platform === 'win32' && !(await exists(path))) {
    const alternative = join(home(env), '_netrc');
    if (await exists(alternative)) path = alternative;
  }
  let mode: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new NetrcError(`${path} is a directory, not a .netrc file`);
    mode = info.mode & 0o777;
  } catch (error) {
    if (error instanceof NetrcError) throw error;
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') {
      return { file: path, exists: false, entries: [], worldReadable: false };
    }
    throw new NetrcError(`cannot read ${path}: ${errorCode(error) ?? 'unknown error'}`);
  }
  const text = await readText(() => readBounded(path, bounds), path);
  const entries = parseNetrc(text);
  const entry = findNetrcEntry(entries, host, login);
  const result: NetrcReadResult = {
    file: path,
    exists: true,
    entries,
    worldReadable: process.platform !== 'win32' && (mode & 0o077) !== 0,
  };
  if (process.platform !== 'win32') result.mode = mode;
  if (entry) result.entry = entry;
  return result;
}

/** The bytes as text; the bounds and fs errors as `NetrcError` (one line, never the content). */
async function readText(read: () => Promise<Buffer>, path: string): Promise<string> {
  try {
    return (await read()).toString('utf8');
  } catch (error) {
    if (error instanceof BoundedReadError) throw new NetrcError(error.message);
    const code = errorCode(error);
    throw new NetrcError(
      `cannot read ${path}: ${code === 'EACCES' ? 'permission denied' : (code ?? (error instanceof Error ? error.message : 'unknown error'))}`,
    );
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    return typeof error.code === 'string' ? error.code : undefined;
  }
  return undefined;
}
