// What `bb-doctor simulate` prints when it starts: the base URL, the world's test credentials and an
// example curl command for each. Pure: it returns lines, the CLI prints them.

import { FAULT_DESCRIPTIONS } from './faults.js';
import { TOKEN_PATH } from './oauth.js';
import { credentialTable, describeDcScenario } from './dc-describe.js';
import type { AnyScenario } from './scenarios.js';
import { gitHomeFiles, gitUrl, isDcScenario } from './scenarios.js';
import type { Consumer, Credential, World } from './world.js';
import { findAccount, findConsumer } from './world.js';

interface CredentialRow {
  label: string;
  kind: string;
  user: string;
  secret: string;
  example: string;
  note: string;
}

/** Quote a word for a POSIX shell. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  if (/[\n\r\t]/.test(word)) {
    const escaped = word
      .replace(/\\/g, '\\\\')
      .replace(/'/g, "\\'")
      .replace(/\n/g, '\\n')
      .replace(/\r/g, '\\r')
      .replace(/\t/g, '\\t');
    return `$'${escaped}'`;
  }
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function curl(parts: string[]): string {
  return ['curl', '-sS', ...parts.map(shellQuote)].join(' ');
}

function consumerRow(consumer: Consumer, base: string): CredentialRow {
  const problems = [
    consumer.isPrivate ? null : 'not private: client_credentials fails',
    consumer.callbackUrl === null ? 'no callback URL: token requests fail' : null,
  ].filter((problem): problem is string => problem !== null);
  return {
    label: consumer.label,
    kind: 'oauth-consumer',
    user: `owner ${consumer.owner}`,
    secret: `${consumer.key}:${consumer.secret}`,
    example: curl([
      '-u',
      `${consumer.key}:${consumer.secret}`,
      '-d',
      'grant_type=client_credentials',
      `${base}${TOKEN_PATH}`,
    ]),
    note: problems.length > 0 ? problems.join('; ') : `scopes: ${consumer.scopes.join(' ')}`,
  };
}

function credentialRow(world: World, credential: Credential, base: string): CredentialRow {
  const account = 'account' in credential ? findAccount(world, credential.account) : undefined;
  const username = account?.username ?? '?';
  const email = account?.email ?? '?';
  const userUrl = `${base}/2.0/user`;
  const row = { label: credential.label, kind: credential.kind, secret: credential.secret };
  const consumerOf = (key: string): Consumer | undefined => findConsumer(world, key);
  switch (credential.kind) {
    case 'api-token':
      return {
        ...row,
        user: email,
        example: curl(['-u', `${email}:${credential.secret}`, userUrl]),
        note: `Basic with the email; scopes: ${credential.scopes.join(' ')}`,
      };
    case 'classic-api-token':
      return {
        ...row,
        user: email,
        example: curl(['-u', `${email}:${credential.secret}`, userUrl]),
        note: 'unscoped classic token: 401',
      };
    case 'app-password':
      return {
        ...row,
        user: username,
        example: curl(['-u', `${username}:${credential.secret}`, userUrl]),
        note: 'app passwords were removed 2026-07-28: 401',
      };
    case 'account-password':
      return {
        ...row,
        user: username,
        example: curl(['-u', `${username}:${credential.secret}`, userUrl]),
        note: 'account passwords are rejected since 2022-03-01: 401',
      };
    case 'oauth-token': {
      const consumer = consumerOf(credential.consumer);
      return {
        ...row,
        user: `${username} via ${consumer?.label ?? '?'}`,
        example: curl(['-H', `Authorization: Bearer ${credential.secret}`, userUrl]),
        note:
          credential.expired === true
            ? 'expired: 401'
            : `${credential.grant} token; scopes: ${(credential.scopes ?? consumer?.scopes ?? []).join(' ')}`,
      };
    }
    case 'refresh-token':
    case 'auth-code': {
      const consumer = consumerOf(credential.consumer);
      const grant =
        credential.kind === 'refresh-token'
          ? ['-d', 'grant_type=refresh_token', '-d', `refresh_token=${credential.secret}`]
          : ['-d', 'grant_type=authorization_code', '-d', `code=${credential.secret}`];
      return {
        ...row,
        user: `${username} via ${consumer?.label ?? '?'}`,
        example: curl([
          '-u',
          `${consumer?.key ?? '?'}:${consumer?.secret ?? '?'}`,
          ...grant,
          `${base}${TOKEN_PATH}`,
        ]),
        note: credential.kind === 'refresh-token' ? 'single use: rotates' : 'single use',
      };
    }
    case 'access-token': {
      const target =
        credential.level === 'repository' && credential.target !== undefined
          ? `${credential.workspace}/${credential.target}`
          : credential.workspace;
      const url =
        credential.level === 'repository' && credential.target !== undefined
          ? `${base}/2.0/repositories/${credential.workspace}/${credential.target}`
          : `${base}/2.0/repositories/${credential.workspace}`;
      return {
        ...row,
        kind: `${credential.level}-access-token`,
        user: target,
        example: curl(['-H', `Authorization: Bearer ${credential.secret}`, url]),
        note: `Bearer only; scopes: ${credential.scopes.join(' ')}`,
      };
    }
  }
}

/**
 * The lines `bb-doctor simulate` prints for a scenario served at `baseUrl` (`running.base`: for Data
 * Center with its context path; no trailing slash). The secrets shown are the simulator's own public
 * test credentials. With `width`, the credentials are laid out for it (the CLI fits the other lines).
 */
