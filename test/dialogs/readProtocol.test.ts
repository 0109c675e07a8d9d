import { describe, expect, it } from '@jest/globals';
import { READ_PROTOCOL } from '../../dialogs/readProtocol.js';
import { Payload } from '../../src/core/engine.js';
import { formatDate } from '../../src/core/dates.js';
import { parseDirectory } from '../../src/directory/directory.js';
import { SUPPORTED_LANGUAGES } from '../../src/i18n/languages.js';
import { engineHarness, realDirectoryJson, TestUser, text, translations } from '../helpers/fixtures.js';

const START = `${Payload.startDialog}${READ_PROTOCOL}`;

describe.each(SUPPORTED_LANGUAGES)('the protocol in plain words (%s)', (lang) => {
  it('a teacher finds it in the menu and reads every part, then learns whom to ask', async () => {
    const { engine, directory } = await engineHarness();
    const teacher = new TestUser(engine, { locale: lang });
    await teacher.start();
    expect(teacher.lastChoices().map((c) => c.value)).toContain(START);
    await teacher.click(START);
    const { protocol, partners } = directory.data;
    expect(teacher.transcript()).toContain(protocol.title[lang]);
    expect(teacher.transcript()).toContain(protocol.purpose[lang]);
    const signatories = protocol.signatoryPartnerIds.map((id) => partners.find((p) => p.id === id)!.name[lang]).join(', ');
    expect(teacher.transcript()).toContain(await text(lang, 'protocol:signed', { date: formatDate(protocol.signedOn!, lang), partners: signatories }));
    expect(teacher.lastChoices().map((c) => c.value)).toEqual(['sharing', 'whenAndHow', 'rights', 'partners', 'feedback', 'meetings', 'done']);

    await teacher.click('sharing');
    for (const share of protocol.sharing) {
      if (protocol.signatoryPartnerIds.includes(share.partnerId)) {
        expect(teacher.transcript()).toContain(share.what[lang]);
        expect(teacher.transcript()).toContain(share.why[lang]);
      } else {
        // A partner that has not signed: named with that fact, not with what it would share.
        expect(teacher.transcript()).toContain(await text(lang, 'concern:sharingNotSigned', { partner: partners.find((p) => p.id === share.partnerId)!.name[lang] }));
        expect(teacher.transcript()).not.toContain(share.what[lang]);
      }
    }
    expect(teacher.transcript()).toContain(await text(lang, 'protocol:more'));
    await teacher.click('whenAndHow');
    expect(teacher.transcript()).toContain(protocol.whenAndHow![lang]);
    expect(teacher.transcript()).toContain(protocol.lawfulBasis![lang]);
    await teacher.click('rights');
    expect(teacher.transcript()).toContain(protocol.rights![lang]);
    expect(teacher.transcript()).toContain(protocol.retention![lang]);
    await teacher.click('partners');
    for (const partner of partners) {
      expect(teacher.transcript()).toContain(partner.tasks[lang]);
      expect(teacher.transcript()).toContain(partner.shares[lang]);
    }
    await teacher.click('feedback');
    expect(teacher.transcript()).toContain(protocol.feedbackToReporter[lang]);
    await teacher.click('meetings');
    expect(directory.data.intervals.platformMeetingsPerYear).toBe(2);
    expect(teacher.transcript()).toContain(await text(lang, 'protocol:meetingsIntroTwice'));
    for (const meeting of directory.data.platformMeetings) {
      expect(teacher.transcript()).toContain(await text(lang, 'protocol:meetingLine', { date: formatDate(meeting.date, lang), place: meeting.place[lang] }));
    }

    // "no" to "anything else?" ends it, with the protocol's coordinator named (a person to contact).
    await teacher.say((await translations()).translator(lang).list('common:noWords')[0]!);
    const coordinator = directory.person(protocol.coordinatorId)!;
    expect(teacher.transcript()).toContain(await text(lang, 'protocol:questions'));
    for (const fact of [coordinator.name, coordinator.phone, coordinator.email, coordinator.hours[lang]]) expect(teacher.transcript()).toContain(fact);
    expect(teacher.transcript()).toContain(await text(lang, 'menu:prompt'));
  });

  it('typing "protocol": the plain-words protocol for a teacher, the protocol status for an officer', async () => {
    const { engine } = await engineHarness();
    const phrase = (await translations()).translator(lang).list('commands:intents.protocol')[0]!;
    const teacher = new TestUser(engine, { locale: lang });
    await teacher.say(phrase);
    expect(teacher.transcript()).toContain(await text(lang, 'protocol:prompt'));
    const officer = new TestUser(engine, { id: 'liaison-north', locale: lang });
    await officer.say(phrase);
    expect(officer.transcript()).toContain(await text(lang, 'liaison:protocol.title'));
    // Officers open the plain words from the status, not from their (long) menu.
    expect(officer.lastChoices().map((c) => c.value)).toContain(START);
    await officer.click(START);
    expect(officer.transcript()).toContain(await text(lang, 'protocol:prompt'));
  });
});

