import { GIT_ACCESS_TOKEN_USER, GIT_API_TOKEN_USER } from '../knowledge/shapes.js';
import { createHash } from 'node:crypto';

/** First 8 hex digits of the SHA-256 of a secret: lets support tell two tokens apart. */
export const fingerprint = (secret: string): string =>
  createHash('sha256').update(secret, 'utf8').digest('hex').slice(0, 8);

export const redactionMark = (secret: string): string => `[redacted sha256:${fingerprint(secret)}]`;

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const b64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

/** Encodings a secret may take on the way out: JSON strings, URLs, forms, HTML. */
const surfaceForms = (value: string): string[] => {
  const forms = [
    value,
    JSON.stringify(value).slice(1, -1),
    encodeURIComponent(value),
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
  return forms;
};

/**
 * The one redactor of a run. Every secret is registered the moment it is read, together with the
 * usernames in play; `redact()` then removes it, in any form the contract names (as given,
 * trimmed, base64 of `user:secret`, URL-encoded, in userinfo or a query string), from any text.
 * Base64 words are also decoded and checked, so `Basic base64(anyone:secret)` is caught even for a
 * username nobody registered.
 */
export class Redactor {
  private readonly secrets = new Map<string, string>();
  private readonly usernames = new Set<string>(['', GIT_ACCESS_TOKEN_USER, GIT_API_TOKEN_USER]);
  /** form → replacement mark; rebuilt lazily when secrets or usernames change. */
  private table: [string, string][] | undefined;

  /** Registers a secret (and the usernames it may be paired with). Empty strings are ignored. */
  register(
    secret: string | undefined,
    usernames: readonly (string | undefined)[] = [],
    /** The mark to show instead of the secret's own (a stand-in shows its original's). */
    shown?: string,
  ): void {
    if (secret === undefined || secret.length === 0) return;
    // A value that is only an unexpanded shell reference ($VAR, ${VAR}, $(...), `...`) is the
    // name of a secret, not one: the report must be able to say which variable to export.
    if (/^\s*(?:\$[A-Za-z_]\w*|\$\{[A-Za-z_]\w*\}|\$\([^)]*\)|`[^`]*`)\s*$/u.test(secret)) return;
    for (const user of usernames) if (user !== undefined) this.usernames.add(user);
    const unquoted = secret
      .trim()
      .replace(/^(["'])(.*)\1$/su, '$2')
      .trim();
    // The mark is the fingerprint of the secret as the doctor uses it (trimmed, unquoted: the
    // credential's), so evidence and credentials[] show the same fingerprint (contract.md).
    const mark = shown ?? redactionMark(unquoted === '' ? secret : unquoted);
    const variants = new Set([secret, secret.trim(), unquoted]);
    for (const variant of variants) {
      if (variant.length > 0 && !this.secrets.has(variant)) this.secrets.set(variant, mark);
    }
    this.table = undefined;
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

  private build(): [string, string][] {
    const table = new Map<string, string>();
    for (const [secret, mark] of this.secrets) {
      for (const form of surfaceForms(secret)) table.set(form, mark);
      for (const user of this.usernames) {
        const pair = `${user}:${secret}`;
        table.set(b64(pair), mark);
        table.set(b64(pair).replace(/=+$/u, ''), mark);
        table.set(b64url(pair), mark);
      }
      table.set(b64(secret), mark);
      table.set(b64(secret).replace(/=+$/u, ''), mark);
    }
    // Longest first, so a form that contains another is replaced whole.
    return [...table.entries()]
      .filter(([form]) => form.length > 0)
      .sort((a, b) => b[0].length - a[0].length);
  }

  /** Returns `text` with every registered secret, in every encoding, replaced by its mark. */
  redact(text: string): string {
    if (this.secrets.size === 0) return text;
    this.table ??= this.build();
    // Any base64 word that decodes to something containing a secret (e.g. Basic for a username
    // that was never registered) goes whole, before the table could cut an aligned suffix of it.
    let out = text.replace(/[A-Za-z0-9+/_-]{8,}={0,2}/gu, (word) => {
      for (const decoded of decodings(word)) {
        for (const [secret, mark] of this.secrets) {
          if (secret.length >= 4 && decoded.includes(secret)) return mark;
        }
      }
      return word;
    });
    for (const [form, mark] of this.table) {
      if (out.includes(form)) out = out.split(form).join(mark);
    }
    return out;
  }

  /** Deep-redacts every string in a JSON-like value (report models, exchanges). */
  redactDeep<T>(value: T): T {
    return redactValue(value, (s) => this.redact(s)) as T;
  }
}

const decodings = (word: string): string[] => {
  const out: string[] = [];
  for (const encoding of ['base64', 'base64url'] as const) {
    const decoded = Buffer.from(word, encoding).toString('utf8');
    if (decoded.length > 0) out.push(decoded);
  }
  return out;
};

const redactValue = (value: unknown, redact: (s: string) => string): unknown => {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, redact));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[redact(key)] = redactValue(item, redact);
    return out;
  }
  return value;
};
