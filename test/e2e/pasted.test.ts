import { createServer, request as httpRequest, type Server } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getScenario, startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { runCli } from '../helpers/cli.js';

/**
 * Issue #11: pasted commands as the shell ran them, through the built CLI against the simulator.
 * A recorder in front of the simulator keeps every request's headers and body, so that what was
 * sent is read off the wire, not off the report.
 */
const scenario = getScenario('password-grant')!;
const KEY = scenario.args[scenario.args.indexOf('--client-id') + 1]!;
const SECRET = scenario.env!['BITBUCKET_CLIENT_SECRET']!;
const PASSWORD = scenario.env!['BITBUCKET_PASSWORD']!;
const API_TOKEN = getScenario('healthy')!.env!['BITBUCKET_API_TOKEN']!;

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const leaks = (text: string, secret: string): string[] => {
  const out: string[] = [];
  for (let i = 0; i + 8 <= secret.length; i += 1)
    if (text.includes(secret.slice(i, i + 8))) out.push(secret.slice(i, i + 8));
  return out;
};

describe('as sent is as sent (issue #11)', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'access-token-as-basic' });
  });
  afterAll(async () => {
    await sim.close();
  });
  const header = getScenario('access-token-as-basic')!.args[3]!;
  const pair = Buffer.from(header.replace('Authorization: Basic ', ''), 'base64').toString();

  it('-u x-token-auth:TOKEN is replayed as Basic: ACCESS_TOKEN_AS_BASIC, proven (401 as sent, 200 with Bearer)', async () => {
    const r = await runCli([
      '--format',
      'json',
      '--',
      'curl',
      '-u',
      pair,
      `${sim.url}/2.0/repositories/acme/secret-repo/commits/master`,
    ]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as {
      diagnosis: { code: string; verified?: string };
    };
    expect(report.diagnosis.code).toBe('ACCESS_TOKEN_AS_BASIC');
    expect(report.diagnosis.verified).toMatch(
      /your call answered 401; the corrected call answered 200/u,
    );
    expect(r.stdout).toContain('Basic with x-token-auth');
  });
});

