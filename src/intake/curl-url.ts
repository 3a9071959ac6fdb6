/**
 * Small helpers shared by the curl lint and formatter: a URL split that keeps the text exactly as
 * typed (WHATWG `URL` would percent-encode `$`, `{` and normalise the path, which hides what the
 * user wrote), shell references (`$VAR`, `$(...)`), and curl's encodings.
 */
import { CLOUD_HOSTS } from '../knowledge/hosts.js';
import { joinUrlText, splitUrlText, type UrlText } from '../knowledge/paths.js';
import { SECRET_SHAPES } from '../knowledge/shapes.js';
import { Buffer } from 'node:buffer';

/** A URL in pieces, each exactly as typed: one splitter, in knowledge/paths.ts. */
export type UrlParts = UrlText;
export { joinUrlText as joinUrl, splitUrlText as splitUrl };

/** localhost, *.localhost, 127.0.0.0/8 and ::1: plain http there never leaves the machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    /^127(?:\.\d{1,3}){3}$/.test(h) ||
    h === '::1' ||
    h === '0:0:0:0:0:0:0:1'
  );
}

/** One `name=value` pair of a query string or form body. */
export interface Param {
  /** The decoded name. */
  name: string;
  /** The value as typed (still percent-encoded). */
  value: string;
  /** The pair as typed. */
  raw: string;
}

export function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** Percent-decoding only (`+` stays `+`), for URL userinfo and paths. */
export function decodePercent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Splits `a=1&b=2` into pairs (empty pairs dropped). */
export function splitParams(text: string): Param[] {
  return text
    .split('&')
    .filter((raw) => raw !== '')
    .map((raw) => {
      const eq = raw.indexOf('=');
      return eq < 0
        ? { name: decodeComponent(raw), value: '', raw }
        : { name: decodeComponent(raw.slice(0, eq)), value: raw.slice(eq + 1), raw };
    });
}

/**
 * Names of query/body parameters whose value is a secret (OAuth 2 and the usual API-key names).
 * Used for redaction only; the lint itself is about Bitbucket's `access_token` (§1.5).
 */
export const SECRET_PARAM_RE =
  /^(?:access_token|refresh_token|id_token|token|client_secret|password|passwd|pass|secret|api_key|apikey|key|jwt|code|assertion|app_password|private_token)$/i;

/** curl_easy_escape: every byte but the RFC 3986 unreserved characters is %XX-encoded. */
export function curlUrlEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(ch)
      ? ch
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * What curl sends for `--data-urlencode ARG` (curl(1)): `content` and `=content` → the encoded
 * content; `name=content` → `name=` + encoded content; `@file`, `name@file` → from a file (kept as
 * typed: the doctor cannot read it).
 */
export function encodeDataUrlencode(arg: string): string {
  const eq = arg.indexOf('=');
  const at = arg.indexOf('@');
  if (at >= 0 && (eq < 0 || at < eq)) return arg;
  if (eq < 0) return curlUrlEncode(arg);
  if (eq === 0) return curlUrlEncode(arg.slice(1));
  return `${arg.slice(0, eq)}=${curlUrlEncode(arg.slice(eq + 1))}`;
}

/** A shell expression found in a word: `$VAR`, `${VAR}`, `$(...)` or `` `...` ``. */
export interface ShellReference {
  /** The expression as typed: `$TOKEN`, `${TOKEN}`, `$(cat token.txt)`. */
  expression: string;
  kind: 'variable' | 'command';
  /** For `$VAR`/`${VAR...}`: the variable to export. */
  variable?: string;
  /** For `$(...)` and backticks: the command inside. */
  command?: string;
  /** For `$(cat FILE)`, `$(<FILE)` and the like: the file the secret was meant to come from. */
  file?: string;
  start: number;
  end: number;
}

function matchEnd(text: string, from: number, open: string, close: string): number {
  let depth = 1;
  let j = from;
  while (j < text.length) {
    const ch = text.charAt(j);
    if (ch === '\\') {
      j += 2;
      continue;
    }
    if (ch === open) depth += 1;
    if (ch === close) {
      depth -= 1;
      if (depth === 0) return j + 1;
    }
    j += 1;
  }
  return text.length;
}

