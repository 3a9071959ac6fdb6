import fc from 'fast-check';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type ParsedArgs } from '../src/cli.js';
import { runCommand } from '../src/commands/run.js';
import { registerSecrets, secretsOf } from '../src/intake/secrets.js';
import { fakeIO } from './helpers/io.js';
import { Redactor } from '../src/report/redactor.js';
import { CHECKS } from '../src/registry.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/index.js';
import { defineCheck } from '../src/types.js';
import { arbSecret, forbiddenForms } from './helpers/secrets.js';

const capture = (env: Record<string, string>) => {
  const fake = fakeIO(env);
  return { io: fake.sink, text: fake.all };
};

/** Every byte a run produced: stdout, stderr and the --output files. */
const everything = (dir: string, printed: string): string =>
  printed +
  readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');

describe('redaction everywhere (property): random secrets through whole runs', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'lowercase-bearer' });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('flags, environment, headers, curl commands; every format; --verbose; --output', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbSecret,
        arbSecret,
        fc.constantFrom('text', 'markdown', 'json'),
        fc.constantFrom('r.md', 'r.json', 'r.txt', 'r.har'),
        async (token, password, format, file) => {
          const dir = mkdtempSync(join(tmpdir(), 'bb-redact-'));
          const env = { BITBUCKET_USERNAME: 'alice', BITBUCKET_APP_PASSWORD: password };
          const a = capture(env);
          await main(
            [
              '--api-url',
              sim.url,
              '--auth-url',
              sim.url,
              '--workspace',
              'acme',
              '--api-token',
              token,
              '--header',
              `Authorization: bearer ${token}`,
              '--format',
              format,
              '--verbose',
              '--output',
              join(dir, file),
              '--timeout',
              '10',
            ],
            a.io,
          );
          const b = capture({});
          await main(
            [
              '--api-url',
              sim.url,
              '--format',
              format,
              '--verbose',
              '--output',
              join(dir, `curl-${file}`),
              '--',
              'curl',
              '-u',
              `alice:${password}`,
              `${sim.url}/2.0/repositories/acme/secret-repo?access_token=${encodeURIComponent(token)}`,
            ],
            b.io,
          );
          const all = everything(dir, a.text() + b.text());
          for (const secret of [token, password]) {
            for (const form of forbiddenForms(secret, ['alice', 'alice@example.com', ''])) {
              expect(all, `a form of a secret leaked: ${JSON.stringify(form)}`).not.toContain(form);
            }
            expect(all).not.toContain(JSON.stringify(secret.trim()).slice(1, -1));
          }
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);

  it('a check that crashes with the secret in its message and stack leaks nothing, even with --verbose', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbSecret,
        fc.constantFrom('text', 'markdown', 'json'),
        async (token, format) => {
          const crashing = defineCheck({
            meta: {
              id: 'crash-test',
              title: 'Crashes on purpose',
              description: 'A check that throws with the secret.',
              codes: [],
            },
            run: (ctx) => {
              throw new Error(
                `boom: ${ctx.input.credentials[0]?.secret ?? ''} ${Buffer.from(`alice:${token}`).toString('base64')}`,
              );
            },
          });
          const dir = mkdtempSync(join(tmpdir(), 'bb-crash-'));
          const env = { BITBUCKET_ACCESS_TOKEN: token };
          const c = capture(env);
          const redactor = new Redactor();
          // As main does: the command line and environment are registered before the run.
          registerSecrets(redactor, secretsOf({ argv: [], env }));
          const args = {
            _: [],
            verbose: true,
            timeout: 10,
            apiUrl: sim.url,
            workspace: 'acme',
            format,
            output: join(dir, 'crash.md'),
          } as unknown as ParsedArgs;
          const code = await runCommand(args, c.io, redactor, { checks: [...CHECKS, crashing] });
          const all = everything(dir, c.text());
          expect(all).toContain('crash-test');
          expect([1, 3]).toContain(code);
          for (const form of forbiddenForms(token, ['alice'])) expect(all).not.toContain(form);
        },
      ),
      { numRuns: 10 },
    );
  }, 120_000);
});
