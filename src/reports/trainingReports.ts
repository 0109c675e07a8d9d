import { stringify } from 'csv-stringify/sync';
import { MIN_GROUP, trainingReport, type Tally, type TrainingReport } from '../core/training.js';
import type { DirectoryView } from '../directory/directory.js';
import type { Language } from '../i18n/languages.js';
import { COMPETENCES, TRAINING_FORMATS, type TrainingResponse } from '../store/schema.js';
import type { Store } from '../store/store.js';
import type { ReportFormat } from './liaisonReports.js';

/** What a withheld group shows instead of its number of answers (CSV) or its counts (text). */
const WITHHELD_CSV = { smallGroup: `<${MIN_GROUP}`, revealsSmallGroup: 'withheld' } as const;

/** A competence's, a format's or a staff role's name in the reader's language, for the CSV's `label` column and the text form. */
export type TrainingLabel = (dimension: 'competence' | 'format' | 'role', item: string) => string;

const CSV_COLUMNS = ['scope', 'school', 'responses', 'dimension', 'item', 'count', 'label'];

/**
 * The training-needs report as rows: per school and overall, the count per competence and per format,
 * with the item's id (stable, for formulas) and its name in the reader's language (`label`).
 * A group whose figures are withheld is one row saying so, with no counts: `<5` for a group of fewer
 * than five answers, `withheld` for overall figures that would reveal such a group by subtraction.
 *
 * After the schools come the figures per staff role, scope `role:<role>` (e.g. `role:head`) with the
 * school column empty, only when the overall figures are shown (see trainingReport).
 *
 * When the overall figures are shown, each teacher's comment follows them as a row of its own:
 * scope `overall`, dimension `comment`, the comment in `item`, `count` and `label` empty; alphabetical,
 * without school (see trainingReport). Withheld overall figures have no comment rows.
 */
export function trainingRows(responses: readonly TrainingResponse[], directory: DirectoryView, schoolYear: string, label: TrainingLabel) {
  const report = trainingReport(responses, directory, schoolYear);
  const rows: { scope: string; school: string; responses: string; dimension: string; item: string; count: string; label: string }[] = [];
  const add = (scope: string, school: string, tally: Tally) => {
    if (!tally.shown) {
      rows.push({ scope, school, responses: WITHHELD_CSV[tally.reason], dimension: '', item: '', count: '', label: '' });
      return;
    }
    const responses = String(tally.responses);
    for (const c of COMPETENCES) rows.push({ scope, school, responses, dimension: 'competence', item: c, count: String(tally.competences[c]), label: label('competence', c) });
    for (const f of TRAINING_FORMATS) rows.push({ scope, school, responses, dimension: 'format', item: f, count: String(tally.formats[f]), label: label('format', f) });
  };
  add('overall', '', report.overall);
  if (report.overall.shown) {
    const responses = String(report.overall.responses);
    for (const comment of report.overall.comments) rows.push({ scope: 'overall', school: '', responses, dimension: 'comment', item: comment, count: '', label: '' });
  }
  for (const s of report.schools) add(s.schoolId ?? 'not-listed', s.schoolName ?? '', s);
  for (const r of report.roles) add(`role:${r.role}`, '', r);
  return { report, rows };
}

/**
 * The report as CSV, for `npm run report` and for the download offered in the chat. A comment is a
 * teacher's own text: one starting with = + - @ would run as a formula in a spreadsheet, so such a
 * cell gets a leading apostrophe.
 */
export function trainingCsv(responses: readonly TrainingResponse[], directory: DirectoryView, schoolYear: string, label: TrainingLabel, delimiter: ',' | ';' = ','): string {
  return stringify(trainingRows(responses, directory, schoolYear, label).rows, { header: true, columns: CSV_COLUMNS, escape_formulas: true, delimiter });
}

/** The chat download's columns, in order: the command line's, with a readable group name as the second. */
const READABLE_COLUMNS = ['scope', 'group', 'responses', 'dimension', 'item', 'count', 'label'] as const;

/**
 * The report as CSV for a person opening it in a spreadsheet (the download offered in the chat): the
 * same rows, figures and withheld groups as `trainingCsv`, with column headings and every word in
 * the reader's language (`t`): each group named (all schools, the school, the staff role), "fewer than
 * 5" and "withheld" spelled out, the kind of row named, and a comment in the last column, where the
 * other rows name their topic or format. The ids stay in their own columns, for filters and formulas.
 */
