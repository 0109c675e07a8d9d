import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from '../../src/core/errors.js';
import { emptyDb } from '../../src/store/schema.js';
import { openFileStore, openMemoryStore } from '../../src/store/store.js';
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

  it('memory store starts empty and validates its seed', async () => {
    const store = await openMemoryStore();
    expect(store.data).toEqual(emptyDb());
    await expect(openMemoryStore({ ...emptyDb(), dialogs: { k: { stack: 'nope' } } } as never)).rejects.toMatchObject({
      code: ErrorCode.StoreInvalid,
    });
  });
});
