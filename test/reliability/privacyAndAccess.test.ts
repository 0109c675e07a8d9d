import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { Danger, Offer } from '../../dialogs/concern.js';
import { createLogger } from '../../src/log.js';
import { text } from '../helpers/fixtures.js';
import { openConversation, startApp, type RunningApp } from '../helpers/server.js';
import { clickButton, dm, fakeSlackApi, postEvent, SLACK_ENV } from '../helpers/slack.js';
import { activity, fakeConnector, postActivity } from '../helpers/teams.js';

let running: RunningApp | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
  nock.cleanAll();
});

describe('privacy: logs', () => {
  it('a full run on all three channels, logged at the most verbose level, leaves no message text in the logs', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });
    fakeSlackApi();
    fakeConnector();
    running = await startApp({ ...SLACK_ENV, TEAMS_ENABLED: 'true', LOG_LEVEL: 'trace' }, { app: { log: createLogger('trace', sink), slack: { processBeforeResponse: true } } });
    const secret = ['Quentin Marchal', 'zebra-kite-7781', 'Rue des Tilleuls', 'dark_truth_88'];
    // Web: a whole call-back request with the teacher's name, plus an identifying note that is refused.
    const web = await openConversation(running.directLine);
    for (const step of [
      { text: "I'm worried about a pupil" },
      { value: { choice: Danger.No } },
      { value: { choice: 'school:oak-primary' } },
      { value: { choice: 'views' } },
      { value: { choice: Offer.CallMe } },
      { value: { choice: 'today' } },
      { value: { choice: 'phone' } },
      { value: { choice: 'anytime' } },
      { text: secret[0] },
      { text: '+32 3 555 77 88' },
      { text: `about ${secret[3]} at ${secret[2]} 5` },
      { text: secret[1] },
      { value: { choice: 'send' } },
    ]) {
      await web.post({ type: 'message', ...step });
    }
    // Slack and Teams: free text nobody should ever find in a log.
    await postEvent(running.base, dm('U-LOG', `${secret[1]} help`));
    await clickButton(running.base, { user: 'U-LOG', channel: 'D-U-LOG', value: 'dialog:language', label: 'x' });
    await postActivity(running.base, activity({ id: '29:log', aadObjectId: 'aad-log', name: 'T' }, { text: `${secret[0]} menu` }));
    await running.app.engine.idle();
    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(10);
    for (const s of secret) expect(log).not.toContain(s);
    process.stdout.write(`privacy: ${lines.length} log lines captured at trace level; none contains message text\n`);
  });
});

describe('access: liaison functions on every channel', () => {
  it('someone not in the directory is refused on web chat, Slack and Teams, and gets no data', async () => {
    const slack = fakeSlackApi();
    const teams = fakeConnector();
    running = await startApp({ ...SLACK_ENV, TEAMS_ENABLED: 'true' }, { app: { slack: { processBeforeResponse: true } } });
    running.app.callbacks.create({ schoolId: 'oak-primary', urgency: 'today', way: 'chat', window: 'anytime', requesterName: 'Hidden Name' }, { key: 'web:x', language: 'en' });
    const refusal = await text('en', 'common:notAllowed');

    const web = await openConversation(running.directLine);
    await web.post({ type: 'message', value: { choice: 'dialog:callbackList' } });
    const webText = (await web.activities()).body.activities.map((a) => a.text).join('\n');
    expect(webText).toContain(refusal);

    await clickButton(running.base, { user: 'U-STRANGER', channel: 'D-U-STRANGER', value: 'dialog:callbackList', label: 'x' });
    expect(slack.posts().at(-1)!.args.text).toContain(refusal);

    await postActivity(running.base, activity({ id: '29:s', aadObjectId: 'aad-stranger', name: 'S' }, { locale: 'en-GB', value: { choice: 'dialog:callbackList' } }));
    expect(teams.texts()).toContain(refusal);

    for (const shown of [webText, JSON.stringify(slack.calls), JSON.stringify(teams.calls)]) expect(shown).not.toContain('Hidden Name');
  });
});

