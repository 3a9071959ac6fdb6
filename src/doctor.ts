import os from 'node:os';
import { followGit } from './facts/git-story.js';
import { stepReports, storyOf } from './facts/steps.js';
import { diagnose, exitCodeFor } from './diagnosis.js';
import { DoctorHttp } from './http/client.js';
import { agentsFor, describeProxy, proxyFor } from './http/proxy.js';
import { originPolicy, type Withheld } from './http/origin-policy.js';
import {
  buildReport,
  checkedProduct,
  clipEvidence,
  summariseCredential,
  type Environment,
  type Report,
} from './report/model.js';
import type { Redactor } from './report/redactor.js';
import { runChecks } from './runner.js';
import type { Check, CheckReport, DoctorInput, Exchange, HttpClient } from './types.js';

import { VERSION } from './version.js';

export { VERSION };

/** Budget and safety (issue #4): at most 12 requests per run, at most 3 answers of 401 per secret. */
export const MAX_REQUESTS = 12;
export const MAX_401_PER_SECRET = 3;

/** The proxy the API URL goes through (HTTPS_PROXY, NO_PROXY...), its password masked, or null. */
export const proxyFromEnv = (
  apiUrl: string,
  env: Readonly<Record<string, string | undefined>>,
): string | null => {
  const proxy = proxyFor(apiUrl, env);
  return proxy === undefined ? null : describeProxy(proxy);
};

export const environmentFacts = (
  apiUrl: string,
  env: Readonly<Record<string, string | undefined>>,
): Environment => ({
  bbDoctor: VERSION,
  node: process.version,
  os: `${os.type()} ${os.release()} (${process.platform}/${process.arch})`,
  proxy: proxyFromEnv(apiUrl, env),
  ci: env['CI'] !== undefined && env['CI'] !== 'false',
});

/** What the doctor needs of an HTTP client: one per check, and the run's totals. */
export interface RunHttp {
  forCheck(evidence: Exchange[]): HttpClient;
  readonly sent: number;
  readonly exchanges: readonly Exchange[];
  /** Failed-authentication answers (a 401 that counts against a lockout); 0 offline. */
  readonly failedAuthAnswers?: number;
  /** Credentials the client did not send to an origin, and why (the report's withheld[]). */
  readonly withheld?: readonly Withheld[];
}

export interface DoctorOptions {
  readonly input: DoctorInput;
  readonly checks: readonly Check[];
  readonly redactor: Redactor;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Deadline of the whole run, in seconds. */
  readonly timeoutSeconds: number;
  readonly verbose: boolean;
  /** Keep every exchange in the report without --verbose (for `--output FILE.har`). */
  readonly keepExchanges?: boolean;
  readonly mode: Report['mode'];
  readonly onStart?: (check: Check) => void;
  readonly onFinish?: (report: CheckReport) => void;
  readonly now?: () => Date;
  /** The run's HTTP client (the offline one of `explain`); by default a DoctorHttp. */
  readonly http?: RunHttp;
  /** --cacert: extra CA certificates (PEM) for TLS-inspecting proxies. */
  readonly ca?: string;
}

/** Runs the checks and builds the report. Nothing here prints. */
export const runDoctor = async (
  options: DoctorOptions,
): Promise<{ report: Report; exitCode: 0 | 1 | 3 }> => {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const deadlineMs = options.timeoutSeconds * 1000;
  const { input } = options;
  const origins = [
    input.apiUrl,
    input.authUrl,
    input.failingRequest?.url,
    input.url,
    input.git?.url,
  ]
    .filter((u): u is string => u !== undefined)
    .map((u) => {
      try {
        return new URL(u).origin;
      } catch {
        return '';
      }
    });
  // One pair of proxy agents per proxy URL for the whole run.
  const byProxy = new Map<string, ReturnType<typeof agentsFor>>();
  const agents = (url: string): ReturnType<typeof agentsFor> => {
    const proxy = proxyFor(url, options.env);
    if (proxy === undefined) return undefined;
    if (!byProxy.has(proxy)) byProxy.set(proxy, agentsFor(url, options.env, options.ca));
    return byProxy.get(proxy);
  };
  // What answered, once connectivity knows: credentials to a host that is not Bitbucket Cloud's
  // wait for it (contract.md, "Harmless to run on Data Center").
  let productKnown: (product: string | undefined) => void = () => undefined;
  const product = new Promise<string | undefined>((resolve) => {
    productKnown = resolve;
  });
  // The demo's simulator says what it plays: nothing to wait for.
  if (input.simulator?.product !== undefined) productKnown(input.simulator.product);
  const http =
    options.http ??
    new DoctorHttp({
      product: () => product,
      dataCenterBase: input.apiUrl,
      ...(input.allowInsecureHttp === true ? { allowInsecureHttp: true } : {}),
      allowedOrigins: origins,
      maxRequests: MAX_REQUESTS,
      max401PerSecret: MAX_401_PER_SECRET,
      // Leave a little time to render before the deadline.
      deadline: Date.now() + Math.max(100, deadlineMs - 250),
      userAgent: `bb-doctor/${VERSION} (+https://github.com/bb-doctor/bb-doctor)`,
      agentFor: (url) => agents(url),
      // Each credential goes only where it is meant for (contract.md, "Secrets", which hosts).
      policy: originPolicy(
        input,
        input.explicitOrigins ?? [],
        (c) => summariseCredential(c).fingerprint,
      ),
      ...(options.ca === undefined ? {} : { https: { certificateAuthority: options.ca } }),
    });
  const ran = await runChecks(options.checks, {
    input,
    httpFor: (evidence) => http.forCheck(evidence),
    now,
    deadlineMs,
    checkTimeoutMs: Math.min(deadlineMs, 15_000),
    registerSecret: (secret, usernames) => {
      options.redactor.register(secret, usernames);
    },
    ...(options.onStart === undefined ? {} : { onStart: options.onStart }),
    onFinish: (report) => {
      if (report.id === 'connectivity') productKnown(checkedProduct([report]));
      options.onFinish?.(report);
    },
  });
  productKnown(undefined);
  // A git target: the verdict follows git, and REST is said beside it.
  const git = followGit(input, ran);
  const checks = git.checks;
  const diagnosis = diagnose(checks, input.git === undefined ? storyOf(input) : git.story);
  const steps = stepReports(input, checks);
  const report = buildReport({
    input,
    checks,
    diagnosis,
    version: VERSION,
    startedAt,
    finishedAt: now(),
    requests: http.sent,
    failedAuthAnswers: http.failedAuthAnswers ?? 0,
    ...(steps === undefined ? {} : { steps }),
    withheld: http.withheld ?? [],
    environment: environmentFacts(input.apiUrl, options.env),
    mode: options.mode,
    ...(options.verbose || options.keepExchanges === true ? { exchanges: http.exchanges } : {}),
  });
  // Every byte of the report passes the redactor before any renderer sees it.
  // ...and is cut only then (redact, then cut).
  return {
    report: clipEvidence(options.redactor.redactDeep(report)),
    exitCode: exitCodeFor(diagnosis),
  };
};
