import { describe, expect, it } from '@jest/globals';
import { parseDirectory } from '../../src/directory/directory.js';
import { realDirectoryJson } from '../helpers/fixtures.js';

async function directoryOf(names: string[]) {
  const data = JSON.parse(await realDirectoryJson());
  const role = data.schools[0].careContact.role;
  data.schools = names.map((name, i) => ({ id: `s-${i}`, name, liaisonId: 'liaison-north', careContact: { role } }));
  return parseDirectory(JSON.stringify(data), 'test');
}

const names = (found: { name: string }[]) => found.map((s) => s.name);

describe('searching schools by name', () => {
  it('ranks the exact name, then names starting with it, then word beginnings, then anywhere', async () => {
    const dir = await directoryOf(['Atheneum Berchem-Zuid', 'Sint-Jan Berchem', 'Berchem', 'Berchemse Kunstschool', 'Groenberchem']);
    expect(names(dir.searchSchools('berchem'))).toEqual(['Berchem', 'Berchemse Kunstschool', 'Atheneum Berchem-Zuid', 'Sint-Jan Berchem', 'Groenberchem']);
  });

  it('ignores case, accents, punctuation and the order of words', async () => {
    const dir = await directoryOf(['École Sainte-Thérèse', 'Lycée Émile Zola', "Sint-Jan's College"]);
    expect(names(dir.searchSchools('ecole ste'))).toEqual([]);
    expect(names(dir.searchSchools('therese ECOLE'))).toEqual(['École Sainte-Thérèse']);
    expect(names(dir.searchSchools('emile-zola'))).toEqual(['Lycée Émile Zola']);
    expect(names(dir.searchSchools("sint jan's"))).toEqual(["Sint-Jan's College"]);
  });

  it('finds nothing for nothing typed, or a word no name has', async () => {
    const dir = await directoryOf(['De Eik', 'De Linde']);
    expect(dir.searchSchools('')).toEqual([]);
    expect(dir.searchSchools('  !? ')).toEqual([]);
    expect(dir.searchSchools('populier')).toEqual([]);
    expect(names(dir.searchSchools('de'))).toEqual(['De Eik', 'De Linde']);
  });

  it('searches 10 000 schools in a few milliseconds', async () => {
    const dir = await directoryOf(Array.from({ length: 10_000 }, (_, i) => `School ${i} ${['Noord', 'Zuid', 'Oost', 'West'][i % 4]}`));
    dir.searchSchools('warm up the index');
    const started = performance.now();
    const found = dir.searchSchools('1234 zuid'); // 1234 is in Oost
    const elapsed = performance.now() - started;
    expect(names(found)).toEqual([]);
    expect(names(dir.searchSchools('school 1234'))).toEqual(['School 1234 Oost']);
    // Generous for a shared machine: about 2 ms here.
    expect(elapsed).toBeLessThan(100);
  });
});
