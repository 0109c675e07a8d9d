import { z } from 'zod';
import { SUPPORTED_LANGUAGES } from '../i18n/languages.js';

/**
 * The shape of the store's data (its JSON files, see filePersistence.ts). Parsed on open, so a hand-edited or half-written file
 * fails at start instead of mid-conversation. Bump STORE_VERSION with a migration when it changes.
 */
export const STORE_VERSION = 2;

const Json: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(Json), z.record(z.string(), Json)]),
);
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const Timestamp = z.iso.datetime();
const Lang = z.enum(SUPPORTED_LANGUAGES);

/** Where a proactive message for this user goes; one variant per channel, opaque to the core. */
export const ConversationAddress = z.object({
  channel: z.enum(['web', 'slack', 'teams', 'test']),
  conversationId: z.string().min(1),
  data: z.record(z.string(), Json).default({}),
});
export type ConversationAddress = z.infer<typeof ConversationAddress>;

export const User = z.object({
  key: z.string().min(1),
  channel: z.enum(['web', 'slack', 'teams', 'test']),
  /** Set only when the user chose a language; otherwise the channel's hint applies. */
  language: Lang.optional(),
  /** The language the user's app last reported (e.g. Teams' activity.locale): for proactive messages. */
  localeHint: z.string().max(35).optional(),
  /** The school a teacher picked last time (a directory id), remembered for the next worry. */
  schoolId: z.string().optional(),
  address: ConversationAddress.optional(),
  /** Set when the platform said this user can no longer be reached (user gone, app removed). */
  unreachable: z.object({ reason: z.string().max(100), at: Timestamp }).optional(),
  createdAt: Timestamp,
  /** When the user last wrote, to the minute (see UsersRepository.touch). */
  lastSeenAt: Timestamp,
  /** A teacher who asked to be asked again about training, each new school year (from the next one after `since`). */
  trainingReminder: z.object({ since: z.string().regex(/^\d{4}-\d{4}$/) }).optional(),
});
export type User = z.infer<typeof User>;

/** A text to render later in whatever language the user then speaks. */
export const TextSpec = z.union([
  z.object({
    key: z.string().min(1),
    params: z.record(z.string(), Json).optional(),
    /** Render in this language whatever the user speaks (a language's own name in the picker). */
    lng: Lang.optional(),
  }),
  z.object({ literal: z.union([z.string(), z.record(Lang, z.string())]) }),
]);
export type TextSpec = z.infer<typeof TextSpec>;

/** Checks a free-text answer must pass (see src/core/textChecks.ts). */
export const TEXT_CHECKS = ['none', 'noPersonalData', 'phone', 'email', 'personName', 'schoolSearch'] as const;
export type TextCheckName = (typeof TEXT_CHECKS)[number];

/** A question waiting for its answer, kept language-neutral so a language change can re-ask it. */
export const PromptSpec = z.object({
  text: TextSpec,
  /** `also`: a catalogue list of words that answer this choice too, in any language ("yes", "ja", "oui"). */
  choices: z
    .array(
      z.object({
        value: z.string().min(1),
        label: TextSpec,
        also: z.string().max(100).optional(),
        /** False: not chosen by typing its number (at a search, a number typed is a search). */
        byNumber: z.boolean().optional(),
      }),
    )
    .optional(),
  /** For free-text questions: the longest answer accepted and the check it must pass. */
  freeText: z
    .object({ maxLength: z.number().int().min(1), check: z.enum(TEXT_CHECKS).default('none') })
    .optional(),
  /** Said instead of the general "I did not understand" when typed text answers none of the choices. */
  notUnderstood: TextSpec.optional(),
  /**
   * A safety question (is anyone in danger?): nothing typed there starts another dialog, and what
   * answers none of its choices gets its not-understood text (the emergency number) first.
   */
  gate: z.boolean().optional(),
  /** One word of exactly one button's label answers it ("geweld"); off unless asked for, never on confirmations. */
  wordMatch: z.boolean().optional(),
  /**
   * Something that cannot be undone (deleting one's data, cancelling a meeting): only a button, its
   * whole label in the user's language, or its own word list answers; not a number, not a button's
   * internal value, not another language's label.
   */
  strict: z.boolean().optional(),
});
export type PromptSpec = z.infer<typeof PromptSpec>;

export const DialogFrame = z.object({
  dialogId: z.string().min(1),
  step: z.string().min(1),
  values: z.record(z.string(), Json),
  args: z.record(z.string(), Json).default({}),
  /** prompt: the step asked and waits for the user; child: a dialog started on top will return a result. */
  waiting: z.enum(['prompt', 'child']),
  prompt: PromptSpec.optional(),
});
export type DialogFrame = z.infer<typeof DialogFrame>;

export const DialogState = z.object({
  stack: z.array(DialogFrame),
  updatedAt: Timestamp,
});
export type DialogState = z.infer<typeof DialogState>;

/** A Direct Line activity as stored; only the fields the endpoint relies on are checked. */
export const StoredActivity = z
  .object({ id: z.string().min(1), type: z.string().min(1), timestamp: Timestamp })
  .catchall(Json);
