import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import * as chrono from 'chrono-node';
import { addMonths, daysBetween, formatDate, instantInZone, isLocalDate, localDate, parseUserDate, readUserDate } from '../../src/core/dates.js';

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
    // Two days away, and with other words around them (chrono read the shorter word inside).
    ['fr', 'avant-hier matin', '2026-11-22'],
    ['fr', "c'était avant-hier", '2026-11-22'],
    ['fr', 'avant-hier.', '2026-11-22'],
    ['en', 'the day before yesterday afternoon', '2026-11-22'],
    ['nl', 'eergisteren!', '2026-11-22'],
    ['fr', 'après-demain', '2026-11-26'],
    ['en', 'the day after tomorrow', '2026-11-26'],
    ['nl', 'overmorgen', '2026-11-26'],
    ['de', 'übermorgen', '2026-11-26'],
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

/**
 * A weekday on its own ("Friday") is the most recent such day for a question about what happened,
 * the next such day for a question about what is planned; today counts either way. Words that say
 * which one ("last Friday", "next Friday") keep their meaning. 24 November 2026 is a Tuesday.
 */
describe('parseUserDate: a weekday', () => {
  const TUESDAY = '2026-11-24';
  const FRIDAY = '2026-11-27';

  it.each([
    ['en', 'Friday'],
    ['en', 'friday'],
    ['en', 'on Friday'],
    ['en', 'Friday morning'],
    ['nl', 'vrijdag'],
    ['nl', 'op vrijdag'],
    ['fr', 'vendredi'],
    ['fr', 'le vendredi'],
    ['fr', 'vendredi matin'],
    ['de', 'Freitag'],
    ['de', 'am Freitag'],
  ] as const)('(%s) "%s" typed on a Tuesday: last Friday looking back, this Friday looking ahead', (lang, typed) => {
    expect(parseUserDate(typed, lang, TUESDAY, 'past')).toBe('2026-11-20');
    expect(parseUserDate(typed, lang, TUESDAY, 'future')).toBe('2026-11-27');
  });

  it.each([
    ['en', 'Monday', 'Tuesday'],
    ['nl', 'maandag', 'dinsdag'],
    ['fr', 'lundi', 'mardi'],
    ['de', 'Montag', 'Dienstag'],
  ] as const)('(%s) "%s" typed on a Tuesday: yesterday looking back, next week looking ahead; "%s" is today', (lang, monday, tuesday) => {
    expect(parseUserDate(monday, lang, TUESDAY, 'past')).toBe('2026-11-23');
    expect(parseUserDate(monday, lang, TUESDAY, 'future')).toBe('2026-11-30');
    expect(parseUserDate(tuesday, lang, TUESDAY, 'past')).toBe(TUESDAY);
    expect(parseUserDate(tuesday, lang, TUESDAY, 'future')).toBe(TUESDAY);
  });

  it('without a direction, the nearest such day, as chrono reads it', () => {
    expect(parseUserDate('Friday', 'en', TUESDAY)).toBe('2026-11-27');
    expect(parseUserDate('Monday', 'en', TUESDAY)).toBe('2026-11-23');
  });

  it.each([
    ['en', 'last Friday', 'next Friday'],
    ['nl', 'vorige vrijdag', 'volgende vrijdag'],
    ['fr', 'vendredi dernier', 'vendredi prochain'],
    ['de', 'letzten Freitag', 'nächsten Freitag'],
  ] as const)('(%s) "%s" and "%s" keep their meaning whatever the direction', (lang, last, next) => {
    for (const direction of ['past', 'future', undefined] as const) {
      expect(parseUserDate(last, lang, TUESDAY, direction)).toBe('2026-11-20');
      expect(parseUserDate(next, lang, TUESDAY, direction)).toBe('2026-12-04');
    }
  });

  it.each([
    ['en', 'previous Friday'],
    ['en', 'past Friday'],
    ['nl', 'afgelopen vrijdag'],
    ['nl', 'vrijdag jl.'],
    ['fr', 'vendredi passé'],
    ['de', 'vergangenen Freitag'],
    ['de', 'vorigen Freitag'],
  ] as const)('(%s) "%s" is the Friday before today, never today nor a coming one', (lang, typed) => {
    for (const direction of ['past', 'future', undefined] as const) {
      expect(parseUserDate(typed, lang, TUESDAY, direction)).toBe('2026-11-20');
      expect(parseUserDate(typed, lang, FRIDAY, direction)).toBe('2026-11-20');
    }
  });

  it.each([
    ['en', 'coming Friday'],
    ['en', 'this coming Friday'],
    ['nl', 'komende vrijdag'],
    ['nl', 'aanstaande vrijdag'],
    ['nl', 'vrijdag a.s.'],
    ['fr', 'vendredi qui vient'],
    ['de', 'kommenden Freitag'],
  ] as const)('(%s) "%s" is the Friday after today, never today nor a past one', (lang, typed) => {
    for (const direction of ['past', 'future', undefined] as const) {
      expect(parseUserDate(typed, lang, TUESDAY, direction)).toBe('2026-11-27');
      expect(parseUserDate(typed, lang, FRIDAY, direction)).toBe('2026-12-04');
    }
  });

  it('German forms chrono misses mean what the forms it reads mean', () => {
    for (const direction of ['past', 'future', undefined] as const) {
      expect(parseUserDate('nächster Freitag', 'de', TUESDAY, direction)).toBe('2026-12-04');
      expect(parseUserDate('letzter Freitag', 'de', TUESDAY, direction)).toBe('2026-11-20');
      expect(parseUserDate('dieser Freitag', 'de', TUESDAY, direction)).toBe('2026-11-27');
    }
  });

  it('a weekday with a date is that date, when the date falls on it; otherwise the user is told which weekday the date is', () => {
    expect(parseUserDate('Sunday 15 March', 'en', TUESDAY, 'past')).toBe('2026-03-15');
    expect(parseUserDate('Monday, March 15', 'en', TUESDAY, 'future')).toBe('2027-03-15');
    // chrono reads only the weekday in these, and used to give the most recent Monday or Wednesday instead.
    expect(parseUserDate('Mi 10.2.', 'de', TUESDAY, 'future')).toBe('2027-02-10');
    expect(parseUserDate('lun. 16/11', 'fr', TUESDAY, 'past')).toBe('2026-11-16');
    expect(parseUserDate('Montag 16.11.', 'de', TUESDAY, 'past')).toBe('2026-11-16');
    expect(parseUserDate('maandag 16-11', 'nl', TUESDAY, 'past')).toBe('2026-11-16');
    expect(parseUserDate('Monday 16th', 'en', TUESDAY, 'past')).toBe('2026-11-16');
    expect(parseUserDate('Mo 16.', 'de', TUESDAY, 'past')).toBe('2026-11-16');
    expect(readUserDate('Friday 16/11', 'en', TUESDAY, 'past')).toEqual({ missing: 'weekday', date: '2026-11-16', typedWeekday: 5 });
    expect(readUserDate('Friday, March 15', 'en', TUESDAY, 'future')).toEqual({ missing: 'weekday', date: '2027-03-15', typedWeekday: 5 });
    expect(parseUserDate('Friday 16/11', 'en', TUESDAY, 'past')).toBeUndefined();
    // Figures that are no date after a weekday are not understood, rather than read as the weekday alone.
    expect(readUserDate('Friday 45/13', 'en', TUESDAY, 'past')).toEqual({ missing: 'date' });
    // A weekday with a time is still the weekday.
    expect(parseUserDate('Friday 10am', 'en', TUESDAY, 'past')).toBe('2026-11-20');
    expect(parseUserDate('maandag 14u', 'nl', TUESDAY, 'past')).toBe('2026-11-23');
    expect(parseUserDate('maandag om 14u', 'nl', TUESDAY, 'past')).toBe('2026-11-23');
    expect(parseUserDate('dinsdag 9u30', 'nl', TUESDAY, 'past')).toBe('2026-11-24');
    expect(parseUserDate('Tuesday 9.30', 'en', TUESDAY, 'past')).toBe('2026-11-24');
  });

  it('a weekday of last or next week is that day of the calendar week before or after this one', () => {
    // TUESDAY is 24 November: "last Monday" is yesterday, "Monday last week" the 16th.
    expect(parseUserDate('last Monday', 'en', TUESDAY, 'past')).toBe('2026-11-23');
    expect(parseUserDate('Monday last week', 'en', TUESDAY, 'past')).toBe('2026-11-16');
    expect(parseUserDate('vorige week maandag', 'nl', TUESDAY, 'past')).toBe('2026-11-16');
    expect(parseUserDate('Montag letzte Woche', 'de', TUESDAY, 'past')).toBe('2026-11-16');
    expect(parseUserDate('lundi de la semaine dernière', 'fr', TUESDAY, 'past')).toBe('2026-11-16');
    expect(parseUserDate('vrijdag vorige week', 'nl', TUESDAY, 'past')).toBe('2026-11-20');
    expect(parseUserDate('volgende week woensdag', 'nl', TUESDAY, 'future')).toBe('2026-12-02');
    expect(parseUserDate('Mittwoch nächste Woche', 'de', TUESDAY, 'future')).toBe('2026-12-02');
  });

  it('a weekday of last or next week in the forms people type: German genitive, Flemish "verleden", two weeks away', () => {
    const WEDNESDAY = '2026-03-11'; // last week's Tuesday is the 3rd, yesterday the 10th
    for (const direction of ['past', 'future', undefined] as const) {
      for (const typed of ['Dienstag letzter Woche', 'Dienstag vergangener Woche', 'Dienstag voriger Woche', 'am Dienstag letzter Woche']) {
        expect(parseUserDate(typed, 'de', WEDNESDAY, direction)).toBe('2026-03-03');
      }
      for (const typed of ['verleden week dinsdag', 'dinsdag verleden week', 'dinsdag van verleden week']) {
        expect(parseUserDate(typed, 'nl', WEDNESDAY, direction)).toBe('2026-03-03');
      }
      expect(parseUserDate('Dienstag nächster Woche', 'de', WEDNESDAY, direction)).toBe('2026-03-17');
      expect(parseUserDate('Dienstag kommender Woche', 'de', WEDNESDAY, direction)).toBe('2026-03-17');
      // Two weeks away: read as one week away, these were a week wrong.
      expect(parseUserDate('Tuesday the week before last', 'en', WEDNESDAY, direction)).toBe('2026-02-24');
      expect(parseUserDate('Dienstag vorletzter Woche', 'de', WEDNESDAY, direction)).toBe('2026-02-24');
      expect(parseUserDate('Tuesday the week after next', 'en', WEDNESDAY, direction)).toBe('2026-03-24');
      expect(parseUserDate('Dienstag übernächster Woche', 'de', WEDNESDAY, direction)).toBe('2026-03-24');
    }
  });

  it('"last Tuesday" in its other forms is the most recent Tuesday, in every direction; "the Tuesday before last" the one before', () => {
    const WEDNESDAY = '2026-03-11';
    for (const direction of ['past', 'future', undefined] as const) {
      for (const [lang, typed] of [
        ['nl', 'verleden dinsdag'],
        ['nl', 'afgelopen dinsdag'],
        ['nl', 'dinsdag laatstleden'],
        ['nl', 'dinsdag ll'],
        ['nl', 'dinsdag l.l.'],
        ['nl', 'dinsdag j.l.'],
        ['fr', 'mardi dernier'],
        ['de', 'am vergangenen Dienstag'],
      ] as const) {
        expect([lang, typed, parseUserDate(typed, lang, WEDNESDAY, direction)]).toEqual([lang, typed, '2026-03-10']);
      }
      // The week, not the weekday, is "last" here: not the same day as "mardi dernier".
      expect(parseUserDate('mardi de la semaine dernière', 'fr', WEDNESDAY, direction)).toBe('2026-03-03');
      expect(parseUserDate('the Tuesday before last', 'en', WEDNESDAY, direction)).toBe('2026-03-03');
      expect(parseUserDate('vorletzten Dienstag', 'de', WEDNESDAY, direction)).toBe('2026-03-03');
    }
  });

  it('a day with an ordinal ending is that day ("2e november", "1er novembre", "16th March")', () => {
    expect(parseUserDate('2e november', 'nl', TUESDAY, 'past')).toBe('2026-11-02');
    expect(parseUserDate('3de november', 'nl', TUESDAY, 'past')).toBe('2026-11-03');
    expect(parseUserDate('2e novembre', 'fr', TUESDAY, 'past')).toBe('2026-11-02');
    expect(parseUserDate('1er novembre', 'fr', TUESDAY, 'past')).toBe('2026-11-01');
    expect(parseUserDate('16th March', 'en', TUESDAY, 'past')).toBe('2026-03-16');
  });
});

