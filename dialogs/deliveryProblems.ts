import { defineDialog, end, type DialogTurn } from '../src/core/dialog.js';

export const DELIVERY_PROBLEMS = 'deliveryProblems';

/** For coordinators: nudges that could not be delivered for good, and users the platforms refused. */
export const deliveryProblemsDialog = defineDialog({
  id: DELIVERY_PROBLEMS,
  roles: ['coordinator'],
  menu: { label: 'menu:deliveryProblems', order: 60 },
  steps: [
    function listProblems(turn: DialogTurn) {
      const { nudges, unreachable } = turn.services.nudges.deliveryProblems();
      if (nudges.length === 0 && unreachable.length === 0) {
        turn.say({ kind: 'text', text: turn.t('nudges:problems.none') });
        return end();
      }
      const name = (id: string) => turn.directory.person(id)?.name ?? id;
      const lines = [
        ...nudges.map((n) =>
          turn.t('nudges:problems.nudge', { rule: turn.t(`nudges:rule.${n.rule}`), name: name(n.recipientId), date: n.claimedAt.slice(0, 10), reason: n.lastError ?? '' }),
        ),
        ...unreachable.map((u) => turn.t('nudges:problems.user', { channel: u.channel, date: u.unreachable!.at.slice(0, 10), reason: u.unreachable!.reason })),
      ];
      turn.say({ kind: 'text', text: [turn.t('nudges:problems.title'), ...lines.map((l) => `• ${l}`)].join('\n') });
      return end();
    },
  ],
});
