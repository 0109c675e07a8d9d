import { describe, expect, it } from '@jest/globals';
import { parseUserDate } from '../../src/core/dates.js';

/** A day and month without a year: the year follows the question's direction, in figures and in words alike. */
describe('parseUserDate: the year of a date typed without one', () => {
  it.each([
    // Past-facing (a contact that happened): the most recent such day not after today.
    ['en', '22/12', '2027-01-05', 'past', '2026-12-22'],
    ['en', '22 December', '2027-01-05', 'past', '2026-12-22'],
    ['nl', '22-12', '2027-01-05', 'past', '2026-12-22'],
    ['de', '22.12.', '2027-01-05', 'past', '2026-12-22'],
    ['en', '15 February', '2026-11-24', 'past', '2026-02-15'],
    ['fr', '15 février', '2026-11-24', 'past', '2026-02-15'],
    ['en', '24/11', '2026-11-24', 'past', '2026-11-24'],
    ['en', '25/11', '2026-11-24', 'past', '2025-11-25'],
    // Future-facing (a meeting to plan): the next such day not before today.
    ['en', '15/03', '2026-11-24', 'future', '2027-03-15'],
    ['de', '15.03.', '2026-11-24', 'future', '2027-03-15'],
    ['en', '1 October', '2026-11-24', 'future', '2027-10-01'],
    ['nl', '1 oktober', '2026-11-24', 'future', '2027-10-01'],
    ['en', '22 December', '2027-01-05', 'future', '2027-12-22'],
    ['en', '24/11', '2026-11-24', 'future', '2026-11-24'],
    ['en', '23/11', '2026-11-24', 'future', '2027-11-23'],
    // 29 February: the nearest leap year in that direction.
    ['en', '29/02', '2026-11-24', 'past', '2024-02-29'],
    ['en', '29/02', '2026-11-24', 'future', '2028-02-29'],
    // Without a direction, the nearest such day, as chrono does for words.
    ['en', '15/03', '2026-11-24', undefined, '2027-03-15'],
    ['en', '22/11', '2026-11-24', undefined, '2026-11-22'],
  ] as const)('(%s) "%s" on %s, %s → %s', (lang, typed, today, direction, expected) => {
    expect(parseUserDate(typed, lang, today, direction)).toBe(expected);
  });

  it('a year written out, or a relative day, is kept whatever the direction', () => {
    expect(parseUserDate('30/12/2026', 'en', '2026-11-24', 'past')).toBe('2026-12-30');
    expect(parseUserDate('15/03/2026', 'en', '2026-11-24', 'future')).toBe('2026-03-15');
    expect(parseUserDate('15 March 2026', 'en', '2026-11-24', 'future')).toBe('2026-03-15');
    expect(parseUserDate('yesterday', 'en', '2026-11-24', 'future')).toBe('2026-11-23');
    expect(parseUserDate('last Monday', 'en', '2026-11-24', 'future')).toBe('2026-11-23');
    expect(parseUserDate('next Monday', 'en', '2026-11-24', 'past')).toBe('2026-11-30');
  });

  it('a day that exists in no year is still refused', () => {
    expect(parseUserDate('31/02', 'en', '2026-11-24', 'past')).toBeUndefined();
    expect(parseUserDate('31/04', 'en', '2026-11-24', 'future')).toBeUndefined();
  });
});
