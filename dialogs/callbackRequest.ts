import { escalationOf, handlerOf, isLastingAddress, MAX_WAITING_PER_REQUESTER } from '../src/core/callbacks.js';
import { ask, choicePrompt, defineDialog, end, goto, key, next, textPrompt, type DialogTurn } from '../src/core/dialog.js';
import { CALLBACK_URGENCIES, CALLBACK_WINDOWS, type CallbackRequest, type JsonValue } from '../src/store/schema.js';
import { textChecks } from '../src/core/textChecks.js';
import { pickSchool } from './pickSchool.js';
import { KEEP, KEEP_ALL, withKeep } from './shared/corrections.js';
import { rememberSchool } from './shared/schools.js';

export const CALLBACK_REQUEST = 'callbackRequest';
const SKIP = 'skip';
const Confirm = { Send: 'send', Change: 'change', Cancel: 'cancel' } as const;
/** What the summary lets a teacher correct, each asked again with its own question. */
export const CHANGEABLE = ['name', 'contact', 'way', 'window', 'urgency', 'school', 'note'] as const;
type Changeable = (typeof CHANGEABLE)[number];

const isChangeable = (answer: unknown): answer is Changeable => CHANGEABLE.includes(answer as Changeable);
export const NOTE_MAX_LENGTH = 280;

/**
 * How a teacher may ask to be contacted: by phone or by e-mail, on every channel. Not "here in the
 * chat" (the store's 'chat', kept for requests made before): nothing lets a liaison officer write to
 * a teacher through the assistant; a web chat is deleted after WEB_CONVERSATION_IDLE_MINUTES idle;
 * and on Slack or Teams the officer's notification has no identity they could use to find the teacher
 * (a Slack `<@U…>` mention is escaped as text by the renderer; Teams gives an Entra object id, not an
 * address a person can write to).
 */
export const OFFERED_WAYS = ['phone', 'email'] as const;
type OfferedWay = (typeof OFFERED_WAYS)[number];
const isOfferedWay = (answer: unknown): answer is OfferedWay => OFFERED_WAYS.includes(answer as OfferedWay);

/**
 * Who a request for this school goes to, named with their role, for a question that is stored (the
 * role in every language): the school's liaison officer, or for a school not in the directory the
 * prevention coordinator, whom the request really reaches.
 */
export function handlerNamed(turn: DialogTurn, schoolId: string | null): Record<string, JsonValue> | undefined {
  const handler = turn.directory.person(turn.services.callbacks.assigneeFor(schoolId));
  if (!handler) return undefined;
  return { name: handler.name, role: turn.inEveryLanguage((t) => t(`callback:handlerRole.${handler.role}`)) };
}

/* The questions, each asked in the form's order and again when the teacher corrects its answer. */
const urgencyPrompt = () => choicePrompt(key('callback:urgencyPrompt'), CALLBACK_URGENCIES.map((u) => ({ value: u, label: key(`callback:urgency.${u}`) })));
/** A number or an address typed here, too early, is answered with what comes next, not "not understood". */
const wayPrompt = () =>
  choicePrompt(
    key('callback:wayPrompt'),
    OFFERED_WAYS.map((w) => ({ value: w, label: key(`callback:way.${w}`) })),
    { notUnderstood: key('callback:wayFirst') },
  );
const windowPrompt = () => choicePrompt(key('callback:windowPrompt'), CALLBACK_WINDOWS.map((w) => ({ value: w, label: key(`callback:window.${w}`) })));
const namePrompt = () => textPrompt(key('callback:namePrompt'), 80, 'personName');
const contactPrompt = (way: JsonValue | undefined) =>
  way === 'phone' ? textPrompt(key('callback:phonePrompt'), 40, 'phone') : textPrompt(key('callback:emailPrompt'), 120, 'email');
/** Optional; a correction offers "no note" where the form offers "skip". */
const notePrompt = (skipLabel: string) =>
  textPrompt(key('callback:notePrompt', { max: NOTE_MAX_LENGTH }), NOTE_MAX_LENGTH, 'noPersonalData', [{ value: SKIP, label: key(skipLabel) }]);
