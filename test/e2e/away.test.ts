import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

interface Report {
  diagnosis: { status: string; code?: string; summary?: string };
  checks: { id: string; status: string; code?: string }[];
  requests: number;
}

const TOKEN = 'ATATT3xFfGF0abcdefghijklmnopqrstuvwxyz0123456789';
const ENV = { BITBUCKET_EMAIL: 'jdoe@example.com', BITBUCKET_API_TOKEN: TOKEN };

const listen = (server: Server, host: string): Promise<number> =>
  new Promise((resolve) => {
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port));
  });

/** Every request: a portal on 127.0.0.2 (another origin) answers HTML 200 to anything. */
const portal = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end('<html><body>Welcome to the hotel wifi. Log in to continue.</body></html>');
});
let portalHits = 0;
/** The "API": every request 302s to the portal. */
let portalPort = 0;
const api = createServer((req, res) => {
  res.writeHead(302, { location: `http://127.0.0.2:${portalPort}/login?from=${req.url ?? ''}` });
  res.end();
});
/** A 301 to itself, forever. */
let loopHits = 0;
const loop = createServer((req, res) => {
  loopHits += 1;
  res.writeHead(301, { location: req.url ?? '/' });
  res.end();
});
/** A plain Cloud-like API: every request answers 401 with Cloud's error envelope. */
const plain = createServer((_req, res) => {
  res.writeHead(401, { 'content-type': 'application/json', 'x-request-id': 'r1' });
  res.end('{"type":"error","error":{"message":"Unauthorized"}}');
});
/** A hijacking DNS or transparent proxy: the portal served in place of the API. */
const inPlace = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end('<html><body>Log in to the hotel wifi</body></html>');
});
let inPlacePort = 0;
let plainPort = 0;
let apiPort = 0;
let loopPort = 0;

beforeAll(async () => {
  portal.on('request', () => (portalHits += 1));
  portalPort = await listen(portal, '127.0.0.2').catch(() => 0);
  apiPort = await listen(api, '127.0.0.1');
  loopPort = await listen(loop, '127.0.0.1');
  plainPort = await listen(plain, '127.0.0.1');
  inPlacePort = await listen(inPlace, '127.0.0.1');
});
afterAll(() => {
  for (const server of [portal, api, loop, plain, inPlace]) server.close();
});

const run = async (port: number, env: Record<string, string> = ENV) => {
  const result = await runCli(
    [
      '--api-url',
      `http://127.0.0.1:${port}`,
      '--workspace',
      'acme',
      '--timeout',
      '8',
      '--format',
      'json',
    ],
    env,
  );
  return { ...result, report: JSON.parse(result.stdout) as Report };
};

describe('an answer from another origin is never evidence', { timeout: 30_000 }, () => {
  it('a 302 to a captive portal is REDIRECTED_AWAY, exit 3, nothing passes on it', async () => {
    const { code, report, stdout } = await run(apiPort);
    expect(code).toBe(3);
    expect(report.diagnosis.code).toBe('REDIRECTED_AWAY');
    expect(report.diagnosis.summary).toMatch(/redirects to http:\/\/127\.0\.0\.2:\d+\/login/u);
    const connectivity = report.checks.find((c) => c.id === 'connectivity');
    expect(connectivity).toMatchObject({ status: 'fail', code: 'REDIRECTED_AWAY' });
    const identity = report.checks.find((c) => c.id === 'identity');
    expect(identity?.status).not.toBe('pass');
    // The portal is never asked: nothing is sent to another origin.
    expect(portalHits).toBe(0);
    expect(stdout).not.toContain(TOKEN);
  });

  it('a portal served in place of the API (HTML, no Bitbucket marker) is REDIRECTED_AWAY, exit 3', async () => {
    const { code, report, stdout } = await run(inPlacePort);
    expect(code).toBe(3);
    expect(report.diagnosis.code).toBe('REDIRECTED_AWAY');
    // No check passes on the portal's page: identity's "Authenticated as an account" is gone.
    for (const id of ['identity', 'public-private-contrast', 'scopes', 'target-call'])
      expect(report.checks.find((c) => c.id === id)?.status).not.toBe('pass');
    expect(stdout).not.toContain(TOKEN);
  });

  it('a 301 loop is REDIRECTED_AWAY, exit 3, after at most 4 requests', async () => {
    loopHits = 0;
    const { code, report } = await run(loopPort);
    expect(code).toBe(3);
    expect(report.diagnosis.code).toBe('REDIRECTED_AWAY');
    expect(report.diagnosis.summary).toMatch(/loop/u);
    expect(loopHits).toBeLessThanOrEqual(4);
    expect(report.requests).toBeLessThanOrEqual(4);
  });
});

describe('a bad character in a token is the input, not the network', { timeout: 30_000 }, () => {
  for (const [name, char, found] of [
    ['euro sign', '€', /character 12 is U\+20AC EURO SIGN/u],
    ['zero-width space', '\u200b', /character 12 is U\+200B ZERO WIDTH SPACE/u],
    ['right-to-left override', '\u202e', /character 12 is U\+202E/u],
  ] as const) {
    it(`${name}: exit 1, named by position and code point, never sent, no secret printed`, async () => {
      const secret = `ATATT3xFfGF${char}abcdefghijklmnop`;
      const { code, report, stdout, stderr } = await run(plainPort, {
        BITBUCKET_EMAIL: 'jdoe@example.com',
        BITBUCKET_API_TOKEN: secret,
      });
      expect(code).toBe(1);
      expect(report.diagnosis.code).toMatch(/^(?:SECRET_WHITESPACE|HEADER_MALFORMED)$/u);
      expect(report.diagnosis.summary).toMatch(found);
      expect(stdout).not.toMatch(/NETWORK_UNREACHABLE|ERR_INVALID_CHAR/u);
      for (const part of [secret, 'abcdefghijklmnop', `${char}abcdef`]) {
        expect(stdout + stderr).not.toContain(part);
      }
    });
  }
});
