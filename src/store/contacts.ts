import { lastContactBySchool } from '../core/schoolsOverview.js';
import type { Store } from './store.js';
import { ContactLog } from './schema.js';
import { validRecord } from './validRecord.js';

/** The contact log: the only module that touches `data.contacts`. */
export class ContactsRepository {
  constructor(private readonly store: Store) {}

  add(contact: ContactLog): void {
    this.store.data.contacts.push(validRecord(ContactLog, contact, 'contacts'));
    this.changed();
  }

  /** Services that change an entry in place call this so it is written. */
  changed(): void {
    this.store.changed('contacts');
  }

  get(id: string): ContactLog | undefined {
    return this.store.data.contacts.find((c) => c.id === id);
  }

  all(): readonly ContactLog[] {
    return this.store.data.contacts;
  }

  byAuthor(authorId: string): ContactLog[] {
    return this.store.data.contacts.filter((c) => c.authorId === authorId);
  }

  delete(id: string): boolean {
    const before = this.store.data.contacts.length;
    this.store.data.contacts = this.store.data.contacts.filter((c) => c.id !== id);
    this.changed();
    return this.store.data.contacts.length < before;
  }

  /** The most recent contact date per school. */
  lastContactBySchool(): Map<string, string> {
    return lastContactBySchool(this.store.data.contacts);
  }
}
