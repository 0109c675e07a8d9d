import { defineDialog, end, type DialogTurn } from '../src/core/dialog.js';
import { helpReplies } from '../src/core/help.js';

export const HELP = 'help';

/** Explains what the assistant does and the words that work everywhere, and names someone to ask; the menu follows. */
export const helpDialog = defineDialog({
  id: HELP,
  menu: { label: 'menu:help', order: 90 },
  steps: [
    function explain(turn: DialogTurn) {
      turn.say(...helpReplies(turn.t, turn.lang, turn.directory, turn.user));
      return end();
    },
  ],
});
