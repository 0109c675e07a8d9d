import { describe, expect, it } from '@jest/globals';
import { Danger, Offer, WORRIES } from '../../dialogs/concern.js';
import { EmergencyChoice } from '../../dialogs/emergency.js';
import { parseDirectory } from '../../src/directory/directory.js';
import { SUPPORTED_LANGUAGES, type Language } from '../../src/i18n/languages.js';
import { engineHarness, offerCallbackText, realDirectoryJson, TestUser, text, translations, type EngineHarness } from '../helpers/fixtures.js';

/** What a teacher types to say they are worried, in each language (the issue's own examples). */
const WORRIED: Record<Language, string> = {
  en: "I'm worried about a pupil",
  nl: 'ik maak me zorgen over een leerling',
  fr: 'je suis inquiet pour un élève',
  de: 'ich mache mir Sorgen um einen Schüler',
};

async function word(lang: Language, command: string): Promise<string> {
  return (await translations()).translator(lang).list(`commands:${command}`)[0]!;
}

describe.each(SUPPORTED_LANGUAGES)('worried about a pupil (%s)', (lang) => {
  it('free text in the language opens the dialog with the emergency gate first', async () => {
    const { engine } = await engineHarness();
    const teacher = new TestUser(engine, { locale: lang });
    await teacher.say(WORRIED[lang]);
    expect(teacher.transcript()).toBe(
      [await text(lang, 'concern:dangerPrompt'), `[${await text(lang, 'concern:dangerYes')}]`, `[${await text(lang, 'concern:dangerNo')}]`].join('\n'),
    );
  });

  it('immediate danger: the emergency number, then in person, and nothing else until confirmed', async () => {
    const { engine, directory } = await engineHarness();
    const teacher = new TestUser(engine, { locale: lang });
    await teacher.say(WORRIED[lang]);
    await teacher.click(Danger.Yes);
    const number = directory.data.emergency.number;
    expect(teacher.last[0]).toEqual({ kind: 'text', text: await text(lang, 'emergency:call', { number }) });
    expect(teacher.transcript()).toContain(await text(lang, 'emergency:tellInPerson'));
    expect(teacher.transcript()).not.toContain(await text(lang, 'concern:schoolPrompt'));

    await teacher.say(await word(lang, 'menu'));
    expect(teacher.transcript()).toContain(await text(lang, 'emergency:confirm'));
    expect(teacher.transcript()).not.toContain(await text(lang, 'menu:prompt'));

    await teacher.click(EmergencyChoice.Called);
    expect(teacher.transcript()).toContain(await text(lang, 'emergency:afterCall'));
    expect(teacher.transcript()).toContain(await text(lang, 'concern:schoolPrompt'));
  });

  it('"yes, someone is in danger", then "no immediate danger" after all: the promise to find the right person is kept (the school question follows), also after the number was typed again', async () => {
    const { engine, directory } = await engineHarness();
    const teacher = new TestUser(engine, { locale: lang });
    await teacher.say(WORRIED[lang]);
    await teacher.click(Danger.Yes);
    await teacher.say(directory.data.emergency.number);
    // Something that is no answer while the emergency answer waits: the number again, not "type help".
    await teacher.say('hmm');
    expect(teacher.last[0]).toEqual({ kind: 'text', text: await text(lang, 'emergency:confirmFirst', { number: directory.data.emergency.number }) });
    await teacher.click(EmergencyChoice.NotImmediate);
    expect(teacher.last[0]).toEqual({ kind: 'text', text: await text(lang, 'emergency:afterNotImmediate') });
    expect(teacher.transcript()).toContain(await text(lang, 'concern:schoolPrompt'));
  });

  it.each(WORRIES)('worry "%s": advice, care contact, liaison officer, next steps, sharing, do and don\'t, feedback', async (worry) => {
    const { engine, directory } = await engineHarness();
    const teacher = new TestUser(engine, { locale: lang });
    await teacher.say(WORRIED[lang]);
    await teacher.click(Danger.No);
    await teacher.click('school:oak-primary');
    expect(teacher.transcript()).toContain(await text(lang, 'concern:worryPrompt'));
    await teacher.click(worry);
    const answer = teacher.transcript();
    const school = directory.school('oak-primary')!;
    const liaison = directory.liaisonFor('oak-primary')!;
    expect(answer).toContain(await text(lang, `concern:advice.${worry}`, { number: directory.data.emergency.number }));
    // Where the advice says to call for help, it says which number.
    if (worry === 'violence') expect(await text(lang, 'concern:advice.violence', { number: '112' })).toContain('112');
    // Oak Primary calls the role by the advice's own word in en and nl ("care coordinator"): said once, not twice.
    const generic = school.careContact.role[lang] === (await text(lang, 'concern:careContactGeneric'));
    expect(answer).toContain(generic ? await text(lang, 'concern:talkTodayGeneric') : await text(lang, 'concern:talkToday', { role: school.careContact.role[lang] }));
    expect(generic).toBe(lang === 'en' || lang === 'nl');
    for (const fact of [liaison.name, liaison.phone, liaison.email, liaison.hours[lang]]) expect(answer).toContain(fact);
    // The languages the officer speaks, named in the teacher's language.
    const names = await Promise.all(liaison.languages.map((l) => text(lang, `common:languageNames.${l}`)));
    expect(answer).toContain(`${await text(lang, 'common:field.languages')}: ${names.join(', ')}`);
    for (const step of directory.data.nextSteps) {
      expect(answer).toContain(step.title[lang]);
      expect(answer).toContain(step.timeFrame[lang]);
    }
    // What each signatory shares and why; a partner that has not signed is named with that fact only.
    const signed = new Set(directory.data.protocol.signatoryPartnerIds);
    for (const share of directory.data.protocol.sharing) {
      if (signed.has(share.partnerId)) expect(answer).toContain(share.why[lang]);
      else {
        const partner = directory.data.partners.find((p) => p.id === share.partnerId)!;
        expect(answer).toContain(await text(lang, 'concern:sharingNotSigned', { partner: partner.name[lang] }));
        expect(answer).not.toContain(share.what[lang]);
      }
    }
    expect(directory.data.protocol.sharing.some((s) => !signed.has(s.partnerId))).toBe(true); // the sample directory has such a partner
    expect(answer).toContain(await text(lang, 'concern:doAndDont'));
    expect(answer).toContain(directory.data.protocol.feedbackToReporter[lang]);
    expect(answer).toContain(await offerCallbackText(lang, directory, 'oak-primary'));
    // Nothing of the worry is kept once the dialog is over.
    await teacher.click(Offer.NoThanks);
    expect(teacher.transcript()).toContain(await text(lang, 'concern:closing'));
  });

  it('a school not in the directory gets the municipality\'s general prevention desk', async () => {
    const { engine, directory } = await engineHarness();
    const teacher = new TestUser(engine, { locale: lang });
    await teacher.say(WORRIED[lang]);
    await teacher.click(Danger.No);
    await teacher.click('school:not-listed');
    await teacher.click('other');
    const answer = teacher.transcript();
    const general = directory.data.generalContact;
    expect(answer).toContain(await text(lang, 'concern:generalTitle'));
    expect(answer).toContain(await text(lang, 'concern:talkTodayUnlisted'));
    for (const fact of [general.name[lang], general.phone, general.email]) expect(answer).toContain(fact);
    // The call-back offered is the prevention coordinator's, named as such (a request goes to them).
    const coordinator = directory.data.people.find((p) => p.role === 'coordinator')!;
    expect(answer).toContain(await text(lang, 'concern:offerCallbackTo', { name: coordinator.name, role: await text(lang, 'callback:handlerRole.coordinator') }));
    expect(answer).toContain(await offerCallbackText(lang, directory, null));
  });

  it('a call-back request from start to acknowledgement; the teacher is told on their channel', async () => {
    const harness = await engineHarness();
    const { engine, store, sent, directory } = harness;
    const liaison = directory.liaisonFor('harbour-secondary')!;
    // The liaison officer (a directory identity) has used the assistant before, so can be reached.
    const officer = new TestUser(engine, { id: liaison.id, platformUserId: liaison.id, locale: 'en' });
    await officer.say('menu');
    const teacher = new TestUser(engine, { locale: lang, id: 'teacher-7' });
    await teacher.say(WORRIED[lang]);
    await teacher.click(Danger.No);
    await teacher.click('school:harbour-secondary');
    await teacher.click('views');
    await teacher.click(Offer.CallMe);
    expect(teacher.transcript()).toContain(await text(lang, 'callback:urgencyPrompt'));
    await teacher.click('today');
    await teacher.click('phone');
    await teacher.click('afternoon');
    await teacher.say('Alex Teacher');
    await teacher.say('call me maybe');
    expect(teacher.transcript()).toContain(await text(lang, 'callback:invalidPhone'));
    await teacher.say('+32 3 555 77 88');
    await teacher.say('Best after 15:00 in the staff room');
    const liaisonOfHarbour = directory.liaisonFor('harbour-secondary')!;
    expect(teacher.transcript()).toContain(await text(lang, 'callback:confirmPromptTo', { name: liaisonOfHarbour.name, role: await text(lang, 'callback:handlerRole.liaison') }));
    await teacher.click('send');
    expect(teacher.transcript()).toContain(await text(lang, 'callback:sent', { name: liaison.name }));
    expect(teacher.transcript()).toContain(await text(lang, 'menu:prompt'));

    const [request] = store.data.callbacks;
    expect(request).toMatchObject({ status: 'open', schoolId: 'harbour-secondary', assigneeId: liaison.id, urgency: 'today', way: 'phone' });

    await engine.idle();
    expect(store.data.callbacks[0]!.notifications).toEqual([{ to: liaison.id, kind: 'new', at: expect.any(String), result: 'sent' }]);
    const notice = sent.find((s) => s.address.conversationId === `conv-${liaison.id}`)!;
    // In the officer's language (English here); the teacher's, when another, is named.
    const notificationText = await text('en', 'callback:notification', {
      name: 'Alex Teacher',
      school: directory.school('harbour-secondary')!.name,
      urgency: await text('en', 'callback:urgency.today'),
    });
    const languageNote = lang === 'en' ? [] : [await text('en', 'callback:teacherLanguage', { language: await text('en', `common:languageNames.${lang}`) })];
    expect(notice.replies[0]).toMatchObject({ kind: 'choices', text: [notificationText, ...languageNote].join(' ') });

    // Acknowledge from the notification's button.
    expect(notice.replies[0]?.kind === 'choices' && notice.replies[0].choices.map((c) => c.value)).toEqual([
      `callback:ack:${request!.id}`,
      `callback:done:${request!.id}`,
      `callback:reassign:${request!.id}`,
    ]);
    await officer.press(`callback:ack:${request!.id}`);
    expect(officer.transcript()).toContain(await text('en', 'callback:ackConfirmed', { name: 'Alex Teacher', school: directory.school('harbour-secondary')!.name }));
    await engine.idle();
    expect(store.data.callbacks[0]!.status).toBe('acknowledged');
    expect(store.data.callbacks[0]!.acknowledgedBy).toBe(liaison.id);
    const told = sent.find((s) => s.address.conversationId === 'conv-teacher-7')!;
    expect(told.language).toBe(lang);
    expect(told.replies[0]).toEqual({
      kind: 'text',
      text: await text(lang, 'callback:acknowledgedNotice', { name: liaison.name, school: directory.school('harbour-secondary')!.name }),
    });
  });

  it('refuses a note that identifies someone, never storing it, and accepts a rephrased one', async () => {
    const { engine, store } = await engineHarness();
    const teacher = new TestUser(engine, { locale: lang });
    await teacher.say(await word(lang, 'menu'));
    await teacher.click('dialog:callbackRequest');
    await teacher.click('school:oak-primary');
    await teacher.click('week');
    await teacher.click('email');
    await teacher.click('anytime');
    await teacher.say('Sam Jansen');
    await teacher.say('sam@school.example');
    const identifying = 'It is about Mohamed, born 12/03/2012';
    await teacher.say(identifying);
    expect(teacher.transcript()).toContain(await text(lang, 'personalData:date'));
    expect(teacher.transcript()).toContain(await text(lang, 'callback:notePrompt', { max: 280 }));
    expect(JSON.stringify(store.data)).not.toContain('Mohamed');
    await teacher.click('skip');
    await teacher.click('send');
    expect(store.data.callbacks).toHaveLength(1);
    expect(store.data.callbacks[0]!.note).toBeUndefined();
  });

  it('cancel in the middle stops it; a language change in the middle keeps the place', async () => {
    const { engine, store } = await engineHarness();
    const teacher = new TestUser(engine, { locale: lang });
    await teacher.say(WORRIED[lang]);
    await teacher.click(Danger.No);
    const other: Language = lang === 'en' ? 'nl' : 'en';
    await teacher.say(await text(other, 'common:languageName'));
    expect(teacher.transcript()).toContain(await text(other, 'concern:schoolPrompt'));
    await teacher.click('school:willow-primary');
    expect(teacher.transcript()).toContain(await text(other, 'concern:worryPrompt'));
    await teacher.say(await word(lang, 'cancel'));
    expect(teacher.transcript()).toContain(await text(other, 'concern:leftNothingKept', { what: await text(other, 'menu:concern') }));
    expect(teacher.transcript()).toContain(await text(other, 'menu:prompt'));
    expect(store.data.dialogs['test:conv-teacher-1']?.stack.map((f) => f.dialogId)).toEqual(['menu']);
  });
});

