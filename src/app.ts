import type { AddressInfo } from 'node:net';
import { rm, stat } from 'node:fs/promises';
import { createAssistant } from './assistant.js';
import type { Channel } from './channels/channel.js';
import { mountStaticWidget, widgetDir } from './channels/web/static.js';
import type { SlackChannelDeps } from './channels/slack/slackChannel.js';
import type { TeamsChannelDeps } from './channels/teams/teamsChannel.js';
import { WebChannel } from './channels/web/webChannel.js';
import type { Config } from './config.js';
import { isCodedError } from './core/errors.js';
import { CALLBACK_NUDGE_RULES, requestIdOfPeriod, type CallbackService } from './core/callbacks.js';
import type { Dialog } from './core/dialog.js';
import type { Engine } from './core/engine.js';
import type { ExportService } from './core/exports.js';
import type { Notifier } from './core/notifier.js';
import { loadDirectory, type DirectoryView } from './directory/directory.js';
import { NudgeScheduler } from './nudges/scheduler.js';
import { assertTicksReachWorkingHours } from './nudges/tickCoverage.js';
import { backupStore, lastBackupAt } from './store/backup.js';
import { mountExports } from './http/exports.js';
import { createHttpServer, type HttpServer } from './http/server.js';
import { labelledIn, loadTranslations } from './i18n/i18n.js';
import type { Language } from './i18n/languages.js';
import type { Log } from './log.js';
import { beforeMigrationFile, openFileStore, type Store } from './store/store.js';

export interface AppOptions {
  log: Log;
  clock?: () => Date;
  /** Tests pass a memory store; production opens STORE_FILE. */
  store?: Store;
  dialogs?: readonly Dialog[];
  /** Where the widget's files are; defaults to the source tree beside the working directory. */
  publicDir?: string;
  /** Test seams for the Slack channel (see SlackChannelDeps). */
  slack?: Pick<SlackChannelDeps, 'sleep' | 'maxRetryAfterSeconds' | 'processBeforeResponse'>;
  /** Test seams for the Teams channel (see TeamsChannelDeps). */
  teams?: Pick<TeamsChannelDeps, 'sleep'>;
}

/**
 * The copy of a store taken before its migration (see beforeMigrationFile) holds everything, erased
 * people included, like a backup: it goes when the backups taken at that time would have gone (after
 * BACKUP_INTERVAL_HOURS × BACKUP_KEEP; after a week when backups are off).
 */
async function dropBeforeMigrationCopy(config: Config, now: Date): Promise<void> {
  const file = beforeMigrationFile(config.storeFile);
  const keptHours = config.backup.intervalHours > 0 ? config.backup.intervalHours * config.backup.keep : 7 * 24;
  const written = await stat(file).then((s) => s.mtime, () => undefined);
  if (written && now.getTime() - written.getTime() > keptHours * 3_600_000) await rm(file, { force: true });
}

/** Nudge records are kept this long after they were claimed, then dropped (see the purge below). */
const NUDGE_LOG_RETENTION_DAYS = 400;

export interface App {
  readonly engine: Engine;
  readonly scheduler: NudgeScheduler;
  readonly callbacks: CallbackService;
  readonly notifier: Notifier;
  readonly store: Store;
  readonly http: HttpServer;
  readonly channels: readonly Channel[];
  readonly directory: () => DirectoryView;
  /** Files offered as download links in the chat, served at /exports/<id>. */
  readonly exports: ExportService;
  start(): Promise<AddressInfo>;
  stop(): Promise<void>;
  /** The hourly retention, now (also run at start). */
  purge(): Promise<void>;
  /**
   * Reads DIRECTORY_FILE again (SIGHUP): a valid file replaces the directory for every turn and nudge
   * from then on; an invalid one is refused with its problems and the directory in use stays.
   */
  reloadDirectory(): Promise<{ ok: true; schools: number; people: number } | { ok: false; error: string }>;
}

/**
 * The composition root: config → store → directory → i18n → engine → HTTP → channels. Everything
 * is validated before the server listens; a bad directory, locale or store stops the start.
 */
