import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/report/redactor.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { runCli } from '../helpers/cli.js';

/**
 * Issue #10, "Printed" and "Unreadable": each defect found by trying the report adversarially,
 * run again through the built CLI (dist/bb-doctor.js). A secret is "leaked" when any 8-character
 * window of it appears in stdout, stderr or a report file: no part of it may survive.
 */
const leaks = (text: string, secret: string): string[] => {
  const out: string[] = [];
  for (let i = 0; i + 8 <= secret.length; i += 1) {
    const window = secret.slice(i, i + 8);
    if (text.includes(window)) out.push(window);
  }
  return out;
};

const T = 'ATCTT3xUrlSecret0123456789abcdefXYZ';
const S = 'ConsumerSecret0123456789abcdefXYZ';
const FORMATS = ['text', 'markdown', 'json'] as const;

describe('issue #10 regressions, through the built CLI: secrets in URL options', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'lowercase-bearer' });
  });
  afterAll(async () => {
    await sim.close();
  });

  it.each(FORMATS)(
    '--url with ?access_token=, #access_token= and userinfo; --api-url and --auth-url with secrets (%s)',
    async (format) => {
      const host = new URL(sim.url).host;
      const r = await runCli([
        '--url',
        `http://jdoe:${T}@${host}/2.0/repositories/acme/secret-repo?access_token=${T}#access_token=${T}`,
        '--api-url',
        `http://alice:${T}@${host}`,
        '--auth-url',
        `${sim.url}?client_secret=${S}`,
        '--format',
        format,
        '--verbose',
      ]);
      expect(leaks(r.stdout + r.stderr, T)).toEqual([]);
      expect(leaks(r.stdout + r.stderr, S)).toEqual([]);
      // Readable: the names stay, so the report still says where the secret was.
      expect(r.stdout).toContain('access_token=[redacted');
      expect(r.stdout).toMatch(/alice:\[redacted/u);
    },
  );

  it('the default text header shows --api-url without its password', async () => {
    const host = new URL(sim.url).host;
    const r = await runCli(['--api-url', `http://alice:${T}@${host}`, '-w', 'acme']);
    const header = r.stdout.split('\n')[0] ?? '';
    expect(header).toMatch(/^bb-doctor \S+ · http:\/\/alice:\[redacted sha256:[0-9a-f]{8}\]@/u);
    expect(leaks(r.stdout, T)).toEqual([]);
  });

  it('a usage error on a bad --url names no secret', async () => {
    const r = await runCli(['--url', `not-a-url?access_token=${T}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--url expects an absolute URL');
    expect(leaks(r.stderr, T)).toEqual([]);
  });

  it('a curl command with an implicit-grant #access_token= fragment', async () => {
    const r = await runCli([
      '--format',
      'markdown',
      '--',
      'curl',
      `${sim.url}/2.0/repositories/acme/secret-repo#access_token=${T}`,
    ]);
    expect(leaks(r.stdout + r.stderr, T)).toEqual([]);
    expect(r.stdout).toContain('#access_token=[redacted');
  });
});

