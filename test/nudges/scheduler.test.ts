import { describe, expect, it } from '@jest/globals';
import { Notifier } from '../../src/core/notifier.js';
import type { OutboundReply } from '../../src/core/messages.js';
import { silentLogger } from '../../src/log.js';
import { nudgeKey } from '../../src/nudges/planners.js';
import { NudgeScheduler } from '../../src/nudges/scheduler.js';
import { isWorkingTime } from '../../src/nudges/workingTime.js';
import type { ConversationAddress } from '../../src/store/schema.js';
import type { SendResult } from '../../src/channels/channel.js';
import { openStore, type Store } from '../../src/store/store.js';
import { engineHarness, TestUser, text, translations } from '../helpers/fixtures.js';


/** A channel whose answers a test controls, recording the clock time of each send. */
class ScriptedChannel {
  readonly id = 'test' as const;
  readonly sent: { at: string; to: string; replies: OutboundReply[] }[] = [];
  answer: (to: string) => SendResult = () => ({ ok: true });
  constructor(private readonly clock: () => Date) {}
  async start() {}
  async stop() {}
  async send(address: ConversationAddress, replies: OutboundReply[]): Promise<SendResult> {
    const result = this.answer(address.conversationId);
    if (result.ok) this.sent.push({ at: this.clock().toISOString(), to: address.conversationId, replies });
    return result;
  }
}

/** Liaison officers and the coordinator have talked to the assistant (in English), so they can be reached. */
async function setup(start: Date, store?: Store, channel?: ScriptedChannel) {
  let now = start;
  const clock = () => now;
  const h = await engineHarness({ clock, store });
  const scripted = channel ?? new ScriptedChannel(clock);
  const notifier = new Notifier(h.repos.users, () => h.directory, await translations(), silentLogger(), clock);
  notifier.register(scripted);
  if (!store) for (const id of ['liaison-north', 'liaison-south', 'prevention-coordinator']) await new TestUser(h.engine, { id, locale: 'en' }).say('menu');
  const scheduler = () => new NudgeScheduler({ store: h.store, nudgeLog: h.repos.nudgeLog, notifier, directory: () => h.directory, log: silentLogger(), clock });
  return { h, channel: scripted, scheduler, clock, setNow: (d: Date) => (now = d) };
}

