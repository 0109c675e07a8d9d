import { ask, choicePrompt, defineDialog, key, replace, type DialogTurn } from '../src/core/dialog.js';
import { handlerOf } from '../src/core/callbacks.js';
import { CoreDialog, Payload } from '../src/core/engine.js';
import { welcomeText } from '../src/core/help.js';

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
        const { personId, role } = turn.user;
        // An officer opening the chat also hears what waits for them: a notice sent before they could
        // be reached (Teams, before the app was opened) did not arrive. Those they handle themselves,
        // not those they only stand in for as the backup (they are told when one escalates).
        const waiting =
          personId && role !== 'teacher'
            ? turn.services.callbacks.visibleTo(personId, role).filter((r) => r.status === 'open' && handlerOf(turn.directory, r)?.id === personId).length
            : 0;
        const welcome = welcomeText(turn.t, turn.lang, turn.directory, turn.user);
        turn.say({ kind: 'text', text: [welcome, ...(waiting > 0 ? [turn.t('menu:waitingRequests', { count: waiting, item: turn.t('menu:callbackList') })] : [])].join('\n') });
      }
      return ask(choicePrompt(key('menu:prompt'), turn.menuChoices()));
    },
    /** Opens the chosen dialog (buttons are routed by the engine; this handles a typed number or label). */
    function openChoice(turn: DialogTurn) {
      return replace(String(turn.answer).slice(Payload.startDialog.length));
    },
  ],
});
