import { ask, begin, choicePrompt, defineDialog, end, goto, key, literal, textPrompt, type DialogTurn, type StepResult } from '../src/core/dialog.js';
import { normalize } from '../src/core/text.js';
import type { School } from '../src/directory/schema.js';
import type { PromptSpec, TextSpec } from '../src/store/schema.js';
import { SCHOOL_NOT_LISTED, SCHOOL_PREFIX } from './shared/schools.js';

export const PICK_SCHOOL = 'pickSchool';

/**
 * Up to this many schools are offered as buttons. A larger directory (a region may list hundreds or
 * thousands) is searched by name instead: a card or message with more buttons is hard to read, and
 * Teams (28 KB per card) and Slack (50 blocks per message) refuse it.
 */
export const SCHOOL_BUTTONS_MAX = 20;
/** How many matches of a search are offered at once. */
export const SCHOOL_MATCHES_SHOWN = 10;
const SEARCH_MAX_LENGTH = 100;

/** What a parent dialog starts this one with. */
export interface PickSchoolArgs {
  /** Translation key of the question ("Which school is this about?"). */
  question: string;
  /** Offer "my school is not in the list" (teachers); it answers with SCHOOL_NOT_LISTED. */
  notListed: boolean;
  /** Offered first: the teacher's school from last time, or the officer's own schools. */
  prefer: 'remembered' | 'own';
  // Dialog arguments are stored as JSON with the stack.
  [name: string]: string | boolean;
}

function options(turn: DialogTurn): PickSchoolArgs {
  return turn.args as PickSchoolArgs;
}

/** The schools to offer first, in the order shown. */
function preferred(turn: DialogTurn): School[] {
  const { prefer } = options(turn);
  if (prefer === 'remembered') {
    const school = turn.directory.school(turn.user.schoolId);
    return school ? [school] : [];
  }
  return turn.directory.data.schools.filter((s) => s.liaisonId === turn.user.personId).sort(byName);
}

function byName(a: School, b: School): number {
  return a.name.localeCompare(b.name, undefined, { numeric: true });
}

function schoolChoice(school: School): { value: string; label: TextSpec } {
  return { value: `${SCHOOL_PREFIX}${school.id}`, label: literal(school.name) };
}

/**
 * "My school is not in the list", when offered. Beside a search it is not chosen by its number: a
 * teacher typing "1" there is searching (or picking a school), and would otherwise land, unasked, with
 * the prevention desk instead of their liaison officer.
 */
function notListedChoice(turn: DialogTurn): { value: string; label: TextSpec; byNumber?: boolean }[] {
  const search = turn.directory.data.schools.length > SCHOOL_BUTTONS_MAX;
  return options(turn).notListed ? [{ value: SCHOOL_NOT_LISTED, label: key('concern:schoolNotListed'), ...(search ? { byNumber: false } : {}) }] : [];
}

/** Every school as a button, the preferred ones first (the others in the directory's order, or by name for officers). */
function listPrompt(turn: DialogTurn): PromptSpec {
  const first = preferred(turn);
  const firstIds = new Set(first.map((s) => s.id));
  const rest = turn.directory.data.schools.filter((s) => !firstIds.has(s.id));
  if (options(turn).prefer === 'own') rest.sort(byName);
  return choicePrompt(key(options(turn).question), [...[...first, ...rest].map(schoolChoice), ...notListedChoice(turn)]);
}

/** "Type part of the name", with the preferred schools (if not too many) as buttons. */
function searchPrompt(turn: DialogTurn, text = key('common:schoolSearch.prompt', { question: turn.inEveryLanguage((t) => t(options(turn).question)) })): PromptSpec {
  const first = preferred(turn);
  const buttons = first.length <= SCHOOL_BUTTONS_MAX ? first.map(schoolChoice) : [];
  return textPrompt(text, SEARCH_MAX_LENGTH, 'schoolSearch', [...buttons, ...notListedChoice(turn)]);
}

function askSchool(turn: DialogTurn) {
  if (turn.directory.data.schools.length <= SCHOOL_BUTTONS_MAX) return ask(listPrompt(turn));
  const matches = ((turn.values.matches as string[] | undefined) ?? []).map((id) => turn.directory.school(id)).filter((s): s is School => s !== undefined);
  const total = turn.values.total as number | undefined;
  if (total === undefined) return ask(searchPrompt(turn));
  if (total === 0 || matches.length === 0) {
    const text = options(turn).notListed
      ? key('common:schoolSearch.noneNotListed', { notListed: turn.inEveryLanguage((t) => t('concern:schoolNotListed')) })
      : key('common:schoolSearch.none');
    return ask(searchPrompt(turn, text));
  }
  const text = total > matches.length ? key('common:schoolSearch.tooMany', { total, shown: matches.length }) : key('common:schoolSearch.matches', { count: total });
  // Typing again searches again.
  return ask(textPrompt(text, SEARCH_MAX_LENGTH, 'schoolSearch', [...matches.map(schoolChoice), ...notListedChoice(turn)]));
}

/** A school chosen ends the dialog; anything typed is a search, whose matches are offered. */
function searchOrChoose(turn: DialogTurn) {
  const answer = String(turn.answer ?? '');
  if (answer === SCHOOL_NOT_LISTED || (answer.startsWith(SCHOOL_PREFIX) && turn.directory.school(answer.slice(SCHOOL_PREFIX.length)))) {
    return end(answer);
  }
  const found = turn.directory.searchSchools(answer);
  // The one school there is, named in full: nothing to choose between.
  if (found.length === 1 && normalize(found[0]!.name) === normalize(answer)) return end(`${SCHOOL_PREFIX}${found[0]!.id}`);
  turn.values.matches = found.slice(0, SCHOOL_MATCHES_SHOWN).map((s) => s.id);
  turn.values.total = found.length;
  return goto(askSchool);
}

/**
 * Which school: a list of buttons for a small directory, else a search by name. Ends with
 * `school:<id>`, or SCHOOL_NOT_LISTED when offered and chosen. What is typed to search is used
 * once and neither stored nor repeated (it could be anything); only the ids of the matches are kept.
 */
export const pickSchoolDialog = defineDialog({ id: PICK_SCHOOL, helper: true, steps: [askSchool, searchOrChoose] });

/** Started by a step that needs a school; the step after it gets the answer. */
export function pickSchool(args: PickSchoolArgs): StepResult {
  return begin(PICK_SCHOOL, args);
}
