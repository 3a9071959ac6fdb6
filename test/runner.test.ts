import { afterEach, describe, expect, it, vi } from 'vitest';
import { assertValidRegistry, runChecks } from '../src/runner.js';
import type { Check, CheckContext, HttpClient, Outcome } from '../src/types.js';
import { cred, makeInput } from './helpers/context.js';

const noHttp = (): HttpClient => ({
  request: () => Promise.reject(new Error('no network in runner tests')),
});

const check = (
  id: string,
  run: (ctx: CheckContext) => Outcome | Promise<Outcome>,
  needs: Check['meta']['needs'] = [],
  timeoutMs?: number,
): Check => ({
  meta: {
    id,
    title: `Check ${id}`,
    description: 'A test check.',
    codes: ['TOKEN_INVALID'],
    needs,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  },
  run,
});
const pass = (summary = 'ok'): Outcome => ({ verdict: 'pass', summary });
const fail: Outcome = {
  verdict: 'fail',
  code: 'TOKEN_INVALID',
  summary: 'bad',
  remediation: { hint: 'Fix it.' },
};
const options = (overrides = {}) => ({
  input: makeInput({ credentials: [cred('api-token', 'ATATT3xabc')] }),
  httpFor: noHttp,
  ...overrides,
});

describe('runner', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reports in registry order even when later checks finish first', async () => {
    const finished: string[] = [];
    const slow = check('slow', async () => {
      await new Promise((r) => setTimeout(r, 30));
      finished.push('slow');
      return pass();
    });
    const fast = check('fast', () => {
      finished.push('fast');
      return pass();
    });
    const reports = await runChecks([slow, fast], options());
    expect(reports.map((r) => r.id)).toEqual(['slow', 'fast']);
    expect(finished).toEqual(['fast', 'slow']);
  });

  it('runs independent checks concurrently', async () => {
    let running = 0;
    let peak = 0;
    const busy = (id: string) =>
      check(id, async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 20));
        running -= 1;
        return pass();
      });
    await runChecks([busy('a'), busy('b'), busy('c')], options());
    expect(peak).toBe(3);
  });

  it('waits for after: and pass: dependencies and gives later checks their results', async () => {
    const seen: string[] = [];
    const first = check('first', async () => {
      await new Promise((r) => setTimeout(r, 10));
      return pass('first done');
    });
    const second = check(
      'second',
      async (ctx) => {
        seen.push((await ctx.result('first'))?.summary ?? 'missing');
        return pass();
      },
      ['after:first'],
    );
    await runChecks([first, second], options());
    expect(seen).toEqual(['first done']);
  });

  it('turns unmet needs into skip with the reason', async () => {
    const needsWs = check('ws', () => pass(), ['workspace']);
    const needsConsumer = check('consumer', () => pass(), ['consumer']);
    const failing = check('base', () => fail);
    const dependent = check('dependent', () => pass(), ['pass:base']);
    const reports = await runChecks([needsWs, needsConsumer, failing, dependent], options());
    expect(reports.map((r) => [r.id, r.status])).toEqual([
      ['ws', 'skip'],
      ['consumer', 'skip'],
      ['base', 'fail'],
      ['dependent', 'skip'],
    ]);
    expect(reports[0]?.summary).toMatch(/no workspace/u);
    expect(reports[3]?.summary).toMatch(/base did not pass/u);
  });

  it('a check that throws becomes error and the next check still runs', async () => {
    const crash = check('crash', () => {
      throw new TypeError("Cannot read properties of undefined (reading 'trim')");
    });
    const next = check('next', () => pass());
    const reports = await runChecks([crash, next], options());
    expect(reports[0]).toMatchObject({
      status: 'error',
      summary: /crashed/u,
      error: { message: /trim/u },
    });
    expect(reports[1]?.status).toBe('pass');
  });

  it('a malformed finding (hint not a sentence, unknown code) is an error, not advice', async () => {
    const badHint = check('bad-hint', () => ({
      verdict: 'fail',
      code: 'TOKEN_INVALID',
      summary: 's',
      remediation: { hint: 'lowercase and no period' },
    }));
    const badCode = check('bad-code', () => ({
      verdict: 'fail',
      code: 'NOPE' as 'TOKEN_INVALID',
      summary: 's',
      remediation: { hint: 'Fine.' },
    }));
    const reports = await runChecks([badHint, badCode], options());
    expect(reports.map((r) => r.status)).toEqual(['error', 'error']);
  });

  it('a per-check timeout becomes error and aborts the check signal (fake timers)', async () => {
    vi.useFakeTimers();
    let aborted = false;
    const hang = check(
      'hang',
      (ctx) =>
        new Promise<Outcome>(() => {
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
          });
        }),
      [],
      5_000,
    );
    const next = check('next', () => pass());
    const promise = runChecks([hang, next], options({ deadlineMs: 60_000 }));
    await vi.advanceTimersByTimeAsync(5_001);
    const reports = await promise;
    expect(reports[0]).toMatchObject({ status: 'error', summary: 'Timed out after 5 s.' });
    expect(aborted).toBe(true);
    expect(reports[1]?.status).toBe('pass');
  });

  it('the global deadline ends the run whatever the checks do (fake timers)', async () => {
    vi.useFakeTimers();
    const hang = (id: string) =>
      check(id, () => new Promise<Outcome>(() => undefined), [], 100_000);
    const promise = runChecks([hang('a'), hang('b')], options({ deadlineMs: 3_000 }));
    await vi.advanceTimersByTimeAsync(3_001);
    const reports = await promise;
    expect(reports.map((r) => r.status)).toEqual(['error', 'error']);
    expect(reports[0]?.summary).toMatch(/deadline of 3 s/u);
  });

  it('memo computes a shared value once', async () => {
    let computed = 0;
    const use = (id: string) =>
      check(id, async (ctx) => {
        await ctx.memo('answer', () => {
          computed += 1;
          return Promise.resolve(42);
        });
        return pass();
      });
    await runChecks([use('a'), use('b')], options());
    expect(computed).toBe(1);
  });

  it('ctx.result waits for an earlier check, is undefined for one not in the run, and refuses a later one', async () => {
    const seen: unknown[] = [];
    const first = check('first', () => pass('first done'));
    const waiter = check(
      'waiter',
      async (ctx) => {
        seen.push((await ctx.result('first'))?.summary, await ctx.result('absent'));
        return pass();
      },
      ['reads:first', 'reads:absent'],
    );
    const cheater = check(
      'cheater',
      async (ctx) => {
        await ctx.result('later');
        return pass();
      },
      // Declared, but later in the registry: still refused.
    );
    const later = check('later', () => pass());
    const reports = await runChecks([first, waiter, cheater, later], options());
    expect(seen).toEqual(['first done', undefined]);
    expect(reports[2]).toMatchObject({
      status: 'error',
      error: { message: /not declared in its needs/u },
    });
  });

  it('rejects a registry with duplicate ids or a need on a later check', () => {
    expect(() => assertValidRegistry([check('a', () => pass()), check('a', () => pass())])).toThrow(
      /Duplicate/u,
    );
    expect(() =>
      assertValidRegistry([check('a', () => pass(), ['after:b']), check('b', () => pass())]),
    ).toThrow(/not earlier/u);
  });
});

