import { randomUUID } from 'node:crypto';
import type { DirectoryView, Role } from '../directory/directory.js';
import type { Person } from '../directory/schema.js';
import type { Translator } from '../i18n/i18n.js';
import type { Language } from '../i18n/languages.js';
import type { CallbacksRepository } from '../store/callbacks.js';
import { NudgeLogRepository } from '../store/nudgeLog.js';
import type { CallbackRequest, ConversationAddress, NudgeRecord } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { formatDate, localDate } from './dates.js';
import type { OutboundReply } from './messages.js';
import type { Notifier } from './notifier.js';
import { normalize, normalizeUncached, wordsBegin } from './text.js';

/** Button payloads on call-back notifications: `callback:ack:<id>`, `callback:done:<id>`. */
export const CALLBACK_PAYLOAD = 'callback:';
export type CallbackAction = 'ack' | 'done' | 'reassign';

/**
 * How many requests one requester may have waiting at once. Each request notifies an officer (and
 * reminds and escalates): without a bound, one conversation could send them a notification every few
 * messages. Three covers a teacher with more than one worry; beyond, they are told whom to phone,
 * which an urgent case needs anyway. In the web chat every conversation is a new requester, so a
 * script that opens new ones is held back only by the per-address rate limits (docs/security.md).
 */
export const MAX_WAITING_PER_REQUESTER = 3;

export type NewCallback = Pick<CallbackRequest, 'schoolId' | 'urgency' | 'way' | 'window' | 'requesterName' | 'requesterContact' | 'note'>;

export type ChangeResult = 'ok' | 'already' | 'not-found' | 'not-allowed';

const DAY_MS = 86_400_000;

/**
 * How long a request nobody finished (still open, or acknowledged and never marked done) is kept, as
 * a multiple of CALLBACK_RETENTION_DAYS counted from when it was made: 180 days with the default 90.
 * It holds the same personal data as a done request (the teacher's own name and contact), so it must
 * not stay for ever just because nobody pressed Done. Twice the done retention: a request done on
 * the last day of the first period is kept to the end of the second, so an unfinished one never goes
 * sooner than one finished within the retention would; and by then the request is stale (a teacher
 * asking for a call-back this week is not waiting for it half a year later). An open request also
 * waits for its reminder and escalation to have gone out (`nudgesHad`), however short the retention.
 */
export const UNFINISHED_RETENTION_FACTOR = 2;

/**
 * Whether a message to this address can still arrive days later. Slack and Teams keep the direct
 * conversation; a web chat is deleted after WEB_CONVERSATION_IDLE_MINUTES idle, or cleared by the
 * visitor, so a notice for it arrives only if the visitor still has it open.
 */
export function isLastingAddress(address: ConversationAddress | undefined): boolean {
  return address !== undefined && address.channel !== 'web';
}

/** A request withdrawn by "delete my data", as its officers may still hear of it. */
export interface WithdrawnRequest {
  schoolId: string | null;
  urgency: CallbackRequest['urgency'];
  createdAt: string;
  /** Directory ids of the people who were told of it. */
  told: string[];
}

/**
 * The call-back loop: a teacher asks, the school's liaison officer is notified with minimal text
 * (who asks, which school, how urgent) and buttons, acknowledges, and the teacher hears about it.
 */
export class CallbackService {
  constructor(
    private readonly repo: CallbacksRepository,
    private readonly store: Store,
    private readonly notifier: Notifier,
    private readonly directory: () => DirectoryView,
    private readonly clock: () => Date,
  ) {}

  /** Who handles requests for a school: its liaison officer; for an unlisted school, the first coordinator. */
  assigneeFor(schoolId: string | null): string {
    const dir = this.directory();
    const liaison = schoolId ? dir.liaisonFor(schoolId) : undefined;
    return (liaison ?? dir.data.people.find((p) => p.role === 'coordinator') ?? dir.data.people[0]!).id;
  }

  create(input: NewCallback, requester: { key: string; address?: ConversationAddress; language: Language }): CallbackRequest {
    const now = this.clock();
    const request: CallbackRequest = {
      id: randomUUID(),
      status: 'open',
      ...input,
      assigneeId: this.assigneeFor(input.schoolId),
      requesterKey: requester.key,
      ...(requester.address ? { requesterAddress: requester.address } : {}),
      requesterLanguage: requester.language,
      createdAt: now.toISOString(),
      notifications: [],
    };
    this.repo.add(request);
    return request;
  }