/** An English-speaking teacher who has been through the dialog up to its advice (De Eik, a change in behaviour). */
async function adviceGiven(engine: EngineHarness['engine']): Promise<TestUser> {
  const teacher = new TestUser(engine, { locale: 'en' });
  await teacher.say(WORRIED.en);
  await teacher.click(Danger.No);
  await teacher.click('school:oak-primary');
  await teacher.click('behaviour');
  return teacher;
}

describe.each(SUPPORTED_LANGUAGES)('worried about a pupil: typed answers the buttons do not cover (%s)', (lang) => {
  const KNIFE: Record<Language, string> = { en: 'he has a knife', nl: 'hij heeft een mes', fr: 'il a un couteau', de: 'er hat ein Messer' };
  const UNSURE: Record<Language, string> = { en: 'not sure', nl: 'weet ik niet', fr: 'je ne sais pas', de: 'weiß ich nicht' };

  it('anything but yes or no at the danger question gets the emergency number and the question again, never "I did not understand"', async () => {
    const h = await engineHarness();
    const teacher = new TestUser(h.engine, { locale: lang });
    await teacher.say(WORRIED[lang]);
    const question = teacher.lastChoices();
    await teacher.say(UNSURE[lang]);
    const number = h.directory.data.emergency.number;
    expect(teacher.last[0]).toEqual({ kind: 'text', text: await text(lang, 'concern:dangerUnclear', { number }) });
    expect(teacher.transcript()).toContain(number);
    expect(teacher.transcript()).not.toContain(await text(lang, 'common:notUnderstood'));
    expect(teacher.lastChoices()).toEqual(question);
  });

  it('nothing typed at the danger question starts another dialog: "… please call me back" gets the number first', async () => {
    const h = await engineHarness();
    const teacher = new TestUser(h.engine, { locale: lang });
    await teacher.say(WORRIED[lang]);
    const typed = { en: 'not sure, please call me back', nl: 'weet ik niet, kan iemand mij terugbellen', fr: 'je ne sais pas, rappelez-moi', de: 'weiß ich nicht, bitte um Rückruf' }[lang];
    await teacher.say(typed);
    expect(teacher.last[0]).toEqual({ kind: 'text', text: await text(lang, 'concern:dangerUnclear', { number: h.directory.data.emergency.number }) });
    expect(teacher.transcript()).not.toContain(await text(lang, 'concern:schoolPrompt'));
    expect(teacher.lastChoices().map((c) => c.value)).toEqual([Danger.Yes, Danger.No]);
  });

  it('danger written in a sentence, at the danger question or anywhere else, gets the emergency answer first and is not kept', async () => {
    const number = (await engineHarness()).directory.data.emergency.number;
    for (const setup of [
      async (t: TestUser) => t.say('menu'),
      async (t: TestUser) => t.say(WORRIED[lang]),
      async (t: TestUser) => {
        await t.say(WORRIED[lang]);
        await t.click(Danger.No);
        await t.click('school:oak-primary');
      },
    ]) {
      const h = await engineHarness();
      const teacher = new TestUser(h.engine, { locale: lang });
      await setup(teacher);
      await teacher.say(`${KNIFE[lang]}, ${{ en: 'please call me back', nl: 'bel me terug', fr: 'rappelez-moi', de: 'bitte um Rückruf' }[lang]}`);
      expect(teacher.last[0]).toEqual({ kind: 'text', text: await text(lang, 'emergency:call', { number }) });
      expect(teacher.transcript()).not.toContain(await text(lang, 'concern:schoolPrompt'));
    }
  });

  it('the number said at the danger question is the directory\'s now, not the one in force when the question was asked', async () => {
    const h = await engineHarness();
    const teacher = new TestUser(h.engine, { locale: lang });
    await teacher.say(WORRIED[lang]);
    (h.directory.data.emergency as { number: string }).number = '101';
    await teacher.say(UNSURE[lang]);
    expect(teacher.last[0]).toEqual({ kind: 'text', text: await text(lang, 'concern:dangerUnclear', { number: '101' }) });
  });

  it('a description typed at the kind of worry is answered as not needed and not kept', async () => {
    const h = await engineHarness();
    const teacher = new TestUser(h.engine, { locale: lang });
    await teacher.say(WORRIED[lang]);
    await teacher.click(Danger.No);
    await teacher.click('school:oak-primary');
    await teacher.say('she started wearing a headscarf and her family is from Syria');
    expect(teacher.last[0]).toEqual({ kind: 'text', text: await text(lang, 'concern:noNeedToDescribe') });
    expect(teacher.lastChoices().map((c) => c.value)).toEqual([...WORRIES]);
  });
});

