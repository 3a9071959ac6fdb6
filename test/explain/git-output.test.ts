import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planExplain } from '../../src/explain/input.js';
import { CaptureError, MAX_TEXT_BYTES, parseCapture } from '../../src/explain/parse.js';
import { registerSecrets, secretsOf } from '../../src/intake/secrets.js';
import { Redactor } from '../../src/report/redactor.js';
import { gitScenarios } from '../../src/simulator/index.js';
import { FINDING_CODES } from '../../src/types.js';
import { runCli } from '../helpers/cli.js';

const DIR = new URL('../../fixtures/git/', import.meta.url);
const EXPLAIN = new URL('../../fixtures/explain/', import.meta.url);

interface Entry {
  readonly file: string;
  readonly format: 'git-trace' | 'git-stderr';
  readonly expectedCode: string;
  readonly exchanges: number;
  readonly failingExchange: number;
  readonly status: number;
  readonly push: boolean;
  readonly source: string;
  readonly secrets: readonly string[];
  readonly usernames?: readonly string[];
}

const INDEX = JSON.parse(readFileSync(new URL('index.json', DIR), 'utf8')) as Entry[];
const read = (file: string): Buffer => readFileSync(new URL(file, DIR));
const path = (file: string): string => new URL(file, DIR).pathname;
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** Every form of every secret a capture holds (as given, URL-encoded, base64 of user:secret). */
const forms = (entry: Entry): string[] =>
  entry.secrets.flatMap((secret) => [
    secret,
    encodeURIComponent(secret),
    ...(entry.usernames ?? []).flatMap((u) => [
      b64(`${u}:${secret}`).replace(/=+$/u, ''),
      b64(`${encodeURIComponent(u)}:${secret}`).replace(/=+$/u, ''),
    ]),
  ]);

const TRACE_HEAD = '16:00:00.100000 http.c:725              == Info: Connected to bitbucket.org';

describe('fixtures/git', () => {
  it('lists every file of the folder, with a known code and a source', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.txt'));
    expect(INDEX.map((e) => e.file).sort()).toEqual(files.sort());
    for (const entry of INDEX) {
      expect(FINDING_CODES).toContain(entry.expectedCode);
      expect(entry.source).toMatch(/§\d|contract\.md/u);
    }
    const codes = new Set(INDEX.map((e) => e.expectedCode));
    for (const code of [
      'APP_PASSWORD_REMOVED',
      'SCOPE_MISSING',
      'IP_NOT_ALLOWED',
      'TWO_STEP_REQUIRED',
      'NO_CREDENTIALS',
      'REPO_NOT_FOUND_OR_NO_ACCESS',
      'GIT_USERNAME_WRONG',
    ])
      expect(codes, code).toContain(code);
    for (const format of ['git-trace', 'git-stderr'])
      for (const code of codes)
        if (code !== 'REPO_NOT_FOUND_OR_NO_ACCESS' || format === 'git-stderr')
          expect(
            INDEX.some((e) => e.format === format && e.expectedCode === code),
            `${format} ${code}`,
          ).toBe(true);
  });

  it.each(INDEX)('$file parses as $format, the answer that matters is $status', (entry) => {
    const raw = read(entry.file);
    const parsed = parseCapture(raw, entry.file);
    expect(parsed.format).toBe(entry.format);
    expect(parsed.exchanges).toHaveLength(entry.exchanges);
    const failing = parsed.exchanges[entry.failingExchange - 1];
    expect(failing?.response?.status).toBe(entry.status);
    expect(failing?.request.url).toMatch(
      entry.push
        ? /\/info\/refs\?service=git-receive-pack$/u
        : /\/info\/refs\?service=git-upload-pack$/u,
    );
    expect(parsed.git).toMatchObject({
      url: expect.stringMatching(/^https:\/\/bitbucket\.org\/acme\/[\w-]+\.git$/u) as string,
      push: entry.push,
      readBack: entry.format === 'git-stderr',
    });
    for (const exchange of parsed.exchanges) {
      expect(exchange.label).toContain(entry.file);
      for (const name of Object.keys(exchange.request.headers))
        expect(name).toBe(name.toLowerCase());
    }
    // The secrets listed for the redaction tests really are in the capture.
    for (const secret of entry.secrets) {
      const text = raw.toString('utf8');
      const inBasic = (entry.usernames ?? []).some((u) => text.includes(b64(`${u}:${secret}`)));
      expect(text.includes(secret) || inBasic, `${entry.file}: secret present`).toBe(true);
    }
  });

  it('no capture of fixtures/explain is read as git output', () => {
    for (const file of readdirSync(EXPLAIN).filter((f) => /\.(?:txt|har)$/u.test(f))) {
      const { format } = parseCapture(readFileSync(new URL(file, EXPLAIN)), file);
      expect(format, file).not.toMatch(/^git-/u);
    }
  });
});

