import { stringify } from 'csv-stringify/sync';
import type { LocalDate } from '../core/dates.js';
import { lastContactBySchool, schoolsOverview } from '../core/schoolsOverview.js';
import type { DirectoryView } from '../directory/directory.js';
import type { Store } from '../store/store.js';

/**
 * Report builders for coordinators (pure over a store snapshot and the directory). CSV cells that a
 * spreadsheet would run as a formula (a name starting with =, +, - or @) are escaped.
 */
export type ReportFormat = 'csv' | 'json' | 'text';

export function contactsReport(store: Store, directory: DirectoryView, format: ReportFormat): string {
  const rows = [...store.data.contacts]
    .sort((a, b) => a.date.localeCompare(b.date) || a.createdAt.localeCompare(b.createdAt))
    .map((c) => ({
      date: c.date,
      school_id: c.schoolId,
      school: directory.school(c.schoolId)?.name ?? '',
      kind: c.kind,
      tags: c.tags.join(';'),
      author_id: c.authorId,
      author: directory.person(c.authorId)?.name ?? '',
      logged_at: c.createdAt,
    }));
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (format === 'csv') return stringify(rows, { header: true, columns: ['date', 'school_id', 'school', 'kind', 'tags', 'author_id', 'author', 'logged_at'], escape_formulas: true });
  if (rows.length === 0) return 'No contacts have been logged yet.\n';
  return rows.map((r) => `${r.date}  ${r.school}  ${r.kind}${r.tags ? ` [${r.tags}]` : ''}  (${r.author})`).join('\n') + '\n';
}

export function schoolsReport(store: Store, directory: DirectoryView, today: LocalDate, format: ReportFormat): string {
  // As things stood that day: a contact logged for a later date is not counted (--today in the past).
  const last = lastContactBySchool(store.data.contacts.filter((c) => c.date <= today));
  const rows = schoolsOverview(directory, last, today, { personId: undefined, role: 'coordinator' }).map((r) => ({
    liaison: r.liaisonName,
    school_id: r.schoolId,
    school: r.schoolName,
    last_contact: r.lastContact ?? '',
    days_since: r.daysSince ?? '',
    interval_days: r.intervalDays,
    overdue: r.overdue ? 'yes' : 'no',
    overdue_by_days: r.overdueBy ?? '',
  }));
  // JSON with JSON's own types (null for "never", booleans); CSV and text keep the spreadsheet's strings.
  if (format === 'json') {
    const typed = rows.map((r) => ({ ...r, last_contact: r.last_contact || null, days_since: r.days_since === '' ? null : r.days_since, overdue: r.overdue === 'yes', overdue_by_days: r.overdue_by_days === '' ? null : r.overdue_by_days }));
    return `${JSON.stringify(typed, null, 2)}\n`;
  }
  if (format === 'csv') return stringify(rows, { header: true, columns: Object.keys(rows[0] ?? { liaison: '' }), escape_formulas: true });
  return (
    [`Schools on ${today}, most overdue first:`, ...rows.map((r) => `${r.overdue === 'yes' ? 'OVERDUE' : 'ok     '}  ${r.school} (${r.liaison})  last contact: ${r.last_contact || 'never'}${r.days_since !== '' ? `, ${r.days_since === 0 ? 'today' : r.days_since === 1 ? '1 day ago' : `${r.days_since} days ago`}` : ''}; every ${r.interval_days} days`)].join('\n') + '\n'
  );
}

/**
 * The audit log, oldest first: who read call-back requests, the schools overview or the training
 * report, and who acknowledged, closed or handed on a request, or corrected or deleted a contact
 * (kept AUDIT_RETENTION_DAYS). Ids only in the detail: a request's or a contact's, never its content.
 */
export function auditReport(store: Store, directory: DirectoryView, format: ReportFormat): string {
  const rows = [...store.data.audit]
    .sort((a, b) => a.at.localeCompare(b.at))
    .map((e) => ({ at: e.at, actor_id: e.actor, actor: directory.person(e.actor)?.name ?? '', action: e.action, detail: e.detail ?? '' }));
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (format === 'csv') return stringify(rows, { header: true, columns: ['at', 'actor_id', 'actor', 'action', 'detail'], escape_formulas: true });
  if (rows.length === 0) return 'The audit log is empty.\n';
  return rows.map((r) => `${r.at}  ${r.actor || r.actor_id}  ${r.action}${r.detail ? `  ${r.detail}` : ''}`).join('\n') + '\n';
}
