import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CaptureError,
  MAX_BODY_BYTES,
  MAX_HAR_BYTES,
  MAX_TEXT_BYTES,
  parseCapture,
  readCapture,
  type CaptureFormat,
} from '../../src/explain/parse.js';
import { FINDING_CODES, type FindingCode } from '../../src/types.js';

const DIR = new URL('../../fixtures/explain/', import.meta.url);

interface FixtureEntry {
  file: string;
  format: CaptureFormat;
  expectedCode: FindingCode;
  source: string;
  exchanges: number;
  failingExchange: number;
  status: number;
  product: 'cloud' | 'data-center';
  secrets: string[];
  usernames?: string[];
  notes?: string;
  signature?: string;
}

const index = JSON.parse(await readFile(new URL('index.json', DIR), 'utf8')) as FixtureEntry[];
const bad = JSON.parse(await readFile(new URL('bad/index.json', DIR), 'utf8')) as {
  file: string;
  error: string;
}[];

describe('fixtures/explain', () => {
  it('has an entry for every capture format and the codes the issue names', () => {
    const formats = new Set(index.map((f) => f.format));
    expect([...formats].sort()).toEqual(['curl-include', 'curl-verbose', 'har', 'raw-http']);
    const codes = new Set(index.map((f) => f.expectedCode));
    for (const code of [
      'HEADER_SCHEME_CASE',
      'API_TOKEN_NEEDS_EMAIL',
      'ACCOUNT_PASSWORD_REJECTED',
      'TOKEN_EXPIRED',
      'SCOPE_MISSING',
      'API_V1_REMOVED',
      'ENDPOINT_REMOVED',
      'RATE_LIMITED',
      'CONSUMER_NOT_PRIVATE',
      'CONSUMER_NO_CALLBACK',
      'API_TOKEN_AS_BEARER',
    ] as const) {
      expect(codes, code).toContain(code);
    }
    for (const f of index) {
      expect(FINDING_CODES).toContain(f.expectedCode);
      expect(f.source).toMatch(/§\d|https?:\/\/|curl\(1\)/);
    }
  });

  it.each(index)('$file parses as $format with $exchanges exchange(s)', async (fixture) => {
    const raw = await readFile(new URL(fixture.file, DIR));
    const { format, exchanges } = parseCapture(raw, fixture.file);
    expect(format).toBe(fixture.format);
    expect(exchanges).toHaveLength(fixture.exchanges);
    const failing = exchanges[fixture.failingExchange - 1];
    expect(failing?.response?.status).toBe(fixture.status);
    for (const exchange of exchanges) {
      for (const name of [
        ...Object.keys(exchange.request.headers),
        ...Object.keys(exchange.response?.headers ?? {}),
      ]) {
        expect(name).toBe(name.toLowerCase());
      }
      for (const value of Object.values(exchange.response?.headers ?? {}))
        expect(value).not.toMatch(/\r/);
      expect(Buffer.byteLength(exchange.response?.body ?? '')).toBeLessThanOrEqual(MAX_BODY_BYTES);
      expect(exchange.label).toContain(fixture.file);
    }
    // The secrets listed for redaction tests really are in the capture.
    for (const secret of fixture.secrets) {
      const inText = raw.toString('utf8').includes(secret);
      const inBasic = (fixture.usernames ?? []).some((u) =>
        raw.toString('utf8').includes(Buffer.from(`${u}:${secret}`).toString('base64')),
      );
      expect(inText || inBasic, `${fixture.file}: secret present`).toBe(true);
    }
  });

  it('keeps the request of the seed story, with its lowercase scheme', async () => {
    const { exchanges } = parseCapture(
      await readFile(new URL('seed-bearer-lowercase.curl-v.txt', DIR)),
      'seed',
    );
    const [exchange] = exchanges;
    expect(exchange?.request).toMatchObject({
      method: 'GET',
      url: 'https://api.bitbucket.org/2.0/repositories/acme/secret-repo/commits/master',
    });
    expect(exchange?.request.headers['authorization']).toMatch(/^bearer \S+$/);
    expect(exchange?.response?.body).toMatch(/make sure you are authenticated\."}}$/);
    expect(Object.keys(exchange?.traceIds ?? {})).toEqual([
      'x-b3-traceid',
      'x-b3-spanid',
      'x-trace-id',
    ]);
  });

  it('reads the curl -v capture with the progress meter and the body after the verbose lines', async () => {
    const { exchanges } = parseCapture(
      await readFile(new URL('consumer-no-callback.curl-v.txt', DIR)),
      'x',
    );
    expect(exchanges[0]?.request).toMatchObject({
      method: 'POST',
      url: 'https://bitbucket.org/site/oauth2/access_token',
    });
    expect(exchanges[0]?.response?.body).toBe(
      '{"error_description": "No callback uri defined for the OAuth client.", "error": "invalid_request"}',
    );
  });

  it('reads the HAR: base64 bodies, truncation, durations, blocked requests, pseudo-headers dropped', async () => {
    const { exchanges } = parseCapture(
      await readFile(new URL('browser-session.har', DIR)),
      'browser-session.har',
    );
    const [user, repos, prs, blocked] = exchanges;
    expect(JSON.parse(user?.response?.body ?? '{}')).toMatchObject({ username: 'jdoe' });
    expect(user?.durationMs).toBe(187);
    expect(user?.request.headers[':authority']).toBeUndefined();
    // Kept whole up to MAX_BODY_BYTES (the report cuts at 4 KB, after redaction).
    expect(repos?.response?.bodyTruncated).toBeUndefined();
    expect(Buffer.byteLength(repos?.response?.body ?? '')).toBeGreaterThan(4096);
    expect(Buffer.byteLength(repos?.response?.body ?? '')).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(prs?.response?.headers['x-accepted-oauth-scopes']).toBe('pullrequest');
    expect(blocked?.response).toBeUndefined();
    expect(blocked?.error).toEqual({ code: 'NO_RESPONSE', message: 'net::ERR_BLOCKED_BY_CLIENT' });
  });

  it('follows the redirect chain of curl -i -L from the copied command line', async () => {
    const { exchanges } = parseCapture(
      await readFile(new URL('redirect-http-to-https.curl-i.txt', DIR)),
      'x',
    );
    expect(exchanges.map((e) => [e.request.method, e.request.url, e.response?.status])).toEqual([
      ['GET', 'http://api.bitbucket.org/2.0/repositories/acme/secret-repo', 301],
      ['GET', 'https://api.bitbucket.org/2.0/repositories/acme/secret-repo', 404],
    ]);
    // curl -L does not resend -u credentials to another port or scheme.
    expect(exchanges[0]?.request.headers['authorization']).toMatch(/^Basic /);
    expect(exchanges[1]?.request.headers['authorization']).toBeUndefined();
  });

  it('keeps only the final response after 100 Continue', async () => {
    const { exchanges } = parseCapture(
      await readFile(new URL('continue-100.curl-i.txt', DIR)),
      'x',
    );
    expect(exchanges.map((e) => e.response?.status)).toEqual([400]);
    expect(exchanges[0]?.request).toEqual({ method: '', url: '', headers: {} });
  });

  it('reads Data Center captures with their request ids', async () => {
    const captcha = parseCapture(await readFile(new URL('dc-captcha.raw.txt', DIR)), 'x')
      .exchanges[0];
    expect(captcha?.response?.headers['www-authenticate']).toBe(
      'Basic realm="Atlassian Bitbucket"',
    );
    expect(captcha?.traceIds).toEqual({ 'x-arequestid': '@1K2L3M4x733x1842x0' });
    expect(JSON.parse(captcha?.response?.body ?? '{}')).toMatchObject({
      errors: [
        { exceptionName: 'com.atlassian.bitbucket.auth.CaptchaRequiredAuthenticationException' },
      ],
    });
    const denied = parseCapture(await readFile(new URL('dc-not-permitted.curl-v.txt', DIR)), 'x')
      .exchanges[0];
    expect(denied?.response?.headers['x-ausername']).toBe('jdoe');
  });
});

describe('parseCapture formats', () => {
  it('reads several curl -i responses and a raw response with LF or CRLF', () => {
    const lf = parseCapture('HTTP/1.1 401 Unauthorized\nContent-Type: text/plain\n\nnope\n');
    expect(lf).toMatchObject({
      format: 'raw-http',
      exchanges: [{ response: { status: 401, body: 'nope' } }],
    });
    const crlf = parseCapture('HTTP/2 200 \r\ncontent-type: application/json\r\n\r\n{"a":1}');
    expect(crlf).toMatchObject({
      format: 'curl-include',
      exchanges: [{ response: { status: 200, body: '{"a":1}' } }],
    });
    const chain = parseCapture(
      'HTTP/1.1 302 Found\r\nLocation: /2.0/b\r\n\r\nHTTP/1.1 200 OK\r\nX-Request-Id: r1\r\n\r\nok',
    );
    expect(chain.format).toBe('curl-include');
    expect(chain.exchanges.map((e) => e.response?.status)).toEqual([302, 200]);
    expect(chain.exchanges[1]?.request.url).toBe('/2.0/b');
    expect(chain.exchanges[1]?.traceIds).toEqual({ 'x-request-id': 'r1' });
  });

  it('joins repeated and folded headers, and keeps a request body', () => {
    const { exchanges } = parseCapture(
      'POST /site/oauth2/access_token HTTP/1.1\nHost: 127.0.0.1:8080\n\ngrant_type=refresh_token\n\nHTTP/1.1 400 Bad Request\nVary: A\nVary: B\nX-Long: one\n  two\n\n{}',
    );
    expect(exchanges[0]?.request).toEqual({
      method: 'POST',
      url: 'http://127.0.0.1:8080/site/oauth2/access_token',
      headers: { host: '127.0.0.1:8080' },
      body: 'grant_type=refresh_token',
    });
    expect(exchanges[0]?.response?.headers).toEqual({ vary: 'A, B', 'x-long': 'one two' });
  });

  it('reads curl -v with -L, -i duplicates, a curl error and HTTP/1.1 over plain http', () => {
    const text = [
      '*   Trying 127.0.0.1:8080...',
      '* Connected to 127.0.0.1 (127.0.0.1) port 8080',
      '> GET /a HTTP/1.1',
      '> Host: 127.0.0.1:8080',
      '> Authorization: Bearer abc',
      '>',
      '< HTTP/1.1 301 Moved Permanently',
      '< Location: http://127.0.0.1:8080/b',
      '<',
      'HTTP/1.1 301 Moved Permanently',
      'Location: http://127.0.0.1:8080/b',
      '',
      "* Issue another request to this URL: 'http://127.0.0.1:8080/b'",
      '> GET /b HTTP/1.1',
      '> Host: 127.0.0.1:8080',
      '>',
      '< HTTP/1.1 500 Internal Server Error',
      '< Content-Length: 4',
      '<',
      'HTTP/1.1 500 Internal Server Error',
      'Content-Length: 4',
      '',
      'oops* Closing connection',
      '*   Trying 10.0.0.1:443...',
      '> GET /c HTTP/1.1',
      '> Host: unreachable.example.com',
      '>',
      'curl: (28) Operation timed out after 5000 milliseconds with 0 bytes received',
    ].join('\n');
    const { format, exchanges } = parseCapture(text);
    expect(format).toBe('curl-verbose');
    expect(
      exchanges.map((e) => [e.request.url, e.response?.status, e.response?.body, e.error?.code]),
    ).toEqual([
      ['http://127.0.0.1:8080/a', 301, '', undefined],
      ['http://127.0.0.1:8080/b', 500, 'oops', undefined],
      ['https://unreachable.example.com/c', undefined, undefined, 'CURLE_28'],
    ]);
  });

  it('reads a curl -v copy with only the < lines, and drops a proxy CONNECT', () => {
    const onlyResponse = parseCapture(
      '< HTTP/2 401 \n< www-authenticate: Basic realm="Bitbucket.org HTTP"\n< \nLogin failed',
    );
    expect(onlyResponse.exchanges[0]).toMatchObject({
      request: { method: '', url: '' },
      response: { status: 401, body: 'Login failed' },
    });
    const proxied = parseCapture(
      [
        '> CONNECT api.bitbucket.org:443 HTTP/1.1',
        '> Host: api.bitbucket.org:443',
        '>',
        '< HTTP/1.1 200 Connection established',
        '<',
        '* SSL connection using TLSv1.3',
        '> GET /2.0/user HTTP/1.1',
        '> Host: api.bitbucket.org',
        '>',
        '< HTTP/1.1 401 Unauthorized',
        '<',
      ].join('\n'),
    );
    expect(
      proxied.exchanges.map((e) => [e.request.method, e.request.url, e.response?.status]),
    ).toEqual([['GET', 'https://api.bitbucket.org/2.0/user', 401]]);
  });

  it('reads UTF-16 files (PowerShell redirection) and a UTF-8 BOM', () => {
    const text = 'HTTP/1.1 429 Too Many Requests\r\n\r\nslow down';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(parseCapture(utf16).exchanges[0]?.response?.status).toBe(429);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    expect(parseCapture(bom).exchanges[0]?.response?.body).toBe('slow down');
  });

  it('cuts bodies at MAX_BODY_BYTES on a character boundary', () => {
    const body = 'é'.repeat(MAX_BODY_BYTES / 2 + 500);
    const response = parseCapture(`HTTP/1.1 200 OK\n\n${body}`).exchanges[0]?.response;
    expect(response?.bodyTruncated).toBe(true);
    expect(response?.body).toBe('é'.repeat(MAX_BODY_BYTES / 2));
  });
});

describe('bad input', () => {
  it.each(bad)('$file → CaptureError "$error"', async ({ file, error }) => {
    const raw = await readFile(new URL(file, DIR));
    expect(() => parseCapture(raw, file)).toThrow(CaptureError);
    expect(() => parseCapture(raw, file)).toThrow(error);
  });

  it('rejects binary input', () => {
    const png = Buffer.concat([
      Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
      randomBytes(2048),
    ]);
    expect(() => parseCapture(png, 'screenshot.png')).toThrow(
      'screenshot.png is a binary file, not text',
    );
    const noise = Buffer.from(
      Array.from({ length: 4096 }, (_, i) => (i * 37 + 11) % 256).filter((b) => b !== 0),
    );
    expect(() => parseCapture(noise, 'noise')).toThrow(/binary/);
    expect(() => parseCapture(Buffer.from('HTTP/1.1 200 OK\n\u0000\u0001\n\n'), 'nul')).toThrow(
      /binary/,
    );
  });

  it('checks the size before parsing', () => {
    const big = Buffer.alloc(MAX_TEXT_BYTES + 1, 0x61);
    expect(() => parseCapture(big, 'big.txt')).toThrow('big.txt is larger than 20 MB');
  });

  it('never quotes the input in an error', () => {
    const secret = 'ATATT3xFfGF0-never-in-errors';
    for (const text of [
      `{"log": "${secret}"`,
      `Authorization: Bearer ${secret}`,
      `{"token": "${secret}"}`,
    ]) {
      try {
        parseCapture(text, 'x');
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(CaptureError);
        expect(String(error)).not.toContain(secret);
        expect((error as Error).message).not.toContain('\n');
      }
    }
  });
});

describe('readCapture', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bbd-capture-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file and stdin', async () => {
    const file = join(dir, 'c.txt');
    await writeFile(file, 'HTTP/1.1 401 Unauthorized\n\n');
    expect(await readCapture(file)).toEqual({
      text: Buffer.from('HTTP/1.1 401 Unauthorized\n\n'),
      name: file,
    });
    const stdin = new PassThrough();
    const reading = readCapture('-', stdin);
    stdin.end('HTTP/2 404 \n\n');
    expect(await reading).toEqual({ text: Buffer.from('HTTP/2 404 \n\n'), name: 'stdin' });
  });

  it('throws one clear line for a missing file or a directory', async () => {
    await expect(readCapture(join(dir, 'missing.har'))).rejects.toThrow(
      `${join(dir, 'missing.har')}: no such file`,
    );
    await mkdir(join(dir, 'sub'));
    await expect(readCapture(join(dir, 'sub'))).rejects.toThrow(CaptureError);
    await expect(readCapture(join(dir, 'sub'))).rejects.toThrow(
      'is a directory, not a capture file',
    );
  });

  it('stops reading stdin past 20 MB', async () => {
    const stdin = new PassThrough();
    const reading = readCapture('-', stdin);
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    for (let i = 0; i < 21; i += 1) stdin.write(chunk);
    await expect(reading).rejects.toThrow('stdin is larger than 20 MB');
    expect(stdin.destroyed).toBe(true);
  });

  it('streams a HAR larger than the text cap, and hands it over parsed', async () => {
    const file = join(dir, 'session.har');
    const asset = JSON.stringify({
      request: { method: 'GET', url: 'https://cdn.example.net/a.png', headers: [] },
      response: {
        status: 200,
        headers: [{ name: 'content-type', value: 'image/png' }],
        content: { mimeType: 'image/png', encoding: 'base64', text: 'A'.repeat(100_000) },
      },
    });
    const failing = JSON.stringify({
      request: { method: 'GET', url: 'https://api.bitbucket.org/2.0/user', headers: [] },
      response: {
        status: 401,
        headers: [{ name: 'content-type', value: 'application/json' }],
        content: { mimeType: 'application/json', text: '{"type":"error"}' },
      },
    });
    const entries = Array.from({ length: 250 }, (_, i) => (i === 120 ? failing : asset));
    await writeFile(file, `{"log": {"entries": [${entries.join(',')}]}}`);
    const { text, name } = await readCapture(file);
    expect(Buffer.isBuffer(text)).toBe(false);
    const capture = parseCapture(text, name);
    expect(capture.format).toBe('har');
    expect(capture.entries).toBe(250);
    expect(capture.exchanges.find((e) => e.response?.status === 401)?.label).toBe(
      `${file} entry 121`,
    );
  });

  it('streams a HAR from stdin, in UTF-16 or with a BOM, and refuses a binary .har', async () => {
    const har = '{"log": {"entries": [{"request": {"url": "https://bitbucket.org/x"}}]}}';
    for (const bytes of [
      Buffer.from(har),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(har)]),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(har, 'utf16le')]),
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(har, 'utf16le').swap16()]),
    ]) {
      const stdin = new PassThrough();
      const reading = readCapture('-', stdin);
      // Odd chunk sizes: UTF-16 code units and the BOM split across chunks.
      for (let i = 0; i < bytes.length; i += 7) stdin.write(bytes.subarray(i, i + 7));
      stdin.end();
      const { exchanges } = parseCapture((await reading).text);
      expect(exchanges[0]?.request.url).toBe('https://bitbucket.org/x');
      expect(parseCapture(bytes).exchanges[0]?.request.url).toBe('https://bitbucket.org/x');
    }
    const png = join(dir, 'screenshot.har');
    await writeFile(
      png,
      Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(4096)]),
    );
    await expect(readCapture(png)).rejects.toThrow('screenshot.har is a binary file, not text');
    const broken = join(dir, 'broken.har');
    await writeFile(broken, '{"log": {"entries": [');
    await expect(readCapture(broken)).rejects.toThrow('broken.har is not valid JSON');
  });

  it('refuses a large file from its size, without reading it', async () => {
    // Sparse files: the size is set, nothing is written.
    const har = join(dir, 'big.har');
    await writeFile(har, '{');
    await truncate(har, MAX_HAR_BYTES + 1);
    await expect(readCapture(har)).rejects.toThrow('big.har is larger than 2 GB');
    const text = join(dir, 'big.txt');
    await writeFile(text, 'HTTP/1.1 401 Unauthorized\n\n');
    await truncate(text, MAX_TEXT_BYTES + 10);
    await expect(readCapture(text)).rejects.toThrow('big.txt is larger than 20 MB');
  });
});
