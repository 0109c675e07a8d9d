import { afterEach, describe, expect, it } from '@jest/globals';
import { Danger, Offer } from '../../../dialogs/concern.js';
import { RecordingChannel, text } from '../../helpers/fixtures.js';
import { openConversation, startApp, type RunningApp } from '../../helpers/server.js';

let running: RunningApp | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('call-back loop across channels', () => {
  it('a web chat teacher asks for a call-back; the liaison officer acknowledges; the teacher reads it in the web chat', async () => {
    running = await startApp();
    const { app } = running;
    const officerChannel = new RecordingChannel();
    app.notifier.register(officerChannel);
    const liaison = app.directory().liaisonFor('willow-primary')!;
    // The officer has talked to the assistant before (that is how a proactive address is known).
    await app.engine.handle({
      kind: 'message', channel: 'test', userKey: `test:${liaison.id}`, conversationKey: `test:${liaison.id}`,
      platformUserId: liaison.id, text: 'menu', address: { channel: 'test', conversationId: liaison.id, data: {} },
    });

    const web = await openConversation(running.directLine, 'fr-BE');
    for (const step of [
      { text: 'je suis inquiet pour un élève' },
      { value: { choice: Danger.No } },
      { value: { choice: 'school:willow-primary' } },
      { value: { choice: 'behaviour' } },
      { value: { choice: Offer.CallMe } },
      { value: { choice: 'today' } },
      { value: { choice: 'email' } },
      { value: { choice: 'afterSchool' } },
      { text: 'Camille Prof' },
      { text: 'camille@ecole.example' },
      { value: { choice: 'skip' } },
      { value: { choice: 'send' } },
    ]) {
      expect((await web.post({ type: 'message', locale: 'fr-BE', ...step })).status).toBe(200);
    }
    const { body } = await web.activities();
    // Honest about the web chat: it is deleted after a while idle, so the notice comes only if it is still open.
    const sentFR = await text('fr', 'callback:sentWeb', { name: liaison.name });
    // Followed by what happens next (reminder, backup, whom to call).
    expect(body.activities.some((a) => a.text?.startsWith(`${sentFR}\n`))).toBe(true);
    expect(body.activities.some((a) => a.suggestedActions?.actions.some((x) => x.value.choice === 'chat'))).toBe(false);
    // Cards arrive as text here, their labels and values joined as French writes it ("Nom : …").
    const nameLine = await text('fr', 'common:labelled', { label: await text('fr', 'common:field.name'), value: liaison.name });
    expect(nameLine).toBe(`${await text('fr', 'common:field.name')} : ${liaison.name}`);
    expect(body.activities.some((a) => a.text?.split('\n').includes(nameLine))).toBe(true);
    await app.engine.idle();

    const [request] = app.store.data.callbacks;
    expect(request?.requesterAddress).toEqual({ channel: 'web', conversationId: web.conversationId, data: {} });
    expect(officerChannel.sent).toHaveLength(1);

    await app.engine.handle({
      kind: 'message', channel: 'test', userKey: `test:${liaison.id}`, conversationKey: `test:${liaison.id}`,
      platformUserId: liaison.id, text: '', choice: `callback:ack:${request!.id}`,
    });
    await app.engine.idle();
    const after = await web.activities(Number(body.watermark));
    expect(after.body.activities.map((a) => a.text)).toEqual([
      await text('fr', 'callback:acknowledgedNotice', { name: liaison.name, school: app.directory().school('willow-primary')!.name }),
    ]);
  });

  it('when the web chat is gone by the time the request is acknowledged, the attempt is recorded and nobody was promised otherwise', async () => {
    running = await startApp();
    const { app } = running;
    app.notifier.register(new RecordingChannel());
    const liaison = app.directory().liaisonFor('oak-primary')!;
    const web = await openConversation(running.directLine, 'nl-BE');
    for (const step of [
      { value: { choice: 'dialog:callbackRequest' } },
      { value: { choice: 'school:oak-primary' } },
      { value: { choice: 'whenever' } },
      { value: { choice: 'phone' } },
      { value: { choice: 'anytime' } },
      { text: 'Jef Peeters' },
      { text: '+32 3 555 77 88' },
      { value: { choice: 'skip' } },
      { value: { choice: 'send' } },
    ]) {
      expect((await web.post({ type: 'message', locale: 'nl-BE', ...step })).status).toBe(200);
    }
    const { body } = await web.activities();
    const sentNL = await text('nl', 'callback:sentWeb', { name: liaison.name });
    // Followed by what happens next (reminder, backup, whom to call).
    expect(body.activities.some((a) => a.text?.startsWith(`${sentNL}\n`))).toBe(true);
    await app.engine.idle();
    // The teacher clears the chat (or it expires after WEB_CONVERSATION_IDLE_MINUTES idle).
    const del = await fetch(`${running.directLine}/conversations/${web.conversationId}`, { method: 'DELETE', headers: { authorization: `Bearer ${web.token}` } });
    expect(del.status).toBe(204);

    const [request] = app.store.data.callbacks;
    expect(request).toMatchObject({ way: 'phone', requesterContact: '+32 3 555 77 88' });
    const reply = await app.engine.handle({
      kind: 'message', channel: 'test', userKey: `test:${liaison.id}`, conversationKey: `test:${liaison.id}`,
      platformUserId: liaison.id, text: '', choice: `callback:ack:${request!.id}`, localeHint: 'en',
      address: { channel: 'test', conversationId: liaison.id, data: {} },
    });
    // The officer knows the teacher may not hear of it in the chat, and has their phone number.
    expect(reply.replies).toHaveLength(1);
    expect(reply.replies[0]).toMatchObject({ kind: 'text' });
    const [confirmed, ...details] = (reply.replies[0] as { text: string }).text.split('\n');
    expect(confirmed).toBe(await text('en', 'callback:ackConfirmedWeb', { name: 'Jef Peeters', school: app.directory().school('oak-primary')!.name }));
    expect(details).toContain(await text('en', 'callback:teacherLanguage', { language: await text('en', 'common:languageNames.nl') }));
    await app.engine.idle();
    expect(app.store.data.callbacks[0]!.notifications.find((n) => n.kind === 'acknowledged')).toMatchObject({ result: 'unreachable' });
  });
});
