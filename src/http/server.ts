import type { AddressInfo } from 'node:net';
import restify, { type Request, type Response, type Server } from 'restify';
import type { Log } from '../log.js';

/**
 * The one restify server every channel mounts on. No global body parser: Slack's signature check
 * needs the raw body, so each route picks its own parser.
 */
export interface HttpServer {
  readonly server: Server;
  start(port: number, host: string): Promise<AddressInfo>;
  stop(): Promise<void>;
  /** Extra facts for /healthz (enabled channels, store name). */
  setHealth(info: () => Record<string, unknown>): void;
}

export function createHttpServer(log: Log, allowedOrigins: readonly string[], options: { https?: boolean } = {}): HttpServer {
  const server = restify.createServer({ name: 'school-liaison-assistant', handleUncaughtExceptions: false });
  let health: () => Record<string, unknown> = () => ({});
  const startedAt = Date.now();

  server.pre(securityHeaders(options.https ?? false));
  server.pre(corsMiddleware(allowedOrigins));
  // No global query parser either: the routes that read a query string parse it themselves.

  server.get('/healthz', async (_req: Request, res: Response) => {
    res.json(200, { status: 'ok', uptimeSeconds: Math.round((Date.now() - startedAt) / 1000), ...health() });
  });

  server.on('restifyError', (req: Request, _res: Response, err: Error & { statusCode?: number }, callback: () => void) => {
    log.warn({ event: 'http_error', method: req.method, path: loggedPath(req.getPath()), status: err.statusCode ?? 500, code: err.name });
    callback();
  });

  return {
    server,
    setHealth: (info) => {
      health = info;
    },
    start: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve(server.address() as AddressInfo));
      }),
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive sockets would hold close() open until they time out.
        server.server.closeIdleConnections?.();
      }),
  };
}

/** Headers every response carries; API answers are never cached (they hold conversation content). */
function securityHeaders(https: boolean) {
  // Node's setHeader, not restify's header(): these are set once per response, on every request,
  // and need none of header()'s formatting or merging.
  return (req: Request, res: Response, next: () => void) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'SAMEORIGIN');
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    if (https) res.setHeader('Strict-Transport-Security', 'max-age=31536000');
    const path = req.getPath();
    if (path.startsWith('/v3/') || path.startsWith('/api/') || path.startsWith('/slack/')) res.setHeader('Cache-Control', 'no-store');
    next();
  };
}

/**
 * A path as logged: a download link's id is the permission to the file (see src/http/exports.ts,
 * which answers those paths itself), so it never goes to a log, even if a route below changes.
 */
export function loggedPath(path: string): string {
  return path.replace(/^(\/exports\/)[^/]+/i, '$1…');
}

const CORS_HEADERS = 'authorization, content-type, x-ms-bot-agent, x-requested-with, x-ms-conversation-id';

/**
 * CORS for the web chat endpoints (/v3/, Direct Line) and only those, limited to the configured
 * origins ("*" allows any), so sites that embed the widget or Microsoft's Web Chat can point it at
 * this server. Preflight requests are answered here. Nothing else is readable by another site's script.
 */
function corsMiddleware(allowedOrigins: readonly string[]) {
  const anyOrigin = allowedOrigins.includes('*');
  return (req: Request, res: Response, next: (arg?: false) => void) => {
    if (!req.getPath().startsWith('/v3/')) return next();
    const origin = req.headers.origin;
    const allowed = origin !== undefined && (anyOrigin || allowedOrigins.includes(origin));
    if (allowed) {
      res.header('Access-Control-Allow-Origin', origin);
      res.header('Vary', 'Origin');
      res.header('Access-Control-Allow-Headers', CORS_HEADERS);
      res.header('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
      res.header('Access-Control-Max-Age', '600');
    }
    if (req.method === 'OPTIONS') {
      res.send(allowed ? 204 : 403);
      return next(false);
    }
    return next();
  };
}
