import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { startApp, type RunningApp } from '../helpers/server.js';
import { clickButton, fakeSlackApi, SLACK_ENV, waitFor } from '../helpers/slack.js';
import { activity, fakeConnector, postActivity } from '../helpers/teams.js';
import { text } from '../helpers/fixtures.js';

let running: RunningApp | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
  nock.cleanAll();
});

describe('nudges end to end', () => {
  it('the real scheduler nudges a Slack and a Teams liaison officer through their platforms\' HTTP APIs; Snooze and Log contact work on both', async () => {
    // liaison-north is on Slack; liaison-south only on Teams.
    const dir = JSON.parse(await readFile('data/directory.json', 'utf8'));
    const south = dir.people.find((p: { id: string }) => p.id === 'liaison-south');
    delete south.slackUserId;
    const north = dir.people.find((p: { id: string }) => p.id === 'liaison-north');
    const file = join(await mkdtemp(join(tmpdir(), 'nudge-e2e-')), 'directory.json');
    await writeFile(file, JSON.stringify(dir));

    // Slack answers the first message with a 429: the channel waits Retry-After and sends it.
    let limited = 1;
    const slack = fakeSlackApi(undefined, {
      locale: () => 'en-GB',
      override: (call) => (call.method === 'chat.postMessage' && limited-- > 0 ? [429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' }] : undefined),
    });
    const teams = fakeConnector();
    let now = new Date('2026-11-22T09:00:00Z'); // a Sunday: the scheduler ticks but nothing is due
    running = await startApp(
      { ...SLACK_ENV, TEAMS_ENABLED: 'true', DIRECTORY_FILE: file, NUDGES_ENABLED: 'true', NUDGES_CRON: '* * * * * *' },
      { clock: () => now, app: { slack: { processBeforeResponse: true, sleep: async () => undefined } } },
    );
    const { base, app } = running;
    // The Teams officer installed the app (that is how Teams gives a reference for proactive messages).
    const teamsOfficer = { id: '29:south', aadObjectId: south.teamsUserId, name: south.name };
    await postActivity(base, activity(teamsOfficer, { type: 'conversationUpdate', locale: 'en-GB', membersAdded: [{ id: '28:bot-app-id' }] }));
    // Only now working hours begin: a tick before the install would find no Teams address for the
    // officer and record that nudge as undeliverable for the week.
    now = new Date('2026-11-24T09:00:00Z');

    // croner ticks every second here; wait for both keep-in-touch nudges.
    await waitFor(() => app.store.data.nudges[`keepInTouch|liaison-north|2026-W48`]?.status === 'sent' && app.store.data.nudges[`keepInTouch|liaison-south|2026-W48`]?.status === 'sent', 10_000);
    // Each in their own language: the Slack officer never wrote, so the directory's first language;
    // the Teams officer's app reported en-GB.
    const intro = (await text(north.languages[0], 'nudges:keepInTouch.intro', { count: 3 })).slice(0, 30);
    const teamsIntro = (await text('en', 'nudges:keepInTouch.intro', { count: 3 })).slice(0, 30);

    const slackNudge = slack.posts().find((p) => String(p.args.text).startsWith(intro))!;
    expect(slackNudge.args.channel).toBe(`D-${north.slackUserId}`);
    expect(limited).toBeLessThan(0); // the 429 happened, and the nudge still went out once
    // A button per overdue school (three here, most overdue first), then Snooze.
    const northSchools = app.directory().data.schools.filter((s) => s.liaisonId === 'liaison-north');
    const buttons = slack.buttons(slackNudge).map((b) => b.value);
    expect(buttons.at(-1)).toBe('nudge:snooze:keepInTouch');
    expect(buttons.slice(0, -1).sort()).toEqual(northSchools.map((s) => `logContact:${s.id}`).sort());
    const teamsNudge = teams.calls.find((c) => JSON.stringify(c.body).includes(teamsIntro))!;
    expect(teamsNudge.path).toMatch(/^\/emea\/v3\/conversations\/a%3Apersonal-/);
    expect(JSON.stringify(teamsNudge.body)).toContain('nudge:snooze:keepInTouch');

    // Slack: Snooze. Teams: Log contact.
    await clickButton(base, { user: north.slackUserId, channel: `D-${north.slackUserId}`, value: 'nudge:snooze:keepInTouch', label: 'Snooze' });
    // From the first turn on, Slack's users.info locale (en-GB here) is the language.
    expect(slack.posts().at(-1)!.args.text).toContain(await text('en', 'nudges:snoozed', { date: '1 December 2026' }));
    expect(app.store.data.snoozes['liaison-north']).toEqual({ keepInTouch: '2026-12-01' });
    const mark = teams.calls.length;
    const southSchool = app.directory().data.schools.find((s) => s.liaisonId === 'liaison-south')!;
    expect(JSON.stringify(teamsNudge.body)).toContain(`logContact:${southSchool.id}`);
    // The school is given by the button: the next question is the kind of contact.
    await postActivity(base, activity(teamsOfficer, { locale: 'en-GB', value: { choice: `logContact:${southSchool.id}` } }));
    expect(teams.texts(mark)).toContain(await text('en', 'liaison:kindPrompt'));

    // The other way round: Slack opens Log contact, Teams snoozes.
    await clickButton(base, { user: north.slackUserId, channel: `D-${north.slackUserId}`, value: 'dialog:logContact', label: 'Log a contact' });
    expect(slack.posts().at(-1)!.args.text).toContain(await text('en', 'liaison:schoolPrompt'));
    await postActivity(base, activity(teamsOfficer, { locale: 'en-GB', value: { choice: 'nudge:snooze:keepInTouch' } }));
    expect(app.store.data.snoozes['liaison-south']).toEqual({ keepInTouch: '2026-12-01' });

    // Many more ticks happened meanwhile: still exactly one keep-in-touch per officer.
    await new Promise((r) => setTimeout(r, 1200));
    // Two requests for the Slack nudge: the one refused with 429 and the one delivered.
    expect(slack.posts().filter((p) => String(p.args.text).startsWith(intro))).toHaveLength(2);
    expect(teams.calls.filter((c) => JSON.stringify(c.body).includes(teamsIntro))).toHaveLength(1);
  });
});
