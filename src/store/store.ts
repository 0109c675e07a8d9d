import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low, Memory, type Adapter } from 'lowdb';
import { DataFile } from 'lowdb/node';
import { CodedError, ErrorCode, formatIssues } from '../core/errors.js';
import { Db, emptyDb, STORE_VERSION } from './schema.js';

/**
 * The store: one lowdb document validated on open. Repositories (one module per collection)
 * change `data` in memory; the engine calls `commit()` once per turn. lowdb's JSONFile writes
 * through steno (temp file + rename), so a crash mid-write leaves the previous file intact.
 */
export class Store {
  /** The write in progress, if any. */
  private writing: Promise<void> | undefined;
  /** The next write, shared by every commit that arrives while one is in progress. */
  private next: Promise<void> | undefined;

  constructor(
    private readonly low: Low<Db>,
    readonly name: string,
  ) {}

  get data(): Db {
    return this.low.data;
  }

  /**
   * Group commit: resolves once a write that includes every change made before the call is on disk.
   * Turns that commit while a write is in progress share the next one, so the document is serialised
   * once per batch instead of once per turn.
   */
  commit(): Promise<void> {
    if (this.next) return this.next;
    const after = this.writing ?? Promise.resolve();
    const next = after
      .catch(() => undefined)
      .then(() => {
        // From here on, new commits must wait for a later write: this one may have serialised already.
        this.next = undefined;
        const writing = this.low.write();
        this.writing = writing;
        return writing.finally(() => {
          if (this.writing === writing) this.writing = undefined;
        });
      });
    this.next = next;
    return next;
  }
}

/**
 * Opens a store through any lowdb adapter. A file that cannot be parsed or does not match the
 * schema stops the start with a message naming the file; the file is never written in that case.
 */
export async function openStore(adapter: Adapter<unknown>, name: string): Promise<Store> {
  let raw: unknown;
  try {
    raw = await adapter.read();
  } catch (err) {
    throw new CodedError(
      ErrorCode.StoreCorrupt,
      `Store ${name} cannot be read: ${(err as Error).message}. The file was left untouched; fix it or restore a backup.`,
    );
  }
  const isNew = raw === null;
  if (!isNew && typeof raw === 'object' && raw !== null && 'version' in raw && typeof raw.version === 'number' && raw.version > STORE_VERSION) {
    throw new CodedError(
      ErrorCode.StoreInvalid,
      `Store ${name} was written by a newer version (schema ${raw.version}, this build reads ${STORE_VERSION}). The file was left untouched.`,
    );
  }
  const parsed = isNew ? { success: true as const, data: emptyDb() } : Db.safeParse(raw);
  if (!parsed.success) {
    throw new CodedError(
      ErrorCode.StoreInvalid,
      `Store ${name} does not match the expected schema; the file was left untouched:\n${formatIssues(parsed.error.issues)}`,
    );
  }
  const low = new Low<Db>(adapter as Adapter<Db>, parsed.data);
  low.data = parsed.data;
  const store = new Store(low, name);
  if (isNew) await store.commit();
  return store;
}

/**
 * lowdb's DataFile writes through steno (a temp file, then rename), so a crash mid-write leaves the
 * previous file. Compact JSON: the store is read by the program, not edited by hand, and is smaller
 * and faster to write that way.
 */
function jsonFile(file: string): Adapter<unknown> {
  return new DataFile<unknown>(file, { parse: (text) => JSON.parse(text) as unknown, stringify: (data) => JSON.stringify(data) });
}

/** The production store: a JSON file (created with its folder on first start). */
export async function openFileStore(file: string): Promise<Store> {
  await mkdir(dirname(file), { recursive: true });
  // Explicit adapter, not JSONFilePreset: the preset silently switches to memory under NODE_ENV=test.
  return openStore(jsonFile(file), file);
}

/**
 * A read-only snapshot of a store file for reports and operator commands: validated like at start,
 * never written (a missing file reads as empty).
 */
export async function readStoreSnapshot(file: string): Promise<Store> {
  const adapter = jsonFile(file);
  const readOnly: Adapter<unknown> = {
    read: () => adapter.read(),
    write: async () => {
      throw new Error(`${file} was opened read-only`);
    },
  };
  const raw = await readOnly.read().catch(() => undefined);
  if (raw === null) return new Store(new Low<Db>(readOnly as Adapter<Db>, emptyDb()), file);
  return openStore(readOnly, file);
}

/** An in-memory store for tests, optionally seeded. */
export async function openMemoryStore(seed?: Db): Promise<Store> {
  const adapter = new Memory<unknown>();
  if (seed) await adapter.write(structuredClone(seed));
  return openStore(adapter, 'memory');
}
