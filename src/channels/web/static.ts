import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Request, Response } from 'restify';
import type { HttpServer } from '../../http/server.js';
import type { Translations } from '../../i18n/i18n.js';
import { languageFromAcceptLanguage, isLanguage, SUPPORTED_LANGUAGES, type Language } from '../../i18n/languages.js';

/**
 * The widget's files, found from this module's own place whether it runs from src/ (tests) or from
 * dist/ (built; tsc does not copy them), never from the working directory: a service manager starting
 * the assistant elsewhere must still serve the widget.
 */
export function widgetDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, 'public');
  return existsSync(beside) ? beside : join(here, '..', '..', '..', '..', 'src', 'channels', 'web', 'public');
}

/** The page's policy; the widget needs nothing beyond its own origin and its WebSocket. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";

const FILES = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/widget.js': { file: 'widget.js', type: 'text/javascript; charset=utf-8' },
  '/widget.css': { file: 'widget.css', type: 'text/css; charset=utf-8' },
} as const;

/** The widget's own texts (buttons, labels, status lines), in locales/<language>/widget.json. */
export const WIDGET_TEXT_KEYS = ['title', 'open', 'close', 'send', 'label', 'placeholder', 'language', 'clear', 'exit', 'log', 'lost', 'failed', 'notSent', 'tooLong', 'ended', 'busy', 'youSaid', 'botSaid', 'replies'] as const;

export interface WidgetTexts {
  translations: Translations;
  maxMessageLength: number;
  /** The page's language when neither `?lang=` nor the browser's Accept-Language names a supported one. */
  defaultLanguage: () => Language;
  /** The directory's emergency number, said by the widget even when the chat cannot be reached. */
  emergencyNumber: () => string;
}

/**
 * Fills the widget's texts in where widget.js marks them, so that they come from the catalogues like
 * everything else the assistant says (and the input's limit from WEB_MAX_MESSAGE_LENGTH).
 */
export function fillWidget(source: string, { translations, maxMessageLength, emergencyNumber, defaultLanguage }: WidgetTexts): string {
  const params = { max: maxMessageLength, number: emergencyNumber() };
  const strings = Object.fromEntries(
    SUPPORTED_LANGUAGES.map((lang) => {
      const tr = translations.translator(lang);
      return [lang, Object.fromEntries(WIDGET_TEXT_KEYS.map((key) => [key, tr.t(`widget:${key}`, params)]))];
    }),
  );
  const names = Object.fromEntries(SUPPORTED_LANGUAGES.map((lang) => [lang, translations.translator(lang).t('common:languageName')]));
  const fill = (text: string, marker: string, value: string) => {
    const pattern = new RegExp(`/\\*server:${marker}\\*/ [^;]*;`);
    if (!pattern.test(text)) throw new Error(`widget.js has no /*server:${marker}*/ marker`);
    // A function, so that "$" in a translation is not read as a replacement pattern.
    return text.replace(pattern, () => `/*server:${marker}*/ ${value};`);
  };
  let out = fill(source, 'languageNames', JSON.stringify(names));
  out = fill(out, 'strings', JSON.stringify(strings));
  out = fill(out, 'defaultLanguage', JSON.stringify(defaultLanguage()));
  return fill(out, 'maxLength', String(maxMessageLength));
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The page at / in one language: index.html's {{markers}} filled with the catalogues' texts (escaped),
 * `<html lang>` set so that the widget opens in the same language, and links to the page in the others.
 */
export function fillPage(template: string, lang: Language, translations: Translations): string {
  const tr = translations.translator(lang);
  const links = SUPPORTED_LANGUAGES.map((other) => {
    const name = escapeHtml(translations.translator(other).t('common:languageName'));
    const current = other === lang ? ' aria-current="page"' : '';
    return `<li><a href="/?lang=${other}" lang="${other}" hreflang="${other}"${current}>${name}</a></li>`;
  }).join('');
  // The button's name is bold within the sentence, so the sentence is escaped around it.
  const exitMark = '\u0000exit\u0000';
  const quickExit = escapeHtml(tr.t('page:quickExit', { exit: exitMark })).replace(exitMark, `<strong>${escapeHtml(tr.t('widget:exit'))}</strong>`);
  const values: Record<string, string> = {
    lang,
    title: escapeHtml(tr.t('widget:title')),
    intro: escapeHtml(tr.t('page:intro')),
    embed: escapeHtml(tr.t('page:embed')),
    quickExit,
    languages: escapeHtml(tr.t('page:languages')),
    languageLinks: links,
  };
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`index.html has an unknown marker {{${key}}}`);
    return value;
  });
}

/** `?lang=` (the page's own language links), else the browser's preference, else the deployment's default. */
function pageLanguage(req: Request, fallback: Language): Language {
  const asked = new URL(req.url ?? '/', 'http://localhost').searchParams.get('lang');
  if (isLanguage(asked)) return asked;
  return languageFromAcceptLanguage(req.headers['accept-language']) ?? fallback;
}

/** Serves the widget and its demo page from memory (read once at start; no framework download at run time). */
export async function mountStaticWidget(http: HttpServer, publicDir: string, texts: WidgetTexts): Promise<void> {
  for (const [path, { file, type }] of Object.entries(FILES)) {
    const raw = await readFile(join(publicDir, file));
    const headers = {
      'Content-Type': type,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    };
    if (file === 'index.html') {
      const pages = new Map(SUPPORTED_LANGUAGES.map((lang) => [lang, Buffer.from(fillPage(raw.toString('utf8'), lang, texts.translations))]));
      serve(http, path, async (req: Request, res: Response) => {
        const lang = pageLanguage(req, texts.defaultLanguage());
        const body = pages.get(lang)!;
        res.writeHead(200, {
          ...headers,
          'Content-Length': body.length,
          'Content-Language': lang,
          Vary: 'Accept-Language',
          'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        });
        res.end(body);
      });
      continue;
    }
    // widget.js is filled again when the emergency number or the default language changes (the
    // directory read again on SIGHUP).
    let filled: { number: string; language: Language; body: Buffer } | undefined;
    const bodyOf = (): Buffer => {
      if (file !== 'widget.js') return raw;
      const number = texts.emergencyNumber();
      const language = texts.defaultLanguage();
      if (filled?.number !== number || filled.language !== language) filled = { number, language, body: Buffer.from(fillWidget(raw.toString('utf8'), texts)) };
      return filled.body;
    };
    bodyOf(); // a widget.js without its markers stops the start, not the first visitor
    serve(http, path, async (_req: Request, res: Response) => {
      const body = bodyOf();
      res.writeHead(200, { ...headers, 'Content-Length': body.length });
      res.end(body);
    });
  }
}

/** GET, and HEAD with the same headers (Node leaves the body out): link checkers and proxies ask with HEAD. */
function serve(http: HttpServer, path: string, handler: (req: Request, res: Response) => Promise<void>): void {
  http.server.get(path, handler);
  http.server.head(path, handler);
}
