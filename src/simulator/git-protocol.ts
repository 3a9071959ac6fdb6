// Git's smart-HTTP protocol, shared by the Cloud (git.ts) and Data Center (dc-git.ts) sides of the
// simulator: pkt-lines, the v0 ref advertisement of `info/refs`, real commit objects and the pack of a
// stateless `git-upload-pack` answer. Nothing product-specific lives here: who may fetch is each
// product's business.

import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { Reply } from './wire.js';
import { textReply } from './wire.js';

export type GitService = 'git-upload-pack' | 'git-receive-pack';

/** One pkt-line: 4 hex digits of length (itself included), then the payload. */
export function pktLine(payload: string): string {
  return (Buffer.byteLength(payload, 'latin1') + 4).toString(16).padStart(4, '0') + payload;
}

export const FLUSH = '0000';

const AGENT = 'agent=bb-doctor-simulator';

/** `?service=git-upload-pack|git-receive-pack` of an `info/refs` request, or null (dumb HTTP). */
export function serviceParam(url: URL): GitService | null {
  const service = url.searchParams.get('service');
  return service === 'git-upload-pack' || service === 'git-receive-pack' ? service : null;
}

export interface GitObject {
  type: 'commit' | 'tree';
  sha: string;
  content: Buffer;
}

function gitObject(type: GitObject['type'], content: Buffer): GitObject {
  const sha = createHash('sha1')
    .update(Buffer.concat([Buffer.from(`${type} ${String(content.length)}\0`), content]))
    .digest('hex');
  return { type, sha, content };
}

export interface HistoryCommit {
  message: string;
  /** ISO 8601. */
  date: string;
  /** `Name <email>`. */
  who: string;
}

/**
 * Real git objects for a history given oldest first, each commit with the empty tree, so that a
 * clone passes git's connectivity check. The last object is the newest commit.
 */
export function commitObjects(history: readonly HistoryCommit[]): GitObject[] {
  const tree = gitObject('tree', Buffer.alloc(0));
  const objects: GitObject[] = [tree];
  let parent: string | null = null;
  for (const commit of history) {
    const seconds = Math.floor(Date.parse(commit.date) / 1000);
    const who = `${commit.who} ${String(seconds)} +0000`;
    const text =
      `tree ${tree.sha}\n` +
      (parent === null ? '' : `parent ${parent}\n`) +
      `author ${who}\ncommitter ${who}\n\n${commit.message.endsWith('\n') ? commit.message : `${commit.message}\n`}`;
    const object = gitObject('commit', Buffer.from(text, 'utf8'));
    objects.push(object);
    parent = object.sha;
  }
  return objects;
}

/**
 * The v0/v1 smart-HTTP advertisement (gitprotocol-http, "Smart Clients"). `Git-Protocol: version=2`
 * is ignored: CHOSEN v0, which every git accepts. The capabilities are kept to what `uploadPackReply`
 * really honours: no multi_ack, no side-band, no shallow. Every branch points at `head`.
 */
export function advertisementReply(
  service: GitService,
  head: string | undefined,
  branches: readonly string[],
  mainBranch: string,
): Reply {
  const caps =
    service === 'git-upload-pack'
      ? ['ofs-delta', `symref=HEAD:refs/heads/${mainBranch}`, AGENT]
      : ['report-status', 'delete-refs', 'ofs-delta', AGENT];
  const refs: [string, string][] =
    head === undefined
      ? []
      : [
          ...(service === 'git-upload-pack' ? [['HEAD', head] as [string, string]] : []),
          ...[...branches].sort().map((b): [string, string] => [`refs/heads/${b}`, head]),
        ];
  let body = pktLine(`# service=${service}\n`) + FLUSH;
  if (refs.length === 0) {
    body += pktLine(`${'0'.repeat(40)} capabilities^{}\0${caps.join(' ')}\n`);
  }
  refs.forEach(([name, sha], index) => {
    body += pktLine(index === 0 ? `${sha} ${name}\0${caps.join(' ')}\n` : `${sha} ${name}\n`);
  });
  body += FLUSH;
  return advertisementOf(service, body);
}

/**
 * An advertisement whose first line after the service header is `ERR message`: git stops and prints
 * `fatal: remote error: message` (gitprotocol-pack, "pkt-line ERR").
 */
export function errAdvertisementReply(service: GitService, message: string): Reply {
  return advertisementOf(
    service,
    pktLine(`# service=${service}\n`) + FLUSH + pktLine(`ERR ${message}`),
  );
}

function advertisementOf(service: GitService, body: string): Reply {
  return {
    status: 200,
    headers: {
      'content-type': `application/x-${service}-advertisement`,
      'cache-control': 'no-cache, max-age=0, must-revalidate',
    },
    body,
    bodyEncoding: 'latin1',
  };
}

/**
 * `POST git-upload-pack`, v0 stateless: the client sends its wants, a flush and `done` (no haves on
 * a clone). Without multi_ack the answer is one `NAK` and the pack with every object, whatever was
 * asked for: enough for `git clone` and `git fetch` into an empty repository.
 */
export function uploadPackReply(objects: readonly GitObject[], body: string): Reply {
  const known = new Set(objects.map((object) => object.sha));
  const wants = [...body.matchAll(/want ([0-9a-f]{40})/g)].map((match) => match[1] ?? '');
  if (wants.length === 0 || wants.some((sha) => !known.has(sha))) {
    return textReply(400, 'Bad request: unknown or missing want.\n');
  }
  return {
    status: 200,
    headers: {
      'content-type': 'application/x-git-upload-pack-result',
      'cache-control': 'no-cache, max-age=0, must-revalidate',
    },
    body: pktLine('NAK\n') + pack(objects).toString('latin1'),
    bodyEncoding: 'latin1',
  };
}

/** A version-2 packfile of whole (undeltified) objects. */
function pack(objects: readonly GitObject[]): Buffer {
  const header = Buffer.alloc(12);
  header.write('PACK', 0, 'latin1');
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(objects.length, 8);
  const parts: Buffer[] = [header];
  for (const object of objects) {
    const typeCode = object.type === 'commit' ? 1 : 2;
    let size = object.content.length;
    const bytes: number[] = [];
    let byte = (typeCode << 4) | (size & 0x0f);
    size >>>= 4;
    while (size > 0) {
      bytes.push(byte | 0x80);
      byte = size & 0x7f;
      size >>>= 7;
    }
    bytes.push(byte);
    parts.push(Buffer.from(bytes), deflateSync(object.content));
  }
  const data = Buffer.concat(parts);
  return Buffer.concat([data, createHash('sha1').update(data).digest()]);
}
