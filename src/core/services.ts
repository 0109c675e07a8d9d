import type { AuditEntry } from '../store/schema.js';
import type { CallbackService } from './callbacks.js';
import type { ContactService } from './contacts.js';
import type { ExportService } from './exports.js';
import type { NudgePreferences } from './nudgePreferences.js';
import type { StoredCallbackRequest } from './privacy.js';
import type { ProtocolService } from './protocol.js';
import type { TrainingService } from './training.js';

/**
 * Domain services the dialogs may use, handed over by the engine through the turn (never imported
 * directly), so dialogs stay testable and never touch the store.
 */
export interface PrivacyService {
  /** What the store holds about this user: counts and plain facts, and the user's own call-back requests as they gave them (shown only to that user). */
  /** `personId`: a liaison officer's directory id, under which their nudge settings are kept. */
  describe(userKey: string, personId?: string): StoredAboutUser;
  /** Deletes everything stored about this user. */
  forget(userKey: string, personId?: string): void;
}

export interface StoredAboutUser {
  hasRecord: boolean;
  language?: string;
  schoolId?: string;
  channel?: string;
  hasProactiveAddress: boolean;
  /** They asked to be asked about training again each new school year. */
  trainingReminder: boolean;
  /** That they answered this school year's training survey (kept as a keyed hash, not with the answers). */
  trainingAnswered: boolean;
  /** An officer's own nudge settings (interval, part of the day, a pause). */
  nudgeSettings: boolean;
  webConversations: number;
  callbackRequests: number;
  /** The user's own call-back requests, oldest first (all statuses): "delete my data" removes them all. */
  callbacks: readonly StoredCallbackRequest[];
}

export interface Services {
  privacy: PrivacyService;
  callbacks: CallbackService;
  contacts: ContactService;
  protocol: ProtocolService;
  nudges: NudgePreferences;
  training: TrainingService;
  /** Files offered as download links (the training report as CSV). */
  exports: ExportService;
  audit: AuditLog;
}

/** Records who read call-back requests and reports. */
export interface AuditLog {
  record(actor: string, action: AuditEntry['action'], detail?: string): void;
}