  get(id: string): CallbackRequest | undefined {
    return this.repo.get(id);
  }

  /** This requester's requests that are not done yet (see MAX_WAITING_PER_REQUESTER). */
  waitingFrom(requesterKey: string): CallbackRequest[] {
    return this.repo.byRequester(requesterKey).filter((r) => r.status !== 'done');
  }

  /** Unfinished requests a person may act on: their own and their backups'; a coordinator sees all. */
  visibleTo(personId: string, role: Role): CallbackRequest[] {
    const all = this.repo.unfinished();
    if (role === 'coordinator') return all;
    return all.filter((r) => this.mayAct(r, personId, role));
  }

  /** Its handler (the assignee, or whoever stands in for one who left) and the handler's backup; coordinators always. */
  mayAct(request: CallbackRequest, personId: string, role: Role): boolean {
    if (role === 'coordinator') return true;
    if (role !== 'liaison') return false;
    const handler = handlerOf(this.directory(), request);
    return request.assigneeId === personId || handler?.id === personId || handler?.backupId === personId;
  }

  /** Acknowledge or close a request; `firstResponse` is true when it was still open (the teacher must hear). */
  change(id: string, action: CallbackAction, personId: string, role: Role): { result: ChangeResult; firstResponse: boolean } {
    const now = this.clock();
    const request = this.repo.get(id);
    if (!request) return { result: 'not-found', firstResponse: false };
    if (!this.mayAct(request, personId, role)) return { result: 'not-allowed', firstResponse: false };
    const firstResponse = request.status === 'open';
    if (action === 'ack') {
      if (request.status !== 'open') return { result: 'already', firstResponse };
      request.status = 'acknowledged';
      request.acknowledgedAt = now.toISOString();
      request.acknowledgedBy = personId;
      this.repo.changed();
    } else {
      if (request.status === 'done') return { result: 'already', firstResponse };
      request.status = 'done';
      request.doneAt = now.toISOString();
      request.acknowledgedAt ??= now.toISOString();
      request.acknowledgedBy ??= personId;
      this.repo.changed();
    }
    return { result: 'ok', firstResponse };
  }

  /** Hands a request to a colleague (a liaison officer or coordinator), who is then notified; an acknowledged one is open again. */
  reassign(id: string, toPersonId: string, personId: string, role: Role): ChangeResult {
    const request = this.repo.get(id);
    if (!request) return 'not-found';
    if (!this.mayAct(request, personId, role)) return 'not-allowed';
    if (request.status === 'done') return 'already';
    const colleague = this.directory().person(toPersonId);
    if (!colleague || colleague.id === request.assigneeId) return 'not-allowed';
    request.reassignedFrom = request.assigneeId;
    request.reassignedAt = this.clock().toISOString();
    request.assigneeId = colleague.id;
    if (request.status === 'acknowledged') {
      // The colleague has not taken it on yet: open again, so that their notice is sent again until it
      // reaches them, and the reminder and escalation count from the handover. (Left acknowledged, a
      // notice that failed was never retried and nobody was reminded: the teacher waited for good.)
      // When the colleague acknowledges, the teacher hears who will now contact them.
      request.status = 'open';
      delete request.acknowledgedAt;
      delete request.acknowledgedBy;
    }
    this.repo.changed();
    return 'ok';
  }

