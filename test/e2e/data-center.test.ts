// Bitbucket Data Center end to end (contract.md, "Bitbucket Data Center (Server)"): every Data
// Center scenario through the built CLI in the three formats, against the simulator's Data Center
// mode, with the failed-login budget read off the simulator itself.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dcScenarios,
  gitHomeFiles,
  gitUrl,
  startSimulator,
  type RequestLogEntry,
  type RunningSimulator,
} from '../../src/simulator/index.js';
import { runCli, type CliResult } from '../helpers/cli.js';

type DcScenario = (typeof dcScenarios)[number];

interface Report {
  target: { product: string; serverVersion?: string };
  diagnosis: { status: string; code?: string };
  failedAuthAnswers?: number;
  checks: { id: string; status: string; code?: string }[];
}

/** Every secret of the scenario's world and environment. */
const secretsOf = (scenario: DcScenario): string[] => {
  const world = scenario.world as unknown as {
    users: { password: string }[];
    tokens: { secret: string }[];
  };
  return [
    ...world.users.map((u) => u.password),
    ...world.tokens.map((t) => t.secret),
    ...Object.entries(scenario.env ?? {})
      .filter(([name]) => /TOKEN|PASSWORD|SECRET/u.test(name))
      .map(([, value]) => value),
  ].filter((s) => s.length >= 8);
};

describe.each(dcScenarios.map((s) => [s.name, s] as const))(
  'Data Center scenario %s',
  (_name, scenario) => {
    let sim: RunningSimulator;
    let home: string;
    const log: RequestLogEntry[] = [];
    beforeAll(async () => {
      sim = await startSimulator({ scenario, onRequest: (entry) => log.push(entry) });
      home = await mkdtemp(join(tmpdir(), 'bb-doctor-dc-'));
      if (scenario.git !== undefined)
        for (const [file, text] of Object.entries(gitHomeFiles(scenario.git, sim.base)))
          await writeFile(join(home, file), text, { mode: 0o600 });
    });
    afterAll(async () => {
      await sim.close();
      await rm(home, { recursive: true, force: true });
    });
    const run = (format: string[]): Promise<CliResult> => {
      const url = scenario.git === undefined ? '' : gitUrl(scenario.git, sim.base);
      const args = scenario.args.map((a) =>
        a.replaceAll('{git-url}', url).replaceAll('{base}', sim.base),
      );
      return runCli(['--api-url', sim.base, '--auth-url', sim.base, ...args, ...format], {
        ...scenario.env,
        HOME: home,
        XDG_CONFIG_HOME: join(home, '.config'),
        GIT_CONFIG_NOSYSTEM: '1',
      });
    };
    const noSecret = (result: CliResult): void => {
      for (const secret of secretsOf(scenario))
        expect(result.stdout + result.stderr).not.toContain(secret);
    };

    it(`json: ${scenario.expected.code ?? 'healthy'}, exit ${scenario.expected.exit}, at most one failed login per username`, async () => {
      log.length = 0;
      const before = sim.stats().dataCenter!;
      const result = await run(['--format', 'json']);
      expect(result.stderr).toBe('');
      expect(result.code, result.stdout.slice(0, 1500)).toBe(scenario.expected.exit);
      const report = JSON.parse(result.stdout) as Report;
      expect(report.target.product).toBe('data-center');
      expect(report.target.serverVersion).toMatch(/^\d+\.\d+/u);
      if (scenario.expected.code === null) expect(report.diagnosis.status).toBe('pass');
      else expect(report.diagnosis.code).toBe(scenario.expected.code);
      expect(report.checks.filter((c) => c.status === 'error')).toEqual([]);
      // The budget of contract.md, read off the simulator: ≤ 1 failed login per username, and
      // nothing credentialed outside /rest and /scm.
      const after = sim.stats().dataCenter!;
      for (const [user, count] of Object.entries(after.failedLoginsByUser))
        expect(count - (before.failedLoginsByUser[user] ?? 0), user).toBeLessThanOrEqual(1);
      if (scenario.expected.code === null) expect(report.failedAuthAnswers ?? 0).toBe(0);
      for (const entry of log.filter((e) => e.auth !== 'none'))
        expect(entry.path, entry.auth).toMatch(/^\/bitbucket\/(?:rest|scm)\//u);
      noSecret(result);
    });

    it('text: the diagnosis first, no secret', async () => {
      const result = await run([]);
      expect(result.code).toBe(scenario.expected.exit);
      expect(result.stdout).toMatch(
        scenario.expected.code === null
          ? /Diagnosis: no problem found/u
          : new RegExp(`Diagnosis: ${scenario.expected.code}`, 'u'),
      );
      noSecret(result);
    });

    it('markdown: the code, no secret', async () => {
      const result = await run(['--format', 'markdown']);
      expect(result.code).toBe(scenario.expected.exit);
      if (scenario.expected.code !== null) expect(result.stdout).toContain(scenario.expected.code);
      noSecret(result);
    });
  },
);

describe('Data Center: never the one that locks the account', () => {
  it('a locked account (dc-captcha): the CAPTCHA answer stops every further login of the run', async () => {
    const scenario = dcScenarios.find((s) => s.name === 'dc-captcha')!;
    const sim = await startSimulator({ scenario });
    try {
      const result = await runCli(
        ['--api-url', sim.base, '--auth-url', sim.base, ...scenario.args, '--format', 'json'],
        scenario.env ?? {},
      );
      const report = JSON.parse(result.stdout) as Report;
      expect(report.diagnosis.code).toBe('DC_CAPTCHA_REQUIRED');
      // One login was refused with the CAPTCHA; nothing more was sent with that account.
      expect(sim.stats().dataCenter!.captchaRefusals).toBe(1);
    } finally {
      await sim.close();
    }
  });

  it('the curl form: -u with a wrong password names DC_CREDENTIALS_REJECTED after exactly one failed login', async () => {
    const scenario = dcScenarios.find((s) => s.name === 'dc-healthy')!;
    const sim = await startSimulator({ scenario });
    try {
      const result = await runCli(
        [
          '--format',
          'json',
          '--',
          'curl',
          '-u',
          'alice:not-her-password',
          `${sim.base}/rest/api/1.0/projects/ACME/repos/secret-repo/commits`,
        ],
        {},
      );
      const report = JSON.parse(result.stdout) as Report;
      // The base (context path included) comes from the call itself.
      expect(report.target.product).toBe('data-center');
      expect(report.diagnosis.code).toBe('DC_CREDENTIALS_REJECTED');
      expect(report.checks.find((c) => c.id === 'identity')?.code).toBe('DC_CREDENTIALS_REJECTED');
      expect(report.failedAuthAnswers).toBe(1);
      expect(sim.stats().dataCenter!.failedLoginsByUser['alice']).toBe(1);
      expect(result.stdout).not.toContain('not-her-password');
    } finally {
      await sim.close();
    }
  });

  it('a base given with its REST root (…/rest/api/1.0) is the same server', async () => {
    const scenario = dcScenarios.find((s) => s.name === 'dc-healthy')!;
    const sim = await startSimulator({ scenario });
    try {
      const result = await runCli(
        ['--api-url', `${sim.base}/rest/api/1.0`, ...scenario.args, '--format', 'json'],
        scenario.env ?? {},
      );
      expect(result.code, result.stdout.slice(0, 800)).toBe(0);
      expect((JSON.parse(result.stdout) as Report).target.product).toBe('data-center');
    } finally {
      await sim.close();
    }
  });
});