describe('runner: declared, typed links and the gather/judge shape', () => {
  it('refuses a read of a check not declared in needs (error, not a silent undefined)', async () => {
    const first = check('first', () => pass());
    const sneaky = check('sneaky', async (ctx) => {
      await ctx.result('first');
      return pass();
    });
    const [, report] = await runChecks([first, sneaky], options());
    expect(report?.status).toBe('error');
    expect(report?.error?.message).toMatch(/reads first, which is not declared in its needs/u);
  });

  it('reads: declares a read without waiting before the check starts', async () => {
    const order: string[] = [];
    const slow = check('connectivity', async () => {
      await new Promise((r) => setTimeout(r, 20));
      order.push('connectivity done');
      return { ...pass(), provides: { product: 'data-center' } };
    });
    const reader = check(
      'reader',
      async (ctx) => {
        order.push('reader started');
        return pass(`product ${(await ctx.fact('product')) ?? 'none'}`);
      },
      ['reads:connectivity'],
    );
    const [, report] = await runChecks([slow, reader], options());
    expect(order).toEqual(['reader started', 'connectivity done']);
    expect(report?.summary).toBe('product data-center');
  });

  it('refuses a fact whose provider is not declared', async () => {
    const provider = check('token-fetch', () => pass());
    const reader = check('reader', async (ctx) =>
      pass((await ctx.fact('fetchedToken'))?.grant ?? 'none'),
    );
    const [, report] = await runChecks([provider, reader], options());
    expect(report?.status).toBe('error');
    expect(report?.error?.message).toMatch(/reads token-fetch/u);
  });

  it('a code outside meta.codes is a bug: error', async () => {
    const liar = check('liar', () => ({
      verdict: 'fail',
      code: 'SCOPE_MISSING',
      summary: 'bad',
      remediation: { hint: 'Fix it.' },
    }));
    const [report] = await runChecks([liar], options());
    expect(report?.status).toBe('error');
    expect(report?.error?.message).toMatch(/SCOPE_MISSING, which is not in its meta.codes/u);
  });

  it('a final check runs after all others and reads every answer; proof is first-class', async () => {
    const answer = {
      request: { method: 'GET', url: 'https://api.example/x', headers: {} },
      response: { status: 429, headers: {}, body: '' },
      durationMs: 1,
    };
    const http: HttpClient = {
      request: () => Promise.reject(new Error('unused')),
    };
    const early = check('early', () => ({
      ...pass(),
      proof: { asSent: 401, corrected: 200, verified: true },
    }));
    const final: Check = {
      meta: { id: 'last', title: 'Last', description: 'Final.', codes: [], final: true },
      gather: (ctx) => ctx.answers().length,
      judge: (count: number) => pass(`${count} answers`),
    };
    // Registry order is report order; a final check waits for the later ones too.
    const reports = await runChecks([final, early], {
      ...options(),
      httpFor: (evidence) => {
        evidence.push(answer);
        return http;
      },
    });
    expect(reports[1]?.proof).toEqual({ asSent: 401, corrected: 200, verified: true });
    expect(reports[0]?.summary).toBe('1 answers');
  });

  it('explain runs fromCapture and the same judge; a check without fromCapture is skipped', async () => {
    const judged: Check = {
      meta: { id: 'judged', title: 'J', description: 'J.', codes: [] },
      gather: () => 'live',
      fromCapture: (_ctx, capture) => `captured ${capture.exchanges.length}`,
      judge: (facts: string) => pass(facts),
    };
    const liveOnly: Check = {
      meta: { id: 'live-only', title: 'L', description: 'L.', codes: [] },
      gather: () => 'live',
      judge: (facts: string) => pass(facts),
    };
    const offline = makeInput({ offline: { file: 'x.har', format: 'har', exchanges: [] } });
    const reports = await runChecks([judged, liveOnly], { ...options(), input: offline });
    expect(reports.map((r) => [r.status, r.summary])).toEqual([
      ['pass', 'captured 0'],
      ['skip', 'Skipped: offline: this check needs live requests, and explain sends none.'],
    ]);
    const live = await runChecks([judged], options());
    expect(live[0]?.summary).toBe('live');
  });
});