describe('pasted commands (issue #11), through the built CLI', () => {
  let sim: RunningSimulator;
  let recorder: Server;
  let base = '';
  const seen: Seen[] = [];
  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'password-grant' });
    const target = new URL(sim.url);
    recorder = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: body.toString(),
        });
        const upstream = httpRequest(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: target.host },
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.end(body);
      });
    });
    await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
    const address = recorder.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => recorder.close(resolve));
    await sim.close();
  });
  beforeEach(() => {
    seen.length = 0;
  });

  const commits = () => `${base}/2.0/repositories/acme/secret-repo/commits/master`;
  const fetch = (jq: string) =>
    `curl -s -X POST -d 'grant_type=password&username=alice&password=${PASSWORD}' --user '${KEY}:${SECRET}' ${base}/site/oauth2/access_token | ${jq}`;
  const seeds = (): [string, string][] => [
    [
      'backticks, jq --raw-output',
      `curl -s -H "Authorization: bearer \`${fetch('jq --raw-output .access_token')}\`" ${commits()} | jq .`,
    ],
    [
      '$(...), jq -r',
      `curl -s -H "Authorization: bearer $(${fetch('jq -r .access_token')})" ${commits()} | jq .`,
    ],
  ];

  /** Nothing the shell computed, nor null, went out as a credential; the password grant never did. */
  const nothingComputedSent = (): void => {
    for (const request of seen) {
      const auth = String(request.headers['authorization'] ?? '');
      expect(auth, `${request.method} ${request.url}`).not.toMatch(
        /`|\$\(|curl |<step|\s+null$|\|\s*jq/u,
      );
      expect(request.body).not.toContain('grant_type=password');
      expect(leaks(`${auth} ${request.body}`, PASSWORD)).toEqual([]);
    }
  };

  it.each(['text', 'markdown', 'json'])(
    'the seed story pasted whole (%s, --verbose, --output): PASSWORD_GRANT_REMOVED then HEADER_SCHEME_CASE, in story order',
    async (format) => {
      for (const [name, seed] of seeds()) {
        seen.length = 0;
        const dir = mkdtempSync(join(tmpdir(), 'bb-seed-'));
        const r = await runCli([
          '--curl',
          seed,
          '--format',
          format,
          '--verbose',
          '--output',
          join(dir, 'r.json'),
          '--output',
          join(dir, 'r.md'),
        ]);
        expect(r.code, `${name}: ${r.stderr}`).toBe(1);
        const all = [
          r.stdout,
          r.stderr,
          readFileSync(join(dir, 'r.json'), 'utf8'),
          readFileSync(join(dir, 'r.md'), 'utf8'),
        ].join('\n');
        for (const secret of [PASSWORD, SECRET]) expect(leaks(all, secret), name).toEqual([]);
        const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as {
          diagnosis: { code: string; summary: string; alsoFound?: string[] };
          steps: { index: number; describe: string; diagnosis: { code?: string } }[];
          checks: { id: string; code?: string; proof?: { verified: boolean } }[];
        };
        expect(report.diagnosis.code).toBe('PASSWORD_GRANT_REMOVED');
        expect(report.diagnosis.alsoFound).toContain('HEADER_SCHEME_CASE');
        const summary = report.diagnosis.summary;
        expect(summary).toMatch(/^Step 1, the token fetch in (?:backticks|\$\(\.\.\.\))/u);
        expect(summary).toContain('your call sent "Authorization: bearer null"');
        expect(summary.indexOf('Step 2')).toBeGreaterThan(summary.indexOf('Step 1'));
        expect(report.steps.map((s) => s.diagnosis.code)).toEqual([
          'PASSWORD_GRANT_REMOVED',
          'HEADER_SCHEME_CASE',
        ]);
        // The outer fix, proven with a token the doctor got itself (client_credentials).
        expect(report.checks.find((c) => c.id === 'header-casing')?.proof?.verified).toBe(true);
        expect(report.checks.find((c) => c.id === 'two-factor')?.code).toBe(
          'ACCOUNT_PASSWORD_REJECTED',
        );
        nothingComputedSent();
        expect(seen.some((s) => s.body.includes('grant_type=client_credentials'))).toBe(true);
      }
    },
  );

  it('a Basic header built with $(echo -n user:token | base64) is the credential it builds', async () => {
    const r = await runCli([
      '--format',
      'json',
      '--curl',
      `curl -H "Authorization: Basic $(echo -n alice@example.com:${API_TOKEN} | base64)" ${commits()}`,
    ]);
    const report = JSON.parse(r.stdout) as {
      credentials: { kind: string; username?: string }[];
    };
    expect(report.credentials[0]).toMatchObject({
      kind: 'api-token',
      username: 'alice@example.com',
    });
    expect(leaks(r.stdout + r.stderr, API_TOKEN)).toEqual([]);
    const expected = `Basic ${Buffer.from(`alice@example.com:${API_TOKEN}`).toString('base64')}`;
    expect(seen.some((s) => s.headers['authorization'] === expected)).toBe(true);
    nothingComputedSent();
  });

  it('an exported variable is expanded (its source recorded), and never "export it" advice', async () => {
    const r = await runCli(
      ['--format', 'json', '--curl', `curl -u alice@example.com:$BITBUCKET_API_TOKEN ${commits()}`],
      { BITBUCKET_API_TOKEN: API_TOKEN },
    );
    const report = JSON.parse(r.stdout) as { credentials: { source: string }[] };
    expect(report.credentials.map((c) => c.source)).toEqual([
      'env:BITBUCKET_API_TOKEN (expanded in your curl command)',
    ]);
    expect(r.stdout).not.toContain('export BITBUCKET_API_TOKEN');
    expect(leaks(r.stdout, API_TOKEN)).toEqual([]);
  });

  it('an unset variable: says it is not visible to bb-doctor, and sends nothing as text', async () => {
    const r = await runCli([
      '--format',
      'json',
      '--curl',
      `curl -u alice@example.com:$BITBUCKET_API_TOKEN ${commits()}`,
    ]);
    const report = JSON.parse(r.stdout) as { diagnosis: { code: string; summary: string } };
    expect(report.diagnosis.code).toBe('NO_CREDENTIALS');
    expect(report.diagnosis.summary).toMatch(/BITBUCKET_API_TOKEN is not visible to bb-doctor/u);
    nothingComputedSent();
    expect(seen.every((s) => s.headers['authorization'] === undefined)).toBe(true);
  });

  it('-u KEY:SECRET on a call to the token endpoint is the consumer: it goes only there', async () => {
    const r = await runCli([
      '--format',
      'json',
      '--curl',
      `curl -u ${KEY}:${SECRET} -d grant_type=client_credentials ${base}/site/oauth2/access_token`,
    ]);
    const report = JSON.parse(r.stdout) as { credentials: { kind: string }[] };
    expect(report.credentials.map((c) => c.kind).sort()).toEqual(['client-id', 'client-secret']);
    const basic = `Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}`;
    const carrying = seen.filter(
      (s) =>
        JSON.stringify(s.headers).includes(SECRET) ||
        s.headers['authorization'] === basic ||
        s.headers['authorization'] === `Bearer ${SECRET}`,
    );
    expect(carrying.length).toBeGreaterThan(0);
    for (const request of carrying) expect(request.url).toBe('/site/oauth2/access_token');
    expect(leaks(r.stdout + r.stderr, SECRET)).toEqual([]);
  });

  it('a two-line script: TOKEN=$(curl … | jq -r .access_token), then the call with $TOKEN', async () => {
    const script = [
      '# fetch a token, then call the API',
      `TOKEN=$(curl -s -X POST -u "${KEY}:${SECRET}" -d grant_type=client_credentials ${base}/site/oauth2/access_token | jq -r .access_token)`,
      `curl -s -H "Authorization: bearer $TOKEN" ${commits()}`,
    ].join('\n');
    const r = await runCli(['--format', 'json', '--curl', script]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as {
      diagnosis: { code: string };
      steps: { describe: string; diagnosis: { status: string; code?: string } }[];
      checks: { id: string; proof?: { verified: boolean } }[];
    };
    // The consumer works: step 1 passes, the call's lowercase scheme is the diagnosis, proven.
    expect(report.steps.map((s) => s.describe)).toEqual([
      'the token fetch in TOKEN=$(...)',
      'your call',
    ]);
    expect(report.steps[0]?.diagnosis.status).toBe('pass');
    expect(report.diagnosis.code).toBe('HEADER_SCHEME_CASE');
    expect(report.checks.find((c) => c.id === 'header-casing')?.proof?.verified).toBe(true);
    expect(leaks(r.stdout + r.stderr, SECRET)).toEqual([]);
    nothingComputedSent();
  });

  it('a PowerShell paste (backtick continuations, curl.exe, $env:NAME) is read as PowerShell would', async () => {
    const paste = `curl.exe -s \`\n  -u "alice@example.com:$env:BB_TOKEN" \`\n  ${commits()}`;
    const r = await runCli(['--format', 'json', '--curl', paste], { BB_TOKEN: API_TOKEN });
    const report = JSON.parse(r.stdout) as { credentials: { source: string }[] };
    expect(report.credentials.map((c) => c.source)).toEqual([
      'env:BB_TOKEN (expanded in your curl command)',
    ]);
    const expected = `Basic ${Buffer.from(`alice@example.com:${API_TOKEN}`).toString('base64')}`;
    expect(seen.some((s) => s.headers['authorization'] === expected)).toBe(true);
  });

  it.each([
    [
      'unbalanced quotes',
      `curl -H "Authorization: Bearer x http://h/2.0/user`,
      /unterminated double quote/u,
    ],
    [
      'substitutions nested 10 deep',
      `curl -H "X: ${'$('.repeat(10)}echo x${')'.repeat(10)}" http://h/`,
      /nested 10 deep/u,
    ],
    ['a cmd.exe ^ continuation', 'curl ^\n  http://h/2.0/user', /cmd\.exe/u],
    [
      'a loop',
      'for r in a b; do\n  curl http://h/2.0/$r\ndone',
      /"for", which bb-doctor does not follow/u,
    ],
    ['a heredoc', 'cat <<EOF > body.json\n{}\nEOF\ncurl -d @body.json http://h/', /heredoc/u],
  ])('%s: exit 2 with one line, no stack, nothing sent', async (_name, paste, message) => {
    const r = await runCli(['--curl', paste]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\s+at\s/u);
    expect(seen).toEqual([]);
  });

  it("a single-quoted '$(curl -u key:secret ...)' is SECRET_UNEXPANDED, and the consumer secret never prints", async () => {
    const r = await runCli([
      '--curl',
      `curl -H 'Authorization: Bearer $(curl -s -u ${KEY}:${SECRET} -d grant_type=client_credentials ${base}/site/oauth2/access_token | jq -r .access_token)' ${commits()}`,
    ]);
    expect(r.stdout).toContain('SECRET_UNEXPANDED');
    expect(leaks(r.stdout + r.stderr, SECRET)).toEqual([]);
  });
});
