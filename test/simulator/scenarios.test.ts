// Scenario sanity: the data is well-formed, every world starts, every argument references credentials
// the world defines, and the wire behaviour each story relies on is really there.
import { describe, expect, test } from 'vitest';
import { describeScenario } from '../../src/simulator/describe.js';
import type { Scenario } from '../../src/simulator/scenarios.js';
import {
  defaultScenarioName,
  getScenario,
  isDcScenario,
  scenarios,
} from '../../src/simulator/scenarios.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { startSimulator } from '../../src/simulator/server.js';
import { REPO_404, TOKEN_INVALID, at, basic, bearer, get, slugs, token } from './helpers.js';

/** Finding codes of contract.md. */
const CODES = [
  'NETWORK_UNREACHABLE',
  'TLS_ERROR',
  'TIMEOUT',
  'PROXY_AUTH_REQUIRED',
  'NO_CREDENTIALS',
  'SECRET_WHITESPACE',
  'SECRET_UNEXPANDED',
  'HEADER_SCHEME_CASE',
  'HEADER_SCHEME_UNKNOWN',
  'HEADER_MALFORMED',
  'CREDENTIALS_IGNORED',
  'PASSWORD_GRANT_REMOVED',
  'CONSUMER_INVALID',
  'CONSUMER_NOT_PRIVATE',
  'CONSUMER_NO_CALLBACK',
  'API_TOKEN_NEEDS_EMAIL',
  'API_TOKEN_AS_BEARER',
  'API_TOKEN_UNSCOPED',
  'APP_PASSWORD_REMOVED',
  'ACCOUNT_PASSWORD_REJECTED',
  'ACCESS_TOKEN_AS_BASIC',
  'TOKEN_EXPIRED',
  'TOKEN_INVALID',
  'SCOPE_MISSING',
  'API_V1_REMOVED',
  'ENDPOINT_REMOVED',
  'DATA_CENTER_PATH_ON_CLOUD',
  'WRONG_HOST',
  'REPO_NOT_FOUND_OR_NO_ACCESS',
  'RATE_LIMITED',
];

/** contract.md flags (plus their value) a scenario may use. */
const VALUE_FLAGS = new Set([
  '--workspace',
  '--repo',
  '--url',
  '--username',
  '--email',
  '--api-token',
  '--access-token',
  '--app-password',
  '--password',
  '--client-id',
  '--client-secret',
  '--refresh-token',
  '--header',
  '--timeout',
]);

const SECRET_FLAGS: Record<string, string> = {
  '--api-token': 'BITBUCKET_API_TOKEN',
  '--access-token': 'BITBUCKET_ACCESS_TOKEN',
  '--app-password': 'BITBUCKET_APP_PASSWORD',
  '--password': 'BITBUCKET_PASSWORD',
  '--client-id': 'BITBUCKET_CLIENT_ID',
  '--client-secret': 'BITBUCKET_CLIENT_SECRET',
  '--refresh-token': 'BITBUCKET_REFRESH_TOKEN',
};
const USER_FLAGS: Record<string, string> = {
  '--username': 'BITBUCKET_USERNAME',
  '--email': 'BITBUCKET_EMAIL',
};

/** Values that are wrong on purpose: the story is about them. */
const INTENTIONALLY_UNDEFINED: Record<string, string[]> = {
  'token-invalid': ['BITBUCKET_ACCESS_TOKEN'],
  'consumer-wrong-secret': ['BITBUCKET_CLIENT_SECRET'],
  'secret-unexpanded': ['header Authorization'],
  'empty-token-variable': ['header Authorization'],
  'secret-whitespace': ['BITBUCKET_API_TOKEN'],
};

/** A Cloud scenario by name (getScenario also finds the Data Center ones). */
function cloudScenario(name: string): Scenario {
  const found = getScenario(name);
  if (found === undefined || isDcScenario(found)) throw new Error(`no Cloud scenario ${name}`);
  return found;
}

function flag(scenario: Scenario, name: string): string | undefined {
  const index = scenario.args.indexOf(name);
  return index === -1 ? undefined : scenario.args[index + 1];
}

/** Secret or user value of a scenario: flag first, then env. */
function input(scenario: Scenario, flagName: string, envName: string): string | undefined {
  return flag(scenario, flagName) ?? scenario.env?.[envName];
}

