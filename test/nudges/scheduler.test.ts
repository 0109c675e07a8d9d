import { describe, expect, it } from '@jest/globals';
import { callbackPeriod } from '../../src/core/callbacks.js';
import { Notifier } from '../../src/core/notifier.js';
import type { OutboundReply } from '../../src/core/messages.js';
import { silentLogger } from '../../src/log.js';
import { nudgeKey, planNudges } from '../../src/nudges/planners.js';
import { NudgeScheduler } from '../../src/nudges/scheduler.js';
import { isWorkingTime, workingHoursBetween } from '../../src/nudges/workingTime.js';
import type { ConversationAddress } from '../../src/store/schema.js';
import type { SendResult } from '../../src/channels/channel.js';
import { openStore, type Store } from '../../src/store/store.js';
import { answerTrainingSurvey, directoryWithout, engineHarness, TestUser, text, translations } from '../helpers/fixtures.js';


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
  return { h, channel: scripted, scheduler, clock, notifier, setNow: (d: Date) => (now = d) };
}

/** A request made, and its assignee told (as the call-back dialog does once the request is stored). */
async function request(h: Awaited<ReturnType<typeof setup>>['h']) {
  const made = h.callbacks.create({ schoolId: 'oak-primary', urgency: 'week', way: 'chat', window: 'anytime', requesterName: 'Sam' }, { key: 'test:t1', language: 'en' });
  await h.callbacks.notifyAssignee(made.id);
  return made;
}

