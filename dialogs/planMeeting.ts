import { ask, choicePrompt, defineDialog, end, goto, key, next, SAVED, textPrompt, type DialogTurn } from '../src/core/dialog.js';
import { formatDate } from '../src/core/dates.js';
import { meetingPlace } from '../src/core/protocolStatus.js';
import { acceptDate, COMING_YEAR, datePrompt } from './shared/dates.js';

export const PLAN_MEETING = 'planMeeting';
export const Confirm = { Plan: 'plan', ChangeDate: 'change-date', ChangePlace: 'change-place', Cancel: 'dont-plan' } as const;

function askDate(_turn: DialogTurn) {
  return ask(datePrompt('liaison:meetings.datePrompt', { quickChoices: false }));
}

/** A date within the coming year, with no platform meeting on it yet. */
function checkDate(turn: DialogTurn) {
  const accepted = acceptDate(turn, COMING_YEAR, askDate);
  if (accepted.type !== 'next') return accepted;
  return alreadyPlanned(turn, String(turn.values.date)) ? goto(askDate) : next();
}

/** Says so when a platform meeting is planned on that day already. */
function alreadyPlanned(turn: DialogTurn, date: string): boolean {
  const existing = turn.services.protocol.meetings().upcoming.find((m) => m.date === date);
  if (!existing) return false;
  turn.say({ kind: 'text', text: turn.t('liaison:meetings.alreadyPlanned', { date: formatDate(date, turn.lang), place: meetingPlace(existing.place, turn.lang) }) });
  return true;
}

/** Where; skipped when only the date is being changed. */
function askPlace(turn: DialogTurn) {
  if (typeof turn.values.place === 'string') return next();
  // A venue is not about a pupil: an address is expected here, so no identifying-text check.
  return ask(textPrompt(key('liaison:meetings.placePrompt'), 120));
}

/**
 * Before a meeting for every school goes into everyone's plans: the date in full, with its weekday
 * and year (a "3/11" typed in late November is next year's), and the place, to plan, correct or drop.
 */
function confirmMeeting(turn: DialogTurn) {
  if (turn.answer !== undefined) turn.values.place = String(turn.answer);
  const date = String(turn.values.date);
  const summary = {
    date: turn.inEveryLanguage((_t, lang) => formatDate(date, lang, { weekday: true })),
    place: String(turn.values.place),
  };
  return ask(
    choicePrompt(key('liaison:meetings.confirmPrompt', summary), [
      { value: Confirm.Plan, label: key('liaison:meetings.plan'), also: 'common:yesWords' },
      { value: Confirm.ChangeDate, label: key('liaison:meetings.changeDate') },
      { value: Confirm.ChangePlace, label: key('liaison:meetings.changePlace') },
      { value: Confirm.Cancel, label: key('liaison:meetings.dontPlan'), also: 'common:noWords' },
    ]),
  );
}

function save(turn: DialogTurn) {
  switch (turn.answer) {
    case Confirm.ChangeDate:
      delete turn.values.date;
      return goto(askDate);
    case Confirm.ChangePlace:
      delete turn.values.place;
      return goto(askPlace);
    case Confirm.Plan:
      break;
    default:
      turn.say({ kind: 'text', text: turn.t('liaison:meetings.notPlanned') });
      return end();
  }
  const date = String(turn.values.date);
  const place = String(turn.values.place);
  // Checked again: a colleague may have planned the same day meanwhile.
  if (alreadyPlanned(turn, date)) {
    delete turn.values.date;
    return goto(askDate);
  }
  turn.services.protocol.planMeeting({ date, place, plannedBy: turn.user.personId! });
  turn.values[SAVED] = true;
  const weeks = turn.directory.data.intervals.platformMeetingReminderWeeks;
  turn.say({
    kind: 'text',
    text: [turn.t('liaison:meetings.planned', { date: formatDate(date, turn.lang), place }), turn.t('liaison:meetings.plannedNext', { count: weeks })].join('\n'),
  });
  return end();
}

/** Plans a platform meeting for all schools (the paper asks for two a year). */
export const planMeetingDialog = defineDialog({
  id: PLAN_MEETING,
  roles: ['liaison', 'coordinator'],
  // Started from the protocol status, not the menu: named by its button's label when left half-way.
  title: 'menu:planMeeting',
  whenLeft: 'liaison:meetings.leftNotPlanned',
  steps: [askDate, checkDate, askPlace, confirmMeeting, save],
});
