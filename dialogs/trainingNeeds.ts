import { ask, choicePrompt, defineDialog, end, goto, key, next, SAVED, textPrompt, type DialogTurn } from '../src/core/dialog.js';
import { isLastingAddress } from '../src/core/callbacks.js';
import { localized } from '../src/directory/directory.js';
import { COMPETENCES, STAFF_ROLES, TRAINING_FORMATS, type TrainingResponse } from '../src/store/schema.js';
import { pickSchool } from './pickSchool.js';
import { KEEP, KEEP_ALL, withKeep } from './shared/corrections.js';
import { SCHOOL_NOT_LISTED, SCHOOL_PREFIX } from './shared/schools.js';

export const TRAINING_NEEDS = 'trainingNeeds';
const DONE = 'competences:done';
const SKIP = 'skip';
const Confirm = { Send: 'send', Change: 'change', Cancel: 'cancel' } as const;
/** What the summary lets a teacher correct, each asked again with its own question. */
const CHANGEABLE = ['school', 'role', 'competences', 'format', 'comment'] as const;
type Changeable = (typeof CHANGEABLE)[number];
const isChangeable = (answer: unknown): answer is Changeable => CHANGEABLE.includes(answer as Changeable);
const Remind = { Yes: 'remind', No: 'no-remind' } as const;
export const COMMENT_MAX_LENGTH = 500;

/** Once per school year; then the school. */
function askSchool(turn: DialogTurn) {
  if (turn.services.training.hasAnswered(turn.user.key)) {
    turn.say({ kind: 'text', text: turn.t('training:alreadyAnswered') });
    return end();
  }
  return schoolQuestion();
}

/**
 * The school id from the answer (null: not in the directory). Unlike the other dialogs it is not
 * remembered on the teacher's profile: the profile and the salted hash of who answered would
 * otherwise say which school's answers a teacher's answer is among.
 */
function chosenSchool(turn: DialogTurn): string | null {
  const answer = String(turn.answer);
  const schoolId = answer === SCHOOL_NOT_LISTED || !answer.startsWith(SCHOOL_PREFIX) ? null : answer.slice(SCHOOL_PREFIX.length);
  return schoolId && turn.directory.school(schoolId) ? schoolId : null;
}

const rolePrompt = () => choicePrompt(key('training:rolePrompt'), STAFF_ROLES.map((r) => ({ value: r, label: key(`training:role.${r}`) })), { wordMatch: true });
const formatPrompt = () => choicePrompt(key('training:formatPrompt'), TRAINING_FORMATS.map((f) => ({ value: f, label: key(`training:format.${f}`) })), { wordMatch: true });
/** Optional, short, warned about, and refused when it looks like it identifies someone; a correction offers "no comment". */
const commentPrompt = (skipLabel: string) =>
  textPrompt(key('training:commentPrompt', { max: COMMENT_MAX_LENGTH }), COMMENT_MAX_LENGTH, 'noPersonalData', [{ value: SKIP, label: key(skipLabel) }]);
const schoolQuestion = () => pickSchool({ question: 'training:schoolPrompt', notListed: true, prefer: 'remembered' });

function askRole(turn: DialogTurn) {
  turn.values.schoolId = chosenSchool(turn);
  return ask(rolePrompt());
}

function startCompetences(turn: DialogTurn) {
  turn.values.role = turn.answer ?? null;
  turn.values.competences = [];
  return next();
}

/** Any number of competences, one click each; Done when at least one is chosen. */
function askCompetences(turn: DialogTurn) {
  const chosen = turn.values.competences as string[];
  const remaining = COMPETENCES.filter((c) => !chosen.includes(c));
  const text = chosen.length
    ? key('training:competencesMore', { chosen: turn.inEveryLanguage((t) => chosen.map((c) => t(`training:competence.${c}`)).join(', ')) })
    : key('training:competencesPrompt');
  // Chosen again from the summary: the earlier choice can be kept as it was.
  const keep = Array.isArray(turn.values.previousCompetences) ? [{ value: KEEP, label: key('liaison:keepAsIs') }] : [];
  return ask(
    choicePrompt(
      text,
      [
        ...remaining.map((c) => ({ value: c, label: key(`training:competence.${c}`) })),
        ...(chosen.length ? [{ value: DONE, label: key('training:done') }] : []),
        ...keep,
      ],
      { wordMatch: true },
    ),
  );
}

