import { randomUUID } from 'node:crypto';
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { chmod, mkdir, open as openFile, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CodedError, ErrorCode } from '../core/errors.js';
import { packActivity, unpackActivity } from './activityCodec.js';
import { ByteBuilder } from './byteBuilder.js';
export { DIR_MODE, FILE_MODE } from './persistence.js';
import { acquireStoreLock } from './lock.js';
import { applyEntry, applyRecords, encodeChangePieces, KEYED_COLLECTIONS, type KeyedCollection } from './journal.js';
import { COLD_SEGMENTS, conversationsDir, DIR_MODE, FILE_MODE, deltaFile, journalFile, journalGeneration, restoreMarkerFile, SEGMENTS, segmentFile, type Batch, type ColdSegment, type Persistence } from './persistence.js';
import type { Db, WebConversation } from './schema.js';

/** Below this size the journal is never folded into the snapshot (16 MiB: a fraction of a second to replay). */
const DEFAULT_SNAPSHOT_AFTER_BYTES = 16 * 2 ** 20;

/**
 * A light snapshot keeps the covered generations that still hold live transcript activities; when
 * more than this many would be kept, the snapshot is a full one instead (see capture).
 */
const MAX_KEPT_GENERATIONS = 4;

/** The core file's field naming the last journal generation whose records it holds. */
const COVERED_KEY = 'coveredGeneration';

/** The core file's random id, which its delta file repeats (see capture). */
const BASE_KEY = 'base';

/**
 * A core file with an id (this layout: transcripts kept in the journal, deltas, activities packed,
 * turns' entries without the conversation's metadata) carries the data's schema version plus this
 * in its `version`, so that builds from before the layout refuse to open it ("written by a newer
 * version") instead of misreading its journal and transcripts. Reading subtracts it again. Far above
 * any data version, so the two never mix up when the data version grows.
 *
 * Earlier layouts, still read: 1000 (activities whole, metadata in every entry; builds before
 * 2026-11-25's tenth session), and before it 1, or nothing (their cores, with an id and a version
 * below 1000, all hold data version 1, the only one there was). A store of an earlier layout gets a
 * snapshot in this one at open, so that the build it came from refuses it from then on. Going back
 * to such a build means restoring a backup (`npm run store:restore`): backups hold the data whole.
 */
const LAYOUT_OFFSET = 2000;
const EARLIER_LAYOUT_OFFSET = 1000;
const FIRST_LAYOUT_DATA_VERSION = 1;

/**
 * A light snapshot writes a delta instead of the whole core while the records changed since the core
 * are at most this fraction of all records.
 */
const DELTA_MAX_SHARE = 0.25;

/** A snapshot completes every 16 MiB of journal at the least: a read that keeps meeting one is unlikely. */
const READ_ATTEMPTS = 20;

export interface FilePersistenceOptions {
  readOnly?: boolean;
  /** The journal is folded into a new snapshot once it is this big (and twice as big as the last snapshot). */
  snapshotAfterBytes?: number;
}

/**
 * The store on disk:
 * - `db.json`, the core snapshot (users, dialog stacks, web conversations' metadata …), which also
 *   names the last journal generation it covers and carries a random id;
 * - `db.delta.json`, written by light snapshots: the records changed since `db.json` (and the web
 *   conversations' metadata and covered generation), counted only when it names `db.json`'s id;
 * - `db.<segment>.json`, one file per cold collection, rewritten (atomically) when changed;
 * - `db.web/<id>.jsonl`, each web conversation's transcript at the last full snapshot (a first line
 *   gives its first watermark, so it is self-consistent whatever moment the core file is from);
 * - `db.journal.<n>.jsonl`, the changes to hot data, one line per group commit.
 *
 * A commit appends one line with a synchronous write: the batch is a few kilobytes that land in the
 * page cache in microseconds, while an asynchronous write costs a round trip through libuv's thread
 * pool that left the event loop idle between batches (a quarter of the time under load). Once the
 * journal has grown to twice the last snapshot (and at least 16 MiB), a new generation starts and
 * the core (or its delta) is written in the background. Covered generations are then deleted,
 * except those still holding transcript activities a conversation keeps (see capture: light
 * and full snapshots). Reading replays every generation in order: those the core covers for their
 * transcript activities only, the newer ones whole. Entries are idempotent, so a crash at any
 * point, even during a snapshot, loses nothing that was written. Like before, writes are not
 * fsynced: they survive a killed process, not a power cut.
 */