export function describeScenario(scenario: AnyScenario, baseUrl: string, width?: number): string[] {
  if (isDcScenario(scenario)) return describeDcScenario(scenario, baseUrl, width);
  const base = baseUrl.replace(/\/+$/, '');
  const { world } = scenario;
  const lines: string[] = [
    `Bitbucket Cloud simulator: scenario "${scenario.name}" (${scenario.title})`,
    'This is a local simulator, not bitbucket.org. Every credential below is a public test value.',
    '',
    `Base URL:        ${base}`,
    `REST API:        ${base}/2.0/...`,
    `Token endpoint:  POST ${base}${TOKEN_PATH}`,
    `Git over HTTP:   ${base}/{workspace}/{repo}.git (ls-remote, fetch, clone; every push refused)`,
  ];
  if (scenario.fault !== undefined) {
    lines.push(`Fault:           ${scenario.fault} (${FAULT_DESCRIPTIONS[scenario.fault]})`);
  }
  if (scenario.latencyMs !== undefined) lines.push(`Latency:         ${scenario.latencyMs} ms`);

  lines.push('', 'Accounts and workspaces:');
  for (const account of world.accounts) {
    const workspaces = world.workspaces
      .filter((ws) => ws.members.includes(account.username))
      .map((ws) => ws.slug);
    lines.push(
      `  ${account.username} <${account.email}> (${account.displayName}), member of: ${workspaces.join(', ') || 'none'}`,
    );
  }
  for (const ws of world.workspaces) {
    const repos = ws.repositories.map(
      (repo) => `${repo.slug} (${repo.isPrivate ? 'private' : 'public'})`,
    );
    lines.push(`  workspace ${ws.slug}: ${repos.join(', ')}`);
  }

  const rows = [
    ...world.consumers.map((consumer) => consumerRow(consumer, base)),
    ...world.credentials.map((credential) => credentialRow(world, credential, base)),
  ];
  lines.push('', 'Test credentials:');
  if (rows.length === 0) {
    lines.push('  (none)');
  } else {
    lines.push(...credentialTable(rows, width));
    lines.push('', 'Example requests:');
    for (const row of rows) {
      lines.push(`  # ${row.label} (${row.kind}): ${row.note}`, `  ${row.example}`);
    }
  }

  const { git } = scenario;
  const url = git ? gitUrl(git, base) : '';
  const fill = (arg: string): string => arg.split('{git-url}').join(url).split('{base}').join(base);
  const args = scenario.args.map((arg) => shellQuote(fill(arg)));
  const env = Object.entries(scenario.env ?? {}).map(
    ([name, value]) => `${name}=${shellQuote(value)}`,
  );
  lines.push(
    '',
    `The story (expected finding: ${scenario.expected.code ?? 'none, healthy'}):`,
    `  ${scenario.story}`,
  );
  if (git) {
    lines.push('', 'Run git against it (with prompts off, GIT_TERMINAL_PROMPT=0):');
    for (const [file, text] of Object.entries(gitHomeFiles(git, base))) {
      lines.push(`  # in ~/${file}: ${text.trimEnd().split('\n').join(' | ')}`);
    }
    lines.push(`  git ${git.command.map((word) => shellQuote(fill(word))).join(' ')}`);
  }
  lines.push(
    '',
    // The doctor asks the same credential helper as git: the same HOME.
    git ? 'Run the doctor against it (in the same HOME):' : 'Run the doctor against it:',
    `  ${[...env, 'bb-doctor', '--api-url', base, '--auth-url', base, ...args].join(' ')}`,
  );
  return lines;
}
