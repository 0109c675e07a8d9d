import { ask, choicePrompt, defineDialog, end, goto, key, SAVED, type DialogTurn } from '../src/core/dialog.js';
import { formatDate } from '../src/core/dates.js';
import type { KeepInTouchEvery } from '../src/core/nudgePreferences.js';
import { snoozeDays } from '../src/core/nudgePreferences.js';
import { hasMorningAndAfternoon } from '../src/nudges/workingTime.js';
import { KEEP_IN_TOUCH_EVERY_DAYS, NUDGE_WINDOWS, type NudgeWindow } from '../src/store/schema.js';

export const NUDGE_SETTINGS = 'nudgeSettings';
const EVERY = 'every:';
const WINDOW = 'window:';
const PAUSE = 'pause';
const RESUME = 'resume';
const DONE = 'done';

/** What the officer's nudges are set to now, and the changes on offer. */
function showSettings(turn: DialogTurn) {
  const personId = turn.user.personId;
  if (!personId) return end();
  turn.values[SAVED] = true; // each change is stored when chosen: leaving loses nothing
  const s = turn.services.nudges.settings(personId);
  const { start, end: until } = turn.directory.data.workingHours;
  const lines = [
    turn.t('nudges:settings.title'),
    `• ${turn.t('nudges:settings.every', { count: s.everyDays / 7 })}${s.snoozedUntil ? ` ${turn.t('nudges:settings.snoozedUntil', { date: formatDate(s.snoozedUntil, turn.lang) })}` : ''}`,
    `• ${turn.t(`nudges:settings.window.${s.window}`, { start, end: until })}`,
    `• ${turn.t('nudges:settings.always')}`,
  ];
  turn.say({ kind: 'text', text: lines.join('\n') });
  return ask(
    choicePrompt(key('nudges:settings.prompt'), [
      ...KEEP_IN_TOUCH_EVERY_DAYS.filter((d) => d !== s.everyDays).map((d) => ({ value: `${EVERY}${d}`, label: key('nudges:settings.setEvery', { count: d / 7 }) })),
      // Mornings or afternoons only where the working day has both.
      ...(hasMorningAndAfternoon(turn.directory.data.workingHours) ? NUDGE_WINDOWS.filter((w) => w !== s.window).map((w) => ({ value: `${WINDOW}${w}`, label: key(`nudges:settings.setWindow.${w}`) })) : []),
      s.snoozedUntil ? { value: RESUME, label: key('nudges:settings.resume') } : { value: PAUSE, label: key('nudges:snooze', { count: snoozeDays(s.everyDays) }) },
      { value: DONE, label: key('nudges:settings.done'), also: 'common:doneWords' },
    ]),
  );
}

/** Applies one change, says so, and shows the settings again until the officer is done. */
function applyChange(turn: DialogTurn) {
  const personId = turn.user.personId!;
  const answer = String(turn.answer);
  const nudges = turn.services.nudges;
  if (answer === DONE) return end();
  if (answer.startsWith(EVERY)) {
    const days = Number(answer.slice(EVERY.length)) as KeepInTouchEvery;
    if ((KEEP_IN_TOUCH_EVERY_DAYS as readonly number[]).includes(days)) nudges.setKeepInTouchEvery(personId, days);
  } else if (answer.startsWith(WINDOW)) {
    const window = answer.slice(WINDOW.length) as NudgeWindow;
    if ((NUDGE_WINDOWS as readonly string[]).includes(window)) nudges.setWindow(personId, window);
  } else if (answer === PAUSE) {
    nudges.snoozeKeepInTouch(personId);
  } else if (answer === RESUME) {
    nudges.resumeKeepInTouch(personId);
  }
  turn.say({ kind: 'text', text: turn.t('nudges:settings.saved') });
  return goto(showSettings);
}

/**
 * A liaison officer's own nudge settings: how often the keep-in-touch nudge comes (weekly, every two
 * or four weeks), the part of the working day nudges may come in, and a pause. Call-back reminders
 * and escalations are not theirs to switch off.
 */
export const nudgeSettingsDialog = defineDialog({
  id: NUDGE_SETTINGS,
  roles: ['liaison', 'coordinator'],
  menu: { label: 'menu:nudgeSettings', order: 58 },
  steps: [showSettings, applyChange],
});
