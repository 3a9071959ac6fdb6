import { setMaxListeners } from 'node:events';
import type {
  Check,
  CheckContext,
  CheckReport,
  DoctorInput,
  Exchange,
  HttpClient,
  Need,
  Outcome,
  SharedFacts,
} from './types.js';
import { FINDING_CODES, PROVIDERS } from './types.js';

export const DEFAULT_CHECK_TIMEOUT_MS = 10_000;

export interface RunOptions {
  readonly input: DoctorInput;
  /** Gives each check its own client, whose exchanges become that check's evidence. */
  readonly httpFor: (evidence: Exchange[]) => HttpClient;
  readonly now?: () => Date;
  /** Per-check timeout unless the check's meta says otherwise. */
  readonly checkTimeoutMs?: number;
  /** Milliseconds from now until the whole run must end. */
  readonly deadlineMs?: number;
  readonly registerSecret?: (secret: string, usernames?: readonly string[]) => void;
  readonly onStart?: (check: Check) => void;
  readonly onFinish?: (report: CheckReport) => void;
}

class CheckTimeoutError extends Error {
  override readonly name = 'CheckTimeoutError';
  readonly reason: 'check' | 'deadline';
  constructor(message: string, reason: 'check' | 'deadline') {
    super(message);
    this.reason = reason;
  }
}

/** Throws at startup on duplicate ids or a need that names an unknown or later check. */
export const assertValidRegistry = (checks: readonly Check[]): void => {
  const seen = new Set<string>();
  for (const check of checks) {
    if (seen.has(check.meta.id)) throw new Error(`Duplicate check id: ${check.meta.id}`);
    const ids = new Set(checks.map((c) => c.meta.id));
    for (const need of check.meta.needs ?? []) {
      const [, kind, dep] = /^(after|pass|reads):(.+)$/u.exec(need) ?? [];
      // A read of a check that is not in this run (a subset registry) just answers undefined.
      if (kind === 'reads' && dep !== undefined && !ids.has(dep)) continue;
      if (dep !== undefined && !seen.has(dep)) {
        throw new Error(
          `Check ${check.meta.id} needs ${dep}, which is unknown or not earlier in the registry.`,
        );
      }
    }
    seen.add(check.meta.id);
  }
};

/** Why a need is not met, or undefined when it is. */
const unmetNeed = (
  need: Need,
  input: DoctorInput,
  results: ReadonlyMap<string, CheckReport>,
): string | undefined => {
  const hasConsumer =
    input.credentials.some((c) => c.kind === 'client-id') &&
    input.credentials.some((c) => c.kind === 'client-secret');
  switch (need) {
    case 'credentials':
      return input.credentials.some(
        (c) => c.kind !== 'client-id' && c.kind !== 'client-secret' && c.kind !== 'refresh-token',
      ) ||
        hasConsumer ||
        input.credentials.some((c) => c.kind === 'refresh-token')
        ? undefined
        : 'no credentials were given';
    case 'consumer':
      return hasConsumer ? undefined : 'no OAuth consumer (client id and secret) was given';
    case 'target-url':
      return input.failingRequest !== undefined
        ? undefined
        : 'no target URL (--url or a curl command) was given';
    case 'workspace':
      return input.workspace !== undefined
        ? undefined
        : 'no workspace was given (--workspace or --url)';
    case 'network':
      return input.offline === undefined ? undefined : 'offline: explaining a saved exchange';
    default: {
      const dep = /^(after|pass|reads):(.+)$/u.exec(need);
      if (dep === null) return undefined;
      const report = results.get(dep[2] ?? '');
      if (dep[1] === 'after' || dep[1] === 'reads') return undefined;
      if (report === undefined) return `needs ${dep[2] ?? ''} first`;
      if (report.status === 'pass' || report.status === 'warn') return undefined;
      return report.status === 'skip'
        ? `not verified: ${dep[2] ?? ''} was skipped`
        : `not verified: ${dep[2] ?? ''} did not pass`;
    }
  }
};

