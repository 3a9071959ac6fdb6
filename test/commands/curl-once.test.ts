import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { fakeIO } from '../helpers/io.js';

// Count the parses of the user's own curl command (checks may parse corrected variants).
vi.mock('../../src/intake/curl.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/intake/curl.js')>();
  return { ...original, parseCurl: vi.fn(original.parseCurl) };
});
const { parseCurl } = await import('../../src/intake/curl.js');

describe('a curl command is parsed once: for its secrets and for the run', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'lowercase-bearer' });
  });
  afterAll(async () => {
    await sim.close();
  });

  for (const form of ['--', '--curl'] as const) {
    it(`given ${form === '--' ? 'after --' : 'pasted with --curl'}`, async () => {
      const words = [
        'curl',
        '-H',
        'Authorization: bearer not-a-real-token-1',
        `${sim.url}/2.0/user`,
      ];
      const argv =
        form === '--'
          ? ['--api-url', sim.url, '--', ...words]
          : [
              '--api-url',
              sim.url,
              '--curl',
              `curl -H 'Authorization: bearer not-a-real-token-1' ${sim.url}/2.0/user`,
            ];
      vi.mocked(parseCurl).mockClear();
      const t = fakeIO();
      expect(await main(argv, t.sink)).toBe(1);
      expect(t.out()).not.toContain('not-a-real-token-1');
      const ofTheUser = vi
        .mocked(parseCurl)
        .mock.calls.filter(([argvOfCall]) => JSON.stringify(argvOfCall) === JSON.stringify(words));
      expect(ofTheUser).toHaveLength(1);
    });
  }
});
