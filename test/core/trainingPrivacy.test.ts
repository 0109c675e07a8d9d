import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { TrainingService } from '../../src/core/training.js';
import { COMPETENCES, emptyDb, type Db, type TrainingResponse } from '../../src/store/schema.js';
import { openMemoryStore, type Store } from '../../src/store/store.js';
import { TrainingRepository } from '../../src/store/training.js';
import { answerTrainingSurvey, engineHarness, realDirectory, TestUser } from '../helpers/fixtures.js';

const YEAR = '2026-2027';

async function service(store: Store, clock: () => Date, key?: string) {
  const directory = await realDirectory();
  return new TrainingService(new TrainingRepository(store), () => directory, clock, key);
}

/** What someone holding only the store's data can compute: each known user key's hash, and where it is stored. */
function attackerLinks(data: Db, userKeys: readonly string[]): Map<string, TrainingResponse | undefined> {
  const { salt, hashes } = data.trainingSubmitters[YEAR]!;
  const answers = data.trainingResponses.filter((r) => r.schoolYear === YEAR);
  return new Map(
    userKeys.map((key) => {
      const at = hashes.indexOf(createHash('sha256').update(`${salt}:${key}`).digest('hex'));
      return [key, at < 0 ? undefined : answers[at]];
    }),
  );
}

