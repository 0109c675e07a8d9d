import { defineDialog, end, type DialogTurn } from '../src/core/dialog.js';
import { MIN_GROUP, rankCompetences, trainingReport, type ShownTally } from '../src/core/training.js';
import { readableTrainingCsv, spreadsheetDelimiter } from '../src/reports/trainingReports.js';
import { TRAINING_FORMATS } from '../src/store/schema.js';

export const TRAINING_REPORT = 'trainingReport';

/** The chat shows the first this many comments of the report's alphabetical list; the exported report has them all. */
export const CHAT_COMMENTS_MAX = 20;

/**
 * Comments are sent as a few messages of at most this many characters (a comment has at most 500):
 * each is one whole section in Slack (3000 characters at most; the margin is for the & < > that Slack
 * escapes) and a readable message in Teams and the web chat, where every reply is a message of its own.
 */
const COMMENTS_MESSAGE_CHARS = 2000;

/**
 * The teachers' comments under a heading, one per line and quoted (they are the teachers' words,
 * not the assistant's), at most CHAT_COMMENTS_MAX of them, then how many more the export holds.
 * Nothing at all when there is no comment.
 */
function sayComments(turn: DialogTurn, comments: readonly string[], inCsv: boolean): void {
  if (comments.length === 0) return;
  const { t } = turn;
  const lines = [t('training:report.comments'), ...comments.slice(0, CHAT_COMMENTS_MAX).map((comment) => `• ${t('training:report.comment', { comment })}`)];
  if (comments.length > CHAT_COMMENTS_MAX) lines.push(t(inCsv ? 'training:report.moreCommentsInCsv' : 'training:report.moreComments', { count: comments.length - CHAT_COMMENTS_MAX }));
  let message: string[] = [];
  let length = 0;
  for (const line of lines) {
    if (message.length > 0 && length + 1 + line.length > COMMENTS_MESSAGE_CHARS) {
      turn.say({ kind: 'text', text: message.join('\n') });
      message = [];
      length = 0;
    }
    length += (message.length > 0 ? 1 : 0) + line.length;
    message.push(line);
  }
  turn.say({ kind: 'text', text: message.join('\n') });
}

/**
 * Aggregated training needs for liaison officers and coordinators: this school year, overall and per
 * school and per staff role, as bar charts and lines with the numbers written out; groups under five answers are not shown, and
 * neither are the overall figures when, with the schools' figures, they would reveal such a group.
 * The teachers' comments follow the overall figures, and are shown only with them. Last, a link to
 * the whole report as CSV (DESIGN §4: "as a chart and as CSV"), valid for a quarter of an hour.
 */
export const trainingReportDialog = defineDialog({
  id: TRAINING_REPORT,
  roles: ['liaison', 'coordinator'],
  // The teachers' survey has the same words; officers who say "training" mean its report (see detectIntent).
  intent: 'commands:intents.training',
  menu: { label: 'menu:trainingReport', order: 55 },
  steps: [
    function showReport(turn: DialogTurn) {
      const { t } = turn;
      const year = turn.services.training.currentYear();
      const responses = turn.services.training.responses();
      const report = trainingReport(responses, turn.directory, year);
      if (turn.user.personId) turn.services.audit.record(turn.user.personId, 'training.report', year);
      const fewer = t('training:report.fewerThan', { count: MIN_GROUP });
      // A group's three most asked topics with their counts ("Online radicalisation (10), …").
      const topNeeds = (tally: Pick<ShownTally, 'competences'>) =>
        rankCompetences(tally, { limit: 3 })
          .map((c) => `${t(`training:competence.${c}`)} (${tally.competences[c]})`)
          .join(', ');
      if (report.schools.length === 0) {
        turn.say({ kind: 'text', text: t('training:report.none', { year }) });
        return end();
      }
      // The whole report as a spreadsheet, in the reader's language: the same figures and withheld
      // groups as below, with every comment. No link without PUBLIC_URL (nothing to reach the server by).
      const csvUrl = turn.services.exports.offer({
        name: `training-needs-${year}.csv`,
        mediaType: 'text/csv',
        content: readableTrainingCsv(responses, turn.directory, year, t, spreadsheetDelimiter(turn.lang)),
        kind: 'training',
        requestedBy: turn.user.personId ?? turn.user.key,
      });
      const { overall } = report;
      if (overall.shown) {
        turn.say({ kind: 'text', text: t('training:report.title', { year, responses: String(overall.responses) }) });
        turn.say({
          kind: 'chart',
          title: t('training:report.competences'),
          bars: rankCompetences(overall, { includeZero: true }).map((c) => ({ label: t(`training:competence.${c}`), value: overall.competences[c], display: String(overall.competences[c]) })),
        });
        turn.say({
          kind: 'chart',
          title: t('training:report.formats'),
          bars: TRAINING_FORMATS.map((f) => ({ label: t(`training:format.${f}`), value: overall.formats[f], display: String(overall.formats[f]) })),
        });
        turn.say({ kind: 'text', text: t('training:report.topNeeds', { needs: report.topNeeds.map((c) => t(`training:competence.${c}`)).join(', ') }) });
        sayComments(turn, overall.comments, csvUrl !== undefined);
      } else if (overall.reason === 'smallGroup') {
        turn.say({ kind: 'text', text: t('training:report.title', { year, responses: fewer }) });
      } else {
        // Overall minus the schools shown below would give the answers of a group under five.
        turn.say({ kind: 'text', text: t('training:report.titleWithheld', { year }) });
        turn.say({ kind: 'text', text: t('training:report.totalsWithheld', { count: MIN_GROUP }) });
      }
      const lines = report.schools.map((s) => {
        const name = s.schoolName ?? t('callback:unlistedSchool');
        if (!s.shown) return `• ${t('common:labelled', { label: name, value: fewer })}`;
        return `• ${t('training:report.school', { school: name, count: s.responses, needs: topNeeds(s) })}`;
      });
      turn.say({ kind: 'text', text: [t('training:report.perSchool'), ...lines].join('\n') });
      if (report.roles.length > 0) {
        // Either every role with its figures (or "fewer than 5"), or, when those figures and the
        // totals together would give a small group's, only why they are not shown.
        const withheld = report.roles.some((r) => !r.shown && r.reason === 'revealsSmallGroup');
        const roleLines = withheld
          ? [t('training:report.rolesWithheld', { count: MIN_GROUP })]
          : report.roles.map((r) => {
              const role = t(`training:role.${r.role}`);
              if (!r.shown) return `• ${t('common:labelled', { label: role, value: fewer })}`;
              return `• ${t('training:report.role', { role, count: r.responses, needs: topNeeds(r) })}`;
            });
        turn.say({ kind: 'text', text: [t('training:report.perRole'), ...roleLines].join('\n') });
      }
      if (csvUrl) turn.say({ kind: 'link', text: t('training:report.csv', { minutes: turn.services.exports.ttlMinutes }), label: t('training:report.csvLink'), url: csvUrl });
      return end();
    },
  ],
});