const FILE_PATTERNS = [
  /^\s*cat\s+(?:-\S+\s+)*(?:--\s+)?(["']?)([^"'\s|;&<>]+)\1/,
  /^\s*(?:head|tail)\s+(?:-\S+\s+)*(["']?)([^"'\s|;&<>]+)\1/,
  /<\s*(["']?)([^"'\s|;&<>()]+)\1/,
];

function fileOf(command: string): string | undefined {
  for (const pattern of FILE_PATTERNS) {
    const m = pattern.exec(command);
    if (m?.[2] !== undefined) return m[2];
  }
  return undefined;
}

/** Every shell expression in `text`, in order. */
export function findReferences(text: string): ShellReference[] {
  const refs: ShellReference[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text.charAt(i);
    const next = text.charAt(i + 1);
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === '$' && next === '(') {
      const end = matchEnd(text, i + 2, '(', ')');
      const command = text.slice(i + 2, end - 1).trim();
      const ref: ShellReference = {
        expression: text.slice(i, end),
        kind: 'command',
        command,
        start: i,
        end,
      };
      const file = fileOf(command);
      if (file !== undefined) ref.file = file;
      refs.push(ref);
      i = end;
      continue;
    }
    if (ch === '`') {
      const close = text.indexOf('`', i + 1);
      const end = close < 0 ? text.length : close + 1;
      const command = text.slice(i + 1, close < 0 ? end : close).trim();
      const ref: ShellReference = {
        expression: text.slice(i, end),
        kind: 'command',
        command,
        start: i,
        end,
      };
      const file = fileOf(command);
      if (file !== undefined) ref.file = file;
      refs.push(ref);
      i = end;
      continue;
    }
    if (ch === '$' && next === '{') {
      const end = matchEnd(text, i + 2, '{', '}');
      const name = /^[#!]?([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i + 2, end));
      const ref: ShellReference = {
        expression: text.slice(i, end),
        kind: 'variable',
        start: i,
        end,
      };
      if (name?.[1] !== undefined) ref.variable = name[1];
      refs.push(ref);
      i = end;
      continue;
    }
    if (ch === '$') {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
      if (name) {
        const end = i + 1 + name[0].length;
        refs.push({
          expression: text.slice(i, end),
          kind: 'variable',
          variable: name[0],
          start: i,
          end,
        });
        i = end;
        continue;
      }
    }
    i += 1;
  }
  return refs;
}

/** The whole text is shell expressions (`$TOKEN`, `${USER}:$(cat f)`): a reference, not a value. */
export function isPureReference(text: string): boolean {
  if (text === '') return false;
  const refs = findReferences(text);
  if (refs.length === 0) return false;
  let rest = text;
  for (const ref of [...refs].reverse()) rest = rest.slice(0, ref.start) + rest.slice(ref.end);
  return rest === '';
}

/** Decodes the credentials of a Basic header; undefined when they are not base64 of `user:secret`. */
export function decodeBasic(credentials: string): { username: string; secret: string } | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(credentials) || credentials.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(credentials, 'base64');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  return { username: text.slice(0, colon), secret: text.slice(colon + 1) };
}

export function encodeBasic(username: string, secret: string): string {
  return Buffer.from(`${username}:${secret}`, 'utf8').toString('base64');
}

/** Bitbucket hosts: the website (OAuth) and the REST API (src/knowledge/hosts.ts). */
export { isCloudHost, WEBSITE_HOSTS } from '../knowledge/hosts.js';
export const API_HOST: string = CLOUD_HOSTS.api;

/** An Atlassian API token, by its shape (src/knowledge/shapes.ts). */
export function looksLikeApiToken(secret: string): boolean {
  return SECRET_SHAPES.some((shape) => shape.kind === 'api-token' && shape.prefix.test(secret));
}
