/**
 * Explain of bb-doctor's own HAR (`--output run.har`): its credentials are redacted
 * (`Bearer [redacted sha256:1a2b3c4d]`, `Basic [redacted sha256:…]`), and the judges read a
 * header by its structure: the scheme, the Basic username, the secret's shape. So each redaction
 * mark that names a credential of the HAR's `_bbDoctor.credentials` is replaced by a stand-in with
 * the same structure (the shape's prefix, the username inside Basic) and no secret in it. The
 * stand-in is registered with the redactor under the original's mark, so every output shows the
 * original fingerprint again, and it stays within the run.
 */
import { basicAuthorization } from '../intake/credentials.js';
import { registerSecrets } from '../intake/secrets.js';
import { SECRET_SHAPES } from '../knowledge/shapes.js';
import type { Redactor } from '../report/redactor.js';
import type { Capture, CapturedCredential, CredentialKind, Exchange } from '../types.js';

/** A redaction mark: by fingerprint, or by position in the HAR's credentials (`#N`). */
const MARK = /\[redacted (?:sha256:([0-9a-f]{8})|#(\d{1,4}))\]/u;

/** A non-secret token with the shape of the original kind, unique to its fingerprint. */
const standInFor = (credential: CapturedCredential, fp: string): string => {
  const shape: CredentialKind | undefined = credential.shape;
  const prefix = SECRET_SHAPES.find((s) => s.kind === shape)?.prefix.source.replace(/^\^/u, '');
  return `${prefix ?? ''}redacted-standin-${fp}`;
};

export interface StandIns {
  readonly exchanges: readonly Exchange[];
  /** Stand-in → the credential it stands for (for the explain input's credentials). */
  readonly byStandIn: ReadonlyMap<string, CapturedCredential>;
}

/** The capture with each known redaction mark in a request header replaced by a stand-in. */
export const withStandIns = (capture: Capture, redactor: Redactor): StandIns => {
  // Each credential under the key its mark carries: its fingerprint, else `#N`.
  const byFingerprint = new Map(
    (capture.credentials ?? []).flatMap((c) => [
      ...(c.fingerprint === null ? [] : [[c.fingerprint.replace(/^sha256:/u, ''), c] as const]),
      ...(c.position === undefined ? [] : [[`n${c.position}`, c] as const]),
    ]),
  );
  const byStandIn = new Map<string, CapturedCredential>();
  if (capture.credentials === undefined) return { exchanges: capture.exchanges, byStandIn };
  const replace = (value: string): string => {
    const found = MARK.exec(value);
    const fp = found === null ? undefined : (found[1] ?? `n${found[2] ?? ''}`);
    if (found === null || fp === undefined) return value;
    // A secret the run obtained itself (a fetched token) is redacted too, but is no credential
    // of the HAR: it stands in as a token of no known shape.
    const credential = byFingerprint.get(fp) ?? {
      kind: 'unknown',
      source: 'capture',
      username: 'redacted',
      fingerprint: found[1] === undefined ? null : `sha256:${fp}`,
      length: 0,
    };
    const standIn = standInFor(credential, fp);
    if (byFingerprint.has(fp)) byStandIn.set(standIn, credential);
    registerSecrets(redactor, [
      { secret: standIn, usernames: [credential.username ?? ''], shown: found[0] },
    ]);
    const basic = /^(\s*basic\s+)\[redacted (?:sha256:[0-9a-f]{8}|#\d{1,4})\]\s*$/iu.exec(value);
    if (basic !== null) {
      // The redactor hid base64(user:secret) whole; its username is in the HAR's facts.
      const encoded = basicAuthorization(credential.username ?? '', standIn).replace(
        /^Basic /u,
        '',
      );
      return `${basic[1] ?? 'Basic '}${encoded}`;
    }
    return value.replace(found[0], standIn);
  };
  const exchanges = capture.exchanges.map((exchange) => {
    const headers = Object.fromEntries(
      Object.entries(exchange.request.headers).map(([name, value]) => [name, replace(value)]),
    );
    return { ...exchange, request: { ...exchange.request, headers } };
  });
  return { exchanges, byStandIn };
};
