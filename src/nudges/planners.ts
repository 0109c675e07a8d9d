import { actionChoices, callbackNudgeRecord, callbackPeriod, escalationOf, handlerOf, requestNotice } from '../core/callbacks.js';
import { LOG_CONTACT_BUTTONS, LOG_CONTACT_PAYLOAD } from '../core/contacts.js';
import { addDays, addMonths, daysBetween, formatDate, localDate, type LocalDate } from '../core/dates.js';
import { Payload } from '../core/engine.js';
import type { OutboundReply } from '../core/messages.js';
import { meetingsStatus, protocolStatus } from '../core/protocolStatus.js';
import { lastContactBySchool, schoolsOverview } from '../core/schoolsOverview.js';
import { schoolYearOf } from '../core/training.js';
import type { DirectoryView } from '../directory/directory.js';
import type { Translator } from '../i18n/i18n.js';
import { DEFAULT_KEEP_IN_TOUCH_DAYS, type Db, type NUDGE_RULES, type NudgeRecord } from '../store/schema.js';
import { countingFrom, isoWeek, workingDaysBetween, workingHoursBetween } from './workingTime.js';
import { snoozeDays } from '../core/nudgePreferences.js';

export type NudgeRule = (typeof NUDGE_RULES)[number];

/** A nudge that is due: to whom, for which period (the idempotency key), and what it says. */
export interface PlannedNudge {
  rule: NudgeRule;
  /** A directory person's id; for `to: 'user'`, a user's key (a teacher, who is not in the directory). */
  recipientId: string;
  to?: 'user';
  period: string;
  build: (tr: Translator) => OutboundReply[];
}

export const nudgeKey = (n: Pick<PlannedNudge, 'rule' | 'recipientId' | 'period'>) => `${n.rule}|${n.recipientId}|${n.period}`;

/** Whether a nudge with this log record may be sent at `now`: never tried, or failed and its back-off over (not sent, given up on, or claimed by a send that may have happened). */
export function isNudgeDue(record: NudgeRecord | undefined, now: Date): boolean {
  if (!record) return true;
  if (record.status !== 'failed') return false;
  return !record.nextAttemptAt || record.nextAttemptAt <= now.toISOString();
}

/** Button payload of the keep-in-touch nudge's "Snooze 7 days". */
export const SNOOZE_PAYLOAD = 'nudge:snooze:keepInTouch';


/**
 * While the protocol evaluation is overdue, the coordinator is reminded again every this many months.
 * Monthly rather than at the next three-month mark: waiting a whole evaluation cycle would let an
 * evaluation be skipped with a single reminder, and the next one would look like the regular one.
 * Monthly is also the rhythm of the other nudge about something still not done, "plan a platform
 * meeting".
 */
const OVERDUE_EVALUATION_EVERY_MONTHS = 1;

type PlannerInput = Pick<Db, 'contacts' | 'callbacks' | 'protocolEvaluations' | 'platformMeetings' | 'snoozes' | 'nudges' | 'users'>;

/**
 * Every nudge due at `now`: pure over the directory and the store, so a restart, a missed day or a
 * second tick plans the same keys and the nudge log decides what is still to send.
 */
export function planNudges(directory: DirectoryView, data: PlannerInput, now: Date): PlannedNudge[] {
  const today = localDate(now, directory.data.timeZone);
  return [
    ...keepInTouch(directory, data, today),
    ...callbacksWaiting(directory, data, now, today),
    ...protocolEvaluation(directory, data, today),
    ...platformMeetings(directory, data, today),
    ...trainingSurvey(data, today),
  ];
}

/** The day of each school year from which teachers who asked are reminded of the training survey (the year starts in September). */
export const TRAINING_SURVEY_FROM = '09-15';

/**
 * Teachers who asked for it are asked again about training once each new school year, from
 * mid-September (when the year's plans are made): not in the school year they asked in. Teachers
 * who answered already this year are left out by the scheduler (who answered is known only from a
 * hash it can compute; see NudgeScheduler).
 */
function trainingSurvey(data: PlannerInput, today: LocalDate): PlannedNudge[] {
  const year = schoolYearOf(today);
  if (today < `${year.slice(0, 4)}-${TRAINING_SURVEY_FROM}`) return [];
  return Object.values(data.users)
    .filter((u) => u.trainingReminder && u.trainingReminder.since < year)
    .map((u) => ({
      rule: 'trainingSurvey' as const,
      recipientId: u.key,
      to: 'user' as const,
      period: year,
      build: (tr: Translator) => [
        {
          kind: 'choices' as const,
          text: tr.t('nudges:trainingSurvey', { year }),
          choices: [
            { label: tr.t('menu:trainingNeeds'), value: `${Payload.startDialog}trainingNeeds` },
            { label: tr.t('nudges:trainingSurveyStop'), value: TRAINING_REMINDER_OFF },
          ],
        },
      ],
    }));
}