export class FilePersistence implements Persistence {
  /** Set by read() when the core file still holds every collection (the older layout, a restored backup). */
  singleFile = false;
  /** Set by read() when the store must be snapshotted before use (a journal was replayed, a transcript was torn). */
  needsSnapshot = false;
  /** The last background snapshot that failed (its files are written again by the next one). */
  lastSnapshotError: unknown;
  private generation = 1;
  /** The first generation this process wrote (activityEnds knows every one since). */
  private firstOwnGeneration = 1;
  private fd: number | undefined;
  private releaseLock: (() => void) | undefined;
  private size = 0;
  private snapshotBytes = 0;
  /** Web conversations changed since the last snapshot: their transcripts are rewritten by the next one. */
  private readonly unsnapshotted = new Set<string>();
  /** Where journal lines are encoded (see append and ByteBuilder). */
  private readonly lineBuilder = new ByteBuilder();
  /** Where snapshots encode transcripts (see transcriptBytes). */
  private readonly transcriptBuilder = new ByteBuilder();
  /**
   * For each journal generation written by this process: the conversations it holds activities of,
   * with the watermark after them. A generation is still needed while one of those conversations
   * has not trimmed past that watermark (see liveGenerations).
   */
  private readonly activityEnds = new Map<number, Map<string, number>>();
  /**
   * Each keyed record's text as the last core snapshot wrote it (`"key":{…}`), dropped as soon as a
   * batch reports the record changed: a snapshot encodes only the records changed since the last
   * one. With 100 000 records, encoding them all cost a fifth of the turns per second.
   */
  private readonly recordTexts = new Map<KeyedCollection, Map<string, string>>(KEYED_COLLECTIONS.map((c) => [c, new Map()]));
  /** The id of the core file on disk, which a delta file must name to count (see capture). */
  private baseId: string | undefined;
  /** Keys of the records changed since the core file was written: what a delta holds. */
  private changedSinceBase = new Map<KeyedCollection, Set<string>>();
  /**
   * Each web conversation's first watermark as the journal last recorded it (absent once the journal
   * recorded its deletion). Which generations are still needed is decided from this, never from the
   * document in memory: a trim or a deletion not committed yet must not release a generation that
   * is the only place of activities already confirmed.
   */
  private readonly journaledFirst = new Map<string, number>();
  /** A full snapshot failed (an erasure's, say): the next snapshot is a full one as well. */
  private fullPending = false;
  private snapshotting: Promise<void> | undefined;
  /**
   * A deletion arrived while a snapshot was running: the full snapshot that follows it, captured
   * with the deletion's batch and launched once that batch is on disk (`ready`) and the running one
   * has ended.
   */
  private queuedSnapshot: QueuedSnapshot | undefined;
  private readonly snapshotAfterBytes: number;

  constructor(
    private readonly file: string,
    private readonly options: FilePersistenceOptions = {},
  ) {
    this.snapshotAfterBytes = options.snapshotAfterBytes ?? DEFAULT_SNAPSHOT_AFTER_BYTES;
  }

  /* ------------------------------------------------------------------ read */

