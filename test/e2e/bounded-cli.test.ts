import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';

const ENV = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', NO_COLOR: '1' };

interface Ended {
  readonly code: number | null;
  readonly stderr: string;
  readonly ms: number;
}

/** The built CLI with stdout to /dev/full. */
const toDevFull = (args: readonly string[]): Promise<Ended> => {
  const fd = openSync('/dev/full', 'w');
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    env: ENV,
    stdio: ['ignore', fd, 'pipe'],
  });
  closeSync(fd);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ code, stderr, ms: Date.now() - started })),
  );
};

/** The built CLI with stdout a pipe whose reader goes away after the first chunk. */
const closedAfterFirstChunk = (
  args: readonly string[],
  onFirst: (chunk: string) => void = () => undefined,
): Promise<Ended & { first: string }> => {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    env: ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let first = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.once('data', (d: Buffer) => {
    first = d.toString();
    child.stdout.destroy();
    onFirst(first);
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stderr, first, ms: Date.now() - started });
    }),
  );
};

const quiet = (stderr: string): void => {
  expect(stderr).not.toMatch(/\n\s+at |internal error|Unhandled|EPIPE/u);
};

describe('stdout to a full disk (/dev/full): one line on stderr, exit 2, for every command', () => {
  it.each([
    [['--version']],
    [['--help']],
    [['checks']],
    [['demo']],
    [['demo', 'healthy', '--format', 'json']],
    [['--api-url', 'http://127.0.0.1:9', '--auth-url', 'http://127.0.0.1:9', '--timeout', '5']],
    [['simulate']],
  ])('%j', async (args) => {
    const r = await toDevFull(args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^bb-doctor: cannot write to stdout: no space left on device \(ENOSPC\)\.$/mu,
    );
    quiet(r.stderr);
    expect(r.ms).toBeLessThan(15_000);
  });
});

describe('stdout closed by its reader (| head -1): quiet, with the verdict exit code', () => {
  it.each([
    [['checks'], 0],
    [['demo'], 1],
    [['demo', 'healthy', '--verbose'], 0],
    [['demo', '--verbose', '--format', 'json'], 1],
  ])('%j → %i', async (args, code) => {
    const r = await closedAfterFirstChunk(args);
    expect(r.code).toBe(code);
    quiet(r.stderr);
    expect(r.ms).toBeLessThan(15_000);
  });

  it('explain FILE | head -c 0, with more output than a pipe holds (a real EPIPE)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-epipe-'));
    const har = join(dir, 'run.har');
    expect((await runCli(['demo', '--output', har])).code).toBe(1);
    // The run's exchanges forty times over: --verbose json of it is ~500 KB, far past 64 KB.
    const parsed = JSON.parse(readFileSync(har, 'utf8')) as { log: { entries: unknown[] } };
    const entries = parsed.log.entries;
    parsed.log.entries = Array.from({ length: 40 }, () => entries).flat();
    const big = join(dir, 'big.har');
    writeFileSync(big, JSON.stringify(parsed));
    const r = await closedAfterFirstChunk(['explain', big, '--verbose', '--format', 'json']);
    expect(r.code).toBe(1);
    quiet(r.stderr);
  });

  it('simulate stops at its next write instead of serving a log nobody reads', async () => {
    const r = await closedAfterFirstChunk(['simulate'], (first) => {
      const url = /http:\/\/127\.0\.0\.1:\d+/u.exec(first)?.[0];
      // A request makes the simulator log a line: the write that finds the reader gone.
      const poke = (): void =>
        void fetch(`${url}/2.0/user`).then(
          () => setTimeout(poke, 200),
          () => undefined,
        );
      if (url !== undefined) setTimeout(poke, 100);
    });
    expect(r.first).toMatch(/simulator/iu);
    expect(r.code).toBe(0);
    quiet(r.stderr);
    expect(r.ms).toBeLessThan(15_000);
  });
});

describe('bad flags and outputs through the built CLI: exit 2 before the first request', () => {
  let server: Server;
  let requests = 0;
  let url = '';
  beforeAll(async () => {
    server = createServer((_req, res) => {
      requests += 1;
      res.writeHead(401).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const SECRET = 'ATATT3xFfGF0-a-secret-given-twice';
  const dir = mkdtempSync(join(tmpdir(), 'bb-bounded-'));

  it.each([
    [['--api-token', SECRET, '--api-token', `${SECRET}-2`], /--api-token was given 2 times/u],
    [['--client-secret', SECRET, '--client-secret', SECRET], /--client-secret was given 2 times/u],
    [['--username', 'alice', '--username', 'bob'], /--username was given 2 times/u],
    [['--url', `${url}/2.0/user`, '--url', `${url}/2.0/user`], /--url was given 2 times/u],
    [['--no-api-token'], /--no-api-token is not an option/u],
    [['--output', '/nonexistent/dir/r.md'], /ENOENT \(its directory does not exist\)/u],
    [['--output', '-'], /'-' is refused/u],
    [['--output', join(dir, 'r.xyz')], /use \.md, \.json, \.txt or \.har/u],
    [['--output', dir], /use \.md/u],
  ])('%j', async (args, message) => {
    const before = requests;
    const r = await runCli([
      '--api-url',
      url,
      '--auth-url',
      url,
      '--email',
      'a@example.com',
      ...args,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr + r.stdout).not.toContain(SECRET);
    expect(r.stdout).toBe('');
    expect(requests).toBe(before);
  });

  it('--output twice writes both files', async () => {
    const r = await runCli([
      'demo',
      '--output',
      join(dir, 'a.json'),
      '--output',
      join(dir, 'a.md'),
    ]);
    expect(r.code).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8'))).toHaveProperty('diagnosis');
    expect(readFileSync(join(dir, 'a.md'), 'utf8')).toMatch(/^## bb-doctor/u);
  });
});