describe('parseUserDate: figures after a preposition, and year first', () => {
  const WEDNESDAY = '2026-03-11';

  it.each([
    ['de', 'am 1.3.', '2026-03-01'],
    ['de', 'am 31.12.', '2025-12-31'],
    ['de', 'den 1.3.', '2026-03-01'],
    ['de', 'am 1.3.2026', '2026-03-01'],
    ['fr', 'le 1.3.', '2026-03-01'],
    ['fr', 'le 1/3', '2026-03-01'],
    ['nl', 'op 1.3.', '2026-03-01'],
    ['nl', 'op 1-3', '2026-03-01'],
    ['en', 'on 1.3.', '2026-03-01'],
    ['en', 'on the 1/3', '2026-03-01'],
    // After a weekday the figures decide; they were dropped and the weekday read alone (the 10th).
    ['de', 'Dienstag, den 3.3.', '2026-03-03'],
    ['de', 'Di., den 3.3.', '2026-03-03'],
  ] as const)('(%s) "%s" is %s', (lang, typed, expected) => {
    expect(parseUserDate(typed, lang, WEDNESDAY, 'past')).toBe(expected);
  });

  it('a weekday and figures after a preposition that do not agree are still told apart', () => {
    expect(readUserDate('Mittwoch, den 3.3.', 'de', WEDNESDAY, 'past')).toEqual({ missing: 'weekday', date: '2026-03-03', typedWeekday: 3 });
    expect(parseUserDate('am 9.30', 'de', WEDNESDAY, 'past')).toBeUndefined();
  });

  it('year, month and day are read in that order, and an impossible one is no date (not the month and day swapped)', () => {
    for (const lang of ['en', 'nl', 'fr', 'de'] as const) {
      expect(parseUserDate('2026-03-01', lang, WEDNESDAY, 'past')).toBe('2026-03-01');
      expect(parseUserDate('2026/3/1', lang, WEDNESDAY, 'future')).toBe('2026-03-01');
      for (const typed of ['2026-13-01', '2026/13/01', '2026.13.01', '2026-02-30', '2026-00-10']) {
        expect([lang, typed, readUserDate(typed, lang, WEDNESDAY, 'past')]).toEqual([lang, typed, { missing: 'date' }]);
      }
    }
    expect(readUserDate('on 2026-13-01', 'en', WEDNESDAY, 'past')).toEqual({ missing: 'date' });
  });
});

