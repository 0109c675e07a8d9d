import { describe, expect, it } from '@jest/globals';
import type { NewCallback } from '../../src/core/callbacks.js';
import { formatDate } from '../../src/core/dates.js';
import { SUPPORTED_LANGUAGES, type Language } from '../../src/i18n/languages.js';
import { answerTrainingSurvey, confirmForgetText, engineHarness, TestUser, text, type EngineHarness } from '../helpers/fixtures.js';

describe('privacy dialog', () => {
  it.each(SUPPORTED_LANGUAGES)('(%s) lists what is stored and deletes it on confirmation', async (lang) => {
    const { engine, store } = await engineHarness();
    const user = new TestUser(engine, { locale: lang });
    await user.say('menu');
    await user.say(await text(lang, 'common:languageName')); // an explicit choice is stored
    await user.click('dialog:privacy');
    const listed = user.transcript();
    expect(listed).toContain(await text(lang, 'privacy:never'));
    expect(listed).toContain(await text(lang, 'privacy:language', { language: await text(lang, 'common:languageName') }));
    expect(listed).toContain(await text(lang, 'privacy:noSchool'));
    expect(store.data.users['test:teacher-1']).toBeDefined();

    await user.click('delete');
    await user.click('confirm');
    expect(user.transcript()).toContain(await text(lang, 'privacy:deleted'));
    expect(store.data.users['test:teacher-1']).toBeUndefined();
    expect(store.data.dialogs['test:conv-teacher-1']).toBeUndefined();
  });

  it('keeps everything when the user changes their mind', async () => {
    const { engine, store } = await engineHarness();
    const user = new TestUser(engine);
    await user.say('what do you store about me?');
    await user.click('delete');
    await user.click('keep');
    expect(user.transcript()).toContain(await text('en', 'privacy:kept'));
    expect(store.data.users['test:teacher-1']).toBeDefined();
  });
});

/** The creation day as each language writes it (FIXED_NOW is 24 November 2026, 11:00 in Brussels). */
const CREATED: Record<Language, string> = { en: '24 November 2026', nl: '24 november 2026', fr: '24 novembre 2026', de: '24. November 2026' };

/** A teacher asks, in their own language, to be called back by e-mail (through the dialog). */
async function askToBeCalledBack(user: TestUser): Promise<void> {
  await user.say('menu');
  await user.click('dialog:callbackRequest');
  await user.click('school:oak-primary');
  await user.click('week');
  await user.click('email');
  await user.click('morning');
  await user.say('Robin Example');
  await user.say('robin@school.example');
  await user.say('Tuesdays are best');
  await user.click('send');
}

/** A stored request made outside the dialog, for statuses and schools the dialog cannot reach quickly. */
function storedRequest(harness: EngineHarness, requesterKey: string, input: Partial<NewCallback> = {}) {
  return harness.callbacks.create(
    { schoolId: 'oak-primary', urgency: 'today', way: 'phone', window: 'afternoon', requesterName: 'Robin Example', requesterContact: '+32 3 123 45 67', ...input },
    { key: requesterKey, language: 'en' },
  );
}

/** A teacher who asked to be called back, then opened "what do you store about me". */
async function privacyAfterRequest(lang: Language) {
  const harness = await engineHarness();
  const user = new TestUser(harness.engine, { locale: lang });
  await askToBeCalledBack(user);
  await harness.engine.idle();
  await user.say('menu');
  await user.click('dialog:privacy');
  return { harness, user, liaison: harness.directory.liaisonFor('oak-primary')! };
}

