import { afterEach, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { jsonBody } from '../../src/http/jsonBody.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { silentLogger } from '../../src/log.js';

let http: HttpServer | undefined;
let handled = 0;
afterEach(async () => {
  await http?.stop();
  http = undefined;
});

/** A server whose one route answers with what the reader put on req.body. */
async function serve(maxBytes = 64): Promise<string> {
  http = createHttpServer(silentLogger(), []);
  handled = 0;
  http.server.post('/in', jsonBody(maxBytes), async (req, res) => {
    handled++;
    res.json(200, { body: req.body === undefined ? '(none)' : (req.body as unknown) });
  });
  const { port } = await http.start(0, '127.0.0.1');
  return `http://127.0.0.1:${port}/in`;
}

const post = (url: string, body: BodyInit | undefined, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(url, { method: 'POST', headers, body, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit);

/** A body sent in pieces, with no Content-Length (Transfer-Encoding: chunked). */
const chunked = (...pieces: string[]) => Readable.toWeb(Readable.from(pieces.map((p) => Buffer.from(p)))) as ReadableStream;

describe('jsonBody: the reader of JSON request bodies', () => {
  it('parses a JSON body onto req.body, whole or in chunks, with or without a charset', async () => {
    const url = await serve();
    expect(await (await post(url, '{"type":"message","text":"héllo"}')).json()).toEqual({ body: { type: 'message', text: 'héllo' } });
    // A multi-byte character split between two chunks is read whole.
    const e = Buffer.from('é');
    const split = Readable.toWeb(Readable.from([Buffer.from('{"text":"'), e.subarray(0, 1), Buffer.concat([e.subarray(1), Buffer.from('"}')])])) as ReadableStream;
    expect(await (await post(url, split)).json()).toEqual({ body: { text: 'é' } });
    expect(await (await post(url, chunked('[1,', '2]'))).json()).toEqual({ body: [1, 2] });
    expect(await (await post(url, '{"a":1}', { 'content-type': 'application/json; charset=utf-8' })).json()).toEqual({ body: { a: 1 } });
  });

  it('leaves req.body undefined when there is no body', async () => {
    const url = await serve();
    expect(await (await post(url, undefined, {})).json()).toEqual({ body: '(none)' });
    expect(await (await post(url, '')).json()).toEqual({ body: '(none)' });
    expect(await (await post(url, chunked())).json()).toEqual({ body: '(none)' });
  });

  it('refuses a body that is not JSON with 400, in the error format of the routes, without quoting it', async () => {
    const url = await serve();
    const res = await post(url, '{"text":"Yusuf from 3B');
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'BadArgument', message: 'The request body is not valid JSON.' } });
    expect(text).not.toContain('Yusuf');
    expect(handled).toBe(0);
  });

  it('refuses other media types and compressed bodies with 415 before reading them', async () => {
    const url = await serve();
    for (const headers of [{ 'content-type': 'text/plain' } as Record<string, string>, { 'content-type': 'application/x-www-form-urlencoded' }, { 'content-type': 'application/json', 'content-encoding': 'gzip' }, {}]) {
      const res = await post(url, '{"a":1}', headers);
      expect([headers, res.status]).toEqual([headers, 415]);
      expect((await res.json()) as unknown).toEqual({ error: { code: 'UnsupportedMediaType', message: expect.any(String) } });
    }
    expect(handled).toBe(0);
  });

  it('refuses a body over the limit with 413, whether its length is declared or it comes in chunks, and keeps serving', async () => {
    const url = await serve(64);
    const exact = `{"t":"${'x'.repeat(64 - 8)}"}`;
    expect(exact.length).toBe(64);
    expect((await post(url, exact)).status).toBe(200);
    for (const body of [`{"t":"${'x'.repeat(57)}"}`, chunked('{"t":"', 'x'.repeat(40), 'x'.repeat(40), '"}'), JSON.stringify({ t: 'x'.repeat(100_000) })]) {
      const res = await post(url, body);
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual({ error: { code: 'PayloadTooLarge', message: 'Request bodies are limited to 64 bytes.' } });
    }
    expect(handled).toBe(1);
    expect((await post(url, '{"a":1}')).status).toBe(200);
  });

  it('a client that goes away in the middle of a body leaves no handler run and the server serving', async () => {
    const url = new URL(await serve(1024));
    await new Promise<void>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '500' } });
      req.on('error', () => resolve());
      req.write('{"text":"half', () => setTimeout(() => (req.destroy(), resolve()), 50));
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(handled).toBe(0);
    expect(await (await post(url.href, '{"a":1}')).json()).toEqual({ body: { a: 1 } });
  });
});
