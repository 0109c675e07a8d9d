import { describe, expect, it } from '@jest/globals';
import { COLLEAGUE_BUTTONS } from '../../dialogs/callbackAction.js';
import { Danger, Offer } from '../../dialogs/concern.js';
import { parseDirectory } from '../../src/directory/directory.js';
import type { Channel, SendResult } from '../../src/channels/channel.js';
import { NOTICE_RETRY_AFTER_MS, planNudges } from '../../src/nudges/planners.js';
import { Db, type ConversationAddress } from '../../src/store/schema.js';
import { engineHarness, FIXED_NOW, realDirectoryJson, TestUser, text, translations } from '../helpers/fixtures.js';

/** Walks a teacher through a complete call-back request; returns the harness. */
async function requestCallback(options: { clock?: () => Date } = {}) {
  const harness = await engineHarness(options);
  const teacher = new TestUser(harness.engine, { id: 'teacher-9' });
  await teacher.say("I'm worried about a pupil");
  await teacher.click(Danger.No);
  await teacher.click('school:meadow-primary');
  await teacher.click('online');
  await teacher.click(Offer.CallMe);
  await teacher.click('week');
  await teacher.click('email');
  await teacher.click('morning');
  await teacher.say('Robin Example');
  await teacher.say('robin@school.example');
  await teacher.say('Tuesdays are best');
  await teacher.click('send');
  await harness.engine.idle();
  return { ...harness, teacher };
}

