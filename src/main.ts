import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { isCodedError } from './core/errors.js';
import { createLogger } from './log.js';

/**
 * Entry point: validate everything, start, and stop gracefully on SIGTERM/SIGINT (finish turns in
 * flight, flush the store, exit 0). A configuration problem prints one clear message and exits 1.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`${isCodedError(err) ? err.message : String(err)}\n`);
    process.exit(1);
  }
  const log = createLogger(config.logLevel);
  let app;
  try {
    app = await createApp(config, { log });
  } catch (err) {
    process.stderr.write(`Cannot start: ${isCodedError(err) ? err.message : String(err)}\n`);
    process.exit(1);
  }
  const address = await app.start();
  const host = address.address === '0.0.0.0' || address.address === '::' ? 'localhost' : address.address;
  process.stdout.write(`School liaison assistant: web chat on http://${host}:${address.port}\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ event: 'stopping', signal });
    await app.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

await main();
