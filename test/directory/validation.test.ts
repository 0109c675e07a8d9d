import { describe, expect, it } from '@jest/globals';
import { parseDirectory } from '../../src/directory/directory.js';
import { realDirectoryJson } from '../helpers/fixtures.js';

/** The sample directory as parsed JSON, edited freely by each test (including into what the schema refuses). */
type Raw = ReturnType<typeof JSON.parse>;

/** The sample directory after `edit`, parsed; a refusal's message, or '' when it parsed. */
async function problems(edit: (d: Raw) => void): Promise<string> {
  const raw = JSON.parse(await realDirectoryJson());
  edit(raw);
  try {
    parseDirectory(JSON.stringify(raw), 'dir.json');
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

async function parsed(edit: (d: Raw) => void) {
  const raw = JSON.parse(await realDirectoryJson());
  edit(raw);
  return parseDirectory(JSON.stringify(raw), 'dir.json');
}

describe('directory validation', () => {
  it.each(['   ', '++', '+', '1', '1  12', '11+2', ' + 112', '112 '.repeat(5)])('refuses the emergency number %j', async (number) => {
    expect(await problems((d) => { d.emergency.number = number; })).toMatch(/emergency\.number: (at least two digits|at most 15 characters)/);
  });

  it.each([['112', '112'], [' 112 ', '112'], ['+32 101', '+32 101'], ['11 2', '11 2']])('takes the emergency number %j as %j', async (number, kept) => {
    expect((await parsed((d) => { d.emergency.number = number; })).data.emergency.number).toBe(kept);
  });
});
