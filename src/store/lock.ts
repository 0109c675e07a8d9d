import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { CodedError, ErrorCode } from '../core/errors.js';
import { lockFile } from './persistence.js';

/**
 * One process per store. The store's files have no other guard, and a second writer (a second
 * server, a nudge tick or a restore while the assistant runs) silently undoes the first one's
 * writes. So whoever opens a store for writing holds data/db.lock, which names its process: another
 * process finds it and refuses, with a message saying who holds it. A lock left by a process that
 * is gone (killed, a crash, a reboot) is taken over. Readers (reports, a dry run) take no lock.
 */

/** Whether a process with this id runs (EPERM: it does, under another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the store's lock, or throws naming the process that holds it. Returns the release. */
export function acquireStoreLock(file: string): () => void {
  const path = lockFile(file);
  const mine = `${process.pid}\n`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, mine, { flag: 'wx', mode: 0o600 });
      return () => release(path, mine);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder = NaN;
    try {
      holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
    } catch {
      // Removed in between, or unreadable: try again, then report it.
    }
    // Our own pid: a store this process opened before (a test, or pid 1 again in a restarted container).
    if (Number.isInteger(holder) && holder !== process.pid && isRunning(holder)) {
      throw new CodedError(
        ErrorCode.StoreLocked,
        `The store ${file} is in use by another process (pid ${holder}): stop it first, as two processes writing one store undo each other's changes. If no such process is running, delete ${path}.`,
      );
    }
    rmSync(path, { force: true });
  }
  throw new CodedError(ErrorCode.StoreLocked, `Could not take the lock ${path} for the store ${file}: another process keeps creating it.`);
}

function release(path: string, mine: string): void {
  try {
    if (readFileSync(path, 'utf8') === mine) rmSync(path, { force: true });
  } catch {
    // Already gone.
  }
}
