import { defineDialog, end, type DialogTurn } from '../src/core/dialog.js';
import { TRAINING_REMINDER_OFF } from '../src/nudges/planners.js';

export const TRAINING_REMINDER = 'trainingReminder';

/** "Stop these reminders" on the yearly training survey reminder: the teacher is not asked again. */
export const trainingReminderDialog = defineDialog({
  id: TRAINING_REMINDER,
  payloadPrefix: 'trainingReminder:',
  // A reminder's button pressed in the middle of another dialog answers it and lets that dialog go on.
  interrupts: true,
  roles: ['teacher'],
  steps: [
    function stop(turn: DialogTurn) {
      if (turn.args.payload !== TRAINING_REMINDER_OFF) return end();
      turn.services.training.setReminder(turn.user.key, false);
      turn.services.nudges.forgetTrainingReminders(turn.user.key);
      turn.say({ kind: 'text', text: turn.t('training:remindOff') });
      return end();
    },
  ],
});
