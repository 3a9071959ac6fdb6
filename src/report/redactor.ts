import { GIT_ACCESS_TOKEN_USER, GIT_API_TOKEN_USER } from '../knowledge/shapes.js';
import { decodeComponent } from '../intake/curl-url.js';
import { isCredentialHeader } from '../knowledge/wire.js';
import { createHash } from 'node:crypto';

/**
 * The redaction rules of contract.md, "Secrets". Two ways a secret leaves a text:
 * - by structure, whatever its length: an Authorization value loses its credential but keeps its
 *   scheme as sent (`bearer [redacted …]`: the spelling is often the diagnosis); URL userinfo,
 *   credential parameters (`access_token=`), JSON credential fields, cookies and the credential
 *   flags of a quoted command keep their names;
 * - as a substring, in every encoding, for secrets of SUBSTRING_MIN characters or more. A shorter
 *   "secret" (`a`, `x`, `token`) is a word of prose as often as not: only its structural places
 *   are redacted.
 * A secret cut by a clip is still caught: a prefix or suffix of SUBSTRING_MIN characters at a cut.
 */
export const SUBSTRING_MIN = 8;
/** Under this length a short hash can be reversed by brute force: no fingerprint is shown. */
export const FINGERPRINT_MIN = 20;

/** First 8 hex digits of the SHA-256 of a secret: lets support tell two tokens apart. */
export const fingerprint = (secret: string): string =>
  createHash('sha256').update(secret, 'utf8').digest('hex').slice(0, 8);

export const redactionMark = (secret: string): string => `[redacted sha256:${fingerprint(secret)}]`;

/** The mark of a secret no credential of the report stands for and no fingerprint may name. */
export const PLAIN_MARK = '[redacted]';

/**
 * The fingerprint the report may show for a credential, or null: a secret under FINGERPRINT_MIN
 * characters, or an account password (a dictionary word, often), would be given away by a 32-bit
 * hash and its length (contract.md, "Short secrets").
 */
export const fingerprintFor = (secret: string, kind?: string): string | null =>
  secret.length < FINGERPRINT_MIN || kind === 'account-password'
    ? null
    : `sha256:${fingerprint(secret)}`;

/** An authentication scheme alone: a word of the protocol, never a secret. */
export const SCHEME_WORD = /^(?:bearer|basic|token|digest|negotiate|oauth|jwt|ntlm|hoba)$/iu;

