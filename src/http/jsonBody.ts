import restify, { type Request, type RequestHandler, type Response } from 'restify';

/**
 * The body parser for routes that take JSON (Direct Line, Teams), in front of restify's own.
 *
 * Why not `restify.plugins.bodyParser`: it inflates `Content-Encoding: gzip` bodies without handling
 * the inflater's errors (one request with a bad gzip body crashed the process), it counts its size
 * limit in compressed bytes (16 KB on the wire became 15 MB of JSON), and it accepts multipart
 * uploads, which it writes to the temp directory and never deletes. Clients of these routes send
 * plain JSON, so anything else is refused with 415 before a byte of the body is read.
 */
export function jsonBody(maxBytes: number): RequestHandler[] {
  const refuseOthers: RequestHandler = (req: Request, res: Response, next) => {
    const refuse = (message: string) => {
      res.json(415, { error: { code: 'UnsupportedMediaType', message } });
      next(false);
    };
    if (req.headers['content-encoding'] !== undefined) return refuse('Request bodies must not be compressed.');
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody && !req.is('json')) return refuse('Request bodies must be JSON (application/json).');
    return next();
  };
  // jsonBodyParser hands its options to the body reader, whose size limit its typings leave out.
  const options = { maxBodySize: maxBytes, mapParams: false } as restify.plugins.JsonBodyParserOptions;
  return [refuseOthers, ...(restify.plugins.jsonBodyParser(options) as unknown as RequestHandler[])];
}
