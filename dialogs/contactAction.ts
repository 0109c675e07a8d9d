import { ask, choicePrompt, defineDialog, end, key, replace, type DialogTurn } from '../src/core/dialog.js';
import { formatDate } from '../src/core/dates.js';
import { LOG_CONTACT } from './logContact.js';

export const CONTACT_ACTION = 'contactAction';
export const CONTACT_PAYLOAD = 'contact:';
const Confirm = { Delete: 'confirm-delete', Keep: 'keep' } as const;

/** Edit / Delete buttons on a logged contact: only its author, only within the edit window. */
export const contactActionDialog = defineDialog({
  id: CONTACT_ACTION,
  payloadPrefix: CONTACT_PAYLOAD,
  roles: ['liaison', 'coordinator'],
  // Left at "Delete this contact?": it is still there.
  title: 'liaison:deleteTitle',
  whenLeft: 'liaison:leftNotDeleted',
  steps: [
    function checkAction(turn: DialogTurn) {
      const match = /^contact:(edit|delete):(.+)$/.exec(String(turn.args.payload));
      const result = match ? turn.services.contacts.check(match[2]!, turn.user.personId) : 'not-found';
      if (!match || result !== 'ok') {
        turn.say({ kind: 'text', text: turn.t(`liaison:change.${result === 'ok' ? 'not-found' : result}`, { count: turn.directory.data.intervals.contactEditDays }) });
        return end(null, { showMenu: false });
      }
      turn.values.id = match[2]!;
      if (match[1] === 'edit') return replace(LOG_CONTACT, { editId: match[2]! });
      // Named, since the Delete button may have been pressed in a list of several contacts. (A new key:
      // questions stored before it, as `liaison:confirmDelete` without parameters, are shown again as they were.)
      const contact = turn.services.contacts.get(match[2]!)!;
      const named = {
        school: turn.directory.school(contact.schoolId)?.name ?? contact.schoolId,
        kind: turn.inEveryLanguage((t) => t(`liaison:kind.${contact.kind}`)),
        date: turn.inEveryLanguage((_t, lang) => formatDate(contact.date, lang)),
      };
      return ask(
        choicePrompt(key('liaison:confirmDeleteNamed', named), [
          { value: Confirm.Delete, label: key('liaison:delete'), also: 'common:yesWords' },
          { value: Confirm.Keep, label: key('liaison:keep'), also: 'common:noWords' },
        ]),
      );
    },
    function deleteContact(turn: DialogTurn) {
      if (turn.answer !== Confirm.Delete) {
        turn.say({ kind: 'text', text: turn.t('liaison:keptContact') });
        return end();
      }
      const result = turn.services.contacts.remove(String(turn.values.id), turn.user.personId);
      if (result === 'ok' && turn.user.personId) turn.services.audit.record(turn.user.personId, 'contacts.delete', String(turn.values.id));
      turn.say({ kind: 'text', text: turn.t(result === 'ok' ? 'liaison:deleted' : `liaison:change.${result}`, { count: turn.directory.data.intervals.contactEditDays }) });
      return end();
    },
  ],
});
