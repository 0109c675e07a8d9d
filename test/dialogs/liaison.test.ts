import { describe, expect, it } from '@jest/globals';
import { formatDate } from '../../src/core/dates.js';
import { parseDirectory } from '../../src/directory/directory.js';
import { SUPPORTED_LANGUAGES, type Language } from '../../src/i18n/languages.js';
import { engineHarness, realDirectoryJson, TestUser, text, translations } from '../helpers/fixtures.js';

/** 2026-11-24 10:00 UTC: a Tuesday in Brussels. */
const NOW = new Date('2026-11-24T10:00:00Z');

/** "yesterday" and a typed date, in each language's own words and format. */
const DATES: Record<Language, { yesterday: string; typed: string; typedDate: string }> = {
  en: { yesterday: 'yesterday', typed: '3/11', typedDate: '2026-11-03' },
  nl: { yesterday: 'gisteren', typed: '3-11-2026', typedDate: '2026-11-03' },
  fr: { yesterday: 'hier', typed: '3/11', typedDate: '2026-11-03' },
  de: { yesterday: 'gestern', typed: '3.11.2026', typedDate: '2026-11-03' },
};

async function harness(clock: () => Date = () => NOW) {
  return engineHarness({ clock });
}

describe.each(SUPPORTED_LANGUAGES)('liaison workspace (%s)', (lang) => {
  it('logs a contact: own schools first, kind, a date typed in the language, several topic tags', async () => {
    const { engine, store, directory } = await harness();
    const officer = new TestUser(engine, { id: 'liaison-south', locale: lang });
    await officer.say('menu');
    await officer.click('dialog:logContact');
    const own = directory.data.schools.filter((s) => s.liaisonId === 'liaison-south').map((s) => `school:${s.id}`);
    expect(officer.lastChoices().slice(0, own.length).map((c) => c.value).sort()).toEqual(own.sort());
    await officer.click('school:canal-secondary');
    await officer.click('visit');
    await officer.say('not a date at all');
    expect(officer.transcript()).toContain(await text(lang, 'liaison:dateNotUnderstood'));
    await officer.say(DATES[lang].typed);
    await officer.click('training');
    expect(officer.transcript()).toContain(await text(lang, 'liaison:tagsMore', { chosen: await text(lang, 'liaison:tag.training') }));
    await officer.click('trustBuilding');
    await officer.click('tags:done');
    expect(officer.transcript()).toContain(
      await text(lang, 'liaison:logged', { kind: await text(lang, 'liaison:kind.visit'), school: directory.school('canal-secondary')!.name, date: formatDate(DATES[lang].typedDate, lang) }),
    );
    expect(store.data.contacts).toEqual([
      expect.objectContaining({ authorId: 'liaison-south', schoolId: 'canal-secondary', kind: 'visit', date: DATES[lang].typedDate, tags: ['training', 'trustBuilding'] }),
    ]);
  });

  it('"yesterday" in the language, and a future date is refused', async () => {
    const { engine, store } = await harness();
    const officer = new TestUser(engine, { id: 'liaison-north', locale: lang });
    await officer.say('menu');
    await officer.click('dialog:logContact');
    await officer.click('school:oak-primary');
    await officer.click('call');
    await officer.say(lang === 'de' ? '30.12.2026' : '30/12/2026');
    expect(officer.transcript()).toContain(await text(lang, 'liaison:dateInFuture'));
    await officer.say(DATES[lang].yesterday);
    await officer.click('tags:done');
    expect(store.data.contacts[0]).toMatchObject({ date: '2026-11-23', tags: [] });
  });

  it('refuses liaison functions to a teacher and to a web chat visitor, politely and without data', async () => {
    const { engine, store } = await harness();
    store.data.contacts.push({ id: 'c1', authorId: 'liaison-north', schoolId: 'oak-primary', kind: 'visit', date: '2026-11-20', tags: [], createdAt: NOW.toISOString() });
    for (const user of [new TestUser(engine, { id: 'teacher-1', locale: lang }), new TestUser(engine, { channel: 'web', id: 'liaison-north', locale: lang })]) {
      for (const dialog of ['mySchools', 'logContact', 'protocolStatus', 'callbackList', 'recentContacts']) {
        await user.press(`dialog:${dialog}`);
        expect(user.transcript()).toContain(await text(lang, 'common:notAllowed'));
        expect(user.transcript()).not.toContain('Basisschool De Eik');
      }
      await user.press('contact:delete:c1');
      expect(user.transcript()).toContain(await text(lang, 'common:notAllowed'));
      // A teacher's menu does not even offer them.
      await user.say('menu');
      expect(user.lastChoices().map((c) => c.value)).not.toContain('dialog:mySchools');
    }
    expect(store.data.contacts).toHaveLength(1);
  });

  it('my schools: last contact, days since and overdue marks, most overdue first', async () => {
    const { engine, store, directory } = await harness();
    // liaison-north: oak-primary (30 days), harbour-secondary (21 days), willow-primary (30 days).
    store.data.contacts.push(
      { id: 'a', authorId: 'liaison-north', schoolId: 'oak-primary', kind: 'visit', date: '2026-11-14', tags: [], createdAt: NOW.toISOString() },
      { id: 'b', authorId: 'liaison-north', schoolId: 'harbour-secondary', kind: 'call', date: '2026-10-24', tags: [], createdAt: NOW.toISOString() },
    );
    const officer = new TestUser(engine, { id: 'liaison-north', locale: lang });
    await officer.press('dialog:mySchools');
    const lines = officer.transcript().split('\n');
    const order = ['École fondamentale Les Saules', 'Atheneum Havenkwartier', 'Basisschool De Eik'].map((name) => lines.findIndex((l) => l.includes(name)));
    expect(order.every((i, k) => i > 0 && (k === 0 || i > order[k - 1]!))).toBe(true);
    expect(lines[order[0]!]).toMatch(/^⚠ /);
    expect(lines[order[0]!]).toContain(await text(lang, 'liaison:neverContacted'));
    expect(lines[order[1]!]).toMatch(/^⚠ /);
    expect(lines[order[1]!]).toContain(await text(lang, 'liaison:overdueBy', { count: 10 }));
    expect(lines[order[2]!]).toMatch(/^✓ /);
    expect(lines[order[2]!]).toContain(await text(lang, 'liaison:lastContact', { date: formatDate('2026-11-14', lang), count: 10 }));
    expect(officer.transcript()).not.toContain(directory.school('canal-secondary')!.name); // not theirs
    const coordinator = new TestUser(engine, { id: 'prevention-coordinator', locale: lang });
    await coordinator.press('dialog:mySchools');
    expect(coordinator.transcript()).toContain(`${directory.school('canal-secondary')!.name} (Jonas Dubois)`);
    // Every school, not schools of their own.
    expect(coordinator.transcript().split('\n')[0]).toMatch(new RegExp(`^${(await text(lang, 'liaison:schoolsTitleAll', { count: 9 })).slice(0, 8)}`));
    expect(officer.transcript().split('\n')[0]).toMatch(new RegExp(`^${(await text(lang, 'liaison:schoolsTitle', { count: 9 })).slice(0, 8)}`));
  });

  it('my schools offers a contact with each of the most overdue schools in one click; the school is then not asked', async () => {
    const { engine, store, directory } = await harness();
    const officer = new TestUser(engine, { id: 'liaison-north', locale: lang });
    await officer.press('dialog:mySchools');
    const overdue = ['oak-primary', 'harbour-secondary', 'willow-primary'].filter((id) => directory.school(id)?.liaisonId === 'liaison-north');
    const list = officer.last.find((r) => r.kind === 'choices' && r.choices.some((c) => c.value.startsWith('logContact:')));
    expect(list?.kind === 'choices' && list.choices.map((c) => c.value).sort()).toEqual(overdue.map((id) => `logContact:${id}`).sort());
    expect(officer.transcript()).toContain(await text(lang, 'menu:prompt'));
    await officer.press('logContact:harbour-secondary');
    expect(officer.transcript()).toContain(await text(lang, 'liaison:kindPrompt'));
    await officer.click('visit');
    await officer.click('date:today');
    await officer.click('tags:done');
    expect(store.data.contacts).toEqual([expect.objectContaining({ schoolId: 'harbour-secondary', kind: 'visit', date: '2026-11-24', authorId: 'liaison-north' })]);
    // A payload naming no school of the directory asks the school question.
    await officer.press('logContact:nowhere');
    expect(officer.transcript()).toContain(await text(lang, 'liaison:schoolPrompt'));
  });

  it('edit window: the author may correct or delete for 7 days, then no longer; nobody else may', async () => {
    let now = NOW;
    const { engine, store } = await harness(() => now);
    const officer = new TestUser(engine, { id: 'liaison-north', locale: lang });
    await officer.press('dialog:logContact');
    await officer.click('school:oak-primary');
    await officer.click('meeting');
    await officer.click('date:today');
    await officer.click('tags:done');
    const id = store.data.contacts[0]!.id;

    const colleague = new TestUser(engine, { id: 'liaison-south', locale: lang });
    await colleague.press(`contact:delete:${id}`);
    expect(colleague.transcript()).toContain(await text(lang, 'liaison:change.not-allowed'));

    now = new Date('2026-11-30T10:00:00Z');
    await officer.press('dialog:recentContacts');
    expect(officer.lastChoices().map((c) => c.value)).toEqual([`contact:edit:${id}`, `contact:delete:${id}`]);
    await officer.click(`contact:edit:${id}`);
    await officer.click('email');
    await officer.click('date:yesterday');
    await officer.click('protocol');
    await officer.click('tags:done');
    expect(store.data.contacts[0]).toMatchObject({ kind: 'email', date: '2026-11-29', tags: ['protocol'], schoolId: 'oak-primary' });

    now = new Date('2026-12-02T10:00:00Z');
    await officer.press(`contact:delete:${id}`);
    expect(officer.transcript()).toContain(await text(lang, 'liaison:change.expired', { count: 7 }));
    await officer.press('dialog:recentContacts');
    expect(officer.transcript()).toContain(await text(lang, 'liaison:noRecent', { count: 7 }));
    expect(store.data.contacts).toHaveLength(1);
  });

  it('correcting a contact shows it and keeps each answer unless changed: its topics are not lost', async () => {
    let now = NOW;
    const { engine, store } = await harness(() => now);
    const officer = new TestUser(engine, { id: 'liaison-north', locale: lang });
    await officer.press('dialog:logContact');
    await officer.click('school:oak-primary');
    await officer.click('visit');
    await officer.click('date:yesterday');
    await officer.click('training');
    await officer.click('protocol');
    await officer.click('tags:done');
    const id = store.data.contacts[0]!.id;
    const logged = { ...store.data.contacts[0]! };

    now = new Date('2026-11-25T10:00:00Z');
    await officer.press(`contact:edit:${id}`);
    const tags = [await text(lang, 'liaison:tag.training'), await text(lang, 'liaison:tag.protocol')].join(', ');
    expect(officer.transcript()).toContain(
      await text(lang, 'liaison:editing', { kind: await text(lang, 'liaison:kind.visit'), school: 'Basisschool De Eik', date: formatDate(logged.date, lang), tags }),
    );
    expect(officer.lastChoices()[0]!.value).toBe('keep');
    await officer.click('keep');
    expect(officer.lastChoices()[0]!.value).toBe('keep');
    await officer.click('keep');
    expect(officer.transcript()).toContain(await text(lang, 'liaison:tagsMore', { chosen: tags }));
    await officer.click('tags:done');
    expect(store.data.contacts).toEqual([expect.objectContaining({ kind: 'visit', date: logged.date, tags: ['training', 'protocol'] })]);

    // Choosing the topics again, or none at all (typed as the word for "none"), are choices of their own.
    await officer.press(`contact:edit:${id}`);
    await officer.click('keep');
    await officer.click('keep');
    await officer.click('tags:clear');
    await officer.click('incident');
    await officer.click('tags:done');
    expect(store.data.contacts).toEqual([expect.objectContaining({ kind: 'visit', date: logged.date, tags: ['incident'] })]);
    await officer.press(`contact:edit:${id}`);
    await officer.click('keep');
    await officer.click('keep');
    await officer.say({ en: 'none', nl: 'geen', fr: 'aucun', de: 'keine' }[lang]);
    expect(store.data.contacts).toEqual([expect.objectContaining({ kind: 'visit', date: logged.date, tags: [] })]);
  });

  it('plain words answer where buttons are offered: "that\'s all" for topics, yes/no to delete, "back" on the protocol screen; "today" rather than "0 days ago"', async () => {
    const words = {
      en: { done: "that's all", yes: 'yes', no: 'no', back: 'back' },
      nl: { done: 'klaar', yes: 'ja', no: 'nee', back: 'terug' },
      fr: { done: "c'est tout", yes: 'oui', no: 'non', back: 'retour' },
      de: { done: 'fertig', yes: 'ja', no: 'nein', back: 'zurück' },
    }[lang];
    const { engine, store } = await harness();
    const officer = new TestUser(engine, { id: 'liaison-north', locale: lang });
    await officer.press('dialog:logContact');
    await officer.click('school:oak-primary');
    await officer.click('visit');
    await officer.click('date:today');
    await officer.say(words.done);
    expect(store.data.contacts).toHaveLength(1);
    await officer.press('dialog:mySchools');
    expect(officer.transcript()).toContain(await text(lang, 'liaison:lastContactToday', { date: formatDate(store.data.contacts[0]!.date, lang) }));
    const id = store.data.contacts[0]!.id;
    await officer.press(`contact:delete:${id}`);
    await officer.say(words.no);
    expect(officer.transcript()).toContain(await text(lang, 'liaison:keptContact'));
    expect(store.data.contacts).toHaveLength(1);
    await officer.press(`contact:delete:${id}`);
    await officer.say(words.yes);
    expect(store.data.contacts).toHaveLength(0);
    await officer.press('dialog:protocolStatus');
    await officer.say(words.back);
    expect(officer.transcript()).not.toContain(await text(lang, 'common:notUnderstood'));
    expect(officer.transcript()).toContain(await text(lang, 'menu:prompt'));
  });

  it('the language picker also takes a language\'s name in the other languages and its code', async () => {
    const { engine } = await harness();
    const officer = new TestUser(engine, { id: 'liaison-north', locale: lang });
    for (const [typed, to] of [['Dutch', 'nl'], ['Frans', 'fr'], ['allemand', 'de'], ['en', 'en']] as const) {
      await officer.press('dialog:language');
      await officer.say(typed);
      expect(officer.transcript()).toContain(await text(to, 'common:languageChanged'));
    }
  });

  it('two officers planning the same day at the same moment: the second to finish is told it is taken', async () => {
    const { engine, store } = await harness();
    const first = new TestUser(engine, { id: 'liaison-north', locale: lang });
    const second = new TestUser(engine, { id: 'liaison-south', locale: lang });
    await first.press('dialog:planMeeting');
    await first.say('15/03/2027');
    await second.press('dialog:planMeeting');
    await second.say('15/03/2027');
    await second.say('Town hall');
    await second.click('plan');
    await first.say('Library');
    await first.click('plan');
    expect(store.data.platformMeetings.map((m) => m.place)).toEqual(['Town hall']);
    expect(first.transcript()).toContain(await text(lang, 'liaison:meetings.alreadyPlanned', { date: formatDate('2027-03-15', lang), place: 'Town hall' }));
  });

  it('a meeting planned in the chat can be cancelled from the protocol screen (one in the directory cannot), and is then no longer listed', async () => {
    const { engine, store } = await harness();
    const officer = new TestUser(engine, { id: 'liaison-north', locale: lang });
    await officer.press('dialog:protocolStatus');
    expect(officer.lastChoices().map((c) => c.value)).not.toContain('dialog:cancelMeeting'); // nothing planned in the chat
    await officer.press('dialog:planMeeting');
    await officer.say('15/03/2027');
    await officer.say('Town hall');
    await officer.click('plan');
    await officer.press('dialog:protocolStatus');
    await officer.click('dialog:cancelMeeting');
    const choices = officer.lastChoices().map((c) => c.value);
    expect(choices).toEqual([`meeting:${store.data.platformMeetings[0]!.id}`, 'keep']); // not the directory's meetings
    // A word of a button's label is no answer here: "hall" must not cancel the Town hall meeting.
    await officer.say('hall');
    expect(store.data.platformMeetings).toHaveLength(1);
    await officer.say({ en: 'no', nl: 'nee', fr: 'non', de: 'nein' }[lang]);
    expect(officer.transcript()).toContain(await text(lang, 'liaison:meetings.nothingCancelled'));
    expect(store.data.platformMeetings).toHaveLength(1);
    await officer.press('dialog:cancelMeeting');
    await officer.click(choices[0]!);
    expect(officer.transcript()).toContain(await text(lang, 'liaison:meetings.cancelled', { date: formatDate('2027-03-15', lang), place: 'Town hall' }));
    expect(store.data.platformMeetings).toEqual([]);
    await officer.press('dialog:protocolStatus');
    expect(officer.transcript()).not.toContain(formatDate('2027-03-15', lang));
  });

  it('nudge settings: how often keep-in-touch comes, mornings or afternoons only, a pause and its end; each change saved and shown', async () => {
    const { engine, store } = await harness();
    const officer = new TestUser(engine, { id: 'liaison-north', locale: lang });
    await officer.press('dialog:nudgeSettings');
    expect(officer.transcript()).toContain(await text(lang, 'nudges:settings.every', { count: 1 }));
    expect(officer.transcript()).toContain(await text(lang, 'nudges:settings.window.all', { start: '08:30', end: '17:00' }));
    expect(officer.lastChoices().map((c) => c.value)).toEqual(['every:14', 'every:28', 'window:morning', 'window:afternoon', 'pause', 'done']);
    await officer.click('every:14');
    expect(officer.transcript()).toContain(await text(lang, 'nudges:settings.saved'));
    expect(officer.transcript()).toContain(await text(lang, 'nudges:settings.every', { count: 2 }));
    await officer.click('window:afternoon');
    expect(officer.transcript()).toContain(await text(lang, 'nudges:settings.window.afternoon', { start: '08:30', end: '17:00' }));
    // Every two weeks, a pause lasts two weeks (a week would bring the next nudge sooner).
    expect(officer.lastChoices().find((c) => c.value === 'pause')?.label).toBe(await text(lang, 'nudges:snooze', { count: 14 }));
    await officer.click('pause');
    expect(officer.transcript()).toContain(await text(lang, 'nudges:settings.snoozedUntil', { date: formatDate('2026-12-08', lang) }));
    expect(store.data.snoozes['liaison-north']).toEqual({ keepInTouchEveryDays: 14, window: 'afternoon', keepInTouch: '2026-12-08' });
    expect(officer.lastChoices().map((c) => c.value)).toContain('resume');
    await officer.click('resume');
    await officer.click('window:all');
    await officer.click('every:7');
    await officer.say({ en: 'done', nl: 'klaar', fr: 'fini', de: 'fertig' }[lang]);
    expect(officer.transcript()).toContain(await text(lang, 'menu:prompt'));
    expect(store.data.snoozes['liaison-north']).toEqual({}); // back to the defaults
    const teacher = new TestUser(engine, { id: 'teacher-1', locale: lang });
    await teacher.press('dialog:nudgeSettings');
    expect(teacher.transcript()).toContain(await text(lang, 'common:notAllowed'));
  });

  it('a question re-asked after a language change is wholly in the new language (the topics chosen so far too)', async () => {
    const { engine } = await harness();
    const officer = new TestUser(engine, { id: 'liaison-north', locale: lang });
    await officer.press('dialog:logContact');
    await officer.click('school:oak-primary');
    await officer.click('visit');
    await officer.click('date:today');
    await officer.click('training');
    const other = lang === 'de' ? 'fr' : 'de';
    await officer.say({ fr: 'Français', de: 'Deutsch' }[other]);
    expect(officer.transcript()).toContain(await text(other, 'liaison:tagsMore', { chosen: await text(other, 'liaison:tag.training') }));
  });

  it('protocol status: signatures, the evaluation due every three months, missing elements; record an evaluation', async () => {
    const { engine, store, directory } = await harness();
    const coordinator = new TestUser(engine, { id: 'prevention-coordinator', locale: lang });
    await coordinator.press('dialog:protocolStatus');
    const status = coordinator.transcript();
    expect(status).toContain(await text(lang, 'common:labelled', { label: await text(lang, 'liaison:protocol.signedOn'), value: `${formatDate('2026-03-02', lang)}` }));
    const unsigned = directory.data.partners.find((p) => !directory.data.protocol.signatoryPartnerIds.includes(p.id))!;
    expect(status).toContain(await text(lang, 'common:labelled', { label: await text(lang, 'liaison:protocol.unsigned'), value: `${unsigned.name[lang]}` }));
    // Last evaluated 15 June 2026: the next was due on 15 September, so it is overdue on 24 November.
    expect(status).toContain(await text(lang, 'common:labelled', { label: await text(lang, 'liaison:protocol.nextEvaluation'), value: `${formatDate('2026-09-15', lang)} ⚠ ${await text(lang, 'liaison:protocol.overdue')}` }));
    expect(status).toContain(await text(lang, 'liaison:protocol.element.signature'));

    await coordinator.click('dialog:recordEvaluation');
    await coordinator.click('date:today');
    await coordinator.click('minorChanges');
    expect(coordinator.transcript()).toContain(await text(lang, 'liaison:evaluation.nextDefault', { date: formatDate('2027-02-24', lang) }));
    await coordinator.click('next:default');
    expect(store.data.protocolEvaluations).toEqual([expect.objectContaining({ date: '2026-11-24', outcome: 'minorChanges', nextDate: '2027-02-24', recordedBy: 'prevention-coordinator' })]);
    await coordinator.press('dialog:protocolStatus');
    expect(coordinator.transcript()).toContain(await text(lang, 'common:labelled', { label: await text(lang, 'liaison:protocol.nextEvaluation'), value: `${formatDate('2027-02-24', lang)}` }));
    expect(coordinator.transcript()).not.toContain(await text(lang, 'liaison:protocol.overdue'));
    // The outcome is shown with the date; "needs to be revised" stays in sight until the next evaluation.
    expect(coordinator.transcript()).toContain(await text(lang, 'common:labelled', { label: await text(lang, 'liaison:protocol.lastEvaluation'), value: `${formatDate('2026-11-24', lang)} (${await text(lang, 'liaison:evaluation.outcome.minorChanges')})` }));
    expect(coordinator.transcript()).not.toContain(await text(lang, 'liaison:protocol.toRevise'));
    store.data.protocolEvaluations[0]!.outcome = 'revise';
    await coordinator.press('dialog:protocolStatus');
    expect(coordinator.transcript()).toContain(await text(lang, 'liaison:protocol.toRevise'));
  });

  it('platform meetings: a reminder when fewer than two are planned for the coming 12 months; plan one', async () => {
    const { engine, store } = await harness(() => new Date('2027-03-01T10:00:00Z'));
    const officer = new TestUser(engine, { id: 'liaison-north', locale: lang });
    await officer.press('dialog:protocolStatus');
    expect(officer.transcript()).toContain(formatDate('2027-06-16', lang));
    expect(officer.transcript()).not.toContain(formatDate('2027-02-10', lang)); // already past
    expect(officer.transcript()).toContain(await text(lang, 'liaison:meetings.needsPlanning', { count: 2 }));
    await officer.click('dialog:planMeeting');
    await officer.say(lang === 'de' ? '20.10.2027' : '20/10/2027');
    await officer.say('Town hall, Marktplein 1');
    // Nothing is planned before the officer has seen the date in full, weekday and year included.
    expect(store.data.platformMeetings).toEqual([]);
    expect(officer.transcript()).toContain(await text(lang, 'liaison:meetings.confirmPrompt', { date: formatDate('2027-10-20', lang, { weekday: true }), place: 'Town hall, Marktplein 1' }));
    expect(officer.lastChoices().map((c) => c.value)).toEqual(['plan', 'change-date', 'change-place', 'dont-plan']);
    // A wrong date is corrected without typing the place again, and the other way round.
    await officer.click('change-date');
    await officer.say(lang === 'de' ? '21.10.2027' : '21/10/2027');
    expect(officer.transcript()).toContain(await text(lang, 'liaison:meetings.confirmPrompt', { date: formatDate('2027-10-21', lang, { weekday: true }), place: 'Town hall, Marktplein 1' }));
    await officer.click('change-place');
    await officer.say('Library');
    expect(officer.transcript()).toContain(await text(lang, 'liaison:meetings.confirmPrompt', { date: formatDate('2027-10-21', lang, { weekday: true }), place: 'Library' }));
    await officer.click('plan');
    expect(store.data.platformMeetings).toEqual([expect.objectContaining({ date: '2027-10-21', place: 'Library', plannedBy: 'liaison-north' })]);
    // What happens next: the reminder, and who invites the schools.
    expect(officer.transcript()).toContain(await text(lang, 'liaison:meetings.plannedNext', { count: 4 }));
    await officer.press('dialog:protocolStatus');
    expect(officer.transcript()).not.toContain(await text(lang, 'liaison:meetings.needsPlanning', { count: 2 }));
  });

  it('platform meetings, one a year: none planned is said as such ("fewer than 1 meetings" is not), and one planned is enough', async () => {
    const data = JSON.parse(await realDirectoryJson()) as { intervals: { platformMeetingsPerYear: number } };
    data.intervals.platformMeetingsPerYear = 1;
    const directory = parseDirectory(JSON.stringify(data), 'test');
    // After the directory's last meeting (16 June 2027): none is planned.
    const after = await engineHarness({ directory, clock: () => new Date('2027-07-01T10:00:00Z') });
    const officer = new TestUser(after.engine, { id: 'liaison-north', locale: lang });
    await officer.press('dialog:protocolStatus');
    expect(officer.transcript()).toContain(await text(lang, 'liaison:meetings.needsPlanning_one'));
    expect(officer.transcript()).toContain(await text(lang, 'liaison:meetings.needsPlanning', { count: 1 }));
    expect(officer.transcript()).not.toContain(await text(lang, 'liaison:meetings.needsPlanning_other', { count: 1 }));
    // Before it: that one meeting is all that is agreed.
    const before = await engineHarness({ directory, clock: () => new Date('2027-03-01T10:00:00Z') });
    const early = new TestUser(before.engine, { id: 'liaison-north', locale: lang });
    await early.press('dialog:protocolStatus');
    expect(early.transcript()).toContain(formatDate('2027-06-16', lang));
    expect(early.transcript()).not.toContain(await text(lang, 'liaison:meetings.needsPlanning', { count: 1 }));
  });

  it('platform meetings: one planned as far ahead as the chat accepts (a year to the day) is counted, shown, and cannot be planned twice', async () => {
    const { engine, store } = await harness(() => new Date('2027-03-01T10:00:00Z'));
    const officer = new TestUser(engine, { id: 'liaison-north', locale: lang });
    await officer.press('dialog:planMeeting');
    await officer.say(lang === 'de' ? '01.03.2028' : '01/03/2028'); // 366 days ahead: 2028 is a leap year
    await officer.say('Town hall');
    await officer.click('plan');
    expect(store.data.platformMeetings.map((m) => m.date)).toEqual(['2028-03-01']);
    await officer.press('dialog:protocolStatus');
    expect(officer.transcript()).toContain(formatDate('2028-03-01', lang));
    // With 16 June 2027 (the directory's), two are planned: no request to plan one.
    expect(officer.transcript()).not.toContain(await text(lang, 'liaison:meetings.needsPlanning', { count: 2 }));
    await officer.press('dialog:planMeeting');
    await officer.say(lang === 'de' ? '01.03.2028' : '01/03/2028');
    expect(officer.transcript()).toContain(await text(lang, 'liaison:meetings.alreadyPlanned', { date: formatDate('2028-03-01', lang), place: 'Town hall' }));
    expect(store.data.platformMeetings).toHaveLength(1);
  });

  it('platform meetings: "don\'t plan it" and "cancel" half-way plan nothing, and say so by the screen\'s name', async () => {
    const { engine, store } = await harness();
    const officer = new TestUser(engine, { id: 'liaison-north', locale: lang });
    await officer.press('dialog:planMeeting');
    await officer.say('15/03/2027');
    await officer.say('Town hall');
    await officer.click('dont-plan');
    expect(officer.transcript()).toContain(await text(lang, 'liaison:meetings.notPlanned'));
    await officer.press('dialog:planMeeting');
    await officer.say('15/03/2027');
    await officer.say((await translations()).translator(lang).list('commands:cancel')[0]!);
    expect(officer.transcript()).toContain(await text(lang, 'liaison:meetings.leftNotPlanned', { what: await text(lang, 'menu:planMeeting') }));
    expect(store.data.platformMeetings).toEqual([]);
  });

  it('screens started from another screen\'s button say by name what leaving them half-way means', async () => {
    const { engine, store } = await harness();
    const officer = new TestUser(engine, { id: 'liaison-north', locale: lang });
    const leave = async () => officer.say('menu');
    const notice = async (keyName: string, title: string) => text(lang, keyName, { what: await text(lang, title) });

    await officer.press('dialog:recordEvaluation');
    await leave();
    expect(officer.transcript()).toContain(await notice('liaison:leftNotRecorded', 'menu:recordEvaluation'));

    await officer.press('dialog:planMeeting');
    await officer.say('15/03/2027');
    await officer.say('Town hall');
    await officer.click('plan');
    await officer.press('dialog:cancelMeeting');
    await leave();
    expect(officer.transcript()).toContain(await notice('liaison:meetings.leftNotCancelled', 'menu:cancelMeeting'));
    expect(store.data.platformMeetings).toHaveLength(1);

    await officer.press('dialog:logContact');
    await officer.click('school:oak-primary');
    await officer.click('visit');
    await officer.click('date:today');
    await officer.click('tags:done');
    await officer.press(`contact:delete:${store.data.contacts[0]!.id}`);
    await leave();
    expect(officer.transcript()).toContain(await notice('liaison:leftNotDeleted', 'liaison:deleteTitle'));
    expect(store.data.contacts).toHaveLength(1);
  });

  it('call-back requests: reassign to a colleague, who is notified', async () => {
    const h = await harness();
    const colleague = new TestUser(h.engine, { id: 'liaison-south', locale: 'en' });
    await colleague.say('menu'); // reachable
    const request = h.callbacks.create({ schoolId: 'oak-primary', urgency: 'today', way: 'chat', window: 'anytime', requesterName: 'Ana Teacher' }, { key: 'test:t9', language: 'en' });
    const officer = new TestUser(h.engine, { id: 'liaison-north', locale: lang });
    await officer.press('dialog:callbackList');
    expect(officer.lastChoices().map((c) => c.value)).toContain(`callback:reassign:${request.id}`);
    await officer.press(`callback:reassign:${request.id}`);
    expect(officer.lastChoices().map((c) => c.value)).toEqual(['to:liaison-south', 'to:prevention-coordinator']);
    await officer.click('to:liaison-south');
    expect(officer.transcript()).toContain(await text(lang, 'callback:reassigned', { name: 'Jonas Dubois' }));
    await h.engine.idle();
    expect(h.store.data.callbacks[0]!.assigneeId).toBe('liaison-south');
    expect(h.sent.find((s) => s.address.conversationId === 'conv-liaison-south')?.replies[0]).toMatchObject({ kind: 'choices' });
  });

  it('call-back requests: with every colleague on a button, a colleague\'s name typed is still an answer, not a message to refuse', async () => {
    const h = await harness();
    const request = h.callbacks.create({ schoolId: 'oak-primary', urgency: 'today', way: 'chat', window: 'anytime', requesterName: 'Ana Teacher' }, { key: 'test:t9', language: 'en' });
    const officer = new TestUser(h.engine, { id: 'liaison-north', locale: lang });
    await officer.press(`callback:reassign:${request.id}`);
    expect(officer.transcript()).toContain(await text(lang, 'callback:reassignPrompt'));
    await officer.say('Jonas');
    expect(officer.transcript()).not.toContain(await text(lang, 'personalData:notKept'));
    expect(officer.lastChoices().map((c) => c.value)).toEqual(['to:liaison-south']);
    await officer.say('Jonas Dubois');
    expect(officer.transcript()).toContain(await text(lang, 'callback:reassigned', { name: 'Jonas Dubois' }));
    expect(h.store.data.callbacks[0]!.assigneeId).toBe('liaison-south');
  });

  it('contacts: the delete confirmation names the contact, in the officer\'s language', async () => {
    const h = await harness();
    const officer = new TestUser(h.engine, { id: 'liaison-north', locale: lang });
    await officer.press('dialog:logContact');
    await officer.click('school:oak-primary');
    await officer.click('visit');
    await officer.click('date:today');
    await officer.click('tags:done');
    const contact = h.store.data.contacts[0]!;
    await officer.press(`contact:delete:${contact.id}`);
    expect(officer.transcript()).not.toContain(await text(lang, 'liaison:confirmDelete'));
    expect(officer.transcript()).toContain(
      await text(lang, 'liaison:confirmDeleteNamed', { school: h.directory.school('oak-primary')!.name, kind: await text(lang, 'liaison:kind.visit'), date: formatDate(contact.date, lang) }),
    );
    // Asked in one language, shown in another after a switch: the parts follow.
    const other = lang === 'en' ? 'nl' : 'en';
    await officer.press(`language:${other}`);
    expect(officer.transcript()).toContain(await text(other, 'liaison:kind.visit'));
    // A question stored before it named the contact (its key without parameters) is shown as it was.
    const frame = h.store.data.dialogs['test:conv-liaison-north']!.stack.at(-1)!;
    frame.prompt!.text = { key: 'liaison:confirmDelete' };
    await officer.say('help');
    expect(officer.transcript()).toContain(await text(other, 'liaison:confirmDelete'));
  });
});
