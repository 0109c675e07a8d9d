import type { Language } from '../i18n/languages.js';
import { FIRST_NAMES } from './firstNames.js';

/**
 * Refuses free text that looks like it names or identifies a person (privacy by design: the
 * assistant never stores pupil data). Returns the translation key of the reason, or undefined when
 * the text looks safe. Deliberately cautious: a false refusal costs a rephrase, a miss costs a child's
 * privacy. The refused text itself is never stored or logged.
 */
export function containsPersonalData(typed: string, lang: Language): string | undefined {
  const text = readable(typed);
  const found = contactDetailsIn(text);
  if (found) return found;
  if (INITIALS.test(text)) return 'personalData:name';
  if (namesAPerson(text, lang)) return 'personalData:name';
  if (CLASS_CODE.test(text) || AGE.test(text)) return 'personalData:classOrAge';
  return undefined;
}

/**
 * An address, a date, a phone number, an e-mail address or a social-media handle: what a person's own
 * name never holds (the call-back form's name check uses this part, since a name is expected there).
 */
export function containsContactDetails(typed: string): string | undefined {
  return contactDetailsIn(readable(typed));
}

/**
 * Full-width digits and letters ("０４７１") read as the ordinary ones, and any run of spaces as one:
 * the patterns below allow a few spaces between the parts of a date or an address, not any number.
 */
function readable(typed: string): string {
  return typed.normalize('NFKC').replace(/\s+/gu, ' ');
}

function contactDetailsIn(text: string): string | undefined {
  if (EMAIL.test(text) || EMAIL_SPELLED.test(text)) return 'personalData:email';
  if (HANDLE.test(text)) return 'personalData:handle';
  // Hours ("bereikbaar van 8.30-12.00", "am besten 8.30 - 12.00 Uhr"), what a note on when to call
  // holds, read as a date or a phone number otherwise: not looked at by the checks below.
  text = text.replace(TIME_RANGE, ' ');
  if (DATE_NUMERIC.test(text) || DATE_WORDS.test(text) || DATE_MONTH_FIRST.test(text) || DATE_MONTH_YEAR.test(text)) return 'personalData:date';
  if (hasPhoneNumber(text)) return 'personalData:phone';
  if (ADDRESS.test(text) || POSTCODE.test(text) || STREET_NAME.test(text)) return 'personalData:address';
  return undefined;
}

/*
 * Every repetition below is bounded, and a run of letters is entered only at its start ((?<!…)):
 * these patterns run on whatever anyone types into the web chat, and an unbounded one is quadratic on
 * a long run of letters (2 000 characters that expand under NFKC blocked the server for seconds).
 */
