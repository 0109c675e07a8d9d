import { describe, expect, it } from '@jest/globals';
import { MAX_WAITING_PER_REQUESTER } from '../../src/core/callbacks.js';
import { formatDate } from '../../src/core/dates.js';
import type { ChannelId } from '../../src/core/messages.js';
import { SUPPORTED_LANGUAGES, type Language } from '../../src/i18n/languages.js';
import { engineHarness, TestUser, text, translations, type EngineHarness } from '../helpers/fixtures.js';

/** A teacher on `channel` asks for a call-back from the menu, up to the "how" question. */
async function upToWay(h: EngineHarness, channel: ChannelId, lang: (typeof SUPPORTED_LANGUAGES)[number] = 'en', urgency: 'today' | 'week' | 'whenever' = 'week') {
  const teacher = new TestUser(h.engine, { channel, id: `teacher-${channel}`, locale: lang });
  await teacher.say('menu');
  await teacher.click('dialog:callbackRequest');
  await teacher.click('school:oak-primary');
  await teacher.click(urgency);
  return teacher;
}

/** From the "how" question up to the summary, by phone, in the afternoon, as Alex Teacher, no note. */
async function upToSummary(teacher: TestUser) {
  await teacher.click('phone');
  await teacher.click('afternoon');
  await teacher.say('Alex Teacher');
  await teacher.say('+32 3 555 77 88');
  await teacher.click('skip');
}

/** The same, and sent. */
async function sendByPhone(teacher: TestUser) {
  await upToSummary(teacher);
  await teacher.click('send');
}

describe.each(SUPPORTED_LANGUAGES)('call-back requests: only promises that can be kept (%s)', (lang) => {
  it.each(['web', 'test'] as const)('on %s, "here in the chat" is not offered: nobody could answer there', async (channel) => {
    const h = await engineHarness();
    const teacher = await upToWay(h, channel, lang);
    expect(teacher.transcript()).toContain(await text(lang, 'callback:wayPrompt'));
    expect(teacher.lastChoices().map((c) => c.value)).toEqual(['phone', 'email']);
  });

  it('a web visitor is not promised the acknowledgement after their chat may be gone; the officer is told so too', async () => {
    const h = await engineHarness();
    const teacher = await upToWay(h, 'web', lang);
    await teacher.click('email');
    await teacher.click('morning');
    await teacher.say('Robin Example');
    await teacher.say('robin@school.example');
    await teacher.click('skip');
    await teacher.click('send');
    const officerName = h.directory.person('liaison-north')!.name;
    expect(teacher.transcript()).toContain(await text(lang, 'callback:sentWeb', { name: officerName }));
    expect(teacher.transcript()).not.toContain(await text(lang, 'callback:sent', { name: officerName }));
    const [request] = h.store.data.callbacks;
    expect(request).toMatchObject({ way: 'email', requesterContact: 'robin@school.example' });

    const officer = new TestUser(h.engine, { id: 'liaison-north', locale: lang });
    await officer.press(`callback:ack:${request!.id}`);
    const school = h.directory.school('oak-primary')!.name;
    const [confirmed, how, when] = officer.transcript().split('\n');
    expect(confirmed).toBe(await text(lang, 'callback:ackConfirmedWeb', { name: 'Robin Example', school }));
    // What calling back needs, right there: how and when.
    expect(how).toBe(await text(lang, 'common:labelled', { label: await text(lang, 'callback:summaryWay'), value: `${await text(lang, 'callback:way.email')} (robin@school.example)` }));
    expect(when).toBe(await text(lang, 'common:labelled', { label: await text(lang, 'callback:summaryWindow'), value: await text(lang, 'callback:window.morning') }));
  });

  it('a teacher on a lasting channel (Slack, Teams; here the test channel) is promised to hear of it here, and does', async () => {
    const h = await engineHarness();
    const teacher = await upToWay(h, 'test', lang);
    await sendByPhone(teacher);
    const officerName = h.directory.person('liaison-north')!.name;
    expect(teacher.transcript()).toContain(await text(lang, 'callback:sent', { name: officerName }));
    const [request] = h.store.data.callbacks;
    const officer = new TestUser(h.engine, { id: 'liaison-north', locale: lang });
    await officer.press(`callback:ack:${request!.id}`);
    const school = h.directory.school('oak-primary')!.name;
    expect(officer.transcript().split('\n')[0]).toBe(await text(lang, 'callback:ackConfirmed', { name: 'Alex Teacher', school }));
    expect(officer.transcript()).toContain('+32 3 555 77 88');
    await h.engine.idle();
    expect(h.sent.some((s) => s.address.conversationId === 'conv-teacher-test')).toBe(true);
  });
});

