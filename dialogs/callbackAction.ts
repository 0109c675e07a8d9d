import { CALLBACK_PAYLOAD, howToReach, isLastingAddress, teacherLanguage, type CallbackAction } from '../src/core/callbacks.js';
import { ask, choicePrompt, defineDialog, end, goto, literal, key, SAVED, textPrompt, type DialogTurn } from '../src/core/dialog.js';
import { formatDate, localDate } from '../src/core/dates.js';
import { normalize } from '../src/core/text.js';
import type { CallbackRequest, ContactLog, ConversationAddress } from '../src/store/schema.js';

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
  // Asked again after a name was typed: the colleagues it matched (or, for the assignee's own name, the first choice).
  if (Array.isArray(turn.values.matches)) return askColleague(turn, turn.values.matches as string[]);
  if (turn.values.askAgain === true) return askColleague(turn);
  const match = /^callback:(ack|done|reassign):(.+)$/.exec(String(turn.args.payload));
  const { callbacks } = turn.services;
  const request = match ? callbacks.get(match[2]!) : undefined;
  if (!match || !request || !turn.user.personId) {
    turn.say({ kind: 'text', text: turn.t('callback:notFound') });
    return end(null, { showMenu: false });
  }
  const action = match[1] as CallbackAction;
  turn.values.id = request.id;
  turn.values.action = action;
  if (action === 'reassign') {
    if (!callbacks.mayAct(request, turn.user.personId, turn.user.role)) {
      turn.say({ kind: 'text', text: turn.t('callback:notYours') });
      return end(null, { showMenu: false });
    }
    return askColleague(turn);
  }
  const { result, firstResponse } = callbacks.change(request.id, action, turn.user.personId, turn.user.role);
  if (result === 'ok') {
    turn.services.audit.record(turn.user.personId, `callbacks.${action}`, request.id);
    if (firstResponse) turn.afterCommit(() => callbacks.notifyRequesterAcknowledged(request.id));
    const school = callbacks.schoolName(request.schoolId, turn.t);
    const confirmed = turn.t(confirmation(action, request.requesterAddress), { name: request.requesterName, school });
    // Acknowledged means "I will call back": how and when to, right there (the notice itself is minimal).
    const reach = action === 'ack' ? [...teacherLanguage(request, turn), ...howToReach(request, turn.t)] : [];
    turn.say({ kind: 'text', text: [confirmed, ...reach].join('\n') });
    // Calling a teacher back is contact with their school: offered as a log entry, so that the school
    // does not stay "overdue" (and keep-in-touch nudges do not come) just after the call.
    if (action === 'done' && request.schoolId && turn.directory.school(request.schoolId)) {
      // The request is closed: leaving the question unanswered loses nothing.
      turn.values[SAVED] = true;
      turn.values.schoolId = request.schoolId;
      turn.values.kind = CONTACT_KIND_FOR_WAY[request.way];
      return ask(
        choicePrompt(key('callback:logAsContact', { school, kind: turn.inEveryLanguage((t) => t(`liaison:kind.${CONTACT_KIND_FOR_WAY[request.way]}`)) }), [
          { value: LOG_IT, label: key('callback:logIt'), also: 'common:yesWords' },
          { value: NO_LOG, label: key('callback:noLog'), also: 'common:noWords' },
        ]),
      );
    }
  } else {
    turn.say({ kind: 'text', text: turn.t(refusals[result]) });
  }
  return end(null, { showMenu: false });
}

/** How a call-back happened, as the kind of contact it was. */
const CONTACT_KIND_FOR_WAY: Record<CallbackRequest['way'], ContactLog['kind']> = { phone: 'call', email: 'email', chat: 'other' };
const LOG_IT = 'log-it';
const NO_LOG = 'no-log';

/** The answer to the question the first step asked: a colleague to reassign to, or whether to log the call-back. */
function answer(turn: DialogTurn) {
  return turn.values.action === 'reassign' ? reassignTo(turn) : logCallback(turn);
}

