import { createHash, createHmac, randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { DirectoryView } from '../directory/directory.js';
import { COMPETENCES, STAFF_ROLES, TRAINING_FORMATS, type TrainingResponse } from '../store/schema.js';
import type { TrainingRepository } from '../store/training.js';
import type { UsersRepository } from '../store/users.js';
import { localDate } from './dates.js';

/** Groups with fewer answers than this are shown only as "fewer than 5", so no one can be singled out. */
export const MIN_GROUP = 5;

/** The school year a date falls in: 1 September to 31 August ("2026-2027"). */
export function schoolYearOf(date: string): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  const start = m >= 9 ? y : y - 1;
  return `${start}-${start + 1}`;
}

/**
 * The only date an answer carries: the month its school year began ("2026-09" for 2026-2027). The
 * month it was given would let anyone holding the store line answers up with who answered when.
 */
export function answerMonth(schoolYear: string): string {
  return `${schoolYear.slice(0, 4)}-09`;
}

export type SubmitResult = { ok: true; response: TrainingResponse } | { ok: false; reason: 'already-answered' };

/**
 * Teachers' training needs, stored without identity. One answer per teacher per school year is
 * enforced with a salted hash of the user key, kept apart from the answers; the salt is new every
 * school year and the previous years' hashes are dropped.
 *
 * The hashes are appended in the order teachers answer. Without a key, anyone holding the store can
 * recompute them from the salt and the user keys; with TRAINING_SUBMITTER_KEY they are keyed
 * (HMAC-SHA256) by a secret kept outside the store, and the store alone no longer tells who answered.
 * Either way nothing about an answer may follow that order: answers are kept in a random order
 * (reshuffled with every new answer, which also scrubs stores written before) and carry no date
 * finer than their school year.
 */
export class TrainingService {
  constructor(
    private readonly repo: TrainingRepository,
    private readonly directory: () => DirectoryView,
    private readonly clock: () => Date,
    /** A new or changed key does not recognise the hashes made before it: a teacher may answer once more that school year. */
    private readonly submitterKey?: string,
    /** Where a teacher's wish to be reminded is kept (their user record, not their answers). */
    private readonly users?: UsersRepository,
  ) {}

  currentYear(): string {
    return schoolYearOf(localDate(this.clock(), this.directory().data.timeZone));
  }

  /** Whether this user answered the survey of that school year (by default the current one). */
  hasAnswered(userKey: string, year = this.currentYear()): boolean {
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
      month: answerMonth(year),
    };
    this.repo.add(response);
    this.unlinkOrder();
    return { ok: true, response };
  }

  /**
   * "Delete my data": forgets that this user answered this school year (their answers, which carry
   * no name, stay in the totals; they may then answer once more this year).
   */
  forgetAnswered(userKey: string): void {
    const year = this.currentYear();
    this.repo.removeHash(year, this.hash(year, userKey));
  }

  /** Whether this user asked to be asked about training again each new school year. */
  wantsReminder(userKey: string): boolean {
    return this.users?.get(userKey)?.trainingReminder !== undefined;
  }

  /** Starts (from the next school year) or stops the yearly reminder of the survey for this user. */
  setReminder(userKey: string, on: boolean): void {
    this.users?.setTrainingReminder(userKey, on ? this.currentYear() : undefined);
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

  /**
   * Puts the stored answers in a new uniformly random order (Fisher-Yates with crypto randomness) and
   * coarsens the month of answers stored before answers stopped carrying their own, so an answer's
   * position and date say nothing about when it was given, hence whose submitter hash it goes with.
   */
  private unlinkOrder(): void {
    this.repo.rewriteAll(
      (answers) => {
        for (let i = answers.length - 1; i > 0; i--) {
          const j = randomInt(i + 1);
          [answers[i], answers[j]] = [answers[j]!, answers[i]!];
        }
      },
      (answer) => {
        answer.month = answerMonth(answer.schoolYear);
      },
    );
  }

  private hash(year: string, userKey: string): string {
    const salt = this.repo.saltFor(year, () => randomBytes(32).toString('hex'));
    const hash = this.submitterKey ? createHmac('sha256', this.submitterKey) : createHash('sha256');
    return hash.update(`${salt}:${userKey}`).digest('hex');
  }
}

