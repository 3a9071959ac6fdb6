import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_401_PER_SECRET, MAX_REQUESTS } from '../../src/doctor.js';
import { CHECKS } from '../../src/registry.js';
import { FINDING_CODES } from '../../src/types.js';
import {
  scenarios,
  startSimulator,
  type RunningSimulator,
  type Scenario,
} from '../../src/simulator/index.js';
import { runCli } from '../helpers/cli.js';

/** The secrets a scenario hands the doctor (env values and header credentials). */
const secretsOf = (scenario: Scenario): string[] => {
  const fromEnv = Object.entries(scenario.env ?? {})
    .filter(([name]) => /TOKEN|PASSWORD|SECRET/u.test(name))
    .map(([, value]) => value.trim());
  const fromHeaders = scenario.args
    .filter((a) => /^[A-Za-z-]+:\s/u.test(a))
    .map((a) => a.replace(/^[^:]+:\s*(?:\S+\s+)?/u, '').trim());
  return [...fromEnv, ...fromHeaders].filter((s) => s.length >= 8 && !s.startsWith('$'));
};

/**
 * Every scenario through the built CLI as a subprocess, against the simulator started here, so
 * the test can also read the simulator's own request counts (the request budget).
 */
describe.each(scenarios.map((s) => [s.name, s] as const))('scenario %s', (_name, scenario) => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ scenario });
  });
  afterAll(async () => {
    await sim.close();
  });
  const argv = (): string[] => [
    '--api-url',
    sim.url,
    '--auth-url',
    sim.url,
    ...scenario.args.map((a) => a.replaceAll('{base}', sim.url)),
  ];

  it(`json: ${scenario.expected.code ?? 'healthy'}, exit ${scenario.expected.exit}, within the request budget`, async () => {
    const before = sim.stats();
    const result = await runCli([...argv(), '--format', 'json'], scenario.env ?? {});
    expect(result.stderr).toBe('');
    expect(result.code, result.stdout.slice(0, 2000)).toBe(scenario.expected.exit);
    const report = JSON.parse(result.stdout) as {
      diagnosis: { status: string; code?: string };
      requests: number;
      checks: { id: string; status: string }[];
    };
    if (scenario.expected.code === null) expect(report.diagnosis.status).toBe('pass');
    else expect(report.diagnosis.code).toBe(scenario.expected.code);
    expect(report.checks.map((c) => c.id)).toEqual(CHECKS.map((c) => c.meta.id));
    expect(report.checks.filter((c) => c.status === 'error')).toEqual([]);
    // Budget and safety (issue #4): ≤ 12 requests a run, ≤ 3 answers of 401 for any one secret.
    const after = sim.stats();
    expect(after.requests - before.requests).toBe(report.requests);
    expect(report.requests).toBeLessThanOrEqual(MAX_REQUESTS);
    for (const [label, counts] of Object.entries(after.byCredential)) {
      const earlier = before.byCredential[label]?.unauthorized ?? 0;
      if (label !== 'anonymous')
        expect(counts.unauthorized - earlier, label).toBeLessThanOrEqual(MAX_401_PER_SECRET);
    }
  });

  it('text: the diagnosis first, no secret', async () => {
    const result = await runCli(argv(), scenario.env ?? {});
    expect(result.code).toBe(scenario.expected.exit);
    for (const secret of secretsOf(scenario))
      expect(result.stdout + result.stderr).not.toContain(secret);
    expect(result.stdout).toMatch(
      scenario.expected.code === null
        ? /Diagnosis: no problem found/u
        : new RegExp(`Diagnosis: ${scenario.expected.code}`, 'u'),
    );
    expect(result.stdout.indexOf('Diagnosis')).toBeLessThan(result.stdout.indexOf('Checks'));
    expect(result.stdout).not.toContain('\u001B[');
  });

  it('markdown: the diagnosis heading first, no secret', async () => {
    const result = await runCli(
      [...argv(), '--format', 'markdown', '--verbose'],
      scenario.env ?? {},
    );
    expect(result.code).toBe(scenario.expected.exit);
    for (const secret of secretsOf(scenario)) expect(result.stdout).not.toContain(secret);
    expect(result.stdout.split('\n')[0]).toBe(
      scenario.expected.code === null
        ? '## bb-doctor: ✓ no problem found'
        : scenario.expected.code === 'TIMEOUT'
          ? '## bb-doctor: ✗ `TIMEOUT`'
          : `## bb-doctor: ✗ \`${scenario.expected.code}\``,
    );
  });
});

describe('scenario catalogue', () => {
  it('has at least 12 scenarios, the seed story first and every expected code in the contract', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(12);
    expect(scenarios[0]?.name).toBe('lowercase-bearer');
    for (const s of scenarios)
      if (s.expected.code !== null) expect(FINDING_CODES).toContain(s.expected.code);
  });
});
