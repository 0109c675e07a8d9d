import { describe, expect, it } from '@jest/globals';
import { callbackPeriod, UNFINISHED_RETENTION_FACTOR } from '../../src/core/callbacks.js';
import { Notifier } from '../../src/core/notifier.js';
import { silentLogger } from '../../src/log.js';
import { NudgeScheduler } from '../../src/nudges/scheduler.js';
import { directoryWithout, engineHarness, RecordingChannel, TestUser, translations } from '../helpers/fixtures.js';
import { startApp } from '../helpers/server.js';

const DAY = 86_400_000;
/** Monday 2 November 2026, 10:00 in Brussels. */
const MONDAY = new Date('2026-11-02T09:00:00.000Z');

/** A harness whose clock a test moves, with a scheduler that sends nudges through a recording channel. */
async function setup() {
  let now = MONDAY;
  const clock = () => now;
  const h = await engineHarness({ clock });
  const notifier = new Notifier(h.repos.users, () => h.directory, await translations(), silentLogger(), clock);
  notifier.register(new RecordingChannel());
  for (const id of ['liaison-north', 'liaison-south', 'prevention-coordinator']) await new TestUser(h.engine, { id, locale: 'en' }).say('menu');
  const scheduler = new NudgeScheduler({ store: h.store, nudgeLog: h.repos.nudgeLog, notifier, directory: () => h.directory, log: silentLogger(), clock });
  // Made, and its notice delivered to the assignee (the notice sent again by the scheduler is tested with the scheduler).
  const create = (name: string) => {
    const request = h.callbacks.create(
      { schoolId: 'oak-primary', urgency: 'week', way: 'phone', window: 'anytime', requesterName: name, requesterContact: '+32 3 555 77 88' },
      { key: `test:${name}`, language: 'en' },
    );
    request.notifications.push({ to: request.assigneeId, kind: 'new', at: now.toISOString(), result: 'sent' });
    return request;
  };
  return { h, scheduler, create, setNow: (d: Date) => (now = d) };
}

const names = (h: Awaited<ReturnType<typeof setup>>['h']) => h.store.data.callbacks.map((c) => c.requesterName).sort();

