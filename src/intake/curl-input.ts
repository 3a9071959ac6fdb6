import type { Redactor } from '../report/redactor.js';
import { quoted } from './quote.js';
import type { Credential, FailingRequest, GivenHeader } from '../types.js';
import { makeCredential } from './credentials.js';
import {
  lintCurl,
  parseCurl,
  splitCommandLine,
  toFailingRequest,
  CurlParseError,
  type CurlLint,
  type ParsedCurl,
} from './curl.js';
import { decodeComponent, splitParams } from './curl-url.js';
import { UsageError } from './input.js';
import { readNetrc } from './netrc.js';
import { registerSecrets, secretsOf } from './secrets.js';

/** What a curl command adds to a run: the failing request, its headers and credentials, its lints. */
export interface CurlIntake {
  readonly original: string;
  readonly parsed: ParsedCurl;
  readonly lints: readonly CurlLint[];
  readonly failingRequest?: FailingRequest;
  readonly headers: readonly GivenHeader[];
  readonly credentials: readonly Credential[];
  readonly warnings: readonly string[];
}

/** The largest curl command a run takes, in bytes (UTF-8): 1 MB. */
export const MAX_COMMAND_BYTES = 1_000_000;

const checkCommandSize = (bytes: number): void => {
  if (bytes > MAX_COMMAND_BYTES)
    throw new UsageError(
      `The curl command is ${(bytes / 1_000_000).toFixed(1)} MB (${bytes} bytes): at most 1 MB.`,
    );
};

/** The words of the curl command: after `--`, or `--curl` pasted whole. Undefined when neither. */
export const curlWords = (
  dashDash: readonly (string | number)[] | undefined,
  pasted: string | undefined,
): string[] | undefined => {
  const words = (dashDash ?? []).map(String);
  if (words.length > 0 && pasted !== undefined)
    throw new UsageError('Give the curl command either after -- or with --curl, not both.');
  checkCommandSize(
    pasted !== undefined
      ? Buffer.byteLength(pasted, 'utf8')
      : words.reduce((sum, word) => sum + Buffer.byteLength(word, 'utf8') + 1, -1),
  );
  if (pasted !== undefined) return splitCommandLine(pasted);
  if (words.length === 0) return undefined;
  if (words[0] !== 'curl')
    throw new UsageError(`Expected a curl command after --, got ${quoted(words[0] ?? '')}.`);
  return words;
};

/**
 * The curl command of a command line, read once: its words (after `--`, or `--curl` pasted whole)
 * and the parse of them. What is wrong with it is kept, not thrown, so that the secrets of the
 * parts that did parse are registered before anything can print, and the run reports the error
 * in its place (after the flags parser's own usage errors).
 */
export interface CurlRead {
  /** The words, `curl` first; undefined when the command line has no curl command. */
  readonly words?: readonly string[];
  /** `--curl`'s text as pasted, or the words quoted back into one line. */
  readonly original?: string;
  readonly parsed?: ParsedCurl;
  /** Why the words could not be read (both forms, not curl, unbalanced quotes). */
  readonly wordsError?: Error;
  /** Why the words do not parse as curl options. */
  readonly parseError?: Error;
}

