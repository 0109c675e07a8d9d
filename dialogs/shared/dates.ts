import { goto, key, next, textPrompt, type DialogTurn, type Step, type StepResult } from '../../src/core/dialog.js';
import { addDays, daysBetween, formatDate, readUserDate, weekdayName, weekdayOf, type DateDirection, type LocalDate } from '../../src/core/dates.js';
import { PLANNING_HORIZON_DAYS } from '../../src/core/protocolStatus.js';
import type { PromptSpec } from '../../src/store/schema.js';

export const DateChoice = { Today: 'date:today', Yesterday: 'date:yesterday' } as const;

/** "Which date?" with Today / Yesterday buttons; any date typed in the user's language also works. */
export function datePrompt(textKey: string, options: { quickChoices?: boolean } = {}): PromptSpec {
  return textPrompt(
    key(textKey),
    40,
    'none',
    options.quickChoices === false
      ? undefined
      : [
          { value: DateChoice.Today, label: key('liaison:today') },
          { value: DateChoice.Yesterday, label: key('liaison:yesterday') },
        ],
  );
}

export type DateCheck = { ok: true; date: LocalDate } | { ok: false; reason: string; params?: Record<string, string> };

/**
 * The days a question accepts around today, and which way it faces: a date typed without a year
 * ("22/12", "15 March", "March 15") takes the year in that direction, and a weekday on its own
 * ("Friday", "vrijdag") is the most recent such day looking back, the next one looking ahead, today
 * included (see readUserDate). "last Friday" and "next Friday" mean the same whichever way it faces.
 */
export interface DateRange {
  readonly pastDays: number;
  readonly futureDays: number;
  readonly direction: DateDirection;
}

/** Turns an answer to datePrompt into a date within the allowed range, or the reason it is not. */
export function resolveDate(turn: DialogTurn, today: LocalDate, range: DateRange): DateCheck {
  const answer = String(turn.answer ?? '');
  const date =
    answer === DateChoice.Today
      ? today
      : answer === DateChoice.Yesterday
        ? addDays(today, -1)
        : readUserDate(answer, turn.lang, today, range.direction);
  if (typeof date !== 'string') {
    if (date.missing === 'weekday') {
      // "Friday 16/11" when the 16th is a Monday: which one was meant is for the user to say.
      const params = { date: formatDate(date.date, turn.lang), weekday: weekdayName(weekdayOf(date.date), turn.lang), typed: weekdayName(date.typedWeekday, turn.lang) };
      return { ok: false, reason: 'liaison:dateWeekdayMismatch', params };
    }
    return { ok: false, reason: date.missing === 'day' ? 'liaison:dateNoDay' : 'liaison:dateNotUnderstood' };
  }
  return checkRange(date, today, range);
}

/** A date (typed or proposed) within the range, or the reason it is not. */
export function checkRange(date: LocalDate, today: LocalDate, range: DateRange): DateCheck {
  const offset = daysBetween(today, date);
  if (offset > range.futureDays) return { ok: false, reason: range.futureDays === 0 ? 'liaison:dateInFuture' : 'liaison:dateTooFar' };
  if (-offset > range.pastDays) return { ok: false, reason: range.pastDays === 0 ? 'liaison:dateInPast' : 'liaison:dateTooOld' };
  return { ok: true, date };
}

/** Ranges used by the dialogs: a day that has happened (up to a year ago), or one in the coming year. */
export const PAST_YEAR: DateRange = { pastDays: 365, futureDays: 0, direction: 'past' };
export const COMING_YEAR: DateRange = { pastDays: 0, futureDays: PLANNING_HORIZON_DAYS, direction: 'future' };

/**
 * The step after a date question: keeps the date in `values[into]` and moves on, or explains what is
 * wrong with it and asks again.
 */
export function acceptDate(turn: DialogTurn, range: DateRange, askAgain: Step, into = 'date'): StepResult {
  const checked = resolveDate(turn, turn.services.contacts.today(), range);
  if (!checked.ok) {
    turn.say({ kind: 'text', text: turn.t(checked.reason, checked.params) });
    return goto(askAgain);
  }
  turn.values[into] = checked.date;
  return next();
}
