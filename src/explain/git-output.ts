/**
 * git's own output for `bb-doctor explain` (contract.md, "Git over HTTPS"): a `GIT_TRACE_CURL=1` or
 * `GIT_CURL_VERBOSE=1` trace of a clone, fetch, ls-remote or push over HTTPS (`git-trace`), or git's
 * plain stderr with no trace (`git-stderr`). Both become `Exchange`s, like every other capture.
 *
 * The trace format is git's http.c `curl_trace()` (GIT_TRACE_CURL, git 2.10+; recent git prints
 * the same lines for GIT_CURL_VERBOSE, without the data, as git 2.39.5 does): each line is `HH:MM:SS.micro http.c:NNN` and then
 * `=> Send header: …`, `<= Recv header: …`, `<= Recv data: …` (60 bytes a line, non-printable bytes
 * as `.`) or `== Info: …`. git redacts credentials as `Authorization: Basic <redacted>` unless
 * GIT_TRACE_REDACT=0 (git-config(1), GIT_TRACE_REDACT; http.c `redact_sensitive_header`). Older
 * git printed curl's own `-v` lines instead; those are read by parse.ts and given the messages here.
 *
 * What git prints after a failed request: the body of a text/plain error answer as `remote: …`
 * lines (http.c `show_http_message`), then `fatal: Authentication failed for 'URL'` (401 after a
 * credential was sent), `fatal: could not read Username for 'URL': terminal prompts disabled`
 * (401 and no credential), `fatal: repository 'URL' not found` (404) or `fatal: unable to access
 * 'URL': The requested URL returned error: NNN` (other statuses). Observed with git 2.39.5.
 */
import { Buffer } from 'node:buffer';

import type { CapturedGit, Exchange } from '../types.js';
import { infoRefsUrl } from '../knowledge/git.js';
import { addHeader, CaptureError, type Draft, toExchange } from './exchange.js';

export interface ParsedGit {
  readonly exchanges: Exchange[];
  readonly git?: CapturedGit;
  /** URLs git printed outside the requests (they may carry userinfo): for the redactor. */
  readonly urls: string[];
}

/** The placeholder git writes for a credential in a trace (http.c `redact_sensitive_header`). */
export const GIT_REDACTED = '<redacted>';
export const isGitRedacted = (value: string): boolean => value.includes(GIT_REDACTED);

/**
 * git's stderr read back: did git send a credential it does not show? git sends none before
 * Bitbucket's 401 challenge (gitprotocol-http(5)), so a 403 or 410 came after one, and
 * `fatal: Authentication failed` is git's word for a 401 to the credential it sent (a 401 with
 * no credential ends in `could not read Username`).
 */
export const gitSentHidden = (git: CapturedGit, status: number): boolean =>
  git.readBack &&
  status >= 400 &&
  status !== 404 &&
  (status !== 401 || git.messages.some((m) => m.startsWith(AUTH_FAILED)));

const TRACE_RE =
  /^(?:\d{1,2}:\d{2}:\d{2}\.\d+\s+)?[\w./-]+\.c:\d+\s+(=> Send header|<= Recv header|=> Send data|<= Recv data|=> Send SSL data|<= Recv SSL data|== Info)(, \d+ bytes \(0x[0-9a-f]+\))?(?::\s?(.*))?$/u;
