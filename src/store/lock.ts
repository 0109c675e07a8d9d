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
 *
 * The file holds the pid, then (on Linux) the boot and the moment that process started: after a
 * reboot, or once the pid went to another process, a live process with that pid is not the holder,
 * and the lock is taken over instead of blocking every start until someone deletes it. A lock with
 * only a pid (written by an older build, or where /proc cannot be read) is judged by the pid alone.
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

/**
 * Which process a pid names now: `<boot id>:<start time in clock ticks since boot>`, from /proc
 * (readable for every process, whoever runs it). Undefined where there is no /proc, or the process is gone.
 */
export function processIdentity(pid: number): string | undefined {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): the 22nd field of the line, starttime, is the 20th of these.
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return boot && start && /^\d+$/.test(start) ? `${boot}:${start}` : undefined;
  } catch {
    return undefined;
  }
}

interface Holder {
  pid: number;
  identity: string | undefined;
}

function holderOf(path: string): Holder {
  try {
    const [pid, identity] = readFileSync(path, 'utf8').split('\n');
    return { pid: Number.parseInt(pid ?? '', 10), identity: identity || undefined };
  } catch {
    return { pid: NaN, identity: undefined };
  }
}

/** Whether the process that wrote the lock still runs: its pid runs, and (when both are known) it is the same process. */
function holderRuns(holder: Holder): boolean {
  if (!isRunning(holder.pid)) return false;
  if (holder.identity === undefined) return true;
  const now = processIdentity(holder.pid);
  return now === undefined || now === holder.identity;
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
  const identity = processIdentity(process.pid);
  const mine = `${process.pid}\n${identity ? `${identity}\n` : ''}`;
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
    if (Number.isNaN(holder.pid) && !isOld(path)) {
      sleep(20);
      continue;
    }
    // Our own pid, though not held here: a process before us with the same pid (pid 1 again in a
    // restarted container). Any other live process holds it.
    if (Number.isInteger(holder.pid) && holder.pid !== process.pid && holderRuns(holder)) throw inUse(file, path, holder.pid);
    // Stale. Taken over by one process at a time (whoever creates the takeover file): the others wait
    // and look again, so none deletes a lock another has just taken.
    if (!takeOver(path, holder)) sleep(20);
  }
  throw new CodedError(ErrorCode.StoreLocked, `Could not take the lock ${path} for the store ${file}: other processes keep taking it.`);
}

/** Removes a stale lock (still held by `stale`) under the takeover file; false if another process is taking it over. */
function takeOver(path: string, stale: Holder): boolean {
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
    const same = holder.pid === stale.pid && holder.identity === stale.identity;
    if ((same && !Number.isNaN(holder.pid)) || (Number.isNaN(holder.pid) && Number.isNaN(stale.pid) && isOld(path))) rmSync(path, { force: true });
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