describe('the protocol named as the menu names it', () => {
  it('de: "Vereinbarung", the menu\'s own word, opens it', async () => {
    const { engine } = await engineHarness();
    const teacher = new TestUser(engine, { locale: 'de' });
    await teacher.say('Vereinbarung');
    expect(teacher.transcript()).toContain(await text('de', 'protocol:prompt'));
  });
});

describe('the protocol in plain words, for a protocol still in preparation', () => {
  it('says it is not signed yet and offers only the parts the directory holds (no meetings when none is planned)', async () => {
    const data = JSON.parse(await realDirectoryJson());
    for (const field of ['signedOn', 'lawfulBasis', 'whenAndHow', 'retention', 'rights']) delete data.protocol[field];
    data.protocol.signatoryPartnerIds = [];
    data.platformMeetings = [];
    const { engine } = await engineHarness({ directory: parseDirectory(JSON.stringify(data), 'test') });
    const teacher = new TestUser(engine, { locale: 'en' });
    await teacher.press(START);
    expect(teacher.transcript()).toContain(await text('en', 'protocol:notSigned'));
    expect(teacher.lastChoices().map((c) => c.value)).toEqual(['sharing', 'partners', 'feedback', 'done']);
    // Not signed by anyone yet: the draft's sharing is shown for every partner, as what is planned.
    await teacher.click('sharing');
    for (const share of data.protocol.sharing) expect(teacher.transcript()).toContain(share.what.en);
  });
});

describe('the protocol in plain words, with another number of platform meetings a year', () => {
  it('says it as a number (twice a year is said in words)', async () => {
    const data = JSON.parse(await realDirectoryJson());
    data.intervals.platformMeetingsPerYear = 3;
    const { engine } = await engineHarness({ directory: parseDirectory(JSON.stringify(data), 'test') });
    const teacher = new TestUser(engine, { locale: 'de' });
    await teacher.press(START);
    await teacher.click('meetings');
    expect(teacher.transcript()).toContain(await text('de', 'protocol:meetingsIntro', { count: 3 }));
    expect(teacher.transcript()).not.toContain(await text('de', 'protocol:meetingsIntroTwice'));
  });

  it.each(SUPPORTED_LANGUAGES)('once a year is said in words, not "1 time a year" (%s)', async (lang) => {
    const data = JSON.parse(await realDirectoryJson());
    data.intervals.platformMeetingsPerYear = 1;
    const { engine } = await engineHarness({ directory: parseDirectory(JSON.stringify(data), 'test') });
    const teacher = new TestUser(engine, { locale: lang });
    await teacher.press(START);
    await teacher.click('meetings');
    expect(teacher.transcript()).toContain(await text(lang, 'protocol:meetingsIntro_one'));
    expect(teacher.transcript()).toContain(await text(lang, 'protocol:meetingsIntro', { count: 1 }));
  });
});

describe('menu entries shown to some roles only', () => {
  it('the plain-words protocol is in the teachers\' menu, not in the officers\'', async () => {
    const { engine } = await engineHarness();
    expect(engine.menuChoices('teacher').map((c) => c.value)).toContain(START);
    expect(engine.menuChoices('liaison').map((c) => c.value)).not.toContain(START);
    expect(engine.menuChoices('coordinator').map((c) => c.value)).not.toContain(START);
  });
});
