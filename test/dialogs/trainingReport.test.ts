import { describe, expect, it } from '@jest/globals';
import { renderForSlack } from '../../src/channels/slack/render.js';
import type { OutboundReply } from '../../src/core/messages.js';
import { CHAT_COMMENTS_MAX } from '../../dialogs/trainingReport.js';
import { SUPPORTED_LANGUAGES, type Language } from '../../src/i18n/languages.js';
import type { TrainingResponse } from '../../src/store/schema.js';
import { engineHarness, realDirectory, TestUser, text } from '../helpers/fixtures.js';

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
    expect(transcript).toContain(await text(lang, 'common:labelled', { label: 'Atheneum Havenkwartier', value: await text(lang, 'training:report.fewerThan', { count: 5 }) }));
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

describe.each(SUPPORTED_LANGUAGES)('training needs report in the chat: per staff role (%s)', (lang: Language) => {
  async function reportFor(roles: [TrainingResponse['role'], number, TrainingResponse['competences']][]) {
    const h = await engineHarness({ clock: () => NOW });
    for (const [role, count, competences] of roles) {
      for (let i = 0; i < count; i++) expect(h.training.submit(`test:${role}-${i}`, { schoolId: 'oak-primary', role, competences, format: 'online' }).ok).toBe(true);
    }
    const officer = new TestUser(h.engine, { id: 'prevention-coordinator', locale: lang });
    const replies = await officer.press('dialog:trainingReport');
    const heading = await text(lang, 'training:report.perRole');
    return replies.find((r) => r.kind === 'text' && r.text.startsWith(heading));
  }

  it('each role with its answers and most asked topics, a role under five without figures', async () => {
    const section = await reportFor([
      ['teacher', 7, ['criticalThinking', 'onlineRadicalisation']],
      ['head', 5, ['informationSharing']],
      ['other', 2, ['religionIdentity']],
      ['careCoordinator', 3, ['workingWithParents']],
    ]);
    const t = (key: string, params?: Record<string, unknown>) => text(lang, key, params);
    expect(section).toEqual({
      kind: 'text',
      text: [
        await t('training:report.perRole'),
        `• ${await t('training:report.role', { role: await t('training:role.teacher'), count: 7, needs: `${await t('training:competence.criticalThinking')} (7), ${await t('training:competence.onlineRadicalisation')} (7)` })}`,
        `• ${await t('training:report.role', { role: await t('training:role.head'), count: 5, needs: `${await t('training:competence.informationSharing')} (5)` })}`,
        `• ${await t('common:labelled', { label: await t('training:role.careCoordinator'), value: await t('training:report.fewerThan', { count: 5 }) })}`,
        `• ${await t('common:labelled', { label: await t('training:role.other'), value: await t('training:report.fewerThan', { count: 5 }) })}`,
      ].join('\n'),
    });
  });

  it('hidden roles holding 1 to 4 answers together: only why the figures per role are not shown', async () => {
    const section = await reportFor([
      ['teacher', 6, ['criticalThinking']],
      ['head', 5, ['informationSharing']],
      ['other', 2, ['religionIdentity']],
    ]);
    expect(section).toEqual({ kind: 'text', text: [await text(lang, 'training:report.perRole'), await text(lang, 'training:report.rolesWithheld', { count: 5 })].join('\n') });
  });
});

type Group = [schoolId: string | null, count: number, pick: Pick<TrainingResponse, 'competences' | 'format'>, comments?: readonly string[]];

/** Answers per school; the first answers of a group carry its comments, one each. */
async function seededWithComments(groups: Group[], publicUrl?: string) {
  const h = await engineHarness({ clock: () => NOW, publicUrl });
  for (const [schoolId, count, pick, comments = []] of groups) {
    for (let i = 0; i < count; i++) {
      const comment = comments[i];
      expect(h.training.submit(`test:${schoolId}-${i}`, { schoolId, role: 'teacher', ...pick, ...(comment === undefined ? {} : { comment }) }).ok).toBe(true);
    }
  }
  return h;
}

async function readReport(groups: Group[], lang: Language, bracesShown = false): Promise<OutboundReply[]> {
  const { engine } = await seededWithComments(groups);
  const officer = new TestUser(engine, { id: 'prevention-coordinator', locale: lang, bracesShown });
  return officer.press('dialog:trainingReport');
}

