import { ownRecord } from './ownRecord.js';
import type { Store } from './store.js';
import type { DialogFrame } from './schema.js';
import { copyJson } from './copyJson.js';

/** Dialog stacks per conversation: the only module that touches `data.dialogs`. */
export class DialogStatesRepository {
  constructor(private readonly store: Store) {}

  /**
   * A copy of the stack, so a turn that fails half-way leaves the stored stack as it was (steps
   * change frames and their values in place).
   */
  load(conversationKey: string): DialogFrame[] {
    const state = ownRecord(this.store.data.dialogs, conversationKey);
    return state ? copyJson(state.stack) : [];
  }

  save(conversationKey: string, stack: DialogFrame[], now: Date): void {
    this.store.recordChanged('dialogs', conversationKey);
    if (stack.length === 0) {
      delete this.store.data.dialogs[conversationKey];
      return;
    }
    this.store.data.dialogs[conversationKey] = { stack, updatedAt: now.toISOString() };
  }

  delete(conversationKey: string): void {
    delete this.store.data.dialogs[conversationKey];
    this.store.recordChanged('dialogs', conversationKey);
  }

  /** Retention: dialogs left unfinished before `cutoff` are dropped (nobody resumes a month-old dialog). */
  deleteIdleSince(cutoff: Date): number {
    const limit = cutoff.toISOString();
    let removed = 0;
    for (const [key, state] of Object.entries(this.store.data.dialogs)) {
      if (state.updatedAt < limit) {
        delete this.store.data.dialogs[key];
        this.store.recordChanged('dialogs', key);
        removed += 1;
      }
    }
    return removed;
  }
}