const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}.-]{1,253}\.[a-z]{2,}/iu;
/** "j.peeters(at)school.be", "j.peeters [at] school [dot] be" */
const EMAIL_SPELLED = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,64}\s{0,3}[([{]\s{0,3}at\s{0,3}[)\]}]\s{0,3}[\p{L}\p{N}-]{1,63}(\s{0,3}(\.|[([{]\s{0,3}dot\s{0,3}[)\]}])\s{0,3}[\p{L}\p{N}-]{1,63}){1,8}/iu;
/** @handle on social media (an @ not part of an e-mail address). */
const HANDLE = /(^|[\s(])@[\p{L}\p{N}_.]{2,}/u;
/**
 * A span of hours of the day: "8.30-12.00", "9:00 – 11:30", "8h30 à 12h", "14.00 tot 16.00", "9-11.30";
 * not when more pairs of digits follow that are no time ("06-12.34 56 78" is a phone number).
 */
const TIME_RANGE = /(?<![\d.:])([01]?\d|2[0-3])(?:[.:h]([0-5]\d)|h)?\s{0,3}(?:-|–|—|tot|to|till|until|à|a|bis)\s{0,3}([01]?\d|2[0-3])(?:[.:h]([0-5]\d)|h)(?![\d.:/-]|\.\d|\s?\d{2}(?![.:h]\d))/giu;
/** 12/03/2011, 12-3-11, 2011-03-12, 12.03.2011 */
const DATE_NUMERIC = /\b(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2})\b/;
const MONTHS = [
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
  'januari', 'februari', 'maart', 'mei', 'juni', 'juli', 'augustus', 'oktober',
  'janvier', 'fevrier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'aout', 'août', 'septembre', 'octobre', 'novembre', 'decembre', 'décembre',
  'januar', 'februar', 'märz', 'maerz', 'dezember',
  // Short forms: jan, sept, mrt, okt, févr, déc, dez …
  'jan', 'feb', 'febr', 'mar', 'mrt', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'okt', 'nov', 'dec', 'dez',
  'janv', 'fevr', 'févr', 'avr', 'juil', 'déc', 'mär',
].join('|');
/** 12 March 2011, 3 mei 2010, 1er avril 2012, 12. März 2011 */
const DATE_WORDS = new RegExp(`\\b\\d{1,2}(er|e|\\.)?\\s{1,3}(${MONTHS})\\.?\\s{1,3}\\d{4}\\b`, 'iu');
/** March 12, 2011; maart 12 2011 */
const DATE_MONTH_FIRST = new RegExp(`\\b(${MONTHS})\\.?\\s{1,3}\\d{1,2}(st|nd|rd|th)?,?\\s{1,3}\\d{4}\\b`, 'iu');
/** A month and year, a birth month as well: "maart 2011", "03/2011" */
const DATE_MONTH_YEAR = new RegExp(`(\\b(${MONTHS})\\.?\\s{1,3}(19|20)\\d{2}\\b)|(\\b\\d{1,2}[/.-](19|20)\\d{2}\\b)`, 'iu');
const STREET_WORDS = [
  'street', 'st', 'road', 'rd', 'lane', 'avenue', 'ave', 'drive', 'close', 'way',
  'straat', 'laan', 'weg', 'plein', 'dreef', 'kaai', 'steenweg', 'singel', 'gracht',
  'rue', 'avenue', 'boulevard', 'bd', 'chemin', 'place', 'impasse', 'allée', 'allee', 'quai',
  'straße', 'strasse', 'str', 'gasse', 'platz', 'allee', 'ring', 'damm',
].join('|');
/** "12 Main Street", "Kerkstraat 12", "rue de la Paix 4", "Hauptstraße 5" */
const ADDRESS = new RegExp(
  `(\\b\\d{1,4}\\s{1,3}([\\p{L}'-]{1,40}\\s{1,3}){0,3}(${STREET_WORDS})\\b)|((?<!\\p{L})\\p{L}{1,40}(${STREET_WORDS})\\.?\\s{1,3}\\d{1,4}\\b)|(\\b(${STREET_WORDS})\\.?\\s{1,3}([\\p{L}'-]{1,40}\\s{1,3}){0,3}\\d{1,4}\\b)`,
  'iu',
);
/** A street named without its number: "Kerkstraat", "Hauptstraße", "rue de la Paix", "Station Road". */
const STREET_NAME = /((?<!\p{L})\p{Lu}\p{L}{0,40}(straat|laan|dreef|steenweg|straße|strasse|gasse)\b)|(\b(rue|avenue|chemin)\s{1,3}(de\s{1,3}la\s{1,3}|du\s{1,3}|des\s{1,3}|de\s{1,3}|d')?\p{Lu})|((?<!\p{L})\p{Lu}\p{L}{1,40}\s{1,3}(Street|Road|Lane|Avenue|Drive)\b)/u;
/**
 * A class as schools name them ("3B", "5a"): with a school, enough to find a pupil. Not a time ("16h",
 * "16u"), an ordinal ("2e", "2e graad") or a count ("2x").
 */
const CLASS_CODE = /\b\d{1,2}[a-df-gi-tv-wyz]\b/iu;
/**
 * An age: "14 jaar", "14 years old", "14 ans", "14 Jahre", "14-jarige"; not a duration ("for 10 years",
 * "2 years ago", "al 10 jaar", "depuis 10 ans", "seit 10 Jahren", "il y a 2 ans").
 */
const AGE = /(?<!\b(?:for|since|sinds|al|depuis|seit|vor|y a|past|last|over)\s{1,3})\b\d{1,2}\s{0,3}-?\s{0,3}(jaar|jarige?|years?|yrs?|ans|jahre|jährige?r?)\b(?!\s{1,3}(?:ago|geleden|lang|long))/iu;
/** Dutch "1234 AB", UK "SW1A 1AA" style postcodes. */
const POSTCODE = /\b(\d{4}\s?[A-Z]{2}|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})\b/;
/** "J.D." or "J. D." — initials that stand for a person. */
const INITIALS = /\b\p{Lu}\.\s?\p{Lu}\.(\s|$|,)/u;

function hasPhoneNumber(text: string): boolean {
  // "0471/123456" (a slash, as Belgian numbers are often written) too.
  for (const match of text.matchAll(/\+?\d[\d ()./-]{5,}\d/g)) {
    // A school year ("2026-2027", "2026/27") is no phone number.
    if (/^(19|20)\d{2}\s*[-/]\s*((19|20)\d{2}|\d{2})$/.test(match[0].trim())) continue;
    if (match[0].replace(/\D/g, '').length >= 7) return true;
  }
  return false;
}

/**
 * A first name from the list. In German every noun starts with a capital, so capitalisation is no
 * signal there; in the other languages a lower-case word is only taken as a name when the whole text
 * is in lower case (people who never capitalise still write names).
 */
function namesAPerson(text: string, lang: Language): boolean {
  const allLowerCase = text === text.toLowerCase();
  for (const match of text.matchAll(/[\p{L}'-]+/gu)) {
    const word = match[0];
    const bare = word.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/['-].*$/, '');
    if (!FIRST_NAMES.has(bare)) continue;
    const capitalised = word[0] !== word[0]!.toLowerCase();
    if (lang === 'de' || capitalised || allLowerCase) return true;
  }
  return false;
}
