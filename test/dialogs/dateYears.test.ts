import { describe, expect, it } from '@jest/globals';
import { formatDate } from '../../src/core/dates.js';
import type { Language } from '../../src/i18n/languages.js';
import { engineHarness, TestUser, text } from '../helpers/fixtures.js';

/**
 * A day and month typed without a year take the year the question means: a contact or an
 * evaluation that happened takes the most recent such day not in the future; a meeting or an
 * evaluation to plan takes the next such day not in the past.
 */
const at = (iso: string) => () => new Date(iso);

/** The same day and month as each language writes it, in figures and in words. */
const TYPED: Record<Language, { dec22: string[]; feb15: string[]; mar15: string[]; oct1: string[] }> = {
  en: { dec22: ['22/12', '22 December'], feb15: ['15/02', '15 February'], mar15: ['15/03', '15 March'], oct1: ['1/10', '1 October'] },
  nl: { dec22: ['22-12', '22 december'], feb15: ['15-02', '15 februari'], mar15: ['15-03', '15 maart'], oct1: ['1-10', '1 oktober'] },
  fr: { dec22: ['22/12', '22 décembre'], feb15: ['15/02', '15 février'], mar15: ['15/03', '15 mars'], oct1: ['1/10', '1 octobre'] },
  de: { dec22: ['22.12.', '22. Dezember'], feb15: ['15.02.', '15. Februar'], mar15: ['15.03.', '15. März'], oct1: ['1.10.', '1. Oktober'] },
};

async function logContact(clock: () => Date, lang: Language, typed: string) {
  const h = await engineHarness({ clock });
  const officer = new TestUser(h.engine, { id: 'liaison-north', locale: lang });
  await officer.press('dialog:logContact');
  await officer.click('school:oak-primary');
  await officer.click('call');
  await officer.say(typed);
  return { ...h, officer };
}

async function planMeeting(clock: () => Date, lang: Language, typed: string) {
  const h = await engineHarness({ clock });
  const officer = new TestUser(h.engine, { id: 'liaison-north', locale: lang });
  await officer.press('dialog:planMeeting');
  await officer.say(typed);
  return { ...h, officer };
}

describe.each(['en', 'nl', 'fr', 'de'] as const)('dates without a year (%s)', (lang) => {
  it.each([...TYPED[lang].dec22])('a contact logged on 5 January 2027 as "%s" happened last December', async (typed) => {
    const { officer, store } = await logContact(at('2027-01-05T10:00:00Z'), lang, typed);
    expect(officer.transcript()).not.toContain(await text(lang, 'liaison:dateInFuture'));
    await officer.click('tags:done');
    expect(store.data.contacts).toEqual([expect.objectContaining({ date: '2026-12-22' })]);
  });

  it.each([...TYPED[lang].feb15])('a contact logged on 24 November 2026 as "%s" happened this February', async (typed) => {
    const { officer, store } = await logContact(at('2026-11-24T10:00:00Z'), lang, typed);
    expect(officer.transcript()).not.toContain(await text(lang, 'liaison:dateInFuture'));
    await officer.click('tags:done');
    expect(store.data.contacts).toEqual([expect.objectContaining({ date: '2026-02-15' })]);
  });

  it.each([...TYPED[lang].mar15, ...TYPED[lang].oct1])('a meeting planned on 24 November 2026 for "%s" is in the coming year', async (typed) => {
    const { officer, store } = await planMeeting(at('2026-11-24T10:00:00Z'), lang, typed);
    expect(officer.transcript()).not.toContain(await text(lang, 'liaison:dateInPast'));
    await officer.say('Town hall');
    await officer.click('plan');
    const expected = TYPED[lang].mar15.includes(typed) ? '2027-03-15' : '2027-10-01';
    expect(store.data.platformMeetings).toEqual([expect.objectContaining({ date: expected, place: 'Town hall' })]);
  });

  it('an evaluation held last December, typed on 5 January; the next one typed without a year is in the coming year', async () => {
    const { engine, store } = await engineHarness({ clock: at('2027-01-05T10:00:00Z') });
    const coordinator = new TestUser(engine, { id: 'prevention-coordinator', locale: lang });
    await coordinator.press('dialog:recordEvaluation');
    await coordinator.say(TYPED[lang].dec22[0]!);
    expect(coordinator.transcript()).not.toContain(await text(lang, 'liaison:dateInFuture'));
    await coordinator.click('minorChanges');
    // A typed next date before today's day and month is next year's.
    await coordinator.say(TYPED[lang].oct1[0]!);
    expect(coordinator.transcript()).not.toContain(await text(lang, 'liaison:dateInPast'));
    expect(store.data.protocolEvaluations).toEqual([expect.objectContaining({ date: '2026-12-22', nextDate: '2027-10-01' })]);
  });
});

