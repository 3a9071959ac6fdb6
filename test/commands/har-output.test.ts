import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import type { Har } from '../../src/report/render-har.js';
import { runCli } from '../helpers/cli.js';
import { fakeIO } from '../helpers/io.js';

const readHar = (file: string): Har => JSON.parse(readFileSync(file, 'utf8')) as Har;
const authorizations = (har: Har): string[] =>
  har.log.entries.flatMap((e) =>
    e.request.headers.filter((h) => h.name === 'authorization').map((h) => h.value),
  );

describe('--output FILE.har: the run as HAR, readable by explain', () => {
  it('demo → run.har → explain run.har: the same diagnosis, the scheme still visible', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-har-'));
    const file = join(dir, 'run.har');
    const live = fakeIO();
    expect(await main(['demo', '--output', file], live.sink)).toBe(1);
    expect(live.out()).toContain('Diagnosis: HEADER_SCHEME_CASE');
    // Without --verbose, stdout shows no exchanges; the HAR holds them all.
    expect(live.out()).not.toContain('Every exchange');
    const har = readHar(file);
    expect(har.log.version).toBe('1.2');
    expect(har.log.entries.length).toBeGreaterThanOrEqual(3);
    expect(har.log._bbDoctor.diagnosis).toMatchObject({
      code: 'HEADER_SCHEME_CASE',
      checkId: 'header-casing',
    });
    expect(authorizations(har)).toContainEqual(
      expect.stringMatching(/^bearer \[redacted sha256:[0-9a-f]{8}\]$/u),
    );
    expect(authorizations(har)).toContainEqual(
      expect.stringMatching(/^Bearer \[redacted sha256:[0-9a-f]{8}\]$/u),
    );
    expect(har.log.entries.every((e) => e._bbDoctor.label !== undefined)).toBe(true);

    const offline = fakeIO();
    expect(await main(['explain', file, '--format', 'json'], offline.sink)).toBe(1);
    const report = JSON.parse(offline.out()) as {
      diagnosis: { code?: string };
      target: { capture?: { format: string } };
      requests: number;
    };
    expect(report.diagnosis.code).toBe('HEADER_SCHEME_CASE');
    expect(report.target.capture?.format).toBe('har');
    expect(report.requests).toBe(0);

    // The HAR of an explain is the capture again.
    const again = join(dir, 'again.HAR');
    expect(await main(['explain', file, '--output', again], fakeIO().sink)).toBe(1);
    expect(readHar(again).log.entries.map((e) => e.request.url)).toEqual(
      har.log.entries.map((e) => e.request.url),
    );
  });

  it('--format sets stdout only: json on stdout without exchanges, HAR in the file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bb-har-')), 'run.har');
    const t = fakeIO();
    await main(['demo', 'healthy', '--format', 'json', '--output', file], t.sink);
    const report = JSON.parse(t.out()) as Record<string, unknown>;
    expect(report).not.toHaveProperty('exchanges');
    const har = readHar(file);
    expect(har.log.entries.length).toBeGreaterThan(0);
    expect(har.log._bbDoctor.credentials).toContainEqual(
      expect.objectContaining({
        kind: 'api-token',
        username: 'alice@example.com',
        usernameKind: 'email',
        fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{8}$/u) as unknown,
      }),
    );
  });

  it('the bundle: a demo scenario to .har, explained by the bundle, exit 1 and a diagnosis', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bb-har-')), 'run.har');
    const live = await runCli(['demo', 'api-token-with-username', '--output', file]);
    expect(live.code).toBe(1);
    const har = readHar(file);
    expect(har.log._bbDoctor.credentials).toContainEqual(
      expect.objectContaining({ kind: 'api-token', username: 'alice', usernameKind: 'username' }),
    );
    const offline = await runCli(['explain', file]);
    expect(offline.stderr).toBe('');
    expect(offline.code).toBe(1);
    expect(offline.stdout).toMatch(/Diagnosis: [A-Z_]+/u);
  });

  // That explain of a redacted HAR gives the live diagnosis, for every scenario, is
  // test/e2e/parity.test.ts.
});
