import { describe, expect, it } from 'vitest';
import {
  TIMELINE,
  appPasswordStatus,
  eventDate,
  hasHappened,
} from '../../src/knowledge/timeline.js';

describe('TIMELINE', () => {
  it('is in date order, with unique ids, sources and confidences', () => {
    const dates = TIMELINE.map((event) => event.date);
    expect([...dates].sort()).toEqual(dates);
    expect(new Set(TIMELINE.map((event) => event.id)).size).toBe(TIMELINE.length);
    for (const event of TIMELINE) {
      expect(event.date).toMatch(/^\d{4}-\d{2}(?:-\d{2})?$/);
      expect(event.source).toMatch(/^https:\/\//);
      expect(['H', 'M', 'L', 'U']).toContain(event.confidence);
    }
  });

  it.each([
    ['account-passwords-rejected', '2022-03-01'],
    ['api-v1-removed', '2019-04-29'],
    ['app-password-creation-disabled', '2025-09-09'],
    ['app-password-brownouts-start', '2026-06-09'],
    ['app-password-brownouts-end', '2026-07-27'],
    ['app-passwords-removed', '2026-07-28'],
    ['oauth-changes-enforced', '2026-05-04'],
  ] as const)('%s on %s', (id, date) => {
    expect(eventDate(id).toISOString()).toBe(`${date}T00:00:00.000Z`);
  });

  it('has the CHANGE-2770 removal in 2026', () => {
    const change = TIMELINE.filter((event) => event.id.startsWith('change-2770'));
    expect(change.length).toBeGreaterThan(0);
    for (const event of change) expect(event.date.startsWith('2026-')).toBe(true);
  });

  it('reads month-only dates as the first of the month', () => {
    expect(eventDate('app-passwords-introduced').toISOString()).toBe('2016-06-01T00:00:00.000Z');
  });
});

describe('appPasswordStatus', () => {
  it.each([
    ['2024-01-01T00:00:00Z', 'working'],
    ['2025-09-08T23:59:59.999Z', 'working'],
    ['2025-09-09T00:00:00.000Z', 'creation-disabled'],
    ['2026-06-08T23:59:59.999Z', 'creation-disabled'],
    ['2026-06-09T00:00:00.000Z', 'brownouts'],
    ['2026-07-27T23:59:59.999Z', 'brownouts'],
    ['2026-07-28T00:00:00.000Z', 'removed'],
    ['2030-01-01T00:00:00Z', 'removed'],
    // A local-time offset still compares in UTC.
    ['2026-07-28T01:00:00+02:00', 'brownouts'],
  ] as const)('%s → %s', (now, status) => {
    expect(appPasswordStatus(new Date(now))).toBe(status);
  });
});

describe('hasHappened', () => {
  it('is true from the first instant of the day (UTC)', () => {
    expect(hasHappened('oauth-changes-enforced', new Date('2026-05-03T23:59:59.999Z'))).toBe(false);
    expect(hasHappened('oauth-changes-enforced', new Date('2026-05-04T00:00:00.000Z'))).toBe(true);
    expect(hasHappened('account-passwords-rejected', new Date('2022-02-28T12:00:00Z'))).toBe(false);
    expect(hasHappened('account-passwords-rejected', new Date('2022-03-01T12:00:00Z'))).toBe(true);
  });
});
