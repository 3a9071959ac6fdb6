import { SECRET_SHAPES as SHAPES } from '../knowledge/shapes.js';
import type { Credential, CredentialKind } from '../types.js';

/** Header names whose values are credentials: registered with the redactor, replayed as sent. */
export const CREDENTIAL_HEADER =
  /^(authorization|cookie|proxy-authorization|x-.*token.*|x-.*auth.*|private-token)$/iu;

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

/** `$VAR`, `${VAR}`, `$(...)` or a backtick expression that a shell never expanded. */
export const unexpandedExpression = (
  value: string,
): { expression: string; variable?: string; file?: string } | undefined => {
  const sub = /\$\(([^)]*)\)|`([^`]*)`/u.exec(value);
  if (sub !== null) {
    const inner = (sub[1] ?? sub[2] ?? '').trim();
    const file = /^cat\s+(\S+)$/u.exec(inner)?.[1];
    return { expression: sub[0], ...(file === undefined ? {} : { file }) };
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
