import { describe, expect, it } from '@jest/globals';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../src/core/errors.js';
import { CallbacksRepository } from '../../src/store/callbacks.js';
import { ContactsRepository } from '../../src/store/contacts.js';
import type { CallbackRequest, ContactLog } from '../../src/store/schema.js';
import { openFileStore } from '../../src/store/store.js';

describe('records are checked before they are added', () => {
  it('a record the store would refuse on open is refused now, and the store still opens with what it had', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'valid-record-')), 'db.json');
    const store = await openFileStore(file);
    const contacts = new ContactsRepository(store);
    const good: ContactLog = { id: 'c1', authorId: 'liaison-north', schoolId: 'oak-primary', kind: 'visit', date: '2026-11-20', tags: [], createdAt: '2026-11-20T10:00:00.000Z' };
    contacts.add(good);
    await store.commit();
    // A contact without its author (what a dialog continued by someone unknown to the directory produced).
    const broken = { ...good, id: 'c2', authorId: undefined } as unknown as ContactLog;
    expect(() => contacts.add(broken)).toThrow(expect.objectContaining({ code: ErrorCode.RecordInvalid, message: expect.stringContaining('authorId') }));
    const callbacks = new CallbacksRepository(store);
    expect(() => callbacks.add({ id: 'cb1', status: 'open' } as unknown as CallbackRequest)).toThrow(expect.objectContaining({ code: ErrorCode.RecordInvalid }));
    await store.commit();
    await store.close();

    const reopened = await openFileStore(file);
    expect(reopened.data.contacts.map((c) => c.id)).toEqual(['c1']);
    expect(reopened.data.callbacks).toEqual([]);
    await reopened.close();
  });
});