type Competence = (typeof COMPETENCES)[number];
type Format = (typeof TRAINING_FORMATS)[number];

/** A group's figures, for a group that may be shown. */
export interface ShownTally {
  shown: true;
  responses: number;
  competences: Record<Competence, number>;
  formats: Record<Format, number>;
}

/**
 * Why a group's figures are withheld: it has fewer than MIN_GROUP answers (`smallGroup`), or its
 * figures minus those shown beside it would give the figures of fewer than MIN_GROUP answers
 * (`revealsSmallGroup`, complementary suppression of the overall figures).
 */
export type SuppressionReason = 'smallGroup' | 'revealsSmallGroup';

/** A group whose figures are withheld carries no count of any kind, not even how many answered. */
export interface SuppressedTally {
  shown: false;
  reason: SuppressionReason;
}

export type Tally = ShownTally | SuppressedTally;

export type SchoolTally = { schoolId: string | null; schoolName: string | undefined } & Tally;

export type StaffRole = (typeof STAFF_ROLES)[number];
export type RoleTally = { role: StaffRole } & Tally;

/**
 * The overall figures and, only with them, the teachers' comments (see trainingReport). A school's
 * figures never carry comments: a comment beside its school would narrow its writer down to that school's few teachers.
 */
export type OverallTally = (ShownTally & { comments: string[] }) | SuppressedTally;

export interface TrainingReport {
  schoolYear: string;
  /** Groups with fewer answers than this are not shown. */
  minGroup: number;
  overall: OverallTally;
  schools: SchoolTally[];
  /**
   * The same answers per staff role (the survey asks it), in the survey's order of roles; roles nobody
   * gave are left out. Empty whenever the overall figures are withheld (see trainingReport).
   */
  roles: RoleTally[];
  /** The most asked-for competences overall, most first (empty when the overall figures are withheld). */
  topNeeds: Competence[];
}

/** Competences by how often they were asked for, most first (ties in the list's order); `limit` keeps the top. */
export function rankCompetences(tally: Pick<ShownTally, 'competences'>, options: { limit?: number; includeZero?: boolean } = {}): Competence[] {
  const ranked = [...COMPETENCES]
    .filter((c) => options.includeZero || tally.competences[c] > 0)
    .sort((a, b) => tally.competences[b] - tally.competences[a] || COMPETENCES.indexOf(a) - COMPETENCES.indexOf(b));
  return options.limit === undefined ? ranked : ranked.slice(0, options.limit);
}

function count(responses: readonly TrainingResponse[]): ShownTally {
  const competences = Object.fromEntries(COMPETENCES.map((c) => [c, 0])) as ShownTally['competences'];
  const formats = Object.fromEntries(TRAINING_FORMATS.map((f) => [f, 0])) as ShownTally['formats'];
  for (const r of responses) {
    for (const c of r.competences) competences[c] += 1;
    formats[r.format] += 1;
  }
  return { shown: true, responses: responses.length, competences, formats };
}

/**
 * A comment as reported: on one line (runs of white space and control characters become one space)
 * and without the characters that reverse the direction of text, since it is shown in chats, in a
 * terminal and in spreadsheets, and a line break or an escape sequence would let one comment pose
 * as several, or as the report's own text. Empty when nothing is left.
 */
export function reportedComment(comment: string): string {
  return comment
    .replace(/[\u202A-\u202E\u2066-\u2069]/g, '')
    .replace(/[\s\p{Cc}]+/gu, ' ')
    .trim();
}

/** One fixed collation for every report and every reader's language, so the chat and the CLI list the comments alike. */
const COMMENT_COLLATOR = new Intl.Collator('en', { numeric: true });

