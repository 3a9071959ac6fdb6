// The Data Center mode of the simulator (bitbucket-auth.md §8, §12.3; contract.md "Bitbucket Data
// Center (Server)"): the context path, the headers and envelopes, permissions as 401s, HTTP access
// tokens, the CAPTCHA budget, basic auth switched off, Cloud paths and credentials.
import { afterEach, describe, expect, test } from 'vitest';
import type { DcScenario } from '../../src/simulator/dc-scenarios.js';
import { dcScenarios, dcWorld, defaultDcScenarioName } from '../../src/simulator/dc-scenarios.js';
import { describeScenario } from '../../src/simulator/describe.js';
import type { DcWorld } from '../../src/simulator/dc-world.js';
import { getScenario, gitScenarios, scenarios } from '../../src/simulator/scenarios.js';
import type {
  RequestLogEntry,
  RunningSimulator,
  StartOptions,
} from '../../src/simulator/server.js';
import { startSimulator } from '../../src/simulator/server.js';
import { at, basic, bearer } from './helpers.js';

const world = dcWorld();
const user = (name: string) => world.users.find((u) => u.username === name)!;
const token = (label: string) => world.tokens.find((t) => t.label === label)!.secret;
const ALICE = user('alice');
const CAROL = user('carol');
const ADMIN = user('admin');
const ALICE_PW = basic('alice', ALICE.password);
const PAT = token('alice-pat');
const EXPIRED = token('alice-pat-expired');
const PROJECT = token('acme-project-token');
const REPO = token('secret-repo-token');
const CLOUD_TOKEN = 'ATATT3xFfGF0cloudTokenOnDataCenter=0000AAAA';

const AUTH_FAILED = 'Authentication failed. Please check your credentials and try again.';
const NOT_PERMITTED = 'You are not permitted to access this resource';
const EXC = {
  password: 'com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException',
  captcha: 'com.atlassian.bitbucket.auth.CaptchaRequiredAuthenticationException',
  authorisation: 'com.atlassian.bitbucket.AuthorisationException',
};
const SECRET_REPO = '/rest/api/1.0/projects/ACME/repos/secret-repo';

/** The Data Center finding codes of contract.md. */
const DC_CODES = [
  'DC_CREDENTIALS_REJECTED',
  'DC_CAPTCHA_REQUIRED',
  'DC_NOT_PERMITTED',
  'DC_TOKEN_AS_BASIC',
  'DC_TOKEN_REJECTED',
  'DC_TOKEN_OUTSIDE_REST',
  'DC_BASIC_AUTH_DISABLED',
  'CLOUD_CREDENTIAL_ON_DC',
  'CLOUD_PATH_ON_DC',
  // The codes contract.md says also apply on Data Center.
  'HEADER_SCHEME_CASE',
];

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

let running: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.map((sim) => sim.close()));
  running = [];
});

async function dc(options: StartOptions = {}, overrides: Partial<DcWorld> = {}) {
  const sim = await startSimulator({ world: dcWorld(overrides), ...options });
  running.push(sim);
  return sim;
}

