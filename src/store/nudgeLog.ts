import type { Store } from './store.js';
import type { NudgeRecord, NudgeSettings } from './schema.js';

/** The nudge log and each person's nudge settings: the only module that touches `data.nudges` and `data.snoozes`. */
export class NudgeLogRepository {
  constructor(private readonly store: Store) {}

  get(key: string): NudgeRecord | undefined {
    return this.store.data.nudges[key];
  }

  set(key: string, record: NudgeRecord): void {
    this.store.data.nudges[key] = record;
    this.store.changed('nudges');
  }

  /** Drops one record (a claim withdrawn before anything was sent). */
  forget(key: string): void {
    if (!(key in this.store.data.nudges)) return;
    delete this.store.data.nudges[key];
    this.store.changed('nudges');
  }

  /** Drops every record of nudges sent to this recipient ("delete my data" of a teacher reminded of the training survey). */
  forgetRecipient(recipientId: string, rule?: NudgeRecord['rule']): void {
    let changed = false;
    for (const [key, record] of Object.entries(this.store.data.nudges)) {
      if (record.recipientId !== recipientId || (rule && record.rule !== rule)) continue;
      delete this.store.data.nudges[key];
      changed = true;
    }
    if (changed) this.store.changed('nudges');
  }

  /** Drops records claimed before `cutoff` (their periods are past: no planner plans them again). */
  deleteClaimedBefore(cutoff: Date, keep: (record: NudgeRecord) => boolean = () => false): number {
    const before = cutoff.toISOString();
    const old = Object.entries(this.store.data.nudges).filter(([, r]) => r.claimedAt < before && !keep(r));
    for (const [key] of old) delete this.store.data.nudges[key];
    if (old.length > 0) this.store.changed('nudges');
    return old.length;
  }

  all(): [string, NudgeRecord][] {
    return Object.entries(this.store.data.nudges);
  }

  /** A person's nudge settings (snooze, interval, time window); empty when they never changed any. */
  settings(personId: string): NudgeSettings {
    return this.store.data.snoozes[personId] ?? {};
  }

  clearSettings(personId: string): void {
    if (!(personId in this.store.data.snoozes)) return;
    delete this.store.data.snoozes[personId];
    this.store.recordChanged('snoozes', personId);
  }

  /** Changes some of a person's settings; `undefined` in the patch clears that one. */
  updateSettings(personId: string, patch: Partial<NudgeSettings>): void {
    const next: NudgeSettings = { ...this.store.data.snoozes[personId], ...patch };
    for (const key of Object.keys(next) as (keyof NudgeSettings)[]) if (next[key] === undefined) delete next[key];
    this.store.data.snoozes[personId] = next;
    this.store.recordChanged('snoozes', personId);
  }
}
