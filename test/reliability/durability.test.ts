import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { readStoreSnapshot } from '../../src/store/store.js';
import { surnameFor, text } from '../helpers/fixtures.js';
import { killed, spawnServer } from '../helpers/process.js';
import { openConversation } from '../helpers/server.js';

/** Full counts with STRESS=1 (npm run test:stress); smaller in the default run. */
const STRESS = process.env.STRESS === '1';
const ROUNDS = STRESS ? 6 : 3;
const CONVERSATIONS = STRESS ? 60 : 20;

/** A seeded PRNG, so a failing run can be repeated. */
function prng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

/**
 * One teacher's call-back request through the web chat; resolves with their name once the bot
 * confirmed it: the server answers the last post only after the turn, with its "sent" reply, is stored.
 */
async function requestCallback(directLine: string, name: string, sentText: string): Promise<string | undefined> {
  const conv = await openConversation(directLine);
  const steps = [
    { value: { choice: 'dialog:callbackRequest' } },
    { value: { choice: 'school:oak-primary' } },
    { value: { choice: 'today' } },
    { value: { choice: 'email' } },
    { value: { choice: 'anytime' } },
    { text: name },
    { text: 'teacher@school.example' },
    { value: { choice: 'skip' } },
    { value: { choice: 'send' } },
  ];
  for (const step of steps) {
    const res = await conv.post({ type: 'message', ...step });
    if (res.status !== 200) return undefined;
  }
  // The confirmation is in the transcript (when the server is still up to show it).
  // (Its first line: what happens next follows it.)
  const shown = await conv.activities().then((r) => r.body.activities.some((a) => a.text?.split('\n')[0] === sentText), () => true);
  return shown ? name : undefined;
}

describe('durability under SIGKILL', () => {
  it(`every call-back request confirmed to a teacher survives kill -9 at random moments (${ROUNDS} kills, ${CONVERSATIONS} concurrent conversations each)`, async () => {
    const storeFile = join(await mkdtemp(join(tmpdir(), 'durability-')), 'db.json');
    const random = prng(20261124);
    const confirmed = new Set<string>();
    let started = 0;
    const sentText = await text('en', 'callback:sentWeb', { name: 'Sanne Peeters' });
    for (let round = 0; round < ROUNDS; round++) {
      const server = await spawnServer({ STORE_FILE: storeFile, WEB_RATE_LIMIT_PER_MINUTE: '100000' });
      const directLine = `${server.base}/v3/directline`;
      const runs = Array.from({ length: CONVERSATIONS }, (_, i) => {
        started += 1;
        return requestCallback(directLine, `Teacher ${surnameFor(round)} ${surnameFor(i)}`, sentText).then(
          (name) => void (name && confirmed.add(name)),
          () => undefined, // the server died under this conversation: nothing was confirmed
        );
      });
      // Kill while conversations are in flight: once this round's first confirmations arrived, after a
      // random few milliseconds more.
      const before = confirmed.size;
      const deadline = Date.now() + 10_000;
      while (confirmed.size === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
      await new Promise((r) => setTimeout(r, random() * 40));
      await killed(server.child, 'SIGKILL');
      await Promise.all(runs);
    }
    // A last start proves the store is valid (a corrupt or invalid file would stop it), then read it.
    const last = await spawnServer({ STORE_FILE: storeFile });
    await killed(last.child, 'SIGTERM');
    const db = (await readStoreSnapshot(storeFile)).data;
    const stored = new Set(db.callbacks.map((c) => c.requesterName));
    const missing = [...confirmed].filter((name) => !stored.has(name));
    process.stdout.write(`durability: ${ROUNDS} SIGKILLs, ${started} conversations started, ${confirmed.size} confirmed, ${confirmed.size - missing.length} of them stored, ${db.callbacks.length} requests in the store\n`);
    expect(missing).toEqual([]);
    expect(confirmed.size).toBeGreaterThan(0);
  }, 120_000);
});
