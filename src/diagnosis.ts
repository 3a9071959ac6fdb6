import { NO_VERDICT_CODES, causalRank } from './knowledge/findings.js';
import type { CheckReport, FindingCode, Proof } from './types.js';

export interface Diagnosis {
  readonly status: 'pass' | 'fail' | 'error';
  readonly code?: FindingCode;
  readonly checkId?: string;
  readonly summary?: string;
  /** The fix, as an exact change. */
  readonly fix?: string;
  readonly commands?: readonly string[];
  readonly url?: string;
  /** How the fix was proven by experiment (a replay of the corrected call), if it was. */
  readonly verified?: string;
  /** Other failing findings, in causal order (symptoms of the root cause, or further problems). */
  readonly alsoFound?: readonly FindingCode[];
}

const statusText = (status: number | undefined): string =>
  status === undefined ? 'no answer' : String(status);

/** A verified proof and the report it comes from. */
interface Shown {
  readonly report: CheckReport;
  readonly proof: Proof;
}

/**
 * The proof the diagnosis shows, by what the proof is, not by check id:
 * 1. a verified replay of the user's own call: a proof with a `command` (the corrected call, ready
 *    to paste; a probe such as /2.0/user has none). Of several, the last in report order: a check
 *    that replays the call with the other checks' fixes reads them, so it comes after them.
 * 2. else the root cause's own verified proof (its one-variable experiment).
 */
const shownProof = (checks: readonly CheckReport[], first: CheckReport): Shown | undefined => {
  const replay = checks
    .filter((c) => c.proof?.verified === true && c.proof.command !== undefined)
    .at(-1);
  if (replay?.proof !== undefined) return { report: replay, proof: replay.proof };
  return first.proof?.verified === true ? { report: first, proof: first.proof } : undefined;
};

const verifiedText = ({ report, proof }: Shown): string =>
  proof.command !== undefined
    ? `your call answered ${statusText(proof.asSent)}; the corrected call answered ${statusText(proof.corrected)} (${report.id}).`
    : proof.corrected !== undefined
      ? `the request as sent answered ${statusText(proof.asSent)}; corrected, it answered ${statusText(proof.corrected)} (${report.id}).`
      : `proven by experiment in ${report.id}.`;

/**
 * A pasted command with steps (a token fetch in a substitution): which checks judge the earlier
 * step, and how to tell the story in order when both the step and the call fail.
 */
export interface Story {
  readonly stepChecks?: readonly string[];
  readonly tell?: (step: CheckReport, call: CheckReport) => string;
  /** How to tell a failing step when nothing later fails (git: what REST says of it). */
  readonly alone?: (step: CheckReport) => string;
}

/**
 * The one most likely root cause: the failing finding that comes first in causal order (ties go
 * to registry order). Nothing failed but a check crashed → `error` (no verdict). Nothing failed →
 * `pass`.
 */
export const diagnose = (checks: readonly CheckReport[], story: Story = {}): Diagnosis => {
  // A failing earlier step outranks every finding of a later step (contract.md); causal order
  // applies within a step.
  const stepOf = (check: CheckReport): number => (story.stepChecks?.includes(check.id) ? 0 : 1);
  const failing = checks
    .map((check, index) => ({ check, index }))
    .filter(({ check }) => check.status === 'fail' && check.code !== undefined)
    .sort(
      (a, b) =>
        stepOf(a.check) - stepOf(b.check) ||
        causalRank(a.check.code!) - causalRank(b.check.code!) ||
        a.index - b.index,
    );
  const first = failing[0]?.check;
  const later = failing.find(({ check }) => stepOf(check) === 1)?.check;
  if (first?.code !== undefined) {
    const others = [...new Set(failing.slice(1).map(({ check }) => check.code!))].filter(
      (c) => c !== first.code,
    );
    const shown = shownProof(checks, first);
    const command = shown?.proof.command;
    return {
      status: 'fail',
      code: first.code,
      checkId: first.id,
      summary:
        story.tell !== undefined && stepOf(first) === 0 && later !== undefined
          ? story.tell(first, later)
          : story.alone !== undefined && stepOf(first) === 0
            ? story.alone(first)
            : first.summary,
      ...(first.remediation === undefined ? {} : { fix: first.remediation.hint }),
      // The proven corrected call (the user's own command, fixed) beats the finding's generic one.
      ...(command !== undefined
        ? { commands: [command] }
        : first.remediation?.commands === undefined
          ? {}
          : { commands: first.remediation.commands }),
      ...(first.remediation?.url === undefined ? {} : { url: first.remediation.url }),
      ...(shown === undefined ? {} : { verified: verifiedText(shown) }),
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
