import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Adapter } from 'lowdb';
import { CodedError, ErrorCode, formatIssues } from '../core/errors.js';
import { DIR_MODE, FILE_MODE, FilePersistence, journalFiles, type FilePersistenceOptions } from './filePersistence.js';
import { applyEntry, encodeChanges, KEYED_COLLECTIONS, type ConversationChange, type KeyedCollection } from './journal.js';
import { conversationsDir, deltaFile, type Batch, type ColdSegment, type Persistence } from './persistence.js';
import { Db, emptyDb, STORE_VERSION } from './schema.js';

export { COLD_SEGMENTS, conversationsDir, deltaFile, journalFile, SEGMENTS, segmentFile, type ColdSegment, type Segment } from './persistence.js';
export { journalFiles } from './filePersistence.js';

/**
 * The store: the whole document in memory, validated when opened, written by group commits.
 * Repositories are the only code that changes it, and they report what they change (a cold segment,
 * a hot record, a web conversation), so a commit writes only that.
 */
export class Store {
  /** The write in progress, if any. */
  private writing: Promise<void> | undefined;
  /** The next write, shared by every commit that arrives before it starts. */
  private next: Promise<void> | undefined;
  private readonly dirtySegments = new Set<ColdSegment>();
  private readonly dirtyRecords = new Map<KeyedCollection, Set<string>>(KEYED_COLLECTIONS.map((c) => [c, new Set<string>()]));
  private readonly dirtyConversations = new Map<string, ConversationChange>();
  private fullPending = false;
  private changes = 0;

  constructor(
    readonly data: Db,
    private readonly persistence: Persistence,
    readonly name: string,
  ) {}

  /** Repositories call this when they change a cold collection. */
  changed(...segments: ColdSegment[]): void {
    this.changes++;
    for (const s of segments) this.dirtySegments.add(s);
  }

  /** Repositories call this for each record of a hot collection they create, change or delete. */
  recordChanged(collection: KeyedCollection, key: string): void {
    this.changes++;
    this.dirtyRecords.get(collection)!.add(key);
  }

  /**
   * How many changes to the collections repositories have reported (not web transcripts): equal at
   * two moments, nothing the nudge planners read changed in between (the scheduler plans again only
   * when it moved).
   */
  get revision(): number {
    return this.changes;
  }

  /** The web conversations repository reports each change to a conversation (see ConversationChange). */
  conversationChanged(id: string, change: ConversationChange = {}): void {
    const seen = this.dirtyConversations.get(id) ?? {};
    this.dirtyConversations.set(id, {
      rewrite: seen.rewrite || change.rewrite,
      trimmed: seen.trimmed || change.trimmed,
      appendFrom: change.appendFrom === undefined ? seen.appendFrom : Math.min(seen.appendFrom ?? change.appendFrom, change.appendFrom),
      meta: seen.meta || change.meta,
    });
  }

