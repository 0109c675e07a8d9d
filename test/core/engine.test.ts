import { describe, expect, it } from '@jest/globals';
import { EmergencyChoice } from '../../dialogs/emergency.js';
import { MAX_STACK_DEPTH, Payload } from '../../src/core/engine.js';
import { parseDirectory } from '../../src/directory/directory.js';
import { MAX_TYPED_LENGTH } from '../../src/core/messages.js';
import { SUPPORTED_LANGUAGES } from '../../src/i18n/languages.js';
import { emptyDb } from '../../src/store/schema.js';
import { openMemoryStore, Store } from '../../src/store/store.js';
import { startApp } from '../helpers/server.js';
import { answerTrainingSurvey, confirmForgetText, directoryWithout, engineHarness, realDirectoryJson, TestUser, text } from '../helpers/fixtures.js';

describe('engine', () => {
  describe.each(SUPPORTED_LANGUAGES)('in %s', (lang) => {
    it('greets with the municipality and shows the menu when a conversation starts', async () => {
      const { engine, directory } = await engineHarness();
      const user = new TestUser(engine, { locale: lang });
      await user.start();
      expect(user.transcript()).toContain(
        await text(lang, 'menu:welcome', { municipality: directory.data.municipality.name[lang] }),
      );
      expect(user.transcript()).toContain(await text(lang, 'menu:prompt'));
      expect(user.lastChoices().map((c) => c.value)).toEqual(
        expect.arrayContaining([`${Payload.startDialog}emergency`, `${Payload.startDialog}language`, `${Payload.startDialog}privacy`]),
      );
    });

    it('an officer opening the chat is greeted as an officer, by name, and told of call-back requests waiting (a notice may have missed them)', async () => {
      const h = await engineHarness();
      const municipality = h.directory.data.municipality.name[lang];
      const officer = h.directory.person('liaison-north')!;
      const first = new TestUser(h.engine, { id: 'liaison-north', conversation: 'first', locale: lang });
      await first.start();
      expect(first.last[0]).toEqual({ kind: 'text', text: await text(lang, 'menu:welcomeOfficer', { municipality, name: officer.name }) });
      // Two requests for their school, one of them already acknowledged: one waits. A third, for a
      // colleague's school (whose backup they are), is the colleague's to pick up: not counted.
      for (const name of ['Kim Teacher', 'Lou Teacher']) {
        h.callbacks.create({ schoolId: 'oak-primary', urgency: 'today', way: 'phone', window: 'anytime', requesterName: name, requesterContact: '+32 3 555 00 00' }, { key: `test:${name}`, language: 'en' });
      }
      h.callbacks.create({ schoolId: 'st-lucas-technical', urgency: 'today', way: 'phone', window: 'anytime', requesterName: 'Sam Teacher', requesterContact: '+32 3 555 00 01' }, { key: 'test:sam', language: 'en' });
      expect(h.directory.person('liaison-south')!.backupId).toBe('liaison-north');
      h.store.data.callbacks[0]!.status = 'acknowledged';
      const again = new TestUser(h.engine, { id: 'liaison-north', conversation: 'second', locale: lang });
      await again.start();
      expect(again.last[0]).toEqual({
        kind: 'text',
        text: [await text(lang, 'menu:welcomeOfficer', { municipality, name: officer.name }), await text(lang, 'menu:waitingRequests', { count: 1, item: await text(lang, 'menu:callbackList') })].join('\n'),
      });
      expect(again.transcript()).not.toContain(await text(lang, 'menu:welcome', { municipality }));
      // An officer has no liaison officer to ask for a call-back: not in their menu; a teacher's menu has it.
      expect(again.lastChoices().map((c) => c.value)).not.toContain(`${Payload.startDialog}callbackRequest`);
      expect(again.lastChoices().map((c) => c.value)).toContain(`${Payload.startDialog}callbackList`);
      const teacher = new TestUser(h.engine, { locale: lang });
      await teacher.start();
      expect(teacher.lastChoices().map((c) => c.value)).toContain(`${Payload.startDialog}callbackRequest`);
    });

    it('answers the emergency keyword from anywhere, and nothing else until confirmed', async () => {
      const { engine, directory } = await engineHarness();
      const user = new TestUser(engine, { locale: lang });
      await user.start();
      const keyword = (await import('../helpers/fixtures.js')).translations;
      const emergencyWord = (await keyword()).translator(lang).list('commands:emergency')[0]!;
      await user.say(emergencyWord);
      const number = directory.data.emergency.number;
      expect(user.last[0]).toEqual({ kind: 'text', text: await text(lang, 'emergency:call', { number }) });
      expect(user.transcript()).toContain(await text(lang, 'emergency:tellInPerson'));

      // "menu" and "cancel" wait until the emergency answer is confirmed, and the user is told so.
      for (const command of ['menu', 'cancel']) {
        await user.say((await keyword()).translator(lang).list(`commands:${command}`)[0]!);
        expect(user.transcript()).toContain(await text(lang, 'emergency:confirmFirst', { number }));
        expect(user.transcript()).toContain(await text(lang, 'emergency:confirm'));
        expect(user.transcript()).not.toContain(await text(lang, 'common:notUnderstood'));
        expect(user.transcript()).not.toContain(await text(lang, 'menu:prompt'));
      }

      await user.click(EmergencyChoice.Called);
      expect(user.transcript()).toContain(await text(lang, 'emergency:afterCall'));
      expect(user.transcript()).toContain(await text(lang, 'menu:prompt'));
    });
  });

  it.each(SUPPORTED_LANGUAGES)('the emergency confirmation takes clear words like "called" and "no danger", never an ambiguous "ok", "yes" or "no" (%s)', async (lang) => {
    const words = (await (await import('../helpers/fixtures.js')).translations()).translator(lang);
    for (const ambiguous of [words.list('common:yesWords')[0]!, words.list('common:noWords')[0]!, 'ok']) {
      const { engine, directory } = await engineHarness();
      const user = new TestUser(engine, { locale: lang });
      await user.say('112');
      await user.say(ambiguous);
      // Not taken as "called" or "no danger": the number again, and the question.
      expect(user.transcript()).toContain(directory.data.emergency.number);
      expect(user.transcript()).not.toContain(await text(lang, 'emergency:afterCall'));
    }
    for (const [typed, expected] of [
      [words.list('emergency:calledWords').at(-1)!, 'emergency:afterCall'],
      // From the emergency number typed anywhere, "no immediate danger" carries on with what was running
      // (nothing promises to find the right person: that is the worried-teacher dialog's, see concern.test.ts).
      [words.list('emergency:notImmediateWords').at(-1)!, 'emergency:afterNotImmediateElsewhere'],
    ] as const) {
      const { engine } = await engineHarness();
      const user = new TestUser(engine, { locale: lang });
      await user.start();
      await user.say('112');
      await user.say(typed);
      expect(user.transcript()).toContain(await text(lang, expected));
      expect(user.transcript()).not.toContain(await text(lang, 'common:notUnderstood'));
    }
  });

  it('an officer in the emergency answer is told to inform the school concerned and the coordinator (they have no school of their own)', async () => {
    const { engine } = await engineHarness();
    const officer = new TestUser(engine, { id: 'liaison-north', locale: 'en' });
    await officer.say('112');
    expect(officer.transcript()).toContain(await text('en', 'emergency:tellInPersonOfficer'));
    expect(officer.transcript()).not.toContain(await text('en', 'emergency:tellInPerson'));
  });

  it.each(SUPPORTED_LANGUAGES)('after "I have called", an officer is asked to write the facts down in the authority\'s records, a teacher in their school\'s (%s)', async (lang) => {
    const { engine } = await engineHarness();
    const officer = new TestUser(engine, { id: 'liaison-north', locale: lang });
    await officer.say('112');
    await officer.click(EmergencyChoice.Called);
    expect(officer.transcript()).toContain(await text(lang, 'emergency:afterCallOfficer'));
    expect(officer.transcript()).not.toContain(await text(lang, 'emergency:afterCall'));
    const teacher = new TestUser(engine, { locale: lang });
    await teacher.say('112');
    await teacher.click(EmergencyChoice.Called);
    expect(teacher.transcript()).toContain(await text(lang, 'emergency:afterCall'));
    expect(teacher.transcript()).not.toContain(await text(lang, 'emergency:afterCallOfficer'));
  });

  it('the emergency number itself is a keyword', async () => {
    const { engine, directory } = await engineHarness();
    const user = new TestUser(engine);
    await user.say(directory.data.emergency.number);
    expect(user.last[0]).toEqual({ kind: 'text', text: await text('en', 'emergency:call', { number: directory.data.emergency.number }) });
  });

  it('when the store fails, an emergency still gets the emergency answer and other turns a safe answer: not saved yet', async () => {
    const store = new Store(emptyDb(), { read: async () => null, write: async () => Promise.reject(new Error('disk full')) }, 'broken');
    const { engine, directory } = await engineHarness({ store });
    const number = directory.data.emergency.number;
    const user = new TestUser(engine);
    await user.say('emergency');
    expect(user.transcript()).toContain(await text('en', 'emergency:call', { number }));
    await user.say('hello');
    expect(user.transcript()).toBe(await text('en', 'common:notSaved', { number }));
  });

  it('a turn that fails for another reason than the store (a step that throws) is answered "something went wrong, try again", and the stored state is left as it was', async () => {
    const h = await engineHarness();
    const user = new TestUser(h.engine);
    await user.start();
    // A frame whose step this version does not have: running it throws.
    const state = h.store.data.dialogs['test:conv-teacher-1']!;
    state.stack[0]!.step = 'noSuchStep';
    const before = JSON.stringify(state.stack);
    await user.say('2'); // an answer to the menu: the step after the one that asked is looked up, and is not there
    expect(user.transcript()).toBe(await text('en', 'common:error', { number: h.directory.data.emergency.number }));
    expect(JSON.stringify(h.store.data.dialogs['test:conv-teacher-1']!.stack)).toBe(before);
  });

  it('a choice can be answered by button, by number or by typing its label', async () => {
    for (const answer of ['click', '2', 'Nederlands', 'nederlands']) {
      const { engine } = await engineHarness();
      const user = new TestUser(engine);
      await user.say('language');
      if (answer === 'click') await user.click(`${Payload.setLanguage}nl`);
      else await user.say(answer);
      expect(user.transcript()).toContain(await text('nl', 'menu:prompt'));
    }
  });

  it('an unrecognised answer re-asks the same question', async () => {
    const { engine } = await engineHarness();
    const user = new TestUser(engine);
    await user.say('language');
    await user.say('klingon');
    expect(user.transcript()).toContain(await text('en', 'common:notUnderstood'));
    expect(user.transcript()).toContain(await text('en', 'language:prompt'));
  });

  it('changing language mid-dialog keeps the place and re-asks in the new language', async () => {
    const { engine } = await engineHarness();
    const user = new TestUser(engine);
    await user.say('privacy');
    expect(user.transcript()).toContain(await text('en', 'privacy:offerDelete'));
    await user.say('Deutsch');
    expect(user.transcript()).toContain(await text('de', 'common:languageChanged'));
    expect(user.transcript()).toContain(await text('de', 'privacy:offerDelete'));
    await user.click('keep');
    expect(user.transcript()).toContain(await text('de', 'privacy:kept'));
  });

  it('the language dialog on top of another dialog returns to it', async () => {
    const { engine } = await engineHarness();
    const user = new TestUser(engine);
    await user.say('privacy');
    await user.say('language');
    expect(user.transcript()).toContain(await text('en', 'language:prompt'));
    await user.click(`${Payload.setLanguage}fr`);
    expect(user.transcript()).toContain(await text('fr', 'privacy:offerDelete'));
  });

  it('help names a person to ask: the liaison officer of the teacher\'s school, else the prevention desk; for officers the coordinator', async () => {
    const { engine, directory } = await engineHarness();
    const contact = (p: { name: string; phone: string; email: string }) => text('en', 'common:helpContact', { name: p.name, phone: p.phone, email: p.email });
    const desk = directory.data.generalContact;
    const newcomer = new TestUser(engine, { id: 'teacher-new', locale: 'en' });
    await newcomer.say('help');
    expect(newcomer.transcript()).toContain(await text('en', 'common:helpDesk', { name: desk.name.en, phone: desk.phone, email: desk.email }));
    // A teacher whose school is remembered (chosen in the worried-teacher dialog), from the menu's Help.
    const teacher = new TestUser(engine, { id: 'teacher-known', locale: 'en' });
    await teacher.press('dialog:concern');
    await teacher.click('danger-no');
    await teacher.click('school:oak-primary');
    await teacher.press('dialog:help');
    expect(teacher.transcript()).toContain(await contact(directory.liaisonFor('oak-primary')!));
    expect(teacher.transcript()).toContain(await text('en', 'common:help', { number: '112' }));
    const officer = new TestUser(engine, { id: 'liaison-north', locale: 'en' });
    await officer.say('help');
    expect(officer.transcript()).toContain(await contact(directory.person(directory.data.protocol.coordinatorId)!));
    // Officers hear what the assistant does for them, not the teachers' introduction.
    expect(officer.transcript()).toContain(await text('en', 'common:helpOfficer', { number: '112' }));
    expect(officer.transcript()).not.toContain(await text('en', 'common:help', { number: '112' }));
    const coordinator = new TestUser(engine, { id: directory.data.protocol.coordinatorId, locale: 'en' });
    await coordinator.say('help');
    expect(coordinator.transcript()).toContain(await text('en', 'common:helpDesk', { name: desk.name.en, phone: desk.phone, email: desk.email }));
  });

  it('cancel stops the dialog and shows the menu; help re-asks the question', async () => {
    const { engine } = await engineHarness();
    const user = new TestUser(engine);
    await user.say('privacy');
    await user.say('help');
    expect(user.transcript()).toContain((await text('en', 'common:help', { number: '112' })).slice(0, 40));
    expect(user.transcript()).toContain(await text('en', 'privacy:offerDelete'));
    await user.say('cancel');
    // Stopped at its delete question: said what that means (nothing deleted), not only "stopped".
    expect(user.transcript()).toContain(await text('en', 'privacy:leftNotDeleted', { what: await text('en', 'menu:privacy') }));
    expect(user.transcript()).toContain(await text('en', 'menu:prompt'));
    // With nothing half-answered, cancel just says it stopped.
    await user.say('cancel');
    expect(user.transcript()).toContain(await text('en', 'common:cancelled'));
    await user.say('1');
    // The menu's first entry is the emergency answer.
    expect(user.transcript()).toContain(await text('en', 'emergency:confirm'));
  });

  it('the channel locale picks the language until the user chooses one', async () => {
    const { engine, store } = await engineHarness();
    const user = new TestUser(engine, { locale: 'nl-BE' });
    await user.say('menu');
    expect(user.transcript()).toContain(await text('nl', 'menu:prompt'));
    await user.say('Français');
    expect(store.data.users['test:teacher-1']?.language).toBe('fr');
    await user.say('menu');
    expect(user.transcript()).toContain(await text('fr', 'menu:prompt'));
  });

  it('saves the dialog stack once per turn, so a new engine on the same store continues it', async () => {
    const store = await openMemoryStore();
    const first = await engineHarness({ store });
    const user = new TestUser(first.engine);
    await user.say('privacy');
    const second = await engineHarness({ store });
    const again = new TestUser(second.engine);
    await again.say(await text('en', 'privacy:delete'));
    expect(again.transcript()).toContain(await confirmForgetText('en', ['conversation']));
  });

  it('a stored dialog this version no longer has is dropped: the user starts again from the menu instead of being stuck', async () => {
    const { engine, store } = await engineHarness();
    store.data.dialogs['test:conv-teacher-1'] = {
      stack: [{ dialogId: 'oldConcern', step: 'askSomething', values: {}, args: {}, waiting: 'prompt', prompt: { text: { key: 'menu:prompt' }, choices: [{ value: 'x', label: { literal: 'X' } }] } }],
      updatedAt: '2026-11-24T08:00:00.000Z',
    };
    const user = new TestUser(engine);
    await user.say('menu');
    expect(user.transcript()).toContain(await text('en', 'common:startedOver'));
    expect(user.transcript()).toContain(await text('en', 'menu:prompt'));
    expect(store.data.dialogs['test:conv-teacher-1']!.stack.map((f) => f.dialogId)).toEqual(['menu']);
    await user.say('privacy');
    expect(user.transcript()).toContain(await text('en', 'privacy:offerDelete'));
  });

  it.each([
    ['en', 'emergency'],
    ['nl', 'noodgeval'],
    ['nl', 'hij heeft een mes bij zich'],
    ['de', 'Er hat ein Messer dabei'],
  ])('in a stored dialog this version no longer has, "%s: %s" still gets the emergency answer at once', async (lang, typed) => {
    const { engine, store } = await engineHarness();
    store.data.dialogs['test:conv-teacher-1'] = {
      stack: [{ dialogId: 'oldConcern', step: 'askSomething', values: {}, args: {}, waiting: 'prompt', prompt: { text: { key: 'menu:prompt' }, choices: [{ value: 'x', label: { literal: 'X' } }] } }],
      updatedAt: '2026-11-24T08:00:00.000Z',
    };
    const user = new TestUser(engine, { locale: lang });
    await user.say(typed);
    expect(user.last[0]).toEqual({ kind: 'text', text: await text(lang as 'en', 'emergency:call', { number: '112' }) });
    expect(store.data.dialogs['test:conv-teacher-1']!.stack.map((f) => f.dialogId)).toEqual(['emergency']);
  });

  it('a liaison officer removed from the directory mid-dialog cannot finish it: roles are checked at every turn', async () => {
    const harness = await engineHarness();
    const officer = new TestUser(harness.engine, { id: 'liaison-north' });
    await officer.say('menu');
    await officer.click('dialog:logContact');
    harness.setDirectory(await directoryWithout('liaison-north', 'liaison-south'));
    await officer.click('school:oak-primary');
    expect(officer.transcript()).toContain(await text('en', 'common:notAllowed'));
    expect(officer.transcript()).toContain(await text('en', 'menu:prompt'));
    // Back at a teacher's menu, and nothing was logged.
    expect(officer.lastChoices().map((c) => c.value)).not.toContain('dialog:logContact');
    expect(harness.store.data.contacts).toEqual([]);
  });

  it.each([
    ['en', 'yes', 'no'],
    ['nl', 'ja', 'nee'],
    ['fr', 'oui', 'non'],
    ['de', 'ja', 'nein'],
  ] as const)('in %s a plain yes or no answers the danger question (yes: the emergency answer at once)', async (lang, yes, no) => {
    const { engine } = await engineHarness();
    const teacher = new TestUser(engine, { locale: lang });
    await teacher.say(await text(lang, 'menu:concern'));
    expect(teacher.transcript()).toContain(await text(lang, 'concern:dangerPrompt'));
    await teacher.say(yes);
    expect(teacher.transcript()).toContain(await text(lang, 'emergency:call', { number: '112' }));
    const other = new TestUser(engine, { id: 'teacher-2', conversation: 'conv-teacher-2', locale: lang });
    await other.say(await text(lang, 'menu:concern'));
    await other.say(no);
    expect(other.transcript()).toContain(await text(lang, 'concern:schoolPrompt'));
  });

  it('"?" asks for help, as the catalogues say', async () => {
    const { engine } = await engineHarness();
    const user = new TestUser(engine);
    await user.say('?');
    expect(user.transcript()).toContain((await text('en', 'common:help', { number: '112' })).slice(0, 40));
  });

  describe('who may run what, and what a refusal says', () => {
    const trainingWords = { en: 'training', nl: 'vorming', fr: 'formation', de: 'Fortbildung' } as const;

    it.each(SUPPORTED_LANGUAGES)('"training" (%s) starts the survey for a teacher and the report for an officer', async (lang) => {
      const harness = await engineHarness();
      const teacher = new TestUser(harness.engine, { id: 'teacher-1', locale: lang });
      await teacher.say(trainingWords[lang]);
      expect(teacher.transcript()).not.toContain(await text(lang, 'common:notAllowed'));
      expect(Object.values(harness.store.data.dialogs).map((d) => d.stack[0]?.dialogId)).toEqual(['trainingNeeds']);
      for (const id of ['liaison-north', 'prevention-coordinator']) {
        const officer = new TestUser(harness.engine, { id, locale: lang });
        await officer.say(trainingWords[lang]);
        const said = officer.transcript();
        expect(said).not.toContain(await text(lang, 'common:notAllowedTeacher'));
        expect(said).toContain(await text(lang, 'training:report.none', { year: harness.training.currentYear() }));
      }
    });

    it('each refusal says who the part is for: officers\' parts to teachers, coordinators\' to liaison officers, teachers\' to officers', async () => {
      const harness = await engineHarness();
      const teacher = new TestUser(harness.engine, { id: 'teacher-1' });
      await teacher.press('dialog:logContact');
      expect(teacher.transcript()).toContain(await text('en', 'common:notAllowed'));
      const liaison = new TestUser(harness.engine, { id: 'liaison-north' });
      await liaison.press('dialog:deliveryProblems');
      expect(liaison.transcript()).toContain(await text('en', 'common:notAllowedCoordinator'));
      expect(liaison.transcript()).not.toContain(await text('en', 'common:notAllowed'));
      await liaison.press('dialog:trainingNeeds');
      expect(liaison.transcript()).toContain(await text('en', 'common:notAllowedTeacher'));
      expect(harness.store.data.trainingResponses).toEqual([]);
    });

    it('starting another dialog over a half-answered one says that one was stopped without saving', async () => {
      const harness = await engineHarness();
      const officer = new TestUser(harness.engine, { id: 'liaison-north' });
      await officer.press('dialog:logContact');
      await officer.click('school:oak-primary');
      await officer.press('dialog:mySchools');
      expect(officer.transcript()).toContain(await text('en', 'common:leftUnfinished', { what: await text('en', 'menu:logContact') }));
      // From the menu itself, nothing was left unfinished; nor from a screen whose own button starts the next one.
      await officer.say('menu');
      await officer.press('dialog:mySchools');
      expect(officer.transcript()).not.toContain('I have stopped');
      await officer.press('dialog:protocolStatus');
      await officer.click('dialog:planMeeting');
      expect(officer.transcript()).not.toContain('I have stopped');
      // Nor once what the dialog is for is stored (every nudge setting is saved when chosen).
      await officer.press('dialog:nudgeSettings');
      await officer.click('every:14');
      await officer.press('dialog:mySchools');
      expect(officer.transcript()).not.toContain('I have stopped');
      const teacher = new TestUser(harness.engine, { id: 'teacher-5' });
      await answerTrainingSurvey(teacher); // saved; then asked whether to be reminded next year
      expect(teacher.transcript()).toContain(await text('en', 'training:remindPrompt'));
      // The dialog keeps no copy of the anonymous answers beside the teacher's conversation.
      expect(harness.store.data.dialogs['test:conv-teacher-5']!.stack[0]!.values).toEqual({ __saved: true });
      await teacher.press('dialog:privacy');
      expect(teacher.transcript()).not.toContain('I have stopped');
    });

    it('leaving "what do you store about me" at its delete question says nothing was deleted; leaving a screen that only shows things says nothing', async () => {
      const harness = await engineHarness();
      const teacher = new TestUser(harness.engine, { id: 'teacher-6' });
      await teacher.press('dialog:privacy');
      await teacher.press('dialog:trainingNeeds');
      expect(teacher.transcript()).toContain(await text('en', 'privacy:leftNotDeleted', { what: await text('en', 'menu:privacy') }));
      expect(teacher.transcript()).not.toContain(await text('en', 'common:leftUnfinished', { what: await text('en', 'menu:privacy') }));
      await teacher.press('dialog:readProtocol');
      await teacher.press('dialog:concern');
      expect(teacher.transcript()).not.toContain(await text('en', 'common:leftUnfinished', { what: await text('en', 'menu:readProtocol') }));
      expect(teacher.last.filter((r) => r.kind === 'text')).toEqual([]); // straight to the danger question
      const officer = new TestUser(harness.engine, { id: 'liaison-north' });
      await officer.press('dialog:protocolStatus');
      await officer.press('dialog:mySchools');
      expect(officer.transcript()).not.toContain(await text('en', 'common:leftUnfinished', { what: await text('en', 'menu:protocol') }));
    });

    it('a free-text answer is kept on one line: line breaks typed into it cannot become structure in a card', async () => {
      const harness = await engineHarness();
      const teacher = new TestUser(harness.engine, { id: 'teacher-8' });
      await teacher.press('dialog:trainingNeeds');
      await teacher.click('school:harbour-secondary');
      await teacher.click('teacher');
      await teacher.click('onlineRadicalisation');
      await teacher.click('competences:done');
      await teacher.click('schoolTeam');
      await teacher.say('More on\n\n**online** work\r\n- please');
      await teacher.click('send');
      expect(harness.store.data.trainingResponses[0]!.comment).toBe('More on **online** work - please');
    });

    it('an officer\'s "what do you store" lists their nudge settings, and "delete my data" removes them', async () => {
      const harness = await engineHarness();
      const officer = new TestUser(harness.engine, { id: 'liaison-north' });
      await officer.press('dialog:nudgeSettings');
      await officer.click('every:14');
      await officer.press('dialog:privacy');
      expect(officer.transcript()).toContain(await text('en', 'privacy:nudgeSettings'));
      await officer.click('delete');
      await officer.click('confirm');
      expect(harness.store.data.snoozes['liaison-north']).toBeUndefined();
    });

    it('an officer back after a message could not reach them is pointed to their call-back requests, not to "your liaison officer"', async () => {
      const harness = await engineHarness();
      const officer = new TestUser(harness.engine, { id: 'liaison-north' });
      await officer.say('menu');
      const userKey = Object.keys(harness.store.data.users).find((k) => k.endsWith('liaison-north'))!;
      harness.store.data.users[userKey]!.unreachable = { reason: 'gone', at: '2026-11-20T10:00:00.000Z' };
      await officer.say('menu');
      expect(officer.transcript()).toContain(await text('en', 'common:missedMessagesOfficer', { item: await text('en', 'menu:callbackList') }));
      expect(officer.transcript()).not.toContain(await text('en', 'common:missedMessages'));
      expect(harness.store.data.users[userKey]!.unreachable).toBeUndefined();
    });
  });
});

