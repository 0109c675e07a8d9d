import type { Directory } from '../directory/schema.js';
import { addDays, instantInZone, localDate, weekdayOf, type LocalDate } from '../core/dates.js';

type WorkingHours = Directory['workingHours'];

/** The local weekday (1 = Monday … 7 = Sunday) and HH:MM of an instant in a time zone. */
export function localClock(now: Date, timeZone: string): { weekday: number; time: string } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday')) + 1;
  return { weekday, time: `${get('hour')}:${get('minute')}` };
}

/** Nudges go out only on the directory's working days (not its closed days), inside its working hours, in its time zone. */
export function isWorkingTime(now: Date, directory: Pick<Directory, 'timeZone' | 'workingHours'>): boolean {
  const { time } = localClock(now, directory.timeZone);
  const { start, end } = directory.workingHours;
  return isWorkingDay(localDate(now, directory.timeZone), directory.workingHours) && time >= start && time < end;
}

/** Noon divides the working day into the mornings and afternoons an officer may choose for their nudges. */
const NOON = '12:00';

/** Whether the working day has a morning and an afternoon to choose between (it spans noon). */
export function hasMorningAndAfternoon(hours: Pick<WorkingHours, 'start' | 'end'>): boolean {
  return hours.start < NOON && hours.end > NOON;
}

/** Whether `now` falls in the part of the working day a person chose: all of it, the morning or the afternoon. */
export function isInWindow(now: Date, directory: Pick<Directory, 'timeZone' | 'workingHours'>, window: 'all' | 'morning' | 'afternoon'): boolean {
  if (window === 'all') return true;
  const { time } = localClock(now, directory.timeZone);
  // A working day that ends before noon, or starts after it, has only one part: that one always counts.
  if (!hasMorningAndAfternoon(directory.workingHours)) return true;
  return window === 'morning' ? time < NOON : time >= NOON;
}

/** A working weekday that is not a closed day (a holiday). */
export function isWorkingDay(date: LocalDate, hours: Pick<WorkingHours, 'days' | 'closedDays'>): boolean {
  return hours.days.includes(isoWeekday(date)) && !hours.closedDays.includes(date);
}

/**
 * The day from which a request's working days are counted: the day it was made, when made in
 * working time or before it on a working day; otherwise (an evening, a weekend, a holiday) the next
 * working day, as if made at its start. So Saturday's request, like Monday's, is one working day old
 * on Tuesday, and Monday evening's only on Wednesday.
 */
export function countingFrom(madeAt: Date, directory: Pick<Directory, 'timeZone' | 'workingHours'>): LocalDate {
  const day = localDate(madeAt, directory.timeZone);
  const { time } = localClock(madeAt, directory.timeZone);
  if (isWorkingDay(day, directory.workingHours) && time < directory.workingHours.end) return day;
  let next = addDays(day, 1);
  // A year without a working day is refused by the directory schema's days (min 1) unless every day is closed.
  for (let i = 0; i < 366 && !isWorkingDay(next, directory.workingHours); i++) next = addDays(next, 1);
  return next;
}

/** 1 = Monday … 7 = Sunday, as the directory's working days are written. */
const isoWeekday = (date: LocalDate): number => weekdayOf(date) || 7;

/** Working days after `from` up to and including `to`, closed days left out (Monday's request is 1 working day old on Tuesday). */
export function workingDaysBetween(from: LocalDate, to: LocalDate, hours: Pick<WorkingHours, 'days' | 'closedDays'>): number {
  let count = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isWorkingDay(d, hours)) count++;
  return count;
}

/**
 * Whole working hours between two instants: the time inside the working hours of working days
 * (closed days left out), in the directory's time zone. A request made at 16:00 on a day that ends at
 * 17:00 has waited one working hour at 9:00 the next working day when the day starts at 9:00.
 * Counting stops at `atMost` hours.
 */
export function workingHoursBetween(from: Date, to: Date, directory: Pick<Directory, 'timeZone' | 'workingHours'>, atMost = Infinity): number {
  if (to <= from) return 0;
  const { timeZone, workingHours } = directory;
  let ms = 0;
  const last = localDate(to, timeZone);
  // Days without working hours are skipped one by one; a span is hours or days long in practice.
  for (let day = localDate(from, timeZone), i = 0; day <= last && i < 400; day = addDays(day, 1), i++) {
    if (!isWorkingDay(day, workingHours)) continue;
    const start = instantInZone(`${day}T${workingHours.start}`, timeZone);
    const end = instantInZone(`${day}T${workingHours.end}`, timeZone);
    if (!start || !end) continue;
    const overlap = Math.min(end.getTime(), to.getTime()) - Math.max(start.getTime(), from.getTime());
    if (overlap > 0) ms += overlap;
    if (ms >= atMost * 3_600_000) return atMost; // enough counted: the caller needs no more
  }
  return Math.floor(ms / 3_600_000);
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
