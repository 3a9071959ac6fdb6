/**
 * Reads a saved HTTP exchange for `bb-doctor explain`, whatever the user saved: `curl -v` output,
 * `curl -i` output, a raw HTTP response (possibly after the raw request), a HAR 1.2 file from
 * browser devtools or a proxy, or git's own output (a GIT_TRACE_CURL trace or git's stderr,
 * git-output.ts). The format is detected, never asked.
 *
 * Everything becomes `Exchange`s (header names lower-cased, bodies cut at 4 KB, Bitbucket's trace
 * ids collected). Secrets stay in the exchanges as captured: redaction happens at output, like for
 * every other exchange. Bad input throws `CaptureError` with one line for the user (exit 2); an
 * error message never quotes the input, which may hold secrets.
 */
import { Buffer } from 'node:buffer';
import { stat } from 'node:fs/promises';

import { BoundedReadError, boundedChunks, openForReading } from '../intake/bounded-read.js';
import { basicAuthorization } from '../intake/credentials.js';
import { parseCurl, splitCommandLine, toFailingRequest } from '../intake/curl.js';
import type { CapturedCredential, CapturedGit, CapturedTarget, Exchange } from '../types.js';
import { addHeader, CaptureError, type Draft, MAX_BODY_BYTES, toExchange } from './exchange.js';
import {
  hasGitMarks,
  isGitStderr,
  isGitTraceLine,
  parseGitStderr,
  parseGitTrace,
  type ParsedGit,
  withGitMessages,
} from './git-output.js';
import { HarReader, MAX_HAR_BYTES, parseHarBytes } from './har.js';

export { CaptureError, MAX_BODY_BYTES, MAX_HAR_BYTES };

export type CaptureFormat =
  'har' | 'curl-verbose' | 'curl-include' | 'raw-http' | 'git-trace' | 'git-stderr';

export interface ParsedCapture {
  format: CaptureFormat;
  exchanges: Exchange[];
  /** HAR: how many entries the file has (`exchanges` are the relevant ones, see har.ts). */
  entries?: number;
  /** bb-doctor's HAR: the non-secret facts of its credentials (`log._bbDoctor.credentials`). */
  credentials?: CapturedCredential[];
  /** bb-doctor's HAR: the run's target (`log._bbDoctor.target`). */
  target?: CapturedTarget;
  /** git's output (git-trace, git-stderr): the repository, push or fetch, the username git sent. */
  git?: CapturedGit;
  /** URLs the capture prints outside its requests (git's trace and messages): for the redactor. */
  urls?: string[];
}

/**
 * What `readCapture` hands to `parseCapture`: the bytes of a text capture, or a HAR that was
 * already read while it streamed in (a HAR is never held whole).
 */
export type CaptureInput = string | Buffer | ParsedCapture;

/**
 * curl -v, curl -i and raw HTTP are parsed as one text, so they are refused beyond this size; a
 * HAR is streamed and may be up to MAX_HAR_BYTES.
 */
export const MAX_TEXT_BYTES = 20 * 1024 * 1024;

const EXPECTED =
  "expected curl -v or curl -i output, a raw HTTP response, a HAR file, or git's output (GIT_TRACE_CURL=1 or its stderr)";

const STATUS_RE = /^HTTP\/(\d(?:\.\d)?)\s+(\d{3})(?:\s+(.*?))?\s*$/;
const REQUEST_RE = /^([A-Za-z-]+) (\S+) HTTP\/(\d(?:\.\d)?)\s*$/;
const VERBOSE_REQUEST_RE = /^> [A-Za-z-]+ \S+ HTTP\/\d/;
const VERBOSE_RESPONSE_RE = /^< HTTP\/\d/;
/** curl's progress meter (stderr mixed into a `2>&1` capture). */
const PROGRESS_RE =
  /^\s*(?:% Total\s+% Received|Dload\s+Upload|\d{1,3}\s+[\d.]+[kMGTP]?\s+\d{1,3}\s+[\d.]+[kMGTP]?\s+\d{1,3}\s+[\d.]+[kMGTP]?\s+[\d.]+[kMGTP]?\s+[\d.]+[kMGTP]?\s+[-\d:]+\s+[-\d:]+\s+[-\d:]+\s+[\d.]+[kMGTP]?\s*$)/;