describe('home screen', () => {
  it('lists at most 20 open call-back requests and says how many more the list in the chat holds', async () => {
    const harness = await engineHarness();
    for (let i = 0; i < 25; i++) {
      harness.callbacks.create({ schoolId: 'oak-primary', urgency: 'today', way: 'chat', window: 'anytime', requesterName: `Teacher ${i}` }, { key: `test:t${i}`, language: 'en' });
    }
    const { replies } = await harness.engine.home({ channel: 'test', userKey: 'test:liaison-north', platformUserId: 'liaison-north' });
    expect(replies.filter((r) => r.kind === 'choices' && r.choices.some((c) => c.value.startsWith('callback:ack:')))).toHaveLength(20);
    expect(replies.at(-1)).toEqual({ kind: 'text', text: await text('en', 'callback:moreInList', { count: 5, item: await text('en', 'menu:callbackList') }) });
  });

  it('titles the schools "your schools" for a liaison officer and "all schools" for a coordinator, who sees every one', async () => {
    const harness = await engineHarness();
    const texts = async (id: string) => (await harness.engine.home({ channel: 'test', userKey: `test:${id}`, platformUserId: id })).replies.map((r) => (r.kind === 'text' ? r.text : '')).join('\n');
    const title = async (key: string) => (await text('en', key, { count: 0 })).split(' (')[0]!;
    expect(await texts('liaison-north')).toContain(await title('liaison:schoolsTitle'));
    expect(await texts('prevention-coordinator')).toContain(await title('liaison:schoolsTitleAll'));
    expect(await texts('prevention-coordinator')).not.toContain(await title('liaison:schoolsTitle'));
  });
});

