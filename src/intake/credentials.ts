import { SECRET_SHAPES as SHAPES } from '../knowledge/shapes.js';
import { isCredentialHeader } from '../knowledge/wire.js';
import type { Credential, CredentialKind } from '../types.js';

/**
 * Header names whose values are credentials: registered with the redactor, replayed as sent, and
 * dropped on a redirect to another origin. The one list is wire.ts `isCredentialHeader`; this is
 * that predicate in the `.test(name)` shape the intake's callers use.
 */
export const CREDENTIAL_HEADER: { readonly test: (name: string) => boolean } = {
  test: (name) => isCredentialHeader(name.trim()),
};

/** What the shape of a secret suggests, if anything. */
export const kindByShape = (
  secret: string,
): { kind: CredentialKind; label: string } | undefined => {
  const value = clean(secret);
  const shape = SHAPES.find((s) => s.prefix.test(value));
  if (shape !== undefined) return { kind: shape.kind, label: shape.label };
  if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/u.test(value)) {
    return { kind: 'access-token', label: 'JWT (three dot-separated base64url parts)' };
  }
  return undefined;
};

/** Outer whitespace and one pair of matching quotes removed: what the user meant. */
export const clean = (secret: string): string => {
  let value = secret.trim();
  const quoted = /^(["'])(.*)\1$/su.exec(value);
  if (quoted !== null) value = (quoted[2] ?? '').trim();
  return value;
};

/**
 * `$VAR`, `${VAR}`, `$(...)` or a backtick expression that a shell never expanded. A command
 * substitution is named by its first word only (`$(curl …)`): its text may hold the secrets of
 * the command inside (contract.md, "Secrets": described, never quoted).
 */
export const unexpandedExpression = (
  value: string,
): { expression: string; variable?: string; file?: string } | undefined => {
  const sub = /\$\(([^)]*)\)|`([^`]*)`/u.exec(value);
  if (sub !== null) {
    const inner = (sub[1] ?? sub[2] ?? '').trim();
    const file = /^cat\s+(\S+)$/u.exec(inner)?.[1];
    const program = inner.split(/\s+/u)[0] ?? '';
    const more = inner.includes(' ') ? ' …' : '';
    const expression = sub[0].startsWith('`') ? `\`${program}${more}\`` : `$(${program}${more})`;
    return { expression, ...(file === undefined ? {} : { file }) };
  }
  const variable = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/u.exec(value);
  if (variable !== null) {
    return { expression: variable[0], variable: variable[1] ?? variable[2] ?? '' };
  }
  return undefined;
};

