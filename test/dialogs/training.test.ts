import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { SUPPORTED_LANGUAGES, type Language } from '../../src/i18n/languages.js';
import type { TrainingResponse } from '../../src/store/schema.js';
import { engineHarness, TestUser, text, translations } from '../helpers/fixtures.js';

const NOW = new Date('2026-11-24T10:00:00Z');

async function answerAll(teacher: TestUser, comment: string | null) {
  await teacher.press('dialog:trainingNeeds');
  // Asked where the teacher works (not "which school is this about", the worried teacher's question).
  expect(teacher.transcript()).toContain(await text((teacher.options.locale ?? 'en') as Language, 'training:schoolPrompt'));
  await teacher.click('school:harbour-secondary');
  await teacher.click('teacher');
  await teacher.click('onlineRadicalisation');
  await teacher.click('polarisedSubjects');
  await teacher.click('competences:done');
  await teacher.click('schoolTeam');
  if (comment === null) await teacher.click('skip');
  else await teacher.say(comment);
}

describe.each(SUPPORTED_LANGUAGES)('training needs (%s)', (lang: Language) => {
  it('school, role, several competences, format, comment, summary, then thanks with matching local offers; stored without identity', async () => {
    const { engine, store, directory } = await engineHarness({ clock: () => NOW });
    const teacher = new TestUser(engine, { id: 'teacher-77', locale: lang });
    await answerAll(teacher, 'Preferably on Wednesday afternoons');
    expect(teacher.transcript()).toContain(await text(lang, 'training:anonymous'));
    expect(teacher.transcript()).toContain(await text(lang, 'training:competence.onlineRadicalisation'));
    await teacher.click('send');
    expect(teacher.transcript()).toContain(await text(lang, 'training:thanks'));
    const online = directory.data.trainingOffers.find((o) => o.id === 'online-radicalisation-basics')!;
    const polarisation = directory.data.trainingOffers.find((o) => o.id === 'talking-about-polarisation')!;
    expect(teacher.transcript()).toContain(online.title[lang]);
    expect(teacher.transcript()).toContain(polarisation.title[lang]);
    expect(teacher.transcript()).not.toContain(directory.data.trainingOffers.find((o) => o.id === 'sharing-and-parents')!.title[lang]);
    // And whom to ask: the liaison officer of the school chosen (not remembered on the teacher's profile).
    const liaison = directory.liaisonFor('harbour-secondary')!;
    expect(teacher.transcript()).toContain(await text(lang, 'training:askWhom', { name: liaison.name, phone: liaison.phone, email: liaison.email }));

    // The stored record, dumped: answers only, no user, no channel, no date finer than the school year.
    const dump = JSON.parse(JSON.stringify(store.data.trainingResponses));
    expect(dump).toEqual([
      {
        id: expect.any(String),
        schoolYear: '2026-2027',
        schoolId: 'harbour-secondary',
        role: 'teacher',
        competences: ['onlineRadicalisation', 'polarisedSubjects'],
        format: 'schoolTeam',
        comment: 'Preferably on Wednesday afternoons',
        month: '2026-09',
      },
    ]);
    expect(JSON.stringify(dump)).not.toMatch(/teacher-77|test:/);
    expect(JSON.stringify(store.data.trainingSubmitters)).not.toContain('teacher-77');
  });

  it('the summary offers a correction of any one answer, each asked again with its own question, before anything is stored', async () => {
    const { engine, store } = await engineHarness({ clock: () => NOW });
    const teacher = new TestUser(engine, { id: 'teacher-78', locale: lang });
    await answerAll(teacher, null);
    expect(teacher.lastChoices().map((c) => c.value)).toEqual(['send', 'change', 'cancel']);
    await teacher.click('change');
    expect(teacher.lastChoices().map((c) => c.value)).toEqual(['school', 'role', 'competences', 'format', 'comment', 'nothing']);
    await teacher.click('role');
    await teacher.click('head');
    await teacher.click('change');
    await teacher.click('competences');
    await teacher.click('criticalThinking');
    await teacher.click('competences:done');
    expect(teacher.transcript()).toContain(await text(lang, 'training:competence.criticalThinking'));
    expect(teacher.transcript()).not.toContain(await text(lang, 'training:competence.onlineRadicalisation'));
    await teacher.click('change');
    await teacher.click('comment');
    await teacher.say('After the autumn break, please');
    await teacher.click('change');
    await teacher.click('school');
    await teacher.click('school:oak-primary');
    expect(store.data.trainingResponses).toEqual([]);
    await teacher.click('send');
    expect(store.data.trainingResponses).toEqual([
      expect.objectContaining({ schoolId: 'oak-primary', role: 'head', competences: ['criticalThinking'], format: 'schoolTeam', comment: 'After the autumn break, please' }),
    ]);
  });

  it('a correction given up ("keep as it is", or "cancel") keeps the earlier answers, the topics too', async () => {
    const { engine, store } = await engineHarness({ clock: () => NOW });
    const teacher = new TestUser(engine, { id: 'teacher-79', locale: lang });
    await answerAll(teacher, null);
    const summary = teacher.transcript();
    await teacher.click('change');
    await teacher.click('competences');
    await teacher.click('criticalThinking');
    await teacher.say((await translations()).translator(lang).list('commands:cancel')[0]!);
    expect(teacher.transcript()).toBe(`${await text(lang, 'common:correctionCancelled')}\n${summary}`);
    await teacher.click('change');
    await teacher.click('format');
    await teacher.click('keep');
    expect(teacher.transcript()).toBe(summary);
    await teacher.click('send');
    expect(store.data.trainingResponses).toEqual([expect.objectContaining({ role: 'teacher', competences: ['onlineRadicalisation', 'polarisedSubjects'], format: 'schoolTeam' })]);
  });

  it('a second answer in the same school year is refused politely; the next school year it is welcome', async () => {
    let now = NOW;
    const { engine, store } = await engineHarness({ clock: () => now });
    const teacher = new TestUser(engine, { id: 'teacher-78', locale: lang });
    await answerAll(teacher, null);
    await teacher.click('send');
    await teacher.press('dialog:trainingNeeds');
    expect(teacher.transcript()).toContain(await text(lang, 'training:alreadyAnswered'));
    expect(store.data.trainingResponses).toHaveLength(1);
    now = new Date('2027-09-02T10:00:00Z');
    await teacher.press('dialog:trainingNeeds');
    expect(teacher.transcript()).toContain(await text(lang, 'training:schoolPrompt'));
  });

  it('refuses a comment that identifies someone', async () => {
    const { engine, store } = await engineHarness({ clock: () => NOW });
    const teacher = new TestUser(engine, { id: 'teacher-79', locale: lang });
    await answerAll(teacher, 'My colleague Thomas needs it too');
    expect(teacher.transcript()).toContain(await text(lang, 'personalData:name'));
    expect(JSON.stringify(store.data)).not.toContain('Thomas');
  });
});

