import { ask, choicePrompt, defineDialog, end, key, next, type DialogTurn } from '../src/core/dialog.js';
import { addMonths, formatDate } from '../src/core/dates.js';
import { EVALUATION_OUTCOMES, type ProtocolEvaluation } from '../src/store/schema.js';
import { acceptDate, COMING_YEAR, datePrompt, PAST_YEAR } from './shared/dates.js';

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

/** The next evaluation: the directory's interval after this one, or another date typed. */
function askNextDate(turn: DialogTurn) {
  if (turn.answer !== undefined) turn.values.outcome = turn.answer;
  const proposed = addMonths(String(turn.values.date), turn.directory.data.intervals.protocolEvaluationMonths);
  turn.values.proposed = proposed;
  return ask({
    ...datePrompt('liaison:evaluation.nextPrompt', { quickChoices: false }),
    choices: [{ value: DEFAULT_NEXT, label: key('liaison:evaluation.nextDefault', { date: formatDate(proposed, turn.lang) }) }],
  });
}

function checkNextDate(turn: DialogTurn) {
  if (turn.answer === DEFAULT_NEXT) {
    turn.values.nextDate = turn.values.proposed ?? null;
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
  steps: [askDate, checkDate, askOutcome, askNextDate, checkNextDate, save],
});
