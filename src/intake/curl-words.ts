/**
 * Turns a ParsedCurl back into curl words, with every secret position marked, so that the
 * formatter can print placeholders instead of values and `correctCurl` can rebuild `argv`.
 */
import { impliedMethod, type CurlData, type CurlHeader, type ParsedCurl } from './curl-parse.js';
import {
  decodeBasic,
  decodeComponent,
  SECRET_PARAM_RE,
  splitUrl,
  type UrlParts,
} from './curl-url.js';

/** A piece of a word. `secret` pieces are never printed as values. */
export interface Segment {
  text: string;
  /** A secret value (credentials, a token parameter, a cookie value). */
  secret?: boolean;
  /** Literal URL text whose `$VAR`/`$(...)` should stay expandable when printed. */
  expandRefs?: boolean;
}

export type Word = Segment[];

/** An option and its argument(s): one line of a multi-line command. */
export type Group = Word[];

const lit = (text: string, expandRefs = false): Segment =>
  expandRefs ? { text, expandRefs: true } : { text };
const secret = (text: string): Segment[] => (text === '' ? [] : [{ text, secret: true }]);

/** Headers whose whole value is a secret (besides Authorization and Cookie). */
const SECRET_HEADER_RE =
  /^(?:x-api-key|api-key|apikey|x-auth-token|x-access-token|private-token|x-token|token|x-atlassian-token-secret)$/i;

const SCHEME_RE = /^(\S+)([ \t])([\s\S]*)$/;

function headerWord(h: CurlHeader): Word {
  const lname = h.name.toLowerCase();
  const prefix = `${h.name}: `;
  if (h.value === '') return [lit(`${h.name}:`)];
  if (lname === 'authorization' || lname === 'proxy-authorization') {
    const m = SCHEME_RE.exec(h.value);
    // A bare scheme (`Authorization: Bearer`) has no secret; a bare value is all secret.
    if (!m) {
      return /^(?:bearer|basic|jwt|token|digest)$/i.test(h.value)
        ? [lit(prefix + h.value)]
        : [lit(prefix), ...secret(h.value)];
    }
    return [lit(`${prefix}${m[1] ?? ''}${m[2] ?? ''}`), ...secret(m[3] ?? '')];
  }
  if (lname === 'cookie') {
    const word: Word = [lit(prefix)];
    h.value.split(';').forEach((pair, index) => {
      if (index > 0) word.push(lit(';'));
      const eq = pair.indexOf('=');
      if (eq < 0) word.push(lit(pair));
      else word.push(lit(pair.slice(0, eq + 1)), ...secret(pair.slice(eq + 1)));
    });
    return word;
  }
  if (SECRET_HEADER_RE.test(h.name)) return [lit(prefix), ...secret(h.value)];
  return [lit(prefix + h.value)];
}

/** `a=1&access_token=x`: the values of secret-named pairs become secret segments. */
function paramsSegments(text: string, expandRefs: boolean): Segment[] {
  const out: Segment[] = [];
  text.split('&').forEach((pair, index) => {
    if (index > 0) out.push(lit('&', expandRefs));
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    if (eq >= 0 && SECRET_PARAM_RE.test(name)) {
      out.push(lit(pair.slice(0, eq + 1), expandRefs), ...secret(pair.slice(eq + 1)));
    } else {
      out.push(lit(pair, expandRefs));
    }
  });
  return out;
}

export function urlWord(url: string): Word {
  const p: UrlParts = splitUrl(url);
  const word: Word = [];
  if (p.scheme !== undefined) word.push(lit(`${p.scheme}://`));
  if (p.userinfo !== undefined) {
    const colon = p.userinfo.indexOf(':');
    if (colon < 0) word.push(lit(`${p.userinfo}@`, true));
    else
      word.push(
        lit(p.userinfo.slice(0, colon + 1), true),
        ...secret(p.userinfo.slice(colon + 1)),
        lit('@'),
      );
  }
  word.push(lit(p.host + (p.port === undefined ? '' : `:${p.port}`) + p.path, true));
  if (p.query !== undefined) word.push(lit('?'), ...paramsSegments(p.query, true));
  // An implicit-grant redirect carries `#access_token=...` (bitbucket-auth.md §1.2).
  if (p.fragment !== undefined) word.push(lit('#'), ...paramsSegments(p.fragment, true));
  return word;
}