describe('call-back requests', () => {
  it('the stored request holds no field that could hold pupil data (dumped as JSON)', async () => {
    const { store } = await requestCallback();
    const [request] = store.data.callbacks;
    const dump = JSON.parse(JSON.stringify(request)) as Record<string, unknown>;
    expect(Object.keys(dump).sort()).toEqual(
      [
        'assigneeId', 'createdAt', 'id', 'note', 'notifications', 'requesterAddress', 'requesterContact',
        'requesterKey', 'requesterLanguage', 'requesterName', 'schoolId', 'status', 'urgency', 'way', 'window',
      ].sort(),
    );
    // Neither the kind of worry nor anything typed about the pupil is kept, anywhere in the store.
    expect(JSON.stringify(dump)).not.toMatch(/online|worry|pupil/i);
    expect(JSON.stringify(store.data)).not.toMatch(/"online"/);
    expect(dump).toMatchObject({ requesterName: 'Robin Example', requesterContact: 'robin@school.example', note: 'Tuesdays are best' });
  });

  it('a teacher cannot acknowledge (no role); a liaison officer sees the open request and acknowledges it', async () => {
    const { engine, store, directory } = await requestCallback();
    const id = store.data.callbacks[0]!.id;
    const intruder = new TestUser(engine, { id: 'teacher-2' });
    await intruder.press(`callback:ack:${id}`);
    expect(intruder.transcript()).toContain(await text('en', 'common:notAllowed'));
    expect(store.data.callbacks[0]!.status).toBe('open');

    const liaison = directory.liaisonFor('meadow-primary')!;
    const officer = new TestUser(engine, { id: liaison.id });
    await officer.say('menu');
    await officer.click('dialog:callbackList');
    expect(officer.transcript()).toContain(await text('en', 'callback:listTitle', { count: 1 }));
    expect(officer.transcript()).toContain('robin@school.example');
    await officer.click(`callback:done:${id}`);
    expect(store.data.callbacks[0]!.status).toBe('done');
    await officer.press('dialog:callbackList'); // an older menu button still works
    expect(officer.transcript()).toContain(await text('en', 'callback:noneOpen'));
  });

  it.each([
    ['log-it', 1],
    ['no-log', 0],
  ] as const)('marking a call-back done offers to log it as contact with the school (%s)', async (answer, logged) => {
    const { engine, store, directory } = await requestCallback();
    const request = store.data.callbacks[0]!;
    const liaison = directory.liaisonFor('meadow-primary')!;
    const officer = new TestUser(engine, { id: liaison.id, locale: 'nl' });
    await officer.press(`callback:done:${request.id}`);
    const school = directory.school('meadow-primary')!.name;
    const kind = request.way === 'phone' ? 'call' : request.way === 'email' ? 'email' : 'other';
    expect(officer.transcript()).toContain(await text('nl', 'callback:logAsContact', { school, kind: await text('nl', `liaison:kind.${kind}`) }));
    await officer.click(answer);
    expect(store.data.contacts).toHaveLength(logged);
    if (logged) {
      expect(store.data.contacts[0]).toMatchObject({ authorId: liaison.id, schoolId: 'meadow-primary', kind, date: '2026-11-24', tags: [] });
      expect(officer.transcript()).toContain(await text('nl', 'callback:loggedEditable', { item: await text('nl', 'menu:recentContacts') }));
      // No longer overdue in "my schools".
      await officer.press('dialog:mySchools');
      expect(officer.transcript()).toMatch(new RegExp(`✓ ${school}`));
    }
  });

  it('done, then on to something else without answering "log it?": nothing is said to be lost', async () => {
    const { engine, store, directory } = await requestCallback();
    const officer = new TestUser(engine, { id: directory.liaisonFor('meadow-primary')!.id, locale: 'en' });
    await officer.press(`callback:done:${store.data.callbacks[0]!.id}`);
    await officer.press('dialog:mySchools');
    expect(officer.transcript()).not.toContain(await text('en', 'common:leftUnfinishedUnnamed'));
    expect(officer.transcript()).toContain(await text('en', 'liaison:schoolsTitle', { count: 2 }).then((t) => t.slice(0, 10)));
  });

  it('handing a request to a colleague with a very long directory id: the audit detail is cut, and the store still validates', async () => {
    const json = JSON.parse(await realDirectoryJson());
    const template = json.people.find((p: { id: string }) => p.id === 'liaison-south');
    const longId = `officer-${'x'.repeat(80)}`;
    json.people.push({ ...template, id: longId, name: 'Long Id', slackUserId: undefined, teamsUserId: undefined, backupId: undefined });
    const h = await engineHarness({ directory: parseDirectory(JSON.stringify(json), 'long.json') });
    const request = h.callbacks.create({ schoolId: 'oak-primary', urgency: 'week', way: 'chat', window: 'anytime', requesterName: 'X' }, { key: 'test:t', language: 'en' });
    const officer = new TestUser(h.engine, { id: request.assigneeId, locale: 'en' });
    await officer.press(`callback:reassign:${request.id}`);
    await officer.click(`to:${longId}`);
    const entry = h.store.data.audit.find((e) => e.action === 'callbacks.reassign')!;
    expect(entry.detail).toHaveLength(100);
    expect(Db.safeParse(JSON.parse(JSON.stringify(h.store.data))).success).toBe(true);
  });

  it('the officer is told the teacher\'s language when it is not their own, in the notice and the list', async () => {
    const h = await engineHarness();
    const request = h.callbacks.create({ schoolId: 'meadow-primary', urgency: 'week', way: 'chat', window: 'anytime', requesterName: 'Camille' }, { key: 'test:fr', language: 'fr' });
    const inDutch = (await translations()).translator('nl');
    const inFrench = (await translations()).translator('fr');
    const notice = (tr: typeof inDutch) => (h.callbacks.newRequestMessage(request, tr)[0] as { text: string }).text;
    expect(notice(inDutch)).toContain(await text('nl', 'callback:teacherLanguage', { language: await text('nl', 'common:languageNames.fr') }));
    expect(notice(inFrench)).not.toContain(await text('fr', 'callback:teacherLanguage', { language: await text('fr', 'common:languageNames.fr') }));
    const officer = new TestUser(h.engine, { id: request.assigneeId, locale: 'en' });
    await officer.press('dialog:callbackList');
    expect(officer.transcript()).toContain(await text('en', 'callback:teacherLanguage', { language: 'French' }));
  });

  it('acknowledging, handing on and closing a request, and correcting or deleting a contact, are in the audit log (ids only)', async () => {
    const { engine, store, directory } = await requestCallback();
    const id = store.data.callbacks[0]!.id;
    const liaison = directory.liaisonFor('meadow-primary')!;
    const colleague = directory.data.people.find((p) => p.id !== liaison.id && p.role === 'liaison')!;
    const officer = new TestUser(engine, { id: liaison.id });
    await officer.press(`callback:ack:${id}`);
    await officer.press(`callback:reassign:${id}`);
    await officer.click(`to:${colleague.id}`);
    await new TestUser(engine, { id: colleague.id }).press(`callback:done:${id}`);
    await officer.press('dialog:logContact');
    await officer.click('school:meadow-primary');
    await officer.click('visit');
    await officer.click('date:today');
    await officer.click('tags:done');
    const contactId = store.data.contacts[0]!.id;
    await officer.press(`contact:edit:${contactId}`);
    await officer.click('keep');
    await officer.click('keep');
    await officer.click('tags:done');
    await officer.press(`contact:delete:${contactId}`);
    await officer.click('confirm-delete');
    const writes = store.data.audit.filter((e) => !e.action.endsWith('.read')).map((e) => `${e.actor} ${e.action} ${e.detail}`);
    expect(writes).toEqual([
      `${liaison.id} callbacks.ack ${id}`,
      `${liaison.id} callbacks.reassign ${id} to ${colleague.id}`,
      `${colleague.id} callbacks.done ${id}`,
      `${liaison.id} contacts.edit ${contactId}`,
      `${liaison.id} contacts.delete ${contactId}`,
    ]);
    expect(JSON.stringify(store.data.audit)).not.toContain('Robin');
  });

  it('handing a request on in a large region: the likeliest colleagues as buttons, anyone else by a typed name', async () => {
    const json = JSON.parse(await realDirectoryJson());
    const template = json.people.find((p: { id: string }) => p.id === 'liaison-south');
    for (let i = 1; i <= 30; i++) json.people.push({ ...template, id: `officer-${i}`, name: `Officer ${i} Janssens`, slackUserId: undefined, teamsUserId: undefined, backupId: undefined });
    json.people.push({ ...template, id: 'officer-x', name: 'Zoë Van Acker', slackUserId: undefined, teamsUserId: undefined, backupId: undefined });
    const h = await engineHarness({ directory: parseDirectory(JSON.stringify(json), 'region.json') });
    const request = h.callbacks.create({ schoolId: 'oak-primary', urgency: 'week', way: 'chat', window: 'anytime', requesterName: 'X' }, { key: 'test:t', language: 'en' });
    const officer = new TestUser(h.engine, { id: request.assigneeId, locale: 'en' });
    await officer.press(`callback:reassign:${request.id}`);
    const buttons = officer.lastChoices().map((c) => c.value);
    expect(buttons).toHaveLength(COLLEAGUE_BUTTONS);
    // The backup first, then the coordinators, then the rest by name.
    const backup = h.directory.person(request.assigneeId)!.backupId!;
    expect(buttons[0]).toBe(`to:${backup}`);
    expect(buttons[1]).toBe('to:prevention-coordinator');
    expect(officer.transcript()).toContain(await text('en', 'callback:reassignPromptMore'));
    await officer.say('nobody by this name');
    expect(officer.transcript()).toContain(await text('en', 'callback:noColleague'));
    await officer.say('janssens 1');
    // "1", "10" … "19": every word typed begins a word of the name.
    expect(officer.transcript()).toContain(await text('en', 'callback:colleaguesFound', { count: 11 }));
    // One match of part of a name is offered, not taken ("Mar" may find Marieke when Marc was meant).
    await officer.say('zoe');
    expect(officer.transcript()).toContain(await text('en', 'callback:colleaguesFound', { count: 1 }));
    expect(officer.lastChoices().map((c) => c.value)).toEqual(['to:officer-x']);
    // The assignee's own name: said so.
    await officer.say(h.directory.person(request.assigneeId)!.name);
    expect(officer.transcript()).toContain(await text('en', 'callback:alreadyTheirs', { name: h.directory.person(request.assigneeId)!.name }));
    expect(officer.transcript()).not.toContain(await text('en', 'callback:noColleague'));
    expect(officer.transcript()).toContain(await text('en', 'callback:reassignPromptMore'));
    // A whole name hands it over.
    await officer.say('Zoe van Acker');
    expect(h.store.data.callbacks[0]!.assigneeId).toBe('officer-x');
    expect(officer.transcript()).toContain(await text('en', 'callback:reassigned', { name: 'Zoë Van Acker' }));
  });

  it('another liaison officer (not the assignee, not the backup) may not act on it', async () => {
    const json = JSON.parse(await realDirectoryJson());
    json.people.push({ ...json.people[0], id: 'liaison-east', name: 'Third Officer', backupId: undefined, slackUserId: undefined, teamsUserId: undefined });
    const harness = await engineHarness({ directory: parseDirectory(JSON.stringify(json), 'with-third.json') });
    const request = harness.callbacks.create(
      { schoolId: 'meadow-primary', urgency: 'today', way: 'chat', window: 'anytime', requesterName: 'X' },
      { key: 'test:t', language: 'en' },
    );
    const officer = new TestUser(harness.engine, { id: 'liaison-east' });
    await officer.press(`callback:ack:${request.id}`);
    expect(officer.transcript()).toBe(await text('en', 'callback:notYours'));
    expect(harness.store.data.callbacks[0]!.status).toBe('open');
  });

  it('retention: done requests are deleted after the configured number of days, others kept', async () => {
    let now = FIXED_NOW;
    const { store, callbacks, directory } = await requestCallback({ clock: () => now });
    const liaison = directory.liaisonFor('meadow-primary')!;
    const id = store.data.callbacks[0]!.id;
    expect(callbacks.change(id, 'done', liaison.id, 'liaison').result).toBe('ok');
    callbacks.create(
      { schoolId: null, urgency: 'today', way: 'chat', window: 'anytime', requesterName: 'Still Open' },
      { key: 'test:t3', language: 'en' },
    );
    now = new Date(FIXED_NOW.getTime() + 89 * 86_400_000);
    expect(await callbacks.purgeExpired(90)).toBe(0);
    now = new Date(FIXED_NOW.getTime() + 91 * 86_400_000);
    expect(await callbacks.purgeExpired(90)).toBe(1);
    expect(store.data.callbacks.map((c) => c.requesterName)).toEqual(['Still Open']);
  });

  it('"delete my data" withdraws the teacher\'s requests with their name and contact', async () => {
    const { store, teacher } = await requestCallback();
    await teacher.say('delete my data');
    await teacher.click('delete');
    await teacher.click('confirm');
    expect(store.data.callbacks).toEqual([]);
  });

  it('a request for a school not in the directory goes to a coordinator', async () => {
    const { callbacks, directory } = await engineHarness();
    const request = callbacks.create(
      { schoolId: null, urgency: 'today', way: 'chat', window: 'anytime', requesterName: 'X' },
      { key: 'test:t', language: 'en' },
    );
    expect(directory.person(request.assigneeId)?.role).toBe('coordinator');
  });
});