describe('privacy dialog: call-back requests', () => {
  it.each(SUPPORTED_LANGUAGES)('(%s) lists each call-back request with what the teacher gave, where it stands and when it was made', async (lang) => {
    const { user, liaison } = await privacyAfterRequest(lang);
    const listed = user.transcript();
    const t = (k: string, params?: Record<string, unknown>) => text(lang, k, params);
    expect(listed).toContain(await t('privacy:callbacks'));
    expect(listed).toContain(await t('privacy:callback.title', { date: CREATED[lang] }));
    expect(listed).toContain(CREATED[lang]);
    expect(listed).toContain(`${await t('common:field.school')}: Basisschool De Eik`);
    expect(listed).toContain(`${await t('privacy:callback.handledBy')}: ${liaison.name}`);
    expect(listed).toContain(`${await t('privacy:callback.status')}: ${await t('callback:status.open')}`);
    expect(listed).toContain(`${await t('privacy:callback.yourName')}: Robin Example`);
    expect(listed).toContain(`${await t('callback:summaryWay')}: ${await t('callback:way.email')} (robin@school.example)`);
    expect(listed).toContain(`${await t('callback:summaryWindow')}: ${await t('callback:window.morning')}`);
    expect(listed).toContain(`${await t('callback:summaryUrgency')}: ${await t('callback:urgency.week')}`);
    expect(listed).toContain(`${await t('callback:summaryNote')}: Tuesdays are best`);
    // The request is listed before the offer to delete, which is still the question asked.
    expect(user.lastChoices().map((c) => c.value)).toEqual(['delete', 'keep']);
  });

  it.each(SUPPORTED_LANGUAGES)('(%s) the delete confirmation says an open request is withdrawn; afterwards it is gone and the liaison officer is named', async (lang) => {
    const { user, liaison, harness } = await privacyAfterRequest(lang);
    const officer = new TestUser(harness.engine, { id: liaison.id });
    await officer.say('menu'); // the officer is reachable in the chat
    await user.click('delete');
    const prompt = user.transcript();
    // What is stored, and only that (the school was remembered for the request; no language was chosen).
    expect(prompt).toContain(await confirmForgetText(lang, ['school', 'conversation']));
    expect(prompt).toContain(await text(lang, 'privacy:alsoDeleteWithdraw', { count: 1 }));

    const before = harness.sent.length;
    await user.click('confirm');
    expect(harness.store.data.callbacks).toEqual([]);
    // The officer hears that it was withdrawn: school, date and how soon, never the teacher's name.
    await harness.engine.idle();
    const told = harness.sent.slice(before).filter((s) => s.address.conversationId.includes(liaison.id));
    const officerLang = told[0]!.language; // the officer's own language, whatever the teacher's
    const notice = await text(officerLang, 'callback:withdrawnNotice', {
      school: 'Basisschool De Eik',
      date: formatDate('2026-11-24', officerLang),
      urgency: await text(officerLang, 'callback:urgencyInline.week'),
    });
    expect(told.flatMap((s) => s.replies.map((r) => ('text' in r ? r.text : '')))).toEqual([notice]);
    expect(JSON.stringify(told)).not.toContain('Robin');
    const done = user.transcript();
    expect(done).toContain(await text(lang, 'privacy:deleted'));
    expect(done).toContain(await text(lang, 'privacy:stillReachable', { name: liaison.name, phone: liaison.phone, email: liaison.email }));

    // The liaison officer's list no longer holds it.
    await officer.press('dialog:callbackList');
    expect(officer.transcript()).toContain(await text('en', 'callback:noneOpen'));
  });

  it('the confirmation names what is stored: a chosen language and the wish to be asked about training each year, no school when none', async () => {
    const h = await engineHarness();
    const user = new TestUser(h.engine, { id: 'teacher-stored' });
    await user.press('language:nl');
    h.training.setReminder('test:teacher-stored', true);
    await user.say('privacy');
    await user.click('delete');
    expect(user.transcript()).toContain(await confirmForgetText('nl', ['language', 'conversation', 'trainingReminder']));
    expect(user.transcript()).not.toContain(await text('nl', 'privacy:forgetPart.school'));
  });

  it.each(SUPPORTED_LANGUAGES)('(%s) having answered this year\'s training survey is listed and forgotten; the answers, without a name, stay in the totals', async (lang) => {
    const h = await engineHarness();
    const user = new TestUser(h.engine, { id: 'teacher-survey', locale: lang });
    await user.press(`language:${lang}`);
    await answerTrainingSurvey(user);
    // Said (in the survey's own words) when asked again before the deletion.
    await user.press('dialog:trainingNeeds');
    expect(user.transcript()).toContain(await text(lang, 'training:alreadyAnswered'));
    await user.say('privacy');
    expect(user.transcript()).toContain(await text(lang, 'privacy:trainingAnswered'));
    await user.click('delete');
    expect(user.transcript()).toContain(await confirmForgetText(lang, ['language', 'conversation', 'trainingAnswered']));
    await user.click('confirm');
    expect(user.transcript()).toContain(await text(lang, 'privacy:deleted'));
    expect(h.store.data.trainingResponses).toHaveLength(1);
    expect(Object.values(h.store.data.trainingSubmitters).flatMap((s) => s.hashes)).toEqual([]);
    // Nothing links them to having answered now: the survey is open to them again.
    const again = new TestUser(h.engine, { id: 'teacher-survey', locale: lang });
    await again.press('dialog:trainingNeeds');
    expect(again.transcript()).not.toContain(await text(lang, 'training:alreadyAnswered'));
  });

  it.each([
    ['en', 'delete', 'delete'],
    ['nl', 'verwijder', 'verwijderen'],
    ['fr', 'supprimer', 'supprimer'],
    ['de', 'löschen', 'löschen'],
  ] as const)('(%s) a word typed twice never confirms the deletion: only the button, or its whole label, does', async (lang, first, second) => {
    const h = await engineHarness();
    const user = new TestUser(h.engine, { id: 'teacher-typing', locale: lang });
    await user.press('language:' + lang);
    await user.say('privacy');
    await user.say(first);
    await user.say(second);
    expect(user.transcript()).not.toContain(await text(lang, 'privacy:deleted'));
    expect(h.store.data.users['test:teacher-typing']).toBeDefined();
  });

  it.each(SUPPORTED_LANGUAGES)('(%s) deleting needs the button or its label in the user\'s language: not "1", not an internal word, not another language\'s label', async (lang) => {
    const h = await engineHarness();
    const user = new TestUser(h.engine, { id: 'teacher-strict', locale: lang });
    await user.press(`language:${lang}`);
    await user.say('privacy');
    for (const typed of ['1', 'delete', 'confirm', lang === 'en' ? 'Verwijderen' : 'Delete']) {
      await user.say(typed);
      expect(user.transcript()).not.toContain(await text(lang, 'privacy:deleted'));
    }
    expect(h.store.data.users['test:teacher-strict']).toBeDefined();
    // "1" is refused with a hint that does not mention numbers.
    expect(user.transcript()).toContain(await text(lang, 'common:notUnderstoodStrict'));
    // The label as the user reads it works, at both steps.
    await user.say(await text(lang, 'privacy:delete'));
    await user.say(await text(lang, 'privacy:confirm'));
    expect(user.transcript()).toContain(await text(lang, 'privacy:deleted'));
  });

  it('without call-back requests nothing about them is listed and the confirmation stays as it was', async () => {
    const { engine } = await engineHarness();
    const user = new TestUser(engine);
    await user.say('what do you store about me?');
    expect(user.transcript()).not.toContain(await text('en', 'privacy:callbacks'));
    await user.click('delete');
    expect(user.transcript()).toContain(await confirmForgetText('en', ['conversation']));
    expect(user.transcript()).not.toContain(await text('en', 'privacy:forgetPart.language'));
    await user.click('confirm');
    expect(user.transcript()).toBe(await text('en', 'privacy:deleted'));
  });

  it("lists only the user's own requests, never another teacher's", async () => {
    const harness = await engineHarness();
    storedRequest(harness, 'test:teacher-2', { requesterName: 'Someone Else', requesterContact: '+32 3 999 99 99', note: 'Not yours' });
    storedRequest(harness, 'test:teacher-1');
    const user = new TestUser(harness.engine);
    await user.say('what do you store about me?');
    const listed = user.transcript();
    expect(listed).toContain('Robin Example');
    expect(listed).toContain('+32 3 123 45 67');
    expect(listed).not.toMatch(/Someone Else|\+32 3 999 99 99|Not yours/);
    expect(listed.split(await text('en', 'privacy:callback.title', { date: CREATED.en })).length).toBe(2);

    await user.click('delete');
    await user.click('confirm');
    expect(harness.store.data.callbacks.map((c) => c.requesterKey)).toEqual(['test:teacher-2']);
  });

  it.each(SUPPORTED_LANGUAGES)('(%s) shows acknowledged and done requests and an unlisted school; only done ones are deleted, not "withdrawn"', async (lang) => {
    const harness = await engineHarness();
    const liaison = harness.directory.liaisonFor('oak-primary')!;
    const acknowledged = storedRequest(harness, 'test:teacher-1', { schoolId: null, way: 'chat', requesterContact: undefined });
    const done = storedRequest(harness, 'test:teacher-1');
    const coordinator = harness.directory.person(acknowledged.assigneeId)!;
    expect(harness.callbacks.change(acknowledged.id, 'ack', coordinator.id, 'coordinator').result).toBe('ok');
    expect(harness.callbacks.change(done.id, 'done', liaison.id, 'liaison').result).toBe('ok');

    const user = new TestUser(harness.engine, { locale: lang });
    await user.say('menu');
    await user.click('dialog:privacy');
    const listed = user.transcript();
    const t = (k: string, params?: Record<string, unknown>) => text(lang, k, params);
    expect(listed).toContain(`${await t('privacy:callback.status')}: ${await t('callback:status.acknowledged')}`);
    expect(listed).toContain(`${await t('privacy:callback.status')}: ${await t('callback:status.done')}`);
    expect(listed).toContain(`${await t('common:field.school')}: ${await t('callback:unlistedSchool')}`);
    expect(listed).toContain(`${await t('privacy:callback.handledBy')}: ${coordinator.name}`);
    expect(listed).toContain(`${await t('callback:summaryWay')}: ${await t('callback:way.chat')}\n`);
    expect(listed).toContain(`${await t('callback:summaryWay')}: ${await t('callback:way.phone')} (+32 3 123 45 67)`);
    expect(listed).not.toContain(`${await t('callback:summaryNote')}:`);

    // Acknowledged is not done yet: it is withdrawn.
    await user.click('delete');
    expect(user.transcript()).toContain(await t('privacy:alsoDeleteWithdraw', { count: 2 }));
    await user.click('keep');
    expect(harness.store.data.callbacks).toHaveLength(2);

    // Once both are done, there is nothing to withdraw: the requests are only deleted.
    expect(harness.callbacks.change(acknowledged.id, 'done', coordinator.id, 'coordinator').result).toBe('ok');
    await user.say('menu');
    await user.click('dialog:privacy');
    await user.click('delete');
    expect(user.transcript()).toContain(await t('privacy:alsoDeleteDone', { count: 2 }));
    expect(user.transcript()).not.toContain(await t('privacy:alsoDeleteWithdraw', { count: 2 }));
    await user.click('confirm');
    expect(harness.store.data.callbacks).toEqual([]);
    expect(user.transcript()).toBe(await t('privacy:deleted'));
  });

  it('one done request: the confirmation speaks of it in the singular', async () => {
    const harness = await engineHarness();
    const liaison = harness.directory.liaisonFor('oak-primary')!;
    const request = storedRequest(harness, 'test:teacher-1');
    harness.callbacks.change(request.id, 'done', liaison.id, 'liaison');
    const user = new TestUser(harness.engine);
    await user.say('what do you store about me?');
    await user.click('delete');
    expect(user.transcript()).toContain(await text('en', 'privacy:alsoDeleteDone', { count: 1 }));
    expect(user.transcript()).toContain('delete your past call-back request with');
  });

  it("dates a request by the day in the directory's time zone, not in UTC", async () => {
    const lateEvening = new Date('2026-11-24T23:30:00.000Z'); // 00:30 on 25 November in Brussels
    const harness = await engineHarness({ clock: () => lateEvening });
    storedRequest(harness, 'test:teacher-1');
    const user = new TestUser(harness.engine);
    await user.say('what do you store about me?');
    expect(user.transcript()).toContain(await text('en', 'privacy:callback.title', { date: '25 November 2026' }));
    expect(user.transcript()).toContain('25 November 2026');
  });
});
