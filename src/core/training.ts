import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DirectoryView } from '../directory/directory.js';
import { COMPETENCES, TRAINING_FORMATS, type TrainingResponse } from '../store/schema.js';
import type { TrainingRepository } from '../store/training.js';
import { localDate } from './dates.js';

/** Groups with fewer answers than this are shown only as "fewer than 5", so no one can be singled out. */
export const MIN_GROUP = 5;

/** The school year a date falls in: 1 September to 31 August ("2026-2027"). */
export function schoolYearOf(date: string): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  const start = m >= 9 ? y : y - 1;
  return `${start}-${start + 1}`;
}

export type SubmitResult = { ok: true; response: TrainingResponse } | { ok: false; reason: 'already-answered' };

/**
 * Teachers' training needs, stored without identity. One answer per teacher per school year is
 * enforced with a salted hash of the user key, kept apart from the answers; the salt is new every
 * school year and the previous years' hashes are dropped, so answers can never be linked to people.
 */
export class TrainingService {
  constructor(
    private readonly repo: TrainingRepository,
    private readonly directory: () => DirectoryView,
    private readonly clock: () => Date,
  ) {}

  currentYear(): string {
    return schoolYearOf(localDate(this.clock(), this.directory().data.timeZone));
  }

  hasAnswered(userKey: string): boolean {
    const year = this.currentYear();
    return this.repo.hasHash(year, this.hash(year, userKey));
  }

  submit(userKey: string, answer: Pick<TrainingResponse, 'schoolId' | 'role' | 'competences' | 'format' | 'comment'>): SubmitResult {
    const year = this.currentYear();
    const hash = this.hash(year, userKey);
    if (this.repo.hasHash(year, hash)) return { ok: false, reason: 'already-answered' };
    this.repo.addHash(year, hash);
    const response: TrainingResponse = {
      id: randomUUID(),
      schoolYear: year,
      schoolId: answer.schoolId,
      role: answer.role,
      competences: answer.competences,
      format: answer.format,
      ...(answer.comment ? { comment: answer.comment } : {}),
      month: localDate(this.clock(), this.directory().data.timeZone).slice(0, 7),
    };
    this.repo.add(response);
    return { ok: true, response };
  }

  /** Drops the submitter hashes (and salts) of past school years. */
  rotate(): void {
    this.repo.dropHashesExcept(this.currentYear());
  }

  /** Local offers that teach at least one of the chosen competences. */
  matchingOffers(competences: readonly string[]) {
    return this.directory().data.trainingOffers.filter((o) => o.competences.some((c) => competences.includes(c)));
  }

  responses(): readonly TrainingResponse[] {
    return this.repo.all();
  }

  private hash(year: string, userKey: string): string {
    const salt = this.repo.saltFor(year, () => randomBytes(32).toString('hex'));
    return createHash('sha256').update(`${salt}:${userKey}`).digest('hex');
  }
}

export interface Tally {
  responses: number;
  /** False when the group is too small to show (fewer than MIN_GROUP answers). */
  shown: boolean;
  competences: Record<(typeof COMPETENCES)[number], number>;
  formats: Record<(typeof TRAINING_FORMATS)[number], number>;
}

export interface TrainingReport {
  schoolYear: string | undefined;
  overall: Tally;
  schools: ({ schoolId: string | null; schoolName: string | undefined } & Tally)[];
  /** The most asked-for competences overall, most first (empty when suppressed). */
  topNeeds: (typeof COMPETENCES)[number][];
}

/** Competences by how often they were asked for, most first (ties in the list's order); `limit` keeps the top. */
export function rankCompetences(tally: Pick<Tally, 'competences'>, options: { limit?: number; includeZero?: boolean } = {}): (typeof COMPETENCES)[number][] {
  const ranked = [...COMPETENCES]
    .filter((c) => options.includeZero || tally.competences[c] > 0)
    .sort((a, b) => tally.competences[b] - tally.competences[a] || COMPETENCES.indexOf(a) - COMPETENCES.indexOf(b));
  return options.limit === undefined ? ranked : ranked.slice(0, options.limit);
}

function tally(responses: readonly TrainingResponse[]): Tally {
  const competences = Object.fromEntries(COMPETENCES.map((c) => [c, 0])) as Tally['competences'];
  const formats = Object.fromEntries(TRAINING_FORMATS.map((f) => [f, 0])) as Tally['formats'];
  for (const r of responses) {
    for (const c of r.competences) competences[c] += 1;
    formats[r.format] += 1;
  }
  return { responses: responses.length, shown: responses.length >= MIN_GROUP, competences, formats };
}

/** Counts per school and overall, with groups of fewer than five answers suppressed. Pure. */
export function trainingReport(responses: readonly TrainingResponse[], directory: DirectoryView, schoolYear?: string): TrainingReport {
  const selected = schoolYear ? responses.filter((r) => r.schoolYear === schoolYear) : responses;
  const bySchool = new Map<string | null, TrainingResponse[]>();
  for (const r of selected) bySchool.set(r.schoolId, [...(bySchool.get(r.schoolId) ?? []), r]);
  const overall = tally(selected);
  const schools = [...bySchool.entries()]
    .map(([schoolId, list]) => ({ schoolId, schoolName: directory.school(schoolId ?? undefined)?.name, ...tally(list) }))
    .sort((a, b) => (a.schoolName ?? '~').localeCompare(b.schoolName ?? '~'));
  const topNeeds = overall.shown ? rankCompetences(overall, { limit: 3 }) : [];
  return { schoolYear, overall, schools, topNeeds };
}