describe.each(SUPPORTED_LANGUAGES)('call-back requests: the teacher is told what happens next (%s)', (lang) => {
  it.each([
    ['today', 'Hours', 2, 4],
    ['week', 'Days', 1, 2],
    ['whenever', 'Days', 1, 2],
  ] as const)('"%s": when the officer is reminded, when their backup takes over, and whom to call if it cannot wait', async (urgency, unit, remind, escalate) => {
    const h = await engineHarness();
    const teacher = await upToWay(h, 'test', lang, urgency);
    await sendByPhone(teacher);
    const officer = h.directory.person('liaison-north')!;
    const backup = h.directory.person(officer.backupId)!;
    // The sample directory's intervals: a request for today is reminded after 2 and escalated after 4
    // working hours (its defaults), others after 1 and 2 working days.
    const intervals = h.directory.data.intervals;
    expect(unit === 'Hours' ? [intervals.callbackTodayReminderWorkingHours, intervals.callbackTodayEscalateWorkingHours] : [intervals.callbackAcknowledgeWorkingDays, intervals.callbackEscalateWorkingDays]).toEqual([remind, escalate]);
    expect(teacher.last[0]).toEqual({
      kind: 'text',
      text: [
        await text(lang, 'callback:sent', { name: officer.name }),
        await text(lang, `callback:nextRemind${unit}`, { name: officer.name, count: remind }),
        await text(lang, `callback:nextEscalate${unit}`, { backup: backup.name, count: escalate }),
        await text(lang, 'callback:nextUrgent', { name: officer.name, phone: officer.phone }),
      ].join('\n'),
    });
  });
});

describe.each(SUPPORTED_LANGUAGES)('call-back requests left half-way say nothing was sent (%s)', (lang) => {
  it.each(['cancel', 'menu', 'another dialog'] as const)('by %s', async (how) => {
    const h = await engineHarness();
    const teacher = await upToWay(h, 'test', lang);
    const words = (await translations()).translator(lang);
    if (how === 'another dialog') await teacher.press('dialog:trainingNeeds');
    else await teacher.say(words.list(`commands:${how}`)[0]!);
    expect(teacher.transcript()).toContain(await text(lang, 'callback:leftNotSent', { what: await text(lang, 'menu:callback') }));
    expect(h.store.data.callbacks).toEqual([]);
  });

  it('by cancel while the language picker is open over it: the call-back request is named, not the picker', async () => {
    const h = await engineHarness();
    const teacher = await upToWay(h, 'test', lang);
    const words = (await translations()).translator(lang);
    await teacher.say(words.list('commands:language')[0]!);
    expect(teacher.transcript()).toContain(await text(lang, 'language:prompt'));
    await teacher.say(words.list('commands:cancel')[0]!);
    expect(teacher.last[0]).toEqual({ kind: 'text', text: await text(lang, 'callback:leftNotSent', { what: await text(lang, 'menu:callback') }) });
    expect(teacher.transcript()).not.toContain(await text(lang, 'common:leftUnfinished', { what: await text(lang, 'menu:language') }));
  });
});

