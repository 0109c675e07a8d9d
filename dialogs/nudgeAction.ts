import { defineDialog, end, type DialogTurn } from '../src/core/dialog.js';
import { formatDate } from '../src/core/dates.js';
import { SNOOZE_PAYLOAD } from '../src/nudges/planners.js';

export const NUDGE_ACTION = 'nudgeAction';

/** "Snooze 7 days" (or the officer's longer interval) on the keep-in-touch nudge (its other button, Log contact, opens that dialog). */
export const nudgeActionDialog = defineDialog({
  id: NUDGE_ACTION,
  payloadPrefix: 'nudge:',
  interrupts: true,
  roles: ['liaison', 'coordinator'],
  steps: [
    function snooze(turn: DialogTurn) {
      if (turn.args.payload !== SNOOZE_PAYLOAD || !turn.user.personId) return end(null, { showMenu: false });
      const until = turn.services.nudges.snoozeKeepInTouch(turn.user.personId);
      turn.say({ kind: 'text', text: turn.t('nudges:snoozed', { date: formatDate(until, turn.lang) }) });
      return end(null, { showMenu: false });
    },
  ],
});
