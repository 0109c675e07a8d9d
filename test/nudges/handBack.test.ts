import { describe, expect, it } from '@jest/globals';
import { callbackPeriod } from '../../src/core/callbacks.js';
import { Notifier } from '../../src/core/notifier.js';
import { silentLogger } from '../../src/log.js';
import { NudgeScheduler } from '../../src/nudges/scheduler.js';
import type { ConversationAddress } from '../../src/store/schema.js';
import type { OutboundReply } from '../../src/core/messages.js';
import { engineHarness, TestUser, translations } from '../helpers/fixtures.js';

/** Records what it is asked to send. */
class RecordingTestChannel { readonly id = 'test' as const; sent: { to: string; replies: OutboundReply[] }[] = []; async start() {} async stop() {}
  async send(a: ConversationAddress, replies: OutboundReply[]) { this.sent.push({ to: a.conversationId, replies }); return { ok: true as const }; } }

describe('a request handed back', () => {
  it('to its first officer, whose hand-back notice failed: the scheduler sends the notice again (the first assignment\'s notice does not count)', async () => {
    let now = new Date('2026-11-23T09:00:00Z');
    const clock = () => now;
    const h = await engineHarness({ clock });
    for (const id of ['liaison-north', 'liaison-south', 'prevention-coordinator']) await new TestUser(h.engine, { id, locale: 'en' }).say('menu');
    const ch = new RecordingTestChannel();
    const notifier = new Notifier(h.repos.users, () => h.directory, await translations(), silentLogger(), clock);
    notifier.register(ch);
    const scheduler = new NudgeScheduler({ store: h.store, nudgeLog: h.repos.nudgeLog, notifier, directory: () => h.directory, log: silentLogger(), clock });
    const made = h.callbacks.create({ schoolId: 'oak-primary', urgency: 'week', way: 'chat', window: 'anytime', requesterName: 'Sam' }, { key: 'test:t1', language: 'en' });
    made.notifications.push({ to: 'liaison-north', kind: 'new', at: '2026-11-23T09:00:00.000Z', result: 'sent' }); // first notice reached north
    now = new Date('2026-11-23T10:00:00Z');
    expect(h.callbacks.reassign(made.id, 'prevention-coordinator', 'liaison-north', 'liaison')).toBe('ok');
    made.notifications.push({ to: 'prevention-coordinator', kind: 'new', at: now.toISOString(), result: 'sent' });
    now = new Date('2026-11-23T11:00:00Z');
    expect(h.callbacks.reassign(made.id, 'liaison-north', 'prevention-coordinator', 'coordinator')).toBe('ok');
    made.notifications.push({ to: 'liaison-north', kind: 'new', at: now.toISOString(), result: 'failed' }); // hand-back notice failed (Slack down)
    await h.store.commit();
    now = new Date('2026-11-23T11:10:00Z');
    await scheduler.tick(now);
    const key = `callbackNotice|liaison-north|${callbackPeriod(made)}`;
    expect(Object.keys(h.store.data.nudges)).toContain(key);
  });
});
