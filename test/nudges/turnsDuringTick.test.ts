import { describe, expect, it } from '@jest/globals';
import type { SendResult } from '../../src/channels/channel.js';
import type { OutboundReply } from '../../src/core/messages.js';
import { Notifier } from '../../src/core/notifier.js';
import { silentLogger } from '../../src/log.js';
import { NudgeScheduler } from '../../src/nudges/scheduler.js';
import type { ConversationAddress } from '../../src/store/schema.js';
import { answerTrainingSurvey, engineHarness, TestUser, translations } from '../helpers/fixtures.js';

/**
 * Records every send. A send may be held (a Slack call waiting out 429s): `hold` returns when that
 * send starts, and the send waits until `release` is called.
 */
class HeldChannel {
  readonly id = 'test' as const;
  readonly sent: { to: string; replies: OutboundReply[] }[] = [];
  private held: { matches: (to: string) => boolean; started: () => void; gate: Promise<void> } | undefined;
  private open: () => void = () => undefined;

  /** The next send matching `to` (any, by default) is held; resolves once it has started. */
  hold(matches: (to: string) => boolean = () => true): Promise<void> {
    return new Promise<void>((started) => {
      const gate = new Promise<void>((r) => (this.open = r));
      this.held = { matches, started, gate };
    });
  }

  release(): void {
    this.open();
  }

  async start() {}
  async stop() {}
  async send(address: ConversationAddress, replies: OutboundReply[]): Promise<SendResult> {
    const held = this.held;
    if (held?.matches(address.conversationId)) {
      this.held = undefined;
      held.started();
      await held.gate;
    }
    this.sent.push({ to: address.conversationId, replies });
    return { ok: true };
  }
}

async function setup(start: Date) {
  let now = start;
  const clock = () => now;
  const h = await engineHarness({ clock });
  for (const id of ['liaison-north', 'liaison-south', 'prevention-coordinator']) await new TestUser(h.engine, { id, locale: 'en' }).say('menu');
  const channel = new HeldChannel();
  const notifier = new Notifier(h.repos.users, () => h.directory, await translations(), silentLogger(), clock);
  notifier.register(channel);
  const scheduler = new NudgeScheduler({ store: h.store, nudgeLog: h.repos.nudgeLog, notifier, directory: () => h.directory, log: silentLogger(), clock });
  return { h, channel, scheduler, setNow: (d: Date) => (now = d) };
}

