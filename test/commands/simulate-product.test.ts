// `bb-doctor simulate --product cloud|data-center` and `--scenario dc-…`: the option, its default
// scenario, the usage errors, and the Data Center banner with the context path.
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import type { ParsedArgs } from '../../src/commands/args.js';
import { scenarioOf } from '../../src/commands/simulator-options.js';
import * as sim from '../../src/simulator/index.js';
import { fakeIO } from '../helpers/io.js';

const args = (extra: Partial<ParsedArgs>): ParsedArgs => ({
  _: ['simulate'],
  verbose: false,
  timeout: 30,
  ...extra,
});

describe('simulate --product', () => {
  it('picks the default scenario of the product and checks the scenario against it', () => {
    expect(scenarioOf(args({}), sim).name).toBe('lowercase-bearer');
    expect(scenarioOf(args({ product: 'cloud' }), sim).name).toBe('lowercase-bearer');
    expect(scenarioOf(args({ product: 'data-center' }), sim).name).toBe('dc-healthy');
    expect(scenarioOf(args({ scenario: 'dc-captcha' }), sim).name).toBe('dc-captcha');
    expect(scenarioOf(args({ product: 'data-center', scenario: 'dc-captcha' }), sim).name).toBe(
      'dc-captcha',
    );
    expect(() => scenarioOf(args({ product: 'data-center', scenario: 'healthy' }), sim)).toThrow(
      /'healthy' is a cloud scenario, not data-center \(the Data Center scenarios start with dc-\)/,
    );
    expect(() => scenarioOf(args({ product: 'cloud', scenario: 'dc-healthy' }), sim)).toThrow(
      /data-center scenario, not cloud/,
    );
  });

  it('a bad --product value or a product/scenario mismatch exits 2 with one line', async () => {
    for (const argv of [
      ['simulate', '--product', 'server'],
      ['simulate', '--product', 'data-center', '--scenario', 'healthy'],
    ]) {
      const t = fakeIO();
      expect(await main(argv, t.sink)).toBe(2);
      expect(t.err().trim().split('\n')).toHaveLength(1);
    }
  });

  it('serves Data Center under /bitbucket and prints its base URL, until SIGTERM', async () => {
    const t = fakeIO();
    const done = main(['simulate', '--product', 'data-center'], t.sink);
    let base = '';
    for (let i = 0; i < 100 && base === ''; i += 1) {
      await new Promise((r) => setTimeout(r, 50));
      base = /Base URL: +(http:\/\/127\.0\.0\.1:\d+\/bitbucket)/u.exec(t.out())?.[1] ?? '';
    }
    expect(base).not.toBe('');
    expect(t.out()).toContain('Bitbucket Data Center simulator: scenario "dc-healthy"');
    const res = await fetch(`${base}/rest/api/1.0/application-properties`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-arequestid')).not.toBeNull();
    await res.text();
    process.emit('SIGTERM');
    expect(await done).toBe(0);
    expect(t.out()).toMatch(/GET \/bitbucket\/rest\/api\/1\.0\/application-properties -> 200/u);
  });
});
