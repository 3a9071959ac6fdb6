import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { getScenario, startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { fakeIO } from '../helpers/io.js';
import { forbiddenForms } from '../helpers/secrets.js';

/**
 * Issue #11, property: random secrets inside random pasted commands (quoted, double-quoted, in
 * substitutions, in variables, in a script) never appear in any output, and the failed-
 * authentication budget holds on the wire.
 */
const arbToken = fc
  .string({
    unit: fc.constantFrom(
      ...'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_.'.split(''),
    ),
    minLength: 12,
    maxLength: 60,
  })
  .filter((s) => /\d/u.test(s) && /[a-z]/u.test(s) && /[A-Z]/u.test(s) && new Set(s).size > 6);

const PLACES = [
  'single-quoted header',
  'double-quoted header',
  'unquoted -u',
  'double-quoted -u',
  'password grant in backticks',
  'consumer in $(...)',
  'base64 construction',
  'variable',
  'script assignment',
  'data-urlencode',
  'url userinfo',
] as const;

describe('pasted commands (property): no secret in any output', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'password-grant' });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('random secrets in random places of a pasted command', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbToken,
        fc.constantFrom(...PLACES),
        fc.constantFrom('text', 'markdown', 'json'),
        async (secret, place, format) => {
          const api = `${sim.url}/2.0/repositories/acme/secret-repo`;
          const token = `${sim.url}/site/oauth2/access_token`;
          const paste = {
            'single-quoted header': `curl -H 'Authorization: Bearer ${secret}' ${api}`,
            'double-quoted header': `curl -H "Authorization: bearer ${secret}" ${api}`,
            'unquoted -u': `curl -u alice:${secret} ${api}`,
            'double-quoted -u': `curl -u "alice@example.com:${secret}" ${api}`,
            'password grant in backticks': `curl -H "Authorization: Bearer \`curl -s -d 'grant_type=password&username=alice&password=${secret}' -u key1:${secret}X ${token} | jq -r .access_token\`" ${api}`,
            'consumer in $(...)': `curl -H "Authorization: Bearer $(curl -s -u id:${secret} -d grant_type=client_credentials ${token} | jq -r .access_token)" ${api}`,
            'base64 construction': `curl -H "Authorization: Basic $(printf %s "alice@example.com:${secret}" | base64 -w0)" ${api}`,
            variable: `curl -H "Authorization: Bearer $MY_TOKEN" ${api}`,
            'script assignment': `export T='${secret}'\ncurl -H "Authorization: Bearer $T" ${api}`,
            'data-urlencode': `curl -X POST --data-urlencode "password=${secret}" -d grant_type=password -u k:${secret}Y ${token}`,
            'url userinfo': `curl http://alice:${secret}@${new URL(sim.url).host}/2.0/repositories/acme/secret-repo`,
          }[place];
          const io = fakeIO({ MY_TOKEN: secret });
          await main(
            ['--curl', paste, '--format', format, '--verbose', '--timeout', '10'],
            io.sink,
          );
          const all = io.all();
          expect(all).not.toContain('internal error');
          for (const s of [secret, `${secret}X`, `${secret}Y`])
            for (const form of forbiddenForms(s, ['alice', 'alice@example.com', 'key1', 'id', 'k']))
              expect(all, `${place}: ${JSON.stringify(form)}`).not.toContain(form);
        },
      ),
      { numRuns: 40 },
    );
  }, 180_000);
});

describe('the failed-authentication budget, counted on the wire', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'healthy' });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('-- curl --oauth2-bearer ATATT…: the as-sent replay counts too, at most 3 failed answers', async () => {
    const apiToken = getScenario('healthy')!.env!['BITBUCKET_API_TOKEN']!;
    const before = sim.stats();
    const io = fakeIO({});
    await main(
      [
        '--format',
        'json',
        '--',
        'curl',
        '--oauth2-bearer',
        apiToken,
        `${sim.url}/2.0/repositories/acme/secret-repo/commits/master`,
      ],
      io.sink,
    );
    const after = sim.stats();
    const report = JSON.parse(io.out()) as { failedAuthAnswers: number; requests: number };
    expect(after.unauthorized - before.unauthorized).toBeLessThanOrEqual(3);
    expect(report.failedAuthAnswers).toBe(after.unauthorized - before.unauthorized);
    expect(report.requests).toBe(after.requests - before.requests);
  });
});
