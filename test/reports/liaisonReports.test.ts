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
  db.audit = [
    { at: '2026-11-20T10:00:00.000Z', actor: 'liaison-north', action: 'callbacks.read', detail: '2' },
    { at: '2026-11-20T10:01:00.000Z', actor: 'liaison-north', action: 'callbacks.ack', detail: 'req-1' },
  ];
  await writeFile(file, JSON.stringify(db));
  return file;
}

async function report(storeFile: string, ...args: string[]) {
  const { stdout } = await run(process.execPath, ['dist/src/reports/cli.js', ...args], { env: { PATH: process.env.PATH, STORE_FILE: storeFile } });
  return stdout;
}

describe('npm run report', () => {
  it('schools as of a past day does not count contacts logged for later dates', async () => {
    const file = await seededStore();
    const csv = await report(file, 'schools', '--format', 'csv', '--today', '2026-11-01');
    const stLucas = csv.split('\n').find((line) => line.includes('st-lucas-technical'))!;
    expect(stLucas).not.toContain('2026-11-20');
    expect(csv).not.toMatch(/,-\d+,\d+,(yes|no),/); // no negative age
  });

  it('CSV cells a spreadsheet would run as a formula are escaped (a name from the directory)', async () => {
    const file = await seededStore();
    const directory = JSON.parse(await readFile('data/directory.json', 'utf8')) as { schools: { id: string; name: string }[] };
    directory.schools.find((s) => s.id === 'oak-primary')!.name = '=HYPERLINK("http://x.example","Oak")';
    const dirFile = join(file, '..', 'directory.json');
    await writeFile(dirFile, JSON.stringify(directory));
    const { stdout } = await run(process.execPath, ['dist/src/reports/cli.js', 'contacts', '--format', 'csv'], { env: { PATH: process.env.PATH, STORE_FILE: file, DIRECTORY_FILE: dirFile } });
    expect(stdout).not.toMatch(/,=HYPERLINK/);
    expect(stdout).toContain(`'=HYPERLINK`);
  });

  it('audit: who read or changed what, oldest first, by name and id, ids only in the detail', async () => {
    const file = await seededStore();
    const csv = await report(file, 'audit', '--format', 'csv');
    expect(csv.trim().split('\n')).toEqual([
      'at,actor_id,actor,action,detail',
      '2026-11-20T10:00:00.000Z,liaison-north,Sanne Peeters,callbacks.read,2',
      '2026-11-20T10:01:00.000Z,liaison-north,Sanne Peeters,callbacks.ack,req-1',
    ]);
    expect(await report(file, 'audit')).toContain('2026-11-20T10:01:00.000Z  Sanne Peeters  callbacks.ack  req-1');
  });

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
    // JSON carries JSON's types: null for a school never contacted, booleans for overdue.
    const json = JSON.parse(await report(file, 'schools', '--format', 'json', '--today', '2026-11-24')) as Record<string, unknown>[];
    expect(json[0]).toEqual({ liaison: 'Sanne Peeters', school_id: 'willow-primary', school: 'École fondamentale Les Saules', last_contact: null, days_since: null, interval_days: 30, overdue: true, overdue_by_days: null });
    expect(json[1]).toMatchObject({ last_contact: '2026-10-24', days_since: 31, overdue: true, overdue_by_days: 10 });
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

  it('an empty log says so in the text reports, instead of a blank line', async () => {
    const file = await seededStore();
    const db = JSON.parse(await readFile(file, 'utf8'));
    db.contacts = [];
    db.audit = [];
    await writeFile(file, JSON.stringify(db));
    expect(await report(file, 'contacts', '--format', 'text')).toBe('No contacts have been logged yet.\n');
    expect(await report(file, 'audit', '--format', 'text')).toBe('The audit log is empty.\n');
  });

  it('explains its usage on a wrong report name', async () => {
    const file = await seededStore();
    await expect(report(file, 'nonsense')).rejects.toMatchObject({ stderr: expect.stringContaining('Usage: npm run report') });
  });
});

