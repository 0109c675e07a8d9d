import { z } from 'zod';
import { SUPPORTED_LANGUAGES, type Language } from '../i18n/languages.js';
import { COMPETENCES } from '../store/schema.js';
import { localDate } from '../core/dates.js';

/**
 * The local directory: every fact that differs per municipality (people, schools, partners,
 * steps, protocol). Edited by coordinators in data/directory.json, validated at start.
 */

/** One string per supported language; every language is required so no user sees a gap. */
export const LocalizedText = z.strictObject(
  Object.fromEntries(SUPPORTED_LANGUAGES.map((lng) => [lng, z.string().trim().min(1)])) as Record<
    Language,
    z.ZodString
  >,
);
export type LocalizedText = z.infer<typeof LocalizedText>;

const Id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes');
const IsoDate = z.iso.date();
const Time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM (24 h)');
/** Digits with the usual separators, and at least six digits: "   " or "..." is no number to call. */
const Phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ()./-]{3,20}$/, 'a phone number such as +32 3 123 45 67')
  .refine((phone) => (phone.match(/[0-9]/g) ?? []).length >= 6, 'a phone number such as +32 3 123 45 67 (at least six digits)');
const Email = z.email();
/** A name shown to users: " " is no name. */
const Name = z.string().trim().min(1, 'must not be empty or blank');
/** Said to someone in danger: at least two digits, an optional leading +, single spaces only between digits. */
const EmergencyNumber = z
  .string()
  .trim()
  .max(15, 'at most 15 characters, e.g. 112')
  .regex(/^\+?[0-9]( ?[0-9])+$/, 'at least two digits, with an optional leading + and single spaces only between digits, e.g. 112 or 101');

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
/* A refinement does not stop the checks across fields: they run with a time zone refused here too. */
/**
 * Whether a field (or anything in it) has a problem of its own already. A check across fields skips
 * a field that does: comparing "8:30" with "17:00" would only add a second, false, problem.
 */
function hasProblem(ctx: z.RefinementCtx, path: readonly PropertyKey[]): boolean {
  return ctx.issues.some((issue) => path.every((key, i) => issue.path?.[i] === key));
}

const TimeZone = z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Brussels');

export const Person = z.strictObject({
  id: Id,
  name: Name,
  /** liaison: keeps contact with their schools; coordinator: also sees every school and the protocol. */
  role: z.enum(['liaison', 'coordinator']),
  phone: Phone,
  email: Email,
  hours: LocalizedText,
  languages: z
    .array(z.enum(SUPPORTED_LANGUAGES))
    .min(1)
    .superRefine((languages, ctx) => {
      languages.forEach((lng, i) => {
        if (languages.indexOf(lng) < i) ctx.addIssue({ code: 'custom', path: [i], message: `"${lng}" is listed already` });
      });
    }),
  /**
   * Platform identities that prove the role (Slack user id, Teams AAD object id). Trimmed and checked
   * for their shape: they are compared exactly, and a stray space would make the officer a teacher.
   */
  slackUserId: z
    .string()
    .trim()
    .regex(/^[UW][A-Z0-9]{6,}$/, 'a Slack member id: U or W then capital letters and digits, such as U024BE7LH (profile → ⋮ → Copy member ID)')
    .optional(),
  /** An Azure AD object id (a GUID): compared in lower case, however it is written here or sent by Teams. */
  teamsUserId: z
    .string()
    .trim()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "an Azure AD object id (a GUID such as 6f1c2a9e-0b7d-4e35-9a51-2c8e4f7d1b03), not the user's name or e-mail")
    .transform((id) => id.toLowerCase())
    .optional(),
  /** Who takes over unacknowledged call-back requests. */
  backupId: Id.optional(),
});
export type Person = z.infer<typeof Person>;

export const School = z.strictObject({
  id: Id,
  name: Name,
  liaisonId: Id,
  /** The person inside the school a worried teacher talks to first (care coordinator, DSL …). */
  careContact: z.strictObject({ role: LocalizedText, name: Name.optional() }),
  /** Overrides intervals.contactDays for this school. */
  contactIntervalDays: z.number().int().min(1).max(365).optional(),
});
export type School = z.infer<typeof School>;

export const Partner = z.strictObject({
  id: Id,
  name: LocalizedText,
  tasks: LocalizedText,
  /** What this partner shares with, or needs from, the network, and why. */
  shares: LocalizedText,
});
export type Partner = z.infer<typeof Partner>;

export const NextStep = z.strictObject({
  id: Id,
  title: LocalizedText,
  description: LocalizedText,
  timeFrame: LocalizedText,
  partnerId: Id.optional(),
});
export type NextStep = z.infer<typeof NextStep>;

