import { clipExchange } from '../../src/report/model.js';
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, toExchange } from '../../src/explain/exchange.js';
import {
  harEntry,
  HarReader,
  MAX_HAR_EXCHANGES,
  parseHarBytes,
  STRING_LIMIT,
  TIERS,
} from '../../src/explain/har.js';
import { CaptureError, parseCapture } from '../../src/explain/parse.js';
import type { Exchange } from '../../src/types.js';

const DIR = new URL('../../fixtures/explain/', import.meta.url);

/** Feeds `bytes` to a HarReader in chunks of `size` bytes. */
function stream(bytes: Buffer, size: number, name = 'x.har'): ReturnType<HarReader['end']> {
  const reader = new HarReader(name);
  for (let i = 0; i < bytes.length; i += size) reader.write(bytes.subarray(i, i + size));
  return reader.end();
}

/** What reading the whole file with JSON.parse gives (the reader before streaming). */
function whole(text: string, name: string): Exchange[] {
  const { log } = JSON.parse(text) as { log: { entries: unknown[] } };
  return log.entries.flatMap((entry, index) => {
    const draft = harEntry(entry);
    return draft === undefined ? [] : [toExchange(draft, `${name} entry ${String(index + 1)}`)];
  });
}

const h = (name: string, value: string): { name: string; value: string } => ({ name, value });

/** A Chrome-style entry; `status` 0 is a request with no answer. */
function entry(
  url: string,
  status: number,
  options: { mime?: string; text?: string; encoding?: string; headers?: object[] } = {},
): object {
  const mime = options.mime ?? 'application/json';
  return {
    _initiator: { type: 'other' },
    request: {
      method: 'GET',
      url,
      httpVersion: 'http/2.0',
      headers: [h(':method', 'GET'), h('accept', '*/*'), ...(options.headers ?? [])],
      cookies: [],
      queryString: [],
    },
    response: {
      status,
      statusText: '',
      headers: [h('content-type', mime)],
      cookies: [],
      content: {
        size: options.text?.length ?? 0,
        mimeType: mime,
        ...(options.text === undefined ? {} : { text: options.text }),
        ...(options.encoding === undefined ? {} : { encoding: options.encoding }),
      },
      _error: null,
    },
    time: 12.5,
    timings: { wait: 10 },
  };
}

const har = (entries: unknown[]): Buffer => Buffer.from(JSON.stringify({ log: { entries } }));
const EXPIRED = '{"type":"error","error":{"message":"Access token expired."}}';
const API_401 = 'https://api.bitbucket.org/2.0/repositories/acme/secret-repo';
const asset = (i: number): object =>
  entry(`https://cdn.example.net/assets/chunk-${String(i)}.png`, 200, {
    mime: 'image/png',
    text: Buffer.alloc(3000, i % 256).toString('base64'),
    encoding: 'base64',
  });

