import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { clipWords } from '../src/knowledge/clip.js';
import { looksLikeToken, plainText } from '../src/intake/quote.js';
import { registerSecrets, secretsOf } from '../src/intake/secrets.js';
import { clipExchange, EVIDENCE_BODY_BYTES } from '../src/report/model.js';
import { Redactor } from '../src/report/redactor.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/index.js';
import type { Exchange } from '../src/types.js';
import { fakeIO } from './helpers/io.js';
import { arbSecret, forbiddenForms } from './helpers/secrets.js';

/**
 * The redaction property suite, extended to every intake path of issue #10: URL options with
 * userinfo, query and fragment; proxy variables with and without a scheme; capture bodies and
 * headers; git helper arguments; usage errors; and secrets at every offset around each cut.
 */

/** Secrets a URL can carry as written: token characters (percent-encoded where needed). */
const arbUrlSecret = fc
  .string({
    unit: fc.constantFrom(
      ...'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_.~'.split(''),
    ),
    minLength: 20,
    maxLength: 80,
  })
  .filter((s) => new Set(s).size > 6 && /\d/u.test(s) && /[a-z]/u.test(s) && /[A-Z]/u.test(s));

const leaksOf = (text: string, secret: string, users: readonly string[] = []): string[] =>
  forbiddenForms(secret, users).filter((form) => text.includes(form));

describe('redaction paths (property): URL options, proxies, usage errors, whole runs', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'lowercase-bearer' });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('a secret in the userinfo, query or fragment of --url, --api-url, --auth-url never prints', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbUrlSecret,
        fc.constantFrom('url-userinfo', 'url-query', 'url-fragment', 'api-userinfo', 'auth-query'),
        fc.constantFrom('text', 'markdown', 'json'),
        async (secret, where, format) => {
          const host = new URL(sim.url).host;
          const repo = `/2.0/repositories/acme/secret-repo`;
          const url = {
            'url-userinfo': `http://jdoe:${secret}@${host}${repo}`,
            'url-query': `${sim.url}${repo}?access_token=${secret}`,
            'url-fragment': `${sim.url}${repo}#access_token=${secret}`,
            'api-userinfo': undefined,
            'auth-query': undefined,
          }[where];
          const argv = [
            ...(url === undefined ? ['-w', 'acme'] : ['--url', url]),
            '--api-url',
            where === 'api-userinfo' ? `http://alice:${secret}@${host}` : sim.url,
            '--auth-url',
            where === 'auth-query' ? `${sim.url}?client_secret=${secret}` : sim.url,
            '--format',
            format,
            '--verbose',
            '--timeout',
            '10',
          ];
          const io = fakeIO({});
          await main(argv, io.sink);
          expect(leaksOf(io.all(), secret, ['jdoe', 'alice'])).toEqual([]);
        },
      ),
      { numRuns: 15 },
    );
  }, 120_000);

  it('a proxy password, with or without a scheme, never prints', async () => {
    await fc.assert(
      fc.asyncProperty(arbUrlSecret, fc.boolean(), async (password, scheme) => {
        const io = fakeIO({
          HTTP_PROXY: `${scheme ? 'http://' : ''}proxyuser:${password}@127.0.0.1:9`,
          BITBUCKET_ACCESS_TOKEN: 'ATCTT3xSomeAccessToken0123456789',
        });
        await main(
          ['--api-url', sim.url, '-w', 'acme', '--format', 'json', '--timeout', '5'],
          io.sink,
        );
        expect(leaksOf(io.all(), password, ['proxyuser'])).toEqual([]);
      }),
      { numRuns: 6 },
    );
  }, 120_000);

  it('a usage error never quotes a secret, whatever was typed', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbSecret,
        fc.constantFrom('header', 'header-equals', 'curl', 'positional', 'choice', 'bad-url'),
        async (secret, how) => {
          const argv = {
            header: ['--header', secret.replace(/:/gu, '')],
            'header-equals': ['--header', `Private-Token=${secret.replace(/:/gu, '')}`],
            curl: ['--curl', secret.replace(/curl/giu, '')],
            positional: [secret.trim().startsWith('-') ? `x${secret}` : secret],
            choice: ['--format', secret],
            'bad-url': ['--url', `nope?access_token=${encodeURIComponent(secret)}`],
          }[how];
          const io = fakeIO({});
          const code = await main(argv, io.sink);
          expect(code).toBe(2);
          // A short word of plain characters may be quoted (a typo of a command or a choice);
          // anything like a token, or with a password's characters, never is.
          const typed = secret.replace(/:|curl/giu, '');
          const quotable =
            typed.trim().length <= 40 && plainText(typed.trim()) && !looksLikeToken(typed);
          if (quotable && (how === 'positional' || how === 'choice')) return;
          for (const form of forbiddenForms(typed, []))
            expect(io.all(), `${how}: ${JSON.stringify(form)}`).not.toContain(form);
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);
});

