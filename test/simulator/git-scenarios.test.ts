// The git scenarios (bitbucket-auth.md §12.1): well-formed, a list of their own (git's side of the
// world needs a HOME and a URL), and each story really happens with the REAL git binary against its world.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { describeScenario } from '../../src/simulator/describe.js';
import type { GitStory, Scenario } from '../../src/simulator/scenarios.js';
import {
  getScenario,
  gitHomeFiles,
  gitScenarios,
  gitUrl,
  scenarios,
} from '../../src/simulator/scenarios.js';
import type { RequestLogEntry } from '../../src/simulator/server.js';
import { startSimulator } from '../../src/simulator/server.js';
import { gitHome } from './git-helpers.js';

/** contract.md "Git over HTTPS": the git codes and the existing codes with a git form. */
const GIT_CODES = [
  'GIT_USERNAME_WRONG',
  'GIT_ACCESS_TOKEN_USERNAME',
  'IP_NOT_ALLOWED',
  'TWO_STEP_REQUIRED',
  'APP_PASSWORD_REMOVED',
  'SCOPE_MISSING',
  'API_TOKEN_UNSCOPED',
  'ACCOUNT_PASSWORD_REJECTED',
  'REPO_NOT_FOUND_OR_NO_ACCESS',
  'NO_CREDENTIALS',
];

/** The credential that fixes each story, as git would send it (null: the token itself must change). */
const FIXES: Record<string, ((story: GitStory) => GitStory['credential']) | null> = {
  'git-api-token-email': (story) => ({ ...story.credential, username: 'alice' }),
  'git-app-password-cached': null,
  'git-token-no-repo-scope': null,
  'git-access-token-username': (story) => ({ ...story.credential, username: 'x-token-auth' }),
  'git-api-token-unscoped': null,
  'git-ip-not-allowed': null,
  'git-two-step-required': null,
};

async function runStory(
  scenario: Scenario,
  story: GitStory,
): Promise<{ code: number; stderr: string; log: RequestLogEntry[] }> {
  const log: RequestLogEntry[] = [];
  const sim = await startSimulator({ scenario, onRequest: (entry) => log.push(entry) });
  const home = await gitHome();
  try {
    for (const [file, text] of Object.entries(gitHomeFiles(story, sim.url))) {
      await writeFile(join(home.dir, file), text, { mode: 0o600 });
    }
    const args = story.command.map((word) => word.replace('{git-url}', gitUrl(story, sim.url)));
    const run = await home.run(args);
    return { code: run.code, stderr: run.stderr, log };
  } finally {
    await home.remove();
    await sim.close();
  }
}

describe('git scenario data', () => {
  test('the stories, found by name, not among the scenarios the doctor is run on yet', () => {
    expect(gitScenarios.map((s) => s.name)).toEqual(Object.keys(FIXES));
    const all = [...scenarios, ...gitScenarios].map((s) => s.name);
    expect(new Set(all).size).toBe(all.length);
    for (const scenario of gitScenarios) {
      expect(getScenario(scenario.name)).toBe(scenario);
      expect(scenarios).not.toContain(scenario);
      expect(scenarios.some((s) => s.git !== undefined)).toBe(false);
    }
  });

  test.each(gitScenarios.map((s) => [s.name, s] as const))('%s: well-formed', (_name, s) => {
    expect(s.name).toMatch(/^git(-[a-z0-9]+)+$/);
    expect(s.title).not.toMatch(/\n/);
    expect(s.title.length).toBeLessThanOrEqual(100);
    const sentences = s.story.split(/(?<=[.!?]["')]?)\s+(?=[A-Z"])/).length;
    expect(sentences).toBeGreaterThanOrEqual(2);
    expect(sentences).toBeLessThanOrEqual(4);
    expect(s.source).toContain('bitbucket-auth.md §12.1');
    expect(GIT_CODES).toContain(s.expected.code);
    expect(s.expected.exit).toBe(1);
    expect(s.args.slice(0, 2)).toEqual(['--git-url', '{git-url}']);
    const git = s.git!;
    expect(git.url.startsWith('{base}/')).toBe(true);
    expect(['ls-remote', 'fetch', 'clone']).toContain(git.command[0]);
    const secrets = s.world.credentials.map((c) => c.secret);
    expect(secrets).toContain(git.credential.secret);
  });

  test('the git URL carries userinfo only when the credential is in it; the store file otherwise', () => {
    const base = 'http://127.0.0.1:40000';
    const inUrl = getScenario('git-api-token-email')!.git!;
    expect(gitUrl(inUrl, base)).toMatch(
      /^http:\/\/alice%40example\.com:ATATT3x[^@]+@127\.0\.0\.1:40000\/acme\/secret-repo\.git$/,
    );
    expect(gitHomeFiles(inUrl, base)).toEqual({});
    const stored = getScenario('git-app-password-cached')!.git!;
    expect(gitUrl(stored, base)).toBe(`${base}/acme/secret-repo.git`);
    expect(gitHomeFiles(stored, base)).toEqual({
      '.gitconfig': '[credential]\n\thelper = store\n',
      '.git-credentials': `http://alice:${stored.credential.secret}@127.0.0.1:40000\n`,
    });
  });

  test.each(gitScenarios.map((s) => [s.name, s] as const))(
    '%s: bb-doctor simulate shows the git URL and the git command',
    (_name, s) => {
      const base = 'http://127.0.0.1:40000';
      const text = describeScenario(s, base).join('\n');
      expect(text).not.toMatch(/\{base\}|\{git-url\}/);
      expect(text).toContain(`Git over HTTP:   ${base}/{workspace}/{repo}.git`);
      expect(text).toContain(`git ${s.git!.command[0]!} `);
      // The doctor's command follows git's, in the same HOME (the same credential helper).
      expect(text).toContain('Run the doctor against it (in the same HOME):');
      expect(text).toMatch(/bb-doctor --api-url \S+ --auth-url \S+ --git-url /u);
    },
  );
});

describe('every git story happens with the real git', () => {
  test.each(gitScenarios.map((s) => [s.name, s] as const))('%s', async (name, scenario) => {
    const story = scenario.git!;
    const failed = await runStory(scenario, story);
    expect(failed.code, failed.stderr).toBe(story.gitExit);
    for (const line of story.gitStderr) expect(failed.stderr).toContain(line);
    // git asked anonymously first, was challenged, then sent the credential; nothing was pushed.
    expect(failed.log[0]?.status).toBe(401);
    expect(failed.log[0]?.auth).toBe('none');
    expect(failed.log.every((entry) => entry.method === 'GET')).toBe(true);
    const fix = FIXES[name];
    if (fix) {
      const fixed = await runStory(scenario, { ...story, credential: fix(story) });
      expect(fixed.code, fixed.stderr).toBe(0);
    }
  });
});
