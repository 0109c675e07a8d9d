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
    // looked up once (every turn matches commands and labels in all four languages).
    const plain = new Map<string, string>();
    const lists = new Map<string, string[]>();
    translators.set(lang, {
      lang,
      t: (key, params) => {
        if (params && Object.keys(params).length > 0) return fixed(key, params) as string;
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
