import type { Store } from './store.js';
import type { NudgeRecord } from './schema.js';

/** The nudge log and snoozes: the only module that touches `data.nudges` and `data.snoozes`. */
export class NudgeLogRepository {
  constructor(private readonly store: Store) {}

  get(key: string): NudgeRecord | undefined {
    return this.store.data.nudges[key];
  }

  set(key: string, record: NudgeRecord): void {
    this.store.data.nudges[key] = record;
    this.store.changed('nudges');
  }

  all(): [string, NudgeRecord][] {
    return Object.entries(this.store.data.nudges);
  }

  snooze(personId: string, rule: string, until: string): void {
    this.store.data.snoozes[personId] = { ...this.store.data.snoozes[personId], [rule]: until };
    this.store.recordChanged('snoozes', personId);
  }
}
