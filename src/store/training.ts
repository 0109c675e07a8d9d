import type { Store } from './store.js';
import type { TrainingResponse } from './schema.js';

/** Training answers and, kept apart, who answered (salted hashes): the only module that touches them. */
export class TrainingRepository {
  constructor(private readonly store: Store) {}

  add(response: TrainingResponse): void {
    this.store.data.trainingResponses.push(response);
    this.store.changed('training');
  }

  all(): readonly TrainingResponse[] {
    return this.store.data.trainingResponses;
  }

  /**
   * Rewrites every answer in place (`edit`) and puts them in the order `reorder` leaves them in; the
   * training segment is written with the turn. (Used to keep answers unlinkable, see TrainingService.)
   */
  rewriteAll(reorder: (answers: TrainingResponse[]) => void, edit: (answer: TrainingResponse) => void): void {
    reorder(this.store.data.trainingResponses);
    for (const answer of this.store.data.trainingResponses) edit(answer);
    this.store.changed('training');
  }

  saltFor(year: string, create: () => string): string {
    let entry = this.store.data.trainingSubmitters[year];
    if (!entry) {
      entry = this.store.data.trainingSubmitters[year] = { salt: create(), hashes: [] };
      this.store.changed('training');
    }
    return entry.salt;
  }

  hasHash(year: string, hash: string): boolean {
    return this.store.data.trainingSubmitters[year]?.hashes.includes(hash) ?? false;
  }

  removeHash(year: string, hash: string): boolean {
    const hashes = this.store.data.trainingSubmitters[year]?.hashes;
    const at = hashes?.indexOf(hash) ?? -1;
    if (at < 0) return false;
    hashes!.splice(at, 1);
    this.store.changed('training');
    return true;
  }

  addHash(year: string, hash: string): void {
    this.store.data.trainingSubmitters[year]?.hashes.push(hash);
    this.store.changed('training');
  }

  dropHashesExcept(year: string): void {
    for (const key of Object.keys(this.store.data.trainingSubmitters)) {
      if (key === year) continue;
      delete this.store.data.trainingSubmitters[key];
      this.store.changed('training');
    }
  }
}