describe.each(SUPPORTED_LANGUAGES)('call-back requests: one answer corrected from the summary (%s)', (lang) => {
  // A card's field as the test transcript writes it (channels render it their own way).
  const summaryLine = (label: string, value: string) => `${label}: ${value}`;

  it('the summary offers a correction beside sending and not sending', async () => {
    const h = await engineHarness();
    const teacher = await upToWay(h, 'test', lang);
    await upToSummary(teacher);
    expect(teacher.lastChoices().map((c) => c.value)).toEqual(['send', 'change', 'cancel']);
    await teacher.click('change');
    expect(teacher.transcript()).toContain(await text(lang, 'callback:changePrompt'));
    expect(teacher.lastChoices()).toEqual([
      { value: 'name', label: await text(lang, 'callback:change.name') },
      { value: 'contact', label: await text(lang, 'callback:change.phone') },
      { value: 'way', label: await text(lang, 'callback:change.way') },
      { value: 'window', label: await text(lang, 'callback:change.window') },
      { value: 'urgency', label: await text(lang, 'callback:change.urgency') },
      { value: 'school', label: await text(lang, 'callback:change.school') },
      { value: 'note', label: await text(lang, 'callback:change.addNote') },
      { value: 'nothing', label: await text(lang, 'callback:change.nothing') },
    ]);
  });

  it('a mistyped name is asked again, the summary shows the new one, and the other answers are kept', async () => {
    const h = await engineHarness();
    const teacher = await upToWay(h, 'test', lang);
    await upToSummary(teacher);
    await teacher.click('change');
    await teacher.click('name');
    expect(teacher.transcript()).toContain(await text(lang, 'callback:namePrompt'));
    await teacher.say('Alexandra Teacher');
    expect(teacher.transcript()).toContain(await text(lang, 'callback:summaryTitle'));
    expect(teacher.transcript()).toContain('Alexandra Teacher');
    expect(teacher.lastChoices().map((c) => c.value)).toEqual(['send', 'change', 'cancel']);
    await teacher.click('send');
    expect(h.store.data.callbacks).toHaveLength(1);
    expect(h.store.data.callbacks[0]).toMatchObject({
      requesterName: 'Alexandra Teacher',
      schoolId: 'oak-primary',
      urgency: 'week',
      way: 'phone',
      window: 'afternoon',
      requesterContact: '+32 3 555 77 88',
    });
  });

  it('a new way asks for its new address, which replaces the old one', async () => {
    const h = await engineHarness();
    const teacher = await upToWay(h, 'test', lang);
    await upToSummary(teacher);
    await teacher.click('change');
    await teacher.click('way');
    await teacher.click('email');
    expect(teacher.transcript()).toContain(await text(lang, 'callback:emailPrompt'));
    // The address is checked as in the form.
    await teacher.say('not an address');
    expect(teacher.transcript()).toContain(await text(lang, 'callback:invalidEmail'));
    await teacher.say('alex@school.example');
    const how = `${await text(lang, 'callback:way.email')} (alex@school.example)`;
    expect(teacher.transcript()).toContain(summaryLine(await text(lang, 'callback:summaryWay'), how));
    expect(teacher.transcript()).not.toContain('+32 3 555 77 88');
    await teacher.click('send');
    expect(h.store.data.callbacks[0]).toMatchObject({ way: 'email', requesterContact: 'alex@school.example', requesterName: 'Alex Teacher' });
  });

  it('the same way chosen again keeps the address given', async () => {
    const h = await engineHarness();
    const teacher = await upToWay(h, 'test', lang);
    await upToSummary(teacher);
    await teacher.click('change');
    await teacher.click('way');
    await teacher.click('phone');
    expect(teacher.transcript()).toContain(await text(lang, 'callback:summaryTitle'));
    await teacher.click('send');
    expect(h.store.data.callbacks[0]).toMatchObject({ way: 'phone', requesterContact: '+32 3 555 77 88' });
  });

  it('a note can be added afterwards (checked like in the form), and taken out again', async () => {
    const h = await engineHarness();
    const teacher = await upToWay(h, 'test', lang);
    await upToSummary(teacher);
    await teacher.click('change');
    await teacher.click('note');
    expect(teacher.lastChoices().map((c) => c.label)).toEqual([await text(lang, 'callback:noNote'), await text(lang, 'liaison:keepAsIs')]);
    await teacher.say('Best after 15:30, I teach until then.');
    const noteLabel = await text(lang, 'callback:summaryNote');
    expect(teacher.transcript()).toContain(summaryLine(noteLabel, 'Best after 15:30, I teach until then.'));
    await teacher.click('change');
    expect(teacher.lastChoices().find((c) => c.value === 'note')!.label).toBe(await text(lang, 'callback:change.note'));
    await teacher.click('note');
    await teacher.click('skip');
    expect(teacher.transcript()).not.toContain(noteLabel);
    await teacher.click('send');
    expect(h.store.data.callbacks[0]!.note).toBeUndefined();
  });

  it('the school, the urgency and the time of day can each be corrected', async () => {
    const h = await engineHarness();
    const teacher = await upToWay(h, 'test', lang);
    await upToSummary(teacher);
    await teacher.click('change');
    await teacher.click('school');
    await teacher.click('school:harbour-secondary');
    expect(teacher.transcript()).toContain(h.directory.school('harbour-secondary')!.name);
    await teacher.click('change');
    await teacher.click('urgency');
    await teacher.click('today');
    await teacher.click('change');
    await teacher.click('window');
    await teacher.click('morning');
    await teacher.click('send');
    expect(h.store.data.callbacks[0]).toMatchObject({ schoolId: 'harbour-secondary', urgency: 'today', window: 'morning', requesterName: 'Alex Teacher' });
  });

  it('"nothing" shows the summary again, unchanged; an old button of the summary is not taken as an answer meanwhile', async () => {
    const h = await engineHarness();
    const teacher = await upToWay(h, 'test', lang);
    await upToSummary(teacher);
    const summary = teacher.transcript();
    await teacher.click('change');
    await teacher.press('send');
    expect(h.store.data.callbacks).toEqual([]);
    await teacher.click('nothing');
    expect(teacher.transcript()).toBe(summary);
    await teacher.click('cancel');
    expect(teacher.transcript()).toContain(await text(lang, 'callback:notSent'));
    expect(h.store.data.callbacks).toEqual([]);
  });
});

