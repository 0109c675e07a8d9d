import { afterEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { Danger, Offer } from '../../../dialogs/concern.js';
import { text } from '../../helpers/fixtures.js';
import { startApp, type RunningApp } from '../../helpers/server.js';
import { activity, fakeConnector, postActivity, SERVICE_URL, type TeamsUser } from '../../helpers/teams.js';

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
    expect(answer).toContain(await text(lang, 'concern:offerCallback'));
    await submit(Offer.NoThanks);
    expect(connector.texts()).toContain(await text(lang, 'concern:closing'));
    // Replies went to the activity's serviceUrl, as replies to the user's activity.
    expect(connector.calls.every((c) => c.path.startsWith('/emea/v3/conversations/a%3Apersonal-aad-teacher-1/activities/'))).toBe(true);
  });

  it('@mention in a team channel: the mention is removed before the engine sees the text', async () => {
    const connector = fakeConnector();
    const { base } = await teamsApp();
    await postActivity(
      base,
      activity(
        teacher,
        { text: '<at>School liaison assistant</at> language', entities: [{ type: 'mention', mentioned: { id: '28:bot-app-id', name: 'School liaison assistant' }, text: '<at>School liaison assistant</at>' }] },
        '19:channel@thread.tacv2;messageid=1',
      ),
    );
    expect(connector.texts()).toContain(await text('en', 'language:prompt'));
  });

  it('install greeting: once per conversation, in the user\'s language, storing the reference', async () => {
    const connector = fakeConnector();
    const { base, app } = await teamsApp();
    const update = (id: string) =>
      activity(teacher, { type: 'conversationUpdate', id, locale: 'nl-NL', text: undefined, membersAdded: [{ id: '28:bot-app-id' }] });
    await postActivity(base, update('u1'));
    await postActivity(base, update('u2'));
    const prompt = await text('nl', 'menu:prompt');
    expect(connector.texts().filter((t) => t === prompt)).toHaveLength(1);
    const user = app.store.data.users['teams:aad-teacher-1'];
    expect((user?.address?.data.reference as { serviceUrl: string }).serviceUrl).toBe(SERVICE_URL);
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
    expect((await postActivity(base, activity(teacher, { text: 'menu' }))).status).toBe(401);
    expect((await postActivity(base, activity(teacher, { text: 'menu' }), { authorization: 'Bearer not-a-jwt' })).status).toBe(401);
    expect(connector.calls).toEqual([]);
    expect(app.store.data.users['teams:aad-teacher-1']).toBeUndefined();
  });

  it('is off unless an app id or TEAMS_ENABLED is set', async () => {
    const { base } = await teamsApp({});
    expect((await postActivity(base, activity(teacher, { text: 'menu' }))).status).toBe(404);
  });
});