export type StoredActivity = z.infer<typeof StoredActivity>;

export const WebConversation = z.object({
  id: z.string().min(1),
  /** The anonymous visitor id this conversation belongs to; tokens are bound to it. */
  userId: z.string().min(1),
  /** SHA-256 hashes of the tokens that open this conversation; the tokens themselves are never stored. */
  tokens: z.array(z.object({ hash: z.string().length(64), expiresAt: Timestamp })),
  locale: z.string().optional(),
  createdAt: Timestamp,
  lastActiveAt: Timestamp,
  /** The watermark of activities[0]; older activities were trimmed. */
  firstWatermark: z.number().int().min(0),
  activities: z.array(StoredActivity),
  started: z.boolean(),
});
export type WebConversation = z.infer<typeof WebConversation>;

export const CALLBACK_STATUSES = ['open', 'acknowledged', 'done'] as const;
export const CALLBACK_URGENCIES = ['today', 'week', 'whenever'] as const;
export const CALLBACK_WAYS = ['chat', 'phone', 'email'] as const;
export const CALLBACK_WINDOWS = ['morning', 'afternoon', 'afterSchool', 'anytime'] as const;

/**
 * A teacher's request to be contacted by a liaison officer. Holds the teacher's own name and
 * contact, the school and how urgent it is; never anything about the pupil (not even the kind of
 * worry). `note` is optional, at most 280 characters, and passed the identifying-text check.
 */
export const CallbackRequest = z.object({
  id: z.string().min(1),
  status: z.enum(CALLBACK_STATUSES),
  /** A directory school id, or null when the teacher's school is not in the directory. */
  schoolId: z.string().nullable(),
  /** The directory person who handles it (the school's liaison officer, or a coordinator). */
  assigneeId: z.string().min(1),
  urgency: z.enum(CALLBACK_URGENCIES),
  way: z.enum(CALLBACK_WAYS),
  window: z.enum(CALLBACK_WINDOWS),
  requesterName: z.string().min(1).max(80),
  requesterContact: z.string().max(120).optional(),
  note: z.string().max(280).optional(),
  requesterKey: z.string().min(1),
  requesterAddress: ConversationAddress.optional(),
  requesterLanguage: Lang,
  createdAt: Timestamp,
  /** When it was last handed to a colleague, and by whom: the new assignee's wait counts from then. */
  reassignedAt: Timestamp.optional(),
  reassignedFrom: z.string().optional(),
  acknowledgedAt: Timestamp.optional(),
  acknowledgedBy: z.string().optional(),
  doneAt: Timestamp.optional(),
  /** Every notification attempt, for the loop to be provably closed (and for nudges to retry). */
  notifications: z.array(
    z.object({
      to: z.string().min(1),
      kind: z.enum(['new', 'acknowledged', 'done', 'reminder', 'escalation']),
      at: Timestamp,
      result: z.enum(['sent', 'failed', 'unreachable', 'no-address']),
    }),
  ),
});
export type CallbackRequest = z.infer<typeof CallbackRequest>;

const LocalDate = z.iso.date();

export const CONTACT_KINDS = ['visit', 'call', 'meeting', 'platformMeeting', 'email', 'other'] as const;
export const CONTACT_TAGS = ['needsAndFeedback', 'training', 'incident', 'trustBuilding', 'protocol'] as const;

/** A liaison officer's contact with a school. Says when and how, never what about whom. */
export const ContactLog = z.object({
  id: z.string().min(1),
  /** The directory person who logged it; only they may change it, and only for a week. */
  authorId: z.string().min(1),
  schoolId: z.string().min(1),
  kind: z.enum(CONTACT_KINDS),
  /** The day of the contact in the directory's time zone. */
  date: LocalDate,
  tags: z.array(z.enum(CONTACT_TAGS)),
  createdAt: Timestamp,
  updatedAt: Timestamp.optional(),
});
export type ContactLog = z.infer<typeof ContactLog>;

export const EVALUATION_OUTCOMES = ['works', 'minorChanges', 'revise'] as const;

export const ProtocolEvaluation = z.object({
  id: z.string().min(1),
  date: LocalDate,
  outcome: z.enum(EVALUATION_OUTCOMES),
  nextDate: LocalDate,
  recordedBy: z.string().min(1),
  createdAt: Timestamp,
});
export type ProtocolEvaluation = z.infer<typeof ProtocolEvaluation>;

/** A platform meeting planned in the chat (the directory may list more). */
export const PlannedMeeting = z.object({
  id: z.string().min(1),
  date: LocalDate,
  place: z.string().min(1).max(120),
  plannedBy: z.string().min(1),
  createdAt: Timestamp,
});
export type PlannedMeeting = z.infer<typeof PlannedMeeting>;

