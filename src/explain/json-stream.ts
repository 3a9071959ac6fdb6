/**
 * An incremental JSON tokenizer for captures too large to hold as one string: browser HAR exports
 * of 50 MB to 2 GB. Bytes go in chunk by chunk (`write`, then `end`); a handler hears the
 * structure (SAX style) and decides, as it goes, what not to hear at all:
 *
 * - `startObject`, `startArray` and `key` return false to skip that value: it is still checked to be
 *   JSON, but nothing in it is reported, decoded or kept;
 * - `stringLimit` says how many bytes of the string that starts to keep (0: none); the rest is
 *   skipped without being copied or decoded, so a 10 MB `response.content.text` costs a few
 *   `Buffer.indexOf` calls, not a 10 MB string.
 *
 * Why not a library: stream-json 3.8 (the well-kept one) tokenized a 26 MB HAR in 1.8 s with a
 * 167 MB peak RSS, and a 78 MB one in 14 s, on this project's 2-core machine; the budget is 500 MB
 * in well under 120 s and 150 MB. Skipping inside strings with `indexOf` is what makes the
 * difference, and it needs the tokenizer to know which values nobody wants.
 *
 * What is checked: the grammar (RFC 8259), numbers, literals, and, for the strings that are kept,
 * escapes and control characters (through `JSON.parse` of the kept bytes). The part of a string
 * that is skipped is scanned only for its closing quote (escaped quotes and backslashes counted),
 * not for stray control characters or bad escapes: a deliberate trade of strictness for speed on
 * the bulk of a HAR, which is base64 and JavaScript.
 */
import { Buffer } from 'node:buffer';

/** The input is not JSON (the message never quotes the input). */
export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
}

export interface JsonHandler {
  /** An object starts; false: skip it (no key, value or `endObject` of it is reported). */
  startObject(): boolean;
  endObject(): void;
  /** An array starts; false: skip it. */
  startArray(): boolean;
  endArray(): void;
  /** A key of the current object; false: skip its value. Keys longer than KEY_LIMIT bytes arrive cut, ending in U+0000. */
  key(name: string): boolean;
  /** A string value starts: how many bytes of it to keep (0: none). */
  stringLimit(): number;
  /** A string value, or its kept prefix when `cut` (it was longer than its limit). */
  string(value: string, cut: boolean): void;
  number(value: number): void;
  literal(value: boolean | null): void;
}

/** Object keys are kept up to this many bytes (a HAR's keys are short words). */
export const KEY_LIMIT = 256;

const VALUE = 0; // a value: at the top, after ':' or after ',' in an array
const ARRAY_FIRST = 1; // after '[': a value or ']'
const OBJECT_FIRST = 2; // after '{': a key or '}'
const KEY = 3; // after ',' in an object: a key
const COLON = 4;
const AFTER = 5; // after a value: ',' or the closing bracket (or the end, at the top)
const STRING = 6;
const NUMBER = 7;
const LITERAL = 8;
const DONE = 9; // the top-level value ended: only whitespace may follow

const IN_OBJECT = 1;
const IN_ARRAY = 2;

const NUMBER_RE = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/u;
const LITERALS = ['true', 'false', 'null'] as const;
const LITERAL_VALUES = [true, false, null] as const;

const isSpace = (b: number): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
const isNumberByte = (b: number): boolean =>
  (b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x2b || b === 0x2e || b === 0x65 || b === 0x45;

/** Decodes the bytes of a JSON string's content (between the quotes), checking them. */
function decodeContent(bytes: Uint8Array, start: number, end: number): string {
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let p = start; p < end; p += 1) {
    const b = buffer[p]!;
    if (b < 0x20) throw new JsonSyntaxError('a control character in a string');
    if (b === 0x5c) {
      try {
        return JSON.parse(`"${buffer.toString('utf8', start, end)}"`) as string;
      } catch {
        throw new JsonSyntaxError('a bad escape in a string');
      }
    }
  }
  return buffer.toString('utf8', start, end);
}

