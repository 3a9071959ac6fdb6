import { diagnose, type Diagnosis, type Story } from '../diagnosis.js';
import { STEP_OUTPUT } from '../intake/curl-input.js';
import type { CheckReport, DoctorInput } from '../types.js';

/** The checks that judge a pasted command's token fetch (its earlier step). */
const STEP_CHECKS = ['token-fetch'] as const;

/** A step of the JSON report's `steps[]`: what it was, and its own diagnosis. */
export type StepReport = NonNullable<DoctorInput['steps']>[number] & {
  readonly diagnosis: Diagnosis;
};

const tokenStepOf = (input: DoctorInput) => input.steps?.find((s) => s.grant !== undefined);

/**
 * How the diagnosis tells a pasted command with a token fetch in it, in order: the step that
 * failed, what the call then sent in its place, and what is wrong with the call itself.
 */
export const storyOf = (input: DoctorInput): Story => {
  const step = tokenStepOf(input);
  if (step === undefined) return {};
  const header = input.failingRequest?.headers.find((h) => h.computed?.step === step.index);
  const last = (input.steps?.length ?? 0) + 1;
  return {
    stepChecks: STEP_CHECKS,
    tell: (failed: CheckReport, call: CheckReport): string => {
      // A failed token answer has no access_token: `jq -r .access_token` prints "null".
      const sent =
        header === undefined
          ? ''
          : ` It fails, so ${step.field === undefined ? 'its output is an error' : `jq prints null for ${step.field}`}, and your call sent "${header.name}: ${header.value.replace(STEP_OUTPUT, 'null')}".`;
      return `Step ${step.index}, ${step.describe} (grant_type=${step.grant ?? '?'}): ${failed.summary}${sent} Step ${last}, your call: ${call.summary}`;
    },
  };
};

/** Each step with its own diagnosis, the call last (the JSON report's `steps[]`). */
export const stepReports = (
  input: DoctorInput,
  checks: readonly CheckReport[],
): StepReport[] | undefined => {
  if (input.steps === undefined || input.steps.length === 0) return undefined;
  const ofStep = checks.filter((c) => (STEP_CHECKS as readonly string[]).includes(c.id));
  const ofCall = checks.filter((c) => !ofStep.includes(c));
  const request = input.failingRequest;
  return [
    ...input.steps.map((s) => ({
      ...s,
      diagnosis: s.grant === undefined ? { status: 'pass' as const } : diagnose(ofStep),
    })),
    {
      index: input.steps.length + 1,
      describe: 'your call',
      method: request?.method ?? 'GET',
      url: request?.url ?? input.url ?? input.apiUrl,
      diagnosis: diagnose(ofCall),
    },
  ];
};