const HINT_SHAPE = /^[A-Z0-9`'"$(].*[.!?)]$/su;

/** A malformed outcome is a bug in the check, reported as `error` rather than shown as advice. */
export const assertOutcome = (check: Check, outcome: Outcome): void => {
  if (outcome.verdict === 'warn' || outcome.verdict === 'fail') {
    if (!(FINDING_CODES as readonly string[]).includes(outcome.code)) {
      throw new Error(`${check.meta.id} returned an unknown finding code ${outcome.code}`);
    }
    // meta.codes is the check's declared catalogue (README, `bb-doctor checks`): a code outside
    // it is a bug, not advice.
    if (!check.meta.codes.includes(outcome.code)) {
      throw new Error(`${check.meta.id} returned ${outcome.code}, which is not in its meta.codes`);
    }
    if (!HINT_SHAPE.test(outcome.remediation.hint.trim())) {
      throw new Error(
        `${check.meta.id} returned a hint that is not a sentence: ${outcome.remediation.hint}`,
      );
    }
  }
  if (outcome.summary.trim() === '') throw new Error(`${check.meta.id} returned an empty summary`);
};

/**
 * Runs every check, starting each as soon as its needs are met, so independent checks (and their
 * HTTP requests) run concurrently; reports come back in registry order. A check that throws or
 * times out becomes `error` and the others still run. The run ends by its deadline whatever the
 * network does.
 */
export const runChecks = async (
  checks: readonly Check[],
  options: RunOptions,
): Promise<CheckReport[]> => {
  assertValidRegistry(checks);
  const now = options.now ?? (() => new Date());
  const results = new Map<string, CheckReport>();
  const finished = new Map<string, Promise<CheckReport>>();
  const memo = new Map<string, Promise<unknown>>();
  const provided = new Map<string, Partial<SharedFacts>>();
  const runController = new AbortController();
  // Every check (and each of its requests) listens to the run's signal: more than Node's default
  // of 10 listeners is expected here, not a leak.
  setMaxListeners(100, runController.signal);
  const deadlineMs = options.deadlineMs ?? 30_000;
  let deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    deadlineTimer = setTimeout(() => {
      runController.abort();
      reject(
        new CheckTimeoutError(
          `The run reached its deadline of ${Math.round(deadlineMs / 1000)} s.`,
          'deadline',
        ),
      );
    }, deadlineMs);
  });
  deadline.catch(() => undefined);

  const runOne = async (check: Check): Promise<CheckReport> => {
    const { meta } = check;
    const index = checks.indexOf(check);
    const earlier = new Set(checks.slice(0, index).map((c) => c.meta.id));
    // What this check may read: the checks named in its needs (Lighthouse passes a gatherer only
    // the artifacts it declared). An undeclared read is a bug, so it throws.
    const declared = new Set(
      (meta.needs ?? [])
        .map((need) => /^(?:after|pass|reads):(.+)$/u.exec(need)?.[1])
        .filter((dep): dep is string => dep !== undefined),
    );
    // Wait for the checks this one depends on (they are earlier in the registry); reads: waits
    // only when the check asks.
    for (const need of meta.needs ?? []) {
      const dep = /^(?:after|pass):(.+)$/u.exec(need)?.[1];
      if (dep !== undefined) await finished.get(dep);
    }
    // A final check waits for every other one (after this tick, once every check has started).
    if (meta.final === true) {
      await Promise.resolve();
      await Promise.all(
        checks
          .filter((c) => c.meta.final !== true)
          .map((c) => finished.get(c.meta.id) ?? Promise.resolve(undefined)),
      );
    }
    const evidence: Exchange[] = [];
    const started = now().getTime();
    const report = (
      outcome: Outcome | { verdict: 'error'; summary: string },
      error?: unknown,
    ): CheckReport => {
      if (outcome.verdict !== 'error' && outcome.provides !== undefined)
        provided.set(meta.id, outcome.provides);
      const base = {
        id: meta.id,
        title: meta.title,
        status: outcome.verdict,
        summary: outcome.summary,
        durationMs: Math.max(0, now().getTime() - started),
        evidence,
      };
      if (outcome.verdict === 'error') {
        const err = error instanceof Error ? error : new Error(String(error));
        return {
          ...base,
          data: {},
          error: { message: err.message, ...(err.stack === undefined ? {} : { stack: err.stack }) },
        };
      }
      return {
        ...base,
        data: outcome.data ?? {},
        ...(outcome.details === undefined ? {} : { details: outcome.details }),
        ...(outcome.proof === undefined ? {} : { proof: outcome.proof }),
        ...(outcome.verdict === 'warn' || outcome.verdict === 'fail'
          ? { code: outcome.code, remediation: outcome.remediation }
          : {}),
      };
    };

    for (const need of meta.needs ?? []) {
      const reason = unmetNeed(need, options.input, results);
      if (reason !== undefined) return report({ verdict: 'skip', summary: `Skipped: ${reason}.` });
    }
    const capture = options.input.offline;
    if (capture !== undefined && 'judge' in check && check.fromCapture === undefined) {
      return report({
        verdict: 'skip',
        summary: 'Skipped: offline: this check needs live requests, and explain sends none.',
      });
    }
    if (runController.signal.aborted) {
      return report({ verdict: 'skip', summary: 'Skipped: the run reached its deadline.' });
    }

    const controller = new AbortController();
    setMaxListeners(100, controller.signal);
    const onRunAbort = (): void => controller.abort();
    runController.signal.addEventListener('abort', onRunAbort);
    const timeoutMs = meta.timeoutMs ?? options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(
          new CheckTimeoutError(`Timed out after ${Math.round(timeoutMs / 1000)} s.`, 'check'),
        );
      }, timeoutMs);
    });
    try {
      const readable = (id: string): void => {
        if (!declared.has(id)) {
          throw new Error(`${meta.id} reads ${id}, which is not declared in its needs`);
        }
      };
      const context: CheckContext = {
        input: options.input,
        http: options.httpFor(evidence),
        now,
        signal: controller.signal,
        memo: <T>(key: string, compute: () => Promise<T>): Promise<T> => {
          let value = memo.get(key) as Promise<T> | undefined;
          if (value === undefined) {
            value = compute();
            memo.set(key, value);
          }
          return value;
        },
        registerSecret: (secret, usernames) => options.registerSecret?.(secret, usernames),
        result: (id) => {
          readable(id);
          // Only earlier checks: waiting on a later one (or itself) could deadlock. A check that is
          // not in this run at all has no report: undefined.
          if (!earlier.has(id) && checks.some((c) => c.meta.id === id)) {
            throw new Error(`${meta.id} waits for ${id}, which is not an earlier check`);
          }
          return finished.get(id) ?? Promise.resolve(undefined);
        },
        answers: () => {
          if (meta.final !== true)
            throw new Error(`${meta.id} reads every answer but is not final`);
          return checks
            .filter((c) => c.meta.final !== true)
            .flatMap((c) => results.get(c.meta.id)?.evidence ?? []);
        },
        fact: async <K extends keyof SharedFacts>(key: K) => {
          const provider = PROVIDERS[key];
          readable(provider);
          await finished.get(provider);
          return provided.get(provider)?.[key] as SharedFacts[K] | undefined;
        },
      };
      options.onStart?.(check);
      const evaluate = async (): Promise<Outcome> => {
        if (!('judge' in check)) return check.run(context);
        const facts: unknown =
          capture !== undefined && check.fromCapture !== undefined
            ? await check.fromCapture(context, capture)
            : await check.gather(context);
        return check.judge(facts);
      };
      const outcome = await Promise.race([evaluate(), timeout, deadline]);
      assertOutcome(check, outcome);
      return report(outcome);
    } catch (error) {
      if (error instanceof CheckTimeoutError) {
        return report({ verdict: 'error', summary: error.message }, error);
      }
      return report(
        { verdict: 'error', summary: 'The check itself crashed; this is a bug in bb-doctor.' },
        error,
      );
    } finally {
      clearTimeout(timer);
      runController.signal.removeEventListener('abort', onRunAbort);
    }
  };

  for (const check of checks) {
    const promise = runOne(check).then((report) => {
      results.set(check.meta.id, report);
      options.onFinish?.(report);
      return report;
    });
    finished.set(check.meta.id, promise);
  }
  try {
    return await Promise.all(checks.map((check) => finished.get(check.meta.id)!));
  } finally {
    clearTimeout(deadlineTimer);
  }
};
