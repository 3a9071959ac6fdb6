import { describe, expect, it } from 'vitest';
import { assertOutcome } from '../../src/runner.js';
import type { JudgedCheck, Outcome, Verdict } from '../../src/types.js';

/** One case of a judge: the facts in, what must come out (ESLint's RuleTester, as data). */
export interface JudgeCase<Facts> {
  readonly name: string;
  readonly facts: Facts;
  readonly verdict?: Exclude<Verdict, 'error'>;
  readonly code?: string;
  readonly summary?: RegExp | string;
  readonly hint?: RegExp;
  readonly data?: Readonly<Record<string, unknown>>;
  readonly proof?: Readonly<Record<string, unknown>>;
  readonly assert?: (outcome: Outcome) => void;
}

/**
 * RuleTester for judges: `valid` cases must pass (or skip), `invalid` ones must warn or fail with
 * the given code. Every outcome also passes the runner's own checks (code in meta.codes, the hint
 * a sentence), so a judge cannot return what a real run would turn into `error`.
 */
export const testJudge = <Facts>(
  check: JudgedCheck<string, Facts>,
  cases: {
    readonly valid: readonly JudgeCase<Facts>[];
    readonly invalid: readonly JudgeCase<Facts>[];
  },
): void => {
  describe(`judge of ${check.meta.id}`, () => {
    it('has unique names, a valid case and an invalid case', () => {
      const names = [...cases.valid, ...cases.invalid].map((c) => c.name);
      expect(new Set(names).size).toBe(names.length);
      expect(cases.valid.length).toBeGreaterThan(0);
      // A check that names no finding (an adapter such as saved-exchange) has no invalid case.
      if (check.meta.codes.length > 0) expect(cases.invalid.length).toBeGreaterThan(0);
    });
    const run = (testCase: JudgeCase<Facts>, valid: boolean): void => {
      it(`${valid ? 'valid' : 'invalid'}: ${testCase.name}`, () => {
        const outcome = check.judge(testCase.facts);
        assertOutcome(check, outcome);
        if (valid) expect(['pass', 'skip']).toContain(outcome.verdict);
        else {
          expect(['warn', 'fail']).toContain(outcome.verdict);
          expect(testCase.code, 'an invalid case must pin its code').toBeDefined();
        }
        if (testCase.verdict !== undefined) expect(outcome.verdict).toBe(testCase.verdict);
        if (outcome.verdict === 'warn' || outcome.verdict === 'fail') {
          expect(outcome.code).toBe(testCase.code);
          if (testCase.hint !== undefined) expect(outcome.remediation.hint).toMatch(testCase.hint);
        }
        if (typeof testCase.summary === 'string') expect(outcome.summary).toBe(testCase.summary);
        else if (testCase.summary !== undefined) expect(outcome.summary).toMatch(testCase.summary);
        if (testCase.data !== undefined) expect(outcome.data).toMatchObject(testCase.data);
        if (testCase.proof !== undefined) expect(outcome.proof).toMatchObject(testCase.proof);
        testCase.assert?.(outcome);
      });
    };
    for (const testCase of cases.valid) run(testCase, true);
    for (const testCase of cases.invalid) run(testCase, false);
  });
};
