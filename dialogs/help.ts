import { defineDialog, end, type DialogTurn } from '../src/core/dialog.js';

export const HELP = 'help';

/** Explains what the assistant does and the words that work everywhere; the menu follows. */
export const helpDialog = defineDialog({
  id: HELP,
  menu: { label: 'menu:help', order: 90 },
  steps: [
    function explain(turn: DialogTurn) {
      turn.say({ kind: 'text', text: turn.t('common:help', { number: turn.directory.data.emergency.number }) });
      return end();
    },
  ],
});
