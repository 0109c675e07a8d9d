/** The languages the assistant speaks. A language is listed here only when every catalogue is complete. */
export const SUPPORTED_LANGUAGES = ['en', 'nl', 'fr', 'de'] as const;

export type Language = (typeof SUPPORTED_LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (SUPPORTED_LANGUAGES as readonly string[]).includes(value);
}

/** A language tag such as "nl-BE" (BCP 47's shape), not free text a client put in its place. */
export function isLocaleTag(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$/.test(value);
}

/**
 * Maps a platform locale hint ("nl-BE", "fr_FR", "DE") to a supported language, or undefined.
 */
export function languageFromLocale(locale: string | undefined): Language | undefined {
  if (!locale) return undefined;
  const primary = locale.trim().toLowerCase().split(/[-_]/)[0];
  return isLanguage(primary) ? primary : undefined;
}

/**
 * The supported language a browser prefers most, from an Accept-Language header
 * ("nl-BE,nl;q=0.9,en;q=0.8"), or undefined. Entries are taken by their q-value (ties in the
 * order given); "*" and q=0 never choose.
 */
export function languageFromAcceptLanguage(header: string | undefined): Language | undefined {
  if (!header) return undefined;
  const entries = header
    .split(',')
    .slice(0, 32) // a browser sends a handful; a hostile header gets no more work than that
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(p)?.[1]).find((v) => v !== undefined);
      return { language: languageFromLocale(tag), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((e): e is { language: Language; q: number; index: number } => e.language !== undefined && e.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return entries[0]?.language;
}

/** The user's saved choice wins, then the channel's hint, then the deployment default. */
export function resolveLanguage(
  saved: Language | undefined,
  localeHint: string | undefined,
  fallback: Language,
): Language {
  return saved ?? languageFromLocale(localeHint) ?? fallback;
}