describe('store files are for the assistant\'s own user only', () => {
  it('the core, journal, cold collections, transcripts, backups and the folders it creates are not readable by other local users', async () => {
    const { readdir, stat } = await import('node:fs/promises');
    const { dirname, join } = await import('node:path');
    const { backupStore } = await import('../../src/store/backup.js');
    const previous = process.umask(0o022); // the usual umask: files 0644 and folders 0755 unless asked otherwise
    try {
      running = await startApp({}, { storeFile: true });
      const dir = dirname(running.app.store.name);
      const conv = await openConversation(running.directLine);
      await conv.post({ type: 'message', text: 'menu' });
      await running.app.store.commit();
      const journal = (await readdir(dir)).find((f) => f.startsWith('db.journal.'))!;
      expect((await stat(join(dir, journal))).mode & 0o777).toBe(0o600);
      await running.stop(); // a full snapshot: core, transcripts
      running = undefined;
      const files = await readdir(dir, { recursive: true });
      expect(files).toEqual(expect.arrayContaining(['db.json', 'db.web']));
      for (const file of files) {
        const { mode } = await stat(join(dir, file));
        expect([file, mode & 0o777]).toEqual([file, (mode & 0o40000) !== 0 ? 0o700 : 0o600]);
      }
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
      const { openFileStore } = await import('../../src/store/store.js');
      const store = await openFileStore(join(dir, 'db.json'));
      const backup = await backupStore(store, join(dir, 'backups'), new Date('2026-11-24T03:00:00Z'), 7);
      await store.close();
      expect((await stat(backup)).mode & 0o777).toBe(0o600);
      expect((await stat(join(dir, 'backups'))).mode & 0o777).toBe(0o700);
    } finally {
      process.umask(previous);
    }
  });

  it('a store path naming a folder (by mistake) is refused, and the folder keeps its mode', async () => {
    const { chmod, mkdtemp, stat } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { openFileStore } = await import('../../src/store/store.js');
    const folder = await mkdtemp(join(tmpdir(), 'folder-store-'));
    await chmod(folder, 0o755);
    await expect(openFileStore(folder)).rejects.toThrow();
    expect((await stat(folder)).mode & 0o777).toBe(0o755);
  });

  it('a store and backups written with looser modes (an earlier build) are tightened when the store is opened and backed up', async () => {
    const { chmod, mkdtemp, readdir, stat, writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { openFileStore } = await import('../../src/store/store.js');
    const { backupStore } = await import('../../src/store/backup.js');
    const dir = await mkdtemp(join(tmpdir(), 'modes-'));
    const file = join(dir, 'db.json');
    const first = await openFileStore(file);
    await first.close();
    for (const name of await readdir(dir)) await chmod(join(dir, name), 0o644);
    const backups = join(dir, 'backups');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(backups, { mode: 0o755 });
    await writeFile(join(backups, 'db-20261120T030000Z.json'), '{}', { mode: 0o644 });
    await chmod(backups, 0o755);
    const store = await openFileStore(file);
    for (const name of ['db.json', 'db.callbacks.json', 'db.contacts.json']) expect([name, (await stat(join(dir, name))).mode & 0o777]).toEqual([name, 0o600]);
    await backupStore(store, backups, new Date('2026-11-24T03:00:00Z'), 7);
    await store.close();
    expect((await stat(backups)).mode & 0o777).toBe(0o700);
    for (const name of await readdir(backups)) expect([name, (await stat(join(backups, name))).mode & 0o777]).toEqual([name, 0o600]);
  });
});

describe('retention reaches the journal', () => {
  it('a dialog deleted by retention (a teacher\'s name and number typed for a call-back) is gone from the journal too, not only from the collection', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const { dirname, join } = await import('node:path');
    let now = new Date('2026-11-24T10:00:00Z');
    running = await startApp({}, { storeFile: true, clock: () => now });
    const conv = await openConversation(running.directLine);
    for (const body of [{ text: 'menu' }, { value: { choice: 'dialog:callbackRequest' } }, { value: { choice: 'school:oak-primary' } }, { value: { choice: 'today' } }, { value: { choice: 'phone' } }, { value: { choice: 'anytime' } }, { text: 'Robin Example' }, { text: '+32 3 555 77 88' }]) {
      expect((await conv.post({ type: 'message', ...body })).status).toBe(200);
    }
    const dir = dirname(running.app.store.name);
    const journalText = async () => (await Promise.all((await readdir(dir)).filter((f) => f.startsWith('db.journal')).map((f) => readFile(join(dir, f), 'utf8')))).join('');
    expect(await journalText()).toContain('555 77 88');
    now = new Date('2027-01-10T10:00:00Z'); // past the dialog retention (30 days) and the conversation's idle time
    await running.app.purge();
    expect(await journalText()).not.toContain('555 77 88');
    expect(JSON.stringify(running.app.store.data.dialogs)).not.toContain('555 77 88');
    // The transcript, where the number was typed, goes with the idle conversation (the web channel's own sweep).
    await (running.app.channels.find((c) => c.id === 'web') as import('../../src/channels/web/webChannel.js').WebChannel).sweep();
    expect(JSON.stringify(running.app.store.data)).not.toContain('555 77 88');
    expect(await journalText()).not.toContain('555 77 88');
  });

  it('nudge records go about a year after they were claimed (their periods cannot be planned again)', async () => {
    const now = new Date('2027-12-01T10:00:00Z');
    running = await startApp({}, { clock: () => now });
    const record = (claimedAt: string) => ({ rule: 'keepInTouch' as const, recipientId: 'liaison-north', period: claimedAt.slice(0, 10), status: 'sent' as const, claimedAt, attempts: 1 });
    const nudges = running.app.store.data.nudges;
    nudges['keepInTouch|liaison-north|old'] = record('2026-10-01T08:00:00.000Z');
    nudges['keepInTouch|liaison-north|recent'] = record('2027-06-01T08:00:00.000Z');
    await running.app.purge();
    expect(Object.keys(running.app.store.data.nudges)).toEqual(['keepInTouch|liaison-north|recent']);
  });

  it('the copy kept before a migration goes when the backups of that time would have gone', async () => {
    const { stat, utimes, writeFile } = await import('node:fs/promises');
    const { beforeMigrationFile } = await import('../../src/store/store.js');
    let now = new Date();
    running = await startApp({ BACKUP_INTERVAL_HOURS: '24', BACKUP_KEEP: '7' }, { storeFile: true, clock: () => now });
    const copy = beforeMigrationFile(running.app.store.name);
    await writeFile(copy, '{"version":1}');
    const written = new Date();
    await utimes(copy, written, written);
    now = new Date(written.getTime() + 6 * 86_400_000);
    await running.app.purge();
    expect((await stat(copy)).isFile()).toBe(true);
    now = new Date(written.getTime() + 7 * 86_400_000 + 60_000);
    await running.app.purge();
    await expect(stat(copy)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
