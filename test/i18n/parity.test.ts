import { describe, expect, it } from '@jest/globals';
import { readCatalogues } from '../../src/i18n/i18n.js';
import { SUPPORTED_LANGUAGES } from '../../src/i18n/languages.js';

/** Every language is complete: same files, same keys, same {{placeholders}}, no empty strings. */
function flatten(value: unknown, prefix = ''): Map<string, string | string[]> {
  const out = new Map<string, string | string[]>();
  if (Array.isArray(value)) {
    out.set(prefix, value.map(String));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) for (const [fk, fv] of flatten(v, prefix ? `${prefix}.${k}` : k)) out.set(fk, fv);
  } else {
    out.set(prefix, String(value));
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('locale parity', () => {
  it('every language has every namespace, key and placeholder of English, and nothing extra', async () => {
    const catalogues = await readCatalogues('locales');
    const problems: string[] = [];
    const en = catalogues.en;
    for (const lng of SUPPORTED_LANGUAGES) {
      const other = catalogues[lng];
      const namespaces = new Set([...Object.keys(en), ...Object.keys(other)]);
      for (const ns of namespaces) {
        const a = flatten(en[ns] ?? {});
        const b = flatten(other[ns] ?? {});
        for (const key of a.keys()) if (!b.has(key)) problems.push(`${lng}/${ns}: missing ${key}`);
        for (const key of b.keys()) if (!a.has(key)) problems.push(`${lng}/${ns}: extra ${key}`);
        for (const [key, value] of b) {
          const source = a.get(key);
          if (typeof value === 'string') {
            if (value.trim() === '') problems.push(`${lng}/${ns}: empty ${key}`);
            if (typeof source === 'string' && placeholders(source).join() !== placeholders(value).join()) {
              problems.push(`${lng}/${ns}: placeholders of ${key} differ (${placeholders(value).join()} vs ${placeholders(source).join()})`);
            }
          } else if (value.length === 0 || value.some((v) => v.trim() === '')) {
            problems.push(`${lng}/${ns}: empty list item in ${key}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