describe('the first question, immediate danger, answered in words', () => {
  it.each([
    ['en', 'no danger'],
    ['nl', 'geen gevaar'],
    ['fr', 'pas de danger'],
    ['de', 'keine Gefahr'],
  ] as const)('(%s) "%s" is a no: the dialog goes on to the school', async (lang, typed) => {
    const h = await engineHarness();
    const teacher = new TestUser(h.engine, { locale: lang });
    await teacher.press('dialog:concern');
    await teacher.say(typed);
    expect(teacher.transcript()).not.toContain(await text(lang, 'concern:dangerUnclear', { number: h.directory.data.emergency.number }));
    expect(teacher.transcript()).toContain(await text(lang, 'concern:schoolPrompt'));
  });
});

describe('danger words: what is and is not an emergency', () => {
  it.each([
    ['de', 'Ein Schüler, der abzurutschen droht'],
    ['nl', 'Ik gun hem een tweede kans'],
    ['en', "It's not an emergency, please call me back"],
    ['en', 'There is no danger'],
    ['nl', 'Het is geen noodgeval'],
    ['fr', "Ce n'est pas une urgence"],
    ['de', 'Es ist kein Notfall'],
    ['fr', 'un élève en danger de radicalisation'],
    ['en', 'a pupil in danger of being radicalised'],
    ['nl', 'een leerling in gevaar voor radicalisering'],
    ['de', 'Gefahr der Radikalisierung'],
    // Everyday sentences that hold a word of danger in another sense.
    ['en', 'Shoot me an email when you have a moment'],
    ['en', "I'll give it a shot and talk to his parents"],
    ['en', 'He is in danger of being excluded from school'],
    ['en', 'She is in danger of dropping out'],
    ['nl', 'Hij kan snel uit zijn slof schieten in de klas'],
    ['nl', 'Ik heb het gevoel dat we tekort schieten bij deze leerling'],
    ['nl', 'Ik wil het wel een shot geven'],
    ['fr', 'On risque de tirer sur la corde'],
    ['fr', 'Un élève en danger de décrochage scolaire'],
    ['de', 'Die Fehlzeiten schießen in die Höhe'],
    ['de', 'Der Vater hat mit einer Beschwerde gedroht'],
    ['de', 'Ich habe mit dem Stab der Schulleitung gesprochen'],
    ['de', 'Er hat beim Sport ein Tor geschossen'],
    ['nl', 'Hij heeft bij de gym een doelpunt geschoten'],
    ['fr', 'Il tire sur la corde avec ses absences'],
  ] as const)('(%s) "%s" is not', async (lang, typed) => {
    const h = await engineHarness();
    const teacher = new TestUser(h.engine, { locale: lang });
    await teacher.say(typed);
    expect(teacher.transcript()).not.toContain(await text(lang, 'emergency:call', { number: h.directory.data.emergency.number }));
  });

  it.each([
    ['fr', "c'est un cas d'urgence"],
    ['fr', 'il a des armes'],
    ['de', 'er hat Waffen dabei'],
    ['nl', 'hij dreigt met een mes'],
    ['en', 'he has guns at home'],
    // "in danger of"/"danger de" mean "at risk of" only before radicalisation: a life at risk is danger.
    ['fr', 'il est en danger de mort'],
    ['fr', 'danger de mort'],
    ['en', 'he is in danger of being killed'],
    ['fr', 'il veut tirer sur des élèves'],
    ['nl', 'er is een schietpartij'],
    ['nl', 'hij wil ze doodmaken'],
    ['de', 'Er hat gedroht, alle umzubringen'],
    ['de', 'Lebensgefahr'],
    ['en', 'he said he would stab her'],
    ['en', 'he threatened to shoot them'],
    ['nl', 'hij wil op school schieten'],
    ['de', 'er will auf uns schießen'],
    ['de', 'eine Morddrohung an die Lehrerin'],
    // Past tenses: what has just happened is an emergency too.
    ['en', 'he shot a teacher'],
    ['nl', 'hij heeft op school geschoten'],
    ['de', 'er hat auf dem Schulhof geschossen'],
    ['fr', 'il a tiré sur un élève'],
    ['en', 'he said he would shoot up the school'],
    ['en', 'he says he will shoot everyone tomorrow'],
    ['en', 'he wants to stab a classmate'],
    ['de', 'er will morgen in der Schule schießen'],
    ['de', 'Er hat gedroht, die Schule in die Luft zu sprengen'],
    ['de', 'er hat auf einen Lehrer geschossen'],
    ['de', 'er schießt auf die Schüler'],
    ['nl', 'hij dreigde de school op te blazen'],
    ['nl', 'een leerling is neergeschoten'],
  ] as const)('(%s) "%s" is', async (lang, typed) => {
    const h = await engineHarness();
    const teacher = new TestUser(h.engine, { locale: lang });
    await teacher.say(typed);
    expect(teacher.last[0]).toEqual({ kind: 'text', text: await text(lang, 'emergency:call', { number: h.directory.data.emergency.number }) });
  });

  it.each([
    ['en', 'not an emergency'],
    ['nl', 'het is geen noodgeval'],
    ['fr', "ce n'est pas une urgence"],
    ['de', 'es ist kein Notfall'],
  ] as const)('(%s) the emergency answer is left with "%s"', async (lang, typed) => {
    const h = await engineHarness();
    const teacher = new TestUser(h.engine, { locale: lang });
    await teacher.say('112');
    await teacher.say(typed);
    expect(teacher.transcript()).toContain(await text(lang, 'emergency:afterNotImmediateElsewhere'));
  });
});