/** "last", "next" and "this" with a weekday, as chrono reads them in English, typed on each day of a week. */
describe('parseUserDate: explicit weekdays mean what chrono\'s English says, in every language and direction', () => {
  const names: Record<'en' | 'nl' | 'fr' | 'de', readonly string[]> = {
    en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
    nl: ['zondag', 'maandag', 'dinsdag', 'woensdag', 'donderdag', 'vrijdag', 'zaterdag'],
    fr: ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'],
    de: ['Sonntag', 'Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag', 'Samstag'],
  };
  const forms = {
    last: { en: (d: string) => `last ${d}`, nl: (d: string) => `vorige ${d}`, fr: (d: string) => `${d} dernier`, de: (d: string) => `letzten ${d}` },
    next: { en: (d: string) => `next ${d}`, nl: (d: string) => `volgende ${d}`, fr: (d: string) => `${d} prochain`, de: (d: string) => `nächsten ${d}` },
  } as const;
  const week = ['2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28'];
  // The day chrono's components say, counted from noon UTC read in UTC: neither depends on the host's zone.
  const chronoReads = (typed: string, today: string) => {
    const start = chrono.en.GB.parse(typed, { instant: new Date(`${today}T12:00:00Z`), timezone: 0 })[0]!.start;
    return [start.get('year')!, start.get('month')!, start.get('day')!].map((n, i) => String(n).padStart(i === 0 ? 4 : 2, '0')).join('-');
  };

  it.each(['last', 'next'] as const)('"%s <weekday>"', (which) => {
    for (const today of week) {
      for (let weekday = 0; weekday < 7; weekday++) {
        const expected = chronoReads(`${which} ${names.en[weekday]!}`, today);
        for (const lang of ['en', 'nl', 'fr', 'de'] as const) {
          const typed = forms[which][lang](names[lang][weekday]!);
          for (const direction of ['past', 'future', undefined] as const) {
            expect([typed, today, direction, parseUserDate(typed, lang, today, direction)]).toEqual([typed, today, direction, expected]);
          }
        }
      }
    }
  });

  it('"this <weekday>" (en, nl, de) is the coming one, today included', () => {
    for (const today of week) {
      for (let weekday = 0; weekday < 7; weekday++) {
        const expected = chronoReads(`this ${names.en[weekday]!}`, today);
        for (const [lang, typed] of [['en', `this ${names.en[weekday]!}`], ['nl', `deze ${names.nl[weekday]!}`], ['de', `diesen ${names.de[weekday]!}`]] as const) {
          expect([typed, today, parseUserDate(typed, lang, today, 'past')]).toEqual([typed, today, expected]);
        }
      }
    }
  });

  it('a bare weekday, typed on each day of a week, is within the six days before or after today', () => {
    for (const today of week) {
      for (let weekday = 0; weekday < 7; weekday++) {
        for (const lang of ['en', 'nl', 'fr', 'de'] as const) {
          const past = parseUserDate(names[lang][weekday]!, lang, today, 'past')!;
          const future = parseUserDate(names[lang][weekday]!, lang, today, 'future')!;
          expect(new Date(`${past}T00:00:00Z`).getUTCDay()).toBe(weekday);
          expect(new Date(`${future}T00:00:00Z`).getUTCDay()).toBe(weekday);
          expect(daysBetween(today, past)).toBeGreaterThanOrEqual(-6);
          expect(daysBetween(today, past)).toBeLessThanOrEqual(0);
          expect(daysBetween(today, future)).toBeGreaterThanOrEqual(0);
          expect(daysBetween(today, future)).toBeLessThanOrEqual(6);
        }
      }
    }
  });
});

