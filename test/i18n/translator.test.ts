import { describe, expect, it } from '@jest/globals';
import i18next from 'i18next';
import { fillTemplate, loadTranslations, readCatalogues } from '../../src/i18n/i18n.js';
import { SUPPORTED_LANGUAGES } from '../../src/i18n/languages.js';

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