describe.each(SUPPORTED_LANGUAGES)('call-back requests: a correction can be given up without losing the request (%s)', (lang) => {
  const cancelWord = async () => (await translations()).translator(lang).list('commands:cancel')[0]!;

  it.each(['name', 'contact', 'way', 'window', 'urgency', 'note'])('"%s" offers "keep as it is", which shows the summary unchanged', async (field) => {
    const h = await engineHarness();
    const teacher = await upToWay(h, 'test', lang);
    await upToSummary(teacher);
    const summary = teacher.transcript();
    await teacher.click('change');
    await teacher.click(field);
    expect(teacher.lastChoices().at(-1)).toEqual({ value: 'keep', label: await text(lang, 'liaison:keepAsIs') });
    await teacher.click('keep');
    expect(teacher.transcript()).toBe(summary);
  });

  it.each([
    ['at the choice of what to change', [] as string[]],
    ['at the name question', ['name']],
    ['at the school picker', ['school']],
    ['at the new address after a new way', ['way', 'email']],
  ])('"cancel" %s goes back to the summary, with every answer as it was', async (_where, clicks) => {
    const h = await engineHarness();
    const teacher = await upToWay(h, 'test', lang);
    await upToSummary(teacher);
    const summary = teacher.transcript();
    await teacher.click('change');
    for (const value of clicks) await teacher.click(value);
    await teacher.say(await cancelWord());
    expect(teacher.transcript()).toBe(`${await text(lang, 'common:correctionCancelled')}\n${summary}`);
    expect(teacher.transcript()).not.toContain(await text(lang, 'callback:leftNotSent', { what: await text(lang, 'menu:callback') }));
    await teacher.click('send');
    expect(h.store.data.callbacks[0]).toMatchObject({ requesterName: 'Alex Teacher', way: 'phone', requesterContact: '+32 3 555 77 88', schoolId: 'oak-primary' });
  });

  it('"cancel" at the summary itself still stops the request, and says nothing was sent', async () => {
    const h = await engineHarness();
    const teacher = await upToWay(h, 'test', lang);
    await upToSummary(teacher);
    await teacher.click('change');
    await teacher.click('nothing');
    await teacher.say(await cancelWord());
    expect(teacher.transcript()).toContain(await text(lang, 'callback:leftNotSent', { what: await text(lang, 'menu:callback') }));
    expect(h.store.data.callbacks).toEqual([]);
  });

  it('the summary\'s question is answered by typing yes, no or "change" in the teacher\'s language', async () => {
    const words = (await translations()).translator(lang);
    for (const [list, expected, said] of [
      ['common:yesWords', 1, 'callback:sent'],
      ['common:noWords', 0, 'callback:notSent'],
    ] as const) {
      const h = await engineHarness();
      const teacher = await upToWay(h, 'test', lang);
      await upToSummary(teacher);
      await teacher.say(words.list(list)[0]!);
      expect(h.store.data.callbacks).toHaveLength(expected);
      expect(teacher.transcript()).toContain((await text(lang, said, { name: h.directory.person('liaison-north')!.name })).slice(0, 20));
    }
    const h = await engineHarness();
    const teacher = await upToWay(h, 'test', lang);
    await upToSummary(teacher);
    await teacher.say(words.list('callback:changeWords')[0]!);
    expect(teacher.transcript()).toContain(await text(lang, 'callback:changePrompt'));
  });
});

describe('call-back requests waiting at the name question since before it was checked', () => {
  it('an answer that is no name is refused there too, and the name asked again', async () => {
    const h = await engineHarness();
    const teacher = await upToWay(h, 'test');
    await teacher.click('phone');
    await teacher.click('afternoon');
    // The question as it was stored before the check: free text of up to 80 characters, unchecked.
    const frame = h.store.data.dialogs['test:conv-teacher-test']!.stack.at(-1)!;
    expect(frame.prompt?.freeText?.check).toBe('personName');
    frame.prompt!.freeText!.check = 'none';
    await teacher.say('Yusuf 3B, Kerkstraat 12');
    expect(teacher.transcript()).toBe(`${await text('en', 'callback:invalidName')}\n${await text('en', 'callback:namePrompt')}`);
    await teacher.say('Alex Teacher');
    await teacher.say('+32 3 555 77 88');
    await teacher.click('skip');
    await teacher.click('send');
    expect(h.store.data.callbacks[0]).toMatchObject({ requesterName: 'Alex Teacher', window: 'afternoon' });
  });
});

