import { describe, expect, it } from '@jest/globals';
import { parseUserDate, readUserDate } from '../../src/core/dates.js';

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

/**
 * A month name before the day ("March 15", usual in English): chrono's British parser reads the two
 * figures as a year (1 March 2015). The day is the 15th, and the year follows the direction.
 */
describe('parseUserDate: a day written after the month name', () => {
  it.each([
    ['en', 'March 15'],
    ['en', 'Mar 15'],
    ['en', 'March 15th'],
    ['en', 'on March 15'],
    ['en', '15 March'],
    ['en', '15th March'],
    ['en', 'the 15th of March'],
    ['nl', 'maart 15'],
    ['nl', '15 maart'],
    ['fr', 'mars 15'],
    ['fr', '15 mars'],
    ['fr', 'le 15 mars'],
    ['de', 'März 15'],
    ['de', '15. März'],
    ['de', '15 März'],
  ] as const)('(%s) "%s" is 15 March: this year\'s looking back, next year\'s looking ahead, from 24 November 2026', (lang, typed) => {
    expect(parseUserDate(typed, lang, '2026-11-24', 'past')).toBe('2026-03-15');
    expect(parseUserDate(typed, lang, '2026-11-24', 'future')).toBe('2027-03-15');
  });

  it('two figures that could be a year are a day after a month name ("March 26" is not March 2026)', () => {
    expect(parseUserDate('March 26', 'en', '2026-11-24', 'past')).toBe('2026-03-26');
    expect(parseUserDate('March 31', 'en', '2026-11-24', 'future')).toBe('2027-03-31');
    expect(parseUserDate('March 5', 'en', '2026-11-24', 'future')).toBe('2027-03-05');
    expect(parseUserDate('April 31', 'en', '2026-11-24', 'future')).toBeUndefined();
  });

  it.each([
    ['en', 'March 15, 2015', '2015-03-15'],
    ['en', 'March 15 2026', '2026-03-15'],
    ['en', '15 March 2015', '2015-03-15'],
    ['nl', '15 maart 2015', '2015-03-15'],
    ['fr', '15 mars 2015', '2015-03-15'],
    ['de', '15. März 2015', '2015-03-15'],
  ] as const)('(%s) a year written out is kept: "%s"', (lang, typed, expected) => {
    expect(parseUserDate(typed, lang, '2026-11-24', 'past')).toBe(expected);
    expect(parseUserDate(typed, lang, '2026-11-24', 'future')).toBe(expected);
  });

  it.each([
    ['en', 'March 2015'],
    ['en', 'March'],
    ['en', 'in March'],
    ['en', 'next month'],
    ['nl', 'maart 2015'],
    ['nl', 'maart'],
    ['fr', 'mars 2015'],
    ['de', 'März 2015'],
  ] as const)('(%s) a month without a day is not a day: "%s"', (lang, typed) => {
    expect(parseUserDate(typed, lang, '2026-11-24', 'past')).toBeUndefined();
    expect(parseUserDate(typed, lang, '2026-11-24', 'future')).toBeUndefined();
    expect(parseUserDate(typed, lang, '2026-11-24')).toBeUndefined();
  });

  it('says why there is no date: a month without a day, or nothing date-like', () => {
    expect(readUserDate('March 2015', 'en', '2026-11-24', 'past')).toEqual({ missing: 'day' });
    expect(readUserDate('next month', 'en', '2026-11-24', 'future')).toEqual({ missing: 'day' });
    expect(readUserDate('whenever suits', 'en', '2026-11-24', 'past')).toEqual({ missing: 'date' });
    expect(readUserDate('15 March', 'en', '2026-11-24', 'past')).toBe('2026-03-15');
  });
});
