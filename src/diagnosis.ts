import { NO_VERDICT_CODES, causalRank } from './findings.js';
import type { CheckReport, FindingCode } from './types.js';

export interface Diagnosis {
  readonly status: 'pass' | 'fail' | 'error';
  readonly code?: FindingCode;
  readonly checkId?: string;
  readonly summary?: string;
  /** The fix, as an exact change. */
  readonly fix?: string;
  readonly commands?: readonly string[];
  readonly url?: string;
  /** How the fix was proven by experiment (target-call's replay of the corrected call), if it was. */
  readonly verified?: string;
  /** Other failing findings, in causal order (symptoms of the root cause, or further problems). */
  readonly alsoFound?: readonly FindingCode[];
}

const statusText = (status: unknown): string =>
  typeof status === 'number' ? String(status) : 'no answer';

/**
 * The one most likely root cause: the failing finding that comes first in causal order (ties go
 * to registry order). Nothing failed but a check crashed → `error` (no verdict). Nothing failed →
 * `pass`.
 */
export const diagnose = (checks: readonly CheckReport[]): Diagnosis => {
  const failing = checks
    .map((check, index) => ({ check, index }))
    .filter(({ check }) => check.status === 'fail' && check.code !== undefined)
    .sort((a, b) => causalRank(a.check.code!) - causalRank(b.check.code!) || a.index - b.index);
  const first = failing[0]?.check;
  if (first?.code !== undefined) {
    const others = [...new Set(failing.slice(1).map(({ check }) => check.code!))].filter(
      (c) => c !== first.code,
    );
    // The proof of the fix: target-call's replay of the corrected call, else the finding's own
    // experiment (a check that proved its fix sets data.fixVerified).
    const replay = checks.find((check) => check.id === 'target-call');
    const verified =
      replay?.data['fixVerified'] === true && replay.data['statusCorrected'] !== undefined
        ? `your call answered ${statusText(replay.data['statusAsSent'])}; the corrected call answered ${statusText(replay.data['statusCorrected'])} (target-call).`
        : first.data['fixVerified'] === true
          ? `proven by replay in ${first.id}.`
          : undefined;
    return {
      status: 'fail',
      code: first.code,
      checkId: first.id,
      summary: first.summary,
      ...(first.remediation === undefined ? {} : { fix: first.remediation.hint }),
      // The proven corrected call (the user's own command, fixed) beats the finding's generic one.
      ...(replay?.data['fixVerified'] === true &&
      typeof replay.data['correctedCommand'] === 'string'
        ? { commands: [replay.data['correctedCommand']] }
        : first.remediation?.commands === undefined
          ? {}
          : { commands: first.remediation.commands }),
      ...(first.remediation?.url === undefined ? {} : { url: first.remediation.url }),
      ...(verified === undefined ? {} : { verified }),
      ...(others.length > 0 ? { alsoFound: others } : {}),
    };
  }
  const crashed = checks.find((check) => check.status === 'error');
  if (crashed !== undefined) {
    return {
      status: 'error',
      checkId: crashed.id,
      summary: `No verdict: the ${crashed.id} check did not finish (${crashed.summary})`,
      fix: 'Run again with --verbose and attach the report to a bb-doctor issue.',
    };
  }
  return { status: 'pass' };
};

/** Exit codes of contract.md: 0 no failure, 1 a problem found, 3 no verdict (network, crash). */
export const exitCodeFor = (diagnosis: Diagnosis): 0 | 1 | 3 => {
  if (diagnosis.status === 'fail') {
    return diagnosis.code !== undefined && NO_VERDICT_CODES.has(diagnosis.code) ? 3 : 1;
  }
  return diagnosis.status === 'error' ? 3 : 0;
};
