import { parseArgs } from 'node:util';
import { createApp } from '../app.js';
import { loadConfig } from '../config.js';
import { instantInZone } from '../core/dates.js';
import { isCodedError } from '../core/errors.js';
import { loadDirectory } from '../directory/directory.js';
import { createLogger } from '../log.js';
import { assertStoreExists, readStoreSnapshot } from '../store/store.js';

/**
 * `npm run nudges -- --once [--at <ISO date-time>] [--dry-run]`: one scheduler tick now (or as if at
 * the given time); prints what it sends, or with --dry-run what it would send (nothing is sent or
 * recorded then). A real tick is refused while the assistant runs, which holds the store's lock (two
 * processes writing one store undo each other's changes); --dry-run only reads.
 */
const USAGE = 'Usage: npm run nudges -- --once [--at <date-time, such as 2026-11-24T09:00 (directory time zone) or 2026-11-24T09:00:00+01:00>] [--dry-run]';

/** An ISO 8601 date-time: with an offset or Z as given; without one, in the directory's time zone (not the server's). */
function parseAt(text: string, timeZone: string): Date | undefined {
  const withZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/.test(text);
  if (withZone) {
    const at = new Date(text);
    // Date reads 30 February as 2 March: the calendar date must be a real one.
    const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
    const real = new Date(Date.UTC(year, month - 1, day));
    if (real.getUTCMonth() !== month - 1 || real.getUTCDate() !== day) return undefined;
    return Number.isNaN(at.getTime()) ? undefined : at;
  }
  return instantInZone(text, timeZone);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { once: { type: 'boolean' }, at: { type: 'string' }, 'dry-run': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!values.once) throw new Error(USAGE);
  const dryRun = values['dry-run'] ?? false;
  const config = loadConfig();
  assertStoreExists(config.storeFile);
  const { timeZone } = (await loadDirectory(config.directoryFile)).data;
  const now = new Date();
  const at = values.at === undefined ? now : parseAt(values.at, timeZone);
  if (!at) throw new Error(`--at takes an ISO date-time such as 2026-11-24T09:00 (in ${timeZone}) or 2026-11-24T09:00:00+01:00\n${USAGE}`);
  // A real tick in the future would claim nudges before their time, and they would not go out when it came.
  if (!dryRun && at.getTime() > now.getTime() + 60_000) throw new Error(`--at ${values.at} is in the future: use it with --dry-run to see what will be due then.`);
  const store = dryRun ? await readStoreSnapshot(config.storeFile) : undefined;
  // Warnings go to stderr, so that stdout holds the tick's report alone.
  // The app's clock starts at --at and runs on, so that a tick started just before the end of the
  // working hours stops there, as the running scheduler's does.
  let startedAt: number | undefined; // set when the tick starts, so that loading does not use up its time
  const app = await createApp(config, { log: createLogger('warn', process.stderr), clock: () => new Date(at.getTime() + (startedAt === undefined ? 0 : Date.now() - startedAt)), store });
  try {
    startedAt = Date.now();
    const report = await app.scheduler.tick(at, { dryRun });
    const name = (id: string) => app.directory().person(id)?.name ?? id;
    const out = [`Nudge tick at ${report.at}${dryRun ? ' (dry run: nothing is sent or recorded)' : ''}`];
    if (!report.workingTime) out.push(`Outside working hours in the directory's time zone: nothing is sent${report.nudges.length ? '; due, waiting for working hours:' : '.'}`);
    const outcomes: Record<string, string> = { 'would-send': 'would send', waits: 'waits' };
    for (const n of report.nudges) out.push(`  ${(outcomes[n.outcome] ?? n.outcome).padEnd(10)}  ${n.rule} → ${name(n.recipientId)} (${n.recipientId})`);
    if (report.workingTime) {
      const sent = report.nudges.filter((n) => n.outcome === 'sent').length;
      out.push(dryRun ? `${report.nudges.length} nudge(s) due.` : `${sent} sent, ${report.nudges.length - sent} not delivered.`);
    }
    process.stdout.write(`${out.join('\n')}\n`);
    await app.engine.idle();
  } finally {
    // A real tick writes the store and gives its lock back; a dry run read a snapshot and holds nothing.
    if (!dryRun) await app.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${isCodedError(err) || err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
