import { CodedError, ErrorCode } from '../core/errors.js';
import { packActivity, unpackActivity } from './activityCodec.js';
import type { Db, WebConversation } from './schema.js';
import { isObject } from './rawShapes.js';

/**
 * The store's journal: one JSON line per group commit, holding only the hot records that changed
 * (a user, a dialog stack, a web conversation's metadata and its new activities). A turn therefore
 * costs one small append, however many users, dialogs and conversations the store holds; the
 * snapshot files are rewritten only now and then (see filePersistence.ts).
 *
 * Every entry is idempotent: a record is written whole, a deletion is `null`, and appended
 * activities carry their absolute watermark. Replaying a journal onto a snapshot taken at any
 * moment after its first entry therefore ends in the same state, which is what makes a crash
 * during a snapshot harmless.
 */

/** Hot collections keyed by id; repositories report each key they change. */
export const KEYED_COLLECTIONS = ['users', 'dialogs', 'processedEvents', 'snoozes'] as const;
export type KeyedCollection = (typeof KEYED_COLLECTIONS)[number];

/**
 * What changed in a web conversation since the last write: `appendFrom` is the watermark of the first
 * new activity (only those are written); `trimmed` means older activities were dropped (see
 * `firstWatermark`); `rewrite` means the whole transcript is written (a new conversation); `meta`
 * means its metadata (tokens, locale, …) changed. Its last activity time is written with every
 * change: a turn changes only that and the activities, and its entry then carries no metadata.
 */
export interface ConversationChange {
  rewrite?: boolean;
  appendFrom?: number;
  trimmed?: boolean;
  meta?: boolean;
}

export interface ChangeSet {
  records: ReadonlyMap<KeyedCollection, ReadonlySet<string>>;
  conversations: ReadonlyMap<string, ConversationChange>;
}

/**
 * A conversation in an entry: its metadata, and either new activities (then, after a trim, the
 * watermark of the first one kept) or its whole transcript.
 */
interface ConversationEntry {
  /** All metadata, when more than the last activity time changed. */
  meta?: Record<string, unknown>;
  /** The last activity time alone, otherwise. */
  lastActiveAt?: string;
  append?: { from: number; activities: unknown[] };
  trimTo?: number;
  replace?: { firstWatermark: number; activities: unknown[] };
}

interface JournalEntry {
  records?: Partial<Record<KeyedCollection, Record<string, unknown>>>;
  conversations?: Record<string, ConversationEntry | null>;
}

/** The journal line for a change set (without the newline), or undefined when nothing changed. */
export function encodeChanges(data: Db, changes: ChangeSet): string | undefined {
  return encodeChangePieces(data, changes)?.join('');
}

/**
 * The journal line as pieces whose concatenation is the line: a record or a conversation each. The
 * store encodes them one after the other (see byteBuilder.ts), so a batch, often 100 KB and more,
 * never exists as one string.
 */
export function encodeChangePieces(data: Db, changes: ChangeSet): string[] | undefined {
  const out: string[] = [];
  for (const [collection, keys] of changes.records) {
    if (keys.size === 0) continue;
    const source = data[collection] as Record<string, unknown>;
    out.push(`${out.length === 0 ? '{"records":{' : ','}${JSON.stringify(collection)}:{`);
    let first = true;
    for (const key of keys) {
      out.push(`${first ? '' : ','}${JSON.stringify(key)}:${JSON.stringify(source[key] ?? null)}`);
      first = false;
    }
    out.push('}');
  }
  if (out.length > 0) out.push('}');
  let first = true;
  for (const [id, change] of changes.conversations) {
    const head = first ? `${out.length === 0 ? '{' : ','}"conversations":{` : ',';
    out.push(`${head}${JSON.stringify(id)}:${JSON.stringify(conversationEntry(id, data.webConversations[id], change))}`);
    first = false;
  }
  if (!first) out.push('}');
  if (out.length === 0) return undefined;
  out.push('}');
  return out;
}

/** `id` is the conversation's key in the store, which reading takes to unpack its activities (see applyEntry). */
function conversationEntry(id: string, conversation: WebConversation | undefined, change: ConversationChange): ConversationEntry | null {
  if (!conversation) return null;
  const { activities, firstWatermark } = conversation;
  const packed = (start: number) => (activity: unknown, i: number) => packActivity(activity, { conversationId: id, userId: conversation.userId, watermark: start + i });
  if (change.rewrite) return { meta: metaOf(conversation), replace: { firstWatermark, activities: activities.map(packed(firstWatermark)) } };
  // New activities that were trimmed again within the batch are not written at all.
  const from = change.appendFrom === undefined ? undefined : Math.max(change.appendFrom, firstWatermark);
  const added = from === undefined ? [] : activities.slice(from - firstWatermark);
  return {
    // A change that names nothing else is taken as one of the metadata.
    ...(change.meta || (from === undefined && !change.trimmed) ? { meta: metaOf(conversation) } : { lastActiveAt: conversation.lastActiveAt }),
    ...(added.length > 0 ? { append: { from: from!, activities: added.map(packed(from!)) } } : {}),
    ...(change.trimmed ? { trimTo: firstWatermark } : {}),
  };
}

function metaOf(conversation: WebConversation): Record<string, unknown> {
  const { activities: _activities, firstWatermark: _firstWatermark, ...meta } = conversation;
  return meta;
}

