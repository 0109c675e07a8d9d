import { parseArgs } from 'node:util';
import { createApp } from '../app.js';
import { loadConfig } from '../config.js';
import { isCodedError } from '../core/errors.js';
import { createLogger } from '../log.js';
import { readStoreSnapshot } from '../store/store.js';

/**
 * `npm run nudges -- --once [--at <ISO date-time>] [--dry-run]`: one scheduler tick now (or as if at
 * the given time); prints what it sends, or with --dry-run what it would send (nothing is sent or
 * recorded then). Run it while the assistant is stopped, or with --dry-run: two processes must not
 * write the same store file.
 */
const USAGE = 'Usage: npm run nudges -- --once [--at <ISO date-time>] [--dry-run]';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { once: { type: 'boolean' }, at: { type: 'string' }, 'dry-run': { type: 'boolean' } } });
  if (!values.once) throw new Error(USAGE);
  const at = values.at ? new Date(values.at) : new Date();
  if (Number.isNaN(at.getTime())) throw new Error(`--at takes an ISO date-time such as 2026-11-24T09:00:00+01:00\n${USAGE}`);
  const dryRun = values['dry-run'] ?? false;
  const config = loadConfig();
  const store = dryRun ? await readStoreSnapshot(config.storeFile) : undefined;
  const app = await createApp(config, { log: createLogger('warn'), clock: () => at, store });
  const report = await app.scheduler.tick(at, { dryRun });
  const name = (id: string) => app.directory().person(id)?.name ?? id;
  const out = [`Nudge tick at ${report.at}${dryRun ? ' (dry run: nothing is sent or recorded)' : ''}`];
  if (!report.workingTime) out.push('Outside working hours in the directory\'s time zone: nothing is sent.');
  for (const n of report.nudges) out.push(`  ${n.outcome === 'would-send' ? 'would send' : n.outcome.padEnd(10)}  ${n.rule} → ${name(n.recipientId)} (${n.recipientId})`);
  if (report.workingTime) {
    const sent = report.nudges.filter((n) => n.outcome === 'sent').length;
    out.push(dryRun ? `${report.nudges.length} nudge(s) due.` : `${sent} sent, ${report.nudges.length - sent} not delivered.`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  await app.engine.idle();
}

main().catch((err: unknown) => {
  process.stderr.write(`${isCodedError(err) || err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
