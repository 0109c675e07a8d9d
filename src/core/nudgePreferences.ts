import type { DirectoryView } from '../directory/directory.js';
import type { NudgeLogRepository } from '../store/nudgeLog.js';
import type { NudgeRecord, User } from '../store/schema.js';
import type { UsersRepository } from '../store/users.js';
import { addDays, localDate, type LocalDate } from './dates.js';

/** A send still "claimed" this long after it started was cut short by a stop (a send takes seconds). */
const INTERRUPTED_AFTER_MS = 15 * 60_000;

/** What a liaison officer can change about their nudges, and what coordinators see of failed deliveries. */
export class NudgePreferences {
  constructor(
    private readonly log: NudgeLogRepository,
    private readonly users: UsersRepository,
    private readonly directory: () => DirectoryView,
    private readonly clock: () => Date,
  ) {}

  /** Silences the keep-in-touch nudge for `days`; returns the first day it may come again. */
  snoozeKeepInTouch(personId: string, days: number): LocalDate {
    const until = addDays(localDate(this.clock(), this.directory().data.timeZone), days);
    this.log.snooze(personId, 'keepInTouch', until);
    return until;
  }

  /**
   * Nudges that could not be delivered for good, nudges whose send was interrupted (claimed, then the
   * process stopped before the outcome was written: never sent twice, so never retried, and perhaps
   * never received), and platform users marked unreachable.
   */
  deliveryProblems(): { nudges: NudgeRecord[]; unreachable: User[] } {
    const interruptedBefore = new Date(this.clock().getTime() - INTERRUPTED_AFTER_MS).toISOString();
    return {
      nudges: this.log
        .all()
        .map(([, r]) => r)
        .filter((r) => r.status === 'permanent' || (r.status === 'claimed' && r.claimedAt < interruptedBefore))
        .map((r) => (r.status === 'claimed' ? { ...r, lastError: 'interrupted' } : r))
        .sort((a, b) => b.claimedAt.localeCompare(a.claimedAt)),
      unreachable: this.users.withProblems(),
    };
  }
}
