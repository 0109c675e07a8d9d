import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadConfig } from '../config.js';
import { isCodedError } from '../core/errors.js';
import { backupName } from './backup.js';
import { isStoreCoreDocument } from './filePersistence.js';
import { acquireStoreLock } from './lock.js';
import type { Db } from './schema.js';
import { DIR_MODE, restoreMarkerFile } from './persistence.js';
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
  // Restoring onto a new machine: the store's folder may not exist yet (the lock is taken in it).
  await mkdir(dirname(config.storeFile), { recursive: true, mode: DIR_MODE });
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

/** Written into the marker once every file of the store as it was has been set aside. */
const SET_ASIDE = 'all previous files set aside';

async function restore(storeFile: string, backup: string, data: Db): Promise<void> {
  const marker = restoreMarkerFile(storeFile);
  // A restore cut short before: the marker names the suffix the store as it was is (being) kept
  // under. Setting aside is taken up where it stopped (each step is done once: a file already kept
  // is not copied again, so a half-restored file is never kept as if it were the store), and only
  // then are the backup's files written.
  const before = (await readFile(marker, 'utf8').catch(() => '')).trim();
  suffix = /suffix (\.before-restore-[^\s;]+)/.exec(before)?.[1] ?? `.before-restore-${backupName(new Date()).slice(3, -5)}`;
  const note = `from ${backup}, started ${new Date().toISOString()}; the previous files are kept with the suffix ${suffix}`;
  if (!before.includes(SET_ASIDE)) {
    await writeFile(marker, `${note}\n`);
    await setAside(storeFile);
    await writeFile(marker, `${note}; ${SET_ASIDE}\n`);
  }
  // Everything kept, by this run or the one cut short.
  kept.length = 0;
  for (const name of await readdir(dirname(storeFile))) if (name.endsWith(suffix)) kept.push(join(dirname(storeFile), name));
  await writeStoreFiles(storeFile, data);
  await rm(marker);
}

/** `copy` holds the first bytes of `file` and fewer of them: a copy that stopped on the way. */
async function isCutShortCopy(copy: string, file: string): Promise<boolean> {
  const [head, whole] = await Promise.all([readFile(copy), readFile(file)]);
  return head.length < whole.length && whole.subarray(0, head.length).equals(head);
}

/**
 * Keeps every file of the store as it is beside it, under the suffix: the core and cold files copied
 * (through a temporary name, so that a copy cut short is never taken for a whole one), the journal,
 * the core's delta and the transcripts moved. Run again, it does only what is left.
 */
async function setAside(storeFile: string): Promise<void> {
  const exists = (path: string) => stat(path).then(() => true, () => false);
  for (const segment of Object.keys(SEGMENTS) as Segment[]) {
    const file = segmentFile(storeFile, segment);
    if (!(await exists(file))) continue;
    // Kept already, unless the copy was cut short: an earlier build copied straight to the final name,
    // so a full disk could leave the start of the file there (the file itself is still whole then).
    if ((await exists(`${file}${suffix}`)) && !(await isCutShortCopy(`${file}${suffix}`, file))) continue;
    await copyFile(file, `${file}${suffix}.part`);
    await rename(`${file}${suffix}.part`, `${file}${suffix}`);
    kept.push(`${file}${suffix}`);
  }
  const moveAside = async (path: string) => {
    if (!(await exists(path)) || (await exists(`${path}${suffix}`))) return;
    await rename(path, `${path}${suffix}`);
    kept.push(`${path}${suffix}`);
  };
  // The journal and the core's delta hold changes not in the core file: part of the previous store too.
  for (const journal of await journalFiles(storeFile)) await moveAside(journal);
  await moveAside(deltaFile(storeFile));
  await moveAside(conversationsDir(storeFile));
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