describe('messages longer than any answer', () => {
  it.each(SUPPORTED_LANGUAGES)('are not read (%s): "too long", and the question waiting is asked again', async (lang) => {
    const { engine } = await engineHarness();
    const user = new TestUser(engine, { locale: lang });
    await user.say('menu');
    await user.click('dialog:callbackRequest');
    const question = user.transcript();
    // A Teams or Slack message may be this long; the web chat refuses it before the engine.
    await user.say(`I'm worried about a pupil ${'a'.repeat(MAX_TYPED_LENGTH)}`);
    expect(user.transcript()).toBe(`${await text(lang, 'common:tooLong', { max: MAX_TYPED_LENGTH })}\n${question}`);
  });
});

describe('roles are checked on every way into a dialog', () => {
  it('an officer removed from the directory who types an entry of the officer menu shown before gets no report and no download link', async () => {
    const h = await engineHarness({ publicUrl: 'https://bot.example' });
    for (let i = 0; i < 6; i++) await answerTrainingSurvey(new TestUser(h.engine, { channel: 'web', id: `t${i}` }));
    const officer = new TestUser(h.engine, { id: 'liaison-south' });
    await officer.say('menu'); // the officer menu now waits in the stored stack
    const entry = officer.lastChoices().findIndex((c) => c.value === `${Payload.startDialog}trainingReport`) + 1;
    expect(entry).toBeGreaterThan(0);
    h.setDirectory(await directoryWithout('liaison-south', 'liaison-north'));
    await officer.say(String(entry)); // typed, not clicked
    expect(officer.transcript()).toContain(await text('en', 'common:notAllowed'));
    expect(officer.transcript()).not.toContain(await text('en', 'training:report.perSchool'));
    expect(officer.last.some((r) => r.kind === 'link')).toBe(false);
    // The menu offered then is the current role's (a teacher's).
    expect(officer.lastChoices().map((c) => c.value)).not.toContain(`${Payload.startDialog}trainingReport`);
  });

  it('a coordinator made a liaison officer who types "Delivery problems" at the menu shown before is refused', async () => {
    const h = await engineHarness();
    const coordinator = new TestUser(h.engine, { id: 'prevention-coordinator' });
    await coordinator.say('menu');
    const json = JSON.parse(await realDirectoryJson()) as { people: Array<Record<string, unknown>> };
    const person = json.people.find((p) => p.id === 'prevention-coordinator')!;
    json.people.push({ ...person, id: 'new-coordinator', name: 'New Coordinator', slackUserId: 'U0NEWCOORD', teamsUserId: undefined });
    person.role = 'liaison';
    h.setDirectory(parseDirectory(JSON.stringify(json), 'demoted.json'));
    await coordinator.say(await text('en', 'menu:deliveryProblems'));
    expect(coordinator.transcript()).toContain(await text('en', 'common:notAllowedCoordinator'));
  });
});

