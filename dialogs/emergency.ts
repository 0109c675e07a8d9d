import { ask, choicePrompt, defineDialog, end, key, type DialogTurn } from '../src/core/dialog.js';
import { CoreDialog } from '../src/core/engine.js';

export const EmergencyChoice = { Called: 'called', NotImmediate: 'not-immediate' } as const;

/**
 * Safety first: the directory's emergency number, then "tell your care coordinator in person", and
 * nothing else until the user confirms. Reachable from anywhere by keyword, button or the number itself.
 */
export const emergencyDialog = defineDialog({
  id: CoreDialog.Emergency,
  interrupts: true,
  holdsFocus: true,
  menu: { label: 'menu:emergency', order: 0 },
  steps: [
    /** Gives the number first, then waits for a confirmation. */
    function giveNumber(turn: DialogTurn) {
      const number = turn.directory.data.emergency.number;
      turn.say({ kind: 'text', text: turn.t('emergency:call', { number }) });
      // Teachers tell their own school's care coordinator; an officer has no school of their own.
      turn.say({ kind: 'text', text: turn.t(turn.user.role === 'teacher' ? 'emergency:tellInPerson' : 'emergency:tellInPersonOfficer') });
      return ask(
        choicePrompt(key('emergency:confirm'), [
          { value: EmergencyChoice.Called, label: key('emergency:called'), also: 'emergency:calledWords' },
          { value: EmergencyChoice.NotImmediate, label: key('emergency:notImmediate'), also: 'emergency:notImmediateWords' },
        ]),
      );
    },
    /** Acknowledges; whatever was running before continues. */
    function acknowledge(turn: DialogTurn) {
      // Facts go in the school's own system for a teacher, in the authority's records for an officer.
      const afterCall = turn.user.role === 'teacher' ? 'emergency:afterCall' : 'emergency:afterCallOfficer';
      turn.say({
        kind: 'text',
        // "I will help you find the right person" only where that follows (the worried-teacher dialog
        // goes on to the school); from the menu or in another dialog, whatever was running continues.
        text: turn.t(turn.answer === EmergencyChoice.Called ? afterCall : turn.args.fromConcern ? 'emergency:afterNotImmediate' : 'emergency:afterNotImmediateElsewhere'),
      });
      return end(turn.answer ?? null);
    },
  ],
});
