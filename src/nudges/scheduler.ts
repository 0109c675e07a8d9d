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
 * next tick in working hours. Turns run while a tick sends (each send awaits the store and the
 * network): every nudge is checked against the store as it is just before its claim, and again once
 * the claim is written, and skipped (nothing recorded) when it is no longer due.
 */
export class NudgeScheduler {
  private cron: Cron | undefined;
  private running: Promise<TickReport> | undefined;
  /** Set by stop(): the tick under way ends after the nudge being sent (see stop). */
  private stopping = false;

  constructor(private readonly deps: SchedulerDeps) {}

  start(): void {
    const { directory, log } = this.deps;
    this.stopping = false;
    this.cron = new Cron(this.deps.pattern ?? '*/5 * * * *', {
        timezone: directory().data.timeZone,
        protect: true,
        unref: true, // the HTTP server keeps the process alive; the timer alone must not
        catch: (err) => log.error({ event: 'nudge_tick_failed', err: String(err) }),
      }, () =>
      this.tick().then(() => undefined),
    );
  }

  /**
   * No more ticks; the one under way ends once the nudge being sent has its outcome recorded (a
   * Slack send waiting out 429s can take half a minute). The nudges it had not come to are not
   * claimed: planned from the store, they go out on the next tick after the restart. A send the
   * process does not outlive (main.ts exits 10 s after SIGTERM) stays 'claimed': never sent again,
   * and listed under Delivery problems as interrupted.
   */
  async stop(): Promise<void> {
    this.stopping = true;
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
    return [...this.plan(now, anyWindow).values()].filter((n) => isNudgeDue(this.deps.nudgeLog.get(nudgeKey(n)), now));
  }

  /**
   * Every nudge the planners give at `now` for the current store and directory, by key (whatever
   * the nudge log says of each). `leaveOut`: planned as if that key had no record (its own claim
   * would stop the planners giving it: a keep-in-touch counts from the last one claimed).
   */
  private plan(now: Date, anyWindow: boolean, leaveOut?: string): Map<string, PlannedNudge> {
    const directory = this.deps.directory().data;
    // Outside a recipient's chosen part of the day (nudge settings), their nudges wait for a later
    // tick; not those about a call-back request, for a teacher is waiting.
    const inWindow = (n: PlannedNudge) => anyWindow || URGENT_RULES.has(n.rule) || isInWindow(now, directory, this.deps.store.data.snoozes[n.recipientId]?.window ?? 'all');
    const answered = this.deps.answeredTrainingSurvey ?? (() => false);
    const data = this.deps.store.data;
    const { [leaveOut ?? '']: _left, ...others } = leaveOut === undefined ? {} : data.nudges;
    const planned = planNudges(this.deps.directory(), leaveOut === undefined ? data : { ...data, nudges: others }, now).filter((n) => inWindow(n) && !(n.rule === 'trainingSurvey' && answered(n.recipientId, n.period)));
    // One send per key, even if two planners' entries share it (a meeting in the directory and the same one planned in the chat).
    const byKey = new Map<string, PlannedNudge>();
    for (const n of planned) if (!byKey.has(nudgeKey(n))) byKey.set(nudgeKey(n), n);
    return byKey;
  }

  private async runTick(now: Date, dryRun: boolean): Promise<TickReport> {
    const report: TickReport = { at: now.toISOString(), workingTime: isWorkingTime(now, this.deps.directory().data), nudges: [] };
    if (!report.workingTime) {
      // A preview at night or on a Sunday still shows what is waiting.
      if (dryRun) report.nudges = this.due(now, { anyWindow: true }).map((n) => ({ key: nudgeKey(n), rule: n.rule, recipientId: n.recipientId, outcome: 'waits' }));
      return report;
    }
    const current = new CurrentPlan((leaveOut) => this.plan(now, false, leaveOut), this.deps.store, this.deps.directory);
    const due = [...current.all()].filter((n) => isNudgeDue(this.deps.nudgeLog.get(nudgeKey(n)), now));
    // The tick's time moves on with the clock while it sends (a tick asked for another time, by the
    // command's --at, moves on from that one).
    const started = this.deps.clock().getTime();
    const elapsed = () => new Date(now.getTime() + this.deps.clock().getTime() - started);
    for (const planned of due) {
      if (this.stopping && !dryRun) break; // left for the next tick, unclaimed
      // A tick that began at 16:55 and is still sending at 17:00 stops: the rest wait, unclaimed, for
      // the next tick in working hours.
      if (!dryRun && !isWorkingTime(elapsed(), this.deps.directory().data)) break;
      const key = nudgeKey(planned);
      if (dryRun) {
        report.nudges.push({ key, rule: planned.rule, recipientId: planned.recipientId, outcome: 'would-send' });
        continue;
      }
      // Each send awaits the store and the network (a Slack send can wait out 429s for half a
      // minute), and turns run meanwhile: a request acknowledged or withdrawn, an officer who pressed
      // Snooze, a teacher who deleted their data. What the tick planned at its start is checked
      // against the store as it is now, just before the claim: no longer planned (or no longer due),
      // it is skipped and nothing is recorded. The nudge as planned now is the one sent.
      const nudge = current.get(key);
      if (!nudge || !isNudgeDue(this.deps.nudgeLog.get(key), now)) continue;
      const outcome = await this.deliver(key, nudge, now, current);
      if (outcome) report.nudges.push({ key, rule: nudge.rule, recipientId: nudge.recipientId, outcome });
    }
    return report;
  }