describe('the dialog stack stays bounded', () => {
  it('"Change language" asked for a hundred times holds one language question, not a hundred', async () => {
    const h = await engineHarness();
    const visitor = new TestUser(h.engine, { channel: 'web', id: 'v1' });
    await visitor.start();
    for (let i = 0; i < 100; i++) await visitor.press('cmd:language');
    expect(h.store.data.dialogs['web:conv-v1']!.stack.map((f) => f.dialogId)).toEqual(['menu', 'language']);
  });

  it('a double click on "Change language" asks once: the language chosen is the answer', async () => {
    const h = await engineHarness();
    const visitor = new TestUser(h.engine, { channel: 'web', id: 'v2' });
    await visitor.start();
    await visitor.press('dialog:language');
    await visitor.press('dialog:language');
    await visitor.press('language:nl');
    expect(visitor.transcript()).not.toContain(await text('nl', 'language:prompt'));
    expect(visitor.transcript()).toContain(await text('nl', 'menu:prompt'));
  });

  it('the same dialog for another thing goes on top: Acknowledge on request B while Reassign of request A asks to whom keeps A\'s question', async () => {
    const h = await engineHarness();
    const request = (name: string) => h.callbacks.create({ schoolId: 'oak-primary', urgency: 'today', way: 'phone', window: 'anytime', requesterName: name, requesterContact: '+32 3 555 00 00' }, { key: `test:${name}`, language: 'en' });
    const [a, b] = [request('Kim Teacher'), request('Lou Teacher')];
    const officer = new TestUser(h.engine, { id: 'liaison-north' });
    await officer.start();
    await officer.press(`callback:reassign:${a.id}`);
    const reassignPrompt = await text('en', 'callback:reassignPrompt');
    expect(officer.transcript()).toContain(reassignPrompt);
    await officer.press(`callback:ack:${b.id}`);
    expect(h.store.data.callbacks.find((r) => r.id === b.id)!.status).toBe('acknowledged');
    expect(officer.transcript()).toContain(reassignPrompt);
  });

  it(`interrupting dialogs of different kinds, one over another, keep at most ${MAX_STACK_DEPTH} frames, and the one on top still works`, async () => {
    const h = await engineHarness();
    const request = () => h.callbacks.create({ schoolId: 'oak-primary', urgency: 'today', way: 'chat', window: 'anytime', requesterName: 'Ana Teacher' }, { key: 'test:t9', language: 'en' });
    const [first, second] = [request(), request()];
    const officer = new TestUser(h.engine, { id: 'liaison-north' });
    await officer.start();
    for (let i = 0; i < 10; i++) {
      await officer.press(`callback:reassign:${first.id}`);
      await officer.press(`callback:reassign:${second.id}`);
      await officer.press('cmd:language');
    }
    expect(h.store.data.dialogs['test:conv-liaison-north']!.stack.length).toBe(MAX_STACK_DEPTH);
    await officer.press('language:nl');
    expect(officer.transcript()).toContain(await text('nl', 'callback:reassignPrompt'));
  });
});