const schoolQuestion = () => pickSchool({ question: 'concern:schoolPrompt', notListed: true, prefer: 'remembered' });

/** How: phone or e-mail. */
function askWay(turn: DialogTurn) {
  // Also reached again from askWindow, without an answer: the urgency is kept then.
  if (turn.answer !== undefined) turn.values.urgency = turn.answer;
  return ask(wayPrompt());
}

/** The teacher's own name: the liaison officer must know whom to call. Asked again (without an answer) when refused. */
function askName(turn: DialogTurn) {
  if (turn.answer !== undefined) turn.values.window = turn.answer;
  return ask(namePrompt());
}

/** When; a way that is no longer offered is asked again. */
function askWindow(turn: DialogTurn) {
  // A question stored before "here in the chat" was withdrawn may still have offered it.
  if (!isOfferedWay(turn.answer)) {
    turn.say({ kind: 'text', text: turn.t('callback:wayWithdrawn') });
    return goto(askWay);
  }
  turn.values.way = turn.answer;
  return ask(windowPrompt());
}

/**
 * "Ask the liaison officer to contact me": how urgent, how (phone or e-mail) and when, the teacher's
 * own name and contact, an optional short note (checked for identifying text), a summary, then the
 * request. Nothing about the pupil is asked or stored.
 */
export const callbackRequestDialog = defineDialog({
  id: CALLBACK_REQUEST,
  // Teachers ask their liaison officer; officers have no officer of their own to ask.
  roles: ['teacher'],
  menu: { label: 'menu:callback', order: 20 },
  intent: 'commands:intents.callback',
  // What matters to a teacher who leaves it half-way: the officer was not asked.
  whenLeft: 'callback:leftNotSent',
  // "cancel" while correcting one answer drops the correction, not the whole request.
  cancelTo: (values) => ('changing' in values ? confirmRequest : undefined),
  steps: [
    /** The school comes from the worried-teacher dialog, or is asked here. */
    function askSchool(turn: DialogTurn) {
      if (tooManyWaiting(turn)) return end(null);
      if ('schoolId' in turn.args) {
        turn.values.schoolId = turn.args.schoolId ?? null;
        return next();
      }
      return schoolQuestion();
    },
    function askUrgency(turn: DialogTurn) {
      if (!('schoolId' in turn.values)) turn.values.schoolId = rememberSchool(turn);
      return ask(urgencyPrompt());
    },
    askWay,
    askWindow,
    askName,
    /** The phone number or e-mail address the teacher wants to be reached at. */
    function askContact(turn: DialogTurn) {
      // A question stored before the name was checked (its prompt says 'none') is checked here.
      if (turn.answer !== undefined && textChecks.personName(String(turn.answer), turn.lang, { directory: turn.directory })) {
        turn.say({ kind: 'text', text: turn.t('callback:invalidName') });
        return goto(askName);
      }
      turn.values.name = turn.answer ?? null;
      return ask(contactPrompt(turn.values.way));
    },
    /** Optional, short, warned about, and refused when it looks like it identifies someone. */
    function askNote(turn: DialogTurn) {
      turn.values.contact = turn.answer ?? null;
      return ask(notePrompt('callback:skipNote'));
    },
    confirmRequest,
    /** Stores the request, then (once stored) notifies the liaison officer. */
    function submit(turn: DialogTurn) {
      if (turn.answer === Confirm.Change) return goto(askWhatToChange);
      if (turn.answer !== Confirm.Send) {
        turn.say({ kind: 'text', text: turn.t('callback:notSent') });
        return end(null);
      }
      // Checked again: another conversation of the same user may have sent one meanwhile.
      if (tooManyWaiting(turn)) return end(null);
      const v = turn.values;
      const request = turn.services.callbacks.create(
        {
          schoolId: typeof v.schoolId === 'string' ? v.schoolId : null,
          urgency: v.urgency as (typeof CALLBACK_URGENCIES)[number],
          way: v.way as OfferedWay,
          window: v.window as (typeof CALLBACK_WINDOWS)[number],
          requesterName: String(v.name),
          ...(typeof v.contact === 'string' ? { requesterContact: v.contact } : {}),
          ...(typeof v.note === 'string' ? { note: v.note } : {}),
        },
        { key: turn.user.key, address: turn.address, language: turn.lang },
      );
      turn.afterCommit(() => turn.services.callbacks.notifyAssignee(request.id));
      const assignee = turn.directory.person(request.assigneeId);
      // The teacher hears of the acknowledgement where they are now: on Slack or Teams that lasts; a
      // web chat may be gone by then, so it is promised only "if this chat is still open".
      const sent = isLastingAddress(turn.address) ? 'callback:sent' : 'callback:sentWeb';
      turn.say({ kind: 'text', text: [turn.t(sent, { name: assignee?.name ?? '' }), ...whatHappensNext(turn, request)].join('\n') });
      return end(request.id);
    },
    askWhatToChange,
    askNewValue,
    applyChange,
  ],
});

