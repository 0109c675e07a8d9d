import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { Danger, Offer } from '../../../dialogs/concern.js';
import { offerCallbackText, text } from '../../helpers/fixtures.js';
import { startApp, type RunningApp } from '../../helpers/server.js';
import { clickButton, clickLinkButton, dm, fakeSlackApi, postEvent, SLACK_ENV, slackHeaders, slashCommand, waitFor, type SlackCall } from '../../helpers/slack.js';
import { createLogger } from '../../../src/log.js';
import { openMemoryStore } from '../../../src/store/store.js';
import { emptyDb } from '../../../src/store/schema.js';

const GOV_API = 'https://slack.gov.example/api/';
let running: RunningApp | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
  nock.cleanAll();
});

async function slackApp(env: Record<string, string> = {}, slackOptions = {}) {
  running = await startApp({ ...SLACK_ENV, SLACK_API_URL: GOV_API, ...env }, { app: { slack: { processBeforeResponse: true, sleep: async () => undefined, ...slackOptions } } });
  return running;
}

/** The texts of all section blocks of a posted message, joined. */
function blockText(call: SlackCall): string {
  return (call.args.blocks as { type: string; text?: { text: string }; fields?: { text: string }[] }[])
    .map((b) => [b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text)].join('\n'))
    .join('\n');
}

