import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildParser, type ParsedArgs } from '../../src/cli.js';
import { parseCurl } from '../../src/intake/curl.js';
import { readCurl } from '../../src/intake/curl-input.js';
import { SECRET_OPTIONS } from '../../src/intake/input.js';
import {
  argvSecrets,
  captureSecrets,
  curlSecrets,
  headerSecrets,
  registerSecrets,
  secretsOf,
  storedSecrets,
  type FoundSecret,
} from '../../src/intake/secrets.js';
import { Redactor } from '../../src/report/redactor.js';
import type { Exchange } from '../../src/types.js';
import { arbSecret } from '../helpers/secrets.js';

const TOKEN = 'ATATT3xFfGF0T9k2mQx7Lp4Rz8Vb1Nc6Hd3Js5Kf0Wg2Ye9Ua4Ti7Oq1Pr6Es3Dw8=7C3A9B2D';
const OTHER = 'q8Zr3vXk2LmP9sTbYw4nHc7dFj1gQe5uRa6oKi0xVz-EyB_UtN3mWp8sLd2Jh';
const b64 = (text: string): string => Buffer.from(text).toString('base64');

const secrets = (found: readonly FoundSecret[]): string[] =>
  found.flatMap((f) => (f.secret === undefined ? [] : [f.secret]));
const usernames = (found: readonly FoundSecret[]): string[] =>
  found.flatMap((f) => f.usernames ?? []);

