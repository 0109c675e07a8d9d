import { ownRecord } from './ownRecord.js';
import type { Store } from './store.js';

/**
 * Idempotency records for platform events: Slack retries an event (X-Slack-Retry-Num) when it did
 * not see a quick 200, and may deliver one twice; a turn must never run twice. A claim is written
 * with the turn it starts, so a crash before the write lets the retry run it once.
 */
export class ProcessedEventsRepository {
  constructor(private readonly store: Store) {}

  /** True when this id was not seen before (and is now claimed until `expiresAt`). */
  claim(id: string, now: Date, ttlMs: number): boolean {
    const seen = ownRecord(this.store.data.processedEvents, id);
    if (seen && seen > now.toISOString()) return false;
    // Set synchronously, so a duplicate arriving while the first turn runs is refused too.
    this.store.data.processedEvents[id] = new Date(now.getTime() + ttlMs).toISOString();
    this.store.recordChanged('processedEvents', id);
    return true;
  }

  /** Drops expired records so the collection stays small. */
  prune(now: Date): void {
    const limit = now.toISOString();
    for (const [id, expiresAt] of Object.entries(this.store.data.processedEvents)) {
      if (expiresAt <= limit) {
        delete this.store.data.processedEvents[id];
        this.store.recordChanged('processedEvents', id);
      }
    }
  }
}