export async function createApp(config: Config, options: AppOptions): Promise<App> {
  const { log } = options;
  const clock = options.clock ?? (() => new Date());

  // "Later than today" in the directory is judged by the real date, not by an injected clock (a past
  // `npm run nudges -- --at`, which would refuse a directory that is valid today).
  const today = () => new Date(Math.max(clock().getTime(), Date.now()));
  let directoryView = await loadDirectory(config.directoryFile, today());
  // One rule everywhere (turns, widget page, downloads, Slack, Teams, nudges): DEFAULT_LANGUAGE when
  // set, else the directory's defaultLanguage, read when needed so that a reload changes it.
  const defaultLanguage = (): Language => config.defaultLanguage ?? directoryView.data.defaultLanguage;
  const sayWhenLanguagesDiffer = (loaded: DirectoryView) => {
    if (config.defaultLanguage !== undefined && config.defaultLanguage !== loaded.data.defaultLanguage) {
      log.warn({ event: 'default_language_overridden', env: config.defaultLanguage, directory: loaded.data.defaultLanguage }, `DEFAULT_LANGUAGE=${config.defaultLanguage} overrides the directory's defaultLanguage "${loaded.data.defaultLanguage}"`);
    }
  };
  sayWhenLanguagesDiffer(directoryView);
  const translations = await loadTranslations(config.localesDir);
  const store = options.store ?? (await openFileStore(config.storeFile));

  const directory = () => directoryView;
  const { engine, notifier, callbacks, training, exports, repos } = createAssistant({
    store,
    directory,
    translations,
    defaultLanguage,
    clock,
    log,
    dialogs: options.dialogs,
    trainingSubmitterKey: config.trainingSubmitterKey,
    publicUrl: config.publicUrl,
  });

  const http = createHttpServer(log, config.web.allowedOrigins, { https: config.publicUrl?.startsWith('https://') ?? false });
  mountExports({ http, exports, translations, defaultLanguage, log });
  const channels: Channel[] = [];
  if (config.web.enabled) {
    await mountStaticWidget(http, options.publicDir ?? widgetDir(), { translations, maxMessageLength: config.web.maxMessageLength, defaultLanguage, emergencyNumber: () => directoryView.data.emergency.number });
    channels.push(
      new WebChannel({
        config: config.web,
        publicUrl: config.publicUrl,
        http,
        engine,
        store,
        conversations: repos.webConversations,
        users: repos.users,
        dialogStates: repos.dialogStates,
        log,
        clock,
        labelled: (language) => labelledIn(translations.translator(language)),
      }),
    );
  }
  // Slack and Teams are loaded only when configured: their SDKs (Bolt, botbuilder) are most of what a
  // web-only assistant would otherwise hold in memory (measured: idle RSS 145 MB with them, 110 MB without).
  if (config.slack) {
    const { SlackChannel } = await import('./channels/slack/slackChannel.js');
    channels.push(
      new SlackChannel({
        config: config.slack,
        http,
        engine,
        processedEvents: repos.processedEvents,
        translations,
        defaultLanguage,
        log,
        clock,
        ...options.slack,
      }),
    );
  }
  if (config.teams) {
    const { TeamsChannel } = await import('./channels/teams/teamsChannel.js');
    channels.push(
      new TeamsChannel({ config: config.teams, http, engine, processedEvents: repos.processedEvents, translations, defaultLanguage, log, clock, ...options.teams }),
    );
  }
  for (const channel of channels) notifier.register(channel);
  const scheduler = new NudgeScheduler({
    store,
    nudgeLog: repos.nudgeLog,
    notifier,
    directory,
    log,
    clock,
    pattern: config.nudges.pattern,
    answeredTrainingSurvey: (userKey, schoolYear) => training.hasAnswered(userKey, schoolYear),
    defaultLanguage,
  });
  http.setHealth(() => ({ channels: channels.map((c) => c.id), store: store.name === 'memory' ? 'memory' : 'file' }));

  // Retention (checked hourly): done call-back requests are deleted CALLBACK_RETENTION_DAYS after they
  // were done, unfinished ones twice that long after they were made (an open one only after its
  // escalation), and expired event-idempotency records are dropped.
  const purge = async () => {
    try {
      const now = clock();
      repos.processedEvents.prune(now);
      exports.dropExpired(); // expired download links' files leave memory even if nobody asks for another
      training.rotate(); // a new school year: last year's submitter hashes go
      const dialogs = repos.dialogStates.deleteIdleSince(new Date(now.getTime() - config.retention.dialogDays * 86_400_000));
      repos.audit.deleteBefore(new Date(now.getTime() - config.retention.auditDays * 86_400_000));
      // A nudge's record is needed only while its period can still be planned: a year at most, but as
      // long as its call-back request is kept for one about a request (period = its id, or its id and
      // a hand-over: see callbackPeriod; an unfinished request may be kept longer than a year), or its
      // reminder and escalation would go out again.
      const requestIds = new Set(store.data.callbacks.map((c) => c.id));
      repos.nudgeLog.deleteClaimedBefore(
        new Date(now.getTime() - NUDGE_LOG_RETENTION_DAYS * 86_400_000),
        (record) => CALLBACK_NUDGE_RULES.has(record.rule) && requestIds.has(requestIdOfPeriod(record.period)),
      );
      const requests = await callbacks.purgeExpired(config.retention.callbackDays);
      // What retention deleted (a dialog's answers, a teacher's name and number) is still in the journal
      // lines written before: a full snapshot replaces them, as it does after "delete my data".
      if (dialogs + requests > 0) await store.commitAll();
      else await store.commit();
      if (!options.store) await dropBeforeMigrationCopy(config, now);
    } catch (err) {
      log.error({ event: 'purge_failed', err: String(err) });
    }
  };
  // Backups: at start when the newest is older than the interval, then every interval; the last N kept.
  const backup = async () => {
    if (config.backup.intervalHours === 0 || options.store) return;
    try {
      const last = await lastBackupAt(config.backup.dir);
      if (last && clock().getTime() - last.getTime() < config.backup.intervalHours * 3_600_000) return;
      const file = await backupStore(store, config.backup.dir, clock(), config.backup.keep);
      log.info({ event: 'backup', file });
    } catch (err) {
      log.error({ event: 'backup_failed', err: String(err) });
    }
  };
  let backupTimer: NodeJS.Timeout | undefined;
  let started = false;
  let purgeTimer: NodeJS.Timeout | undefined;

  return {
    engine,
    scheduler,
    callbacks,
    notifier,
    store,
    http,
    channels,
    directory,
    exports,
    purge,
    reloadDirectory: async () => {
      try {
        const loaded = await loadDirectory(config.directoryFile, today());
        // New working hours (or time zone) the scheduler's ticks no longer reach are refused like a broken file.
        if (config.nudges.enabled) assertTicksReachWorkingHours(config.nudges.pattern, loaded.data, clock());
        const zoneChanged = loaded.data.timeZone !== directoryView.data.timeZone;
        directoryView = loaded;
        sayWhenLanguagesDiffer(loaded);
        // The ticks run in the directory's time zone: a new one takes a new timer (a tick under way
        // ends after its current send; what it had not come to goes out on the next tick).
        if (config.nudges.enabled && zoneChanged && started) {
          await scheduler.stop();
          // A stop (SIGTERM) that came meanwhile keeps it stopped.
          if (started) scheduler.start();
        }
        const counts = { schools: directoryView.data.schools.length, people: directoryView.data.people.length };
        log.info({ event: 'directory_reloaded', ...counts });
        return { ok: true as const, ...counts };
      } catch (err) {
        const error = isCodedError(err) ? err.message : String(err);
        // The file and its problems, not its content; the directory in use stays.
        log.error({ event: 'directory_reload_refused', file: config.directoryFile }, error);
        return { ok: false as const, error };
      }
    },
    async start() {
      // Before anything runs: a tick pattern that misses the working hours would send no reminder ever.
      if (config.nudges.enabled) assertTicksReachWorkingHours(config.nudges.pattern, directory().data, clock());
      for (const channel of channels) await channel.start();
      await purge();
      purgeTimer = setInterval(() => void purge(), 3_600_000);
      purgeTimer.unref();
      await backup();
      backupTimer = setInterval(() => void backup(), 3_600_000); // checks hourly, backs up per the interval
      backupTimer.unref();
      if (config.nudges.enabled) scheduler.start();
      started = true;
      const address = await http.start(config.port, config.host);
      log.info({ event: 'started', port: address.port, host: address.address, channels: channels.map((c) => c.id) });
      // Officers whose call-back notices and nudges have nowhere to go yet (on Teams, until they open the app once).
      const noWay = directory().data.people.filter((p) => !notifier.canReach(p)).map((p) => p.id);
      if (noWay.length > 0 && channels.some((c) => c.id !== 'web')) log.warn({ event: 'people_not_reachable_yet', people: noWay });
      return address;
    },
    async stop() {
      started = false;
      clearInterval(purgeTimer);
      clearInterval(backupTimer);
      // The scheduler and the server stop together: the tick under way ends after the nudge being sent
      // (the rest waits for the next start, unclaimed), and no new connection is taken meanwhile (a
      // stop that waited for the whole tick first kept taking turns, and main.ts's deadline could cut
      // a send short). The server closes once the open connections end. The channels are stopped
      // meanwhile, not after: a web chat's stream (an upgraded socket) holds close() open until its
      // channel closes it, which a stop that waited first never did.
      const schedulerStopped = scheduler.stop();
      const closed = http.stop();
      for (const channel of channels) await channel.stop();
      await schedulerStopped;
      await closed;
      // A write first, then the work it lets go: the notices that waited for a write that had failed
      // (see Engine.turn) start when one succeeds, and are awaited here, not cut off by the exit.
      await store.commit().catch(() => undefined);
      await engine.idle();
      await store.close();
      log.info({ event: 'stopped' });
    },
  };
}
