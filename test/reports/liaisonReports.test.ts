import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { emptyDb, type ContactLog } from '../../src/store/schema.js';

const run = promisify(execFile);

const contact = (id: string, authorId: string, schoolId: string, date: string, kind: ContactLog['kind'] = 'visit', tags: ContactLog['tags'] = []): ContactLog => ({
  id, authorId, schoolId, kind, date, tags, createdAt: `${date}T09:00:00.000Z`,
});

/** A store seeded with contacts at known dates, as the report reads it. */
async function seededStore(): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'report-')), 'db.json');
  const db = emptyDb();
  db.contacts = [
    contact('1', 'liaison-north', 'oak-primary', '2026-11-14', 'visit', ['training', 'protocol']),
    contact('2', 'liaison-north', 'harbour-secondary', '2026-10-24', 'call'),
    contact('3', 'liaison-north', 'harbour-secondary', '2026-09-01', 'meeting'),
    contact('4', 'liaison-south', 'canal-secondary', '2026-10-30', 'email'),
    contact('5', 'liaison-south', 'meadow-primary', '2026-10-30', 'platformMeeting'),
    contact('6', 'liaison-south', 'st-lucas-technical', '2026-11-20', 'visit', ['incident']),
  ];
  await writeFile(file, JSON.stringify(db));
  return file;
}

async function report(storeFile: string, ...args: string[]) {
  const { stdout } = await run(process.execPath, ['dist/src/reports/cli.js', ...args], { env: { PATH: process.env.PATH, STORE_FILE: storeFile } });
  return stdout;
}

describe('npm run report', () => {
  it('schools: exactly the expected overdue schools, most overdue first (fixed date)', async () => {
    const file = await seededStore();
    const before = await readFile(file, 'utf8');
    const csv = await report(file, 'schools', '--format', 'csv', '--today', '2026-11-24');
    expect(csv.trim().split('\n')).toEqual([
      'liaison,school_id,school,last_contact,days_since,interval_days,overdue,overdue_by_days',
      'Sanne Peeters,willow-primary,École fondamentale Les Saules,,,30,yes,',
      'Sanne Peeters,harbour-secondary,Atheneum Havenkwartier,2026-10-24,31,21,yes,10',
      'Jonas Dubois,canal-secondary,Athénée du Canal,2026-10-30,25,30,no,-5',
      // Equally far within their interval: alphabetical.
      'Jonas Dubois,meadow-primary,Basisschool De Beemd,2026-10-30,25,45,no,-20',
      'Sanne Peeters,oak-primary,Basisschool De Eik,2026-11-14,10,30,no,-20',
      'Jonas Dubois,st-lucas-technical,Sint-Lucas Technisch Instituut,2026-11-20,4,30,no,-26',
    ]);
    expect(await readFile(file, 'utf8')).toBe(before); // a report never writes the store
  });

  it('contacts: the whole log as CSV and as JSON', async () => {
    const file = await seededStore();
    const csv = (await report(file, 'contacts', '--format', 'csv')).trim().split('\n');
    expect(csv[0]).toBe('date,school_id,school,kind,tags,author_id,author,logged_at');
    expect(csv).toHaveLength(7);
    expect(csv[1]).toBe('2026-09-01,harbour-secondary,Atheneum Havenkwartier,meeting,,liaison-north,Sanne Peeters,2026-09-01T09:00:00.000Z');
    expect(csv).toContain('2026-11-14,oak-primary,Basisschool De Eik,visit,training;protocol,liaison-north,Sanne Peeters,2026-11-14T09:00:00.000Z');
    const json = JSON.parse(await report(file, 'contacts', '--format', 'json')) as { school_id: string }[];
    expect(json.map((r) => r.school_id)).toEqual(['harbour-secondary', 'harbour-secondary', 'canal-secondary', 'meadow-primary', 'oak-primary', 'st-lucas-technical']);
  });

  it('explains its usage on a wrong report name', async () => {
    const file = await seededStore();
    await expect(report(file, 'nonsense')).rejects.toMatchObject({ stderr: expect.stringContaining('Usage: npm run report') });
  });
});