describe('HAR streaming: the same exchanges as reading the whole file', () => {
  for (const file of ['browser-session.har', 'har/firefox-session.har']) {
    it(`${file}, in chunks of 1, 7, 4096 bytes and whole`, async () => {
      const bytes = await readFile(new URL(file, DIR));
      const name = file.split('/').pop()!;
      const before = JSON.parse(
        await readFile(new URL(`har/${name.replace(/\.har$/u, '.before.json')}`, DIR), 'utf8'),
      ) as { exchanges: Exchange[] };
      // The one intended difference: a static asset's body (a 200 image) is no longer kept.
      const expected = before.exchanges.map((exchange) =>
        exchange.response !== undefined &&
        exchange.response.status < 300 &&
        (exchange.response.headers['content-type'] ?? '').includes('image/')
          ? { ...exchange, response: { ...exchange.response, body: '', bodyTruncated: true } }
          : exchange,
      );
      // The reader keeps bodies raw up to MAX_BODY_BYTES; the report cuts them to 4 KB after
      // redaction (clipExchange), which is what the snapshot of the earlier reader holds.
      for (const size of [1, 7, 4096, bytes.length]) {
        expect(stream(bytes, size, name).exchanges.map(clipExchange)).toEqual(expected);
      }
      const parsed = parseCapture(bytes, name);
      expect(parsed.format).toBe('har');
      expect(parsed.exchanges.map(clipExchange)).toEqual(expected);
    });
  }

  it('keeps the Firefox fixture details: form params, redirect, escapes, base64, odd entries', async () => {
    const { exchanges, entries } = parseHarBytes(
      await readFile(new URL('har/firefox-session.har', DIR)),
      'ff.har',
    );
    expect(entries).toBe(8);
    expect(exchanges.map((e) => e.label)).toEqual([
      'ff.har entry 1',
      'ff.har entry 2',
      'ff.har entry 3',
      'ff.har entry 4',
      'ff.har entry 7',
      'ff.har entry 8',
    ]);
    expect(exchanges[0]?.request.body).toBe(
      'grant_type=refresh_token&refresh_token=fx-refresh-token-0000%20%26%20more',
    );
    expect(exchanges[0]?.response?.headers['set-cookie']).toBe('a=1; Path=/, b=2; Path=/');
    expect(exchanges[2]?.response?.body).toContain('"Se connecter" été 😀</p>\t\\end');
    expect(exchanges[3]?.response?.body).toContain('Invalid or expired token');
    expect(exchanges[3]?.request.headers['accept']).toBe('application/json, */*');
    expect(exchanges[5]?.error).toEqual({ code: 'NO_RESPONSE', message: 'NS_ERROR_NET_RESET' });
  });

  it('agrees with JSON.parse on random Bitbucket entries, whatever the chunking', () => {
    const text = fc.string({ unit: 'binary', maxLength: 40 });
    const pairs = fc.array(fc.record({ name: text, value: text }), { maxLength: 4 });
    const anEntry = fc.record(
      {
        time: fc.oneof(fc.double(), fc.constant(-1), fc.string()),
        request: fc.oneof(
          fc.record(
            {
              method: fc.constantFrom('GET', 'POST', ''),
              url: fc.constantFrom(
                API_401,
                'https://bitbucket.org/site/oauth2/access_token',
                'https://api.bitbucket.org/2.0/user',
              ),
              headers: fc.oneof(pairs, fc.constant({})),
              postData: fc.record(
                { mimeType: fc.constant('application/json'), text, params: pairs },
                { requiredKeys: [] },
              ),
              extra: fc.jsonValue(),
            },
            { requiredKeys: ['url'] },
          ),
          fc.string(),
        ),
        response: fc.record(
          {
            status: fc.oneof(fc.constantFrom(0, 200, 302, 401, 403, 500), fc.string()),
            statusText: text,
            headers: pairs,
            _error: fc.oneof(fc.string(), fc.constant(null)),
            content: fc
              .record(
                {
                  mimeType: fc.constantFrom('application/json', 'text/plain', 'text/html'),
                  body: fc.oneof(
                    fc.record(
                      { text, encoding: fc.constantFrom('base64', 'utf8') },
                      { requiredKeys: [] },
                    ),
                    // Long bodies, cut while streaming: text of any kind, or real base64.
                    fc.record({
                      text: fc.string({ unit: 'binary', minLength: 4000, maxLength: 9000 }),
                    }),
                    fc.record({
                      text: fc.base64String({ minLength: 4000, maxLength: 12000 }),
                      encoding: fc.constant('base64'),
                    }),
                  ),
                },
                { requiredKeys: ['body'] },
              )
              .map(({ body, ...rest }) => ({ ...rest, ...body })),
          },
          { requiredKeys: [] },
        ),
        _initiator: fc.jsonValue(),
      },
      { requiredKeys: ['request'] },
    );
    fc.assert(
      fc.property(
        fc.array(fc.oneof(anEntry, fc.jsonValue()), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 300 }),
        fc.constantFrom(undefined, 2),
        (entries, size, indent) => {
          const json = JSON.stringify({ log: { version: '1.2', entries } }, null, indent);
          let expected: Exchange[];
          try {
            expected = whole(json, 'p.har');
          } catch {
            return; // a generated entry that the old reader could not read either
          }
          if (expected.length === 0) return;
          expect(stream(Buffer.from(json), size, 'p.har').exchanges).toEqual(expected);
        },
      ),
      // endOnFailure: shrinking entries of several KB takes minutes; the counterexample is printed.
      { numRuns: 200, endOnFailure: true },
    );
  });
});

