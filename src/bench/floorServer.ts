import { jsonBody } from '../http/jsonBody.js';
import { createHttpServer } from '../http/server.js';
import { silentLogger } from '../log.js';

/**
 * Benchmark "HTTP floor": the assistant's own HTTP path with nothing behind it. The same restify
 * server and middlewares (security headers, CORS), the same JSON body parser and the
 * same Direct Line routes as the web channel, answering at once: no token check, no engine, no store.
 * It shows how much of a turn the transport alone takes, next to the bare echo (2), which carries
 * smaller requests through fewer middlewares.
 */
const BASE = '/v3/directline';
const http = createHttpServer(silentLogger(), []);
const json = jsonBody(16 * 1024);
let next = 0;

http.server.post(`${BASE}/tokens/generate`, json, async (_req, res) => {
  res.json(200, { token: `floor-${next++}` });
});
http.server.post(`${BASE}/conversations`, json, async (_req, res) => {
  const id = `floor-${next++}`;
  res.json(201, { conversationId: id, token: `${id}.token` });
});
http.server.post(`${BASE}/conversations/:id/activities`, json, async (req, res) => {
  res.json(200, { id: `${req.params.id}|0000001` });
});

const address = await http.start(0, '127.0.0.1');
process.stdout.write(`listening http://127.0.0.1:${address.port}\n`);
