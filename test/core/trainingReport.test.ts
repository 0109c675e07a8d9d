import { describe, expect, it } from '@jest/globals';
import { MIN_GROUP, reportedComment, trainingReport } from '../../src/core/training.js';
import { COMPETENCES, STAFF_ROLES, TRAINING_FORMATS, type TrainingResponse } from '../../src/store/schema.js';
import { realDirectory } from '../helpers/fixtures.js';

const YEAR = '2026-2027';
let n = 0;
const answer = (schoolId: string | null, competences: TrainingResponse['competences'], format: TrainingResponse['format'] = 'schoolTeam', role: TrainingResponse['role'] = 'teacher'): TrainingResponse => ({
  id: `r${++n}`,
  schoolYear: YEAR,
  schoolId,
  role,
  competences,
  format,
  month: '2026-09',
});
const times = (count: number, make: () => TrainingResponse) => Array.from({ length: count }, make);

/** The keys a suppressed group may carry: which group it is and that it is not shown, never a count. */
const SUPPRESSED_KEYS = ['reason', 'schoolId', 'schoolName', 'shown'];

/** A small deterministic generator (mulberry32), so a failing case can be replayed. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('trainingReport: small groups carry no figures', () => {
  it('one answer at one school: neither the school nor the overall total carries any count', async () => {
    const report = trainingReport([answer('oak-primary', ['religionIdentity'], 'online')], await realDirectory(), YEAR);
    expect(report.overall).toEqual({ shown: false, reason: 'smallGroup' });
    expect(report.schools).toEqual([{ schoolId: 'oak-primary', schoolName: 'Basisschool De Eik', shown: false, reason: 'smallGroup' }]);
    expect(report.topNeeds).toEqual([]);
    expect(JSON.stringify(report)).not.toMatch(/"(responses|competences|formats)"/);
  });

  it('a group of exactly five is shown with its counts', async () => {
    const report = trainingReport(times(5, () => answer('oak-primary', ['criticalThinking'])), await realDirectory(), YEAR);
    expect(report.overall).toMatchObject({ shown: true, responses: 5 });
    expect(report.schools[0]).toMatchObject({ shown: true, responses: 5, formats: { schoolTeam: 5 } });
  });
});

describe('trainingReport: complementary suppression (no group under five by subtraction)', () => {
  it('school A 5 shown, school B 1 hidden: the overall figures are withheld too, or overall minus A would be B', async () => {
    const responses = [...times(5, () => answer('oak-primary', ['criticalThinking'])), answer('harbour-secondary', ['religionIdentity', 'workingWithParents'], 'online')];
    const report = trainingReport(responses, await realDirectory(), YEAR);
    expect(report.schools.find((s) => s.schoolId === 'oak-primary')).toMatchObject({ shown: true, responses: 5 });
    expect(report.schools.find((s) => s.schoolId === 'harbour-secondary')).toEqual({ schoolId: 'harbour-secondary', schoolName: 'Atheneum Havenkwartier', shown: false, reason: 'smallGroup' });
    expect(report.overall).toEqual({ shown: false, reason: 'revealsSmallGroup' });
    expect(report.topNeeds).toEqual([]);
  });

  it('hidden schools that together hold at least five answers: the overall figures are shown (what they add is a group of five)', async () => {
    const responses = [
      ...times(5, () => answer('oak-primary', ['criticalThinking'])),
      ...times(3, () => answer('harbour-secondary', ['religionIdentity'], 'online')),
      ...times(2, () => answer(null, ['workingWithParents'], 'other')),
    ];
    const report = trainingReport(responses, await realDirectory(), YEAR);
    expect(report.overall).toMatchObject({ shown: true, responses: 10, formats: { schoolTeam: 5, online: 3, other: 2, platformMeeting: 0 } });
    expect(report.schools.filter((s) => !s.shown)).toHaveLength(2);
  });

  it('every group shown: the overall figures are their sum', async () => {
    const responses = [...times(5, () => answer('oak-primary', ['criticalThinking'])), ...times(6, () => answer('canal-secondary', ['onlineRadicalisation']))];
    const report = trainingReport(responses, await realDirectory(), YEAR);
    expect(report.overall).toMatchObject({ shown: true, responses: 11 });
    expect(report.topNeeds).toEqual(['onlineRadicalisation', 'criticalThinking']);
  });

  it('only the chosen school year counts; another year is a separate report', async () => {
    const other = { ...answer('oak-primary', ['criticalThinking']), schoolYear: '2025-2026' };
    const report = trainingReport([...times(5, () => answer('oak-primary', ['criticalThinking'])), other], await realDirectory(), YEAR);
    expect(report.overall).toMatchObject({ shown: true, responses: 5 });
  });

  it('on 500 random data sets, no printed figure and no difference of printed figures describes fewer than five answers', async () => {
    const directory = await realDirectory();
    const schools = [...directory.data.schools.map((s) => s.id), null];
    const random = prng(20261124);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    let checkedRoles = 0;
    for (let run = 0; run < 500; run++) {
      const responses: TrainingResponse[] = [];
      for (const school of schools) {
        const count = random() < 0.3 ? 0 : Math.floor(random() * 9);
        // Teachers mostly, as in a school; the other roles often in groups under five.
        for (let i = 0; i < count; i++) responses.push(answer(school, [pick(COMPETENCES)], pick(TRAINING_FORMATS), random() < 0.6 ? 'teacher' : pick(STAFF_ROLES)));
      }
      const report = trainingReport(responses, directory, YEAR);
      const truth = new Map<string | null, number>();
      for (const r of responses) truth.set(r.schoolId, (truth.get(r.schoolId) ?? 0) + 1);
      let shownSum = 0;
      for (const s of report.schools) {
        if (s.shown) {
          expect(s.responses).toBeGreaterThanOrEqual(MIN_GROUP);
          expect(s.responses).toBe(truth.get(s.schoolId));
          shownSum += s.responses;
        } else {
          expect(Object.keys(s).sort()).toEqual(SUPPRESSED_KEYS);
          expect(truth.get(s.schoolId)).toBeLessThan(MIN_GROUP);
        }
      }
      if (report.overall.shown) {
        expect(report.overall.responses).toBe(responses.length);
        const hidden = report.overall.responses - shownSum;
        // What the overall figures add over the shown schools is nothing or a group of at least five.
        expect(hidden === 0 || hidden >= MIN_GROUP).toBe(true);
        // The same two rules per role: what the overall figures add over the shown roles is nothing or five and more.
        let rolesShown = 0;
        for (const r of report.roles) {
          const actual = responses.filter((a) => a.role === r.role).length;
          expect(actual).toBeGreaterThan(0);
          if (r.shown) {
            expect(r.responses).toBe(actual);
            expect(r.responses).toBeGreaterThanOrEqual(MIN_GROUP);
            rolesShown += r.responses;
          } else {
            expect(Object.keys(r).sort()).toEqual(['reason', 'role', 'shown']);
          }
        }
        const rolesHidden = responses.length - rolesShown;
        expect(rolesShown === 0 || rolesHidden === 0 || rolesHidden >= MIN_GROUP).toBe(true);
        checkedRoles += report.roles.some((r) => r.shown) ? 1 : 0;
      } else {
        expect(Object.keys(report.overall).sort()).toEqual(['reason', 'shown']);
        expect(report.topNeeds).toEqual([]);
        // Figures per role beside withheld totals would add up to them.
        expect(report.roles).toEqual([]);
      }
    }
    // The data sets exercise the roles, not only the schools.
    expect(checkedRoles).toBeGreaterThan(50);
  });

  it('per role: a role under five is listed without figures; when the hidden roles hold 1 to 4 answers together, the shown ones are withheld too', async () => {
    const directory = await realDirectory();
    const group = (count: number, role: TrainingResponse['role'], competence: TrainingResponse['competences'][number] = 'criticalThinking') =>
      times(count, () => answer('oak-primary', [competence], 'online', role));
    // 6 teachers, 5 heads, 2 others: overall minus teachers and heads would give the two others.
    let report = trainingReport([...group(6, 'teacher'), ...group(5, 'head'), ...group(2, 'other', 'religionIdentity')], directory, YEAR);
    expect(report.overall.shown).toBe(true);
    expect(report.roles).toEqual([
      { role: 'teacher', shown: false, reason: 'revealsSmallGroup' },
      { role: 'head', shown: false, reason: 'revealsSmallGroup' },
      { role: 'other', shown: false, reason: 'smallGroup' },
    ]);
    // 7 teachers, 3 heads, 2 others: the hidden roles hold five together, so the teachers are shown.
    report = trainingReport([...group(7, 'teacher'), ...group(3, 'head'), ...group(2, 'other')], directory, YEAR);
    expect(report.roles.map((r) => [r.role, r.shown ? r.responses : r.reason])).toEqual([
      ['teacher', 7],
      ['head', 'smallGroup'],
      ['other', 'smallGroup'],
    ]);
    // Every role at five or more: all shown, in the survey's order, roles nobody gave left out.
    report = trainingReport([...group(5, 'careCoordinator', 'workingWithParents'), ...group(6, 'teacher')], directory, YEAR);
    expect(report.roles.map((r) => [r.role, r.shown ? r.competences.workingWithParents : r.reason])).toEqual([
      ['teacher', 0],
      ['careCoordinator', 5],
    ]);
  });

  it('per role: nothing at all while the overall figures are withheld or too few', async () => {
    const directory = await realDirectory();
    const five = times(5, () => answer('oak-primary', ['criticalThinking'], 'online', 'teacher'));
    // One answer at another school makes the totals withheld; the teachers' figures would be those totals.
    const withheld = trainingReport([...five, answer('harbour-secondary', ['religionIdentity'], 'online', 'teacher')], directory, YEAR);
    expect(withheld.overall).toEqual({ shown: false, reason: 'revealsSmallGroup' });
    expect(withheld.roles).toEqual([]);
    expect(trainingReport(five.slice(0, 4), directory, YEAR).roles).toEqual([]);
  });
});

describe('trainingReport: teachers\' comments go with the overall figures, and only there', () => {
  const said = (schoolId: string | null, comment: string, format: TrainingResponse['format'] = 'schoolTeam'): TrainingResponse => ({ ...answer(schoolId, ['criticalThinking'], format), comment });

  it('overall shown: every school\'s comments, hidden schools\' too, in alphabetical order, without anything else', async () => {
    const responses = [
      said('oak-primary', 'zebra crossings are no topic'),
      said('oak-primary', 'More time, please'),
      ...times(3, () => answer('oak-primary', ['criticalThinking'])),
      said('harbour-secondary', 'Évaluation en ligne', 'online'),
      ...times(2, () => answer('harbour-secondary', ['religionIdentity'], 'online')),
      said(null, 'a session for parents would help', 'other'),
      answer(null, ['workingWithParents'], 'other'),
    ];
    const report = trainingReport(responses, await realDirectory(), YEAR);
    expect(report.overall).toMatchObject({ shown: true, responses: 10 });
    expect(report.overall.shown && report.overall.comments).toEqual(['a session for parents would help', 'Évaluation en ligne', 'More time, please', 'zebra crossings are no topic']);
    // No school's figures carry a comment: a comment beside its school would narrow down who wrote it.
    for (const s of report.schools) expect(s).not.toHaveProperty('comments');
  });

  it('the order depends only on the texts, never on the order the answers are stored in', async () => {
    const directory = await realDirectory();
    const responses = ['b', 'a 10', 'c', 'a 9', 'B', 'ä'].map((c) => said('oak-primary', c));
    const expected = ['ä', 'a 9', 'a 10', 'b', 'B', 'c']; // a collation, not code units: ä goes with a, b before B, 9 before 10
    for (const order of [responses, [...responses].reverse(), [...responses.slice(3), ...responses.slice(0, 3)]]) {
      const report = trainingReport(order, directory, YEAR);
      expect(report.overall.shown && report.overall.comments).toEqual(expected);
    }
  });

  it('each comment is one line: line breaks, tabs and control characters become a space, direction overrides go, empty ones are left out', async () => {
    const responses = [
      said('oak-primary', '  first line\nsecond line\r\n\tthird  '),
      said('oak-primary', 'bell\u0007 and \u001b[31mred\u001b[0m'),
      said('oak-primary', 'abc \u202Eevil\u202C'),
      said('oak-primary', ' \n\t '),
      answer('oak-primary', ['criticalThinking']),
      said('oak-primary', 'no comment from someone else', 'online'),
    ];
    const report = trainingReport(responses, await realDirectory(), YEAR);
    expect(report.overall.shown && report.overall.comments).toEqual(['abc evil', 'bell and [31mred [0m', 'first line second line third', 'no comment from someone else']);
    expect(reportedComment('one\u2028two\u2029three\u00a0four')).toBe('one two three four');
  });

  it('only the chosen school year\'s comments', async () => {
    const responses = [...times(5, () => said('oak-primary', 'this year')), { ...said('oak-primary', 'last year'), schoolYear: '2025-2026' }];
    const report = trainingReport(responses, await realDirectory(), YEAR);
    expect(report.overall.shown && report.overall.comments).toEqual(Array(5).fill('this year'));
  });

  it('overall shown but nobody commented: an empty list', async () => {
    const report = trainingReport(times(5, () => answer('oak-primary', ['criticalThinking'])), await realDirectory(), YEAR);
    expect(report.overall).toMatchObject({ shown: true, comments: [] });
  });

  it('fewer than five answers in all: no comment at all, not even that there are some', async () => {
    const report = trainingReport(times(4, () => said('oak-primary', 'please more on online groups')), await realDirectory(), YEAR);
    expect(report.overall).toEqual({ shown: false, reason: 'smallGroup' });
    expect(JSON.stringify(report)).not.toMatch(/comment|online groups/i);
  });

  it('overall figures withheld (they would reveal a group under five): its comments are withheld with them', async () => {
    const responses = [...times(5, () => said('oak-primary', 'from the big school')), said('harbour-secondary', 'the only one at the Atheneum', 'online')];
    const report = trainingReport(responses, await realDirectory(), YEAR);
    expect(report.overall).toEqual({ shown: false, reason: 'revealsSmallGroup' });
    expect(JSON.stringify(report)).not.toMatch(/comment|big school|the only one/i);
  });
});