const quoteWord = (w: string): string =>
  /^[\w@%+=:,./-]+$/u.test(w) ? w : `'${w.replace(/'/gu, `'\\''`)}'`;

const asError = (error: unknown): Error =>
  error instanceof Error ? error : new Error(String(error));

/** The curl command of raw argv: the words after the first `--`, or the last `--curl` before it. */
export const readCurl = (argv: readonly string[]): CurlRead => {
  const dash = argv.indexOf('--');
  const options = dash === -1 ? argv : argv.slice(0, dash);
  let pasted: string | undefined;
  options.forEach((word, i) => {
    if (word === '--curl') pasted = options[i + 1];
    else if (word.startsWith('--curl=')) pasted = word.slice('--curl='.length);
  });
  let words: string[] | undefined;
  try {
    words = curlWords(dash === -1 ? undefined : argv.slice(dash + 1), pasted);
  } catch (error) {
    return { wordsError: asError(error) };
  }
  if (words === undefined) return {};
  const original = pasted ?? words.map(quoteWord).join(' ');
  try {
    return { words, original, parsed: parseCurl(words) };
  } catch (error) {
    return {
      words,
      original,
      parseError: error instanceof CurlParseError ? new UsageError(error.message) : asError(error),
    };
  }
};

/**
 * A curl command as the user ran it, parsed once by `readCurl` (whose secrets are registered by
 * then): linted, and turned into the failing request and its credentials (with `-n`, from .netrc
 * as curl would; those are registered here, the moment they are read).
 */
export const intakeCurl = async (
  command: { readonly parsed: ParsedCurl; readonly original: string },
  redactor: Redactor,
  env: Readonly<Record<string, string | undefined>>,
  apiUrl: string | undefined,
): Promise<CurlIntake> => {
  const { parsed, original } = command;
  if (parsed.url === undefined) throw new UsageError('The curl command has no URL.');
  const lints = lintCurl(parsed, apiUrl === undefined ? {} : { apiUrl });
  const warnings: string[] = [];
  let failingRequest = toFailingRequest(parsed);
  const credentials: Credential[] = [];
  if (failingRequest?.basic !== undefined) {
    const { username, secret, source } = failingRequest.basic;
    credentials.push(makeCredential('unknown', secret, source, username, 'curl:-u'));
  }
  // A token in the query string or the body is still the credential of the call, only in a place
  // Bitbucket stopped reading on 2026-05-04 (bitbucket-auth.md §1.5).
  const query = parsed.url.includes('?')
    ? splitParams(parsed.url.slice(parsed.url.indexOf('?') + 1))
    : [];
  for (const [where, params] of [
    ['url', query],
    ['-d', parsed.data.flatMap((d) => splitParams(d.value))],
  ] as const) {
    for (const param of params) {
      if (param.name === 'access_token' && param.value !== '')
        credentials.push(
          makeCredential(
            'access-token',
            decodeComponent(param.value),
            `curl:${where} access_token=`,
          ),
        );
    }
  }
  // curl -n / --netrc-file: the credentials come from the machine entry of the URL's host.
  if (parsed.netrc && failingRequest !== undefined && failingRequest.basic === undefined) {
    const host = new URL(failingRequest.url).hostname;
    const netrc = await readNetrc(parsed.netrcFile, env, host);
    const entry = netrc.entry;
    if (entry?.password !== undefined) {
      registerSecrets(
        redactor,
        secretsOf({ stored: { username: entry.login, secret: entry.password } }),
      );
      const source = `netrc:${netrc.file}`;
      failingRequest = {
        ...failingRequest,
        basic: { username: entry.login ?? '', secret: entry.password, source },
      };
      // Stored for the host the command calls: it goes only there (contract.md, "Secrets").
      credentials.push({
        ...makeCredential('unknown', entry.password, source, entry.login, 'netrc'),
        storedFor: host,
      });
      if (netrc.worldReadable)
        warnings.push(
          `${netrc.file} is readable by other users (curl warns about this too): chmod 600 ${netrc.file}.`,
        );
    } else if (!parsed.netrcOptional) {
      warnings.push(
        `curl -n was given but ${netrc.file} has no entry for ${host}: the call went out without credentials.`,
      );
    }
  }
  const suspicious = parsed.ignored.filter((o) =>
    /^(?:-x|--proxy|-K|--config|--digest|--ntlm|--negotiate|-T|--upload-file)$/u.test(o),
  );
  if (suspicious.length > 0)
    warnings.push(
      `The curl command uses ${suspicious.join(', ')}, which bb-doctor does not replay.`,
    );
  return {
    original,
    parsed,
    lints,
    ...(failingRequest === undefined ? {} : { failingRequest }),
    headers: failingRequest?.headers ?? [],
    credentials,
    warnings,
  };
};
