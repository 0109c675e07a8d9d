import type { Request, Response } from 'restify';
import { EXPORTS_PATH, type ExportService } from '../core/exports.js';
import type { Translations } from '../i18n/i18n.js';
import { languageFromAcceptLanguage, type Language } from '../i18n/languages.js';
import type { Log } from '../log.js';
import type { HttpServer } from './server.js';

export interface ExportRouteDeps {
  http: HttpServer;
  exports: ExportService;
  translations: Translations;
  defaultLanguage: Language;
  log: Log;
}

/**
 * GET /exports/<id>: the file behind a download link given in the chat (see ExportService). A valid
 * link answers with the file as an attachment, never cached; an expired, unknown or malformed one
 * with 404 and one sentence in the browser's language. Each download is logged with the file's kind
 * and who asked for the link (reading the report was audited when they asked), never its content or
 * the link's id.
 */
export function mountExports({ http, exports, translations, defaultLanguage, log }: ExportRouteDeps): void {
  const serve = (withBody: boolean) => async (req: Request, res: Response) => {
    const id = String((req.params as Record<string, unknown> | undefined)?.id ?? '');
    const file = exports.get(id);
    if (!file) {
      const lang = languageFromAcceptLanguage(req.headers['accept-language']) ?? defaultLanguage;
      const body = Buffer.from(`${translations.translator(lang).t('page:exportGone', { minutes: exports.ttlMinutes })}\n`);
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length, 'Content-Language': lang, 'Cache-Control': 'no-store', Vary: 'Accept-Language' });
      res.end(withBody ? body : undefined);
      return;
    }
    // A byte-order mark, so that spreadsheet programs read the accents of names and comments as UTF-8.
    const body = Buffer.from(`\uFEFF${file.content}`);
    res.writeHead(200, {
      'Content-Type': `${file.mediaType}; charset=utf-8`,
      'Content-Length': body.length,
      'Content-Disposition': `attachment; filename="${file.name.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
      'Cache-Control': 'no-store',
    });
    res.end(withBody ? body : undefined);
    if (withBody) log.info({ event: 'export_downloaded', kind: file.kind, by: file.requestedBy });
  };
  http.server.get(`${EXPORTS_PATH}/:id`, serve(true));
  http.server.head(`${EXPORTS_PATH}/:id`, serve(false));
}
