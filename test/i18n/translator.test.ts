import { describe, expect, it } from '@jest/globals';
import i18next from 'i18next';
import { fillTemplate, loadTranslations, readCatalogues } from '../../src/i18n/i18n.js';
import { languageFromAcceptLanguage, SUPPORTED_LANGUAGES } from '../../src/i18n/languages.js';

/** Every string in a catalogue, by its key path ("advice.views"). */
function strings(value: unknown, prefix = ''): [string, string][] {
  if (typeof value === 'string') return [[prefix, value]];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => strings(v, prefix ? `${prefix}.${k}` : k));
}

describe('translator', () => {
  it('fills every text with parameters, in every language, exactly as i18next does', async () => {
    const catalogues = await readCatalogues('locales');
    const reference = i18next.createInstance();
    await reference.init({ resources: catalogues, fallbackLng: false, ns: Object.keys(catalogues.en), defaultNS: 'common', interpolation: { escapeValue: false }, initAsync: false });
    const translations = await loadTranslations('locales');
    let compared = 0;
    for (const lang of SUPPORTED_LANGUAGES) {
      const ours = translations.translator(lang);
      const theirs = reference.getFixedT(lang);
      for (const ns of Object.keys(catalogues[lang])) {
        for (const [path, text] of strings(catalogues[lang][ns])) {
          const names = [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!);
          if (names.length === 0) continue;
          // Values with characters that mean something to String.replace or to i18next.
          const params = Object.fromEntries(names.map((n, i) => [n, i % 2 ? 7 : `<${n} $& $1 {{x}}>`]));
          const key = `${ns}:${path.replace(/_(one|other)$/, '')}`;
          expect([key, ours.t(key, params)]).toEqual([key, theirs(key, params)]);
          compared += 1;
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('leaves plural forms, missing values and non-text values to i18next', () => {
    expect(fillTemplate('{{count}} schools', { count: 2 })).toBeUndefined();
    expect(fillTemplate('Hello {{name}} from {{school}}', { name: 'Ann' })).toBeUndefined();
    expect(fillTemplate('Hello {{name}}', { name: { first: 'Ann' } })).toBeUndefined();
    expect(fillTemplate('Hello {{name}}, {{n}}', { name: 'Ann', n: 3 })).toBe('Hello Ann, 3');
  });
});

describe('languageFromAcceptLanguage', () => {
  it('takes the supported language the browser prefers most', () => {
    expect(languageFromAcceptLanguage('nl-BE,nl;q=0.9,en;q=0.8')).toBe('nl');
    expect(languageFromAcceptLanguage('es-ES,es;q=0.9,fr;q=0.7,de;q=0.8')).toBe('de'); // by q-value, not by order
    expect(languageFromAcceptLanguage('en;q=0.5, fr')).toBe('fr'); // no q means 1
    expect(languageFromAcceptLanguage('de;q=0.8,fr;q=0.8')).toBe('de'); // ties keep the browser's order
  });

  it('never chooses from "*", q=0, unsupported or malformed entries', () => {
    expect(languageFromAcceptLanguage(undefined)).toBeUndefined();
    expect(languageFromAcceptLanguage('')).toBeUndefined();
    expect(languageFromAcceptLanguage('*')).toBeUndefined();
    expect(languageFromAcceptLanguage('es,it;q=0.9')).toBeUndefined();
    expect(languageFromAcceptLanguage('nl;q=0,es')).toBeUndefined();
    expect(languageFromAcceptLanguage(';;;,,,=q')).toBeUndefined();
  });
});
