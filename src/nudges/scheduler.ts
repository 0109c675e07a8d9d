import { Cron } from 'croner';
import type { DeliveryResult, Notifier } from '../core/notifier.js';
import type { DirectoryView } from '../directory/directory.js';
import type { Language } from '../i18n/languages.js';
import type { Log } from '../log.js';
import type { NudgeLogRepository } from '../store/nudgeLog.js';
import type { NudgeRecord } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { isNudgeDue, nudgeKey, planNudges, type PlannedNudge } from './planners.js';
import { isInWindow, isWorkingTime } from './workingTime.js';

/** Back-off for a transient failure: 5 min, 10, 20 … at most 6 h; after this many tries it is permanent. */
const BACKOFF_BASE_MS = 5 * 60_000;
const BACKOFF_MAX_MS = 6 * 3_600_000;
export const MAX_ATTEMPTS = 6;
/** Nudges that come whatever part of the day an officer chose for the others. */
const URGENT_RULES: ReadonlySet<string> = new Set(['callbackNotice', 'callbackReminder', 'callbackEscalation']);

export interface TickReport {
  at: string;
  workingTime: boolean;
  /** What was sent (or, in a dry run, would be sent), and what happened. */
  /** 'waits': a dry run outside working time lists what is due, to go out when working time starts. */
  nudges: { key: string; rule: string; recipientId: string; outcome: DeliveryResult | 'would-send' | 'waits' }[];
}

export interface SchedulerDeps {
  store: Store;
  nudgeLog: NudgeLogRepository;
  notifier: Notifier;
  directory: () => DirectoryView;
  log: Log;
  clock: () => Date;
  /** Cron pattern of the tick, in the directory's time zone. */
  pattern?: string;
  /** Whether a teacher answered that school year's training survey already (then they are not asked again). */
  answeredTrainingSurvey?: (userKey: string, schoolYear: string) => boolean;
  /** The language of a nudge to a user whose language is not known: DEFAULT_LANGUAGE when set; by default the directory's defaultLanguage. */
  defaultLanguage?: () => Language;
}

/**
 * Sends due nudges exactly once. Each (rule, recipient, period) is claimed in the store, and the
 * claim written, before the send; a crash after that leaves it claimed, so it is never sent twice.
 * Only a send known to have failed releases it for a later tick, with back-off. Because planners
 * derive what is due from the store, nudges missed while the process was down go out once on the
 * next tick in working hours.
 */
export class NudgeScheduler {
  private cron: Cron | undefined;
  private running: Promise<TickReport> | undefined;

  constructor(private readonly deps: SchedulerDeps) {}

  start(): void {
    const { directory, log } = this.deps;
    this.cron = new Cron(this.deps.pattern ?? '*/5 * * * *', {
        timezone: directory().data.timeZone,
        protect: true,
        unref: true, // the HTTP server keeps the process alive; the timer alone must not
        catch: (err) => log.error({ event: 'nudge_tick_failed', err: String(err) }),
      }, () =>
      this.tick().then(() => undefined),
    );
  }

  async stop(): Promise<void> {
    this.cron?.stop();
    await this.running;
  }

  /** One tick at `now` (default: the clock). Ticks never overlap. */
  tick(now: Date = this.deps.clock(), options: { dryRun?: boolean } = {}): Promise<TickReport> {
    const previous = this.running ?? Promise.resolve(undefined);
    const run = previous.then(() => this.runTick(now, options.dryRun ?? false));
    this.running = run.catch(() => ({ at: now.toISOString(), workingTime: false, nudges: [] }));
    return run;
  }

