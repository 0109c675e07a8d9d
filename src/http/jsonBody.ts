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
  const parsers = restify.plugins.jsonBodyParser(options) as unknown as RequestHandler[];
  return [refuseOthers, ...parsers.map((parser) => inOurErrorFormat(parser, maxBytes))];
}

/**
 * restify's parser refuses a body in its own error format (`{"code":"InvalidContent","message":"Invalid
 * JSON: Unexpected token…"}`, the message quoting the body): answered here like every other refusal
 * of these routes, `{"error":{"code","message"}}`, and without any of the body.
 */
function inOurErrorFormat(parser: RequestHandler, maxBytes: number): RequestHandler {
  return (req: Request, res: Response, next) => {
    const done = ((err?: unknown) => {
      if (!(err instanceof Error)) return next(err as never);
      const tooLarge = (err as { statusCode?: number }).statusCode === 413;
      res.json(tooLarge ? 413 : 400, {
        error: tooLarge
          ? { code: 'PayloadTooLarge', message: `Request bodies are limited to ${maxBytes} bytes.` }
          : { code: 'BadArgument', message: 'The request body is not valid JSON.' },
      });
      return next(false);
    }) as typeof next;
    return parser(req, res, done);
  };
}
