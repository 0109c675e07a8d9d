import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realDirectoryJson, text } from '../../helpers/fixtures.js';
import { openConversation, startApp, type RunningApp } from '../../helpers/server.js';

let running: RunningApp | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

/** Everything the store holds and would write, as text. */
const stored = (app: RunningApp['app']) => JSON.stringify(app.store.data);

describe('web chat: text that identifies someone never reaches the transcript or the store', () => {
  it('a refused call-back note is replaced in the transcript before the turn is written', async () => {
    running = await startApp();
    const conv = await openConversation(running.directLine);
    const click = (choice: string) => conv.post({ type: 'message', text: choice, value: { choice } });
    await conv.post({ type: 'message', text: 'menu' });
    for (const choice of ['dialog:callbackRequest', 'school:oak-primary', 'week', 'phone', 'anytime']) await click(choice);
    await conv.post({ type: 'message', text: 'Sam Jansen' }); // the teacher's own name, asked for
    await conv.post({ type: 'message', text: '+32 3 555 01 99' });
    const mark = Number((await conv.activities()).body.watermark);
    await conv.post({ type: 'message', text: 'It is about Yusuf from 3B, born 12/03/2012' });
    const { body } = await conv.activities(mark);
    expect(body.activities[0]!.from.role).toBe('user');
    expect(body.activities[0]!.text).toBe(await text('en', 'personalData:echoNotKept'));
    expect(body.activities.map((a) => a.text)).toContain(await text('en', 'personalData:date'));
    expect(stored(running.app)).not.toContain('Yusuf');
    // The teacher's own answers to the assistant's questions are kept as given.
    expect(stored(running.app)).toContain('Sam Jansen');
  });

  it('a worry typed with a name starts the dialog, says the text was not kept, and keeps no trace of it', async () => {
    running = await startApp();
    const conv = await openConversation(running.directLine);
    const mark = Number((await conv.activities()).body.watermark);
    await conv.post({ type: 'message', text: "I'm worried about Yusuf El Amrani from class 3B" });
    const { body } = await conv.activities(mark);
    const [echo, notice, ...rest] = body.activities;
    expect(echo!.text).toBe(await text('en', 'personalData:echoNotKept'));
    expect(notice!.text).toBe(await text('en', 'personalData:notKept'));
    expect(rest.map((a) => a.text)).toContain(await text('en', 'concern:dangerPrompt'));
    expect(stored(running.app)).not.toContain('Yusuf');
  });

  it('a school search that finds no school and identifies someone is refused and replaced, as a note would be', async () => {
    const data = JSON.parse(await realDirectoryJson());
    const role = data.schools[0].careContact.role;
    for (let i = 1; i <= 30; i++) data.schools.push({ id: `extra-${i}`, name: `Basisschool ${i}`, liaisonId: 'liaison-north', careContact: { role } });
    const file = join(await mkdtemp(join(tmpdir(), 'directory-')), 'directory.json');
    await writeFile(file, JSON.stringify(data));
    running = await startApp({ DIRECTORY_FILE: file });
    const conv = await openConversation(running.directLine);
    const click = (choice: string) => conv.post({ type: 'message', text: choice, value: { choice } });
    await conv.post({ type: 'message', text: 'menu' });
    for (const choice of ['dialog:concern', 'danger-no']) await click(choice);
    const mark = Number((await conv.activities()).body.watermark);
    await conv.post({ type: 'message', text: 'Yusuf El Amrani uit 3B' });
    const { body } = await conv.activities(mark);
    expect(body.activities[0]!.text).toBe(await text('en', 'personalData:echoNotKept'));
    expect(body.activities.map((a) => a.text)).toContain(await text('en', 'personalData:name'));
    expect(stored(running.app)).not.toContain('Yusuf');
    // A real search is kept as typed, like any message.
    const next = Number((await conv.activities()).body.watermark);
    await conv.post({ type: 'message', text: 'basisschool 12' });
    expect((await conv.activities(next)).body.activities[0]!.text).toBe('basisschool 12');
  });

  it('an ordinary message is kept as typed', async () => {
    running = await startApp();
    const conv = await openConversation(running.directLine);
    const mark = Number((await conv.activities()).body.watermark);
    await conv.post({ type: 'message', text: "I'm worried about a pupil" });
    const { body } = await conv.activities(mark);
    expect(body.activities[0]!.text).toBe("I'm worried about a pupil");
    expect(body.activities[1]!.text).not.toBe(await text('en', 'personalData:notKept'));
  });

  it('only what the assistant reads is kept: an event\'s text and value, text sent beside a choice, other value fields and a locale that is no language tag are not', async () => {
    running = await startApp();
    const conv = await openConversation(running.directLine);
    const secret = 'Yusuf Peeters 12/03/2011 yusuf@example.com';
    await conv.post({ type: 'event', name: 'x', text: secret, value: { note: secret } });
    await conv.post({ type: 'typing', text: secret });
    await conv.post({ type: 'message', text: secret, value: { choice: 'dialog:concern', extra: secret }, locale: 'Yusuf Peeters 3B', channelData: { clientActivityID: 'abc-123' } });
    const stored = JSON.stringify(running.app.store.data);
    expect(stored).not.toContain('Yusuf');
    expect(stored).not.toContain('yusuf@example.com');
    const { body } = await conv.activities();
    expect(JSON.stringify(body)).not.toContain('Yusuf');
    // The click shows as the button's own label, with the client's id for its send status.
    const click = body.activities.find((a) => a.channelData?.clientActivityID === 'abc-123')!;
    expect(click.text).toBe(await text('en', 'menu:concern'));
  });

  it('a choice no button of the latest question carried, and an activity type Direct Line does not have, are not kept as sent', async () => {
    running = await startApp();
    const conv = await openConversation(running.directLine);
    const secret = 'Yusuf Peeters from 3B, born 12/03/2011';
    expect((await conv.post({ type: 'message', value: { choice: secret } })).status).toBe(200);
    expect((await conv.post({ type: secret })).status).toBe(200);
    expect(stored(running.app)).not.toContain('Yusuf');
    const { body } = await conv.activities();
    expect(JSON.stringify(body)).not.toContain('Yusuf');
    // The made-up choice was still answered: it belongs to no question.
    expect(body.activities.map((a) => a.text)).toContain(await text('en', 'common:staleButton'));
    expect(body.activities.filter((a) => a.from.role === 'user').map((a) => a.type)).toEqual(['message', 'event']);
  });

  it('text that answers nothing is not kept either: a description typed at a button question leaves no trace', async () => {
    running = await startApp();
    const conv = await openConversation(running.directLine);
    await conv.post({ type: 'message', text: "I'm worried about a pupil" });
    await conv.post({ type: 'message', text: 'no' });
    await conv.post({ type: 'message', value: { choice: 'school:oak-primary' } });
    const mark = Number((await conv.activities()).body.watermark);
    await conv.post({ type: 'message', text: 'she started wearing a headscarf and her family is from Syria' });
    const { body } = await conv.activities(mark);
    expect(body.activities[0]!.from.role).toBe('user');
    expect(body.activities[0]!.text).toBe(await text('en', 'personalData:echoNotUnderstood'));
    expect(body.activities.map((a) => a.text)).toContain(await text('en', 'concern:noNeedToDescribe'));
    expect(stored(running.app)).not.toContain('headscarf');
    expect(JSON.stringify(body)).not.toContain('headscarf');
  });

  it('a description around words that match the dialog already running ("… en ik ben ongerust") is not kept either', async () => {
    running = await startApp();
    const conv = await openConversation(running.directLine, 'nl');
    await conv.post({ type: 'message', text: 'ik maak me zorgen over een leerling' });
    await conv.post({ type: 'message', text: 'nee' });
    await conv.post({ type: 'message', value: { choice: 'school:oak-primary' } });
    const mark = Number((await conv.activities()).body.watermark);
    await conv.post({ type: 'message', text: 'ze draagt sinds kort een hoofddoek en ik ben ongerust' });
    const { body } = await conv.activities(mark);
    expect(body.activities[0]!.text).toBe(await text('nl', 'personalData:echoNotUnderstood'));
    expect(body.activities.map((a) => a.text)).toContain(await text('nl', 'common:alreadyInDialog'));
    expect(stored(running.app)).not.toContain('hoofddoek');
  });

  it('a phone number refused for its form is not kept either, but not said to identify anyone', async () => {
    running = await startApp();
    const conv = await openConversation(running.directLine);
    const click = (choice: string) => conv.post({ type: 'message', text: choice, value: { choice } });
    await conv.post({ type: 'message', text: 'menu' });
    for (const choice of ['dialog:callbackRequest', 'school:oak-primary', 'week', 'phone', 'anytime']) await click(choice);
    await conv.post({ type: 'message', text: 'Sam Jansen' });
    const mark = Number((await conv.activities()).body.watermark);
    await conv.post({ type: 'message', text: 'call me at the office' });
    const { body } = await conv.activities(mark);
    expect(body.activities[0]!.text).toBe(await text('en', 'personalData:echoNotKeptPlain'));
    expect(body.activities.map((a) => a.text)).toContain(await text('en', 'callback:invalidPhone'));
  });

  it.each([
    ["I'm worried: the boy watches IS videos every break", 'concern:dangerPrompt'],
    ['danger! he has a knife in the playground', 'emergency:call'],
  ])('"%s": what starts a dialog is acted on, and the rest of the message is not kept', async (typed, answered) => {
    running = await startApp();
    const conv = await openConversation(running.directLine);
    const mark = Number((await conv.activities()).body.watermark);
    await conv.post({ type: 'message', text: typed });
    const { body } = await conv.activities(mark);
    expect(body.activities[0]!.text).toBe(await text('en', 'personalData:echoNotKeptPlain'));
    const number = running.app.directory().data.emergency.number;
    expect(body.activities.map((a) => a.text).join('\n')).toContain(await text('en', answered, { number }));
    expect(stored(running.app)).not.toMatch(/videos|playground/);
  });
});