/**
 * 40 answers across four schools: 15, 12, 9 and 4 (the last too few to show); with `more`, two more
 * at a fifth school, so the hidden schools hold six answers together.
 */
async function seed40({ more = false } = {}) {
  const h = await engineHarness({ clock: () => NOW });
  const add = (n: number, schoolId: string, pick: (i: number) => Pick<TrainingResponse, 'competences' | 'format'>) => {
    for (let i = 0; i < n; i++) expect(h.training.submit(`test:${schoolId}-${i}`, { schoolId, role: 'teacher', ...pick(i) }).ok).toBe(true);
  };
  add(15, 'oak-primary', (i) => ({ competences: i < 10 ? ['criticalThinking', 'onlineRadicalisation'] : ['criticalThinking'], format: 'schoolTeam' }));
  add(12, 'harbour-secondary', (i) => ({ competences: i < 6 ? ['polarisedSubjects', 'geopoliticalTensions'] : ['polarisedSubjects'], format: i < 8 ? 'online' : 'platformMeeting' }));
  add(9, 'canal-secondary', () => ({ competences: ['informationSharing'], format: 'schoolTeam' }));
  add(4, 'meadow-primary', () => ({ competences: ['workingWithParents'], format: 'other' }));
  if (more) add(2, 'willow-primary', () => ({ competences: ['diversityClassroom'], format: 'online' }));
  return h;
}

async function csvReport(data: unknown): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'training-'));
  await writeFile(join(dir, 'db.json'), JSON.stringify(data));
  const { stdout } = await promisify(execFile)(process.execPath, ['dist/src/reports/cli.js', 'training', '--format', 'csv', '--year', '2026-2027'], {
    env: { PATH: process.env.PATH, STORE_FILE: join(dir, 'db.json') },
  });
  return stdout.trim().split('\n');
}