/** The information-sharing protocol, with the elements the RAN LOCAL paper asks for. */
export const Protocol = z.strictObject({
  title: LocalizedText,
  purpose: LocalizedText,
  coordinatorId: Id,
  /** What each partner shares, and why. A partner without an entry shows as missing in the status. */
  sharing: z.array(z.strictObject({ partnerId: Id, what: LocalizedText, why: LocalizedText })),
  /* Elements a protocol in progress may still lack; the protocol status lists what is missing. */
  lawfulBasis: LocalizedText.optional(),
  whenAndHow: LocalizedText.optional(),
  retention: LocalizedText.optional(),
  rights: LocalizedText.optional(),
  /** What feedback a teacher who raised a worry can honestly expect. */
  feedbackToReporter: LocalizedText,
  signedOn: IsoDate.optional(),
  signatoryPartnerIds: z.array(Id).default([]),
  lastEvaluatedOn: IsoDate.optional(),
});
export type Protocol = z.infer<typeof Protocol>;

const DirectoryShape = z
  .strictObject({
    schemaVersion: z.literal(1),
    municipality: z.strictObject({ id: Id, name: LocalizedText }),
    timeZone: TimeZone,
    defaultLanguage: z.enum(SUPPORTED_LANGUAGES),
    emergency: z.strictObject({ number: EmergencyNumber }),
    /** The municipality's general prevention desk, for schools not (yet) in the list. */
    generalContact: z.strictObject({
      name: LocalizedText,
      phone: Phone,
      email: Email,
      hours: LocalizedText,
    }),
    workingHours: z
      .strictObject({
        days: z.array(z.number().int().min(1).max(7)).min(1),
        start: Time,
        end: Time,
        /** Public and school holidays (YYYY-MM-DD): no nudges, and not counted as working days. */
        closedDays: z.array(IsoDate).default([]),
      })
      .superRefine((w, ctx) => {
        if (hasProblem(ctx, ['start']) || hasProblem(ctx, ['end'])) return;
        if (w.start >= w.end) ctx.addIssue({ code: 'custom', path: ['end'], message: 'start must be before end' });
      }),
    intervals: z.strictObject({
      contactDays: z.number().int().min(1).max(365).default(30),
      callbackAcknowledgeWorkingDays: z.number().int().min(1).max(10).default(1),
      callbackEscalateWorkingDays: z.number().int().min(1).max(20).default(2),
      /** A request to be called back today is reminded, and escalated, after this many working hours instead. */
      callbackTodayReminderWorkingHours: z.number().int().min(1).max(8).default(2),
      callbackTodayEscalateWorkingHours: z.number().int().min(1).max(16).default(4),
      protocolEvaluationMonths: z.number().int().min(1).max(12).default(3),
      platformMeetingsPerYear: z.number().int().min(1).max(12).default(2),
      platformMeetingReminderWeeks: z.number().int().min(1).max(12).default(4),
      /** How long a liaison officer may still correct or delete a contact they logged. */
      contactEditDays: z.number().int().min(0).max(60).default(7),
    }),
    people: z.array(Person).min(1),
    schools: z.array(School).min(1),
    partners: z.array(Partner).min(1),
    nextSteps: z.array(NextStep).min(1),
    protocol: Protocol,
    platformMeetings: z.array(z.strictObject({ date: IsoDate, place: LocalizedText })).default([]),
    /** Local training offers, matched to the competences teachers ask for. */
    trainingOffers: z
      .array(
        z.strictObject({
          id: Id,
          title: LocalizedText,
          description: LocalizedText,
          competences: z.array(z.enum(COMPETENCES)).min(1),
          when: LocalizedText,
          contactEmail: Email,
        }),
      )
      .default([]),
  });

/**
 * The checks across fields: references, duplicates, intervals. With `today` (YYYY-MM-DD in the
 * directory's time zone) also the dates that cannot lie in the future.
 */
