import { ask, begin, choicePrompt, defineDialog, end, key, next, SAVED, type DialogTurn } from '../src/core/dialog.js';
import { CoreDialog } from '../src/core/engine.js';
import type { OutboundReply } from '../src/core/messages.js';
import { normalize } from '../src/core/text.js';
import { localized } from '../src/directory/directory.js';
import { CALLBACK_REQUEST, handlerNamed } from './callbackRequest.js';
import { pickSchool } from './pickSchool.js';
import { rememberSchool } from './shared/schools.js';
import { sharingLines } from './shared/sharing.js';

export const CONCERN = 'concern';

/** Answers and payloads of this dialog. */
export const Danger = { Yes: 'danger-yes', No: 'danger-no' } as const;
export const WORRIES = ['behaviour', 'views', 'online', 'violence', 'other'] as const;
export type Worry = (typeof WORRIES)[number];
export const Offer = { CallMe: 'call-me', NoThanks: 'no-thanks' } as const;

/**
 * "I'm worried about a pupil": emergency gate first, then the school (remembered), the kind of worry
 * (non-identifying, only to tune the advice, never stored), then whom to talk to today, the liaison
 * officer, what happens next, what is shared and why, what to do and not to do, what feedback to
 * expect; and an offer to be called back. Never asks anything about the pupil.
 */
export const concernDialog = defineDialog({
  id: CONCERN,
  intent: 'commands:intents.concern',
  menu: { label: 'menu:concern', order: 10 },
  // Nothing of a worry is ever saved: "stopped without saving it" would suggest it would have been.
  whenLeft: 'concern:leftNothingKept',
  steps: [
    /** Safety first: immediate danger? */
    function askDanger(_turn: DialogTurn) {
      // An answer that is neither ("he has a knife", "not sure") gets the number, not "I did not
      // understand", and starts nothing else (a gate); the number is filled in when said, from the
      // directory in use then.
      return ask(
        choicePrompt(
          key('concern:dangerPrompt'),
          [
            { value: Danger.Yes, label: key('concern:dangerYes'), also: 'common:yesWords' },
            // "No danger", "geen gevaar": what the emergency answer's own "not immediate" takes, too.
            { value: Danger.No, label: key('concern:dangerNo'), also: 'common:noWords|emergency:notImmediateWords' },
          ],
          { notUnderstood: key('concern:dangerUnclear'), gate: true },
        ),
      );
    },
    /** Yes → the emergency answer, which holds the conversation until the teacher confirms. */
    function handleDanger(turn: DialogTurn) {
      return turn.answer === Danger.Yes ? begin(CoreDialog.Emergency, { fromConcern: true }) : next();
    },
    /** Which school; the one chosen last time comes first. */
    function askSchool() {
      return pickSchool({ question: 'concern:schoolPrompt', notListed: true, prefer: 'remembered' });
    },
    /** Remembers the school; asks what kind of worry it is. */
    function askWorry(turn: DialogTurn) {
      turn.values.schoolId = rememberSchool(turn);
      return ask(
        choicePrompt(
          key('concern:worryPrompt'),
          WORRIES.map((w) => ({ value: w, label: key(`concern:worry.${w}`) })),
          // A description typed here is neither needed nor kept: said so, rather than "not understood".
          { notUnderstood: key('concern:noNeedToDescribe'), wordMatch: true },
        ),
      );
    },
    /** The answer, all from the directory and the catalogues; then the call-back offer. */
    function giveGuidance(turn: DialogTurn) {
      const worry = turn.answer as Worry;
      turn.say(...guidance(turn, turn.values.schoolId as string | null, worry));
      // The advice is given: leaving now loses nothing, and "I'm worried about …" said again is a new worry.
      turn.values[SAVED] = true;
      // An officer reading the advice has no liaison officer of their own to be called back by.
      if (turn.user.role !== 'teacher') {
        turn.say({ kind: 'text', text: turn.t('concern:closing') });
        return end();
      }
      // Named: for a school not in the directory, it is the prevention coordinator, not a liaison officer.
      const named = handlerNamed(turn, (turn.values.schoolId as string | null) ?? null);
      return ask(
        choicePrompt(named ? key('concern:offerCallbackTo', named) : key('concern:offerCallback'), [
          { value: Offer.CallMe, label: key('concern:callMe'), also: 'common:yesWords' },
          { value: Offer.NoThanks, label: key('concern:noThanks'), also: 'common:noWords' },
        ]),
      );
    },
    /** A call-back request, or a friendly close. */
    function handleOffer(turn: DialogTurn) {
      if (turn.answer === Offer.CallMe) return begin(CALLBACK_REQUEST, { schoolId: turn.values.schoolId ?? null });
      turn.say({ kind: 'text', text: turn.t('concern:closing') });
      return end();
    },
    function finish() {
      return end();
    },
  ],
});

