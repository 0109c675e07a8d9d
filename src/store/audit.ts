import type { Store } from './store.js';
import type { AuditEntry } from './schema.js';

/** The audit log: the only module that touches `data.audit`. */
export class AuditRepository {
  constructor(private readonly store: Store) {}

  add(entry: AuditEntry): void {
    this.store.data.audit.push(entry);
    this.store.changed('audit');
  }

  all(): readonly AuditEntry[] {
    return this.store.data.audit;
  }

  deleteBefore(cutoff: Date): number {
    const limit = cutoff.toISOString();
    const before = this.store.data.audit.length;
    this.store.data.audit = this.store.data.audit.filter((e) => e.at >= limit);
    if (this.store.data.audit.length < before) this.store.changed('audit');
    return before - this.store.data.audit.length;
  }
}