  /**
   * Colleagues a request can be handed to: every liaison officer and coordinator but its assignee,
   * the likeliest first (the assignee's backup, the school's liaison officer, the coordinators, then
   * the others by name). With `typed`, only those whose name has every typed word at a word's start.
   */
  colleaguesFor(request: CallbackRequest, typed?: string): { id: string; name: string }[] {
    const directory = this.directory();
    const backup = directory.person(request.assigneeId)?.backupId;
    const schoolLiaison = directory.school(request.schoolId ?? undefined)?.liaisonId;
    const rank = (p: Person) => (p.id === backup ? 0 : p.id === schoolLiaison ? 1 : p.role === 'coordinator' ? 2 : 3);
    const words = typed === undefined ? [] : normalize(typed).split(' ').filter(Boolean);
    return directory.data.people
      .filter((p) => p.id !== request.assigneeId)
      .filter((p) => wordsBegin(words, normalizeUncached(p.name).split(' ')))
      .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name, undefined, { numeric: true }))
      .map((p) => ({ id: p.id, name: p.name }));
  }

  /** Notifies the assignee of a new request; records the attempt. Runs after the request is stored. */
  async notifyAssignee(id: string): Promise<void> {
    const request = this.repo.get(id);
    if (!request) return;
    // Whom it was sent to, taken before the send: a hand-over while it is on its way changes
    // assigneeId, and the new assignee's notice must not look delivered (it would never be retried).
    const to = request.assigneeId;
    const result = await this.notifier.toPerson(to, (tr) => this.newRequestMessage(request, tr));
    request.notifications.push({ to, kind: 'new', at: this.clock().toISOString(), result });
    this.repo.changed();
    await this.store.commit();
  }

  /**
   * The requests of this teacher that are still being dealt with, and who was told of each (its
   * assignee, and the backup an escalation went to): what "delete my data" withdraws, taken before
   * the requests are deleted.
   */
  withdrawable(requesterKey: string): WithdrawnRequest[] {
    const unfinished = this.waitingFrom(requesterKey);
    if (unfinished.length === 0) return [];
    const settled = this.settledNudges();
    return unfinished.map((r) => {
      const dir = this.directory();
      const handler = handlerOf(dir, r);
      const backup = handler && escalationOf(dir, r, handler);
      // Who was told about this request, in any of its assignments (handed over and back, an earlier
      // backup had the escalation with the teacher's name): everyone is told that it was withdrawn.
      const escalatedTo = Object.values(settled)
        .filter((n) => n.status === 'sent' && (n.rule === 'callbackEscalation' || n.rule === 'callbackNotice') && requestIdOfPeriod(n.period) === r.id)
        .map((n) => n.recipientId);
      // Assignees before a hand-over whose notice (with the teacher's name) reached them.
      const noticed = r.notifications.filter((n) => n.kind === 'new' && n.result === 'sent').map((n) => n.to);
      const escalated = backup !== undefined && callbackNudgeRecord(settled, 'callbackEscalation', backup.id, r) !== undefined;
      // The handler standing in for an assignee who left, once the notice reached them.
      const standIn = handler && handler.id !== r.assigneeId && (callbackNudgeRecord(settled, 'callbackNotice', handler.id, r) !== undefined || r.notifications.some((n) => n.to === handler.id && n.result === 'sent'));
      const told = [...new Set([r.assigneeId, ...(standIn ? [handler.id] : []), ...(escalated ? [backup.id] : []), ...escalatedTo, ...noticed])];
      return { schoolId: r.schoolId, urgency: r.urgency, createdAt: r.createdAt, told };
    });
  }

  /**
   * Tells whoever was told of a request that its teacher withdrew it: school, date and urgency, enough
   * to match the earlier message, and not the teacher's name (which they asked to be erased).
   */
  async notifyWithdrawn(withdrawn: WithdrawnRequest): Promise<void> {
    const date = localDate(new Date(withdrawn.createdAt), this.directory().data.timeZone);
    for (const personId of withdrawn.told) {
      await this.notifier.toPerson(personId, (tr) => [
        {
          kind: 'text',
          text: tr.t('callback:withdrawnNotice', {
            school: this.schoolName(withdrawn.schoolId, tr.t),
            date: formatDate(date, tr.lang),
            urgency: tr.t(`callback:urgencyInline.${withdrawn.urgency}`),
          }),
        },
      ]);
    }
  }

  /** Tells the teacher their request was picked up (acknowledged, or marked done straight away), and by whom, on their own channel. */
  async notifyRequesterAcknowledged(id: string): Promise<void> {
    const request = this.repo.get(id);
    if (!request?.requesterAddress) return;
    const person = this.directory().person(request.acknowledgedBy);
    const result = await this.notifier.toAddress(
      request.requesterAddress,
      request.requesterLanguage,
      (tr) => [{ kind: 'text', text: tr.t('callback:acknowledgedNotice', { name: person?.name ?? '', school: this.schoolName(request.schoolId, tr.t) }) }],
      request.requesterKey,
    );
    request.notifications.push({ to: request.requesterKey, kind: 'acknowledged', at: this.clock().toISOString(), result });
    this.repo.changed();
    await this.store.commit();
  }

  /**
   * Retention (`days` is CALLBACK_RETENTION_DAYS): done requests go `days` after they were done;
   * requests nobody finished go UNFINISHED_RETENTION_FACTOR × `days` after they were made, an open one
   * only once its reminder and escalation were had. Returns how many were deleted.
   */
  async purgeExpired(days: number): Promise<number> {
    const now = this.clock().getTime();
    const done = this.repo.deleteDoneBefore(new Date(now - days * DAY_MS));
    const had = this.settledNudges();
    const unfinished = this.repo.deleteUnfinishedMadeBefore(new Date(now - UNFINISHED_RETENTION_FACTOR * days * DAY_MS), (r) => this.nudgesHad(r, had));
    const removed = done + unfinished;
    if (removed > 0) await this.store.commit();
    return removed;
  }

  /**
   * Nudges the scheduler will not send again, by key (`rule|recipient|period`): sent, given up on as
   * undeliverable ('permanent'), or claimed by a send that may have happened. A failed one is retried.
   */
  private settledNudges(): Record<string, NudgeRecord> {
    const settled: Record<string, NudgeRecord> = {};
    for (const [key, r] of new NudgeLogRepository(this.store).all()) if (r.status !== 'failed') settled[key] = r;
    return settled;
  }

  /**
   * Whether the nudges about a request have been had, so it may go: for an open request, the reminder
   * to its assignee and, when there is someone to escalate to, the escalation to the backup. The
   * recipients are chosen as in src/nudges/planners.ts (callbacksWaiting); keep the two in step. An
   * acknowledged request was picked up: nothing more is sent about it.
   */
  private nudgesHad(request: CallbackRequest, settled: Record<string, NudgeRecord>): boolean {
    if (request.status !== 'open') return true;
    const dir = this.directory();
    const handler = handlerOf(dir, request);
    if (!handler) return true; // nobody to remind: nothing will be sent
    const backup = escalationOf(dir, request, handler);
    // Those of its current assignment (see callbackPeriod): the ones planned while it stays open.
    return callbackNudgeRecord(settled, 'callbackReminder', handler.id, request) !== undefined && (!backup || callbackNudgeRecord(settled, 'callbackEscalation', backup.id, request) !== undefined);
  }

  /** The notice of a new request (see requestNotice). */
  newRequestMessage(request: CallbackRequest, tr: Translator): OutboundReply[] {
    return requestNotice(this.directory(), request, tr);
  }

  /** One line naming a request: who, which school, how soon, and where it stands (lists and App Home). */
  headline(request: CallbackRequest, t: Translator['t']): string {
    return t('callback:listItem', {
      name: request.requesterName,
      school: this.schoolName(request.schoolId, t),
      // Inside a sentence: "how soon: this week", not "This week".
      urgency: t(`callback:urgencyInline.${request.urgency}`),
      status: t(`callback:status.${request.status}`),
    });
  }

  schoolName(schoolId: string | null, t: Translator['t']): string {
    return this.directory().school(schoolId ?? undefined)?.name ?? t('callback:unlistedSchool');
  }
}

