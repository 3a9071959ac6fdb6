import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runChecks } from '../../src/runner.js';
import { FINDING_CODES } from '../../src/types.js';
import type { Check, CheckReport, DoctorInput, Outcome, SharedFacts } from '../../src/types.js';
import { makeHttp, makeInput } from './context.js';

/** An earlier check's outcome (and what it shared) as a case wants it. */
export interface Prior {
  readonly outcome: Outcome;
  readonly provides?: Partial<SharedFacts>;
}

export interface CheckCase {
  readonly name: string;
  readonly input?: Partial<DoctorInput>;
  /** Sets up nock interceptors; every one must be used by the case. */
  readonly http?: () => nock.Scope | nock.Scope[] | undefined;
  /** Outcomes of the checks this one needs (default: pass). */
  readonly prior?: Readonly<Record<string, Prior>>;
  readonly expected: {
    readonly verdict: CheckReport['status'];
    readonly code?: string;
    readonly summary?: RegExp | string;
    readonly data?: Readonly<Record<string, unknown>>;
    readonly hint?: RegExp;
    readonly requests?: number;
  };
  /** Extra assertions on the report. */
  readonly assert?: (report: CheckReport) => void;
}

const stub = (id: string, prior: Prior | undefined): Check => ({
  meta: { id, title: `Stub ${id}`, description: 'Stub.', codes: FINDING_CODES },
  run: () => {
    const outcome = prior?.outcome ?? { verdict: 'pass', summary: `${id} passed (stub)` };
    return prior?.provides === undefined ? outcome : { ...outcome, provides: prior.provides };
  },
});

/**
 * RuleTester for checks: runs each case through the real runner with nock, the network locked
 * down, and no pending interceptors allowed afterwards.
 */
export const testCheck = (check: Check, cases: readonly CheckCase[]): void => {
  describe(`check ${check.meta.id}`, () => {
    it('has unique case names, a passing case and a failing case', () => {
      const names = cases.map((c) => c.name);
      expect(new Set(names).size).toBe(names.length);
      expect(cases.some((c) => c.expected.verdict === 'pass')).toBe(true);
      expect(
        cases.some((c) => c.expected.verdict === 'fail' || c.expected.verdict === 'warn'),
      ).toBe(true);
    });

    beforeEach(() => {
      nock.disableNetConnect();
    });
    afterEach(() => {
      nock.cleanAll();
      nock.enableNetConnect();
    });

    for (const testCase of cases) {
      it(testCase.name, async () => {
        const input = makeInput(testCase.input);
        const http = makeHttp(input);
        const produced = testCase.http?.();
        const scopes =
          produced === undefined ? [] : Array.isArray(produced) ? produced : [produced];
        const deps = (check.meta.needs ?? [])
          .map((need) => /^(?:after|pass|reads):(.+)$/u.exec(need)?.[1])
          .filter((id): id is string => id !== undefined);
        const priorIds = [...new Set([...deps, ...Object.keys(testCase.prior ?? {})])];
        const reports = await runChecks(
          [...priorIds.map((id) => stub(id, testCase.prior?.[id])), check],
          {
            input,
            httpFor: (evidence) => http.forCheck(evidence),
            deadlineMs: 15_000,
          },
        );
        const report = reports.at(-1)!;
        if (report.status === 'error')
          throw new Error(`check crashed: ${report.error?.stack ?? report.summary}`);
        expect(report.status, report.summary).toBe(testCase.expected.verdict);
        if (testCase.expected.code !== undefined) expect(report.code).toBe(testCase.expected.code);
        if (report.status === 'warn' || report.status === 'fail') {
          expect(report.code, 'a warn/fail must pin its code in the test').toBe(
            testCase.expected.code,
          );
          expect(report.remediation?.hint).toBeTruthy();
        }
        if (testCase.expected.summary !== undefined) {
          if (typeof testCase.expected.summary === 'string')
            expect(report.summary).toBe(testCase.expected.summary);
          else expect(report.summary).toMatch(testCase.expected.summary);
        }
        if (testCase.expected.hint !== undefined)
          expect(report.remediation?.hint).toMatch(testCase.expected.hint);
        if (testCase.expected.data !== undefined)
          expect(report.data).toMatchObject(testCase.expected.data);
        if (testCase.expected.requests !== undefined)
          expect(http.sent).toBe(testCase.expected.requests);
        for (const scope of scopes) {
          expect(scope.pendingMocks(), 'pending interceptors').toEqual([]);
        }
        testCase.assert?.(report);
      });
    }
  });
};
