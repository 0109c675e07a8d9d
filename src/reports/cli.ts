import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { localDate } from '../core/dates.js';
import { isCodedError } from '../core/errors.js';
import { loadDirectory } from '../directory/directory.js';
import { readStoreSnapshot } from '../store/store.js';
import { schoolYearOf } from '../core/training.js';
import { contactsReport, schoolsReport, type ReportFormat } from './liaisonReports.js';
import { trainingReportText } from './trainingReports.js';

/**
 * `npm run report -- <contacts|schools|training> [--format csv|json|text] [--today YYYY-MM-DD] [--year 2026-2027]`: exports for
 * coordinators, read from the store file without changing it.
 */
const REPORTS = ['contacts', 'schools', 'training'] as const;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { format: { type: 'string' }, today: { type: 'string' }, year: { type: 'string' } },
  });
  const report = positionals[0];
  const format = (values.format ?? (report === 'contacts' ? 'csv' : 'text')) as ReportFormat;
  if (values.year !== undefined && !/^\d{4}-\d{4}$/.test(values.year)) throw new Error('--year takes a school year such as 2026-2027');
  if (!REPORTS.includes(report as (typeof REPORTS)[number]) || !['csv', 'json', 'text'].includes(format)) {
    throw new Error(`Usage: npm run report -- <${REPORTS.join('|')}> [--format csv|json|text] [--today YYYY-MM-DD] [--year 2026-2027]`);
  }
  if (values.today !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.today)) throw new Error('--today takes a date as YYYY-MM-DD');
  const config = loadConfig();
  const directory = await loadDirectory(config.directoryFile);
  const store = await readStoreSnapshot(config.storeFile);
  const today = values.today ?? localDate(new Date(), directory.data.timeZone);
  const output =
    report === 'contacts'
      ? contactsReport(store, directory, format)
      : report === 'schools'
        ? schoolsReport(store, directory, today, format)
        : trainingReportText(store, directory, values.year ?? schoolYearOf(today), format);
  process.stdout.write(output);
}

main().catch((err: unknown) => {
  process.stderr.write(`${isCodedError(err) || err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