const AUTH_FAILED = "fatal: Authentication failed for '";
const REQUEST_RE = /^([A-Za-z-]+) (\S+) HTTP\/\d(?:\.\d)?\s*$/u;
const STATUS_RE = /^HTTP\/\d(?:\.\d)?\s+(\d{3})(?:\s+(.*?))?\s*$/u;
const REMOTE_RE = /^remote:(?: (.*))?$/u;
const MESSAGE_RE = /^(?:fatal|error): /u;
const URL_RE = /\bhttps?:\/\/[^\s'"<>]+/giu;
/** The lines that make a text git's stderr (see the header comment for each). */
const GIT_FAILURE_RE =
  /^(?:fatal: (?:Authentication failed for '|unable to access '|could not read (?:Username|Password) for '|repository '.*' not found|remote error: )|error: RPC failed; HTTP \d{3})/u;
const PUSH_RE = /^To https?:\/\/|git-receive-pack|^(?:\S*[$%#>]\s+)?git\s+(?:\S+\s+)*push\b/u;

const isLoopback = (host: string): boolean =>
  /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/iu.test(host);

/** A GIT_TRACE_CURL / GIT_CURL_VERBOSE line. */
export const isGitTraceLine = (line: string): boolean => TRACE_RE.test(line);

/**
 * curl -v lines written by git (older git's GIT_CURL_VERBOSE): git's failure messages, or git's
 * User-Agent. A curl -v of the info/refs URL made with curl itself stays curl -v.
 */
export const hasGitMarks = (lines: readonly string[]): boolean =>
  lines.some((l) => GIT_FAILURE_RE.test(l) || /^> User-Agent: git\//iu.test(l));

/** git's stderr: a failure line git prints for an HTTP answer. */
export const isGitStderr = (lines: readonly string[]): boolean =>
  lines.some((l) => GIT_FAILURE_RE.test(l.trim()));

/** A URL without its `user:secret@` (what the report may show of it). */
export const withoutUserinfo = (url: string): string => {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
};

const canParse = (url: string): boolean => {
  try {
    return new URL(url).host !== '';
  } catch {
    return false;
  }
};

const urlsIn = (lines: readonly string[]): string[] =>
  lines.flatMap((l) => [...l.matchAll(URL_RE)].map((m) => m[0].replace(/[.,;:)]+$/u, '')));

/** The repository URL of a ref advertisement request (`…/info/refs?service=…` cut off). */
const repoOf = (url: string): string | undefined =>
  url.includes('/info/refs?service=git-')
    ? withoutUserinfo(url.replace(/\/info\/refs\?.*$/u, ''))
    : undefined;

/** The `remote:` lines without their prefix (what git printed of the answer's body). */
const remoteBody = (lines: readonly string[]): string[] =>
  lines.flatMap((l) => {
    const m = REMOTE_RE.exec(l.trimEnd());
    return m === null ? [] : [m[1] ?? ''];
  });

/**
 * A body from `<= Recv data:` lines: the lines joined (git cuts at 60 bytes) and, for
 * `Transfer-Encoding: chunked`, the chunk framing taken off (`3d..<61 bytes>..0....`: git prints
 * CR LF as `..`, one dot per byte, so the sizes still count). Framing that does not add up is
 * kept as printed.
 */
const dataBody = (data: readonly string[], chunked: boolean): string => {
  const joined = data.join('');
  if (!chunked) return joined;
  let out = '';
  let at = 0;
  while (at < joined.length) {
    const size = /^([0-9a-f]+)\.\./iu.exec(joined.slice(at));
    if (size === null) return joined;
    const length = Number.parseInt(size[1] ?? '', 16);
    at += size[0].length;
    if (length === 0) return out;
    out += joined.slice(at, at + length);
    at += length + 2;
  }
  return out;
};

interface TraceDraft extends Draft {
  data: string[];
  phase: 'request' | 'sent' | 'response' | 'done';
}

/**
 * The Authorization git sent: as traced, or, when git redacted it and the URL git was given
 * carries `user:password`, the Basic value curl made of that userinfo (what was on the wire).
 */
const authorizationOf = (draft: TraceDraft, given: string | undefined): void => {
  const value = draft.headers['authorization'];
  if (value === undefined || given === undefined) return;
  try {
    const u = new URL(given);
    if (u.password === '') return;
    // The request was made for the URL with userinfo: SECRET_IN_URL is the user's finding.
    draft.url = given;
    if (!isGitRedacted(value)) return;
    const pair = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
    draft.headers['authorization'] = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
  } catch {
    // a URL that does not parse: the header stays as git printed it
  }
};

/** git's messages given to the exchanges: the `remote:` lines become the failing answer's body. */
const finishGit = (exchanges: Exchange[], lines: readonly string[], urls: string[]): ParsedGit => {
  const remote = remoteBody(lines);
  const failing = exchanges.findLastIndex((e) => (e.response?.status ?? 0) >= 400);
  const target = exchanges[failing];
  if (remote.length > 0 && target?.response !== undefined)
    exchanges[failing] = { ...target, response: { ...target.response, body: remote.join('\n') } };
  const refs = exchanges.map((e) => repoOf(e.request.url)).find((u) => u !== undefined);
  const messages = lines.filter((l) => MESSAGE_RE.test(l));
  const user = /Server auth using Basic with user '([^']*)'/u;
  const username = [...lines]
    .reverse()
    .map((l) => user.exec(l)?.[1])
    .find((u) => u !== undefined);
  const push =
    exchanges.some((e) => e.request.url.includes('git-receive-pack')) ||
    lines.some((l) => PUSH_RE.test(l));
  return {
    exchanges,
    urls: [...urls, ...urlsIn(lines)],
    ...(refs === undefined
      ? {}
      : {
          git: {
            url: refs,
            push,
            ...(username === undefined ? {} : { username }),
            readBack: false,
            messages,
          },
        }),
  };
};

/** A GIT_TRACE_CURL / GIT_CURL_VERBOSE trace, possibly mixed with git's stderr. */
export const parseGitTrace = (lines: readonly string[], name: string): ParsedGit => {
  const drafts: TraceDraft[] = [];
  const urls: string[] = [];
  let current: TraceDraft | undefined;
  let host: string | undefined;
  let port: string | undefined;
  let tls = false;
  let given: string | undefined;
  const scheme = (h: string): string =>
    tls || port === '443' ? 'https' : port === '80' || isLoopback(h) ? 'http' : 'https';
  for (const line of lines) {
    const m = TRACE_RE.exec(line);
    if (m === null) continue;
    const [, kind = '', count, text = ''] = m;
    if (kind === '== Info') {
      const connected = /^Connected to (\S+) \([^)]*\) port (\d+)/u.exec(text);
      if (connected !== null) [, host, port] = connected;
      if (/\b(?:SSL|TLS|ALPN)\b/u.test(text)) tls = true;
      const again = /^Issue another request to this URL: '([^']+)'/u.exec(text)?.[1];
      if (again !== undefined) {
        given = again;
        urls.push(again);
      }
      continue;
    }
    if (count !== undefined && m[3] === undefined) continue;
    if (kind === '=> Send header') {
      const request = REQUEST_RE.exec(text);
      if (request !== null) {
        current = {
          method: request[1] ?? 'GET',
          url: request[2] ?? '',
          headers: {},
          durationMs: 0,
          data: [],
          phase: 'request',
        };
        drafts.push(current);
      } else if (current?.phase === 'request') {
        const colon = text.indexOf(':');
        if (text.trim() === '') {
          current.phase = 'sent';
          const h = current.headers['host'] ?? host ?? '';
          if (current.url.startsWith('/')) current.url = `${scheme(h)}://${h}${current.url}`;
          authorizationOf(
            current,
            given !== undefined && withoutUserinfo(given) === current.url ? given : undefined,
          );
          given = undefined;
        } else if (colon > 0)
          addHeader(current.headers, text.slice(0, colon), text.slice(colon + 1).trim());
      }
      continue;
    }
    if (kind === '<= Recv header' && current !== undefined) {
      const status = STATUS_RE.exec(text);
      if (status !== null) {
        current.response = {
          status: Number(status[1]),
          reason: status[2] ?? '',
          headers: {},
          body: '',
        };
        current.phase = 'response';
      } else if (current.response !== undefined && current.phase === 'response') {
        const colon = text.indexOf(':');
        // A blank line ends the head, unless it is a 1xx's (100 Continue): the next head follows.
        if (text.trim() === '') current.phase = current.response.status < 200 ? 'sent' : 'done';
        else if (colon > 0)
          addHeader(current.response.headers, text.slice(0, colon), text.slice(colon + 1).trim());
      }
      continue;
    }
    if (kind === '<= Recv data' && current?.response !== undefined) current.data.push(text);
  }
  // A proxy tunnel's CONNECT that succeeded says nothing about Bitbucket (as in parse.ts).
  const kept = drafts.filter((d) => !(d.method === 'CONNECT' && (d.response?.status ?? 0) < 300));
  const exchanges = kept.map((d, i) => {
    if (d.response !== undefined) {
      const chunked = /chunked/iu.test(d.response.headers['transfer-encoding'] ?? '');
      d.response.body = dataBody(d.data, chunked);
    }
    const { data: _data, phase: _phase, ...draft } = d;
    return toExchange(draft, `${name} git request ${String(i + 1)}`);
  });
  if (exchanges.length === 0) throw new CaptureError(`${name} has git trace lines but no request`);
  return finishGit(exchanges, lines, urls);
};