describe('danger written in English in a conversation in another language', () => {
  it('gets the emergency answer too; "mes" in a French conversation ("mes données") does not', async () => {
    const h = await engineHarness();
    const number = h.directory.data.emergency.number;
    const nl = new TestUser(h.engine, { id: 'teacher-nl', locale: 'nl' });
    await nl.say('he has a knife');
    expect(nl.last[0]).toEqual({ kind: 'text', text: await text('nl', 'emergency:call', { number }) });
    const fr = new TestUser(h.engine, { id: 'teacher-fr', locale: 'fr' });
    await fr.say('mes données');
    expect(fr.transcript()).not.toContain(await text('fr', 'emergency:call', { number }));
  });
});

describe.each(SUPPORTED_LANGUAGES)('worried about a pupil: one name for the school\'s care contact (%s)', (lang) => {
  it('the card says what the advice says, with the school\'s own name for the role beside it', async () => {
    const h = await engineHarness();
    const teacher = new TestUser(h.engine, { locale: lang });
    await teacher.say(WORRIED[lang]);
    await teacher.click(Danger.No);
    await teacher.click('school:harbour-secondary');
    await teacher.click('other');
    const role = h.directory.school('harbour-secondary')!.careContact.role[lang];
    expect(teacher.transcript()).toContain(await text(lang, 'concern:talkToday', { role }));
    // The advice and the do's and don'ts use the same words as the card.
    const generic = await text(lang, 'concern:careContactGeneric');
    for (const key of ['concern:advice.other', 'concern:doAndDont']) expect((await text(lang, key)).toLowerCase()).toContain(generic.toLowerCase());
    expect((await text(lang, 'concern:talkToday', { role: 'X' })).toLowerCase()).toContain(generic.toLowerCase());
  });
});

