import { randomUUID } from 'node:crypto';
import type { DirectoryView, Role } from '../directory/directory.js';
import type { ContactsRepository } from '../store/contacts.js';
import type { ContactLog } from '../store/schema.js';
import { daysBetween, localDate, type LocalDate } from './dates.js';
import { schoolsOverview, type SchoolRow } from './schoolsOverview.js';

export type ContactChange = 'ok' | 'not-found' | 'not-allowed' | 'expired';

/** A button payload that starts logging a contact with this school: `logContact:<schoolId>`. */
export const LOG_CONTACT_PAYLOAD = 'logContact:';
/** At most this many "Log a contact with …" buttons, for the most overdue schools. */
export const LOG_CONTACT_BUTTONS = 3;

/** The liaison officers' contact log: logging, the author's one-week correction window, the overview. */
export class ContactService {
  constructor(
    private readonly repo: ContactsRepository,
    private readonly directory: () => DirectoryView,
    private readonly clock: () => Date,
  ) {}

  /** Today in the municipality's time zone. */
  today(): LocalDate {
    return localDate(this.clock(), this.directory().data.timeZone);
  }

  log(entry: Pick<ContactLog, 'authorId' | 'schoolId' | 'kind' | 'date' | 'tags'>): ContactLog {
    const contact: ContactLog = { id: randomUUID(), ...entry, createdAt: this.clock().toISOString() };
    this.repo.add(contact);
    return contact;
  }

  get(id: string): ContactLog | undefined {
    return this.repo.get(id);
  }

  /** Only the author, and only within the edit window (directory intervals.contactEditDays, default 7). */
  check(id: string, personId: string | undefined): ContactChange {
    const contact = this.repo.get(id);
    if (!contact) return 'not-found';
    if (contact.authorId !== personId) return 'not-allowed';
    const age = daysBetween(localDate(new Date(contact.createdAt), this.directory().data.timeZone), this.today());
    return age > this.directory().data.intervals.contactEditDays ? 'expired' : 'ok';
  }

  /** The author's contacts that can still be corrected, newest first. */
  editableBy(personId: string): ContactLog[] {
    return this.repo
      .byAuthor(personId)
      .filter((c) => this.check(c.id, personId) === 'ok')
      .sort((a, b) => b.date.localeCompare(a.date) || b.createdAt.localeCompare(a.createdAt));
  }

  update(id: string, personId: string | undefined, changes: Partial<Pick<ContactLog, 'kind' | 'date' | 'tags'>>): ContactChange {
    const result = this.check(id, personId);
    if (result !== 'ok') return result;
    Object.assign(this.repo.get(id)!, changes, { updatedAt: this.clock().toISOString() });
    this.repo.changed();
    return 'ok';
  }

  remove(id: string, personId: string | undefined): ContactChange {
    const result = this.check(id, personId);
    if (result === 'ok') this.repo.delete(id);
    return result;
  }

  overview(viewer: { personId: string | undefined; role: Role }): SchoolRow[] {
    return schoolsOverview(this.directory(), this.repo.lastContactBySchool(), this.today(), viewer);
  }
}
