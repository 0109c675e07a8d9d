import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from '../../src/core/errors.js';
import { parseDirectory } from '../../src/directory/directory.js';
import { realDirectoryJson } from '../helpers/fixtures.js';

/** The parts of data/directory.json these tests change. */
interface Raw {
  people: { id: string; backupId?: string; slackUserId?: string; teamsUserId?: string }[];
  intervals: { callbackAcknowledgeWorkingDays?: number; callbackEscalateWorkingDays?: number; callbackTodayReminderWorkingHours?: number; callbackTodayEscalateWorkingHours?: number };
}

/** Directory errors that would send an escalation, or a role, to the wrong person are refused at load. */
async function problems(change: (raw: Raw) => void): Promise<string> {
  const raw = JSON.parse(await realDirectoryJson()) as Raw;
  change(raw);
  try {
    parseDirectory(JSON.stringify(raw), 'dir.json');
  } catch (err) {
    expect((err as { code: string }).code).toBe(ErrorCode.DirectoryInvalid);
    return (err as Error).message;
  }
  throw new Error('the directory was accepted');
}

describe('directory: routing of escalations and identities', () => {
  it('the shipped directory still loads', async () => {
    expect(parseDirectory(await realDirectoryJson(), 'data/directory.json').data.people.length).toBeGreaterThan(0);
  });

  it('refuses a person who is their own backup', async () => {
    const message = await problems((raw) => {
      raw.people[1]!.backupId = raw.people[1]!.id;
    });
    expect(message).toMatch(/people\[1\]\.backupId: .*own backup/);
  });

  it('refuses a Slack user id shared by two people, naming both', async () => {
    const message = await problems((raw) => {
      raw.people[2]!.slackUserId = raw.people[0]!.slackUserId;
    });
    expect(message).toMatch(/people\[2\]\.slackUserId: Slack user id "U0LIAISON1" is also people\[0\]'s \("liaison-north"\)/);
  });

  it('refuses a Teams user id shared by two people, whatever the letter case of the GUID', async () => {
    const message = await problems((raw) => {
      raw.people[1]!.teamsUserId = raw.people[0]!.teamsUserId!.toUpperCase();
    });
    expect(message).toMatch(/people\[1\]\.teamsUserId: Teams user id .* is also people\[0\]'s \("liaison-north"\)/);
  });

  it.each([
    [2, 2],
    [3, 2],
  ])('refuses a reminder after %i working days with the escalation after %i', async (acknowledge, escalate) => {
    const message = await problems((raw) => {
      raw.intervals.callbackAcknowledgeWorkingDays = acknowledge;
      raw.intervals.callbackEscalateWorkingDays = escalate;
    });
    expect(message).toMatch(/intervals\.callbackEscalateWorkingDays: must be more than callbackAcknowledgeWorkingDays/);
  });

  it('refuses an escalation of a request for today at or before its reminder (in working hours)', async () => {
    const message = await problems((raw) => {
      raw.intervals.callbackTodayReminderWorkingHours = 3;
      raw.intervals.callbackTodayEscalateWorkingHours = 3;
    });
    expect(message).toMatch(/intervals\.callbackTodayEscalateWorkingHours: must be more than callbackTodayReminderWorkingHours \(3\)/);
  });

  it('refuses an escalation threshold at or below the default reminder threshold', async () => {
    const message = await problems((raw) => {
      delete raw.intervals.callbackAcknowledgeWorkingDays;
      raw.intervals.callbackEscalateWorkingDays = 1;
    });
    expect(message).toMatch(/intervals\.callbackEscalateWorkingDays: must be more than callbackAcknowledgeWorkingDays \(1\)/);
  });

  it('accepts people without platform ids, and an escalation one day after the reminder', async () => {
    const raw = JSON.parse(await realDirectoryJson()) as Raw;
    for (const p of raw.people) {
      delete p.slackUserId;
      delete p.teamsUserId;
    }
    raw.intervals.callbackAcknowledgeWorkingDays = 3;
    raw.intervals.callbackEscalateWorkingDays = 4;
    expect(() => parseDirectory(JSON.stringify(raw), 'dir.json')).not.toThrow();
  });
});