describe.each(SUPPORTED_LANGUAGES)('worried about a pupil: words a teacher types instead of clicking (%s)', (lang) => {
  const WORDS: Record<Language, [string, string][]> = {
    en: [['violence', 'violence'], ['behaviour', 'behaviour']],
    nl: [['geweld', 'violence'], ['gedrag', 'behaviour']],
    fr: [['violence', 'violence'], ['comportement', 'behaviour']],
    de: [['Gewalt', 'violence'], ['Verhalten', 'behaviour']],
  };

  it.each(WORDS[lang])('one word of one button\'s label ("%s") answers the kind of worry', async (typed, worry) => {
    const h = await engineHarness();
    const teacher = new TestUser(h.engine, { locale: lang });
    await teacher.say(WORRIED[lang]);
    await teacher.click(Danger.No);
    await teacher.click('school:oak-primary');
    await teacher.say(typed);
    expect(teacher.transcript()).toContain((await text(lang, `concern:advice.${worry}`, { number: h.directory.data.emergency.number })).slice(0, 40));
  });

  it('a word of a yes/no button does not answer the danger question ("immediate" is not "no immediate danger")', async () => {
    const h = await engineHarness();
    const teacher = new TestUser(h.engine, { locale: lang });
    await teacher.say(WORRIED[lang]);
    const word = { en: 'immediate', nl: 'acuut', fr: 'immédiat', de: 'unmittelbare' }[lang];
    await teacher.say(word);
    expect(teacher.last[0]).toEqual({ kind: 'text', text: await text(lang, 'concern:dangerUnclear', { number: h.directory.data.emergency.number }) });
  });

  it('"thanks" after the advice is answered kindly, not "I did not understand"', async () => {
    const h = await engineHarness();
    const teacher = new TestUser(h.engine, { locale: lang });
    await teacher.say(WORRIED[lang]);
    await teacher.click(Danger.No);
    await teacher.click('school:oak-primary');
    await teacher.click('other');
    await teacher.click(Offer.NoThanks);
    await teacher.say({ en: 'thanks', nl: 'bedankt', fr: 'merci', de: 'danke' }[lang]);
    expect(teacher.last[0]).toEqual({ kind: 'text', text: await text(lang, 'common:youAreWelcome') });
    expect(teacher.transcript()).not.toContain(await text(lang, 'common:notUnderstood'));
  });

  it('more ways of saying it start the dialog, and asking to be called back starts the request', async () => {
    const phrases = {
      en: ['I think a student is being radicalised', 'I have a concern'],
      nl: ['ik ben ongerust over een leerling', 'ik wil een leerling melden'],
      fr: ['un élève me préoccupe', 'je veux signaler un élève'],
      de: ['ich sorge mich um einen Schüler', 'Sorgen um meinen Schüler'],
    }[lang];
    for (const phrase of phrases) {
      const h = await engineHarness();
      const teacher = new TestUser(h.engine, { locale: lang });
      await teacher.say(phrase);
      expect(teacher.transcript()).toContain(await text(lang, 'concern:dangerPrompt'));
    }
    const h = await engineHarness();
    const teacher = new TestUser(h.engine, { locale: lang });
    await teacher.say({ en: 'please call me back', nl: 'kan iemand mij terugbellen', fr: 'rappelez-moi svp', de: 'Bitte um Rückruf' }[lang]);
    expect(teacher.transcript()).toContain(await text(lang, 'concern:schoolPrompt'));
  });
});

