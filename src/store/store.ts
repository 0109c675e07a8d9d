import { mkdir, open as openFile, readFile, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
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
  /** Web conversations' metadata (tokens, watermark) is core; their transcripts are files of their own. */
  core: ['version', 'users', 'dialogs', 'webConversations', 'processedEvents', 'snoozes'],
  /** Transcripts: one append-only file per conversation (see conversationsDir). */
  web: [],
  callbacks: ['callbacks'],
  contacts: ['contacts'],
  protocol: ['protocolEvaluations', 'platformMeetings'],
  nudges: ['nudges'],
  training: ['trainingResponses', 'trainingSubmitters'],
  audit: ['audit'],
} as const satisfies Record<string, readonly (keyof Db)[]>;
export type Segment = keyof typeof SEGMENTS;
const HOT: readonly Segment[] = ['core'];
const ALL = Object.keys(SEGMENTS) as Segment[];

/**
 * What changed in a web conversation since the last write: `appendFrom` is the watermark of the first
 * new activity (only those are appended); `rewrite` means the transcript itself changed (trimmed,
 * cleared, new). Without either, only its metadata (tokens, last activity) changed.
 */
export interface ConversationChange {
  rewrite?: boolean;
  appendFrom?: number;
}

/** Where a store's bytes go: a whole-document adapter (tests, backups), or segment files. */
export interface Persistence {
  read(): Promise<unknown | null>;
  /** `conversations`: the web conversations changed (or deleted) since the last write. */
  write(data: Db, segments: ReadonlySet<Segment>, conversations: ReadonlyMap<string, ConversationChange>): Promise<void>;
  /** Releases open files (after the last commit). */
  close?(): Promise<void>;
}

export class Store {
  /** The write in progress, if any. */
  private writing: Promise<void> | undefined;
  /** The next write, shared by every commit that arrives while one is in progress. */
  private next: Promise<void> | undefined;
  private readonly dirty = new Set<Segment>();
  private readonly dirtyConversations = new Map<string, ConversationChange>();

  constructor(
    readonly data: Db,
    private readonly persistence: Persistence,
    readonly name: string,
  ) {}

  /** Repositories call this when they change a cold collection. */
  changed(...segments: Segment[]): void {
    for (const s of segments) this.dirty.add(s);
  }

