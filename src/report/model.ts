import { kindByShape } from '../intake/credentials.js';
import type { StepReport } from '../facts/steps.js';
import { DATA_CENTER_REST, isCloudHost } from '../knowledge/hosts.js';
import type { Diagnosis } from '../diagnosis.js';
import type { Withheld } from '../http/origin-policy.js';
import type { CheckReport, CredentialKind, DoctorInput, Exchange, Verdict } from '../types.js';
import { fingerprintFor } from './redactor.js';

/** A credential as the report shows it: never the secret, only facts about it. */
export interface CredentialSummary {
  readonly kind: CredentialKind;
  readonly source: string;
  readonly username?: string;
  /** The kind its shape says (ATATT…), when it has a known one: not a secret. */
  readonly shape?: CredentialKind | undefined;
  /**
   * First 8 hex digits of its SHA-256, or null for a secret under 20 characters or an account
   * password (a short hash of a short secret can be reversed); the evidence then shows
   * `[redacted #N]`, N the credential's position in `credentials[]`.
   */
  readonly fingerprint: string | null;
  readonly length: number;
  readonly notes?: readonly string[];
}

export interface Environment {
  readonly bbDoctor: string;
  readonly node: string;
  readonly os: string;
  /** Whether a proxy is configured and which (its password redacted), never the password. */
  readonly proxy: string | null;
  readonly ci: boolean;
}

/** The report of contract.md, schemaVersion 1. */
export interface Report {
  readonly schemaVersion: 1;
  readonly tool: { readonly name: 'bb-doctor'; readonly version: string };
  readonly generatedAt: string;
  readonly durationMs: number;
  readonly mode: 'live' | 'demo' | 'explain';
  readonly target: {
    readonly product: 'cloud' | 'data-center' | 'unknown';
    /** Data Center: the version its application-properties name. */
    readonly serverVersion?: string;
    readonly apiUrl: string;
    readonly authUrl: string;
    readonly workspace?: string;
    readonly repo?: string;
    readonly url?: string;
    /** Set when the target is bb-doctor's embedded simulator, not bitbucket.org. */
    readonly simulator?: { readonly scenario: string };
    /** Set for `explain`: the saved file and its detected format. */
    readonly capture?: { readonly file: string; readonly format: string };
  };
  readonly credentials: readonly CredentialSummary[];
  readonly diagnosis: Diagnosis;
  readonly checks: readonly CheckReport[];
  readonly counts: Readonly<Record<Verdict, number>>;
  /** HTTP requests the run sent. */
  readonly requests: number;
  /** Failed-authentication answers those requests caused (at most 3 per secret and account). */
  readonly failedAuthAnswers?: number;
  /** A pasted command's steps in order (a token fetch in a substitution, then the call). */
  readonly steps?: readonly StepReport[];
  /**
   * Credentials not sent to an origin, and why (additive, schemaVersion 1): kind, source and
   * fingerprint as in credentials[], never the secret. Present when the run withheld any.
   */
  readonly withheld?: readonly Withheld[];
  readonly warnings: readonly string[];
  readonly environment: Environment;
  /** Every exchange of the run, in order (only with --verbose). */
  readonly exchanges?: readonly Exchange[];
}

export const summariseCredential = (
  credential: DoctorInput['credentials'][number],
): CredentialSummary => ({
  kind: credential.kind,
  source: credential.source,
  ...(credential.username === undefined ? {} : { username: credential.username }),
  ...(kindByShape(credential.secret) === undefined || credential.standsFor !== undefined
    ? {}
    : { shape: kindByShape(credential.secret)?.kind }),
  fingerprint:
    credential.standsFor === undefined
      ? fingerprintFor(credential.secret, credential.kind)
      : credential.standsFor.fingerprint,
  length: credential.standsFor?.length ?? credential.secret.length,
  ...(credential.shapeNotes === undefined ? {} : { notes: credential.shapeNotes }),
});

/**
 * How the report names a credential so that its evidence can be matched: the fingerprint, or
 * `#N` (its position) for one without, as its `[redacted #N]` marks say.
 */
export const credentialMarkName = (
  c: Pick<CredentialSummary, 'fingerprint'>,
  index: number,
): string => c.fingerprint ?? `#${index + 1}`;

/** The report shows the first 4 KB of each body. */
export const EVIDENCE_BODY_BYTES = 4096;

/** A text cut at `max` bytes of UTF-8, on a character boundary; undefined when it fits. */
export const cutUtf8 = (text: string, max: number): string | undefined => {
  if (text.length * 3 <= max) return undefined;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= max) return undefined;
  let end = max;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString('utf8');
};

export const clipExchange = (exchange: Exchange): Exchange => {
  const request =
    exchange.request.body === undefined
      ? undefined
      : cutUtf8(exchange.request.body, EVIDENCE_BODY_BYTES);
  const response =
    exchange.response === undefined
      ? undefined
      : cutUtf8(exchange.response.body, EVIDENCE_BODY_BYTES);
  if (request === undefined && response === undefined) return exchange;
  return {
    ...exchange,
    request: request === undefined ? exchange.request : { ...exchange.request, body: request },
    ...(exchange.response === undefined || response === undefined
      ? {}
      : { response: { ...exchange.response, body: response, bodyTruncated: true } }),
  };
};