describe('worried about a pupil: said again in the middle of the dialog', () => {
  it.each([
    ['en', "I'm worried about Yusuf from 3B"],
    ['nl', 'Ik maak me zorgen over Yusuf uit 3B'],
  ] as const)('(%s) carries on where it was, the school kept, and the name is not kept', async (lang, sentence) => {
    const { engine, directory, store } = await engineHarness();
    const teacher = new TestUser(engine, { locale: lang });
    await teacher.say(WORRIED[lang]);
    await teacher.click(Danger.No);
    await teacher.click('school:harbour-secondary');
    await teacher.say(sentence);
    expect(teacher.transcript()).toContain(await text(lang, 'common:alreadyInDialog'));
    expect(teacher.transcript()).toContain(await text(lang, 'concern:worryPrompt'));
    // Not the danger question again: the dialog was not started over.
    expect(teacher.transcript()).not.toContain(await text(lang, 'concern:dangerPrompt'));
    // The sentence named a pupil: the teacher is told it was not kept, and nothing of it is stored.
    expect(teacher.last[0]).toEqual({ kind: 'text', text: await text(lang, 'personalData:notKept') });
    expect(JSON.stringify(store.data)).not.toContain('Yusuf');
    await teacher.click('behaviour');
    expect(teacher.transcript()).toContain(directory.school('harbour-secondary')!.name);
    expect(teacher.transcript()).toContain(directory.liaisonFor('harbour-secondary')!.name);
  });

  it('after the advice, the same words are a new worry: the dialog starts again at the danger question', async () => {
    const { engine } = await engineHarness();
    const teacher = await adviceGiven(engine);
    expect(teacher.transcript()).toContain(await offerCallbackText('en', (await engineHarness()).directory, 'oak-primary'));
    await teacher.say("I'm worried about another pupil, at a different school");
    expect(teacher.transcript()).toContain(await text('en', 'concern:dangerPrompt'));
    expect(teacher.transcript()).not.toContain(await text('en', 'common:alreadyInDialog'));
  });

  it('in a dialog started from it (the call-back request), the words start the worried-teacher dialog again, as before', async () => {
    const { engine } = await engineHarness();
    const teacher = await adviceGiven(engine);
    await teacher.click(Offer.CallMe);
    await teacher.say(WORRIED.en);
    expect(teacher.transcript()).not.toContain(await text('en', 'common:alreadyInDialog'));
    expect(teacher.transcript()).toContain(await text('en', 'concern:dangerPrompt'));
  });

  it('an officer reading the advice is not offered a call-back from a liaison officer', async () => {
    const { engine } = await engineHarness();
    const officer = new TestUser(engine, { id: 'liaison-north', locale: 'en' });
    await officer.say(WORRIED.en);
    await officer.click(Danger.No);
    await officer.click('school:oak-primary');
    await officer.click('behaviour');
    expect(officer.transcript()).toContain(await text('en', 'concern:advice.behaviour'));
    expect(officer.transcript()).not.toContain(await offerCallbackText('en', (await engineHarness()).directory, 'oak-primary'));
    expect(officer.transcript()).toContain(await text('en', 'concern:closing'));
    expect(officer.transcript()).toContain(await text('en', 'menu:prompt'));
  });

  it('a protocol nobody has signed yet is presented as a draft in the advice', async () => {
    const data = JSON.parse(await realDirectoryJson());
    delete data.protocol.signedOn;
    data.protocol.signatoryPartnerIds = [];
    const { engine } = await engineHarness({ directory: parseDirectory(JSON.stringify(data), 'draft.json') });
    const teacher = await adviceGiven(engine);
    expect(teacher.transcript()).toContain(`${await text('en', 'concern:sharingTitle')}\n${data.protocol.purpose.en}\n${await text('en', 'protocol:notSigned')}`);
  });
});

