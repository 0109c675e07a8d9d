import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import nock from 'nock';
import { Danger, Offer } from '../../../dialogs/concern.js';
import { THROTTLED_REPLY_WAITS_MS } from '../../../src/channels/teams/teamsChannel.js';
import { createLogger } from '../../../src/log.js';
import { offerCallbackText, text } from '../../helpers/fixtures.js';
import { startApp, type RunningApp } from '../../helpers/server.js';
import { emptyDb } from '../../../src/store/schema.js';
import { openMemoryStore } from '../../../src/store/store.js';
import { activity, fakeConnector, postActivity, SERVICE_URL, type ConnectorCall, type TeamsUser } from '../../helpers/teams.js';

let running: RunningApp | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
  nock.cleanAll();
});

const teacher: TeamsUser = { id: '29:teacher', aadObjectId: 'aad-teacher-1', name: 'A Teacher' };

async function teamsApp(env: Record<string, string> = { TEAMS_ENABLED: 'true' }) {
  running = await startApp(env);
  return running;
}

describe('Teams channel', () => {
  it.each([
    ['de', 'de-DE', 'ich mache mir Sorgen um einen Schüler'],
    ['fr', 'fr-BE', 'je suis inquiet pour un élève'],
  ] as const)('a full worried-about-a-pupil conversation in %s via card submits', async (lang, locale, opening) => {
    const connector = fakeConnector();
    const { base, app } = await teamsApp();
    const say = async (fields: Record<string, unknown>) => {
      const res = await postActivity(base, activity(teacher, { locale, ...fields }));
      expect(res.status).toBe(200);
    };
    await say({ text: opening });
    expect(connector.texts()).toContain(await text(lang, 'concern:dangerPrompt'));
    expect(connector.lastChoices().map((c) => c.choice)).toEqual([Danger.Yes, Danger.No]);
    const submit = (choice: string) => say({ text: undefined, value: { choice } });
    await submit(Danger.No);
    await submit('school:st-lucas-technical');
    const mark = connector.calls.length;
    await submit('online');
    const answer = connector.texts(mark).join('\n');
    const liaison = app.directory().liaisonFor('st-lucas-technical')!;
    expect(answer).toContain(await text(lang, 'concern:advice.online'));
    expect(answer).toContain(`${await text(lang, 'common:field.phone')}: ${liaison.phone}`); // a FactSet
    expect(answer).toContain(await offerCallbackText(lang, app.directory(), 'st-lucas-technical'));
    await submit(Offer.NoThanks);
    expect(connector.texts()).toContain(await text(lang, 'concern:closing'));
    // Replies went to the activity's serviceUrl, as replies to the user's activity.
    expect(connector.calls.every((c) => c.path.startsWith('/emea/v3/conversations/a%3Apersonal-aad-teacher-1/activities/'))).toBe(true);
  });

  it('@mention in a personal chat: the mention is removed before the engine sees the text', async () => {
    const connector = fakeConnector();
    const { base } = await teamsApp();
    await postActivity(
      base,
      activity(teacher, {
        text: '<at>School liaison assistant</at> language',
        entities: [{ type: 'mention', mentioned: { id: '28:bot-app-id', name: 'School liaison assistant' }, text: '<at>School liaison assistant</at>' }],
      }),
    );
    expect(connector.texts()).toContain(await text('en', 'language:prompt'));
  });

  it('a message with a mention of the bot but no text is answered (the SDK\'s mention stripping threw on it)', async () => {
    const connector = fakeConnector();
    const { base } = await teamsApp();
    const mentionOnly = activity(teacher, { entities: [{ type: 'mention', mentioned: { id: '28:bot-app-id', name: 'School liaison assistant' }, text: '<at>School liaison assistant</at>' }] });
    delete (mentionOnly as { text?: string }).text;
    expect((await postActivity(base, mentionOnly)).status).toBe(200);
    expect(connector.texts()).toContain(await text('en', 'menu:prompt'));
  });

  it('a mention typed "Mention" without its text or id is refused with 400 like "mention" (the SDK reads both spellings, and threw on it)', async () => {
    const connector = fakeConnector();
    const { base, app } = await teamsApp();
    for (const type of ['Mention', 'MENTION', 'mention']) {
      expect([type, (await postActivity(base, activity(teacher, { text: 'menu', entities: [{ type }] }))).status]).toEqual([type, 400]);
    }
    expect(connector.calls).toEqual([]);
    expect(app.store.data.users['teams:aad-teacher-1']).toBeUndefined();
    // A well-formed "Mention" is stripped like a "mention".
    const mention = { type: 'Mention', mentioned: { id: '28:bot-app-id', name: 'School liaison assistant' }, text: '<at>School liaison assistant</at>' };
    expect((await postActivity(base, activity(teacher, { text: '<at>School liaison assistant</at> language', entities: [mention] }))).status).toBe(200);
    expect(connector.texts()).toContain(await text('en', 'language:prompt'));
  });

  it('a reference taken while no app id was set never receives the bot token once one is set: not sent, the user marked to be told', async () => {
    const db = emptyDb();
    running = await startApp({ TEAMS_ENABLED: 'true' }, { store: await openMemoryStore(db) });
    // Unauthenticated, anyone can post an activity naming any serviceUrl.
    const forged = activity(teacher, { text: 'menu', serviceUrl: 'https://collector.example/' });
    nock('https://collector.example').persist().post(/.*/).reply(200, {});
    expect((await postActivity(running.base, forged)).status).toBe(200);
    const key = 'teams:aad-teacher-1';
    expect(running.app.store.data.users[key]!.address!.data.unverified).toBe(true);
    const stored = structuredClone(running.app.store.data);
    await running.stop();
    nock.cleanAll();

    running = await startApp({ MicrosoftAppId: '00000000-0000-0000-0000-0000000000aa', MicrosoftAppPassword: 'secret' }, { store: await openMemoryStore(stored) });
    const asked: string[] = [];
    nock.emitter.on('no match', (req: { hostname?: string }) => asked.push(String(req.hostname)));
    try {
      const address = running.app.store.data.users[key]!.address!;
      expect(await running.app.notifier.toAddress(address, 'en', () => [{ kind: 'text', text: 'a call-back request' }], key)).toBe('unreachable');
      expect(running.app.store.data.users[key]?.unreachable?.reason).toBe('unverified_reference');
      expect(asked).toEqual([]); // neither a token requested nor the collector called
    } finally {
      nock.emitter.removeAllListeners('no match');
    }
  });

  it.each([
    ['a team channel', 'channel', '19:staffroom@thread.tacv2;messageid=1'],
    ['a group chat', 'groupChat', '19:group-chat@thread.v2'],
  ])('in %s it runs no dialog, keeps nothing and points to a personal chat', async (_name, conversationType, conversationId) => {
    const connector = fakeConnector();
    const { base, app } = await teamsApp();
    const mention = { type: 'mention', mentioned: { id: '28:bot-app-id', name: 'School liaison assistant' }, text: '<at>School liaison assistant</at>' };
    const message = activity(
      teacher,
      { text: "<at>School liaison assistant</at> I'm worried about a pupil", locale: 'nl-BE', entities: [mention], conversation: { id: conversationId, conversationType, tenantId: 'tenant-1' } },
      conversationId,
    );
    expect((await postActivity(base, message)).status).toBe(200);
    expect(connector.texts()).toEqual([await text('nl', 'channels:teams.personalChatOnly')]);
    expect(connector.calls[0]!.path).toContain(encodeURIComponent(conversationId));
    // Neither the user's address there nor any dialog state: a call-back notice can never land in it.
    expect(app.store.data.users['teams:aad-teacher-1']).toBeUndefined();
    expect(Object.keys(app.store.data.dialogs)).toEqual([]);
    // A redelivery of the same activity is not answered twice.
    await postActivity(base, message);
    expect(connector.calls).toHaveLength(1);
  });

  it("installed in a team: no greeting in the channel, and the installer's address is not taken from it", async () => {
    const connector = fakeConnector();
    const { base, app } = await teamsApp();
    const channel = '19:general@thread.tacv2';
    await postActivity(
      base,
      activity(teacher, { type: 'conversationUpdate', text: undefined, membersAdded: [{ id: '28:bot-app-id' }], conversation: { id: channel, conversationType: 'channel', tenantId: 'tenant-1' } }, channel),
    );
    expect(connector.calls).toEqual([]);
    expect(app.store.data.users['teams:aad-teacher-1']).toBeUndefined();
  });

  it('training report: an officer gets an Action.OpenUrl to the CSV, and the link serves the file', async () => {
    const connector = fakeConnector();
    const db = emptyDb();
    for (let i = 0; i < 5; i++) {
      db.trainingResponses.push({ id: `r${i}`, schoolYear: '2026-2027', schoolId: 'canal-secondary', role: 'teacher', competences: ['onlineRadicalisation'], format: 'online', month: '2026-11' });
    }
    running = await startApp(
      { TEAMS_ENABLED: 'true', PUBLIC_URL: 'https://assistant.example.org' },
      { store: await openMemoryStore(db, { checkChanges: true }), clock: () => new Date('2026-11-24T10:00:00Z') },
    );
    const officer: TeamsUser = { id: '29:liaison-south', aadObjectId: running.app.directory().person('liaison-south')!.teamsUserId!, name: 'Officer' };
    expect((await postActivity(running.base, activity(officer, { text: 'training', locale: 'nl-BE' }))).status).toBe(200);
    const openUrls = connector.calls.flatMap((c) => (c.body.attachments ?? []).flatMap((a) => ((a.content as { actions?: { type: string; url?: string; title: string }[] }).actions ?? []).filter((x) => x.type === 'Action.OpenUrl')));
    expect(openUrls).toHaveLength(1);
    expect(openUrls[0]!.title).toBe(await text('nl', 'training:report.csvLink'));
    expect(openUrls[0]!.url).toMatch(/^https:\/\/assistant\.example\.org\/exports\/[A-Za-z0-9_-]{22}$/);
    const res = await fetch(`${running.base}${new URL(openUrls[0]!.url!).pathname}`);
    expect(res.status).toBe(200);
    // Semicolons for a Dutch reader, and the topic named in Dutch.
    const rows = (await res.text()).replace(/^\uFEFF/, '').trim().split('\n');
    expect(rows[0]).toBe((await Promise.all(['scope', 'group', 'responses', 'dimension', 'item', 'count', 'label'].map((c) => text('nl', `training:csv.column.${c}`)))).join(';'));
    expect(rows).toContain(`canal-secondary;Athénée du Canal;5;${await text('nl', 'training:csv.dimension.competence')};onlineRadicalisation;5;${await text('nl', 'training:competence.onlineRadicalisation')}`);
  });

  it('a liaison dialog left open cannot be continued by someone without the role (the role is checked at every turn)', async () => {
    const connector = fakeConnector();
    const { base, app } = await teamsApp();
    // A teacher's state holding a liaison-only dialog (a shared state, or a role withdrawn in the directory since).
    await postActivity(base, activity(teacher, { text: 'menu' }));
    app.store.data.dialogs['teams:a:personal-aad-teacher-1'] = {
      stack: [{ dialogId: 'logContact', step: 'askSchool', values: {}, args: {}, waiting: 'prompt', prompt: { text: { key: 'liaison:contact.schoolPrompt' }, choices: [{ value: 'school:canal-secondary', label: { literal: 'Athénée du Canal' } }] } }],
      updatedAt: new Date().toISOString(),
    };
    const mark = connector.calls.length;
    await postActivity(base, activity(teacher, { text: undefined, value: { choice: 'school:canal-secondary' } }));
    const said = connector.texts(mark);
    expect(said[0]).toBe(await text('en', 'common:notAllowed'));
    expect(said).toContain(await text('en', 'menu:prompt'));
    expect(app.store.data.contacts).toEqual([]);
    expect(app.store.data.dialogs['teams:a:personal-aad-teacher-1']!.stack.map((f) => f.dialogId)).toEqual(['menu']);
  });

  it.each([
    ['Web Chat', { channelId: 'webchat' }],
    ['Direct Line', { channelId: 'directline' }],
    ['another tenant', { channelData: { tenant: { id: 'tenant-2' } } }],
  ])('an activity from %s is refused with 403 and runs nothing', async (_name, fields) => {
    const connector = fakeConnector();
    const { base, app } = await teamsApp({ TEAMS_ENABLED: 'true', MicrosoftAppTenantId: 'tenant-1' });
    const res = await postActivity(base, activity(teacher, { text: 'menu', ...fields }));
    expect(res.status).toBe(403);
    expect(connector.calls).toEqual([]);
    expect(app.store.data.users['teams:aad-teacher-1']).toBeUndefined();
    // The configured tenant's own Teams users are served, whatever the case of its id.
    expect((await postActivity(base, activity(teacher, { text: 'menu' }))).status).toBe(200);
    expect((await postActivity(base, activity(teacher, { text: 'menu', channelData: { tenant: { id: 'TENANT-1' } } }))).status).toBe(200);
    expect(connector.texts()).toContain(await text('en', 'menu:prompt'));
  });

  it("with an app id set, another channel's activity is refused before any token check could let it in", async () => {
    const connector = fakeConnector();
    const { base } = await teamsApp({ MicrosoftAppId: '00000000-0000-0000-0000-0000000000aa', MicrosoftAppPassword: 'secret' });
    expect((await postActivity(base, activity(teacher, { text: 'menu', channelId: 'webchat' }), { authorization: 'Bearer x' })).status).toBe(403);
    expect(connector.calls).toEqual([]);
  });

  it.each([
    ['no recipient', { recipient: undefined }],
    ['a mention without its text', { entities: [{ type: 'mention', mentioned: { id: '28:bot-app-id' } }] }],
    ['an entity without a type', { entities: [{ mentioned: { id: '28:bot-app-id' }, text: 'x' }] }],
  ])('a malformed activity (%s) gets 400, and its corrected redelivery still runs', async (_name, broken) => {
    const connector = fakeConnector();
    const { base } = await teamsApp();
    const good = activity(teacher, { text: 'menu' });
    expect((await postActivity(base, { ...good, ...broken })).status).toBe(400);
    expect(connector.calls).toEqual([]);
    expect((await postActivity(base, good)).status).toBe(200);
    expect(connector.texts()).toContain(await text('en', 'menu:prompt'));
  });

  it("install greeting: once per delivery, in the user's language, storing the reference", async () => {
    const connector = fakeConnector();
    const { base, app } = await teamsApp();
    const update = activity(teacher, { type: 'conversationUpdate', locale: 'nl-NL', text: undefined, membersAdded: [{ id: '28:bot-app-id' }] });
    await postActivity(base, update);
    await postActivity(base, update); // the connector delivered it twice
    const prompt = await text('nl', 'menu:prompt');
    expect(connector.texts().filter((t) => t === prompt)).toHaveLength(1);
    const user = app.store.data.users['teams:aad-teacher-1'];
    expect((user?.address?.data.reference as { serviceUrl: string }).serviceUrl).toBe(SERVICE_URL);
    // Not their display name: the assistant tells users it keeps a technical identifier, not their name.
    expect(JSON.stringify(app.store.data)).not.toContain(teacher.name);
  });

  it('removed and installed again: the new installation is greeted and ends the unreachable mark, so notices reach the user again', async () => {
    let removed = false;
    const connector = fakeConnector({ override: () => (removed ? 403 : undefined) });
    const { base, app } = await teamsApp();
    const install = () => postActivity(base, activity(teacher, { type: 'conversationUpdate', text: undefined, membersAdded: [{ id: '28:bot-app-id' }] }));
    await install();
    const key = 'teams:aad-teacher-1';
    const address = () => app.store.data.users[key]!.address!;
    removed = true;
    expect(await app.notifier.toAddress(address(), 'en', () => [{ kind: 'text', text: 'lost' }], key)).toBe('unreachable');
    expect(app.store.data.users[key]?.unreachable).toBeDefined();

    removed = false;
    const mark = connector.calls.length;
    await install();
    const said = connector.texts(mark);
    expect(said[0]).toBe(await text('en', 'common:missedMessages'));
    expect(said).toContain(await text('en', 'menu:prompt'));
    expect(app.store.data.users[key]?.unreachable).toBeUndefined();
    expect(await app.notifier.toAddress(address(), 'en', () => [{ kind: 'text', text: 'back again' }], key)).toBe('sent');
    expect(connector.calls.at(-1)!.body.text).toBe('back again');
  });

  it('a 401 from the connector (our credentials refused) is a failure to retry, not a user who left', async () => {
    let refuse = false;
    fakeConnector({ override: () => (refuse ? 401 : undefined) });
    const { base, app } = await teamsApp();
    await postActivity(base, activity(teacher, { text: 'menu' }));
    refuse = true;
    const key = 'teams:aad-teacher-1';
    expect(await app.notifier.toAddress(app.store.data.users[key]!.address!, 'en', () => [{ kind: 'text', text: 'x' }], key)).toBe('failed');
    expect(app.store.data.users[key]?.unreachable).toBeUndefined();
  });

  it('a proactive message reaches a stored reference; a 403 marks it stale and the user hears it on next contact', async () => {
    let refuse = false;
    const connector = fakeConnector({ override: () => (refuse ? 403 : undefined) });
    const { base, app } = await teamsApp();
    await postActivity(base, activity(teacher, { text: 'menu', locale: 'en-GB' }));
    const address = app.store.data.users['teams:aad-teacher-1']!.address!;
    const before = connector.calls.length;
    expect(await app.notifier.toAddress(address, 'en', () => [{ kind: 'text', text: 'proactive hello' }], 'teams:aad-teacher-1')).toBe('sent');
    expect(connector.calls.length).toBe(before + 1);
    expect(connector.calls.at(-1)!.body.text).toBe('proactive hello');

    refuse = true;
    expect(await app.notifier.toAddress(address, 'en', () => [{ kind: 'text', text: 'lost' }], 'teams:aad-teacher-1')).toBe('unreachable');
    expect(app.store.data.users['teams:aad-teacher-1']?.unreachable?.reason).toBe('stale_reference_403');
    const attempts = connector.calls.length;
    expect(attempts).toBe(before + 2); // a 403 is not retried

    refuse = false;
    await postActivity(base, activity(teacher, { text: 'menu', locale: 'en-GB' }));
    expect(connector.texts(attempts)[0]).toBe(await text('en', 'common:missedMessages'));
    expect(app.store.data.users['teams:aad-teacher-1']?.unreachable).toBeUndefined();
  });

  it('a 503 from the connector is retried with back-off (by the connector client), then delivered', async () => {
    let failures = 1;
    const connector = fakeConnector({ override: () => (failures-- > 0 ? 503 : undefined) });
    const { base, app } = await teamsApp();
    await postActivity(base, activity(teacher, { text: 'menu' }));
    failures = 1;
    const address = app.store.data.users['teams:aad-teacher-1']!.address!;
    const before = connector.calls.length;
    expect(await app.notifier.toAddress(address, 'en', () => [{ kind: 'text', text: 'eventually' }])).toBe('sent');
    expect(connector.calls.length - before).toBe(2);
  });

  it('at start, officers Teams cannot reach yet (they never opened the app) are named by id in a warning', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });
    fakeConnector();
    running = await startApp({ TEAMS_ENABLED: 'true' }, { app: { log: createLogger('info', sink) } });
    const warning = lines.map((l) => JSON.parse(l) as { event?: string; people?: string[] }).find((l) => l.event === 'people_not_reachable_yet');
    expect(warning?.people).toContain('liaison-south');
  });

  it('a reply throttled without Retry-After is tried again after a short wait, and the replies arrive in order', async () => {
    let throttle = 0;
    const connector = fakeConnector({ override: () => (throttle-- > 0 ? 429 : undefined) });
    const waits: number[] = [];
    running = await startApp({ TEAMS_ENABLED: 'true' }, { app: { teams: { sleep: async (ms) => void waits.push(ms) } } });
    // "help" answers with several replies: their order when nothing is throttled (after a first turn, which greets).
    const shown = (c: ConnectorCall) => JSON.stringify([c.body.text, c.body.attachments]);
    await postActivity(running.base, activity(teacher, { text: 'help' }));
    const start = connector.calls.length;
    await postActivity(running.base, activity(teacher, { text: 'help' }));
    const order = connector.calls.slice(start).map(shown);
    expect(order.length).toBeGreaterThanOrEqual(2);
    const mark = connector.calls.length;
    throttle = 2; // the first reply, twice
    expect((await postActivity(running.base, activity(teacher, { text: 'help' }))).status).toBe(200);
    expect(waits).toEqual([...THROTTLED_REPLY_WAITS_MS]);
    // The two throttled attempts, then every reply in order: the connector client did not retry a 429 without Retry-After itself.
    expect(connector.calls.slice(mark).map(shown)).toEqual([order[0], order[0], ...order]);
  });

  it('a 429 with Retry-After is left to the connector client, which waits and retries it itself', async () => {
    let throttled = false;
    const connector = fakeConnector({ override: () => (throttled ? [429, { 'Retry-After': '0' }] : undefined) });
    const waits: number[] = [];
    running = await startApp({ TEAMS_ENABLED: 'true' }, { app: { teams: { sleep: async (ms) => void waits.push(ms) } } });
    throttled = true;
    const before = connector.calls.length;
    expect((await postActivity(running.base, activity(teacher, { text: 'menu' }))).status).toBe(200);
    expect(waits).toEqual([]);
    // The client's own tries (the first and its retries), and none of ours on top.
    expect(connector.calls.length - before).toBe(4);
  });

  it('a second message\'s replies wait for the first message\'s, while those wait out a throttle', async () => {
    let throttle = 0;
    const connector = fakeConnector({ override: () => (throttle-- > 0 ? 429 : undefined) });
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    running = await startApp({ TEAMS_ENABLED: 'true' }, { app: { teams: { sleep: () => held } } });
    const base = running.base;
    throttle = 1;
    const help = activity(teacher, { text: 'help' });
    const menu = activity(teacher, { text: 'menu' });
    const first = postActivity(base, help);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the first turn is stored and its first reply throttled
    const second = postActivity(base, menu);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sentBeforeRelease = connector.calls.length;
    release();
    await Promise.all([first, second]);
    expect(sentBeforeRelease).toBe(1); // only the throttled attempt: the second message's replies waited
    // Each reply is posted as a reply to its message: every one to "help" before any to "menu".
    const repliedTo = connector.calls.map((c) => decodeURIComponent(c.path.split('/').pop()!));
    expect(repliedTo.lastIndexOf(help.id)).toBeLessThan(repliedTo.indexOf(menu.id));
    expect(repliedTo.filter((id) => id === menu.id).length).toBeGreaterThan(0);
  });

  it('a reply still throttled after the waits is logged as lost (status only) and the later replies are not sent', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });
    let throttled = false;
    const connector = fakeConnector({ override: () => (throttled ? 429 : undefined) });
    running = await startApp({ TEAMS_ENABLED: 'true' }, { app: { log: createLogger('info', sink), teams: { sleep: async () => undefined } } });
    throttled = true;
    const before = connector.calls.length;
    // "help" answers with several replies (the help text, then the menu).
    expect((await postActivity(running.base, activity(teacher, { text: 'help' }))).status).toBe(200);
    expect(connector.calls.length - before).toBe(THROTTLED_REPLY_WAITS_MS.length + 1);
    const lost = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === 'teams_reply_lost');
    expect(lost).toMatchObject({ status: 429, attempts: THROTTLED_REPLY_WAITS_MS.length + 1 });
    // The turn was stored all the same: the next message is answered, here with as many replies as were not sent.
    throttled = false;
    const mark = connector.calls.length;
    expect((await postActivity(running.base, activity(teacher, { text: 'help' }))).status).toBe(200);
    const replies = connector.calls.length - mark;
    expect(replies).toBeGreaterThanOrEqual(2);
    expect(lost!.unsent).toBe(replies);
  });

  it('a connector that keeps failing is reported as a transient failure after a bounded number of tries', async () => {
    let failing = false;
    const connector = fakeConnector({ override: () => (failing ? 500 : undefined) });
    const { base, app } = await teamsApp();
    await postActivity(base, activity(teacher, { text: 'menu' }));
    failing = true;
    const address = app.store.data.users['teams:aad-teacher-1']!.address!;
    const before = connector.calls.length;
    expect(await app.notifier.toAddress(address, 'en', () => [{ kind: 'text', text: 'x' }], 'teams:aad-teacher-1')).toBe('failed');
    expect(connector.calls.length - before).toBeLessThanOrEqual(4);
    expect(app.store.data.users['teams:aad-teacher-1']?.unreachable).toBeUndefined(); // transient: not marked stale
  });

  it('with an app id set, a request without a valid token is refused with 401 and runs nothing', async () => {
    const connector = fakeConnector();
    const { base, app } = await teamsApp({ MicrosoftAppId: '00000000-0000-0000-0000-0000000000aa', MicrosoftAppPassword: 'secret' });
    // The SDK's own handler printed each refusal to the console as a stack trace: anyone could fill the log.
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect((await postActivity(base, activity(teacher, { text: 'menu' }))).status).toBe(401);
      expect((await postActivity(base, activity(teacher, { text: 'menu' }), { authorization: 'Bearer not-a-jwt' })).status).toBe(401);
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      consoleError.mockRestore();
    }
    expect(connector.calls).toEqual([]);
    expect(app.store.data.users['teams:aad-teacher-1']).toBeUndefined();
  });

  it('with an app id set, a token that cannot be checked now (the key service unreachable) gets 503, not 500', async () => {
    const connector = fakeConnector();
    const { base, app } = await teamsApp({ MicrosoftAppId: '00000000-0000-0000-0000-0000000000aa', MicrosoftAppPassword: 'secret' });
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const jwt = `${part({ alg: 'RS256', typ: 'JWT', kid: 'key-1' })}.${part({ iss: 'https://api.botframework.com', aud: '00000000-0000-0000-0000-0000000000aa', nbf: now - 60, exp: now + 3600, serviceurl: 'https://smba.trafficmanager.net/emea/' })}.${'A'.repeat(342)}`;
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const res = await postActivity(base, activity(teacher, { text: 'menu' }), { authorization: `Bearer ${jwt}` });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: { code: 'ServiceUnavailable', message: expect.any(String) } });
      expect(res.headers.get('retry-after')).toBe('5');
    } finally {
      consoleError.mockRestore();
    }
    expect(connector.calls).toEqual([]);
    expect(app.store.data.users['teams:aad-teacher-1']).toBeUndefined();
  });

  it('is off unless an app id or TEAMS_ENABLED is set', async () => {
    const { base } = await teamsApp({});
    expect((await postActivity(base, activity(teacher, { text: 'menu' }))).status).toBe(404);
  });
});