/** Button payload of "Stop these reminders" on the training survey nudge. */
export const TRAINING_REMINDER_OFF = 'trainingReminder:off';

/** Once a week, each liaison officer with overdue schools gets one message listing them, most overdue first. */
function keepInTouch(directory: DirectoryView, data: PlannerInput, today: LocalDate): PlannedNudge[] {
  const last = lastContactBySchool(data.contacts);
  const overdueByOfficer = new Map<string, ReturnType<typeof schoolsOverview>>();
  for (const row of schoolsOverview(directory, last, today, { personId: undefined, role: 'coordinator' })) {
    if (!row.overdue) continue;
    const rows = overdueByOfficer.get(row.liaisonId) ?? [];
    rows.push(row);
    overdueByOfficer.set(row.liaisonId, rows);
  }
  // When each officer last heard: a week is counted from then, so a school first overdue on a Friday
  // does not bring a nudge that Friday and another on Monday, the start of the next calendar week.
  const lastSent = lastSentDays(directory, data, 'keepInTouch');
  const nudges: PlannedNudge[] = [];
  for (const [personId, rows] of overdueByOfficer) {
    const until = data.snoozes[personId]?.keepInTouch;
    if (until && today < until) continue;
    const last = lastSent.get(personId);
    const every = data.snoozes[personId]?.keepInTouchEveryDays ?? DEFAULT_KEEP_IN_TOUCH_DAYS;
    if (last && daysBetween(last, today) < every && !(until && last < until)) continue;
    nudges.push({
      rule: 'keepInTouch',
      recipientId: personId,
      period: keepInTouchPeriod(today, until),
      build: (tr) => [
        {
          kind: 'choices',
          text: [
            tr.t('nudges:keepInTouch.intro', { count: rows.length }),
            ...rows.map((r) =>
              r.lastContact
                ? `• ${tr.t('nudges:keepInTouch.school', { school: r.schoolName, date: formatDate(r.lastContact, tr.lang), count: r.daysSince })}`
                : `• ${tr.t('nudges:keepInTouch.never', { school: r.schoolName })}`,
            ),
            tr.t('nudges:keepInTouch.why'),
          ].join('\n'),
          choices: [
            // The most overdue schools, one click each; the others through the school question.
            ...rows.slice(0, LOG_CONTACT_BUTTONS).map((r) => ({ label: tr.t('nudges:logContactWith', { school: r.schoolName }), value: `${LOG_CONTACT_PAYLOAD}${r.schoolId}` })),
            ...(rows.length > LOG_CONTACT_BUTTONS ? [{ label: tr.t('nudges:logContact'), value: `${Payload.startDialog}logContact` }] : []),
            { label: tr.t('nudges:snooze', { count: snoozeDays(every) }), value: SNOOZE_PAYLOAD },
          ],
        },
      ],
    });
  }
  return nudges;
}

/**
 * The week a keep-in-touch nudge belongs to (its idempotency period), named by an ISO week ("2026-W49").
 * Without a snooze that is the calendar week: Mondays, or the first working day a school is overdue.
 * A snooze (until, exclusive) restarts the rhythm: from the day it ends, weeks are counted from that
 * day, so the first nudge after it comes on the day the officer was told, and the next a full week
 * later. (Keyed by calendar week, a snooze ending on a Wednesday gave a nudge then and another on the
 * Monday after.) Each such week is named by the ISO week it starts in: those follow each other, and
 * all come after the week the snooze was pressed in, so they never reuse a key sent before it.
 */
function keepInTouchPeriod(today: LocalDate, snoozedUntil: LocalDate | undefined): string {
  if (!snoozedUntil || today < snoozedUntil) return isoWeek(today);
  const weeks = Math.floor(daysBetween(snoozedUntil, today) / DEFAULT_KEEP_IN_TOUCH_DAYS);
  return isoWeek(addDays(snoozedUntil, weeks * DEFAULT_KEEP_IN_TOUCH_DAYS));
}

/** Whole months from `from` to `to` (≥ 0 when `to` is not earlier), counted like addMonths: 31 Jan to 28 Feb is one. */
function wholeMonthsBetween(from: LocalDate, to: LocalDate): number {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  const months = (ty - fy) * 12 + (tm - fm);
  return addMonths(from, months) > to ? months - 1 : months;
}

