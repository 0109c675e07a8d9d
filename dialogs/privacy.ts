import { DATE_LOCALES, formatDate, localDate } from '../src/core/dates.js';
import { ask, choicePrompt, defineDialog, end, key, literal, type DialogTurn } from '../src/core/dialog.js';
import type { OutboundReply } from '../src/core/messages.js';
import type { StoredCallbackRequest } from '../src/core/privacy.js';

export const PRIVACY = 'privacy';
const Choice = { Delete: 'delete', Keep: 'keep', Confirm: 'confirm' } as const;

/** "What do you store about me?" and "delete my data", answered from what the store really holds. */
export const privacyDialog = defineDialog({
  id: PRIVACY,
  intent: 'commands:intents.privacy',
  menu: { label: 'menu:privacy', order: 70 },
  // Leaving it deletes nothing: said so, since its last question is whether to delete.
  whenLeft: 'privacy:leftNotDeleted',
  steps: [
    /** Lists what is stored, fact by fact (each call-back request in full), then offers deletion. */
    function describeStored(turn: DialogTurn) {
      const stored = turn.services.privacy.describe(turn.user.key, turn.user.personId);
      const school = turn.directory.school(stored.schoolId);
      const lines = [
        turn.t('privacy:never'),
        turn.t('privacy:identity', { channel: turn.t(`privacy:channel.${turn.user.channel}`) }),
        stored.language ? turn.t('privacy:language', { language: turn.t('common:languageName') }) : turn.t('privacy:noLanguage'),
        school ? turn.t('privacy:school', { school: school.name }) : turn.t('privacy:noSchool'),
      ];
      if (stored.hasProactiveAddress) lines.push(turn.t('privacy:address'));
      if (stored.trainingReminder) lines.push(turn.t('privacy:trainingReminder'));
      if (stored.trainingAnswered) lines.push(turn.t('privacy:trainingAnswered'));
      if (stored.nudgeSettings) lines.push(turn.t('privacy:nudgeSettings'));
      if (stored.webConversations > 0) lines.push(turn.t('privacy:transcript'));
      if (stored.callbacks.length > 0) lines.push(turn.t('privacy:callbacks'));
      turn.say({ kind: 'text', text: [turn.t('privacy:intro'), ...lines.map((l) => `• ${l}`)].join('\n') });
      // The teacher's own name, contact and note, shown back only to them, as they gave them.
      turn.say(...stored.callbacks.map((r) => callbackCard(turn, r)));
      return ask(
        choicePrompt(
          key('privacy:offerDelete'),
          [
            // A confirmation follows: "yes" may ask for it here.
            { value: Choice.Delete, label: key('privacy:delete'), also: 'common:yesWords' },
            { value: Choice.Keep, label: key('privacy:keep'), also: 'common:noWords' },
          ],
          { strict: true },
        ),
      );
    },
    /** Asks for confirmation before deleting, saying what goes: an unfinished call-back request is withdrawn. */
    function confirmDelete(turn: DialogTurn) {
      if (turn.answer !== Choice.Delete) return keep(turn);
      const stored = turn.services.privacy.describe(turn.user.key, turn.user.personId);
      const { callbacks } = stored;
      // What goes, as listed above: only what is stored ("your language" only if one was chosen).
      const parts = [
        ...(stored.language ? ['language'] : []),
        ...(stored.schoolId ? ['school'] : []),
        'conversation',
        ...(stored.trainingReminder ? ['trainingReminder'] : []),
        ...(stored.trainingAnswered ? ['trainingAnswered'] : []),
        ...(stored.nudgeSettings ? ['nudgeSettings'] : []),
      ];
      // (privacy:confirmPrompt, confirmPromptWithdraw_* and confirmPromptDone_*, which this question used
      // before, stay in the catalogues: questions stored with them are shown again as they were.)
      const also = callbacks.some(unfinished) ? 'privacy:alsoDeleteWithdraw' : 'privacy:alsoDeleteDone';
      const prompt = literal(
        turn.inEveryLanguage((t, lang) =>
          [
            t('privacy:confirmForget', { what: new Intl.ListFormat(DATE_LOCALES[lang], { type: 'conjunction' }).format(parts.map((part) => t(`privacy:forgetPart.${part}`))) }),
            ...(callbacks.length > 0 ? [t(also, { count: callbacks.length })] : []),
          ].join(' '),
        ),
      );
      return ask(
        // Cannot be undone: a button, or its label typed in full in the user's language (see strict).
        choicePrompt(
          prompt,
          [
            { value: Choice.Confirm, label: key('privacy:confirm') },
            { value: Choice.Keep, label: key('privacy:keep'), also: 'common:noWords' },
          ],
          { strict: true },
        ),
      );
    },
    /** Deletes everything about the user once the turn ends; a withdrawn request leaves a direct route to its handler. */
    function deleteData(turn: DialogTurn) {
      if (turn.answer !== Choice.Confirm) return keep(turn);
      const withdrawnFrom = new Set(turn.services.privacy.describe(turn.user.key).callbacks.filter(unfinished).map((r) => r.assigneeId));
      turn.forgetMe();
      turn.say({ kind: 'text', text: turn.t('privacy:deleted') });
      for (const id of withdrawnFrom) {
        const person = turn.directory.person(id);
        if (person) turn.say({ kind: 'text', text: turn.t('privacy:stillReachable', { name: person.name, phone: person.phone, email: person.email }) });
      }
      return end(null, { showMenu: false });
    },
  ],
});

function keep(turn: DialogTurn) {
  turn.say({ kind: 'text', text: turn.t('privacy:kept') });
  return end();
}

/** Not yet done: the liaison officer may still act on it, so deleting it withdraws it. */
const unfinished = (r: StoredCallbackRequest) => r.status !== 'done';

/** One call-back request as its requester gave it, in the user's language, dated in the municipality's time zone. */
function callbackCard(turn: DialogTurn, r: StoredCallbackRequest): OutboundReply {
  const { t } = turn;
  const date = formatDate(localDate(new Date(r.createdAt), turn.directory.data.timeZone), turn.lang);
  const school = turn.directory.school(r.schoolId ?? undefined)?.name ?? t('callback:unlistedSchool');
  const handler = turn.directory.person(r.assigneeId)?.name;
  return {
    kind: 'card',
    title: t('privacy:callback.title', { date }),
    fields: [
      { label: t('common:field.school'), value: school },
      ...(handler ? [{ label: t('privacy:callback.handledBy'), value: handler }] : []),
      { label: t('privacy:callback.status'), value: t(`callback:status.${r.status}`) },
      { label: t('privacy:callback.yourName'), value: r.requesterName },
      { label: t('callback:summaryWay'), value: `${t(`callback:way.${r.way}`)}${r.requesterContact ? ` (${r.requesterContact})` : ''}` },
      { label: t('callback:summaryWindow'), value: t(`callback:window.${r.window}`) },
      { label: t('callback:summaryUrgency'), value: t(`callback:urgency.${r.urgency}`) },
      ...(r.note ? [{ label: t('callback:summaryNote'), value: r.note }] : []),
    ],
  };
}