/**
 * Every body of a redacted report cut to EVIDENCE_BODY_BYTES: the one cut of the evidence, made
 * after redaction (contract.md, "Secrets"), so that a secret across it was already replaced whole.
 */
export const clipEvidence = (report: Report): Report => ({
  ...report,
  checks: report.checks.map((check) =>
    check.evidence === undefined ? check : { ...check, evidence: check.evidence.map(clipExchange) },
  ),
  ...(report.exchanges === undefined ? {} : { exchanges: report.exchanges.map(clipExchange) }),
});

/** A withheld credential by the name the Credentials table gives it (fingerprint or `#N`). */
export const withheldName = (report: Report, w: Withheld): string => {
  const index = report.credentials.findIndex((c) => c.source === w.source && c.kind === w.kind);
  return index < 0 ? (w.fingerprint ?? 'no fingerprint') : credentialMarkName(w, index);
};

export const countVerdicts = (checks: readonly CheckReport[]): Record<Verdict, number> => {
  const counts: Record<Verdict, number> = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0 };
  for (const check of checks) counts[check.status] += 1;
  return counts;
};

/** Cloud when the API host is Bitbucket Cloud's (or the simulator of it); Data Center by path. */
export const productOf = (input: DoctorInput): 'cloud' | 'data-center' | 'unknown' => {
  if (input.simulator !== undefined) return 'cloud';
  let host: string;
  try {
    host = new URL(input.apiUrl).hostname;
  } catch {
    return 'unknown';
  }
  if (isCloudHost(host)) return 'cloud';
  if (input.url !== undefined && DATA_CENTER_REST.test(input.url) && !isCloudHost(host)) {
    return 'data-center';
  }
  return 'unknown';
};

const connectivityData = (checks: readonly CheckReport[]): Record<string, unknown> | undefined =>
  checks.find((c) => c.id === 'connectivity' && c.status !== 'skip')?.data;

/** The product connectivity found from the answers, when it found one. */
export const checkedProduct = (
  checks: readonly CheckReport[],
): 'cloud' | 'data-center' | undefined => {
  const product = connectivityData(checks)?.['product'];
  return product === 'cloud' || product === 'data-center' ? product : undefined;
};

/** A Data Center's version, from its anonymous application-properties. */
const serverVersionOf = (checks: readonly CheckReport[]): string | undefined => {
  const version = connectivityData(checks)?.['serverVersion'];
  return typeof version === 'string' ? version : undefined;
};

export interface BuildReportOptions {
  readonly input: DoctorInput;
  readonly checks: readonly CheckReport[];
  readonly diagnosis: Diagnosis;
  readonly version: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly requests: number;
  readonly failedAuthAnswers?: number;
  readonly steps?: readonly StepReport[];
  readonly withheld?: readonly Withheld[];
  readonly environment: Environment;
  readonly mode: Report['mode'];
  readonly exchanges?: readonly Exchange[];
}

export const buildReport = (options: BuildReportOptions): Report => {
  const { input } = options;
  return {
    schemaVersion: 1,
    tool: { name: 'bb-doctor', version: options.version },
    generatedAt: options.finishedAt.toISOString(),
    durationMs: Math.max(0, options.finishedAt.getTime() - options.startedAt.getTime()),
    mode: options.mode,
    target: {
      // connectivity's verdict when it ran (the answers tell the product, not the host name).
      product: checkedProduct(options.checks) ?? productOf(input),
      ...(serverVersionOf(options.checks) === undefined
        ? {}
        : { serverVersion: serverVersionOf(options.checks)! }),
      apiUrl: input.apiUrl,
      authUrl: input.authUrl,
      ...(input.workspace === undefined ? {} : { workspace: input.workspace }),
      ...(input.repo === undefined ? {} : { repo: input.repo }),
      ...(input.url === undefined ? {} : { url: input.url }),
      ...(input.simulator === undefined
        ? {}
        : { simulator: { scenario: input.simulator.scenario } }),
      ...(input.offline === undefined
        ? {}
        : { capture: { file: input.offline.file, format: input.offline.format } }),
    },
    credentials: input.credentials.map(summariseCredential),
    diagnosis: options.diagnosis,
    checks: options.checks,
    counts: countVerdicts(options.checks),
    requests: options.requests,
    ...(options.failedAuthAnswers === undefined
      ? {}
      : { failedAuthAnswers: options.failedAuthAnswers }),
    ...(options.steps === undefined ? {} : { steps: options.steps }),
    ...(options.withheld === undefined || options.withheld.length === 0
      ? {}
      : { withheld: options.withheld }),
    warnings: input.warnings,
    environment: options.environment,
    ...(options.exchanges === undefined ? {} : { exchanges: options.exchanges }),
  };
};
