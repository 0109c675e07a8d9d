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
  /** A getter: DEFAULT_LANGUAGE when set, else the directory's defaultLanguage, which a reload may change. */
  defaultLanguage: () => Language;
  log: Log;
}

/** Every path under /exports, whatever its case: none of them may reach the router (whose 404 repeats the path) or the error log. */
const UNDER_EXPORTS = new RegExp(`^${EXPORTS_PATH}(/|$)`, 'i');

/**
 * GET /exports/<id>: the file behind a download link given in the chat (see ExportService). A valid
 * link answers with the file as an attachment, never cached; anything else under /exports (an
 * expired or unknown id, another method, a trailing slash) with 404 and one sentence in the
 * browser's language. Answered before routing, so that no log line carries a link's id: a download
 * is logged with the file's kind and who asked for the link (reading the report was audited when
 * they asked), never with its content or id. No CORS headers are sent here (see server.ts), so
 * another site's script cannot read a file even with its link.
 */
export function mountExports({ http, exports, translations, defaultLanguage, log }: ExportRouteDeps): void {
  http.server.pre((req: Request, res: Response, next: (arg?: false) => void) => {
    const path = req.getPath();
    if (!UNDER_EXPORTS.test(path)) return next();
    const method = req.method ?? 'GET';
    const readable = method === 'GET' || method === 'HEAD';
    const prefix = `${EXPORTS_PATH}/`;
    const file = readable && path.startsWith(prefix) ? exports.get(path.slice(prefix.length)) : undefined;
    if (!file) {
      const lang = languageFromAcceptLanguage(req.headers['accept-language']) ?? defaultLanguage();
      const body = Buffer.from(`${translations.translator(lang).t('page:exportGone', { minutes: exports.ttlMinutes })}\n`);
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length, 'Content-Language': lang, 'Cache-Control': 'no-store', Vary: 'Accept-Language' });
      res.end(method === 'HEAD' ? undefined : body);
      return next(false);
    }
    // A byte-order mark, so that spreadsheet programs read the accents of names and comments as UTF-8.
    const body = Buffer.from(`\uFEFF${file.content}`);
    res.writeHead(200, {
      'Content-Type': `${file.mediaType}; charset=utf-8`,
      'Content-Length': body.length,
      'Content-Disposition': `attachment; filename="${file.name.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
      'Cache-Control': 'no-store',
    });
    if (method === 'HEAD') res.end();
    else {
      res.end(body);
      log.info({ event: 'export_downloaded', kind: file.kind, by: file.requestedBy });
    }
    return next(false);
  });
}
