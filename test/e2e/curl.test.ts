import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getScenario, startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { runCli } from '../helpers/cli.js';

/** Secrets of the simulator's worlds, read off the scenarios that use them. */
const seed = getScenario('lowercase-bearer')!;
const TOKEN = (seed.args.find((a) => a.startsWith('Authorization: ')) ?? '').replace(
  /^Authorization: \S+ /u,
  '',
);
const API_TOKEN = getScenario('healthy')!.env!['BITBUCKET_API_TOKEN']!;
const APP_PASSWORD = getScenario('app-password-removed')!.env!['BITBUCKET_APP_PASSWORD']!;
const SECRETS = [TOKEN, API_TOKEN, APP_PASSWORD];

interface Report {
  diagnosis: {
    code?: string;
    status: string;
    commands?: string[];
    verified?: string;
    summary?: string;
  };
  checks: { id: string; status: string; code?: string; data: Record<string, unknown> }[];
  credentials: { kind: string; source: string; username?: string }[];
  warnings: string[];
}

describe('bb-doctor -- curl ... (the failing command itself, against the simulator)', () => {
  let sim: RunningSimulator;
  let appSim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'lowercase-bearer' });
    appSim = await startSimulator({ scenario: 'app-password-removed' });
  });
  afterAll(async () => {
    await Promise.all([sim.close(), appSim.close()]);
  });
  const commits = () => `${sim.url}/2.0/repositories/acme/secret-repo/commits/master`;

  const cases: {
    name: string;
    argv: () => string[];
    code: string | null;
    exit: number;
    check?: (r: Report, stdout: string) => void;
  }[] = [
    {
      name: "the seed's own command: lowercase bearer → HEADER_SCHEME_CASE, corrected command printed and proven",
      argv: () => [
        '--format',
        'json',
        '--',
        'curl',
        '-s',
        '-H',
        `Authorization: bearer ${TOKEN}`,
        commits(),
      ],
      code: 'HEADER_SCHEME_CASE',
      exit: 1,
      check: (r) => {
        expect(r.diagnosis.commands?.[0]).toBe(
          `curl -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN" ${commits()}`,
        );
        expect(r.diagnosis.verified).toMatch(
          /your call answered 404; the corrected call answered 200/u,
        );
        expect(r.checks.find((c) => c.id === 'curl-command')?.data['lints']).toEqual([
          { code: 'HEADER_SCHEME_CASE', severity: 'fail' },
        ]);
      },
    },
    {
      name: 'pasted whole with --curl, an unexpanded $TOKEN in single quotes → SECRET_UNEXPANDED naming the variable',
      argv: () => [
        '--format',
        'json',
        '--curl',
        `curl -H 'Authorization: Bearer $BB_TOKEN' ${commits()} | jq .`,
      ],
      code: 'SECRET_UNEXPANDED',
      exit: 1,
      check: (r) =>
        expect(r.checks.find((c) => c.id === 'credentials')?.data['variable']).toBe('BB_TOKEN'),
    },
    {
      name: 'a pasted "$(cat token.txt)": the shell ran it, bb-doctor cannot see it (NO_CREDENTIALS, computed), nothing sent as text',
      argv: () => [
        '--format',
        'json',
        '--curl',
        `curl -sS \\\n  -H "Authorization: Bearer $(cat token.txt)" \\\n  ${commits()}`,
      ],
      code: 'NO_CREDENTIALS',
      exit: 1,
      check: (r) => {
        const credentials = r.checks.find((c) => c.id === 'credentials');
        expect(credentials?.data['computed']).toBe(true);
        expect(r.diagnosis.summary).toMatch(
          /the contents of token\.txt, which your shell computed/u,
        );
      },
    },
    {
      name: '-u user:api_token with the username → API_TOKEN_NEEDS_EMAIL, fix proven with the email',
      argv: () => [
        '--email',
        'alice@example.com',
        '--format',
        'json',
        '--',
        'curl',
        '-u',
        `alice:${API_TOKEN}`,
        commits(),
      ],
      code: 'API_TOKEN_NEEDS_EMAIL',
      exit: 1,
      check: (r) => {
        expect(r.credentials[0]).toMatchObject({
          kind: 'api-token',
          source: 'curl:-u',
          username: 'alice',
        });
        expect(r.diagnosis.commands?.[0]).toBe(
          `curl -u "alice@example.com:$BITBUCKET_API_TOKEN" ${commits()}`,
        );
      },
    },
    {
      name: '-u email:api_token → works, exit 0',
      argv: () => [
        '--format',
        'json',
        '--',
        'curl',
        '-u',
        `alice@example.com:${API_TOKEN}`,
        commits(),
      ],
      code: null,
      exit: 0,
    },
    {
      name: '--oauth2-bearer with an API token → API_TOKEN_AS_BEARER',
      argv: () => [
        '--email',
        'alice@example.com',
        '--format',
        'json',
        '--',
        'curl',
        '--oauth2-bearer',
        API_TOKEN,
        commits(),
      ],
      code: 'API_TOKEN_AS_BEARER',
      exit: 1,
    },
    {
      name: 'a token in the query string → SECRET_IN_URL (rejected since 2026-05-04)',
      argv: () => ['--format', 'json', '--', 'curl', `${commits()}?access_token=${TOKEN}`],
      code: 'SECRET_IN_URL',
      exit: 1,
    },
    {
      name: 'a token in the POST body → SECRET_IN_URL, and the POST is not replayed',
      argv: () => [
        '--format',
        'json',
        '--',
        'curl',
        '-d',
        `access_token=${TOKEN}`,
        `${sim.url}/2.0/repositories/acme/secret-repo/pullrequests`,
      ],
      code: 'SECRET_IN_URL',
      exit: 1,
      check: (r) => expect(r.checks.find((c) => c.id === 'target-call')?.status).toBe('skip'),
    },
    {
      name: 'an API 1.0 path → API_V1_REMOVED with the 2.0 replacement',
      argv: () => [
        '--format',
        'json',
        '--',
        'curl',
        '-H',
        `Authorization: Bearer ${TOKEN}`,
        `${sim.url}/1.0/repositories/acme/secret-repo/changesets?branch=master`,
      ],
      code: 'API_V1_REMOVED',
      exit: 1,
      check: (r, stdout) => {
        expect(r.checks.find((c) => c.id === 'api-version')?.data['replacement']).toBe(commits());
        // One corrected command in the report (issue "One brain"): curl-command's is the same
        // commits/master call as api-version's replacement, never commits?branch=master.
        expect(r.checks.find((c) => c.id === 'curl-command')?.data['correctedCommand']).toBe(
          `curl -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN" ${commits()}`,
        );
        expect(stdout).not.toContain('commits?branch');
      },
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const result = await runCli(c.argv());
      expect(result.stderr).toBe('');
      expect(result.code, result.stdout.slice(0, 1500)).toBe(c.exit);
      const report = JSON.parse(result.stdout) as Report;
      if (c.code === null) expect(report.diagnosis.status).toBe('pass');
      else expect(report.diagnosis.code).toBe(c.code);
      for (const secret of SECRETS) expect(result.stdout).not.toContain(secret);
      c.check?.(report, result.stdout);
    });
  }

  it('-u user:app_password → APP_PASSWORD_REMOVED', async () => {
    const result = await runCli([
      '--format',
      'json',
      '--',
      'curl',
      '-u',
      `alice:${APP_PASSWORD}`,
      `${appSim.url}/2.0/repositories/acme/secret-repo`,
    ]);
    expect((JSON.parse(result.stdout) as Report).diagnosis.code).toBe('APP_PASSWORD_REMOVED');
    expect(result.stdout).not.toContain(APP_PASSWORD);
  });

  it('curl -n reads the .netrc entry as curl does, names its source, and warns when others can read it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-netrc-'));
    const file = join(dir, 'netrc');
    writeFileSync(file, `machine 127.0.0.1\n  login alice@example.com\n  password ${API_TOKEN}\n`);
    chmodSync(file, 0o644);
    const result = await runCli([
      '--format',
      'json',
      '--',
      'curl',
      '--netrc-file',
      file,
      commits(),
    ]);
    const report = JSON.parse(result.stdout) as Report;
    expect(result.code).toBe(0);
    expect(report.credentials[0]).toMatchObject({
      kind: 'api-token',
      source: `netrc:${file}`,
      username: 'alice@example.com',
    });
    expect(report.warnings.join(' ')).toMatch(/readable by other users/u);
    expect(result.stdout).not.toContain(API_TOKEN);
  });

  it('text output prints the corrected command with placeholders', async () => {
    const result = await runCli(['--', 'curl', '-H', `Authorization: bearer ${TOKEN}`, commits()]);
    expect(result.stdout).toContain('curl -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN"');
    expect(result.stdout).not.toContain(TOKEN);
  });

  it('usage errors: not curl, both forms, no URL → exit 2, one line', async () => {
    for (const argv of [
      ['--', 'wget', 'http://x'],
      ['--curl', 'wget http://x'],
      ['--curl', 'curl http://a', '--', 'curl', 'http://b'],
      ['--', 'curl', '-s'],
    ]) {
      const result = await runCli(argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stdout).toBe('');
    }
  });
});