describe('issue #10 regressions, through the built CLI: explain of a capture full of secrets', () => {
  const R = 'R3fr3shT0k3n0123456789abcdefXYZ';
  const P = 'hunter2';
  const K = 'XApiKey0123456789abcdefXYZ';
  const A = 'ATCTT3xFetchedAccess0123456789abcdef/with/slashes';
  const har = {
    log: {
      version: '1.2',
      creator: { name: 'test', version: '1' },
      entries: [
        {
          startedDateTime: '2026-12-01T00:00:00.000Z',
          time: 10,
          request: {
            method: 'POST',
            url: 'https://bitbucket.org/site/oauth2/access_token',
            httpVersion: 'HTTP/1.1',
            headers: [{ name: 'Content-Type', value: 'application/x-www-form-urlencoded' }],
            queryString: [],
            postData: {
              mimeType: 'application/x-www-form-urlencoded',
              text: `grant_type=refresh_token&refresh_token=${R}&client_secret=${S}&password=${P}`,
            },
          },
          response: {
            status: 200,
            statusText: 'OK',
            httpVersion: 'HTTP/1.1',
            headers: [{ name: 'Content-Type', value: 'application/json' }],
            content: {
              mimeType: 'application/json',
              text: JSON.stringify({ access_token: A, refresh_token: R, token_type: 'bearer' }),
            },
          },
        },
        {
          startedDateTime: '2026-12-01T00:00:01.000Z',
          time: 10,
          request: {
            method: 'GET',
            url: `https://jdoe:${T}@api.bitbucket.org/2.0/repositories/acme/secret-repo`,
            httpVersion: 'HTTP/1.1',
            headers: [
              { name: 'X-Api-Key', value: K },
              { name: 'Authorization', value: `bearer ${A}` },
            ],
            queryString: [],
          },
          response: {
            status: 302,
            statusText: 'Found',
            httpVersion: 'HTTP/1.1',
            headers: [
              { name: 'Location', value: `https://example.com/cb#access_token=${A}` },
              { name: 'x-request-id', value: 'abc' },
            ],
            content: { mimeType: 'text/plain', text: `echo ${A.replace(/\//gu, '\\/')}` },
          },
        },
      ],
    },
  };

  it('Markdown (the ticket format), without --verbose, and every other format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-explain-secrets-'));
    const file = join(dir, 'capture.har');
    writeFileSync(file, JSON.stringify(har));
    for (const format of [...FORMATS, 'json --verbose'] as const) {
      const [f, ...more] = format.split(' ');
      const r = await runCli(['explain', file, '--format', f!, ...more]);
      for (const secret of [R, S, K, A, T, A.replace(/\//gu, '\\/')])
        expect(leaks(r.stdout + r.stderr, secret), `${format}: ${secret}`).toEqual([]);
      // A password of 7 characters is redacted where it stands (password=), never as a word.
      expect(r.stdout).not.toMatch(/password=hunter2/u);
    }
  });
});

