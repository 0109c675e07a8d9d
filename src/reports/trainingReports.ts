import { stringify } from 'csv-stringify/sync';
import { MIN_GROUP, trainingReport, type Tally } from '../core/training.js';
import type { DirectoryView } from '../directory/directory.js';
import { COMPETENCES, TRAINING_FORMATS } from '../store/schema.js';
import type { Store } from '../store/store.js';
import type { ReportFormat } from './liaisonReports.js';

/**
 * The training-needs report as rows: per school and overall, the count per competence and per format;
 * a group of fewer than five answers is one row saying so, with no counts.
 */
export function trainingRows(store: Store, directory: DirectoryView, schoolYear: string | undefined) {
  const report = trainingReport(store.data.trainingResponses, directory, schoolYear);
  const rows: { scope: string; school: string; responses: string; dimension: string; item: string; count: string }[] = [];
  const add = (scope: string, school: string, tally: Tally) => {
    if (!tally.shown) {
      rows.push({ scope, school, responses: `<${MIN_GROUP}`, dimension: '', item: '', count: '' });
      return;
    }
    for (const c of COMPETENCES) rows.push({ scope, school, responses: String(tally.responses), dimension: 'competence', item: c, count: String(tally.competences[c]) });
    for (const f of TRAINING_FORMATS) rows.push({ scope, school, responses: String(tally.responses), dimension: 'format', item: f, count: String(tally.formats[f]) });
  };
  add('overall', '', report.overall);
  for (const s of report.schools) add(s.schoolId ?? 'not-listed', s.schoolName ?? '', s);
  return { report, rows };
}

export function trainingReportText(store: Store, directory: DirectoryView, schoolYear: string | undefined, format: ReportFormat): string {
  const { report, rows } = trainingRows(store, directory, schoolYear);
  if (format === 'csv') return stringify(rows, { header: true, columns: ['scope', 'school', 'responses', 'dimension', 'item', 'count'] });
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  const lines = [`Training needs${schoolYear ? `, school year ${schoolYear}` : ''}: ${report.overall.shown ? report.overall.responses : `fewer than ${MIN_GROUP}`} answers`];
  if (report.overall.shown) lines.push(`Most asked for: ${report.topNeeds.join(', ')}`);
  for (const s of report.schools) {
    lines.push(`${s.schoolName ?? 'not in the directory'}: ${s.shown ? `${s.responses} answers` : `fewer than ${MIN_GROUP} answers`}`);
  }
  return `${lines.join('\n')}\n`;
}
