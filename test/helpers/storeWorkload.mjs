// A seeded, repeatable workload on the store, for the SIGKILL test of the store's files
// (test/reliability/storeCrash.test.ts). Runs on the build (dist/, made by `npm test`'s pretest), as a process
// of its own so that it can be killed at any moment:
//
//   node test/helpers/storeWorkload.mjs run <profile> <store file> <seed> <progress file>
//     commits step after step on the file store (small snapshot threshold, so snapshots come and
//     go), writing each step's number to the progress file once its commit is confirmed (and
//     printing "started" after the first);
//   node test/helpers/storeWorkload.mjs window <profile> <seed> <steps>
//     applies each step in memory and, whenever a snapshot is running, lets it complete before the
//     step is committed, then copies the files as a crash at that moment would leave them and
//     opens the copy: it must hold exactly the steps committed so far (or the pending one too).
//     Prints {"checks":…,"failures":[…]};
//   node test/helpers/storeWorkload.mjs state <profile> <seed> <from> <to>
//     applies the steps to a memory store and prints the document after the first <from>, <from>+1
//     … <to> steps, one JSON line each: what the file store may hold after that many steps.
import { openSync, writeSync } from 'node:fs';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { activityId, WEB_BOT_ACCOUNT } from '../../dist/src/store/activityCodec.js';
import { openFileStore, openMemoryStore } from '../../dist/src/store/store.js';
import { DialogStatesRepository } from '../../dist/src/store/dialogStates.js';
import { UsersRepository } from '../../dist/src/store/users.js';
import { WebConversationsRepository } from '../../dist/src/store/webConversations.js';

const [mode, profileName, ...args] = process.argv.slice(2);

/**
 * `light`: a few conversations at a time, each turning its 300-activity window over every few dozen
 * steps, rare erasures, and many users who never come back, so that most snapshots are light ones
 * keeping a generation or two and writing a delta of the core.
 * `erasing`: ever more conversations and frequent erasures, so that most snapshots are full ones.
 */
const PROFILES = {
  light: { maxLive: 5, erase: 0.003, snapshotAfterBytes: 64 * 1024, idleUsers: 300 },
  erasing: { maxLive: Infinity, erase: 0.06, snapshotAfterBytes: 8 * 1024, idleUsers: 0 },
};
const profile = PROFILES[profileName];