describe('call-back requests asked for in words', () => {
  it('start the request for a teacher; an officer, who has no liaison officer to ask, is told it is for school staff', async () => {
    const h = await engineHarness();
    const teacher = new TestUser(h.engine, { id: 'teacher-words' });
    await teacher.say('can someone call me back?');
    expect(teacher.transcript()).toContain(await text('en', 'concern:schoolPrompt'));
    const officer = new TestUser(h.engine, { id: 'liaison-north' });
    await officer.say('call me back');
    expect(officer.transcript()).toContain(await text('en', 'common:notAllowedTeacher'));
    expect(officer.transcript()).not.toContain(await text('en', 'concern:schoolPrompt'));
  });
});

describe.each(SUPPORTED_LANGUAGES)('call-back requests: a number or an address typed before choosing how (%s)', (lang) => {
  it('is answered with what comes next; the address is not kept (it is asked for next)', async () => {
    const h = await engineHarness();
    const teacher = await upToWay(h, 'test', lang);
    await teacher.say('alex@school.example');
    expect(teacher.transcript()).toContain(await text(lang, 'callback:wayFirst'));
    expect(teacher.transcript()).not.toContain(await text(lang, 'common:notUnderstood'));
    expect(teacher.lastChoices().map((c) => c.value)).toEqual(['phone', 'email']);
  });
});

describe.each(SUPPORTED_LANGUAGES)('call-back requests: buttons of an earlier message (%s)', (lang) => {
  it('"Send" pressed a second time says it belongs to an earlier message, and sends nothing more', async () => {
    const h = await engineHarness();
    const teacher = await upToWay(h, 'test', lang);
    await upToSummary(teacher);
    await teacher.click('send');
    await teacher.press('send');
    expect(teacher.transcript()).toContain(await text(lang, 'common:staleButton'));
    expect(teacher.transcript()).not.toContain(await text(lang, 'common:notUnderstood'));
    // Where the teacher is now follows: the menu.
    expect(teacher.lastChoices().map((c) => c.value)).toContain('dialog:callbackRequest');
    expect(h.store.data.callbacks).toHaveLength(1);
  });

  it('a button of an earlier question at the name question says so and asks for the name again; typed words not understood still get the usual hint', async () => {
    const h = await engineHarness();
    const teacher = await upToWay(h, 'test', lang);
    await teacher.click('phone');
    await teacher.click('afternoon');
    await teacher.press('morning');
    expect(teacher.transcript()).toBe(`${await text(lang, 'common:staleButton')}\n${await text(lang, 'callback:namePrompt')}`);
    await teacher.say('Alex Teacher');
    await teacher.say('+32 3 555 77 88');
    await teacher.click('skip');
    await teacher.say('qwertz');
    expect(teacher.transcript()).toContain(await text(lang, 'common:notUnderstood'));
  });
});

describe.each(SUPPORTED_LANGUAGES)('call-back requests: the name asked is a name (%s)', (lang) => {
  it.each([
    'Yusuf from 3B',
    'hmm, not sure?',
    'alex@school.example',
    'my pupil in year seven has been saying things',
    'the boy in my class is',
    'mijn leerling Yusuf is radicaal',
    'Kerkstraat, Antwerpen',
    "I'd rather not say",
    'Jan Peeters for Yusuf',
    'Marie Dupont pour Yasmina',
    'Jan Peeters leerkracht van Yusuf',
    'Anna Müller für Ahmed',
    'Jan Peeters, teacher of Yusuf',
  ])('"%s" is refused and asked again', async (typed) => {
    const h = await engineHarness();
    const teacher = await upToWay(h, 'test', lang);
    await teacher.click('phone');
    await teacher.click('afternoon');
    await teacher.say(typed);
    expect(teacher.transcript()).toContain(await text(lang, 'callback:invalidName'));
    expect(teacher.transcript()).not.toContain(typed);
    expect(h.store.data.dialogs['test:conv-teacher-test']!.stack.at(-1)!.values.name).toBeUndefined();
  });

  it.each(["Marie-Claire O'Neil", 'J. de Wit', 'José Ñúñez', 'Zoë Van den Broeck', 'Peeters, Jan', 'Maria del Carmen de la Fuente García', 'Anne\u2010Marie Dubois', 'Ma Long', 'Sophie In ’t Veld', 'Elle Peeters', 'Boy de Jong', 'Jan Mes', 'Jan de Mes', 'Wil de Vries', 'Tom Lehrer', 'Hem Kumar', 'Klas Berg', 'François Garçon', 'Mine Yılmaz', 'My Nguyen', 'An Peeters', 'A. Janssens', 'Will Smith'])('"%s" is taken', async (typed) => {
    const h = await engineHarness();
    const teacher = await upToWay(h, 'test', lang);
    await teacher.click('phone');
    await teacher.click('afternoon');
    await teacher.say(typed);
    expect(teacher.transcript()).toContain(await text(lang, 'callback:phonePrompt'));
  });
});

