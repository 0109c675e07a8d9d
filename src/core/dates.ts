import * as chrono from 'chrono-node';
import type { Language } from '../i18n/languages.js';

/**
 * Calendar dates as the people in the municipality see them: 'YYYY-MM-DD' in the directory's time
 * zone. Day arithmetic is done on those strings (UTC midnight), so DST never shifts a day.
 */
export type LocalDate = string;

export function localDate(now: Date, timeZone: string): LocalDate {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

const toUtc = (date: LocalDate) => Date.parse(`${date}T00:00:00Z`);
const fromUtc = (ms: number): LocalDate => new Date(ms).toISOString().slice(0, 10);

export function addDays(date: LocalDate, days: number): LocalDate {
  return fromUtc(toUtc(date) + days * 86_400_000);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((toUtc(to) - toUtc(from)) / 86_400_000);
}

/** Adds calendar months, clamping to the month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(date: LocalDate, months: number): LocalDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return fromUtc(target.getTime());
}

/** A date for people to read, in their language's usual format ("24/11/2026", "24.11.2026"). */
export function formatDate(date: LocalDate, lang: Language): string {
  const locale = { en: 'en-GB', nl: 'nl-BE', fr: 'fr-BE', de: 'de-DE' }[lang];
  return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(toUtc(date)));
}

/** Relative days chrono's language packs miss or misread ("avant-hier" would read as "hier"). */
const RELATIVE_DAYS: Record<Language, Record<string, number>> = {
  en: { 'day before yesterday': -2, 'the day before yesterday': -2 },
  nl: { eergisteren: -2 },
  fr: { 'avant-hier': -2, 'avant hier': -2 },
  de: { vorgestern: -2 },
};

const PARSERS: Record<Language, chrono.Chrono> = { en: chrono.en.GB, nl: chrono.nl.casual, fr: chrono.fr.casual, de: chrono.de.casual };

/**
 * Which year a day and month typed without one belong to, as the question means it: `past` for a day
 * that has happened (a contact, an evaluation held): the most recent such day not after today;
 * `future` for a day to plan (a meeting, the next evaluation): the next such day not before today;
 * `nearest` when the question does not say: the closest such day either way (what chrono does).
 */
export type DateDirection = 'past' | 'future' | 'nearest';

/**
 * A date typed in the user's language and format: "yesterday", "gisteren", "hier", "22/11",
 * "22.11.2026", "15 March". Day-first, as written in Europe. A day and month without a year take
 * the year `direction` asks for, in figures and in words alike ("22/12" and "22 December" on
 * 5 January are last December's for `past`). Undefined when nothing date-like was found.
 */
export function parseUserDate(text: string, lang: Language, today: LocalDate, direction: DateDirection = 'nearest'): LocalDate | undefined {
  const relative = RELATIVE_DAYS[lang][text.trim().toLowerCase()];
  if (relative !== undefined) return addDays(today, relative);
  // Day-first numbers as written in Europe ("22.11.", "22-11", "3/11/26"); chrono misses some per language.
  const numeric = /^(\d{1,2})[./-](\d{1,2})(?:[./-](\d{2}|\d{4}))?\.?$/.exec(text.trim());
  if (numeric) {
    const [, d, m, y] = numeric;
    if (y === undefined) return dayInYearFor(Number(m), Number(d), today, direction);
    const date = `${y.length === 2 ? `20${y}` : y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
    return isRealDate(date) ? date : undefined;
  }
  // Reference noon, so "yesterday" cannot slip a day across midnight in any time zone. Not
  // forwardDate: it would also turn "last Monday" into next Monday.
  const reference = new Date(`${today}T12:00:00Z`);
  const result = PARSERS[lang].parse(text, reference, { forwardDate: false })[0];
  if (!result) return undefined;
  const y = result.start.get('year');
  const m = result.start.get('month');
  const d = result.start.get('day');
  if (!y || !m || !d) return undefined;
  // "15 March": chrono guesses the closest year; the question's direction decides instead. A weekday
  // ("Monday") leaves the day implied and relative words ("in 3 days") fix the year: both are kept
  // as chrono read them.
  if (!result.start.isCertain('year') && result.start.isCertain('month') && result.start.isCertain('day')) {
    return dayInYearFor(m, d, today, direction);
  }
  const date = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return isRealDate(date) ? date : undefined;
}

/**
 * The day `day`/`month` in the year `direction` asks for, counted from `today`; undefined when that
 * day exists in no year (31/04). Eight years either way always hold a 29 February.
 */
function dayInYearFor(month: number, day: number, today: LocalDate, direction: DateDirection): LocalDate | undefined {
  const year = Number(today.slice(0, 4));
  const candidates: LocalDate[] = [];
  for (let y = year - 8; y <= year + 8; y++) {
    const date = `${String(y).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    if (isRealDate(date)) candidates.push(date);
  }
  // ISO dates sort as strings; candidates are in ascending order.
  if (direction === 'past') return candidates.filter((c) => c <= today).at(-1);
  if (direction === 'future') return candidates.find((c) => c >= today);
  // Nearest; on a tie, the earlier one.
  let best: LocalDate | undefined;
  for (const c of candidates) {
    if (best === undefined || Math.abs(daysBetween(today, c)) < Math.abs(daysBetween(today, best))) best = c;
  }
  return best;
}

/** Rejects 31/02 and the like, which Date would silently roll over. */
function isRealDate(date: LocalDate): boolean {
  const ms = toUtc(date);
  return !Number.isNaN(ms) && fromUtc(ms) === date;
}