/** Older git's curl -v lines (parsed by parse.ts) with git's messages. */
export const withGitMessages = (exchanges: Exchange[], lines: readonly string[]): ParsedGit =>
  finishGit(exchanges, lines, []);

/** The status git's messages name (see the header comment), if any. */
const statusOf = (lines: readonly string[]): number | undefined => {
  for (const line of [...lines].reverse()) {
    const code = /(?:returned error: |RPC failed; HTTP )(\d{3})/u.exec(line)?.[1];
    if (code !== undefined) return Number(code);
    if (line.startsWith(AUTH_FAILED)) return 401;
    if (/^fatal: could not read (?:Username|Password) for '/u.test(line)) return 401;
    if (/^fatal: repository '.*' not found/u.test(line)) return 404;
    if (/^fatal: remote error: .*CAPTCHA/iu.test(line)) return 401;
  }
  return undefined;
};

/**
 * git's stderr without a trace, read back as one answer: GET `{url}/info/refs?service=…` (what
 * git asks first, gitprotocol-http(5); receive-pack for a push), the status git's `fatal:` line
 * names, and the `remote:` lines as the body. A URL with `user:password` (a pasted command) is
 * the request's Basic credential, as curl sends it once challenged.
 */
export const parseGitStderr = (given: readonly string[], name: string): ParsedGit => {
  const lines = given.map((l) => l.trim());
  const urls = urlsIn(lines);
  const status = statusOf(lines);
  // The repository: the URL git's own messages quote, else one on a pasted command line; never
  // a URL of a `remote:` line (Bitbucket's text, e.g. the changelog link).
  const quoted = lines.flatMap((l) =>
    MESSAGE_RE.test(l) ? [...l.matchAll(/'(https?:\/\/[^']+)'/gu)].map((m) => m[1] ?? '') : [],
  );
  const commands = urlsIn(lines.filter((l) => !REMOTE_RE.test(l) && !MESSAGE_RE.test(l)));
  const hasPath = (u: string): boolean => {
    try {
      return new URL(u).pathname.replace(/\/+$/u, '') !== '';
    } catch {
      return false;
    }
  };
  const repo =
    quoted.find(hasPath) ?? commands.find(hasPath) ?? quoted[0] ?? commands.find(canParse);
  if (status === undefined || repo === undefined)
    throw new CaptureError(
      `${name} holds git messages but not the repository URL and the HTTP status: save the whole output, or run it again with GIT_TRACE_CURL=1`,
    );
  const bare = withoutUserinfo(repo).replace(/\/+$/u, '');
  const withSecret = commands.find((u) => {
    try {
      const parsed = new URL(u);
      return parsed.password !== '' && withoutUserinfo(u).replace(/\/+$/u, '') === bare;
    } catch {
      return false;
    }
  });
  const push = lines.some((l) => PUSH_RE.test(l));
  const refs = infoRefsUrl(bare, push ? 'git-receive-pack' : 'git-upload-pack');
  const headers: Record<string, string> = { host: new URL(bare).host };
  // A username alone in the URL (`https://alice@…`): git asked a helper or a prompt for the rest.
  let username = commands
    .map((u) => (canParse(u) ? new URL(u) : undefined))
    .find(
      (u) =>
        u !== undefined &&
        u.username !== '' &&
        withoutUserinfo(u.href).replace(/\/+$/u, '') === bare,
    )?.username;
  if (username !== undefined) username = decodeURIComponent(username);
  const secretUrl = withSecret === undefined ? undefined : new URL(withSecret);
  if (secretUrl !== undefined && status !== 404) {
    username = decodeURIComponent(secretUrl.username);
    const pair = `${username}:${decodeURIComponent(secretUrl.password)}`;
    headers['authorization'] = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
  }
  const draft: Draft = {
    method: 'GET',
    // With the userinfo as the user gave it: the URL is the finding (SECRET_IN_URL).
    url:
      withSecret === undefined
        ? refs
        : refs.replace('://', `://${/^[a-z]+:\/\/([^@/]*)@/iu.exec(withSecret)?.[1] ?? ''}@`),
    headers,
    response: { status, reason: '', headers: {}, body: remoteBody(lines).join('\n') },
    durationMs: 0,
  };
  const exchange = toExchange(
    draft,
    `${name}: git's messages (the answer read back from git's stderr, not captured)`,
  );
  const messages = lines.filter((l) => MESSAGE_RE.test(l));
  return {
    exchanges: [exchange],
    urls,
    git: {
      url: bare,
      push,
      ...(username === undefined ? {} : { username }),
      readBack: true,
      messages,
    },
  };
};
