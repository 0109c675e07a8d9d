import type { Store } from './store.js';
import type { ConversationAddress, User } from './schema.js';
import type { Language } from '../i18n/languages.js';

/** The users collection: the only module that touches `data.users`. */
export class UsersRepository {
  constructor(private readonly store: Store) {}

  get(key: string): User | undefined {
    return this.store.data.users[key];
  }

  /** Returns the user, creating the record on first contact; updates lastSeenAt and the locale hint. */
  touch(key: string, channel: User['channel'], now: Date, localeHint?: string): User {
    const existing = this.store.data.users[key];
    this.store.recordChanged('users', key);
    if (existing) {
      existing.lastSeenAt = now.toISOString();
      if (localeHint) existing.localeHint = localeHint;
      return existing;
    }
    const user: User = { key, channel, createdAt: now.toISOString(), lastSeenAt: now.toISOString(), ...(localeHint ? { localeHint } : {}) };
    this.store.data.users[key] = user;
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

  setAddress(key: string, address: ConversationAddress): void {
    const user = this.changing(key);
    if (user) user.address = address;
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
    const user = this.store.data.users[key];
    if (user) this.store.recordChanged('users', key);
    return user;
  }
}
