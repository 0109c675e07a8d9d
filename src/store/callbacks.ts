import type { Store } from './store.js';
import { CallbackRequest } from './schema.js';
import { validRecord } from './validRecord.js';

/** Call-back requests: the only module that touches `data.callbacks`. */
export class CallbacksRepository {
  constructor(private readonly store: Store) {}

  add(request: CallbackRequest): void {
    this.store.data.callbacks.push(validRecord(CallbackRequest, request, 'callbacks'));
    this.changed();
  }

  /** Services that change a request in place call this so it is written. */
  changed(): void {
    this.store.changed('callbacks');
  }

  get(id: string): CallbackRequest | undefined {
    return this.store.data.callbacks.find((c) => c.id === id);
  }

  /** Open and acknowledged requests, oldest first. */
  unfinished(): CallbackRequest[] {
    return this.store.data.callbacks.filter((c) => c.status !== 'done').sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  byRequester(requesterKey: string): CallbackRequest[] {
    return this.store.data.callbacks.filter((c) => c.requesterKey === requesterKey);
  }

  deleteByRequester(requesterKey: string): number {
    const before = this.store.data.callbacks.length;
    this.store.data.callbacks = this.store.data.callbacks.filter((c) => c.requesterKey !== requesterKey);
    this.changed();
    return before - this.store.data.callbacks.length;
  }

  /**
   * Retention of requests nobody finished: deletes open and acknowledged requests made before
   * `cutoff` for which `mayGo` agrees; returns how many.
   */
  deleteUnfinishedMadeBefore(cutoff: Date, mayGo: (request: CallbackRequest) => boolean): number {
    const limit = cutoff.toISOString();
    const before = this.store.data.callbacks.length;
    this.store.data.callbacks = this.store.data.callbacks.filter((c) => !(c.status !== 'done' && c.createdAt < limit && mayGo(c)));
    const removed = before - this.store.data.callbacks.length;
    if (removed > 0) this.changed();
    return removed;
  }

  /** Retention: deletes requests done before `cutoff`; returns how many. */
  deleteDoneBefore(cutoff: Date): number {
    const limit = cutoff.toISOString();
    const before = this.store.data.callbacks.length;
    this.store.data.callbacks = this.store.data.callbacks.filter((c) => !(c.status === 'done' && (c.doneAt ?? c.createdAt) < limit));
    this.changed();
    return before - this.store.data.callbacks.length;
  }
}