/** Where to cut kept string bytes so that no escape sequence or UTF-8 character is split. */
function safeCut(bytes: Uint8Array, end: number): number {
  let cut = end;
  for (let p = end - 1; p >= 0 && p >= end - 6; p -= 1) {
    if (bytes[p] !== 0x5c) continue;
    let run = 1;
    while (p - run >= 0 && bytes[p - run] === 0x5c) run += 1;
    if (run % 2 === 1) {
      // p starts an escape: \uXXXX is six bytes, the others two.
      const length = bytes[p + 1] === 0x75 ? 6 : 2;
      if (p + length > end) cut = p;
    }
    break;
  }
  // A UTF-8 lead byte whose continuation bytes were cut off.
  let p = cut - 1;
  let continuation = 0;
  while (p >= 0 && continuation < 3 && ((bytes[p] ?? 0) & 0xc0) === 0x80) {
    p -= 1;
    continuation += 1;
  }
  if (p >= 0) {
    const lead = bytes[p] ?? 0;
    const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if (need > continuation + 1) cut = p;
  }
  return cut;
}

export class JsonTokenizer {
  private readonly handler: JsonHandler;
  private state = VALUE;
  private readonly stack: number[] = [];
  /** While skipping a container: the stack depth it was opened at (-1: not skipping). */
  private skipBelow = -1;
  /** The next value is skipped (its key said so). */
  private skipNext = false;
  /** Whether anything but whitespace was seen. */
  private sawValue = false;

  // The string being read.
  private stringIsKey = false;
  private stringSkipped = false;
  private stringLimit = 0;
  private stringKept = 0;
  private stringCut = false;
  private stringEscape = false;
  private stringParts: Buffer[] = [];

  // The number or literal being read.
  private token = '';
  private literal = 0;
  private literalAt = 0;

  constructor(handler: JsonHandler) {
    this.handler = handler;
  }

  /** Whether the input held anything but whitespace. */
  get started(): boolean {
    return this.sawValue;
  }

  private get skipping(): boolean {
    return this.skipBelow !== -1;
  }