describe('Slack channel', () => {
  it('a message written in a thread of the DM (also when sent to the DM as well) is answered in that thread, and so is a button clicked there; the DM itself gets top-level answers', async () => {
    const api = fakeSlackApi(GOV_API);
    const { base } = await slackApp();
    const teacher = 'U-THREAD';
    await postEvent(base, { ...dm(teacher, 'menu'), thread_ts: '1700000000.000100' });
    const inThread = api.posts();
    expect(inThread.length).toBeGreaterThan(0);
    expect(inThread.every((c) => c.args.thread_ts === '1700000000.000100')).toBe(true);

    const before = api.posts().length;
    const res = await clickButton(base, { user: teacher, channel: `D-${teacher}`, value: 'cmd:help', threadTs: '1700000000.000100' });
    expect(res.status).toBe(200);
    const afterClick = api.posts().slice(before);
    expect(afterClick.length).toBeGreaterThan(0);
    expect(afterClick.every((c) => c.args.thread_ts === '1700000000.000100')).toBe(true);

    // A thread reply also sent to the DM ("Also send to direct message") is a message of that thread.
    const broadcast = api.posts().length;
    await postEvent(base, { ...dm(teacher, 'language'), subtype: 'thread_broadcast', thread_ts: '1700000000.000100' });
    const afterBroadcast = api.posts().slice(broadcast);
    expect(afterBroadcast.map((c) => c.args.text).join('\n')).toContain(await text('en', 'language:prompt'));
    expect(afterBroadcast.every((c) => c.args.thread_ts === '1700000000.000100')).toBe(true);

    const mark = api.posts().length;
    await postEvent(base, dm(teacher, 'menu'));
    const topLevel = api.posts().slice(mark);
    expect(topLevel.length).toBeGreaterThan(0);
    expect(topLevel.every((c) => c.args.thread_ts === undefined)).toBe(true);
  });

  it('training report: an officer gets a link button to the CSV; the link serves the file; clicking it runs no turn', async () => {
    const api = fakeSlackApi(GOV_API);
    const db = emptyDb();
    for (let i = 0; i < 6; i++) {
      db.trainingResponses.push({ id: `r${i}`, schoolYear: '2026-2027', schoolId: 'oak-primary', role: 'teacher', competences: ['criticalThinking'], format: 'online', month: '2026-11' });
    }
    running = await startApp(
      { ...SLACK_ENV, SLACK_API_URL: GOV_API, PUBLIC_URL: 'https://assistant.example.org' },
      { store: await openMemoryStore(db, { checkChanges: true }), clock: () => new Date('2026-11-24T10:00:00Z'), app: { slack: { processBeforeResponse: true, sleep: async () => undefined } } },
    );
    const officer = 'U0LIAISON1';
    await postEvent(running.base, dm(officer, 'training'));
    const blocks = api.posts().flatMap((c) => c.args.blocks as { type: string; block_id?: string; elements?: { url?: string; value?: string }[] }[]);
    const row = blocks.find((b) => b.type === 'actions' && b.elements?.some((e) => e.url))!;
    const url = row.elements![0]!.url!;
    expect(url).toMatch(/^https:\/\/assistant\.example\.org\/exports\/[A-Za-z0-9_-]{22}$/);
    expect(row.elements![0]!.value).toBeUndefined();
    expect(blockText(api.posts().at(-1)!)).toContain(await text('en', 'training:report.csv', { minutes: 15 }));
    // Slack fetches no preview of the link, and the notification text does not carry it.
    for (const post of api.posts()) expect(post.args).toMatchObject({ unfurl_links: 'false', unfurl_media: 'false' });
    expect(api.posts().some((c) => String(c.args.text).includes('/exports/'))).toBe(false);

    const res = await fetch(`${running.base}${new URL(url).pathname}`);
    expect(res.status).toBe(200);
    const csv = (await res.text()).replace(/^\uFEFF/, '');
    expect(csv.split('\n')).toContain(`oak-primary,Basisschool De Eik,6,${await text('en', 'training:csv.dimension.competence')},criticalThinking,6,${await text('en', 'training:competence.criticalThinking')}`);

    const before = api.calls.length;
    const click = await clickLinkButton(running.base, { user: officer, channel: `D-${officer}`, url, blockId: row.block_id! });
    expect(click.status).toBe(200);
    expect(api.calls.slice(before).filter((c) => c.method === 'chat.postMessage' || c.method === 'chat.update')).toEqual([]);
  });

  it('answers Slack\'s URL verification challenge', async () => {
    const { base } = await slackApp();
    const body = JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 'x' });
    const { slackHeaders } = await import('../../helpers/slack.js');
    const res = await fetch(`${base}/slack/events`, { method: 'POST', headers: slackHeaders(body, 'application/json'), body });
    expect(await res.json()).toEqual({ challenge: 'c-123' });
  });

  it.each([
    ['en', 'en-US', "I'm worried about a pupil"],
    ['nl', 'nl-BE', 'ik maak me zorgen over een leerling'],
  ] as const)('a full worried-about-a-pupil conversation in %s, by DM and button clicks, on SLACK_API_URL', async (lang, locale, opening) => {
    const api = fakeSlackApi(GOV_API, { locale: () => locale });
    const { base, app } = await slackApp();
    const teacher = 'U-TEACHER';

    expect((await postEvent(base, dm(teacher, opening))).status).toBe(200);
    const gate = api.posts().at(-1)!;
    expect(gate.args.channel).toBe(`D-${teacher}`);
    expect(gate.args.text).toContain(await text(lang, 'concern:dangerPrompt'));
    expect(api.buttons(gate).map((b) => b.value)).toEqual([Danger.Yes, Danger.No]);
    expect(api.calls.find((c) => c.method === 'users.info')?.args).toMatchObject({ user: teacher, include_locale: 'true' });

    const click = async (value: string) => {
      const last = api.posts().at(-1)!;
      const blocks = last.args.blocks as { type: string; block_id?: string }[];
      const actions = blocks.filter((b) => b.type === 'actions').at(-1)!;
      const button = api.buttons(last).find((b) => b.value === value)!;
      expect(button).toBeDefined();
      const res = await clickButton(base, { user: teacher, channel: `D-${teacher}`, value, label: button.label, blockId: actions.block_id, blocks, messageTs: `m${api.posts().length}` });
      expect(res.status).toBe(200);
    };
    await click(Danger.No);
    // The clicked message was updated so its buttons cannot be pressed twice.
    const update = api.calls.filter((c) => c.method === 'chat.update').at(-1)!;
    expect(JSON.stringify(update.args.blocks)).not.toContain(`"value":"${Danger.No}"`);
    expect(JSON.stringify(update.args.blocks)).toContain('✓');

    await click('school:oak-primary');
    await click('violence');
    const guidance = api.posts().at(-1)!;
    const liaison = app.directory().liaisonFor('oak-primary')!;
    expect(blockText(guidance)).toContain(liaison.phone);
    expect(blockText(guidance)).toContain(await offerCallbackText(lang, app.directory(), 'oak-primary'));
    expect(guidance.args.text).toContain(liaison.name); // the plain-text fallback carries the facts too
    await click(Offer.NoThanks);
    expect(api.posts().at(-1)!.args.text).toContain(await text(lang, 'concern:closing'));
    // Every Web API call went to the configured API host.
    expect(api.calls.length).toBeGreaterThan(5);
  });

  it('a request with a bad signature gets 401 and runs nothing', async () => {
    const api = fakeSlackApi(GOV_API);
    const { base, app } = await slackApp();
    const res = await postEvent(base, dm('U-X', 'menu'), { secret: 'not-the-secret' });
    expect(res.status).toBe(401);
    expect(api.calls).toEqual([]);
    expect(app.store.data.users['slack:U-X']).toBeUndefined();
  });

  it('a replayed event (same event_id, X-Slack-Retry-Num) never runs a turn twice', async () => {
    const api = fakeSlackApi(GOV_API);
    const { base } = await slackApp();
    // A redelivery is the same event: the same message (channel and ts) under the same event_id.
    const event = dm('U-R', 'menu');
    await postEvent(base, event, { eventId: 'Ev-1' });
    expect((await postEvent(base, event, { eventId: 'Ev-1', retryNum: 1 })).status).toBe(200);
    await postEvent(base, event, { eventId: 'Ev-1', retryNum: 2 });
    expect(api.posts()).toHaveLength(1);
  });

  it('slash command opens the menu in a direct message', async () => {
    const api = fakeSlackApi(GOV_API);
    const { base } = await slackApp();
    const res = await slashCommand(base, 'U-S');
    expect(res.status).toBe(200);
    const post = api.posts().at(-1)!;
    expect(post.args.channel).toBe('D-U-S');
    expect(post.args.text).toContain(await text('en', 'menu:prompt'));
  });

  it('a mention in a channel is answered in a direct message, with only a pointer in the channel', async () => {
    const api = fakeSlackApi(GOV_API);
    const { base } = await slackApp();
    await postEvent(base, { type: 'app_mention', channel: 'C-staff', user: 'U-M', text: '<@U0BOT> help', ts: '5.5' });
    const [inDm, inChannel] = api.posts();
    expect(inDm!.args.channel).toBe('D-U-M');
    expect(inDm!.args.text).toContain((await text('en', 'common:help', { number: '112' })).slice(0, 30));
    expect(inChannel!.args).toMatchObject({ channel: 'C-staff', thread_ts: '5.5', text: await text('en', 'channels:slack.repliedInDm') });
  });

  it('a mention runs one turn: not again when it is edited, nor for another bot, nor inside the DM (where the message runs it, mention stripped)', async () => {
    const api = fakeSlackApi(GOV_API);
    const { base } = await slackApp();
    await postEvent(base, { type: 'app_mention', channel: 'C-staff', user: 'U-M', text: '<@U0BOT> help', ts: '6.6' });
    const after = api.posts().length;
    await postEvent(base, { type: 'app_mention', channel: 'C-staff', user: 'U-M', text: '<@U0BOT> help!', ts: '6.6', edited: { user: 'U-M', ts: '7.7' } });
    await postEvent(base, { type: 'app_mention', channel: 'C-staff', user: 'U-OTHER', bot_id: 'B-OTHER', text: '<@U0BOT> menu', ts: '8.8' });
    await postEvent(base, { type: 'app_mention', channel: 'D-U-M', user: 'U-M', text: '<@U0BOT> help', ts: '9.9' });
    expect(api.posts().length).toBe(after);
    await postEvent(base, dm('U-M', '<@U0BOT> help'));
    expect(api.posts().at(-1)!.args.text).toContain((await text('en', 'common:help', { number: '112' })).slice(0, 30));
  });

  it('a DM is answered even while auth.test fails (the bot ids not configured): any mention is stripped', async () => {
    const api = fakeSlackApi(GOV_API, { override: (call) => (call.method === 'auth.test' ? [200, { ok: false, error: 'internal_error' }] : undefined) });
    const { base } = await slackApp({ SLACK_BOT_ID: '', SLACK_BOT_USER_ID: '' });
    await postEvent(base, dm('U-A', '<@U0BOT> menu'));
    expect(api.calls.some((c) => c.method === 'auth.test')).toBe(true);
    expect(api.posts().at(-1)!.args.text).toContain(await text('en', 'menu:prompt'));
  });

  it('a file sent in the DM runs no turn and is answered that files are neither opened nor kept', async () => {
    const api = fakeSlackApi(GOV_API, { locale: () => 'nl-BE' });
    const { base, app } = await slackApp();
    await postEvent(base, { ...dm('U-F', 'zie bijlage'), subtype: 'file_share', files: [{ id: 'F1', name: 'leerling.pdf' }] });
    expect(api.posts().at(-1)!.args).toMatchObject({ channel: 'D-U-F', text: await text('nl', 'channels:slack.noFiles') });
    expect(app.store.data.users['slack:U-F']).toBeUndefined(); // no turn, nothing kept
    expect(api.calls.some((c) => c.method === 'files.info')).toBe(false);
  });

  it('a double-click answers the question once; a click never moves the conversation out of the DM', async () => {
    const api = fakeSlackApi(GOV_API);
    const { base, app } = await slackApp();
    await postEvent(base, dm('U-T', "I'm worried about a pupil"));
    const gate = api.posts().at(-1)!;
    const blocks = gate.args.blocks as { type: string; block_id?: string }[];
    const blockId = blocks.find((b) => b.type === 'actions')!.block_id!;
    const click = () => clickButton(base, { user: 'U-T', channel: 'D-U-T', value: Danger.No, blockId, blocks, messageTs: 'gate.1' });
    await Promise.all([click(), click()]);
    const schoolPrompt = await text('en', 'concern:schoolPrompt');
    expect(api.posts().filter((p) => String(p.args.text).includes(schoolPrompt))).toHaveLength(1);
    const notUnderstood = await text('en', 'common:notUnderstood');
    expect(api.posts().some((p) => String(p.args.text).includes(notUnderstood))).toBe(false);
    // A click carrying another channel (never sent by Slack for our DMs, but possible): the turn runs in the DM.
    await clickButton(base, { user: 'U-T', channel: 'C-public', value: 'menu' });
    expect(api.posts().at(-1)!.args.channel).toBe('D-U-T');
    expect(app.store.data.users['slack:U-T']!.address!.conversationId).toBe('D-U-T');
  });

  it('a click in the App Home publishes it again, so what was handled leaves it', async () => {
    const api = fakeSlackApi(GOV_API);
    const { base, app } = await slackApp();
    const liaison = app.directory().liaisonFor('oak-primary')!;
    const request = app.callbacks.create({ schoolId: 'oak-primary', urgency: 'today', way: 'chat', window: 'anytime', requesterName: 'Kim Teacher' }, { key: 'web:x', language: 'en' });
    await postEvent(base, { type: 'app_home_opened', user: liaison.slackUserId, tab: 'home', channel: 'D-L' });
    expect(JSON.stringify(api.calls.filter((c) => c.method === 'views.publish').at(-1)!.args.view)).toContain(`callback:ack:${request.id}`);
    await clickButton(base, { user: liaison.slackUserId!, channel: '', value: `callback:ack:${request.id}`, inHome: true });
    const republished = api.calls.filter((c) => c.method === 'views.publish').at(-1)!;
    expect(JSON.stringify(republished.args.view)).not.toContain(`callback:ack:${request.id}`);
  });

  it('App Home: a teacher gets the main actions; a liaison officer also the open call-back requests', async () => {
    const api = fakeSlackApi(GOV_API);
    const { base, app } = await slackApp();
    await postEvent(base, { type: 'app_home_opened', user: 'U-T', tab: 'home', channel: 'D-U-T' });
    const teacherHome = api.calls.find((c) => c.method === 'views.publish')!;
    expect(teacherHome.args.user_id).toBe('U-T');
    expect(JSON.stringify(teacherHome.args.view)).toContain('dialog:concern');
    expect(JSON.stringify(teacherHome.args.view)).not.toContain('dialog:callbackList');

    const liaison = app.directory().liaisonFor('oak-primary')!;
    app.callbacks.create({ schoolId: 'oak-primary', urgency: 'today', way: 'chat', window: 'anytime', requesterName: 'Kim Teacher' }, { key: 'web:x', language: 'en' });
    await postEvent(base, { type: 'app_home_opened', user: liaison.slackUserId, tab: 'home', channel: 'D-L' });
    const officerHome = api.calls.filter((c) => c.method === 'views.publish').at(-1)!;
    const view = JSON.stringify(officerHome.args.view);
    // Greeted as an officer, by name (Slack sends no start of conversation: the App Home is where they arrive).
    expect(view).toContain(JSON.stringify(await text('en', 'menu:welcomeOfficer', { municipality: app.directory().data.municipality.name.en, name: liaison.name })).slice(1, -1));
    expect(JSON.stringify(teacherHome.args.view)).toContain(JSON.stringify(await text('en', 'menu:welcome', { municipality: app.directory().data.municipality.name.en })).slice(1, -1));
    expect(view).toContain('dialog:callbackList');
    expect(view).toContain('Kim Teacher');
    expect(view).toContain('callback:ack:');
    // Their schools with overdue marks (none contacted yet: all overdue).
    expect(view).toContain(`⚠ ${app.directory().school('oak-primary')!.name}`);
    expect(view).not.toContain(app.directory().school('canal-secondary')!.name);

    // A click on a home button runs the turn in the DM.
    await clickButton(base, { user: 'U-T', channel: '', value: 'dialog:language', inHome: true });
    expect(api.posts().at(-1)!.args).toMatchObject({ channel: 'D-U-T' });
    expect(api.posts().at(-1)!.args.text).toContain(await text('en', 'language:prompt'));
  });

  it('proactive notice: a 429 on chat.postMessage is waited out (Retry-After) and then succeeds', async () => {
    let limited = 1;
    const waits: number[] = [];
    const api = fakeSlackApi(GOV_API, {
      override: (call) => (call.method === 'chat.postMessage' && limited-- > 0 ? [429, { ok: false, error: 'ratelimited' }, { 'retry-after': '2' }] : undefined),
    });
    const { app } = await slackApp({}, { sleep: async (ms: number) => void waits.push(ms) });
    const liaison = app.directory().liaisonFor('oak-primary')!;
    const request = app.callbacks.create({ schoolId: 'oak-primary', urgency: 'week', way: 'chat', window: 'anytime', requesterName: 'Lee Teacher' }, { key: 'web:y', language: 'en' });
    await app.callbacks.notifyAssignee(request.id);
    expect(waits).toEqual([2000]);
    const posts = api.posts();
    expect(posts).toHaveLength(2);
    expect(posts[1]!.args.channel).toBe(`D-${liaison.slackUserId}`); // opened from the user id alone
    expect(app.store.data.callbacks[0]!.notifications).toEqual([expect.objectContaining({ result: 'sent' })]);
  });

  it('a rate limit longer than the bound is reported as a failure instead of blocking', async () => {
    fakeSlackApi(GOV_API, {
      override: (call) => (call.method === 'chat.postMessage' ? [429, { ok: false, error: 'ratelimited' }, { 'retry-after': '600' }] : undefined),
    });
    const { app } = await slackApp();
    const request = app.callbacks.create({ schoolId: 'oak-primary', urgency: 'week', way: 'chat', window: 'anytime', requesterName: 'Lee' }, { key: 'web:y', language: 'en' });
    await app.callbacks.notifyAssignee(request.id);
    expect(app.store.data.callbacks[0]!.notifications).toEqual([expect.objectContaining({ result: 'failed' })]);
  });

  it('an error about our own token (account_inactive: a deleted workspace or bot user) marks nobody unreachable', async () => {
    let inactive = false;
    const api = fakeSlackApi(GOV_API, {
      override: (call) => (inactive && call.method === 'chat.postMessage' ? [200, { ok: false, error: 'account_inactive' }] : undefined),
    });
    const { app, base } = await slackApp();
    const liaison = app.directory().liaisonFor('oak-primary')!;
    await postEvent(base, dm(liaison.slackUserId!, 'menu'));
    inactive = true;
    const request = app.callbacks.create({ schoolId: 'oak-primary', urgency: 'today', way: 'chat', window: 'anytime', requesterName: 'Lee' }, { key: 'web:y', language: 'en' });
    await app.callbacks.notifyAssignee(request.id);
    expect(app.store.data.callbacks[0]!.notifications).toEqual([expect.objectContaining({ result: 'failed' })]);
    expect(app.store.data.users[`slack:${liaison.slackUserId}`]?.unreachable).toBeUndefined();
    inactive = false; // the operator fixed the token: the next try gets through
    const before = api.posts().length;
    await app.callbacks.notifyAssignee(request.id);
    expect(api.posts().length).toBe(before + 1);
  });

  it('a permanent error about the recipient (user_disabled) is recorded on the user and not retried', async () => {
    const api = fakeSlackApi(GOV_API, {
      override: (call) => (call.method === 'chat.postMessage' ? [200, { ok: false, error: 'user_disabled' }] : undefined),
    });
    const { app, base } = await slackApp();
    const liaison = app.directory().liaisonFor('oak-primary')!;
    await postEvent(base, dm(liaison.slackUserId!, 'menu')); // the officer is known, then leaves
    const request = app.callbacks.create({ schoolId: 'oak-primary', urgency: 'today', way: 'chat', window: 'anytime', requesterName: 'Lee' }, { key: 'web:y', language: 'en' });
    await app.callbacks.notifyAssignee(request.id);
    expect(app.store.data.users[`slack:${liaison.slackUserId}`]?.unreachable?.reason).toBe('user_disabled');
    const before = api.posts().length;
    await app.callbacks.notifyAssignee(request.id);
    expect(api.posts().length).toBe(before); // not tried again while unreachable
  });

  it('a failed users.info is asked again on the next message: a passing failure does not fix the language', async () => {
    let failing = true;
    const api = fakeSlackApi(GOV_API, {
      locale: () => 'nl-BE',
      override: (call) => (failing && call.method === 'users.info' ? [200, { ok: false, error: 'internal_error' }] : undefined),
    });
    const { base } = await slackApp();
    await postEvent(base, dm('U-NL', 'menu'));
    expect(api.posts().at(-1)!.args.text).toContain(await text('en', 'menu:prompt'));
    failing = false;
    await postEvent(base, dm('U-NL', 'menu'));
    expect(api.posts().at(-1)!.args.text).toContain(await text('nl', 'menu:prompt'));
    expect(api.calls.filter((c) => c.method === 'users.info')).toHaveLength(2);
    await postEvent(base, dm('U-NL', 'menu'));
    expect(api.calls.filter((c) => c.method === 'users.info')).toHaveLength(2); // a locale found is remembered
  });

  it('a slow auth.test (bot ids not configured) never holds up the acknowledgement: the DM is answered, nothing counted unhandled', async () => {
    // auth.test fails at start-up, and when asked again answers only after 1.5 s, longer than a
    // payload may wait for its ack.
    nock(new URL(GOV_API).origin).post('/api/auth.test').reply(200, { ok: false, error: 'internal_error' });
    nock(new URL(GOV_API).origin).post('/api/auth.test').delay(1_500).reply(200, { ok: true, user_id: 'U0BOT', bot_id: 'B0BOT' });
    const api = fakeSlackApi(GOV_API);
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });
    running = await startApp({ ...SLACK_ENV, SLACK_API_URL: GOV_API, SLACK_BOT_ID: '', SLACK_BOT_USER_ID: '' }, { app: { log: createLogger('info', sink) } });
    const res = await postEvent(running.base, dm('U-SLOW', 'menu'));
    expect(res.status).toBe(200);
    await waitFor(() => api.posts().some((p) => p.args.channel === 'D-U-SLOW'), 8_000);
    expect(api.posts().find((p) => p.args.channel === 'D-U-SLOW')!.args.text).toContain(await text('en', 'menu:prompt'));
    expect(lines.join('')).not.toContain('slack_payload_unhandled');
  });

  it('with the production setting (ack first), the turn still runs after the 200', async () => {
    const api = fakeSlackApi();
    running = await startApp(SLACK_ENV);
    const res = await postEvent(running.base, dm('U-P', 'menu'));
    expect(res.status).toBe(200);
    await waitFor(() => api.posts().length === 1);
    expect(api.posts()[0]!.args.text).toContain(await text('en', 'menu:prompt'));
  });

  describe('signed bodies of shapes the listeners cannot read are refused or dropped, never fatal', () => {
    async function withLog() {
      const lines: string[] = [];
      const sink = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });
      const api = fakeSlackApi(GOV_API);
      const started = await slackApp({}, {});
      await started.stop();
      running = await startApp({ ...SLACK_ENV, SLACK_API_URL: GOV_API }, { app: { log: createLogger('info', sink), slack: { processBeforeResponse: true, sleep: async () => undefined } } });
      return { base: running.base, app: running.app, api, lines };
    }
    const signedPost = (base: string, body: string, contentType = 'application/json') =>
      fetch(`${base}/slack/events`, { method: 'POST', headers: slackHeaders(body, contentType), body });

    it.each([
      ['null', 'null'],
      ['an array', '[]'],
      ['a number', '42'],
      ['text that is not JSON (and must not reach the log)', 'Yusuf from 3B is worrying me'],
      ['an event_callback without its event', JSON.stringify({ type: 'event_callback', event_id: 'Ev1' })],
      ['a block_actions payload without its user', `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', actions: [{ type: 'button', value: 'menu' }] }))}`],
      ['a view_submission payload without its user', `payload=${encodeURIComponent(JSON.stringify({ type: 'view_submission', view: {} }))}`],
      ['a shortcut payload without its user', `payload=${encodeURIComponent(JSON.stringify({ type: 'shortcut', callback_id: 'x' }))}`],
      // Bolt tells a payload's kind by its shape, whatever its type says.
      ['an event that is null', JSON.stringify({ event: null })],
      ['an event that is text', JSON.stringify({ event: 'x' })],
      ['an event whose item is null', JSON.stringify({ type: 'event_callback', event: { type: 'message', item: null } })],
      ['an event whose user is null', JSON.stringify({ type: 'event_callback', event: { type: 'message', user: null } })],
      ['an event whose channel is null', JSON.stringify({ type: 'event_callback', event: { type: 'message', channel: null } })],
      ['an event whose first authorization is null', JSON.stringify({ type: 'event_callback', authorizations: [null], event: { type: 'message' } })],
      ['actions without a type or a user', JSON.stringify({ actions: [] })],
      ['actions whose channel is null', `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: 'U-X' }, channel: null, actions: [{ type: 'button', value: 'menu' }] }))}`],
      ['a view closed without its view', `payload=${encodeURIComponent(JSON.stringify({ type: 'view_closed', user: { id: 'U-X' } }))}`],
      ['a slash command without its user', 'command=%2Fliaison&text=menu'],
    ])('%s: 400, the process lives on and the next message is answered', async (_what, body) => {
      const { base, api, lines } = await withLog();
      const contentType = body.startsWith('payload=') ? 'application/x-www-form-urlencoded' : 'application/json';
      const res = await signedPost(base, body, contentType);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: { code: 'BadRequest', message: expect.any(String) } });
      expect(lines.join('')).not.toContain('Yusuf');
      expect((await postEvent(base, dm('U-AFTER', 'menu'))).status).toBe(200);
      expect(api.posts().some((p) => p.args.channel === 'D-U-AFTER')).toBe(true);
    });

    it.each(['/slack/%65vents', '/slack/events;x', '/slack//events'])('a request to %s (a path restify routes here, Bolt does not know) is handled like one to /slack/events, never fatal', async (path) => {
      const { base, api } = await withLog();
      const unsigned = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect([404, 401]).toContain(unsigned.status);
      if (unsigned.status === 401) {
        // Routed here: a signed message through the same path is a message.
        const body = JSON.stringify({ type: 'event_callback', event_id: 'Ev-path', event: dm('U-PATH', 'menu') });
        expect((await fetch(`${base}${path}`, { method: 'POST', headers: slackHeaders(body, 'application/json'), body })).status).toBe(200);
        expect(api.posts().some((p) => p.args.channel === 'D-U-PATH')).toBe(true);
      }
      expect((await postEvent(base, dm('U-AFTER', 'menu'))).status).toBe(200);
      expect(api.posts().some((p) => p.args.channel === 'D-U-AFTER')).toBe(true);
    });

    it('a signed payload of a kind no listener takes is answered 200 within about a second, logged by kind only', async () => {
      const { base, api, lines } = await withLog();
      const started = Date.now();
      // A modal submitted (the app opens none): no listener acknowledges it.
      const payload = { type: 'view_submission', user: { id: 'U-V' }, view: { id: 'V1', callback_id: 'thumbsup-form', state: { values: {} } } };
      const res = await signedPost(base, `payload=${encodeURIComponent(JSON.stringify(payload))}`, 'application/x-www-form-urlencoded');
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(2_500);
      expect(api.posts()).toEqual([]);
      await waitFor(() => lines.join('').includes('slack_payload_unhandled'));
      expect(lines.join('')).not.toContain('thumbsup');
      expect(lines.join('')).not.toContain('not acknowledged within 3 seconds');
    });

    it('a DM event without its channel runs no turn and stores nothing (it once left the store unable to open)', async () => {
      const { base, app, api, lines } = await withLog();
      const { channel: _dropped, ...noChannel } = dm('U-NOCHAN', 'hi');
      expect((await postEvent(base, noChannel)).status).toBe(200);
      expect(app.store.data.users['slack:U-NOCHAN']).toBeUndefined();
      expect(api.posts()).toEqual([]);
      expect(lines.join('')).toContain('slack_payload_invalid');
    });

    it('a button whose value is not a string runs no turn', async () => {
      const { base, app, api } = await withLog();
      const payload = { type: 'block_actions', user: { id: 'U-OBJ' }, channel: { id: 'D-U-OBJ' }, actions: [{ type: 'button', value: { choice: 1 }, block_id: 'b', action_id: 'a' }] };
      const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
      expect((await signedPost(base, body, 'application/x-www-form-urlencoded')).status).toBe(200);
      expect(app.store.data.users['slack:U-OBJ']).toBeUndefined();
      expect(api.posts()).toEqual([]);
    });
  });
});

describe('Slack channel: stopping (SIGTERM) while a turn\'s reply is on its way', () => {
  it('waits until the reply of the turn Slack was already answered for is posted', async () => {
    let throttled = false;
    const api = fakeSlackApi(GOV_API, {
      override: (call) => {
        if (call.method === 'chat.postMessage' && !throttled) {
          throttled = true;
          return [429, { ok: false, error: 'ratelimited' }, { 'retry-after': '3' }];
        }
        return undefined;
      },
    });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let waitingOut429 = false;
    // As in production: Slack gets its 200 before the turn runs, and will not send the event again.
    const app = await slackApp({}, { processBeforeResponse: false, sleep: async () => { waitingOut429 = true; await held; } });
    expect((await postEvent(app.base, dm('U1', 'menu'))).status).toBe(200);
    await waitFor(() => waitingOut429); // the turn is committed; its reply waits out a 429
    let stopped = false;
    const stopping = app.app.stop().then(() => (stopped = true));
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release();
    await stopping;
    running = undefined;
    const posted = api.posts().filter((call) => call.method === 'chat.postMessage');
    expect(posted.length).toBeGreaterThanOrEqual(2); // the throttled try, then the reply itself
  });
});