async function get(
  sim: RunningSimulator,
  path: string,
  auth?: string,
  init: RequestInit = {},
): Promise<Answer> {
  const res = await fetch(`${sim.base}${path}`, {
    redirect: 'manual',
    ...init,
    headers: auth === undefined ? {} : { authorization: auth },
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const error0 = (answer: Answer, field: string): unknown => at(answer.json, 'errors', 0, field);

describe('Data Center mode: product, base URL, context path', () => {
  test("product 'data-center' serves dc-healthy under /bitbucket; running.base = url + /bitbucket", async () => {
    const sim = await startSimulator({ product: 'data-center' });
    running.push(sim);
    expect(sim.product).toBe('data-center');
    expect(sim.base).toBe(`${sim.url}/bitbucket`);
    expect(sim.base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/bitbucket$/);
    expect(defaultDcScenarioName).toBe('dc-healthy');
    expect((await get(sim, SECRET_REPO, bearer(PAT))).status).toBe(200);
  });

  test('a dc- scenario is Data Center by itself; a Cloud simulator keeps base = url', async () => {
    const sim = await startSimulator({ scenario: 'dc-not-permitted' });
    const cloud = await startSimulator({ scenario: 'healthy' });
    running.push(sim, cloud);
    expect(sim.product).toBe('data-center');
    expect(cloud.product).toBe('cloud');
    expect(cloud.base).toBe(cloud.url);
    expect(cloud.stats().dataCenter).toBeUndefined();
  });

  test('a contradiction between product and scenario or world is an error', async () => {
    await expect(startSimulator({ scenario: 'healthy', product: 'data-center' })).rejects.toThrow(
      /cloud scenario/,
    );
    await expect(startSimulator({ scenario: 'dc-healthy', product: 'cloud' })).rejects.toThrow(
      /data-center/,
    );
    await expect(startSimulator({ scenario: 'dc-nope' })).rejects.toThrow(/Unknown scenario/);
  });

  test('outside the context path the application is not there: a bare 404 without X-AREQUESTID', async () => {
    const sim = await dc();
    const res = await fetch(`${sim.url}/rest/api/1.0/application-properties`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-arequestid')).toBeNull();
    await res.text();
  });

  test('every answer of the application has X-AREQUESTID, and none of the Cloud edge headers', async () => {
    const sim = await dc();
    const answers = await Promise.all([
      get(sim, '/rest/api/1.0/application-properties'),
      get(sim, SECRET_REPO),
      get(sim, SECRET_REPO, ALICE_PW),
      get(sim, '/rest/api/1.0/projects/NOPE'),
      get(sim, '/2.0/repositories/ACME/secret-repo'),
      get(sim, '/plugins/servlet/applinks/whoami', bearer(PAT)),
      get(sim, '/scm/acme/secret-repo.git/info/refs?service=git-upload-pack'),
      get(sim, '/login'),
    ]);
    for (const answer of answers) {
      expect(answer.headers.get('x-arequestid')).toMatch(/^@[0-9A-Z]{7}x\d+x\d+x0$/);
      expect(answer.headers.get('x-b3-traceid')).toBeNull();
      expect(answer.headers.get('server')).toBeNull();
    }
    const ids = answers.map((a) => a.headers.get('x-arequestid'));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('Data Center REST', () => {
  test('anonymous application-properties: version 10.x, buildNumber, buildDate, displayName Bitbucket', async () => {
    const sim = await dc();
    const res = await get(sim, '/rest/api/1.0/application-properties');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      version: '10.0.1',
      buildNumber: '10000001',
      buildDate: '1727740800000',
      displayName: 'Bitbucket',
    });
    expect(res.headers.get('x-ausername')).toBeNull();
    const latest = await get(sim, '/rest/api/latest/application-properties', ALICE_PW);
    expect(latest.json).toEqual(res.json);
    expect(latest.headers.get('x-ausername')).toBe('alice');
  });

  test('users/{slug}: X-AUSERNAME and X-AUSERID for a user; 401 anonymously; 404 for an unknown slug', async () => {
    const sim = await dc();
    const me = await get(sim, '/rest/api/1.0/users/alice', ALICE_PW);
    expect(me.status).toBe(200);
    expect(me.headers.get('x-ausername')).toBe('alice');
    expect(me.headers.get('x-auserid')).toBe(String(ALICE.id));
    expect(at(me.json, 'name')).toBe('alice');
    expect(at(me.json, 'emailAddress')).toBe(ALICE.email);
    expect(at(me.json, 'slug')).toBe('alice');
    const anonymous = await get(sim, '/rest/api/1.0/users/alice');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('x-ausername')).toBeNull();
    expect(error0(anonymous, 'exceptionName')).toBe(EXC.authorisation);
    const unknown = await get(sim, '/rest/api/1.0/users/nobody', ALICE_PW);
    expect(unknown.status).toBe(404);
    expect(error0(unknown, 'exceptionName')).toBe(
      'com.atlassian.bitbucket.user.NoSuchUserException',
    );
    expect(unknown.headers.get('x-ausername')).toBe('alice');
  });

  test('a repository: 200 with permission, /rest/api/latest alias, project key in any case', async () => {
    const sim = await dc();
    for (const path of [
      SECRET_REPO,
      '/rest/api/latest/projects/ACME/repos/secret-repo',
      '/rest/api/1.0/projects/acme/repos/secret-repo',
    ]) {
      const res = await get(sim, path, ALICE_PW);
      expect(res.status, path).toBe(200);
      expect(at(res.json, 'slug')).toBe('secret-repo');
      expect(at(res.json, 'project', 'key')).toBe('ACME');
      expect(at(res.json, 'public')).toBe(false);
      expect(at(res.json, 'links', 'clone', 0, 'href')).toBe(
        `${sim.base}/scm/acme/secret-repo.git`,
      );
    }
    const commits = await get(sim, `${SECRET_REPO}/commits`, ALICE_PW);
    expect(commits.status).toBe(200);
    expect(at(commits.json, 'values', 0, 'message')).toBe('Fix the deploy script');
    expect(String(at(commits.json, 'values', 0, 'id'))).toMatch(/^[0-9a-f]{40}$/);
    const branches = await get(sim, `${SECRET_REPO}/branches`, ALICE_PW);
    expect(at(branches.json, 'values', 1, 'displayId')).toBe('master');
    expect(at(branches.json, 'values', 1, 'isDefault')).toBe(true);
  });

  test('authenticated but not permitted: 401 AuthorisationException WITH X-AUSERNAME (contract.md)', async () => {
    const sim = await dc();
    const res = await get(sim, SECRET_REPO, basic('carol', CAROL.password));
    expect(res.status).toBe(401);
    expect(res.headers.get('x-ausername')).toBe('carol');
    expect(res.json).toEqual({
      errors: [{ context: null, message: NOT_PERMITTED, exceptionName: EXC.authorisation }],
    });
    expect(res.headers.get('www-authenticate')).toBe(`OAuth realm="${sim.base}"`);
    // Carol's own repository works: the password is fine.
    expect(
      (await get(sim, '/rest/api/1.0/projects/OPS/repos/infra', basic('carol', CAROL.password)))
        .status,
    ).toBe(200);
  });

  test('a private repository anonymously: 401 without X-AUSERNAME; a public one: 200', async () => {
    const sim = await dc();
    const res = await get(sim, SECRET_REPO);
    expect(res.status).toBe(401);
    expect(res.headers.get('x-ausername')).toBeNull();
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="Atlassian Bitbucket"');
    expect(error0(res, 'message')).toBe(NOT_PERMITTED);
    const pub = await get(sim, '/rest/api/1.0/projects/ACME/repos/website');
    expect(pub.status).toBe(200);
    expect(pub.headers.get('x-ausername')).toBeNull();
  });

  test('a listing shows what the caller may read: public only anonymously, everything for alice', async () => {
    const sim = await dc();
    const slugs = async (auth?: string) =>
      (
        (at((await get(sim, '/rest/api/1.0/projects/ACME/repos', auth)).json, 'values') ??
          []) as unknown[]
      ).map((r) => at(r, 'slug'));
    expect(await slugs()).toEqual(['website']);
    expect(await slugs(ALICE_PW)).toEqual(['secret-repo', 'website']);
    expect(await slugs(basic('carol', CAROL.password))).toEqual(['website']);
    const projects = await get(sim, '/rest/api/1.0/projects', basic('carol', CAROL.password));
    expect(((at(projects.json, 'values') ?? []) as unknown[]).map((p) => at(p, 'key'))).toEqual([
      'ACME',
      'OPS',
    ]);
  });

  test('missing project and repository: 404 NoSuchProjectException / NoSuchRepositoryException', async () => {
    const sim = await dc();
    const project = await get(sim, '/rest/api/1.0/projects/NOPE/repos/x', ALICE_PW);
    expect(project.status).toBe(404);
    expect(project.json).toEqual({
      errors: [
        {
          context: null,
          message: 'Project NOPE does not exist.',
          exceptionName: 'com.atlassian.bitbucket.project.NoSuchProjectException',
        },
      ],
    });
    const repo = await get(sim, '/rest/api/1.0/projects/ACME/repos/nope', ALICE_PW);
    expect(repo.status).toBe(404);
    expect(error0(repo, 'message')).toBe('Repository ACME/nope does not exist.');
    expect(error0(repo, 'exceptionName')).toBe(
      'com.atlassian.bitbucket.repository.NoSuchRepositoryException',
    );
    expect((await get(sim, '/rest/api/1.0/nothing-here', ALICE_PW)).status).toBe(404);
    expect((await get(sim, SECRET_REPO, ALICE_PW, { method: 'POST' })).status).toBe(405);
  });
});

describe('Data Center HTTP access tokens', () => {
  test('a personal token as Bearer or as the password in Basic acts as its user', async () => {
    const sim = await dc();
    for (const auth of [bearer(PAT), basic('alice', PAT)]) {
      const res = await get(sim, SECRET_REPO, auth);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ausername')).toBe('alice');
    }
    // With another user's name it is a failed login of that user.
    const other = await get(sim, SECRET_REPO, basic('carol', PAT));
    expect(other.status).toBe(401);
    expect(sim.stats().dataCenter?.failedLogins).toBe(1);
  });

  test('project and repository tokens: Bearer acts as their bot user, within their project or repository', async () => {
    const sim = await dc();
    const project = await get(sim, SECRET_REPO, bearer(PROJECT));
    expect(project.status).toBe(200);
    expect(project.headers.get('x-ausername')).toBe('bot-acme-project-token');
    const repo = await get(sim, SECRET_REPO, bearer(REPO));
    expect(repo.headers.get('x-ausername')).toBe('bot-secret-repo-token');
    const outside = await get(sim, '/rest/api/1.0/projects/OPS/repos/infra', bearer(PROJECT));
    expect(outside.status).toBe(401);
    expect(outside.headers.get('x-ausername')).toBe('bot-acme-project-token');
    expect(error0(outside, 'exceptionName')).toBe(EXC.authorisation);
    // §8: project/repository tokens cover project/repository APIs only.
    const users = await get(sim, '/rest/api/1.0/users/alice', bearer(REPO));
    expect(users.status).toBe(401);
    expect(users.headers.get('x-ausername')).toBe('bot-secret-repo-token');
  });

  test('failedLoginsByUser counts per username (the budget of contract.md: 1 per username)', async () => {
    const sim = await dc();
    await get(sim, SECRET_REPO, basic('alice', 'wrong'));
    await get(sim, SECRET_REPO, basic('CAROL', 'wrong'));
    await get(sim, SECRET_REPO, basic('carol', 'wrong'));
    await get(sim, SECRET_REPO, basic(ALICE.email, 'wrong'));
    expect(sim.stats().dataCenter?.failedLoginsByUser).toEqual({ alice: 1, carol: 2 });
    expect(sim.stats().dataCenter?.failedLogins).toBe(3);
  });

  test('a project or repository token in Basic: 401 IncorrectPassword, counted as a failed login', async () => {
    const sim = await dc();
    for (const secret of [PROJECT, REPO]) {
      const res = await get(sim, SECRET_REPO, basic('alice', secret));
      expect(res.status).toBe(401);
      expect(res.headers.get('x-ausername')).toBeNull();
      expect(error0(res, 'exceptionName')).toBe(EXC.password);
      expect(error0(res, 'message')).toBe(AUTH_FAILED);
    }
    expect(sim.stats().dataCenter?.failedLogins).toBe(2);
  });

  test('an expired or unknown token as Bearer: 401 without X-AUSERNAME, never counted', async () => {
    const sim = await dc();
    for (const secret of [EXPIRED, 'BBDC-unknownTokenUnknownTokenUnknownTokenUnknown']) {
      const res = await get(sim, SECRET_REPO, bearer(secret));
      expect(res.status).toBe(401);
      expect(res.headers.get('x-ausername')).toBeNull();
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="Atlassian Bitbucket"');
    }
    expect(sim.stats().dataCenter).toEqual({
      failedLogins: 0,
      captchaRefusals: 0,
      locked: [],
      failedLoginsByUser: {},
    });
  });

  test('lowercase bearer is ignored: the request runs anonymously', async () => {
    const sim = await dc();
    const res = await get(sim, SECRET_REPO, `bearer ${PAT}`);
    expect(res.status).toBe(401);
    expect(res.headers.get('x-ausername')).toBeNull();
    expect(error0(res, 'exceptionName')).toBe(EXC.authorisation);
    expect(
      (await get(sim, '/rest/api/1.0/projects/ACME/repos/website', `bearer ${PAT}`)).status,
    ).toBe(200);
  });

  test('a token outside /rest and /scm: Bearer → 302 to the login page; Basic with the token → 401, counted', async () => {
    const sim = await dc();
    const whoami = await get(sim, '/plugins/servlet/applinks/whoami', bearer(PAT));
    expect(whoami.status).toBe(302);
    expect(whoami.headers.get('location')).toMatch(new RegExp(`^${sim.base}/login`));
    const page = await get(sim, '/projects/ACME/repos/secret-repo/browse', bearer(PAT));
    expect(page.status).toBe(302);
    const basicToken = await get(sim, '/plugins/servlet/applinks/whoami', basic('alice', PAT));
    expect(basicToken.status).toBe(401);
    expect(sim.stats().dataCenter?.failedLogins).toBe(1);
    // The password is still a login there; whoami answers the username as text.
    const password = await get(sim, '/plugins/servlet/applinks/whoami', ALICE_PW);
    expect(password.status).toBe(200);
    expect(password.text).toBe('alice');
    expect(sim.stats().dataCenter?.failedLogins).toBe(1);
    expect((await get(sim, '/login')).status).toBe(200);
  });
});

describe('Cloud paths and Cloud credentials on Data Center', () => {
  test('/2.0/... and /1.0/...: HTML 404 anonymously or with Basic, 302 to the login page with Bearer', async () => {
    const sim = await dc();
    for (const path of ['/2.0/repositories/ACME/secret-repo', '/2.0/user', '/1.0/user']) {
      for (const auth of [undefined, ALICE_PW]) {
        const res = await get(sim, path, auth);
        expect(res.status, path).toBe(404);
        expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      }
      const withToken = await get(sim, path, bearer(PAT));
      expect(withToken.status).toBe(302);
      expect(withToken.headers.get('location')).toContain(`${sim.base}/login`);
    }
  });

  test('a Cloud API token (ATATT…) is a wrong password: 401 IncorrectPassword, counted for the username', async () => {
    const sim = await dc();
    const res = await get(sim, SECRET_REPO, basic('alice', CLOUD_TOKEN));
    expect(res.status).toBe(401);
    expect(error0(res, 'exceptionName')).toBe(EXC.password);
    expect(sim.stats().dataCenter?.failedLogins).toBe(1);
    const withEmail = await get(sim, SECRET_REPO, basic(ALICE.email, CLOUD_TOKEN));
    expect(withEmail.status).toBe(401);
    const asBearer = await get(sim, SECRET_REPO, bearer(CLOUD_TOKEN));
    expect(asBearer.status).toBe(401);
    expect(asBearer.headers.get('x-ausername')).toBeNull();
  });

  test('the email address as the username: 401 like a wrong password, no account to lock', async () => {
    const sim = await dc();
    for (let i = 0; i < 7; i += 1) {
      const res = await get(sim, SECRET_REPO, basic(ALICE.email, ALICE.password));
      expect(res.status).toBe(401);
      expect(error0(res, 'message')).toBe(AUTH_FAILED);
    }
    expect(sim.stats().dataCenter?.locked).toEqual([]);
    expect((await get(sim, SECRET_REPO, ALICE_PW)).status).toBe(200);
  });
});

describe('basic authentication switched off (10.x default)', () => {
  test('403 "Basic Authentication has been disabled on this instance." before the credentials are checked', async () => {
    const sim = await dc({}, { basicAuthDisabled: true });
    for (const auth of [ALICE_PW, basic('alice', 'wrong'), basic('alice', PAT)]) {
      const res = await get(sim, SECRET_REPO, auth);
      expect(res.status).toBe(403);
      expect(res.json).toEqual({
        message: 'Basic Authentication has been disabled on this instance.',
      });
      expect(res.headers.get('x-ausername')).toBeNull();
      expect(res.headers.get('x-arequestid')).not.toBeNull();
    }
    expect(sim.stats().dataCenter?.failedLogins).toBe(0);
    const fixed = await get(sim, SECRET_REPO, bearer(PAT));
    expect(fixed.status).toBe(200);
    expect(fixed.headers.get('x-ausername')).toBe('alice');
  });

  test('basicAuthDisabled leaves git alone, basicAuthDisabledForGit leaves REST alone', async () => {
    const refs = '/scm/acme/secret-repo.git/info/refs?service=git-upload-pack';
    const restOff = await dc({}, { basicAuthDisabled: true });
    expect((await get(restOff, refs, ALICE_PW)).status).toBe(200);
    const gitOff = await dc({}, { basicAuthDisabledForGit: true });
    expect((await get(gitOff, SECRET_REPO, ALICE_PW)).status).toBe(200);
    const git = await get(gitOff, refs, ALICE_PW);
    expect(git.status).toBe(403);
    expect(git.text).toBe('Basic Authentication has been disabled on this instance.\n');
  });
});

describe('the CAPTCHA lock', () => {
  const CAPTCHA_START =
    'CAPTCHA required. Your Bitbucket account has been locked. To unlock it and log in again you must solve a CAPTCHA.';

  test('5 failed logins lock the account: then the right password gets 401 CaptchaRequired, uncounted', async () => {
    const sim = await dc();
    for (let i = 1; i <= 5; i += 1) {
      const res = await get(sim, SECRET_REPO, basic('alice', `wrong-${String(i)}`));
      expect(res.status).toBe(401);
      expect(error0(res, 'exceptionName')).toBe(EXC.password);
      expect(sim.stats().dataCenter?.failedLogins).toBe(i);
    }
    expect(sim.stats().dataCenter?.locked).toEqual(['alice']);
    for (let i = 1; i <= 3; i += 1) {
      const res = await get(sim, SECRET_REPO, ALICE_PW);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="Atlassian Bitbucket"');
      expect(res.headers.get('x-ausername')).toBeNull();
      expect(res.headers.get('x-authentication-denied-reason')).toBeNull();
      expect(error0(res, 'exceptionName')).toBe(EXC.captcha);
      const message = String(error0(res, 'message'));
      expect(message.startsWith(CAPTCHA_START)).toBe(true);
      expect(message).toContain('even if you enter your password correctly.');
      expect(message).toContain('\n\nIf you are currently logged in to Bitbucket via a browser');
      expect(message.endsWith(`\n\nVisit Bitbucket at ${sim.base} for more details.`)).toBe(true);
    }
    expect(sim.stats().dataCenter).toEqual({
      failedLogins: 5,
      captchaRefusals: 3,
      locked: ['alice'],
      failedLoginsByUser: { alice: 5 },
    });
    // Other users are not affected; a wrong password of a locked user is a CAPTCHA refusal too.
    expect(
      (await get(sim, '/rest/api/1.0/projects/OPS/repos/infra', basic('carol', CAROL.password)))
        .status,
    ).toBe(200);
    expect(error0(await get(sim, SECRET_REPO, basic('alice', 'wrong-6')), 'exceptionName')).toBe(
      EXC.captcha,
    );
    expect(sim.stats().dataCenter?.failedLogins).toBe(5);
  });

  test('a successful Basic login resets the count; bad Bearer tokens are not counted', async () => {
    const sim = await dc();
    for (let round = 0; round < 3; round += 1) {
      for (let i = 0; i < 4; i += 1) await get(sim, SECRET_REPO, basic('alice', 'wrong'));
      for (let i = 0; i < 4; i += 1) await get(sim, SECRET_REPO, bearer(EXPIRED));
      expect((await get(sim, SECRET_REPO, ALICE_PW)).status).toBe(200);
    }
    expect(sim.stats().dataCenter).toEqual({
      failedLogins: 12,
      captchaRefusals: 0,
      locked: [],
      failedLoginsByUser: { alice: 12 },
    });
    // A personal token in Basic is a successful Basic login too.
    for (let i = 0; i < 4; i += 1) await get(sim, SECRET_REPO, basic('alice', 'wrong'));
    expect((await get(sim, SECRET_REPO, basic('alice', PAT))).status).toBe(200);
    await get(sim, SECRET_REPO, basic('alice', 'wrong'));
    expect(sim.stats().dataCenter?.locked).toEqual([]);
  });

  test('usernames are case-insensitive for the count; Bearer tokens of a locked user still work', async () => {
    const sim = await dc();
    for (const name of ['alice', 'ALICE', 'Alice', 'alice', 'aLiCe']) {
      await get(sim, SECRET_REPO, basic(name, 'wrong'));
    }
    expect(sim.stats().dataCenter?.locked).toEqual(['alice']);
    expect((await get(sim, SECRET_REPO, bearer(PAT))).status).toBe(200);
  });

  test('the dc-captcha world starts locked; a sysadmin clears the CAPTCHA with DELETE admin/users/captcha', async () => {
    const sim = await startSimulator({ scenario: 'dc-captcha' });
    running.push(sim);
    expect(sim.stats().dataCenter?.locked).toEqual(['alice']);
    expect(error0(await get(sim, SECRET_REPO, ALICE_PW), 'exceptionName')).toBe(EXC.captcha);
    const notAdmin = await get(
      sim,
      '/rest/api/1.0/admin/users/captcha?name=alice',
      basic('carol', CAROL.password),
      {
        method: 'DELETE',
      },
    );
    expect(notAdmin.status).toBe(401);
    const cleared = await get(
      sim,
      '/rest/api/1.0/admin/users/captcha?name=alice',
      basic('admin', ADMIN.password),
      {
        method: 'DELETE',
      },
    );
    expect(cleared.status).toBe(204);
    expect((await get(sim, SECRET_REPO, ALICE_PW)).status).toBe(200);
  });

  test('the threshold is the world’s: captchaThreshold 2 locks after 2', async () => {
    const sim = await dc({}, { captchaThreshold: 2 });
    await get(sim, SECRET_REPO, basic('alice', 'wrong'));
    await get(sim, SECRET_REPO, basic('alice', 'wrong'));
    expect(error0(await get(sim, SECRET_REPO, ALICE_PW), 'exceptionName')).toBe(EXC.captcha);
  });
});

describe('stats, log and faults on Data Center', () => {
  test('unauthorized and byCredential count 401s; the log never shows a secret', async () => {
    const log: RequestLogEntry[] = [];
    const sim = await dc({ onRequest: (entry) => log.push(entry) });
    await get(sim, SECRET_REPO, ALICE_PW);
    await get(sim, SECRET_REPO, basic('alice', 'wrong'));
    await get(sim, SECRET_REPO, bearer(PAT));
    await get(sim, `${SECRET_REPO}?token=${PAT}`, bearer(EXPIRED));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stats = sim.stats();
    expect(stats.requests).toBe(4);
    expect(stats.unauthorized).toBe(2);
    expect(stats.byCredential['password:alice']).toEqual({ requests: 2, unauthorized: 1 });
    expect(stats.byCredential['alice-pat']).toEqual({ requests: 1, unauthorized: 0 });
    expect(stats.byCredential['alice-pat-expired']).toEqual({ requests: 1, unauthorized: 1 });
    const text = JSON.stringify(log);
    for (const secret of [ALICE.password, PAT, EXPIRED]) expect(text).not.toContain(secret);
    expect(log.map((e) => e.auth)).toEqual([
      'Basic(password as alice)',
      'Basic(unknown as alice)',
      'Bearer(personal-token alice-pat)',
      'Bearer(personal-token alice-pat-expired expired)',
    ]);
  });

  test('rate-limit fault: 429 from the application, with X-AREQUESTID and Retry-After; nothing counted', async () => {
    const sim = await dc({ fault: 'rate-limit' });
    const res = await get(sim, SECRET_REPO, basic('alice', 'wrong'));
    expect(res.status).toBe(429);
    expect(res.headers.get('x-arequestid')).not.toBeNull();
    expect(res.headers.get('retry-after')).toBe('60');
    expect(sim.stats().dataCenter?.failedLogins).toBe(0);
  });
});

describe('Data Center scenarios', () => {
  const expected: Record<string, string | null> = {
    'dc-healthy': null,
    'dc-lowercase-bearer': 'HEADER_SCHEME_CASE',
    'dc-wrong-password': 'DC_CREDENTIALS_REJECTED',
    'dc-email-as-username': 'DC_CREDENTIALS_REJECTED',
    'dc-captcha': 'DC_CAPTCHA_REQUIRED',
    'dc-not-permitted': 'DC_NOT_PERMITTED',
    'dc-project-token-as-basic': 'DC_TOKEN_AS_BASIC',
    'dc-expired-token': 'DC_TOKEN_REJECTED',
    'dc-token-outside-rest': 'DC_TOKEN_OUTSIDE_REST',
    'dc-basic-disabled': 'DC_BASIC_AUTH_DISABLED',
    'dc-cloud-token': 'CLOUD_CREDENTIAL_ON_DC',
    'dc-cloud-path': 'CLOUD_PATH_ON_DC',
    'dc-git-basic-disabled': 'DC_BASIC_AUTH_DISABLED',
  };

  test('all thirteen, with their codes; out of the Cloud lists; getScenario finds them', () => {
    expect(dcScenarios.map((s) => s.name)).toEqual(Object.keys(expected));
    for (const scenario of dcScenarios) {
      expect(scenario.expected.code).toBe(expected[scenario.name]);
      expect(scenario.expected.exit).toBe(scenario.expected.code === null ? 0 : 1);
      if (scenario.expected.code !== null) expect(DC_CODES).toContain(scenario.expected.code);
      expect(getScenario(scenario.name)).toBe(scenario);
      expect(scenario.product).toBe('data-center');
    }
    const cloudNames = new Set([...scenarios, ...gitScenarios].map((s) => s.name));
    for (const scenario of dcScenarios) expect(cloudNames.has(scenario.name)).toBe(false);
    for (const scenario of [...scenarios, ...gitScenarios])
      expect(scenario.name.startsWith('dc-')).toBe(false);
  });

  test.each(dcScenarios.map((s) => [s.name, s] as const))('%s: well-formed', (_name, scenario) => {
    expect(scenario.name).toMatch(/^dc(-[a-z0-9]+)+$/);
    expect(scenario.title.length).toBeLessThanOrEqual(100);
    const sentences = scenario.story.split(/(?<=[.!?]["')]?)\s+(?=[A-Z"])/).length;
    expect(sentences).toBeGreaterThanOrEqual(2);
    expect(sentences).toBeLessThanOrEqual(4);
    expect(scenario.source).toMatch(/bitbucket-auth\.md §(2\.1|8|9|12\.3)/);
    expect(scenario.args.length % 2).toBe(0);
    expect(scenario.args.join(' ')).not.toMatch(/--api-url|--auth-url/);
    scenario.args.forEach((arg, index) => {
      if (arg.includes('{base}')) expect(scenario.args[index - 1]).toBe('--url');
    });
    for (const name of Object.keys(scenario.env ?? {})) expect(name).toMatch(/^BITBUCKET_[A-Z_]+$/);
    expect(scenario.world.product).toBe('data-center');
    for (const t of scenario.world.tokens) expect(t.secret).toMatch(/^BBDC-[A-Za-z0-9+/]{44}$/);
  });

  /** The wire behaviour each story relies on, against its own world. */
  const PREMISES: Record<string, (sim: RunningSimulator, s: DcScenario) => Promise<void>> = {
    'dc-healthy': async (sim, s) => {
      const res = await get(sim, SECRET_REPO, bearer(s.env!['BITBUCKET_ACCESS_TOKEN']!));
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ausername')).toBe('alice');
    },
    'dc-lowercase-bearer': async (sim, s) => {
      // The lower-case scheme is ignored: the private repository answers as to nobody.
      const header = s.args[s.args.indexOf('--header') + 1]!.replace(/^Authorization:\s*/u, '');
      const res = await get(sim, SECRET_REPO, header);
      expect(res.status).toBe(401);
      expect(res.headers.get('x-ausername')).toBeNull();
      const fixed = await get(sim, SECRET_REPO, header.replace(/^bearer/u, 'Bearer'));
      expect(fixed.status).toBe(200);
    },
    'dc-wrong-password': async (sim, s) => {
      const res = await get(
        sim,
        SECRET_REPO,
        basic(s.env!['BITBUCKET_USERNAME']!, s.env!['BITBUCKET_PASSWORD']!),
      );
      expect(res.status).toBe(401);
      expect(error0(res, 'exceptionName')).toBe(EXC.password);
      expect(res.headers.get('x-ausername')).toBeNull();
    },
    'dc-email-as-username': async (sim, s) => {
      const password = s.env!['BITBUCKET_PASSWORD']!;
      expect(s.env!['BITBUCKET_USERNAME']).toContain('@');
      expect(
        (await get(sim, SECRET_REPO, basic(s.env!['BITBUCKET_USERNAME']!, password))).status,
      ).toBe(401);
      expect((await get(sim, SECRET_REPO, basic('alice', password))).status).toBe(200);
    },
    'dc-captcha': async (sim, s) => {
      const res = await get(
        sim,
        SECRET_REPO,
        basic(s.env!['BITBUCKET_USERNAME']!, s.env!['BITBUCKET_PASSWORD']!),
      );
      expect(error0(res, 'exceptionName')).toBe(EXC.captcha);
    },
    'dc-not-permitted': async (sim, s) => {
      const res = await get(
        sim,
        SECRET_REPO,
        basic(s.env!['BITBUCKET_USERNAME']!, s.env!['BITBUCKET_PASSWORD']!),
      );
      expect(res.status).toBe(401);
      expect(res.headers.get('x-ausername')).toBe('carol');
      expect(error0(res, 'exceptionName')).toBe(EXC.authorisation);
    },
    'dc-project-token-as-basic': async (sim, s) => {
      const secret = s.env!['BITBUCKET_PASSWORD']!;
      expect(secret.startsWith('BBDC-')).toBe(true);
      expect(
        (await get(sim, SECRET_REPO, basic(s.env!['BITBUCKET_USERNAME']!, secret))).status,
      ).toBe(401);
      expect((await get(sim, SECRET_REPO, bearer(secret))).status).toBe(200);
    },
    'dc-expired-token': async (sim, s) => {
      const res = await get(sim, SECRET_REPO, bearer(s.env!['BITBUCKET_ACCESS_TOKEN']!));
      expect(res.status).toBe(401);
      expect(res.headers.get('x-ausername')).toBeNull();
    },
    'dc-token-outside-rest': async (sim, s) => {
      const path = s.args[1]!.replace('{base}', '');
      const res = await get(sim, path, bearer(s.env!['BITBUCKET_ACCESS_TOKEN']!));
      expect(res.status).toBe(302);
      const rest = await get(
        sim,
        '/rest/api/1.0/users/alice',
        bearer(s.env!['BITBUCKET_ACCESS_TOKEN']!),
      );
      expect(rest.headers.get('x-ausername')).toBe('alice');
    },
    'dc-basic-disabled': async (sim, s) => {
      const res = await get(
        sim,
        SECRET_REPO,
        basic(s.env!['BITBUCKET_USERNAME']!, s.env!['BITBUCKET_PASSWORD']!),
      );
      expect(res.status).toBe(403);
      expect((await get(sim, SECRET_REPO, bearer(PAT))).status).toBe(200);
    },
    'dc-cloud-token': async (sim, s) => {
      const secret = s.env!['BITBUCKET_API_TOKEN']!;
      expect(secret.startsWith('ATATT')).toBe(true);
      const res = await get(sim, SECRET_REPO, basic(s.env!['BITBUCKET_EMAIL']!, secret));
      expect(res.status).toBe(401);
      expect(error0(res, 'exceptionName')).toBe(EXC.password);
    },
    'dc-cloud-path': async (sim, s) => {
      const path = s.args[1]!.replace('{base}', '');
      expect(path.startsWith('/2.0/')).toBe(true);
      expect((await get(sim, path, bearer(s.env!['BITBUCKET_ACCESS_TOKEN']!))).status).toBe(302);
      expect((await get(sim, path)).status).toBe(404);
      expect(
        (await get(sim, `${SECRET_REPO}/commits`, bearer(s.env!['BITBUCKET_ACCESS_TOKEN']!)))
          .status,
      ).toBe(200);
    },
    'dc-git-basic-disabled': async (sim, s) => {
      const { username, secret } = s.git!.credential;
      const refs = '/scm/acme/secret-repo.git/info/refs?service=git-upload-pack';
      expect((await get(sim, refs, basic(username, secret))).status).toBe(403);
      expect((await get(sim, refs, bearer(PAT))).status).toBe(200);
      expect((await get(sim, SECRET_REPO, basic(username, secret))).status).toBe(200);
    },
  };

  test.each(dcScenarios.map((s) => [s.name, s] as const))(
    '%s: the premise holds',
    async (name, scenario) => {
      const sim = await startSimulator({ scenario });
      running.push(sim);
      expect(PREMISES[name], `premise for ${name}`).toBeDefined();
      await PREMISES[name]!(sim, scenario);
    },
  );

  test.each(dcScenarios.map((s) => [s.name, s] as const))(
    '%s: describeScenario',
    (_name, scenario) => {
      const base = 'http://127.0.0.1:40000/bitbucket';
      const lines = describeScenario(scenario, base);
      const text = lines.join('\n');
      expect(text).toContain('Bitbucket Data Center simulator');
      expect(text).toContain(`Base URL:        ${base}`);
      expect(text).not.toContain('{base}');
      expect(text).not.toContain('{git-url}');
      for (const t of scenario.world.tokens) expect(text).toContain(t.secret);
      for (const u of scenario.world.users) expect(text).toContain(u.password);
      expect(text).toContain(`bb-doctor --api-url ${base}`);
      const curls = lines.filter((line) => line.trimStart().startsWith('curl '));
      expect(curls).toHaveLength(scenario.world.users.length + scenario.world.tokens.length);
      expect(lines.every((line) => !line.includes('\n'))).toBe(true);
      expect(describeScenario(scenario, base)).toEqual(lines);
    },
  );
});
