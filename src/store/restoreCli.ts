import { copyFile, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { loadConfig } from '../config.js';
import { isCodedError } from '../core/errors.js';
import { backupName } from './backup.js';
import { readStoreSnapshot } from './store.js';

/**
 * `npm run store:restore -- <backup file>`: validates a backup like the store is validated at start,
 * keeps the current store beside it (`<store>.before-restore-<time>.json`), then puts the backup in
 * place atomically. Stop the assistant first: a running one would overwrite the restored file.
 */
async function main(): Promise<void> {
  const backup = process.argv[2];
  if (!backup) throw new Error('Usage: npm run store:restore -- <backup file> (see BACKUP_DIR, default data/backups)');
  const config = loadConfig();
  const snapshot = await readStoreSnapshot(backup); // throws with the problems when invalid
  if ((await stat(backup)).size === 0) throw new Error(`${backup} is empty`);
  let kept: string | undefined;
  try {
    await stat(config.storeFile);
    kept = `${config.storeFile}.before-restore-${backupName(new Date()).slice(3)}`;
    await copyFile(config.storeFile, kept);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const tmp = `${config.storeFile}.restore.tmp`;
  await writeFile(tmp, await readFile(backup));
  await rename(tmp, config.storeFile);
  const d = snapshot.data;
  process.stdout.write(
    `Restored ${backup} to ${config.storeFile} (${Object.keys(d.users).length} users, ${d.callbacks.length} call-back requests, ${d.contacts.length} contacts).` +
      (kept ? `\nThe previous store was kept as ${kept}.` : '') +
      '\n',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`Not restored: ${isCodedError(err) || err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
