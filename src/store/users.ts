import { isDeepStrictEqual } from 'node:util';
import { ownRecord } from './ownRecord.js';
import type { Store } from './store.js';
import { ConversationAddress, type User } from './schema.js';
import { validRecord } from './validRecord.js';
import type { Language } from '../i18n/languages.js';

/** How fine lastSeenAt is kept (see touch). */
export const LAST_SEEN_RESOLUTION_MS = 60_000;

/** The users collection: the only module that touches `data.users`. */
export class UsersRepository {
  constructor(private readonly store: Store) {}

  get(key: string): User | undefined {
    return ownRecord(this.store.data.users, key);
  }

  /**
   * Returns the user, creating the record on first contact; updates the locale hint, and lastSeenAt
   * once it is a minute old. Nothing reads lastSeenAt finer than that, and an unchanged record is
   * not written again: most turns leave the user record alone.
   */
  touch(key: string, channel: User['channel'], now: Date, localeHint?: string): User {
    const existing = ownRecord(this.store.data.users, key);
    if (existing) {
      if (now.getTime() - Date.parse(existing.lastSeenAt) >= LAST_SEEN_RESOLUTION_MS) {
        existing.lastSeenAt = now.toISOString();
        this.store.recordChanged('users', key);
      }
      if (localeHint && existing.localeHint !== localeHint) {
        existing.localeHint = localeHint;
        this.store.recordChanged('users', key);
      }
      return existing;
    }
    const user: User = { key, channel, createdAt: now.toISOString(), lastSeenAt: now.toISOString(), ...(localeHint ? { localeHint } : {}) };
    this.store.data.users[key] = user;
    this.store.recordChanged('users', key);
    return user;
  }

  setLanguage(key: string, language: Language): void {
    const user = this.changing(key);
    if (user) user.language = language;
  }

  setSchool(key: string, schoolId: string | undefined): void {
    const user = this.changing(key);
    if (user) user.schoolId = schoolId;
  }

  /** Keeps where to reach the user; an unchanged address (most turns) is not written again. */
  setAddress(key: string, address: ConversationAddress): void {
    const user = ownRecord(this.store.data.users, key);
    if (!user || isDeepStrictEqual(user.address, address)) return;
    // Checked like every record added: an address without its conversation kept the store from opening.
    validRecord(ConversationAddress, address, 'users');
    this.store.recordChanged('users', key);
    user.address = address;
  }

  /** A teacher's wish to be asked about training each new school year (`since`: the year they asked in), or its end. */
  setTrainingReminder(key: string, since: string | undefined): void {
    const user = this.changing(key);
    if (!user) return;
    if (since) user.trainingReminder = { since };
    else delete user.trainingReminder;
  }

  /** Records that the platform refused delivery for good; cleared once the user has been told. */
  markUnreachable(key: string, reason: string, now: Date): void {
    const user = this.changing(key);
    if (user) user.unreachable = { reason, at: now.toISOString() };
  }

  clearUnreachable(key: string): void {
    const user = this.changing(key);
    if (user) delete user.unreachable;
  }

  /** Users a platform refused to deliver to (for the coordinators' delivery-problems view). */
  withProblems(): User[] {
    return Object.values(this.store.data.users).filter((u) => u.unreachable);
  }

  delete(key: string): boolean {
    const existed = key in this.store.data.users;
    delete this.store.data.users[key];
    this.store.recordChanged('users', key);
    return existed;
  }

  /** The record about to be changed, reported to the store so the change is written. */
  private changing(key: string): User | undefined {
    const user = ownRecord(this.store.data.users, key);
    if (user) this.store.recordChanged('users', key);
    return user;
  }
}
