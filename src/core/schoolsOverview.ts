import type { DirectoryView, Role } from '../directory/directory.js';
import type { ContactLog } from '../store/schema.js';
import { daysBetween, formatDate, type LocalDate } from './dates.js';
import type { Language } from '../i18n/languages.js';

/** The most recent contact date per school. */
export function lastContactBySchool(contacts: readonly Pick<ContactLog, 'schoolId' | 'date'>[]): Map<string, LocalDate> {
  const last = new Map<string, LocalDate>();
  for (const c of contacts) {
    const seen = last.get(c.schoolId);
    if (!seen || c.date > seen) last.set(c.schoolId, c.date);
  }
  return last;
}

export interface SchoolRow {
  schoolId: string;
  schoolName: string;
  liaisonId: string;
  liaisonName: string;
  lastContact: LocalDate | undefined;
  daysSince: number | undefined;
  intervalDays: number;
  /** Days past the interval (negative: still within it); undefined when never contacted. */
  overdueBy: number | undefined;
  overdue: boolean;
}

/**
 * "My schools": each school with its last contact, days since, and whether it is overdue against its
 * contact interval, most overdue first (never contacted counts as most overdue). A liaison officer
 * sees their own schools, a coordinator every school. Pure: the same rows feed the chat, the report
 * and the keep-in-touch nudges.
 */
export function schoolsOverview(
  directory: DirectoryView,
  lastContactBySchool: ReadonlyMap<string, LocalDate>,
  today: LocalDate,
  viewer: { personId: string | undefined; role: Role },
): SchoolRow[] {
  const dir = directory.data;
  const rows = dir.schools
    .filter((s) => viewer.role === 'coordinator' || s.liaisonId === viewer.personId)
    .map((school): SchoolRow => {
      const lastContact = lastContactBySchool.get(school.id);
      const daysSince = lastContact ? daysBetween(lastContact, today) : undefined;
      const intervalDays = school.contactIntervalDays ?? dir.intervals.contactDays;
      const overdueBy = daysSince === undefined ? undefined : daysSince - intervalDays;
      return {
        schoolId: school.id,
        schoolName: school.name,
        liaisonId: school.liaisonId,
        liaisonName: directory.person(school.liaisonId)?.name ?? school.liaisonId,
        lastContact,
        daysSince,
        intervalDays,
        overdueBy,
        overdue: overdueBy === undefined || overdueBy > 0,
      };
    });
  return rows.sort((a, b) => {
    const ao = a.overdueBy ?? Number.POSITIVE_INFINITY;
    const bo = b.overdueBy ?? Number.POSITIVE_INFINITY;
    if (ao !== bo) return bo - ao;
    return a.schoolName.localeCompare(b.schoolName);
  });
}

/** "last contact 20 November (4 days ago)", "today", or "never", as My schools and the home screen say it. */
export function lastContactText(row: Pick<SchoolRow, 'lastContact' | 'daysSince'>, t: (key: string, params?: Record<string, unknown>) => string, lang: Language): string {
  if (row.lastContact === undefined) return t('liaison:neverContacted');
  if (row.daysSince === 0) return t('liaison:lastContactToday', { date: formatDate(row.lastContact, lang) });
  return t('liaison:lastContact', { date: formatDate(row.lastContact, lang), count: row.daysSince });
}