/** How long the notice sent when a request is made (or handed over) has before the scheduler sends it again. */
export const NOTICE_RETRY_AFTER_MS = 5 * 60_000;

/**
 * Not acknowledged after 1 working day: a reminder to the assignee; after 2: escalation to their
 * backup (or a coordinator). Working days count from when the request reached its assignee (made,
 * or handed over), from the next working day when that was outside working time. An assignee no
 * longer in the directory is replaced by the school's liaison officer, else a coordinator; whoever
 * handed the request over is not the one it escalates to.
 */
function callbacksWaiting(directory: DirectoryView, data: PlannerInput, now: Date, today: LocalDate): PlannedNudge[] {
  const { intervals, workingHours } = directory.data;
  const nudges: PlannedNudge[] = [];
  for (const request of data.callbacks) {
    if (request.status !== 'open') continue;
    const since = new Date(request.reassignedAt ?? request.createdAt);
    if (since > now) continue;
    const waited = workingDaysBetween(countingFrom(since, directory.data), today, workingHours);
    // "Today" cannot wait a working day: its reminder and escalation are counted in working hours.
    // Counted no further than the escalation needs: an old open request must not walk every day since.
    const hours = request.urgency === 'today' ? workingHoursBetween(since, now, directory.data, intervals.callbackTodayEscalateWorkingHours) : undefined;
    const remind = hours !== undefined ? hours >= intervals.callbackTodayReminderWorkingHours : waited >= intervals.callbackAcknowledgeWorkingDays;
    const escalate = hours !== undefined ? hours >= intervals.callbackTodayEscalateWorkingHours : waited >= intervals.callbackEscalateWorkingDays;
    // The message says how long it really waited (counted in full only when one is sent).
    const waitedText = (tr: Translator, key: 'callbackReminder' | 'callbackEscalation', params: Record<string, unknown>) =>
      hours !== undefined ? tr.t(`nudges:${key}Hours`, { ...params, count: workingHoursBetween(since, now, directory.data) }) : tr.t(`nudges:${key}`, { ...params, count: waited });
    const school = (tr: Translator) => directory.school(request.schoolId ?? undefined)?.name ?? tr.t('callback:unlistedSchool');
    const handler = handlerOf(directory, request);
    if (!handler) continue;
    // Each assignment has its own period (see callbackPeriod): handed back, an officer is reminded again.
    const period = callbackPeriod(request);
    // Not sent again for this assignment (in a store written before assignments had periods of their own, under the bare id).
    const due = (rule: NudgeRule, recipientId: string) => isNudgeDue(callbackNudgeRecord(data.nudges, rule, recipientId, request), now);
    // The notice of the request never reached its handler (an officer Teams cannot reach yet, a
    // platform failing, an assignee who left): the scheduler sends it again, with its retries and
    // back-off, and a failure for good shows in the coordinators' delivery problems. Not before the
    // notice sent when the request was made has had time to go out.
    // In this assignment: a handler handed the request back was told of it the first time, not now.
    const told = request.notifications.some((n) => n.kind === 'new' && n.to === handler.id && n.result === 'sent' && Date.parse(n.at) >= since.getTime());
    // Sent, given up on, or a send under way: the notice is not planned again.
    const notice = { rule: 'callbackNotice' as const, recipientId: handler.id, period };
    const noticeNow = !told && due('callbackNotice', handler.id) && now.getTime() - since.getTime() >= NOTICE_RETRY_AFTER_MS;
    if (noticeNow) nudges.push({ ...notice, build: (tr) => requestNotice(directory, request, tr) });
    // Not the reminder in the same tick as the notice it would remind of (a notice that failed on a
    // Friday evening, sent again on Monday morning): it comes at the next tick.
    if (remind && !noticeNow && due('callbackReminder', handler.id)) {
      nudges.push({
        rule: 'callbackReminder',
        recipientId: handler.id,
        period,
        build: (tr) => [
          {
            kind: 'choices',
            text: waitedText(tr, 'callbackReminder', { name: request.requesterName, school: school(tr), urgency: tr.t(`callback:urgencyInline.${request.urgency}`) }),
            choices: actionChoices(request, tr.t),
          },
        ],
      });
    }
    if (escalate) {
      const backup = escalationOf(directory, request, handler);
      if (backup && due('callbackEscalation', backup.id)) {
        nudges.push({
          rule: 'callbackEscalation',
          recipientId: backup.id,
          period,
          build: (tr) => [
            {
              kind: 'choices',
              text: waitedText(tr, 'callbackEscalation', { name: request.requesterName, school: school(tr), assignee: handler.name }),
              choices: actionChoices(request, tr.t),
            },
          ],
        });
      }
    }
  }
  return nudges;
}