const textOf = (r: OutboundReply) => (r.kind === 'text' || r.kind === 'choices' ? r.text : '');

describe.each(SUPPORTED_LANGUAGES)('training needs report in the chat: teachers\' comments (%s)', (lang: Language) => {
  it('overall figures shown: the comments, quoted, alphabetical and without school, under a heading after the charts and before the schools', async () => {
    const replies = await readReport(
      [
        ['oak-primary', 5, { competences: ['criticalThinking'], format: 'schoolTeam' }, ['More examples for the classroom', 'evening sessions suit us better']],
        ['harbour-secondary', 3, { competences: ['religionIdentity'], format: 'online' }, ['Short online modules']],
        ['canal-secondary', 2, { competences: ['workingWithParents'], format: 'online' }, ['a guide for talking with parents']],
      ],
      lang,
    );
    const heading = await text(lang, 'training:report.comments');
    const perSchool = await text(lang, 'training:report.perSchool');
    const at = replies.findIndex((r) => textOf(r).startsWith(heading));
    expect(at).toBeGreaterThan(replies.findLastIndex((r) => r.kind === 'chart'));
    expect(at).toBeLessThan(replies.findIndex((r) => textOf(r).startsWith(perSchool)));
    const quoted = async (comment: string) => `• ${await text(lang, 'training:report.comment', { comment })}`;
    expect(replies[at]).toEqual({
      kind: 'text',
      text: [
        heading,
        await quoted('a guide for talking with parents'),
        await quoted('evening sessions suit us better'),
        await quoted('More examples for the classroom'),
        await quoted('Short online modules'),
      ].join('\n'),
    });
    for (const school of (await realDirectory()).data.schools) {
      expect(textOf(replies[at]!)).not.toContain(school.id);
      expect(textOf(replies[at]!)).not.toContain(school.name);
    }
  });

  it('overall figures withheld (they would reveal the one answer at the Atheneum): word for word the report without comments', async () => {
    const groups = (comments: boolean): Group[] => [
      ['oak-primary', 5, { competences: ['criticalThinking'], format: 'schoolTeam' }, comments ? ['More examples for the classroom', 'evening sessions'] : []],
      ['harbour-secondary', 1, { competences: ['religionIdentity'], format: 'online' }, comments ? ['the only one who answered here'] : []],
    ];
    const withComments = await readReport(groups(true), lang);
    expect(withComments).toEqual(await readReport(groups(false), lang));
    const all = withComments.map(textOf).join('\n');
    expect(all).toContain(await text(lang, 'training:report.totalsWithheld', { count: 5 }));
    expect(all).not.toContain(await text(lang, 'training:report.comments'));
    expect(all).not.toMatch(/examples|evening|only one/);
  });

  it('fewer than five answers in all: no comment, and nothing said about comments', async () => {
    const withComment = await readReport([['oak-primary', 2, { competences: ['criticalThinking'], format: 'online' }, ['please come to our school']]], lang);
    expect(withComment).toEqual(await readReport([['oak-primary', 2, { competences: ['criticalThinking'], format: 'online' }]], lang));
    expect(withComment.map(textOf).join('\n')).not.toContain('please come');
  });

  it('no comments: no heading either', async () => {
    const replies = await readReport([['oak-primary', 5, { competences: ['criticalThinking'], format: 'online' }]], lang);
    expect(replies.filter((r) => r.kind === 'chart')).toHaveLength(2);
    expect(replies.map(textOf).join('\n')).not.toContain(await text(lang, 'training:report.comments'));
  });

  it(`more than ${CHAT_COMMENTS_MAX} long comments: the first ${CHAT_COMMENTS_MAX} in a few messages that Slack shows whole, then how many more the export has`, async () => {
    const comments = Array.from({ length: CHAT_COMMENTS_MAX + 7 }, (_, i) => `Wish ${String(i + 1).padStart(2, '0')}: ${'more practical examples for the classroom & <the team> '.repeat(8).trim()}`);
    expect(comments[0]!.length).toBeLessThanOrEqual(500);
    const replies = await readReport([['oak-primary', comments.length, { competences: ['criticalThinking'], format: 'online' }, [...comments].reverse()]], lang);
    const heading = await text(lang, 'training:report.comments');
    const perSchool = await text(lang, 'training:report.perSchool');
    const from = replies.findIndex((r) => textOf(r).startsWith(heading));
    const to = replies.findIndex((r) => textOf(r).startsWith(perSchool));
    const messages = replies.slice(from, to).map(textOf);
    const lines = messages.join('\n').split('\n');
    const quoted = await Promise.all(comments.slice(0, CHAT_COMMENTS_MAX).map(async (comment) => `• ${await text(lang, 'training:report.comment', { comment })}`));
    expect(lines).toEqual([heading, ...quoted, await text(lang, 'training:report.moreComments', { count: 7 })]);
    // Readable everywhere: a handful of messages (each is its own bubble in Teams and the web chat)…
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.length).toBeLessThanOrEqual(6);
    // …and each one Slack section, shown whole (not cut at 3000 characters, even with & < > escaped).
    const slackText = renderForSlack(replies.slice(from, to)).flatMap((m) => m.blocks.map((b) => (b.text as { text: string }).text));
    expect(slackText).toHaveLength(messages.length);
    for (const comment of comments.slice(0, CHAT_COMMENTS_MAX)) expect(slackText.some((t) => t.includes(comment.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')))).toBe(true);
    for (const t of slackText) expect(t.length).toBeLessThanOrEqual(3000);
  });

  it('a comment is shown as written, never read as a template or a key', async () => {
    const comment = '{{year}} $t(training:done) <b>{{count}}</b>';
    const replies = await readReport([['oak-primary', 5, { competences: ['criticalThinking'], format: 'online' }, [comment]]], lang, true);
    expect(replies.map(textOf).join('\n')).toContain(`• ${await text(lang, 'training:report.comment', { comment: 'X' })}`.replace('X', () => comment));
  });
});

describe.each(SUPPORTED_LANGUAGES)('training needs report in the chat: the whole report as CSV (%s)', (lang: Language) => {
  const PUBLIC_URL = 'https://assistant.example.org';
  const csvLines = (content: string) => content.trim().split('\n');
  // Semicolons for Dutch, French and German readers (their spreadsheets' list separator), commas in English.
  const sep = lang === 'en' ? ',' : ';';
  const row = (...cells: (string | number)[]) => cells.map((c) => (String(c).includes(sep) || String(c).includes('"') ? `"${String(c).replace(/"/g, '""')}"` : String(c))).join(sep);

  async function reportWithLink(groups: Group[]) {
    const h = await seededWithComments(groups, PUBLIC_URL);
    const officer = new TestUser(h.engine, { id: 'prevention-coordinator', locale: lang });
    const replies = await officer.press('dialog:trainingReport');
    const link = replies.find((r) => r.kind === 'link');
    return { h, replies, link, file: link?.kind === 'link' ? h.exports.get(link.url.split('/').at(-1)!) : undefined };
  }

  it('ends with a link to the CSV, valid 15 minutes; the file has the same figures and withheld groups, named in the officer\'s language', async () => {
    const { replies, link, file } = await reportWithLink([
      ['oak-primary', 5, { competences: ['criticalThinking'], format: 'schoolTeam' }],
      ['harbour-secondary', 1, { competences: ['religionIdentity'], format: 'online' }],
    ]);
    expect(link).toEqual({
      kind: 'link',
      text: await text(lang, 'training:report.csv', { minutes: 15 }),
      label: await text(lang, 'training:report.csvLink'),
      url: expect.stringMatching(/^https:\/\/assistant\.example\.org\/exports\/[A-Za-z0-9_-]{22}$/),
    });
    expect(replies.filter((r) => r.kind === 'link')).toHaveLength(1);
    // Last in the report: after the figures per school, before the menu that follows every dialog.
    const perSchool = await text(lang, 'training:report.perSchool');
    expect(replies.indexOf(link!)).toBe(replies.findIndex((r) => textOf(r).startsWith(perSchool)) + 1);
    expect(file).toMatchObject({ name: 'training-needs-2026-2027.csv', mediaType: 'text/csv', requestedBy: 'prevention-coordinator' });
    const rows = csvLines(file!.content);
    // Headings and words in the officer's language; the ids in their own columns.
    const t = (key: string, params?: Record<string, unknown>) => text(lang, key, params);
    const columns = await Promise.all(['scope', 'group', 'responses', 'dimension', 'item', 'count', 'label'].map((c) => t(`training:csv.column.${c}`)));
    expect(rows[0]).toBe(row(...columns));
    // The overall counts are withheld in the file as in the chat, and the Atheneum's one answer is nowhere.
    expect(rows.filter((r) => r.startsWith('overall'))).toEqual([row('overall', await t('training:csv.allSchools'), await t('training:csv.withheld'), '', '', '', '')]);
    expect(rows.filter((r) => r.startsWith('harbour-secondary'))).toEqual([row('harbour-secondary', 'Atheneum Havenkwartier', await t('training:report.fewerThan', { count: 5 }), '', '', '', '')]);
    expect(rows).toContain(row('oak-primary', 'Basisschool De Eik', 5, await t('training:csv.dimension.competence'), 'criticalThinking', 5, await t('training:competence.criticalThinking')));
    expect(rows.some((r) => r.includes(row('religionIdentity', 1)))).toBe(false);
    // No figures per role beside withheld totals.
    expect(rows.some((r) => r.startsWith('role:'))).toBe(false);
  });

  it(`more than ${CHAT_COMMENTS_MAX} comments: the chat points to the file, which has every one`, async () => {
    const comments = Array.from({ length: CHAT_COMMENTS_MAX + 3 }, (_, i) => `wish ${String(i + 1).padStart(2, '0')}`);
    const { replies, file } = await reportWithLink([['oak-primary', comments.length, { competences: ['criticalThinking'], format: 'online' }, comments]]);
    const all = replies.map(textOf).join('\n');
    expect(all).toContain(await text(lang, 'training:report.moreCommentsInCsv', { count: 3 }));
    expect(all).not.toContain(await text(lang, 'training:report.moreComments', { count: 3 }));
    expect(all).not.toContain('wish 23');
    // Each comment in the last column, where the other rows name their topic or format.
    const commentKind = await text(lang, 'training:csv.dimension.comment');
    const allSchools = await text(lang, 'training:csv.allSchools');
    const commentRows = csvLines(file!.content).filter((r) => r.startsWith(row('overall', allSchools, comments.length, commentKind, '')));
    expect(commentRows).toEqual(comments.map((c) => row('overall', allSchools, comments.length, commentKind, '', '', c)));
    // The one role (all teachers) after the schools, named in the reader's language.
    expect(csvLines(file!.content)).toContain(
      row('role:teacher', await text(lang, 'training:role.teacher'), comments.length, await text(lang, 'training:csv.dimension.format'), 'online', comments.length, await text(lang, 'training:format.online')),
    );
  });

  it('a school no longer in the directory is named as such in the file, as in the chat', async () => {
    const { file } = await reportWithLink([['closed-school', 5, { competences: ['criticalThinking'], format: 'online' }]]);
    expect(csvLines(file!.content)).toContain(row('closed-school', await text(lang, 'callback:unlistedSchool'), 5, await text(lang, 'training:csv.dimension.competence'), 'criticalThinking', 5, await text(lang, 'training:competence.criticalThinking')));
  });

  it('no answers yet: no link, and nothing held', async () => {
    const { h, replies, link } = await reportWithLink([]);
    expect(replies[0]).toEqual({ kind: 'text', text: await text(lang, 'training:report.none', { year: '2026-2027' }) });
    expect(link).toBeUndefined();
    expect(h.exports.size).toBe(0);
  });

  it('no public address (PUBLIC_URL): no link, and the comments point to the coordinators\' export', async () => {
    const comments = Array.from({ length: CHAT_COMMENTS_MAX + 1 }, (_, i) => `wish ${i}`);
    const h = await seededWithComments([['oak-primary', comments.length, { competences: ['criticalThinking'], format: 'online' }, comments]]);
    const officer = new TestUser(h.engine, { id: 'prevention-coordinator', locale: lang });
    const replies = await officer.press('dialog:trainingReport');
    expect(replies.some((r) => r.kind === 'link')).toBe(false);
    expect(h.exports.size).toBe(0);
    expect(replies.map(textOf).join('\n')).toContain(await text(lang, 'training:report.moreComments', { count: 1 }));
  });
});