function refineDirectory(d: z.infer<typeof DirectoryShape>, ctx: z.RefinementCtx, today?: string): void {
  const unique = (items: { id: string }[], path: string) => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: [path, i, 'id'], message: `duplicate id "${item.id}"` });
      seen.add(item.id);
    });
  };
  unique(d.people, 'people');
  unique(d.schools, 'schools');
  unique(d.partners, 'partners');
  unique(d.nextSteps, 'nextSteps');
  unique(d.trainingOffers, 'trainingOffers');

  const people = new Set(d.people.map((p) => p.id));
  const partners = new Set(d.partners.map((p) => p.id));
  const mustBe = (set: Set<string>, id: string | undefined, path: (string | number)[], what: string) => {
    if (id !== undefined && !set.has(id)) ctx.addIssue({ code: 'custom', path, message: `no ${what} with id "${id}"` });
  };
  d.people.forEach((p, i) => mustBe(people, p.backupId, ['people', i, 'backupId'], 'person'));
  d.schools.forEach((s, i) => mustBe(people, s.liaisonId, ['schools', i, 'liaisonId'], 'person'));
  d.nextSteps.forEach((s, i) => mustBe(partners, s.partnerId, ['nextSteps', i, 'partnerId'], 'partner'));
  mustBe(people, d.protocol.coordinatorId, ['protocol', 'coordinatorId'], 'person');
  d.protocol.sharing.forEach((s, i) => mustBe(partners, s.partnerId, ['protocol', 'sharing', i, 'partnerId'], 'partner'));
  d.protocol.signatoryPartnerIds.forEach((id, i) =>
    mustBe(partners, id, ['protocol', 'signatoryPartnerIds', i], 'partner'),
  );

  // Someone must see delivery problems, and take requests for schools not in the list.
  if (!d.people.some((p) => p.role === 'coordinator') && !d.people.some((_, i) => hasProblem(ctx, ['people', i, 'role']))) {
    ctx.addIssue({ code: 'custom', path: ['people'], message: 'nobody has the role "coordinator": requests for schools not in the list and delivery problems would reach no coordinator' });
  }
  const validDate = (field: 'signedOn' | 'lastEvaluatedOn') => (hasProblem(ctx, ['protocol', field]) ? undefined : d.protocol[field]);
  const signedOn = validDate('signedOn');
  const lastEvaluatedOn = validDate('lastEvaluatedOn');
  if (signedOn && lastEvaluatedOn && lastEvaluatedOn < signedOn) {
    ctx.addIssue({ code: 'custom', path: ['protocol', 'lastEvaluatedOn'], message: `before the protocol was signed (${d.protocol.signedOn})` });
  }
  const meetingDays = new Set<string>();
  d.platformMeetings.forEach((m, i) => {
    if (meetingDays.has(m.date)) ctx.addIssue({ code: 'custom', path: ['platformMeetings', i, 'date'], message: `a platform meeting on ${m.date} is listed already` });
    meetingDays.add(m.date);
  });

  // Escalations and identities must reach the right person.
  d.people.forEach((p, i) => {
    if (p.backupId === p.id) {
      ctx.addIssue({
        code: 'custom',
        path: ['people', i, 'backupId'],
        message: `"${p.id}" is their own backup: an unacknowledged call-back request would escalate back to them; name a colleague`,
      });
    }
  });
  // A platform id proves who someone is (and their role); two people with one id means the wrong one
  // may be recognised and act on requests. Compared without letter case: Teams ids are GUIDs.
  const uniquePlatformId = (field: 'slackUserId' | 'teamsUserId', platform: string) => {
    const seen = new Map<string, number>();
    d.people.forEach((p, i) => {
      const id = p[field];
      if (id === undefined) return;
      const normalised = id.trim().toLowerCase();
      const first = seen.get(normalised);
      if (first === undefined) {
        seen.set(normalised, i);
        return;
      }
      ctx.addIssue({
        code: 'custom',
        path: ['people', i, field],
        message: `${platform} user id "${id}" is also people[${first}]'s ("${d.people[first]!.id}"): each person needs their own`,
      });
    });
  };
  uniquePlatformId('slackUserId', 'Slack');
  uniquePlatformId('teamsUserId', 'Teams');
  // The reminder to the assignee must come before the escalation to their backup.
  const { callbackAcknowledgeWorkingDays: remind, callbackEscalateWorkingDays: escalate } = d.intervals;
  const validIntervals = (...fields: string[]) => fields.every((f) => !hasProblem(ctx, ['intervals', f]));
  if (validIntervals('callbackAcknowledgeWorkingDays', 'callbackEscalateWorkingDays') && escalate <= remind) {
    ctx.addIssue({
      code: 'custom',
      path: ['intervals', 'callbackEscalateWorkingDays'],
      message: `must be more than callbackAcknowledgeWorkingDays (${remind}), or the escalation to the backup goes out before or with the reminder; ${escalate} given`,
    });
  }
  const { callbackTodayReminderWorkingHours: remindHours, callbackTodayEscalateWorkingHours: escalateHours } = d.intervals;
  if (validIntervals('callbackTodayReminderWorkingHours', 'callbackTodayEscalateWorkingHours') && escalateHours <= remindHours) {
    ctx.addIssue({
      code: 'custom',
      path: ['intervals', 'callbackTodayEscalateWorkingHours'],
      message: `must be more than callbackTodayReminderWorkingHours (${remindHours}), or the escalation of a request for today goes out before or with its reminder; ${escalateHours} given`,
    });
  }
  if (today !== undefined) {
    // A planned signing date would be shown as signed (and the evaluation counted from it); a year
    // typo in the last evaluation would hide every evaluation recorded in the chat until then.
    const future = (field: 'signedOn' | 'lastEvaluatedOn', why: string) => {
      const date = validDate(field);
      if (date !== undefined && date > today) {
        ctx.addIssue({ code: 'custom', path: ['protocol', field], message: `${date} is later than today (${today} in ${d.timeZone}): ${why}` });
      }
    };
    future('signedOn', 'teachers would read that the partners signed it on that day; give the date it was signed, or leave signedOn out until it is');
    future('lastEvaluatedOn', 'the next evaluation would be counted from it, and evaluations recorded in the chat before it ignored; give the date of the last evaluation held');
  }
}

/** The directory as the assistant uses it, without the checks against today's date (see directoryAsOf). */
export const Directory = DirectoryShape.superRefine((d, ctx) => refineDirectory(d, ctx));
export type Directory = z.infer<typeof Directory>;

/** The directory with every check, the protocol's dates included against `now` in the directory's time zone. */
export function directoryAsOf(now: Date) {
  return DirectoryShape.superRefine((d, ctx) => refineDirectory(d, ctx, isTimeZone(d.timeZone) ? localDate(now, d.timeZone) : undefined));
}