describe('worried about a pupil: local facts come from the directory', () => {
  it('changing a liaison officer\'s phone number in the directory file changes the answer, no code change', async () => {
    const json = JSON.parse(await realDirectoryJson());
    const harness = await engineHarness();
    const teacher = new TestUser(harness.engine);
    const liaison = harness.directory.liaisonFor('oak-primary')!;
    json.people.find((p: { id: string }) => p.id === liaison.id).phone = '+32 3 999 12 34';
    harness.setDirectory(parseDirectory(JSON.stringify(json), 'edited.json'));
    await teacher.say("I'm worried about a pupil");
    await teacher.click(Danger.No);
    await teacher.click('school:oak-primary');
    await teacher.click('behaviour');
    expect(teacher.transcript()).toContain('+32 3 999 12 34');
    expect(teacher.transcript()).not.toContain(liaison.phone);
  });

  it('remembers the school for next time: it is offered first', async () => {
    const { engine } = await engineHarness();
    const teacher = new TestUser(engine);
    await teacher.say("I'm worried about a pupil");
    await teacher.click(Danger.No);
    await teacher.click('school:canal-secondary');
    await teacher.say('cancel');
    await teacher.say("I'm worried about a pupil");
    await teacher.click(Danger.No);
    expect(teacher.lastChoices()[0]?.value).toBe('school:canal-secondary');
  });
});
