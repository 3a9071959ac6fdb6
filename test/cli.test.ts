import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { fakeIO } from './helpers/io.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/index.js';
import { runCli } from './helpers/cli.js';

const io = fakeIO;

describe('cli: parsing and usage errors exit 2 with one line, no stack', () => {
  const usage: [string, string[], RegExp][] = [
    ['unknown flag', ['--bogus'], /Unknown argument: bogus/u],
    [
      'bad --format',
      ['--format', 'yaml'],
      /Invalid values: Argument: format, Given: "yaml", Choices: "text", "markdown", "json"/u,
    ],
    ['--timeout not a number', ['--timeout', 'soon'], /timeout/u],
    ['--timeout zero', ['--timeout', '0'], /--timeout expects/u],
    ['--timeout absurd', ['--timeout', '99999999'], /--timeout expects/u],
    ['--url not a URL', ['--url', 'not a url'], /--url expects an absolute URL/u],
    ['--api-url ftp', ['--api-url', 'ftp://x'], /--api-url expects an http\(s\) URL/u],
    ['empty secret', ['--api-token', ''], /--api-token expects a value/u],
    ['missing value', ['--workspace'], /Not enough arguments|workspace/u],
    [
      'header without a colon',
      ['--header', 'Authorization bearer x'],
      /--header expects 'Name: value'/u,
    ],
    ['unknown command', ['frobnicate'], /Unknown command 'frobnicate'/u],
    ['unknown scenario', ['demo', 'nope'], /Unknown scenario 'nope'/u],
    ['empty --header', ['--header', ''], /--header expects a value/u],
    ['empty --url', ['--url', ''], /--url expects a value/u],
    ['--timeout repeated with a bad value', ['--timeout', '5', '--timeout', 'x'], /timeout/u],
    ['--format with no value', ['--format'], /Not enough arguments|format/u],
    ['--output with no value', ['--output'], /Not enough arguments|output/u],
    [
      'simulate --port absurd',
      ['simulate', '--port', '99999'],
      /--port expects a number from 0 to 65535/u,
    ],
    ['simulate --port not a number', ['simulate', '--port', 'eighty'], /--port expects/u],
    ['demo --latency-ms negative', ['demo', '--latency-ms', '-5'], /--latency-ms expects/u],
    ['demo --fault unknown', ['demo', '--fault', 'meteor'], /--fault expects one of/u],
    [
      '--cacert missing file',
      ['--cacert', '/nonexistent.pem'],
      /--cacert \/nonexistent.pem: ENOENT/u,
    ],
    ['explain without a file', ['explain'], /Not enough non-option arguments/u],
    ['explain a missing file', ['explain', '/nonexistent.txt'], /no such file/u],
    ['a curl command that is not curl', ['--curl', 'wget https://x'], /curl/u],
    ['--netrc-file missing', ['--netrc-file', '/nonexistent-netrc'], /no such file/u],
  ];
  for (const [name, argv, message] of usage) {
    it(name, async () => {
      const t = io();
      expect(await main(argv, t.sink)).toBe(2);
      expect(t.err()).toMatch(message);
      expect(t.err().trim().split('\n')).toHaveLength(1);
      expect(t.err()).not.toMatch(/\n\s+at /u);
      expect(t.out()).toBe('');
    });
  }

  it('a usage error never echoes a secret', async () => {
    const t = io({ BITBUCKET_API_TOKEN: 'ATATT3xEnvSecretValue0001' });
    expect(await main(['--format', 'ATATT3xEnvSecretValue0001'], t.sink)).toBe(2);
    expect(t.err()).not.toContain('ATATT3xEnvSecretValue0001');
    const u = io();
    expect(
      await main(
        ['--api-token', 'ATATT3xFlagSecretValue02', '--timeout', 'ATATT3xFlagSecretValue02'],
        u.sink,
      ),
    ).toBe(2);
    expect(u.err()).not.toContain('ATATT3xFlagSecretValue02');
    // yargs also reads the camel-case spelling: the secret is known before any error prints.
    const v = io();
    expect(
      await main(
        ['--apiToken', 'ATATT3xFlagSecretValue03', '--cacert', 'ATATT3xFlagSecretValue03'],
        v.sink,
      ),
    ).toBe(2);
    // Described, not quoted: a token-like word in a usage message is never shown.
    expect(v.err()).toMatch(/--cacert \[a 24-character value\]: ENOENT/u);
    expect(v.err()).not.toContain('ATATT3xFlagSecretValue03');
  });
});

describe('cli: help, version, checks', () => {
  it('--help prints usage with every command and exits 0', async () => {
    const t = io();
    expect(await main(['--help'], t.sink)).toBe(0);
    for (const word of [
      'explain',
      'demo',
      'simulate',
      'checks',
      '--api-token',
      '--format',
      '--timeout',
      'Exit codes',
    ])
      expect(t.out()).toContain(word);
  });
  it('--version prints the version', async () => {
    const t = io();
    expect(await main(['--version'], t.sink)).toBe(0);
    expect(t.out().trim()).toMatch(/^\d+\.\d+\.\d+$/u);
  });
  it('checks lists every check in order with its codes', async () => {
    const t = io();
    expect(await main(['checks'], t.sink)).toBe(0);
    expect(t.out().indexOf('connectivity')).toBeLessThan(t.out().indexOf('rate-limit'));
    expect(t.out()).toContain('HEADER_SCHEME_CASE');
  });
});