/** Acknowledge (while open) and Done buttons for one request. */
export function actionChoices(request: CallbackRequest, t: Translator['t']): { label: string; value: string }[] {
  return [
    ...(request.status === 'open' ? [{ label: t('callback:acknowledge'), value: `${CALLBACK_PAYLOAD}ack:${request.id}` }] : []),
    { label: t('callback:markDone'), value: `${CALLBACK_PAYLOAD}done:${request.id}` },
    { label: t('callback:reassign'), value: `${CALLBACK_PAYLOAD}reassign:${request.id}` },
  ];
}

/**
 * The notice of a new (or handed-over) request, as sent when it is made and again by the scheduler
 * when that did not arrive. Minimal by design: who asks, which school, how urgent, and the teacher's
 * language when it is not the reader's. Details are in the list, inside the chat.
 */
export function requestNotice(directory: DirectoryView, request: CallbackRequest, tr: Translator): OutboundReply[] {
  const school = directory.school(request.schoolId ?? undefined)?.name ?? tr.t('callback:unlistedSchool');
  return [
    {
      kind: 'choices',
      text: [tr.t('callback:notification', { name: request.requesterName, school, urgency: tr.t(`callback:urgency.${request.urgency}`) }), ...teacherLanguage(request, tr)].join(' '),
      choices: actionChoices(request, tr.t),
    },
  ];
}