function collectCompetence(turn: DialogTurn) {
  const correcting = Array.isArray(turn.values.previousCompetences);
  if (turn.answer === KEEP && correcting) turn.values.competences = turn.values.previousCompetences!;
  if (turn.answer === DONE || turn.answer === KEEP) {
    if (!correcting) return next();
    delete turn.values.previousCompetences;
    return goto(confirmAnswers);
  }
  (turn.values.competences as string[]).push(String(turn.answer));
  return goto(askCompetences);
}

function askFormat(_turn: DialogTurn) {
  return ask(formatPrompt());
}

function askComment(turn: DialogTurn) {
  turn.values.format = turn.answer ?? null;
  return ask(commentPrompt('training:skip'));
}

/** Shows the answers before sending them; also reached again after a correction, or its cancelling (without an answer). */
function confirmAnswers(turn: DialogTurn) {
  if (turn.answer !== undefined) turn.values.comment = turn.answer === SKIP ? null : turn.answer;
  // A correction ends here, applied or not: competences being chosen again go back to the earlier choice.
  if (Array.isArray(turn.values.previousCompetences)) turn.values.competences = turn.values.previousCompetences;
  delete turn.values.previousCompetences;
  delete turn.values.changing;
  const v = turn.values;
  const school = turn.directory.school(typeof v.schoolId === 'string' ? v.schoolId : undefined);
  turn.say({
    kind: 'card',
    title: turn.t('training:summaryTitle'),
    fields: [
      { label: turn.t('common:field.school'), value: school?.name ?? turn.t('callback:unlistedSchool') },
      { label: turn.t('training:summaryRole'), value: turn.t(`training:role.${String(v.role)}`) },
      { label: turn.t('training:summaryCompetences'), value: (v.competences as string[]).map((c) => turn.t(`training:competence.${c}`)).join(', ') },
      { label: turn.t('training:summaryFormat'), value: turn.t(`training:format.${String(v.format)}`) },
      ...(v.comment ? [{ label: turn.t('training:summaryComment'), value: String(v.comment) }] : []),
    ],
  });
  turn.say({ kind: 'text', text: turn.t('training:anonymous') });
  return ask(
    choicePrompt(key('training:confirmPrompt'), [
      { value: Confirm.Send, label: key('training:send'), also: 'common:yesWords' },
      { value: Confirm.Change, label: key('callback:changeSomething'), also: 'callback:changeWords' },
      { value: Confirm.Cancel, label: key('training:cancel'), also: 'common:noWords' },
    ]),
  );
}

/** Which answer to correct, named as the summary names it. */
function askWhatToChange(turn: DialogTurn) {
  // Correcting from here on: "cancel" goes back to the summary (see cancelTo).
  turn.values.changing = null;
  const labels: Record<Changeable, string> = {
    school: 'callback:change.school',
    role: 'training:change.role',
    competences: 'training:change.competences',
    format: 'training:change.format',
    comment: turn.values.comment ? 'training:change.comment' : 'training:change.addComment',
  };
  return ask(
    choicePrompt(key('callback:changePrompt'), [
      ...CHANGEABLE.map((field) => ({ value: field, label: key(labels[field]) })),
      { value: KEEP_ALL, label: key('callback:change.nothing') },
    ]),
  );
}

/** Asks the chosen answer's question again (the same question and checks as in the survey). */
function askNewValue(turn: DialogTurn) {
  const field = turn.answer;
  if (!isChangeable(field)) return goto(confirmAnswers);
  turn.values.changing = field;
  switch (field) {
    case 'school':
      return schoolQuestion();
    case 'role':
      return ask(withKeep(rolePrompt()));
    case 'competences':
      // Chosen again from the start; "keep as it is" (or "cancel") brings the earlier choice back.
      turn.values.previousCompetences = turn.values.competences as string[];
      turn.values.competences = [];
      return goto(askCompetences);
    case 'format':
      return ask(withKeep(formatPrompt()));
    case 'comment':
      return ask(withKeep(commentPrompt('training:noComment')));
  }
}

