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
  // Handlers first, so a signal that arrives while starting still stops cleanly.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ event: 'stopping', signal });
    // Never hang on the way out: turns in flight get a bounded time to finish.
    const deadline = setTimeout(() => {
      log.error({ event: 'stop_timeout' });
      process.exit(1);
    }, 10_000);
    deadline.unref();
    try {
      await app.stop();
      process.exit(0);
    } catch (err) {
      log.error({ event: 'stop_failed', err: String(err) });
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  const address = await app.start();
  const host = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(address.address) ? 'localhost' : address.address;
  process.stdout.write(`School liaison assistant: web chat on http://${host}:${address.port}\n`);
}

await main();
