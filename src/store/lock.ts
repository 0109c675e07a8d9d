import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CodedError, ErrorCode } from '../core/errors.js';
import { FILE_MODE, lockFile } from './persistence.js';

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
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      writeFileSync(path, mine, { flag: 'wx', mode: FILE_MODE });
      heldHere.set(path, 1);
      return once(() => release(path, mine));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = holderOf(path);
    // No pid yet: a lock being written this instant (or one left empty by a crash long ago).
    if (Number.isNaN(holder) && !isOld(path)) {
      sleep(20);
      continue;
    }
    // Our own pid, though not held here: a process before us with the same pid (pid 1 again in a
    // restarted container). Any other live process holds it.
    if (Number.isInteger(holder) && holder !== process.pid && isRunning(holder)) throw inUse(file, path, holder);
    // Stale. Taken over by one process at a time (whoever creates the takeover file): the others wait
    // and look again, so none deletes a lock another has just taken.
    if (!takeOver(path, holder)) sleep(20);
  }
  throw new CodedError(ErrorCode.StoreLocked, `Could not take the lock ${path} for the store ${file}: other processes keep taking it.`);
}

/** Removes a stale lock (still held by `stale`) under the takeover file; false if another process is taking it over. */
function takeOver(path: string, stale: number): boolean {
  const guard = `${path}.takeover`;
  try {
    writeFileSync(guard, `${process.pid}\n`, { flag: 'wx', mode: FILE_MODE });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // A takeover left by a process that died in it would block every start: it is old after a few seconds.
    try {
      if (Date.now() - statSync(guard).mtimeMs > 5_000) rmSync(guard, { force: true });
    } catch {
      // Gone meanwhile.
    }
    return false;
  }
  try {
    const holder = holderOf(path);
    if (holder === stale || (Number.isNaN(holder) && Number.isNaN(stale) && isOld(path))) rmSync(path, { force: true });
  } finally {
    rmSync(guard, { force: true });
  }
  return true;
}

/** A lock file without a pid for this long was not being written: it was left empty. */
function isOld(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > 2_000;
  } catch {
    return true;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
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