describe('nudge scheduler', () => {
  it('a month simulated hour by hour sends each due nudge exactly once, and only in working hours', async () => {
    const { h, channel, scheduler, setNow } = await setup(new Date('2026-11-02T00:00:00Z'));
    // A call-back request on Monday morning (nobody acknowledges it), and a platform meeting on 10 December.
    h.callbacks.create({ schoolId: 'oak-primary', urgency: 'week', way: 'chat', window: 'anytime', requesterName: 'Sam' }, { key: 'test:t1', language: 'en' });
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

/** The local dates (YYYY-MM-DD, Brussels) on which a nudge log's records of one rule and recipient were sent, in order. */
function sentDates(store: Store, rule: string, recipientId: string): string[] {
  return Object.values(store.data.nudges)
    .filter((r) => r.rule === rule && r.recipientId === recipientId && r.status === 'sent')
    .map((r) => r.sentAt!.slice(0, 10))
    .sort();
}

const dayMs = 86_400_000;
const gapDays = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / dayMs);

describe('nudge periods over weeks and months', () => {
  it('an overdue protocol evaluation is recalled every month until it is recorded, each month once, across restarts', async () => {
    // Evaluated last on 15 June (directory): due on 15 September. Nobody records an evaluation for a year.
    let written: unknown = null;
    const disk = { read: async () => structuredClone(written), write: async (data: unknown) => void (written = structuredClone(data)) };
    let run = await setup(new Date('2026-09-01T08:00:00Z'), await openStore(disk, 'disk'));
    for (const id of ['liaison-north', 'liaison-south', 'prevention-coordinator']) await new TestUser(run.h.engine, { id, locale: 'en' }).say('menu');
    await run.h.store.commit();
    for (let t = Date.parse('2026-09-01T09:00:00Z'); t < Date.parse('2027-09-01T09:00:00Z'); t += dayMs) {
      if (new Date(t).getUTCDate() === 20) {
        // A restart every month, from what is on disk.
        await run.h.store.commit();
        run = await setup(new Date(t), await openStore(disk, 'disk'), run.channel);
      }
      run.setNow(new Date(t));
      await run.scheduler().tick(); // a fresh scheduler every day, and two ticks a day
      run.setNow(new Date(t + 4 * 3_600_000));
      await run.scheduler().tick();
    }
    const store = run.h.store;
    const keys = Object.keys(store.data.nudges).filter((k) => k.startsWith('protocolEvaluation|prevention-coordinator|'));
    const dates = sentDates(store, 'protocolEvaluation', 'prevention-coordinator');
    // 15 September, then the 15th of each month (or the next working day; 17 May 2027, Whit Monday, is one
    // of the directory's closed days): twelve reminders in the year, each its own key.
    expect(dates).toEqual(['2026-09-15', '2026-10-15', '2026-11-16', '2026-12-15', '2027-01-15', '2027-02-15', '2027-03-15', '2027-04-15', '2027-05-18', '2027-06-15', '2027-07-15', '2027-08-16']);
    expect(keys).toHaveLength(dates.length);
    // Sent exactly once each: as many messages to the coordinator about the evaluation as keys.
    const messages = run.channel.sent.filter((x) => x.to === 'conv-prevention-coordinator' && JSON.stringify(x.replies).includes('due for its evaluation'));
    expect(messages).toHaveLength(keys.length);
    // The first keeps the key it always had (logs written before this change stay valid).
    expect(store.data.nudges['protocolEvaluation|prevention-coordinator|2026-09-15']?.status).toBe('sent');
  }, 60_000); // a year, day by day, with restarts: about 7 s on a quiet machine

  it('once the overdue evaluation is recorded, the monthly reminders stop until the next one falls due', async () => {
    const { h, channel, scheduler, setNow } = await setup(new Date('2026-09-01T09:00:00Z'));
    const s = scheduler();
    const evaluations = () => channel.sent.filter((x) => x.to === 'conv-prevention-coordinator' && JSON.stringify(x.replies).includes('due for its evaluation')).map((x) => x.at.slice(0, 10));
    for (let t = Date.parse('2026-09-01T09:00:00Z'); t < Date.parse('2027-03-01T09:00:00Z'); t += dayMs) {
      if (t === Date.parse('2026-10-20T09:00:00Z')) {
        h.repos.protocolRecords.addEvaluation({ id: 'e', date: '2026-10-20', outcome: 'works', nextDate: '2027-01-20', recordedBy: 'prevention-coordinator', createdAt: '2026-10-20T09:00:00.000Z' });
      }
      setNow(new Date(t));
      await s.tick();
    }
    expect(evaluations()).toEqual(['2026-09-15', '2026-10-15', '2027-01-20', '2027-02-22']); // 20 February 2027 is a Saturday
  });

  /** Daily ticks at 10:00 in Brussels from Monday 23 November to 20 December; the officer presses Snooze at each of `snoozes` ("YYYY-MM-DD before|after" that day's tick). */
  async function keepInTouchWithSnooze(...snoozes: string[]) {
    const { h, channel, scheduler, setNow } = await setup(new Date('2026-11-23T07:00:00Z'));
    const s = scheduler();
    let confirmation: string | undefined;
    for (let t = Date.parse('2026-11-23T09:00:00Z'); t < Date.parse('2026-12-21T09:00:00Z'); t += dayMs) {
      setNow(new Date(t));
      const day = new Date(t).toISOString().slice(0, 10);
      if (snoozes.includes(`${day} before`)) confirmation = await snooze(h);
      await s.tick();
      if (snoozes.includes(`${day} after`)) confirmation = await snooze(h);
    }
    const sends = channel.sent.filter((x) => x.to === 'conv-liaison-north' && JSON.stringify(x.replies).includes('nudge:snooze:keepInTouch')).map((x) => x.at.slice(0, 10));
    return { sends, confirmation };
  }
  async function snooze(h: Awaited<ReturnType<typeof setup>>['h']): Promise<string> {
    const officer = new TestUser(h.engine, { id: 'liaison-north', locale: 'en' });
    await officer.press('nudge:snooze:keepInTouch');
    return officer.transcript();
  }
  const neverCloserThanAWeek = (sends: string[]) => sends.slice(1).every((d, i) => gapDays(sends[i]!, d) >= 7);

  it('keep in touch without a snooze: every Monday', async () => {
    expect((await keepInTouchWithSnooze()).sends).toEqual(['2026-11-23', '2026-11-30', '2026-12-07', '2026-12-14']);
  });

  it('snoozed on a Wednesday: nothing for 7 days, the next on the day promised, then weekly again, never two within a week', async () => {
    const { sends, confirmation } = await keepInTouchWithSnooze('2026-11-25 after');
    expect(confirmation).toContain(await text('en', 'nudges:snoozed', { date: '2 December 2026' }));
    expect(sends).toEqual(['2026-11-23', '2026-12-02', '2026-12-09', '2026-12-16']);
    expect(neverCloserThanAWeek(sends)).toBe(true);
  });

  it('snoozed on a Friday: the next on the Friday promised, then weekly from that day', async () => {
    // Snoozed until Friday 4 December; the weekly rhythm continues from that day (working days only).
    const { sends, confirmation } = await keepInTouchWithSnooze('2026-11-27 after');
    expect(confirmation).toContain(await text('en', 'nudges:snoozed', { date: '4 December 2026' }));
    expect(sends).toEqual(['2026-11-23', '2026-12-04', '2026-12-11', '2026-12-18']);
    expect(neverCloserThanAWeek(sends)).toBe(true);
  });

  it('whichever day it is pressed, before or after that day\'s nudge: nothing until the snooze ends, then never two within a week', async () => {
    for (let t = Date.parse('2026-11-23'); t <= Date.parse('2026-12-06'); t += dayMs) {
      const day = new Date(t).toISOString().slice(0, 10);
      for (const when of ['before', 'after']) {
        const { sends } = await keepInTouchWithSnooze(`${day} ${when}`);
        const until = new Date(t + 7 * dayMs).toISOString().slice(0, 10);
        const during = sends.filter((d) => d >= day && d < until && !(d === day && when === 'after'));
        expect({ day, when, during }).toEqual({ day, when, during: [] });
        expect({ day, when, weekly: neverCloserThanAWeek(sends) }).toEqual({ day, when, weekly: true });
        // And the rhythm does resume: one nudge in each full week counted from the snooze's end (schools stay overdue throughout).
        for (let week = Date.parse(until); week + 7 * dayMs <= Date.parse('2026-12-21'); week += 7 * dayMs) {
          const from = new Date(week).toISOString().slice(0, 10);
          const to = new Date(week + 7 * dayMs).toISOString().slice(0, 10);
          expect({ day, when, from, sends: sends.filter((d) => d >= from && d < to).length }).toEqual({ day, when, from, sends: 1 });
        }
      }
    }
  });

  it.each([
    [14, '2026-12-07', ['2026-11-23', '2026-12-07', '2026-12-21', '2027-01-04', '2027-01-18']],
    [28, '2026-12-21', ['2026-11-23', '2026-12-21', '2027-01-18']],
  ])('every %i days: a snooze keeps the nudge away for that long, never bringing it sooner than without it', async (every, promised, expected) => {
    const { h, channel, scheduler, setNow } = await setup(new Date('2026-11-23T07:00:00Z'));
    h.nudges.setKeepInTouchEvery('liaison-north', every as 14 | 28);
    const s = scheduler();
    let confirmation = '';
    for (let t = Date.parse('2026-11-23T09:00:00Z'); t < Date.parse('2027-01-25T09:00:00Z'); t += dayMs) {
      setNow(new Date(t));
      await s.tick();
      if (t === Date.parse('2026-11-23T09:00:00Z')) {
        const officer = new TestUser(h.engine, { id: 'liaison-north', locale: 'en' });
        await officer.press('nudge:snooze:keepInTouch');
        confirmation = officer.transcript();
      }
    }
    const nudges = channel.sent.filter((x) => x.to === 'conv-liaison-north' && JSON.stringify(x.replies).includes('nudge:snooze:keepInTouch'));
    expect(JSON.stringify(nudges[0]!.replies)).toContain(await text('en', 'nudges:snooze', { count: every }));
    expect(confirmation).toContain(await text('en', 'nudges:snoozed', { date: new Date(`${promised}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' }) }));
    expect(nudges.map((x) => x.at.slice(0, 10))).toEqual(expected);
  });

  it('snoozed again after the first snooze: the second restarts the rhythm from its own end', async () => {
    const { sends, confirmation } = await keepInTouchWithSnooze('2026-11-25 after', '2026-12-04 after');
    expect(confirmation).toContain(await text('en', 'nudges:snoozed', { date: '11 December 2026' }));
    expect(sends).toEqual(['2026-11-23', '2026-12-02', '2026-12-11', '2026-12-18']);
  });

  it('snoozed on Monday before that day\'s nudge: none that week, the next a week later', async () => {
    const { sends } = await keepInTouchWithSnooze('2026-11-23 before');
    expect(sends).toEqual(['2026-11-30', '2026-12-07', '2026-12-14']);
  });

  it('snoozed on Monday after that day\'s nudge: the next on the day promised, a week later, not earlier', async () => {
    const { sends, confirmation } = await keepInTouchWithSnooze('2026-11-23 after');
    expect(confirmation).toContain(await text('en', 'nudges:snoozed', { date: '30 November 2026' }));
    expect(sends).toEqual(['2026-11-23', '2026-11-30', '2026-12-07', '2026-12-14']);
  });
});

describe('call-back reminders count working time from when the request reached its handler', () => {
  const remindersAndEscalations = (channel: ScriptedChannel) =>
    channel.sent
      .filter((x) => x.replies[0]?.kind === 'choices' && /^(Reminder|Escalation|Not acknowledged)/.test(x.replies[0].text))
      .map((x) => `${x.at.slice(0, 10)} ${x.to}`);

  it('a request made on Saturday, or on Monday evening, is reminded a whole working day later', async () => {
    for (const [madeAt, notBefore, on] of [
      ['2026-11-21T10:00:00Z', '2026-11-23T09:00:00Z', '2026-11-24T09:00:00Z'], // Saturday: not Monday, Tuesday
      ['2026-11-23T21:00:00Z', '2026-11-24T09:00:00Z', '2026-11-25T09:00:00Z'], // Monday 22:00 in Brussels: not Tuesday, Wednesday
    ] as const) {
      const { h, channel, scheduler, setNow } = await setup(new Date(madeAt));
      setNow(new Date(madeAt));
      const { id } = await request(h);
      await scheduler().tick(new Date(notBefore));
      expect(h.store.data.nudges[`callbackReminder|liaison-north|${id}`]).toBeUndefined();
      await scheduler().tick(new Date(on));
      expect(h.store.data.nudges[`callbackReminder|liaison-north|${id}`]?.status).toBe('sent');
      expect(remindersAndEscalations(channel)).toHaveLength(1);
    }
  });

  it('handed to a colleague: the colleague\'s wait starts then, and it never escalates to the one who handed it over', async () => {
    const { h, channel, scheduler, setNow } = await setup(new Date('2026-11-23T09:00:00Z'));
    const { id } = await request(h); // Monday, to liaison-north (whose backup is liaison-south, and south's is north)
    await scheduler().tick(new Date('2026-11-24T09:00:00Z')); // Tuesday: north is reminded
    setNow(new Date('2026-11-25T08:30:00Z'));
    expect(h.callbacks.reassign(id, 'liaison-south', 'liaison-north', 'liaison')).toBe('ok');
    await h.callbacks.notifyAssignee(id); // as the Reassign button does
    await scheduler().tick(new Date('2026-11-25T09:00:00Z')); // Wednesday: nothing yet for south, no escalation
    const ofRequest = () => Object.keys(h.store.data.nudges).filter((k) => k.includes(id)).sort();
    expect(ofRequest()).toEqual([`callbackReminder|liaison-north|${id}`]);
    await scheduler().tick(new Date('2026-11-26T09:00:00Z')); // Thursday: south is reminded
    await scheduler().tick(new Date('2026-11-27T09:00:00Z')); // Friday: escalated, to a coordinator rather than back to north
    // South's are those of the hand-over's own period.
    const handedOver = `${id}@2026-11-25T08:30:00.000Z`;
    expect(ofRequest()).toEqual([
      `callbackEscalation|prevention-coordinator|${handedOver}`,
      `callbackReminder|liaison-north|${id}`,
      `callbackReminder|liaison-south|${handedOver}`,
    ]);
    const claimed = Object.values(h.store.data.nudges).filter((r) => r.period.startsWith(id) && r.status === 'sent');
    expect(claimed.map((r) => r.claimedAt.slice(0, 10)).sort()).toEqual(['2026-11-24', '2026-11-26', '2026-11-27']);
    expect(channel.sent.filter((x) => x.to === 'conv-liaison-north' && JSON.stringify(x.replies).includes('Sam'))).toHaveLength(1); // its own reminder only
  });

  it('an acknowledged request handed over is open again: a notice that fails is sent again, the new handler is reminded, and their acknowledgement reaches the teacher', async () => {
    const { h, channel, scheduler } = await setup(new Date('2026-11-23T09:00:00Z'));
    const { id } = await request(h);
    expect(h.callbacks.change(id, 'ack', 'liaison-north', 'liaison')).toEqual({ result: 'ok', firstResponse: true });
    expect(h.callbacks.reassign(id, 'liaison-south', 'liaison-north', 'liaison')).toBe('ok');
    const handed = h.store.data.callbacks.find((c) => c.id === id)!;
    expect(handed).toMatchObject({ status: 'open', assigneeId: 'liaison-south' });
    expect(handed.acknowledgedBy).toBeUndefined();
    // The notice to the colleague failed (a platform error), as the call-back dialog records it.
    handed.notifications.push({ to: 'liaison-south', kind: 'new', at: '2026-11-23T09:00:00.000Z', result: 'failed' });
    await scheduler().tick(new Date('2026-11-23T09:10:00Z'));
    const period = callbackPeriod(handed); // the hand-over's own
    expect(period).toBe(`${id}@${handed.reassignedAt}`);
    expect(h.store.data.nudges[`callbackNotice|liaison-south|${period}`]?.status).toBe('sent');
    expect(channel.sent.filter((x) => x.to === 'conv-liaison-south' && JSON.stringify(x.replies).includes('Sam'))).toHaveLength(1);
    await scheduler().tick(new Date('2026-11-24T09:00:00Z')); // a working day later, not acknowledged
    expect(h.store.data.nudges[`callbackReminder|liaison-south|${period}`]?.status).toBe('sent');
    expect(h.callbacks.change(id, 'ack', 'liaison-south', 'liaison')).toEqual({ result: 'ok', firstResponse: true });
    expect(handed.acknowledgedBy).toBe('liaison-south');
  });

  it('an assignee who left the directory is replaced by the school\'s liaison officer, named in the escalation', async () => {
    const { h, channel, scheduler } = await setup(new Date('2026-11-23T09:00:00Z'));
    const { id } = await request(h);
    h.setDirectory(await directoryWithout('liaison-north', 'liaison-south'));
    // South never had the notice: it comes first, and the reminder at the next tick.
    await scheduler().tick(new Date('2026-11-24T09:00:00Z'));
    expect(h.store.data.nudges[`callbackNotice|liaison-south|${id}`]?.status).toBe('sent');
    expect(h.store.data.nudges[`callbackReminder|liaison-south|${id}`]).toBeUndefined();
    await scheduler().tick(new Date('2026-11-24T10:00:00Z'));
    expect(h.store.data.nudges[`callbackReminder|liaison-south|${id}`]?.status).toBe('sent');
    expect(h.store.data.nudges[`callbackReminder|liaison-north|${id}`]).toBeUndefined();
    // South may act on it, though it is still assigned to the officer who left.
    expect(h.callbacks.change(id, 'ack', 'liaison-south', 'liaison').result).toBe('ok');
    h.store.data.callbacks.find((c) => c.id === id)!.status = 'open';
    await scheduler().tick(new Date('2026-11-25T09:00:00Z'));
    const escalation = channel.sent.find((x) => x.to === 'conv-prevention-coordinator' && JSON.stringify(x.replies).includes('Sam'))!;
    expect(JSON.stringify(escalation.replies)).toContain('Jonas Dubois');
    expect(JSON.stringify(escalation.replies)).not.toContain('liaison-north');
  });
});

describe('closed days, meetings planned twice, and sends cut short', () => {
  it('no nudges on a closed day (Christmas), and a closed day is not a working day for call-back reminders', async () => {
    const { h, channel, scheduler, setNow } = await setup(new Date('2026-12-24T09:00:00Z'));
    setNow(new Date('2026-12-24T09:00:00Z'));
    const { id } = await request(h);
    const before = channel.sent.length;
    const christmas = await scheduler().tick(new Date('2026-12-25T09:00:00Z'));
    expect(christmas.workingTime).toBe(false);
    expect(channel.sent.length).toBe(before);
    await scheduler().tick(new Date('2026-12-28T09:00:00Z')); // Monday: the first working day after Thursday's request
    expect(h.store.data.nudges[`callbackReminder|liaison-north|${id}`]?.status).toBe('sent');
    expect(h.store.data.nudges[`callbackEscalation|liaison-south|${id}`]).toBeUndefined();
  });

  it('a meeting in the directory planned again on the same day is one meeting: one reminder per person', async () => {
    const { h, channel, scheduler } = await setup(new Date('2027-01-14T09:00:00Z'));
    h.protocol.planMeeting({ date: '2027-02-10', place: 'Town hall', plannedBy: 'liaison-north' });
    expect(h.protocol.meetings().upcoming.filter((m) => m.date === '2027-02-10')).toHaveLength(1);
    await scheduler().tick(new Date('2027-01-14T09:00:00Z'));
    for (const to of ['conv-liaison-north', 'conv-prevention-coordinator']) {
      const soon = channel.sent.filter((x) => x.to === to && JSON.stringify(x.replies).includes('The platform meeting for all schools is on'));
      expect(soon).toHaveLength(1);
    }
  });

  it('a send cut short by a stop (claimed, never confirmed) is shown to coordinators as possibly not delivered', async () => {
    const { h } = await setup(new Date('2026-11-24T10:00:00Z'));
    h.repos.nudgeLog.set('keepInTouch|liaison-north|2026-W48', { rule: 'keepInTouch', recipientId: 'liaison-north', period: '2026-W48', status: 'claimed', claimedAt: '2026-11-24T09:00:00.000Z', attempts: 1 });
    h.repos.nudgeLog.set('keepInTouch|liaison-south|2026-W48', { rule: 'keepInTouch', recipientId: 'liaison-south', period: '2026-W48', status: 'claimed', claimedAt: '2026-11-24T09:59:00.000Z', attempts: 1 });
    const coordinator = new TestUser(h.engine, { id: 'prevention-coordinator' });
    await coordinator.press('dialog:deliveryProblems');
    const said = coordinator.transcript();
    expect(said).not.toContain(await text('en', 'nudges:problems.none'));
    expect(said).toContain(await text('en', 'liaison:deliveryProblems.reason.interrupted'));
    expect(said).toContain('Sanne Peeters');
    expect(said).not.toContain('Jonas Dubois'); // a send started a minute ago may still be going
  });
});

describe('keep in touch comes at most once in seven days', () => {
  it('a nudge sent on Friday (a school first overdue that day) is not followed by another on Monday, but a week later', async () => {
    const h = await engineHarness();
    const sentFriday = { rule: 'keepInTouch' as const, recipientId: 'liaison-north', period: '2026-W48', status: 'sent' as const, claimedAt: '2026-11-27T09:00:00.000Z', sentAt: '2026-11-27T09:00:01.000Z', attempts: 1 };
    const data = { ...h.store.data, nudges: { 'keepInTouch|liaison-north|2026-W48': sentFriday } };
    const forNorth = (at: string) => planNudges(h.directory, data, new Date(at)).filter((n) => n.rule === 'keepInTouch' && n.recipientId === 'liaison-north');
    expect(forNorth('2026-11-30T09:00:00Z')).toEqual([]); // Monday
    expect(forNorth('2026-12-03T09:00:00Z')).toEqual([]); // Thursday: six days
    expect(forNorth('2026-12-04T09:00:00Z').map((n) => n.period)).toEqual(['2026-W49']); // Friday: a week
  });
});

describe('the request to plan a platform meeting', () => {
  it('comes at most once in 30 days, not once per calendar month (never on the 30th and again on the 1st)', async () => {
    // The directory's meetings: the last is on 16 June 2027, so from 10 June fewer than two are planned.
    const { h, scheduler, setNow } = await setup(new Date('2027-06-10T07:00:00Z'));
    const s = scheduler();
    for (let t = Date.parse('2027-06-10T09:00:00Z'); t < Date.parse('2027-09-30T09:00:00Z'); t += dayMs) {
      setNow(new Date(t));
      await s.tick();
    }
    const asked = Object.values(h.store.data.nudges)
      .filter((r) => r.rule === 'platformMeetingPlan' && r.recipientId === 'liaison-north' && r.status === 'sent')
      .map((r) => r.claimedAt.slice(0, 10))
      .sort();
    // Thursday 10 June, then 30 days on each time (10 July is a Saturday: the Monday after). By calendar
    // month it was 10 June, 1 July, 2 August and 1 September.
    expect(asked).toEqual(['2027-06-10', '2027-07-12', '2027-08-11', '2027-09-10']);
  });
});

describe('an officer\'s nudge settings', () => {
  it('afternoons only: nothing in the morning, the nudge at the first tick after noon; others are not held back', async () => {
    const { h, channel, scheduler } = await setup(new Date('2026-11-24T08:00:00Z'));
    h.nudges.setWindow('liaison-north', 'afternoon');
    const { id } = await request(h);
    h.store.data.callbacks.find((c) => c.id === id)!.createdAt = '2026-11-23T09:00:00.000Z';
    await scheduler().tick(new Date('2026-11-24T09:00:00Z')); // 10:00 in Brussels
    expect(h.store.data.nudges['keepInTouch|liaison-north|2026-W48']).toBeUndefined();
    expect(h.store.data.nudges[`callbackReminder|liaison-north|${id}`]?.status).toBe('sent'); // a teacher is waiting: not held back
    expect(h.store.data.nudges['keepInTouch|liaison-south|2026-W48']?.status).toBe('sent');
    await scheduler().tick(new Date('2026-11-24T11:05:00Z')); // 12:05
    expect(h.store.data.nudges['keepInTouch|liaison-north|2026-W48']?.status).toBe('sent');
    expect(channel.sent.filter((x) => x.to === 'conv-liaison-north' && JSON.stringify(x.replies).includes('nudge:snooze:keepInTouch'))).toHaveLength(1);
  });

  it('every two weeks: keep in touch comes every other Monday', async () => {
    const { h, channel, scheduler, setNow } = await setup(new Date('2026-11-23T07:00:00Z'));
    h.nudges.setKeepInTouchEvery('liaison-north', 14);
    const s = scheduler();
    for (let t = Date.parse('2026-11-23T09:00:00Z'); t < Date.parse('2026-12-21T09:00:00Z'); t += dayMs) {
      setNow(new Date(t));
      await s.tick();
    }
    const sends = (to: string) => channel.sent.filter((x) => x.to === to && JSON.stringify(x.replies).includes('nudge:snooze:keepInTouch')).map((x) => x.at.slice(0, 10));
    expect(sends('conv-liaison-north')).toEqual(['2026-11-23', '2026-12-07']);
    expect(sends('conv-liaison-south')).toEqual(['2026-11-23', '2026-11-30', '2026-12-07', '2026-12-14']); // the default, weekly
  });
});

describe('the training survey, once each new school year, for teachers who asked', () => {
  /** A teacher on a channel the assistant can write to first, who answers the survey and asks to be reminded. */
  async function teacherWhoAsked(h: Awaited<ReturnType<typeof setup>>['h'], remind: boolean) {
    const teacher = new TestUser(h.engine, { id: 'teacher-9', locale: 'nl' });
    await answerTrainingSurvey(teacher);
    expect(teacher.transcript()).toContain(await text('nl', 'training:remindPrompt'));
    await teacher.say(remind ? 'ja' : 'nee');
    return teacher;
  }
  const schedulerFor = (run: Awaited<ReturnType<typeof setup>>) =>
    new NudgeScheduler({ store: run.h.store, nudgeLog: run.h.repos.nudgeLog, notifier: run.notifier, directory: () => run.h.directory, log: silentLogger(), clock: run.clock, answeredTrainingSurvey: (key, year) => run.h.training.hasAnswered(key, year) });

  it('asked in 2026-2027: nothing that year, then one reminder from 15 September 2027, in their language, with a way to stop', async () => {
    const run = await setup(new Date('2026-11-24T09:00:00Z'));
    const teacher = await teacherWhoAsked(run.h, true);
    expect(teacher.transcript()).toContain(await text('nl', 'training:remindSet', { item: await text('nl', 'menu:privacy') }));
    expect(run.h.store.data.users['test:teacher-9']?.trainingReminder).toEqual({ since: '2026-2027' });
    for (const at of ['2026-11-25T09:00:00Z', '2027-06-01T09:00:00Z', '2027-09-14T09:00:00Z']) {
      run.setNow(new Date(at));
      await schedulerFor(run).tick(new Date(at));
    }
    expect(Object.keys(run.h.store.data.nudges).filter((k) => k.startsWith('trainingSurvey'))).toEqual([]);
    run.setNow(new Date('2027-09-15T08:00:00Z'));
    await schedulerFor(run).tick(new Date('2027-09-15T08:00:00Z'));
    await schedulerFor(run).tick(new Date('2027-09-16T08:00:00Z'));
    const sent = run.channel.sent.filter((x) => x.to === 'conv-teacher-9');
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0]!.replies)).toContain(await text('nl', 'nudges:trainingSurvey', { year: '2027-2028' }));
    expect(run.h.store.data.nudges['trainingSurvey|test:teacher-9|2027-2028']?.status).toBe('sent');

    // "Stop these reminders": none the year after, and the log of those sent goes too.
    await teacher.press('trainingReminder:off');
    expect(teacher.transcript()).toContain(await text('nl', 'training:remindOff'));
    expect(Object.keys(run.h.store.data.nudges).filter((k) => k.includes('teacher-9'))).toEqual([]);
    await schedulerFor(run).tick(new Date('2028-09-15T08:00:00Z'));
    expect(run.channel.sent.filter((x) => x.to === 'conv-teacher-9')).toHaveLength(1);
  });

  it('"Stop these reminders" pressed in the middle of another dialog answers it, and that dialog goes on', async () => {
    const run = await setup(new Date('2026-11-24T09:00:00Z'));
    const teacher = new TestUser(run.h.engine, { id: 'teacher-9', locale: 'en' });
    await teacher.say('menu');
    await teacher.click('dialog:callbackRequest');
    await teacher.click('school:oak-primary');
    const question = teacher.transcript();
    await teacher.press('trainingReminder:off');
    expect(teacher.transcript()).toBe(`${await text('en', 'training:remindOff')}\n${question}`);
    expect(teacher.transcript()).not.toContain(await text('en', 'callback:leftNotSent', { what: await text('en', 'menu:callback') }));
    await teacher.click('week');
    expect(teacher.transcript()).toContain(await text('en', 'callback:wayPrompt'));
  });

  it('not asked again: a teacher who said no, one who answered already that year; "delete my data" takes the wish and the reminders\' log', async () => {
    const declined = await setup(new Date('2026-11-24T09:00:00Z'));
    await teacherWhoAsked(declined.h, false);
    expect(declined.h.store.data.users['test:teacher-9']?.trainingReminder).toBeUndefined();
    await schedulerFor(declined).tick(new Date('2027-09-15T08:00:00Z'));
    expect(declined.channel.sent.filter((x) => x.to === 'conv-teacher-9')).toHaveLength(0);

    const answered = await setup(new Date('2026-11-24T09:00:00Z'));
    await teacherWhoAsked(answered.h, true);
    answered.setNow(new Date('2027-09-10T08:00:00Z'));
    expect(answered.h.training.submit('test:teacher-9', { schoolId: 'harbour-secondary', role: 'teacher', competences: ['criticalThinking'], format: 'online' }).ok).toBe(true);
    await schedulerFor(answered).tick(new Date('2027-09-15T08:00:00Z'));
    expect(answered.channel.sent.filter((x) => x.to === 'conv-teacher-9')).toHaveLength(0);

    const forgotten = await setup(new Date('2026-11-24T09:00:00Z'));
    const teacher = await teacherWhoAsked(forgotten.h, true);
    await schedulerFor(forgotten).tick(new Date('2027-09-15T08:00:00Z'));
    expect(forgotten.h.store.data.nudges['trainingSurvey|test:teacher-9|2027-2028']).toBeDefined();
    await teacher.press('dialog:privacy');
    expect(teacher.transcript()).toContain(await text('nl', 'privacy:trainingReminder'));
    await teacher.click('delete');
    await teacher.click('confirm');
    expect(forgotten.h.store.data.users['test:teacher-9']).toBeUndefined();
    expect(Object.keys(forgotten.h.store.data.nudges).filter((k) => k.includes('teacher-9'))).toEqual([]);
  });

  it('a reminder that could not reach a teacher is listed for coordinators without identifying them', async () => {
    const run = await setup(new Date('2026-11-24T09:00:00Z'));
    await teacherWhoAsked(run.h, true);
    run.channel.answer = (to) => (to === 'conv-teacher-9' ? { ok: false, permanent: true, reason: 'user_not_found' } : { ok: true });
    run.setNow(new Date('2027-09-15T08:00:00Z'));
    await schedulerFor(run).tick(new Date('2027-09-15T08:00:00Z'));
    const coordinator = new TestUser(run.h.engine, { id: 'prevention-coordinator' });
    await coordinator.press('dialog:deliveryProblems');
    expect(coordinator.transcript()).toContain(await text('en', 'nudges:rule.trainingSurvey'));
    expect(coordinator.transcript()).toContain(await text('en', 'nudges:problems.aTeacher'));
    expect(coordinator.transcript()).not.toContain('teacher-9');
    // Someone who left the directory is not called a teacher.
    run.h.repos.nudgeLog.set('keepInTouch|former-officer|2027-W38', { rule: 'keepInTouch', recipientId: 'former-officer', period: '2027-W38', status: 'permanent', lastError: 'no-address', claimedAt: '2027-09-15T08:00:00.000Z', attempts: 1 });
    await coordinator.press('dialog:deliveryProblems');
    expect(coordinator.transcript()).toContain('former-officer');
    const aTeacher = await text('en', 'nudges:problems.aTeacher');
    expect(coordinator.transcript().split('\n').filter((l) => l.includes(aTeacher))).toHaveLength(1);
  });
});

describe('the notice of a new call-back request that did not reach its handler', () => {
  /** A request, and the outcome of the notice sent when it was made (as the call-back dialog records it). */
  const make = (h: Awaited<ReturnType<typeof setup>>['h'], result: 'sent' | 'failed' | 'no-address', at = '2026-11-24T09:00:00.000Z') => {
    const request = h.callbacks.create({ schoolId: 'oak-primary', urgency: 'today', way: 'chat', window: 'anytime', requesterName: 'Sam' }, { key: 'test:t1', language: 'en' });
    request.notifications.push({ to: request.assigneeId, kind: 'new', at, result });
    return request;
  };
  const notices = (channel: ScriptedChannel) => channel.sent.filter((x) => x.replies[0]?.kind === 'choices' && x.replies[0].text.startsWith('Call-back request from')).map((x) => x.to);

  it('is sent again by the scheduler, with its retries and back-off; a notice that went out is not', async () => {
    const { h, channel, scheduler } = await setup(new Date('2026-11-24T09:00:00Z'));
    const failed = make(h, 'failed');
    const delivered = make(h, 'sent');
    // Not within the first minutes: the notice of the moment may still be on its way.
    await scheduler().tick(new Date('2026-11-24T09:02:00Z'));
    expect(notices(channel)).toEqual([]);
    channel.answer = () => ({ ok: false, permanent: false, reason: 'connector_503' });
    await scheduler().tick(new Date('2026-11-24T09:10:00Z'));
    expect(h.store.data.nudges[`callbackNotice|liaison-north|${failed.id}`]?.status).toBe('failed');
    channel.answer = () => ({ ok: true });
    await scheduler().tick(new Date('2026-11-24T09:30:00Z'));
    expect(h.store.data.nudges[`callbackNotice|liaison-north|${failed.id}`]?.status).toBe('sent');
    expect(h.store.data.nudges[`callbackNotice|liaison-north|${delivered.id}`]).toBeUndefined();
    expect(notices(channel)).toEqual(['conv-liaison-north']);
    // Acknowledged requests are not noticed again.
    const later = make(h, 'failed', '2026-11-24T10:00:00.000Z');
    expect(h.callbacks.change(later.id, 'ack', 'liaison-north', 'liaison').result).toBe('ok');
    await scheduler().tick(new Date('2026-11-24T11:00:00Z'));
    expect(h.store.data.nudges[`callbackNotice|liaison-north|${later.id}`]).toBeUndefined();
  });

  it('an officer the assistant cannot reach shows in the coordinators\' delivery problems', async () => {
    const { h, channel, scheduler } = await setup(new Date('2026-11-24T09:00:00Z'));
    channel.answer = (to) => (to === 'conv-liaison-north' ? { ok: false, permanent: true, reason: 'no_reference' } : { ok: true });
    const { id } = make(h, 'no-address');
    await scheduler().tick(new Date('2026-11-24T09:10:00Z'));
    expect(h.store.data.nudges[`callbackNotice|liaison-north|${id}`]?.status).toBe('permanent');
    const coordinator = new TestUser(h.engine, { id: 'prevention-coordinator', locale: 'en' });
    await coordinator.press('dialog:deliveryProblems');
    expect(coordinator.transcript()).toContain(await text('en', 'nudges:rule.callbackNotice'));
  });

  it('an officer with no way to be reached yet gets the notice once they have talked to the assistant (a Teams officer opening the app)', async () => {
    const { h, channel, scheduler } = await setup(new Date('2026-11-24T09:00:00Z'));
    h.repos.users.delete('test:liaison-north');
    const request = make(h, 'no-address');
    request.requesterLanguage = 'fr';
    await scheduler().tick(new Date('2026-11-24T09:10:00Z'));
    expect(h.store.data.nudges[`callbackNotice|liaison-north|${request.id}`]).toMatchObject({ status: 'failed', lastError: 'no-address' });
    await new TestUser(h.engine, { id: 'liaison-north', locale: 'en' }).say('menu');
    await scheduler().tick(new Date('2026-11-24T09:20:00Z'));
    expect(h.store.data.nudges[`callbackNotice|liaison-north|${request.id}`]?.status).toBe('sent');
    // The same notice as the one sent when the request is made, the teacher's language included.
    const notice = channel.sent.find((x) => x.to === 'conv-liaison-north' && JSON.stringify(x.replies).includes('Sam'))!;
    expect((notice.replies[0] as { text: string }).text).toContain(await text('en', 'callback:teacherLanguage', { language: 'French' }));
  });

  it('a notice given up on does not hold the reminder back', async () => {
    const { h, scheduler } = await setup(new Date('2026-11-24T09:00:00Z'));
    const request = make(h, 'failed');
    h.repos.nudgeLog.set(`callbackNotice|liaison-north|${request.id}`, { rule: 'callbackNotice', recipientId: 'liaison-north', period: request.id, status: 'permanent', claimedAt: '2026-11-24T09:10:00.000Z', attempts: 6 });
    await scheduler().tick(new Date('2026-11-25T09:00:00Z'));
    expect(h.store.data.nudges[`callbackReminder|liaison-north|${request.id}`]?.status).toBe('sent');
  });

  it('a notice waiting for its next try does not hold the reminder back', async () => {
    const { h, scheduler } = await setup(new Date('2026-11-24T09:00:00Z'));
    const request = make(h, 'failed', '2026-11-23T09:00:00.000Z');
    request.createdAt = '2026-11-23T09:00:00.000Z';
    h.repos.nudgeLog.set(`callbackNotice|liaison-north|${request.id}`, { rule: 'callbackNotice', recipientId: 'liaison-north', period: request.id, status: 'failed', claimedAt: '2026-11-24T08:50:00.000Z', attempts: 5, nextAttemptAt: '2026-11-24T12:20:00.000Z' });
    await scheduler().tick(new Date('2026-11-24T09:00:00Z'));
    expect(h.store.data.nudges[`callbackReminder|liaison-north|${request.id}`]?.status).toBe('sent');
  });

  it('an assignee who left the directory: the school\'s liaison officer gets the notice', async () => {
    const { h, channel, scheduler } = await setup(new Date('2026-11-24T09:00:00Z'));
    const request = make(h, 'sent');
    request.assigneeId = 'someone-who-left';
    request.notifications[0]!.to = 'someone-who-left';
    await scheduler().tick(new Date('2026-11-24T09:10:00Z'));
    expect(notices(channel)).toEqual(['conv-liaison-north']);
  });
});

describe('a request to be called back today is followed up within the day', () => {
  const make = (h: Awaited<ReturnType<typeof setup>>['h']) => {
    const request = h.callbacks.create({ schoolId: 'oak-primary', urgency: 'today', way: 'phone', window: 'anytime', requesterName: 'Sam', requesterContact: '+32 3 555 77 88' }, { key: 'test:t1', language: 'en' });
    request.notifications.push({ to: request.assigneeId, kind: 'new', at: request.createdAt, result: 'sent' });
    return request;
  };
  // The messages about Sam's request (keep-in-touch and protocol nudges go out too).
  const sentTo = (channel: ScriptedChannel) =>
    channel.sent.filter((x) => JSON.stringify(x.replies).includes('Sam')).map((x) => `${x.at.slice(11, 16)} ${x.to} ${x.replies[0]?.kind === 'choices' ? x.replies[0].text : ''}`);

  it('reminded after 2 working hours and escalated to the backup after 4, the same day', async () => {
    // Tuesday 24 November, 10:00 in Brussels (09:00 UTC).
    const { h, channel, scheduler, setNow } = await setup(new Date('2026-11-24T09:00:00Z'));
    const { id } = make(h);
    for (const at of ['2026-11-24T10:50:00Z', '2026-11-24T11:00:00Z', '2026-11-24T12:59:00Z', '2026-11-24T13:00:00Z']) {
      setNow(new Date(at));
      await scheduler().tick(new Date(at));
    }
    expect(sentTo(channel)).toEqual([
      `11:00 conv-liaison-north ${await text('en', 'nudges:callbackReminderHours', { name: 'Sam', school: 'Basisschool De Eik', urgency: await text('en', 'callback:urgencyInline.today'), count: 2 })}`,
      `13:00 conv-liaison-south ${await text('en', 'nudges:callbackEscalationHours', { name: 'Sam', school: 'Basisschool De Eik', assignee: h.directory.person('liaison-north')!.name, count: 4 })}`,
    ]);
    expect(Object.keys(h.store.data.nudges).filter((k) => k.endsWith(id)).sort()).toEqual([`callbackEscalation|liaison-south|${id}`, `callbackReminder|liaison-north|${id}`]);
  });

  it('made late in the day: the working hours go on the next working day, not through the night or the weekend', async () => {
    // Friday 27 November, 16:30 in Brussels: half an hour before the end of the day.
    const { h, channel, scheduler, setNow } = await setup(new Date('2026-11-27T15:30:00Z'));
    make(h);
    setNow(new Date('2026-11-30T08:59:00Z'));
    await scheduler().tick(new Date('2026-11-30T08:59:00Z')); // Monday 9:59: 1.5 working hours
    expect(sentTo(channel)).toEqual([]);
    setNow(new Date('2026-11-30T09:00:00Z'));
    await scheduler().tick(new Date('2026-11-30T09:00:00Z')); // Monday 10:00: 2
    expect(sentTo(channel)).toHaveLength(1);
    expect(sentTo(channel)[0]).toContain('09:00 conv-liaison-north');
  });

  it('over a closed day and a weekend, and for an officer who chose afternoons only', async () => {
    // Thursday 24 December, 16:00 in Brussels: one working hour left; Christmas is closed, then the weekend.
    const { h, channel, scheduler, setNow } = await setup(new Date('2026-12-24T15:00:00Z'));
    h.nudges.setWindow('liaison-north', 'afternoon');
    make(h);
    for (const at of ['2026-12-25T10:00:00Z', '2026-12-28T08:29:00Z']) {
      setNow(new Date(at));
      await scheduler().tick(new Date(at));
    }
    expect(sentTo(channel)).toEqual([]);
    // Monday 28 December, 09:30: two working hours; a morning, and still sent (a teacher is waiting).
    setNow(new Date('2026-12-28T08:30:00Z'));
    await scheduler().tick(new Date('2026-12-28T08:30:00Z'));
    expect(sentTo(channel)).toHaveLength(1);
    expect(sentTo(channel)[0]).toContain('08:30 conv-liaison-north');
  });
});

describe('working hours between two instants', () => {
  const directory = { timeZone: 'Europe/Brussels', workingHours: { days: [1, 2, 3, 4, 5], start: '08:30', end: '17:00', closedDays: ['2026-12-25'] } };
  const hours = (from: string, to: string) => workingHoursBetween(new Date(from), new Date(to), directory);

  it('counts only working time, in the directory\'s time zone, whole hours', () => {
    expect(hours('2026-11-24T09:00:00Z', '2026-11-24T10:59:00Z')).toBe(1);
    expect(hours('2026-11-24T09:00:00Z', '2026-11-24T11:00:00Z')).toBe(2);
    expect(hours('2026-11-24T06:00:00Z', '2026-11-24T08:30:00Z')).toBe(1); // from 08:30 local (07:30 UTC)
    expect(hours('2026-11-24T15:00:00Z', '2026-11-25T09:30:00Z')).toBe(3); // 16:00-17:00, then 08:30-10:30
    expect(hours('2026-11-27T15:00:00Z', '2026-11-30T08:30:00Z')).toBe(2); // Friday 16:00 to Monday 9:30, weekend left out
    expect(hours('2026-12-24T15:00:00Z', '2026-12-28T08:30:00Z')).toBe(2); // Christmas (a closed day) and the weekend left out
    expect(hours('2026-11-24T11:00:00Z', '2026-11-24T09:00:00Z')).toBe(0);
  });

  it('follows the clock change (the working day stays 08:30 to 17:00 local)', () => {
    // Sunday 29 March 2026 Brussels moves to summer time: Monday 30 March 08:30 local is 06:30 UTC.
    expect(hours('2026-03-27T15:00:00Z', '2026-03-30T07:30:00Z')).toBe(2); // Fri 16:00 CET - 17:00, Mon 08:30-09:30 CEST
  });
});

describe('people the assistant cannot reach yet', () => {
  it('are listed for coordinators before anything fails, and leave the list once they have talked to the assistant', async () => {
    const h = await engineHarness();
    const coordinator = new TestUser(h.engine, { id: 'prevention-coordinator', locale: 'en' });
    await coordinator.press('dialog:deliveryProblems');
    // The coordinator has just talked to it; the two liaison officers never have.
    expect(coordinator.transcript()).toContain(await text('en', 'nudges:problems.noWayTitle'));
    for (const id of ['liaison-north', 'liaison-south']) expect(coordinator.transcript()).toContain(`• ${h.directory.person(id)!.name}`);
    expect(coordinator.transcript()).not.toContain(`• ${h.directory.person('prevention-coordinator')!.name}`);
    for (const id of ['liaison-north', 'liaison-south']) await new TestUser(h.engine, { id, locale: 'en' }).say('menu');
    await coordinator.press('dialog:deliveryProblems');
    expect(coordinator.transcript()).not.toContain(await text('en', 'nudges:problems.noWayTitle'));
    expect(coordinator.transcript()).toContain(await text('en', 'nudges:problems.none'));
  });
});

describe('a tick that runs into the end of the working day', () => {
  it('stops sending at 17:00: what is left is not claimed, and goes out on the next working morning', async () => {
    const s = await setup(new Date('2026-11-24T15:55:00Z')); // Tuesday 16:55 in Brussels; the day ends at 17:00
    const due = s.scheduler().due(s.clock()).map(nudgeKey);
    expect(due.length).toBeGreaterThanOrEqual(3);
    // Each send takes 3 minutes (Slack 429s waited out): the clock moves on.
    const send = s.channel.send.bind(s.channel);
    s.channel.send = async (address, replies) => {
      const result = await send(address, replies);
      s.setNow(new Date(s.clock().getTime() + 180_000));
      return result;
    };
    const report = await s.scheduler().tick();

    // Sent at 16:55 and 16:58; at 17:01 the tick stops.
    expect(s.channel.sent.map((x) => x.at)).toEqual(['2026-11-24T15:55:00.000Z', '2026-11-24T15:58:00.000Z']);
    expect(report.nudges.map((n) => n.key)).toEqual(due.slice(0, 2));
    expect(Object.keys(s.h.store.data.nudges).sort()).toEqual(due.slice(0, 2).sort());

    s.setNow(new Date('2026-11-25T08:00:00Z')); // Wednesday 09:00
    const next = await s.scheduler().tick();
    expect(next.nudges.map((n) => n.key)).toEqual(expect.arrayContaining(due.slice(2)));
    for (const send of s.channel.sent) expect(isWorkingTime(new Date(send.at), s.h.directory.data)).toBe(true);
  });
});

describe('each assignment of a call-back request has its own reminder and escalation', () => {
  it('handed on and back to the same officer the same day: they are reminded again, and their backup has the escalation again', async () => {
    const { h, channel, scheduler, setNow } = await setup(new Date('2026-11-23T09:00:00Z'));
    const { id } = await request(h); // Monday, to liaison-north (backup: liaison-south)
    const tickAt = (at: string) => scheduler().tick(setNow(new Date(at)));
    await tickAt('2026-11-24T09:00:00Z'); // Tuesday: north reminded
    await tickAt('2026-11-25T09:00:00Z'); // Wednesday: escalated to south
    setNow(new Date('2026-11-25T10:00:00Z'));
    expect(h.callbacks.reassign(id, 'prevention-coordinator', 'liaison-north', 'liaison')).toBe('ok');
    await h.callbacks.notifyAssignee(id);
    setNow(new Date('2026-11-25T11:00:00Z'));
    expect(h.callbacks.reassign(id, 'liaison-north', 'prevention-coordinator', 'coordinator')).toBe('ok'); // handed back
    await h.callbacks.notifyAssignee(id);
    // Nobody acknowledges.
    for (const day of ['26', '27', '30']) await tickAt(`2026-11-${day}T09:00:00Z`);

    const sent = (rule: string, to: string) => Object.values(h.store.data.nudges).filter((r) => r.rule === rule && r.recipientId === to && r.period.startsWith(id) && r.status === 'sent').map((r) => r.claimedAt.slice(0, 10));
    expect(sent('callbackReminder', 'liaison-north')).toEqual(['2026-11-24', '2026-11-26']);
    expect(sent('callbackEscalation', 'liaison-south')).toEqual(['2026-11-25', '2026-11-27']);
    const aboutSam = (to: string) => channel.sent.filter((x) => x.to === to && JSON.stringify(x.replies).includes('Sam')).map((x) => x.at.slice(0, 10));
    // Through the scheduler's channel (the notices go through the harness's): north's two reminders, south's two escalations.
    expect(aboutSam('conv-liaison-north')).toEqual(['2026-11-24', '2026-11-26']);
    expect(aboutSam('conv-liaison-south')).toEqual(['2026-11-25', '2026-11-27']);
  });

  it('a store written before hand-overs had periods of their own: what was had after the hand-over is not sent again; what came before it does not count', async () => {
    const { h, channel, scheduler, setNow } = await setup(new Date('2026-11-23T09:00:00Z'));
    const { id } = await request(h); // to liaison-north
    const old = (rule: 'callbackReminder' | 'callbackEscalation' | 'callbackNotice', recipientId: string, claimedAt: string) =>
      h.repos.nudgeLog.set(`${rule}|${recipientId}|${id}`, { rule, recipientId, period: id, status: 'sent', claimedAt, sentAt: claimedAt, attempts: 1 });
    // As the previous version keyed them, under the bare id: south reminded (Monday, before the
    // hand-over, when south had it first: it does not count), then handed to south again on Tuesday,
    // reminded on Wednesday and escalated (to a coordinator: north handed it over) on Thursday.
    old('callbackReminder', 'liaison-south', '2026-11-23T09:00:00.000Z');
    setNow(new Date('2026-11-24T09:00:00Z'));
    expect(h.callbacks.reassign(id, 'liaison-south', 'liaison-north', 'liaison')).toBe('ok');
    const handed = h.store.data.callbacks[0]!;
    handed.notifications.push({ to: 'liaison-south', kind: 'new', at: '2026-11-24T09:00:00.000Z', result: 'sent' });
    setNow(new Date('2026-11-25T09:00:00Z'));
    expect(scheduler().due(new Date('2026-11-25T09:00:00Z')).map(nudgeKey)).toContain(`callbackReminder|liaison-south|${id}@2026-11-24T09:00:00.000Z`);
    old('callbackReminder', 'liaison-south', '2026-11-25T09:00:00.000Z');
    old('callbackEscalation', 'prevention-coordinator', '2026-11-26T09:00:00.000Z');
    const before = channel.sent.length;
    for (const day of ['26', '27', '30']) await scheduler().tick(new Date(`2026-11-${day}T09:00:00Z`));
    expect(channel.sent.slice(before).filter((x) => JSON.stringify(x.replies).includes('Sam'))).toEqual([]);
    expect(Object.keys(h.store.data.nudges).filter((k) => k.includes('@'))).toEqual([]);
  });
});
