import type { Store } from './store.js';
import type { TrainingResponse } from './schema.js';

/** Training answers and, kept apart, who answered (salted hashes): the only module that touches them. */
export class TrainingRepository {
  constructor(private readonly store: Store) {}

  add(response: TrainingResponse): void {
    this.store.data.trainingResponses.push(response);
  }

  all(): readonly TrainingResponse[] {
    return this.store.data.trainingResponses;
  }

  saltFor(year: string, create: () => string): string {
    const entry = (this.store.data.trainingSubmitters[year] ??= { salt: create(), hashes: [] });
    return entry.salt;
  }

  hasHash(year: string, hash: string): boolean {
    return this.store.data.trainingSubmitters[year]?.hashes.includes(hash) ?? false;
  }

  addHash(year: string, hash: string): void {
    this.store.data.trainingSubmitters[year]?.hashes.push(hash);
  }

  dropHashesExcept(year: string): void {
    for (const key of Object.keys(this.store.data.trainingSubmitters)) if (key !== year) delete this.store.data.trainingSubmitters[key];
  }
}
