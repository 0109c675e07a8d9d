import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { parseDirectory } from '../../src/directory/directory.js';
import { locateJsonError } from '../../src/directory/jsonError.js';
import { FIXED_NOW, realDirectoryJson } from '../helpers/fixtures.js';
import { startApp } from '../helpers/server.js';

/** The sample directory as parsed JSON, edited freely by each test (including into what the schema refuses). */
type Raw = ReturnType<typeof JSON.parse>;

/** The sample directory after `edit`, parsed; a refusal's message, or '' when it parsed. */
async function problems(edit: (d: Raw) => void, now = FIXED_NOW): Promise<string> {
  const raw = JSON.parse(await realDirectoryJson());
  edit(raw);
  try {
    parseDirectory(JSON.stringify(raw), 'dir.json', now);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

async function parsed(edit: (d: Raw) => void) {
  const raw = JSON.parse(await realDirectoryJson());
  edit(raw);
  return parseDirectory(JSON.stringify(raw), 'dir.json', FIXED_NOW);
}

/** The sample directory after `edit`, in a file of its own. */
async function fileWith(edit: (d: Raw) => void): Promise<string> {
  const raw = JSON.parse(await realDirectoryJson());
  edit(raw);
  const file = join(await mkdtemp(join(tmpdir(), 'dirval-')), 'directory.json');
  await writeFile(file, JSON.stringify(raw));
  return file;
}

describe('directory validation', () => {
  it.each(['   ', '++', '+', '1', '1  12', '11+2', ' + 112', '112 '.repeat(5)])('refuses the emergency number %j', async (number) => {
    expect(await problems((d) => { d.emergency.number = number; })).toMatch(/emergency\.number: (at least two digits|at most 15 characters)/);
  });

  it.each([['112', '112'], [' 112 ', '112'], ['+32 101', '+32 101'], ['11 2', '11 2']])('takes the emergency number %j as %j', async (number, kept) => {
    expect((await parsed((d) => { d.emergency.number = number; })).data.emergency.number).toBe(kept);
  });

  it.each(['   ', '...', '(0) / -', '12 34'])('refuses the phone number %j of a person (too few digits to call)', async (phone) => {
    expect(await problems((d) => (d.people[0].phone = phone))).toMatch(/people\[0\]\.phone: a phone number such as \+32 3 123 45 67/);
  });

  it('takes a phone number with the usual separators, trimmed', async () => {
    expect((await parsed((d) => (d.people[0].phone = ' +32 (0)3 555.01.21 '))).data.people[0]!.phone).toBe('+32 (0)3 555.01.21');
  });

  describe('protocol dates later than today (in the directory\'s time zone) are refused', () => {
    // FIXED_NOW is 2026-11-24 (10:00 UTC).
    it('a planned signing date, and a year typo in the last evaluation', async () => {
      const message = await problems((d) => {
        d.protocol.signedOn = '2027-06-01';
        d.protocol.lastEvaluatedOn = '2062-06-15';
      });
      expect(message).toContain('protocol.signedOn: 2027-06-01 is later than today (2026-11-24 in Europe/Brussels)');
      expect(message).toContain('protocol.lastEvaluatedOn: 2062-06-15 is later than today (2026-11-24 in Europe/Brussels)');
    });

    it('today is accepted, and today is the directory\'s: 23:30 UTC on the 24th is already the 25th in Brussels', async () => {
      expect(await problems((d) => { d.protocol.lastEvaluatedOn = '2026-11-24'; })).toBe('');
      const lateEvening = new Date('2026-11-24T23:30:00Z');
      expect(await problems((d) => { d.protocol.lastEvaluatedOn = '2026-11-25'; }, lateEvening)).toBe('');
      expect(await problems((d) => { d.protocol.lastEvaluatedOn = '2026-11-25'; d.timeZone = 'America/New_York'; }, lateEvening)).toContain('protocol.lastEvaluatedOn: 2026-11-25 is later than today (2026-11-24 in America/New_York)');
    });

    it('at start and on reload, the directory in use staying', async () => {
      const future = (d: Raw) => { d.protocol.signedOn = '2099-06-01'; };
      await expect(startApp({ DIRECTORY_FILE: await fileWith(future) }, { clock: () => FIXED_NOW })).rejects.toThrow(/protocol\.signedOn: 2099-06-01 is later than today/);
      const file = await fileWith(() => undefined);
      const running = await startApp({ DIRECTORY_FILE: file }, { clock: () => FIXED_NOW });
      try {
        const raw = JSON.parse(await realDirectoryJson());
        future(raw);
        await writeFile(file, JSON.stringify(raw));
        expect(await running.app.reloadDirectory()).toEqual({ ok: false, error: expect.stringContaining('protocol.signedOn: 2099-06-01 is later than today') });
        expect(running.app.directory().data.protocol.signedOn).toBe('2026-03-02');
      } finally {
        await running.stop();
      }
    });

    it('judged by the real date, not by a clock set in the past (npm run nudges -- --at a past day): the sample, evaluated on 15 June, starts as of 1 June', async () => {
      const running = await startApp({}, { clock: () => new Date('2026-06-01T10:00:00Z') });
      await running.stop();
    });

    it('by npm run directory:check', async () => {
      const file = await fileWith((d) => { d.protocol.lastEvaluatedOn = '2999-01-01'; });
      await expect(promisify(execFile)(process.execPath, ['dist/src/directory/check.js', file])).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining('protocol.lastEvaluatedOn: 2999-01-01 is later than today'),
      });
    });
  });

  it('Slack and Teams ids are trimmed, so that the officer is recognised, and must have their platform\'s shape', async () => {
    const dir = await parsed((d) => {
      d.people[0].slackUserId = ' U0LIAISON1 ';
      d.people[0].teamsUserId = ' 00000000-0000-0000-0000-00000000000A\t';
    });
    expect(dir.personByPlatformId('slack', 'U0LIAISON1')?.id).toBe(dir.data.people[0]!.id);
    expect(dir.roleFor('teams', '00000000-0000-0000-0000-00000000000a')).toBe(dir.data.people[0]!.role);
    const message = await problems((d) => {
      d.people[0].slackUserId = 'u0liaison1';
      d.people[1].slackUserId = '@jan';
      d.people[2].slackUserId = '  ';
      d.people[0].teamsUserId = 'jan@school.example';
      d.people[1].teamsUserId = '00000000-0000-0000-0000-00000000000';
    });
    for (const path of ['people[0].slackUserId', 'people[1].slackUserId', 'people[2].slackUserId']) expect(message).toContain(`${path}: a Slack member id`);
    for (const path of ['people[0].teamsUserId', 'people[1].teamsUserId']) expect(message).toContain(`${path}: an Azure AD object id`);
  });

  it('a field with a problem of its own is left out of the checks across fields, which would only add a second, false, problem', async () => {
    const message = await problems((d) => {
      d.workingHours.start = '8:30';
      d.intervals.callbackAcknowledgeWorkingDays = 15; // above its maximum, 10
      d.intervals.callbackTodayEscalateWorkingHours = 0; // below its minimum, 1
      d.protocol.signedOn = '2026-13-01';
      d.protocol.lastEvaluatedOn = '2062-06-31';
    });
    expect(message).toContain('workingHours.start: use HH:MM');
    expect(message).not.toContain('start must be before end');
    expect(message).toContain('intervals.callbackAcknowledgeWorkingDays');
    expect(message).not.toContain('must be more than callbackAcknowledgeWorkingDays');
    expect(message).toContain('intervals.callbackTodayEscalateWorkingHours');
    expect(message).not.toContain('must be more than callbackTodayReminderWorkingHours');
    expect(message).toMatch(/protocol\.signedOn: /);
    expect(message).not.toContain('before the protocol was signed');
    expect(message).not.toContain('later than today');
    expect(message).toContain('5 problem(s)');
    // Valid fields are still compared.
    expect(await problems((d) => { d.workingHours.start = '18:00'; })).toContain('workingHours.end: start must be before end');
    expect(await problems((d) => { d.intervals.callbackEscalateWorkingDays = 1; })).toContain('must be more than callbackAcknowledgeWorkingDays (1)');
  });

  it('refuses blank names and a language listed twice, and trims names', async () => {
    const message = await problems((d) => {
      d.people[0].name = '  ';
      d.schools[0].name = ' ';
      d.schools[1].careContact.name = '\t';
      d.people[1].languages = ['nl', 'fr', 'nl'];
    });
    expect(message).toContain('people[0].name: must not be empty or blank');
    expect(message).toContain('schools[0].name: must not be empty or blank');
    expect(message).toContain('schools[1].careContact.name: must not be empty or blank');
    expect(message).toContain('people[1].languages[2]: "nl" is listed already');
    const dir = await parsed((d) => { d.schools[0].name = ' Sint-Jan '; });
    expect(dir.data.schools[0]!.name).toBe('Sint-Jan');
  });

  describe('a JSON syntax error is reported by line and column, with the line quoted and what is wrong there', () => {
    const syntaxError = async (edit: (json: string) => string) => {
      try {
        parseDirectory(edit(await realDirectoryJson()), 'dir.json', FIXED_NOW);
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    };

    it('a missing comma: the line after it, and the hint', async () => {
      const json = await realDirectoryJson();
      const line = json.slice(0, json.indexOf('"closedDays"')).split('\n').length;
      const message = await syntaxError((j) => j.replace('"end": "17:00",', '"end": "17:00"'));
      expect(message).toContain(`Directory dir.json is not valid JSON: line ${line}, column 5: expected a comma or } after the value (is a comma missing at the end of the line before?)`);
      expect(message).toContain(`  ${line} |     "closedDays": [\n  ${' '.repeat(String(line).length)} |     ^`);
      expect(message).not.toMatch(/position/);
    });

    it.each([
      ['a comma after the last entry', (j: string) => j.replace('"number": "112"', '"number": "112",'), /line 16, column 3: a comma before \} \(JSON allows none after the last entry\)/],
      ['single quotes', (j: string) => j.replace('"112"', "'112'"), /line 15, column 15: texts take double quotes/],
      ['a cut-off file', (j: string) => j.slice(0, j.lastIndexOf('}')), /the file ends too early: a \} is missing/],
      ['a byte order mark', (j: string) => `\uFEFF${j}`, /line 1, column 1: the file starts with an invisible byte order mark/],
    ])('%s', async (_, edit, expected) => {
      expect(await syntaxError(edit)).toMatch(expected);
    });

    it('a file cut off inside nesting too deep for the locator is reported by JSON.parse\'s own message, not as column NaN', () => {
      let message = '';
      try {
        parseDirectory('{"people":' + '['.repeat(20000), 'd.json', FIXED_NOW);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/is not valid JSON/);
      expect(message).not.toMatch(/NaN|Maximum call stack/);
    });

    it('finds what JSON.parse finds, and nothing in valid JSON', async () => {
      expect(locateJsonError(await realDirectoryJson())).toBeUndefined();
      expect(locateJsonError('{"a": [1, -2.5e3, true, null, "\\u00e9\\n"]}')).toBeUndefined();
      for (const bad of ['', '{', '{"a" 1}', '[1 2]', '{"a": 01}', '{"a": -}', '"\\x"', '{"a": 1} x']) {
        expect(() => JSON.parse(bad)).toThrow();
        expect(locateJsonError(bad)).toBeDefined();
      }
    });

    it('quotes a very long line around the column only', () => {
      const found = locateJsonError(`{"a": "${'x'.repeat(300)}" "b": 1}`)!;
      expect(found).toMatchObject({ line: 1, column: 310 });
      const [quoted, caret] = found.excerpt.split('\n');
      expect(quoted!.length).toBeLessThan(120);
      expect(caret!.indexOf('^')).toBe(quoted!.indexOf('" "b"') + 2);
    });
  });

  it('npm run directory:check counts only upcoming platform meetings, and warns about past ones and people nobody can recognise', async () => {
    const file = await fileWith((d) => {
      d.platformMeetings[0].date = '2000-02-10';
      d.platformMeetings[1].date = '2999-06-16';
      delete d.people[1].slackUserId;
      delete d.people[1].teamsUserId;
    });
    const { stdout } = await promisify(execFile)(process.execPath, ['dist/src/directory/check.js', file]);
    expect(stdout).toContain('1 upcoming platform meeting(s).');
    expect(stdout).toContain('2 warning(s):');
    expect(stdout).toMatch(/ {2}- platformMeetings\[0\]\.date: 2000-02-10 has passed \(today is \d{4}-\d\d-\d\d in Europe\/Brussels\): not counted as planned/);
    expect(stdout).toMatch(/ {2}- people\[1\]: "[a-z-]+" has neither a slackUserId nor a teamsUserId: the assistant can never recognise them/);
  });
});