  /**
   * Reads snapshot and journal. A report may read while the assistant runs and a background snapshot
   * completes meanwhile (new core, older journal deleted): such a read is detected and done again.
   */
  async read(): Promise<unknown | null> {
    // A read-only reader (a report) runs beside the assistant, whose writes may be between write and rename.
    if (!this.options.readOnly) {
      await this.removeTempFiles();
      await this.restrictModes();
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.readOnce();
      } catch (err) {
        if (!(err instanceof SnapshotMoved) || attempt === READ_ATTEMPTS) throw err instanceof SnapshotMoved ? err.cause : err;
        await new Promise((resolve) => setTimeout(resolve, attempt * 5));
      }
    }
  }

  private async readOnce(): Promise<unknown | null> {
    const restoring = await readFile(restoreMarkerFile(this.file), 'utf8').catch(() => undefined);
    if (restoring !== undefined) {
      throw new CodedError(
        ErrorCode.StoreCorrupt,
        `A restore of ${this.file} did not finish (${restoring.trim()}); its files may be partly the store's as it was and partly the backup's. Run the same npm run store:restore command again to finish it.`,
      );
    }
    this.unsnapshotted.clear();
    this.needsSnapshot = false;
    const generations = await journalGenerations(this.file);
    const coreIdentity = await fileIdentity(this.file);
    const deltaIdentity = await fileIdentity(deltaFile(this.file));
    const core = await readJson(this.file);
    if (core === null) {
      // A new store only if nothing of one is there: opening as new would write empty collections
      // over the cold files and sweep the transcripts away.
      const leftovers = [...generations.map((g) => basename(journalFile(this.file, g))), ...(await this.otherFilesOfStore())];
      if (leftovers.length > 0) {
        throw new CodedError(
          ErrorCode.StoreCorrupt,
          `Store file ${this.file} is missing, but other files of the store are there (${leftovers.join(', ')}). Nothing was changed: restore the file or a backup (npm run store:restore).`,
        );
      }
      return null;
    }
    const coreKeys: readonly string[] = [...SEGMENTS.core, COVERED_KEY, BASE_KEY];
    this.singleFile =
      Object.keys(core).some((key) => !coreKeys.includes(key)) ||
      Object.values((core.webConversations ?? {}) as Record<string, Record<string, unknown>>).some((c) => Array.isArray(c.activities));
    this.baseId = typeof core[BASE_KEY] === 'string' ? core[BASE_KEY] : undefined;
    if (this.baseId !== undefined && typeof core.version === 'number') {
      if (core.version < LAYOUT_OFFSET) this.needsSnapshot = true; // an earlier layout: written in this one at open
      core.version =
        core.version >= LAYOUT_OFFSET ? core.version - LAYOUT_OFFSET : core.version >= EARLIER_LAYOUT_OFFSET ? core.version - EARLIER_LAYOUT_OFFSET : FIRST_LAYOUT_DATA_VERSION;
    }
    // The delta of a later light snapshot, if it was written over this very core (a delta left by a
    // crash just after a new core was written names the older one, and is ignored).
    const delta = this.baseId === undefined ? null : await readJson(deltaFile(this.file));
    if (delta && delta[BASE_KEY] === this.baseId) {
      applyDelta(core, delta, deltaFile(this.file));
      // This process's deltas would hold only what changes from now on, and replace this one: the
      // core is written whole at open instead.
      this.needsSnapshot = true;
    }
    const conversations = (core.webConversations ?? {}) as Record<string, Record<string, unknown>>;
    // The generations whose records this core already holds; a core without it covers none (the
    // layout before transcripts were kept in the journal, when covered generations were deleted).
    const covered = typeof core[COVERED_KEY] === 'number' ? core[COVERED_KEY] : 0;
    const merged: Record<string, unknown> = { ...core };
    delete merged[COVERED_KEY];
    delete merged[BASE_KEY];
    const missing: string[] = [];
    for (const segment of COLD_SEGMENTS) {
      const part = await readJson(segmentFile(this.file, segment));
      if (!part) {
        // A store written in files has had every one of them since it was created: one missing (a
        // copy to a new machine that left it out, a stray rm) would open as an empty collection that
        // the next change to it writes over for good. A store still in one file is split at open.
        if (!this.singleFile) missing.push(basename(segmentFile(this.file, segment)));
        continue;
      }
      // Only the collections the segment holds: a file of another shape (put there by hand) must not
      // replace the users or dialogs the core holds.
      const stray = Object.keys(part).filter((key) => !(SEGMENTS[segment] as readonly string[]).includes(key));
      if (stray.length > 0) throw new CodedError(ErrorCode.StoreCorrupt, `${segmentFile(this.file, segment)} holds ${stray.join(', ')}, which belong in other files of the store: it was not written by the assistant. Restore a backup (npm run store:restore).`);
      Object.assign(merged, part);
    }
    if (missing.length > 0) {
      throw new CodedError(
        ErrorCode.StoreCorrupt,
        `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing beside ${this.file}: the store cannot be opened without ${missing.length === 1 ? 'it' : 'them'} (the collections ${missing.length === 1 ? 'it holds' : 'they hold'} would be lost). Nothing was changed: put ${missing.length === 1 ? 'it' : 'them'} back, or restore a backup (npm run store:restore).`,
      );
    }
    const withTranscripts: Record<string, unknown> = {};
    for (const [id, meta] of Object.entries(conversations)) {
      if (Array.isArray(meta.activities)) {
        withTranscripts[id] = meta;
        continue;
      }
      const lines = await readLines(this.transcriptPath(id), () => {
        this.unsnapshotted.add(id);
        this.needsSnapshot = true;
      });
      // A transcript written by a snapshot starts with its own first watermark, which wins over the
      // core's: a crash between writing transcripts and the core leaves them from different moments.
      const header = transcriptHeader(lines[0]);
      const firstWatermark = header ? header.firstWatermark : meta.firstWatermark;
      const place = (i: number) => ({ conversationId: id, userId: String(meta.userId ?? ''), watermark: (typeof firstWatermark === 'number' ? firstWatermark : 0) + i });
      const path = this.transcriptPath(id);
      const activities = (header ? lines.slice(1) : lines).map((activity, i) => unpackActivity(activity, place(i), `${path} line ${header ? i + 2 : i + 1}`));
      withTranscripts[id] = { ...meta, firstWatermark, activities };
    }
    merged.webConversations = withTranscripts;
    let reconciled = false;
    for (const generation of generations) {
      const transcriptsOnly = generation <= covered;
      if (!transcriptsOnly && !reconciled) {
        trimToCore(withTranscripts, conversations);
        reconciled = true;
      }
      const path = journalFile(this.file, generation);
      const entries = await readLines(path, () => undefined, { missing: 'fail' }).catch((err: unknown) => {
        throw (err as NodeJS.ErrnoException).code === 'ENOENT' ? new SnapshotMoved(err) : err;
      });
      entries.forEach((entry, i) => {
        for (const id of applyEntry(merged, entry, `${path} line ${i + 1}`, { transcriptsOnly })) this.unsnapshotted.add(id);
      });
      this.needsSnapshot = true;
    }
    if (!reconciled) trimToCore(withTranscripts, conversations);
    if ((await fileIdentity(this.file)) !== coreIdentity || (await fileIdentity(deltaFile(this.file))) !== deltaIdentity) {
      throw new SnapshotMoved(new Error(`${this.file} kept changing while it was read`));
    }
    // New generations must come after every one the core covers, even deleted ones: a generation at
    // or below `covered` would be read back as transcripts only.
    this.generation = Math.max(generations.at(-1) ?? 0, covered) + 1;
    this.firstOwnGeneration = this.generation;
    return merged;
  }

  /** Resolves when no background snapshot is being written. */
  async idle(): Promise<void> {
    while (this.snapshotting) await this.snapshotting;
  }

  /* ----------------------------------------------------------------- write */

  async write(data: Db, batch: Batch): Promise<void> {
    if (this.options.readOnly) throw new Error(`${this.file} was opened read-only`);
    if (batch.full) {
      // A restore or a migration may have replaced every record.
      for (const texts of this.recordTexts.values()) texts.clear();
      return this.snapshotNow(data, { everything: true });
    }
    for (const [collection, keys] of batch.records) {
      const texts = this.recordTexts.get(collection)!;
      let changed = this.changedSinceBase.get(collection);
      if (!changed) this.changedSinceBase.set(collection, (changed = new Set()));
      for (const key of keys) {
        texts.delete(key);
        changed.add(key);
      }
    }
    // Everything is serialised before the first await, so the batch is one consistent moment (the
    // awaits below let turns go on): the line, what it says about transcripts, and whether it erases.
    for (const id of batch.conversations.keys()) this.unsnapshotted.add(id);
    const line = encodeChangePieces(data, batch);
    const marks = line === undefined ? [] : transcriptMarks(data, batch);
    const erasing = erases(data, batch);
    const cold = [...batch.segments].map((segment) => ({ path: segmentFile(this.file, segment), text: segmentText(data, segment) }));
    // A snapshot this batch starts is captured now, while memory holds exactly what this batch
    // commits. Turns that run during the awaits below change memory before their own commit; a
    // snapshot taken later could hold a dialog step or a reply whose cold record (a call-back
    // request) a crash then never lets reach the disk. A deleted user or web conversation ("delete
    // my data", "clear this conversation", retention) must not stay readable in older journal lines
    // until the journal happens to grow: its full snapshot follows now, or right after the running one.
    let capture: SnapshotCapture | undefined;
    let queued: QueuedSnapshot | undefined;
    if (erasing && this.snapshotting) {
      // A later capture covers an earlier queued one: it takes over what that one took (and the
      // earlier one comes back if this batch fails, its deletion still owed a snapshot).
      const replaced = this.queuedSnapshot;
      if (replaced) this.discard(replaced.capture);
      queued = this.queuedSnapshot = { capture: this.capture(data, { full: true }), ready: false, replaced };
    } else if (erasing) {
      capture = this.capture(data, { full: true });
    } else if (!this.snapshotting && this.size >= Math.max(this.snapshotAfterBytes, 2 * this.snapshotBytes)) {
      capture = this.capture(data);
    }
    try {
      // Cold collections first, the journal (dialog state) last: a crash in between never advances a
      // dialog past a record that was not written.
      for (const c of cold) await writeAtomic(c.path, c.text);
      if (line !== undefined) {
        this.append(line);
        this.recordJournaled(marks);
      }
    } catch (err) {
      // Not on disk, so the snapshot must not put it there either; the batch is written again.
      if (capture) this.discard(capture);
      if (queued && this.queuedSnapshot === queued) {
        this.discard(queued.capture);
        this.queuedSnapshot = queued.replaced;
        this.launchQueued();
      }
      throw err;
    }
    // The captured moment ends with this batch's line: later lines go to a new generation, which the
    // snapshot keeps. Any snapshot starts writing only now, after this batch's cold collections: its
    // core holds this batch's records.
    if (capture || queued) this.nextGeneration();
    if (capture) this.launch(capture);
    if (queued) {
      queued.ready = true;
      this.launchQueued();
    }
  }

  /** Folds the journal into the snapshot and releases the journal file. */
  async close(data: Db): Promise<void> {
    if (this.options.readOnly) return;
    try {
      await this.idle();
      if (this.size > 0 || this.unsnapshotted.size > 0 || this.fullPending) await this.snapshotNow(data);
    } finally {
      this.closeJournal();
      this.unlock();
    }
  }

  /** Takes the store's lock (one writing process per store, see lock.ts) until close. */
  lock(): void {
    if (this.options.readOnly || this.releaseLock) return;
    this.releaseLock = acquireStoreLock(this.file);
  }

  /** Gives the lock back without writing anything (a store that failed to open). */
  unlock(): void {
    this.releaseLock?.();
    this.releaseLock = undefined;
  }

  /**
   * Writes a snapshot now and waits for it: at open after a replay, on close, and for a full write
   * (`everything`: every cold segment and every transcript too).
   */
  async snapshotNow(data: Db, { everything = false } = {}): Promise<void> {
    await this.idle();
    if (everything) for (const id of Object.keys(data.webConversations)) this.unsnapshotted.add(id);
    // The cold collections and the core are taken at one moment, as a batch is (see write): turns go
    // on during the awaits below, and a core captured after them could hold a turn's dialog step
    // while the cold file written before lacks the call-back request that turn made (a crash before
    // the turn's own commit would then open the store with one and not the other).
    const cold = everything ? COLD_SEGMENTS.map((segment) => ({ path: segmentFile(this.file, segment), text: segmentText(data, segment) })) : [];
    const capture = this.capture(data, { full: true });
    try {
      for (const c of cold) await writeAtomic(c.path, c.text);
    } catch (err) {
      this.discard(capture);
      throw err;
    }
    // No batch was appended meanwhile (writes run one at a time, and this is one of them or close).
    this.nextGeneration();
    this.launch(capture);
    await this.idle();
    if (this.lastSnapshotError) throw this.lastSnapshotError;
  }

  /** Appends the pieces of a line and a newline to the journal; a line cut short by a failing disk is cut off again. */
  private append(pieces: string[]): void {
    const builder = this.lineBuilder;
    builder.clear();
    for (const piece of pieces) builder.add(piece);
    const line = builder.newline().bytes();
    const bytes = line.length;
    const fd = (this.fd ??= openSync(journalFile(this.file, this.generation), 'a', FILE_MODE));
    try {
      // A regular file takes the whole line or fails (a full disk): anything shorter is a failure.
      const written = writeSync(fd, line);
      if (written !== bytes) throw new Error(`${journalFile(this.file, this.generation)}: wrote ${written} of ${bytes} bytes`);
    } catch (err) {
      try {
        ftruncateSync(fd, this.size);
      } catch {
        // The torn line stays the last of this generation, where reading drops it.
        this.closeJournal();
        this.generation += 1;
        this.size = 0;
      }
      throw err;
    }
    this.size += bytes;
  }

  private closeJournal(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /**
   * Captures the snapshot of this moment, covering the current journal generation, for `launch` to
   * write in the background once the generation is closed (`nextGeneration`).
   *
   * A light snapshot (the journal outgrew the last one) writes the core only. Web transcripts stay
   * in the journal: the covered generations that still hold activities a conversation keeps are
   * kept, and the others deleted. Rewriting every transcript at each snapshot cost about 12 % of
   * the turns per second under the benchmark's load.
   *
   * A full snapshot also writes every transcript changed since the last full one to its own file, so
   * every covered generation can go. It is taken at open, at close, for a full write, when personal
   * data was deleted (it must leave the disk now), and when more than MAX_KEPT_GENERATIONS older
   * generations are still needed (a long-lived conversation would otherwise keep them all).
   *
   * The core itself is written whole (`db.json`, with a new random id) by a full snapshot, or when
   * many records changed since it was. Otherwise a light snapshot writes only the records changed
   * since then, with the web conversations' metadata, as a delta (`db.delta.json`) that names the
   * core's id: with 100 000 mostly idle records, rewriting them all made each turn a fifth slower.
   */
  private capture(data: Db, { full = false } = {}): SnapshotCapture {
    const covered = this.generation;
    full ||= this.fullPending || this.liveGenerations(covered).length > MAX_KEPT_GENERATIONS;
    const baseId = full || this.baseId === undefined || !this.deltaIsSmall(data) ? undefined : this.baseId;
    // A new core holds every record: changes from now on are what its first delta will hold.
    const changedBefore = this.changedSinceBase;
    if (baseId === undefined) this.changedSinceBase = new Map();
    const ids = full ? [...this.unsnapshotted] : [];
    if (full) this.unsnapshotted.clear();
    // Everything is taken now, synchronously: transcripts as copies of their lists (activities are
    // never changed once appended), the core as text, each record's reused from the last snapshot
    // unless a batch changed it since. Only writing the files is left for later.
    const transcripts = ids.map((id) => {
      const conversation = data.webConversations[id];
      return { path: this.transcriptPath(id), conversationId: id, userId: conversation?.userId ?? '', firstWatermark: conversation?.firstWatermark ?? 0, activities: conversation?.activities.slice() };
    });
    const core = baseId === undefined ? captureCore(data, covered, randomUUID(), this.recordTexts) : captureDelta(data, covered, baseId, changedBefore, this.recordTexts);
    const conversationIds = full ? new Set(Object.keys(data.webConversations)) : undefined;
    return { full, covered, ids, transcripts, core, conversationIds, changedBefore };
  }

  /**
   * Closes the journal generation a capture covers (the capturing batch's line is its last one):
   * what is appended from now on goes to the next, which the snapshot keeps.
   */
  private nextGeneration(): void {
    this.closeJournal();
    this.generation += 1;
    this.size = 0;
  }

  /** Writes a captured snapshot in the background (one at a time). */
  private launch(capture: SnapshotCapture): void {
    this.lastSnapshotError = undefined;
    this.snapshotting = this.writeSnapshot(capture.core, capture.transcripts, capture.covered, capture.conversationIds)
      .then((bytes) => {
        this.snapshotBytes = bytes;
        if (capture.full) this.fullPending = false;
      })
      .catch((err: unknown) => {
        // A full snapshot queued meanwhile was captured without the transcripts this one should have
        // written, and will delete the journal generations that are now their only copy: it takes
        // them over (a conversation changed since is in its own list already, newer).
        const queued = this.queuedSnapshot?.capture;
        if (queued?.full) {
          const taken = new Set(queued.ids);
          capture.ids.forEach((id, i) => {
            if (taken.has(id)) return;
            queued.ids.push(id);
            queued.transcripts.push(capture.transcripts[i]!);
          });
        }
        this.discard(capture);
        this.lastSnapshotError = err;
      })
      .finally(() => {
        this.snapshotting = undefined;
        this.launchQueued();
      });
  }

  private launchQueued(): void {
    const queued = this.queuedSnapshot;
    if (this.snapshotting || !queued?.ready) return;
    this.queuedSnapshot = undefined;
    this.launch(queued.capture);
  }

  /**
   * A capture that will not be written (it failed, or its batch did, or a later one replaces it):
   * what it took over goes back, so that the next snapshot writes it.
   */
  private discard(capture: SnapshotCapture): void {
    if (capture.full) this.fullPending = true;
    for (const id of capture.ids) this.unsnapshotted.add(id);
    if (!capture.core.delta) {
      for (const [collection, keys] of capture.changedBefore) {
        const changed = this.changedSinceBase.get(collection);
        if (changed) for (const key of keys) changed.add(key);
        else this.changedSinceBase.set(collection, keys);
      }
    }
  }

  /**
   * Writes transcripts (full snapshots only), then the core, then deletes the covered journal
   * generations no longer needed; returns the bytes written.
   */
  private async writeSnapshot(
    core: CoreCapture,
    transcripts: TranscriptCapture[],
    covered: number,
    /** For a full snapshot: the web conversations at its start, whose transcript files may stay. */
    conversationIds: ReadonlySet<string> | undefined,
  ): Promise<number> {
    const full = conversationIds !== undefined;
    let bytes = 0;
    if (transcripts.length > 0) await mkdir(conversationsDir(this.file), { recursive: true, mode: DIR_MODE });
    for (const t of transcripts) {
      if (t.activities === undefined) {
        await rm(t.path, { force: true });
        continue;
      }
      await new Promise((resolve) => setImmediate(resolve));
      const encoded = this.transcriptBytes(t, t.activities);
      bytes += encoded.length;
      await writeAtomic(t.path, encoded);
    }
    if (core.delta) {
      bytes += await writeCore(deltaFile(this.file), core);
    } else {
      bytes += await writeCore(this.file, core);
      // The delta on disk names the previous core: it is ignored from now on, and goes.
      this.baseId = core.baseId;
      await rm(deltaFile(this.file), { force: true });
    }
    if (conversationIds) await this.sweepTranscripts(conversationIds);
    // Decided now, not at the start: conversations trimmed meanwhile release their generations sooner
    // (the trim itself is in a newer generation, which is kept).
    const keep = full ? new Set<number>() : new Set(this.liveGenerations(covered));
    for (const generation of await journalGenerations(this.file)) {
      if (generation > covered || keep.has(generation)) continue;
      // A generation from before this process started is left for the next full snapshot: a light
      // one deletes only what it knows holds no live activity.
      if (!full && generation < this.firstOwnGeneration) continue;
      await rm(journalFile(this.file, generation), { force: true });
      this.activityEnds.delete(generation);
    }
    if (full) for (const generation of this.activityEnds.keys()) if (generation <= covered) this.activityEnds.delete(generation);
    return bytes;
  }

  /**
   * Removes what a crash can leave in the transcripts' folder: a temp file cut short, or the file of
   * a conversation no longer in the store (written by a snapshot whose core never followed). Either
   * may hold an erased conversation's text. Only one snapshot runs at a time, so none is being
   * written now.
   */
  private async sweepTranscripts(conversationIds: ReadonlySet<string>): Promise<void> {
    let names: string[];
    try {
      names = await readdir(conversationsDir(this.file));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const name of names) {
      const stray = name.startsWith('.') || (name.endsWith('.jsonl') && !conversationIds.has(transcriptId(name)));
      if (stray) await rm(join(conversationsDir(this.file), name), { force: true });
    }
  }

  /** Whether the records changed since the core are few enough to write as a delta (counting all records is only done then). */
  private deltaIsSmall(data: Db): boolean {
    let changed = 0;
    for (const keys of this.changedSinceBase.values()) changed += keys.size;
    const records = KEYED_COLLECTIONS.reduce((n, c) => n + Object.keys(data[c]).length, 0);
    return changed <= records * DELTA_MAX_SHARE;
  }

  /** After a journal line is written: where its conversations start, and which got activities in this generation, up to where. */
  private recordJournaled(marks: TranscriptMark[]): void {
    let ends = this.activityEnds.get(this.generation);
    for (const mark of marks) {
      if (mark.first === undefined) {
        this.journaledFirst.delete(mark.id);
        continue;
      }
      this.journaledFirst.set(mark.id, mark.first);
      if (mark.end === undefined) continue;
      if (!ends) this.activityEnds.set(this.generation, (ends = new Map()));
      ends.set(mark.id, mark.end);
    }
  }

  /** Generations up to `covered` that hold activities a conversation keeps, as journaled, oldest first. */
  private liveGenerations(covered: number): number[] {
    const live: number[] = [];
    for (const [generation, ends] of this.activityEnds) {
      if (generation > covered) continue;
      for (const [id, end] of ends) {
        const first = this.journaledFirst.get(id);
        if (first !== undefined && end > first) {
          live.push(generation);
          break;
        }
      }
    }
    return live.sort((a, b) => a - b);
  }

  /**
   * A transcript file's content: its header line, then one activity per line (packed, see
   * activityCodec.ts), encoded into a builder kept between snapshots (only one snapshot runs at a
   * time, and each file is written before the next is encoded).
   */
  private transcriptBytes({ conversationId, userId, firstWatermark }: TranscriptCapture, activities: readonly unknown[]): Buffer {
    const builder = this.transcriptBuilder;
    builder.clear();
    builder.add(`{"firstWatermark":${firstWatermark}}`).newline();
    activities.forEach((activity, i) => {
      builder.add(JSON.stringify(packActivity(activity, { conversationId, userId, watermark: firstWatermark + i }))).newline();
    });
    return builder.bytes();
  }

  /**
   * Temp files of the core, segments and delta left by a crash between write and rename: they may
   * hold records erased since (a delta holds user records). Removed when the store is opened, before
   * anything is written (transcript temp files go at every full snapshot, see sweepTranscripts).
   */
  private async removeTempFiles(): Promise<void> {
    for (const file of [this.file, ...this.filesBesideCore()]) await rm(tempPath(file), { force: true });
  }

  /**
   * A store written by an earlier build (or under a looser umask) keeps the modes its files were
   * created with: they are brought to FILE_MODE and DIR_MODE when it is opened, not only as files
   * are rewritten, some of which (a cold segment) may not be for a long time.
   */
  private async restrictModes(): Promise<void> {
    // Only what others may read is changed (one stat each): after the first open nothing is.
    const restrict = async (path: string, mode: number): Promise<boolean> => {
      const current = await stat(path).catch(() => undefined);
      // A file mode on files and a folder mode on folders only: a store path naming a folder (by
      // mistake) must not make that folder unreadable.
      const expected = mode === DIR_MODE ? current?.isDirectory() : current?.isFile();
      if (!current || !expected || (current.mode & 0o077) === 0) return false;
      await chmod(path, mode);
      return true;
    };
    for (const file of [this.file, ...this.filesBesideCore(), ...(await journalFiles(this.file))]) await restrict(file, FILE_MODE);
    // Transcripts were created under a folder made by the same build: a folder that is private already holds private files.
    const transcripts = conversationsDir(this.file);
    if (!(await restrict(transcripts, DIR_MODE))) return;
    for (const name of await readdir(transcripts).catch(() => [] as string[])) await restrict(join(transcripts, name), FILE_MODE);
  }

  /** The files written beside the core file: the cold segments and the delta. */
  private filesBesideCore(): string[] {
    return [...COLD_SEGMENTS.map((segment) => segmentFile(this.file, segment)), deltaFile(this.file)];
  }

  /** Cold segment files, a delta and transcripts that exist beside the core file (names only). */
  private async otherFilesOfStore(): Promise<string[]> {
    const found: string[] = [];
    for (const file of this.filesBesideCore()) if (await exists(file)) found.push(basename(file));
    const transcripts = await readdir(conversationsDir(this.file)).catch(() => [] as string[]);
    if (transcripts.length > 0) found.push(`${basename(conversationsDir(this.file))}/ (${transcripts.length} files)`);
    return found;
  }

  /** Ids are base64url (see the web channel), safe as file names; others are encoded. */
  private transcriptPath(id: string): string {
    return join(conversationsDir(this.file), `${/^[A-Za-z0-9_-]+$/.test(id) ? id : encodeURIComponent(id)}.jsonl`);
  }
}