  /** The web conversations repository reports each change to a conversation (see ConversationChange). */
  conversationChanged(id: string, change: ConversationChange = {}): void {
    const seen = this.dirtyConversations.get(id) ?? {};
    this.dirtyConversations.set(id, {
      rewrite: seen.rewrite || change.rewrite,
      appendFrom: change.appendFrom === undefined ? seen.appendFrom : Math.min(seen.appendFrom ?? change.appendFrom, change.appendFrom),
    });
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
        const conversations = new Map(this.dirtyConversations);
        this.dirty.clear();
        this.dirtyConversations.clear();
        const writing = this.persistence.write(this.data, segments, conversations).catch((err: unknown) => {
          // Not on disk: the next commit writes them again.
          for (const s of segments) this.dirty.add(s);
          for (const id of conversations.keys()) this.dirtyConversations.set(id, { rewrite: true });
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

  /** Waits for the last write and releases open files; the store must not be used afterwards. */
  async close(): Promise<void> {
    await this.commit();
    await this.persistence.close?.();
  }

  /** Writes every segment (after a restore or a migration). */
  commitAll(): Promise<void> {
    this.changed(...ALL);
    for (const id of Object.keys(this.data.webConversations)) this.dirtyConversations.set(id, { rewrite: true });
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

/** Web conversations live one file each in data/db.web/, so a turn rewrites only its own transcript. */
export function conversationsDir(file: string): string {
  const ext = extname(file) || '.json';
  return join(dirname(file), `${basename(file, ext)}.web`);
}

/**
 * A conversation's activities are `<id>.jsonl`, one per line, appended as they come (its metadata is
 * in the core file). Ids are base64url (see the web channel), safe as file names; others are encoded.
 */
const conversationBase = (dir: string, id: string) => join(dir, /^[A-Za-z0-9_-]+$/.test(id) ? id : encodeURIComponent(id));

/** Reads a transcript; a last line cut short by a crash mid-append is dropped (and `torn` set). */
async function readTranscript(file: string, onTorn: () => void): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const activities: unknown[] = [];
  lines.forEach((line, i) => {
    try {
      activities.push(JSON.parse(line));
    } catch (err) {
      if (i < lines.length - 1) throw new CodedError(ErrorCode.StoreCorrupt, `Store file ${file} line ${i + 1} is not valid JSON (${(err as Error).message}); the file was left untouched.`);
      onTorn();
    }
  });
  return activities;
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

/**
 * Open append handles of transcript files, so a batch appends without opening and closing each
 * file again; the least recently used are closed beyond a bound.
 */
class AppendHandles {
  private readonly handles = new Map<string, Promise<FileHandle>>();
  constructor(private readonly max = 256) {}

  async append(path: string, text: string): Promise<void> {
    let handle = this.handles.get(path);
    if (handle) this.handles.delete(path); // re-inserted below: most recently used last
    handle ??= openFile(path, 'a');
    this.handles.set(path, handle);
    if (this.handles.size > this.max) {
      const [oldest, closing] = this.handles.entries().next().value as [string, Promise<FileHandle>];
      this.handles.delete(oldest);
      void closing.then((h) => h.close()).catch(() => undefined);
    }
    await (await handle).write(text);
  }

  async closeAll(): Promise<void> {
    const all = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(all.map(async (h) => (await h).close().catch(() => undefined)));
  }

  /** Before a file is replaced or removed, its handle must go. */
  async forget(path: string): Promise<void> {
    const handle = this.handles.get(path);
    if (!handle) return;
    this.handles.delete(path);
    await (await handle).close().catch(() => undefined);
  }
}

function filePersistence(file: string, options: { readOnly?: boolean } = {}): Persistence & { singleFile: boolean; torn: string[] } {
  const handles = new AppendHandles();
  let dirReady = false;
  return {
    /** Set by read() when the core file still holds every collection (it must be split before a write). */
    singleFile: false,
    /** Conversations whose transcript ended in a line cut short by a crash: rewritten at open. */
    torn: [],
    close: () => handles.closeAll(),
    async read() {
      const core = await readJson(file);
      if (core === null) return null;
      const coreKeys: readonly string[] = SEGMENTS.core;
      const conversations = (core.webConversations ?? {}) as Record<string, Record<string, unknown>>;
      // A single-file store (the older layout, or a restored backup) holds every collection, and the
      // transcripts, in the core file; it is split into segments when opened.
      this.singleFile =
        Object.keys(core).some((key) => !coreKeys.includes(key)) || Object.values(conversations).some((c) => Array.isArray(c.activities));
      const merged: Record<string, unknown> = { ...core };
      for (const segment of ALL.filter((s) => s !== 'core' && s !== 'web')) {
        const part = await readJson(segmentFile(file, segment));
        if (part) Object.assign(merged, part);
      }
      const dir = conversationsDir(file);
      const withTranscripts: Record<string, unknown> = {};
      for (const [id, meta] of Object.entries(conversations)) {
        withTranscripts[id] = Array.isArray(meta.activities)
          ? meta
          : { ...meta, activities: await readTranscript(`${conversationBase(dir, id)}.jsonl`, () => this.torn.push(id)) };
      }
      merged.webConversations = withTranscripts;
      return merged;
    },
    async write(data, segments, conversations) {
      if (options.readOnly) throw new Error(`${file} was opened read-only`);
      // Cold segments and transcripts first, the core (dialog state) last: a crash in between never
      // advances a dialog past data that was not written.
      // Everything is serialised now, before the first await, so the batch is one consistent moment.
      const dir = conversationsDir(file);
      const conversationWrites = [...conversations].map(([id, change]) => {
        const conversation = data.webConversations[id];
        const base = conversationBase(dir, id);
        if (!conversation) return { base, gone: true as const };
        const { activities } = conversation;
        const start = change.appendFrom === undefined ? activities.length : change.appendFrom - conversation.firstWatermark;
        const rewrite = change.rewrite === true || start < 0;
        const lines = (rewrite ? activities : activities.slice(start)).map((a) => `${JSON.stringify(a)}\n`).join('');
        return { base, gone: false as const, lines, rewrite };
      });
      const order = [...segments].filter((s) => s !== 'web').sort((a, b) => Number(a === 'core') - Number(b === 'core'));
      const segmentWrites = order.map((segment) => {
        const part: Record<string, unknown> = Object.fromEntries(SEGMENTS[segment].map((key) => [key, data[key]]));
        if (segment === 'core') {
          // Conversations' metadata only; their activities are in the transcript files.
          part.webConversations = Object.fromEntries(Object.entries(data.webConversations).map(([id, c]) => [id, { ...c, activities: undefined }]));
        }
        return { file: segmentFile(file, segment), text: JSON.stringify(part) };
      });

      if (conversationWrites.length > 0) {
        if (!dirReady) {
          await mkdir(dir, { recursive: true });
          dirReady = true;
        }
        await Promise.all(
          conversationWrites.map(async (w) => {
            const path = `${w.base}.jsonl`;
            if (w.gone || w.rewrite) await handles.forget(path);
            if (w.gone) await rm(path, { force: true });
            else if (w.rewrite) await writeAtomic(path, w.lines);
            else if (w.lines) await handles.append(path, w.lines);
          }),
        );
      }
      for (const w of segmentWrites) await writeAtomic(w.file, w.text);
    },
  };
}

/** The production store: segment files beside STORE_FILE (created with their folder on first start). */
export async function openFileStore(file: string): Promise<Store> {
  await mkdir(dirname(file), { recursive: true });
  const persistence = filePersistence(file);
  const store = await open(persistence, file);
  // A single-file store is split into segments at once: a later core-only write must not drop the rest.
  if (persistence.singleFile) await store.commitAll();
  // A transcript torn by a crash mid-append is rewritten whole, before anything is appended to it.
  if (persistence.torn.length > 0) {
    for (const id of persistence.torn) store.conversationChanged(id, { rewrite: true });
    await store.commit();
  }
  return store;
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
export async function writeStoreFiles(file: string, data: Db): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await rm(conversationsDir(file), { recursive: true, force: true });
  await filePersistence(file).write(data, new Set(ALL), new Map(Object.keys(data.webConversations).map((id) => [id, { rewrite: true }])));
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
