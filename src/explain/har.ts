/**
 * HAR 1.2 for `bb-doctor explain`, read as a stream: a browser's export of a Bitbucket session is
 * often 50-500 MB (up to MAX_HAR_BYTES), nearly all of it the base64 bodies of static assets.
 * Nothing holds the file as one string: bytes go through the incremental tokenizer of
 * json-stream.ts, which builds only the fields below (ENTRY) and hands over one entry at a time;
 * each entry becomes an `Exchange` or is dropped before the next one is read. Memory is bounded by
 * the number of exchanges kept (MAX_HAR_EXCHANGES) times what one keeps, whatever the file's size.
 *
 * What is kept, and why (the diagnosis reads statuses, auth headers, error bodies, redirects and
 * the token fetches of a Bitbucket conversation; a page's images, scripts and fonts say nothing
 * about authentication):
 *
 * - Of an entry, only what `harEntry` reads: method, URL, headers, the request body (postData text
 *   or params), time, status, status text, response headers, `content.text`/`encoding`/`mimeType`
 *   and `_error`. Timings, cookies (they repeat the Cookie/Set-Cookie headers), `_initiator` stacks
 *   and the like are skipped unread. A string field is cut at STRING_LIMIT bytes (a `data:` URL).
 * - Response bodies: only for an answer with status >= 300 (or none), or with a JSON, XML, text or
 *   HTML content type, and never for the OTHER tier below. Anything else (images, fonts, scripts,
 *   style sheets, any base64 content of a static asset) is skipped while streaming, never decoded;
 *   the exchange says `bodyTruncated`. A kept body is read up to RAW_BODY_LIMIT bytes of JSON text
 *   (enough for 4 KB whatever its escapes or base64), then cut at 4 KB like every capture.
 * - Request bodies: form data, JSON and text (a token fetch is a form); uploads (multipart, binary)
 *   are left out.
 * - Which exchanges, by tier, each bounded (capture order is kept in the result):
 *   1. FAILING_AUTH: failed (no answer, status >= 400, or a redirect other than 304) and about
 *      Bitbucket or authentication (a Bitbucket or Atlassian host, an API path, a credential
 *      header, a JSON answer, 401/403/407/429, a WWW-Authenticate header), plus the request a kept
 *      redirect pointed to: the first 250 and the last 250 (the diagnosis is among them; a session
 *      stuck in a retry loop repeats itself).
 *   2. BITBUCKET: the rest of the Bitbucket conversation that succeeded (token fetches, /2.0/user):
 *      the last 200.
 *   3. FAILING_OTHER: other failures (a third-party 404, a request an ad blocker cancelled): the
 *      last 100.
 *   4. OTHER: everything else (static assets, third parties): the last 50, without bodies, so
 *      that a session with no failure still shows what it did.
 *   That is at most MAX_HAR_EXCHANGES = 900 exchanges of at most 4 KB of body each (and 4 KB of
 *   request body), far below the 150 MB budget of a 500 MB HAR.
 */
import { Buffer } from 'node:buffer';

import {
  type CapturedCredential,
  type CapturedTarget,
  CREDENTIAL_KINDS,
  type CredentialKind,
  type Exchange,
} from '../types.js';
import { addHeader, CaptureError, type Draft, MAX_BODY_BYTES, toExchange } from './exchange.js';
import { JsonSyntaxError, JsonTokenizer, type JsonHandler } from './json-stream.js';

/** HAR files up to this size are read (streamed); the text formats have a smaller cap. */
export const MAX_HAR_BYTES = 2 * 1024 * 1024 * 1024;
/** A string field of a HAR entry (a URL, a header value) is kept up to this many bytes. */
export const STRING_LIMIT = 64 * 1024;
/** A kept body is read up to this many bytes: 4 KB even if every byte was written as `\u00XX`. */
export const RAW_BODY_LIMIT = 6 * MAX_BODY_BYTES;

export const TIERS = {
  FAILING_AUTH: { first: 250, last: 250 },
  BITBUCKET: { first: 0, last: 200 },
  FAILING_OTHER: { first: 0, last: 100 },
  OTHER: { first: 0, last: 50 },
} as const;
export type Tier = keyof typeof TIERS;
export const MAX_HAR_EXCHANGES = Object.values(TIERS).reduce((n, t) => n + t.first + t.last, 0);