describe('retention of call-back requests nobody finished', () => {
  it('open and acknowledged requests go after the unfinished retention, counted from when they were made', async () => {
    const { h, scheduler, create, setNow } = await setup();
    create('Open Teacher');
    const acknowledged = create('Acknowledged Teacher');
    expect(h.callbacks.change(acknowledged.id, 'ack', 'liaison-north', 'liaison').result).toBe('ok');
    // The reminder (Tuesday) and the escalation (Wednesday) of the open one go out.
    for (const at of ['2026-11-03T09:00:00Z', '2026-11-04T09:00:00Z']) await scheduler.tick(new Date(at));
    expect(h.repos.nudgeLog.all().filter(([, r]) => r.rule.startsWith('callback')).map(([, r]) => `${r.rule}:${r.recipientId}:${r.status}`).sort()).toEqual([
      'callbackEscalation:liaison-south:sent',
      'callbackReminder:liaison-north:sent',
    ]);

    const days = 90;
    const limit = UNFINISHED_RETENTION_FACTOR * days;
    setNow(new Date(MONDAY.getTime() + (limit - 1) * DAY));
    expect(await h.callbacks.purgeExpired(days)).toBe(0);
    expect(names(h)).toEqual(['Acknowledged Teacher', 'Open Teacher']);
    setNow(new Date(MONDAY.getTime() + (limit + 1) * DAY));
    expect(await h.callbacks.purgeExpired(days)).toBe(2);
    expect(h.store.data.callbacks).toEqual([]);
  });

  it('the retention called from the app covers unfinished requests too', async () => {
    const { h, create, setNow } = await setup();
    const acknowledged = create('Acknowledged Teacher');
    h.callbacks.change(acknowledged.id, 'ack', 'liaison-north', 'liaison');
    setNow(new Date(MONDAY.getTime() + (UNFINISHED_RETENTION_FACTOR * 90 + 1) * DAY));
    expect(await h.callbacks.purgeExpired(90)).toBe(1);
    expect(h.store.data.callbacks).toEqual([]);
  });

  it('an open request is never dropped before its assignee had the reminder and the backup the escalation, however short the retention', async () => {
    const { h, scheduler, create, setNow } = await setup();
    create('Friday Teacher');
    // Made on a Friday afternoon, with a retention of a single day.
    h.store.data.callbacks[0]!.createdAt = '2026-11-06T15:00:00.000Z';
    for (const n of h.store.data.callbacks[0]!.notifications) n.at = '2026-11-06T15:00:00.000Z'; // the notice went when it was made
    const after = async (at: string) => {
      setNow(new Date(at));
      await scheduler.tick(new Date(at));
      return h.callbacks.purgeExpired(1);
    };
    expect(await after('2026-11-09T09:00:00Z')).toBe(0); // Monday: the reminder goes out
    expect(h.repos.nudgeLog.all().map(([, r]) => r.rule).filter((r) => r.startsWith('callback'))).toEqual(['callbackReminder']);
    expect(await after('2026-11-09T15:00:00Z')).toBe(0); // no escalation yet: kept
    expect(await after('2026-11-10T07:00:00Z')).toBe(0); // Tuesday before working hours: escalation due, not yet sent
    expect(names(h)).toEqual(['Friday Teacher']);
    expect(await after('2026-11-10T09:00:00Z')).toBe(1); // sent to the backup: now it may go
  });

  it('an escalation that could not be delivered for good counts as had; one still being retried does not', async () => {
    const { h, create, setNow } = await setup();
    const request = create('Waiting Teacher');
    const record = (rule: 'callbackReminder' | 'callbackEscalation', recipientId: string, status: 'sent' | 'failed' | 'permanent') =>
      h.repos.nudgeLog.set(`${rule}|${recipientId}|${request.id}`, { rule, recipientId, period: request.id, status, claimedAt: MONDAY.toISOString(), attempts: 1 });
    setNow(new Date(MONDAY.getTime() + 400 * DAY));
    record('callbackReminder', 'liaison-north', 'sent');
    record('callbackEscalation', 'liaison-south', 'failed');
    expect(await h.callbacks.purgeExpired(90)).toBe(0);
    // A reminder sent to someone else (before a reassignment) is not the assignee's.
    record('callbackEscalation', 'liaison-south', 'permanent');
    h.store.data.callbacks[0]!.assigneeId = 'liaison-south';
    expect(await h.callbacks.purgeExpired(90)).toBe(0);
    h.store.data.callbacks[0]!.assigneeId = 'liaison-north';
    expect(await h.callbacks.purgeExpired(90)).toBe(1);
  });

  it('done requests keep their own retention, counted from when they were done', async () => {
    const { h, create, setNow } = await setup();
    const request = create('Done Teacher');
    setNow(new Date(MONDAY.getTime() + 10 * DAY));
    h.callbacks.change(request.id, 'done', 'liaison-north', 'liaison');
    setNow(new Date(MONDAY.getTime() + 99 * DAY));
    expect(await h.callbacks.purgeExpired(90)).toBe(0);
    setNow(new Date(MONDAY.getTime() + 101 * DAY));
    expect(await h.callbacks.purgeExpired(90)).toBe(1);
  });

  it('an open request whose assignee left goes once its stand-in had the reminder and the backup the escalation', async () => {
    const { h, scheduler, create, setNow } = await setup();
    create('Left Teacher');
    h.setDirectory(await directoryWithout('liaison-north', 'liaison-south'));
    for (const at of ['2026-11-03T09:00:00Z', '2026-11-03T10:00:00Z', '2026-11-04T09:00:00Z']) await scheduler.tick(new Date(at));
    const had = h.repos.nudgeLog.all().filter(([, r]) => r.rule.startsWith('callback')).map(([, r]) => `${r.rule}:${r.recipientId}:${r.status}`).sort();
    expect(had).toEqual(['callbackEscalation:prevention-coordinator:sent', 'callbackNotice:liaison-south:sent', 'callbackReminder:liaison-south:sent']);
    setNow(new Date(MONDAY.getTime() + (UNFINISHED_RETENTION_FACTOR * 90 + 1) * DAY));
    expect(await h.callbacks.purgeExpired(90)).toBe(1);
  });

  it('a request handed over goes once the reminder and escalation of its hand-over were had; those of the assignment before do not count', async () => {
    const { h, scheduler, create, setNow } = await setup();
    const request = create('Handed Teacher');
    for (const at of ['2026-11-03T09:00:00Z', '2026-11-04T09:00:00Z']) await scheduler.tick(new Date(at)); // north reminded, south escalated
    setNow(new Date('2026-11-04T10:00:00Z'));
    expect(h.callbacks.reassign(request.id, 'prevention-coordinator', 'liaison-north', 'liaison')).toBe('ok');
    setNow(new Date('2026-11-04T11:00:00Z'));
    expect(h.callbacks.reassign(request.id, 'liaison-north', 'prevention-coordinator', 'coordinator')).toBe('ok'); // back to north
    request.notifications.push({ to: 'liaison-north', kind: 'new', at: '2026-11-04T11:00:00.000Z', result: 'sent' });
    // Not escalated in this assignment yet, but south had the escalation (with the teacher's name) in the first: told of the withdrawal too.
    expect(h.callbacks.withdrawable('test:Handed Teacher')[0]!.told).toEqual(['liaison-north', 'liaison-south']);
    setNow(new Date(MONDAY.getTime() + (UNFINISHED_RETENTION_FACTOR * 90 + 1) * DAY));
    expect(await h.callbacks.purgeExpired(90)).toBe(0); // the hand-back's reminder and escalation are still to come
    for (const at of ['2026-11-05T09:00:00Z', '2026-11-06T09:00:00Z']) await scheduler.tick(new Date(at));
    expect(h.callbacks.withdrawable('test:Handed Teacher')[0]!.told).toEqual(['liaison-north', 'liaison-south']);
    expect(await h.callbacks.purgeExpired(90)).toBe(1);
  });

  it('"delete my data" tells the stand-in for an assignee who left only once the notice reached them', async () => {
    const { h, scheduler, create } = await setup();
    create('Left Teacher');
    h.setDirectory(await directoryWithout('liaison-north', 'liaison-south'));
    expect(h.callbacks.withdrawable('test:Left Teacher')[0]!.told).toEqual(['liaison-north']);
    await scheduler.tick(new Date('2026-11-02T10:00:00Z')); // the notice goes to the stand-in
    expect(h.callbacks.withdrawable('test:Left Teacher')[0]!.told).toEqual(['liaison-north', 'liaison-south']);
  });
});