function prng(seed) {
  return () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

const BASE = Date.parse('2026-11-24T08:00:00.000Z');
const at = (step) => new Date(BASE + step * 60_000);

/** Returns a function that applies step n (n = 0, 1, 2 …, in order) through the repositories. */
function steps(store, seed) {
  const random = prng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const web = new WebConversationsRepository(store);
  const users = new UsersRepository(store);
  const dialogs = new DialogStatesRepository(store);
  const live = [];
  const append = (id, count, step) => {
    const conversation = web.get(id);
    const next = conversation.firstWatermark + conversation.activities.length;
    const activities = [];
    for (let i = 0; i < count; i++) {
      // Lengths vary so that lines and files end at different places from one seed to another. The
      // envelope is the web channel's (its ids, accounts, buttons, replies), which the store writes
      // packed (src/store/activityCodec.ts): a watermark or an account read back wrong shows as a
      // difference in every check.
      const watermark = next + i;
      const envelope = { id: activityId(id, watermark), timestamp: at(step).toISOString(), channelId: 'directline', conversation: { id } };
      const text = `step ${step} ${'é'.repeat(Math.floor(random() * 200))}`;
      activities.push(
        watermark % 2 === 0
          ? { type: 'message', from: { id: conversation.userId, role: 'user' }, text, ...envelope }
          : {
              type: 'message',
              text,
              textFormat: 'plain',
              channelData: { reply: watermark % 3 === 0 ? 'choices' : 'text' },
              ...(watermark % 3 === 0 ? { suggestedActions: { actions: [{ type: 'messageBack', title: 'Ja', text: 'Ja', displayText: 'Ja', value: { choice: 'yes' } }] } } : {}),
              from: { ...WEB_BOT_ACCOUNT },
              locale: 'nl',
              replyToId: activityId(id, watermark - 1),
              ...envelope,
            },
      );
    }
    conversation.lastActiveAt = at(step).toISOString(); // as the channel does: written with the append, without the metadata
    web.append(id, activities);
  };
  return (step) => {
    if (step === 0) for (let i = 0; i < profile.idleUsers; i++) users.touch(`web:idle${i}`, 'web', at(0));
    const roll = random();
    if (live.length === 0 || (roll < 0.12 && live.length < profile.maxLive)) {
      const id = `c${step}`;
      const time = at(step).toISOString();
      web.create({ id, userId: `v-${step}`, tokens: [], createdAt: time, lastActiveAt: time, firstWatermark: 0, activities: [], started: true });
      live.push(id);
    } else if (roll < 0.6) {
      append(pick(live), 1 + Math.floor(random() * 3), step);
    } else if (roll < 0.75) {
      append(pick(live), 40 + Math.floor(random() * 60), step); // long enough to trim past 300
    } else if (roll < 0.81) {
      users.touch(`web:u${Math.floor(random() * 20)}`, 'web', at(step));
      // A token refreshed: the conversation's metadata is written whole.
      const refreshed = web.get(pick(live));
      refreshed.tokens = [{ hash: step.toString(16).padStart(64, '0'), expiresAt: at(step + 1000).toISOString() }];
      web.touched(refreshed.id);
    } else if (roll < 0.88) {
      // A dialog advances, or ends (its record is deleted, which is not an erasure).
      const key = `web:d${Math.floor(random() * 30)}`;
      const ends = random() < 0.3;
      dialogs.save(key, ends ? [] : [{ dialogId: 'menu', step: 'choose', values: { step }, args: {}, waiting: 'prompt' }], at(step));
    } else if (roll < 1 - profile.erase) {
      web.clearHistory(pick(live));
    } else {
      const id = live.splice(Math.floor(random() * live.length), 1)[0];
      web.delete(id); // personal data erased: a full snapshot
    }
  };
}

if (!profile) {
  process.stderr.write('usage: storeWorkload.mjs run <light|erasing> <store file> <seed> | state <light|erasing> <seed> <from> <to>\n');
  process.exit(2);
} else if (mode === 'run') {
  const [file, seed, progressFile] = args;
  const store = await openFileStore(file, { snapshotAfterBytes: profile.snapshotAfterBytes });
  const apply = steps(store, Number(seed));
  // Not stdout: a write to a pipe the test reads too slowly is queued inside this process, and a
  // SIGKILL drops the queue, so the test would see fewer steps confirmed than the store holds. A
  // file write is in the kernel when writeSync returns, and survives the kill.
  const progress = openSync(progressFile, 'w');
  for (let step = 0; ; step++) {
    apply(step);
    await store.commit();
    writeSync(progress, `${step}\n`);
    if (step === 0) process.stdout.write('started\n');
  }
} else if (mode === 'window') {
  const [file, seed, count] = [args[0], Number(args[1]), Number(args[2])];
  const store = await openFileStore(file, { snapshotAfterBytes: profile.snapshotAfterBytes });
  const memory = await openMemoryStore();
  const apply = steps(store, seed);
  const applyInMemory = steps(memory, seed);
  const plain = (data) => JSON.parse(JSON.stringify(data));
  let checks = 0;
  const failures = [];
  for (let step = 0; step < count && failures.length < 3; step++) {
    const committed = plain(memory.data);
    apply(step);
    applyInMemory(step);
    await memory.commit();
    // The store's own field (this is a test of its internals): is a snapshot running right now?
    if (store.persistence.snapshotting) {
      await store.idle();
      const copy = join(await mkdtemp(join(tmpdir(), 'store-window-')), 'db.json');
      await cp(dirname(file), dirname(copy), { recursive: true });
      const reopened = await openFileStore(copy);
      const data = plain(reopened.data);
      await reopened.close();
      checks += 1;
      if (!isDeepStrictEqual(data, committed) && !isDeepStrictEqual(data, plain(memory.data))) failures.push(step);
    }
    await store.commit();
  }
  process.stdout.write(JSON.stringify({ checks, failures }));
} else if (mode === 'state') {
  const [seed, from, to] = args.map(Number);
  const store = await openMemoryStore();
  const apply = steps(store, seed);
  for (let step = 0; step <= to; step++) {
    if (step >= from) process.stdout.write(`${JSON.stringify(store.data)}\n`);
    if (step === to) break;
    apply(step);
    await store.commit();
  }
}