describe('HAR streaming: large values', () => {
  it('cuts a 10 MB content.text to 4 KB without holding it', () => {
    const big = 'x'.repeat(10 * 1024 * 1024);
    const bytes = har([
      entry(API_401, 401, { text: `{"message":"${big}"}` }),
      entry('https://api.bitbucket.org/2.0/user', 200, { text: big, mime: 'text/plain' }),
      entry(API_401, 403, {
        text: Buffer.from(`{"error":"${big}"}`).toString('base64'),
        encoding: 'base64',
      }),
    ]);
    const { exchanges } = stream(bytes, 1024 * 1024);
    expect(exchanges).toHaveLength(3);
    for (const exchange of exchanges) {
      expect(Buffer.byteLength(exchange.response?.body ?? '')).toBe(MAX_BODY_BYTES);
      expect(exchange.response?.bodyTruncated).toBe(true);
    }
    expect(exchanges[0]?.response?.body.startsWith('{"message":"xxx')).toBe(true);
    expect(exchanges[2]?.response?.body.startsWith('{"error":"xxx')).toBe(true);
  });

  it('cuts a huge URL or header value at STRING_LIMIT bytes', () => {
    const url = `data:image/png;base64,${'A'.repeat(3 * STRING_LIMIT)}`;
    const { exchanges } = stream(
      har([entry(url, 401, { headers: [h('x-long', 'v'.repeat(2 * STRING_LIMIT))] })]),
      65536,
    );
    expect(exchanges[0]?.request.url).toHaveLength(STRING_LIMIT);
    expect(exchanges[0]?.request.headers['x-long']).toHaveLength(STRING_LIMIT);
  });
});

describe('HAR streaming: not a HAR', () => {
  it.each([
    ['{"type": "error"}', 'is JSON but not a HAR file'],
    ['[1, 2, 3]', 'is JSON but not a HAR file'],
    ['{"log": {}}', 'is JSON but not a HAR file'],
    ['{"log": {"entries": {}}}', 'is JSON but not a HAR file'],
    ['{"log": {"entries": [{"request": {}}]}, "log": 1}', 'is JSON but not a HAR file'],
    ['{"log": {"entries": []}}', 'is a HAR file with no entries'],
    [
      '{"log": {"entries": [1, "two", {"response": {}}]}}',
      'is a HAR file whose entries have no request',
    ],
    ['{"log": {"entries": [', 'is not valid JSON'],
    ['{"log": {"entries": []}} trailing', 'is not valid JSON'],
    ['{"log": {"entries": [{"request": {"url": "\\q"}}]}}', 'is not valid JSON'],
    ['<html>not json</html>', 'is not valid JSON'],
    ['   \n  ', 'is empty'],
  ])('%s → %s', (text, message) => {
    for (const size of [1, 5, 1000]) {
      expect(() => stream(Buffer.from(text), size, 'n.har')).toThrow(CaptureError);
      expect(() => stream(Buffer.from(text), size, 'n.har')).toThrow(`n.har ${message}`);
    }
  });

  it('never quotes the input, in one line', () => {
    const secret = 'ATATT3xFfGF0-never-in-errors';
    for (const text of [`{"log": {"entries": [{"x": "${secret}`, `{"${secret}": 1}`]) {
      try {
        stream(Buffer.from(text), 7);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(CaptureError);
        expect(String(error)).not.toContain(secret);
        expect((error as Error).message).not.toContain('\n');
      }
    }
  });
});

