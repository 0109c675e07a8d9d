import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { emptyDb, type TrainingResponse } from '../../src/store/schema.js';

const run = promisify(execFile);
const YEAR = '2026-2027';

let n = 0;
const answer = (schoolId: string | null, competences: TrainingResponse['competences'], format: TrainingResponse['format']): TrainingResponse => ({
  id: `r${++n}`, schoolYear: YEAR, schoolId, role: 'teacher', competences, format, month: '2026-09',
});

async function storeWith(responses: TrainingResponse[]): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'training-report-')), 'db.json');
  const db = emptyDb();
  db.trainingResponses = responses;
  await writeFile(file, JSON.stringify(db));
  return file;
}

async function report(file: string, format: 'csv' | 'json' | 'text'): Promise<string> {
  const { stdout } = await run(process.execPath, ['dist/src/reports/cli.js', 'training', '--format', format, '--year', YEAR], { env: { PATH: process.env.PATH, STORE_FILE: file } });
  return stdout;
}

/** School A: five answers, all "critical thinking" with colleagues; school B: one answer. */
const fiveAndOne = () => [
  ...Array.from({ length: 5 }, () => answer('oak-primary', ['criticalThinking'], 'schoolTeam')),
  answer('harbour-secondary', ['religionIdentity', 'workingWithParents'], 'online'),
];

describe('npm run report -- training: a group under five is never shown, not even by subtraction', () => {
  it('JSON, one answer at one school: no counts at all, for the school or overall', async () => {
    const file = await storeWith([answer('oak-primary', ['religionIdentity'], 'online')]);
    const json = JSON.parse(await report(file, 'json'));
    expect(json).toEqual({
      schoolYear: YEAR,
      minGroup: 5,
      overall: { shown: false, reason: 'smallGroup' },
      schools: [{ schoolId: 'oak-primary', schoolName: 'Basisschool De Eik', shown: false, reason: 'smallGroup' }],
      roles: [],
      topNeeds: [],
    });
  });

  it('JSON, five answers at A and one at B: A is shown, B and the overall figures are not', async () => {
    const json = JSON.parse(await report(await storeWith(fiveAndOne()), 'json'));
    expect(json.overall).toEqual({ shown: false, reason: 'revealsSmallGroup' });
    expect(json.topNeeds).toEqual([]);
    expect(json.schools).toEqual([
      { schoolId: 'harbour-secondary', schoolName: 'Atheneum Havenkwartier', shown: false, reason: 'smallGroup' },
      expect.objectContaining({ schoolId: 'oak-primary', shown: true, responses: 5, formats: { schoolTeam: 5, online: 0, platformMeeting: 0, other: 0 } }),
    ]);
  });

  it('CSV, five answers at A and one at B: no overall counts, so overall minus A cannot give B', async () => {
    const rows = (await report(await storeWith(fiveAndOne()), 'csv')).trim().split('\n');
    expect(rows[0]).toBe('scope,school,responses,dimension,item,count,label');
    expect(rows.filter((r) => r.startsWith('overall'))).toEqual(['overall,,withheld,,,,']);
    expect(rows.filter((r) => r.startsWith('harbour-secondary'))).toEqual(['harbour-secondary,Atheneum Havenkwartier,<5,,,,']);
    expect(rows).toContain('oak-primary,Basisschool De Eik,5,competence,criticalThinking,5,Critical thinking and media literacy');
    expect(rows).not.toContain('oak-primary,Basisschool De Eik,5,competence,religionIdentity,1,Religion and identity at school');
    // Nothing anywhere says one person asked for religion and identity, or for online training.
    expect(rows.some((r) => /,(religionIdentity|workingWithParents|online),1,/.test(r))).toBe(false);
    expect(rows).toHaveLength(1 + 1 + 14 + 1);
  });

  it('CSV: hidden schools that together hold five answers or more leave the overall counts shown', async () => {
    const rows = (await report(await storeWith([...fiveAndOne(), ...Array.from({ length: 4 }, () => answer(null, ['onlineRadicalisation'], 'other'))]), 'csv')).trim().split('\n');
    expect(rows).toContain('overall,,10,competence,criticalThinking,5,Critical thinking and media literacy');
    expect(rows).toContain('overall,,10,format,online,1,Online');
    expect(rows).toContain('not-listed,,<5,,,,');
  });

  it('text: says the overall figures are withheld, and why', async () => {
    const text = await report(await storeWith(fiveAndOne()), 'text');
    expect(text).toContain('Basisschool De Eik: 5 answers');
    expect(text).toContain('Atheneum Havenkwartier: fewer than 5 answers');
    expect(text).not.toMatch(/\b6\b/);
    expect(text).toMatch(/overall.*withheld/i);
  });
});

/** Ten answers (De Eik five, the Atheneum three, not listed two, so the overall figures are shown), with comments. */
const withComments = (comments: readonly string[]) => {
  const list = [
    ...Array.from({ length: 5 }, () => answer('oak-primary', ['criticalThinking'], 'schoolTeam')),
    ...Array.from({ length: 3 }, () => answer('harbour-secondary', ['religionIdentity'], 'online')),
    ...Array.from({ length: 2 }, () => answer(null, ['workingWithParents'], 'other')),
  ];
  comments.forEach((comment, i) => (list[i]!.comment = comment));
  return list;
};

