import { CALLBACK_PAYLOAD, type CallbackAction } from '../src/core/callbacks.js';
import { defineDialog, end, type DialogTurn } from '../src/core/dialog.js';

export const CALLBACK_ACTION = 'callbackAction';

/**
 * The Acknowledge / Done buttons on call-back notifications and lists. Acknowledging (or closing an
 * open request at once) tells the teacher, on their own channel, who picked it up.
 */
export const callbackActionDialog = defineDialog({
  id: CALLBACK_ACTION,
  payloadPrefix: CALLBACK_PAYLOAD,
  interrupts: true,
  roles: ['liaison', 'coordinator'],
  steps: [
    function applyAction(turn: DialogTurn) {
      const match = /^callback:(ack|done):(.+)$/.exec(String(turn.args.payload));
      const { callbacks } = turn.services;
      if (!match || !turn.user.personId) {
        turn.say({ kind: 'text', text: turn.t('callback:notFound') });
        return end(null, { showMenu: false });
      }
      const [, action, id] = match as unknown as [string, CallbackAction, string];
      const { result, firstResponse } = callbacks.change(id, action, turn.user.personId, turn.user.role);
      const request = callbacks.get(id);
      if (result === 'ok' && request) {
        if (firstResponse) turn.afterCommit(() => callbacks.notifyRequesterAcknowledged(id));
        const school = turn.directory.school(request.schoolId ?? undefined)?.name ?? turn.t('callback:unlistedSchool');
        turn.say({
          kind: 'text',
          text: turn.t(action === 'ack' ? 'callback:ackConfirmed' : 'callback:doneConfirmed', { name: request.requesterName, school }),
        });
      } else {
        const key = { 'not-found': 'callback:notFound', 'not-allowed': 'common:notAllowed', already: 'callback:alreadyHandled', ok: 'callback:notFound' }[result];
        turn.say({ kind: 'text', text: turn.t(key) });
      }
      return end(null, { showMenu: false });
    },
  ],
});
