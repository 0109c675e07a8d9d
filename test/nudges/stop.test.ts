import { describe, expect, it } from '@jest/globals';
import type { Channel, SendResult } from '../../src/channels/channel.js';
import type { OutboundReply } from '../../src/core/messages.js';
import { Notifier } from '../../src/core/notifier.js';
import { silentLogger } from '../../src/log.js';
import { nudgeKey } from '../../src/nudges/planners.js';
import { NudgeScheduler } from '../../src/nudges/scheduler.js';
import type { ConversationAddress } from '../../src/store/schema.js';
import { engineHarness, TestUser, translations } from '../helpers/fixtures.js';
import { json, startApp } from '../helpers/server.js';

/** Records sends; the first one is held until `release` (a Slack send waiting out a 429). */
function heldChannel() {
  const sent: { to: string; replies: OutboundReply[] }[] = [];
  let started!: () => void;
  const firstStarted = new Promise<void>((r) => (started = r));
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let first = true;
  const channel = {
    id: 'test',
    start: async () => {},
    stop: async () => {},
    async send(address: ConversationAddress, replies: OutboundReply[]): Promise<SendResult> {
      if (first) {
        first = false;
        started();
        await gate;
      }
      sent.push({ to: address.conversationId, replies });
      return { ok: true };
    },
  } as unknown as Channel;
  return { channel, sent, firstStarted, release };
}

const NOW = new Date('2026-11-24T09:00:00Z'); // a Tuesday morning in Brussels: keep-in-touch, the evaluation … are due

describe('stopping the scheduler while a tick is sending', () => {
  it('the tick ends after the nudge being sent; the others are not claimed, and go out on the next tick', async () => {
    const h = await engineHarness({ clock: () => NOW });
    for (const id of ['liaison-north', 'liaison-south', 'prevention-coordinator']) await new TestUser(h.engine, { id, locale: 'en' }).say('menu');
    const held = heldChannel();
    const notifier = new Notifier(h.repos.users, () => h.directory, await translations(), silentLogger(), () => NOW);
    notifier.register(held.channel);
    const schedulerOf = () => new NudgeScheduler({ store: h.store, nudgeLog: h.repos.nudgeLog, notifier, directory: () => h.directory, log: silentLogger(), clock: () => NOW });
    const scheduler = schedulerOf();
    const due = scheduler.due(NOW).map(nudgeKey);
    expect(due.length).toBeGreaterThan(2);

    const tick = scheduler.tick();
    await held.firstStarted;
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    held.release();
    const report = await tick;
    await stopping;

    expect(stopped).toBe(true);
    expect(report.nudges.map((n) => n.key)).toEqual([due[0]]);
    expect(held.sent).toHaveLength(1);
    expect(h.repos.nudgeLog.all().map(([key, r]) => `${key} ${r.status}`)).toEqual([`${due[0]} sent`]);
    // After a restart (planned from the same store): the rest go out, the first not twice.
    const next = await schedulerOf().tick();
    expect(next.nudges.map((n) => n.key)).toEqual(due.slice(1));
    expect(held.sent).toHaveLength(due.length);
  });

  it('app.stop() closes the server at once, not after the tick, and resolves once the nudge being sent is recorded', async () => {
    const running = await startApp({}, { clock: () => NOW });
    const { app } = running;
    for (const id of ['liaison-north', 'liaison-south', 'prevention-coordinator']) await new TestUser(app.engine, { id, locale: 'en' }).say('menu');
    const held = heldChannel();
    app.notifier.register(held.channel);
    const due = app.scheduler.due(NOW).map(nudgeKey);
    expect(due.length).toBeGreaterThan(2);
    expect((await json(`${running.directLine}/tokens/generate`, { method: 'POST' })).status).toBe(200);

    const tick = app.scheduler.tick(NOW);
    await held.firstStarted;
    let stopped = false;
    const stopping = app.stop().then(() => (stopped = true));
    // No new work is taken while the nudge in flight finishes.
    const during = await json(`${running.directLine}/tokens/generate`, { method: 'POST' }).then((r) => r.status, () => 'refused');
    const stoppedDuring = stopped;
    held.release();
    await tick;
    await stopping;

    expect(during).toBe('refused');
    expect(stoppedDuring).toBe(false);

    expect(held.sent).toHaveLength(1);
    expect(app.store.data.nudges[due[0]!]?.status).toBe('sent');
    expect(Object.keys(app.store.data.nudges)).toEqual([due[0]]);
  });
});
