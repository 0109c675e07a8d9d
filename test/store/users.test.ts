import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { journalFile, openFileStore, openMemoryStore } from '../../src/store/store.js';
import { LAST_SEEN_RESOLUTION_MS, UsersRepository } from '../../src/store/users.js';

/** The users each journal line of the store's current generation holds. */
async function usersPerLine(file: string): Promise<string[][]> {
  const text = await readFile(journalFile(file, 2), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => Object.keys((JSON.parse(line) as { records?: { users?: object } }).records?.users ?? {}));
}

describe('UsersRepository', () => {
  it('writes a user record only when something in it changed: lastSeenAt to the minute, a new locale hint or address', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'users-')), 'db.json');
    const store = await openFileStore(file);
    const users = new UsersRepository(store);
    const t0 = new Date('2026-11-24T10:00:00.000Z');
    const at = (ms: number) => new Date(t0.getTime() + ms);
    const address = { channel: 'web' as const, conversationId: 'c1', data: {} };
    // Every step commits, so each leaves one journal line (a dialog record stands in for the turn's other changes).
    const turn = async (now: Date, locale?: string, where = address) => {
      users.touch('web:v1', 'web', now, locale);
      users.setAddress('web:v1', where);
      store.recordChanged('dialogs', 'web:c1');
      await store.commit();
    };

    await turn(t0, 'en'); // created
    await turn(at(1_000), 'en'); // nothing new
    await turn(at(LAST_SEEN_RESOLUTION_MS - 1), 'en'); // still within the minute
    await turn(at(LAST_SEEN_RESOLUTION_MS), 'en'); // a minute later: lastSeenAt moves
    await turn(at(LAST_SEEN_RESOLUTION_MS + 1_000), 'nl'); // new locale hint
    await turn(at(LAST_SEEN_RESOLUTION_MS + 2_000), 'nl', { ...address, conversationId: 'c2' }); // new address
    await turn(at(LAST_SEEN_RESOLUTION_MS + 3_000), 'nl', { ...address, conversationId: 'c2' }); // nothing new

    expect(await usersPerLine(file)).toEqual([['web:v1'], [], [], ['web:v1'], ['web:v1'], ['web:v1'], []]);
    expect(users.get('web:v1')).toMatchObject({
      lastSeenAt: at(LAST_SEEN_RESOLUTION_MS).toISOString(),
      localeHint: 'nl',
      address: { conversationId: 'c2' },
    });
    await store.close();
    // What was written is what is in memory.
    const reopened = await openFileStore(file);
    expect(reopened.data.users['web:v1']).toEqual(users.get('web:v1'));
    await reopened.close();
  });

  it('refuses an address that would not pass the store\'s schema on open, and keeps the one it had', async () => {
    const store = await openMemoryStore();
    const users = new UsersRepository(store);
    users.touch('slack:U7', 'slack', new Date('2026-11-25T10:00:00Z'));
    users.setAddress('slack:U7', { channel: 'slack', conversationId: 'D7', data: {} });
    const broken = { channel: 'slack', data: {} } as unknown as Parameters<UsersRepository['setAddress']>[1];
    expect(() => users.setAddress('slack:U7', broken)).toThrow(/invalid users record/);
    expect(users.get('slack:U7')!.address).toEqual({ channel: 'slack', conversationId: 'D7', data: {} });
  });

  it('finds no user under the names of what every object inherits', async () => {
    const users = new UsersRepository(await openMemoryStore());
    expect(users.get('__proto__')).toBeUndefined();
    expect(users.get('constructor')).toBeUndefined();
  });
});
