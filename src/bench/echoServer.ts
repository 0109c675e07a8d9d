import restify from 'restify';

/** Benchmark "limit": a bare restify JSON echo, the fastest this stack answers a POST. */
const server = restify.createServer();
server.post('/echo', restify.plugins.bodyParser({ mapParams: false }), async (req, res) => {
  res.json(200, { id: 'x', echo: req.body as unknown });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening http://127.0.0.1:${(server.address() as { port: number }).port}\n`));