/** What curl appends to the last body line when the body does not end with a newline. */
const CONNECTION_TAIL_RE =
  /^([\s\S]*?)\* (?:Connection #\d+ to host .* left intact|Closing connection.*)$/;
/** A command line copied with the capture: `$ curl -i ...`. */
const CURL_LINE_RE = /^\s*(?:\S*[$%#>]\s+)?(?:\S*\/)?curl(?:\.exe)?\s/;

function unknownRequest(): Draft {
  return { method: '', url: '', headers: {}, durationMs: 0 };
}

function isLoopback(host: string): boolean {
  return /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/i.test(host);
}

// ---------------------------------------------------------------------------------------------
// Decoding and sanity checks
// ---------------------------------------------------------------------------------------------

function decode(input: string | Buffer): string {
  if (typeof input === 'string') return input.replace(/^\uFEFF/, '');
  // PowerShell 5's `>` writes UTF-16LE with a BOM.
  if (input[0] === 0xff && input[1] === 0xfe) return input.subarray(2).toString('utf16le');
  if (input[0] === 0xfe && input[1] === 0xff) {
    const swapped = Buffer.from(input.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return new TextDecoder('utf-8').decode(input).replace(/^\uFEFF/, '');
}

/** NUL bytes, or mostly control characters / invalid UTF-8, in the first headers (or 8 KB). */
function looksBinary(text: string): boolean {
  const sample = text.slice(0, 8192);
  const headEnd = sample.search(/\r?\n\r?\n/);
  const head = headEnd > 0 ? sample.slice(0, headEnd) : sample;
  if (head.includes('\0')) return true;
  let bad = 0;
  let total = 0;
  for (const ch of head) {
    total += 1;
    const c = ch.codePointAt(0) ?? 0;
    const control = c < 32 && c !== 9 && c !== 10 && c !== 12 && c !== 13 && c !== 27;
    if (control || c === 0xfffd || (c >= 0x7f && c < 0xa0)) bad += 1;
  }
  return total > 0 && bad / total > 0.1;
}

// ---------------------------------------------------------------------------------------------
// curl -i and raw HTTP
// ---------------------------------------------------------------------------------------------

interface Message {
  kind: 'request' | 'response';
  version: string;
  method: string;
  target: string;
  status: number;
  reason: string;
  headers: Record<string, string>;
  body: string;
}

function isStart(line: string): boolean {
  return STATUS_RE.test(line) || REQUEST_RE.test(line);
}

/** Splits the lines into HTTP messages: start line, headers, blank line, body (up to the next start line). */
function splitMessages(lines: readonly string[], from: number): Message[] {
  const messages: Message[] = [];
  let i = from;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    const status = STATUS_RE.exec(line);
    const request = status ? null : REQUEST_RE.exec(line);
    i += 1;
    if (!status && !request) continue;
    const message: Message = status
      ? {
          kind: 'response',
          version: status[1] ?? '',
          method: '',
          target: '',
          status: Number(status[2]),
          reason: status[3] ?? '',
          headers: {},
          body: '',
        }
      : {
          kind: 'request',
          version: request?.[3] ?? '',
          method: request?.[1] ?? '',
          target: request?.[2] ?? '',
          status: 0,
          reason: '',
          headers: {},
          body: '',
        };
    let last: string | undefined;
    while (i < lines.length && (lines[i] ?? '').trim() !== '') {
      const header = lines[i] ?? '';
      if (isStart(header)) break;
      if (/^[ \t]/.test(header) && last !== undefined) {
        // obs-fold: a continuation of the previous header.
        message.headers[last] = `${message.headers[last] ?? ''} ${header.trim()}`;
      } else {
        const colon = header.indexOf(':');
        if (colon <= 0) break;
        addHeader(message.headers, header.slice(0, colon), header.slice(colon + 1).trim());
        last = header.slice(0, colon).trim().toLowerCase();
      }
      i += 1;
    }
    if (i < lines.length && (lines[i] ?? '').trim() === '') i += 1;
    const bodyStart = i;
    while (i < lines.length && !isStart(lines[i] ?? '')) i += 1;
    message.body = lines.slice(bodyStart, i).join('\n').replace(/\n+$/, '');
    messages.push(message);
  }
  return messages;
}

/** The request of a `$ curl ...` line copied above a `curl -i` capture, if it parses. */
function commandRequest(lines: readonly string[], end: number): Draft | undefined {
  for (let i = 0; i < end; i += 1) {
    if (!CURL_LINE_RE.test(lines[i] ?? '')) continue;
    let command = lines[i] ?? '';
    let j = i;
    while (command.endsWith('\\') && j + 1 < end) {
      j += 1;
      command = `${command}\n${lines[j] ?? ''}`;
    }
    try {
      const request = toFailingRequest(parseCurl(splitCommandLine(command)));
      if (!request) return undefined;
      const draft: Draft = { method: request.method, url: request.url, headers: {}, durationMs: 0 };
      for (const h of request.headers) addHeader(draft.headers, h.name, h.value);
      if (request.basic && draft.headers['authorization'] === undefined) {
        draft.headers['authorization'] = basicAuthorization(
          request.basic.username,
          request.basic.secret,
        );
      }
      if (request.body !== undefined) draft.body = request.body;
      return draft;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function requestUrl(target: string, headers: Record<string, string>, https?: boolean): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return target;
  const host = headers['host'];
  if (host === undefined) return target;
  // A raw capture does not say the scheme: https unless the host is loopback (or the capture said).
  const secure = https ?? !isLoopback(host);
  return `${secure ? 'https' : 'http'}://${host}${target}`;
}

/** The request curl -L sends after a redirect (curl(1) --location, --post30x). */
function redirectRequest(previous: Draft): Draft {
  const response = previous.response;
  const location = response?.headers['location'];
  if (!response || location === undefined || response.status < 300 || response.status > 399) {
    return unknownRequest();
  }
  let url = location;
  let sameHost = false;
  try {
    const base = previous.url === '' ? undefined : new URL(previous.url);
    const next = new URL(location, base);
    url = next.href;
    sameHost = base?.host === next.host && base.protocol === next.protocol;
  } catch {
    // A relative Location without a known base: keep it as given.
  }
  const method =
    response.status === 303 ||
    ((response.status === 301 || response.status === 302) && previous.method === 'POST')
      ? 'GET'
      : previous.method;
  const headers: Record<string, string> = { ...previous.headers };
  // curl sends the credentials only to the same host, scheme and port unless --location-trusted.
  if (!sameHost) delete headers['authorization'];
  delete headers['host'];
  return { method, url, headers, durationMs: 0 };
}

function isProxyEstablished(message: Message): boolean {
  return (
    message.status >= 200 && message.status < 300 && /connection established/i.test(message.reason)
  );
}

function parseMessages(lines: readonly string[], name: string): ParsedCapture {
  const first = lines.findIndex((line) => isStart(line));
  const leading = commandRequest(lines, first);
  const messages = splitMessages(lines, first);
  const drafts: Draft[] = [];
  let pending: Draft | undefined = leading;
  let responses = 0;
  messages.forEach((message, index) => {
    if (message.kind === 'request') {
      pending = {
        method: message.method,
        url: requestUrl(message.target, message.headers),
        headers: message.headers,
        durationMs: 0,
      };
      if (message.body !== '') pending.body = message.body;
      return;
    }
    responses += 1;
    const next = messages[index + 1];
    const followed = next?.kind === 'response';
    // Keep only the final response after `100 Continue` (and a proxy's CONNECT answer).
    if (
      followed &&
      ((message.status >= 100 && message.status < 200) || isProxyEstablished(message))
    ) {
      return;
    }
    const previous = drafts.at(-1);
    const draft: Draft = pending ?? (previous ? redirectRequest(previous) : unknownRequest());
    pending = undefined;
    draft.response = {
      status: message.status,
      reason: message.reason,
      headers: message.headers,
      body: message.body,
    };
    drafts.push(draft);
  });
  if (drafts.length === 0) {
    throw new CaptureError(
      `${name} has an HTTP request but no response: save the whole exchange (curl -v or curl -i shows the response)`,
    );
  }
  const hasRequest = messages.some((m) => m.kind === 'request');
  const curlStyle =
    leading !== undefined ||
    responses > 1 ||
    messages.some((m) => m.kind === 'response' && /^[23]/.test(m.version));
  const format: CaptureFormat = hasRequest || !curlStyle ? 'raw-http' : 'curl-include';
  const label = format === 'raw-http' ? 'exchange' : 'response';
  return {
    format,
    exchanges: drafts.map((d, i) => toExchange(d, `${name} ${label} ${String(i + 1)}`)),
  };
}

// ---------------------------------------------------------------------------------------------
// curl -v
// ---------------------------------------------------------------------------------------------

interface VerboseDraft extends Draft {
  target: string;
  https?: boolean;
  streamUrl?: string;
  phase: 'request' | 'sent' | 'response' | 'body';
  bodyLines: string[];
}

function parseVerbose(lines: readonly string[], name: string): Exchange[] {
  const drafts: VerboseDraft[] = [];
  let current: VerboseDraft | undefined;
  let tls = false;
  let port: string | undefined;
  let streamUrl: string | undefined;

  const finish = (): void => {
    if (!current) return;
    let bodyLines = current.bodyLines;
    // `curl -iv`: the head is printed twice, with `< ` and then on stdout before the body.
    if (STATUS_RE.test(bodyLines[0] ?? '')) {
      const blank = bodyLines.findIndex((l) => l.trim() === '');
      bodyLines = blank < 0 ? [] : bodyLines.slice(blank + 1);
    }
    const body = bodyLines.join('\n').replace(/\n+$/, '');
    if (current.response) current.response.body = body;
    drafts.push(current);
    current = undefined;
  };

  const resolveUrl = (draft: VerboseDraft): void => {
    if (draft.url !== '') return;
    if (draft.streamUrl?.endsWith(draft.target) === true) {
      draft.url = draft.streamUrl;
      return;
    }
    draft.url = requestUrl(draft.target, draft.headers, draft.https);
  };

  for (const raw of lines) {
    // Progress-meter updates overwrite each other with \r: keep what was shown last.
    const line = raw.includes('\r') ? raw.slice(raw.lastIndexOf('\r') + 1) : raw;
    if (line.startsWith('* ') || line === '*') {
      const info = line.slice(2);
      const trying = /^\s*Trying \S+:(\d+)\.\.\./.exec(info);
      if (trying) {
        port = trying[1];
        tls = false;
      }
      const connected = /^Connected to \S+ \([^)]*\) port (\d+)/.exec(info);
      if (connected) {
        port = connected[1];
        tls = false;
      }
      if (/\b(?:SSL|TLS|ALPN)\b|certificate|CAfile/.test(info)) tls = true;
      const opened = /OPENED stream for (\S+)/.exec(info);
      if (opened?.[1] !== undefined) streamUrl = opened[1];
      continue;
    }
    if (line.startsWith('> ') || line === '>') {
      const content = line.slice(2);
      const request = REQUEST_RE.exec(content);
      if (request) {
        finish();
        const https = tls ? true : port === undefined ? undefined : port === '443';
        current = {
          method: request[1] ?? '',
          url: '',
          target: request[2] ?? '',
          headers: {},
          durationMs: 0,
          phase: 'request',
          bodyLines: [],
          ...(https === undefined ? {} : { https }),
          ...(streamUrl === undefined ? {} : { streamUrl }),
        };
        streamUrl = undefined;
        continue;
      }
      if (current?.phase === 'request') {
        const colon = content.indexOf(':');
        if (content.trim() === '') {
          current.phase = 'sent';
          resolveUrl(current);
        } else if (colon > 0) {
          addHeader(current.headers, content.slice(0, colon), content.slice(colon + 1).trim());
        }
      }
      continue;
    }
    if (line.startsWith('< ') || line === '<') {
      const content = line.slice(2);
      const status = STATUS_RE.exec(content);
      if (status) {
        const code = Number(status[2]);
        const reason = status[3] ?? '';
        if (!current) {
          current = { ...unknownRequest(), target: '', phase: 'response', bodyLines: [] };
        } else if (
          current.response &&
          current.response.status >= 200 &&
          !/connection established/i.test(current.response.reason)
        ) {
          // A second final response without a new request line (a partial copy): a new exchange.
          const previous: VerboseDraft = current;
          finish();
          current = { ...redirectRequest(previous), target: '', phase: 'response', bodyLines: [] };
        }
        resolveUrl(current);
        current.response = { status: code, reason, headers: {}, body: '' };
        current.phase = 'response';
        current.bodyLines = [];
        continue;
      }
      if (current?.response && current.phase === 'response') {
        const colon = content.indexOf(':');
        if (content.trim() === '') current.phase = 'body';
        else if (colon > 0) {
          addHeader(
            current.response.headers,
            content.slice(0, colon),
            content.slice(colon + 1).trim(),
          );
        }
      }
      continue;
    }
    if (
      /^[{}] \[\d+ bytes data\]$/.test(line) ||
      PROGRESS_RE.test(line) ||
      /^(?:Note|Warning): /.test(line)
    ) {
      continue;
    }
    const failure = /^curl: \((\d+)\) (.*)$/.exec(line);
    if (failure) {
      if (current && !current.response) {
        current.error = { code: `CURLE_${failure[1] ?? ''}`, message: failure[2] ?? '' };
      }
      continue;
    }
    if (current?.phase === 'body') {
      const tail = CONNECTION_TAIL_RE.exec(line);
      if (tail) {
        if (tail[1] !== undefined && tail[1] !== '') current.bodyLines.push(tail[1]);
        continue;
      }
      current.bodyLines.push(line);
    }
  }
  finish();
  // A proxy tunnel's CONNECT that succeeded says nothing about Bitbucket.
  const kept = drafts.filter(
    (d) => !(d.method === 'CONNECT' && d.response !== undefined && d.response.status < 300),
  );
  return kept.map((d, i) => {
    if (d.url === '' && d.target !== '') d.url = requestUrl(d.target, d.headers, d.https);
    const draft: Draft = { method: d.method, url: d.url, headers: d.headers, durationMs: 0 };
    if (d.response) draft.response = d.response;
    if (d.error) draft.error = d.error;
    return toExchange(draft, `${name} exchange ${String(i + 1)}`);
  });
}

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

/** How much of the start of a capture is read to tell its format and encoding. */
const SNIFF_BYTES = 64 * 1024;
/** Chunks of a capture file as it is read. */
const READ_CHUNK_BYTES = 256 * 1024;

function tooLarge(name: string, har: boolean): CaptureError {
  return new CaptureError(
    har
      ? `${name} is larger than 2 GB: save only the failing exchange (curl -v, curl -i, or a HAR with that request)`
      : `${name} is larger than 20 MB, the limit for curl -v, curl -i and raw HTTP text (a HAR file may be up to 2 GB): save only the failing exchange`,
  );
}

/** A capture whose text starts like this is a HAR (JSON), read as a stream. */
function isHar(head: string, name: string): boolean {
  const trimmed = head.trimStart();
  return trimmed.startsWith('{') || trimmed.startsWith('[') || /\.har$/i.test(name);
}

/** Turns the bytes of a HAR, in chunks, into UTF-8 for the tokenizer (BOM dropped). */
function utf8Chunks(head: Uint8Array): (chunk: Uint8Array, last?: boolean) => Uint8Array {
  const utf16 =
    head[0] === 0xff && head[1] === 0xfe
      ? 'utf-16le'
      : head[0] === 0xfe && head[1] === 0xff
        ? 'utf-16be'
        : undefined;
  if (utf16 !== undefined) {
    const decoder = new TextDecoder(utf16);
    return (chunk, last = false) => Buffer.from(decoder.decode(chunk, { stream: !last }), 'utf8');
  }
  let first = true;
  return (chunk) => {
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) return chunk.subarray(3);
    }
    return chunk;
  };
}

/**
 * Detects the format of a saved exchange and reads it. Throws `CaptureError` (one line) for an
 * empty, binary, oversized or non-HTTP input, and for a HAR that is not JSON or has no entries.
 * A HAR given as bytes goes through the same streaming reader as a HAR file.
 */
export function parseCapture(input: CaptureInput, name = 'the capture'): ParsedCapture {
  if (typeof input !== 'string' && !Buffer.isBuffer(input)) return input;
  const head =
    typeof input === 'string'
      ? input.slice(0, SNIFF_BYTES)
      : decode(input.subarray(0, SNIFF_BYTES));
  const har = isHar(head.replace(/^\uFEFF/, ''), name);
  // Size first: nothing larger is decoded or parsed.
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
  if (size > (har ? MAX_HAR_BYTES : MAX_TEXT_BYTES)) throw tooLarge(name, har);
  if (har) {
    if (looksBinary(head))
      throw new CaptureError(`${name} is a binary file, not text: ${EXPECTED}`);
    const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
    const toUtf8 = utf8Chunks(bytes);
    return { format: 'har', ...parseHarBytes(toUtf8(bytes, true), name) };
  }

  const decoded = decode(input);
  if (decoded.trim() === '') throw new CaptureError(`${name} is empty: ${EXPECTED}`);
  if (looksBinary(decoded))
    throw new CaptureError(`${name} is a binary file, not text: ${EXPECTED}`);
  const lines = decoded.split('\n').map((line) => line.replace(/\r$/, ''));
  // git's own trace first: its lines are no curl -v lines, but a trace may quote HTTP heads.
  if (lines.some((line) => isGitTraceLine(line)))
    return gitCapture('git-trace', parseGitTrace(lines, name));
  if (lines.some((line) => VERBOSE_REQUEST_RE.test(line) || VERBOSE_RESPONSE_RE.test(line))) {
    const exchanges = parseVerbose(lines, name);
    if (exchanges.length === 0) throw new CaptureError(`${name} has curl -v lines but no exchange`);
    // Older git printed curl's own -v lines for GIT_CURL_VERBOSE, with its messages.
    if (hasGitMarks(lines)) return gitCapture('git-trace', withGitMessages(exchanges, lines));
    return { format: 'curl-verbose', exchanges };
  }
  if (lines.some((line) => isStart(line))) return parseMessages(lines, name);
  if (isGitStderr(lines)) return gitCapture('git-stderr', parseGitStderr(lines, name));
  throw new CaptureError(`${name} does not look like HTTP: ${EXPECTED}`);
}

function gitCapture(format: CaptureFormat, parsed: ParsedGit): ParsedCapture {
  return {
    format,
    exchanges: parsed.exchanges,
    ...(parsed.git === undefined ? {} : { git: parsed.git }),
    ...(parsed.urls.length === 0 ? {} : { urls: parsed.urls }),
  };
}

function errorCode(error: unknown): string {
  return typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string'
    ? error.code
    : 'unknown error';
}

/**
 * Reads a capture from a stream: its first SNIFF_BYTES tell the format. A HAR is parsed as it
 * streams in (never held whole, up to MAX_HAR_BYTES); a text capture is collected as bytes, up to
 * MAX_TEXT_BYTES (`size`, when known, refuses a larger one before reading it).
 */
async function readStream(
  stream: NodeJS.ReadableStream,
  name: string,
  timeoutMs: number,
  size?: number,
): Promise<CaptureInput> {
  // Each chunk awaited at most timeoutMs: a pipe with no writer or a stuck producer ends the read.
  const chunks = boundedChunks(stream, { name, timeoutMs });
  const stop = async (): Promise<void> => {
    await chunks.return();
  };
  const next = async (): Promise<Buffer | undefined> => {
    let step: IteratorResult<Buffer>;
    try {
      step = await chunks.next();
    } catch (error) {
      if (error instanceof BoundedReadError) throw new CaptureError(error.message);
      throw new CaptureError(`cannot read ${name}: ${errorCode(error)}`);
    }
    if (step.done === true) return undefined;
    return step.value;
  };
  try {
    const parts: Buffer[] = [];
    let read = 0;
    while (read < SNIFF_BYTES) {
      const chunk = await next();
      if (chunk === undefined) break;
      parts.push(chunk);
      read += chunk.length;
    }
    const first = Buffer.concat(parts);
    const head = decode(first.subarray(0, SNIFF_BYTES));
    const har = isHar(head.replace(/^\uFEFF/, ''), name);

    if (!har) {
      if ((size ?? 0) > MAX_TEXT_BYTES) throw tooLarge(name, false);
      const rest: Buffer[] = [first];
      for (let chunk = await next(); chunk !== undefined; chunk = await next()) {
        read += chunk.length;
        if (read > MAX_TEXT_BYTES) throw tooLarge(name, false);
        rest.push(chunk);
      }
      if (read > MAX_TEXT_BYTES) throw tooLarge(name, false);
      return Buffer.concat(rest);
    }

    if (looksBinary(head))
      throw new CaptureError(`${name} is a binary file, not text: ${EXPECTED}`);
    if (read > MAX_HAR_BYTES) throw tooLarge(name, true);
    const reader = new HarReader(name);
    const toUtf8 = utf8Chunks(first);
    reader.write(toUtf8(first));
    for (let chunk = await next(); chunk !== undefined; chunk = await next()) {
      read += chunk.length;
      if (read > MAX_HAR_BYTES) throw tooLarge(name, true);
      reader.write(toUtf8(chunk));
    }
    reader.write(toUtf8(new Uint8Array(0), true));
    return { format: 'har', ...reader.end() };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** How long a capture that is a pipe (`-`, `<(curl -v …)`) may stay silent, by default. */
export const CAPTURE_TIMEOUT_MS = 120_000;

/**
 * Reads a capture file (`-` = stdin; a FIFO or `<(curl -v …)` too): a HAR (up to 2 GB) is parsed
 * while it streams in and comes back parsed; any other capture comes back as bytes (up to 20 MB),
 * for `parseCapture`. Throws `CaptureError` (one line) when the file does not exist, is a
 * directory, cannot be read, is too large, is a HAR that does not parse, or stays silent for
 * `timeoutMs` (default CAPTURE_TIMEOUT_MS) before its end.
 */
export async function readCapture(
  file: string,
  stdin: NodeJS.ReadableStream = process.stdin,
  options: { timeoutMs?: number | undefined } = {},
): Promise<{ text: CaptureInput; name: string }> {
  const timeoutMs = options.timeoutMs ?? CAPTURE_TIMEOUT_MS;
  if (file === '-') return { text: await readStream(stdin, 'stdin', timeoutMs), name: 'stdin' };
  let info;
  try {
    info = await stat(file);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new CaptureError(`${file}: no such file`);
    if (code === 'EACCES') throw new CaptureError(`${file}: permission denied`);
    throw new CaptureError(`cannot read ${file}: ${code}`);
  }
  if (info.isDirectory()) throw new CaptureError(`${file} is a directory, not a capture file`);
  if (info.isFile() && info.size > MAX_HAR_BYTES) throw tooLarge(file, true);
  try {
    const stream = await openForReading(file, READ_CHUNK_BYTES);
    return {
      text: await readStream(stream, file, timeoutMs, info.isFile() ? info.size : undefined),
      name: file,
    };
  } catch (error) {
    // openForReading's own fs errors (the open of a FIFO).
    const code = error instanceof CaptureError ? undefined : (error as { code?: unknown }).code;
    if (code === 'EACCES') throw new CaptureError(`${file}: permission denied`);
    if (typeof code === 'string') throw new CaptureError(`cannot read ${file}: ${code}`);
    if (error instanceof CaptureError && error.message.includes('EACCES')) {
      throw new CaptureError(`${file}: permission denied`);
    }
    throw error;
  }
}