describe('the default next evaluation is never in the past', () => {
  it('an evaluation held on 15 June, recorded on 24 November: the default is the first three-month mark from today on (15 December)', async () => {
    const { engine, store } = await engineHarness({ clock: at('2026-11-24T10:00:00Z') });
    const coordinator = new TestUser(engine, { id: 'prevention-coordinator', locale: 'en' });
    await coordinator.press('dialog:recordEvaluation');
    await coordinator.say('15/06');
    await coordinator.click('minorChanges');
    expect(coordinator.transcript()).toContain(await text('en', 'liaison:evaluation.nextDefault', { date: formatDate('2026-12-15', 'en') }));
    expect(coordinator.transcript()).not.toContain(formatDate('2026-09-15', 'en'));
    await coordinator.click('next:default');
    expect(store.data.protocolEvaluations).toEqual([expect.objectContaining({ date: '2026-06-15', nextDate: '2026-12-15' })]);
  });

  it('a default that passed while the question waited is refused and a new one offered', async () => {
    let now = new Date('2026-11-23T10:00:00Z');
    const { engine, store } = await engineHarness({ clock: () => now });
    const coordinator = new TestUser(engine, { id: 'prevention-coordinator', locale: 'en' });
    await coordinator.press('dialog:recordEvaluation');
    await coordinator.say('23/08/2026');
    await coordinator.click('minorChanges');
    // Three months after 23 August is today, 23 November: not in the past, so offered.
    expect(coordinator.transcript()).toContain(await text('en', 'liaison:evaluation.nextDefault', { date: formatDate('2026-11-23', 'en') }));
    now = new Date('2026-11-24T10:00:00Z');
    await coordinator.click('next:default');
    expect(coordinator.transcript()).toContain(await text('en', 'liaison:dateInPast'));
    expect(coordinator.transcript()).toContain(await text('en', 'liaison:evaluation.nextDefault', { date: formatDate('2027-02-23', 'en') }));
    expect(store.data.protocolEvaluations).toEqual([]);
    await coordinator.click('next:default');
    expect(store.data.protocolEvaluations).toEqual([expect.objectContaining({ date: '2026-08-23', nextDate: '2027-02-23' })]);
  });
});

/** A month name before the day, and a weekday on its own, as each language may type them. */
const MONTH_FIRST: Record<Language, string> = { en: 'March 15', nl: 'maart 15', fr: 'mars 15', de: 'März 15' };
const MONTH_ONLY: Record<Language, string> = { en: 'March 2015', nl: 'maart 2015', fr: 'mars 2015', de: 'März 2015' };
const WEEKDAY: Record<Language, { friday: string; monday: string; lastFriday: string; nextFriday: string }> = {
  en: { friday: 'Friday', monday: 'Monday', lastFriday: 'last Friday', nextFriday: 'next Friday' },
  nl: { friday: 'vrijdag', monday: 'maandag', lastFriday: 'vorige vrijdag', nextFriday: 'volgende vrijdag' },
  fr: { friday: 'vendredi', monday: 'lundi', lastFriday: 'vendredi dernier', nextFriday: 'vendredi prochain' },
  de: { friday: 'Freitag', monday: 'Montag', lastFriday: 'letzten Freitag', nextFriday: 'nächsten Freitag' },
};
/** 24 November 2026, a Tuesday, mid-morning in Brussels. */
const TUESDAY = at('2026-11-24T10:00:00Z');

