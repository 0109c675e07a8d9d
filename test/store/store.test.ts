import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from '../../src/core/errors.js';
import { emptyDb } from '../../src/store/schema.js';
import { openFileStore, openMemoryStore, openStore } from '../../src/store/store.js';
import { UsersRepository } from '../../src/store/users.js';
import { WebConversationsRepository } from '../../src/store/webConversations.js';

async function tempFile(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'store-')), 'nested', 'db.json');
}

describe('store', () => {
  it('creates a new file with the schema version, and reads back what was committed', async () => {
    const file = await tempFile();
    const store = await openFileStore(file);
    new UsersRepository(store).touch('web:v1', 'web', new Date('2026-11-24T10:00:00Z'));
    await store.commit();

    const reopened = await openFileStore(file);
    expect(reopened.data.version).toBe(1);
    expect(reopened.data.users['web:v1']?.channel).toBe('web');
  });

  it('when the file is not JSON, stops with a message naming the file and leaves it untouched', async () => {
    const file = await tempFile();
    await openFileStore(file);
    await writeFile(file, '{"version": 1, "users": {');
    await expect(openFileStore(file)).rejects.toMatchObject({ code: ErrorCode.StoreCorrupt, message: expect.stringContaining(file) });
    expect(await readFile(file, 'utf8')).toBe('{"version": 1, "users": {');
  });

  it('when the file does not match the schema, lists the problems with their paths and leaves it untouched', async () => {
    const file = await tempFile();
    await openFileStore(file);
    const bad = JSON.stringify({ ...emptyDb(), users: { x: { key: 'x', channel: 'fax' } } });
    await writeFile(file, bad);
    await expect(openFileStore(file)).rejects.toMatchObject({
      code: ErrorCode.StoreInvalid,
      message: expect.stringMatching(/users\.x\.channel/),
    });
    expect(await readFile(file, 'utf8')).toBe(bad);
  });

  it('refuses a file written by a newer version', async () => {
    const file = await tempFile();
    await openFileStore(file);
    await writeFile(file, JSON.stringify({ ...emptyDb(), version: 2 }));
    await expect(openFileStore(file)).rejects.toMatchObject({ message: expect.stringMatching(/newer version/) });
  });

  it('group commit: commits made while a write is running share the next write, and every change lands', async () => {
    let writes = 0;
    let release: () => void = () => undefined;
    const written: string[] = [];
    const adapter = {
      read: async () => null,
      write: async (data: unknown) => {
        writes += 1;
        written.push(JSON.stringify(data));
        if (writes === 2) await new Promise<void>((r) => (release = r)); // hold the first turn-write open
      },
    };
    const store = await openStore(adapter, 'slow');
    expect(writes).toBe(1); // the new store's first write
    const users = new UsersRepository(store);
    users.touch('a', 'web', new Date());
    const first = store.commit();
    while (writes < 2) await new Promise((r) => setImmediate(r)); // the first turn-write is now running
    const later = [1, 2, 3, 4, 5].map((i) => {
      users.touch(`u${i}`, 'web', new Date());
      return store.commit();
    });
    release();
    await Promise.all([first, ...later]);
    expect(writes).toBe(3); // one for the first commit, one shared by the five that came meanwhile
    expect(Object.keys(JSON.parse(written.at(-1)!).users).sort()).toEqual(['a', 'u1', 'u2', 'u3', 'u4', 'u5']);
  });

  it('writes segments: the core every commit, a cold collection only when changed, one file per web conversation', async () => {
    const file = await tempFile();
    const store = await openFileStore(file);
    const dir = join(file, '..');
    const { readdir, stat } = await import('node:fs/promises');
    expect((await readdir(dir)).sort()).toEqual(['db.audit.json', 'db.callbacks.json', 'db.contacts.json', 'db.json', 'db.nudges.json', 'db.protocol.json', 'db.training.json']);
    const contactsBefore = (await stat(join(dir, 'db.contacts.json'))).mtimeMs;
    const web = new WebConversationsRepository(store);
    web.create({ id: 'conv1', userId: 'v1', tokens: [], createdAt: '2026-11-24T10:00:00.000Z', lastActiveAt: '2026-11-24T10:00:00.000Z', firstWatermark: 0, activities: [], started: true });
    new UsersRepository(store).touch('web:v1', 'web', new Date());
    await new Promise((r) => setTimeout(r, 20));
    await store.commit();
    expect((await stat(join(dir, 'db.contacts.json'))).mtimeMs).toBe(contactsBefore); // untouched cold segment
    expect(await readdir(join(dir, 'db.web'))).toEqual(['conv1.jsonl']);
    const reopened = await openFileStore(file);
    expect(reopened.data.webConversations.conv1?.userId).toBe('v1');
    expect(reopened.data.users['web:v1']).toBeDefined();
    new WebConversationsRepository(reopened).delete('conv1');
    await reopened.commit();
    expect(await readdir(join(dir, 'db.web'))).toEqual([]);
  });

  it('a transcript is appended turn by turn; a line cut short by a crash is dropped on reading', async () => {
    const file = await tempFile();
    const store = await openFileStore(file);
    const web = new WebConversationsRepository(store);
    web.create({ id: 'c2', userId: 'v2', tokens: [], createdAt: '2026-11-24T10:00:00.000Z', lastActiveAt: '2026-11-24T10:00:00.000Z', firstWatermark: 0, activities: [], started: true });
    const activity = (n: number) => ({ id: `c2|${n}`, type: 'message', timestamp: '2026-11-24T10:00:00.000Z', text: `message ${n}` });
    for (let n = 0; n < 3; n++) {
      web.append('c2', [activity(n)]);
      await store.commit();
    }
    const transcript = join(file, '..', 'db.web', 'c2.jsonl');
    const { appendFile } = await import('node:fs/promises');
    expect((await readFile(transcript, 'utf8')).trim().split('\n')).toHaveLength(3);
    await appendFile(transcript, '{"id":"c2|3","type":"mess'); // killed mid-append
    const reopened = await openFileStore(file);
    expect(reopened.data.webConversations.c2?.activities.map((a) => a.text)).toEqual(['message 0', 'message 1', 'message 2']);
    // The torn line was repaired at open, so appending again keeps the transcript readable.
    new WebConversationsRepository(reopened).append('c2', [activity(3)]);
    await reopened.commit();
    const again = await openFileStore(file);
    expect(again.data.webConversations.c2?.activities.map((a) => a.text)).toEqual(['message 0', 'message 1', 'message 2', 'message 3']);
  });

  it('a corrupt segment file stops the start, naming that file, and is left untouched', async () => {
    const file = await tempFile();
    await openFileStore(file);
    const segment = join(file, '..', 'db.contacts.json');
    await writeFile(segment, '{"contacts": [');
    await expect(openFileStore(file)).rejects.toMatchObject({ code: ErrorCode.StoreCorrupt, message: expect.stringContaining(segment) });
    expect(await readFile(segment, 'utf8')).toBe('{"contacts": [');
  });

  it('reads a single-file store (the older layout, or a restored backup) and splits it into segments at once', async () => {
    const file = await tempFile();
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, JSON.stringify({ ...emptyDb(), contacts: [{ id: 'c', authorId: 'a', schoolId: 's', kind: 'visit', date: '2026-11-01', tags: [], createdAt: '2026-11-01T10:00:00.000Z' }] }));
    const store = await openFileStore(file);
    expect(store.data.contacts).toHaveLength(1);
    await store.commit(); // an ordinary (core-only) write must not lose the contacts
    const reopened = await openFileStore(file);
    expect(reopened.data.contacts).toHaveLength(1);
    expect(JSON.parse(await readFile(file, 'utf8')).contacts).toBeUndefined(); // now in db.contacts.json
  });

  it('memory store starts empty and validates its seed', async () => {
    const store = await openMemoryStore();
    expect(store.data).toEqual(emptyDb());
    await expect(openMemoryStore({ ...emptyDb(), dialogs: { k: { stack: 'nope' } } } as never)).rejects.toMatchObject({
      code: ErrorCode.StoreInvalid,
    });
  });
});
