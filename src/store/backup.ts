import { chmod, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DIR_MODE, FILE_MODE } from './filePersistence.js';
import type { Store } from './store.js';

/** Backups are `db-<UTC time>.json` files; the name sorts by time. */
const BACKUP_NAME = /^db-(\d{8}T\d{6}Z)\.json$/;

export function backupName(now: Date): string {
  return `db-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z')}.json`;
}

export async function listBackups(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => BACKUP_NAME.test(f)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** The time of the newest backup, or undefined. */
export async function lastBackupAt(dir: string): Promise<Date | undefined> {
  const newest = (await listBackups(dir)).at(-1);
  const stamp = newest?.match(BACKUP_NAME)?.[1];
  if (!stamp) return undefined;
  return new Date(`${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`);
}

/**
 * Writes a snapshot of the store (temp file, then rename) and keeps the newest `keep` backups.
 * Returns the backup's path.
 */
export async function backupStore(store: Store, dir: string, now: Date, keep: number): Promise<string> {
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  const file = join(dir, backupName(now));
  const tmp = `${file}.tmp`;
  await writeFile(tmp, JSON.stringify(store.data), { mode: FILE_MODE });
  await rename(tmp, file);
  const all = await listBackups(dir);
  for (const old of all.slice(0, Math.max(0, all.length - keep))) await rm(join(dir, old));
  // Backups and the folder made by an earlier build (or under a looser umask) are tightened too.
  await chmod(dir, DIR_MODE);
  for (const kept of all.slice(Math.max(0, all.length - keep))) await chmod(join(dir, kept), FILE_MODE).catch(() => undefined);
  // A backup interrupted between write and rename (a kill, a full disk) leaves a whole copy of the
  // store behind that no rotation would ever delete, erased people included.
  for (const name of await readdir(dir)) {
    if (name.endsWith('.json.tmp') && BACKUP_NAME.test(name.slice(0, -'.tmp'.length)) && join(dir, name) !== tmp) await rm(join(dir, name), { force: true });
  }
  return file;
}