describe('cli: runs against the simulator', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'healthy' });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('a healthy run exits 0; --output writes the format its extension implies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-doctor-'));
    const t = io({ BITBUCKET_EMAIL: 'alice@example.com', BITBUCKET_API_TOKEN: 'unused' });
    const code = await main(
      [
        '--api-url',
        sim.url,
        '--auth-url',
        sim.url,
        '--workspace',
        'acme',
        '--output',
        join(dir, 'r.md'),
        '--username',
        'x',
      ],
      { ...t.sink, env: { BITBUCKET_EMAIL: 'alice@example.com' } },
    );
    expect(code).toBe(1); // NO_CREDENTIALS: no secret given
    expect(t.out()).toContain('Diagnosis: NO_CREDENTIALS');
    expect(readFileSync(join(dir, 'r.md'), 'utf8').split('\n')[0]).toBe(
      '## bb-doctor: ✗ `NO_CREDENTIALS`',
    );
  });

  it('a secret given as a flag is warned about and never printed', async () => {
    const t = io();
    await main(
      [
        '--api-url',
        sim.url,
        '--workspace',
        'acme',
        '--api-token',
        'ATATT3xNotARealTokenValue',
        '--email',
        'alice@example.com',
        '--format',
        'json',
      ],
      t.sink,
    );
    const report = JSON.parse(t.out()) as { warnings: string[] };
    expect(report.warnings.join(' ')).toMatch(/given as a flag \(--api-token\)/u);
    expect(t.out()).not.toContain('ATATT3xNotARealTokenValue');
  });

  it('a header that carries no credential (Accept) is not treated as a secret', async () => {
    const t = io();
    await main(
      [
        '--api-url',
        sim.url,
        '--workspace',
        'acme',
        '--header',
        'Accept: application/json',
        '--format',
        'json',
        '--verbose',
      ],
      t.sink,
    );
    expect(t.out()).toContain('application/json');
    expect(t.out()).not.toContain('[redacted');
  });

  it('an Authorization header keeps its scheme as sent: bearer [redacted …]', async () => {
    const t = io();
    await main(
      [
        '--api-url',
        sim.url,
        '--workspace',
        'acme',
        '--header',
        'Authorization: bearer ATCTT3xNotARealAccessToken01',
        '--format',
        'json',
        '--verbose',
      ],
      t.sink,
    );
    expect(t.out()).toMatch(/"authorization": "bearer \[redacted sha256:[0-9a-f]{8}\]"/u);
    expect(t.out()).not.toContain('ATCTT3xNotARealAccessToken01');
  });

  it('an unwritable --output exits 2 with one line, before the run (no report)', async () => {
    const t = io();
    const code = await main(['--api-url', sim.url, '--output', '/nonexistent-dir/r.json'], t.sink);
    expect(code).toBe(2);
    expect(t.err()).toMatch(/cannot write --output \/nonexistent-dir\/r.json: ENOENT/u);
    expect(t.err().trim().split('\n')).toHaveLength(1);
    expect(t.out()).toBe('');
  });
});

describe('cli: the built bundle', () => {
  it('demo runs the seed story: HEADER_SCHEME_CASE, fix proven, simulator named, exit 1', async () => {
    const result = await runCli(['demo']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Diagnosis: HEADER_SCHEME_CASE');
    expect(result.stdout).toMatch(
      /SIMULATOR: this run talks to bb-doctor's embedded Bitbucket Cloud simulator/u,
    );
    expect(result.stdout).toMatch(/target-call: Fix verified/u);
  });
  it('demo --list prints one line per scenario', async () => {
    const result = await runCli(['demo', '--list']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n').length).toBeGreaterThanOrEqual(12);
    // At 80 columns (no TTY) each title goes under its name and code, wrapped.
    expect(result.stdout).toMatch(
      /^lowercase-bearer +HEADER_SCHEME_CASE\n(?: {4}.*\n)*? {4}.*\(default\)$/mu,
    );
    expect(result.stdout).toMatch(/^dc-healthy +healthy\n(?: {4}.*\n)*? {4}.*\(default\)$/mu);
  });
  it('demo honours --format json', async () => {
    const result = await runCli(['demo', 'healthy', '--format', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      schemaVersion: 1,
      diagnosis: { status: 'pass' },
      target: { simulator: { scenario: 'healthy' } },
    });
  });
  it('an unknown flag exits 2 from the bundle too', async () => {
    const result = await runCli(['--nope']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('bb-doctor: Unknown argument: nope');
  });
});