/** Builds the guidance replies for a school (null: not in the directory) and a kind of worry. */
export function guidance(turn: DialogTurn, schoolId: string | null, worry: Worry): OutboundReply[] {
  const { t, lang, directory } = turn;
  const dir = directory.data;
  const school = directory.school(schoolId ?? undefined);
  const liaison = school ? directory.liaisonFor(school.id) : undefined;
  const replies: OutboundReply[] = [];

  // The emergency number is the directory's, said where the advice tells the teacher to call it.
  replies.push({ kind: 'text', text: t(`concern:advice.${worry}`, { number: dir.emergency.number }) });

  if (school) {
    const role = localized(school.careContact.role, lang);
    // The advice names this person by one word in each language ("your care coordinator"); the card
    // says the same, with the school's own name for the role beside it when that is another one.
    const sameAsGeneric = normalize(role) === normalize(t('concern:careContactGeneric'));
    replies.push({
      kind: 'card',
      title: sameAsGeneric ? t('concern:talkTodayGeneric') : t('concern:talkToday', { role }),
      fields: [
        ...(school.careContact.name ? [{ label: t('common:field.name'), value: school.careContact.name }] : []),
        { label: t('common:field.school'), value: school.name },
      ],
    });
  } else {
    replies.push({ kind: 'text', text: t('concern:talkTodayUnlisted') });
  }

  if (liaison) {
    replies.push({
      kind: 'card',
      title: t('concern:liaisonTitle'),
      fields: [
        { label: t('common:field.name'), value: liaison.name },
        { label: t('common:field.phone'), value: liaison.phone },
        { label: t('common:field.email'), value: liaison.email },
        { label: t('common:field.hours'), value: localized(liaison.hours, lang) },
        // A teacher who would rather not talk in the officer's first language knows before calling.
        { label: t('common:field.languages'), value: liaison.languages.map((l) => t(`common:languageNames.${l}`)).join(', ') },
      ],
    });
  } else {
    const general = dir.generalContact;
    replies.push({
      kind: 'card',
      title: t('concern:generalTitle'),
      fields: [
        { label: t('common:field.name'), value: localized(general.name, lang) },
        { label: t('common:field.phone'), value: general.phone },
        { label: t('common:field.email'), value: general.email },
        { label: t('common:field.hours'), value: localized(general.hours, lang) },
      ],
    });
  }

  replies.push({
    kind: 'steps',
    title: t('concern:nextStepsTitle'),
    steps: dir.nextSteps.map((s) => ({
      // "Title: when", not "Title (when)": time frames hold brackets of their own ("… (within 5 working days if urgent)").
      title: t('common:labelled', { label: localized(s.title, lang), value: localized(s.timeFrame, lang) }),
      detail: localized(s.description, lang),
    })),
  });

  // A draft nobody has signed yet: what it plans, said as such (as the plain-words protocol does).
  const draft = dir.protocol.signedOn ? [] : [t('protocol:notSigned')];
  replies.push({ kind: 'text', text: [t('concern:sharingTitle'), localized(dir.protocol.purpose, lang), ...draft, ...sharingLines(turn)].join('\n') });

  replies.push({ kind: 'text', text: t('concern:doAndDont') });
  replies.push({ kind: 'text', text: `${t('concern:feedbackTitle')}\n${localized(dir.protocol.feedbackToReporter, lang)}` });
  return replies;
}
