import { parseAuthorization } from '../intake/credentials.js';
import type { FindingCode } from '../types.js';

export interface HeaderLint {
  readonly code: FindingCode;
  readonly problem: string;
  /** The corrected header value (minimal change), when one can be derived. */
  readonly corrected?: string;
}

/**
 * Lints an Authorization header the way Bitbucket Cloud reads it: the scheme must be spelled
 * `Bearer` or `Basic` exactly, with one space (bitbucket-auth.md §2.1-2.3: case sensitive in
 * practice although RFC 7235 says otherwise; unknown schemes are ignored, so the call runs
 * anonymous).
 */
export const lintAuthorization = (value: string): HeaderLint | undefined => {
  const trimmed = value.trim();
  if (trimmed === '') return { code: 'HEADER_MALFORMED', problem: 'the header has no value' };
  // "Bearer" with nothing after it: typically an empty $TOKEN expanded into the header.
  if (/^(?:bearer|basic)$/iu.test(trimmed)) {
    return {
      code: 'HEADER_MALFORMED',
      problem: `the header says "${trimmed}" with no credentials after it (an empty variable?)`,
    };
  }
  const match = /^(\S+)(\s+)(.*)$/su.exec(trimmed);
  if (match === null) {
    return {
      code: 'HEADER_SCHEME_UNKNOWN',
      problem: 'the header has no scheme, only a token',
      corrected: `Bearer ${trimmed}`,
    };
  }
  const scheme = match[1] ?? '';
  const gap = match[2] ?? '';
  const rest = match[3] ?? '';
  const lower = scheme.toLowerCase();
  const proper = lower === 'bearer' ? 'Bearer' : lower === 'basic' ? 'Basic' : undefined;
  if (proper !== undefined && scheme !== proper) {
    return {
      code: 'HEADER_SCHEME_CASE',
      problem: `the scheme is spelled "${scheme}"; Bitbucket only knows "${proper}"`,
      corrected: `${proper} ${rest.trim()}`,
    };
  }
  if (proper === undefined) {
    const why =
      lower === 'jwt'
        ? '"JWT" is only for Connect apps exchanging a JWT at the token endpoint'
        : `Bitbucket does not know the scheme "${scheme}"`;
    return { code: 'HEADER_SCHEME_UNKNOWN', problem: why, corrected: `Bearer ${rest.trim()}` };
  }
  if (gap !== ' ')
    return {
      code: 'HEADER_MALFORMED',
      problem: 'there is more than one space (or a tab) after the scheme',
      corrected: `${proper} ${rest.trim()}`,
    };
  if (/\s/u.test(rest.trim()))
    return { code: 'HEADER_MALFORMED', problem: 'the credentials contain whitespace' };
  if (proper === 'Basic' && parseAuthorization(trimmed).basic === undefined) {
    return {
      code: 'HEADER_MALFORMED',
      problem: 'Basic must be followed by base64 of user:secret, and this is not',
    };
  }
  return undefined;
};
