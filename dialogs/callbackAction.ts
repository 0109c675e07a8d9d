import { CALLBACK_PAYLOAD, isLastingAddress, type CallbackAction } from '../src/core/callbacks.js';
import { ask, choicePrompt, defineDialog, end, literal, key, type DialogTurn } from '../src/core/dialog.js';
import type { ConversationAddress } from '../src/store/schema.js';

export const CALLBACK_ACTION = 'callbackAction';
const TO = 'to:';

// Only officers get here (a personId): a refusal means the request is someone else's, not that officers may not.
const refusals = { 'not-found': 'callback:notFound', 'not-allowed': 'callback:notYours', already: 'callback:alreadyHandled', ok: 'callback:notFound' } as const;

/**
 * The Acknowledge / Done / Reassign buttons on call-back notifications and lists. Acknowledging (or
 * closing an open request at once) tells the teacher, on their own channel, who picked it up;
 * reassigning notifies the colleague.
 */
function applyAction(turn: DialogTurn) {
  const match = /^callback:(ack|done|reassign):(.+)$/.exec(String(turn.args.payload));
  const { callbacks } = turn.services;
  const request = match ? callbacks.get(match[2]!) : undefined;
  if (!match || !request || !turn.user.personId) {
    turn.say({ kind: 'text', text: turn.t('callback:notFound') });
    return end(null, { showMenu: false });
  }
  const action = match[1] as CallbackAction;
  turn.values.id = request.id;
  if (action === 'reassign') {
    if (!callbacks.mayAct(request, turn.user.personId, turn.user.role)) {
      turn.say({ kind: 'text', text: turn.t('callback:notYours') });
      return end(null, { showMenu: false });
    }
    return ask(
      choicePrompt(
        key('callback:reassignPrompt'),
        callbacks.colleaguesFor(request).map((p) => ({ value: `${TO}${p.id}`, label: literal(p.name) })),
      ),
    );
  }
  const { result, firstResponse } = callbacks.change(request.id, action, turn.user.personId, turn.user.role);
  if (result === 'ok') {
    if (firstResponse) turn.afterCommit(() => callbacks.notifyRequesterAcknowledged(request.id));
    const school = callbacks.schoolName(request.schoolId, turn.t);
    turn.say({ kind: 'text', text: turn.t(confirmation(action, request.requesterAddress), { name: request.requesterName, school }) });
  } else {
    turn.say({ kind: 'text', text: turn.t(refusals[result]) });
  }
  return end(null, { showMenu: false });
}

/**
 * What the officer is told: that the teacher will hear of the acknowledgement only when that can be
 * kept; a teacher who asked in the web chat hears of it only if that chat is still open.
 */
function confirmation(action: 'ack' | 'done', requesterAddress: ConversationAddress | undefined): string {
  if (action === 'done') return 'callback:doneConfirmed';
  return isLastingAddress(requesterAddress) ? 'callback:ackConfirmed' : 'callback:ackConfirmedWeb';
}

function reassignTo(turn: DialogTurn) {
  const { callbacks } = turn.services;
  const id = String(turn.values.id);
  const to = String(turn.answer).slice(TO.length);
  const result = callbacks.reassign(id, to, turn.user.personId!, turn.user.role);
  if (result !== 'ok') {
    turn.say({ kind: 'text', text: turn.t(refusals[result]) });
    return end(null, { showMenu: false });
  }
  turn.afterCommit(() => callbacks.notifyAssignee(id));
  turn.say({ kind: 'text', text: turn.t('callback:reassigned', { name: turn.directory.person(to)?.name ?? to }) });
  return end(null, { showMenu: false });
}

export const callbackActionDialog = defineDialog({
  id: CALLBACK_ACTION,
  payloadPrefix: CALLBACK_PAYLOAD,
  interrupts: true,
  roles: ['liaison', 'coordinator'],
  steps: [applyAction, reassignTo],
});