describe('issue #10 regressions, through the built CLI: redact, then cut', () => {
  /** A Bitbucket-looking server that echoes the token back: in a message and across 4 KB. */
  let server: Server;
  let url = '';
  const TOKEN = 'ATCTT3xEchoedBack/0123456789/abcdefghijklmnopqrstuvwxyz/ABCDEFGHIJKLMNOP';
  beforeAll(async () => {
    server = createServer((req, res) => {
      const auth = req.headers.authorization ?? '';
      const echoed = auth.replace(/^\S+\s+/u, '');
      const message = `${'x'.repeat(120)} token ${echoed} was not valid`;
      const head = JSON.stringify({ type: 'error', error: { message } });
      // The `\/`-escaped echo straddles byte 4096, where the report cuts the body.
      const escaped = echoed.replace(/\//gu, '\\/');
      const padding = Math.max(0, 4096 - head.length - 20 - Math.floor(escaped.length / 2));
      const body = `${head.slice(0, -1)},"pad":"${'p'.repeat(padding)}","echo":"${escaped}"}`;
      res.writeHead(auth === '' ? 200 : 401, {
        'content-type': 'application/json',
        'x-request-id': 'sim',
      });
      res.end(auth === '' ? '{"values":[]}' : body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it.each(FORMATS)(
    'no part of an echoed token survives a message clip or the body cut (%s)',
    async (format) => {
      const r = await runCli(
        ['--api-url', url, '--workspace', 'acme', '--format', format, '--verbose'],
        { BITBUCKET_ACCESS_TOKEN: TOKEN },
      );
      expect(r.stdout.length).toBeGreaterThan(0);
      expect(leaks(r.stdout + r.stderr, TOKEN)).toEqual([]);
      expect(leaks(r.stdout + r.stderr, TOKEN.replace(/\//gu, '\\/'))).toEqual([]);
    },
  );
});

describe('issue #10 regressions, through the built CLI: usage errors', () => {
  const cases: [string, string[], Record<string, string>][] = [
    ['--header "$TOKEN" (no colon)', ['--header', T], {}],
    ["--header 'Private-Token=T'", ['--header', `Private-Token=${T}`], {}],
    ['--curl "$TOKEN"', ['--curl', T], {}],
    ['a stray positional word', [T], {}],
    ['an invalid choice', ['--format', T], {}],
    ['a word after -- that is no curl', ['--', T], {}],
  ];
  it.each(cases)(
    '%s: exit 2, one line, the value described, never quoted',
    async (_name, argv, env) => {
      const r = await runCli(argv, env);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(leaks(r.stderr + r.stdout, T)).toEqual([]);
    },
  );

  it('HTTPS_PROXY=user:password@host:port without a scheme: the password is never in the report', async () => {
    const proxyPassword = 'ProxyPassword0123456789xyz';
    const r = await runCli(['--format', 'json', '--timeout', '5'], {
      HTTPS_PROXY: `proxyuser:${proxyPassword}@127.0.0.1:9`,
      BITBUCKET_ACCESS_TOKEN: T,
    });
    expect(leaks(r.stdout + r.stderr, proxyPassword)).toEqual([]);
    expect(leaks(r.stdout + r.stderr, T)).toEqual([]);
  });
});

describe('issue #10 regressions, through the built CLI: readable with any secret', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'lowercase-bearer' });
  });
  afterAll(async () => {
    await sim.close();
  });

  it.each(['a', 'x', 'api', 'token', 'Bearer'])(
    '--api-token %s: no crash, no garbled words, a placeholder warning',
    async (secret) => {
      const r = await runCli(['--api-url', sim.url, '-w', 'acme', '--api-token', secret]);
      expect([0, 1]).toContain(r.code);
      expect(r.stderr).not.toContain('internal error');
      // Prose keeps its words: the URL, "from env"/"flag:--api-token", the Fix text.
      expect(r.stdout.split('\n')[0]).toContain(sim.url);
      expect(r.stdout).toContain('flag:--api-token');
      expect(r.stdout).not.toMatch(/\w\[redacted|\[redacted[^\]]*\]\w/u);
      if (secret !== 'Bearer')
        expect(r.stdout).toMatch(
          /too short\s+to\s+be\s+a\s+Bitbucket\s+token;\s+a\s+placeholder\?/u,
        );
    },
  );

  it('a short token and an account password get no fingerprint: #N in the table and the evidence', async () => {
    const r = await runCli(['--api-url', sim.url, '-w', 'acme', '--format', 'json', '--verbose'], {
      BITBUCKET_USERNAME: 'jdoe',
      BITBUCKET_PASSWORD: 'pw12',
      BITBUCKET_ACCESS_TOKEN: 'short-token-1',
    });
    const report = JSON.parse(r.stdout) as {
      credentials: { kind: string; fingerprint: string | null; length: number }[];
    };
    for (const c of report.credentials) expect(c.fingerprint).toBeNull();
    expect(report.credentials.map((c) => c.length).sort()).toEqual([13, 4]);
    expect(r.stdout).not.toContain(fingerprint('pw12'));
    expect(r.stdout).not.toContain(fingerprint('short-token-1'));
    expect(r.stdout).toMatch(/\[redacted #\d\]/u);
  });

  it('the word Bearer alone is never redacted (empty-token-variable)', async () => {
    const r = await runCli(['demo', 'empty-token-variable']);
    expect(r.stdout).toContain('"Authorization: Bearer <token>"');
    expect(r.stdout).not.toMatch(/Authorization: \[redacted/u);
  });

  it('the seed story: the evidence shows "bearer" as sent, with the fingerprint of the Credentials table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-seed-'));
    const r = await runCli([
      'demo',
      '--format',
      'json',
      '--verbose',
      '--output',
      join(dir, 'r.md'),
    ]);
    const report = JSON.parse(r.stdout) as {
      credentials: { kind: string; fingerprint: string | null }[];
    };
    const access = report.credentials.find((c) => c.kind === 'access-token');
    expect(access?.fingerprint).toMatch(/^sha256:[0-9a-f]{8}$/u);
    const mark = `bearer [redacted ${access?.fingerprint ?? ''}]`;
    expect(r.stdout).toContain(mark);
    expect(readFileSync(join(dir, 'r.md'), 'utf8')).toContain(access?.fingerprint ?? 'none');
  });
});