export function readableTrainingCsv(
  responses: readonly TrainingResponse[],
  directory: DirectoryView,
  schoolYear: string,
  t: (key: string, params?: Record<string, unknown>) => string,
  delimiter: ',' | ';',
): string {
  const label: TrainingLabel = (dimension, item) => t(`training:${dimension}.${item}`);
  const { rows } = trainingRows(responses, directory, schoolYear, label);
  const readable = rows.map((r) => {
    const group =
      r.scope === 'overall' ? t('training:csv.allSchools') : r.scope.startsWith('role:') ? label('role', r.scope.slice('role:'.length)) : r.scope === 'not-listed' || !r.school ? t('callback:unlistedSchool') : r.school;
    const answers = r.responses === WITHHELD_CSV.smallGroup ? t('training:report.fewerThan', { count: MIN_GROUP }) : r.responses === WITHHELD_CSV.revealsSmallGroup ? t('training:csv.withheld') : r.responses;
    const comment = r.dimension === 'comment';
    return {
      scope: r.scope,
      group,
      responses: answers,
      dimension: r.dimension ? t(`training:csv.dimension.${r.dimension}`) : '',
      item: comment ? '' : r.item,
      count: r.count,
      label: comment ? r.item : r.label,
    };
  });
  return stringify(readable, { header: true, columns: READABLE_COLUMNS.map((key) => ({ key, header: t(`training:csv.column.${key}`) })), escape_formulas: true, delimiter });
}

/**
 * The separator a spreadsheet program opening a double-clicked file expects from someone reading in
 * this language: a semicolon where the decimal separator is a comma (Dutch, French and German
 * regional settings), a comma in English. The command-line export keeps commas.
 */
export function spreadsheetDelimiter(language: Language): ',' | ';' {
  return language === 'en' ? ',' : ';';
}

/** A tally as exported: a withheld group says only that it is withheld and why, never a count. */
function tallyJson(tally: Tally) {
  return tally.shown
    ? { shown: true, responses: tally.responses, competences: tally.competences, formats: tally.formats }
    : { shown: false, reason: tally.reason };
}

/**
 * The report as JSON, built field by field so nothing added to the report later is exported unchecked.
 * The comments are an array in the overall figures, present only when those are shown.
 */
function reportJson(report: TrainingReport) {
  const { overall } = report;
  return {
    schoolYear: report.schoolYear,
    minGroup: report.minGroup,
    overall: overall.shown ? { ...tallyJson(overall), comments: overall.comments } : tallyJson(overall),
    schools: report.schools.map((s) => ({ schoolId: s.schoolId, schoolName: s.schoolName, ...tallyJson(s) })),
    roles: report.roles.map((r) => ({ role: r.role, ...tallyJson(r) })),
    topNeeds: report.topNeeds,
  };
}

/** `label` names competences and formats in the text report and the CSV's `label` column (JSON keeps the ids). */
export function trainingReportText(store: Store, directory: DirectoryView, schoolYear: string, format: ReportFormat, label: TrainingLabel = (_, item) => item): string {
  const responses = store.data.trainingResponses;
  if (format === 'csv') return trainingCsv(responses, directory, schoolYear, label);
  const { report } = trainingRows(responses, directory, schoolYear, label);
  if (format === 'json') return `${JSON.stringify(reportJson(report), null, 2)}\n`;
  const { overall } = report;
  const lines = [
    overall.shown
      ? `Training needs, school year ${schoolYear}: ${overall.responses} answers`
      : overall.reason === 'smallGroup'
        ? `Training needs, school year ${schoolYear}: fewer than ${MIN_GROUP} answers`
        : `Training needs, school year ${schoolYear}: overall figures withheld, because with the figures per school they would reveal the answers of fewer than ${MIN_GROUP} people`,
  ];
  if (overall.shown) lines.push(`Most asked for: ${report.topNeeds.map((c) => label('competence', c)).join(', ')}`);
  for (const s of report.schools) {
    lines.push(`${s.schoolName ?? 'not in the directory'}: ${s.shown ? `${s.responses} answers` : `fewer than ${MIN_GROUP} answers`}`);
  }
  if (report.roles.length > 0) {
    lines.push('', 'Per role:');
    for (const r of report.roles) {
      const figures = r.shown ? `${r.responses} answers` : r.reason === 'smallGroup' ? `fewer than ${MIN_GROUP} answers` : `withheld, because with the totals they would reveal the answers of fewer than ${MIN_GROUP} people`;
      lines.push(`${label('role', r.role)}: ${figures}`);
    }
  }
  if (overall.shown) {
    // All of them, one per line (the chat shows only the first ones); alphabetical, without school.
    lines.push('', overall.comments.length ? `Comments (${overall.comments.length}, in alphabetical order, without school):` : 'Comments: none');
    for (const comment of overall.comments) lines.push(`- ${comment}`);
  }
  return `${lines.join('\n')}\n`;
}
