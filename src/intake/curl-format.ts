/**
 * Prints a curl command that is safe to show: every secret is a `$PLACEHOLDER` (double-quoted so
 * that the shell expands it), never its value. Also turns a ParsedCurl into the FailingRequest
 * that the `target-call` check replays.
 */
import { quote as shellQuote } from 'shell-quote';

import type { FailingRequest, GivenHeader } from '../types.js';
import type { ParsedCurl } from './curl-parse.js';
import {
  curlUrlEncode,
  decodeComponent,
  decodePercent,
  encodeDataUrlencode,
  findReferences,
  isPureReference,
  joinUrl,
  splitUrl,
} from './curl-url.js';
import { buildGroups, type Segment, type Word } from './curl-words.js';

/** Shown for a secret that has no placeholder of its own. */
export const DEFAULT_SECRET_PLACEHOLDER = '$BITBUCKET_SECRET';

export interface FormatCurlOptions {
  /** Secret value → placeholder, e.g. `{ 'ATATT3x…': '$BITBUCKET_API_TOKEN' }`. */
  placeholders: Readonly<Record<string, string>>;
  /** One option per line with ` \` continuations (default: one line). */
  multiline?: boolean;
}

const PLACEHOLDER_RE = /^\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\})$/;

/** A printed piece: literal text (quoted) or shell text to expand (a placeholder, `$(...)`). */
interface Piece {
  text: string;
  expand: boolean;
}

/** Secrets shorter than this are only replaced in secret positions, not inside other text. */
const MIN_SEARCH_LENGTH = 4;

interface Replacer {
  lookup(value: string): string | undefined;
  /** Variants to look for in literal text, longest first, with their placeholder. */
  variants: [string, string][];
}

