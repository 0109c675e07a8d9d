import type { DirectoryView } from '../directory/directory.js';
import type { Language } from '../i18n/languages.js';
import type { TextCheckName } from '../store/schema.js';
import { containsContactDetails, containsPersonalData } from './personalData.js';

/** Checks a free-text answer; returns a translation key explaining the refusal, or undefined. */
export type TextCheck = (text: string, lang: Language, context: { directory: DirectoryView }) => string | undefined;

const PHONE = /^\+?[0-9(][0-9 ()./-]{5,24}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
/**
 * A label before a phone number, as people write it ("gsm:", "tel.", "Handy:"): only these words, so
 * that no name rides along in front of a number ("Yusuf: 0470 …") into what the officer receives.
 */
const PHONE_LABELS = 'gsm|tel|tél|telefoon|telephone|téléphone|telefon|phone|mobile|mobiel|mobil|portable|handy|privé|prive|privat|werk|work|thuis|home|bureau|office|büro|school|schule|école|nummer|number|numéro';
// Whole words only ("Telefoon:" is not "Tel" followed by "efoon:").
const PHONE_LABEL = new RegExp(`^(${PHONE_LABELS})(?![\\p{L}\\p{M}])\\s*[.:]*\\s*[.:]?\\s*`, 'iu');
/** The same after the number, in brackets: "0470 12 34 56 (gsm)". */
const PHONE_LABEL_AFTER = new RegExp(`\\s*\\((${PHONE_LABELS})\\)$`, 'iu');
/** Letters in any script, with the spaces, dots, commas, hyphens and apostrophes of names ("Marie-Claire O'Neil", "J. de Wit", "Peeters, Jan"). */
const PERSON_NAME = /^[\p{L}\p{M}][\p{L}\p{M} .,'’\u2010\u2011-]*$/u;
/** Longer than the longest names ("Maria del Carmen de la Fuente García") is a sentence. */
const NAME_WORDS_MAX = 8;
/**
 * Words no name holds, in the four languages: what turns letters into a sentence about someone ("the
 * boy in my class is", "mijn leerling Yusuf is", "Jan Peeters for Yusuf", "il a un couteau") or a
 * refusal ("not sure", "rather not"). Particles of names (de, van, la, der, von, du) are not among
 * them, nor words that are also names (Ma, He, In, No, Pas, Junge, Lieber, Boy, Elle, Mes, Klas,
 * Garçon, My, Mine, Will, An, Wil, Hem, Lehrer; the French il and un and the German ein are kept
 * out, at the cost of the rare Korean Il and Un), nor single letters (initials: "A. Peeters").
 */
const NOT_IN_NAMES = new Set(
  [
    'the', 'and', 'is', 'are', 'was', 'from', 'for', 'with', 'about', 'pupil', 'student', 'girl', 'has', 'have', 'very', 'class', 'not', 'sure', 'rather', 'name', 'who', 'she', 'they', 'his', 'her', 'him', 'of', 'someone', 'brought', 'carries', 'wants',
    'mijn', 'het', 'een', 'uit', 'voor', 'leerling', 'jongen', 'meisje', 'heeft', 'hebben', 'zeer', 'niet', 'zeker', 'liever', 'geen', 'naam', 'hij', 'zij', 'iemand', 'leerkracht', 'leraar', 'lerares', 'bij', 'zich',
    'est', 'sont', 'avec', 'pour', 'il', 'un', 'une', 'élève', 'eleve', 'fille', 'classe', 'sûr', 'plutôt', 'nom', 'très', "quelqu'un", 'enseignant', 'enseignante', 'professeur', 'veut',
    'mein', 'meine', 'ist', 'sind', 'hat', 'haben', 'sehr', 'aus', 'mit', 'für', 'über', 'ein', 'eine', 'einen', 'schüler', 'schülerin', 'mädchen', 'klasse', 'nicht', 'sicher', 'kein', 'keine', 'sie', 'ihn', 'jemand', 'lehrerin', 'dabei',
  ].map((word) => word.normalize('NFC')),
);

function isPersonName(text: string): boolean {
  if (!PERSON_NAME.test(text)) return false;
  const words = text.toLowerCase().split(/[\s,]+/u).filter(Boolean);
  return words.length <= NAME_WORDS_MAX && !words.some((word) => NOT_IN_NAMES.has(word.replace(/\.$/, '')));
}

/** Every named check a free-text question can ask for. */
export const textChecks: Record<Exclude<TextCheckName, 'none'>, TextCheck> = {
  noPersonalData: containsPersonalData,
  // "gsm: 0470 12 34 56", "tel. +32 …": a short word before the number, as people write it, is fine.
  phone: (text) => {
    const number = text.replace(PHONE_LABEL, '').replace(PHONE_LABEL_AFTER, '');
    return PHONE.test(number) && number.replace(/\D/g, '').length >= 6 ? undefined : 'callback:invalidPhone';
  },
  email: (text) => (EMAIL.test(text) ? undefined : 'callback:invalidEmail'),
  // The teacher's own name, passed on to the liaison officer: what has digits, an address or a
  // sentence's punctuation in it is not a name, and may be about someone else ("Yusuf from 3B").
  personName: (text) => (isPersonName(text) && !containsContactDetails(text) ? undefined : 'callback:invalidName'),
  // A search for a school by name: anything that finds a school is fine ("Sint-Jan" holds a first
  // name); what finds none is checked like any free text, so that "Yusuf from 3B" typed into the
  // search is refused, and not kept in a transcript, as it would be anywhere else.
  schoolSearch: (text, lang, { directory }) => (directory.searchSchools(text).length > 0 ? undefined : containsPersonalData(text, lang)),
};