/** A teacher at the call-back form's name question (phone, in the afternoon). */
async function atNameQuestion(lang: Language) {
  const h = await engineHarness();
  const teacher = await upToWay(h, 'test', lang);
  await teacher.click('phone');
  await teacher.click('afternoon');
  return { h, teacher };
}

/** The first line of the emergency answer, with the directory's number. */
async function emergencyCall(h: EngineHarness, lang: Language) {
  return { kind: 'text', text: await text(lang, 'emergency:call', { number: h.directory.data.emergency.number }) };
}

describe('call-back requests: danger typed where the name is asked', () => {
  it.each([
    ['en', 'very urgent he has a knife'],
    ['en', 'Yusuf brought a knife'],
    ['en', 'he carries a gun'],
    ['en', 'knife'],
    // A name in lower case with a danger word in it is read as danger too (the safe side; written as
    // names are, "Jan Mes", it is a name).
    ['nl', 'jan mes'],
    ['fr', 'Il a un couteau'],
    ['de', 'Ein Messer'],
    ['de', 'Anna Messer'],
    ['nl', 'Yusuf Wil Jan Vermoorden'],
    ['fr', 'il a un couteau'],
    ['nl', 'Yusuf wil iemand vermoorden'],
    ['nl', 'hij heeft een mes bij zich'],
    ['de', 'Er hat ein Messer dabei'],
  ] as const)('(%s) "%s" gets the emergency answer first, and is neither kept nor taken as the name', async (lang, typed) => {
    const { h, teacher } = await atNameQuestion(lang);
    await teacher.say(typed);
    expect(teacher.last[0]).toEqual(await emergencyCall(h, lang));
    const callback = h.store.data.dialogs['test:conv-teacher-test']!.stack.find((f) => f.dialogId === 'callbackRequest')!;
    expect(callback.values.name).toBeUndefined();
    expect(JSON.stringify(h.store.data)).not.toContain(typed);
  });
});

describe('call-back requests: a name read as danger, typed again after the emergency answer', () => {
  it.each([
    ['nl', 'jan mes'],
    ['en', 'Gun'],
    ['de', 'Anna Messer'],
  ] as const)('(%s) "%s" is taken as the name the second time', async (lang, typed) => {
    const { h, teacher } = await atNameQuestion(lang);
    await teacher.say(typed);
    expect(teacher.last[0]).toEqual(await emergencyCall(h, lang));
    await teacher.click('not-immediate');
    await teacher.say(typed);
    expect(teacher.transcript()).toContain(await text(lang, 'callback:phonePrompt'));
    expect(h.store.data.dialogs['test:conv-teacher-test']!.stack.at(-1)!.values.name).toBe(typed);
  });

  it.each([
    ['fr', 'il a un couteau'],
    ['nl', 'yusuf wil jan vermoorden'],
    ['nl', 'jan dreigt met mes'],
    ['en', 'yusuf threatened jan with a knife'],
    ['en', 'yusuf threatened jan'],
  ] as const)('(%s) a sentence read as danger, "%s", typed again, gets the emergency answer again and is never kept', async (lang, typed) => {
    const { h, teacher } = await atNameQuestion(lang);
    await teacher.say(typed);
    expect(h.store.data.dialogs['test:conv-teacher-test']!.stack.find((f) => f.dialogId === 'callbackRequest')!.values.__dangerRead).toBeUndefined();
    await teacher.click('not-immediate');
    await teacher.say(typed);
    expect(teacher.last[0]).toEqual(await emergencyCall(h, lang));
    expect(h.store.data.dialogs['test:conv-teacher-test']!.stack.find((f) => f.dialogId === 'callbackRequest')!.values.name).toBeUndefined();
    expect(JSON.stringify(h.store.data)).not.toContain(typed.split(' ').at(-1)!);
  });
});