/** How many records of a keyed collection are serialised between two writes of the core (about 1 ms). */
const CORE_SLICE = 2_000;

/** The core at a snapshot's moment, as text: the small parts, then each keyed collection's records. */
interface CoreCapture {
  /** The core file's id: a new one for a core, the core's for its delta. */
  baseId: string;
  /** A delta: the keyed collections go under "records", and a record deleted since the core is null. */
  delta: boolean;
  /** The text before the keyed collections (version, ids, web conversations' metadata). */
  head: string;
  /** Each keyed collection's records as text (`"key":{…}`, or `"key":null` in a delta). */
  keyed: [KeyedCollection, string[]][];
}

/** A deletion's full snapshot waiting for the running one, and for its own batch to be on disk. */
interface QueuedSnapshot {
  capture: SnapshotCapture;
  ready: boolean;
  /** The queued snapshot this one replaced, restored if this one's batch fails. */
  replaced: QueuedSnapshot | undefined;
}

/** A transcript as a full snapshot took it: what its activities follow from, and the list (undefined: the conversation is gone). */
interface TranscriptCapture {
  path: string;
  conversationId: string;
  userId: string;
  firstWatermark: number;
  activities: unknown[] | undefined;
}

/** A snapshot as captured at one moment, waiting to be written (see FilePersistence.capture). */
interface SnapshotCapture {
  full: boolean;
  covered: number;
  /** The web conversations whose transcripts it writes (taken from `unsnapshotted`). */
  ids: string[];
  transcripts: TranscriptCapture[];
  core: CoreCapture;
  /** For a full snapshot: the web conversations at its moment, whose transcript files may stay. */
  conversationIds: ReadonlySet<string> | undefined;
  /** The records changed since the previous core, for a capture that starts a new core. */
  changedBefore: Map<KeyedCollection, Set<string>>;
}