/** An unexpanded shell reference, a template or an earlier mark: the name of a secret, not one. */
const PLACEHOLDER = /^(?:\$|<|\{|\[redacted|\.\.\.|…|\*+$|x+$)/iu;
const placeholder = (value: string): boolean =>
  value === '' || PLACEHOLDER.test(value) || /[<>{}]|\$\{|\$\(/u.test(value);

/** A word that can only be a credential: long, of token characters, with a digit or mixed case. */
const tokenLike = (value: string, min = 16): boolean =>
  value.length >= min &&
  /^[A-Za-z0-9+/=_.~%:-]+$/u.test(value) &&
  (/\d/u.test(value) || (/[a-z]/u.test(value) && /[A-Z]/u.test(value)));

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const b64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

/** The forms a clip may cut: as given, JSON-escaped (also `\/`), URL-encoded. */
const cutForms = (value: string): string[] => {
  const json = JSON.stringify(value).slice(1, -1);
  return [...new Set([value, json, json.replace(/\//gu, '\\/'), encodeURIComponent(value)])];
};

/** Encodings a secret may take on the way out: JSON strings (also `\/`), URLs, forms, HTML. */
const surfaceForms = (value: string): string[] => [
  ...cutForms(value),
  encodeURI(value),
  new URLSearchParams({ s: value }).toString().slice(2),
  value.replace(/[&<>"']/gu, (c) => `&#${c.charCodeAt(0)};`),
  value
    .replace(/&/gu, '&amp;')
    .replace(/</gu, '&lt;')
    .replace(/>/gu, '&gt;')
    .replace(/"/gu, '&quot;'),
  value.replace(/[|\\`*_<>[\]]/gu, (c) => `\\${c}`),
];

/** A secret's mark, shared by all its variants (as given, trimmed, unquoted). */
interface Entry {
  mark: string;
  /** A stand-in's mark is its original's: never renumbered. */
  readonly fixed: boolean;
}

/** Names of query, form and JSON parameters that carry a credential. */
const PARAM_NAMES =
  'access_token|refresh_token|id_token|token|client_secret|password|passwd|secret|api_key|apikey|jwt|code|assertion|app_password|private_token';
/**
 * JSON fields that carry a credential, in a body (a token answer, a login form). Not `code` nor
 * `token`: the report's own JSON has a finding `code`, and neither names only secrets there.
 */
const JSON_NAMES =
  'access_token|refresh_token|id_token|client_secret|password|passwd|api_key|apikey|jwt|private_token|app_password|assertion';
/** Object keys whose string value is a credential: the JSON fields' names (no `code`, no `token`). */
const CREDENTIAL_KEY = new RegExp(`^(?:${JSON_NAMES})$`, 'iu');
/** A HAR `{ name, value }` pair of a query or form: every credential parameter name counts. */
const PAIR_PARAM = new RegExp(`^(?:${PARAM_NAMES})$`, 'iu');
/** Credential flags of a quoted command line (curl's, bb-doctor's). */
const FLAG_NAMES =
  '--oauth2-bearer|--api-token|--app-password|--password|--access-token|--client-secret|--refresh-token|--pass';

const STRUCTURES: readonly {
  re: RegExp;
  kind: 'header' | 'userinfo' | 'param' | 'json' | 'flag' | 'user';
}[] = [
  // `authorization: bearer X`, `"Authorization": "Bearer X"`, `-H 'Private-Token: X'`.
  {
    re: /\b(authorization|proxy-authorization|cookie|set-cookie|private-token|x-api-key|x-[\w-]*(?:token|auth)[\w-]*)((?:"|\\")?\s*:\s*(?:"|\\")?)([^\r\n"'\\]*)/giu,
    kind: 'header',
  },
  {
    re: /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@:'"<>\\]*)(?::([^\s/?#@'"<>\\]*))?@/giu,
    kind: 'userinfo',
  },
  {
    re: new RegExp(`(^|[?&#;\\s"'(,])(${PARAM_NAMES})=([^&#\\s"'<>\\\\;]+)`, 'giu'),
    kind: 'param',
  },
  {
    re: new RegExp(`("(?:${JSON_NAMES})"\\s*:\\s*")((?:[^"\\\\]|\\\\.)*)`, 'giu'),
    kind: 'json',
  },
  { re: new RegExp(`(?<![\\w-])(${FLAG_NAMES})(\\s+|=)(['"]?)([^\\s'"]+)`, 'gu'), kind: 'flag' },
  { re: /(?<![\w-])(-u|--user)(\s+|=)(['"]?)([^\s'":]*):([^\s'"]+)/gu, kind: 'user' },
];

/**
 * The one redactor of a run. Every secret is registered the moment it is read, together with the
 * usernames in play; `redact()` then removes it from any text (contract.md, "Secrets").
 */
export class Redactor {
  private readonly secrets = new Map<string, Entry>();
  private readonly usernames = new Set<string>(['', GIT_ACCESS_TOKEN_USER, GIT_API_TOKEN_USER]);
  /**
   * form → entry for the long secrets (`table`), and the forms a clip may cut (`cut`); rebuilt
   * lazily when secrets or usernames change, not on every text redacted.
   */
  private table: { readonly forms: [string, Entry][]; readonly cut: [string, Entry][] } | undefined;

  /** Registers a secret (and the usernames it may be paired with). Empty strings are ignored. */
  register(
    secret: string | undefined,
    usernames: readonly (string | undefined)[] = [],
    /** The mark to show instead of the secret's own (a stand-in shows its original's). */
    shown?: string,
  ): void {
    if (secret === undefined || secret.trim().length === 0) return;
    // A value that is only a variable's name ($VAR, ${VAR}) is the name of a secret, not one:
    // the report must be able to say which variable to export. A command substitution's text is
    // registered: it may hold the secrets of the command inside (`$(curl -u key:secret …)`).
    if (/^\s*(?:\$[A-Za-z_]\w*|\$\{[A-Za-z_]\w*\})\s*$/u.test(secret)) return;
    for (const user of usernames) if (user !== undefined) this.addUsername(user);
    const unquoted = unquote(secret);
    // `Bearer` from an empty $TOKEN is the scheme, never a secret.
    if (SCHEME_WORD.test(unquoted)) return;
    const existing = this.secrets.get(unquoted) ?? this.secrets.get(secret);
    const entry: Entry = existing ?? {
      // The mark is the fingerprint of the secret as the doctor uses it (trimmed, unquoted: the
      // credential's), so evidence and credentials[] agree; `identify` renumbers the short ones.
      mark: shown ?? markFor(unquoted === '' ? secret : unquoted),
      fixed: shown !== undefined,
    };
    if (existing !== undefined && shown !== undefined && !existing.fixed) existing.mark = shown;
    for (const variant of new Set([secret, secret.trim(), unquoted])) {
      if (variant.length > 0 && !this.secrets.has(variant)) this.secrets.set(variant, entry);
    }
    this.table = undefined;
  }

  /**
   * Gives each credential of the report its mark: the fingerprint where the report shows one, else
   * `[redacted #N]`, N its position in `credentials[]` (contract.md), so evidence and table agree.
   */
  identify(credentials: readonly { readonly secret: string; readonly kind: string }[]): void {
    credentials.forEach((credential, index) => {
      const entry =
        this.secrets.get(credential.secret) ?? this.secrets.get(unquote(credential.secret));
      if (entry === undefined || entry.fixed) return;
      entry.mark =
        fingerprintFor(credential.secret, credential.kind) === null
          ? `[redacted #${index + 1}]`
          : redactionMark(credential.secret);
    });
  }

  /** Registers a username so that base64 of `user:secret` is recognised (not itself secret). */
  addUsername(username: string | undefined): void {
    if (username === undefined || this.usernames.has(username)) return;
    this.usernames.add(username);
    this.table = undefined;
  }

  get size(): number {
    return this.secrets.size;
  }

  /** The registered secrets (for tests and for placeholders); never print these. */
  values(): string[] {
    return [...this.secrets.keys()];
  }

  private build(): NonNullable<Redactor['table']> {
    const table = new Map<string, Entry>();
    const cut: [string, Entry][] = [];
    for (const [secret, entry] of this.secrets) {
      if (secret.length < SUBSTRING_MIN) continue;
      if (secret.length > SUBSTRING_MIN)
        for (const form of cutForms(secret)) cut.push([form, entry]);
      for (const form of surfaceForms(secret)) table.set(form, entry);
      for (const user of this.usernames) {
        const pair = `${user}:${secret}`;
        table.set(b64(pair), entry);
        table.set(b64(pair).replace(/=+$/u, ''), entry);
        table.set(b64url(pair), entry);
      }
      table.set(b64(secret), entry);
      table.set(b64(secret).replace(/=+$/u, ''), entry);
    }
    // Longest first, so a form that contains another is replaced whole.
    const forms = [...table.entries()]
      .filter(([form]) => form.length > 0)
      .sort((a, b) => b[0].length - a[0].length);
    return { forms, cut };
  }

  /**
   * The mark for a value that stands where a credential stands, or undefined to leave it: a
   * registered secret (any length, as given or URL-encoded), a Basic pair holding one, or an
   * unregistered word that can only be a credential.
   */
  private credentialMark(value: string, unknownMin: number): string | undefined {
    // A registered secret first: `x` is a placeholder's look, but if it was given, it is the secret.
    const known = this.secrets.get(value) ?? this.secrets.get(decodeComponent(value));
    if (known !== undefined) return known.mark;
    if (placeholder(value)) return undefined;
    if (/^[A-Za-z0-9+/_-]{4,}={0,2}$/u.test(value)) {
      for (const decoded of decodings(value)) {
        const colon = decoded.indexOf(':');
        const pair = colon > -1 ? this.secrets.get(decoded.slice(colon + 1)) : undefined;
        if (pair !== undefined) return pair.mark;
        for (const [secret, entry] of this.secrets)
          if (secret.length >= SUBSTRING_MIN && decoded.includes(secret)) return entry.mark;
      }
    }
    if (tokenLike(value, unknownMin)) return markFor(value);
    return undefined;
  }

  /** An Authorization value: the scheme as sent, the credential replaced. */
  private authorization(value: string): string {
    const match = /^(\s*)(\S+)(\s+)(\S+)(.*)$/su.exec(value);
    if (match !== null && /^[A-Za-z][\w.-]*$/u.test(match[2] ?? '')) {
      const mark = this.credentialMark(match[4] ?? '', SUBSTRING_MIN);
      return mark === undefined
        ? value
        : `${match[1] ?? ''}${match[2] ?? ''}${match[3] ?? ''}${mark}${match[5] ?? ''}`;
    }
    const word = /^(\s*)(\S+)(\s*)$/su.exec(value);
    if (word === null || SCHEME_WORD.test(word[2] ?? '')) return value;
    const mark = this.credentialMark(word[2] ?? '', SUBSTRING_MIN);
    return mark === undefined ? value : `${word[1] ?? ''}${mark}${word[3] ?? ''}`;
  }

  /** A credential header's value by its structure (cookies keep their names). */
  redactHeader(name: string, value: string): string {
    const header = name.trim().toLowerCase();
    if (header === 'authorization' || header === 'proxy-authorization')
      return this.authorization(value);
    if (header === 'cookie' || header === 'set-cookie') {
      return value.replace(
        /(^|;\s*|,\s*)([^=;,\s]+)=([^;,]*)/gu,
        (all, lead: string, key: string, v: string) => {
          const mark =
            this.credentialMark(v.trim(), SUBSTRING_MIN) ??
            (v.trim().length >= 4 && !placeholder(v.trim()) ? PLAIN_MARK : undefined);
          return mark === undefined ? all : `${lead}${key}=${mark}`;
        },
      );
    }
    const trimmed = value.trim();
    const mark = this.credentialMark(trimmed, SUBSTRING_MIN);
    return mark === undefined ? value : value.replace(trimmed, mark);
  }

  /** Every structural place of a credential in a text, whatever the secret's length. */
  private structural(text: string): string {
    let out = text;
    for (const { re, kind } of STRUCTURES) {
      re.lastIndex = 0;
      out = out.replace(re, (...m: string[]) => {
        const all = m[0] ?? '';
        switch (kind) {
          case 'header': {
            const value = m[3] ?? '';
            const redacted = this.redactHeader(m[1] ?? '', value);
            return redacted === value ? all : `${m[1] ?? ''}${m[2] ?? ''}${redacted}`;
          }
          case 'userinfo': {
            const [, scheme = '', user = '', password] = m;
            if (password !== undefined && password !== '') {
              // Any password of a URL is a secret, unless it is a placeholder (`{token}`).
              const mark =
                this.credentialMark(password, 1) ??
                (placeholder(password) ? undefined : markFor(decodeComponent(password)));
              if (mark !== undefined) return `${scheme}${user}:${mark}@`;
            }
            const asUser = this.secrets.get(user) ?? this.secrets.get(decodeComponent(user));
            return asUser === undefined
              ? all
              : `${scheme}${asUser.mark}${password === undefined ? '' : ':'}@`;
          }
          case 'param': {
            const [, lead = '', name = '', value = ''] = m;
            const mark =
              this.credentialMark(value, 6) ??
              (value.length >= 6 && !placeholder(value)
                ? markFor(decodeComponent(value))
                : undefined);
            return mark === undefined ? all : `${lead}${name}=${mark}`;
          }
          case 'json': {
            const [, head = '', value = ''] = m;
            const mark =
              this.credentialMark(value, 1) ??
              (value === '' || placeholder(value) ? undefined : markFor(value));
            return mark === undefined ? all : `${head}${mark}`;
          }
          case 'flag': {
            const [, flag = '', sep = '', quote = '', value = ''] = m;
            const mark = this.credentialMark(value, 16);
            return mark === undefined ? all : `${flag}${sep}${quote}${mark}`;
          }
          case 'user': {
            const [, flag = '', sep = '', quote = '', user = '', password = ''] = m;
            const mark = this.credentialMark(password, 16);
            return mark === undefined ? all : `${flag}${sep}${quote}${user}:${mark}`;
          }
        }
        return all;
      });
    }
    return out;
  }

  /** Returns `text` with every registered secret, in every encoding, replaced by its mark. */
  redact(text: string): string {
    return this.registered(this.structural(text));
  }

  /**
   * Only the registered secrets, not the structural places: for the simulator's own description,
   * whose URLs carry its public test credentials on purpose (`simulate` prints them to be pasted).
   */
  registered(text: string): string {
    let out = text;
    if (this.secrets.size === 0) return out;
    this.table ??= this.build();
    // Any base64 word that decodes to something containing a secret (e.g. Basic for a username
    // that was never registered) goes whole, before the table could cut an aligned suffix of it.
    out = out.replace(/[A-Za-z0-9+/_-]{8,}={0,2}/gu, (word) => {
      for (const decoded of decodings(word)) {
        for (const [secret, entry] of this.secrets) {
          // A short secret only as the whole of a Basic pair (`user:a`), never inside prose.
          const found =
            secret.length >= SUBSTRING_MIN
              ? decoded.includes(secret)
              : decoded.endsWith(`:${secret}`) && sameBase64(b64(decoded), word);
          if (found) return entry.mark;
        }
      }
      return word;
    });
    for (const [form, entry] of this.table.forms) {
      if (out.includes(form)) out = out.split(form).join(entry.mark);
    }
    return this.cuts(out, this.table.cut);
  }

  /**
   * A secret cut by a clip (a body cut, a message clipped before it reached us): a prefix of it at
   * the end of the text or before an ellipsis, a suffix at the start or after one, of at least
   * SUBSTRING_MIN characters; anywhere once it is 12 characters or more.
   */
  private cuts(text: string, forms: readonly [string, Entry][]): string {
    let out = text;
    for (const [form, entry] of forms) {
      out = cutPrefixes(out, form, entry.mark);
      out = cutSuffixes(out, form, entry.mark);
    }
    return out;
  }

  /** Deep-redacts every string in a JSON-like value (report models, exchanges). */
  redactDeep<T>(value: T): T {
    return this.redactValue(value, undefined) as T;
  }

  private redactValue(value: unknown, key: string | undefined): unknown {
    if (typeof value === 'string') {
      // A header object's credential value: by its structure first (its name is the key).
      let structured = value;
      if (key !== undefined && isCredentialHeader(key)) structured = this.redactHeader(key, value);
      else if (key !== undefined && CREDENTIAL_KEY.test(key) && !placeholder(value.trim()))
        structured = this.credentialMark(value, 1) ?? markFor(value);
      return this.redact(structured);
    }
    if (Array.isArray(value)) return value.map((item) => this.redactValue(item, undefined));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      const record = value as Record<string, unknown>;
      // HAR's `{ name, value }` pairs: the name says whether the value is a credential.
      const pairName = typeof record['name'] === 'string' ? record['name'] : undefined;
      for (const [k, item] of Object.entries(record)) {
        const context =
          k === 'value' && pairName !== undefined
            ? PAIR_PARAM.test(pairName)
              ? 'access_token'
              : pairName
            : k;
        out[this.redact(k)] = this.redactValue(item, context);
      }
      return out;
    }
    return value;
  }
}

const unquote = (secret: string): string =>
  secret
    .trim()
    .replace(/^(["'])(.*)\1$/su, '$2')
    .trim();

/** The mark of a value by itself: its fingerprint only when that cannot give it away. */
const markFor = (value: string): string =>
  value.length >= FINGERPRINT_MIN ? redactionMark(value) : PLAIN_MARK;

/**
 * Where a clip leaves a secret: the text's edge or an ellipsis. Not a space or a quote: a secret
 * that begins with a word (`password123`) must not take that word out of prose.
 */
const AFTER_CUT = /^(?:…|\.\.\.)/u;
const BEFORE_CUT = /(?:…|\.\.\.)$/u;

/** A prefix of `form` (SUBSTRING_MIN or more characters, not all of it) left by a cut. */
const cutPrefixes = (text: string, form: string, mark: string): string => {
  const head = form.slice(0, SUBSTRING_MIN);
  let out = text;
  let from = 0;
  for (;;) {
    const at = out.indexOf(head, from);
    if (at < 0) return out;
    let k = SUBSTRING_MIN;
    while (k < form.length && out[at + k] === form[k]) k += 1;
    const end = at + k;
    const cut = end === out.length || AFTER_CUT.test(out.slice(end, end + 3));
    if (k < form.length && (k >= 12 || cut)) {
      out = `${out.slice(0, at)}${mark}${out.slice(end)}`;
      from = at + mark.length;
    } else from = at + 1;
  }
};

/** A suffix of `form` (SUBSTRING_MIN or more characters, not all of it) left by a cut. */
const cutSuffixes = (text: string, form: string, mark: string): string => {
  const tail = form.slice(-SUBSTRING_MIN);
  let out = text;
  let from = out.length;
  while (from >= 0) {
    const at = out.lastIndexOf(tail, from);
    if (at < 0) return out;
    const end = at + SUBSTRING_MIN;
    let start = at;
    let f = form.length - SUBSTRING_MIN;
    while (f > 0 && start > 0 && out[start - 1] === form[f - 1]) {
      start -= 1;
      f -= 1;
    }
    const k = end - start;
    const cut = start === 0 || BEFORE_CUT.test(out.slice(Math.max(0, start - 3), start));
    if (k < form.length && (k >= 12 || cut)) out = `${out.slice(0, start)}${mark}${out.slice(end)}`;
    from = start - 1;
  }
  return out;
};

const sameBase64 = (a: string, b: string): boolean =>
  a.replace(/=+$/u, '') === b.replace(/=+$/u, '');

const decodings = (word: string): string[] => {
  const out: string[] = [];
  for (const encoding of ['base64', 'base64url'] as const) {
    const decoded = Buffer.from(word, encoding).toString('utf8');
    if (decoded.length > 0) out.push(decoded);
  }
  return out;
};