describe('turns that run while a nudge tick is sending', () => {
  it('a request acknowledged and a keep-in-touch snoozed during the first send: no reminder, no escalation, no keep-in-touch, nothing recorded', async () => {
    const { h, channel, scheduler, setNow } = await setup(new Date('2026-11-02T08:00:00Z'));
    const req = h.callbacks.create({ schoolId: 'oak-primary', urgency: 'week', way: 'chat', window: 'anytime', requesterName: 'Sam' }, { key: 'test:t1', language: 'en' });
    req.notifications.push({ to: req.assigneeId, kind: 'new', at: '2026-11-02T08:00:00.000Z', result: 'sent' });
    await h.store.commit();
    setNow(new Date('2026-11-04T09:00:00Z')); // two working days later: reminder and escalation are due
    const planned = scheduler.due(new Date('2026-11-04T09:00:00Z')).map((n) => `${n.rule}|${n.recipientId}`);
    // South's keep-in-touch goes first, and is held; north's, the reminder and the escalation come after it.
    expect(planned).toEqual(['keepInTouch|liaison-south', 'keepInTouch|liaison-north', 'callbackReminder|liaison-north', 'callbackEscalation|liaison-south', 'protocolEvaluation|prevention-coordinator']);
    const started = channel.hold((to) => to === 'conv-liaison-south');
    const tick = scheduler.tick();
    await started;

    const north = new TestUser(h.engine, { id: 'liaison-north', locale: 'en' });
    await north.press(`callback:ack:${req.id}`);
    expect(h.store.data.callbacks[0]!.status).toBe('acknowledged');
    await north.press('nudge:snooze:keepInTouch');
    expect(h.store.data.snoozes['liaison-north']?.keepInTouch).toBeDefined();
    channel.release();
    const report = await tick;

    const reported = report.nudges.map((n) => `${n.rule}|${n.recipientId}`);
    expect(reported).toEqual(['keepInTouch|liaison-south', 'protocolEvaluation|prevention-coordinator']);
    for (const gone of ['callbackReminder|liaison-north', 'callbackEscalation|liaison-south', 'keepInTouch|liaison-north']) {
      expect(reported).not.toContain(gone);
      expect(Object.keys(h.store.data.nudges).filter((k) => k.startsWith(gone))).toEqual([]);
    }
    const toNorth = channel.sent.filter((s) => s.to === 'conv-liaison-north');
    const toSouth = channel.sent.filter((s) => s.to === 'conv-liaison-south');
    expect(toNorth).toEqual([]);
    expect(toSouth.map((s) => JSON.stringify(s.replies)).filter((r) => r.includes('Sam'))).toEqual([]);
  });

  it('a request acknowledged while the claim of its reminder is being written: the claim is withdrawn, nothing sent', async () => {
    const { h, channel, scheduler, setNow } = await setup(new Date('2026-11-02T08:00:00Z'));
    const req = h.callbacks.create({ schoolId: 'oak-primary', urgency: 'week', way: 'chat', window: 'anytime', requesterName: 'Sam' }, { key: 'test:t1', language: 'en' });
    req.notifications.push({ to: req.assigneeId, kind: 'new', at: '2026-11-02T08:00:00.000Z', result: 'sent' });
    await h.store.commit();
    setNow(new Date('2026-11-03T09:00:00Z')); // one working day: the reminder is due
    const reminderKey = `callbackReminder|liaison-north|${req.id}`;
    // The commit that writes the reminder's claim is held until the request has been acknowledged.
    const commit = h.store.commit.bind(h.store);
    let claimWritten!: () => void;
    const claimWriting = new Promise<void>((r) => (claimWritten = r));
    let acknowledged!: () => void;
    const ackDone = new Promise<void>((r) => (acknowledged = r));
    h.store.commit = async () => {
      if (h.store.data.nudges[reminderKey]?.status === 'claimed' && h.store.data.callbacks[0]!.status === 'open') {
        claimWritten();
        await ackDone;
      }
      return commit();
    };
    const tick = scheduler.tick();
    await claimWriting;
    await new TestUser(h.engine, { id: 'liaison-north', locale: 'en' }).press(`callback:ack:${req.id}`);
    expect(h.store.data.callbacks[0]!.status).toBe('acknowledged');
    acknowledged();
    const report = await tick;

    expect(report.nudges.map((n) => n.key)).not.toContain(reminderKey);
    expect(h.store.data.nudges[reminderKey]).toBeUndefined();
    expect(channel.sent.filter((s) => JSON.stringify(s.replies).includes('Sam'))).toEqual([]);
  });

  it('a turn about something else while a claim is written: the nudge is planned again without its own claim, and still sent', async () => {
    const { h, channel, scheduler } = await setup(new Date('2026-11-24T09:00:00Z'));
    const key = 'keepInTouch|liaison-north|2026-W48';
    // Planned again with its own claim counted, a keep-in-touch would look sent today and be dropped.
    const commit = h.store.commit.bind(h.store);
    let claimWritten!: () => void;
    const claimWriting = new Promise<void>((r) => (claimWritten = r));
    let turnDone!: () => void;
    const turned = new Promise<void>((r) => (turnDone = r));
    let held = false;
    h.store.commit = async () => {
      if (!held && h.store.data.nudges[key]?.status === 'claimed') {
        held = true;
        claimWritten();
        await turned;
      }
      return commit();
    };
    const tick = scheduler.tick();
    await claimWriting;
    const revision = h.store.revision;
    await new TestUser(h.engine, { id: 'teacher-3', locale: 'en' }).say('menu');
    expect(h.store.revision).toBeGreaterThan(revision);
    turnDone();
    const report = await tick;

    expect(report.nudges.map((n) => n.key)).toContain(key);
    expect(h.store.data.nudges[key]?.status).toBe('sent');
    expect(channel.sent.filter((s) => s.to === 'conv-liaison-north')).toHaveLength(1);
  });

  it('"delete my data" during the tick: the teacher\'s training-survey reminder is not sent, and nothing under their key is written', async () => {
    const { h, channel, scheduler, setNow } = await setup(new Date('2026-11-24T09:00:00Z'));
    const teacher = new TestUser(h.engine, { id: 'teacher-9', locale: 'nl' });
    await answerTrainingSurvey(teacher);
    await teacher.say('ja'); // remind me next school year
    expect(h.store.data.users['test:teacher-9']?.trainingReminder).toBeDefined();
    setNow(new Date('2027-09-15T08:00:00Z'));
    expect(scheduler.due(new Date('2027-09-15T08:00:00Z')).map((n) => n.rule)).toContain('trainingSurvey');
    const started = channel.hold(); // the tick's first send, to an officer
    const tick = scheduler.tick();
    await started;
    await teacher.press('dialog:privacy');
    await teacher.click('delete');
    await teacher.click('confirm');
    expect(h.store.data.users['test:teacher-9']).toBeUndefined();
    channel.release();
    const report = await tick;

    expect(report.nudges.map((n) => n.rule)).not.toContain('trainingSurvey');
    expect(channel.sent.filter((s) => s.to === 'conv-teacher-9')).toEqual([]);
    expect(Object.keys(h.store.data.nudges).filter((k) => k.includes('teacher-9'))).toEqual([]);
  });

  it('"delete my data" while the teacher\'s own reminder is on its way: its record is not written back', async () => {
    const { h, channel, scheduler, setNow } = await setup(new Date('2026-11-24T09:00:00Z'));
    const teacher = new TestUser(h.engine, { id: 'teacher-9', locale: 'nl' });
    await answerTrainingSurvey(teacher);
    await teacher.say('ja');
    setNow(new Date('2027-09-15T08:00:00Z'));
    const started = channel.hold((to) => to === 'conv-teacher-9');
    const tick = scheduler.tick();
    await started;
    await teacher.press('dialog:privacy');
    await teacher.click('delete');
    await teacher.click('confirm');
    expect(Object.keys(h.store.data.nudges).filter((k) => k.includes('teacher-9'))).toEqual([]);
    channel.release();
    await tick;

    expect(channel.sent.filter((s) => s.to === 'conv-teacher-9')).toHaveLength(1); // it was already on its way
    expect(Object.keys(h.store.data.nudges).filter((k) => k.includes('teacher-9'))).toEqual([]);
  });
});