/**
 * Says so, when this user already has as many requests waiting as one may (nothing more is asked or
 * sent), with whom to phone instead: those who handle the waiting requests, by name and number.
 */
function tooManyWaiting(turn: DialogTurn): boolean {
  const waiting = turn.services.callbacks.waitingFrom(turn.user.key);
  if (waiting.length < MAX_WAITING_PER_REQUESTER) return false;
  // Who handles each now: the assignee, or whoever stands in for one who left the directory.
  const handlers = [...new Map(waiting.map((r) => handlerOf(turn.directory, r)).filter((p) => p !== undefined).map((p) => [p.id, p])).values()];
  const contacts = new Intl.ListFormat(turn.lang, { type: 'disjunction' }).format(handlers.map((p) => turn.t('callback:phoneWho', { name: p.name, phone: p.phone })));
  const number = turn.directory.data.emergency.number;
  turn.say({ kind: 'text', text: contacts ? turn.t('callback:tooManyWaiting', { waiting: waiting.length, contacts, number }) : turn.t('callback:tooManyWaitingNoContact', { waiting: waiting.length, number }) });
  return true;
}

/** Shows what will be sent before sending it; also reached again after a correction, or its cancelling (without an answer). */
function confirmRequest(turn: DialogTurn) {
  if (turn.answer !== undefined) turn.values.note = turn.answer === SKIP ? null : turn.answer;
  // A correction ends here, applied or not: a way chosen without its new address is dropped.
  delete turn.values.changing;
  delete turn.values.newWay;
  const v = turn.values;
  const school = turn.directory.school(typeof v.schoolId === 'string' ? v.schoolId : undefined);
  const fields = [
    { label: turn.t('common:field.name'), value: String(v.name) },
    { label: turn.t('common:field.school'), value: school?.name ?? turn.t('callback:unlistedSchool') },
    { label: turn.t('callback:summaryUrgency'), value: turn.t(`callback:urgency.${String(v.urgency)}`) },
    { label: turn.t('callback:summaryWay'), value: `${turn.t(`callback:way.${String(v.way)}`)}${v.contact ? ` (${String(v.contact)})` : ''}` },
    { label: turn.t('callback:summaryWindow'), value: turn.t(`callback:window.${String(v.window)}`) },
    ...(v.note ? [{ label: turn.t('callback:summaryNote'), value: String(v.note) }] : []),
  ];
  turn.say({ kind: 'card', title: turn.t('callback:summaryTitle'), fields });
  // "Shall I send this?" is a yes/no question: "yes", "ja", "oui" answer it as well as the buttons.
  const named = handlerNamed(turn, typeof v.schoolId === 'string' ? v.schoolId : null);
  return ask(
    choicePrompt(named ? key('callback:confirmPromptTo', named) : key('callback:confirmPrompt'), [
      { value: Confirm.Send, label: key('callback:send'), also: 'common:yesWords' },
      { value: Confirm.Change, label: key('callback:changeSomething'), also: 'callback:changeWords' },
      { value: Confirm.Cancel, label: key('callback:cancel'), also: 'common:noWords' },
    ]),
  );
}