const EXPECTED = 'expected curl -v or curl -i output, a raw HTTP response, or a HAR file';

// ---------------------------------------------------------------------------------------------
// Which fields are built
// ---------------------------------------------------------------------------------------------

type Leaf = 'value' | 'response-body' | 'request-body';
interface ObjectSchema {
  readonly object: Readonly<Record<string, Schema>>;
}
interface ArraySchema {
  readonly array: Schema;
}
type Schema = Leaf | ObjectSchema | ArraySchema | 'entries';

const PAIRS: ArraySchema = { array: { object: { name: 'value', value: 'value' } } };
const ENTRY: ObjectSchema = {
  object: {
    time: 'value',
    request: {
      object: {
        method: 'value',
        url: 'value',
        headers: PAIRS,
        postData: { object: { mimeType: 'value', text: 'request-body', params: PAIRS } },
      },
    },
    response: {
      object: {
        status: 'value',
        statusText: 'value',
        headers: PAIRS,
        _error: 'value',
        content: { object: { mimeType: 'value', encoding: 'value', text: 'response-body' } },
      },
    },
    // bb-doctor's own HAR (--output run.har) keeps the network error's code.
    _bbDoctor: { object: { error: { object: { code: 'value', message: 'value' } } } },
  },
};
/** The non-secret facts of each credential of a bb-doctor HAR (src/report/render-har.ts). */
const CREDENTIAL: ObjectSchema = {
  object: {
    kind: 'value',
    source: 'value',
    username: 'value',
    shape: 'value',
    fingerprint: 'value',
    length: 'value',
  },
};
const ROOT: ObjectSchema = {
  object: {
    log: {
      object: {
        entries: 'entries',
        _bbDoctor: {
          object: {
            credentials: { array: CREDENTIAL },
            target: {
              object: {
                apiUrl: 'value',
                authUrl: 'value',
                workspace: 'value',
                repo: 'value',
                url: 'value',
              },
            },
          },
        },
      },
    },
  },
};

const isObjectSchema = (s: Schema | undefined): s is ObjectSchema =>
  typeof s === 'object' && 'object' in s;
const isArraySchema = (s: Schema | undefined): s is ArraySchema =>
  typeof s === 'object' && 'array' in s;
const isLeaf = (s: Schema | undefined): s is Leaf =>
  s === 'value' || s === 'response-body' || s === 'request-body';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

// ---------------------------------------------------------------------------------------------
// The relevance rule (see the top of the file)
// ---------------------------------------------------------------------------------------------

/** Content types whose body can say why a call failed, or carry a token. */
const TEXTUAL_RE =
  /json|xml|^\s*text\/(?:plain|html)|x-www-form-urlencoded|^\s*(?:x-unknown)?\s*(?:;|$)/iu;
/** Hosts of Bitbucket Cloud and Atlassian's identity and API gateways. */
const BITBUCKET_HOST_RE = /(?:^|\.)(?:bitbucket\.(?:org|com|io)|atlassian\.(?:com|net))$/iu;
/** Paths of Bitbucket's REST APIs, OAuth, git over HTTP and Data Center's login, on any host. */
const API_PATH_RE =
  /^\/(?:(?:!api\/)?[12]\.0\/|rest\/|site\/oauth2\/|plugins\/servlet\/|j_atl_security_check|login\b)|\/(?:info\/refs|git-upload-pack|git-receive-pack)$/iu;
const CREDENTIAL_HEADER_RE = /^(?:authorization|private-token|x-.*token.*)$/iu;
const STATIC_MIME_RE =
  /^\s*(?:image|font|audio|video)\/|javascript|ecmascript|^\s*text\/css|wasm|octet-stream/iu;

const isTextual = (mime: string | undefined): boolean =>
  mime === undefined || TEXTUAL_RE.test(mime);

/** Whether a response body is worth reading, from what the entry said before its content.text. */
function wantResponseBody(status: unknown, mime: unknown): boolean {
  if (typeof status !== 'number') return true; // not known yet: decided at the end of the entry
  if (status <= 0 || status >= 300) return true;
  return isTextual(str(mime));
}