  /** Claims, sends and records one nudge; undefined when it was no longer due once its claim was written (nothing sent). */
  private async deliver(key: string, nudge: PlannedNudge, now: Date, current: CurrentPlan): Promise<DeliveryResult | undefined> {
    const { nudgeLog, store, notifier, log } = this.deps;
    const previous = nudgeLog.get(key);
    const attempts = (previous?.attempts ?? 0) + 1;
    const claim: NudgeRecord = { rule: nudge.rule, recipientId: nudge.recipientId, period: nudge.period, status: 'claimed', claimedAt: now.toISOString(), attempts };
    current.own(() => nudgeLog.set(key, claim));
    await store.commit(); // the claim is durable before anything is sent

    // Turns ran while the claim was written: checked again before the send. The claim is withdrawn
    // (the record as it was before, or none): nothing was sent.
    const stillOurs = () => nudgeLog.get(key) === claim;
    const latest = stillOurs() ? current.get(key, { claimed: true }) : undefined;
    if (!latest) {
      if (stillOurs()) {
        current.own(() => (previous ? nudgeLog.set(key, previous) : nudgeLog.forget(key)));
        await store.commit();
      }
      return undefined;
    }
    const outcome = latest.to === 'user' ? await notifier.toUser(latest.recipientId, latest.build, this.deps.defaultLanguage?.() ?? this.deps.directory().data.defaultLanguage) : await notifier.toPerson(latest.recipientId, latest.build);
    // A teacher who deleted their data while the nudge was on its way: their key is not written back.
    if (latest.to === 'user' && !store.data.users[latest.recipientId]) {
      current.own(() => nudgeLog.forget(key));
      await store.commit();
      log.info({ event: 'nudge', rule: latest.rule, recipient: 'teacher', outcome, attempts });
      return outcome;
    }
    current.own(() => this.record(key, claim, latest, outcome, attempts, now));
    await store.commit();
    // A teacher's platform id is not logged (logs outlive "delete my data"); a directory id is.
    log.info({ event: 'nudge', rule: latest.rule, recipient: latest.to === 'user' ? 'teacher' : latest.recipientId, outcome, attempts });
    return outcome;
  }

  private record(key: string, claim: NudgeRecord, nudge: PlannedNudge, outcome: DeliveryResult, attempts: number, now: Date): void {
    const { nudgeLog } = this.deps;
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
  }
}

/**
 * What the planners give during one tick, for the store and directory as they are when asked:
 * planned again only when something changed since (the store's revision moved, the directory was
 * reloaded), so a tick in which no turn runs plans once. The scheduler's own records (`own`) do not
 * count: a nudge's record changes only whether that nudge itself is planned (the keep-in-touch and
 * plan-a-meeting rules read their own recipient's last one), and it is checked against the log anyway.
 */
class CurrentPlan {
  private revision = -1;
  private directory: DirectoryView | undefined;
  private planned = new Map<string, PlannedNudge>();

  constructor(
    private readonly plan: (leaveOut?: string) => Map<string, PlannedNudge>,
    private readonly store: Store,
    private readonly directoryOf: () => DirectoryView,
  ) {}

  /**
   * The nudge planned now under `key`; `claimed`: the scheduler's own claim of it is not counted (a
   * plan made before the claim did not see it; a new one leaves that key's record out).
   */
  get(key: string, { claimed = false } = {}): PlannedNudge | undefined {
    this.refresh(claimed ? key : undefined);
    return this.planned.get(key);
  }

  private refresh(leaveOut?: string): void {
    if (this.store.revision === this.revision && this.directoryOf() === this.directory) return;
    this.planned = this.plan(leaveOut);
    this.revision = this.store.revision;
    this.directory = this.directoryOf();
  }

  /** Everything planned now. */
  all(): Iterable<PlannedNudge> {
    this.refresh();
    return this.planned.values();
  }

  /** A change the scheduler makes itself: the plan stays current if it was. */
  own(change: () => void): void {
    const before = this.store.revision;
    change();
    if (this.revision === before) this.revision = this.store.revision;
  }
}