describe('the notice of a new request, handed over while it is on its way', () => {
  it('is recorded against the officer it was sent to: the new assignee\'s failed notice is sent again by the scheduler', async () => {
    const now = new Date('2026-11-24T09:00:00Z');
    const h = await engineHarness({ clock: () => now });
    for (const id of ['liaison-north', 'liaison-south', 'prevention-coordinator']) await new TestUser(h.engine, { id, locale: 'en' }).say('menu');
    // North's send is held (a slow Slack call); south's platform fails for now.
    let started!: () => void;
    const northSending = new Promise<void>((r) => (started = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    h.notifier.register({
      id: 'test',
      start: async () => {},
      stop: async () => {},
      async send(address: ConversationAddress): Promise<SendResult> {
        if (address.conversationId === 'conv-liaison-north') {
          started();
          await gate;
          return { ok: true };
        }
        if (address.conversationId === 'conv-liaison-south') return { ok: false, permanent: false, reason: 'connector_503' };
        return { ok: true };
      },
    } as Channel);
    const req = h.callbacks.create({ schoolId: 'oak-primary', urgency: 'today', way: 'chat', window: 'anytime', requesterName: 'Sam' }, { key: 'test:t1', language: 'en' });
    expect(req.assigneeId).toBe('liaison-north');
    const first = h.callbacks.notifyAssignee(req.id);
    await northSending;
    const coordinator = new TestUser(h.engine, { id: 'prevention-coordinator', locale: 'en' });
    await coordinator.press(`callback:reassign:${req.id}`);
    await coordinator.click('to:liaison-south');
    await h.engine.idle(); // the notice to south: failed
    release();
    await first;

    expect(req.notifications.map((n) => `${n.to} ${n.result}`).sort()).toEqual(['liaison-north sent', 'liaison-south failed']);
    // So the scheduler sends south the notice again, once the notice sent at the hand-over had its time.
    const later = new Date(now.getTime() + NOTICE_RETRY_AFTER_MS);
    expect(planNudges(h.directory, h.store.data, later).filter((n) => n.rule === 'callbackNotice').map((n) => n.recipientId)).toEqual(['liaison-south']);
  });
});