  /**
   * Group commit: resolves once a write that includes every change made before the call is on disk.
   * The write starts on the next turn of the event loop (setImmediate), after every request that
   * arrived with this one has run, and commits that arrive while it runs share the following one: a
   * batch of turns costs one journal append.
   */
  commit(): Promise<void> {
    if (this.next) return this.next;
    const after = this.writing ?? Promise.resolve();
    const next = after
      .catch(() => undefined)
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => {
        // From here on, new commits must wait for a later write: this one is being serialised.
        this.next = undefined;
        const batch = this.takeBatch();
        const writing = this.persistence.write(this.data, batch).then(
          () => {
            this.failedWrites = 0;
            // Whatever waited for an earlier batch that failed: this one wrote it too (putBack).
            const waiting = this.afterWrite.splice(0);
            for (const task of waiting) task();
          },
          (err: unknown) => {
            this.putBack(batch); // not on disk: the next commit writes them again
            this.retryLater();
            throw err;
          },
        );
        this.writing = writing;
        return writing.finally(() => {
          if (this.writing === writing) this.writing = undefined;
        });
      });
    this.next = next;
    return next;
  }

  /** Waits for the last write and releases open files; the store must not be used afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.commit();
    await this.persistence.close?.(this.data);
  }

  /** Resolves when no write, and no background snapshot, is running. */
  async idle(): Promise<void> {
    await this.writing?.catch(() => undefined);
    await this.persistence.idle?.();
  }

  private readonly afterWrite: (() => void)[] = [];
  private failedWrites = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  /**
   * After a failed write (a full disk), tries again by itself, 5 s later and then less often (up to
   * every 5 minutes), so that what was put back reaches the disk once it can, even if no turn
   * commits meanwhile. Unref'd: it never keeps the process alive.
   */
  private retryLater(): void {
    if (this.closed || this.retryTimer) return;
    this.failedWrites += 1;
    const delay = Math.min(5_000 * 2 ** (this.failedWrites - 1), 300_000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.commit().catch(() => undefined); // a failure schedules the next try
    }, delay);
    this.retryTimer.unref();
  }

  /**
   * Runs `task` once the next write succeeds. For what must follow a change that a failed commit left
   * in memory (a notice of it): that change is put back and written by the next write that succeeds,
   * whoever's commit it is.
   */
  whenNextWritten(task: () => void): void {
    this.afterWrite.push(task);
  }

  /** Writes everything (a new store, a restore, a migration). */
  commitAll(): Promise<void> {
    this.fullPending = true;
    return this.commit();
  }

  private takeBatch(): Batch {
    const batch: Batch = {
      full: this.fullPending,
      segments: new Set(this.dirtySegments),
      records: new Map([...this.dirtyRecords].map(([c, keys]) => [c, new Set(keys)])),
      conversations: new Map(this.dirtyConversations),
    };
    this.fullPending = false;
    this.dirtySegments.clear();
    for (const keys of this.dirtyRecords.values()) keys.clear();
    this.dirtyConversations.clear();
    return batch;
  }

  private putBack(batch: Batch): void {
    if (batch.full) this.fullPending = true;
    for (const s of batch.segments) this.dirtySegments.add(s);
    for (const [c, keys] of batch.records) for (const key of keys) this.recordChanged(c, key);
    for (const id of batch.conversations.keys()) this.conversationChanged(id, { rewrite: true });
  }
}

/**
 * How a store written by an older build is brought up to STORE_VERSION: each entry takes a document
 * of its version to the next. A migrated store is written at once, so that the builds it came from
 * refuse it from then on ("written by a newer version") rather than misread it.
 */
const MIGRATIONS: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {
  // Version 2 brought optional fields only: an officer's nudge settings (in `snoozes`), a teacher's
  // `trainingReminder` and the `trainingSurvey` nudge rule. Nothing to convert; the new version keeps
  // builds from before them from opening a store they would partly drop on their next write.
  1: (doc) => ({ ...doc, version: 2 }),
};

/** Brings an older document up to STORE_VERSION; the same object when it is current (or not a store at all). */
export function migrate(raw: unknown): unknown {
  let doc = raw;
  while (typeof doc === 'object' && doc !== null && 'version' in doc && typeof doc.version === 'number' && doc.version < STORE_VERSION) {
    const step = MIGRATIONS[doc.version];
    if (!step) break; // not a version this build knows: the schema check names it
    doc = step(doc as Record<string, unknown>);
  }
  return doc;
}

/** Validates what was read (migrated first if older); a problem stops the start with a message naming the store. */
function validate(read: unknown, name: string): Db {
  if (read === null) return emptyDb();
  if (typeof read === 'object' && read !== null && 'version' in read && typeof read.version === 'number' && read.version > STORE_VERSION) {
    throw new CodedError(
      ErrorCode.StoreInvalid,
      `Store ${name} was written by a newer version (schema ${read.version}, this build reads ${STORE_VERSION}). The file was left untouched.`,
    );
  }
  const raw = migrate(read);
  const parsed = Db.safeParse(raw);
  if (!parsed.success) {
    throw new CodedError(ErrorCode.StoreInvalid, `Store ${name} does not match the expected schema; the file was left untouched:\n${formatIssues(parsed.error.issues)}`);
  }
  return parsed.data;
}

/** Called with the document as read, before a migrated store is written over in the new version. */
type BeforeMigration = (read: unknown) => Promise<void>;

async function open(persistence: Persistence, name: string, beforeMigration?: BeforeMigration): Promise<Store> {
  let raw: unknown;
  try {
    raw = await persistence.read();
  } catch (err) {
    if (err instanceof CodedError) throw err;
    throw new CodedError(ErrorCode.StoreCorrupt, `Store ${name} cannot be read: ${(err as Error).message}. The file was left untouched; fix it or restore a backup.`);
  }
  const store = new Store(validate(raw, name), persistence, name);
  const migrated = raw !== null && migrate(raw) !== raw;
  if (migrated) await beforeMigration?.(raw);
  // A new store, or one just migrated: written whole, in this build's version.
  if (raw === null || migrated) await store.commitAll();
  return store;
}