describe('instantInZone and isLocalDate', () => {
  it('reads a wall-clock time in a time zone, around DST changes too (a time in the gap an hour later, a repeated one the first time)', () => {
    const at = (local: string, zone: string) => instantInZone(local, zone)?.toISOString();
    expect(at('2026-11-24T09:00', 'Europe/Brussels')).toBe('2026-11-24T08:00:00.000Z');
    expect(at('2026-07-01T09:00', 'Europe/Brussels')).toBe('2026-07-01T07:00:00.000Z');
    expect(at('2026-10-25T02:30', 'Europe/Brussels')).toBe('2026-10-25T00:30:00.000Z'); // first 02:30, still summer time
    expect(at('2026-03-29T02:30', 'Europe/Brussels')).toBe('2026-03-29T01:30:00.000Z'); // no 02:30 that night: 03:30
    expect(at('2026-03-08T02:30', 'America/New_York')).toBe('2026-03-08T07:30:00.000Z');
    expect(at('2026-11-01T01:30', 'America/New_York')).toBe('2026-11-01T05:30:00.000Z');
    for (const bad of ['2026-11-31T09:00', '2026-11-24T25:00', '2026-11-24', 'tomorrow', '12']) expect(instantInZone(bad, 'Europe/Brussels')).toBeUndefined();
  });

  it('isLocalDate takes days of the calendar only', () => {
    expect(isLocalDate('2028-02-29')).toBe(true);
    for (const bad of ['2026-02-29', '2026-02-30', '2026-13-45', '2026-1-5', '20261124']) expect(isLocalDate(bad)).toBe(false);
  });
});

