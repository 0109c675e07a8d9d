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

/** The locale whose conventions each language's dates and weekday names follow (day first, Belgian Dutch and French). */
/** The regional conventions each language is written with here (dates, lists): British English, Belgian Dutch and French. */
export const DATE_LOCALES: Record<Language, string> = { en: 'en-GB', nl: 'nl-BE', fr: 'fr-BE', de: 'de-DE' };

/** A date for people to read, in their language ("24 November 2026", "24. November 2026"), with its weekday if asked. */
export function formatDate(date: LocalDate, lang: Language, options: { weekday?: boolean } = {}): string {
  const locale = DATE_LOCALES[lang];
  const format: Intl.DateTimeFormatOptions = { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric', ...(options.weekday ? { weekday: 'long' } : {}) };
  const text = new Intl.DateTimeFormat(locale, format).format(new Date(toUtc(date)));
  // French writes the first day of a month as an ordinal ("1er décembre"), which Intl does not.
  return lang === 'fr' ? text.replace(/(^|\s)1 (?=\p{L})/u, (_day, before: string) => `${before}1er `) : text;
}

/**
 * Relative days chrono's language packs miss or misread ("avant-hier" would read as "hier",
 * "après-demain" as "demain"), found as words anywhere in the answer ("c'était avant-hier", "avant-hier
 * matin", "eergisteren!"): with any other word around them chrono would still read the shorter one.
 */
const RELATIVE_DAYS: Record<Language, [string, number][]> = {
  en: [['day before yesterday', -2], ['day after tomorrow', 2]],
  nl: [['eergisteren', -2], ['overmorgen', 2]],
  fr: [['avant-hier', -2], ['avant hier', -2], ['après-demain', 2], ['après demain', 2], ['apres-demain', 2], ['apres demain', 2]],
  de: [['vorgestern', -2], ['übermorgen', 2], ['uebermorgen', 2]],
};

function relativeDay(text: string, lang: Language): number | undefined {
  const words = ` ${text.toLocaleLowerCase(DATE_LOCALES[lang]).replace(/[.!?,;:()]+/g, ' ').replace(/\s+/g, ' ').trim()} `;
  return RELATIVE_DAYS[lang].find(([phrase]) => words.includes(` ${phrase} `))?.[1];
}

/**
 * English as written in Britain (day first in figures), except that figures after a month name are
 * a day: chrono's British parser takes the two figures of "March 15" for a year (1 March 2015; only
 * its American one reads the 15th). A year is then four figures or follows the day ("March 15, 2015");
 * "March 2015" is a month. A fresh configuration, so chrono's shared `en.GB` is left as it is.
 */
function englishParser(): chrono.Chrono {
  const configuration = chrono.en.configuration.createCasualConfiguration(true);
  for (const parser of configuration.parsers) {
    if ('shouldSkipYearLikeDate' in parser) parser.shouldSkipYearLikeDate = false;
  }
  return new chrono.Chrono(configuration);
}

const PARSERS: Record<Language, chrono.Chrono> = { en: englishParser(), nl: chrono.nl.casual, fr: chrono.fr.casual, de: chrono.de.casual };

/**
 * A day after a month name ("maart 15", "mars 15", "März 15") and, in German, a day without its dot
 * ("15 März"): chrono reads neither in these languages, so they are handed to it as it writes them
 * ("15 maart", "15. März"). Undefined for anything else.
 */
function dayBeforeMonth(text: string, lang: Language): string | undefined {
  const trimmed = text.trim();
  const monthFirst = /^(\p{L}+)\.?\s+(\d{1,2})(?:st|nd|rd|th|e|er|de|ste|\.)?$/iu.exec(trimmed);
  const withoutDot = lang === 'de' ? /^(\d{1,2})\s+(\p{L}+)\.?$/u.exec(trimmed) : null;
  const [month, day] = monthFirst ? [monthFirst[1], monthFirst[2]] : withoutDot ? [withoutDot[2], withoutDot[1]] : [];
  if (month === undefined || day === undefined) return undefined;
  return lang === 'de' ? `${day}. ${month}` : `${day} ${month}`;
}

/**
 * Words that say which weekday is meant ("last Friday", "vrijdag a.s."), looked for among the words of
 * the answer. `last`, `next` and `this` mean what chrono's English "last Friday" (the most recent
 * Friday before today), "next Friday" (the Friday of next week) and "this Friday" (the coming one,
 * today included) mean, also in the forms chrono's own language packs miss ("afgelopen vrijdag",
 * "verleden vrijdag", "vrijdag ll.", "vendredi passé", "vergangenen Freitag", "nächster Freitag");
 * `coming` is the first such day after today ("komende vrijdag", "vendredi qui vient", "kommenden
 * Freitag"); "the Friday before last" and "vorletzten Freitag" are a week before `last`. A weekday
 * with none of them is a bare weekday; so is French "ce vendredi", as chrono too gives "ce" no meaning.
 */
type WeekdayWord = 'last' | 'coming' | 'next' | 'this';
const WEEKDAY_WORDS: Record<Language, Record<WeekdayWord, readonly string[]>> = {
  en: { last: ['last', 'past', 'previous'], coming: ['coming', 'upcoming'], next: ['next'], this: ['this'] },
  nl: { last: ['vorige', 'afgelopen', 'verleden', 'jl', 'j.l', 'jongstleden', 'laatstleden', 'll', 'l.l'], coming: ['komende', 'aanstaande', 'a.s'], next: ['volgende'], this: ['deze'] },
  fr: { last: ['dernier', 'passé', 'passe', 'précédent', 'precedent'], coming: ['vient'], next: ['prochain'], this: [] },
  de: {
    last: ['letzte', 'letzten', 'letzter', 'letztes', 'letztem', 'vergangene', 'vergangenen', 'vergangener', 'vergangenes', 'vorige', 'vorigen', 'voriger', 'voriges'],
    coming: ['kommende', 'kommenden', 'kommender', 'kommendes'],
    next: ['nächste', 'nächsten', 'nächster', 'nächstes', 'nächstem', 'naechste', 'naechsten', 'naechster', 'naechstes', 'naechstem'],
    this: ['diese', 'diesen', 'dieser', 'dieses', 'diesem'],
  },
};
/**
 * "the Tuesday before last", "vorletzten Dienstag": the one a week before what `last` gives. Looked
 * for first, as the English contains "last".
 */
const BEFORE_LAST_WORDS: Record<Language, readonly string[]> = { en: ['before last'], nl: [], fr: [], de: ['vorletzte', 'vorletzten', 'vorletzter', 'vorletztes'] };
/** In this order: "this coming Friday" is a coming one, "this past Friday" a last one. */
const WEEKDAY_WORD_ORDER: readonly WeekdayWord[] = ['last', 'coming', 'next', 'this'];
const ENGLISH_WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/**
 * The day a weekday (0 = Sunday) typed without a date stands for. With a word that says which one,
 * that one (see WEEKDAY_WORDS). A bare weekday looking back is the most recent such day, looking ahead
 * the next one, today counting both ways as it does for a day and month without a year ("Friday" typed
 * on a Friday for a meeting is today; "next Friday" is a week on); undefined when the question has no
 * direction, to keep chrono's reading (the closest such day).
 */
function weekdayFor(weekday: number, text: string, lang: Language, today: LocalDate, direction: DateDirection): LocalDate | undefined {
  const list = text.toLowerCase().match(/\p{L}+(?:\.\p{L}+)*/gu) ?? [];
  const words = new Set(list);
  const beforeLast = BEFORE_LAST_WORDS[lang].some((phrase) => ` ${list.join(' ')} `.includes(` ${phrase} `));
  const which = beforeLast ? 'last' : WEEKDAY_WORD_ORDER.find((w) => WEEKDAY_WORDS[lang][w].some((word) => words.has(word)));
  const todayWeekday = weekdayOf(today);
  const back = (todayWeekday - weekday + 7) % 7;
  const ahead = (weekday - todayWeekday + 7) % 7;
  if (which === 'coming') return addDays(today, ahead || 7);
  if (which !== undefined) {
    // As chrono reads the English words, whatever the language's pack makes of them.
    const reading = PARSERS.en.parse(`${which} ${ENGLISH_WEEKDAYS[weekday]!}`, reference(today), { forwardDate: false })[0];
    const date = reading && dateOf(reading.start);
    return date && beforeLast ? addDays(date, -7) : date;
  }
  if (direction === 'nearest') return undefined;
  return addDays(today, direction === 'past' ? -back : ahead);
}

/**
 * Which year a day and month typed without one belong to, as the question means it: `past` for a day
 * that has happened (a contact, an evaluation held): the most recent such day not after today;
 * `future` for a day to plan (a meeting, the next evaluation): the next such day not before today;
 * `nearest` when the question does not say: the closest such day either way (what chrono does).
 */
export type DateDirection = 'past' | 'future' | 'nearest';

/**
 * A date typed in the user's language and format: "yesterday", "gisteren", "hier", "22/11",
 * "22.11.2026", "15 March", "March 15", "Friday". Day-first, as written in Europe. A day and month
 * without a year take the year `direction` asks for, in figures and in words alike ("22/12",
 * "22 December" and "December 22" on 5 January are last December's for `past`). A weekday on its own
 * is the most recent such day for `past`, the next for `future` (see weekdayFor). Undefined when
 * nothing date-like was found, or no day was given ("March 2015" is a month).
 */
export function parseUserDate(text: string, lang: Language, today: LocalDate, direction: DateDirection = 'nearest'): LocalDate | undefined {
  const parsed = parseDate(text, lang, today, direction);
  return typeof parsed === 'string' ? parsed : undefined;
}

/**
 * Like parseUserDate, but says why there is no date: nothing date-like, a month without a day, or a
 * weekday that the date typed with it does not fall on ("Friday 16/11" when the 16th is a Monday:
 * `typedWeekday` 5 and the `date`, whose own weekday the user should be told).
 */
export function readUserDate(
  text: string,
  lang: Language,
  today: LocalDate,
  direction: DateDirection = 'nearest',
): LocalDate | { missing: 'date' | 'day' } | { missing: 'weekday'; date: LocalDate; typedWeekday: number } {
  const parsed = parseDate(text, lang, today, direction);
  if (parsed === NO_DAY) return { missing: 'day' };
  if (typeof parsed === 'object') return { missing: 'weekday', ...parsed };
  return parsed ?? { missing: 'date' };
}

const NO_DAY = Symbol('a month without a day');
type WeekdayConflict = { date: LocalDate; typedWeekday: number };

/** 0 = Sunday, as chrono and Date count. */
export function weekdayOf(date: LocalDate): number {
  return new Date(toUtc(date)).getUTCDay();
}

/** The weekday's name in the language ("maandag", "Montag"), for people to read. */
export function weekdayName(weekday: number, lang: Language): string {
  const locale = DATE_LOCALES[lang];
  // 2026-11-22 is a Sunday.
  return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: 'long' }).format(new Date(toUtc(addDays('2026-11-22', weekday))));
}

