import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import i18next, { type i18n as I18n } from 'i18next';
import { CodedError, ErrorCode } from '../core/errors.js';
import { SUPPORTED_LANGUAGES, type Language } from './languages.js';

/** A translator fixed to one language: `t('concern:askSchool', { name })`, `list('commands:help')`. */
export interface Translator {
  readonly lang: Language;
  t(key: string, params?: Record<string, unknown>): string;
  /** A keyword list from the catalogues (e.g. the words that mean "help"). */
  list(key: string): string[];
}

export interface Translations {
  readonly namespaces: string[];
  translator(lang: Language): Translator;
}

/** "label: value" as this translator's language writes it (`common:labelled`; French: "Nom : …"), for channels that join them. */
export function labelledIn(tr: Translator): (label: string, value: string) => string {
  return (label, value) => tr.t('common:labelled', { label, value });
}

type Catalogue = Record<string, unknown>;

/** Reads locales/<lng>/<namespace>.json for every supported language. */
export async function readCatalogues(localesDir: string): Promise<Record<Language, Record<string, Catalogue>>> {
  const out = {} as Record<Language, Record<string, Catalogue>>;
  for (const lng of SUPPORTED_LANGUAGES) {
    const dir = join(localesDir, lng);
    let files: string[];
    try {
      files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    } catch {
      throw new CodedError(ErrorCode.LocalesInvalid, `Missing locale folder ${dir}`);
    }
    out[lng] = {};
    for (const file of files) {
      const path = join(dir, file);
      try {
        out[lng][file.replace(/\.json$/, '')] = JSON.parse(await readFile(path, 'utf8')) as Catalogue;
      } catch (err) {
        throw new CodedError(ErrorCode.LocalesInvalid, `Locale file ${path} is not valid JSON: ${(err as Error).message}`);
      }
    }
  }
  return out;
}

/** Sets up an isolated i18next instance (no global singleton) over the catalogues on disk. */
export async function loadTranslations(localesDir: string): Promise<Translations> {
  const catalogues = await readCatalogues(localesDir);
  const namespaces = Object.keys(catalogues.en);
  const instance: I18n = i18next.createInstance();
  await instance.init({
    resources: catalogues,
    supportedLngs: [...SUPPORTED_LANGUAGES],
    fallbackLng: false,
    ns: namespaces,
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  const translators = new Map<Language, Translator>();
  for (const lang of SUPPORTED_LANGUAGES) {
    const fixed = instance.getFixedT(lang);
    // The catalogues never change while running: texts without parameters and keyword lists are
    // looked up once (every turn matches commands and labels in all four languages), and texts
    // with parameters are filled in directly when they are plain templates (see fillTemplate).
    const plain = new Map<string, string>();
    const lists = new Map<string, string[]>();
    const templates = new Map<string, CompiledTemplate | null>();
    translators.set(lang, {
      lang,
      t: (key, params) => {
        if (params && Object.keys(params).length > 0) {
          let template = templates.get(key);
          if (template === undefined) {
            const text = simpleTemplate(instance, lang, key);
            template = text === null ? null : compileTemplate(text);
            templates.set(key, template);
          }
          return (template && fillTemplate(template, params)) ?? (fixed(key, params) as string);
        }
        let text = plain.get(key);
        if (text === undefined) {
          text = fixed(key) as string;
          plain.set(key, text);
        }
        return text;
      },
      list: (key) => {
        let list = lists.get(key);
        if (!list) {
          const value = fixed(key, { returnObjects: true }) as unknown;
          list = Array.isArray(value) ? value.map(String) : [];
          lists.set(key, list);
        }
        return list;
      },
    });
  }
  return {
    namespaces,
    translator: (lang) => translators.get(lang)!,
  };
}

/**
 * The catalogue text for `key` if it is a plain template (only `{{name}}` placeholders: no nesting,
 * formatting or plural forms), else null. Only such texts are filled in by `fillTemplate`; i18next
 * handles the rest.
 */
function simpleTemplate(instance: I18n, lang: Language, key: string): string | null {
  const colon = key.indexOf(':');
  const [ns, path] = colon === -1 ? ['common', key] : [key.slice(0, colon), key.slice(colon + 1)];
  const text: unknown = instance.getResource(lang, ns, path);
  if (typeof text !== 'string' || text.includes('$t(')) return null;
  const withoutPlaceholders = text.replace(PLACEHOLDER, '');
  return withoutPlaceholders.includes('{{') || withoutPlaceholders.includes('}}') ? null : text;
}

const PLACEHOLDER = /\{\{(\w+)\}\}/g;
/** Parameters that are i18next options (plural forms, context, language…), not values to fill in. */
const I18NEXT_OPTIONS = new Set(['count', 'context', 'lng', 'lngs', 'ns', 'defaultValue', 'returnObjects', 'replace', 'interpolation', 'ordinal']);

/** A plain template split at its placeholders: text, name, text, name, …, text (always an odd count). */
export type CompiledTemplate = readonly string[];

/** Splits a plain template once, so that filling it is a walk over its parts rather than a regular expression. */
export function compileTemplate(template: string): CompiledTemplate {
  // split keeps the captured names between the texts (and takes no notice of the g flag).
  return template.split(PLACEHOLDER);
}

/**
 * Fills a plain template the way i18next does with escaping off (`{{name}}` → the value as text),
 * in a fraction of the time, or returns undefined when i18next must decide (an option such as
 * `count`, a placeholder without a value, a value that is not a string or a number).
 */
export function fillTemplate(template: string | CompiledTemplate, params: Record<string, unknown>): string | undefined {
  for (const name in params) if (I18NEXT_OPTIONS.has(name)) return undefined;
  const parts = typeof template === 'string' ? compileTemplate(template) : template;
  let text = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const value = params[parts[i]!];
    if (typeof value === 'string') text += value;
    else if (typeof value === 'number') text += String(value);
    else return undefined;
    text += parts[i + 1]!;
  }
  return text;
}
