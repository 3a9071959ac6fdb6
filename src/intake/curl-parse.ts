/**
 * Reads the failing curl command the way the user ran it.
 *
 * Two entry points:
 * - `splitCommand`/`splitCommandLine`: a command pasted whole (`--curl '...'`) is split into words
 *   as a POSIX shell would split it, with shell-quote's `parse`. Nothing is ever executed or
 *   expanded: `$VAR`, `${VAR}`, `$(...)` and backtick expressions stay in the words as literal
 *   text, so that the doctor can tell the user that they were not expanded.
 * - `parseCurl`: the words of a curl command (from the above, or after `--` on bb-doctor's own
 *   command line, already split by the user's shell) are read as curl's option parser reads them
 *   (curl(1), "OPTIONS"; curl 8.x `curl --help all`).
 */
import { quoted } from './quote.js';
import { parse as shellParse } from 'shell-quote';

/** The pasted text is not a curl command, or it cannot be split (one line, for the user). */
export class CurlParseError extends Error {
  override readonly name = 'CurlParseError';
}

/** One header of the command: `-H 'Name: value'`, or what `-A`, `-e` and `-b` turn into. */
export interface CurlHeader {
  name: string;
  /** The value after the colon, leading blanks removed (curl sends the line as given). */
  value: string;
  /** The option that produced it: `-H`, `--header`, `-A`, `-e`, `-b`... */
  flag?: string;
  /**
   * Given without a colon (`-H 'Authorization Bearer x'`). curl does not send such a header at
   * all, so the request went out without it; `name`/`value` are the best reading of the intent.
   */
  noColon?: boolean;
}

/** One `-d`/`--data*`/`--json`/`-F` argument, in order. `flag` is the option as typed (`-d`, `--data-raw`). */
export interface CurlData {
  flag: string;
  value: string;
}

