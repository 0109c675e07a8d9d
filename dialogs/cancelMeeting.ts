import { ask, choicePrompt, defineDialog, end, key, literal, type DialogTurn } from '../src/core/dialog.js';
import { formatDate } from '../src/core/dates.js';

export const CANCEL_MEETING = 'cancelMeeting';
const MEETING = 'meeting:';
const KEEP = 'keep';

/**
 * Cancels a platform meeting planned in the chat: a wrong date would otherwise be reminded to
 * everyone and count towards the two a year. Meetings in the directory are changed in the directory.
 */
function askWhich(turn: DialogTurn) {
  const meetings = turn.services.protocol.cancellableMeetings();
  if (meetings.length === 0) {
    turn.say({ kind: 'text', text: turn.t('liaison:meetings.noneToCancel') });
    return end();
  }
  return ask(
    // A meeting for every school is cancelled at once: by its button or its whole line, never "1".
    choicePrompt(
      key('liaison:meetings.cancelPrompt'),
      [
        ...meetings.map((m) => ({ value: `${MEETING}${m.id}`, label: literal(turn.inEveryLanguage((t, lang) => t('common:labelled', { label: formatDate(m.date, lang), value: m.place }))) })),
        { value: KEEP, label: key('liaison:meetings.keepAll'), also: 'common:noWords' },
      ],
      { strict: true },
    ),
  );
}

function cancel(turn: DialogTurn) {
  const answer = String(turn.answer);
  if (!answer.startsWith(MEETING)) {
    turn.say({ kind: 'text', text: turn.t('liaison:meetings.nothingCancelled') });
    return end();
  }
  const meeting = turn.services.protocol.cancelMeeting(answer.slice(MEETING.length));
  if (!meeting) {
    turn.say({ kind: 'text', text: turn.t('liaison:meetings.noneToCancel') });
    return end();
  }
  turn.say({ kind: 'text', text: turn.t('liaison:meetings.cancelled', { date: formatDate(meeting.date, turn.lang), place: meeting.place }) });
  return end();
}

export const cancelMeetingDialog = defineDialog({
  id: CANCEL_MEETING,
  roles: ['liaison', 'coordinator'],
  // Started from the protocol status: named by its button's label when left half-way.
  title: 'menu:cancelMeeting',
  whenLeft: 'liaison:meetings.leftNotCancelled',
  steps: [askWhich, cancel],
});
