import { copyFile, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { loadConfig } from '../config.js';
import { isCodedError } from '../core/errors.js';
import { backupName } from './backup.js';
import { isStoreCoreDocument } from './filePersistence.js';
import { acquireStoreLock } from './lock.js';
import type { Db } from './schema.js';
import { restoreMarkerFile } from './persistence.js';
import { conversationsDir, deltaFile, journalFiles, readStoreSnapshot, SEGMENTS, segmentFile, writeStoreFiles, type Segment } from './store.js';

/**
 * `npm run store:restore -- <backup file>`: validates a backup like the store is validated at start,
 * keeps the current store files beside them (`….before-restore-<time>`), then writes the backup
 * in their place. Stop the assistant first: a running one would overwrite the restored files.
 * Until it has finished, a marker file keeps the store from opening (a restore cut short by a kill or
 * a full disk leaves files of both stores); running the command again completes it.
 */
const kept: string[] = [];
let suffix = '';

async function main(): Promise<void> {
  const backup = process.argv[2];
  const usage = 'Usage: npm run store:restore -- <backup file> (see BACKUP_DIR, default data/backups); stop the assistant first';
  if (backup === '--help' || backup === '-h') {
    process.stdout.write(`${usage}\n`);
    return;
  }
  if (!backup || backup.startsWith('-')) throw new Error(backup ? `Unknown option ${backup}\n${usage}` : usage);
  const config = loadConfig();
  if ((await stat(backup)).size === 0) throw new Error(`${backup} is empty`);
  // A store's own file (data/db.json itself, or a copy of it) holds only part of the data: restored,
  // it would leave a store without its call-back requests, contacts and transcripts.
  if (isStoreCoreDocument(await readJsonOrUndefined(backup))) {
    throw new Error(`${backup} is one of a store's own files, not a backup: it holds only part of the data (the rest is in the files beside it). Give a backup from BACKUP_DIR (default data/backups, named db-<date>.json).`);
  }
  const snapshot = await readStoreSnapshot(backup); // throws, listing the problems, when invalid
  // Refused while the assistant (or anything else) has the store open: it would write its own state
  // over the restored one. Taken before anything is moved, and held to the end.
  const release = acquireStoreLock(config.storeFile);
  try {
    await restore(config.storeFile, backup, snapshot.data);
  } finally {
    release();
  }
  const d = snapshot.data;
  process.stdout.write(
    `Restored ${backup} to ${config.storeFile} (${Object.keys(d.users).length} users, ${d.callbacks.length} call-back requests, ${d.contacts.length} contacts).` +
      (kept.length ? `\nThe previous store files were kept with the suffix ${suffix}.` : '') +
      '\n',
  );
}

/** The file as JSON; undefined when it is not (the validation that follows says what is wrong). */
async function readJsonOrUndefined(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

async function restore(storeFile: string, backup: string, data: Db): Promise<void> {
  const marker = restoreMarkerFile(storeFile);
  // A restore cut short before: the store as it was is already kept under that attempt's suffix, and
  // the files in place are half restored. They are written over, not kept as if they were the store.
  const earlier = /suffix (\S+)$/.exec((await readFile(marker, 'utf8').catch(() => '')).trim())?.[1];
  if (earlier) {
    suffix = earlier;
    kept.push(earlier);
    await writeStoreFiles(storeFile, data);
    await rm(marker);
    return;
  }
  suffix = `.before-restore-${backupName(new Date()).slice(3, -5)}`;
  await writeFile(marker, `from ${backup}, started ${new Date().toISOString()}; the previous files are kept with the suffix ${suffix}\n`);
  for (const segment of Object.keys(SEGMENTS) as Segment[]) {
    const file = segmentFile(storeFile, segment);
    try {
      await copyFile(file, `${file}${suffix}`);
      kept.push(`${file}${suffix}`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  const moveAside = async (path: string) => {
    try {
      await rename(path, `${path}${suffix}`);
      kept.push(`${path}${suffix}`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  };
  // The journal and the core's delta hold changes not in the core file: part of the previous store too.
  for (const journal of await journalFiles(storeFile)) await moveAside(journal);
  await moveAside(deltaFile(storeFile));
  await moveAside(conversationsDir(storeFile));
  await writeStoreFiles(storeFile, data);
  await rm(marker);
}

main().catch((err: unknown) => {
  process.stderr.write(`Not restored: ${isCodedError(err) || err instanceof Error ? err.message : String(err)}\n`);
  if (kept.length > 0) {
    process.stderr.write(
      `The previous store files were kept with the suffix ${suffix}. The store will not open until a restore finishes: fix the cause and run the same command again.\n`,
    );
  }
  process.exitCode = 1;
});
