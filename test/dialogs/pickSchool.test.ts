import { describe, expect, it } from '@jest/globals';
import { Danger } from '../../dialogs/concern.js';
import { SCHOOL_BUTTONS_MAX, SCHOOL_MATCHES_SHOWN } from '../../dialogs/pickSchool.js';
import { parseDirectory, type DirectoryView } from '../../src/directory/directory.js';
import { SUPPORTED_LANGUAGES } from '../../src/i18n/languages.js';
import { engineHarness, realDirectoryJson, TestUser, text } from '../helpers/fixtures.js';

const TOWNS = ['Berchem', 'Deurne', 'Hoboken', 'Merksem', 'Wilrijk'];

/**
 * The real directory with 250 more schools: "Basisschool 1 Berchem" … "Basisschool 50 Wilrijk" (50
 * per town), the extra ones split between the two liaison officers, and one "Sint-Lutgardis Zuid".
 */
async function regionDirectory(): Promise<DirectoryView> {
  const data = JSON.parse(await realDirectoryJson());
  const role = data.schools[0].careContact.role;
  let n = 0;
  for (const town of TOWNS) {
    for (let i = 1; i <= 50; i++) {
      data.schools.push({ id: `extra-${++n}`, name: `Basisschool ${i} ${town}`, liaisonId: n % 2 ? 'liaison-north' : 'liaison-south', careContact: { role } });
    }
  }
  data.schools.push({ id: 'lutgardis', name: 'Sint-Lutgardis Zuid', liaisonId: 'liaison-south', careContact: { role } });
  data.schools.push({ id: 'lycee', name: 'Lycée Français', liaisonId: 'liaison-south', careContact: { role } });
  return parseDirectory(JSON.stringify(data), 'test');
}

async function worriedTeacher(directory: DirectoryView, lang: (typeof SUPPORTED_LANGUAGES)[number] = 'en') {
  const harness = await engineHarness({ directory });
  const teacher = new TestUser(harness.engine, { locale: lang });
  await teacher.press('dialog:concern');
  await teacher.click(Danger.No);
  return { ...harness, teacher };
}

