import type { Language } from '../i18n/languages.js';
import type { TextCheckName } from '../store/schema.js';
import { containsPersonalData } from './personalData.js';

/** Checks a free-text answer; returns a translation key explaining the refusal, or undefined. */
export type TextCheck = (text: string, lang: Language) => string | undefined;

const PHONE = /^\+?[0-9][0-9 ()./-]{5,19}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

/** Every named check a free-text question can ask for. */
export const textChecks: Record<Exclude<TextCheckName, 'none'>, TextCheck> = {
  noPersonalData: containsPersonalData,
  phone: (text) => (PHONE.test(text) && text.replace(/\D/g, '').length >= 6 ? undefined : 'callback:invalidPhone'),
  email: (text) => (EMAIL.test(text) ? undefined : 'callback:invalidEmail'),
};