/**
 * Records as text, each reused from the last snapshot unless a batch reported it changed since
 * (with 100 000 records, encoding them all cost a fifth of the turns per second).
 */
function recordTextsOf(
  data: Db,
  collection: KeyedCollection,
  keys: Iterable<string>,
  recordTexts: Map<KeyedCollection, Map<string, string>>,
  delta: boolean,
): string[] {
  const texts = recordTexts.get(collection)!;
  const records = data[collection] as Record<string, unknown>;
  const out: string[] = [];
  for (const key of keys) {
    const record = records[key];
    if (record === undefined) {
      if (delta) out.push(`${JSON.stringify(key)}:null`); // deleted since the core was written
      continue;
    }
    let text = texts.get(key);
    if (text === undefined) texts.set(key, (text = `${JSON.stringify(key)}:${JSON.stringify(record)}`));
    out.push(text);
  }
  return out;
}

/** Web conversations' metadata as it is now (their transcripts are kept apart). */
function conversationsMeta(data: Db): string {
  return JSON.stringify(
    Object.fromEntries(Object.entries(data.webConversations).map(([id, c]: [string, WebConversation]) => [id, { ...c, activities: undefined }])),
  );
}

function captureCore(data: Db, covered: number, baseId: string, recordTexts: Map<KeyedCollection, Map<string, string>>): CoreCapture {
  return {
    baseId,
    delta: false,
    head: `{"version":${data.version + LAYOUT_OFFSET},"${COVERED_KEY}":${covered},"${BASE_KEY}":${JSON.stringify(baseId)},"webConversations":${conversationsMeta(data)}`,
    keyed: KEYED_COLLECTIONS.map((c) => [c, recordTextsOf(data, c, Object.keys(data[c]), recordTexts, false)]),
  };
}

