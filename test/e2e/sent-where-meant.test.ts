import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { CLOUD_EDGE_HEADERS } from '../../src/knowledge/headers.js';
import { CLOUD_HOSTS } from '../../src/knowledge/hosts.js';
import { OAUTH_PATHS } from '../../src/knowledge/wire.js';
import { fakeIO } from '../helpers/io.js';

/**
 * Issue #10, "Sent only where meant": the whole CLI (`main`) against local servers that log what
 * they received. Each test names the defect it pins.
 */

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

interface Recorder {
  readonly origin: string;
  readonly seen: Seen[];
  close(): Promise<void>;
}

const open: Recorder[] = [];

/** A tiny server on 127.0.0.1 that records every request (headers, body) and answers `answer`. */
const recorder = async (answer: (seen: Seen, origin: string) => Answer): Promise<Recorder> => {
  const seen: Seen[] = [];
  let origin = '';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(entry);
      const a = answer(entry, origin);
      res.writeHead(a.status, { 'content-type': 'application/json', ...(a.headers ?? {}) });
      res.end(a.body ?? '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const r: Recorder = {
    origin,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  open.push(r);
  return r;
};

afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

interface Report {
  credentials: { kind: string; source: string; fingerprint: string }[];
  withheld?: {
    kind: string;
    source: string;
    fingerprint: string;
    origin: string;
    reason: string;
  }[];
  checks: { id: string; status: string; summary: string; details?: string[] }[];
  warnings: string[];
}

const run = async (argv: string[], env: Record<string, string> = {}) => {
  const t = fakeIO(env);
  const code = await main(argv, t.sink);
  return { code, out: t.out(), err: t.err() };
};

/** Every header value a server saw, and Basic pairs decoded: where a secret could hide. */
const everything = (seen: readonly Seen[]): string =>
  seen
    .flatMap((s) => [
      s.body,
      ...Object.values(s.headers).flatMap((v) => (Array.isArray(v) ? v : [v ?? ''])),
    ])
    .map((v) => {
      const basic = /^basic\s+(\S+)$/iu.exec(v);
      return basic === null ? v : `${v} ${Buffer.from(basic[1] ?? '', 'base64').toString()}`;
    })
    .join('\n');

const BITBUCKET_LIKE = Object.fromEntries(CLOUD_EDGE_HEADERS.map((h) => [h, 'trace-1']));
const TOKEN = 'ATATT3xFfGF0EnvironmentToken0123456789abcdefXYZ';

describe('sent only where meant (whole CLI)', () => {
  it('defect 1: a redirect to another origin carries none of the credential headers', async () => {
    const other = await recorder(() => ({ status: 200, headers: BITBUCKET_LIKE }));
    const api = await recorder((s) => ({
      status: 302,
      headers: { ...BITBUCKET_LIKE, location: `${other.origin}${s.url}` },
    }));
    const headers = {
      Authorization: 'Bearer redirect-auth-secret-0001',
      Cookie: 'session=redirect-cookie-secret-0001',
      'Private-Token': 'redirect-private-secret-0001',
      'X-Auth-Token': 'redirect-xauth-secret-0001',
      'X-Api-Key': 'redirect-apikey-secret-0001',
      'Proxy-Authorization': 'Basic cmVkaXJlY3Q6cHJveHktc2VjcmV0LTAwMDE=',
    };
    await run([
      ...['--api-url', api.origin, '--auth-url', api.origin, '--workspace', 'acme'],
      ...['--url', `${api.origin}/2.0/repositories/acme/r`, '--format', 'json'],
      ...Object.entries(headers).flatMap(([n, v]) => ['--header', `${n}: ${v}`]),
    ]);
    // Sent where meant (the API the user named)...
    const atApi = api.seen.map((s) => s.headers);
    for (const name of Object.keys(headers))
      expect(
        atApi.some((h) => h[name.toLowerCase()] !== undefined),
        name,
      ).toBe(true);
    // ...and never after the redirect to the other origin.
    expect(other.seen.length).toBeGreaterThan(0);
    for (const s of other.seen)
      for (const name of Object.keys(headers))
        expect(s.headers[name.toLowerCase()], `${name} at ${s.url}`).toBeUndefined();
  });

  it('defect 3: what git stores for bitbucket.org never goes to a --url host', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-sent-git-'));
    const secret = 'ATATT3xFfGF0StoredForTheCloudSite0123456789abc';
    // A helper that, like a keychain, answers only for the host it stores the credential for.
    const helper = join(dir, 'helper.sh');
    writeFileSync(
      helper,
      `#!/bin/sh\n[ "$1" = get ] || exit 0\nif grep -q '^host=${CLOUD_HOSTS.website}$'; then\necho username=alice@example.com\necho password=${secret}\nfi\n`,
    );
    chmodSync(helper, 0o755);
    const config = join(dir, 'gitconfig');
    writeFileSync(config, `[credential]\n\thelper = ${helper}\n`);
    const api = await recorder(() => ({ status: 401, headers: BITBUCKET_LIKE }));
    const { out } = await run(
      ['--git-credential', '--url', `${api.origin}/2.0/repositories/acme/r`, '--format', 'json'],
      {
        PATH: process.env['PATH'] ?? '',
        HOME: dir,
        GIT_CONFIG_GLOBAL: config,
        GIT_CONFIG_NOSYSTEM: '1',
      },
    );
    const report = JSON.parse(out) as Report;
    expect(api.seen.length).toBeGreaterThan(0);
    expect(everything(api.seen)).not.toContain(secret);
    // git was asked for bitbucket.org (no --api-url names another site) and answered: the
    // credential is withheld from the --url host, and the report says so.
    expect(report.credentials.map((c) => c.source)).toContain(`git-credential:${helper}`);
    expect(report.withheld).toContainEqual(
      expect.objectContaining({
        source: `git-credential:${helper}`,
        origin: api.origin,
        reason: `stored for ${CLOUD_HOSTS.website}`,
      }),
    );
  });

  it('defect 3: a .netrc entry goes only to its machine: a --url on another host looks up that host', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-sent-netrc-'));
    const secret = 'ATATT3xFfGF0NetrcForTheApiHost0123456789abcdef';
    const netrc = join(dir, 'netrc');
    writeFileSync(netrc, `machine ${CLOUD_HOSTS.api} login alice@example.com password ${secret}\n`);
    chmodSync(netrc, 0o600);
    const api = await recorder(() => ({ status: 401, headers: BITBUCKET_LIKE }));
    const { out } = await run([
      ...['--netrc-file', netrc, '--url', `${api.origin}/2.0/repositories/acme/r`],
      ...['--format', 'json'],
    ]);
    const report = JSON.parse(out) as Report & { warnings: string[] };
    expect(api.seen.length).toBeGreaterThan(0);
    expect(everything(api.seen)).not.toContain(secret);
    // .netrc is read as curl -n reads it, for the host called (the --url's): the entry for
    // another machine is not even a credential of the run.
    expect(report.credentials.map((c) => c.source)).not.toContain(`netrc:${netrc}`);
    expect(report.warnings.join(' ')).toContain(
      `${netrc} has no machine entry (with a password) for 127.0.0.1`,
    );
    expect(out).not.toContain(secret);
  });

  it('defects 4 and 5: a pasted curl’s host gets the environment token only after it answered like Bitbucket; withheld[] says why', async () => {
    const env = { BITBUCKET_API_TOKEN: TOKEN, BITBUCKET_EMAIL: 'alice@example.com' };
    const plain = await recorder(() => ({ status: 404, body: 'not found' }));
    const url = `${plain.origin}/2.0/repositories/acme/r`;
    const { out } = await run(['--format', 'json', '--', 'curl', '-s', url], env);
    const report = JSON.parse(out) as Report;
    expect(plain.seen.length).toBeGreaterThan(0);
    expect(everything(plain.seen)).not.toContain(TOKEN);
    const entry = {
      kind: 'api-token',
      source: 'env:BITBUCKET_API_TOKEN',
      fingerprint: report.credentials.find((c) => c.source === 'env:BITBUCKET_API_TOKEN')
        ?.fingerprint,
      origin: plain.origin,
      reason: 'from the environment; 127.0.0.1 did not answer like Bitbucket without credentials',
    };
    expect(report.withheld).toContainEqual(entry);
    expect(out).not.toContain(TOKEN);
    // The text and Markdown reports say it in one line.
    const text = await run(['--format', 'text', '--', 'curl', '-s', url], env);
    expect(text.out.replace(/\s+/gu, ' ')).toContain(
      `! not sent: api-token from env:BITBUCKET_API_TOKEN (${entry.fingerprint}) to ${plain.origin}: ${entry.reason}`,
    );
    const md = await run(['--format', 'markdown', '--', 'curl', '-s', url], env);
    expect(md.out).toContain(
      `- Not sent: api-token from env:BITBUCKET_API_TOKEN (\`${entry.fingerprint}\`) to ${plain.origin}: ${entry.reason}`,
    );

    // The same command to a host that answers like Bitbucket without credentials: sent there.
    const like = await recorder(() => ({ status: 401, headers: BITBUCKET_LIKE }));
    const liked = await run(
      ['--format', 'json', '--', 'curl', '-s', `${like.origin}/2.0/repositories/acme/r`],
      env,
    );
    expect(everything(like.seen)).toContain(TOKEN);
    expect((JSON.parse(liked.out) as Report).withheld).toBeUndefined();
  });

  it('defect 4: a credential the pasted command carried goes back only to its origin', async () => {
    const own = 'curl-own-secret-0123456789abcdef';
    const api = await recorder(() => ({ status: 401, headers: BITBUCKET_LIKE }));
    const auth = await recorder(() => ({ status: 401, headers: BITBUCKET_LIKE }));
    const url = `${api.origin}/2.0/repositories/acme/r`;
    const { out } = await run([
      ...['--auth-url', auth.origin, '--format', 'json', '--'],
      ...['curl', '-s', '-H', `X-Api-Key: ${own}`, url],
    ]);
    const report = JSON.parse(out) as Report;
    expect(everything(api.seen)).toContain(own);
    expect(everything(auth.seen)).not.toContain(own);
    expect(report.withheld ?? []).toEqual([]);
  });

  it('defect 6: token-fetch spends a refresh token only with --use-refresh-token', async () => {
    const refresh = 'refreshTokenOfTheApp0123456789ab';
    const server = await recorder((s) =>
      s.url.startsWith(OAUTH_PATHS.token)
        ? {
            status: 200,
            body: JSON.stringify({
              access_token: 'fresh-access-token-0123456789abcdef',
              token_type: 'bearer',
              expires_in: 7200,
              scopes: 'repository',
              ...(s.body.includes('refresh_token=')
                ? { refresh_token: 'rotated-0123456789ab' }
                : {}),
            }),
          }
        : { status: 200, headers: BITBUCKET_LIKE },
    );
    const argv = [
      ...['--api-url', server.origin, '--auth-url', server.origin, '--format', 'json'],
      ...[
        '--client-id',
        'consumerKey0000000a',
        '--client-secret',
        'consumerSecret000000000000000aa',
      ],
      ...['--refresh-token', refresh],
    ];
    const { out } = await run(argv);
    const tokenCalls = () => server.seen.filter((s) => s.url.startsWith(OAUTH_PATHS.token));
    expect(tokenCalls().length).toBe(1);
    expect(tokenCalls()[0]?.body).toBe('grant_type=client_credentials');
    expect(everything(server.seen)).not.toContain(refresh);
    const check = (JSON.parse(out) as Report).checks.find((c) => c.id === 'token-fetch');
    expect(check?.details?.join(' ')).toMatch(/rerun with --use-refresh-token; it rotates/u);

    server.seen.length = 0;
    await run([...argv, '--use-refresh-token']);
    expect(tokenCalls()[0]?.body).toBe(`grant_type=refresh_token&refresh_token=${refresh}`);
  });
});