describe('redaction paths (property): captures, explained offline', () => {
  const harWith = (secret: string, where: string): object => {
    const request: Record<string, unknown> = {
      method: 'GET',
      url: 'https://api.bitbucket.org/2.0/repositories/acme/secret-repo',
      httpVersion: 'HTTP/1.1',
      headers: [{ name: 'Authorization', value: 'Bearer ATCTT3xOtherToken0123456789abc' }],
      queryString: [],
    };
    const response: Record<string, unknown> = {
      status: 401,
      statusText: 'Unauthorized',
      httpVersion: 'HTTP/1.1',
      headers: [{ name: 'x-request-id', value: 'r' }],
      content: { mimeType: 'application/json', text: '{"type":"error","error":{"message":"no"}}' },
    };
    const form = (name: string) => ({
      mimeType: 'application/x-www-form-urlencoded',
      text: `grant_type=x&${name}=${encodeURIComponent(secret)}`,
    });
    if (where === 'post-refresh') request['postData'] = form('refresh_token');
    if (where === 'post-client-secret') request['postData'] = form('client_secret');
    if (where === 'post-password') request['postData'] = form('password');
    if (where === 'json-password')
      request['postData'] = {
        mimeType: 'application/json',
        text: JSON.stringify({ password: secret }),
      };
    if (where === 'token-answer')
      response['content'] = {
        mimeType: 'application/json',
        text: JSON.stringify({ access_token: secret, refresh_token: `${secret}-r` }),
      };
    if (where === 'userinfo')
      request['url'] = `https://jdoe:${encodeURIComponent(secret)}@api.bitbucket.org/2.0/user`;
    if (where === 'x-api-key')
      (request['headers'] as object[]).push({ name: 'X-Api-Key', value: secret });
    if (where === 'location')
      (response['headers'] as object[]).push({
        name: 'Location',
        value: `https://example.com/cb#access_token=${encodeURIComponent(secret)}&state=1`,
      });
    return {
      log: {
        version: '1.2',
        creator: { name: 'test', version: '1' },
        entries: [{ startedDateTime: '2026-12-01T00:00:00.000Z', time: 5, request, response }],
      },
    };
  };

  it('request bodies, token answers, userinfo, X-Api-Key, a Location fragment: no form of a secret prints', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-paths-'));
    await fc.assert(
      fc.asyncProperty(
        arbSecret,
        fc.constantFrom(
          'post-refresh',
          'post-client-secret',
          'post-password',
          'json-password',
          'token-answer',
          'userinfo',
          'x-api-key',
          'location',
        ),
        fc.constantFrom('markdown', 'json', 'text'),
        async (secret, where, format) => {
          const file = join(dir, `${where}.har`);
          writeFileSync(file, JSON.stringify(harWith(secret, where)));
          const io = fakeIO({});
          await main(['explain', file, '--format', format], io.sink);
          expect(io.err()).not.toContain('internal error');
          expect(leaksOf(io.all(), secret, ['jdoe'])).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});

describe('redaction paths (property): git helper arguments', () => {
  it('every argument of a configured helper is registered before git runs', () => {
    fc.assert(
      fc.property(
        arbUrlSecret,
        fc.constantFrom('--token=', '--token ', '-p', ''),
        (secret, flag) => {
          const redactor = new Redactor();
          const words = `${flag}${secret}`.split(' ');
          registerSecrets(redactor, secretsOf({ helperArguments: words }));
          const message = `fatal: cannot run /opt/helper.sh ${flag}${secret}: No such file`;
          expect(redactor.redact(message)).not.toContain(secret);
          expect(redactor.redact(message)).toContain('/opt/helper.sh');
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('redaction paths (property): redact, then cut', () => {
  const arbLong = arbSecret.filter((s) => s.trim().length >= 9);
  /** Every prefix and suffix of 8 characters or more, the parts a cut could leave. */
  const parts = (secret: string): string[] => {
    const out: string[] = [];
    for (let k = 8; k < secret.length; k += 1) out.push(secret.slice(0, k), secret.slice(-k));
    return out;
  };

  it('a secret cut at any offset by a clip (…) is caught at either end', () => {
    fc.assert(
      fc.property(
        arbLong,
        fc.string({ maxLength: 30 }),
        fc.string({ maxLength: 30 }),
        fc.boolean(),
        (raw, before, after, escaped) => {
          const secret = raw.trim();
          const redactor = new Redactor();
          redactor.register(secret);
          // A body that escapes `/` as `\/` (JSON) shows the secret that way.
          const shown = escaped
            ? JSON.stringify(secret).slice(1, -1).replace(/\//gu, '\\/')
            : secret;
          const text = `${before} ${shown} ${after}`;
          for (let cut = before.length; cut <= before.length + shown.length + 2; cut += 1) {
            const head = redactor.redact(`${text.slice(0, cut)}…`);
            const tail = redactor.redact(`…${text.slice(cut)}`);
            for (const part of parts(shown)) {
              expect(head, `head cut at ${cut}`).not.toContain(part.length >= 8 ? part : '\u0000');
              expect(tail, `tail cut at ${cut}`).not.toContain(part.length >= 8 ? part : '\u0000');
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the evidence body cut (4 KB) comes after redaction: nothing of a secret across it survives', () => {
    fc.assert(
      fc.property(arbLong, fc.integer({ min: -80, max: 80 }), (raw, shift) => {
        const secret = raw.trim();
        const redactor = new Redactor();
        redactor.register(secret);
        const pad = Math.max(0, EVIDENCE_BODY_BYTES - Math.floor(secret.length / 2) + shift);
        const exchange: Exchange = {
          label: 'x',
          request: { method: 'GET', url: 'https://api.bitbucket.org/2.0/user', headers: {} },
          response: {
            status: 401,
            headers: {},
            body: `${'p'.repeat(pad)}${secret}${'q'.repeat(100)}`,
          },
          durationMs: 1,
        };
        const shown = clipExchange(redactor.redactDeep(exchange)).response?.body ?? '';
        expect(Buffer.byteLength(shown)).toBeLessThanOrEqual(EVIDENCE_BODY_BYTES);
        for (const part of parts(secret)) expect(shown).not.toContain(part);
      }),
      { numRuns: 100 },
    );
  });

  it('a server message clipped for a summary drops a word it would cut, whole', () => {
    fc.assert(
      fc.property(
        arbUrlSecret,
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 20, max: 200 }),
        (secret, at, max) => {
          const message = `${'§ '.repeat(at)}${secret} tail words`;
          const clipped = clipWords(message, max);
          expect(clipped.length).toBeLessThanOrEqual(
            Math.max(max + 1, String(message.length).length + 13),
          );
          if (!clipped.includes(secret))
            for (let k = 1; k < secret.length; k += 1)
              expect(clipped.endsWith(`${secret.slice(0, k)}…`)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('redaction: short secrets and scheme words', () => {
  it('a secret under 8 characters is redacted where it stands as a credential, never in prose', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(...'abcdefxyz0123'.split('')),
          minLength: 1,
          maxLength: 7,
        }),
        (secret) => {
          const redactor = new Redactor();
          registerSecrets(redactor, [{ secret, usernames: ['alice'] }]);
          const basic = Buffer.from(`alice:${secret}`).toString('base64');
          const structural = [
            `authorization: Bearer ${secret}`,
            `Authorization: Basic ${basic}`,
            `https://alice:${secret}@api.bitbucket.org/2.0/user`,
            `?access_token=${secret}&x=1`,
            `{"password":"${secret}"}`,
            `curl -u alice:${secret} https://api.bitbucket.org`,
          ];
          for (const text of structural) {
            const out = redactor.redact(text);
            expect(out, text).toContain('[redacted');
            expect(out).not.toContain(basic);
          }
          const prose = `Use the API of Bitbucket: ${secret} is a word here, and so is axe.`;
          expect(redactor.redact(prose)).toBe(prose);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a secret that begins with a word does not take the word out of prose', () => {
    const redactor = new Redactor();
    redactor.register('password123');
    const prose = 'The account password (curl step 1) is in play; "password" is a word.';
    expect(redactor.redact(prose)).toBe(prose);
    expect(redactor.redact('sent password123 and passwo…')).toBe('sent [redacted] and passwo…');
    expect(redactor.redact('cut here: password12…')).toBe('cut here: [redacted]…');
  });

  it("simulate's public description: the user's secrets go, the simulator's test URLs stay", () => {
    fc.assert(
      fc.property(arbSecret, (secret) => {
        const redactor = new Redactor();
        registerSecrets(redactor, secretsOf({ argv: [], env: { BITBUCKET_API_TOKEN: secret } }));
        const text = `git ls-remote http://alice:SimTest0123456789abcdef@127.0.0.1:1/acme/x.git\n${secret}`;
        const out = redactor.registered(text);
        for (const form of forbiddenForms(secret, [])) expect(out).not.toContain(form);
        expect(out).toContain('alice:SimTest0123456789abcdef@');
      }),
      { numRuns: 50 },
    );
  });

  it('a scheme word is never a secret', () => {
    const redactor = new Redactor();
    for (const word of ['Bearer', 'basic', ' Bearer ', 'TOKEN']) redactor.register(word);
    expect(redactor.size).toBe(0);
    expect(redactor.redact('Write the header as "Authorization: Bearer <token>"')).toBe(
      'Write the header as "Authorization: Bearer <token>"',
    );
  });
});

describe('redaction paths (property): the git intake (issue "Git over HTTPS")', () => {
  let sim: RunningSimulator;
  let home: string;
  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'git-api-token-email' });
    home = mkdtempSync(join(tmpdir(), 'bb-redact-git-'));
  });
  afterAll(async () => {
    await sim.close();
  });

  it('a secret in a git URL, a pasted git command or script, -c http.extraHeader or the credential store never prints, nor lands in --output', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbUrlSecret,
        fc.constantFrom('git-url', 'pasted', 'extra-header', 'script-variable', 'store'),
        fc.constantFrom('text', 'markdown', 'json'),
        async (secret, where, format) => {
          const host = new URL(sim.url).host;
          const bare = `http://${host}/acme/secret-repo.git`;
          const withSecret = `http://x-token-auth:${secret}@${host}/acme/secret-repo.git`;
          writeFileSync(
            join(home, '.git-credentials'),
            where === 'store' ? `http://alice:${secret}@${host}\n` : '',
          );
          writeFileSync(join(home, '.gitconfig'), '[credential]\n\thelper = store\n');
          const target = {
            'git-url': ['--git-url', withSecret],
            pasted: ['--git', `git clone ${withSecret} work`],
            'extra-header': [
              '--',
              'git',
              '-c',
              `http.extraHeader=Authorization: Bearer ${secret}`,
              'ls-remote',
              bare,
            ],
            'script-variable': [
              '--git',
              `git clone http://x-token-auth:$BB_GIT_TOKEN@${host}/acme/secret-repo.git`,
            ],
            store: ['--git-url', bare],
          }[where];
          const output = join(
            home,
            `report.${format === 'markdown' ? 'md' : format === 'json' ? 'json' : 'txt'}`,
          );
          const options = [
            '--api-url',
            sim.url,
            '--auth-url',
            sim.url,
            '--format',
            format,
            '--verbose',
            '--output',
            output,
            '--timeout',
            '10',
          ];
          const argv = [...options, ...target];
          const io = fakeIO({
            HOME: home,
            XDG_CONFIG_HOME: join(home, '.config'),
            GIT_CONFIG_NOSYSTEM: '1',
            BB_GIT_TOKEN: secret,
          });
          await main(argv, io.sink);
          const written = readFileSync(output, 'utf8');
          expect(leaksOf(io.all(), secret, ['alice'])).toEqual([]);
          expect(leaksOf(written, secret, ['alice'])).toEqual([]);
        },
      ),
      { numRuns: 15 },
    );
  }, 180_000);
});
