import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from '../../src/core/errors.js';
import { emptyDb } from '../../src/store/schema.js';
import { openFileStore, openMemoryStore, openStore } from '../../src/store/store.js';
import { UsersRepository } from '../../src/store/users.js';

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

  it('memory store starts empty and validates its seed', async () => {
    const store = await openMemoryStore();
    expect(store.data).toEqual(emptyDb());
    await expect(openMemoryStore({ ...emptyDb(), dialogs: { k: { stack: 'nope' } } } as never)).rejects.toMatchObject({
      code: ErrorCode.StoreInvalid,
    });
  });
});
