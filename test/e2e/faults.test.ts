import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/registry.js';
import { runCli } from '../helpers/cli.js';

interface Report {
  schemaVersion: number;
  diagnosis: { status: string; code?: string };
  checks: { id: string; status: string }[];
  counts: Record<string, number>;
  durationMs: number;
}

/** Each fault, and two dead ends, against `--timeout 8`: bounded, named, a complete report. */
const CASES: { name: string; args: string[]; code: string | null; exit: number }[] = [
  { name: 'hang', args: ['demo', 'healthy', '--fault', 'hang'], code: 'TIMEOUT', exit: 3 },
  {
    name: 'reset',
    args: ['demo', 'healthy', '--fault', 'reset'],
    code: 'NETWORK_UNREACHABLE',
    exit: 3,
  },
  {
    name: 'html500',
    args: ['demo', 'healthy', '--fault', 'html500'],
    code: 'SERVER_ERROR',
    exit: 3,
  },
  {
    name: 'badjson',
    args: ['demo', 'healthy', '--fault', 'badjson'],
    code: 'SERVER_ERROR',
    exit: 3,
  },
  {
    name: 'redirect-offhost',
    args: ['demo', 'healthy', '--fault', 'redirect-offhost'],
    code: 'REDIRECTED_AWAY',
    exit: 3,
  },
  // The body takes 5 s to arrive, within the deadline: slow is not broken.
  { name: 'slow-body', args: ['demo', 'healthy', '--fault', 'slow-body'], code: null, exit: 0 },
  {
    name: 'rate-limit',
    args: ['demo', 'healthy', '--fault', 'rate-limit'],
    code: 'RATE_LIMITED',
    exit: 1,
  },
  {
    name: 'closed port',
    args: ['--api-url', 'http://127.0.0.1:1', '--workspace', 'acme'],
    code: 'NETWORK_UNREACHABLE',
    exit: 3,
  },
  {
    name: 'unresolvable host',
    args: ['--api-url', 'https://api.bitbucket.invalid', '--workspace', 'acme'],
    code: 'NETWORK_UNREACHABLE',
    exit: 3,
  },
];

describe.concurrent('faults: bounded, named, with a complete report', { timeout: 30_000 }, () => {
  for (const c of CASES) {
    it(`${c.name} → ${c.code ?? 'pass'} (exit ${c.exit}) within 10 s`, async () => {
      const started = Date.now();
      const result = await runCli(
        [...c.args, '--timeout', '8', '--format', 'json'],
        {},
        { timeoutMs: 20_000 },
      );
      const wall = Date.now() - started;
      expect(result.code).toBe(c.exit);
      expect(result.stderr).toBe('');
      const report = JSON.parse(result.stdout) as Report;
      expect(report.schemaVersion).toBe(1);
      expect(report.checks).toHaveLength(CHECKS.length);
      if (c.code === null) expect(report.diagnosis.status).toBe('pass');
      else expect(report.diagnosis.code).toBe(c.code);
      expect(report.counts['error'], 'no check crashed or timed out').toBe(0);
      // The run itself ends within 10 s of its start (--timeout 8 plus rendering); the process as
      // a whole may take a little longer on a loaded CI machine (node's own start-up).
      expect(report.durationMs).toBeLessThan(10_000);
      expect(wall).toBeLessThan(12_000);
    }, 20_000);
  }

  it('a fault in text and markdown still gives a whole report', async () => {
    const [text, md] = await Promise.all([
      runCli(['demo', 'healthy', '--fault', 'html500', '--timeout', '8']),
      runCli(['demo', 'healthy', '--fault', 'badjson', '--timeout', '8', '--format', 'markdown']),
    ]);
    expect(text.stdout).toMatch(/Diagnosis: SERVER_ERROR[\s\S]*Checks[\s\S]*rate-limit/u);
    expect(md.stdout).toMatch(/^## bb-doctor: ✗ `SERVER_ERROR`[\s\S]*### Checks[\s\S]*<details>/u);
  });
});
