import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Request, Response } from 'restify';
import type { HttpServer } from '../../http/server.js';

/** The page's policy; the widget needs nothing beyond its own origin and its WebSocket. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";

const FILES = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/widget.js': { file: 'widget.js', type: 'text/javascript; charset=utf-8' },
  '/widget.css': { file: 'widget.css', type: 'text/css; charset=utf-8' },
} as const;

/** Serves the widget and its demo page from memory (read once at start; no framework download at run time). */
export async function mountStaticWidget(http: HttpServer, publicDir: string): Promise<void> {
  for (const [path, { file, type }] of Object.entries(FILES)) {
    const body = await readFile(join(publicDir, file));
    http.server.get(path, async (_req: Request, res: Response) => {
      res.writeHead(200, {
        'Content-Type': type,
        'Content-Length': body.length,
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        ...(file === 'index.html' ? { 'Content-Security-Policy': CONTENT_SECURITY_POLICY } : {}),
      });
      res.end(body);
    });
  }
}