const JSON_SECRET_RE =
  /("(?:access_token|refresh_token|id_token|token|client_secret|password|secret|api_key|apikey|jwt|code)"\s*:\s*")((?:[^"\\]|\\.)*)(")/gi;

function dataWord(d: CurlData): Word {
  if (d.flag === '--json') {
    const word: Word = [];
    let last = 0;
    for (const m of d.value.matchAll(JSON_SECRET_RE)) {
      const start = m.index + (m[1] ?? '').length;
      word.push(lit(d.value.slice(last, start)), ...secret(m[2] ?? ''));
      last = start + (m[2] ?? '').length;
    }
    word.push(lit(d.value.slice(last)));
    return word;
  }
  // One `name=value` pair each: the value may contain `&`.
  if (['-F', '--form', '--form-string', '--data-urlencode'].includes(d.flag)) {
    const eq = d.value.indexOf('=');
    if (eq > 0 && SECRET_PARAM_RE.test(d.value.slice(0, eq))) {
      return [lit(d.value.slice(0, eq + 1)), ...secret(d.value.slice(eq + 1))];
    }
    return [lit(d.value)];
  }
  return paramsSegments(d.value, false);
}

/** Data options whose argument is sent as typed (a form body `a=1&b=2`). */
const PLAIN_DATA = new Set(['-d', '--data', '--data-raw', '--data-binary', '--data-ascii']);

/**
 * For display, a secret pair of a plain `-d` becomes `--data-urlencode "name=$PLACEHOLDER"`: the
 * placeholder holds the secret itself, and curl then encodes it as the original command had it
 * encoded. The other pairs stay in `-d`, in order (curl joins all the data with `&`).
 */
function displayDataGroups(d: CurlData): Group[] {
  const groups: Group[] = [];
  let plain: string[] = [];
  const flush = (): void => {
    if (plain.length > 0) groups.push([[lit(d.flag)], [lit(plain.join('&'))]]);
    plain = [];
  };
  for (const pair of d.value.split('&')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && SECRET_PARAM_RE.test(pair.slice(0, eq))) {
      flush();
      groups.push([
        [lit('--data-urlencode')],
        [lit(pair.slice(0, eq + 1)), ...secret(decodeComponent(pair.slice(eq + 1)))],
      ]);
    } else {
      plain.push(pair);
    }
  }
  flush();
  return groups.length > 0 ? groups : [[[lit(d.flag)], [lit(d.value)]]];
}

/**
 * The command as curl words grouped by option, the URL last. With `forDisplay`, a Basic
 * Authorization header whose credentials decode to `user:secret` is written as `-u user:secret`
 * (curl builds the same header from it), so that the secret can be shown as a placeholder; this
 * is only done when the command has no `-u` of its own.
 */
export function buildGroups(parsed: ParsedCurl, forDisplay = false): Group[] {
  const groups: Group[] = [[[lit('curl')]]];
  if (parsed.method !== impliedMethod(parsed)) groups.push([[lit('-X')], [lit(parsed.method)]]);
  if (parsed.head) groups.push([[lit('-I')]]);
  if (parsed.get) groups.push([[lit('-G')]]);
  if (parsed.location) groups.push([[lit('-L')]]);
  if (parsed.insecure) groups.push([[lit('-k')]]);
  if (parsed.netrcFile !== undefined) groups.push([[lit('--netrc-file')], [lit(parsed.netrcFile)]]);
  else if (parsed.netrc) groups.push([[lit('-n')]]);
  if (parsed.netrcOptional) groups.push([[lit('--netrc-optional')]]);

  let user = parsed.user;
  const headers: CurlHeader[] = [];
  for (const h of parsed.headers) {
    const m = SCHEME_RE.exec(h.value);
    const basic =
      forDisplay && user === undefined && h.name.toLowerCase() === 'authorization' && m
        ? m[1]?.toLowerCase() === 'basic'
          ? decodeBasic(m[3] ?? '')
          : undefined
        : undefined;
    if (basic) user = { username: basic.username, secret: basic.secret };
    else headers.push(h);
  }
  if (user !== undefined) {
    const word: Word =
      user.secret === undefined
        ? [lit(user.username)]
        : [lit(`${user.username}:`), ...secret(user.secret)];
    groups.push([[lit('-u')], word]);
  }
  if (parsed.oauth2Bearer !== undefined) {
    groups.push([[lit('--oauth2-bearer')], secret(parsed.oauth2Bearer)]);
  }
  for (const h of headers) groups.push([[lit('-H')], headerWord(h)]);
  for (const d of parsed.data) {
    if (forDisplay && PLAIN_DATA.has(d.flag)) groups.push(...displayDataGroups(d));
    else groups.push([[lit(d.flag)], dataWord(d)]);
  }
  if (parsed.url !== undefined) groups.push([urlWord(parsed.url)]);
  return groups;
}

/** The curl words for a ParsedCurl (values included: this is for replay, never for output). */
export function toArgv(parsed: ParsedCurl): string[] {
  return buildGroups(parsed)
    .flat()
    .map((word) => word.map((s) => s.text).join(''));
}
