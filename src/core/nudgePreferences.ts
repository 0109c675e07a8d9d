import type { DirectoryView } from '../directory/directory.js';
import type { Person } from '../directory/schema.js';
import { Notifier } from './notifier.js';
import type { NudgeLogRepository } from '../store/nudgeLog.js';
import { DEFAULT_KEEP_IN_TOUCH_DAYS, type KEEP_IN_TOUCH_EVERY_DAYS, type NudgeRecord, type NudgeWindow, type User } from '../store/schema.js';

export type KeepInTouchEvery = (typeof KEEP_IN_TOUCH_EVERY_DAYS)[number];
import type { UsersRepository } from '../store/users.js';
import { addDays, localDate, type LocalDate } from './dates.js';

const SNOOZE_DAYS = 7;

/**
 * How long a snooze (or a pause in the settings) keeps the keep-in-touch nudge away: a week, or the
 * officer's own interval when longer. A week for an officer nudged every four weeks would bring the
 * next nudge sooner than without it (the rhythm restarts when a snooze ends).
 */
export function snoozeDays(everyDays: number): number {
  return Math.max(SNOOZE_DAYS, everyDays);
}

/** A send still "claimed" this long after it started was cut short by a stop (a send takes seconds). */
const INTERRUPTED_AFTER_MS = 15 * 60_000;

/** What a liaison officer can change about their nudges, and what coordinators see of failed deliveries. */
export class NudgePreferences {
  constructor(
    private readonly log: NudgeLogRepository,
    private readonly users: UsersRepository,
    private readonly directory: () => DirectoryView,
    private readonly clock: () => Date,
    /** Whether the notifier has a way to reach a directory person (see Notifier.canReach). */
    private readonly canReach: (person: Person) => boolean = () => true,
    private readonly hasOfficerChannel: () => boolean = () => true,
  ) {}

  /** Silences the keep-in-touch nudge for `snoozeDays` of the person's interval; returns the first day it may come again. */
  snoozeKeepInTouch(personId: string): LocalDate {
    const until = addDays(this.today(), snoozeDays(this.settings(personId).everyDays));
    this.log.updateSettings(personId, { keepInTouch: until });
    return until;
  }

  /** A teacher stopped the training survey reminder: the log of the ones sent to them goes too. */
  forgetTrainingReminders(userKey: string): void {
    this.log.forgetRecipient(userKey, 'trainingSurvey');
  }

  /** Ends a snooze now. */
  resumeKeepInTouch(personId: string): void {
    this.log.updateSettings(personId, { keepInTouch: undefined });
  }

  /** The person's settings, with the defaults filled in; `snoozedUntil` only while a snooze runs. */
  settings(personId: string): { everyDays: KeepInTouchEvery; window: NudgeWindow; snoozedUntil?: LocalDate } {
    const s = this.log.settings(personId);
    const snoozed = s.keepInTouch && s.keepInTouch > this.today() ? { snoozedUntil: s.keepInTouch } : {};
    return { everyDays: s.keepInTouchEveryDays ?? DEFAULT_KEEP_IN_TOUCH_DAYS, window: s.window ?? 'all', ...snoozed };
  }

  setKeepInTouchEvery(personId: string, days: KeepInTouchEvery): void {
    this.log.updateSettings(personId, { keepInTouchEveryDays: days === DEFAULT_KEEP_IN_TOUCH_DAYS ? undefined : days });
  }

  setWindow(personId: string, window: NudgeWindow): void {
    this.log.updateSettings(personId, { window: window === 'all' ? undefined : window });
  }

  private today(): LocalDate {
    return localDate(this.clock(), this.directory().data.timeZone);
  }

  /**
   * Nudges that could not be delivered for good, nudges whose send was interrupted (claimed, then the
   * process stopped before the outcome was written: never sent twice, so never retried, and perhaps
   * never received), and platform users marked unreachable.
   */
  deliveryProblems(): { nudges: NudgeRecord[]; unreachable: User[]; noWayToReach: Person[] } {
    const interruptedBefore = new Date(this.clock().getTime() - INTERRUPTED_AFTER_MS).toISOString();
    return {
      nudges: this.log
        .all()
        .map(([, r]) => r)
        .filter((r) => r.status === 'permanent' || (r.status === 'claimed' && r.claimedAt < interruptedBefore))
        .map((r) => (r.status === 'claimed' ? { ...r, lastError: 'interrupted' } : r))
        .sort((a, b) => b.claimedAt.localeCompare(a.claimedAt)),
      unreachable: this.users.withProblems(),
      // Before anything fails: officers whose call-back notices and nudges have nowhere to go yet (not
      // those a platform refused, listed above, nor anyone on a deployment with neither Slack nor Teams).
      noWayToReach: this.hasOfficerChannel()
        ? this.directory().data.people.filter((p) => !this.canReach(p) && !Notifier.keysOf(p).some((key) => this.users.get(key)?.unreachable))
        : [],
    };
  }
}