describe('a month without a day', () => {
  it.each([
    ['march', 'en'], ['maart', 'nl'], ['mrt', 'nl'], ['mars', 'fr'], ['en mars', 'fr'], ['mai 2027', 'fr'], ['März', 'de'], ['im März 2027', 'de'], ['Mai', 'de'],
  ] as const)('"%s" (%s) is a month, not a day, in every language', (typed, lang) => {
    expect(readUserDate(typed, lang, '2026-11-25', 'future')).toEqual({ missing: 'day' });
  });

  it('a word that only looks like one is no date; a month with its day is a day', () => {
    expect(readUserDate('marsh', 'fr', '2026-11-25', 'future')).toEqual({ missing: 'date' });
    expect(readUserDate('15 mars', 'fr', '2026-11-25', 'future')).toBe('2027-03-15');
    expect(readUserDate('15. März', 'de', '2026-11-25', 'future')).toBe('2027-03-15');
  });
});

describe('instantInZone', () => {
  it('refuses a year Date.UTC would misread (0001 as 1901)', () => {
    expect(instantInZone('0001-01-01T09:00', 'Europe/Brussels')).toBeUndefined();
    expect(instantInZone('2026-11-25T09:00', 'Europe/Brussels')?.toISOString()).toBe('2026-11-25T08:00:00.000Z');
  });
});