/** What a curl command asks for. Secrets are in here as given: never print this object. */
export interface ParsedCurl {
  /** The first URL (positional or `--url`), exactly as given; `--url-query` parts appended. */
  url?: string;
  /** The method curl sends: `-X` as given, else HEAD (-I), PUT (-T), POST (data without -G), GET. */
  method: string;
  headers: CurlHeader[];
  /** `-u user:secret`; `secret` is absent for `-u user` (curl then prompts for it). */
  user?: { username: string; secret?: string };
  oauth2Bearer?: string;
  data: CurlData[];
  /** `-n/--netrc`, or `--netrc-file` (which implies it). */
  netrc: boolean;
  netrcFile?: string;
  netrcOptional: boolean;
  location: boolean;
  /** `-G`: the data goes to the query string and the method stays GET. */
  get: boolean;
  insecure: boolean;
  head: boolean;
  /**
   * Options the doctor does not act on but that may matter (`-x`, `-K`, `--digest`, `-T`...),
   * and unknown ones. Option names only, never their arguments (which may be secrets).
   */
  ignored: string[];
  /** The words as given, `curl` first. Contains secrets. */
  argv: string[];
  /** `-X/--request` was given, so the method is not implied by the other options. */
  explicitMethod?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Splitting a pasted command
// ---------------------------------------------------------------------------------------------

/** The result of `splitCommand`. */
export interface SplitCommand {
  /** The words of the curl command, `curl` (or its path) first. */
  argv: string[];
  /**
   * Where the command was cut, when something followed it: the shell operator (`|`, `>`, `2>`,
   * `&&`, `;`, `&`...), `#` for a comment or `newline` for a second line. An unquoted `&` in a URL
   * cuts the command exactly as the shell did (curl ran in the background with half the URL).
   */
  stoppedAt?: string;
  /** Names of leading `NAME=value` assignments (the values may be secrets, so only names). */
  assignments: string[];
}

// Substitutions are replaced by private-use sentinels before shell-quote sees the text, and put
// back afterwards: shell-quote would expand `$VAR` through its env callback (losing `${VAR}`
// versus `$VAR`), and it splits `$(cat f)` and `` `cat f` `` outside double quotes into several
// words and operators. Private-use characters are ordinary word characters for shell-quote.
const OPEN = '\uE000';
const CLOSE = '\uE001';
const SENTINEL_RE = /\uE000(\d+)\uE001/g;

/** A terminal prompt copied with the command: `$ `, `% `, `# `, `user@host:~/dir$ `, `PS C:\> `. */
const PROMPT_RE = /^(?:\([^)\n]*\)[ \t]+)?(?:\S*[$%#>]|PS [^\n>]*>)[ \t]+(?=\S)/;

const SHELL_OPERATOR_RE = /^(?:&&|\|\||\|&|&>>?|>>|>&|>\||<<<|<<-?|<&|<>|[|&;<>()])/;
const FD_REDIRECT_RE = /^\d+(?:>>|>&|>\||>|<&|<)/;

/** Commands that run the next word as the command (`noglob curl ...` is a zsh idiom). */
const WRAPPERS = new Set(['sudo', 'env', 'command', 'exec', 'time', 'nohup', 'noglob', 'builtin']);

interface Scanned {
  text: string;
  subs: string[];
  stoppedAt?: string;
}

type Keep = (expression: string) => string;

function unterminated(what: string): CurlParseError {
  return new CurlParseError(`the curl command has an unterminated ${what}`);
}

const POWERSHELL_HINT =
  'a line ends with a backtick (`), a PowerShell line continuation: paste the command as a POSIX shell (bash, zsh) runs it, with \\ continuations or on one line';

/** Index just past the backtick expression starting at `start` (a backtick). */
function backtickEnd(s: string, start: number): number {
  // A backtick at the end of a line is PowerShell's continuation, not a substitution.
  if (/^`[ \t]*(?:\n|$)/.test(s.slice(start))) throw new CurlParseError(POWERSHELL_HINT);
  let j = start + 1;
  while (j < s.length) {
    const ch = s.charAt(j);
    if (ch === '\\') j += 2;
    else if (ch === '`') return j + 1;
    else j += 1;
  }
  throw unterminated('backtick (`) expression');
}

/** Index just past a double-quoted string starting at `start` (a `"`). */
function doubleQuoteEnd(s: string, start: number): number {
  let j = start + 1;
  while (j < s.length) {
    const ch = s.charAt(j);
    if (ch === '\\') j += 2;
    else if (ch === '"') return j + 1;
    else if (ch === '$' && s.charAt(j + 1) === '(') j = parenEnd(s, j + 2);
    else if (ch === '`') j = backtickEnd(s, j);
    else j += 1;
  }
  throw unterminated('double quote (")');
}

/** Index just past the `)` that closes a `$(` whose body starts at `from`. */
function parenEnd(s: string, from: number): number {
  let depth = 1;
  let j = from;
  while (j < s.length) {
    const ch = s.charAt(j);
    if (ch === '\\') {
      j += 2;
      continue;
    }
    if (ch === "'") {
      const k = s.indexOf("'", j + 1);
      if (k < 0) throw unterminated("single quote (') inside $(...)");
      j = k + 1;
      continue;
    }
    if (ch === '"') {
      j = doubleQuoteEnd(s, j);
      continue;
    }
    if (ch === '`') {
      j = backtickEnd(s, j);
      continue;
    }
    if (ch === '(') depth += 1;
    if (ch === ')') {
      depth -= 1;
      if (depth === 0) return j + 1;
    }
    j += 1;
  }
  throw unterminated('command substitution $(...)');
}

/**
 * Index just past the quoted string, backtick expression or `$(...)` that starts at `i`, or
 * undefined when none starts there: how the scanners of a pasted script (substitution.ts) step
 * over what the shell does not split.
 */
export function quotedEnd(s: string, i: number): number | undefined {
  const ch = s.charAt(i);
  if (ch === "'") {
    const end = s.indexOf("'", i + 1);
    if (end < 0) throw unterminated("single quote (')");
    return end + 1;
  }
  if (ch === '"') return doubleQuoteEnd(s, i);
  if (ch === '`') return backtickEnd(s, i);
  if (ch === '$' && s.charAt(i + 1) === '(') return parenEnd(s, i + 2);
  return undefined;
}

/** Index just past the `}` that closes a `${` whose body starts at `from`. */
function braceEnd(s: string, from: number): number {
  let depth = 1;
  let j = from;
  while (j < s.length) {
    const ch = s.charAt(j);
    if (ch === '\\') {
      j += 2;
      continue;
    }
    if (ch === '{') depth += 1;
    if (ch === '}') {
      depth -= 1;
      if (depth === 0) return j + 1;
    }
    j += 1;
  }
  throw unterminated('variable ${...}');
}

/** Reads a `$` at `i`: a substitution becomes a sentinel; anything else stays literal. */
function scanDollar(
  s: string,
  i: number,
  inDouble: boolean,
  keep: Keep,
): { text: string; end: number } {
  const next = s.charAt(i + 1);
  if (next === '(') {
    const end = parenEnd(s, i + 2);
    return { text: keep(s.slice(i, end)), end };
  }
  if (next === '{') {
    const end = braceEnd(s, i + 2);
    return { text: keep(s.slice(i, end)), end };
  }
  const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i + 1));
  if (name) {
    const end = i + 1 + name[0].length;
    return { text: keep(s.slice(i, end)), end };
  }
  if (/^[0-9@*#?$!-]$/.test(next)) return { text: keep(s.slice(i, i + 2)), end: i + 2 };
  if (next === "'" && !inDouble) {
    // bash ANSI-C quoting $'...': shell-quote decodes it; only find where it ends.
    let j = i + 2;
    while (j < s.length && s.charAt(j) !== "'") j += s.charAt(j) === '\\' ? 2 : 1;
    if (j >= s.length) throw unterminated("$'...' string");
    return { text: s.slice(i, j + 1), end: j + 1 };
  }
  // bash $"..." (a translated string) is the string itself.
  if (next === '"' && !inDouble) return { text: '', end: i + 1 };
  // A lone `$` is literal in the shell.
  return { text: '\\$', end: i + 1 };
}

function scanDouble(s: string, start: number, keep: Keep): { text: string; end: number } {
  let out = '"';
  let j = start + 1;
  for (;;) {
    if (j >= s.length) throw unterminated('double quote (")');
    const ch = s.charAt(j);
    if (ch === '\\') {
      const next = s.charAt(j + 1);
      if (next === '') throw unterminated('double quote (")');
      // POSIX: backslash-newline is removed inside double quotes too, and \` is a backtick
      // (shell-quote only unescapes \" \\ and \$ there).
      if (next === '`') out += next;
      else if (next !== '\n') out += ch + next;
      j += 2;
    } else if (ch === '"') {
      return { text: `${out}"`, end: j + 1 };
    } else if (ch === '$') {
      const r = scanDollar(s, j, true, keep);
      out += r.text;
      j = r.end;
    } else if (ch === '`') {
      const end = backtickEnd(s, j);
      out += keep(s.slice(j, end));
      j = end;
    } else {
      out += ch;
      j += 1;
    }
  }
}

/**
 * One pass over the command as the shell's tokenizer sees it: removes `\`-newline continuations,
 * replaces substitutions with sentinels, and cuts the text at the first unquoted operator,
 * comment or newline (the end of the first command).
 */
function scan(s: string, prompted: boolean): Scanned {
  const subs: string[] = [];
  const keep: Keep = (expression) => {
    subs.push(expression);
    return `${OPEN}${String(subs.length - 1)}${CLOSE}`;
  };
  let out = '';
  let i = 0;
  let wordStart = true;
  let stoppedAt: string | undefined;
  while (i < s.length) {
    const c = s.charAt(i);
    if (c === '\\') {
      const next = s.charAt(i + 1);
      if (next === '\n') {
        i += 2;
        // A continuation copied from a terminal carries the `> ` secondary prompt.
        if (prompted && s.startsWith('> ', i)) i += 2;
        continue;
      }
      if (next === '') {
        i += 1;
        continue;
      }
      out += c + next;
      i += 2;
      wordStart = false;
      continue;
    }
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw unterminated("single quote (')");
      out += s.slice(i, end + 1);
      i = end + 1;
      wordStart = false;
      continue;
    }
    if (c === '"') {
      const r = scanDouble(s, i, keep);
      out += r.text;
      i = r.end;
      wordStart = false;
      continue;
    }
    if (c === '$') {
      const r = scanDollar(s, i, false, keep);
      out += r.text;
      i = r.end;
      wordStart = false;
      continue;
    }
    if (c === '`') {
      const end = backtickEnd(s, i);
      out += keep(s.slice(i, end));
      i = end;
      wordStart = false;
      continue;
    }
    if (c === ' ' || c === '\t') {
      out += c;
      i += 1;
      wordStart = true;
      continue;
    }
    if (c === '\n') {
      if (s.slice(i).trim() !== '') stoppedAt = 'newline';
      break;
    }
    if (c === '^' && wordStart && /^\^[ \t]*\n/.test(s.slice(i))) {
      throw new CurlParseError(
        'a line ends with ^, a Windows cmd.exe line continuation: paste the command as a POSIX shell (bash, zsh) runs it, with \\ continuations or on one line',
      );
    }
    if (c === '#') {
      // A comment starts only at the beginning of a word (shell-quote would start one anywhere).
      if (wordStart) {
        stoppedAt = '#';
        break;
      }
      out += '\\#';
      i += 1;
      continue;
    }
    const rest = s.slice(i);
    const fd = wordStart ? FD_REDIRECT_RE.exec(rest) : null;
    const op = fd ?? SHELL_OPERATOR_RE.exec(rest);
    if (op) {
      stoppedAt = op[0];
      break;
    }
    out += c;
    i += 1;
    wordStart = false;
  }
  return stoppedAt === undefined ? { text: out, subs } : { text: out, subs, stoppedAt };
}

/**
 * A PowerShell paste: `curl.exe` (PowerShell's `curl` is Invoke-WebRequest), a `PS C:\>` prompt,
 * or a backtick line continuation (a backtick never ends a line in a POSIX command).
 */
export function isPowerShell(s: string): boolean {
  return /^(?:PS [^\n>]*>\s*)?(?:&\s*)?\S*curl\.exe\b/iu.test(s) || /`[ \t]*\n/u.test(s);
}

/**
 * Reads a PowerShell paste as PowerShell would, written as the POSIX command it stands for:
 * backtick continuations join the lines, `$env:NAME` is the environment variable NAME, and the
 * backtick is PowerShell's escape character (`` `" `` a quote, `` `$ `` a dollar), never a
 * command substitution. Single quotes are literal in both.
 */
export function fromPowerShell(s: string): string {
  return s
    .replace(/^PS [^\n>]*>\s*/u, '')
    .replace(/^&\s*/u, '')
    .replace(/`[ \t]*\n[ \t]*/gu, ' ')
    .replace(/\$env:([A-Za-z_]\w*)/giu, '${$1}')
    .replace(/`(["$])/gu, '\\$1')
    .replace(/`/gu, '');
}

function isCurlWord(word: string): boolean {
  const base = word.split(/[\\/]/).pop() ?? word;
  return /^curl(?:\.exe)?$/i.test(base);
}

/**
 * Splits a pasted command line as a POSIX shell would (quotes, `\`-newline continuations, a
 * leading prompt), stopping at the first operator (`| jq .`, `> out.json`, `&&`...). Never runs or
 * expands anything: substitutions stay as literal text. Throws `CurlParseError` when the text is
 * not a curl command.
 */
export function splitCommand(
  text: string,
  options: {
    /**
     * What each substitution or variable the shell expanded (one outside single quotes) stands
     * for in the words; by default its own text, literally.
     */
    readonly expand?: (expression: string) => string;
    /** A stage of a pipeline inside a substitution: any command, not only curl. */
    readonly anyCommand?: boolean;
  } = {},
): SplitCommand {
  let s = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  s = s.replace(/^\s+/, '');
  if (s.includes('\0'))
    throw new CurlParseError('the command holds a NUL byte, which no shell passes to curl');
  if (isPowerShell(s)) s = fromPowerShell(s);
  // Comment lines above the command (`# list the commits`), but not a root prompt (`# curl ...`).
  while (s.startsWith('#') && !/^#[ \t]+(?:\S*\/)?curl(?:\.exe)?\s/.test(s)) {
    const nl = s.indexOf('\n');
    s = nl < 0 ? '' : s.slice(nl + 1).replace(/^\s+/, '');
  }
  if (s === '') throw new CurlParseError('the curl command is empty');
  const prompt = PROMPT_RE.exec(s);
  if (prompt) s = s.slice(prompt[0].length);
  const scanned = scan(s, prompt !== null);
  const restore = (word: string): string =>
    word.replace(SENTINEL_RE, (_m, index: string) => {
      const expression = scanned.subs[Number(index)] ?? '';
      return options.expand === undefined ? expression : options.expand(expression);
    });

  // The env callback is a safety net: every substitution was replaced by a sentinel above.
  const entries = shellParse(scanned.text, (key: string) => `$${key}`);
  const words: string[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string') {
      words.push(restore(entry));
      continue;
    }
    if ('comment' in entry) break;
    if (entry.op === 'glob') {
      // An unquoted `?` or `*` (as in a URL's query string): the shell leaves it as is when no
      // file matches (bash's default).
      words.push(restore(entry.pattern));
      continue;
    }
    break;
  }

  const assignments: string[] = [];
  let start = 0;
  for (; start < words.length; start += 1) {
    const word = words[start] ?? '';
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(word);
    if (assignment?.[1] !== undefined) {
      assignments.push(assignment[1]);
      continue;
    }
    if (WRAPPERS.has(word)) {
      // Skip the wrapper's own options (`sudo -E`, `env -i`).
      while (words[start + 1]?.startsWith('-') === true) start += 1;
      continue;
    }
    break;
  }
  const argv = words.slice(start);
  const first = argv[0];
  if (first === undefined) throw new CurlParseError('the command has no curl in it');
  if (!isCurlWord(first) && options.anyCommand !== true) {
    // `--curl "$TOKEN"`: the word may be the secret itself; it is described, never echoed.
    throw new CurlParseError(`not a curl command: it runs ${quoted(first, 30)}, not curl`);
  }
  const result: SplitCommand = { argv, assignments };
  if (scanned.stoppedAt !== undefined) result.stoppedAt = scanned.stoppedAt;
  return result;
}

/** `splitCommand(text).argv`: the words of a pasted curl command, `curl` first. */
export function splitCommandLine(text: string): string[] {
  return splitCommand(text).argv;
}

// ---------------------------------------------------------------------------------------------
// curl's options
// ---------------------------------------------------------------------------------------------

/** curl's short options (curl(1)); digits and `#`/`:` included. */
const SHORT: Readonly<Record<string, string>> = {
  '0': 'http1.0',
  '1': 'tlsv1',
  '2': 'sslv2',
  '3': 'sslv3',
  '4': 'ipv4',
  '6': 'ipv6',
  '#': 'progress-bar',
  ':': 'next',
  a: 'append',
  A: 'user-agent',
  b: 'cookie',
  B: 'use-ascii',
  c: 'cookie-jar',
  C: 'continue-at',
  d: 'data',
  D: 'dump-header',
  e: 'referer',
  E: 'cert',
  f: 'fail',
  F: 'form',
  g: 'globoff',
  G: 'get',
  h: 'help',
  H: 'header',
  i: 'include',
  I: 'head',
  j: 'junk-session-cookies',
  J: 'remote-header-name',
  k: 'insecure',
  K: 'config',
  l: 'list-only',
  L: 'location',
  m: 'max-time',
  M: 'manual',
  n: 'netrc',
  N: 'no-buffer',
  o: 'output',
  O: 'remote-name',
  p: 'proxytunnel',
  P: 'ftp-port',
  q: 'disable',
  Q: 'quote',
  r: 'range',
  R: 'remote-time',
  s: 'silent',
  S: 'show-error',
  t: 'telnet-option',
  T: 'upload-file',
  u: 'user',
  U: 'proxy-user',
  v: 'verbose',
  V: 'version',
  w: 'write-out',
  x: 'proxy',
  X: 'request',
  y: 'speed-time',
  Y: 'speed-limit',
  z: 'time-cond',
  Z: 'parallel',
};

const words = (list: string): Set<string> => new Set(list.trim().split(/\s+/));

/** Long options that take an argument (curl 8.x `curl --help all`). */
const WITH_ARG = words(`
  abstract-unix-socket alt-svc aws-sigv4 cacert capath cert cert-type ciphers config
  connect-timeout connect-to continue-at cookie cookie-jar create-file-mode crlfile curves data
  data-ascii data-binary data-raw data-urlencode delegation dns-interface dns-ipv4-addr
  dns-ipv6-addr dns-servers doh-url dump-header ech egd-file engine etag-compare etag-save
  expect100-timeout form form-string ftp-account ftp-alternative-to-user ftp-method ftp-port
  ftp-ssl-ccc-mode happy-eyeballs-timeout-ms haproxy-clientip header hostpubmd5 hostpubsha256 hsts
  interface ip-tos ipfs-gateway json keepalive-cnt keepalive-time key key-type knownhosts krb
  libcurl limit-rate local-port login-options mail-auth mail-from mail-rcpt max-filesize
  max-redirs max-time netrc-file noproxy oauth2-bearer output output-dir parallel-max pass
  pinnedpubkey preproxy proto proto-default proto-redir proxy proxy-cacert proxy-capath proxy-cert
  proxy-cert-type proxy-ciphers proxy-crlfile proxy-header proxy-key proxy-key-type proxy-pass
  proxy-pinnedpubkey proxy-service-name proxy-tls13-ciphers proxy-tlsauthtype proxy-tlspassword
  proxy-tlsuser proxy-user proxy1.0 quote random-file range rate referer request request-target
  resolve retry retry-delay retry-max-time sasl-authzid service-name sigalgs socks4 socks4a socks5
  socks5-gssapi-service socks5-hostname speed-limit speed-time ssl-sessions stderr telnet-option
  time-cond tls-max tls13-ciphers tlsauthtype tlspassword tlsuser trace trace-ascii trace-config
  unix-socket upload-file upload-flags url url-query user user-agent variable vlan-priority
  write-out
`);

/** Long options without an argument (curl 8.x); each also accepts a `--no-` form. */
const BOOLEAN = words(`
  anyauth append basic ca-native cert-status compressed compressed-ssh create-dirs crlf digest
  disable disable-eprt disable-epsv disallow-username-in-url fail fail-early fail-with-body
  false-start follow ftp-create-dirs ftp-pasv ftp-pret ftp-skip-pasv-ip ftp-ssl-ccc
  ftp-ssl-control get globoff haproxy-protocol head help http0.9 http1.0 http1.1 http2
  http2-prior-knowledge http3 http3-only ignore-content-length include insecure ipv4 ipv6
  junk-session-cookies list-only location location-trusted manual mptcp negotiate netrc
  netrc-optional next alpn buffer clobber keepalive npn progress-meter sessionid ntlm ntlm-wb
  out-null parallel parallel-immediate path-as-is post301 post302 post303 progress-bar
  proxy-anyauth proxy-basic proxy-ca-native proxy-digest proxy-http2 proxy-insecure
  proxy-negotiate proxy-ntlm proxy-ssl-allow-beast proxy-ssl-auto-client-cert proxytunnel raw
  remote-header-name remote-name remote-name-all remote-time remove-on-error retry-all-errors
  retry-connrefused sasl-ir show-error show-headers silent skip-existing socks5-basic
  socks5-gssapi socks5-gssapi-nec ssl ssl-allow-beast ssl-auto-client-cert ssl-no-revoke ssl-reqd
  ssl-revoke-best-effort sslv2 sslv3 styled-output suppress-connect-headers tcp-fastopen
  tcp-nodelay tftp-no-options tls-earlydata tlsv1 tlsv1.0 tlsv1.1 tlsv1.2 tlsv1.3 tr-encoding
  trace-ids trace-time use-ascii verbose version xattr
`);

/**
 * Options that change nothing about what reaches Bitbucket (output, verbosity, timing, retries,
 * transfer encoding, protocol version): consumed with their argument and not reported.
 */
const HARMLESS = words(`
  silent show-error verbose include output write-out compressed fail fail-with-body fail-early
  max-time connect-timeout retry retry-delay retry-max-time retry-all-errors retry-connrefused
  progress-bar progress-meter out-null http1.0 http1.1 http2 http2-prior-knowledge http3
  http3-only http0.9 ipv4 ipv6 globoff buffer remote-name remote-name-all remote-header-name
  create-dirs create-file-mode output-dir dump-header trace trace-ascii trace-config trace-ids
  trace-time stderr libcurl styled-output show-headers tcp-nodelay tcp-fastopen keepalive
  keepalive-time keepalive-cnt speed-limit speed-time limit-rate max-redirs max-filesize raw
  tr-encoding parallel parallel-immediate parallel-max remote-time clobber skip-existing
  remove-on-error xattr disable junk-session-cookies cookie-jar etag-compare etag-save help
  version manual suppress-connect-headers expect100-timeout happy-eyeballs-timeout-ms rate
  variable alpn npn sessionid mptcp ip-tos vlan-priority alt-svc hsts ssl-sessions
  ignore-content-length path-as-is
`);

const DATA_OPTIONS = words(
  'data data-ascii data-binary data-raw data-urlencode json form form-string',
);

function isPositional(word: string): boolean {
  return word !== '' && !word.startsWith('-');
}

interface State {
  url?: string;
  method?: string;
  headers: CurlHeader[];
  user?: { username: string; secret?: string };
  oauth2Bearer?: string;
  data: CurlData[];
  netrc: boolean;
  netrcFile?: string;
  netrcOptional: boolean;
  location: boolean;
  get: boolean;
  insecure: boolean;
  head: boolean;
  upload: boolean;
  ignored: string[];
  urlQuery: string[];
}

function addHeader(state: State, raw: string, flag: string): void {
  if (raw.startsWith('@')) {
    // `-H @file` reads headers from a file the doctor cannot see.
    state.ignored.push(`${flag} @file`);
    return;
  }
  const colon = raw.indexOf(':');
  if (colon > 0) {
    state.headers.push({
      name: raw.slice(0, colon).trim(),
      value: raw.slice(colon + 1).replace(/^[ \t]+/, ''),
      flag,
    });
    return;
  }
  // curl(1) -H: "To send a custom header with no value then its header must be terminated with
  // a semicolon, such as -H "X-Custom-Header;"".
  if (raw.endsWith(';') && !/\s/.test(raw)) {
    state.headers.push({ name: raw.slice(0, -1), value: '', flag });
    return;
  }
  // No colon: curl does not send the line at all.
  const m = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)[ \t]+([\s\S]*)$/.exec(raw);
  state.headers.push(
    m?.[1] !== undefined && m[2] !== undefined
      ? { name: m[1], value: m[2], flag, noColon: true }
      : { name: raw.trim(), value: '', flag, noColon: true },
  );
}

function applyArg(state: State, name: string, flag: string, value: string): void {
  if (DATA_OPTIONS.has(name)) {
    state.data.push({ flag, value });
    return;
  }
  switch (name) {
    case 'url':
      addUrl(state, value);
      return;
    case 'user': {
      // curl splits at the first colon: a username cannot contain one, a secret can.
      const colon = value.indexOf(':');
      state.user =
        colon < 0
          ? { username: value }
          : { username: value.slice(0, colon), secret: value.slice(colon + 1) };
      return;
    }
    case 'header':
      addHeader(state, value, flag);
      return;
    case 'oauth2-bearer':
      state.oauth2Bearer = value;
      return;
    case 'request':
      state.method = value;
      return;
    case 'netrc-file':
      state.netrcFile = value;
      state.netrc = true;
      return;
    case 'user-agent':
      state.headers.push({ name: 'User-Agent', value, flag });
      return;
    case 'referer':
      state.headers.push({ name: 'Referer', value: value.replace(/;auto$/, ''), flag });
      return;
    case 'cookie':
      // curl(1) -b: "If no '=' symbol is used in the argument, it is instead treated as a
      // filename to read previously stored cookie from."
      if (value.includes('=')) state.headers.push({ name: 'Cookie', value, flag });
      else state.ignored.push(`${flag} FILE`);
      return;
    case 'upload-file':
      state.upload = true;
      state.ignored.push(flag);
      return;
    case 'url-query':
      state.urlQuery.push(value);
      return;
    default:
      if (!HARMLESS.has(name)) state.ignored.push(flag);
  }
}

function applyBoolean(state: State, name: string, flag: string, on: boolean): void {
  switch (name) {
    case 'netrc':
      state.netrc = on;
      return;
    case 'netrc-optional':
      state.netrcOptional = on;
      return;
    case 'location':
    case 'follow':
      state.location = on;
      return;
    case 'location-trusted':
      // Also sends the credentials to other hosts on redirects: worth reporting.
      state.location = on;
      state.ignored.push(flag);
      return;
    case 'get':
      state.get = on;
      return;
    case 'insecure':
      state.insecure = on;
      return;
    case 'head':
      state.head = on;
      return;
    default:
      if (!HARMLESS.has(name)) state.ignored.push(flag);
  }
}

function addUrl(state: State, url: string): void {
  if (state.url === undefined) state.url = url;
  else state.ignored.push('(another URL)');
}

/**
 * Reads curl's arguments (`argv[0]` is `curl`). Understands the options people use with Bitbucket,
 * consumes the arguments of every other known option, and records in `ignored` the options it
 * does not act on (names only). Throws `CurlParseError` when argv is not a curl command.
 */
export function parseCurl(argv: readonly string[]): ParsedCurl {
  const first = argv[0];
  if (first === undefined || !isCurlWord(first)) {
    throw new CurlParseError('not a curl command: the words must start with curl');
  }
  const state: State = {
    headers: [],
    data: [],
    netrc: false,
    netrcOptional: false,
    location: false,
    get: false,
    insecure: false,
    head: false,
    upload: false,
    ignored: [],
    urlQuery: [],
  };
  let i = 1;
  let optionsDone = false;
  parsing: while (i < argv.length) {
    const word = argv[i] ?? '';
    i += 1;
    if (!optionsDone && word === '--') {
      optionsDone = true;
      continue;
    }
    if (optionsDone || word === '-' || isPositional(word)) {
      addUrl(state, word);
      continue;
    }
    if (word.startsWith('--')) {
      let name = word.slice(2);
      let on = true;
      // curl 8.3+: `--expand-OPTION` expands {{variables}} in the argument first.
      if (name.startsWith('expand-') && WITH_ARG.has(name.slice(7))) name = name.slice(7);
      if (!WITH_ARG.has(name) && !BOOLEAN.has(name) && name.startsWith('no-')) {
        if (BOOLEAN.has(name.slice(3))) {
          name = name.slice(3);
          on = false;
        }
      }
      if (WITH_ARG.has(name)) {
        const value = argv[i];
        if (value === undefined) {
          state.ignored.push(word);
          break;
        }
        i += 1;
        applyArg(state, name, word, value);
      } else if (name === 'next') {
        // A second transfer: only the first one is diagnosed.
        state.ignored.push(word);
        break;
      } else if (BOOLEAN.has(name)) {
        applyBoolean(state, name, word, on);
      } else {
        // curl has no `--name=value` syntax; keep only the name (the value may be a secret).
        const eq = word.indexOf('=');
        state.ignored.push(eq > 0 ? `${word.slice(0, eq)}=…` : word);
      }
      continue;
    }
    // A cluster of short options: `-sSL`, `-XPOST`, `-uuser:secret`, `-HAuthorization: x`.
    const letters = Array.from(word.slice(1));
    for (let k = 0; k < letters.length; k += 1) {
      const letter = letters[k] ?? '';
      const flag = `-${letter}`;
      const name = SHORT[letter];
      if (name === undefined) {
        state.ignored.push(flag);
        continue;
      }
      if (WITH_ARG.has(name)) {
        let value = letters.slice(k + 1).join('');
        if (value === '') {
          const next = argv[i];
          if (next === undefined) {
            state.ignored.push(flag);
            break parsing;
          }
          value = next;
          i += 1;
        }
        applyArg(state, name, flag, value);
        break;
      }
      if (name === 'next') {
        state.ignored.push(flag);
        break parsing;
      }
      applyBoolean(state, name, flag, true);
    }
  }

  let url = state.url;
  if (url !== undefined && state.urlQuery.length > 0) {
    url += (url.includes('?') ? '&' : '?') + state.urlQuery.join('&');
  }
  const hasBody = state.data.length > 0;
  const implied = state.head
    ? 'HEAD'
    : state.upload
      ? 'PUT'
      : hasBody && !state.get
        ? 'POST'
        : 'GET';
  const parsed: ParsedCurl = {
    method: state.method ?? implied,
    headers: state.headers,
    data: state.data,
    netrc: state.netrc,
    netrcOptional: state.netrcOptional,
    location: state.location,
    get: state.get,
    insecure: state.insecure,
    head: state.head,
    ignored: state.ignored,
    argv: [...argv],
  };
  if (url !== undefined) parsed.url = url;
  if (state.user) parsed.user = state.user;
  if (state.oauth2Bearer !== undefined) parsed.oauth2Bearer = state.oauth2Bearer;
  if (state.netrcFile !== undefined) parsed.netrcFile = state.netrcFile;
  if (state.method !== undefined) parsed.explicitMethod = true;
  return parsed;
}

/** The method curl would pick from the other options, ignoring `-X`. */
export function impliedMethod(parsed: ParsedCurl): string {
  if (parsed.head) return 'HEAD';
  if (parsed.ignored.includes('-T') || parsed.ignored.includes('--upload-file')) return 'PUT';
  return parsed.data.length > 0 && !parsed.get ? 'POST' : 'GET';
}
