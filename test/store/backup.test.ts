import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { backupStore, lastBackupAt } from '../../src/store/backup.js';
import { emptyDb, STORE_VERSION } from '../../src/store/schema.js';
import { openFileStore, openMemoryStore } from '../../src/store/store.js';
import { ErrorCode } from '../../src/core/errors.js';
import { UsersRepository } from '../../src/store/users.js';
import { killed, spawnServer } from '../helpers/process.js';

const run = promisify(execFile);
const temp = () => mkdtemp(join(tmpdir(), 'backup-'));

describe('backups', () => {
  it('a backup interrupted between write and rename leaves no copy behind: the next backup removes it', async () => {
    const dir = await temp();
    const store = await openMemoryStore();
    const interrupted = join(dir, 'db-20261101T030000Z.json.tmp');
    await writeFile(interrupted, JSON.stringify({ users: { 'slack:ERASED': {} } }));
    await writeFile(join(dir, 'notes.json.tmp'), 'not ours'); // not a backup's temp file: left alone
    await backupStore(store, dir, new Date(Date.UTC(2026, 10, 2, 3)), 7);
    expect((await readdir(dir)).sort()).toEqual(['db-20261102T030000Z.json', 'notes.json.tmp']);
  });

  it('keeps the last seven backups, newest by name', async () => {
    const dir = await temp();
    const store = await openMemoryStore();
    for (let day = 1; day <= 9; day++) await backupStore(store, dir, new Date(Date.UTC(2026, 10, day, 3)), 7);
    const files = await readdir(dir);
    expect(files).toHaveLength(7);
    expect(files.sort()[0]).toBe('db-20261103T030000Z.json');
    expect(await lastBackupAt(dir)).toEqual(new Date('2026-11-09T03:00:00Z'));
  });

  it('the running assistant backs up at start when the last backup is older than the interval', async () => {
    const dir = await temp();
    const server = await spawnServer({ STORE_FILE: join(dir, 'db.json'), BACKUP_DIR: join(dir, 'backups'), BACKUP_INTERVAL_HOURS: '24' });
    await killed(server.child, 'SIGTERM');
    const backups = await readdir(join(dir, 'backups'));
    expect(backups).toHaveLength(1);
    expect(JSON.parse(await readFile(join(dir, 'backups', backups[0]!), 'utf8')).version).toBe(STORE_VERSION);
  });

  it('npm run store:restore validates the backup, keeps the current store, and restores', async () => {
    const dir = await temp();
    const storeFile = join(dir, 'db.json');
    await writeFile(storeFile, JSON.stringify(emptyDb()));
    // A delta of the current core (see filePersistence.ts) is part of the current store as well.
    await writeFile(join(dir, 'db.delta.json'), JSON.stringify({ base: 'current', coveredGeneration: 1, webConversations: {}, records: {} }));
    const store = await openMemoryStore();
    new UsersRepository(store).touch('web:restored', 'web', new Date());
    const backup = await backupStore(store, join(dir, 'backups'), new Date('2026-11-20T03:00:00Z'), 7);
    const env = { PATH: process.env.PATH, STORE_FILE: storeFile };

    const broken = join(dir, 'broken.json');
    await writeFile(broken, JSON.stringify({ version: 1, users: { x: { key: 1 } } }));
    await expect(run(process.execPath, ['dist/src/store/restoreCli.js', broken], { env })).rejects.toMatchObject({ stderr: expect.stringContaining('Not restored') });
    expect(JSON.parse(await readFile(storeFile, 'utf8')).users).toEqual({}); // untouched

    // A store's own core file (here a copy of the current one, as written by the assistant) is not a backup.
    const core = join(dir, 'copy-of-db.json');
    await writeFile(core, JSON.stringify({ ...emptyDb(), version: 1001, base: 'current', coveredGeneration: 1 }));
    await expect(run(process.execPath, ['dist/src/store/restoreCli.js', core], { env })).rejects.toMatchObject({ stderr: expect.stringContaining("one of a store's own files, not a backup") });
    expect(JSON.parse(await readFile(storeFile, 'utf8')).users).toEqual({}); // untouched

    const { stdout } = await run(process.execPath, ['dist/src/store/restoreCli.js', backup], { env });
    expect(stdout).toContain('Restored');
    expect(Object.keys(JSON.parse(await readFile(storeFile, 'utf8')).users)).toEqual(['web:restored']);
    expect((await readdir(dir)).some((f) => f.startsWith('db.json.before-restore-'))).toBe(true);
    expect((await readdir(dir)).filter((f) => /^db\.[a-z]+\.json$/.test(f)).length).toBe(6); // the cold segment files, no delta
    expect((await readdir(dir)).some((f) => f.startsWith('db.delta.json.before-restore-'))).toBe(true);
    expect((await readdir(dir)).includes('db.restoring')).toBe(false);
  });

  it('a restore cut short keeps the store from opening with files of both stores, until the command is run again', async () => {
    const dir = await temp();
    const storeFile = join(dir, 'db.json');
    const store = await openMemoryStore();
    new UsersRepository(store).touch('web:restored', 'web', new Date());
    const backup = await backupStore(store, join(dir, 'backups'), new Date('2026-11-20T03:00:00Z'), 7);
    // What a kill between moving the old files aside and writing the new ones leaves.
    await writeFile(storeFile, JSON.stringify(emptyDb()));
    await writeFile(join(dir, 'db.restoring'), `from ${backup}, started 2026-11-24T10:00:00.000Z\n`);
    await expect(openFileStore(storeFile)).rejects.toMatchObject({ code: ErrorCode.StoreCorrupt, message: expect.stringContaining('store:restore') });
    await run(process.execPath, ['dist/src/store/restoreCli.js', backup], { env: { PATH: process.env.PATH, STORE_FILE: storeFile } });
    expect(Object.keys((await openFileStore(storeFile)).data.users)).toEqual(['web:restored']);
  });

  it('run again after a restore cut short, it says where the store as it was is kept (the first attempt\'s suffix), and keeps no half-restored files as if they were it', async () => {
    const dir = await temp();
    const storeFile = join(dir, 'db.json');
    const store = await openMemoryStore();
    new UsersRepository(store).touch('web:restored', 'web', new Date());
    const backup = await backupStore(store, join(dir, 'backups'), new Date('2026-11-20T03:00:00Z'), 7);
    const first = '.before-restore-20261124-100000';
    await writeFile(`${storeFile}${first}`, JSON.stringify(emptyDb())); // the store as it was, kept by the first attempt
    await writeFile(storeFile, JSON.stringify(emptyDb())); // half restored
    await writeFile(join(dir, 'db.restoring'), `from ${backup}, started 2026-11-24T10:00:00.000Z; the previous files are kept with the suffix ${first}\n`);
    const { stdout } = await run(process.execPath, ['dist/src/store/restoreCli.js', backup], { env: { PATH: process.env.PATH, STORE_FILE: storeFile } });
    expect(stdout).toContain(`kept with the suffix ${first}`);
    expect((await readdir(dir)).filter((f) => f.includes('.before-restore-') && !f.endsWith(first))).toEqual([]);
    expect(Object.keys((await openFileStore(storeFile)).data.users)).toEqual(['web:restored']);
  });

  it('a restore that fails while setting the old store aside (a full disk), run again, finishes setting it aside before it writes: nothing of the old store is lost', async () => {
    const dir = await temp();
    const storeFile = join(dir, 'db.json');
    const old = await openFileStore(storeFile);
    new UsersRepository(old).touch('web:before', 'web', new Date());
    old.data.callbacks.push({ id: 'cb-old', status: 'open', schoolId: 'oak-primary', assigneeId: 'liaison-north', urgency: 'week', way: 'phone', window: 'anytime', requesterName: 'Sam', requesterKey: 'web:before', requesterLanguage: 'en', createdAt: '2026-11-20T10:00:00.000Z', notifications: [] });
    old.changed('callbacks');
    await old.commit();
    await old.close();
    await writeFile(join(dir, 'db.journal.9.jsonl'), '{"records":{}}\n'); // stands for changes not yet in the core
    const oldCore = await readFile(storeFile, 'utf8');
    const oldCallbacks = await readFile(join(dir, 'db.callbacks.json'), 'utf8');
    const store = await openMemoryStore();
    new UsersRepository(store).touch('web:restored', 'web', new Date());
    const backup = await backupStore(store, join(dir, 'backups'), new Date('2026-11-20T03:00:00Z'), 7);
    // The copy of the second file fails, whatever second the suffix is named after (a folder in the way
    // of its temporary copy stands for a full disk).
    const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
    const blocks = Array.from({ length: 30 }, (_, i) => join(dir, `db.callbacks.json.before-restore-${stamp(Date.now() + i * 1000)}.part`));
    for (const block of blocks) await mkdir(block);
    const env = { PATH: process.env.PATH, STORE_FILE: storeFile };
    await expect(run(process.execPath, ['dist/src/store/restoreCli.js', backup], { env })).rejects.toMatchObject({ stderr: expect.stringContaining('Not restored') });
    await expect(openFileStore(storeFile)).rejects.toMatchObject({ code: ErrorCode.StoreCorrupt, message: expect.stringContaining('store:restore') });
    for (const block of blocks) await rm(block, { recursive: true });
    const { stdout } = await run(process.execPath, ['dist/src/store/restoreCli.js', backup], { env });
    const suffix = /suffix (\S+)\./.exec(stdout)![1]!;
    // The store as it was, whole, beside the restored one.
    expect(await readFile(`${storeFile}${suffix}`, 'utf8')).toBe(oldCore);
    expect(await readFile(join(dir, `db.callbacks.json${suffix}`), 'utf8')).toBe(oldCallbacks);
    expect(await readFile(join(dir, `db.journal.9.jsonl${suffix}`), 'utf8')).toBe('{"records":{}}\n');
    expect((await readdir(dir)).filter((f) => f.includes('.before-restore-') && !f.endsWith(suffix))).toEqual([]);
    expect(Object.keys((await openFileStore(storeFile)).data.users)).toEqual(['web:restored']);
  });

  it('a restore an earlier build left cut short while copying (a full disk), run again, copies again what was copied only in part', async () => {
    const dir = await temp();
    const storeFile = join(dir, 'db.json');
    const old = await openFileStore(storeFile);
    new UsersRepository(old).touch('web:before', 'web', new Date());
    await old.commit();
    await old.close();
    const oldCore = await readFile(storeFile, 'utf8');
    const store = await openMemoryStore();
    new UsersRepository(store).touch('web:restored', 'web', new Date());
    const backup = await backupStore(store, join(dir, 'backups'), new Date('2026-11-20T03:00:00Z'), 7);
    // The earlier build's marker (no word of being set aside) and the first 20 bytes of its copy.
    const first = '.before-restore-20261124T100000Z';
    await writeFile(`${storeFile}${first}`, oldCore.slice(0, 20));
    await writeFile(join(dir, 'db.restoring'), `from ${backup}, started 2026-11-24T10:00:00.000Z; the previous files are kept with the suffix ${first}\n`);
    await run(process.execPath, ['dist/src/store/restoreCli.js', backup], { env: { PATH: process.env.PATH, STORE_FILE: storeFile } });
    expect(await readFile(`${storeFile}${first}`, 'utf8')).toBe(oldCore);
    expect(Object.keys((await openFileStore(storeFile)).data.users)).toEqual(['web:restored']);
  });

  it('restores onto a new machine, where the store\'s folder does not exist yet', async () => {
    const dir = await temp();
    const storeFile = join(dir, 'new', 'place', 'db.json');
    const store = await openMemoryStore();
    new UsersRepository(store).touch('web:restored', 'web', new Date());
    const backup = await backupStore(store, join(dir, 'backups'), new Date('2026-11-20T03:00:00Z'), 7);
    await run(process.execPath, ['dist/src/store/restoreCli.js', backup], { env: { PATH: process.env.PATH, STORE_FILE: storeFile } });
    expect(Object.keys((await openFileStore(storeFile)).data.users)).toEqual(['web:restored']);
  });
});