/** Weekday names and their usual abbreviations per language, lower case and without a final dot ("mon", "ma", "lun", "mo"). */
const WEEKDAY_NAMES: Record<Language, Map<string, number>> = (() => {
  const extra: Record<Language, Record<string, number>> = {
    en: { tues: 2, weds: 3, thur: 4, thurs: 4 },
    nl: { woe: 3, don: 4, vrij: 5, zat: 6, zon: 0 },
    fr: {},
    de: { die: 2, mit: 3, don: 4, fre: 5, sam: 6, son: 0 },
  };
  const names = {} as Record<Language, Map<string, number>>;
  for (const lang of Object.keys(extra) as Language[]) {
    const map = new Map<string, number>(Object.entries(extra[lang]));
    const locale = DATE_LOCALES[lang];
    for (let weekday = 0; weekday < 7; weekday++) {
      const day = new Date(toUtc(addDays('2026-11-22', weekday)));
      for (const width of ['long', 'short'] as const) {
        const name = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: width }).format(day).toLowerCase().replace(/\.$/, '');
        map.set(name, weekday);
        if (width === 'long') map.set(name.slice(0, 3), weekday);
      }
    }
    names[lang] = map;
  }
  return names;
})();

/**
 * "Friday 16/11", "Mi 10.2.", "lun. 16/11", "Monday 16th": a weekday in front of a date. The date
 * decides, and it must fall on that weekday: chrono reads the weekday alone and would drop the date
 * (the most recent Friday, whatever the 16th is). Undefined when the answer does not start with a
 * weekday followed by figures; NO_DATE when the figures are not a date.
 */
