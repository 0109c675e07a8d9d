import { defineDialog, end, type DialogTurn } from '../src/core/dialog.js';
import { MIN_GROUP, rankCompetences, trainingReport } from '../src/core/training.js';
import { TRAINING_FORMATS } from '../src/store/schema.js';

export const TRAINING_REPORT = 'trainingReport';

/**
 * Aggregated training needs for liaison officers and coordinators: this school year, overall and per
 * school, as bar charts with the numbers written out; groups under five answers are not shown, and
 * neither are the overall figures when, with the schools' figures, they would reveal such a group.
 */
export const trainingReportDialog = defineDialog({
  id: TRAINING_REPORT,
  roles: ['liaison', 'coordinator'],
  menu: { label: 'menu:trainingReport', order: 55 },
  steps: [
    function showReport(turn: DialogTurn) {
      const { t } = turn;
      const year = turn.services.training.currentYear();
      const report = trainingReport(turn.services.training.responses(), turn.directory, year);
      if (turn.user.personId) turn.services.audit.record(turn.user.personId, 'training.report', year);
      const fewer = t('training:report.fewerThan', { count: MIN_GROUP });
      if (report.schools.length === 0) {
        turn.say({ kind: 'text', text: t('training:report.none', { year }) });
        return end();
      }
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
      } else if (overall.reason === 'smallGroup') {
        turn.say({ kind: 'text', text: t('training:report.title', { year, responses: fewer }) });
      } else {
        // Overall minus the schools shown below would give the answers of a group under five.
        turn.say({ kind: 'text', text: t('training:report.titleWithheld', { year }) });
        turn.say({ kind: 'text', text: t('training:report.totalsWithheld', { count: MIN_GROUP }) });
      }
      const lines = report.schools.map((s) => {
        const name = s.schoolName ?? t('callback:unlistedSchool');
        if (!s.shown) return `• ${name}: ${fewer}`;
        const top = rankCompetences(s, { limit: 3 });
        return `• ${t('training:report.school', { school: name, count: s.responses, needs: top.map((c) => `${t(`training:competence.${c}`)} (${s.competences[c]})`).join(', ') })}`;
      });
      turn.say({ kind: 'text', text: [t('training:report.perSchool'), ...lines].join('\n') });
      return end();
    },
  ],
});
