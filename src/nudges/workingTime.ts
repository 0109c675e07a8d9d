import type { Directory } from '../directory/schema.js';
import { addDays, type LocalDate } from '../core/dates.js';

/** The local weekday (1 = Monday … 7 = Sunday) and HH:MM of an instant in a time zone. */
export function localClock(now: Date, timeZone: string): { weekday: number; time: string } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday')) + 1;
  return { weekday, time: `${get('hour')}:${get('minute')}` };
}

/** Nudges go out only on the directory's working days, inside its working hours, in its time zone. */
export function isWorkingTime(now: Date, directory: Pick<Directory, 'timeZone' | 'workingHours'>): boolean {
  const { weekday, time } = localClock(now, directory.timeZone);
  const { days, start, end } = directory.workingHours;
  return days.includes(weekday) && time >= start && time < end;
}

function weekdayOf(date: LocalDate): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

/** Working days after `from` up to and including `to` (Monday's request is 1 working day old on Tuesday). */
export function workingDaysBetween(from: LocalDate, to: LocalDate, workingDays: readonly number[]): number {
  let count = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (workingDays.includes(weekdayOf(d))) count++;
  return count;
}

/** ISO week of a date, e.g. "2026-W48": the period of the weekly keep-in-touch nudge. */
export function isoWeek(date: LocalDate): string {
  const d = new Date(`${date}T00:00:00Z`);
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