  /** What would be sent at `now`, without claiming or sending anything; `anyWindow`: whatever part of the day each officer chose. */
  due(now: Date, { anyWindow = false } = {}): PlannedNudge[] {
    const directory = this.deps.directory().data;
    // Outside a recipient's chosen part of the day (nudge settings), their nudges wait for a later
    // tick; not those about a call-back request, for a teacher is waiting.
    const inWindow = (n: PlannedNudge) => anyWindow || URGENT_RULES.has(n.rule) || isInWindow(now, directory, this.deps.store.data.snoozes[n.recipientId]?.window ?? 'all');
    const answered = this.deps.answeredTrainingSurvey ?? (() => false);
    const planned = planNudges(this.deps.directory(), this.deps.store.data, now).filter((n) => inWindow(n) && !(n.rule === 'trainingSurvey' && answered(n.recipientId, n.period)));
    // One send per key, even if two planners' entries share it (a meeting in the directory and the same one planned in the chat).
    const seen = new Set<string>();
    return planned.filter((n) => {
      const key = nudgeKey(n);
      if (seen.has(key)) return false;
      seen.add(key);
      return isNudgeDue(this.deps.nudgeLog.get(key), now);
    });
  }


  private async runTick(now: Date, dryRun: boolean): Promise<TickReport> {
    const report: TickReport = { at: now.toISOString(), workingTime: isWorkingTime(now, this.deps.directory().data), nudges: [] };
    if (!report.workingTime) {
      // A preview at night or on a Sunday still shows what is waiting.
      if (dryRun) report.nudges = this.due(now, { anyWindow: true }).map((n) => ({ key: nudgeKey(n), rule: n.rule, recipientId: n.recipientId, outcome: 'waits' }));
      return report;
    }
    for (const nudge of this.due(now)) {
      const key = nudgeKey(nudge);
      if (dryRun) {
        report.nudges.push({ key, rule: nudge.rule, recipientId: nudge.recipientId, outcome: 'would-send' });
        continue;
      }
      const outcome = await this.deliver(key, nudge, now);
      report.nudges.push({ key, rule: nudge.rule, recipientId: nudge.recipientId, outcome });
    }
    return report;
  }

  private async deliver(key: string, nudge: PlannedNudge, now: Date): Promise<DeliveryResult> {
    const { nudgeLog, store, notifier, log } = this.deps;
    const previous = nudgeLog.get(key);
    const attempts = (previous?.attempts ?? 0) + 1;
    const claim: NudgeRecord = { rule: nudge.rule, recipientId: nudge.recipientId, period: nudge.period, status: 'claimed', claimedAt: now.toISOString(), attempts };
    nudgeLog.set(key, claim);
    await store.commit(); // the claim is durable before anything is sent

    const outcome = nudge.to === 'user' ? await notifier.toUser(nudge.recipientId, nudge.build, this.deps.defaultLanguage?.() ?? this.deps.directory().data.defaultLanguage) : await notifier.toPerson(nudge.recipientId, nudge.build);
    if (outcome === 'sent') {
      nudgeLog.set(key, { ...claim, status: 'sent', sentAt: this.deps.clock().toISOString() });
    } else if ((outcome === 'failed' || (outcome === 'no-address' && nudge.rule === 'callbackNotice')) && attempts < MAX_ATTEMPTS) {
      // A call-back notice to an officer the assistant cannot reach yet is tried again too: a Teams
      // officer who opens the app meanwhile still gets it.
      const wait = Math.min(BACKOFF_BASE_MS * 2 ** (attempts - 1), BACKOFF_MAX_MS);
      nudgeLog.set(key, { ...claim, status: 'failed', lastError: outcome, nextAttemptAt: new Date(now.getTime() + wait).toISOString() });
    } else {
      // Unreachable, no address, or too many tries: recorded for coordinators, not retried.
      nudgeLog.set(key, { ...claim, status: 'permanent', lastError: outcome });
    }
    await store.commit();
    // A teacher's platform id is not logged (logs outlive "delete my data"); a directory id is.
    log.info({ event: 'nudge', rule: nudge.rule, recipient: nudge.to === 'user' ? 'teacher' : nudge.recipientId, outcome, attempts });
    return outcome;
  }
}