/** Keeps the corrected answer and shows the summary again. */
function applyChange(turn: DialogTurn) {
  if (turn.answer === KEEP) return goto(confirmAnswers);
  switch (turn.values.changing) {
    case 'school':
      turn.values.schoolId = chosenSchool(turn);
      break;
    case 'role':
    case 'format':
      if (turn.answer !== undefined) turn.values[turn.values.changing] = turn.answer;
      break;
    case 'comment':
      turn.values.comment = turn.answer === SKIP ? null : (turn.answer ?? null);
      break;
  }
  return goto(confirmAnswers);
}

/** Stores the answer anonymously; thanks, says what happens next and lists matching local offers. */
function submit(turn: DialogTurn) {
  if (turn.answer === Confirm.Change) return goto(askWhatToChange);
  if (turn.answer !== Confirm.Send) {
    turn.say({ kind: 'text', text: turn.t('training:notSent') });
    return end();
  }
  const v = turn.values;
  const result = turn.services.training.submit(turn.user.key, {
    schoolId: typeof v.schoolId === 'string' ? v.schoolId : null,
    role: v.role as TrainingResponse['role'],
    competences: v.competences as TrainingResponse['competences'],
    format: v.format as TrainingResponse['format'],
    ...(typeof v.comment === 'string' ? { comment: v.comment } : {}),
  });
  if (!result.ok) {
    turn.say({ kind: 'text', text: turn.t('training:alreadyAnswered') });
    return end();
  }
  // Whom to ask about training: the school's liaison officer (read before the answers are let go).
  const contact = (typeof v.schoolId === 'string' ? turn.directory.liaisonFor(v.schoolId) : undefined) ?? turn.directory.person(turn.directory.data.protocol.coordinatorId);
  // The answers are stored, anonymously: the dialog's own copy goes, or the reminder question below
  // would keep them beside the teacher's conversation. Leaving from here loses nothing.
  for (const key of Object.keys(v)) delete v[key];
  turn.values[SAVED] = true;
  turn.say({ kind: 'text', text: turn.t('training:thanks') });
  const offers = turn.services.training.matchingOffers(result.response.competences);
  if (offers.length === 0) {
    turn.say({ kind: 'text', text: turn.t('training:noOffers') });
  } else {
    turn.say({ kind: 'text', text: turn.t('training:offersTitle') });
    for (const offer of offers) {
      turn.say({
        kind: 'card',
        title: localized(offer.title, turn.lang),
        fields: [
          { label: turn.t('training:offerWhat'), value: localized(offer.description, turn.lang) },
          { label: turn.t('training:offerWhen'), value: localized(offer.when, turn.lang) },
          { label: turn.t('common:field.email'), value: offer.contactEmail },
        ],
      });
    }
  }
  if (contact) turn.say({ kind: 'text', text: turn.t('training:askWhom', { name: contact.name, phone: contact.phone, email: contact.email }) });
  // Only where the assistant can write first (Slack, Teams), and only to someone not asked yet.
  if (!isLastingAddress(turn.address) || turn.services.training.wantsReminder(turn.user.key)) return end();
  return ask(
    choicePrompt(key('training:remindPrompt'), [
      { value: Remind.Yes, label: key('training:remindYes'), also: 'common:yesWords' },
      { value: Remind.No, label: key('training:remindNo'), also: 'common:noWords' },
    ]),
  );
}

/** Remembers that they want to be asked again next school year (not their answers: those stay anonymous). */
function saveReminder(turn: DialogTurn) {
  if (turn.answer === Remind.Yes) {
    turn.services.training.setReminder(turn.user.key, true);
    turn.say({ kind: 'text', text: turn.t('training:remindSet', { item: turn.t('menu:privacy') }) });
  }
  return end();
}

/**
 * "Which training would help you?": school, role, competences (multi-select), format, an optional
 * short comment, a summary, then thanks and the matching local offers. Stored without identity.
 */
export const trainingNeedsDialog = defineDialog({
  id: TRAINING_NEEDS,
  roles: ['teacher'],
  intent: 'commands:intents.training',
  menu: { label: 'menu:trainingNeeds', order: 25 },
  // "cancel" while correcting one answer drops the correction, not the whole survey.
  cancelTo: (values) => ('changing' in values ? confirmAnswers : undefined),
  steps: [askSchool, askRole, startCompetences, askCompetences, collectCompetence, askFormat, askComment, confirmAnswers, submit, saveReminder, askWhatToChange, askNewValue, applyChange],
});
