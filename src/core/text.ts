/**
 * Text normalisation for matching what users type against labels and keywords in any language:
 * case-, accent- and punctuation-insensitive ("Français!" matches "francais").
 */
const phraseCache = new Map<string, string>();
let lastInput: string | undefined;
let lastNormalized = '';

/**
 * For what users type. Not kept in a cache: a typed message (perhaps refused as identifying someone)
 * must not linger in memory, and a cache of every message would fill up and stop serving the
 * phrases. A turn matches the same text against commands, languages, intents and choices, so the
 * last one alone is remembered.
 */
export function normalize(text: string): string {
  if (text === lastInput) return lastNormalized;
  const result = normalizeUncached(text);
  lastInput = text;
  lastNormalized = result;
  return result;
}

/** For catalogue phrases and button labels, which are compared again and again: remembered. */
export function normalizePhrase(phrase: string): string {
  const known = phraseCache.get(phrase);
  if (known !== undefined) return known;
  const result = normalizeUncached(phrase);
  if (phraseCache.size < 10_000) phraseCache.set(phrase, result);
  return result;
}

/** normalize without its cache, for texts seen once or many (a directory's school names). */
export function normalizeUncached(text: string): string {
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
  return n !== '' && phrases.some((p) => normalizePhrase(p) === n);
}

/** True when `text` contains one of the phrases as whole words. */
export function containsAny(text: string, phrases: readonly string[]): boolean {
  const n = ` ${normalize(text)} `;
  return phrases.some((p) => {
    const q = normalizePhrase(p);
    return q !== '' && n.includes(` ${q} `);
  });
}

/** Whether each typed word (normalised) begins one of a name's words (normalised): "jan berch" for "sint jan berchem". */
export function wordsBegin(typedWords: readonly string[], nameWords: readonly string[]): boolean {
  return typedWords.every((typed) => nameWords.some((word) => word.startsWith(typed)));
}

/** How many phrases are remembered (for tests: typed messages must never be among them). */
export function rememberedPhraseCount(): number {
  return phraseCache.size;
}
