import { Cron } from 'croner';
import { CodedError, ErrorCode } from '../core/errors.js';
import type { Directory } from '../directory/schema.js';
import { addDays, instantInZone, localDate, weekdayOf } from '../core/dates.js';
import { hasMorningAndAfternoon } from './workingTime.js';

/**
 * A week and a day: every weekday, and both parts of each day, come round in it. Enough for a pattern
 * without days of the month or months (see assertTicksReachWorkingHours), which repeats every week;
 * asking croner about a whole year would take seconds at every start.
 */
const HORIZON_DAYS = 8;
const NOON = '12:00';

/**
 * Which parts of the working week the scheduler's ticks reach: nudges are sent only at a tick inside
 * the working hours, and an officer may choose the mornings or the afternoons. Each part of each
 * working day of the coming week is asked of the pattern directly (its first run from the part's
 * start), so a tick every second costs no more than one a day. Holidays are left out on purpose: a
 * start during a two-week closure must not be refused for a pattern that is right.
 */
export function tickCoverage(
  pattern: string,
  directory: Pick<Directory, 'timeZone' | 'workingHours'>,
  from: Date,
): { morning: boolean; afternoon: boolean; firstMissed?: { date: string; part: 'morning' | 'afternoon' } } {
  const cron = new Cron(pattern, { timezone: directory.timeZone, paused: true });
  const { days, start, end } = directory.workingHours;
  const parts = [
    { name: 'morning' as const, from: start, to: end < NOON ? end : NOON },
    { name: 'afternoon' as const, from: start > NOON ? start : NOON, to: end },
  ].filter((part) => part.from < part.to);
  const coverage: ReturnType<typeof tickCoverage> = { morning: false, afternoon: false };
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
      else coverage.firstMissed ??= { date, part: part.name };
    }
  }
  cron.stop();
  return coverage;
}

/**
 * Refuses a tick pattern that never reaches the working hours (no call-back reminder or escalation
 * would ever go out), reaches only one part of a day that has two (officers who chose the other
 * would get no nudges), or misses some working days (reminders due then would wait). Checked at
 * start, with the directory's hours and time zone.
 */
export function assertTicksReachWorkingHours(pattern: string, directory: Pick<Directory, 'timeZone' | 'workingHours'>, from: Date): void {
  // "The first week of each month", "January to June": reminders due on the other days would wait
  // weeks. Refused as written, since no look at the coming week could tell.
  const fields = pattern.trim().split(/\s+/);
  if (!pattern.trim().startsWith('@') && fields.length >= 5) {
    const [dayOfMonth, month] = fields.slice(-3, -1);
    if (![dayOfMonth, month].every((field) => field === '*' || field === '?')) {
      throw new CodedError(ErrorCode.ConfigInvalid, `NUDGES_CRON "${pattern}" names days of the month or months: it must tick on every working day of every month (call-back reminders and escalations due on the other days would wait for it). Use, for example, */5 * * * *.`);
    }
  }
  const { morning, afternoon, firstMissed } = tickCoverage(pattern, directory, from);
  const { start, end } = directory.workingHours;
  const hours = `${start}–${end} (${directory.timeZone})`;
  if (!morning && !afternoon) {
    throw new CodedError(ErrorCode.ConfigInvalid, `NUDGES_CRON "${pattern}" never ticks inside the working hours ${hours}: call-back reminders, escalations and nudges would never be sent. Use, for example, */5 * * * *.`);
  }
  if (hasMorningAndAfternoon(directory.workingHours) && !(morning && afternoon)) {
    const missing = morning ? 'afternoons' : 'mornings';
    throw new CodedError(ErrorCode.ConfigInvalid, `NUDGES_CRON "${pattern}" never ticks in the ${missing} of the working hours ${hours}: officers who chose the ${missing} for their nudges would get none. Use, for example, */5 * * * *.`);
  }
  if (firstMissed) {
    // Only some days, weeks or months: a reminder or escalation due on the others waits for the next tick.
    throw new CodedError(ErrorCode.ConfigInvalid, `NUDGES_CRON "${pattern}" does not tick on every working day: the first it misses is the ${firstMissed.part} of ${firstMissed.date} (working hours ${hours}). Call-back reminders and escalations due then would wait for its next tick. Use, for example, */5 * * * *.`);
  }
}