function weekdayThenDate(text: string, lang: Language, today: LocalDate, direction: DateDirection): LocalDate | WeekdayConflict | typeof NO_DATE | undefined {
  const match = /^(\p{L}+)\.?,?\s+(.*\d.*)$/u.exec(text.trim());
  const typedWeekday = match && WEEKDAY_NAMES[lang].get(match[1]!.toLowerCase());
  if (typedWeekday === undefined || typedWeekday === null) return undefined;
  const rest = match![2]!;
  // After a weekday, a day on its own ("Monday 16th", "Mo 16.") is that day of a month.
  const bareDay = /^(?:the\s+|le\s+|den\s+|de\s+)?(\d{1,2})(?:st|nd|rd|th|e|de|ste|er|\.)?$/iu.exec(rest.trim());
  const date = bareDay ? dayOfMonthFor(Number(bareDay[1]), today, direction) : parseDate(rest, lang, today, direction);
  if (typeof date !== 'string' && !looksLikeDate(withoutPreposition(rest, lang))) return undefined; // "maandag 14u", "Friday 10am": a weekday and a time
  if (typeof date !== 'string') return NO_DATE;
  return weekdayOf(date) === typedWeekday ? date : { date, typedWeekday };
}
const NO_DATE = Symbol('figures that are not a date');

