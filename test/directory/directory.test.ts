import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from '../../src/core/errors.js';
import { parseDirectory } from '../../src/directory/directory.js';
import { realDirectory, realDirectoryJson } from '../helpers/fixtures.js';

describe('directory', () => {
  it('the sample municipality is valid and complete enough to demonstrate every feature', async () => {
    const { data } = await realDirectory();
    expect(data.people.filter((p) => p.role === 'liaison').length).toBeGreaterThanOrEqual(2);
    expect(data.schools.length).toBeGreaterThanOrEqual(6);
    expect(data.partners.length).toBeGreaterThanOrEqual(4);
    expect(data.nextSteps.length).toBeGreaterThanOrEqual(3);
    expect(data.platformMeetings.length).toBeGreaterThanOrEqual(1);
    expect(data.protocol.sharing.length).toBeGreaterThanOrEqual(4);
  });

  it('a misspelt key is a problem, not silently dropped (holidays, a backup, a Slack id or an interval would be lost)', async () => {
    const raw = JSON.parse(await realDirectoryJson());
    raw.workingHours.closeddays = raw.workingHours.closedDays ?? [];
    raw.people[0].backupid = raw.people[1].id;
    raw.intervals.contactdays = 14;
    let message = '';
    try {
      parseDirectory(JSON.stringify(raw), 'dir.json');
    } catch (err) {
      message = (err as Error).message;
    }
    for (const key of ['closeddays', 'backupid', 'contactdays']) expect(message).toContain(key);
    expect(message).toMatch(/workingHours/);
    expect(message).toMatch(/people\[0\]/);
  });

  it('refuses a directory without a coordinator, an evaluation before the signature, and two platform meetings on one day', async () => {
    const raw = JSON.parse(await realDirectoryJson());
    for (const person of raw.people) if (person.role === 'coordinator') person.role = 'liaison';
    raw.protocol.signedOn = '2026-01-15';
    raw.protocol.lastEvaluatedOn = '2025-12-01';
    raw.platformMeetings.push({ ...raw.platformMeetings[0] });
    let message = '';
    try {
      parseDirectory(JSON.stringify(raw), 'dir.json');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('people: nobody has the role "coordinator"');
    expect(message).toContain('protocol.lastEvaluatedOn: before the protocol was signed (2026-01-15)');
    expect(message).toMatch(/platformMeetings\[\d+\]\.date: a platform meeting on .* is listed already/);
  });

  it('reports every problem with its JSON path', async () => {
    const raw = JSON.parse(await realDirectoryJson());
    raw.schools[0].liaisonId = 'ghost';
    raw.people[0].email = 'not-an-email';
    raw.partners[1].name.de = '';
    raw.timeZone = 'Mars/Olympus';
    raw.schools.push({ ...raw.schools[1] });
    let message = '';
    try {
      parseDirectory(JSON.stringify(raw), 'dir.json');
    } catch (err) {
      expect((err as { code: string }).code).toBe(ErrorCode.DirectoryInvalid);
      message = (err as Error).message;
    }
    expect(message).toContain('dir.json');
    expect(message).toContain('people[0].email');
    expect(message).toContain('partners[1].name.de');
    expect(message).toContain('timeZone');
    // Cross-references are checked once the shape is valid, so fix the shape first.
    raw.people[0].email = 'a@b.example';
    raw.partners[1].name.de = 'Partner';
    raw.timeZone = 'Europe/Brussels';
    expect(() => parseDirectory(JSON.stringify(raw), 'dir.json')).toThrow(/schools\[0\]\.liaisonId: no person with id "ghost"/);
    expect(() => parseDirectory(JSON.stringify(raw), 'dir.json')).toThrow(/schools\[6\]\.id: duplicate id/);
  });

  it('npm run directory:check validates a file and prints each problem', async () => {
    const run = promisify(execFile);
    const ok = await run(process.execPath, ['dist/src/directory/check.js']);
    expect(ok.stdout).toMatch(/data\/directory\.json is valid: \d+ people, \d+ schools/);

    const dir = await mkdtemp(join(tmpdir(), 'dircheck-'));
    const bad = join(dir, 'directory.json');
    const raw = JSON.parse(await realDirectoryJson());
    delete raw.emergency;
    await writeFile(bad, JSON.stringify(raw));
    await expect(run(process.execPath, ['dist/src/directory/check.js', bad])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('emergency'),
    });
  });
});