describe('"delete my data" tells everyone who was told of a request, in any of its assignments', () => {
  it('an assignee before a hand-over, whose notice named the teacher, is told of the withdrawal too', async () => {
    const { h, create, setNow } = await setup();
    const request = create('Moved Teacher');
    request.notifications.push({ to: 'liaison-north', kind: 'new', at: MONDAY.toISOString(), result: 'sent' });
    setNow(new Date(MONDAY.getTime() + 3_600_000));
    expect(h.callbacks.reassign(request.id, 'prevention-coordinator', 'liaison-north', 'liaison')).toBe('ok');
    expect(h.callbacks.withdrawable('test:Moved Teacher')[0]!.told).toEqual(expect.arrayContaining(['prevention-coordinator', 'liaison-north']));
  });
});

describe('the nudge log beside call-back requests kept longer than a year', () => {
  it('the records of a request\'s reminder and escalation stay while the request does, so they are not sent again after 400 days', async () => {
    let now = MONDAY;
    const running = await startApp({ CALLBACK_RETENTION_DAYS: '365' }, { clock: () => now });
    try {
      const { app } = running;
      const request = app.callbacks.create({ schoolId: 'oak-primary', urgency: 'week', way: 'chat', window: 'anytime', requesterName: 'Sam' }, { key: 'test:t1', language: 'en' });
      request.notifications.push({ to: request.assigneeId, kind: 'new', at: now.toISOString(), result: 'sent' });
      const claimed = { status: 'sent' as const, claimedAt: MONDAY.toISOString(), attempts: 1 };
      app.store.data.nudges[`callbackReminder|liaison-north|${request.id}`] = { rule: 'callbackReminder', recipientId: 'liaison-north', period: request.id, ...claimed };
      app.store.data.nudges[`callbackEscalation|liaison-south|${request.id}`] = { rule: 'callbackEscalation', recipientId: 'liaison-south', period: request.id, ...claimed };
      app.store.data.nudges['keepInTouch|liaison-north|2026-W45'] = { rule: 'keepInTouch', recipientId: 'liaison-north', period: '2026-W45', ...claimed };
      // 401 days on, a Tuesday: the request, never finished, is kept (two years for an unfinished one).
      now = new Date(MONDAY.getTime() + 401 * DAY);
      await app.purge();
      expect(app.store.data.callbacks.map((c) => c.id)).toEqual([request.id]);
      expect(Object.keys(app.store.data.nudges).sort()).toEqual([`callbackEscalation|liaison-south|${request.id}`, `callbackReminder|liaison-north|${request.id}`]);
      const due = await app.scheduler.tick(now, { dryRun: true });
      expect(due.nudges.filter((n) => n.key.endsWith(request.id))).toEqual([]);
      // Once the request goes, so do its records (at the next purge).
      now = new Date(MONDAY.getTime() + (UNFINISHED_RETENTION_FACTOR * 365 + 1) * DAY);
      await app.purge();
      expect(app.store.data.callbacks).toEqual([]);
      await app.purge();
      expect(app.store.data.nudges).toEqual({});
    } finally {
      await running.stop();
    }
  });

  it('so do those of a request handed over, whose period names the hand-over', async () => {
    let now = MONDAY;
    const running = await startApp({ CALLBACK_RETENTION_DAYS: '365' }, { clock: () => now });
    try {
      const { app } = running;
      const request = app.callbacks.create({ schoolId: 'oak-primary', urgency: 'week', way: 'chat', window: 'anytime', requesterName: 'Sam' }, { key: 'test:t1', language: 'en' });
      expect(app.callbacks.reassign(request.id, 'liaison-south', 'liaison-north', 'liaison')).toBe('ok');
      request.notifications.push({ to: 'liaison-south', kind: 'new', at: now.toISOString(), result: 'sent' });
      const period = callbackPeriod(request);
      expect(period).toBe(`${request.id}@${MONDAY.toISOString()}`);
      const claimed = { status: 'sent' as const, claimedAt: MONDAY.toISOString(), attempts: 1, period };
      app.store.data.nudges[`callbackReminder|liaison-south|${period}`] = { rule: 'callbackReminder', recipientId: 'liaison-south', ...claimed };
      app.store.data.nudges[`callbackEscalation|prevention-coordinator|${period}`] = { rule: 'callbackEscalation', recipientId: 'prevention-coordinator', ...claimed };
      now = new Date(MONDAY.getTime() + 401 * DAY);
      await app.purge();
      expect(app.store.data.callbacks.map((c) => c.id)).toEqual([request.id]);
      expect(Object.keys(app.store.data.nudges).sort()).toEqual([`callbackEscalation|prevention-coordinator|${period}`, `callbackReminder|liaison-south|${period}`]);
      const due = await app.scheduler.tick(now, { dryRun: true });
      expect(due.nudges.filter((n) => n.key.includes(request.id))).toEqual([]);
    } finally {
      await running.stop();
    }
  });
});