function makeReplacer(placeholders: Readonly<Record<string, string>>): Replacer {
  const map = new Map<string, string>();
  for (const [secret, placeholder] of Object.entries(placeholders)) {
    if (secret === '') continue;
    // Never print a placeholder that is not a plain `$NAME`: it could be anything, even a secret.
    map.set(secret, PLACEHOLDER_RE.test(placeholder) ? placeholder : DEFAULT_SECRET_PLACEHOLDER);
  }
  // A corrected command carries the secret trimmed and unquoted (SECRET_WHITESPACE): same
  // placeholder.
  for (const [secret, placeholder] of [...map]) {
    for (const form of [secret.trim(), secret.trim().replace(/^(["'])(.*)\1$/s, '$2')]) {
      if (form !== '' && !map.has(form)) map.set(form, placeholder);
    }
  }
  const variants = new Map<string, string>();
  for (const [secret, placeholder] of map) {
    if (secret.length < MIN_SEARCH_LENGTH) continue;
    const forms = [
      secret,
      encodeURIComponent(secret),
      encodeURIComponent(secret).replace(/%20/g, '+'),
      curlUrlEncode(secret),
      JSON.stringify(secret).slice(1, -1),
    ];
    for (const form of forms) if (!variants.has(form)) variants.set(form, placeholder);
  }
  return {
    lookup(value) {
      const candidates = [
        value,
        value.trim(),
        decodeComponent(value),
        value.trim().replace(/^(["'])(.*)\1$/s, '$2'),
      ];
      for (const c of candidates) {
        const hit = map.get(c);
        if (hit !== undefined) return hit;
      }
      return undefined;
    },
    variants: [...variants.entries()].sort((a, b) => b[0].length - a[0].length),
  };
}

/** Splits literal text wherever a known secret (in any of its encodings) occurs. */
function scrubLiteral(text: string, replacer: Replacer): Piece[] {
  for (const [variant, placeholder] of replacer.variants) {
    const at = text.indexOf(variant);
    if (at < 0) continue;
    return [
      ...scrubLiteral(text.slice(0, at), replacer),
      { text: placeholder, expand: true },
      ...scrubLiteral(text.slice(at + variant.length), replacer),
    ];
  }
  return text === '' ? [] : [{ text, expand: false }];
}

/** Literal URL text: `$VAR`/`$(...)` stay expandable (a URL rarely means a literal `$`). */
function expandReferences(text: string, replacer: Replacer): Piece[] {
  const pieces: Piece[] = [];
  let last = 0;
  for (const ref of findReferences(text)) {
    pieces.push(...scrubLiteral(text.slice(last, ref.start), replacer));
    pieces.push({ text: ref.expression, expand: true });
    last = ref.end;
  }
  pieces.push(...scrubLiteral(text.slice(last), replacer));
  return pieces;
}

function pieces(word: Word, replacer: Replacer): Piece[] {
  const out: Piece[] = [];
  for (const segment of word) out.push(...segmentPieces(segment, replacer));
  return out;
}

function segmentPieces(segment: Segment, replacer: Replacer): Piece[] {
  if (segment.secret !== true) {
    return segment.expandRefs === true
      ? expandReferences(segment.text, replacer)
      : scrubLiteral(segment.text, replacer);
  }
  const placeholder = replacer.lookup(segment.text);
  if (placeholder !== undefined) return [{ text: placeholder, expand: true }];
  // `$TOKEN` or `$(cat token.txt)` as typed is a reference, not a value: keep it expandable.
  if (isPureReference(segment.text)) return [{ text: segment.text, expand: true }];
  return [{ text: DEFAULT_SECRET_PLACEHOLDER, expand: true }];
}

/** Quotes literal text: bare when safe, else single quotes, else shell-quote's `quote`. */
function quoteLiteral(text: string): string {
  if (text === '') return "''";
  if (/^[A-Za-z0-9_\-+.,/:=@%]+$/.test(text)) return text;
  if (!text.includes("'")) return `'${text}'`;
  return shellQuote([text]);
}

/** `$NAME` followed by a name character must be written `${NAME}`. */
function braced(text: string, next: string | undefined): string {
  const m = PLACEHOLDER_RE.exec(text);
  const name = m?.[1];
  if (name !== undefined && next !== undefined && /^[A-Za-z0-9_]/.test(next)) return `\${${name}}`;
  return text;
}

/**
 * One shell word. Without anything to expand: quoted literal text. With placeholders: one
 * double-quoted word (`"Authorization: Bearer $BITBUCKET_ACCESS_TOKEN"`) when the literal parts
 * need no escaping inside double quotes, else single-quoted literals and double-quoted expansions
 * side by side (`'it'"'"'s '"$X"`).
 */
function renderWord(word: Word, replacer: Replacer): string {
  const parts = pieces(word, replacer);
  if (parts.length === 0) return "''";
  if (parts.every((p) => !p.expand)) return quoteLiteral(parts.map((p) => p.text).join(''));
  const safeInDoubleQuotes = parts.every((p) => p.expand || !/["\\$`!\n\r]/.test(p.text));
  if (safeInDoubleQuotes) {
    const inner = parts
      .map((p, i) => (p.expand ? braced(p.text, parts[i + 1]?.text) : p.text))
      .join('');
    return `"${inner}"`;
  }
  return parts.map((p) => (p.expand ? `"${p.text}"` : quoteLiteral(p.text))).join('');
}

/**
 * Prints a curl command for the report (a corrected one comes from the curl rules: `correctCurl`). Secrets in headers, `-u`, `--oauth2-bearer`, the URL's
 * userinfo and query, and the data are replaced by their placeholder (or `$BITBUCKET_SECRET`);
 * any placeholder secret found elsewhere (URL-encoded, JSON-escaped, base64) is replaced too.
 * Shell expressions the user typed in a secret position (`$TOKEN`, `$(cat token.txt)`) are kept,
 * expandable.
 */
export function formatCurl(parsed: ParsedCurl, options: FormatCurlOptions): string {
  const replacer = makeReplacer(options.placeholders);
  const lines = buildGroups(parsed, true).map((group) =>
    group.map((word) => renderWord(word, replacer)).join(' '),
  );
  return lines.join(options.multiline === true ? ' \\\n  ' : ' ');
}

/**
 * The body curl sends (`-d` parts joined with `&`, `--json` parts concatenated); multipart (`-F`)
 * is not rendered.
 */
export function curlBody(parsed: ParsedCurl): string | undefined {
  const items = parsed.data.filter((d) => !['-F', '--form', '--form-string'].includes(d.flag));
  if (items.length === 0) return undefined;
  const json = items.some((d) => d.flag === '--json');
  const encoded = items.map((d) =>
    d.flag === '--data-urlencode' ? encodeDataUrlencode(d.value) : d.value,
  );
  return encoded.join(json ? '' : '&');
}

/**
 * The request curl sends, for replay: the URL with a scheme (curl's default is http), without
 * userinfo (moved to `basic`) and with the `-G` data appended; the headers (with
 * `--oauth2-bearer` as an Authorization header when there is none); the body. Undefined without a
 * URL.
 */
export function toFailingRequest(parsed: ParsedCurl): FailingRequest | undefined {
  if (parsed.url === undefined) return undefined;
  const parts = splitUrl(parsed.url);
  const userinfo = parts.userinfo;
  delete parts.userinfo;
  parts.scheme ??= 'http';
  let url = joinUrl(parts);
  let body = curlBody(parsed);
  if (parsed.get && body !== undefined) {
    url += (parts.query === undefined ? '?' : '&') + body;
    body = undefined;
  }
  // curl does not send a header given without a colon.
  const headers: GivenHeader[] = parsed.headers
    .filter((h) => h.noColon !== true)
    .map((h) => ({ name: h.name, value: h.value, source: `curl:${h.flag ?? '-H'}` }));
  if (
    parsed.oauth2Bearer !== undefined &&
    !headers.some((h) => h.name.toLowerCase() === 'authorization')
  ) {
    headers.push({
      name: 'Authorization',
      value: `Bearer ${parsed.oauth2Bearer}`,
      source: 'curl:--oauth2-bearer',
    });
  }
  let basic: FailingRequest['basic'];
  if (parsed.user?.secret !== undefined) {
    basic = { username: parsed.user.username, secret: parsed.user.secret, source: 'curl:-u' };
  } else if (userinfo?.includes(':') === true) {
    const colon = userinfo.indexOf(':');
    basic = {
      username: decodePercent(userinfo.slice(0, colon)),
      secret: decodePercent(userinfo.slice(colon + 1)),
      source: 'curl:url',
    };
  }
  return {
    method: parsed.method,
    url,
    headers,
    ...(body === undefined ? {} : { body }),
    ...(basic === undefined ? {} : { basic }),
    source: 'curl',
  };
}