function headerArg(scenario: Scenario): { name: string; value: string } | undefined {
  const raw = flag(scenario, '--header');
  if (raw === undefined) return undefined;
  const colon = raw.indexOf(':');
  return { name: raw.slice(0, colon), value: raw.slice(colon + 1).trim() };
}

function targetPath(scenario: Scenario): string {
  const url = flag(scenario, '--url');
  if (url !== undefined) return url.replace('{base}', '');
  return `/2.0/repositories/${flag(scenario, '--workspace') ?? 'acme'}/${flag(scenario, '--repo') ?? 'secret-repo'}`;
}

describe('scenario data', () => {
  test('at least 12, unique kebab-case names, the default first and findable', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(12);
    const names = scenarios.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(defaultScenarioName).toBe('lowercase-bearer');
    expect(scenarios[0]?.name).toBe(defaultScenarioName);
    expect(getScenario('lowercase-bearer')).toBe(scenarios[0]);
    expect(getScenario('nope')).toBeUndefined();
  });

  test.each(scenarios.map((s) => [s.name, s] as const))('%s: well-formed', (_name, scenario) => {
    expect(scenario.title).not.toMatch(/\n/);
    expect(scenario.title.length).toBeLessThanOrEqual(100);
    const sentences = scenario.story.split(/(?<=[.!?]["')]?)\s+(?=[A-Z"])/).length;
    expect(sentences).toBeGreaterThanOrEqual(2);
    expect(sentences).toBeLessThanOrEqual(4);
    expect(scenario.source).toMatch(/bitbucket-auth\.md|contract\.md|design\.md/);
    if (scenario.expected.code !== null) expect(CODES).toContain(scenario.expected.code);
    expect([0, 1, 3]).toContain(scenario.expected.exit);
    expect(scenario.expected.exit === 0).toBe(scenario.expected.code === null);
    // Arguments come in flag/value pairs from contract.md; the demo adds --api-url/--auth-url itself.
    expect(scenario.args.length % 2).toBe(0);
    for (let i = 0; i < scenario.args.length; i += 2) {
      expect(VALUE_FLAGS.has(scenario.args[i] ?? ''), scenario.args[i]).toBe(true);
    }
    expect(scenario.args.join(' ')).not.toMatch(/--api-url|--auth-url/);
    // {base} only as the start of --url.
    scenario.args.forEach((arg, index) => {
      if (arg.includes('{base}')) {
        expect(scenario.args[index - 1]).toBe('--url');
        expect(arg.startsWith('{base}/')).toBe(true);
      }
    });
    for (const name of Object.keys(scenario.env ?? {})) expect(name).toMatch(/^BITBUCKET_[A-Z_]+$/);
  });

  test('the scenarios that the brief names are all there, with their codes', () => {
    const expected: Record<string, [string | null, number]> = {
      'lowercase-bearer': ['HEADER_SCHEME_CASE', 1],
      healthy: [null, 0],
      'api-token-with-username': ['API_TOKEN_NEEDS_EMAIL', 1],
      'api-token-as-bearer': ['API_TOKEN_AS_BEARER', 1],
      'api-token-unscoped': ['API_TOKEN_UNSCOPED', 1],
      'app-password-removed': ['APP_PASSWORD_REMOVED', 1],
      'account-password': ['ACCOUNT_PASSWORD_REJECTED', 1],
      'password-grant': ['PASSWORD_GRANT_REMOVED', 1],
      'consumer-not-private': ['CONSUMER_NOT_PRIVATE', 1],
      'consumer-no-callback': ['CONSUMER_NO_CALLBACK', 1],
      'consumer-wrong-secret': ['CONSUMER_INVALID', 1],
      'token-expired': ['TOKEN_EXPIRED', 1],
      'token-invalid': ['TOKEN_INVALID', 1],
      'access-token-as-basic': ['ACCESS_TOKEN_AS_BASIC', 1],
      'scope-missing': ['SCOPE_MISSING', 1],
      'unknown-scheme': ['HEADER_SCHEME_UNKNOWN', 1],
      'empty-token-variable': ['HEADER_MALFORMED', 1],
      'wrong-header-name': ['CREDENTIALS_IGNORED', 1],
      'api-v1': ['API_V1_REMOVED', 1],
      'endpoint-removed': ['ENDPOINT_REMOVED', 1],
      'data-center-path': ['DATA_CENTER_PATH_ON_CLOUD', 1],
      'repo-not-found': ['REPO_NOT_FOUND_OR_NO_ACCESS', 1],
      'rate-limited': ['RATE_LIMITED', 1],
      'secret-whitespace': ['SECRET_WHITESPACE', 1],
      'secret-unexpanded': ['SECRET_UNEXPANDED', 1],
      'no-credentials': ['NO_CREDENTIALS', 1],
      timeout: ['TIMEOUT', 3],
    };
    for (const [name, [code, exit]] of Object.entries(expected)) {
      expect(getScenario(name)?.expected, name).toEqual({ code, exit });
    }
    expect(flag(cloudScenario('timeout'), '--timeout')).toBe('3');
    expect(cloudScenario('timeout').fault).toBe('hang');
    expect(cloudScenario('rate-limited').fault).toBe('rate-limit');
  });

  test.each(scenarios.map((s) => [s.name, s] as const))(
    '%s: every credential it passes is defined in its world',
    (name, scenario) => {
      const { world } = scenario;
      const secrets = new Set([
        ...world.credentials.map((c) => c.secret),
        ...world.consumers.flatMap((c) => [c.key, c.secret]),
      ]);
      const users = new Set(world.accounts.flatMap((a) => [a.username, a.email]));
      const allowed = INTENTIONALLY_UNDEFINED[name] ?? [];
      const check = (label: string, value: string, known: Set<string>): void => {
        if (allowed.includes(label)) {
          expect(known.has(value), `${label} is meant to be undefined`).toBe(false);
          return;
        }
        expect(known.has(value), `${label} must be defined in the world`).toBe(true);
      };
      for (const [flagName, envName] of Object.entries(SECRET_FLAGS)) {
        const value = input(scenario, flagName, envName);
        if (value !== undefined) check(envName, value, secrets);
      }
      for (const [flagName, envName] of Object.entries(USER_FLAGS)) {
        const value = input(scenario, flagName, envName);
        if (value !== undefined) check(envName, value, users);
      }
      const header = headerArg(scenario);
      if (header) {
        const label = `header ${header.name}`;
        const [scheme, rest] = header.value.split(' ', 2);
        if (header.name === 'Authorization' && scheme?.toLowerCase() === 'basic' && rest) {
          const decoded = Buffer.from(rest, 'base64').toString('utf8');
          check(label, decoded.slice(decoded.indexOf(':') + 1), secrets);
        } else {
          const value = header.name === 'Authorization' ? (rest ?? header.value) : header.value;
          check(label, value, secrets);
        }
      }
      if (name === 'secret-whitespace') {
        const raw = scenario.env?.['BITBUCKET_API_TOKEN'] ?? '';
        expect(secrets.has(raw.trim().replace(/^["']|["']$/g, ''))).toBe(true);
      }
      if (name === 'secret-unexpanded') {
        expect(secrets.has(scenario.env?.['BITBUCKET_TOKEN'] ?? '')).toBe(true);
      }
    },
  );
});

/** The wire behaviour each story relies on, checked against its own world. */
const PREMISES: Record<string, (sim: RunningSimulator, s: Scenario) => Promise<void>> = {
  'lowercase-bearer': async (sim, s) => {
    const header = headerArg(s)!.value;
    expect(header.startsWith('bearer ')).toBe(true);
    const listing = await get(sim, '/2.0/repositories/acme', header);
    expect(listing.status).toBe(200);
    expect(slugs(listing.json)).toEqual(['website']);
    expect((await get(sim, targetPath(s), header)).status).toBe(404);
    const fixed = `Bearer ${header.slice('bearer '.length)}`;
    expect((await get(sim, targetPath(s), fixed)).status).toBe(200);
    expect(slugs((await get(sim, '/2.0/repositories/acme', fixed)).json)).toContain('secret-repo');
    const issued = await token(
      sim,
      { grant_type: 'client_credentials' },
      basic(s.env!['BITBUCKET_CLIENT_ID']!, s.env!['BITBUCKET_CLIENT_SECRET']!),
    );
    expect(issued.status).toBe(200);
  },
  healthy: async (sim, s) => {
    const auth = basic(s.env!['BITBUCKET_EMAIL']!, s.env!['BITBUCKET_API_TOKEN']!);
    expect((await get(sim, '/2.0/user', auth)).status).toBe(200);
    expect((await get(sim, targetPath(s), auth)).status).toBe(200);
    expect((await get(sim, `${targetPath(s)}/commits/master`, auth)).status).toBe(200);
    expect((await get(sim, `${targetPath(s)}/pullrequests`, auth)).status).toBe(200);
  },
  'api-token-with-username': async (sim, s) => {
    const secret = s.env!['BITBUCKET_API_TOKEN']!;
    const wrong = await get(sim, targetPath(s), basic(flag(s, '--username')!, secret));
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('Login failed');
    expect((await get(sim, targetPath(s), basic(flag(s, '--email')!, secret))).status).toBe(200);
  },
  'api-token-as-bearer': async (sim, s) => {
    const secret = s.env!['BITBUCKET_ACCESS_TOKEN']!;
    const res = await get(sim, targetPath(s), bearer(secret));
    expect(res.status).toBe(401);
    expect(at(res.json, 'error', 'message')).toBe(TOKEN_INVALID);
    expect((await get(sim, targetPath(s), basic(s.env!['BITBUCKET_EMAIL']!, secret))).status).toBe(
      200,
    );
  },
  'api-token-unscoped': async (sim, s) => {
    const res = await get(
      sim,
      targetPath(s),
      basic(s.env!['BITBUCKET_EMAIL']!, s.env!['BITBUCKET_API_TOKEN']!),
    );
    expect(res.status).toBe(401);
    expect(at(res.json, 'error', 'message')).toBe(TOKEN_INVALID);
  },
  'app-password-removed': async (sim, s) => {
    const res = await get(sim, targetPath(s), basic('alice', s.env!['BITBUCKET_APP_PASSWORD']!));
    expect(res.status).toBe(401);
    expect(res.text).toContain('App passwords are deprecated');
  },
  'account-password': async (sim, s) => {
    const res = await get(sim, targetPath(s), basic('alice', s.env!['BITBUCKET_PASSWORD']!));
    expect(res.status).toBe(401);
    expect(res.text).toContain('stopped supporting account passwords');
  },
  'password-grant': async (sim, s) => {
    const res = await token(
      sim,
      {
        grant_type: 'password',
        username: flag(s, '--username')!,
        password: s.env!['BITBUCKET_PASSWORD']!,
      },
      basic(flag(s, '--client-id')!, s.env!['BITBUCKET_CLIENT_SECRET']!),
    );
    expect(res.status).toBe(400);
    expect(at(res.json, 'error_description')).toBe('Unsupported grant type: password');
  },
  'consumer-not-private': async (sim, s) => {
    const res = await token(
      sim,
      { grant_type: 'client_credentials' },
      basic(s.env!['BITBUCKET_CLIENT_ID']!, s.env!['BITBUCKET_CLIENT_SECRET']!),
    );
    expect(String(at(res.json, 'error_description'))).toContain('marked as "public"');
  },
  'consumer-no-callback': async (sim, s) => {
    const res = await token(
      sim,
      { grant_type: 'client_credentials' },
      basic(s.env!['BITBUCKET_CLIENT_ID']!, s.env!['BITBUCKET_CLIENT_SECRET']!),
    );
    expect(at(res.json, 'error_description')).toBe('No callback uri defined for the OAuth client.');
  },
  'consumer-wrong-secret': async (sim, s) => {
    const res = await token(
      sim,
      { grant_type: 'client_credentials' },
      basic(flag(s, '--client-id')!, s.env!['BITBUCKET_CLIENT_SECRET']!),
    );
    expect(at(res.json, 'error_description')).toBe('Invalid OAuth client credentials');
  },
  'token-expired': async (sim, s) => {
    const env = s.env!;
    const res = await get(sim, targetPath(s), bearer(env['BITBUCKET_ACCESS_TOKEN']!));
    expect(res.status).toBe(401);
    expect(String(at(res.json, 'error', 'message'))).toMatch(/^Access token expired/);
    const refreshed = await token(
      sim,
      { grant_type: 'refresh_token', refresh_token: env['BITBUCKET_REFRESH_TOKEN']! },
      basic(env['BITBUCKET_CLIENT_ID']!, env['BITBUCKET_CLIENT_SECRET']!),
    );
    expect(refreshed.status).toBe(200);
    expect(
      (await get(sim, targetPath(s), bearer(String(at(refreshed.json, 'access_token'))))).status,
    ).toBe(200);
  },
  'token-invalid': async (sim, s) => {
    const res = await get(sim, targetPath(s), bearer(s.env!['BITBUCKET_ACCESS_TOKEN']!));
    expect(res.status).toBe(401);
    expect(at(res.json, 'error', 'message')).toBe(TOKEN_INVALID);
  },
  'access-token-as-basic': async (sim, s) => {
    const header = headerArg(s)!.value;
    const res = await get(sim, targetPath(s), header);
    expect(res.status).toBe(401);
    expect(res.text).toContain('Login failed');
    const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
    expect(decoded.startsWith('x-token-auth:')).toBe(true);
    const secret = decoded.slice('x-token-auth:'.length);
    expect((await get(sim, targetPath(s), bearer(secret))).status).toBe(200);
  },
  'scope-missing': async (sim, s) => {
    const issued = await token(
      sim,
      { grant_type: 'client_credentials' },
      basic(s.env!['BITBUCKET_CLIENT_ID']!, s.env!['BITBUCKET_CLIENT_SECRET']!),
    );
    const res = await get(sim, targetPath(s), bearer(String(at(issued.json, 'access_token'))));
    expect(res.status).toBe(403);
    expect(at(res.json, 'error', 'detail', 'required')).toEqual(['pullrequest']);
  },
  'unknown-scheme': async (sim, s) => {
    const header = headerArg(s)!.value;
    expect((await get(sim, targetPath(s), header)).status).toBe(404);
    expect((await get(sim, targetPath(s), `Bearer ${header.slice('token '.length)}`)).status).toBe(
      200,
    );
  },
  'empty-token-variable': async (sim, s) => {
    // "Bearer" with no token: a recognised scheme with no valid token is refused (401), and
    // without the header the private repository answers 404 as to anyone.
    expect((await get(sim, targetPath(s), 'Bearer ')).status).toBe(401);
    expect((await get(sim, targetPath(s))).status).toBe(404);
  },
  'wrong-header-name': async (sim, s) => {
    const header = headerArg(s)!;
    const withHeader = await get(sim, targetPath(s), { [header.name]: header.value });
    const anonymous = await get(sim, targetPath(s));
    expect(withHeader.json).toEqual(anonymous.json);
    expect(slugs((await get(sim, targetPath(s), bearer(header.value))).json)).toContain(
      'secret-repo',
    );
  },
  'api-v1': async (sim, s) => {
    const res = await get(
      sim,
      targetPath(s),
      basic(s.env!['BITBUCKET_EMAIL']!, s.env!['BITBUCKET_API_TOKEN']!),
    );
    expect(res.status).toBe(410);
    expect(at(res.json, 'error', 'message')).toBe('Resource removed');
    expect(
      (
        await get(
          sim,
          '/2.0/repositories/acme/secret-repo/commits/master',
          basic(s.env!['BITBUCKET_EMAIL']!, s.env!['BITBUCKET_API_TOKEN']!),
        )
      ).status,
    ).toBe(200);
  },
  'endpoint-removed': async (sim, s) => {
    const res = await get(
      sim,
      targetPath(s),
      basic(s.env!['BITBUCKET_EMAIL']!, s.env!['BITBUCKET_API_TOKEN']!),
    );
    expect(res.status).toBe(410);
    expect(String(at(res.json, 'error', 'message'))).toContain('CHANGE-2770');
  },
  'data-center-path': async (sim, s) => {
    const res = await get(
      sim,
      targetPath(s),
      basic(s.env!['BITBUCKET_EMAIL']!, s.env!['BITBUCKET_API_TOKEN']!),
    );
    expect(res.status).toBe(404);
    expect(String(at(res.json, 'error', 'detail'))).toContain(
      'There is no API hosted at this URL.',
    );
  },
  'website-api-path': async (sim, s) => {
    const auth = basic(s.env!['BITBUCKET_EMAIL']!, s.env!['BITBUCKET_API_TOKEN']!);
    const res = await get(sim, targetPath(s), auth);
    expect(res.status).toBe(401);
    expect((await get(sim, targetPath(s).replace('/!api', ''), auth)).status).toBe(200);
  },
  'repo-not-found': async (sim, s) => {
    const auth = basic(s.env!['BITBUCKET_EMAIL']!, s.env!['BITBUCKET_API_TOKEN']!);
    expect((await get(sim, '/2.0/user', auth)).status).toBe(200);
    const res = await get(sim, targetPath(s), auth);
    expect(res.status).toBe(404);
    expect(at(res.json, 'error', 'message')).toBe(REPO_404);
  },
  'rate-limited': async (sim, s) => {
    const res = await get(sim, targetPath(s), bearer(s.env!['BITBUCKET_ACCESS_TOKEN']!));
    expect(res.status).toBe(429);
    expect(res.headers.get('x-ratelimit-limit')).toBe('1000');
  },
  'secret-whitespace': async (sim, s) => {
    const raw = s.env!['BITBUCKET_API_TOKEN']!;
    const email = s.env!['BITBUCKET_EMAIL']!;
    expect((await get(sim, targetPath(s), basic(email, raw))).status).toBe(401);
    expect(
      (await get(sim, targetPath(s), basic(email, raw.trim().replace(/^"|"$/g, '')))).status,
    ).toBe(200);
  },
  'secret-unexpanded': async (sim, s) => {
    const res = await get(sim, targetPath(s), headerArg(s)!.value);
    expect(res.status).toBe(401);
    expect(at(res.json, 'error', 'message')).toBe(TOKEN_INVALID);
    expect((await get(sim, targetPath(s), bearer(s.env!['BITBUCKET_TOKEN']!))).status).toBe(200);
  },
  'no-credentials': async (sim, s) => {
    expect(s.env).toBeUndefined();
    const res = await get(sim, targetPath(s));
    expect(res.status).toBe(404);
    expect(at(res.json, 'error', 'message')).toBe(REPO_404);
  },
  timeout: async (sim, s) => {
    await expect(
      fetch(`${sim.url}${targetPath(s)}`, { signal: AbortSignal.timeout(200) }),
    ).rejects.toThrow();
  },
};

describe('every scenario world starts and shows its story on the wire', () => {
  test('every scenario has a premise check', () => {
    expect(Object.keys(PREMISES).sort()).toEqual(scenarios.map((s) => s.name).sort());
  });

  test.each(scenarios.map((s) => [s.name, s] as const))('%s', async (name, scenario) => {
    const sim = await startSimulator({ scenario: name });
    try {
      if (scenario.fault === undefined) {
        // The world is served: the public repository of acme is there for anyone.
        const listing = await get(sim, '/2.0/repositories/acme');
        expect(listing.status).toBe(200);
        expect(slugs(listing.json)).toEqual(['website']);
      }
      await PREMISES[name]!(sim, scenario);
    } finally {
      await sim.close();
    }
  });

  test('the scenario object is never changed by serving it', async () => {
    const scenario = cloudScenario('token-expired');
    const before = JSON.stringify(scenario.world);
    const sim = await startSimulator({ scenario });
    try {
      await PREMISES['token-expired']!(sim, scenario);
    } finally {
      await sim.close();
    }
    expect(JSON.stringify(scenario.world)).toBe(before);
  });

  test('the default scenario is served when none is given; an unknown name is refused', async () => {
    const sim = await startSimulator();
    try {
      await PREMISES['lowercase-bearer']!(sim, cloudScenario('lowercase-bearer'));
    } finally {
      await sim.close();
    }
    await expect(startSimulator({ scenario: 'no-such-scenario' })).rejects.toThrow(
      /Unknown scenario/,
    );
  });
});

describe('describeScenario', () => {
  const base = 'http://127.0.0.1:40000';

  test.each(scenarios.map((s) => [s.name, s] as const))(
    '%s: base URL, every credential, curl examples',
    (_name, scenario) => {
      const lines = describeScenario(scenario, base);
      const text = lines.join('\n');
      expect(text).toContain(`Base URL:        ${base}`);
      expect(text).toContain('not bitbucket.org');
      expect(text).not.toContain('{base}');
      for (const consumer of scenario.world.consumers) {
        expect(text).toContain(consumer.label);
        expect(text).toContain(consumer.secret);
      }
      for (const credential of scenario.world.credentials) {
        expect(text).toContain(credential.label);
        expect(text).toContain(credential.secret);
      }
      const curls = lines.filter((line) => line.trimStart().startsWith('curl '));
      expect(curls).toHaveLength(
        scenario.world.consumers.length + scenario.world.credentials.length,
      );
      for (const line of curls) expect(line).toContain(base);
      expect(text).toContain(`bb-doctor --api-url ${base} --auth-url ${base}`);
      // Pure: the same input gives the same lines.
      expect(describeScenario(scenario, base)).toEqual(lines);
      expect(lines.every((line) => !line.includes('\n'))).toBe(true);
    },
  );

  test('shows the fault of a scenario', () => {
    expect(describeScenario(cloudScenario('timeout'), base).join('\n')).toContain(
      'Fault:           hang',
    );
  });
});