describe('npm run report and npm run nudges refuse what would give a wrong answer', () => {
  const fails = async (script: string, args: string[], storeFile: string) => {
    try {
      await run(process.execPath, [script, ...args], { env: { PATH: process.env.PATH, STORE_FILE: storeFile, LOG_LEVEL: 'silent' } });
    } catch (err) {
      const { code, stdout, stderr } = err as { code: number; stdout: string; stderr: string };
      return { code, stdout, stderr };
    }
    throw new Error(`${script} ${args.join(' ')} succeeded`);
  };

  it('a STORE_FILE that names no store stops both commands, and none is created', async () => {
    const missing = join(await mkdtemp(join(tmpdir(), 'report-')), 'typo', 'db.json');
    for (const [script, args] of [
      ['dist/src/reports/cli.js', ['schools']],
      ['dist/src/nudges/cli.js', ['--once', '--dry-run']],
      ['dist/src/nudges/cli.js', ['--once']],
    ] as const) {
      const { code, stdout, stderr } = await fails(script, [...args], missing);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toContain(`No store at ${missing}`);
    }
    await expect(readFile(missing)).rejects.toThrow(/ENOENT/);
  });

  it('impossible dates and school years are refused, not read as something else', async () => {
    const file = await seededStore();
    for (const args of [
      ['schools', '--today', '2026-02-30'],
      ['schools', '--today', '2026-13-45'],
      ['training', '--year', '2027-2026'],
      ['training', '--year', '2026-2030'],
    ]) {
      const { code, stderr } = await fails('dist/src/reports/cli.js', args, file);
      expect(code).toBe(1);
      expect(stderr).toMatch(/--today takes a date of the calendar|--year takes a school year/);
    }
    for (const args of [['--once', '--at', '12', '--dry-run'], ['--once', '--at', 'tomorrow', '--dry-run'], ['--once', '--at', '2026-11-31T09:00', '--dry-run'], ['--once', '--at', '2026-02-30T09:00:00+01:00', '--dry-run'], ['--once', '--at', '2026-11-31T09:00Z', '--dry-run']]) {
      const { code, stderr } = await fails('dist/src/nudges/cli.js', args, file);
      expect(code).toBe(1);
      expect(stderr).toContain('--at takes an ISO date-time');
    }
  });

  it('nudges --at: a time without offset is in the directory\'s time zone, whatever the server\'s; a real tick may not be in the future', async () => {
    const file = await seededStore();
    const tick = async (tz: string, ...args: string[]) =>
      (await run(process.execPath, ['dist/src/nudges/cli.js', '--once', ...args], { env: { PATH: process.env.PATH, STORE_FILE: file, LOG_LEVEL: 'silent', TZ: tz } })).stdout;
    // 09:00 in Brussels on a Tuesday is within working hours wherever the server runs.
    for (const tz of ['UTC', 'Asia/Tokyo', 'America/Los_Angeles']) {
      const out = await tick(tz, '--at', '2026-11-24T09:00', '--dry-run');
      expect(out).toContain('Nudge tick at 2026-11-24T08:00:00.000Z');
      expect(out).not.toContain('Outside working hours');
    }
    // At night a preview lists what waits for the morning.
    const night = await tick('UTC', '--at', '2026-11-24T03:00', '--dry-run');
    expect(night).toContain("Outside working hours in the directory's time zone: nothing is sent; due, waiting for working hours:");
    expect(night).toMatch(/^ {2}waits +keepInTouch → /m);
    const { code, stderr } = await fails('dist/src/nudges/cli.js', ['--once', '--at', '2099-01-05T09:00:00+01:00'], file);
    expect(code).toBe(1);
    expect(stderr).toContain('is in the future');
    expect(JSON.parse(await readFile(file, 'utf8')).nudges).toEqual({}); // nothing was claimed
  });

  it('the text report counts days in words that fit, and names competences as the catalogue does', async () => {
    const file = await seededStore();
    const text = await report(file, 'schools', '--today', '2026-11-21');
    expect(text).toContain('last contact: 2026-11-20, 1 day ago;');
    expect(text).not.toContain('1 days ago');
    expect(await report(file, 'schools', '--today', '2026-11-20')).toContain('last contact: 2026-11-20, today;');
  });
});
