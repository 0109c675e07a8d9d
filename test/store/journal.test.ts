import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from '../../src/core/errors.js';
import { activityId } from '../../src/store/activityCodec.js';
import { applyEntry, encodeChanges, KEYED_COLLECTIONS, type ChangeSet } from '../../src/store/journal.js';
import { SEGMENTS } from '../../src/store/persistence.js';
import { emptyDb, type Db } from '../../src/store/schema.js';

const activity = (n: number) => ({ id: `c|${n}`, type: 'message', timestamp: '2026-11-24T10:00:00.000Z', text: `m${n}` });
const conversation = (first: number, count: number) => ({
  id: 'c',
  userId: 'v',
  tokens: [],
  createdAt: '2026-11-24T10:00:00.000Z',
  lastActiveAt: '2026-11-24T10:00:00.000Z',
  firstWatermark: first,
  activities: Array.from({ length: count }, (_, i) => activity(first + i)),
  started: true,
});
const changes = (conversations: ChangeSet['conversations'], users: string[] = []): ChangeSet => ({
  records: new Map([['users', new Set(users)]]),
  conversations,
});
const replay = (doc: Db, line: string | undefined): Db => {
  const copy = structuredClone(doc) as unknown as Record<string, unknown>;
  applyEntry(copy, JSON.parse(line!), 'test');
  return copy as unknown as Db;
};

