/**
 * Text normalisation for matching what users type against labels and keywords in any language:
 * case-, accent- and punctuation-insensitive ("Français!" matches "francais").
 */
const normalized = new Map<string, string>();

export function normalize(text: string): string {
  // Catalogue phrases are normalised again and again; remember them (user input passes through once).
  const known = normalized.get(text);
  if (known !== undefined) return known;
  const result = normalizeUncached(text);
  if (normalized.size < 10_000) normalized.set(text, result);
  return result;
}

function normalizeUncached(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[’'`´]/g, "'")
    .replace(/[^\p{L}\p{N}' ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** True when `text` equals one of the phrases (after normalising both). */
export function matchesAny(text: string, phrases: readonly string[]): boolean {
  const n = normalize(text);
  return n !== '' && phrases.some((p) => normalize(p) === n);
}

/** True when `text` contains one of the phrases as whole words. */
export function containsAny(text: string, phrases: readonly string[]): boolean {
  const n = ` ${normalize(text)} `;
  return phrases.some((p) => {
    const q = normalize(p);
    return q !== '' && n.includes(` ${q} `);
  });
}
