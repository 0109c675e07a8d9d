import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { localDate } from '../core/dates.js';
import { isCodedError } from '../core/errors.js';
import { loadDirectory } from '../directory/directory.js';
import { readStoreSnapshot } from '../store/store.js';
import { contactsReport, schoolsReport, type ReportFormat } from './liaisonReports.js';

/**
 * `npm run report -- <contacts|schools> [--format csv|json|text] [--today YYYY-MM-DD]`: exports for
 * coordinators, read from the store file without changing it.
 */
const REPORTS = ['contacts', 'schools'] as const;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { format: { type: 'string' }, today: { type: 'string' } },
  });
  const report = positionals[0];
  const format = (values.format ?? (report === 'contacts' ? 'csv' : 'text')) as ReportFormat;
  if (!REPORTS.includes(report as (typeof REPORTS)[number]) || !['csv', 'json', 'text'].includes(format)) {
    throw new Error(`Usage: npm run report -- <${REPORTS.join('|')}> [--format csv|json|text] [--today YYYY-MM-DD]`);
  }
  if (values.today !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.today)) throw new Error('--today takes a date as YYYY-MM-DD');
  const config = loadConfig();
  const directory = await loadDirectory(config.directoryFile);
  const store = await readStoreSnapshot(config.storeFile);
  const today = values.today ?? localDate(new Date(), directory.data.timeZone);
  process.stdout.write(report === 'contacts' ? contactsReport(store, directory, format) : schoolsReport(store, directory, today, format));
}

main().catch((err: unknown) => {
  process.stderr.write(`${isCodedError(err) || err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