/**
 * The word people put before a date ("am 1.3.", "den 1.3.", "le 1.3.", "op 1.3.", "on the 1/3"),
 * taken off before figures are read as a day and month, which must then be all the answer holds.
 */
const PREPOSITIONS: Record<Language, RegExp> = { en: /^(?:on\s+the|on|the)\s+/iu, nl: /^op\s+/iu, fr: /^le\s+/iu, de: /^(?:am|den)\s+/iu };
function withoutPreposition(text: string, lang: Language): string {
  return text.trim().replace(PREPOSITIONS[lang], '');
}

/**
 * Figures written as a date ("16/11", "16-11-2026", "45/13", "16.11."), not as a time of day ("9.30",
 * "14u", "10am", "om 14u"): after a weekday, a date that is no date is refused rather than dropped.
 */
function looksLikeDate(text: string): boolean {
  const m = /^(\d{1,2})([./-])(\d{1,2})(?:\2(\d{2}|\d{4}))?\.?$/.exec(text.trim());
  if (!m) return false;
  // "9.30" or "14.15" is a time; a dot with a day and month that could be a time stays a time.
  const isTime = m[2] === '.' && m[4] === undefined && !text.trim().endsWith('.') && Number(m[1]) <= 23 && Number(m[3]) <= 59 && Number(m[3]) > 12;
  return !isTime;
}

/**
 * "vorige week maandag", "Montag letzte Woche", "lundi de la semaine dernière", "Monday last week":
 * that weekday in the calendar week (Monday to Sunday) before or after this one, which is not always
 * what "last Monday" means (on a Tuesday, last Monday is yesterday).
 */
const WEEK_WORDS: Record<Language, readonly string[]> = { en: ['week'], nl: ['week'], fr: ['semaine'], de: ['woche'] };
// German names the week in the genitive too ("Dienstag letzter Woche", "Mittwoch kommender Woche").
const LAST_WEEK_WORDS: Record<Language, readonly string[]> = {
  en: ['last', 'previous', 'past'],
  nl: ['vorige', 'afgelopen', 'verleden'],
  fr: ['dernière', 'derniere', 'passée', 'passee', 'précédente', 'precedente'],
  de: ['letzte', 'letzten', 'letzter', 'vorige', 'vorigen', 'voriger', 'vergangene', 'vergangenen', 'vergangener'],
};
const NEXT_WEEK_WORDS: Record<Language, readonly string[]> = {
  en: ['next', 'coming'],
  nl: ['volgende', 'komende'],
  fr: ['prochaine'],
  de: ['nächste', 'nächsten', 'nächster', 'naechste', 'naechsten', 'naechster', 'kommende', 'kommenden', 'kommender'],
};
/**
 * Two weeks away ("Tuesday the week before last", "Dienstag übernächster Woche"), looked for first:
 * the English phrases hold "last" and "next", and read as one week away they would be a week wrong.
 */
const TWO_WEEKS_BACK_WORDS: Record<Language, readonly string[]> = { en: ['week before last'], nl: [], fr: [], de: ['vorletzte', 'vorletzten', 'vorletzter'] };
const TWO_WEEKS_AHEAD_WORDS: Record<Language, readonly string[]> = {
  en: ['week after next'],
  nl: [],
  fr: [],
  de: ['übernächste', 'übernächsten', 'übernächster', 'uebernaechste', 'uebernaechsten', 'uebernaechster'],
};

