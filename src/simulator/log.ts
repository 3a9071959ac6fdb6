// One log entry per request, safe to print: `bb-doctor simulate` shows one line per request, and the
// contract forbids secrets in any output (contract.md, "Secrets").

import type { FaultMode } from './faults.js';

export interface RequestLogEntry {
  method: string;
  /** Path and query string; secret-bearing query values and any known secret are masked. */
  path: string;
  /** HTTP status sent; 0 when no response was sent (faults `hang` and `reset`, or the client left). */
  status: number;
  durationMs: number;
  /** How the request authenticated, e.g. `Bearer(oauth-token tok#1)`, `bearer(ignored)`, `none`. Never a secret. */
  auth: string;
  /** The fault that shaped the answer, when one was active. */
  fault?: FaultMode;
}

/** Query parameters whose values are secrets (access_token=, client_secret=, code=, ...). */
const SECRET_PARAM = /token|secret|password|passwd|pwd|code|key|sig|auth|credential/i;

export const MASK = '***';

/** Mask secret query values and every occurrence of a known secret in a path+query. */
export function maskPath(pathAndQuery: string, knownSecrets: readonly string[] = []): string {
  let masked = pathAndQuery;
  for (const secret of [...knownSecrets].sort((a, b) => b.length - a.length)) {
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      if (form.length >= 4) masked = masked.split(form).join(MASK);
    }
  }
  const question = masked.indexOf('?');
  if (question === -1) return masked;
  const query = masked
    .slice(question + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return pair;
      const name = pair.slice(0, eq);
      return SECRET_PARAM.test(name) ? `${name}=${MASK}` : pair;
    })
    .join('&');
  return `${masked.slice(0, question)}?${query}`;
}

/** One line, e.g. `GET /2.0/user -> 401 (3 ms) auth=Basic(api-token alice-api-token as alice)`. Pure. */
export function formatLogLine(entry: RequestLogEntry): string {
  const status = entry.status === 0 ? 'no-response' : String(entry.status);
  const fault = entry.fault === undefined ? '' : ` fault=${entry.fault}`;
  return `${entry.method} ${entry.path} -> ${status} (${Math.round(entry.durationMs)} ms) auth=${entry.auth}${fault}`;
}