  write(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const n = buf.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case STRING:
          i = this.readString(buf, i, n);
          break;
        case NUMBER: {
          const start = i;
          while (i < n && isNumberByte(buf[i]!)) i += 1;
          this.token += buf.toString('latin1', start, i);
          if (i < n) this.endNumber();
          break;
        }
        case LITERAL: {
          const word = LITERALS[this.literal]!;
          while (i < n && this.literalAt < word.length) {
            if (buf[i] !== word.charCodeAt(this.literalAt)) throw new JsonSyntaxError('a bad word');
            i += 1;
            this.literalAt += 1;
          }
          if (this.literalAt === word.length) {
            if (!this.skipping && !this.takeSkipNext())
              this.handler.literal(LITERAL_VALUES[this.literal]!);
            this.afterValue();
          }
          break;
        }
        default: {
          const b = buf[i]!;
          i += 1;
          if (isSpace(b)) break;
          this.structural(b);
        }
      }
    }
  }

  /** The input ended: throws unless it was one complete JSON value. */
  end(): void {
    if (this.state === NUMBER && this.stack.length === 0) this.endNumber();
    if (this.state !== DONE) throw new JsonSyntaxError('the input ended inside a value');
  }

  private takeSkipNext(): boolean {
    const skip = this.skipNext;
    this.skipNext = false;
    return skip;
  }

  private structural(b: number): void {
    this.sawValue = true;
    switch (this.state) {
      case VALUE:
      case ARRAY_FIRST:
        if (b === 0x5d && this.state === ARRAY_FIRST) {
          this.close(IN_ARRAY);
          return;
        }
        this.startValue(b);
        return;
      case OBJECT_FIRST:
      case KEY:
        if (b === 0x7d && this.state === OBJECT_FIRST) {
          this.close(IN_OBJECT);
          return;
        }
        if (b !== 0x22) throw new JsonSyntaxError('expected a key');
        this.startString(true);
        return;
      case COLON:
        if (b !== 0x3a) throw new JsonSyntaxError("expected ':'");
        this.state = VALUE;
        return;
      case AFTER: {
        const top = this.stack.at(-1);
        if (b === 0x2c && top !== undefined) {
          this.state = top === IN_OBJECT ? KEY : VALUE;
          return;
        }
        if (b === 0x7d && top === IN_OBJECT) {
          this.close(IN_OBJECT);
          return;
        }
        if (b === 0x5d && top === IN_ARRAY) {
          this.close(IN_ARRAY);
          return;
        }
        throw new JsonSyntaxError('expected , or a closing bracket');
      }
      default:
        throw new JsonSyntaxError('text after the JSON value');
    }
  }

  private startValue(b: number): void {
    if (b === 0x7b || b === 0x5b) {
      const kind = b === 0x7b ? IN_OBJECT : IN_ARRAY;
      if (!this.skipping) {
        const wanted =
          !this.takeSkipNext() &&
          (kind === IN_OBJECT ? this.handler.startObject() : this.handler.startArray());
        if (!wanted) this.skipBelow = this.stack.length;
      }
      this.stack.push(kind);
      this.state = kind === IN_OBJECT ? OBJECT_FIRST : ARRAY_FIRST;
      return;
    }
    if (b === 0x22) {
      this.startString(false);
      return;
    }
    if (b === 0x2d || (b >= 0x30 && b <= 0x39)) {
      this.token = String.fromCharCode(b);
      this.state = NUMBER;
      return;
    }
    const literal = b === 0x74 ? 0 : b === 0x66 ? 1 : b === 0x6e ? 2 : -1;
    if (literal < 0) throw new JsonSyntaxError('expected a value');
    this.literal = literal;
    this.literalAt = 1;
    this.state = LITERAL;
  }

  private close(kind: number): void {
    this.stack.pop();
    if (this.skipping) {
      if (this.stack.length === this.skipBelow) this.skipBelow = -1;
    } else if (kind === IN_OBJECT) this.handler.endObject();
    else this.handler.endArray();
    this.afterValue();
  }

  private afterValue(): void {
    this.state = this.stack.length === 0 ? DONE : AFTER;
  }

  private endNumber(): void {
    if (!NUMBER_RE.test(this.token)) throw new JsonSyntaxError('a bad number');
    if (!this.skipping && !this.takeSkipNext()) this.handler.number(Number(this.token));
    this.token = '';
    this.afterValue();
  }

  private startString(isKey: boolean): void {
    this.stringIsKey = isKey;
    this.stringSkipped = this.skipping || (!isKey && this.skipNext);
    if (!isKey) this.skipNext = false;
    this.stringLimit = this.stringSkipped
      ? 0
      : isKey
        ? KEY_LIMIT
        : Math.max(0, Math.floor(this.handler.stringLimit()));
    this.stringKept = 0;
    this.stringCut = false;
    this.stringEscape = false;
    this.stringParts = [];
    this.state = STRING;
  }

  /** Reads string content from `start`; returns where reading stopped (after the closing quote). */
  private readString(buf: Buffer, start: number, n: number): number {
    let from = start;
    if (this.stringEscape) {
      // The previous chunk ended with the backslash: this byte is escaped.
      from += 1;
      this.stringEscape = false;
    }
    let floor = from;
    for (;;) {
      const quote = from < n ? buf.indexOf(0x22, from) : -1;
      if (quote === -1) {
        let k = n - 1;
        while (k >= floor && buf[k] === 0x5c) k -= 1;
        this.stringEscape = (n - 1 - k) % 2 === 1;
        this.keep(buf, start, n);
        return n;
      }
      let k = quote - 1;
      while (k >= floor && buf[k] === 0x5c) k -= 1;
      if ((quote - 1 - k) % 2 === 1) {
        from = quote + 1;
        floor = from;
        continue;
      }
      this.finishString(buf, start, quote);
      return quote + 1;
    }
  }

  /** Keeps bytes [start, end) of the string, up to its limit. */
  private keep(buf: Buffer, start: number, end: number): void {
    const room = this.stringLimit - this.stringKept;
    const take = Math.min(room, end - start);
    if (take < end - start) this.stringCut = true;
    if (take > 0) {
      this.stringParts.push(Buffer.from(buf.subarray(start, start + take)));
      this.stringKept += take;
    }
  }

  private finishString(buf: Buffer, start: number, end: number): void {
    this.state = this.stringIsKey ? COLON : AFTER;
    if (this.stringSkipped) {
      if (!this.stringIsKey) this.afterValue();
      return;
    }
    let value: string;
    let cut: boolean;
    if (this.stringParts.length === 0 && !this.stringCut && end - start <= this.stringLimit) {
      // The common case: the whole string is in this chunk and wanted.
      value = decodeContent(buf, start, end);
      cut = false;
    } else {
      this.keep(buf, start, end);
      const bytes =
        this.stringParts.length === 1 ? this.stringParts[0]! : Buffer.concat(this.stringParts);
      cut = this.stringCut;
      value = decodeContent(bytes, 0, cut ? safeCut(bytes, bytes.length) : bytes.length);
    }
    this.stringParts = [];
    if (this.stringIsKey) {
      if (!this.handler.key(cut ? `${value}\u0000` : value)) this.skipNext = true;
      return;
    }
    this.handler.string(value, cut);
    this.afterValue();
  }
}