describe('nudge scheduler', () => {
  it('a month simulated hour by hour sends each due nudge exactly once, and only in working hours', async () => {
    const { h, channel, scheduler, setNow } = await setup(new Date('2026-11-02T00:00:00Z'));
    // A call-back request on Monday morning (nobody acknowledges it), and a platform meeting on 10 December.
    h.callbacks.create({ schoolId: 'oak-primary', urgency: 'today', way: 'chat', window: 'anytime', requesterName: 'Sam' }, { key: 'test:t1', language: 'en' });
    h.protocol.planMeeting({ date: '2026-12-10', place: 'Town hall', plannedBy: 'liaison-north' });
    const s = scheduler();
    for (let t = Date.parse('2026-11-02T00:00:00Z'); t < Date.parse('2026-12-02T00:00:00Z'); t += 3_600_000) {
      setNow(new Date(t));
      await s.tick();
    }
    const sends = channel.sent;
    expect(sends.length).toBeGreaterThan(0);
    for (const send of sends) expect(isWorkingTime(new Date(send.at), h.directory.data)).toBe(true);
    const keys = h.repos.nudgeLog.all();
    expect(keys.every(([, r]) => r.status === 'sent')).toBe(true);
    // Exactly once per key: as many sends as keys.
    expect(sends).toHaveLength(keys.length);
    const rules = keys.map(([k]) => k.split('|').slice(0, 2).join('|'));
    // Weekly keep-in-touch for both officers (weeks 45 to 49), the call-back reminder and its escalation,
    // the overdue protocol evaluation, the meeting four weeks ahead for every recipient.
    expect(keys.filter(([k]) => k.startsWith('keepInTouch|liaison-north|'))).toHaveLength(5);
    expect(rules).toEqual(expect.arrayContaining(['callbackReminder|liaison-north', 'callbackEscalation|liaison-south', 'protocolEvaluation|prevention-coordinator', 'platformMeetingSoon|liaison-north']));
    // The reminder waited one working day: Monday's request on Tuesday morning.
    const reminder = sends.find((x) => x.replies[0]?.kind === 'choices' && x.replies[0].text.startsWith('Reminder'))!;
    expect(reminder.at.slice(0, 10)).toBe('2026-11-03');
  });

  it('a crash between send and record does not send it again after the restart', async () => {
    // Like a file: what was written is copied, so later changes in memory do not reach it.
    let written: unknown = null;
    const disk = { read: async () => structuredClone(written), write: async (data: unknown) => void (written = structuredClone(data)) };
    const before = await setup(new Date('2026-11-24T09:00:00Z'), await openStore(disk, 'disk'));
    for (const id of ['liaison-north', 'liaison-south', 'prevention-coordinator']) await new TestUser(before.h.engine, { id, locale: 'en' }).say('menu');
    const realCommit = before.h.store.commit.bind(before.h.store);
    let commits = 0;
    before.h.store.commit = async () => {
      commits += 1;
      if (commits === 2) throw new Error('killed'); // claim written, message sent, outcome not recorded
      return realCommit();
    };
    await expect(before.scheduler().tick()).rejects.toThrow('killed');
    expect(before.channel.sent).toHaveLength(1);
    const crashed = before.channel.sent[0]!;

    // The restart reads what was on disk: the nudge is still claimed, so it is not sent again.
    const after = await setup(new Date('2026-11-24T09:05:00Z'), await openStore(disk, 'disk'), before.channel);
    await after.scheduler().tick();
    await after.scheduler().tick(new Date('2026-11-24T13:00:00Z'));
    expect(before.channel.sent.filter((x) => x.to === crashed.to && JSON.stringify(x.replies) === JSON.stringify(crashed.replies))).toHaveLength(1);
    expect(after.h.repos.nudgeLog.all().filter(([, r]) => r.status === 'claimed')).toHaveLength(1);
    expect(after.h.repos.nudgeLog.all().filter(([, r]) => r.status === 'sent').length).toBeGreaterThan(0); // the others went out
  });

  it('after three days down, one catch-up is sent, not three', async () => {
    // The protocol evaluation was due on Friday 20 November; the process was down until Tuesday.
    const { h, channel, scheduler } = await setup(new Date('2026-11-24T08:45:00Z'));
    h.repos.protocolRecords.addEvaluation({ id: 'e', date: '2026-08-20', outcome: 'works', nextDate: '2026-11-20', recordedBy: 'prevention-coordinator', createdAt: '2026-08-20T10:00:00.000Z' });
    const s = scheduler();
    for (const at of ['2026-11-24T08:45:00Z', '2026-11-24T13:00:00Z', '2026-11-25T09:00:00Z', '2026-11-26T09:00:00Z']) await s.tick(new Date(at));
    const evaluations = channel.sent.filter((x) => x.to === 'conv-prevention-coordinator' && JSON.stringify(x.replies).includes('evaluation'));
    expect(evaluations).toHaveLength(1);
    expect(h.repos.nudgeLog.get(nudgeKey({ rule: 'protocolEvaluation', recipientId: 'prevention-coordinator', period: '2026-11-20' }))?.status).toBe('sent');
  });

  it('nothing outside working hours: weekends and nights are skipped', async () => {
    const { channel, scheduler } = await setup(new Date('2026-11-28T10:00:00Z'));
    const s = scheduler();
    expect((await s.tick(new Date('2026-11-28T10:00:00Z'))).workingTime).toBe(false); // Saturday
    expect((await s.tick(new Date('2026-11-24T06:00:00Z'))).workingTime).toBe(false); // 07:00 in Brussels
    expect((await s.tick(new Date('2026-11-24T16:30:00Z'))).workingTime).toBe(false); // 17:30 in Brussels
    expect(channel.sent).toHaveLength(0);
  });

  it('a transient failure is retried with back-off on a later tick, then succeeds', async () => {
    const { h, channel, scheduler } = await setup(new Date('2026-11-24T09:00:00Z'));
    let failures = 1;
    channel.answer = () => (failures-- > 0 ? { ok: false, permanent: false, reason: 'rate_limited' } : { ok: true });
    const s = scheduler();
    const first = await s.tick(new Date('2026-11-24T09:00:00Z'));
    const failed = first.nudges.find((n) => n.outcome === 'failed')!;
    expect(failed).toBeDefined();
    expect(h.repos.nudgeLog.get(failed.key)).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: '2026-11-24T09:05:00.000Z' });
    expect((await s.tick(new Date('2026-11-24T09:03:00Z'))).nudges).toEqual([]); // still backing off
    const retry = await s.tick(new Date('2026-11-24T09:06:00Z'));
    expect(retry.nudges).toEqual([expect.objectContaining({ key: failed.key, outcome: 'sent' })]);
    expect(h.repos.nudgeLog.get(failed.key)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('a permanent failure is recorded, not retried, and shown to coordinators', async () => {
    const { h, channel, scheduler } = await setup(new Date('2026-11-24T09:00:00Z'));
    channel.answer = (to) => (to === 'conv-liaison-north' ? { ok: false, permanent: true, reason: 'account_inactive' } : { ok: true });
    const s = scheduler();
    await s.tick(new Date('2026-11-24T09:00:00Z'));
    const key = nudgeKey({ rule: 'keepInTouch', recipientId: 'liaison-north', period: '2026-W48' });
    expect(h.repos.nudgeLog.get(key)).toMatchObject({ status: 'permanent', lastError: 'unreachable' });
    await s.tick(new Date('2026-11-25T09:00:00Z'));
    expect(channel.sent.filter((x) => x.to === 'conv-liaison-north')).toHaveLength(0);
    const coordinator = new TestUser(h.engine, { id: 'prevention-coordinator' });
    await coordinator.press('dialog:deliveryProblems');
    expect(coordinator.transcript()).toContain(await text('en', 'nudges:problems.title'));
    expect(coordinator.transcript()).toContain('Sanne Peeters');
    expect(coordinator.transcript()).toContain('account_inactive');
  });

  it('snooze: the keep-in-touch nudge stays away for 7 days', async () => {
    const { h, channel, scheduler } = await setup(new Date('2026-11-24T09:00:00Z'));
    const officer = new TestUser(h.engine, { id: 'liaison-north' });
    await officer.press('nudge:snooze:keepInTouch');
    expect(officer.transcript()).toContain(await text('en', 'nudges:snoozed', { date: '1 December 2026' }));
    const s = scheduler();
    await s.tick(new Date('2026-11-24T09:00:00Z'));
    await s.tick(new Date('2026-11-30T09:00:00Z'));
    expect(channel.sent.filter((x) => x.to === 'conv-liaison-north' && JSON.stringify(x.replies).includes('Snooze'))).toHaveLength(0);
    await s.tick(new Date('2026-12-01T09:00:00Z'));
    expect(channel.sent.filter((x) => x.to === 'conv-liaison-north' && JSON.stringify(x.replies).includes('Snooze'))).toHaveLength(1);
  });

  it('a dry run sends and records nothing', async () => {
    const { h, channel, scheduler } = await setup(new Date('2026-11-24T09:00:00Z'));
    const report = await scheduler().tick(new Date('2026-11-24T09:00:00Z'), { dryRun: true });
    expect(report.nudges.length).toBeGreaterThan(0);
    expect(report.nudges.every((n) => n.outcome === 'would-send')).toBe(true);
    expect(channel.sent).toEqual([]);
    expect(h.repos.nudgeLog.all()).toEqual([]);
  });
});
