import type { DirectoryView } from '../directory/directory.js';
import type { Language } from '../i18n/languages.js';
import type { TextCheckName } from '../store/schema.js';
import { containsPersonalData } from './personalData.js';

/** Checks a free-text answer; returns a translation key explaining the refusal, or undefined. */
export type TextCheck = (text: string, lang: Language, context: { directory: DirectoryView }) => string | undefined;

const PHONE = /^\+?[0-9][0-9 ()./-]{5,19}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
/** Letters in any script, with the spaces, dots, commas, hyphens and apostrophes of names ("Marie-Claire O'Neil", "J. de Wit", "Peeters, Jan"). */
const PERSON_NAME = /^[\p{L}\p{M}][\p{L}\p{M} .,'’-]*$/u;
/** More words than a person's name has is a sentence ("the boy in my class is…"). */
const NAME_WORDS_MAX = 6;

/** Every named check a free-text question can ask for. */
export const textChecks: Record<Exclude<TextCheckName, 'none'>, TextCheck> = {
  noPersonalData: containsPersonalData,
  phone: (text) => (PHONE.test(text) && text.replace(/\D/g, '').length >= 6 ? undefined : 'callback:invalidPhone'),
  email: (text) => (EMAIL.test(text) ? undefined : 'callback:invalidEmail'),
  // The teacher's own name, passed on to the liaison officer: what has digits, an address or a
  // sentence's punctuation in it is not a name, and may be about someone else ("Yusuf from 3B").
  personName: (text) => (PERSON_NAME.test(text) && text.split(/\s+/).length <= NAME_WORDS_MAX ? undefined : 'callback:invalidName'),
  // A search for a school by name: anything that finds a school is fine ("Sint-Jan" holds a first
  // name); what finds none is checked like any free text, so that "Yusuf from 3B" typed into the
  // search is refused, and not kept in a transcript, as it would be anywhere else.
  schoolSearch: (text, lang, { directory }) => (directory.searchSchools(text).length > 0 ? undefined : containsPersonalData(text, lang)),
};
