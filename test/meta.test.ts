import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FINDINGS } from '../src/knowledge/findings.js';
import { CHECKS } from '../src/registry.js';
import { FINDING_CODES } from '../src/types.js';

const root = new URL('../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');
const readme = read('README.md');
/** One check per file, or per folder (checks/<id>/index.ts) when it judges several parts. */
const files = readdirSync(new URL('checks/', root), { withFileTypes: true })
  .filter(
    (f) =>
      f.name.endsWith('.ts') ||
      (f.isDirectory() && existsSync(new URL(`checks/${f.name}/index.ts`, root))),
  )
  .map((f) => (f.isDirectory() ? `${f.name}.ts` : f.name));
/** Every source file of the checks, folders included. */
const sources = readdirSync(new URL('checks/', root), { recursive: true, encoding: 'utf8' }).filter(
  (f) => f.endsWith('.ts'),
);

/** The check ids of contract.md, in contract order (stable API). */
const CONTRACT_ORDER = [
  'connectivity',
  'credentials',
  'token-fetch',
  'header-casing',
  'identity',
  'public-private-contrast',
  'two-factor',
  'scopes',
  'api-version',
  'target-call',
  'rate-limit',
];

describe('meta: checks are registered, tested and documented', () => {
  it.each(sources)('checks/%s stays under 200 lines (a bigger check becomes a folder)', (file) => {
    expect(read(`checks/${file}`).split('\n').length).toBeLessThanOrEqual(200);
  });

  it('registers the contract check ids in contract order', () => {
    expect(CHECKS.map((c) => c.meta.id).filter((id) => CONTRACT_ORDER.includes(id))).toEqual(
      CONTRACT_ORDER,
    );
  });

  for (const file of files) {
    const id = file.replace(/\.ts$/u, '');
    describe(id, () => {
      const check = CHECKS.find((c) => c.meta.id === id);
      it('is registered exactly once, with id = file name', () => {
        expect(check, `checks/${file} is not in src/registry.ts`).toBeDefined();
        expect(CHECKS.filter((c) => c.meta.id === id)).toHaveLength(1);
      });
      it('has a kebab-case id, a title without a period and a description that is a sentence', () => {
        expect(id).toMatch(/^[a-z]+(?:-[a-z0-9]+)*$/u);
        expect(check?.meta.title).toMatch(/^[A-Z].*[^.]$/u);
        expect(check?.meta.description).toMatch(/^[A-Z].*\.$/su);
      });
      it('reads as meta + gather + a pure judge (fromCapture for explain where it can judge a capture)', () => {
        expect(check !== undefined && 'judge' in check, `${id} still has a run()`).toBe(true);
        if (check !== undefined && 'judge' in check) {
          expect(typeof check.gather).toBe('function');
          expect(typeof check.judge).toBe('function');
        }
      });
      it('has a test file that uses testCheck or testJudge', () => {
        const test = `test/checks/${id}.test.ts`;
        expect(existsSync(new URL(test, root)), test).toBe(true);
        expect(read(test)).toMatch(/test(?:Check|Judge)\(/u);
      });
      it('is listed in the README', () => {
        expect(readme).toContain(`\`${id}\``);
      });
      it('pins every finding code it can produce in its tests', () => {
        // test/checks/<id>.test.ts and its companions (<id>-judge.test.ts...).
        const test = readdirSync(new URL('test/checks/', root))
          .filter((f) => f === `${id}.test.ts` || f.startsWith(`${id}-`))
          .map((f) => read(`test/checks/${f}`))
          .join('\n');
        for (const code of check?.meta.codes ?? []) {
          if (
            [
              'NETWORK_UNREACHABLE',
              'TLS_ERROR',
              'TIMEOUT',
              'PROXY_AUTH_REQUIRED',
              'SERVER_ERROR',
              'NOT_BITBUCKET',
              'SECRET_IN_URL',
              'INSECURE_HTTP',
              'REDIRECTED_AWAY',
            ].includes(code) &&
            id !== 'connectivity' &&
            id !== 'api-version'
          )
            continue;
          expect(test, `${code} in test/checks/${id}.test.ts`).toContain(`'${code}'`);
        }
      });
    });
  }

  it('every finding code is in the causal order table, the README and produced by some check', () => {
    expect(FINDINGS.map((f) => f.code).sort()).toEqual([...FINDING_CODES].sort());
    const produced = new Set(CHECKS.flatMap((c) => c.meta.codes));
    for (const code of FINDING_CODES) {
      expect(readme, `README lists ${code}`).toContain(`\`${code}\``);
      if (code !== 'AUTH_REJECTED' && code !== 'REFRESH_TOKEN_INVALID')
        expect(produced, `${code} is produced by a check`).toContain(code);
    }
  });
});
