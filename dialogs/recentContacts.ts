import { defineDialog, end, type DialogTurn } from '../src/core/dialog.js';
import { formatDate } from '../src/core/dates.js';
import { CONTACT_PAYLOAD } from './contactAction.js';

export const RECENT_CONTACTS = 'recentContacts';

/** The contacts a liaison officer logged that they can still correct or delete. */
export const recentContactsDialog = defineDialog({
  id: RECENT_CONTACTS,
  roles: ['liaison', 'coordinator'],
  menu: { label: 'menu:recentContacts', order: 45 },
  steps: [
    function listRecent(turn: DialogTurn) {
      const contacts = turn.user.personId ? turn.services.contacts.editableBy(turn.user.personId) : [];
      if (contacts.length === 0) {
        turn.say({ kind: 'text', text: turn.t('liaison:noRecent', { count: turn.directory.data.intervals.contactEditDays }) });
        return end();
      }
      turn.say({ kind: 'text', text: turn.t('liaison:recentTitle', { count: turn.directory.data.intervals.contactEditDays }) });
      for (const c of contacts) {
        const tags = c.tags.map((t) => turn.t(`liaison:tag.${t}`)).join(', ');
        turn.say({
          kind: 'choices',
          text: turn.t('common:labelled', { label: formatDate(c.date, turn.lang), value: `${turn.directory.school(c.schoolId)?.name ?? c.schoolId}, ${turn.t(`liaison:kind.${c.kind}`)}${tags ? ` (${tags})` : ''}` }),
          choices: [
            { label: turn.t('liaison:edit'), value: `${CONTACT_PAYLOAD}edit:${c.id}` },
            { label: turn.t('liaison:delete'), value: `${CONTACT_PAYLOAD}delete:${c.id}` },
          ],
        });
      }
      return end(null, { showMenu: false });
    },
  ],
});
