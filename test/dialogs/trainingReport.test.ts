import { describe, expect, it } from '@jest/globals';
import { SUPPORTED_LANGUAGES, type Language } from '../../src/i18n/languages.js';
import type { TrainingResponse } from '../../src/store/schema.js';
import { engineHarness, TestUser, text } from '../helpers/fixtures.js';

const NOW = new Date('2026-11-24T10:00:00Z');

async function seeded(groups: [schoolId: string | null, count: number, pick: Pick<TrainingResponse, 'competences' | 'format'>][]) {
  const h = await engineHarness({ clock: () => NOW });
  for (const [schoolId, count, pick] of groups) {
    for (let i = 0; i < count; i++) expect(h.training.submit(`test:${schoolId}-${i}`, { schoolId, role: 'teacher', ...pick }).ok).toBe(true);
  }
  return h;
}

describe.each(SUPPORTED_LANGUAGES)('training needs report in the chat (%s)', (lang: Language) => {
  it('five answers at one school and one at another: the overall figures are withheld, with a translated reason', async () => {
    const { engine } = await seeded([
      ['oak-primary', 5, { competences: ['criticalThinking'], format: 'schoolTeam' }],
      ['harbour-secondary', 1, { competences: ['religionIdentity', 'workingWithParents'], format: 'online' }],
    ]);
    const officer = new TestUser(engine, { id: 'prevention-coordinator', locale: lang });
    await officer.press('dialog:trainingReport');
    const transcript = officer.transcript();
    // No overall chart and no overall total: with De Eik's five they would give the one answer at the Atheneum.
    expect(officer.last.filter((r) => r.kind === 'chart')).toEqual([]);
    expect(transcript).toContain(await text(lang, 'training:report.titleWithheld', { year: '2026-2027' }));
    expect(transcript).toContain(await text(lang, 'training:report.totalsWithheld', { count: 5 }));
    expect(transcript).not.toContain(await text(lang, 'training:report.title', { year: '2026-2027', responses: '6' }));
    expect(transcript).not.toContain(await text(lang, 'training:competence.religionIdentity'));
    expect(transcript).not.toContain(await text(lang, 'training:competence.workingWithParents'));
    expect(transcript).toContain(`Atheneum Havenkwartier: ${await text(lang, 'training:report.fewerThan', { count: 5 })}`);
    expect(transcript).toContain(await text(lang, 'training:report.school', { school: 'Basisschool De Eik', count: 5, needs: `${await text(lang, 'training:competence.criticalThinking')} (5)` }));
  });

  it('one answer in all: no figures at all', async () => {
    const { engine } = await seeded([['oak-primary', 1, { competences: ['religionIdentity'], format: 'online' }]]);
    const officer = new TestUser(engine, { id: 'prevention-coordinator', locale: lang });
    await officer.press('dialog:trainingReport');
    const transcript = officer.transcript();
    expect(officer.last.filter((r) => r.kind === 'chart')).toEqual([]);
    expect(transcript).toContain(await text(lang, 'training:report.title', { year: '2026-2027', responses: await text(lang, 'training:report.fewerThan', { count: 5 }) }));
    expect(transcript).not.toContain(await text(lang, 'training:competence.religionIdentity'));
  });

  it('hidden schools holding five answers together: the overall charts are shown', async () => {
    const { engine } = await seeded([
      ['oak-primary', 5, { competences: ['criticalThinking'], format: 'schoolTeam' }],
      ['harbour-secondary', 3, { competences: ['religionIdentity'], format: 'online' }],
      ['canal-secondary', 2, { competences: ['workingWithParents'], format: 'online' }],
    ]);
    const officer = new TestUser(engine, { id: 'prevention-coordinator', locale: lang });
    await officer.press('dialog:trainingReport');
    expect(officer.last.filter((r) => r.kind === 'chart')).toHaveLength(2);
    expect(officer.transcript()).toContain(await text(lang, 'training:report.title', { year: '2026-2027', responses: '10' }));
    expect(officer.transcript()).not.toContain(await text(lang, 'training:report.totalsWithheld', { count: 5 }));
  });
});