describe('call-back requests: an address that holds a danger word is an address', () => {
  it.each([
    ['nl', 'jan.mes@school.example'],
    ['de', 'anna.messer@schule.example'],
    ['en', 't.bomb@school.example'],
  ] as const)('(%s) "%s" is taken as the e-mail address, without the emergency answer', async (lang, typed) => {
    const h = await engineHarness();
    const teacher = await upToWay(h, 'test', lang);
    await teacher.click('email');
    await teacher.click('afternoon');
    await teacher.say('Jan Peeters');
    await teacher.say(typed);
    expect(teacher.transcript()).not.toContain(await text(lang, 'emergency:call', { number: h.directory.data.emergency.number }));
    expect(h.store.data.dialogs['test:conv-teacher-test']!.stack.at(-1)!.values.contact).toBe(typed);
  });
});

describe('call-back requests made before "here in the chat" was withdrawn', () => {
  it('a conversation waiting at the old question with the chat button answered is asked the way again, keeping its urgency', async () => {
    const h = await engineHarness();
    const teacher = await upToWay(h, 'web');
    // The question as it was stored before the change still offered "chat".
    const frame = h.store.data.dialogs['web:conv-teacher-web']!.stack.at(-1)!;
    expect(frame.prompt?.text).toEqual({ key: 'callback:wayPrompt' });
    frame.prompt!.choices!.unshift({ value: 'chat', label: { key: 'callback:way.chat' } });
    await teacher.press('chat');
    expect(teacher.transcript()).toContain(await text('en', 'callback:wayWithdrawn'));
    expect(teacher.lastChoices().map((c) => c.value)).toEqual(['phone', 'email']);
    await teacher.click('phone');
    await teacher.click('anytime');
    await teacher.say('Kim Teacher');
    await teacher.say('+32 3 555 77 88');
    await teacher.click('skip');
    await teacher.click('send');
    expect(h.store.data.callbacks[0]).toMatchObject({ urgency: 'week', way: 'phone', requesterContact: '+32 3 555 77 88' });
  });
});

describe.each(SUPPORTED_LANGUAGES)('open call-back requests list (%s)', (lang) => {
  it('shows the day a request was made in the directory\'s time zone and the reader\'s language', async () => {
    // 00:30 on 24 November in Brussels is still 23 November in UTC.
    const madeAt = new Date('2026-11-23T23:30:00.000Z');
    const h = await engineHarness({ clock: () => madeAt });
    h.callbacks.create({ schoolId: 'oak-primary', urgency: 'today', way: 'phone', window: 'anytime', requesterName: 'Night Owl', requesterContact: '+32 3 555 77 88' }, { key: 'test:t1', language: 'en' });
    const officer = new TestUser(h.engine, { id: 'liaison-north', locale: lang });
    await officer.say('menu');
    await officer.click('dialog:callbackList');
    expect(officer.transcript()).toContain(await text(lang, 'callback:requestedOn', { date: formatDate('2026-11-24', lang) }));
    expect(officer.transcript()).not.toContain('2026-11-23');
  });
});

describe.each(SUPPORTED_LANGUAGES)('delivery problems (%s)', (lang) => {
  it('explains why a message could not be delivered in the reader\'s language, with local dates, not raw codes', async () => {
    const h = await engineHarness();
    h.repos.nudgeLog.set('keepInTouch|liaison-north|2026-W48', {
      rule: 'keepInTouch', recipientId: 'liaison-north', period: '2026-W48', status: 'permanent',
      claimedAt: '2026-11-23T23:30:00.000Z', attempts: 1, lastError: 'no-address',
    });
    const teacher = new TestUser(h.engine, { channel: 'web', id: 'gone' });
    await teacher.say('menu');
    h.repos.users.markUnreachable('web:gone', 'conversation_gone', new Date('2026-11-23T23:30:00.000Z'));
    const slack = new TestUser(h.engine, { channel: 'slack', id: 'UGONE' });
    await slack.say('menu');
    h.repos.users.markUnreachable('slack:UGONE', 'some_new_error', new Date('2026-11-20T10:00:00.000Z'));

    const coordinator = new TestUser(h.engine, { id: 'prevention-coordinator', locale: lang });
    await coordinator.say('menu');
    await coordinator.click('dialog:deliveryProblems');
    const shown = coordinator.transcript();
    expect(shown).toContain(
      await text(lang, 'nudges:problems.nudge', {
        rule: await text(lang, 'nudges:rule.keepInTouch'),
        name: 'Sanne Peeters',
        date: formatDate('2026-11-24', lang),
        reason: await text(lang, 'liaison:deliveryProblems.reason.no-address'),
      }),
    );
    expect(shown).toContain(
      await text(lang, 'nudges:problems.user', {
        channel: await text(lang, 'liaison:deliveryProblems.channel.web'),
        date: formatDate('2026-11-24', lang),
        reason: await text(lang, 'liaison:deliveryProblems.reason.conversation_gone'),
      }),
    );
    // An unknown platform code is explained in words, and kept for whoever looks into it.
    expect(shown).toContain(await text(lang, 'liaison:deliveryProblems.reason.other', { code: 'some_new_error' }));
    expect(shown).not.toMatch(/: (no-address|conversation_gone)\b/);
    expect(shown).not.toContain('2026-11-23');
    // And what the coordinator can do about it.
    expect(shown).toContain(await text(lang, 'nudges:problems.whatToDo'));
  });
});

