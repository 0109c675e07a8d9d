import { actionChoices, howToReach, teacherLanguage } from '../src/core/callbacks.js';
import { formatDate, localDate } from '../src/core/dates.js';
import { defineDialog, end, type DialogTurn } from '../src/core/dialog.js';

export const CALLBACK_LIST = 'callbackList';

/** Open call-back requests for a liaison officer (their own and their backups'); a coordinator sees all. */
export const callbackListDialog = defineDialog({
  id: CALLBACK_LIST,
  roles: ['liaison', 'coordinator'],
  menu: { label: 'menu:callbackList', order: 30 },
  steps: [
    function listRequests(turn: DialogTurn) {
      const { callbacks } = turn.services;
      const requests = turn.user.personId ? callbacks.visibleTo(turn.user.personId, turn.user.role) : [];
      if (turn.user.personId) turn.services.audit.record(turn.user.personId, 'callbacks.read', String(requests.length));
      if (requests.length === 0) {
        turn.say({ kind: 'text', text: turn.t('callback:noneOpen') });
        return end();
      }
      turn.say({ kind: 'text', text: turn.t('callback:listTitle', { count: requests.length }) });
      for (const r of requests) {
        const lines = [
          callbacks.headline(r, turn.t),
          ...teacherLanguage(r, turn),
          ...howToReach(r, turn.t),
          // The day as people in the municipality saw it (00:30 in Brussels is the day before in UTC).
          turn.t('callback:requestedOn', { date: formatDate(localDate(new Date(r.createdAt), turn.directory.data.timeZone), turn.lang) }),
        ];
        turn.say({ kind: 'choices', text: lines.join('\n'), choices: actionChoices(r, turn.t) });
      }
      return end(null, { showMenu: false });
    },
  ],
});