function weekdayOfOtherWeek(text: string, lang: Language, today: LocalDate): LocalDate | undefined {
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  if (!words.some((w) => WEEK_WORDS[lang].includes(w))) return undefined;
  const weekdays = words.map((w) => WEEKDAY_NAMES[lang].get(w)).filter((d): d is number => d !== undefined);
  const has = (phrases: readonly string[]) => phrases.some((phrase) => ` ${words.join(' ')} `.includes(` ${phrase} `));
  const shift = has(TWO_WEEKS_BACK_WORDS[lang]) ? -14 : has(TWO_WEEKS_AHEAD_WORDS[lang]) ? 14 : has(LAST_WEEK_WORDS[lang]) ? -7 : has(NEXT_WEEK_WORDS[lang]) ? 7 : 0;
  if (weekdays.length !== 1 || shift === 0) return undefined;
  const mondayThisWeek = addDays(today, -((weekdayOf(today) + 6) % 7));
  return addDays(mondayThisWeek, shift + ((weekdays[0]! + 6) % 7));
}

/** "2e november", "3de maart", "1er mars", "2ème mars", "16th March": the day without its ordinal ending, which chrono misses in some languages. */
function withoutOrdinal(text: string): string {
  return text.replace(/^(\d{1,2})(?:st|nd|rd|th|e|de|ste|er|re|ème|eme)\.?(?=\s+\p{L})/iu, '$1');
}

/** Each language's month names, long and short ("mars", "März", "mrt"), from Intl: no list to keep. */
const MONTH_NAMES: Record<Language, Set<string>> = Object.fromEntries(
  (Object.keys(DATE_LOCALES) as Language[]).map((lang) => {
    const names = new Set<string>();
    for (const month of ['long', 'short'] as const) {
      const format = new Intl.DateTimeFormat(DATE_LOCALES[lang], { month, timeZone: 'UTC' });
      for (let m = 0; m < 12; m++) names.add(format.format(Date.UTC(2026, m, 15)).toLocaleLowerCase(DATE_LOCALES[lang]).replace(/\.$/, ''));
    }
    return [lang, names];
  }),
) as Record<Language, Set<string>>;
const MONTH_ALONE = /^(?:(?:in|im|en|au mois de|in de maand|in the month of)\s+)?(\p{L}+)\.?(?:\s+\d{4})?$/u;

/**
 * A month with no day ("mars", "im März 2027"), which chrono's French and German parsers do not read
 * at all: said to be a month, not a day, as in English and Dutch, rather than "no date recognised".
 */
function isMonthAlone(text: string, lang: Language): boolean {
  const month = MONTH_ALONE.exec(text.trim().toLocaleLowerCase(DATE_LOCALES[lang]))?.[1];
  return month !== undefined && MONTH_NAMES[lang].has(month);
}