describe('git-trace', () => {
  it('keeps the requests and answers of GIT_TRACE_CURL, the remote: lines as the body', () => {
    const { exchanges, git } = parseCapture(read('app-password-410.trace.txt'), 'app');
    expect(exchanges.map((e) => [e.request.method, e.request.url, e.response?.status])).toEqual([
      ['GET', 'https://bitbucket.org/acme/legacy-app.git/info/refs?service=git-upload-pack', 401],
      ['GET', 'https://bitbucket.org/acme/legacy-app.git/info/refs?service=git-upload-pack', 410],
    ]);
    expect(exchanges[0]?.request.headers['authorization']).toBeUndefined();
    expect(exchanges[0]?.response?.headers['www-authenticate']).toBe(
      'Basic realm="Bitbucket.org HTTP"',
    );
    // git redacts the credential; the trace names the user it sent.
    expect(exchanges[1]?.request.headers['authorization']).toBe('Basic <redacted>');
    expect(git?.username).toBe('alice');
    expect(exchanges[1]?.response?.body).toBe(
      [
        'CHANGE-3222 - Functionality has been deprecated',
        'App passwords are deprecated and must be replaced with API tokens.',
        'https://developer.atlassian.com/cloud/bitbucket/changelog#CHANGE-3222',
      ].join('\n'),
    );
    expect(git?.messages).toEqual([
      "fatal: unable to access 'https://bitbucket.org/acme/legacy-app.git/': The requested URL returned error: 410",
    ]);
    expect(exchanges[1]?.traceIds?.['x-b3-traceid']).toMatch(/^[0-9a-f]{16}$/u);
  });

  it('reads a body from chunked Recv data when git prints no remote: line', () => {
    const text = readFileSync(new URL('scope-missing-403.trace.txt', DIR), 'utf8')
      .split('\n')
      .filter((l) => !/^(?:remote|fatal):/u.test(l))
      .join('\n');
    const { exchanges } = parseCapture(text, 'x');
    expect(exchanges[0]?.response?.body).toBe('');
    // git prints each byte that is not printable (here the body's newline) as a dot.
    expect(exchanges[1]?.response?.body).toBe(
      'Your credentials lack one or more required privilege scopes..',
    );
  });

  it('with GIT_TRACE_REDACT=0: the Basic header as sent and the URL with its userinfo', () => {
    const { exchanges, urls } = parseCapture(read('api-token-email-401.trace.txt'), 'email');
    const header = exchanges[1]?.request.headers['authorization'] ?? '';
    expect(Buffer.from(header.replace(/^Basic /u, ''), 'base64').toString()).toMatch(
      /^alice@example\.com:ATATT/u,
    );
    expect(exchanges[1]?.request.url).toMatch(
      /^https:\/\/alice%40example\.com:ATATT.*@bitbucket\.org\//u,
    );
    expect(urls?.some((u) => u.includes('alice%40example.com:ATATT'))).toBe(true);
  });

  it('rebuilds the Basic header git redacted from the userinfo URL curl was given', () => {
    // The fixture's credential came from a helper; with user:secret@ in the URL, curl prints the
    // URL (userinfo and all) before it answers the challenge.
    const text = readFileSync(new URL('app-password-410.trace.txt', DIR), 'utf8').replace(
      /(.*== Info: Server auth using Basic with user 'alice')/u,
      "16:00:36.845800 http.c:725              == Info: Issue another request to this URL: 'https://alice:ATBBfakeAppPassword0000gitDocs00000000@bitbucket.org/acme/legacy-app.git/info/refs?service=git-upload-pack'\n$1",
    );
    const { exchanges } = parseCapture(text, 'x');
    expect(exchanges[1]?.request.headers['authorization']).toBe(
      `Basic ${b64('alice:ATBBfakeAppPassword0000gitDocs00000000')}`,
    );
    expect(exchanges[1]?.request.url).toMatch(/^https:\/\/alice:ATBBfake[^@]*@bitbucket\.org\//u);
  });

  it('reads GIT_CURL_VERBOSE of a push: the receive-pack advertisement', () => {
    const { format, git, exchanges } = parseCapture(
      read('push-scope-missing-403.verbose.txt'),
      'p',
    );
    expect(format).toBe('git-trace');
    expect(git?.push).toBe(true);
    expect(exchanges.every((e) => e.request.url.endsWith('service=git-receive-pack'))).toBe(true);
  });

  it("reads older git's curl -v style lines with git's messages as git-trace", () => {
    const text = [
      '* Connected to bitbucket.org (104.192.141.1) port 443 (#0)',
      '* SSL connection using TLSv1.3',
      '> GET /acme/repo.git/info/refs?service=git-upload-pack HTTP/1.1',
      '> Host: bitbucket.org',
      '> Authorization: Basic <redacted>',
      '> User-Agent: git/2.20.1',
      '>',
      '< HTTP/1.1 403 Forbidden',
      '< Content-Type: text/plain',
      '<',
      '* Connection #0 to host bitbucket.org left intact',
      'remote: To access this repository, enable two-step authentication.',
      "fatal: unable to access 'https://bitbucket.org/acme/repo.git/': The requested URL returned error: 403",
    ].join('\n');
    const { format, exchanges, git } = parseCapture(text, 'old');
    expect(format).toBe('git-trace');
    expect(git?.url).toBe('https://bitbucket.org/acme/repo.git');
    expect(exchanges[0]?.response?.body).toBe(
      'To access this repository, enable two-step authentication.',
    );
  });

  it('tolerates CRLF line endings and a trace without timestamps', () => {
    const text = read('ip-not-allowed-403.trace.txt')
      .toString('utf8')
      .replace(/^\d{2}:\d{2}:\d{2}\.\d+ /gmu, '')
      .replace(/\n/gu, '\r\n');
    const { format, exchanges } = parseCapture(text, 'crlf');
    expect(format).toBe('git-trace');
    expect(exchanges[1]?.response?.status).toBe(403);
    expect(exchanges[1]?.response?.headers['content-type']).toBe('text/plain');
  });

  it("drops a proxy's CONNECT that succeeded", () => {
    const t = '16:00:00.100000 http.c:684              ';
    const text = [
      `${t}=> Send header: CONNECT bitbucket.org:443 HTTP/1.1`,
      `${t}=> Send header: Host: bitbucket.org:443`,
      `${t}=> Send header:`,
      `${t}<= Recv header: HTTP/1.1 200 Connection established`,
      `${t}<= Recv header:`,
      readFileSync(new URL('no-credentials-401.trace.txt', DIR), 'utf8'),
    ].join('\n');
    const { exchanges } = parseCapture(text, 'proxy');
    expect(exchanges.map((e) => e.request.method)).toEqual(['GET']);
    expect(exchanges[0]?.response?.status).toBe(401);
  });

  it('refuses a trace with no request, in one line that quotes nothing', () => {
    const secret = 'ATATT3xFfGF0fakeTokenNeverQuoted_0123456789';
    const text = `${TRACE_HEAD} (104.192.141.1) port 443 (#0)\n16:00:00.1 http.c:725 == Info: ${secret}\n`;
    expect(() => parseCapture(text, 't')).toThrow(CaptureError);
    expect(() => parseCapture(text, 't')).toThrow(/^t has git trace lines but no request$/u);
  });
});

describe('git-stderr', () => {
  const stderr = (...lines: string[]) => parseCapture(lines.join('\n'), 'err');

  it('reads the status from each of git messages', () => {
    const url = 'https://bitbucket.org/acme/repo.git/';
    const cases: [string, number][] = [
      [`fatal: Authentication failed for '${url}'`, 401],
      [`fatal: unable to access '${url}': The requested URL returned error: 403`, 403],
      [`fatal: repository '${url}' not found`, 404],
      [`fatal: could not read Username for '${url}': terminal prompts disabled`, 401],
      [
        `$ git fetch ${url}\nerror: RPC failed; HTTP 410 curl 22 The requested URL returned error: 410`,
        410,
      ],
      [`$ git fetch ${url}\nfatal: remote error: CAPTCHA required`, 401],
    ];
    for (const [text, status] of cases) {
      const parsed = stderr(text);
      expect(parsed.format, text).toBe('git-stderr');
      expect(parsed.exchanges[0]?.response?.status, text).toBe(status);
      expect(parsed.exchanges[0]?.request.url).toBe(
        'https://bitbucket.org/acme/repo.git/info/refs?service=git-upload-pack',
      );
    }
  });

  it('one synthetic exchange: remote: lines as the body, said to be read back', () => {
    const { exchanges, git } = parseCapture(read('repo-not-found-404.stderr.txt'), 'gone');
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]?.label).toMatch(/read back from git's stderr, not captured/u);
    expect(exchanges[0]?.response?.body).toMatch(/^You may not have access to this repository/u);
    expect(git?.readBack).toBe(true);
  });

  it('a push: receive-pack (a pasted git push line, or To URL)', () => {
    expect(
      parseCapture(read('push-scope-missing-403.stderr.txt'), 'p').exchanges[0]?.request.url,
    ).toMatch(/service=git-receive-pack$/u);
    const to = stderr(
      'To https://bitbucket.org/acme/repo.git',
      ' ! [remote rejected] main -> main (pre-receive hook declined)',
      'error: RPC failed; HTTP 403 curl 22 The requested URL returned error: 403',
    );
    expect(to.git?.push).toBe(true);
  });

  it('userinfo in a pasted URL: the Basic git sends, the URL kept for SECRET_IN_URL', () => {
    const { exchanges, git } = parseCapture(read('app-password-in-url-410.stderr.txt'), 'u');
    expect(git?.username).toBe('alice');
    expect(exchanges[0]?.request.headers['authorization']).toBe(
      `Basic ${b64('alice:ATBBfakeAppPassword0000gitDocs00000000')}`,
    );
    expect(exchanges[0]?.request.url).toMatch(/^https:\/\/alice:ATBBfake.*@bitbucket\.org\//u);
  });

  it('the changelog link of a remote: line is not the repository', () => {
    const { git } = parseCapture(read('app-password-410.stderr.txt'), 'x');
    expect(git?.url).toBe('https://bitbucket.org/acme/legacy-app.git');
  });

  it('messages without a status or URL: one line, no input quoted', () => {
    const secret = 'ATATT3xFfGF0fakeTokenNeverQuoted_0123456789';
    expect(() => stderr(`fatal: Authentication failed for '${secret}'`)).toThrow(
      /^err holds git messages but not the repository URL and the HTTP status/u,
    );
    try {
      stderr(`fatal: Authentication failed for '${secret}'`);
    } catch (error) {
      expect(String(error)).not.toContain(secret);
    }
  });

  it('plain text that is not git output is still refused', () => {
    expect(() => stderr('hello', 'remote: nothing here')).toThrow(/does not look like HTTP/u);
  });
});

describe('secrets of git output', () => {
  it('every secret of every fixture is registered before anything prints', () => {
    for (const entry of INDEX) {
      const parsed = parseCapture(read(entry.file), entry.file);
      const redactor = new Redactor();
      registerSecrets(redactor, secretsOf({ capture: parsed.exchanges, urls: parsed.urls ?? [] }));
      const shown = redactor.redact(
        JSON.stringify([
          parsed.exchanges,
          parsed.urls,
          planExplain(parsed, entry.file, redactor).capture,
        ]),
      );
      for (const form of forms(entry)) expect(shown, entry.file).not.toContain(form);
    }
  });

  it('a trace over the text limit is refused before it is parsed', () => {
    const big = Buffer.alloc(MAX_TEXT_BYTES + 1, 'a');
    Buffer.from(`${TRACE_HEAD}\n`).copy(big);
    expect(() => parseCapture(big, 'big.txt')).toThrow(/larger than 20 MB/u);
  });
});

describe.concurrent('bb-doctor explain of git output (the built CLI)', { timeout: 60_000 }, () => {
  for (const entry of INDEX) {
    it(`${entry.file} → ${entry.expectedCode}, no secret in any format`, async () => {
      const [json, text, md] = await Promise.all([
        runCli(['explain', path(entry.file), '--format', 'json', '--verbose']),
        runCli(['explain', path(entry.file), '--verbose']),
        runCli(['explain', path(entry.file), '--format', 'markdown', '--verbose']),
      ]);
      expect(json.stderr).toBe('');
      expect(json.code).toBe(1);
      const report = JSON.parse(json.stdout) as {
        diagnosis: { code?: string; checkId?: string };
        requests: number;
        target: { capture?: { format: string } };
      };
      expect(report.diagnosis).toMatchObject({ code: entry.expectedCode, checkId: 'git-access' });
      expect(report.requests).toBe(0);
      expect(report.target.capture?.format).toBe(entry.format);
      expect(text.stdout).toContain(`Diagnosis: ${entry.expectedCode}`);
      expect(md.stdout.split('\n')[0]).toBe(`## bb-doctor: ✗ \`${entry.expectedCode}\``);
      for (const output of [json.stdout, text.stdout, md.stdout, text.stderr, md.stderr]) {
        for (const form of forms(entry)) expect(output).not.toContain(form);
        expect(output).not.toMatch(/\n\s+at /u);
      }
    });
  }
});

describe.concurrent(
  'git-access on git output the fixtures do not cover',
  { timeout: 60_000 },
  () => {
    const explainText = async (text: string): Promise<{ code: number; report: Report }> => {
      const file = join(mkdtempSync(join(tmpdir(), 'bb-git-')), 'git.txt');
      writeFileSync(file, text);
      const result = await runCli(['explain', file, '--format', 'json']);
      return { code: result.code, report: JSON.parse(result.stdout) as Report };
    };
    interface Report {
      diagnosis: { status: string; code?: string };
      checks: { id: string; status: string; code?: string; data?: Record<string, unknown> }[];
    }
    const trace = (status: number, authorization?: string): string =>
      readFileSync(new URL('no-credentials-401.trace.txt', DIR), 'utf8')
        .replace(/^fatal: .*$/mu, '')
        .replace('<= Recv header: HTTP/2 401', `<= Recv header: HTTP/2 ${String(status)}`)
        .replace(
          '=> Send header: Host: bitbucket.org',
          `=> Send header: Host: bitbucket.org${authorization === undefined ? '' : `\n16:00:36.967544 http.c:684              => Send header: Authorization: ${authorization}`}`,
        );

    it('a public repository answers the anonymous first request: pass, exit 0', async () => {
      const { code, report } = await explainText(trace(200));
      expect(report.checks.find((c) => c.id === 'git-access')).toMatchObject({
        status: 'pass',
        data: { public: true },
      });
      expect(code).toBe(0);
    });

    it('a 401 to a redacted credential of a non-email user: AUTH_REJECTED with git candidates', async () => {
      const text = trace(401, 'Basic <redacted>').replace(
        /^(.*=> Send header, )/mu,
        "16:00:36.967500 http.c:725              == Info: Server auth using Basic with user 'alice'\n$1",
      );
      const { report } = await explainText(
        `${text}\nfatal: Authentication failed for 'https://bitbucket.org/acme/private.git/'\n`,
      );
      const git = report.checks.find((c) => c.id === 'git-access');
      expect(git?.code).toBe('AUTH_REJECTED');
      expect((git?.data?.['alternatives'] as { code: string }[]).map((a) => a.code)).toContain(
        'GIT_USERNAME_WRONG',
      );
      expect(report.diagnosis.code).toBe('AUTH_REJECTED');
    });

    it('"Authentication failed" alone: git sent a credential, so AUTH_REJECTED, not NO_CREDENTIALS', async () => {
      const { report } = await explainText(
        [
          '$ git ls-remote https://alice@bitbucket.org/acme/repo.git',
          "fatal: Authentication failed for 'https://bitbucket.org/acme/repo.git/'",
        ].join('\n'),
      );
      expect(report.diagnosis.code).toBe('AUTH_REJECTED');
      expect(report.checks.find((c) => c.id === 'credentials')?.status).toBe('skip');
      const email = await explainText(
        [
          '$ git ls-remote https://alice%40example.com@bitbucket.org/acme/repo.git',
          "fatal: Authentication failed for 'https://bitbucket.org/acme/repo.git/'",
        ].join('\n'),
      );
      expect(email.report.diagnosis.code).toBe('GIT_USERNAME_WRONG');
    });

    it('an access token with another username in a pasted URL: GIT_ACCESS_TOKEN_USERNAME', async () => {
      const { report } = await explainText(
        [
          '$ git clone https://alice:ATCTT3xFfGN0fakeRepoTokenForGitDocs=0011AABB@bitbucket.org/acme/repo.git',
          "Cloning into 'repo'...",
          "fatal: Authentication failed for 'https://bitbucket.org/acme/repo.git/'",
        ].join('\n'),
      );
      expect(report.diagnosis.code).toBe('GIT_ACCESS_TOKEN_USERNAME');
    });
  },
);

/**
 * Where explain of the HAR cannot know what the live run knew (the list cannot rot: each entry is
 * asserted to differ as said).
 */
const HAR_CANNOT_KNOW: Readonly<Record<string, { reason: string; explain: string }>> = {
  'git-api-token-unscoped': {
    reason:
      "REST's identity request sent the token with the email (REST's form of git's credential), but the HAR redacts the Basic header whole: explain sees the stand-in with git's username alice, so REST's 401 reads as API_TOKEN_NEEDS_EMAIL, which does not narrow git's AUTH_REJECTED",
    explain: 'AUTH_REJECTED',
  },
};

describe.concurrent("explain of a live git run's HAR follows git too", { timeout: 60_000 }, () => {
  for (const scenario of gitScenarios) {
    it(`${scenario.name}: the same root cause as the live run`, async () => {
      const har = join(mkdtempSync(join(tmpdir(), 'bb-git-har-')), 'run.har');
      const live = await runCli(['demo', scenario.name, '--format', 'json', '--output', har]);
      const explained = await runCli(['explain', har, '--format', 'json']);
      const code = (stdout: string): string | undefined =>
        (JSON.parse(stdout) as { diagnosis: { code?: string } }).diagnosis.code;
      expect(code(live.stdout)).toBeDefined();
      const cannot = HAR_CANNOT_KNOW[scenario.name];
      if (cannot !== undefined) {
        expect(code(live.stdout)).not.toBe(cannot.explain);
        expect(code(explained.stdout), cannot.reason).toBe(cannot.explain);
      } else expect(code(explained.stdout)).toBe(code(live.stdout));
    });
  }
});
