/** The languages the assistant speaks. A language is listed here only when every catalogue is complete. */
export const SUPPORTED_LANGUAGES = ['en', 'nl', 'fr', 'de'] as const;

export type Language = (typeof SUPPORTED_LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (SUPPORTED_LANGUAGES as readonly string[]).includes(value);
}

/**
 * Maps a platform locale hint ("nl-BE", "fr_FR", "DE") to a supported language, or undefined.
 */
export function languageFromLocale(locale: string | undefined): Language | undefined {
  if (!locale) return undefined;
  const primary = locale.trim().toLowerCase().split(/[-_]/)[0];
  return isLanguage(primary) ? primary : undefined;
}

/** The user's saved choice wins, then the channel's hint, then the deployment default. */
export function resolveLanguage(
  saved: Language | undefined,
  localeHint: string | undefined,
  fallback: Language,
): Language {
  return saved ?? languageFromLocale(localeHint) ?? fallback;
}
