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
  it('replaces a secret by its fingerprint mark', () => {
    const redactor = new Redactor();
    redactor.register('ATATT3xsecretvalue');
    expect(redactor.redact('token=ATATT3xsecretvalue;')).toBe(
      `token=[redacted sha256:${fingerprint('ATATT3xsecretvalue')}];`,
    );
  });

  it('catches Basic base64 of user:secret even for a username nobody registered', () => {
    const redactor = new Redactor();
    redactor.register('s3cr3t-value-123');
    const basic = Buffer.from('someone-else:s3cr3t-value-123').toString('base64');
    expect(redactor.redact(`Authorization: Basic ${basic}`)).toMatch(
      /^Authorization: Basic \[redacted sha256:[0-9a-f]{8}\]$/u,
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
          const report = redactor.redactDeep(leakyReport(secret));
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
          expect(output).toContain(`[redacted sha256:${fingerprint(used === '' ? secret : used)}]`);
        },
      ),
      { numRuns: 150 },
    );
  });
});