/** "The teacher uses the assistant in French.", when that is not the reader's language: whoever calls back knows. */
export function teacherLanguage(request: Pick<CallbackRequest, 'requesterLanguage'>, tr: Pick<Translator, 'lang' | 't'>): string[] {
  return request.requesterLanguage === tr.lang ? [] : [tr.t('callback:teacherLanguage', { language: tr.t(`common:languageNames.${request.requesterLanguage}`) })];
}

/** How and when the teacher asked to be reached, and their note: what whoever calls back needs in front of them. */
export function howToReach(request: Pick<CallbackRequest, 'way' | 'requesterContact' | 'window' | 'note'>, t: Translator['t']): string[] {
  const way = `${t(`callback:way.${request.way}`)}${request.requesterContact ? ` (${request.requesterContact})` : ''}`;
  return [
    t('common:labelled', { label: t('callback:summaryWay'), value: way }),
    t('common:labelled', { label: t('callback:summaryWindow'), value: t(`callback:window.${request.window}`) }),
    ...(request.note ? [t('common:labelled', { label: t('callback:summaryNote'), value: request.note })] : []),
  ];
}

/** The nudges about a call-back request (the notice again, the reminder, the escalation). */
export const CALLBACK_NUDGE_RULES: ReadonlySet<NudgeRecord['rule']> = new Set(['callbackNotice', 'callbackReminder', 'callbackEscalation']);

/**
 * The period of the nudges about a request (their idempotency key's third part) while it is with
 * its current assignee: its id, and for a request handed over, the id and the moment of the latest
 * hand-over (`<id>@<reassignedAt>`). Each assignment has its own: a request handed from A to B and
 * back to A reminds A again, and escalates again. A request never handed over keeps the bare id, as
 * its nudges were keyed before hand-overs had periods of their own.
 */
export function callbackPeriod(request: Pick<CallbackRequest, 'id' | 'reassignedAt'>): string {
  return request.reassignedAt ? `${request.id}@${request.reassignedAt}` : request.id;
}

/** The id of the request a call-back nudge's period is about (see callbackPeriod). */
export function requestIdOfPeriod(period: string): string {
  const at = period.indexOf('@');
  return at < 0 ? period : period.slice(0, at);
}

/**
 * The log record of a call-back nudge for the request's current assignment, from `nudges` (the
 * whole log, or only some of it): the one under its key; for a request handed over, also one
 * settled under the bare id and claimed after the hand-over, which a store written before
 * hand-overs had periods of their own holds (so that an upgrade does not send it again).
 */
export function callbackNudgeRecord(
  nudges: Readonly<Record<string, NudgeRecord>>,
  rule: NudgeRecord['rule'],
  recipientId: string,
  request: Pick<CallbackRequest, 'id' | 'reassignedAt'>,
): NudgeRecord | undefined {
  const record = nudges[`${rule}|${recipientId}|${callbackPeriod(request)}`];
  if (record || !request.reassignedAt) return record;
  const before = nudges[`${rule}|${recipientId}|${request.id}`];
  return before && before.status !== 'failed' && before.claimedAt >= request.reassignedAt ? before : undefined;
}

/**
 * Who deals with a request now: its assignee; when they are no longer in the directory, the school's
 * liaison officer, else a coordinator. The nudges go to them, and they may act on it.
 */
export function handlerOf(directory: DirectoryView, request: Pick<CallbackRequest, 'assigneeId' | 'schoolId'>): Person | undefined {
  return (
    directory.person(request.assigneeId) ??
    directory.person(directory.school(request.schoolId ?? undefined)?.liaisonId) ??
    directory.data.people.find((p) => p.role === 'coordinator')
  );
}

/**
 * Whom an unacknowledged request escalates to: the handler's backup, unless that is who handed it
 * over; else a coordinator who is neither of them.
 */
export function escalationOf(directory: DirectoryView, request: Pick<CallbackRequest, 'reassignedFrom'>, handler: Person): Person | undefined {
  const named = directory.person(handler.backupId);
  if (named && named.id !== request.reassignedFrom) return named;
  return directory.data.people.find((p) => p.role === 'coordinator' && p.id !== handler.id && p.id !== request.reassignedFrom);
}
