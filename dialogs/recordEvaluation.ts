import { ask, choicePrompt, defineDialog, end, goto, key, next, type DialogTurn } from '../src/core/dialog.js';
import { addMonths, formatDate, type LocalDate } from '../src/core/dates.js';
import { EVALUATION_OUTCOMES, type ProtocolEvaluation } from '../src/store/schema.js';
import { acceptDate, checkRange, COMING_YEAR, datePrompt, PAST_YEAR } from './shared/dates.js';

export const RECORD_EVALUATION = 'recordEvaluation';
const DEFAULT_NEXT = 'next:default';

function askDate(_turn: DialogTurn) {
  return ask(datePrompt('liaison:evaluation.datePrompt'));
}

function checkDate(turn: DialogTurn) {
  return acceptDate(turn, PAST_YEAR, askDate);
}

function askOutcome(_turn: DialogTurn) {
  return ask(choicePrompt(key('liaison:evaluation.outcomePrompt'), EVALUATION_OUTCOMES.map((o) => ({ value: o, label: key(`liaison:evaluation.outcome.${o}`) }))));
}

/**
 * The proposed next evaluation: the first of the directory's intervals after the one held (every
 * 3 months from it) that is not in the past. An evaluation recorded late (held 15 June, recorded
 * 24 November) thus proposes 15 December, not 15 September, keeping the cadence the partners agreed
 * from their last evaluation rather than starting it again from the day it was typed in. Each mark is
 * counted from the evaluation itself (15 June + 6 months), so clamping at a month's end (31 August →
 * 30 November) does not drift. Undefined when even that falls outside the coming year a typed date
 * must be in (only possible with a longer interval than the directory allows today): then no
 * default is offered and a date must be typed.
 */
export function proposedNextEvaluation(held: LocalDate, intervalMonths: number, today: LocalDate): LocalDate | undefined {
  if (!(intervalMonths >= 1)) return undefined; // the directory requires 1 to 12; never loop on anything else
  let proposed = addMonths(held, intervalMonths);
  for (let k = 2; proposed < today; k++) proposed = addMonths(held, k * intervalMonths);
  return checkRange(proposed, today, COMING_YEAR).ok ? proposed : undefined;
}

/** The next evaluation: the proposed default (see above), or another date typed. */
function askNextDate(turn: DialogTurn) {
  if (turn.answer !== undefined) turn.values.outcome = turn.answer;
  const proposed = proposedNextEvaluation(String(turn.values.date), turn.directory.data.intervals.protocolEvaluationMonths, turn.services.contacts.today());
  turn.values.proposed = proposed ?? null;
  const prompt = datePrompt('liaison:evaluation.nextPrompt', { quickChoices: false });
  if (proposed === undefined) return ask(prompt);
  return ask({ ...prompt, choices: [{ value: DEFAULT_NEXT, label: key('liaison:evaluation.nextDefault', { date: turn.inEveryLanguage((_, lang) => formatDate(proposed, lang)) }) }] });
}

function checkNextDate(turn: DialogTurn) {
  if (turn.answer === DEFAULT_NEXT) {
    // The default gets the same check as a typed date: it may have passed while the question waited
    // (offered for today, clicked tomorrow). Then say so and offer a fresh one.
    const proposed = turn.values.proposed;
    const checked = typeof proposed === 'string' ? checkRange(proposed, turn.services.contacts.today(), COMING_YEAR) : undefined;
    if (!checked?.ok) {
      turn.say({ kind: 'text', text: turn.t(checked?.reason ?? 'liaison:dateNotUnderstood') });
      return goto(askNextDate);
    }
    turn.values.nextDate = checked.date;
    return next();
  }
  return acceptDate(turn, COMING_YEAR, askNextDate, 'nextDate');
}

function save(turn: DialogTurn) {
  const v = turn.values;
  turn.services.protocol.recordEvaluation({
    date: String(v.date),
    outcome: v.outcome as ProtocolEvaluation['outcome'],
    nextDate: String(v.nextDate),
    recordedBy: turn.user.personId!,
  });
  turn.say({
    kind: 'text',
    text: turn.t('liaison:evaluation.recorded', { date: formatDate(String(v.date), turn.lang), next: formatDate(String(v.nextDate), turn.lang) }),
  });
  return end();
}

/** Records an evaluation of the information-sharing protocol: when, the outcome, the next date. */
export const recordEvaluationDialog = defineDialog({
  id: RECORD_EVALUATION,
  roles: ['liaison', 'coordinator'],
  // Started from the protocol status: named by its button's label when left half-way.
  title: 'menu:recordEvaluation',
  whenLeft: 'liaison:leftNotRecorded',
  steps: [askDate, checkDate, askOutcome, askNextDate, checkNextDate, save],
});
