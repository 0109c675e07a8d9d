import { ask, choicePrompt, defineDialog, key, replace, type DialogTurn } from '../src/core/dialog.js';
import { CoreDialog, Payload } from '../src/core/engine.js';

/**
 * The main menu, by role: every dialog that declares a menu entry and allows the user's role.
 * Greets first when the conversation has just been opened.
 */
export const menuDialog = defineDialog({
  id: CoreDialog.Menu,
  steps: [
    /** Offers what this user can do. */
    function offerMenu(turn: DialogTurn) {
      if (turn.args.welcome) {
        turn.say({ kind: 'text', text: turn.t('menu:welcome', { municipality: turn.directory.data.municipality.name[turn.lang] }) });
      }
      return ask(choicePrompt(key('menu:prompt'), turn.menuChoices()));
    },
    /** Opens the chosen dialog (buttons are routed by the engine; this handles a typed number or label). */
    function openChoice(turn: DialogTurn) {
      return replace(String(turn.answer).slice(Payload.startDialog.length));
    },
  ],
});