/**
 * The comments of the given answers, in alphabetical order. Not in the stored order: it is random
 * only since answers are reshuffled on every new answer, and a store written before that keeps the
 * order teachers answered in until its next answer, so a comment's position could tell who wrote it.
 * Alphabetical order depends only on the texts themselves, is the same on every reading (the chat
 * shows the beginning of the list the operator's report shows in full), and keeps identical
 * comments together. Ties in the collation fall back to code units, so the order is total.
 */
function comments(responses: readonly TrainingResponse[]): string[] {
  return responses
    .map((r) => reportedComment(r.comment ?? ''))
    .filter((c) => c !== '')
    .sort((a, b) => COMMENT_COLLATOR.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The training needs of one school year, per school and overall, such that no figure describes fewer
 * than MIN_GROUP answers, alone or by subtraction. Pure.
 *
 * - A school with fewer than MIN_GROUP answers is listed without any figure.
 * - The overall figures are the shown schools' figures plus the hidden schools' together. They are
 *   shown only when the hidden schools hold no answer or at least MIN_GROUP answers together;
 *   otherwise "overall minus the shown schools" (for the number of answers, each competence and
 *   each format) would give the figures of fewer than MIN_GROUP people, so they are withheld too.
 * - The teachers' comments are given with the overall figures and only there, all schools' together
 *   without school, date or order of answering (see `comments`). When the overall figures are
 *   withheld, so are the comments: they would then be the words of fewer than MIN_GROUP people in
 *   all, or mix those of a hidden group of fewer than MIN_GROUP into a list whose other writers'
 *   schools are known, and what a comment says could tell which one is theirs.
 * - The report covers exactly one school year: a report over several years beside a report over
 *   one of them would give the others by subtraction.
 */
export function trainingReport(responses: readonly TrainingResponse[], directory: DirectoryView, schoolYear: string): TrainingReport {
  const selected = responses.filter((r) => r.schoolYear === schoolYear);
  const bySchool = new Map<string | null, TrainingResponse[]>();
  for (const r of selected) bySchool.set(r.schoolId, [...(bySchool.get(r.schoolId) ?? []), r]);
  let hidden = 0;
  const schools = [...bySchool.entries()]
    .map(([schoolId, list]): SchoolTally => {
      const group = { schoolId, schoolName: directory.school(schoolId ?? undefined)?.name };
      if (list.length >= MIN_GROUP) return { ...group, ...count(list) };
      hidden += list.length;
      return { ...group, shown: false, reason: 'smallGroup' };
    })
    .sort((a, b) => (a.schoolName ?? '~').localeCompare(b.schoolName ?? '~'));
  const overall: OverallTally =
    selected.length < MIN_GROUP
      ? { shown: false, reason: 'smallGroup' }
      : hidden > 0 && hidden < MIN_GROUP
        ? { shown: false, reason: 'revealsSmallGroup' }
        : { ...count(selected), comments: comments(selected) };
  const topNeeds = overall.shown ? rankCompetences(overall, { limit: 3 }) : [];
  return { schoolYear, minGroup: MIN_GROUP, overall, schools, roles: overall.shown ? tallyRoles(selected) : [], topNeeds };
}

/** The figures per role, with the same suppression as the schools' (see trainingReport). */
function tallyRoles(selected: readonly TrainingResponse[]): RoleTally[] {
  const groups = STAFF_ROLES.map((role) => ({ role, list: selected.filter((r) => r.role === role) })).filter((g) => g.list.length > 0);
  const hidden = groups.reduce((sum, g) => sum + (g.list.length < MIN_GROUP ? g.list.length : 0), 0);
  const revealing = hidden > 0 && hidden < MIN_GROUP;
  return groups.map(({ role, list }): RoleTally => {
    if (list.length < MIN_GROUP) return { role, shown: false, reason: 'smallGroup' };
    return revealing ? { role, shown: false, reason: 'revealsSmallGroup' } : { role, ...count(list) };
  });
}
