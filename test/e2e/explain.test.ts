import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

interface Entry {
  file: string;
  format: string;
  expectedCode: string;
  diagnosis?: string;
  secrets?: string[];
  usernames?: string[];
}
const dir = new URL('../../fixtures/explain/', import.meta.url);
const entries = JSON.parse(readFileSync(new URL('index.json', dir), 'utf8')) as Entry[];
const bad = JSON.parse(readFileSync(new URL('bad/index.json', dir), 'utf8')) as {
  file: string;
  error: string;
}[];
const path = (file: string): string => new URL(file, dir).pathname;

/** Every form of every secret a capture holds (as given, base64 of user:secret). */
const forms = (entry: Entry): string[] =>
  (entry.secrets ?? []).flatMap((secret) => [
    secret,
    ...(entry.usernames ?? []).map((u) => Buffer.from(`${u}:${secret}`).toString('base64')),
  ]);

describe.concurrent(
  'bb-doctor explain: every saved capture, every format, offline',
  { timeout: 30_000 },
  () => {
    for (const entry of entries) {
      it(`${entry.file} (${entry.format}) → ${entry.diagnosis ?? entry.expectedCode}`, async () => {
        const [json, text, md] = await Promise.all([
          runCli(['explain', path(entry.file), '--format', 'json', '--verbose']),
          runCli(['explain', path(entry.file), '--verbose']),
          runCli(['explain', path(entry.file), '--format', 'markdown', '--verbose']),
        ]);
        expect(json.stderr).toBe('');
        expect(json.code).toBe(1);
        const report = JSON.parse(json.stdout) as {
          diagnosis: { code?: string };
          requests: number;
          target: { capture?: { format: string } };
          checks: { id: string; status: string; summary: string }[];
        };
        expect(report.diagnosis.code).toBe(entry.diagnosis ?? entry.expectedCode);
        expect(report.requests).toBe(0);
        expect(report.target.capture?.format).toBe(entry.format);
        // explain judges the capture with the same checks: connectivity reads the captured answer.
        expect(report.checks.find((c) => c.id === 'connectivity')?.summary).toMatch(
          /captured|answered|answers like|reached|in time|failed|proxy/u,
        );
        expect(text.stdout).toContain(`Diagnosis: ${entry.diagnosis ?? entry.expectedCode}`);
        expect(md.stdout.split('\n')[0]).toBe(
          `## bb-doctor: ✗ \`${entry.diagnosis ?? entry.expectedCode}\``,
        );
        for (const form of forms(entry)) {
          for (const output of [json.stdout, text.stdout, md.stdout])
            expect(output).not.toContain(form);
        }
      });
    }

    it('reads stdin with -', async () => {
      const result = await runCli(
        ['explain', '-', '--format', 'json'],
        {},
        { input: readFileSync(path('token-expired.raw.txt'), 'utf8') },
      );
      expect((JSON.parse(result.stdout) as { diagnosis: { code: string } }).diagnosis.code).toBe(
        'TOKEN_EXPIRED',
      );
    });

    for (const b of bad) {
      it(`bad input ${b.file} → exit 2, one line`, async () => {
        const result = await runCli(['explain', path(b.file)]);
        expect(result.code).toBe(2);
        expect(result.stdout).toBe('');
        expect(result.stderr.trim().split('\n')).toHaveLength(1);
        expect(result.stderr).toContain(b.error);
      });
    }

    it('binary, missing, a directory, and 50 MB inputs → exit 2, one line, quickly', async () => {
      const tmp = mkdtempSync(join(tmpdir(), 'bb-explain-'));
      const binary = join(tmp, 'image.png');
      writeFileSync(
        binary,
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0xff, 0xfe, 0, 1, 2, 3]),
      );
      const huge = join(tmp, 'huge.txt');
      writeFileSync(huge, Buffer.alloc(50 * 1024 * 1024, 'A'));
      for (const file of [binary, join(tmp, 'missing.txt'), tmp, huge]) {
        const started = Date.now();
        const result = await runCli(['explain', file]);
        expect(result.code, file).toBe(2);
        expect(result.stderr.trim().split('\n')).toHaveLength(1);
        expect(result.stderr).not.toMatch(/\n\s+at /u);
        expect(Date.now() - started).toBeLessThan(5000);
      }
    });

    it('a truncated capture is still explained', async () => {
      const tmp = mkdtempSync(join(tmpdir(), 'bb-explain-'));
      const full = readFileSync(path('scope-missing.curl-i.txt'), 'utf8');
      const file = join(tmp, 'cut.txt');
      writeFileSync(file, full.slice(0, full.length - 40));
      const result = await runCli(['explain', file, '--format', 'json']);
      expect([1, 3]).toContain(result.code);
      expect(() => JSON.parse(result.stdout) as unknown).not.toThrow();
    });
  },
);