describe('formatDate', () => {
  it('writes the first of a month as French does ("1er"), and no other day', async () => {
    expect(formatDate('2026-12-01', 'fr')).toBe('1er décembre 2026');
    expect(formatDate('2026-12-11', 'fr')).toBe('11 décembre 2026');
    expect(formatDate('2026-12-21', 'fr')).toBe('21 décembre 2026');
    expect(formatDate('2026-12-01', 'nl')).toBe('1 december 2026');
    expect(formatDate('2026-12-01', 'de')).toBe('1. Dezember 2026');
  });

  it('with the weekday when asked (a date planned ahead is checked against it), "1er" included', async () => {
    expect(formatDate('2027-12-01', 'fr', { weekday: true })).toBe('mercredi 1er décembre 2027');
    expect(formatDate('2027-12-11', 'fr', { weekday: true })).toBe('samedi 11 décembre 2027');
    expect(formatDate('2027-12-01', 'en', { weekday: true })).toBe('Wednesday, 1 December 2027');
    expect(formatDate('2027-12-01', 'nl', { weekday: true })).toBe('woensdag 1 december 2027');
    expect(formatDate('2027-12-01', 'de', { weekday: true })).toBe('Mittwoch, 1. Dezember 2027');
  });
});

/**
 * The server's own time zone must not move a day: chrono reads its reference in the process's zone
 * unless told otherwise, and noon UTC is already tomorrow from UTC+12. A zone cannot be changed inside
 * a Jest worker, so the built module (`npm test` builds it first) is run by node under each zone.
 */
describe('parseUserDate whatever the host\'s time zone', () => {
  const TUESDAY = '2026-03-10';
  const typed: [string, 'en' | 'nl' | 'fr' | 'de', 'past' | 'future' | 'nearest', string][] = [
    ['yesterday', 'en', 'past', '2026-03-09'],
    ['gisteren', 'nl', 'past', '2026-03-09'],
    ['hier', 'fr', 'past', '2026-03-09'],
    ['gestern', 'de', 'past', '2026-03-09'],
    ['tomorrow', 'en', 'future', '2026-03-11'],
    ['morgen', 'nl', 'future', '2026-03-11'],
    ['3 days ago', 'en', 'past', '2026-03-07'],
    ['in 3 days', 'en', 'future', '2026-03-13'],
    ['last Monday', 'en', 'past', '2026-03-09'],
    ['afgelopen maandag', 'nl', 'future', '2026-03-09'],
    ['next Monday', 'en', 'future', '2026-03-16'],
    ['Friday', 'en', 'past', '2026-03-06'],
    ['15 March', 'en', 'past', '2025-03-15'],
  ];

  it('under zones from UTC-12 to UTC+14 (the processes run side by side)', async () => {
    const dates = resolve('dist/src/core/dates.js');
    const script = `import { parseUserDate } from ${JSON.stringify(dates)};
      const typed = ${JSON.stringify(typed)};
      console.log(JSON.stringify(typed.map(([text, lang, direction]) => parseUserDate(text, lang, ${JSON.stringify(TUESDAY)}, direction))));`;
    const zones = ['Pacific/Kiritimati', 'Pacific/Auckland', 'Pacific/Pago_Pago', 'Etc/GMT+12'];
    const runs = await Promise.all(
      zones.map((zone) => promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH ?? '', TZ: zone } })),
    );
    const wrong = runs.flatMap(({ stdout }, z) => {
      const read = JSON.parse(stdout) as string[];
      return typed.map(([text, lang, , expected], i) => ({ zone: zones[z], lang, text, expected, read: read[i] })).filter((r) => r.read !== r.expected);
    });
    expect(wrong).toEqual([]);
  });
});
