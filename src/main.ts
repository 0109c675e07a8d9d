import { createApp } from './app.js';
import { loadConfig, type Config } from './config.js';
import { isCodedError } from './core/errors.js';
import { createLogger } from './log.js';

/**
 * Entry point: validate everything, start, and stop gracefully on SIGTERM/SIGINT (finish turns in
 * flight, flush the store, exit 0); SIGHUP reloads the directory. A configuration problem prints one
 * clear message and exits 1.
 */

// Output piped into a program that has exited (`npm start | head`) must not stop a clean shutdown.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** Where each channel listens, and what does not work as configured. */
function banner(config: Config, channels: readonly string[], base: string): string[] {
  const lines: string[] = [];
  if (channels.includes('web')) {
    lines.push(`School liaison assistant: web chat on ${base}`);
    if (config.web.secret) lines.push(`  The widget at ${base}/ cannot be used while WEB_CHAT_SECRET is set (it mints its own tokens); clients need the secret.`);
  } else lines.push(`School liaison assistant on ${base}`);
  if (channels.includes('slack')) lines.push(`  Slack: events at ${config.publicUrl ?? base}/slack/events`);
  if (channels.includes('teams')) lines.push(`  Teams: messages at ${config.publicUrl ?? base}/api/messages${config.teams?.appId ? '' : ' (unauthenticated: local testing only)'}`);
  if (channels.length === 0) lines.push('  No channel is switched on (WEB_CHAT_ENABLED=false, and neither Slack nor Teams is configured): nobody can talk to the assistant.');
  return lines;
}

const USAGE = `Usage: node dist/src/main.js (or npm start, which builds first)
Runs the assistant: web chat, and Slack and Teams when configured. Every setting is an environment
variable (or a line of .env in the working directory); see .env.example. SIGTERM or Ctrl-C stops it
cleanly; SIGHUP reads DIRECTORY_FILE again.`;

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const unknown = process.argv.slice(2)[0];
  if (unknown !== undefined) fail(`Unknown argument ${unknown}\n${USAGE}`);
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    fail(isCodedError(err) ? err.message : String(err));
  }
  const log = createLogger(config.logLevel);
  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Never hang on the way out: turns in flight get a bounded time to finish.
    const deadline = setTimeout(() => process.exit(1), 10_000);
    // Still starting: stopped (and the store written) as soon as the app exists, below.
    if (!app) return;
    let code = 0;
    try {
      log.info({ event: 'stopping', signal });
      await app?.stop();
    } catch (err) {
      code = 1;
      try {
        log.error({ event: 'stop_failed', err: String(err) });
      } catch {
        // Nowhere left to say it.
      }
    } finally {
      clearTimeout(deadline);
      process.exit(code);
    }
  };
  // Before anything slow, so that a signal while starting still stops cleanly (the store is written).
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // `kill -HUP <pid>`: read data/directory.json again without a restart (a bad file is refused and
  // logged). Installed now too: SIGHUP's default action ends the process, which while starting left
  // the store open and its lock behind; a reload asked for then is done once started.
  let started = false;
  let reloadAsked = false;
  process.on('SIGHUP', () => {
    if (started && app) void app.reloadDirectory();
    else reloadAsked = true;
  });

  try {
    app = await createApp(config, { log });
  } catch (err) {
    fail(`Cannot start: ${isCodedError(err) ? err.message : String(err)}`);
  }
  if (stopping) {
    stopping = false;
    return shutdown('signal while starting');
  }
  let address;
  try {
    address = await app.start();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    await app.stop().catch(() => undefined);
    if (code === 'EADDRINUSE') fail(`Cannot start: port ${config.port} on ${config.host} is already in use (set PORT to another one).`);
    if (code === 'EACCES') fail(`Cannot start: no permission to listen on port ${config.port} (PORT) on ${config.host} (HOST).`);
    if (code === 'EADDRNOTAVAIL') fail(`Cannot start: ${config.host} (HOST) is not an address of this machine.`);
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') fail(`Cannot start: ${config.host} (HOST) is not a name this machine can resolve (use an address such as 127.0.0.1 or 0.0.0.0).`);
    fail(`Cannot start: ${isCodedError(err) ? err.message : String(err)}`);
  }
  started = true;
  if (reloadAsked) void app.reloadDirectory();
  const host = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(address.address) ? 'localhost' : address.address;
  process.stdout.write(`${banner(config, app.channels.map((c) => c.id), `http://${host}:${address.port}`).join('\n')}\n`);
}

await main();
