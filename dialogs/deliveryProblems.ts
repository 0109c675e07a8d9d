import { formatDate, localDate } from '../src/core/dates.js';
import { defineDialog, end, type DialogTurn } from '../src/core/dialog.js';

export const DELIVERY_PROBLEMS = 'deliveryProblems';

/**
 * Why a message could not be delivered, in words: the scheduler's outcomes ('no-address', …) and the
 * platforms' refusals recorded with an unreachable user (Slack error codes, Teams and web channel
 * reasons). A code not listed here is named as it is, after a sentence saying the platform refused.
 */
const REASONS: Record<string, string> = {
  'no-address': 'no-address',
  unreachable: 'unreachable',
  failed: 'failed',
  interrupted: 'interrupted',
  // Web chat.
  conversation_gone: 'conversation_gone',
  // Slack.
  user_not_found: 'accountGone',
  user_disabled: 'accountGone',
  no_channel: 'noDirectChat',
  channel_not_found: 'noDirectChat',
  not_in_channel: 'noDirectChat',
  is_archived: 'noDirectChat',
  cannot_dm_bot: 'noDirectChat',
  // Teams.
  no_reference: 'noDirectChat',
  stale_reference_403: 'appRemoved',
  stale_reference_404: 'appRemoved',
};

function reason(turn: DialogTurn, code: string | undefined): string {
  const known = code === undefined ? undefined : REASONS[code];
  if (known) return turn.t(`liaison:deliveryProblems.reason.${known}`);
  return turn.t('liaison:deliveryProblems.reason.other', { code: code ?? '' });
}

/** For coordinators: nudges that could not be delivered for good, and users the platforms refused. */
export const deliveryProblemsDialog = defineDialog({
  id: DELIVERY_PROBLEMS,
  roles: ['coordinator'],
  menu: { label: 'menu:deliveryProblems', order: 60 },
  steps: [
    function listProblems(turn: DialogTurn) {
      const { nudges, unreachable, noWayToReach } = turn.services.nudges.deliveryProblems();
      if (noWayToReach.length > 0) {
        turn.say({ kind: 'text', text: [turn.t('nudges:problems.noWayTitle'), ...noWayToReach.map((p) => `• ${p.name}`)].join('\n') });
      }
      if (nudges.length === 0 && unreachable.length === 0) {
        turn.say({ kind: 'text', text: turn.t('nudges:problems.none') });
        return end();
      }
      // A teacher (the training survey reminder) is not named or identified; someone who left the directory keeps their id.
      const name = (rule: string, id: string) => (rule === 'trainingSurvey' ? turn.t('nudges:problems.aTeacher') : (turn.directory.person(id)?.name ?? id));
      // The day as people in the municipality see it, in the reader's language.
      const day = (at: string) => formatDate(localDate(new Date(at), turn.directory.data.timeZone), turn.lang);
      const lines = [
        ...nudges.map((n) =>
          turn.t('nudges:problems.nudge', { rule: turn.t(`nudges:rule.${n.rule}`), name: name(n.rule, n.recipientId), date: day(n.claimedAt), reason: reason(turn, n.lastError) }),
        ),
        ...unreachable.map((u) =>
          turn.t('nudges:problems.user', {
            channel: turn.t(`liaison:deliveryProblems.channel.${u.channel}`),
            date: day(u.unreachable!.at),
            reason: reason(turn, u.unreachable!.reason),
          }),
        ),
      ];
      turn.say({ kind: 'text', text: [turn.t('nudges:problems.title'), ...lines.map((l) => `• ${l}`), turn.t('nudges:problems.whatToDo')].join('\n') });
      return end();
    },
  ],
});