function hostAndPath(url: string): { host: string; path: string } | undefined {
  try {
    const parsed = new URL(url);
    return { host: parsed.hostname, path: parsed.pathname };
  } catch {
    return undefined;
  }
}

function aboutBitbucket(draft: Draft, mime: string | undefined): boolean {
  if (Object.keys(draft.headers).some((name) => CREDENTIAL_HEADER_RE.test(name))) return true;
  const response = draft.response;
  if (response !== undefined) {
    const type = response.headers['content-type'] ?? mime ?? '';
    if (STATIC_MIME_RE.test(type)) return false;
    if (/json/iu.test(type)) return true;
  }
  const where = hostAndPath(draft.url);
  return (
    where !== undefined && (BITBUCKET_HOST_RE.test(where.host) || API_PATH_RE.test(where.path))
  );
}

export function tierOf(draft: Draft, mime?: string): Tier {
  const response = draft.response;
  const status = response?.status ?? 0;
  const failed = response === undefined || status >= 400 || (status >= 300 && status !== 304);
  if (!failed) return aboutBitbucket(draft, mime) ? 'BITBUCKET' : 'OTHER';
  const auth =
    [401, 403, 407, 429].includes(status) ||
    response?.headers['www-authenticate'] !== undefined ||
    aboutBitbucket(draft, mime);
  return auth ? 'FAILING_AUTH' : 'FAILING_OTHER';
}

const RANK: Record<Tier, number> = { FAILING_AUTH: 0, BITBUCKET: 1, FAILING_OTHER: 2, OTHER: 3 };

/** Keeps the first `first` and the last `last` items added. */
class Bucket {
  private readonly head: { index: number; exchange: Exchange }[] = [];
  private readonly ring: ({ index: number; exchange: Exchange } | undefined)[];
  private next = 0;
  private readonly first: number;

  constructor(first: number, last: number) {
    this.first = first;
    this.ring = new Array<{ index: number; exchange: Exchange } | undefined>(last);
  }

  add(item: { index: number; exchange: Exchange }): void {
    if (this.head.length < this.first) this.head.push(item);
    else if (this.ring.length > 0) {
      this.ring[this.next] = item;
      this.next = (this.next + 1) % this.ring.length;
    }
  }

  items(): { index: number; exchange: Exchange }[] {
    return [...this.head, ...this.ring.filter((item) => item !== undefined)];
  }
}

// ---------------------------------------------------------------------------------------------
// Entries
// ---------------------------------------------------------------------------------------------

function harHeaders(value: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!Array.isArray(value)) return headers;
  for (const header of value) {
    if (!isRecord(header)) continue;
    const name = str(header['name']);
    const text = str(header['value']);
    if (name !== undefined && text !== undefined) addHeader(headers, name, text);
  }
  return headers;
}

/** The draft of one HAR entry (as built: only the ENTRY fields), or undefined without a request. */
export function harEntry(entry: unknown): Draft | undefined {
  if (!isRecord(entry) || !isRecord(entry['request'])) return undefined;
  const request = entry['request'];
  const draft: Draft = {
    method: str(request['method']) ?? '',
    url: str(request['url']) ?? '',
    headers: harHeaders(request['headers']),
    durationMs: 0,
  };
  const time = entry['time'];
  if (typeof time === 'number' && Number.isFinite(time) && time > 0)
    draft.durationMs = Math.round(time);
  const post = request['postData'];
  if (isRecord(post)) {
    const text = str(post['text']);
    const params = post['params'];
    if (text !== undefined) draft.body = text;
    else if (Array.isArray(params)) {
      draft.body = params
        .filter(isRecord)
        .map(
          (p) =>
            `${encodeURIComponent(str(p['name']) ?? '')}=${encodeURIComponent(str(p['value']) ?? '')}`,
        )
        .join('&');
    }
  }
  const response = entry['response'];
  const status = isRecord(response) ? response['status'] : undefined;
  if (!isRecord(response) || typeof status !== 'number' || status <= 0) {
    // Browsers record blocked, cancelled and failed requests with status 0.
    const why = isRecord(response) ? str(response['_error']) : undefined;
    const own = isRecord(entry['_bbDoctor']) ? entry['_bbDoctor']['error'] : undefined;
    draft.error = {
      code: (isRecord(own) ? str(own['code']) : undefined) ?? 'NO_RESPONSE',
      message: why ?? 'no response was recorded (blocked, cancelled or failed)',
    };
    return draft;
  }
  let body = '';
  const content = response['content'];
  if (isRecord(content)) {
    const text = str(content['text']);
    if (text !== undefined) {
      body =
        str(content['encoding']) === 'base64' ? Buffer.from(text, 'base64').toString('utf8') : text;
    }
  }
  draft.response = {
    status,
    reason: str(response['statusText']) ?? '',
    headers: harHeaders(response['headers']),
    body,
  };
  return draft;
}