describe('secretsOf: the command line and the environment', () => {
  it('a stray token-like word is a secret; a repository or file named like one is not', () => {
    const found = secrets(
      argvSecrets(
        [
          'ATATT3xStrayWord0123456789',
          '-r',
          'MyRepo2024BackendServiceX',
          '-o',
          'Report2026ABCdefGHI.md',
        ],
        {},
      ),
    );
    expect(found).toContain('ATATT3xStrayWord0123456789');
    expect(found).not.toContain('MyRepo2024BackendServiceX');
    expect(found).not.toContain('Report2026ABCdefGHI.md');
  });

  it('every spelling of a secret flag, every secret variable, a proxy password', () => {
    const found = secretsOf({
      argv: ['--api-token', TOKEN, '--app-password=pw-from-flag-1', '--accessToken', OTHER],
      env: {
        BITBUCKET_CLIENT_SECRET: 'consumer-secret-1',
        HTTPS_PROXY: 'http://proxyuser:p%40ss-word-1@proxy:3128',
        BITBUCKET_USERNAME: 'alice',
      },
    });
    expect(secrets(found)).toEqual(
      expect.arrayContaining([
        TOKEN,
        'pw-from-flag-1',
        OTHER,
        'consumer-secret-1',
        'p@ss-word-1',
        'p%40ss-word-1',
      ]),
    );
    expect(usernames(found)).toContain('alice');
  });

  it('the credential of a --header (and its Basic pair), never a header that carries none', () => {
    const found = argvSecrets(
      [
        '--header',
        `Authorization: Basic ${b64(`alice@example.com:${TOKEN}`)}`,
        '-H',
        'Accept: application/json',
        `--header=X-Token: ${OTHER}`,
        '--email',
        'alice@example.com',
      ],
      {},
    );
    expect(secrets(found)).toEqual(expect.arrayContaining([TOKEN, OTHER]));
    expect(secrets(found).join(' ')).not.toContain('application/json');
    expect(usernames(found)).toContain('alice@example.com');
  });

  it('an Authorization value is registered by its credential, so its scheme stays visible', () => {
    const redactor = new Redactor();
    registerSecrets(
      redactor,
      argvSecrets(
        ['--header', `Authorization:  bearer ${TOKEN}`, '-H', 'Authorization: Bearer '],
        {},
      ),
    );
    expect(redactor.redact(`authorization: bearer ${TOKEN}`)).toMatch(
      /^authorization: bearer \[redacted sha256:[0-9a-f]{8}\]$/u,
    );
    // A scheme alone (an empty $TOKEN) is no secret: the report can say "Bearer".
    expect(headerSecrets('Authorization', 'Bearer ')).toEqual([]);
    expect(redactor.redact('Write the header as "Authorization: Bearer <token>"')).toBe(
      'Write the header as "Authorization: Bearer <token>"',
    );
    // A header without a scheme is a secret whole.
    expect(secrets(headerSecrets('X-Auth-Token', OTHER))).toContain(OTHER);
  });

  it('agrees with the flags parser: whatever yargs reads as a secret, the raw scan found first', async () => {
    const spellings = (flag: string): string[] => [
      flag,
      `--${flag.slice(2).replace(/-([a-z])/gu, (_m, c: string) => c.toUpperCase())}`,
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SECRET_OPTIONS),
        fc.boolean(),
        fc.boolean(),
        arbSecret.filter((s) => !s.startsWith('-')),
        async (option, camel, withEquals, secret) => {
          const flag = spellings(option.flag)[camel ? 1 : 0]!;
          const argv = withEquals ? [`${flag}=${secret}`] : [flag, secret];
          const parsed = (await buildParser(argv)
            .exitProcess(false)
            .fail(false)
            .parseAsync(argv)) as unknown as ParsedArgs;
          const value = parsed[option.key];
          expect(typeof value).toBe('string');
          expect(secrets(argvSecrets(argv, {}))).toContain(value);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('secretsOf: a curl command', () => {
  it('-u, --oauth2-bearer, credential headers, URL userinfo, query and form parameters', () => {
    const parsed = parseCurl([
      'curl',
      '-u',
      `alice:${TOKEN}`,
      '--oauth2-bearer',
      'bearer-token-value-1',
      '-H',
      `X-Auth-Token: ${OTHER}`,
      '-d',
      'client_secret=form%2Bsecret',
      'https://bob:url-pass-word@api.bitbucket.org/2.0/user?access_token=query-token-1',
    ]);
    const found = secretsOf({ curl: parsed });
    expect(secrets(found)).toEqual(
      expect.arrayContaining([
        TOKEN,
        'bearer-token-value-1',
        OTHER,
        'form%2Bsecret',
        'form+secret',
        'url-pass-word',
        'query-token-1',
      ]),
    );
    expect(usernames(found)).toEqual(expect.arrayContaining(['alice', 'bob']));
    expect(curlSecrets(parsed)).toEqual(found);
  });

  it('readCurl parses the command once, from the words after -- or the pasted --curl', () => {
    const dash = readCurl([
      '--api-url',
      'https://x',
      '--',
      'curl',
      '-u',
      `a:${TOKEN}`,
      'https://x',
    ]);
    expect(dash.parsed?.user).toEqual({ username: 'a', secret: TOKEN });
    expect(dash.original).toBe(`curl -u a:${TOKEN} https://x`);
    const pasted = readCurl(['--curl', `curl -H 'Authorization: Bearer ${OTHER}' https://x`]);
    expect(pasted.parsed?.headers[0]?.value).toBe(`Bearer ${OTHER}`);
    expect(pasted.original).toBe(`curl -H 'Authorization: Bearer ${OTHER}' https://x`);
    expect(readCurl(['--workspace', 'acme'])).toEqual({});
    // Errors are kept for the run to report, in their order.
    expect(readCurl(['--curl', 'wget https://x']).wordsError).toBeInstanceOf(Error);
    expect(readCurl(['--curl', 'curl x', '--', 'curl', 'y']).wordsError).toBeInstanceOf(Error);
  });
});

describe('secretsOf: a capture and a stored credential', () => {
  it("a capture's credential headers, cookies, set-cookie answers, credential query parameters", () => {
    const exchange: Exchange = {
      request: {
        method: 'GET',
        url: 'https://api.bitbucket.org/2.0/user?api_key=query-key-value',
        headers: {
          authorization: `Basic ${b64(`alice:${TOKEN}`)}`,
          cookie: 'session=cookie-session-1; csrftoken=cookie-csrf-1',
          accept: 'application/json',
        },
      },
      response: {
        status: 200,
        headers: { 'set-cookie': 'bb_session=set-cookie-value-1; Path=/; HttpOnly' },
        body: '',
      },
      durationMs: 1,
    };
    const found = secretsOf({ capture: [exchange] });
    expect(secrets(found)).toEqual(
      expect.arrayContaining([
        TOKEN,
        'cookie-session-1',
        'cookie-csrf-1',
        'set-cookie-value-1',
        'query-key-value',
      ]),
    );
    expect(secrets(found)).not.toContain('application/json');
    expect(captureSecrets([exchange])).toEqual(found);
  });

  it('a stored credential is its password, paired with its login', () => {
    expect(secretsOf({ stored: { username: 'alice', secret: TOKEN } })).toEqual([
      { secret: TOKEN, usernames: ['alice'] },
    ]);
    expect(storedSecrets(undefined, TOKEN)).toEqual([{ secret: TOKEN, usernames: [] }]);
  });
});

describe('registerSecrets: the one registration', () => {
  it('registers every secret with its usernames, so each form of it is redacted', () => {
    const redactor = new Redactor();
    registerSecrets(redactor, [{ secret: TOKEN, usernames: ['alice'] }, { usernames: ['bob'] }]);
    registerSecrets(redactor, [{ secret: OTHER }]);
    const text = `${TOKEN} ${b64(`alice:${TOKEN}`)} ${b64(`bob:${OTHER}`)} ${encodeURIComponent(TOKEN)}`;
    const redacted = redactor.redact(text);
    for (const leak of [TOKEN, OTHER, b64(`alice:${TOKEN}`), b64(`bob:${OTHER}`)])
      expect(redacted).not.toContain(leak);
  });

  it('is the only place outside the redactor and the runner plumbing that calls register', () => {
    const root = join(import.meta.dirname, '../../src');
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
      );
    const callers = files(root)
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /\bredactor\.(?:register|addUsername)\(/u.test(readFileSync(f, 'utf8')))
      .map((f) => f.slice(root.length + 1))
      .sort();
    // doctor.ts: the runner's ctx.registerSecret (a token a check obtained) ends there.
    expect(callers).toEqual(['doctor.ts', 'intake/secrets.ts']);
  });
});