describe('choosing a school', () => {
  it('a small directory: every school is a button, and "not in the list"', async () => {
    const { teacher, directory } = await worriedTeacher((await engineHarness()).directory);
    expect(directory.data.schools.length).toBeLessThanOrEqual(SCHOOL_BUTTONS_MAX);
    expect(teacher.lastChoices().map((c) => c.value)).toEqual([...directory.data.schools.map((s) => `school:${s.id}`), 'school:not-listed']);
  });

  it.each(SUPPORTED_LANGUAGES)('a region of 257 schools (%s): typed search, matches as buttons, the choice remembered', async (lang) => {
    const directory = await regionDirectory();
    const { teacher, engine } = await worriedTeacher(directory, lang);
    // No list of 257 buttons: the question, how to search, and "not in the list".
    expect(teacher.transcript()).toContain(await text(lang, 'concern:schoolPrompt'));
    const question = await text(lang, 'common:schoolSearch.prompt', { question: await text(lang, 'concern:schoolPrompt') });
    expect(teacher.transcript()).toContain(question);
    expect(teacher.lastChoices().map((c) => c.value)).toEqual(['school:not-listed']);

    // A word of the name, in any case and without its accents or dashes.
    await teacher.say('  sint LUTGARDIS ');
    expect(teacher.transcript()).toContain(await text(lang, 'common:schoolSearch.matches', { count: 1 }));
    expect(teacher.lastChoices().map((c) => c.value)).toEqual(['school:lutgardis', 'school:not-listed']);
    await teacher.click('school:lutgardis');
    expect(teacher.transcript()).toContain(await text(lang, 'concern:worryPrompt'));

    // Next time the school from last time is a button of its own.
    const again = new TestUser(engine, { locale: lang });
    await again.press('dialog:concern');
    await again.click(Danger.No);
    expect(again.lastChoices().map((c) => c.value)).toEqual(['school:lutgardis', 'school:not-listed']);
  });

  it('many matches: the first ten, best first, with the count; typing more narrows them down', async () => {
    const directory = await regionDirectory();
    const { teacher } = await worriedTeacher(directory);
    await teacher.say('Basisschool');
    const total = directory.data.schools.filter((s) => s.name.startsWith('Basisschool')).length;
    expect(total).toBeGreaterThan(250);
    expect(teacher.transcript()).toContain(await text('en', 'common:schoolSearch.tooMany', { total, shown: SCHOOL_MATCHES_SHOWN }));
    expect(teacher.lastChoices()).toHaveLength(SCHOOL_MATCHES_SHOWN + 1);

    await teacher.say('basisschool 12');
    // "Basisschool 12 …" in every town, before "Basisschool 1 …" (whose words do not begin with "12").
    const labels = teacher.lastChoices().map((c) => c.label);
    expect(labels.slice(0, 5)).toEqual(TOWNS.map((t) => `Basisschool 12 ${t}`));
    expect(teacher.transcript()).toContain(await text('en', 'common:schoolSearch.matches', { count: 5 }));

    await teacher.say('12 merk');
    expect(teacher.lastChoices().map((c) => c.label)).toEqual(['Basisschool 12 Merksem', await text('en', 'concern:schoolNotListed')]);
  });

  it('the whole name of one school typed: chosen at once', async () => {
    const { teacher, store } = await worriedTeacher(await regionDirectory());
    await teacher.say('Atheneum Havenkwartier');
    expect(teacher.transcript()).toContain(await text('en', 'concern:worryPrompt'));
    expect(store.data.users['test:teacher-1']?.schoolId).toBe('harbour-secondary');
  });

  it('no match: said, and asked again with "not in the list"; that still leads to the general desk', async () => {
    const { teacher } = await worriedTeacher(await regionDirectory());
    await teacher.say('Zonnebloem');
    expect(teacher.transcript()).toContain(
      await text('en', 'common:schoolSearch.noneNotListed', { notListed: await text('en', 'concern:schoolNotListed') }),
    );
    expect(teacher.lastChoices().map((c) => c.value)).toEqual(['school:not-listed']);
    await teacher.click('school:not-listed');
    expect(teacher.transcript()).toContain(await text('en', 'concern:worryPrompt'));
  });

  it('what was typed to search is neither stored nor repeated', async () => {
    const { teacher, store } = await worriedTeacher(await regionDirectory());
    await teacher.say('Jan Peeters 3B');
    expect(teacher.transcript()).not.toContain('Peeters');
    await teacher.say('Berchem Jan Peeters');
    expect(teacher.transcript()).not.toContain('Peeters');
    const stored = JSON.stringify(store.data.dialogs['test:conv-teacher-1']);
    expect(stored).not.toMatch(/peeters/i);
    expect(stored).toContain('pickSchool');
  });

  it('a search answered by a language change is asked again in the new language', async () => {
    const { teacher } = await worriedTeacher(await regionDirectory());
    await teacher.say('deurne');
    await teacher.say('Nederlands');
    expect(teacher.transcript()).toContain(await text('nl', 'common:schoolSearch.tooMany', { total: 50, shown: SCHOOL_MATCHES_SHOWN }));
  });

  it('starting another dialog over the picker names the dialog that is dropped', async () => {
    const { teacher } = await worriedTeacher(await regionDirectory());
    await teacher.press('dialog:trainingNeeds');
    expect(teacher.transcript()).toContain(await text('en', 'concern:leftNothingKept', { what: await text('en', 'menu:concern') }));
  });

  it('an officer logging a contact: their own schools as buttons, no "not in the list", and search for the rest', async () => {
    const directory = await regionDirectory();
    const { engine } = await engineHarness({ directory });
    const officer = new TestUser(engine, { id: 'liaison-south', platformUserId: 'liaison-south', locale: 'en' });
    await officer.press('dialog:logContact');
    const own = directory.data.schools.filter((s) => s.liaisonId === 'liaison-south');
    expect(own.length).toBeGreaterThan(SCHOOL_BUTTONS_MAX);
    // Too many of their own to list: search alone, and no "not in the list" for officers.
    expect(officer.lastChoices()).toEqual([]);
    expect(officer.transcript()).toContain(await text('en', 'common:schoolSearch.prompt', { question: await text('en', 'liaison:schoolPrompt') }));
    await officer.say('nothing like it');
    expect(officer.transcript()).toContain(await text('en', 'common:schoolSearch.none'));
    await officer.say('havenkwartier');
    // One match, not the whole name: offered, not chosen.
    expect(officer.lastChoices().map((c) => c.value)).toEqual(['school:harbour-secondary']);
    await officer.click('school:harbour-secondary');
    expect(officer.transcript()).toContain(await text('en', 'liaison:kindPrompt'));
  });

  it('an officer with a few schools of their own in a large directory gets them as buttons', async () => {
    const data = JSON.parse(await realDirectoryJson());
    const role = data.schools[0].careContact.role;
    for (let i = 1; i <= 40; i++) data.schools.push({ id: `x-${i}`, name: `School ${i}`, liaisonId: 'liaison-south', careContact: { role } });
    const directory = parseDirectory(JSON.stringify(data), 'test');
    const { engine } = await engineHarness({ directory });
    const officer = new TestUser(engine, { id: 'liaison-north', platformUserId: 'liaison-north', locale: 'en' });
    await officer.press('dialog:logContact');
    const own = data.schools.filter((s: { liaisonId: string }) => s.liaisonId === 'liaison-north');
    expect(officer.lastChoices().map((c) => c.label)).toEqual(own.map((s: { name: string }) => s.name).sort((a: string, b: string) => a.localeCompare(b)));
  });

  it('identifying text typed into the search finds no school and is refused like any free text', async () => {
    const { teacher, store } = await worriedTeacher(await regionDirectory(), 'nl');
    await teacher.say('Ik maak me zorgen over Yusuf El Amrani uit 3B');
    expect(teacher.transcript()).toContain(await text('nl', 'personalData:name'));
    expect(teacher.transcript()).toContain(await text('nl', 'common:schoolSearch.prompt', { question: await text('nl', 'concern:schoolPrompt') }));
    expect(JSON.stringify(store.data)).not.toContain('Yusuf');
    // A school name that holds a first name is a search like any other.
    await teacher.say('Sint-Lutgardis');
    expect(teacher.lastChoices().map((c) => c.value)).toEqual(['school:lutgardis', 'school:not-listed']);
  });

  it('a language name that is part of a school name searches; elsewhere it still switches the language', async () => {
    const { teacher } = await worriedTeacher(await regionDirectory());
    await teacher.say('Français');
    expect(teacher.lastChoices().map((c) => c.value)).toEqual(['school:lycee', 'school:not-listed']);
    expect(teacher.transcript()).toContain(await text('en', 'common:schoolSearch.matches', { count: 1 }));
    await teacher.say('Nederlands');
    expect(teacher.transcript()).toContain(await text('nl', 'common:languageChanged'));
  });

  it('a number that is part of school names searches; one that is in none picks its button', async () => {
    const { teacher } = await worriedTeacher(await regionDirectory());
    await teacher.say('11');
    expect(teacher.lastChoices().map((c) => c.label).slice(0, 5)).toEqual(TOWNS.map((t) => `Basisschool 11 ${t}`));
    await teacher.say('2');
    // "2" is in school names too ("Basisschool 2 …"): searched.
    expect(teacher.lastChoices().map((c) => c.label)).toContain('Basisschool 2 Berchem');
    await teacher.say('99');
    expect(teacher.transcript()).not.toContain(await text('en', 'concern:worryPrompt'));
  });

  it('a number that finds no school never picks "not in the list" by its position: it is searched, and said to find nothing', async () => {
    // A region whose school names hold no digits: "1" finds none.
    const data = JSON.parse(await realDirectoryJson());
    const role = data.schools[0].careContact.role;
    for (const town of [...TOWNS, 'Ekeren', 'Borgerhout']) {
      for (const kind of ['Basisschool', 'Atheneum', 'Lyceum']) data.schools.push({ id: `${kind}-${town}`.toLowerCase(), name: `${kind} ${town}`, liaisonId: 'liaison-north', careContact: { role } });
    }
    const { teacher } = await worriedTeacher(parseDirectory(JSON.stringify(data), 'test'));
    // No school remembered: "not in the list" is the first and only button.
    expect(teacher.lastChoices().map((c) => c.value)).toEqual(['school:not-listed']);
    await teacher.say('1');
    expect(teacher.transcript()).not.toContain(await text('en', 'concern:generalTitle'));
    expect(teacher.transcript()).not.toContain(await text('en', 'concern:worryPrompt'));
    expect(teacher.lastChoices().map((c) => c.value)).toContain('school:not-listed');
    // Clicked, it is chosen as before.
    await teacher.click('school:not-listed');
    expect(teacher.transcript()).toContain(await text('en', 'concern:worryPrompt'));
  });

  it('starting the same dialog again while the picker waits drops nothing worth a notice; the picker cannot be started by a button', async () => {
    const { teacher } = await worriedTeacher(await regionDirectory());
    await teacher.press('dialog:concern');
    expect(teacher.transcript()).not.toContain(await text('en', 'common:leftUnfinishedUnnamed'));
    expect(teacher.transcript()).toContain(await text('en', 'concern:dangerPrompt'));
    await teacher.click(Danger.No);
    await teacher.press('dialog:pickSchool');
    expect(teacher.transcript()).not.toContain('undefined');
    // Taken for a button of an earlier message: no question is waiting for it.
    expect(teacher.transcript()).toContain(await text('en', 'common:staleButton'));
  });
});