interface Frame {
  readonly schema: ObjectSchema | ArraySchema | 'entries';
  readonly value: Record<string, unknown> | unknown[] | undefined;
  /** In an object: the schema of the value of the last key. */
  pending?: Schema | undefined;
  key?: string;
}

/** What `HarReader.end` returns. */
export interface HarCapture {
  exchanges: Exchange[];
  /** The number of entries in the HAR (the exchanges are the relevant ones among them). */
  entries: number;
  /** bb-doctor's HAR: `log._bbDoctor.credentials` (kind, username, fingerprint…; no secret). */
  credentials?: CapturedCredential[];
  /** bb-doctor's HAR: the run's target (`log._bbDoctor.target`). */
  target?: CapturedTarget;
}

const capturedTarget = (root: unknown): CapturedTarget | undefined => {
  const log = isRecord(root) ? root['log'] : undefined;
  const own = isRecord(log) ? log['_bbDoctor'] : undefined;
  const target = isRecord(own) ? own['target'] : undefined;
  if (!isRecord(target)) return undefined;
  const out: Record<string, string> = {};
  for (const key of ['apiUrl', 'authUrl', 'workspace', 'repo', 'url'] as const) {
    const value = str(target[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
};

const capturedCredentials = (root: unknown): CapturedCredential[] | undefined => {
  const log = isRecord(root) ? root['log'] : undefined;
  const own = isRecord(log) ? log['_bbDoctor'] : undefined;
  const list = isRecord(own) ? own['credentials'] : undefined;
  if (!Array.isArray(list)) return undefined;
  const kinds: readonly string[] = CREDENTIAL_KINDS;
  return list.flatMap((c, index): CapturedCredential[] => {
    if (!isRecord(c)) return [];
    const kind = str(c['kind']);
    const fp = c['fingerprint'] === null ? null : str(c['fingerprint']);
    const length = c['length'];
    if (
      kind === undefined ||
      !kinds.includes(kind) ||
      fp === undefined ||
      typeof length !== 'number'
    )
      return [];
    const shape = str(c['shape']);
    return [
      {
        kind: kind as CredentialKind,
        source: str(c['source']) ?? 'capture',
        username: str(c['username']),
        ...(shape !== undefined && kinds.includes(shape) ? { shape: shape as CredentialKind } : {}),
        fingerprint: fp,
        length,
        position: index + 1,
      },
    ];
  });
};

/**
 * Reads a HAR given in chunks: `write` each, then `end`. Throws `CaptureError` (one line) when the
 * input is not JSON, not a HAR, or has no entries.
 */
export class HarReader implements JsonHandler {
  private readonly name: string;
  private readonly tokenizer = new JsonTokenizer(this);
  private readonly frames: Frame[] = [];
  private rootSeen = false;
  private sawEntries = false;
  private entryCount = 0;
  private entryIndex = 0;
  private responseBodyCut = false;
  private requestBodyCut = false;
  private buckets = HarReader.newBuckets();
  /** The root object as built (only the fields of ROOT's schema: never the entries). */
  private root: Record<string, unknown> | undefined;
  private redirect: { location: string; tier: Tier } | undefined;

  constructor(name: string) {
    this.name = name;
  }

  private static newBuckets(): Record<Tier, Bucket> {
    return {
      FAILING_AUTH: new Bucket(TIERS.FAILING_AUTH.first, TIERS.FAILING_AUTH.last),
      BITBUCKET: new Bucket(TIERS.BITBUCKET.first, TIERS.BITBUCKET.last),
      FAILING_OTHER: new Bucket(TIERS.FAILING_OTHER.first, TIERS.FAILING_OTHER.last),
      OTHER: new Bucket(TIERS.OTHER.first, TIERS.OTHER.last),
    };
  }

  write(chunk: Uint8Array): void {
    try {
      this.tokenizer.write(chunk);
    } catch (error) {
      throw this.translate(error);
    }
  }

  end(): HarCapture {
    try {
      this.tokenizer.end();
    } catch (error) {
      if (!this.tokenizer.started) throw new CaptureError(`${this.name} is empty: ${EXPECTED}`);
      throw this.translate(error);
    }
    if (!this.sawEntries) {
      throw new CaptureError(
        `${this.name} is JSON but not a HAR file (it has no log.entries); ${EXPECTED}`,
      );
    }
    if (this.entryCount === 0) {
      throw new CaptureError(
        `${this.name} is a HAR file with no entries: record the failing request in the browser's network tab, then export the HAR`,
      );
    }
    const kept = Object.values(this.buckets)
      .flatMap((bucket) => bucket.items())
      .sort((a, b) => a.index - b.index);
    if (kept.length === 0) {
      throw new CaptureError(`${this.name} is a HAR file whose entries have no request`);
    }
    const credentials = capturedCredentials(this.root);
    const target = capturedTarget(this.root);
    return {
      exchanges: kept.map((item) => item.exchange),
      entries: this.entryCount,
      ...(credentials === undefined ? {} : { credentials }),
      ...(target === undefined ? {} : { target }),
    };
  }

  private translate(error: unknown): Error {
    if (error instanceof JsonSyntaxError) {
      // The tokenizer's message never quotes the input; it is not shown either.
      return new CaptureError(
        `${this.name} is not valid JSON, so it is not a HAR file (${EXPECTED}); export the HAR again from the browser's network tab`,
      );
    }
    return error instanceof Error ? error : new Error(String(error));
  }

  // --- JsonHandler ---------------------------------------------------------------------------

  /** The schema of the value that comes next. */
  private expected(): Schema | undefined {
    const top = this.frames.at(-1);
    if (top === undefined) return this.rootSeen ? undefined : ROOT;
    if (top.schema === 'entries') return ENTRY;
    if (isArraySchema(top.schema)) return top.schema.array;
    return top.pending;
  }

  /** A primitive, or a container that was skipped, in the entries array: an entry without request. */
  private countEntry(): void {
    if (this.frames.at(-1)?.schema === 'entries') {
      this.entryCount += 1;
      this.entryIndex += 1;
    }
  }

  startObject(): boolean {
    const schema = this.expected();
    if (this.frames.length === 0) this.rootSeen = true;
    if (!isObjectSchema(schema)) {
      this.countEntry();
      return false;
    }
    if (this.frames.at(-1)?.schema === 'entries') {
      this.responseBodyCut = false;
      this.requestBodyCut = false;
    }
    const value = {};
    if (this.frames.length === 0) this.root = value;
    this.frames.push({ schema, value });
    return true;
  }

  startArray(): boolean {
    const schema = this.expected();
    if (this.frames.length === 0) this.rootSeen = true;
    if (schema === 'entries') {
      this.sawEntries = true;
      this.frames.push({ schema, value: undefined });
      return true;
    }
    if (!isArraySchema(schema)) {
      this.countEntry();
      return false;
    }
    this.frames.push({ schema, value: [] });
    return true;
  }

  endObject(): void {
    this.close();
  }

  endArray(): void {
    this.close();
  }

  private close(): void {
    const frame = this.frames.pop();
    const parent = this.frames.at(-1);
    if (frame === undefined || parent === undefined || frame.schema === 'entries') return;
    if (parent.schema === 'entries') {
      this.entry(frame.value);
      return;
    }
    this.assign(parent, frame.value);
  }

  private assign(parent: Frame, value: unknown): void {
    if (Array.isArray(parent.value)) parent.value.push(value);
    else if (parent.value !== undefined && parent.key !== undefined)
      parent.value[parent.key] = value;
  }

  key(name: string): boolean {
    const top = this.frames.at(-1);
    if (top === undefined || !isObjectSchema(top.schema)) return false;
    const fields = top.schema.object;
    const schema = Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (schema === undefined) return false;
    // A repeated key replaces the earlier value, as in JSON.parse.
    if (this.frames.length === 1 || schema === 'entries') this.reset();
    top.key = name;
    top.pending = schema;
    if (top.value !== undefined && !Array.isArray(top.value)) top.value[name] = undefined;
    return true;
  }

  /** A second `log` or `entries`: what the first one held no longer counts. */
  private reset(): void {
    this.sawEntries = false;
    this.entryCount = 0;
    this.entryIndex = 0;
    this.buckets = HarReader.newBuckets();
    this.redirect = undefined;
  }

  stringLimit(): number {
    const schema = this.expected();
    if (schema === 'value') return STRING_LIMIT;
    const n = this.frames.length;
    const own = this.frames[n - 1]?.value;
    const parent = this.frames[n - 2]?.value;
    if (schema === 'response-body' && isRecord(own) && isRecord(parent)) {
      return wantResponseBody(parent['status'], own['mimeType']) ? RAW_BODY_LIMIT : 0;
    }
    if (schema === 'request-body' && isRecord(own)) {
      return isTextual(str(own['mimeType'])) ? RAW_BODY_LIMIT : 0;
    }
    return 0;
  }

  string(value: string, cut: boolean): void {
    const schema = this.expected();
    if (!isLeaf(schema)) {
      this.countEntry();
      return;
    }
    if (cut && schema === 'response-body') this.responseBodyCut = true;
    if (cut && schema === 'request-body') this.requestBodyCut = true;
    this.leaf(value);
  }

  number(value: number): void {
    if (isLeaf(this.expected())) this.leaf(value);
    else this.countEntry();
  }

  literal(value: boolean | null): void {
    if (isLeaf(this.expected())) this.leaf(value);
    else this.countEntry();
  }

  private leaf(value: unknown): void {
    const top = this.frames.at(-1);
    if (top !== undefined) this.assign(top, value);
  }

  // --- One entry -----------------------------------------------------------------------------

  private entry(value: unknown): void {
    const index = this.entryIndex;
    this.entryCount += 1;
    this.entryIndex += 1;
    const draft = harEntry(value);
    if (draft === undefined) return;
    const content = isRecord(value) && isRecord(value['response']) ? value['response'] : undefined;
    const mime = isRecord(content?.['content']) ? str(content['content']['mimeType']) : undefined;
    let tier = tierOf(draft, mime);
    // The request a kept redirect pointed to stays with it (the diagnosis reads the pair).
    if (this.redirect?.location === normalise(draft.url)) {
      if (RANK[this.redirect.tier] < RANK[tier]) tier = this.redirect.tier;
      this.redirect = undefined;
    }
    const response = draft.response;
    if (response !== undefined) {
      const dropBody =
        tier === 'OTHER' ||
        (response.status < 300 && !isTextual(mime ?? response.headers['content-type']));
      if (dropBody && response.body !== '') {
        response.body = '';
        response.bodyTruncated = true;
      }
      // Cut while streaming, or not read at all (limit 0): either way, not the whole body.
      if (this.responseBodyCut) response.bodyTruncated = true;
      const location = response.headers['location'];
      if (response.status >= 300 && response.status < 400 && location !== undefined) {
        this.redirect = { location: resolve(location, draft.url), tier };
      }
    }
    if (this.requestBodyCut && draft.body === '') delete draft.body;
    this.buckets[tier].add({
      index,
      exchange: toExchange(draft, `${this.name} entry ${String(index + 1)}`),
    });
  }
}

function normalise(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

function resolve(location: string, base: string): string {
  try {
    return new URL(location, base).href;
  } catch {
    return location;
  }
}

/** Reads a whole HAR held in memory (the same reader as for a stream). */
export function parseHarBytes(bytes: Uint8Array, name: string): HarCapture {
  const reader = new HarReader(name);
  reader.write(bytes);
  return reader.end();
}