/** Leading/trailing whitespace, an inner newline, or quotes around the value. */
export const whitespaceProblem = (raw: string): string | undefined => {
  if (/^\s*(["']).*\1\s*$/su.test(raw)) return 'is wrapped in quotes';
  if (/[\r\n]/u.test(raw)) return 'contains a newline';
  if (raw !== raw.trim())
    return raw.trimStart() !== raw ? 'starts with whitespace' : 'ends with whitespace';
  return undefined;
};

/** The characters a copy from a web page, a chat or an editor most often leaves in a secret. */
const CHARACTER_NAMES: Readonly<
  Record<number, { name: string; whitespace: boolean; hint: string }>
> = {
  0x09: { name: 'CHARACTER TABULATION (tab)', whitespace: true, hint: 'a tab' },
  0x0a: { name: 'LINE FEED (newline)', whitespace: true, hint: 'a line break' },
  0x0d: { name: 'CARRIAGE RETURN', whitespace: true, hint: 'a Windows line ending?' },
  0xa0: { name: 'NO-BREAK SPACE', whitespace: true, hint: 'copied from a web page?' },
  0x200b: { name: 'ZERO WIDTH SPACE', whitespace: true, hint: 'copied from a web page or chat?' },
  0xfeff: {
    name: 'ZERO WIDTH NO-BREAK SPACE (byte order mark)',
    whitespace: true,
    hint: 'a file saved with a BOM?',
  },
  0x20ac: { name: 'EURO SIGN', whitespace: false, hint: 'copied from a web page?' },
  0x2018: {
    name: 'LEFT SINGLE QUOTATION MARK',
    whitespace: false,
    hint: 'a smart quote from a web page or editor?',
  },
  0x2019: {
    name: 'RIGHT SINGLE QUOTATION MARK',
    whitespace: false,
    hint: 'a smart quote from a web page or editor?',
  },
  0x201c: {
    name: 'LEFT DOUBLE QUOTATION MARK',
    whitespace: false,
    hint: 'a smart quote from a web page or editor?',
  },
  0x201d: {
    name: 'RIGHT DOUBLE QUOTATION MARK',
    whitespace: false,
    hint: 'a smart quote from a web page or editor?',
  },
  0x202e: {
    name: 'RIGHT-TO-LEFT OVERRIDE',
    whitespace: false,
    hint: 'an invisible control character: copied from a web page?',
  },
};

/** Invisible and whitespace-like code points (Unicode White_Space and format controls). */
const WHITESPACE_LIKE = /[\s\u200b-\u200d\u2060\ufeff]/u;

export interface SuspectCharacter {
  /** 1-based, in characters (code points); never the character's neighbours. */
  readonly position: number;
  /** `U+20AC EURO SIGN: copied from a web page?` (or `U+XXXX`). */
  readonly described: string;
  readonly whitespace: boolean;
}

/**
 * The first character of a secret that cannot be meant: a control character or one HTTP headers
 * cannot carry (Node refuses it, ERR_INVALID_CHAR), anything whitespace-like (a no-break or
 * zero-width space, a BOM), and, in a token (always ASCII), any non-ASCII character. A password
 * may be non-ASCII (Basic sends it base64), so only the first two apply to passwords.
 */
export const suspectCharacter = (
  raw: string,
  kind: CredentialKind,
): SuspectCharacter | undefined => {
  const password = kind === 'account-password' || kind === 'app-password';
  let position = 0;
  for (const char of raw) {
    position += 1;
    const code = char.codePointAt(0) ?? 0;
    const whitespace = code !== 0x20 && WHITESPACE_LIKE.test(char);
    const control = code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0);
    const format = /\p{Cf}/u.test(char);
    const unsendable = code > 0xff;
    if (!(
      whitespace ||
      control ||
      format ||
      (unsendable && !password) ||
      (code > 0x7e && !password)
    ))
      continue;
    const known = CHARACTER_NAMES[code];
    const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    return {
      position,
      described: known === undefined ? hex : `${hex} ${known.name}: ${known.hint}`,
      whitespace: known?.whitespace ?? whitespace,
    };
  }
  return undefined;
};

export const makeCredential = (
  claimed: CredentialKind,
  raw: string,
  source: string,
  username?: string,
  classifiedBy = 'flag',
): Credential => {
  const shape = kindByShape(raw);
  const notes: string[] = [];
  let kind = claimed;
  let by = classifiedBy;
  if (claimed === 'unknown' && shape !== undefined) {
    kind = shape.kind;
    by = `shape:${shape.label}`;
  } else if (
    shape !== undefined &&
    shape.kind !== claimed &&
    claimed !== 'client-id' &&
    claimed !== 'client-secret' &&
    claimed !== 'refresh-token'
  ) {
    notes.push(`given as ${claimed} but looks like an ${shape.label}`);
  }
  return {
    kind,
    source,
    raw,
    secret: clean(raw),
    classifiedBy: by,
    ...(username === undefined ? {} : { username }),
    ...(notes.length > 0 ? { shapeNotes: notes } : {}),
  };
};

/** `Basic base64(user:secret)`: the header value Basic authentication sends (RFC 7617). */
export const basicAuthorization = (username: string, secret: string): string =>
  `Basic ${Buffer.from(`${username}:${secret}`, 'utf8').toString('base64')}`;

/** Parses an Authorization header value into scheme and credentials, exactly as given. */
export const parseAuthorization = (
  value: string,
): { scheme: string; rest: string; basic?: { username: string; secret: string } } => {
  const match = /^(\S+)(\s+)(.*)$/su.exec(value.trim());
  if (match === null) return { scheme: '', rest: value.trim() };
  const scheme = match[1] ?? '';
  const rest = match[3] ?? '';
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(rest.trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const reencoded = Buffer.from(decoded, 'utf8').toString('base64').replace(/=+$/u, '');
    if (colon > -1 && reencoded === rest.trim().replace(/=+$/u, '')) {
      return {
        scheme,
        rest,
        basic: { username: decoded.slice(0, colon), secret: decoded.slice(colon + 1) },
      };
    }
  }
  return { scheme, rest };
};
