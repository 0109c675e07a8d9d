import { describe, expect, it } from '@jest/globals';
import { addMonths, daysBetween, formatDate, localDate, parseUserDate } from '../../src/core/dates.js';

describe('dates', () => {
  it('today is the calendar day in the municipality\'s time zone', () => {
    expect(localDate(new Date('2026-11-24T23:30:00Z'), 'Europe/Brussels')).toBe('2026-11-25');
    expect(localDate(new Date('2026-11-24T22:30:00Z'), 'Europe/Brussels')).toBe('2026-11-24');
  });

  it('adds months clamping to the end of the month, and counts days across DST', () => {
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(addMonths('2026-06-15', 3)).toBe('2026-09-15');
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
  });

  it.each([
    ['en', 'yesterday', '2026-11-23'],
    ['en', '22/11', '2026-11-22'],
    ['en', '3/11/2026', '2026-11-03'],
    ['nl', 'gisteren', '2026-11-23'],
    ['nl', 'eergisteren', '2026-11-22'],
    ['nl', '22-11-2026', '2026-11-22'],
    ['fr', 'hier', '2026-11-23'],
    ['fr', '3/11', '2026-11-03'],
    ['fr', 'avant-hier', '2026-11-22'],
    ['de', 'gestern', '2026-11-23'],
    ['de', 'vorgestern', '2026-11-22'],
    ['de', '22.11.2026', '2026-11-22'],
    ['de', '22.11.', '2026-11-22'],
    ['nl', '22-11', '2026-11-22'],
    ['en', '3/11/26', '2026-11-03'],
  ] as const)('parses (%s) "%s" day-first', (lang, text, expected) => {
    expect(parseUserDate(text, lang, '2026-11-24')).toBe(expected);
  });

  it('returns undefined when there is no date', () => {
    expect(parseUserDate('no idea', 'en', '2026-11-24')).toBeUndefined();
    expect(parseUserDate('31/02/2026', 'en', '2026-11-24')).toBeUndefined();
  });

  it('formats dates the way each language writes them', () => {
    expect(formatDate('2026-11-24', 'en')).toBe('24 November 2026');
    expect(formatDate('2026-11-24', 'nl')).toBe('24 november 2026');
    expect(formatDate('2026-11-24', 'fr')).toBe('24 novembre 2026');
    expect(formatDate('2026-11-24', 'de')).toBe('24. November 2026');
  });
});
