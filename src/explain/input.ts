/**
 * The input of `bb-doctor explain FILE`, built in one place for the command and its tests: the
 * capture (with stand-ins for a bb-doctor HAR's redacted credentials), the call that matters, the
 * credentials of every captured request, and, for a bb-doctor HAR, the run's own target.
 */
import { credentialsOfHeaders } from '../intake/input.js';
import { isCredentialHeader } from '../knowledge/wire.js';
import type { Redactor } from '../report/redactor.js';
import type {
  Capture,
  CapturedCredential,
  CapturedTarget,
  Credential,
  Exchange,
  FailingRequest,
  GivenHeader,
} from '../types.js';
import { failingRequestOf, mostImportantFailure } from './offline.js';
import type { ParsedCapture } from './parse.js';
import { withStandIns } from './stand-ins.js';

export interface ExplainPlan {
  readonly capture: Capture;
  readonly failingRequest?: FailingRequest | undefined;
  /** Distinct credential-bearing request headers of the capture, each once, in capture order. */
  readonly headers: readonly GivenHeader[];
  readonly standIns: ReadonlyMap<string, CapturedCredential>;
  /** A bb-doctor HAR's target: the run is explained as it was configured. */
  readonly configured: CapturedTarget;
}

/** Distinct credential-bearing request headers of a capture, each once. */
const capturedHeaders = (exchanges: readonly Exchange[], file: string): GivenHeader[] => {
  const seen = new Set<string>();
  const out: GivenHeader[] = [];
  exchanges.forEach((exchange, index) => {
    for (const [name, value] of Object.entries(exchange.request.headers)) {
      if (!isCredentialHeader(name) || /^(?:cookie|proxy-authorization)$/iu.test(name)) continue;
      if (seen.has(`${name}:${value}`)) continue;
      seen.add(`${name}:${value}`);
      out.push({
        name: name === 'authorization' ? 'Authorization' : name,
        value,
        source: `capture:${file} #${index + 1}`,
      });
    }
  });
  return out;
};

export const planExplain = (
  parsed: ParsedCapture,
  file: string,
  redactor: Redactor,
): ExplainPlan => {
  const original: Capture = {
    file,
    format: parsed.format,
    exchanges: parsed.exchanges,
    ...(parsed.credentials === undefined ? {} : { credentials: parsed.credentials }),
    ...(parsed.target === undefined ? {} : { target: parsed.target }),
  };
  const { exchanges, byStandIn } = withStandIns(original, redactor);
  // The call that matters: a bb-doctor HAR names the run's own target, and its first exchange to
  // it is the call as the user sent it (the replays with corrections come after); any other
  // capture, the failing answer that comes first causally.
  const target = parsed.target?.url;
  const own =
    target === undefined
      ? undefined
      : exchanges.find((e) => e.request.url === target && e.response !== undefined);
  const failing = own ?? mostImportantFailure(exchanges);
  return {
    capture: { ...original, exchanges },
    ...(failing === undefined ? {} : { failingRequest: failingRequestOf(failing, file) }),
    // The credentials of every captured request: a redirect may have dropped them from the
    // answer that matters, and that is a finding, not "no credentials".
    headers: capturedHeaders(exchanges, file),
    standIns: byStandIn,
    configured: parsed.target ?? {},
  };
};

/** A stand-in credential reports its original's kind, fingerprint and length. */
export const standInCredentials = (
  credentials: readonly Credential[],
  standIns: ReadonlyMap<string, CapturedCredential>,
): Credential[] =>
  credentials.map((credential) => {
    const original = standIns.get(credential.secret);
    return original === undefined
      ? credential
      : {
          ...credential,
          kind: original.kind,
          standsFor: { fingerprint: original.fingerprint, length: original.length },
        };
  });

/** The credentials explain reads from a plan (what buildInput makes of its headers). */
export const planCredentials = (plan: ExplainPlan): Credential[] =>
  standInCredentials(credentialsOfHeaders(plan.headers), plan.standIns);
