// Rate limits (bitbucket-auth.md §7), fault and latency injection, close(), stats and the request log.
import { afterEach, describe, expect, test } from 'vitest';
import { formatLogLine } from '../../src/simulator/server.js';
import type { RequestLogEntry, RunningSimulator } from '../../src/simulator/server.js';
import {
  ALICE_EMAIL,
  CONSUMERS,
  SECRETS,
  TOKEN_INVALID,
  at,
  basic,
  bearer,
  clientAuth,
  get,
  startTestSimulator,
  token,
} from './helpers.js';

const running: RunningSimulator[] = [];
async function start(
  options: Parameters<typeof startTestSimulator>[0] = {},
): Promise<RunningSimulator> {
  const sim = await startTestSimulator(options);
  running.push(sim);
  return sim;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

const RATE_LIMIT_BODY = {
  type: 'error',
  error: { message: 'Rate limit for this resource has been exceeded.' },
};

describe('rate limits (§7)', () => {
  test('fault rate-limit: every API request → 429 with the message', async () => {
    const sim = await start({ fault: 'rate-limit' });
    for (const auth of [undefined, basic(ALICE_EMAIL, SECRETS.apiToken), bearer(SECRETS.oauth)]) {
      const res = await get(sim, '/2.0/repositories/acme/secret-repo', auth);
      expect(res.status).toBe(429);
      expect(res.json).toEqual(RATE_LIMIT_BODY);
      // Only access tokens get X-RateLimit-* (Atlassian staff, community qaq-p/3218562).
      expect(res.headers.get('x-ratelimit-limit')).toBeNull();
    }
    expect((await get(sim, '/2.0/user', basic(ALICE_EMAIL, SECRETS.apiToken))).status).toBe(429);
    expect(
      (await token(sim, { grant_type: 'client_credentials' }, clientAuth(CONSUMERS.ci))).status,
    ).toBe(429);
  });

  test('X-RateLimit-Limit/-Resource/-NearLimit only for access tokens on /2.0/repositories/*', async () => {
    const limited = await start({ fault: 'rate-limit' });
    const res = await get(limited, '/2.0/repositories/acme/secret-repo', bearer(SECRETS.repoToken));
    expect(res.status).toBe(429);
    expect(res.headers.get('x-ratelimit-limit')).toBe('1000');
    expect(res.headers.get('x-ratelimit-resource')).toBe('api');
    expect(res.headers.get('x-ratelimit-nearlimit')).toBe('true');
    // Not on a non-repositories path, even for an access token.
    const user = await get(limited, '/2.0/user', bearer(SECRETS.repoToken));
    expect(user.headers.get('x-ratelimit-limit')).toBeNull();

    // Without the fault, access-token answers on /2.0/repositories/* still carry them...
    const sim = await start();
    const ok = await get(sim, '/2.0/repositories/acme', bearer(SECRETS.workspaceToken));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-ratelimit-limit')).toBe('1000');
    expect(ok.headers.get('x-ratelimit-nearlimit')).toBe('false');
    // ...OAuth consumers' and API tokens' do not.
    expect(
      (await get(sim, '/2.0/repositories/acme', bearer(SECRETS.oauth))).headers.get(
        'x-ratelimit-limit',
      ),
    ).toBeNull();
    expect(
      (await get(sim, '/2.0/repositories/acme', basic(ALICE_EMAIL, SECRETS.apiToken))).headers.get(
        'x-ratelimit-limit',
      ),
    ).toBeNull();
  });
});

describe('faults', () => {
  test('hang: the request is accepted and never answered; a client-side timeout fires', async () => {
    const sim = await start({ fault: 'hang' });
    const before = Date.now();
    await expect(
      fetch(`${sim.url}/2.0/user`, { signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow();
    expect(Date.now() - before).toBeGreaterThanOrEqual(250);
    expect(sim.stats().requests).toBe(1);
  });

  test('reset: the connection is destroyed', async () => {
    const sim = await start({ fault: 'reset' });
    await expect(fetch(`${sim.url}/2.0/repositories/acme`)).rejects.toThrow();
  });

  test('html500: 500 with an HTML body', async () => {
    const sim = await start({ fault: 'html500' });
    for (const path of ['/2.0/user', '/2.0/repositories/acme']) {
      const res = await get(sim, path);
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.text).toMatch(/^<!DOCTYPE html>/);
    }
    const tokenRes = await token(
      sim,
      { grant_type: 'client_credentials' },
      clientAuth(CONSUMERS.ci),
    );
    expect(tokenRes.status).toBe(500);
  });

  test('badjson: 200, application/json, body that does not parse', async () => {
    const sim = await start({ fault: 'badjson' });
    const res = await fetch(`${sim.url}/2.0/repositories/acme`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    await expect(res.json()).rejects.toThrow();
    const anonymousUser = await get(sim, '/2.0/user');
    expect(anonymousUser.status).toBe(200);
    expect(anonymousUser.json).toBeUndefined();
  });

  test('redirect-offhost: 302 to the same path on another origin', async () => {
    const sim = await start({ fault: 'redirect-offhost' });
    const res = await fetch(`${sim.url}/2.0/user?x=1`, {
      redirect: 'manual',
      headers: { authorization: bearer(SECRETS.oauth) },
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.origin).not.toBe(sim.url);
    expect(location.hostname).toBe('127.0.0.2');
    expect(location.pathname + location.search).toBe('/2.0/user?x=1');
  });

  test('slow-body: headers at once, the body dribbles for several seconds', async () => {
    const sim = await start({ fault: 'slow-body', slowBodyMs: 2000 });
    const started = Date.now();
    const res = await fetch(`${sim.url}/2.0/repositories/acme`);
    const headersAfter = Date.now() - started;
    expect(res.status).toBe(200);
    expect(headersAfter).toBeLessThan(1000);
    const body: unknown = await res.json();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1700);
    expect(at(body, 'size')).toBe(1);
  });

  test('slow-body default takes several seconds: a client deadline cuts it', async () => {
    const sim = await start({ fault: 'slow-body' });
    const res = await fetch(`${sim.url}/2.0/repositories/acme`, {
      signal: AbortSignal.timeout(1500),
    });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });
});

describe('latency', () => {
  test('fixed latency delays each answer', async () => {
    const sim = await start({ latencyMs: 200 });
    const started = Date.now();
    expect((await get(sim, '/2.0/repositories/acme')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  test('latency as a function of the request', async () => {
    const seen: string[] = [];
    const sim = await start({
      latencyMs: ({ method, path }) => {
        seen.push(`${method} ${path}`);
        return path.startsWith('/2.0/user') ? 600 : 0;
      },
    });
    let started = Date.now();
    await get(sim, '/2.0/repositories/acme');
    expect(Date.now() - started).toBeLessThan(400);
    started = Date.now();
    await get(sim, '/2.0/user');
    expect(Date.now() - started).toBeGreaterThanOrEqual(590);
    expect(seen).toEqual(['GET /2.0/repositories/acme', 'GET /2.0/user']);
  });
});

describe('close()', () => {
  test('returns quickly with a hanging socket open', async () => {
    const sim = await startTestSimulator({ fault: 'hang' });
    const pending = fetch(`${sim.url}/2.0/user`).catch((error: unknown) => error);
    while (sim.stats().requests === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const started = Date.now();
    await sim.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });

  test('returns quickly with an idle keep-alive connection and during latency; twice is fine', async () => {
    const sim = await startTestSimulator({ latencyMs: 10_000 });
    const pending = fetch(`${sim.url}/2.0/user`).catch((error: unknown) => error);
    while (sim.stats().requests === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const started = Date.now();
    await Promise.all([sim.close(), sim.close()]);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('stats and the request log', () => {
  test('stats count requests, 401s and per credential', async () => {
    const sim = await start();
    await get(sim, '/2.0/repositories/acme');
    await get(sim, '/2.0/user', basic('alice', SECRETS.apiToken)); // 401: username instead of email
    await get(sim, '/2.0/user', basic(ALICE_EMAIL, SECRETS.apiToken));
    await get(sim, '/2.0/user', bearer('unknown-token'));
    await token(sim, { grant_type: 'client_credentials' }, clientAuth(CONSUMERS.ci));
    await token(sim, { grant_type: 'client_credentials' }, basic(CONSUMERS.ci.key, 'wrong'));
    const stats = sim.stats();
    expect(stats.requests).toBe(6);
    expect(stats.unauthorized).toBe(3);
    expect(stats.byCredential).toEqual({
      anonymous: { requests: 1, unauthorized: 0 },
      'alice-api': { requests: 2, unauthorized: 1 },
      unknown: { requests: 1, unauthorized: 1 },
      'consumer:ci': { requests: 2, unauthorized: 1 },
    });
  });

  test('log entries: masked query secrets, auth descriptions without secrets, one-line format', async () => {
    const entries: RequestLogEntry[] = [];
    const sim = await start({ onRequest: (entry) => entries.push(entry) });
    await get(sim, `/2.0/repositories/acme?access_token=${SECRETS.oauth}&pagelen=5`);
    await get(sim, `/2.0/repositories/acme/${SECRETS.apiToken}`);
    await get(sim, '/2.0/repositories/acme', `bearer ${SECRETS.oauth}`);
    await get(sim, '/2.0/repositories/acme', SECRETS.apiToken);
    await get(sim, '/2.0/user', basic(ALICE_EMAIL, SECRETS.apiToken));
    await get(sim, '/2.0/user', basic('alice', SECRETS.apiToken));
    await get(sim, '/2.0/user', basic(SECRETS.password, SECRETS.password));
    await get(sim, '/2.0/user', bearer(SECRETS.oauth));
    await get(sim, '/2.0/user', bearer(SECRETS.repoToken));
    await token(sim, { grant_type: 'client_credentials' }, clientAuth(CONSUMERS.ci));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(entries).toHaveLength(10);
    expect(entries.map((e) => e.auth)).toEqual([
      'none',
      'none',
      'bearer(ignored)',
      'unknown-scheme(ignored)',
      'Basic(api-token alice-api as alice@example.com)',
      'Basic(api-token alice-api as alice)',
      'Basic(account-password alice-password as ?)',
      'Bearer(oauth-token alice-oauth)',
      'Bearer(repository-access-token repo-token)',
      'Basic(consumer ci)',
    ]);
    expect(entries[0]?.path).toBe('/2.0/repositories/acme?access_token=***&pagelen=5');
    expect(entries[1]?.path).toBe('/2.0/repositories/acme/***');
    expect(entries.map((e) => e.status)).toEqual([
      401, 404, 200, 200, 200, 401, 401, 200, 403, 200,
    ]);
    const text = entries.map(formatLogLine).join('\n');
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    expect(text).not.toContain(CONSUMERS.ci.secret);
    expect(text).not.toContain(TOKEN_INVALID);
    expect(formatLogLine(entries[4]!)).toMatch(
      /^GET \/2\.0\/user -> 200 \(\d+ ms\) auth=Basic\(api-token alice-api as alice@example\.com\)$/,
    );
    expect(
      formatLogLine({
        method: 'GET',
        path: '/x',
        status: 0,
        durationMs: 3.4,
        auth: 'none',
        fault: 'hang',
      }),
    ).toBe('GET /x -> no-response (3 ms) auth=none fault=hang');
  });
});
