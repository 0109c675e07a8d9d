import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { CodedError, ErrorCode, formatIssues } from '../core/errors.js';
import { Db, emptyDb, STORE_VERSION } from './schema.js';

/**
 * The store is written in segments, one file each, so that a turn, which changes only "hot" data
 * (users, dialog state, web transcripts), never rewrites the "cold" collections that grow for years
 * (contact log, training answers, audit log …). Hot segments are written on every commit; a cold
 * segment only after a repository marked it changed.
 */
export const SEGMENTS = {
  core: ['version', 'users', 'dialogs', 'processedEvents', 'snoozes'],
  web: ['webConversations'],
  callbacks: ['callbacks'],
  contacts: ['contacts'],
  protocol: ['protocolEvaluations', 'platformMeetings'],
  nudges: ['nudges'],
  training: ['trainingResponses', 'trainingSubmitters'],
  audit: ['audit'],
} as const satisfies Record<string, readonly (keyof Db)[]>;
export type Segment = keyof typeof SEGMENTS;
const HOT: readonly Segment[] = ['core', 'web'];
const ALL = Object.keys(SEGMENTS) as Segment[];

/** Where a store's bytes go: a whole-document adapter (tests, backups), or segment files. */
export interface Persistence {
  read(): Promise<unknown | null>;
  write(data: Db, segments: ReadonlySet<Segment>): Promise<void>;
}

export class Store {
  /** The write in progress, if any. */
  private writing: Promise<void> | undefined;
  /** The next write, shared by every commit that arrives while one is in progress. */
  private next: Promise<void> | undefined;
  private readonly dirty = new Set<Segment>();

  constructor(
    readonly data: Db,
    private readonly persistence: Persistence,
    readonly name: string,
  ) {}

  /** Repositories call this when they change a cold collection. */
  changed(...segments: Segment[]): void {
    for (const s of segments) this.dirty.add(s);
  }

  /**
   * Group commit: resolves once a write that includes every change made before the call is on disk.
   * Turns that commit while a write is in progress share the next one, so each segment is
   * serialised once per batch instead of once per turn.
   */
  commit(): Promise<void> {
    if (this.next) return this.next;
    const after = this.writing ?? Promise.resolve();
    const next = after
      .catch(() => undefined)
      .then(() => {
        // From here on, new commits must wait for a later write: this one may have serialised already.
        this.next = undefined;
        const segments = new Set<Segment>([...HOT, ...this.dirty]);
        this.dirty.clear();
        const writing = this.persistence.write(this.data, segments).catch((err: unknown) => {
          for (const s of segments) this.dirty.add(s); // not on disk: the next commit writes them again
          throw err;
        });
        this.writing = writing;
        return writing.finally(() => {
          if (this.writing === writing) this.writing = undefined;
        });
      });
    this.next = next;
    return next;
  }

  /** Writes every segment (after a restore or a migration). */
  commitAll(): Promise<void> {
    this.changed(...ALL);
    return this.commit();
  }
}

/** Validates what was read; a problem stops the start with a message naming the store. */
function validate(raw: unknown, name: string): Db {
  if (raw === null) return emptyDb();
  if (typeof raw === 'object' && raw !== null && 'version' in raw && typeof raw.version === 'number' && raw.version > STORE_VERSION) {
    throw new CodedError(
      ErrorCode.StoreInvalid,
      `Store ${name} was written by a newer version (schema ${raw.version}, this build reads ${STORE_VERSION}). The file was left untouched.`,
    );
  }
  const parsed = Db.safeParse(raw);
  if (!parsed.success) {
    throw new CodedError(ErrorCode.StoreInvalid, `Store ${name} does not match the expected schema; the file was left untouched:\n${formatIssues(parsed.error.issues)}`);
  }
  return parsed.data;
}

async function open(persistence: Persistence, name: string): Promise<Store> {
  let raw: unknown;
  try {
    raw = await persistence.read();
  } catch (err) {
    if (err instanceof CodedError) throw err;
    throw new CodedError(ErrorCode.StoreCorrupt, `Store ${name} cannot be read: ${(err as Error).message}. The file was left untouched; fix it or restore a backup.`);
  }
  const store = new Store(validate(raw, name), persistence, name);
  if (raw === null) await store.commitAll();
  return store;
}

/**
 * Opens a store through a whole-document lowdb adapter (memory in tests, a single JSON file). A
 * document that cannot be read or does not match the schema stops the start; it is never written.
 */
export function openStore(adapter: Adapter<unknown>, name: string): Promise<Store> {
  return open({ read: () => adapter.read(), write: (data) => adapter.write(data) }, name);
}

/** The segment files of a store file: data/db.json holds the core, data/db.contacts.json … the rest. */
export function segmentFile(file: string, segment: Segment): string {
  if (segment === 'core') return file;
  const ext = extname(file) || '.json';
  return join(dirname(file), `${basename(file, ext)}.${segment}${ext}`);
}

async function readJson(file: string): Promise<Record<string, unknown> | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new CodedError(ErrorCode.StoreCorrupt, `Store file ${file} is not valid JSON (${(err as Error).message}). The file was left untouched; fix it or restore a backup.`);
  }
}

/** Atomic replace: a temp file, then rename; a crash mid-write leaves the previous file. */
async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.tmp`);
  await writeFile(tmp, text);
  await rename(tmp, file);
}

function filePersistence(file: string, options: { readOnly?: boolean } = {}): Persistence {
  return {
    async read() {
      const core = await readJson(file);
      if (core === null) return null;
      // A single-file store (older layout, or a restored backup) holds every collection in the core
      // file; segment files, when present, hold the newer data.
      const merged: Record<string, unknown> = { ...core };
      for (const segment of ALL.filter((s) => s !== 'core')) {
        const part = await readJson(segmentFile(file, segment));
        if (part) Object.assign(merged, part);
      }
      return merged;
    },
    async write(data, segments) {
      if (options.readOnly) throw new Error(`${file} was opened read-only`);
      // Cold segments first, the core (dialog state) last: a crash in between never advances a
      // dialog past data that was not written.
      const order = [...segments].sort((a, b) => Number(a === 'core') - Number(b === 'core'));
      for (const segment of order) {
        const part = Object.fromEntries(SEGMENTS[segment].map((key) => [key, data[key]]));
        await writeAtomic(segmentFile(file, segment), JSON.stringify(part));
      }
    },
  };
}

/** The production store: segment files beside STORE_FILE (created with their folder on first start). */
export async function openFileStore(file: string): Promise<Store> {
  await mkdir(dirname(file), { recursive: true });
  return open(filePersistence(file), file);
}

/**
 * A read-only snapshot of a store for reports and operator commands: validated like at start,
 * never written (a missing store reads as empty).
 */
export async function readStoreSnapshot(file: string): Promise<Store> {
  const persistence = filePersistence(file, { readOnly: true });
  const raw = await persistence.read();
  return new Store(validate(raw, file), persistence, file);
}

/** Writes a whole document as the segment files of `file` (a restore), each atomically. */
export async function writeStoreFiles(file: string, data: Db): Promise<string[]> {
  await mkdir(dirname(file), { recursive: true });
  await filePersistence(file).write(data, new Set(ALL));
  return ALL.map((segment) => segmentFile(file, segment));
}

/** An in-memory store for tests, optionally seeded. */
export async function openMemoryStore(seed?: Db): Promise<Store> {
  let kept: unknown = seed ? structuredClone(seed) : null;
  return open(
    {
      read: async () => kept,
      write: async (data) => {
        kept = data;
      },
    },
    'memory',
  );
}
