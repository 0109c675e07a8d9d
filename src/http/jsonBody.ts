import type { Request, RequestHandler, Response } from 'restify';

/**
 * The body reader for routes that take JSON (Direct Line, Teams): reads the body, refuses what is
 * not plain JSON, parses it onto `req.body`, and answers every refusal in the format of the other
 * refusals of these routes, `{"error":{"code","message"}}`, never quoting the body.
 *
 * Why not restify's body parsers: `bodyParser` inflated `Content-Encoding: gzip` bodies without
 * handling the inflater's errors (one request with a bad gzip body crashed the process), counted its
 * size limit in compressed bytes (16 KB on the wire became 15 MB of JSON) and accepted multipart
 * uploads, which it wrote to the temp directory and never deleted; `jsonBodyParser` answered in its
 * own format, quoting the body in its message. Clients of these routes send plain JSON, so anything
 * else is refused with 415 before a byte of the body is read; what is left to do is small enough to
 * do here, in one step of the handler chain instead of four (it runs on every web chat turn).
 */
export function jsonBody(maxBytes: number): RequestHandler {
  const refuse = (res: Response, status: number, code: string, message: string) => res.json(status, { error: { code, message } });
  return (req: Request, res: Response, next: (arg?: false) => void) => {
    const { headers } = req;
    if (headers['content-encoding'] !== undefined) {
      refuse(res, 415, 'UnsupportedMediaType', 'Request bodies must not be compressed.');
      return next(false);
    }
    const chunked = headers['transfer-encoding'] !== undefined;
    const declared = Number(headers['content-length'] ?? 0);
    if (!chunked && !(declared > 0)) return next(); // no body: req.body stays undefined
    if (!req.is('json')) {
      refuse(res, 415, 'UnsupportedMediaType', 'Request bodies must be JSON (application/json).');
      return next(false);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and dropped, not kept, and the refusal is sent once the body
      // is whole: a client still sending would otherwise not read it (a broken pipe, not a 413).
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.once('end', () => {
      if (settled) return;
      settled = true;
      if (size > maxBytes) {
        refuse(res, 413, 'PayloadTooLarge', `Request bodies are limited to ${maxBytes} bytes.`);
        return next(false);
      }
      if (size === 0) return next();
      const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)).toString('utf8');
      try {
        req.body = JSON.parse(text) as unknown;
      } catch {
        refuse(res, 400, 'BadArgument', 'The request body is not valid JSON.');
        return next(false);
      }
      return next();
    });
    // The client went away before the body was whole: nobody to answer, and nothing to handle.
    const gone = () => {
      if (settled) return;
      settled = true;
      next(false);
    };
    req.once('aborted', gone);
    req.once('error', gone);
  };
}
