import { ask, choicePrompt, defineDialog, end, goto, key, next, type DialogTurn } from '../src/core/dialog.js';
import { formatDate } from '../src/core/dates.js';
import type { OutboundReply } from '../src/core/messages.js';
import { localized } from '../src/directory/directory.js';
import type { Protocol } from '../src/directory/schema.js';
import { sharingLines } from './shared/sharing.js';

export const READ_PROTOCOL = 'readProtocol';

/** The parts of the protocol a reader can open, in the order offered. */
const SECTIONS = ['sharing', 'whenAndHow', 'rights', 'partners', 'feedback', 'meetings'] as const;
type Section = (typeof SECTIONS)[number];
const DONE = 'done';

/** A part is offered only when there is something to say (a protocol in progress may lack some; no meeting may be planned). */
function available(turn: DialogTurn): Section[] {
  const protocol: Protocol = turn.directory.data.protocol;
  return SECTIONS.filter((s) => {
    if (s === 'whenAndHow') return protocol.whenAndHow !== undefined || protocol.lawfulBasis !== undefined;
    if (s === 'rights') return protocol.rights !== undefined || protocol.retention !== undefined;
    if (s === 'meetings') return turn.services.protocol.meetings().upcoming.length > 0;
    return true;
  });
}

function sectionChoices(turn: DialogTurn, text: string) {
  return choicePrompt(key(text), [
    ...available(turn).map((s) => ({ value: s, label: key(`protocol:section.${s}`) })),
    { value: DONE, label: key('protocol:done'), also: 'common:doneWords|common:noWords' },
  ]);
}

/** One part of the protocol, in plain words, from the directory. */
function section(turn: DialogTurn, part: Section): OutboundReply {
  const { t, lang, directory } = turn;
  const { protocol, partners } = directory.data;
  const lines: string[] = [t(`protocol:section.${part}`)];
  switch (part) {
    case 'sharing':
      lines.push(...sharingLines(turn));
      break;
    case 'whenAndHow':
      if (protocol.whenAndHow) lines.push(localized(protocol.whenAndHow, lang));
      if (protocol.lawfulBasis) lines.push(`${t('protocol:lawfulBasis')} ${localized(protocol.lawfulBasis, lang)}`);
      break;
    case 'rights':
      if (protocol.rights) lines.push(localized(protocol.rights, lang));
      if (protocol.retention) lines.push(`${t('protocol:retention')} ${localized(protocol.retention, lang)}`);
      break;
    case 'partners':
      lines.push(...partners.map((p) => `• ${t('common:labelled', { label: localized(p.name, lang), value: localized(p.tasks, lang) })}\n  ${localized(p.shares, lang)}`));
      break;
    case 'feedback':
      lines.push(localized(protocol.feedbackToReporter, lang));
      break;
    case 'meetings': {
      // The platform meeting brings the schools and the partners together: school staff may want to come, or to raise something there.
      // "Twice a year" (the usual number) in words, as people say it; other numbers as figures.
      const perYear = directory.data.intervals.platformMeetingsPerYear;
      lines.push(perYear === 2 ? t('protocol:meetingsIntroTwice') : t('protocol:meetingsIntro', { count: perYear }));
      lines.push(...turn.services.protocol.meetings().upcoming.map((m) => `• ${t('protocol:meetingLine', { date: formatDate(m.date, lang), place: typeof m.place === 'string' ? m.place : (m.place as Record<string, string>)[lang] })}`));
      break;
    }
  }
  return { kind: 'text', text: lines.join('\n') };
}

/**
 * "How is information about a pupil shared here?": the local information-sharing protocol in plain
 * words, for teachers above all (DESIGN §1). Its purpose and whether it is signed first, then the
 * parts the reader picks (who shares what and why, when and how, rights and how long information is
 * kept, who does what, what feedback to expect), and at the end whom to ask: the protocol's
 * coordinator. Everything comes from the directory; nothing is stored.
 */
function introduce(turn: DialogTurn) {
  const { t, lang, directory } = turn;
  const { protocol, partners } = directory.data;
  const signatories = protocol.signatoryPartnerIds.map((id) => {
    const partner = partners.find((p) => p.id === id);
    return partner ? localized(partner.name, lang) : id;
  });
  const signed = protocol.signedOn ? t('protocol:signed', { date: formatDate(protocol.signedOn, lang), partners: signatories.join(', ') }) : t('protocol:notSigned');
  turn.say({ kind: 'text', text: [localized(protocol.title, lang), localized(protocol.purpose, lang), signed].join('\n') });
  return next();
}

/** "What would you like to know?" after the introduction, "Anything else?" after a part. */
function askPart(turn: DialogTurn) {
  return ask(sectionChoices(turn, turn.values.more ? 'protocol:more' : 'protocol:prompt'));
}

/** The part chosen, then the choice again; at the end, whom to ask. */
function showPart(turn: DialogTurn) {
  if (turn.answer === DONE) {
    const coordinator = turn.directory.person(turn.directory.data.protocol.coordinatorId)!;
    turn.say({
      kind: 'card',
      title: turn.t('protocol:questions'),
      fields: [
        { label: turn.t('common:field.name'), value: coordinator.name },
        { label: turn.t('common:field.phone'), value: coordinator.phone },
        { label: turn.t('common:field.email'), value: coordinator.email },
        { label: turn.t('common:field.hours'), value: localized(coordinator.hours, turn.lang) },
      ],
    });
    return end();
  }
  turn.say(section(turn, turn.answer as Section));
  turn.values.more = true;
  return goto(askPart);
}

/**
 * "How is information about a pupil shared here?": the local information-sharing protocol in plain
 * words, for teachers above all (DESIGN §1). Its purpose and whether it is signed first, then the
 * parts the reader picks (who shares what and why, when and how, rights and how long information is
 * kept, who does what, what feedback to expect), and at the end whom to ask: the protocol's
 * coordinator. Everything comes from the directory; nothing is stored.
 */
export const readProtocolDialog = defineDialog({
  id: READ_PROTOCOL,
  intent: 'commands:intents.protocol',
  // In the teachers' menu; officers open it from "Protocol and platform meetings".
  menu: { label: 'menu:readProtocol', order: 27, roles: ['teacher'] },
  // It only shows things: leaving it half-way loses nothing, so nothing is said.
  whenLeft: false,
  steps: [introduce, askPart, showPart],
});