describe.each(['en', 'nl', 'fr', 'de'] as const)('a month name before the day, and a weekday on its own (%s)', (lang) => {
  it(`a contact logged as "${MONTH_FIRST[lang]}" happened on 15 March this year`, async () => {
    const { officer, store } = await logContact(TUESDAY, lang, MONTH_FIRST[lang]);
    expect(officer.transcript()).not.toContain(await text(lang, 'liaison:dateTooOld'));
    expect(officer.transcript()).not.toContain(await text(lang, 'liaison:dateNotUnderstood'));
    await officer.click('tags:done');
    expect(store.data.contacts).toEqual([expect.objectContaining({ date: '2026-03-15' })]);
  });

  it(`a meeting planned for "${MONTH_FIRST[lang]}" is on 15 March next year`, async () => {
    const { officer, store } = await planMeeting(TUESDAY, lang, MONTH_FIRST[lang]);
    expect(officer.transcript()).not.toContain(await text(lang, 'liaison:dateInPast'));
    await officer.say('Town hall');
    await officer.click('plan');
    expect(store.data.platformMeetings).toEqual([expect.objectContaining({ date: '2027-03-15' })]);
  });

  it(`"${MONTH_ONLY[lang]}" is a month, not a day: the officer is asked again`, async () => {
    const { officer, store } = await logContact(TUESDAY, lang, MONTH_ONLY[lang]);
    // Told it is a month where the parser sees one (English, Dutch); not understood otherwise.
    const told = officer.transcript();
    const reasons = [await text(lang, 'liaison:dateNoDay'), await text(lang, 'liaison:dateNotUnderstood')];
    expect(reasons.some((r) => told.includes(r))).toBe(true);
    if (lang === 'en' || lang === 'nl') expect(told).toContain(reasons[0]);
    expect(store.data.contacts).toEqual([]);
  });

  it(`a contact logged on a Tuesday as "${WEEKDAY[lang].friday}" happened last Friday`, async () => {
    const { officer, store } = await logContact(TUESDAY, lang, WEEKDAY[lang].friday);
    expect(officer.transcript()).not.toContain(await text(lang, 'liaison:dateInFuture'));
    await officer.click('tags:done');
    expect(store.data.contacts).toEqual([expect.objectContaining({ date: '2026-11-20' })]);
  });

  it(`a meeting planned on a Tuesday for "${WEEKDAY[lang].monday}" is next Monday`, async () => {
    const { officer, store } = await planMeeting(TUESDAY, lang, WEEKDAY[lang].monday);
    expect(officer.transcript()).not.toContain(await text(lang, 'liaison:dateInPast'));
    await officer.say('Town hall');
    await officer.click('plan');
    expect(store.data.platformMeetings).toEqual([expect.objectContaining({ date: '2026-11-30' })]);
  });

  it(`"${WEEKDAY[lang].lastFriday}" and "${WEEKDAY[lang].nextFriday}" keep their meaning`, async () => {
    const logged = await logContact(TUESDAY, lang, WEEKDAY[lang].lastFriday);
    await logged.officer.click('tags:done');
    expect(logged.store.data.contacts).toEqual([expect.objectContaining({ date: '2026-11-20' })]);
    const refused = await logContact(TUESDAY, lang, WEEKDAY[lang].nextFriday);
    expect(refused.officer.transcript()).toContain(await text(lang, 'liaison:dateInFuture'));
    expect(refused.store.data.contacts).toEqual([]);
    const planned = await planMeeting(TUESDAY, lang, WEEKDAY[lang].nextFriday);
    await planned.officer.say('Town hall');
    await planned.officer.click('plan');
    expect(planned.store.data.platformMeetings).toEqual([expect.objectContaining({ date: '2026-12-04' })]);
  });

  it('a weekday with a date: the date when it falls on that weekday, else the user is told which weekday the date is', async () => {
    const typed: Record<Language, { right: string; wrong: string; lastWeek: string }> = {
      en: { right: 'Monday 16/11', wrong: 'Friday 16/11', lastWeek: 'Monday last week' },
      nl: { right: 'maandag 16-11', wrong: 'vrijdag 16-11', lastWeek: 'vorige week maandag' },
      fr: { right: 'lun. 16/11', wrong: 'ven. 16/11', lastWeek: 'lundi de la semaine dernière' },
      de: { right: 'Mo 16.11.', wrong: 'Fr 16.11.', lastWeek: 'Montag letzte Woche' },
    };
    for (const answer of [typed[lang].right, typed[lang].lastWeek]) {
      const logged = await logContact(TUESDAY, lang, answer);
      await logged.officer.click('tags:done');
      expect(logged.store.data.contacts).toEqual([expect.objectContaining({ date: '2026-11-16' })]);
    }
    const wrong = await logContact(TUESDAY, lang, typed[lang].wrong);
    const weekdayName = (d: string) => new Intl.DateTimeFormat({ en: 'en-GB', nl: 'nl-BE', fr: 'fr-BE', de: 'de-DE' }[lang], { timeZone: 'UTC', weekday: 'long' }).format(new Date(`${d}T00:00:00Z`));
    expect(wrong.officer.transcript()).toContain(
      await text(lang, 'liaison:dateWeekdayMismatch', { date: formatDate('2026-11-16', lang), weekday: weekdayName('2026-11-16'), typed: weekdayName('2026-11-20') }),
    );
    expect(wrong.store.data.contacts).toEqual([]);
    const planned = await planMeeting(TUESDAY, lang, { en: 'Wed 17/2', nl: 'wo 17/2', fr: 'mer. 17/2', de: 'Mi 17.2.' }[lang]);
    await planned.officer.say('Town hall');
    await planned.officer.click('plan');
    expect(planned.store.data.platformMeetings).toEqual([expect.objectContaining({ date: '2027-02-17' })]);
  });
});
