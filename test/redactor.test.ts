import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../src/diagnosis.js';
import { buildReport } from '../src/report/model.js';
import { fingerprint, Redactor } from '../src/report/redactor.js';
import { render } from '../src/report/render.js';
import { renderHar } from '../src/report/render-har.js';
import type { CheckReport, Exchange } from '../src/types.js';
import { cred, makeInput } from './helpers/context.js';
import { arbSecret, forbiddenForms } from './helpers/secrets.js';

const USER = 'alice@example.com';

/** A report where the secret is everywhere: headers, bodies, URLs, summaries, errors. */
const leakyReport = (secret: string) => {
  const basic = Buffer.from(`${USER}:${secret}`).toString('base64');
  const basicOther = Buffer.from(`mallory:${secret}`).toString('base64');
  const exchange: Exchange = {
    label: `identity with ${secret}`,
    request: {
      method: 'GET',
      url: `https://${encodeURIComponent(USER)}:${encodeURIComponent(secret)}@api.bitbucket.org/2.0/user?access_token=${encodeURIComponent(secret)}`,
      headers: {
        authorization: `Basic ${basic}`,
        'x-other': `Bearer ${secret}`,
        cookie: `s=${basicOther}`,
      },
      body: new URLSearchParams({ access_token: secret }).toString(),
    },
    response: {
      status: 401,
      headers: { 'x-echo': secret },
      body: JSON.stringify({ error: { message: `bad token ${secret}` } }),
    },
    durationMs: 5,
  };
  const check: CheckReport = {
    id: 'identity',
    title: 'Identity',
    status: 'fail',
    code: 'TOKEN_INVALID',
    summary: `The token ${secret} was rejected`,
    details: [`trimmed: ${secret.trim()}`],
    durationMs: 1,
    remediation: {
      hint: `Replace ${secret}.`,
      commands: [`curl -u ${USER}:${secret} https://api.bitbucket.org/2.0/user`],
    },
    evidence: [exchange],
    data: { secret, nested: { list: [secret, basic] } },
    error: { message: `crash with ${secret}`, stack: `Error: ${secret}\n    at x` },
  };
  const input = makeInput({
    credentials: [cred('api-token', secret, { username: USER })],
    warnings: [`warning ${secret}`],
  });
  return buildReport({
    input,
    checks: [check],
    diagnosis: diagnose([check]),
    version: '0.0.0',
    startedAt: new Date(0),
    finishedAt: new Date(1),
    requests: 1,
    environment: { bbDoctor: '0.0.0', node: 'v20', os: 'test', proxy: null, ci: false },
    mode: 'live',
    exchanges: [exchange],
  });
};

describe('redactor', () => {
  it('replaces a secret of 20 characters or more by its fingerprint mark', () => {
    const redactor = new Redactor();
    redactor.register('ATATT3xsecretvalue-0123');
    expect(redactor.redact('token=ATATT3xsecretvalue-0123;')).toBe(
      `token=[redacted sha256:${fingerprint('ATATT3xsecretvalue-0123')}];`,
    );
  });

  it('gives a shorter secret no fingerprint: [redacted], then [redacted #N] once it is credential N', () => {
    const redactor = new Redactor();
    redactor.register('ATATT3xsecret');
    expect(redactor.redact('see ATATT3xsecret')).toBe('see [redacted]');
    redactor.identify([
      { secret: 'another-credential-long-enough', kind: 'access-token' },
      { secret: 'ATATT3xsecret', kind: 'api-token' },
    ]);
    expect(redactor.redact('see ATATT3xsecret')).toBe('see [redacted #2]');
  });

  it('catches Basic base64 of user:secret even for a username nobody registered', () => {
    const redactor = new Redactor();
    redactor.register('s3cr3t-value-123');
    const basic = Buffer.from('someone-else:s3cr3t-value-123').toString('base64');
    expect(redactor.redact(`Authorization: Basic ${basic}`)).toMatch(
      /^Authorization: Basic \[redacted\]$/u,
    );
  });

  it('registers the trimmed and unquoted forms of a secret', () => {
    const redactor = new Redactor();
    redactor.register('  "quoted-secret-123"\n');
    expect(redactor.redact('x quoted-secret-123 y')).not.toContain('quoted-secret-123');
  });

  it('property: no secret survives any renderer, in any encoding', () => {
    fc.assert(
      fc.property(
        arbSecret,
        fc.constantFrom('text', 'markdown', 'json', 'har'),
        fc.boolean(),
        (secret, format, verbose) => {
          const redactor = new Redactor();
          redactor.register(secret, [USER]);
          const leaky = leakyReport(secret);
          redactor.identify(
            leaky.credentials.map((c, i) => ({
              secret: i === 0 ? secret.trim() : '',
              kind: c.kind,
            })),
          );
          const report = redactor.redactDeep(leaky);
          const output = redactor.redact(
            format === 'har'
              ? renderHar(report)
              : render(report, format, { color: format === 'text' && verbose, verbose }),
          );
          // The HAR stays a HAR: redaction never breaks its JSON.
          if (format === 'har') expect(() => JSON.parse(output) as unknown).not.toThrow();
          for (const form of forbiddenForms(secret, [USER, 'mallory'])) {
            expect(output, `form ${JSON.stringify(form)} leaked in ${format}`).not.toContain(form);
          }
          // JSON output escapes quotes and unicode: the escaped form must be gone too.
          expect(output).not.toContain(JSON.stringify(secret.trim()).slice(1, -1));
          // The mark is the fingerprint of the secret as the doctor uses it (trimmed, unquoted):
          // the one credentials[] shows.
          const used = secret
            .trim()
            .replace(/^(["'])(.*)\1$/su, '$2')
            .trim();
          // A secret under 20 characters has no fingerprint: it is credential #1.
          const mark =
            (used === '' ? secret : used).length >= 20
              ? `[redacted sha256:${fingerprint(used === '' ? secret : used)}]`
              : '[redacted #1]';
          expect(output).toContain(mark);
        },
      ),
      { numRuns: 150 },
    );
  });
});