function captureDelta(
  data: Db,
  covered: number,
  baseId: string,
  changed: ReadonlyMap<KeyedCollection, ReadonlySet<string>>,
  recordTexts: Map<KeyedCollection, Map<string, string>>,
): CoreCapture {
  return {
    baseId,
    delta: true,
    head: `{"version":${data.version + LAYOUT_OFFSET},"${COVERED_KEY}":${covered},"${BASE_KEY}":${JSON.stringify(baseId)},"webConversations":${conversationsMeta(data)},"records":{`,
    keyed: [...changed].map(([c, keys]) => [c, recordTextsOf(data, c, keys, recordTexts, true)]),
  };
}

/**
 * Writes a captured core (temp file, then rename), a slice of records at a time so that the event
 * loop goes on between writes.
 */
async function writeCore(file: string, core: CoreCapture): Promise<number> {
  const tmp = tempPath(file);
  const handle = await openFile(tmp, 'w', FILE_MODE);
  const out = new ByteBuilder();
  let bytes = 0;
  const flush = async () => {
    await handle.write(out.bytes());
    bytes += out.length;
    out.clear();
  };
  try {
    out.add(core.head);
    let firstCollection = true;
    for (const [collection, texts] of core.keyed) {
      out.add(`${firstCollection && core.delta ? '' : ','}${JSON.stringify(collection)}:{`);
      firstCollection = false;
      for (let i = 0; i < texts.length; i += CORE_SLICE) {
        for (let j = i; j < Math.min(i + CORE_SLICE, texts.length); j++) {
          if (j > 0) out.add(',');
          out.add(texts[j]!);
        }
        await flush();
      }
      out.add('}');
    }
    out.add(core.delta ? '}}' : '}');
    await flush();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  return bytes;
}

/** A cold segment's file contents. */
function segmentText(data: Db, segment: ColdSegment): string {
  return JSON.stringify(Object.fromEntries(SEGMENTS[segment].map((key) => [key, data[key]])));
}

/**
 * A delta file onto its core, as read (validated afterwards with the whole document): the delta's
 * metadata of web conversations and covered generation replace the core's, and its records replace
 * or (null) delete the core's.
 */
function applyDelta(core: Record<string, unknown>, delta: Record<string, unknown>, where: string): void {
  const records = delta.records;
  if (typeof records !== 'object' || records === null || typeof delta[COVERED_KEY] !== 'number') {
    throw new CodedError(ErrorCode.StoreCorrupt, `Store file ${where} is not a delta of the core; the files were left untouched.`);
  }
  for (const [collection, changed] of Object.entries(records)) {
    if (typeof changed !== 'object' || changed === null) {
      throw new CodedError(ErrorCode.StoreCorrupt, `Store file ${where} names an unknown collection "${collection}"; the files were left untouched.`);
    }
  }
  core.webConversations = delta.webConversations;
  core[COVERED_KEY] = delta[COVERED_KEY];
  applyRecords(core, records as Record<string, Record<string, unknown>>, `file ${where}`);
}

/**
 * After the transcripts and the generations kept for them: a conversation starts no earlier than the
 * core says. Those generations may hold activities the core's moment had already trimmed; a
 * transcript file written after the core (a snapshot that stopped before its core) may start later.
 */
function trimToCore(conversations: Record<string, unknown>, core: Record<string, Record<string, unknown>>): void {
  for (const [id, value] of Object.entries(conversations)) {
    const coreFirst = core[id]?.firstWatermark;
    const conversation = value as { firstWatermark?: unknown; activities?: unknown };
    if (typeof coreFirst !== 'number' || typeof conversation.firstWatermark !== 'number' || !Array.isArray(conversation.activities)) continue;
    if (coreFirst <= conversation.firstWatermark) continue;
    conversation.activities = conversation.activities.slice(Math.min(coreFirst - conversation.firstWatermark, conversation.activities.length));
    conversation.firstWatermark = coreFirst;
  }
}

/** The conversation id a transcript file's name stands for (see transcriptPath); '' if none. */
function transcriptId(name: string): string {
  try {
    return decodeURIComponent(name.slice(0, -'.jsonl'.length));
  } catch {
    return '';
  }
}

/** A conversation in a journal line: its first watermark there (none: deleted) and, with new activities, the watermark after them. */
interface TranscriptMark {
  id: string;
  first: number | undefined;
  end: number | undefined;
}

function transcriptMarks(data: Db, batch: Batch): TranscriptMark[] {
  return [...batch.conversations].map(([id, change]) => {
    const conversation = data.webConversations[id];
    if (!conversation) return { id, first: undefined, end: undefined };
    const added = change.rewrite || change.appendFrom !== undefined;
    return { id, first: conversation.firstWatermark, end: added ? conversation.firstWatermark + conversation.activities.length : undefined };
  });
}

/** True when the batch deletes a user or a web conversation (personal data to remove from disk). */
function erases(data: Db, batch: Batch): boolean {
  for (const key of batch.records.get('users') ?? []) if (!(key in data.users)) return true;
  for (const id of batch.conversations.keys()) if (!(id in data.webConversations)) return true;
  return false;
}

/** The first line of a transcript written by a snapshot: `{"firstWatermark":n}` (activities have an id). */
function transcriptHeader(line: unknown): { firstWatermark: number } | undefined {
  if (typeof line !== 'object' || line === null || 'id' in line) return undefined;
  const first = (line as { firstWatermark?: unknown }).firstWatermark;
  return typeof first === 'number' && Number.isInteger(first) && first >= 0 ? { firstWatermark: first } : undefined;
}

/** The generations of a store's journal files, oldest first. */
async function journalGenerations(file: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(dirname(file));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .map((name) => journalGeneration(file, name))
    .filter((g): g is number => g !== undefined)
    .sort((a, b) => a - b);
}

/**
 * A store's own core file (it names its journal generation and its id), as opposed to a backup (the
 * whole document in one file): a core holds only part of the data, the rest being in the files beside it.
 */
export function isStoreCoreDocument(doc: unknown): boolean {
  return typeof doc === 'object' && doc !== null && !Array.isArray(doc) && (BASE_KEY in doc || COVERED_KEY in doc);
}

/** The journal files of a store (for restoring a backup over it). */
export async function journalFiles(file: string): Promise<string[]> {
  return (await journalGenerations(file)).map((generation) => journalFile(file, generation));
}

/** Reads a JSON-lines file; a last line cut short by a crash mid-append is dropped (and `onTorn` called). */
async function readLines(file: string, onTorn: () => void, { missing = 'empty' }: { missing?: 'empty' | 'fail' } = {}): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && missing === 'empty') return [];
    throw err;
  }
  const lines = text.split('\n');
  const values: unknown[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      values.push(JSON.parse(line));
    } catch (err) {
      const last = lines.slice(i + 1).every((l) => l.trim() === '');
      if (!last) throw new CodedError(ErrorCode.StoreCorrupt, `Store file ${file} line ${i + 1} is not valid JSON (${(err as Error).message}); the file was left untouched.`);
      onTorn();
    }
  });
  return values;
}

