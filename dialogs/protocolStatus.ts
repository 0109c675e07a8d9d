import { ask, choicePrompt, defineDialog, end, key, replace, type DialogTurn } from '../src/core/dialog.js';
import { formatDate } from '../src/core/dates.js';
import { Payload } from '../src/core/engine.js';
import { localized } from '../src/directory/directory.js';
import { CANCEL_MEETING } from './cancelMeeting.js';
import { PLAN_MEETING } from './planMeeting.js';
import { READ_PROTOCOL } from './readProtocol.js';
import { RECORD_EVALUATION } from './recordEvaluation.js';

export const PROTOCOL_STATUS = 'protocolStatus';
const BACK = 'back';

/**
 * Where the information-sharing protocol stands (signatures, the three-monthly evaluation, missing
 * elements) and the platform meetings planned for the coming year; record an evaluation or plan a
 * meeting from here.
 */
export const protocolStatusDialog = defineDialog({
  id: PROTOCOL_STATUS,
  roles: ['liaison', 'coordinator'],
  menu: { label: 'menu:protocol', order: 50 },
  // It only shows things: leaving it half-way loses nothing, so nothing is said.
  whenLeft: false,
  // "protocol" typed by an officer opens this; by a teacher, the protocol in plain words.
  intent: 'commands:intents.protocol',
  steps: [
    function showStatus(turn: DialogTurn) {
      const { t, lang, directory } = turn;
      const status = turn.services.protocol.status();
      const partner = (id: string) => {
        const p = directory.data.partners.find((x) => x.id === id);
        return p ? localized(p.name, lang) : id;
      };
      const date = (d: string | undefined) => (d ? formatDate(d, lang) : t('liaison:protocol.never'));
      const lv = (label: string, value: string) => t('common:labelled', { label: t(label), value });
      const lines = [
        lv('liaison:protocol.signedOn', date(status.signedOn)),
        lv('liaison:protocol.signatories', status.signatoryIds.map(partner).join(', ') || '–'),
        ...(status.unsignedIds.length ? [lv('liaison:protocol.unsigned', status.unsignedIds.map(partner).join(', '))] : []),
        lv('liaison:protocol.lastEvaluation', `${date(status.lastEvaluation)}${status.lastOutcome ? ` (${t(`liaison:evaluation.outcome.${status.lastOutcome}`)})` : ''}`),
        // "It needs to be revised" stays in sight until the next evaluation says otherwise.
        ...(status.lastOutcome === 'revise' ? [`⚠ ${t('liaison:protocol.toRevise')}`] : []),
        lv('liaison:protocol.nextEvaluation', `${date(status.nextEvaluation)}${status.evaluationOverdue ? ` ⚠ ${t('liaison:protocol.overdue')}` : ''}`),
        // Some elements' names hold a comma themselves: the list is separated as the language writes a semicolon.
        status.missing.length ? lv('liaison:protocol.missing', status.missing.map((m) => t(`liaison:protocol.element.${m}`)).join(t('common:listSeparator'))) : t('liaison:protocol.complete'),
        ...(status.withoutSharingIds.length ? [lv('liaison:protocol.withoutSharing', status.withoutSharingIds.map(partner).join(', '))] : []),
      ];
      turn.say({ kind: 'text', text: [t('liaison:protocol.title'), ...lines.map((l) => `• ${l}`)].join('\n') });

      const meetings = turn.services.protocol.meetings();
      const meetingLines = meetings.upcoming.map((m) => `• ${t('common:labelled', { label: formatDate(m.date, lang), value: typeof m.place === 'string' ? m.place : (m.place as Record<string, string>)[lang] })}`);
      turn.say({
        kind: 'text',
        text: [
          t('liaison:meetings.title'),
          ...(meetingLines.length ? meetingLines : [t('liaison:meetings.none')]),
          ...(meetings.needsPlanning ? [`⚠ ${t('liaison:meetings.needsPlanning', { count: meetings.perYear })}`] : []),
        ].join('\n'),
      });
      return ask(
        choicePrompt(key('liaison:protocol.next'), [
          { value: `${Payload.startDialog}${READ_PROTOCOL}`, label: key('menu:readProtocol') },
          { value: `${Payload.startDialog}${RECORD_EVALUATION}`, label: key('menu:recordEvaluation') },
          { value: `${Payload.startDialog}${PLAN_MEETING}`, label: key('menu:planMeeting') },
          ...(turn.services.protocol.cancellableMeetings().length ? [{ value: `${Payload.startDialog}${CANCEL_MEETING}`, label: key('menu:cancelMeeting') }] : []),
          { value: BACK, label: key('liaison:back'), also: 'common:backWords' },
        ]),
      );
    },
    function openChoice(turn: DialogTurn) {
      if (turn.answer === BACK) return end();
      return replace(String(turn.answer).slice(Payload.startDialog.length));
    },
  ],
});
