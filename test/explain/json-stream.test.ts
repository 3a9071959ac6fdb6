import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  JsonSyntaxError,
  JsonTokenizer,
  KEY_LIMIT,
  type JsonHandler,
} from '../../src/explain/json-stream.js';

/** Builds every value (strings kept up to `limit` bytes), as JSON.parse would. */
class Builder implements JsonHandler {
  readonly stack: { value: unknown[] | Record<string, unknown>; key?: string }[] = [];
  result: unknown;
  readonly cuts: string[] = [];
  private readonly limit: number;
  constructor(limit = Number.MAX_SAFE_INTEGER) {
    this.limit = limit;
  }
  private put(value: unknown): void {
    const top = this.stack.at(-1);
    if (top === undefined) this.result = value;
    else if (Array.isArray(top.value)) top.value.push(value);
    // An own property even for "__proto__", as JSON.parse makes it.
    else
      Object.defineProperty(top.value, top.key!, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  startObject(): boolean {
    this.stack.push({ value: {} });
    return true;
  }
  startArray(): boolean {
    this.stack.push({ value: [] });
    return true;
  }
  endObject(): void {
    this.put(this.stack.pop()!.value);
  }
  endArray(): void {
    this.put(this.stack.pop()!.value);
  }
  key(name: string): boolean {
    this.stack.at(-1)!.key = name;
    return true;
  }
  stringLimit(): number {
    return this.limit;
  }
  string(value: string, cut: boolean): void {
    if (cut) this.cuts.push(value);
    this.put(value);
  }
  number(value: number): void {
    this.put(value);
  }
  literal(value: boolean | null): void {
    this.put(value);
  }
}

/** Tokenizes `text` fed in chunks of `size` bytes. */
function tokenize(text: string | Buffer, size: number, handler: JsonHandler): void {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const tokenizer = new JsonTokenizer(handler);
  for (let i = 0; i < bytes.length; i += size) tokenizer.write(bytes.subarray(i, i + size));
  tokenizer.end();
}

function parse(text: string | Buffer, size = 1 << 20, limit?: number): unknown {
  const builder = new Builder(limit);
  tokenize(text, size, builder);
  return builder.result;
}

describe('JsonTokenizer', () => {
  it('builds what JSON.parse builds, whatever the chunking', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.integer({ min: 1, max: 64 }),
        fc.constantFrom(undefined, 2, '\t'),
        (value, size, indent) => {
          const text = JSON.stringify(value, null, indent);
          expect(parse(text, size)).toEqual(JSON.parse(text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('decodes escapes, surrogate pairs and UTF-8 split across chunks', () => {
    const text = JSON.stringify({
      a: 'quote " backslash \\ slash / \b\f\n\r\t \u0001 é 中 😀',
      'k\u00e9y': ['\\', '\\"', '"\\'],
    });
    for (const size of [1, 2, 3, 5, 7]) expect(parse(text, size)).toEqual(JSON.parse(text));
    // Escaped forms as a browser may write them.
    expect(parse('"\\u00e9\\ud83d\\ude00\\/"', 1)).toBe('é😀/');
  });

  it('rejects what JSON.parse rejects', () => {
    for (const text of [
      '',
      '   ',
      '{',
      '{"a":1',
      '{"a" 1}',
      '{"a":1,}',
      '[1,]',
      '[1 2]',
      '{a:1}',
      "{'a':1}",
      '"unterminated',
      '"bad \\x escape"',
      '"tab\there"',
      '01',
      '1.',
      '-',
      '1e',
      '+1',
      'tru',
      'nul',
      'True',
      '{"a":1}}',
      '{"a":1} x',
      '[] []',
      'NaN',
    ]) {
      expect(() => JSON.parse(text) as unknown, text).toThrow();
      for (const size of [1, 3, 1000]) {
        expect(() => parse(text, size), `${text} in chunks of ${size}`).toThrow(JsonSyntaxError);
      }
    }
  });

  it('agrees with JSON.parse on mutated JSON (kept strings)', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.nat(),
        fc.constantFrom('', '"', '\\', ',', '}', ']', ':', '{', 'x', '\u0001', ' '),
        (value, at, insert) => {
          const json = JSON.stringify(value);
          const cut = at % (json.length + 1);
          const text = json.slice(0, cut) + insert + json.slice(cut);
          let expected: unknown;
          try {
            expected = JSON.parse(text);
          } catch {
            expect(() => parse(text, 3)).toThrow(JsonSyntaxError);
            return;
          }
          expect(parse(text, 3)).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps only the first bytes of a long string, on a character and escape boundary', () => {
    const builder = new Builder(10);
    const long = ['0123456789abcdef', 'short', 'ééééééé', 'abcdefghi\nxyz', 'abcdef\u0001xyz'];
    tokenize(JSON.stringify(long), 4, builder);
    // 'é' is two bytes; '\n' is written as two bytes and '\u0001' as six: none is split.
    expect(builder.result).toEqual(['0123456789', 'short', 'ééééé', 'abcdefghi', 'abcdef']);
    expect(builder.cuts).toEqual(['0123456789', 'ééééé', 'abcdefghi', 'abcdef']);
    // Whatever the chunk boundaries, a cut string is reported cut.
    for (const limit of [0, 1, 3, 6]) {
      for (let size = 1; size <= 12; size += 1) {
        const chunked = new Builder(limit);
        tokenize('["abcdef", "ab"]', size, chunked);
        expect(chunked.result, `limit ${limit}, chunks of ${size}`).toEqual([
          'abcdef'.slice(0, limit),
          'ab'.slice(0, limit),
        ]);
        expect(chunked.cuts).toHaveLength((limit < 6 ? 1 : 0) + (limit < 2 ? 1 : 0));
      }
    }
    // 0 bytes: nothing kept, but the string is still skipped correctly.
    expect(parse('["a\\"b\\\\", 1]', 2, 0)).toEqual(['', 1]);
  });

  it('skips a value a key declines, without reporting anything inside it', () => {
    const seen: string[] = [];
    const handler: JsonHandler = {
      startObject: () => (seen.push('{'), true),
      endObject: () => seen.push('}'),
      startArray: () => (seen.push('['), true),
      endArray: () => seen.push(']'),
      key: (name) => (seen.push(name), name !== 'skip'),
      stringLimit: () => 100,
      string: (value) => seen.push(value),
      number: (value) => seen.push(String(value)),
      literal: (value) => seen.push(String(value)),
    };
    tokenize(
      '{"skip": {"a": ["x", {"b": "y"}], "c": "\\" ] }"}, "keep": [1, "z"], "skip": "s", "n": null}',
      3,
      handler,
    );
    expect(seen).toEqual(['{', 'skip', 'keep', '[', '1', 'z', ']', 'skip', 'n', 'null', '}']);
  });

  it('skips a declined container but still checks its grammar', () => {
    const decline: JsonHandler = {
      startObject: () => false,
      startArray: () => false,
      key: () => true,
      endObject: () => undefined,
      endArray: () => undefined,
      stringLimit: () => 0,
      string: () => undefined,
      number: () => undefined,
      literal: () => undefined,
    };
    expect(() => tokenize('{"a": [1, 2}', 1, decline)).toThrow(JsonSyntaxError);
    expect(() => tokenize('{"a": [1, 2]}', 1, decline)).not.toThrow();
  });

  it('cuts keys at KEY_LIMIT bytes and marks them', () => {
    const long = 'k'.repeat(KEY_LIMIT + 10);
    const value = parse(JSON.stringify({ [long]: 1 })) as Record<string, unknown>;
    expect(Object.keys(value)).toEqual([`${'k'.repeat(KEY_LIMIT)}\u0000`]);
  });

  it('reads a 10 MB string in 64 KB chunks keeping 4 KB, and tells whether input started', () => {
    const big = Buffer.from(JSON.stringify({ text: 'x'.repeat(10 * 1024 * 1024) }));
    const builder = new Builder(4096);
    tokenize(big, 65536, builder);
    expect((builder.result as { text: string }).text).toHaveLength(4096);
    const empty = new JsonTokenizer(new Builder());
    empty.write(Buffer.from('  \n '));
    expect(empty.started).toBe(false);
    expect(() => empty.end()).toThrow(JsonSyntaxError);
  });
});