function parseDate(text: string, lang: Language, today: LocalDate, direction: DateDirection): LocalDate | undefined | typeof NO_DAY | WeekdayConflict {
  const leading = weekdayThenDate(text, lang, today, direction);
  if (leading === NO_DATE) return undefined;
  if (leading !== undefined) return leading;
  const otherWeek = weekdayOfOtherWeek(text, lang, today);
  if (otherWeek !== undefined) return otherWeek;
  text = withoutOrdinal(text.trim());
  const relative = relativeDay(text, lang);
  if (relative !== undefined) return addDays(today, relative);
  const figures = withoutPreposition(text, lang);
  // Year first ("2026-03-01") is year, month, day. chrono reads an impossible month as the day and
  // the day as the month ("2026-13-01" was 13 January): not a date.
  const yearFirst = /^(\d{4})([./-])(\d{1,2})\2(\d{1,2})$/.exec(figures);
  if (yearFirst) {
    const [, y, , m, d] = yearFirst;
    const date = `${y!}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
    return isRealDate(date) ? date : undefined;
  }
  // Day-first numbers as written in Europe ("22.11.", "22-11", "3/11/26", "am 1.3."); chrono misses some per language.
  const numeric = /^(\d{1,2})[./-](\d{1,2})(?:[./-](\d{2}|\d{4}))?\.?$/.exec(figures);
  if (numeric) {
    const [, d, m, y] = numeric;
    if (y === undefined) return dayInYearFor(Number(m), Number(d), today, direction);
    const date = `${y.length === 2 ? `20${y}` : y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
    return isRealDate(date) ? date : undefined;
  }
  // Not forwardDate: it would also turn "last Monday" into next Monday.
  const parse = (typed: string) => PARSERS[lang].parse(typed, reference(today), { forwardDate: false })[0];
  const rewritten = dayBeforeMonth(text, lang);
  const result = parse(text) ?? (rewritten === undefined ? undefined : parse(rewritten));
  if (!result) return isMonthAlone(text, lang) ? NO_DAY : undefined;
  const weekday = result.start.get('weekday');
  // A weekday ("Friday") leaves the day implied; chrono takes the closest such day, the question's
  // direction decides instead, and words chrono misses ("afgelopen vrijdag") are read here.
  if (!result.start.isCertain('day') && result.start.isCertain('weekday') && weekday !== null) {
    return weekdayFor(weekday, text, lang, today, direction) ?? dateOf(result.start);
  }
  // A month without a day ("March 2015", "in March", "next month"): chrono implies a day (the 1st,
  // or today's), which nobody said. Not a day.
  if (!result.start.isCertain('day')) return NO_DAY;
  // "15 March": chrono guesses the closest year; the question's direction decides instead. Relative
  // words ("in 3 days") fix the year and are kept as chrono read them.
  const month = result.start.get('month');
  const day = result.start.get('day');
  if (!result.start.isCertain('year') && result.start.isCertain('month') && month && day) {
    return dayInYearFor(month, day, today, direction);
  }
  return dateOf(result.start);
}

/**
 * chrono's reference: noon UTC on `today`, read in UTC. Given only an instant, chrono reads it in the
 * server process's time zone, where noon UTC is already tomorrow from UTC+12 ("yesterday" was today);
 * with the zone given, the day chrono counts from is `today` whatever the host's zone.
 */
function reference(today: LocalDate): chrono.ParsingReference {
  return { instant: new Date(`${today}T12:00:00Z`), timezone: 0 };
}

/** The day chrono read, if there is such a day. */
function dateOf(components: chrono.ParsedComponents): LocalDate | undefined {
  const [y, m, d] = [components.get('year'), components.get('month'), components.get('day')];
  if (!y || !m || !d) return undefined;
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
  return pickByDirection(candidates, today, direction);
}

/**
 * Of candidate days in ascending order, the one `direction` asks for: the last not after today, the
 * first not before it, or the nearer of those two (on a tie, the earlier).
 */
function pickByDirection(candidates: readonly LocalDate[], today: LocalDate, direction: DateDirection): LocalDate | undefined {
  // ISO dates sort as strings.
  const before = candidates.filter((c) => c <= today).at(-1);
  const after = candidates.find((c) => c >= today);
  if (direction === 'past') return before;
  if (direction === 'future') return after;
  if (!before || !after) return before ?? after;
  return daysBetween(before, today) <= daysBetween(today, after) ? before : after;
}

/** The day `day` of a month, in the direction asked (nearest: the closer of the two), counted from `today`. */
function dayOfMonthFor(day: number, today: LocalDate, direction: DateDirection): LocalDate | undefined {
  if (day < 1 || day > 31) return undefined;
  const [year, month] = today.split('-').map(Number) as [number, number];
  const candidates: LocalDate[] = [];
  for (let offset = -12; offset <= 12; offset++) {
    const d = new Date(Date.UTC(year, month - 1 + offset, 1));
    const date = `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    if (isRealDate(date)) candidates.push(date);
  }
  return pickByDirection(candidates, today, direction);
}

/** A YYYY-MM-DD that is a day of the calendar (not 2026-02-30 or 2026-13-45). */
export function isLocalDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && isRealDate(text);
}

/**
 * The instant of a wall-clock time in a time zone ("2026-11-24T09:00" in Europe/Brussels is 08:00 UTC),
 * or undefined for a time that is not a date-time. Around a DST change, a time that does not exist is
 * taken an hour later and one that exists twice is the first.
 */
export function instantInZone(local: string, timeZone: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m || !isRealDate(`${m[1]}-${m[2]}-${m[3]}`) || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) return undefined;
  // Date.UTC reads years 0 to 99 as 1900 to 1999: "0001-01-01" would silently be 1901.
  if (Number(m[1]) < 1000) return undefined;
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  const offsetAt = (ms: number) => {
    const parts = new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(ms));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - ms;
  };
  // The offsets in force a day before and a day after: the wall-clock time is one of them, or falls
  // in the gap between (then it is read with the earlier offset, an hour later in local terms).
  const candidates = [asUtc - offsetAt(asUtc - 86_400_000), asUtc - offsetAt(asUtc + 86_400_000)];
  const real = candidates.filter((c) => asUtc - c === offsetAt(c)).sort((a, b) => a - b);
  return new Date(real[0] ?? candidates[0]!);
}

/** Rejects 31/02 and the like, which Date would silently roll over. */
function isRealDate(date: LocalDate): boolean {
  const ms = toUtc(date);
  return !Number.isNaN(ms) && fromUtc(ms) === date;
}