describe(`call-back requests: at most ${MAX_WAITING_PER_REQUESTER} waiting from one requester`, () => {
  // The requests went to Oak Primary's liaison officer: whom to phone instead, by name and number.
  const refusal = async (h: EngineHarness) => {
    const officer = h.directory.person('liaison-north')!;
    const contacts = await text('en', 'callback:phoneWho', { name: officer.name, phone: officer.phone });
    return text('en', 'callback:tooManyWaiting', { waiting: MAX_WAITING_PER_REQUESTER, contacts, number: h.directory.data.emergency.number });
  };

  it('the next one is refused before any question, with the way to phone; once one is done, a new one can be sent', async () => {
    const h = await engineHarness();
    for (let i = 0; i < MAX_WAITING_PER_REQUESTER; i++) await sendByPhone(await upToWay(h, 'web'));
    expect(h.store.data.callbacks).toHaveLength(MAX_WAITING_PER_REQUESTER);
    const teacher = new TestUser(h.engine, { channel: 'web', id: 'teacher-web' });
    await teacher.say('menu');
    await teacher.click('dialog:callbackRequest');
    expect(teacher.transcript()).toContain(await refusal(h));
    expect(teacher.transcript()).not.toContain(await text('en', 'concern:schoolPrompt'));
    expect(h.store.data.callbacks).toHaveLength(MAX_WAITING_PER_REQUESTER);

    // Another requester is not held back by this one's requests.
    await sendByPhone(await upToWay(h, 'test'));
    expect(h.store.data.callbacks).toHaveLength(MAX_WAITING_PER_REQUESTER + 1);

    const officer = new TestUser(h.engine, { id: 'liaison-north' });
    await officer.press(`callback:done:${h.store.data.callbacks[0]!.id}`);
    await sendByPhone(await upToWay(h, 'web'));
    expect(h.store.data.callbacks).toHaveLength(MAX_WAITING_PER_REQUESTER + 2);
  });

  it('is checked again on sending: a form started before the others were sent (another conversation of the same user) sends nothing', async () => {
    const h = await engineHarness();
    for (let i = 0; i < MAX_WAITING_PER_REQUESTER - 1; i++) await sendByPhone(await upToWay(h, 'test'));
    const first = new TestUser(h.engine, { channel: 'test', id: 'teacher-test', conversation: 'first' });
    await first.say('menu');
    await first.click('dialog:callbackRequest');
    await first.click('school:oak-primary');
    await first.click('week');
    await upToSummary(first);
    await sendByPhone(await upToWay(h, 'test')); // the last one allowed, from the usual conversation
    await first.click('send');
    expect(first.transcript()).toContain(await refusal(h));
    expect(h.store.data.callbacks).toHaveLength(MAX_WAITING_PER_REQUESTER);
  });
});

describe('call-back requests: the refusal at the limit names who handles the waiting requests now', () => {
  it('the stand-in for an assignee who left the directory (the school\'s liaison officer), not nobody', async () => {
    const h = await engineHarness();
    for (let i = 0; i < MAX_WAITING_PER_REQUESTER; i++) {
      h.callbacks.create({ schoolId: 'oak-primary', urgency: 'week', way: 'phone', window: 'anytime', requesterName: 'Alex Teacher', requesterContact: '+32 3 555 77 88' }, { key: 'test:teacher-test', language: 'en' });
    }
    for (const request of h.store.data.callbacks) request.assigneeId = 'someone-who-left';
    const teacher = new TestUser(h.engine, { channel: 'test', id: 'teacher-test' });
    await teacher.say('menu');
    await teacher.click('dialog:callbackRequest');
    const officer = h.directory.person('liaison-north')!;
    expect(teacher.transcript()).toContain(await text('en', 'callback:phoneWho', { name: officer.name, phone: officer.phone }));
  });
});
