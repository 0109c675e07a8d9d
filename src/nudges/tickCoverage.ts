import { Cron } from 'croner';
import { CodedError, ErrorCode } from '../core/errors.js';
import type { Directory } from '../directory/schema.js';
import { addDays, instantInZone, localDate, weekdayOf } from '../core/dates.js';
import { hasMorningAndAfternoon } from './workingTime.js';

/** A week and a day: every weekday, and both parts of each day, come round in it. */
const HORIZON_DAYS = 8;
const NOON = '12:00';

/**
 * Which parts of the working week the scheduler's ticks reach: nudges are sent only at a tick inside
 * the working hours, and an officer may choose the mornings or the afternoons. Each part of each
 * working day of the coming week is asked of the pattern directly (its first run from the part's
 * start), so a tick every second costs no more than one a day. Holidays are left out on purpose: a
 * start during a two-week closure must not be refused for a pattern that is right.
 */
export function tickCoverage(pattern: string, directory: Pick<Directory, 'timeZone' | 'workingHours'>, from: Date): { morning: boolean; afternoon: boolean } {
  const cron = new Cron(pattern, { timezone: directory.timeZone, paused: true });
  const { days, start, end } = directory.workingHours;
  const parts = [
    { name: 'morning' as const, from: start, to: end < NOON ? end : NOON },
    { name: 'afternoon' as const, from: start > NOON ? start : NOON, to: end },
  ].filter((part) => part.from < part.to);
  const coverage = { morning: false, afternoon: false };
  const today = localDate(from, directory.timeZone);
  for (let d = 0; d < HORIZON_DAYS; d++) {
    const date = addDays(today, d);
    if (!days.includes(weekdayOf(date) || 7)) continue;
    for (const part of parts) {
      const opens = instantInZone(`${date}T${part.from}`, directory.timeZone);
      const closes = instantInZone(`${date}T${part.to}`, directory.timeZone);
      if (!opens || !closes) continue;
      const tick = cron.nextRun(new Date(opens.getTime() - 1000));
      if (tick && tick < closes) coverage[part.name] = true;
    }
  }
  cron.stop();
  return coverage;
}

/**
 * Refuses a tick pattern that never reaches the working hours (no call-back reminder or escalation
 * would ever go out), or reaches only one part of a day that has two (officers who chose the other
 * would get no nudges). Checked at start, with the directory's hours and time zone.
 */
export function assertTicksReachWorkingHours(pattern: string, directory: Pick<Directory, 'timeZone' | 'workingHours'>, from: Date): void {
  const { morning, afternoon } = tickCoverage(pattern, directory, from);
  const { start, end } = directory.workingHours;
  const hours = `${start}–${end} (${directory.timeZone})`;
  if (!morning && !afternoon) {
    throw new CodedError(ErrorCode.ConfigInvalid, `NUDGES_CRON "${pattern}" never ticks inside the working hours ${hours}: call-back reminders, escalations and nudges would never be sent. Use, for example, */5 * * * *.`);
  }
  if (hasMorningAndAfternoon(directory.workingHours) && !(morning && afternoon)) {
    const missing = morning ? 'afternoons' : 'mornings';
    throw new CodedError(ErrorCode.ConfigInvalid, `NUDGES_CRON "${pattern}" never ticks in the ${missing} of the working hours ${hours}: officers who chose the ${missing} for their nudges would get none. Use, for example, */5 * * * *.`);
  }
}
