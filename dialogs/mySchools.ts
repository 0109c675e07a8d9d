import { defineDialog, end, type DialogTurn } from '../src/core/dialog.js';
import { LOG_CONTACT_PAYLOAD, LOG_CONTACT_BUTTONS } from '../src/core/contacts.js';
import { lastContactText } from '../src/core/schoolsOverview.js';

export const MY_SCHOOLS = 'mySchools';

/** Each school with its last contact, days since and an overdue mark, most overdue first. */
export const mySchoolsDialog = defineDialog({
  id: MY_SCHOOLS,
  roles: ['liaison', 'coordinator'],
  menu: { label: 'menu:mySchools', order: 35 },
  steps: [
    function listSchools(turn: DialogTurn) {
      const rows = turn.services.contacts.overview({ personId: turn.user.personId, role: turn.user.role });
      if (turn.user.personId) turn.services.audit.record(turn.user.personId, 'schools.read', String(rows.length));
      if (rows.length === 0) {
        turn.say({ kind: 'text', text: turn.t('liaison:noSchools') });
        return end();
      }
      const coordinator = turn.user.role === 'coordinator';
      const lines = rows.map((r) => {
        const mark = r.overdue ? '⚠ ' : '✓ ';
        const last = lastContactText(r, turn.t, turn.lang);
        const interval = turn.t('liaison:interval', { count: r.intervalDays });
        const overdue = r.overdue && r.overdueBy !== undefined ? ` ${turn.t('liaison:overdueBy', { count: r.overdueBy })}` : '';
        return `${mark}${turn.t('liaison:schoolLine', { school: coordinator ? `${r.schoolName} (${r.liaisonName})` : r.schoolName, last, interval })}${overdue}`;
      });
      const overdueCount = rows.filter((r) => r.overdue).length;
      // A coordinator sees every school, not schools of their own.
      const text = [turn.t(coordinator ? 'liaison:schoolsTitleAll' : 'liaison:schoolsTitle', { count: overdueCount }), ...lines].join('\n');
      // The most overdue schools, one click each to log a contact with them.
      const overdue = rows.filter((r) => r.overdue).slice(0, LOG_CONTACT_BUTTONS);
      if (overdue.length === 0) turn.say({ kind: 'text', text });
      else turn.say({ kind: 'choices', text, choices: overdue.map((r) => ({ value: `${LOG_CONTACT_PAYLOAD}${r.schoolId}`, label: turn.t('nudges:logContactWith', { school: r.schoolName }) })) });
      // The menu follows, as after every answer; the school buttons above stay usable.
      return end();
    },
  ],
});
