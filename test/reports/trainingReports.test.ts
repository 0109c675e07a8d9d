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
    expect(rows[0]).toBe('scope,school,responses,dimension,item,count');
    expect(rows.filter((r) => r.startsWith('overall'))).toEqual(['overall,,withheld,,,']);
    expect(rows.filter((r) => r.startsWith('harbour-secondary'))).toEqual(['harbour-secondary,Atheneum Havenkwartier,<5,,,']);
    expect(rows).toContain('oak-primary,Basisschool De Eik,5,competence,criticalThinking,5');
    expect(rows).not.toContain('oak-primary,Basisschool De Eik,5,competence,religionIdentity,1');
    // Nothing anywhere says one person asked for religion and identity, or for online training.
    expect(rows.some((r) => /,(religionIdentity|workingWithParents|online),1$/.test(r))).toBe(false);
    expect(rows).toHaveLength(1 + 1 + 14 + 1);
  });

  it('CSV: hidden schools that together hold five answers or more leave the overall counts shown', async () => {
    const rows = (await report(await storeWith([...fiveAndOne(), ...Array.from({ length: 4 }, () => answer(null, ['onlineRadicalisation'], 'other'))]), 'csv')).trim().split('\n');
    expect(rows).toContain('overall,,10,competence,criticalThinking,5');
    expect(rows).toContain('overall,,10,format,online,1');
    expect(rows).toContain('not-listed,,<5,,,');
  });

  it('text: says the overall figures are withheld, and why', async () => {
    const text = await report(await storeWith(fiveAndOne()), 'text');
    expect(text).toContain('Basisschool De Eik: 5 answers');
    expect(text).toContain('Atheneum Havenkwartier: fewer than 5 answers');
    expect(text).not.toMatch(/\b6\b/);
    expect(text).toMatch(/overall.*withheld/i);
  });
});