/** Which answer to correct: every field of the summary, named as the summary names it. */
function askWhatToChange(turn: DialogTurn) {
  // Correcting from here on: "cancel" goes back to the summary (see cancelTo).
  turn.values.changing = null;
  const contact = turn.values.way === 'phone' ? 'callback:change.phone' : 'callback:change.email';
  const note = turn.values.note ? 'callback:change.note' : 'callback:change.addNote';
  const labels: Record<Changeable, string> = {
    name: 'callback:change.name',
    contact,
    way: 'callback:change.way',
    window: 'callback:change.window',
    urgency: 'callback:change.urgency',
    school: 'callback:change.school',
    note,
  };
  return ask(
    choicePrompt(key('callback:changePrompt'), [
      ...CHANGEABLE.map((field) => ({ value: field, label: key(labels[field]) })),
      { value: KEEP_ALL, label: key('callback:change.nothing') },
    ]),
  );
}

/** Asks the chosen field's question again (the same question and checks as in the form). */
function askNewValue(turn: DialogTurn) {
  // Reached with the teacher's choice, or again (without an answer) for the address of a new way.
  const field = turn.answer === undefined ? turn.values.changing : turn.answer;
  if (!isChangeable(field)) return goto(confirmRequest);
  turn.values.changing = field;
  switch (field) {
    case 'name':
      return ask(withKeep(namePrompt()));
    case 'contact':
      // The address of a newly chosen way has nothing to keep: "cancel" keeps the old way and address.
      if (isOfferedWay(turn.values.newWay)) return ask(contactPrompt(turn.values.newWay));
      return ask(withKeep(contactPrompt(turn.values.way)));
    case 'way':
      return ask(withKeep(wayPrompt()));
    case 'window':
      return ask(withKeep(windowPrompt()));
    case 'urgency':
      return ask(withKeep(urgencyPrompt()));
    case 'school':
      // The school picker's own list; "cancel" there goes back to the summary.
      return schoolQuestion();
    case 'note':
      return ask(withKeep(notePrompt('callback:noNote')));
  }
}

/** Keeps the corrected answer and shows the summary again; a new way first needs its new address. */
function applyChange(turn: DialogTurn) {
  const field = turn.values.changing;
  if (turn.answer === KEEP) return goto(confirmRequest);
  switch (field) {
    case 'school':
      turn.values.schoolId = rememberSchool(turn);
      break;
    case 'note':
      turn.values.note = turn.answer === SKIP ? null : (turn.answer ?? null);
      break;
    case 'way':
      if (isOfferedWay(turn.answer) && turn.answer !== turn.values.way) {
        // Applied only with its address: a phone number is no e-mail address.
        turn.values.newWay = turn.answer;
        turn.values.changing = 'contact';
        return goto(askNewValue);
      }
      break;
    case 'contact':
      if (isOfferedWay(turn.values.newWay)) turn.values.way = turn.values.newWay;
      if (turn.answer !== undefined) turn.values.contact = turn.answer;
      break;
    case 'name':
    case 'window':
    case 'urgency':
      if (turn.answer !== undefined) turn.values[field] = turn.answer;
      break;
  }
  return goto(confirmRequest);
}

/**
 * What happens next, with the directory's time frames (DESIGN principle: every answer says what
 * happens next): when the officer is reminded, when a colleague is asked to take over, and whom to
 * call if it cannot wait. The same intervals drive the nudges (src/nudges/planners.ts).
 */
function whatHappensNext(turn: DialogTurn, request: Pick<CallbackRequest, 'urgency' | 'assigneeId' | 'schoolId' | 'reassignedFrom'>): string[] {
  const handler = handlerOf(turn.directory, request);
  if (!handler) return [];
  const intervals = turn.directory.data.intervals;
  const today = request.urgency === 'today';
  const unit = today ? 'Hours' : 'Days';
  const remind = today ? intervals.callbackTodayReminderWorkingHours : intervals.callbackAcknowledgeWorkingDays;
  const escalate = today ? intervals.callbackTodayEscalateWorkingHours : intervals.callbackEscalateWorkingDays;
  const backup = escalationOf(turn.directory, request, handler);
  return [
    turn.t(`callback:nextRemind${unit}`, { name: handler.name, count: remind }),
    ...(backup ? [turn.t(`callback:nextEscalate${unit}`, { backup: backup.name, count: escalate })] : []),
    turn.t('callback:nextUrgent', { name: handler.name, phone: handler.phone }),
  ];
}