describe('journal entries', () => {
  it('cover every collection of the core: the keyed ones, and web conversations', () => {
    expect([...SEGMENTS.core].sort()).toEqual(['version', 'webConversations', ...KEYED_COLLECTIONS].sort());
  });

  it('carry only the changed records, and a deleted record as null', () => {
    const db = emptyDb();
    db.users.a = { key: 'a', channel: 'web', createdAt: '2026-11-24T10:00:00.000Z', lastSeenAt: '2026-11-24T10:00:00.000Z' };
    db.users.b = { key: 'b', channel: 'web', createdAt: '2026-11-24T10:00:00.000Z', lastSeenAt: '2026-11-24T10:00:00.000Z' };
    const line = encodeChanges(db, changes(new Map(), ['a', 'gone']));
    expect(JSON.parse(line!)).toEqual({ records: { users: { a: db.users.a, gone: null } } });
    expect(encodeChanges(db, changes(new Map()))).toBeUndefined();
  });

  it('are idempotent: replaying an append twice, or onto a snapshot that already has it, changes nothing', () => {
    const before = emptyDb();
    before.webConversations.c = conversation(0, 2);
    const after = structuredClone(before);
    after.webConversations.c!.activities.push(activity(2), activity(3));
    const line = encodeChanges(after, changes(new Map([['c', { appendFrom: 2 }]])));
    expect(replay(before, line)).toEqual(after);
    expect(replay(replay(before, line), line)).toEqual(after);
    expect(replay(after, line)).toEqual(after);
  });

  it("a turn's entry carries the last activity time but not the metadata; a change of the metadata carries it whole", () => {
    const before = emptyDb();
    before.webConversations.c = { ...conversation(0, 2), tokens: [{ hash: 'a'.repeat(64), expiresAt: '2026-11-24T11:00:00.000Z' }] };
    const turn = structuredClone(before);
    turn.webConversations.c!.activities.push(activity(2));
    turn.webConversations.c!.lastActiveAt = '2026-11-24T10:05:00.000Z';
    const turnLine = encodeChanges(turn, changes(new Map([['c', { appendFrom: 2 }]])));
    expect(JSON.parse(turnLine!).conversations.c).toEqual({ lastActiveAt: '2026-11-24T10:05:00.000Z', append: { from: 2, activities: [expect.anything()] } });
    expect(turnLine).not.toContain('a'.repeat(64));
    expect(replay(before, turnLine)).toEqual(turn);
    const refreshed = structuredClone(turn);
    refreshed.webConversations.c!.tokens.push({ hash: 'b'.repeat(64), expiresAt: '2026-11-24T12:00:00.000Z' });
    const refreshLine = encodeChanges(refreshed, changes(new Map([['c', { meta: true }]])));
    expect(JSON.parse(refreshLine!).conversations.c.meta.tokens).toHaveLength(2);
    expect(replay(turn, refreshLine)).toEqual(refreshed);
    // A change naming nothing is taken as one of the metadata (nothing may be lost by omission).
    expect(JSON.parse(encodeChanges(refreshed, changes(new Map([['c', {}]])))!).conversations.c.meta).toBeDefined();
    // Replayed where the conversation is not (an older journal onto a snapshot taken after its deletion): nothing to apply.
    expect(replay(emptyDb(), turnLine).webConversations).toEqual({});
  });

  it("a conversation written whole (new, or put back after a failed write) reads back with the channel's ids past a trim", () => {
    const after = emptyDb();
    const c = conversation(5, 0);
    const channelActivity = (w: number) => ({ type: 'message', from: { id: 'v', role: 'user' }, text: `m${w}`, id: activityId('c', w), timestamp: '2026-11-24T10:00:00.000Z', channelId: 'directline', conversation: { id: 'c' } });
    c.activities = [channelActivity(5), channelActivity(6)];
    after.webConversations.c = c;
    const line = encodeChanges(after, changes(new Map([['c', { rewrite: true }]])));
    expect(line).not.toContain('"directline"'); // packed
    expect(replay(emptyDb(), line)).toStrictEqual(after);
  });

  it('a trim in the same batch as an append keeps exactly the activities the store kept', () => {
    const before = emptyDb();
    before.webConversations.c = conversation(0, 4);
    const after = emptyDb();
    after.webConversations.c = conversation(5, 2); // appended 4, 5, 6, then trimmed everything below 5
    const line = encodeChanges(after, changes(new Map([['c', { appendFrom: 4, trimmed: true }]])));
    expect(JSON.parse(line!).conversations.c.append.from).toBe(5); // 4 was trimmed again: not written
    expect(replay(before, line)).toEqual(after);
    expect(replay(after, line)).toEqual(after);
  });

  it('a gap (an older journal replayed onto a snapshot without the conversation) resumes the history at the gap, like a trim', () => {
    const db = emptyDb() as unknown as Record<string, unknown>;
    const entry = { conversations: { c: { meta: { id: 'c' }, append: { from: 7, activities: [activity(7)] } } } };
    applyEntry(db, entry, 'db.journal.3.jsonl line 1');
    expect((db as unknown as Db).webConversations.c).toMatchObject({ firstWatermark: 7, activities: [activity(7)] });
    applyEntry(db, { conversations: { c: null } }, 'db.journal.3.jsonl line 2'); // deleted later on
    expect((db as unknown as Db).webConversations).toEqual({});
  });

  it('a conversation change of the wrong shape stops the start, whether the conversation is there or not', () => {
    const holding = () => {
      const db = emptyDb();
      db.webConversations.c = conversation(0, 1);
      return db as unknown as Record<string, unknown>;
    };
    const wrong = [5, [], 'x', true, {}, { apend: 1 }, { meta: null }, { meta: [] }, { meta: 'x' }, { lastActiveAt: 5 }];
    for (const change of wrong) {
      for (const doc of [holding(), emptyDb() as unknown as Record<string, unknown>]) {
        expect(() => applyEntry(doc, { conversations: { c: change } }, 'db.journal.2.jsonl line 4')).toThrow(
          expect.objectContaining({ code: ErrorCode.StoreCorrupt, message: expect.stringContaining('db.journal.2.jsonl line 4') }),
        );
      }
    }
    expect(() => applyEntry(holding(), JSON.parse('{"conversations":{"__proto__":{"lastActiveAt":"x"}}}'), 'x')).toThrow(expect.objectContaining({ code: ErrorCode.StoreCorrupt }));
  });

  it('an entry that is not an object, or names an unknown collection, stops the start', () => {
    for (const notAnEntry of [42, null, 'x', [], [{ records: {} }]]) {
      expect(() => applyEntry({}, notAnEntry, 'x')).toThrow(expect.objectContaining({ code: ErrorCode.StoreCorrupt, message: expect.stringContaining('is not a journal entry') }));
    }
    expect(() => applyEntry({}, { records: { secrets: {} } }, 'x')).toThrow(expect.objectContaining({ code: ErrorCode.StoreCorrupt }));
  });
});