describe('HAR streaming: what is kept', () => {
  it('keeps the Bitbucket 401 among thousands of static 200s, without their bodies', () => {
    const entries = Array.from({ length: 5000 }, (_, i) =>
      i === 2345 ? entry(API_401, 401, { text: EXPIRED }) : asset(i),
    );
    const { exchanges, entries: count } = stream(har(entries), 65536);
    expect(count).toBe(5000);
    const failing = exchanges.filter((e) => (e.response?.status ?? 0) >= 400);
    expect(failing.map((e) => e.label)).toEqual(['x.har entry 2346']);
    expect(failing[0]?.response?.body).toBe(EXPIRED);
    // The others: a bounded tail, in capture order, bodies left out.
    expect(exchanges).toHaveLength(1 + TIERS.OTHER.last);
    const others = exchanges.filter((e) => e !== failing[0]);
    expect(others.every((e) => e.response?.body === '' && e.response.bodyTruncated)).toBe(true);
    expect(others.at(-1)?.label).toBe('x.har entry 5000');
    const numbers = exchanges.map((e) => Number(/entry (\d+)$/u.exec(e.label ?? '')?.[1]));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
  });

  it('a flood of third-party failures does not push out the Bitbucket 401', () => {
    const entries = Array.from({ length: 3000 }, (_, i) =>
      i === 10
        ? entry(API_401, 401, { text: EXPIRED })
        : i % 2 === 0
          ? entry(`https://ads.example.com/pixel-${String(i)}.gif`, 0, { mime: 'image/gif' })
          : entry(`https://cdn.example.net/missing-${String(i)}.js`, 404, { mime: 'text/html' }),
    );
    const { exchanges } = stream(har(entries), 65536);
    expect(exchanges.some((e) => e.response?.status === 401)).toBe(true);
    expect(exchanges).toHaveLength(1 + TIERS.FAILING_OTHER.last);
  });

  it('keeps the request a kept redirect pointed to, and the Bitbucket calls that worked', () => {
    const entries = [
      ...Array.from({ length: 400 }, (_, i) => asset(i)),
      {
        ...entry('https://bitbucket.org/acme/secret-repo', 302, { mime: 'text/html' }),
        response: {
          status: 302,
          headers: [h('location', '/account/signin/')],
          content: { mimeType: 'text/html' },
        },
      },
      ...Array.from({ length: 400 }, (_, i) => asset(i)),
      entry('https://bitbucket.org/account/signin/', 200, { mime: 'text/html', text: '<p>x</p>' }),
      ...Array.from({ length: 400 }, (_, i) => asset(i)),
      entry('https://api.bitbucket.org/2.0/user', 200, { text: '{"username":"alice"}' }),
      ...Array.from({ length: 400 }, (_, i) => asset(i)),
    ];
    const { exchanges } = stream(har(entries), 65536);
    const urls = exchanges.map((e) => e.request.url);
    expect(urls).toContain('https://bitbucket.org/acme/secret-repo');
    expect(urls).toContain('https://bitbucket.org/account/signin/');
    expect(exchanges.find((e) => e.request.url.endsWith('/2.0/user'))?.response?.body).toBe(
      '{"username":"alice"}',
    );
  });

  it('keeps the first and the last Bitbucket failures of a retry loop, at most MAX_HAR_EXCHANGES in all', () => {
    const entries = Array.from({ length: 20_000 }, (_, i) =>
      i % 2 === 0 ? entry(`${API_401}?try=${String(i)}`, 401, { text: EXPIRED }) : asset(i),
    );
    const { exchanges } = stream(har(entries), 1 << 20);
    expect(exchanges.length).toBeLessThanOrEqual(MAX_HAR_EXCHANGES);
    const failing = exchanges.filter((e) => e.response?.status === 401);
    expect(failing).toHaveLength(TIERS.FAILING_AUTH.first + TIERS.FAILING_AUTH.last);
    expect(failing[0]?.label).toBe('x.har entry 1');
    expect(failing.at(-1)?.label).toBe('x.har entry 19999');
  });

  it('reads a HAR of 100k entries', () => {
    const entries = Array.from({ length: 100_000 }, (_, i) =>
      i === 77_777
        ? entry(API_401, 401, { text: EXPIRED })
        : entry(`https://cdn.example.net/a-${String(i)}.css`, 200, {
            mime: 'text/css',
            text: 'body{}',
          }),
    );
    const { exchanges, entries: count } = stream(har(entries), 1 << 20);
    expect(count).toBe(100_000);
    expect(exchanges.length).toBeLessThanOrEqual(MAX_HAR_EXCHANGES);
    expect(exchanges.find((e) => e.response?.status === 401)?.label).toBe('x.har entry 77778');
  });

  it('leaves out request bodies that are uploads, keeps forms', () => {
    const post = (mimeType: string, text: string): object => ({
      request: {
        method: 'POST',
        url: 'https://bitbucket.org/site/oauth2/access_token',
        headers: [],
        postData: { mimeType, text },
      },
      response: { status: 400, headers: [], content: { mimeType: 'application/json', text: '{}' } },
    });
    const { exchanges } = stream(
      har([
        post('application/x-www-form-urlencoded', 'grant_type=client_credentials'),
        post('multipart/form-data; boundary=x', `--x\r\n${'z'.repeat(100_000)}`),
      ]),
      4096,
    );
    expect(exchanges[0]?.request.body).toBe('grant_type=client_credentials');
    expect(exchanges[1]?.request.body).toBeUndefined();
  });
});