/**
 * When the three-monthly evaluation is due (from the last evaluation, or the signing), the protocol
 * coordinator hears; and again every month while it stays overdue, until an evaluation is recorded.
 * The period is the due date, then "<due>+1m", "<due>+2m" …: counted from the due date, so each
 * reminder is a month after the one before it, and a restart or a missed day plans the same key (a
 * long outage catches up once, with the current month's reminder).
 */
function protocolEvaluation(directory: DirectoryView, data: PlannerInput, today: LocalDate): PlannedNudge[] {
  const status = protocolStatus(directory, data.protocolEvaluations, today);
  if (!status.nextEvaluation || today < status.nextEvaluation) return [];
  const due = status.nextEvaluation;
  const reminder = Math.floor(wholeMonthsBetween(due, today) / OVERDUE_EVALUATION_EVERY_MONTHS);
  return [
    {
      rule: 'protocolEvaluation',
      recipientId: directory.data.protocol.coordinatorId,
      period: reminder === 0 ? due : `${due}+${reminder * OVERDUE_EVALUATION_EVERY_MONTHS}m`,
      build: (tr) => [
        {
          kind: 'choices',
          text: tr.t('nudges:protocolEvaluation', { date: formatDate(due, tr.lang) }),
          choices: [{ label: tr.t('menu:recordEvaluation'), value: `${Payload.startDialog}recordEvaluation` }],
        },
      ],
    },
  ];
}

/**
 * The day each recipient last got a nudge of `rule` (sent, or a send that may have happened), in
 * the directory's time zone.
 */
function lastSentDays(directory: DirectoryView, data: PlannerInput, rule: NudgeRecord['rule']): Map<string, LocalDate> {
  const lastSent = new Map<string, LocalDate>();
  for (const record of Object.values(data.nudges)) {
    if (record.rule !== rule || record.status === 'failed' || record.status === 'permanent') continue;
    const day = localDate(new Date(record.sentAt ?? record.claimedAt), directory.data.timeZone);
    if (day > (lastSent.get(record.recipientId) ?? '')) lastSent.set(record.recipientId, day);
  }
  return lastSent;
}

/** The request to plan a platform meeting comes at most this often (once a month). */
const PLAN_MEETING_EVERY_DAYS = 30;

/** Four weeks before each planned platform meeting; and, once a month, a request to plan one when too few are. */
function platformMeetings(directory: DirectoryView, data: PlannerInput, today: LocalDate): PlannedNudge[] {
  const { intervals, people } = directory.data;
  const recipients = people.filter((p) => p.role === 'liaison' || p.id === directory.data.protocol.coordinatorId);
  const status = meetingsStatus(directory, data.platformMeetings, today);
  const nudges: PlannedNudge[] = [];
  const soon = addDays(today, intervals.platformMeetingReminderWeeks * 7);
  for (const meeting of status.upcoming.filter((m) => m.date <= soon)) {
    const place = (tr: Translator) => (typeof meeting.place === 'string' ? meeting.place : meeting.place[tr.lang] ?? '');
    for (const person of recipients) {
      nudges.push({
        rule: 'platformMeetingSoon',
        recipientId: person.id,
        period: meeting.date,
        build: (tr) => [{ kind: 'text', text: tr.t('nudges:platformMeetingSoon', { date: formatDate(meeting.date, tr.lang), place: place(tr) }) }],
      });
    }
  }
  if (status.needsPlanning) {
    // Counted from the last request, not by calendar month: a meeting held on 30 March must not bring
    // one request on the 31st and another on 1 April.
    const lastAsked = lastSentDays(directory, data, 'platformMeetingPlan');
    for (const person of recipients) {
      const last = lastAsked.get(person.id);
      if (last && daysBetween(last, today) < PLAN_MEETING_EVERY_DAYS) continue;
      nudges.push({
        rule: 'platformMeetingPlan',
        recipientId: person.id,
        period: today.slice(0, 7),
        build: (tr) => [
          {
            kind: 'choices',
            text: tr.t('nudges:platformMeetingPlan', { count: status.perYear, planned: status.upcoming.length }),
            choices: [{ label: tr.t('menu:planMeeting'), value: `${Payload.startDialog}planMeeting` }],
          },
        ],
      });
    }
  }
  return nudges;
}