describe('training needs report', () => {
  it('with 42 answers across 5 schools, shows exactly the expected counts and hides the groups under five (chat)', async () => {
    const { engine } = await seed40({ more: true });
    const officer = new TestUser(engine, { id: 'prevention-coordinator', locale: 'en' });
    await officer.press('dialog:trainingReport');
    const charts = officer.last.filter((r) => r.kind === 'chart');
    const competences = Object.fromEntries(charts[0]!.kind === 'chart' ? charts[0]!.bars.map((b) => [b.label, b.display]) : []);
    expect(competences).toEqual({
      [await text('en', 'training:competence.criticalThinking')]: '15',
      [await text('en', 'training:competence.polarisedSubjects')]: '12',
      [await text('en', 'training:competence.onlineRadicalisation')]: '10',
      [await text('en', 'training:competence.informationSharing')]: '9',
      [await text('en', 'training:competence.geopoliticalTensions')]: '6',
      [await text('en', 'training:competence.workingWithParents')]: '4',
      [await text('en', 'training:competence.diversityClassroom')]: '2',
      [await text('en', 'training:competence.radicalisationProcesses')]: '0',
      [await text('en', 'training:competence.religionIdentity')]: '0',
      [await text('en', 'training:competence.whereToGetInfo')]: '0',
    });
    const formats = charts[1]!.kind === 'chart' ? charts[1]!.bars.map((b) => b.display) : [];
    expect(formats).toEqual(['24', '10', '4', '4']);
    const transcript = officer.transcript();
    expect(transcript).toContain(await text('en', 'training:report.title', { year: '2026-2027', responses: '42' }));
    expect(transcript).toContain(`Basisschool De Beemd: ${await text('en', 'training:report.fewerThan', { count: 5 })}`);
    expect(transcript).toContain(`École fondamentale Les Saules: ${await text('en', 'training:report.fewerThan', { count: 5 })}`);
    expect(transcript).toContain('Basisschool De Eik: 15 answers');
    expect(transcript).not.toMatch(/Basisschool De Beemd: 4/);
  });

  it('with one hidden school of 4 beside shown ones, the overall figures are withheld too (chat)', async () => {
    const { engine } = await seed40();
    const officer = new TestUser(engine, { id: 'prevention-coordinator', locale: 'en' });
    await officer.press('dialog:trainingReport');
    expect(officer.last.filter((r) => r.kind === 'chart')).toEqual([]);
    const transcript = officer.transcript();
    expect(transcript).toContain(await text('en', 'training:report.totalsWithheld', { count: 5 }));
    expect(transcript).not.toContain('40');
    expect(transcript).toContain('Basisschool De Eik: 15 answers');
  });

  it('the CSV has the same counts and the same suppression', async () => {
    const rows = await csvReport((await seed40({ more: true })).store.data);
    expect(rows[0]).toBe('scope,school,responses,dimension,item,count,label');
    expect(rows).toContain('overall,,42,competence,criticalThinking,15,Critical thinking and media literacy');
    expect(rows).toContain('overall,,42,format,schoolTeam,24,With colleagues of my school');
    expect(rows).toContain('oak-primary,Basisschool De Eik,15,competence,onlineRadicalisation,10,Online radicalisation');
    expect(rows).toContain('harbour-secondary,Atheneum Havenkwartier,12,format,online,8,Online');
    expect(rows).toContain('canal-secondary,Athénée du Canal,9,competence,informationSharing,9,Information sharing and privacy');
    expect(rows.filter((r) => r.startsWith('meadow-primary'))).toEqual(['meadow-primary,Basisschool De Beemd,<5,,,,']);
    expect(rows.filter((r) => r.startsWith('willow-primary'))).toEqual(['willow-primary,École fondamentale Les Saules,<5,,,,']);
    // 1 header + (10 competences + 4 formats) × (overall + 3 shown schools + the one role) + 2 suppressed rows
    expect(rows).toHaveLength(1 + 14 * 5 + 2);
    expect(rows).toContain('role:teacher,,42,competence,criticalThinking,15,Critical thinking and media literacy');
  });

  it('the CSV withholds the overall counts when the only hidden school has 4 answers (overall minus the rest would give them)', async () => {
    const rows = await csvReport((await seed40()).store.data);
    expect(rows.filter((r) => r.startsWith('overall'))).toEqual(['overall,,withheld,,,,']);
    expect(rows.filter((r) => r.startsWith('meadow-primary'))).toEqual(['meadow-primary,Basisschool De Beemd,<5,,,,']);
    expect(rows).toContain('oak-primary,Basisschool De Eik,15,competence,onlineRadicalisation,10,Online radicalisation');
    expect(rows).toHaveLength(1 + 1 + 14 * 3 + 1);
  });
});
