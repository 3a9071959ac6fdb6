// What `bb-doctor simulate` prints for a Data Center scenario: the base URL with its context path,
// the users and their passwords, the HTTP access tokens, an example curl command for each, and the
// story. Pure: it returns lines, the CLI prints them.

import type { DcScenario } from './dc-scenarios.js';
import type { DcToken, DcWorld } from './dc-world.js';
import { botUsername } from './dc-world.js';
import { gitHomeFiles, gitUrl } from './scenarios.js';

/** Quote a word for a POSIX shell (the same rule as describe.ts). */
function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function curl(parts: string[]): string {
  return ['curl', '-sS', '-i', ...parts.map(shellQuote)].join(' ');
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * The test credentials, indented by two: a table (LABEL KIND USER SECRET) when it fits `width`
 * columns, else one block each, the secret alone on its own line (whole, to be copied).
 */
export function credentialTable(
  rows: readonly { label: string; kind: string; user: string; secret: string }[],
  width = Number.POSITIVE_INFINITY,
): string[] {
  const lines = table([
    ['LABEL', 'KIND', 'USER', 'SECRET'],
    ...rows.map((row) => [row.label, row.kind, row.user, row.secret]),
  ]).map((line) => `  ${line}`);
  if (lines.every((line) => line.length <= width)) return lines;
  return rows.flatMap((row) => [`  ${row.label} (${row.kind}), ${row.user}:`, `    ${row.secret}`]);
}

function tokenTarget(token: DcToken): string {
  if (token.kind === 'personal') return `acts as ${token.user ?? '?'}`;
  const what =
    token.kind === 'project'
      ? (token.project ?? '?')
      : `${token.project ?? '?'}/${token.repository ?? '?'}`;
  return `${what}, acts as ${botUsername(token)}`;
}

function tokenExample(world: DcWorld, token: DcToken, base: string): string {
  const project = token.project ?? world.projects[0]?.key ?? 'ACME';
  const repo =
    token.repository ??
    world.projects.find((p) => p.key === project)?.repositories[0]?.slug ??
    'secret-repo';
  return curl([
    '-H',
    `Authorization: Bearer ${token.secret}`,
    `${base}/rest/api/1.0/projects/${project}/repos/${repo}`,
  ]);
}

/**
 * The lines `bb-doctor simulate` prints for a Data Center scenario served at `base` (origin +
 * context path, `running.base`). The secrets shown are the simulator's own public test values.
 * With `width`, the credentials are laid out for it (the CLI fits the other lines).
 */
export function describeDcScenario(
  scenario: DcScenario,
  baseUrl: string,
  width?: number,
): string[] {
  const base = baseUrl.replace(/\/+$/, '');
  const { world } = scenario;
  const switches = [
    world.basicAuthDisabled === true
      ? 'basic auth on API calls: OFF (403)'
      : 'basic auth on API calls: on',
    world.basicAuthDisabledForGit === true
      ? 'basic auth for git: OFF (403)'
      : 'basic auth for git: on',
  ];
  const lines: string[] = [
    `Bitbucket Data Center simulator: scenario "${scenario.name}" (${scenario.title})`,
    'This is a local simulator, not a real Bitbucket server. Every credential below is a public test value.',
    '',
    `Base URL:        ${base}`,
    `REST API:        ${base}/rest/api/1.0/... (also /rest/api/latest/...)`,
    `Git over HTTP:   ${base}/scm/{PROJECT}/{repo}.git (ls-remote, fetch, clone; every push refused)`,
    `Version:         ${world.version.version} (${base}/rest/api/1.0/application-properties)`,
    `Switches:        ${switches.join('; ')}`,
    `CAPTCHA:         after ${String(world.captchaThreshold ?? 5)} failed password logins of a username`,
  ];
  if (scenario.latencyMs !== undefined) lines.push(`Latency:         ${scenario.latencyMs} ms`);

  lines.push('', 'Users, projects and repositories:');
  for (const user of world.users) {
    const grants = world.grants
      .filter((g) => g.user === user.username)
      .map(
        (g) =>
          `${g.repository === undefined ? g.project : `${g.project}/${g.repository}`} ${g.permission}`,
      );
    const locked =
      (user.failedLogins ?? 0) >= (world.captchaThreshold ?? 5) ? ', LOCKED (CAPTCHA)' : '';
    lines.push(
      `  ${user.username} <${user.email}> (${user.displayName})${user.sysadmin === true ? ', sysadmin' : ''}${locked}: ${grants.join(', ') || 'no permissions'}`,
    );
  }
  for (const project of world.projects) {
    const repos = project.repositories.map(
      (r) => `${r.slug} (${r.isPublic ? 'public' : 'private'})`,
    );
    lines.push(`  project ${project.key}: ${repos.join(', ')}`);
  }

  const rows = [
    ...world.users.map((user) => ({
      label: user.username,
      kind: 'password',
      user: user.username,
      secret: user.password,
      example: curl([
        '-u',
        `${user.username}:${user.password}`,
        `${base}/rest/api/1.0/users/${user.username}`,
      ]),
      note: 'Basic with the username (not the email)',
    })),
    ...world.tokens.map((token) => ({
      label: token.label,
      kind: `${token.kind}-token`,
      user: tokenTarget(token),
      secret: token.secret,
      example: tokenExample(world, token, base),
      note: `${token.permission}; ${token.expired === true ? 'expired: 401' : token.kind === 'personal' ? 'Bearer, or the password in Basic' : 'Bearer only'}`,
    })),
  ];
  lines.push(
    '',
    'Test credentials:',
    ...credentialTable(rows, width),
    '',
    'Example requests (curl -i shows X-AREQUESTID and X-AUSERNAME):',
  );
  for (const row of rows)
    lines.push(`  # ${row.label} (${row.kind}): ${row.note}`, `  ${row.example}`);

  const { git } = scenario;
  const url = git ? gitUrl(git, base) : '';
  const fill = (arg: string): string => arg.split('{git-url}').join(url).split('{base}').join(base);
  const env = Object.entries(scenario.env ?? {}).map(
    ([name, value]) => `${name}=${shellQuote(value)}`,
  );
  lines.push(
    '',
    `The story (expected finding: ${scenario.expected.code ?? 'none, healthy'}):`,
    `  ${scenario.story}`,
    '',
    'Run the doctor against it:',
    `  ${[...env, 'bb-doctor', '--api-url', base, ...scenario.args.map((a) => shellQuote(fill(a)))].join(' ')}`,
  );
  if (git) {
    lines.push('', 'Run git against it (with prompts off, GIT_TERMINAL_PROMPT=0):');
    for (const [file, text] of Object.entries(gitHomeFiles(git, base))) {
      lines.push(`  # in ~/${file}: ${text.trimEnd().split('\n').join(' | ')}`);
    }
    lines.push(`  git ${git.command.map((word) => shellQuote(fill(word))).join(' ')}`);
  }
  return lines;
}