/**
 * Opens a store through a whole-document adapter with lowdb's interface (tests give it a stand-in
 * disk; the assistant uses openFileStore). A document that cannot be read or does not match the
 * schema stops the start; it is never written.
 */
export function openStore(adapter: Adapter<unknown>, name: string): Promise<Store> {
  return open({ read: () => adapter.read(), write: (data) => adapter.write(data) }, name);
}

/** The production store: the files beside STORE_FILE (created with their folder on first start). */
export async function openFileStore(file: string, options: Omit<FilePersistenceOptions, 'readOnly'> = {}): Promise<Store> {
  await mkdir(dirname(file), { recursive: true, mode: DIR_MODE });
  const persistence = new FilePersistence(file, options);
  persistence.lock(); // before anything is read: what another writer would change under us
  let store: Store;
  try {
    store = await open(persistence, file, (read) => keepBeforeMigration(file, read));
  } catch (err) {
    persistence.unlock();
    throw err;
  }
  // A single-file store is split into segments at once: a later write of the core must not drop the rest.
  if (persistence.singleFile) await store.commitAll();
  // A replayed journal (the last stop was not clean) or a torn transcript: start from a fresh snapshot.
  else if (persistence.needsSnapshot) await persistence.snapshotNow(store.data);
  return store;
}

/**
 * Before a store is migrated, its whole document as the older build wrote it goes to one file beside
 * it (`db.before-version-2.json`): a backup in the older version, which that build's
 * `npm run store:restore` takes, to go back after an upgrade without losing what was stored since
 * the last daily backup.
 */
export function beforeMigrationFile(file: string): string {
  return join(dirname(file), `${basename(file, extname(file))}.before-version-${STORE_VERSION}.json`);
}

async function keepBeforeMigration(file: string, read: unknown): Promise<void> {
  await writeFile(beforeMigrationFile(file), JSON.stringify(read), { mode: FILE_MODE });
}

/**
 * For the command-line tools: a store file that is not there is a mistake (a typo in STORE_FILE, the
 * wrong directory), not an empty store. Reports on nothing, or nudges planned from nothing and sent
 * for real, would look like an answer.
 */
export function assertStoreExists(file: string): void {
  if (!existsSync(file)) {
    throw new CodedError(ErrorCode.StoreMissing, `No store at ${file}. Check STORE_FILE (and the directory you run this from); the assistant creates the store when it first starts.`);
  }
}

/**
 * A read-only snapshot of a store for reports and operator commands: validated like at start
 * (journal included), never written (a missing store reads as empty).
 */
export async function readStoreSnapshot(file: string): Promise<Store> {
  const persistence = new FilePersistence(file, { readOnly: true });
  const raw = await persistence.read();
  return new Store(validate(raw, file), persistence, file);
}

/** Writes a whole document as the files of `file` (a restore), replacing transcripts and journal. */
/** The caller holds the store's lock (`store:restore` takes it before it moves anything). */
export async function writeStoreFiles(file: string, data: Db): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: DIR_MODE });
  const persistence = new FilePersistence(file);
  await rm(conversationsDir(file), { recursive: true, force: true });
  for (const journal of await journalFiles(file)) await rm(journal, { force: true });
  await rm(deltaFile(file), { force: true });
  try {
    await persistence.snapshotNow(data, { everything: true });
  } finally {
    await persistence.close(data);
  }
}

/**
 * An in-memory store for tests, optionally seeded. With `checkChanges`, every commit also replays
 * its journal entry onto a replica and fails when the replica differs from the data: a repository
 * that changed a hot record without reporting it would lose that change on a restart.
 */
export async function openMemoryStore(seed?: Db, options: { checkChanges?: boolean } = {}): Promise<Store> {
  let kept: unknown = seed ? structuredClone(seed) : null;
  let replica: Record<string, unknown> | undefined;
  const store = await open(
    {
      read: async () => kept,
      write: async (data, batch) => {
        kept = data;
        if (!options.checkChanges) return;
        if (batch.full || !replica) {
          replica = JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
          return;
        }
        const line = encodeChanges(data, batch);
        if (line) applyEntry(replica, JSON.parse(line), 'memory');
        const actual = JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
        for (const collection of [...KEYED_COLLECTIONS, 'webConversations'] as const) {
          if (!isDeepStrictEqual(replica[collection], actual[collection])) {
            replica = actual;
            throw new Error(`Store change tracking: "${collection}" changed without being reported to the store (it would be lost on restart)`);
          }
        }
      },
    },
    'memory',
  );
  if (options.checkChanges) replica = JSON.parse(JSON.stringify(store.data)) as Record<string, unknown>;
  return store;
}