export const KEEP_IN_TOUCH_EVERY_DAYS = [7, 14, 28] as const;
/** Keep in touch comes at most once a week unless an officer chose otherwise. */
export const DEFAULT_KEEP_IN_TOUCH_DAYS = KEEP_IN_TOUCH_EVERY_DAYS[0];
export const NUDGE_WINDOWS = ['all', 'morning', 'afternoon'] as const;
export const NudgeSettings = z.object({
  keepInTouch: LocalDate.optional(),
  keepInTouchEveryDays: z.union(KEEP_IN_TOUCH_EVERY_DAYS.map((d) => z.literal(d))).optional(),
  window: z.enum(NUDGE_WINDOWS).optional(),
});
export type NudgeSettings = z.infer<typeof NudgeSettings>;
export type NudgeWindow = (typeof NUDGE_WINDOWS)[number];

export const NUDGE_RULES = ['keepInTouch', 'callbackNotice', 'callbackReminder', 'callbackEscalation', 'protocolEvaluation', 'platformMeetingSoon', 'platformMeetingPlan', 'trainingSurvey'] as const;

/**
 * One nudge, keyed by (rule, recipient, period). Claimed before it is sent, so a crash, a restart or
 * two ticks never send it twice; released (failed, with a next attempt) only when a send is known to
 * have failed.
 */
export const NudgeRecord = z.object({
  rule: z.enum(NUDGE_RULES),
  recipientId: z.string().min(1),
  period: z.string().min(1),
  status: z.enum(['claimed', 'sent', 'failed', 'permanent']),
  claimedAt: Timestamp,
  sentAt: Timestamp.optional(),
  attempts: z.number().int().min(0),
  nextAttemptAt: Timestamp.optional(),
  lastError: z.string().max(100).optional(),
});
export type NudgeRecord = z.infer<typeof NudgeRecord>;

export const COMPETENCES = [
  'radicalisationProcesses',
  'polarisedSubjects',
  'diversityClassroom',
  'criticalThinking',
  'onlineRadicalisation',
  'religionIdentity',
  'geopoliticalTensions',
  'whereToGetInfo',
  'informationSharing',
  'workingWithParents',
] as const;
export const STAFF_ROLES = ['teacher', 'head', 'careCoordinator', 'other'] as const;
export const TRAINING_FORMATS = ['schoolTeam', 'online', 'platformMeeting', 'other'] as const;

/**
 * A teacher's training needs, stored without any identity: no user or channel id, and only the month
 * it was given. Who already answered this school year is kept apart (salted hashes, see below).
 */
export const TrainingResponse = z.object({
  id: z.string().min(1),
  schoolYear: z.string().regex(/^\d{4}-\d{4}$/),
  schoolId: z.string().nullable(),
  role: z.enum(STAFF_ROLES),
  competences: z.array(z.enum(COMPETENCES)).min(1),
  format: z.enum(TRAINING_FORMATS),
  comment: z.string().max(500).optional(),
  month: z.string().regex(/^\d{4}-\d{2}$/),
});
export type TrainingResponse = z.infer<typeof TrainingResponse>;

/** Who read what: call-back requests and reports (never their content). */
export const AuditEntry = z.object({
  at: Timestamp,
  /** A directory person id. */
  actor: z.string().min(1),
  /** Reads of personal or aggregated data, and the changes officers make to call-back requests and contacts. */
  action: z.enum(['callbacks.read', 'training.report', 'schools.read', 'callbacks.ack', 'callbacks.done', 'callbacks.reassign', 'contacts.edit', 'contacts.delete']),
  detail: z.string().max(100).optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const Db = z.object({
  version: z.literal(STORE_VERSION),
  users: z.record(z.string(), User),
  dialogs: z.record(z.string(), DialogState),
  webConversations: z.record(z.string(), WebConversation),
  callbacks: z.array(CallbackRequest).default([]),
  /** Platform event ids already handled (Slack event_id, Teams activity id) → when they expire. */
  processedEvents: z.record(z.string(), Timestamp).default({}),
  contacts: z.array(ContactLog).default([]),
  protocolEvaluations: z.array(ProtocolEvaluation).default([]),
  platformMeetings: z.array(PlannedMeeting).default([]),
  nudges: z.record(z.string(), NudgeRecord).default({}),
  /**
   * person id → their nudge settings: keep-in-touch snoozed until (a local date, exclusive), how
   * often it comes, and the part of the working day nudges may come in. (Named for its first use.)
   */
  snoozes: z.record(z.string(), NudgeSettings).default({}),
  trainingResponses: z.array(TrainingResponse).default([]),
  /**
   * Per school year: a random salt and the salted hashes of the users who answered, to refuse a second
   * answer without storing who. Kept apart from the answers, and dropped when the year is over.
   */
  audit: z.array(AuditEntry).default([]),
  trainingSubmitters: z.record(z.string(), z.object({ salt: z.string().min(16), hashes: z.array(z.string().length(64)) })).default({}),
});
export type Db = z.infer<typeof Db>;

export function emptyDb(): Db {
  return { version: STORE_VERSION, users: {}, dialogs: {}, webConversations: {}, callbacks: [], processedEvents: {}, contacts: [], protocolEvaluations: [], platformMeetings: [], nudges: {}, snoozes: {}, trainingResponses: [], trainingSubmitters: {}, audit: [] };
}