describe('a turn whose changes could not be written (a full disk)', () => {
  function flakyStore() {
    let failing = false;
    const store = new Store(emptyDb(), { read: async () => null, write: async () => { if (failing) throw new Error('ENOSPC'); } }, 'flaky');
    return { store, fail: (on: boolean) => (failing = on) };
  }

  it('is answered "not saved yet, look before doing it again"; what follows it (the teacher told of the acknowledgement) goes once it is written', async () => {
    const { store, fail } = flakyStore();
    const h = await engineHarness({ store });
    const address = { channel: 'test' as const, conversationId: 'conv-teacher', data: {} };
    const request = h.callbacks.create({ schoolId: 'oak-primary', urgency: 'week', way: 'phone', window: 'anytime', requesterName: 'Robin Teacher', requesterContact: '+32 3 555 77 88' }, { key: 'test:teacher', address, language: 'en' });
    await store.commit();
    const officer = new TestUser(h.engine, { id: 'liaison-north' });
    fail(true);
    await officer.press(`callback:ack:${request.id}`);
    await h.engine.idle();
    expect(officer.transcript()).toBe(await text('en', 'common:notSaved', { number: h.directory.data.emergency.number }));
    expect(h.sent.filter((s) => s.address.conversationId === 'conv-teacher')).toHaveLength(0);

    fail(false);
    await store.commit(); // the next write, whoever's (a turn, a tick, the store's own retry)
    await h.engine.idle();
    const toTeacher = h.sent.filter((s) => s.address.conversationId === 'conv-teacher');
    expect(toTeacher).toHaveLength(1);
    expect(toTeacher[0]!.replies[0]).toEqual({ kind: 'text', text: await text('en', 'callback:acknowledgedNotice', { name: h.directory.person('liaison-north')!.name, school: h.directory.school('oak-primary')!.name }) });
    await store.commit();
    await h.engine.idle();
    expect(h.sent.filter((s) => s.address.conversationId === 'conv-teacher')).toHaveLength(1); // once
  });
});

describe('stopping the app after a write failed', () => {
  it('writes first and waits for the notices that waited for a write, so that they are not cut off by the exit', async () => {
    let failing = false;
    let written = '';
    const store = new Store(emptyDb(), { read: async () => null, write: async (data) => { if (failing) throw new Error('ENOSPC'); written = JSON.stringify((data as ReturnType<typeof emptyDb>).callbacks); } }, 'flaky');
    const running = await startApp({}, { store });
    const address = { channel: 'web' as const, conversationId: 'gone-conversation', data: {} };
    const request = running.app.callbacks.create({ schoolId: 'oak-primary', urgency: 'week', way: 'phone', window: 'anytime', requesterName: 'Robin Teacher', requesterContact: '+32 3 555 77 88' }, { key: 'web:v-robin', address, language: 'en' });
    await store.commit();
    const officer = new TestUser(running.app.engine, { id: 'liaison-north' });
    failing = true;
    await officer.press(`callback:ack:${request.id}`); // "not saved yet": the teacher's notice waits for a write
    failing = false; // space freed, and the service restarted before the store's own retry
    await running.stop();
    expect(JSON.parse(written)[0].notifications).toEqual([expect.objectContaining({ kind: 'acknowledged', to: 'web:v-robin' })]);
  });
});
