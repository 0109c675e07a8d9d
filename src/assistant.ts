import { dialogs as defaultDialogs } from '../dialogs/index.js';
import { CallbackService } from './core/callbacks.js';
import { ContactService } from './core/contacts.js';
import { ExportService } from './core/exports.js';
import { NudgePreferences } from './core/nudgePreferences.js';
import { ProtocolService } from './core/protocol.js';
import { TrainingService } from './core/training.js';
import type { Dialog } from './core/dialog.js';
import { Engine } from './core/engine.js';
import { Notifier } from './core/notifier.js';
import { StorePrivacyService } from './core/privacy.js';
import { textChecks } from './core/textChecks.js';
import type { DirectoryView } from './directory/directory.js';
import type { Translations } from './i18n/i18n.js';
import type { Language } from './i18n/languages.js';
import type { Log } from './log.js';
import { AuditRepository } from './store/audit.js';
import { CallbacksRepository } from './store/callbacks.js';
import { ContactsRepository } from './store/contacts.js';
import { NudgeLogRepository } from './store/nudgeLog.js';
import { ProtocolRecordsRepository } from './store/protocolRecords.js';
import { TrainingRepository } from './store/training.js';
import { DialogStatesRepository } from './store/dialogStates.js';
import { ProcessedEventsRepository } from './store/processedEvents.js';
import type { Store } from './store/store.js';
import { UsersRepository } from './store/users.js';
import { WebConversationsRepository } from './store/webConversations.js';

export interface AssistantDeps {
  store: Store;
  directory: () => DirectoryView;
  translations: Translations;
  /** A getter: DEFAULT_LANGUAGE when set, else the directory's defaultLanguage, which a reload may change. */
  defaultLanguage: () => Language;
  clock: () => Date;
  log: Log;
  dialogs?: readonly Dialog[];
  /** TRAINING_SUBMITTER_KEY: keys the training survey's submitter hashes (see TrainingService). */
  trainingSubmitterKey?: string;
  /** PUBLIC_URL: download links in Slack and Teams need it (see ExportService). */
  publicUrl?: string;
}

/** The channel-neutral assistant: repositories, domain services and the engine over one store. */
export function createAssistant(deps: AssistantDeps) {
  const { store, directory, translations, log } = deps;
  const repos = {
    users: new UsersRepository(store),
    dialogStates: new DialogStatesRepository(store),
    webConversations: new WebConversationsRepository(store),
    callbacks: new CallbacksRepository(store),
    processedEvents: new ProcessedEventsRepository(store),
    contacts: new ContactsRepository(store),
    protocolRecords: new ProtocolRecordsRepository(store),
    nudgeLog: new NudgeLogRepository(store),
    training: new TrainingRepository(store),
    audit: new AuditRepository(store),
  };
  const notifier = new Notifier(repos.users, directory, translations, log, deps.clock);
  const callbacks = new CallbackService(repos.callbacks, store, notifier, directory, deps.clock);
  const contacts = new ContactService(repos.contacts, directory, deps.clock);
  const protocol = new ProtocolService(repos.protocolRecords, directory, deps.clock);
  const nudges = new NudgePreferences(repos.nudgeLog, repos.users, directory, deps.clock, (person) => notifier.canReach(person), () => notifier.hasOfficerChannel());
  const training = new TrainingService(repos.training, directory, deps.clock, deps.trainingSubmitterKey, repos.users);
  const exports = new ExportService({ publicUrl: deps.publicUrl, clock: deps.clock });
  const privacy = new StorePrivacyService(repos.users, repos.dialogStates, repos.webConversations, repos.callbacks, repos.nudgeLog, training);
  const engine = new Engine({
    store,
    users: repos.users,
    dialogStates: repos.dialogStates,
    directory,
    translations,
    dialogs: deps.dialogs ?? defaultDialogs,
    services: {
      privacy,
      callbacks,
      contacts,
      protocol,
      nudges,
      training,
      exports,
      // The schema caps a detail at 100 characters: one built from long directory ids must not make the store unreadable.
      audit: { record: (actor, action, detail) => repos.audit.add({ at: deps.clock().toISOString(), actor, action, ...(detail ? { detail: detail.slice(0, 100) } : {}) }) },
    },
    textChecks,
    defaultLanguage: deps.defaultLanguage,
    clock: deps.clock,
    log,
  });
  return { engine, notifier, callbacks, contacts, protocol, training, nudges, exports, repos };
}
export type Assistant = ReturnType<typeof createAssistant>;
