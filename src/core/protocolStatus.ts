import type { DirectoryView } from '../directory/directory.js';
import type { PlannedMeeting, ProtocolEvaluation } from '../store/schema.js';
import { addDays, addMonths, type LocalDate } from './dates.js';

/** The protocol elements the RAN LOCAL paper asks for, as the status names them. */
export const PROTOCOL_ELEMENTS = ['purpose', 'sharing', 'lawfulBasis', 'whenAndHow', 'retention', 'rights', 'signature', 'evaluation'] as const;
export type ProtocolElement = (typeof PROTOCOL_ELEMENTS)[number];

export interface ProtocolStatus {
  signedOn: LocalDate | undefined;
  signatoryIds: string[];
  unsignedIds: string[];
  /** Partners for whom the protocol says nothing about what they share and why. */
  withoutSharingIds: string[];
  lastEvaluation: LocalDate | undefined;
  /** What the partners concluded at the last evaluation, when it was recorded in the chat. */
  lastOutcome: ProtocolEvaluation['outcome'] | undefined;
  nextEvaluation: LocalDate | undefined;
  evaluationOverdue: boolean;
  missing: ProtocolElement[];
}

/**
 * Where the information-sharing protocol stands: signatures, the three-monthly evaluation, and which
 * elements are still missing from the directory. Pure.
 */
export function protocolStatus(directory: DirectoryView, evaluations: readonly ProtocolEvaluation[], today: LocalDate): ProtocolStatus {
  const { protocol, partners, intervals } = directory.data;
  const signed = new Set(protocol.signatoryPartnerIds);
  const shared = new Set(protocol.sharing.map((s) => s.partnerId));
  const latest = [...evaluations].sort((a, b) => a.date.localeCompare(b.date)).at(-1);
  const lastEvaluation = [latest?.date, protocol.lastEvaluatedOn].filter(Boolean).sort().at(-1);
  const base = lastEvaluation ?? protocol.signedOn;
  const nextEvaluation = latest && latest.date === lastEvaluation ? latest.nextDate : base ? addMonths(base, intervals.protocolEvaluationMonths) : undefined;
  const unsignedIds = partners.filter((p) => !signed.has(p.id)).map((p) => p.id);
  const withoutSharingIds = partners.filter((p) => !shared.has(p.id)).map((p) => p.id);
  const missing: ProtocolElement[] = [];
  if (protocol.sharing.length === 0 || withoutSharingIds.length > 0) missing.push('sharing');
  for (const element of ['lawfulBasis', 'whenAndHow', 'retention', 'rights'] as const) if (!protocol[element]) missing.push(element);
  if (!protocol.signedOn || unsignedIds.length > 0) missing.push('signature');
  if (!lastEvaluation) missing.push('evaluation');
  return {
    signedOn: protocol.signedOn,
    signatoryIds: partners.filter((p) => signed.has(p.id)).map((p) => p.id),
    unsignedIds,
    withoutSharingIds,
    lastEvaluation,
    lastOutcome: latest && latest.date === lastEvaluation ? latest.outcome : undefined,
    nextEvaluation,
    evaluationOverdue: nextEvaluation !== undefined && nextEvaluation < today,
    missing,
  };
}

export interface MeetingsStatus {
  /** `id` is set for a meeting planned in the chat (those in the directory are changed there). */
  upcoming: { date: LocalDate; place: string | Record<string, string>; id?: string }[];
  /** Fewer than the yearly number of platform meetings are planned for the coming 12 months. */
  needsPlanning: boolean;
  perYear: number;
}

/** A meeting's place in a language: typed once in the chat, or one per language in the directory. */
export function meetingPlace(place: string | Record<string, string>, lang: string): string {
  return typeof place === 'string' ? place : (place[lang] ?? '');
}

/**
 * How far ahead a date may be planned (a platform meeting, the next evaluation): a year, leap day
 * included. Meetings are counted as far ahead as they can be planned, so none planned goes uncounted.
 */
export const PLANNING_HORIZON_DAYS = 366;

/** Platform meetings planned (directory and chat) for the coming 12 months, and whether more are needed. */
export function meetingsStatus(directory: DirectoryView, planned: readonly PlannedMeeting[], today: LocalDate): MeetingsStatus {
  const horizon = addDays(today, PLANNING_HORIZON_DAYS);
  const perYear = directory.data.intervals.platformMeetingsPerYear;
  const upcoming = [
    ...directory.data.platformMeetings.map((m) => ({ date: m.date, place: m.place as Record<string, string> })),
    ...planned.map((m) => ({ date: m.date, place: m.place, id: m.id })),
  ]
    .filter((m) => m.date >= today && m.date <= horizon)
    // One meeting per day: the same meeting in the directory and planned in the chat counts once.
    .filter((m, i, all) => all.findIndex((other) => other.date === m.date) === i)
    .sort((a, b) => a.date.localeCompare(b.date));
  return { upcoming, needsPlanning: upcoming.length < perYear, perYear };
}