/** A snapshot was completed while it was being read: the read starts again. */
class SnapshotMoved extends Error {
  constructor(override readonly cause: unknown) {
    super('the store changed while it was read');
  }
}

/** Identifies a file's current version: an atomic replace gives it a new inode. */
async function fileIdentity(file: string): Promise<string | undefined> {
  try {
    const s = await stat(file);
    return `${s.ino}:${s.mtimeMs}:${s.size}`;
  } catch {
    return undefined;
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** A store file's object, or null when the file does not exist. */
async function readJson(file: string): Promise<Record<string, unknown> | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CodedError(ErrorCode.StoreCorrupt, `Store file ${file} is not valid JSON (${(err as Error).message}). The file was left untouched; fix it or restore a backup.`);
  }
  // Every store file holds an object; `null` must not read as "no file" (a new, empty store).
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CodedError(ErrorCode.StoreCorrupt, `Store file ${file} does not hold a JSON object. The file was left untouched; fix it or restore a backup.`);
  }
  return value as Record<string, unknown>;
}


/** Where a file is written before it is renamed into place. */
const tempPath = (file: string) => join(dirname(file), `.${basename(file)}.tmp`);

/** Atomic replace: a temp file, then rename; a crash mid-write leaves the previous file. */
async function writeAtomic(file: string, text: string | Uint8Array): Promise<void> {
  const tmp = tempPath(file);
  await writeFile(tmp, text, { mode: FILE_MODE });
  await rename(tmp, file);
}
