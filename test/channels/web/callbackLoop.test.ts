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
      { value: { choice: 'chat' } },
      { value: { choice: 'afterSchool' } },
      { text: 'Camille Prof' },
      { value: { choice: 'skip' } },
      { value: { choice: 'send' } },
    ]) {
      expect((await web.post({ type: 'message', locale: 'fr-BE', ...step })).status).toBe(200);
    }
    const { body } = await web.activities();
    expect(body.activities.map((a) => a.text)).toContain(await text('fr', 'callback:sent', { name: liaison.name }));
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
});
