import { readFileSync } from 'node:fs';
import { planCredentials, planExplain } from '../../src/explain/input.js';
import { OfflineHttp } from '../../src/explain/offline.js';
import { Redactor } from '../../src/report/redactor.js';
import { parseCapture } from '../../src/explain/parse.js';
import { runChecks } from '../../src/runner.js';
import type { Capture, Check, CheckContext, CheckReport, DoctorInput } from '../../src/types.js';
import { makeInput } from './context.js';

/**
 * The input of `bb-doctor explain FILE` as the CLI builds it (src/cli.ts explainCommand): the
 * parsed capture, its most important failing call, and the credentials of every captured
 * credential header. Nothing is sent: the client is the offline one.
 */
export const explainInput = (
  text: string | Buffer,
  file = 'capture.txt',
): { input: DoctorInput; capture: Capture; http: OfflineHttp } => {
  // The builder the explain command uses (src/explain/input.ts), not a copy of it.
  const plan = planExplain(parseCapture(text, file), file, new Redactor());
  const input = makeInput({
    offline: plan.capture,
    credentials: planCredentials(plan),
    headers: plan.headers,
    ...(plan.failingRequest === undefined ? {} : { failingRequest: plan.failingRequest }),
  });
  return { input, capture: plan.capture, http: new OfflineHttp(plan.capture.exchanges) };
};

/** A capture from fixtures/explain/. */
export const explainFixture = (name: string): Buffer =>
  readFileSync(new URL(`../../fixtures/explain/${name}`, import.meta.url));

/** Runs one check on a capture through the real runner, offline; throws when it crashes. */
export const explainWith = async (
  check: Check,
  text: string | Buffer,
  file = 'capture.txt',
): Promise<{ report: CheckReport; registered: string[]; sent: number }> => {
  const { input, http } = explainInput(text, file);
  const registered: string[] = [];
  const [report] = await runChecks([check], {
    input,
    httpFor: (evidence) => http.forCheck(evidence),
    registerSecret: (secret) => registered.push(secret),
  });
  if (report === undefined || report.status === 'error')
    throw new Error(`check crashed: ${report?.error?.stack ?? report?.summary ?? 'no report'}`);
  return { report, registered, sent: http.sent };
};

/** A context for calling a check's fromCapture directly (no earlier checks, nothing sent). */
export const captureContext = (input: DoctorInput, registered: string[] = []): CheckContext => {
  const http = new OfflineHttp(input.offline?.exchanges ?? []);
  return {
    input,
    http: http.forCheck([]),
    now: () => new Date('2026-11-28T12:30:00Z'),
    signal: new AbortController().signal,
    result: () => Promise.reject(new Error('fromCapture reads no other check')),
    answers: () => [],
    fact: () => Promise.reject(new Error('fromCapture reads no shared fact')),
    memo: (_key, compute) => compute(),
    registerSecret: (secret) => registered.push(secret),
  };
};

/** A raw HTTP capture (`raw-http`): the request, then the response. */
export const rawCapture = (
  request: { method?: string; url: string; headers?: Record<string, string>; body?: string },
  response: { status: number; headers?: Record<string, string>; body?: string },
): string => {
  const url = new URL(request.url);
  return [
    `${request.method ?? 'GET'} ${url.pathname}${url.search} HTTP/1.1`,
    `Host: ${url.host}`,
    ...Object.entries(request.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    '',
    ...(request.body === undefined ? [] : [request.body]),
    `HTTP/1.1 ${response.status} `,
    ...Object.entries(response.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    '',
    response.body ?? '',
    '',
  ].join('\n');
};
