import { key, textPrompt, type DialogTurn } from '../../src/core/dialog.js';
import { addDays, daysBetween, parseUserDate, type LocalDate } from '../../src/core/dates.js';
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

export type DateCheck = { ok: true; date: LocalDate } | { ok: false; reason: string };

/** Turns an answer to datePrompt into a date within the allowed range, or the reason it is not. */
export function resolveDate(turn: DialogTurn, today: LocalDate, range: { pastDays: number; futureDays: number }): DateCheck {
  const answer = String(turn.answer ?? '');
  const date =
    answer === DateChoice.Today ? today : answer === DateChoice.Yesterday ? addDays(today, -1) : parseUserDate(answer, turn.lang, today);
  if (!date) return { ok: false, reason: 'liaison:dateNotUnderstood' };
  const offset = daysBetween(today, date);
  if (offset > range.futureDays) return { ok: false, reason: range.futureDays === 0 ? 'liaison:dateInFuture' : 'liaison:dateTooFar' };
  if (-offset > range.pastDays) return { ok: false, reason: range.pastDays === 0 ? 'liaison:dateInPast' : 'liaison:dateTooOld' };
  return { ok: true, date };
}