type Doc = Record<string, unknown>;

function objectAt(doc: Doc, key: string, where: string): Record<string, unknown> {
  const value = (doc[key] ??= {});
  if (!isObject(value)) throw new CodedError(ErrorCode.StoreCorrupt, `Store ${where}: "${key}" is not an object; the files were left untouched.`);
  return value;
}

/**
 * Keyed records onto a document, as a journal entry or a delta of the core holds them: each record
 * whole, a deletion as null.
 */
export function applyRecords(doc: Doc, records: Partial<Record<string, Record<string, unknown> | undefined>>, where: string): void {
  for (const [collection, changed] of Object.entries(records)) {
    if (!(KEYED_COLLECTIONS as readonly string[]).includes(collection)) {
      throw new CodedError(ErrorCode.StoreCorrupt, `Store ${where} names an unknown collection "${collection}"; the files were left untouched.`);
    }
    const target = objectAt(doc, collection, where);
    for (const [key, value] of Object.entries(changed ?? {})) {
      if (value === null) delete target[key];
      else target[key] = value;
    }
  }
}

/**
 * Applies one journal entry to a document as read from the snapshot files (not yet validated: the
 * whole document is validated afterwards). Returns the ids of the conversations it touched.
 *
 * `transcriptsOnly` is for a generation the core snapshot already covers, kept only because it holds
 * activities of transcripts (see filePersistence.ts): the core is newer for records and metadata, so
 * only the activities of conversations the core holds are applied.
 */
export function applyEntry(doc: Doc, raw: unknown, where: string, { transcriptsOnly = false } = {}): string[] {
  if (!isObject(raw)) throw new CodedError(ErrorCode.StoreCorrupt, `Store ${where} is not a journal entry; the files were left untouched.`);
  const entry = raw as JournalEntry;
  if (!transcriptsOnly) applyRecords(doc, entry.records ?? {}, where);
  const conversations = objectAt(doc, 'webConversations', where);
  const touched: string[] = [];
  for (const [id, raw] of Object.entries((entry.conversations ?? {}) as Record<string, unknown>)) {
    const refuse = (what: string): never => {
      throw new CodedError(ErrorCode.StoreCorrupt, `Store ${where}: web conversation "${id}" ${what}; the files were left untouched.`);
    };
    if (id === '__proto__') refuse('is not a conversation id');
    const known = Object.hasOwn(conversations, id);
    if (transcriptsOnly && (raw === null || !known)) continue;
    if (raw === null) {
      touched.push(id);
      delete conversations[id];
      continue;
    }
    if (!isObject(raw)) refuse('is not a change');
    const change = raw as ConversationEntry;
    const hasMeta = change.meta !== undefined;
    if (hasMeta && !isObject(change.meta)) refuse('has metadata that is not an object');
    if (!hasMeta && typeof change.lastActiveAt !== 'string') refuse('has neither its metadata nor its last activity time');
    const existing = known ? (conversations[id] as { firstWatermark?: number; activities?: unknown[]; userId?: unknown }) : undefined;
    // An entry without metadata changes a conversation the document already holds (the snapshot, or
    // an earlier entry, has its metadata). When it does not, the conversation was deleted later on
    // (an older journal replayed onto a newer snapshot, as for a gap below): nothing to apply.
    if (!transcriptsOnly && !hasMeta && existing === undefined) continue;
    touched.push(id);
    // Activities are written packed (see activityCodec.ts): put back in full with what they follow from.
    const userId = String(((transcriptsOnly ? existing : (change.meta ?? existing)) ?? {}).userId ?? '');
    // Anything but a list is left as it is, for the validation of the whole document to refuse.
    const unpacked = (start: number, list: unknown[]): unknown[] =>
      Array.isArray(list) ? list.map((activity: unknown, i) => unpackActivity(activity, { conversationId: id, userId, watermark: start + i }, where)) : list;
    let firstWatermark = existing?.firstWatermark ?? 0;
    let activities = Array.isArray(existing?.activities) ? existing.activities : [];
    if (change.replace) {
      firstWatermark = change.replace.firstWatermark;
      activities = unpacked(firstWatermark, change.replace.activities);
    }
    // A trim first (it may reach past activities of this very entry that were dropped again) …
    if (change.trimTo !== undefined && change.trimTo > firstWatermark) {
      activities = activities.slice(Math.min(change.trimTo - firstWatermark, activities.length));
      firstWatermark = change.trimTo;
    }
    // … then only the new activities the transcript does not hold yet (a snapshot may hold some).
    if (change.append) {
      const end = firstWatermark + activities.length;
      const from = change.append.from;
      const added = unpacked(from, change.append.activities);
      if (from > end) {
        // Activities end..from-1 are not on disk. Replaying an older journal onto a newer snapshot
        // gets here for a conversation deleted later on (a later entry deletes it again); otherwise
        // a transcript file was lost. Either way the history resumes at `from`, as after a trim,
        // rather than refusing to start.
        activities = [...added];
        firstWatermark = from;
      } else {
        activities = [...activities, ...added.slice(end - from)];
      }
    }
    const meta = transcriptsOnly ? existing : (change.meta ?? { ...existing, ...(change.lastActiveAt === undefined ? {} : { lastActiveAt: change.lastActiveAt }) });
    conversations[id] = { ...meta, firstWatermark, activities };
  }
  return touched;
}
