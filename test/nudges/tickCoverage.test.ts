import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { realDirectoryJson } from '../helpers/fixtures.js';
import { startApp } from '../helpers/server.js';
import { assertTicksReachWorkingHours, tickCoverage } from '../../src/nudges/tickCoverage.js';

const directory = { timeZone: 'Europe/Brussels', workingHours: { days: [1, 2, 3, 4, 5], start: '08:30', end: '17:00', closedDays: [] as string[] } };
const FROM = new Date('2026-11-25T10:00:00Z');

describe('the scheduler\'s ticks against the working hours', () => {
  it.each([
    ['*/5 * * * *', true, true],
    ['* * * * * *', true, true], // every second: as cheap to check as once a day
    ['0 9,14 * * 1-5', true, true],
    ['0 9 * * *', true, false],
    ['30 15 * * 1-5', false, true],
    ['0 3 * * *', false, false],
    ['0 0 31 2 *', false, false], // never fires
    ['0 10 * * 6,0', false, false], // weekends only
  ])('"%s": mornings %s, afternoons %s', (pattern, morning, afternoon) => {
    expect(tickCoverage(pattern, directory, FROM)).toMatchObject({ morning, afternoon });
  });

  it.each([
    ['*/5 * 1-7 * *', '2026-11-27T10:00:00Z'], // the first week of each month, checked a few days before one
    ['* * * 1-6 *', '2026-06-25T10:00:00Z'], // January to June, checked in late June
    ['0 */5 9-16 * 1-5 *', '2026-06-25T10:00:00Z'], // with seconds: every day of the month, but only in January
  ])('refuses "%s", which names days of the month or months, whatever the day it is checked on (%s)', (pattern, from) => {
    expect(() => assertTicksReachWorkingHours(pattern, directory, new Date(from))).toThrow(/names days of the month or months: it must tick on every working day of every month/);
  });

  it('refuses a pattern that misses some working days, naming the first', () => {
    expect(() => assertTicksReachWorkingHours('*/5 * * * 1', directory, FROM)).toThrow('does not tick on every working day: the first it misses is the morning of 2026-11-25');
    expect(() => assertTicksReachWorkingHours('*/5 9-16 * * 1-4', directory, FROM)).toThrow('the first it misses is the morning of 2026-11-27');
    expect(() => assertTicksReachWorkingHours('*/5 9-16 ? * 1-5', directory, FROM)).not.toThrow();
  });

  it('holidays do not count against a pattern: a start during a closure is not refused', () => {
    const closed = { ...directory, workingHours: { ...directory.workingHours, closedDays: Array.from({ length: 14 }, (_, i) => `2026-11-${String(25 + i).padStart(2, '0')}`).filter((d) => d <= '2026-11-30').concat(['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06', '2026-12-07', '2026-12-08']) } };
    expect(() => assertTicksReachWorkingHours('*/5 * * * *', closed, FROM)).not.toThrow();
  });

  it('refuses a pattern that never reaches the working hours, or misses the mornings or the afternoons of a day that has both, saying why', () => {
    expect(() => assertTicksReachWorkingHours('0 3 * * *', directory, FROM)).toThrow(/NUDGES_CRON "0 3 \* \* \*" never ticks inside the working hours 08:30–17:00 \(Europe\/Brussels\)/);
    expect(() => assertTicksReachWorkingHours('0 9 * * *', directory, FROM)).toThrow(/never ticks in the afternoons/);
    expect(() => assertTicksReachWorkingHours('30 15 * * 1-5', directory, FROM)).toThrow(/never ticks in the mornings/);
    // A working day that is all morning needs no afternoon tick.
    const mornings = { ...directory, workingHours: { ...directory.workingHours, start: '08:00', end: '12:00' } };
    expect(() => assertTicksReachWorkingHours('0 9 * * *', mornings, FROM)).not.toThrow();
  });

  it('the time zone is the directory\'s: 09:00 in Brussels is 08:00 UTC in winter', () => {
    expect(tickCoverage('0 9 * * 1-5', directory, FROM).morning).toBe(true);
    expect(tickCoverage('0 9 * * 1-5', { ...directory, timeZone: 'America/New_York' }, FROM).morning).toBe(true);
  });
});

describe('a directory reloaded with working hours the ticks no longer reach', () => {
  it('is refused, and the directory in use stays', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'ticks-')), 'directory.json');
    const data = JSON.parse(await realDirectoryJson());
    await writeFile(file, JSON.stringify(data));
    const running = await startApp({ DIRECTORY_FILE: file, NUDGES_ENABLED: 'true', NUDGES_CRON: '*/5 8-16 * * 1-5' });
    try {
      data.workingHours = { ...data.workingHours, start: '18:00', end: '21:00' };
      await writeFile(file, JSON.stringify(data));
      const result = await running.app.reloadDirectory();
      expect(result).toEqual({ ok: false, error: expect.stringContaining('never ticks inside the working hours 18:00–21:00') });
      expect(running.app.directory().data.workingHours.start).not.toBe('18:00');
    } finally {
      await running.stop();
    }
  });
});

