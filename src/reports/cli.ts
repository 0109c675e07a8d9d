import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { isLocalDate, localDate } from '../core/dates.js';
import { isCodedError } from '../core/errors.js';
import { loadDirectory } from '../directory/directory.js';
import { loadTranslations } from '../i18n/i18n.js';
import { assertStoreExists, readStoreSnapshot } from '../store/store.js';
import { schoolYearOf } from '../core/training.js';
import { auditReport, contactsReport, schoolsReport, type ReportFormat } from './liaisonReports.js';
import { trainingReportText, type TrainingLabel } from './trainingReports.js';

/**
 * `npm run report -- <contacts|schools|training|audit> [--format csv|json|text] [--today YYYY-MM-DD] [--year 2026-2027]`: exports for
 * coordinators, read from the store file without changing it.
 */
const REPORTS = ['contacts', 'schools', 'training', 'audit'] as const;
const USAGE = `Usage: npm run report -- <${REPORTS.join('|')}> [--format csv|json|text] [--today YYYY-MM-DD] [--year 2026-2027]`;

/** Competences' and formats' names as the catalogue words them (in English, the language of these exports). */
async function trainingLabels(localesDir: string): Promise<TrainingLabel> {
  const tr = (await loadTranslations(localesDir)).translator('en');
  return (dimension, item) => tr.t(`training:${dimension}.${item}`);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { format: { type: 'string' }, today: { type: 'string' }, year: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const report = positionals[0];
  const format = (values.format ?? (report === 'contacts' ? 'csv' : 'text')) as ReportFormat;
  const years = values.year === undefined ? undefined : /^(\d{4})-(\d{4})$/.exec(values.year);
  if (years === null || (years && Number(years[2]) !== Number(years[1]) + 1)) throw new Error('--year takes a school year such as 2026-2027 (two years that follow each other)');
  if (!REPORTS.includes(report as (typeof REPORTS)[number]) || !['csv', 'json', 'text'].includes(format)) {
    throw new Error(USAGE);
  }
  if (values.today !== undefined && !isLocalDate(values.today)) throw new Error('--today takes a date of the calendar as YYYY-MM-DD, such as 2026-11-24');
  const config = loadConfig();
  assertStoreExists(config.storeFile);
  const directory = await loadDirectory(config.directoryFile);
  const store = await readStoreSnapshot(config.storeFile);
  const today = values.today ?? localDate(new Date(), directory.data.timeZone);
  const output =
    report === 'contacts'
      ? contactsReport(store, directory, format)
      : report === 'schools'
        ? schoolsReport(store, directory, today, format)
        : report === 'audit'
          ? auditReport(store, directory, format)
          : trainingReportText(store, directory, values.year ?? schoolYearOf(today), format, await trainingLabels(config.localesDir));
  process.stdout.write(output);
}

main().catch((err: unknown) => {
  process.stderr.write(`${isCodedError(err) || err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