describe('npm run report -- training: the teachers\' comments, with the overall figures only', () => {
  const COMMENTS = ['More on online groups, please', 'a whole-team session in spring', 'Zoom is fine', 'Brochures for parents'];
  const ALPHABETICAL = ['a whole-team session in spring', 'Brochures for parents', 'More on online groups, please', 'Zoom is fine'];

  it('JSON: a `comments` array in the overall figures, alphabetical, and none beside any school', async () => {
    const json = JSON.parse(await report(await storeWith(withComments(COMMENTS)), 'json'));
    expect(json.overall).toMatchObject({ shown: true, responses: 10, comments: ALPHABETICAL });
    expect(Object.keys(json.overall).sort()).toEqual(['comments', 'competences', 'formats', 'responses', 'shown']);
    for (const school of json.schools) expect(school).not.toHaveProperty('comments');
  });

  it('JSON: overall figures withheld, so no comments either, not even an empty array', async () => {
    const answers = fiveAndOne().map((a, i) => ({ ...a, comment: `comment number ${i}` }));
    const out = await report(await storeWith(answers), 'json');
    expect(JSON.parse(out).overall).toEqual({ shown: false, reason: 'revealsSmallGroup' });
    expect(out).not.toMatch(/comment/i);
    const single = await report(await storeWith([{ ...answer('oak-primary', ['religionIdentity'], 'online'), comment: 'only me' }]), 'json');
    expect(JSON.parse(single).overall).toEqual({ shown: false, reason: 'smallGroup' });
    expect(single).not.toMatch(/comment|only me/i);
  });

  it('CSV: one `comment` row per comment after the overall counts, the text in `item`, quoted where needed, formulas defused', async () => {
    const rows = (await report(await storeWith(withComments([...COMMENTS, 'Say "no", then, stop', '=HYPERLINK("https://example.org","click")', '-1+1'])), 'csv')).trim().split('\n');
    const comments = rows.filter((r) => r.startsWith('overall,,10,comment,'));
    expect(comments).toEqual([
      `overall,,10,comment,'-1+1,,`,
      `overall,,10,comment,"'=HYPERLINK(""https://example.org"",""click"")",,`,
      'overall,,10,comment,a whole-team session in spring,,',
      'overall,,10,comment,Brochures for parents,,',
      'overall,,10,comment,"More on online groups, please",,',
      'overall,,10,comment,"Say ""no"", then, stop",,',
      'overall,,10,comment,Zoom is fine,,',
    ]);
    // Under the overall figures, before the first school.
    const lastOverall = rows.findLastIndex((r) => r.startsWith('overall,'));
    expect(rows.findIndex((r) => r.startsWith('overall,,10,comment,'))).toBe(lastOverall - comments.length + 1);
    expect(rows.slice(lastOverall + 1).every((r) => !r.startsWith('overall,') && !r.includes(',comment,'))).toBe(true);
    // overall, its comments, De Eik, two hidden schools, and the one role (all teachers): the totals again
    expect(rows).toHaveLength(1 + 14 + 7 + 14 + 1 + 1 + 14);
    expect(rows.at(-14)).toBe('role:teacher,,10,competence,radicalisationProcesses,0,Radicalisation and current extremist groups');
  });

  it('CSV: overall figures withheld, so no comment rows and no comment text', async () => {
    const out = await report(await storeWith(fiveAndOne().map((a) => ({ ...a, comment: 'please no lectures' }))), 'csv');
    expect(out).not.toMatch(/comment|lectures/);
    expect(out.trim().split('\n')).toHaveLength(1 + 1 + 14 + 1);
  });

  it('text: a section with every comment, one per line, even when the chat would show only the first twenty', async () => {
    const many = Array.from({ length: 25 }, (_, i) => `wish ${String(i + 1).padStart(2, '0')}`);
    const answers = [...many, 'two\nlines'].map((comment) => ({ ...answer('oak-primary', ['criticalThinking'], 'online'), comment }));
    const text = await report(await storeWith(answers), 'text');
    const lines = text.split('\n');
    const heading = lines.indexOf('Comments (26, in alphabetical order, without school):');
    expect(heading).toBeGreaterThan(lines.findIndex((l) => l.startsWith('Basisschool De Eik')));
    expect(lines.slice(heading + 1, heading + 27)).toEqual(['- two lines', ...many.map((w) => `- ${w}`)]);
  });

  it('text: overall shown without comments says so; withheld says nothing about comments', async () => {
    expect(await report(await storeWith(withComments([])), 'text')).toContain('Comments: none');
    const withheld = await report(await storeWith(fiveAndOne().map((a) => ({ ...a, comment: 'please no lectures' }))), 'text');
    expect(withheld).not.toMatch(/comment|lectures/i);
    expect(withheld).toBe(await report(await storeWith(fiveAndOne()), 'text'));
  });
});