/** Logs the call-back as today's contact with the school, authored by the officer, editable like any other. */
function logCallback(turn: DialogTurn) {
  if (turn.answer !== LOG_IT) return end(null, { showMenu: false });
  const schoolId = String(turn.values.schoolId);
  const kind = turn.values.kind as ContactLog['kind'];
  const date = localDate(turn.now, turn.directory.data.timeZone);
  turn.services.contacts.log({ authorId: turn.user.personId!, schoolId, kind, date, tags: [] });
  const params = { school: turn.directory.school(schoolId)?.name ?? schoolId, kind: turn.t(`liaison:kind.${kind}`), date: formatDate(date, turn.lang) };
  turn.say({ kind: 'text', text: `${turn.t('liaison:logged', params)} ${turn.t('callback:loggedEditable', { item: turn.t('menu:recentContacts') })}` });
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

/** At most this many colleagues as buttons; anyone else is found by typing part of their name. */
export const COLLEAGUE_BUTTONS = 10;

/**
 * To whom: the likeliest colleagues as buttons (all of them in a small directory), and, when there
 * are more, their names typed; `matches` are the ids a typed name found.
 */
function askColleague(turn: DialogTurn, matches?: string[]) {
  const { callbacks } = turn.services;
  const request = callbacks.get(String(turn.values.id));
  if (!request) return end(null, { showMenu: false });
  const all = callbacks.colleaguesFor(request);
  // Nothing found: the likeliest again, beside the message saying so.
  const offered = matches?.length ? all.filter((p) => matches.includes(p.id)) : all;
  const buttons = offered.slice(0, COLLEAGUE_BUTTONS).map((p) => ({ value: `${TO}${p.id}`, label: literal(p.name) }));
  // A name may be typed even when every colleague has a button: it is an answer here, not a message
  // to check for identifying text (which told officers typing "Jonas" that it was not kept).
  const question = all.length <= COLLEAGUE_BUTTONS ? key('callback:reassignPrompt') : key('callback:reassignPromptMore');
  const text = !matches ? question : matches.length === 0 ? key('callback:noColleague') : key('callback:colleaguesFound', { count: matches.length });
  return ask(textPrompt(text, 80, 'none', buttons));
}

function reassignTo(turn: DialogTurn) {
  const { callbacks } = turn.services;
  const id = String(turn.values.id);
  const answer = String(turn.answer);
  if (!answer.startsWith(TO)) {
    // A name typed: a colleague's whole name is the answer; otherwise the ones found are offered,
    // even one ("Mar" finds Marieke when Marc was meant).
    const request = callbacks.get(id);
    const found = request ? callbacks.colleaguesFor(request, answer) : [];
    const whole = found.filter((p) => normalize(p.name) === normalize(answer));
    if (whole.length === 1) return handTo(turn, id, whole[0]!.id);
    const assignee = request && turn.directory.person(request.assigneeId);
    if (found.length === 0 && assignee && callbacks.colleaguesFor({ ...request, assigneeId: '' }, answer).some((p) => p.id === assignee.id)) {
      turn.say({ kind: 'text', text: turn.t('callback:alreadyTheirs', { name: assignee.name }) });
      // Asked again as at first, without "no colleague has that name" after it.
      delete turn.values.matches;
      turn.values.askAgain = true;
      return goto(applyAction);
    }
    turn.values.matches = found.map((p) => p.id);
    return goto(applyAction);
  }
  return handTo(turn, id, answer.slice(TO.length));
}

function handTo(turn: DialogTurn, id: string, to: string) {
  const { callbacks } = turn.services;
  const result = callbacks.reassign(id, to, turn.user.personId!, turn.user.role);
  if (result !== 'ok') {
    turn.say({ kind: 'text', text: turn.t(refusals[result]) });
    return end(null, { showMenu: false });
  }
  turn.services.audit.record(turn.user.personId!, 'callbacks.reassign', `${id} to ${to}`);
  turn.afterCommit(() => callbacks.notifyAssignee(id));
  turn.say({ kind: 'text', text: turn.t('callback:reassigned', { name: turn.directory.person(to)?.name ?? to }) });
  return end(null, { showMenu: false });
}

export const callbackActionDialog = defineDialog({
  id: CALLBACK_ACTION,
  payloadPrefix: CALLBACK_PAYLOAD,
  interrupts: true,
  roles: ['liaison', 'coordinator'],
  steps: [applyAction, answer],
});