describe('training answers cannot be linked to the teachers who gave them', () => {
  it('neither the order of the answers nor their dates match the order of the submitter hashes', async () => {
    const store = await openMemoryStore(undefined, { checkChanges: true });
    let now = new Date('2026-09-10T10:00:00Z');
    const training = await service(store, () => now);
    // Twenty teachers, each with an answer only they gave (a unique pair of competences), over three months.
    const keys = Array.from({ length: 20 }, (_, i) => `slack:T1:U${i}`);
    const mine = new Map<string, TrainingResponse['competences']>();
    keys.forEach((key, i) => {
      now = new Date(Date.parse('2026-09-10T10:00:00Z') + i * 4 * 86_400_000); // September to November
      const competences = [COMPETENCES[i % 10]!, COMPETENCES[(i + 1 + Math.floor(i / 10)) % 10]!];
      mine.set(key, competences);
      expect(training.submit(key, { schoolId: 'oak-primary', role: 'teacher', competences, format: 'online' }).ok).toBe(true);
    });
    await store.commit();
    const data = JSON.parse(JSON.stringify(store.data)) as Db;

    // Matching positions: before the fix every single answer was linked to its author.
    const linked = [...attackerLinks(data, keys)].filter(([key, answer]) => answer && JSON.stringify(answer.competences) === JSON.stringify(mine.get(key)));
    expect(linked.length).toBeLessThan(10); // a random order matches ~1 on average; 10 or more happens once in millions

    // No per-answer date finer than the school year: every answer of the year carries the same month.
    expect(new Set(data.trainingResponses.map((r) => r.month))).toEqual(new Set(['2026-09']));
    // Nothing about the teacher in the answers, and the one-answer rule still holds.
    expect(JSON.stringify(data.trainingResponses)).not.toMatch(/slack:|U\d/);
    expect(training.hasAnswered('slack:T1:U3')).toBe(true);
    expect(training.submit('slack:T1:U3', { schoolId: 'oak-primary', role: 'teacher', competences: ['criticalThinking'], format: 'online' })).toEqual({ ok: false, reason: 'already-answered' });
    expect(data.trainingResponses).toHaveLength(20);
  });

  it('an existing store (answers in submission order, with their month) opens, keeps its answers and is scrubbed by the next answer', async () => {
    // A store written by the previous version: hashes and answers appended in the same order.
    const salt = 'a'.repeat(64);
    const db = emptyDb();
    const keys = Array.from({ length: 12 }, (_, i) => `teams:U${i}`);
    db.trainingSubmitters[YEAR] = { salt, hashes: keys.map((k) => createHash('sha256').update(`${salt}:${k}`).digest('hex')) };
    db.trainingResponses = keys.map((_, i) => ({
      id: `old-${i}`,
      schoolYear: YEAR,
      schoolId: i % 2 ? 'canal-secondary' : 'oak-primary',
      role: 'teacher',
      competences: [COMPETENCES[i % 10]!],
      format: 'schoolTeam',
      month: i < 6 ? '2026-10' : '2026-11',
    }));
    const store = await openMemoryStore(db, { checkChanges: true });
    const training = await service(store, () => new Date('2026-11-24T10:00:00Z'));
    expect(training.hasAnswered('teams:U4')).toBe(true); // the old hashes still refuse a second answer
    expect(training.submit('teams:new', { schoolId: 'oak-primary', role: 'head', competences: ['workingWithParents'], format: 'other' }).ok).toBe(true);
    await store.commit();

    const ids = store.data.trainingResponses.map((r) => r.id);
    expect([...ids].sort()).toEqual([...keys.map((_, i) => `old-${i}`), expect.any(String)].sort());
    // Every answer kept, with every field but the month.
    for (const old of db.trainingResponses) {
      const { month: _m, ...kept } = old;
      expect(store.data.trainingResponses.find((r) => r.id === old.id)).toEqual({ ...kept, month: '2026-09' });
    }
    const linked = [...attackerLinks(store.data, keys)].filter(([key, answer]) => answer?.id === `old-${keys.indexOf(key)}`);
    expect(linked.length).toBeLessThan(8);
  });

  it('the training dialog does not write the chosen school on the teacher\'s profile', async () => {
    const { engine, store } = await engineHarness();
    const teacher = new TestUser(engine, { id: 'teacher-90', locale: 'en' });
    await answerTrainingSurvey(teacher);
    expect(store.data.trainingResponses).toHaveLength(1);
    const user = Object.values(store.data.users).find((u) => u.key.includes('teacher-90'));
    expect(user).toBeDefined();
    expect(user!.schoolId).toBeUndefined();
  });

  it('with TRAINING_SUBMITTER_KEY, the store alone no longer tells who answered; the one-answer rule still holds', async () => {
    const key = 'k'.repeat(40);
    const keys = ['slack:T1:U1', 'slack:T1:U2', 'slack:T1:U3'];
    const answer: Parameters<TrainingService['submit']>[1] = { schoolId: 'oak-primary', role: 'teacher', competences: ['criticalThinking'], format: 'online' };
    const now = () => new Date('2026-10-01T10:00:00Z');

    const unkeyed = await openMemoryStore(undefined, { checkChanges: true });
    const plain = await service(unkeyed, now);
    for (const k of keys.slice(0, 2)) plain.submit(k, answer);
    // Without a key, the salt and the user keys are enough to find who answered (the limit this closes).
    const plainData = JSON.parse(JSON.stringify(unkeyed.data)) as Db;
    expect([...attackerLinks(plainData, keys)].filter(([, a]) => a).map(([k]) => k)).toEqual(keys.slice(0, 2));

    const keyedStore = await openMemoryStore(undefined, { checkChanges: true });
    const keyed = await service(keyedStore, now, key);
    for (const k of keys.slice(0, 2)) expect(keyed.submit(k, answer).ok).toBe(true);
    const keyedData = JSON.parse(JSON.stringify(keyedStore.data)) as Db;
    expect(keyedData.trainingSubmitters[YEAR]!.hashes).toHaveLength(2);
    expect([...attackerLinks(keyedData, keys)].filter(([, a]) => a)).toEqual([]);
    expect(JSON.stringify(keyedData)).not.toContain(key);
    expect(keyed.submit('slack:T1:U2', answer)).toEqual({ ok: false, reason: 'already-answered' });
    expect(keyed.hasAnswered('slack:T1:U3')).toBe(false);
    // The same store under another key does not recognise the answers made before (documented).
    expect((await service(keyedStore, now, 'z'.repeat(40))).hasAnswered('slack:T1:U1')).toBe(false);
  });
});
