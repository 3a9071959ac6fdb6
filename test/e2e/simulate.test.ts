import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';

describe('bb-doctor simulate', () => {
  it('starts, prints the base URL and credentials, answers, logs each request on one line, stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'simulate', '--scenario', 'healthy'], {
      env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no base URL in: ${stdout}`)), 10_000);
      child.stdout.on('data', () => {
        const match = /http:\/\/127\.0\.0\.1:\d+/u.exec(stdout);
        if (match !== null) {
          clearTimeout(timer);
          resolve(match[0]);
        }
      });
    });
    const response = await fetch(`${base}/2.0/repositories/acme`);
    expect(response.status).toBe(200);
    // The log line follows the answer; wait for it (bounded) rather than for a fixed time.
    for (let i = 0; i < 50 && !/GET \/2\.0\/repositories\/acme .*200/u.test(stdout); i += 1) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(stdout).toMatch(/GET \/2\.0\/repositories\/acme .*200/u);
    expect(stdout).toMatch(/curl /u);
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toContain('Simulator stopped.');
  });

  it('a bad --fault exits 2', async () => {
    const child = spawn(process.execPath, [BIN, 'simulate', '--fault', 'meteor'], {
      env: { PATH: process.env['PATH'] ?? '' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toMatch(/--fault expects one of/u);
  });
});
