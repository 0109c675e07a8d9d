import { ask, defineDialog, end, goto, key, next, textPrompt, type DialogTurn } from '../src/core/dialog.js';
import { formatDate } from '../src/core/dates.js';
import { meetingPlace } from '../src/core/protocolStatus.js';
import { acceptDate, COMING_YEAR, datePrompt } from './shared/dates.js';

export const PLAN_MEETING = 'planMeeting';

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

function askPlace(_turn: DialogTurn) {
  // A venue is not about a pupil: an address is expected here, so no identifying-text check.
  return ask(textPrompt(key('liaison:meetings.placePrompt'), 120));
}

function save(turn: DialogTurn) {
  // Checked again: a colleague may have planned the same day while this one typed the place.
  if (alreadyPlanned(turn, String(turn.values.date))) return goto(askDate);
  turn.services.protocol.planMeeting({ date: String(turn.values.date), place: String(turn.answer), plannedBy: turn.user.personId! });
  turn.say({ kind: 'text', text: turn.t('liaison:meetings.planned', { date: formatDate(String(turn.values.date), turn.lang), place: String(turn.answer) }) });
  return end();
}

/** Plans a platform meeting for all schools (the paper asks for two a year). */
export const planMeetingDialog = defineDialog({
  id: PLAN_MEETING,
  roles: ['liaison', 'coordinator'],
  steps: [askDate, checkDate, askPlace, save],
});
