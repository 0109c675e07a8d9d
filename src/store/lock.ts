import { randomUUID } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CodedError, ErrorCode } from '../core/errors.js';
import { lockFile } from './persistence.js';

/**
 * One process per store. The store's files have no other guard, and a second writer (a second
 * server, a nudge tick or a restore while the assistant runs) silently undoes the first one's
 * writes. So whoever opens a store for writing holds data/db.lock, which names its process: another
 * process finds it and refuses, with a message saying who holds it. A lock left by a process that
 * is gone (killed, a crash, a reboot) is taken over. Readers (reports, a dry run) take no lock.
 */

/**
 * Locks this process holds, by lock file, with how many opens share each: the file goes with the
 * last of them. (Tests reopen a store in one process to play a restart after a crash.)
 */
const heldHere = new Map<string, number>();

/** Whether a process with this id runs (EPERM: it does, under another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function holderOf(path: string): number {
  try {
    return Number.parseInt(readFileSync(path, 'utf8'), 10);
  } catch {
    return NaN;
  }
}

function inUse(file: string, path: string, holder: number): CodedError {
  return new CodedError(
    ErrorCode.StoreLocked,
    `The store ${file} is in use by another process (pid ${holder}): stop it first, as two processes writing one store undo each other's changes. If no such process is running, delete ${path}.`,
  );
}

/** Takes the store's lock, or throws naming the process that holds it. Returns the release. */
export function acquireStoreLock(file: string): () => void {
  const path = resolve(lockFile(file));
  const mine = `${process.pid}\n`;
  const shared = heldHere.get(path);
  if (shared !== undefined) {
    heldHere.set(path, shared + 1);
    return once(() => release(path, mine));
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      writeFileSync(path, mine, { flag: 'wx', mode: 0o600 });
      heldHere.set(path, 1);
      return once(() => release(path, mine));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = holderOf(path);
    // Our own pid, though not held here: a process before us with the same pid (pid 1 again in a
    // restarted container). Any other live process holds it.
    if (Number.isInteger(holder) && holder !== process.pid && isRunning(holder)) throw inUse(file, path, holder);
    // Stale. Moved aside rather than deleted: a rename is atomic, so of several processes taking over
    // at once only one moves it, and one that finds it has moved a live holder's fresh lock puts it back.
    const aside = `${path}.${process.pid}.${randomUUID()}`;
    try {
      renameSync(path, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // someone else moved it: try again
      throw err;
    }
    const moved = holderOf(aside);
    rmSync(aside, { force: true });
    if (Number.isInteger(moved) && moved !== holder && moved !== process.pid && isRunning(moved)) {
      try {
        writeFileSync(path, `${moved}\n`, { flag: 'wx', mode: 0o600 });
      } catch {
        // Yet another process holds it now; it will be named on the next attempt.
      }
      throw inUse(file, path, moved);
    }
  }
  throw new CodedError(ErrorCode.StoreLocked, `Could not take the lock ${path} for the store ${file}: other processes keep taking it.`);
}

/** A release called twice (close after a failed open, say) counts once. */
function once(release: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    release();
  };
}

function release(path: string, mine: string): void {
  const count = heldHere.get(path);
  if (count === undefined) return;
  if (count > 1) {
    heldHere.set(path, count - 1);
    return;
  }
  heldHere.delete(path);
  try {
    if (readFileSync(path, 'utf8') === mine) rmSync(path, { force: true });
  } catch {
    // Already gone.
  }
}
