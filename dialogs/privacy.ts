import { ask, choicePrompt, defineDialog, end, key, type DialogTurn } from '../src/core/dialog.js';

export const PRIVACY = 'privacy';
const Choice = { Delete: 'delete', Keep: 'keep', Confirm: 'confirm' } as const;

/** "What do you store about me?" and "delete my data", answered from what the store really holds. */
export const privacyDialog = defineDialog({
  id: PRIVACY,
  intent: 'commands:intents.privacy',
  menu: { label: 'menu:privacy', order: 70 },
  steps: [
    /** Lists what is stored, fact by fact, then offers deletion. */
    function describeStored(turn: DialogTurn) {
      const stored = turn.services.privacy.describe(turn.user.key);
      const school = turn.directory.school(stored.schoolId);
      const lines = [
        turn.t('privacy:never'),
        turn.t('privacy:identity', { channel: turn.t(`privacy:channel.${turn.user.channel}`) }),
        stored.language ? turn.t('privacy:language', { language: turn.t('common:languageName') }) : turn.t('privacy:noLanguage'),
        school ? turn.t('privacy:school', { school: school.name }) : turn.t('privacy:noSchool'),
      ];
      if (stored.hasProactiveAddress) lines.push(turn.t('privacy:address'));
      if (stored.webConversations > 0) lines.push(turn.t('privacy:transcript'));
      turn.say({ kind: 'text', text: [turn.t('privacy:intro'), ...lines.map((l) => `• ${l}`)].join('\n') });
      return ask(
        choicePrompt(key('privacy:offerDelete'), [
          { value: Choice.Delete, label: key('privacy:delete') },
          { value: Choice.Keep, label: key('privacy:keep') },
        ]),
      );
    },
    /** Asks for confirmation before deleting. */
    function confirmDelete(turn: DialogTurn) {
      if (turn.answer !== Choice.Delete) return keep(turn);
      return ask(
        choicePrompt(key('privacy:confirmPrompt'), [
          { value: Choice.Confirm, label: key('privacy:confirm') },
          { value: Choice.Keep, label: key('privacy:keep') },
        ]),
      );
    },
    /** Deletes everything about the user once the turn ends. */
    function deleteData(turn: DialogTurn) {
      if (turn.answer !== Choice.Confirm) return keep(turn);
      turn.forgetMe();
      turn.say({ kind: 'text', text: turn.t('privacy:deleted') });
      return end(null, { showMenu: false });
    },
  ],
});

function keep(turn: DialogTurn) {
  turn.say({ kind: 'text', text: turn.t('privacy:kept') });
  return end();
}
