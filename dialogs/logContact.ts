import { ask, choicePrompt, defineDialog, end, goto, key, next, type DialogTurn } from '../src/core/dialog.js';
import { formatDate } from '../src/core/dates.js';
import { CONTACT_KINDS, CONTACT_TAGS, type ContactLog } from '../src/store/schema.js';
import { pickSchool } from './pickSchool.js';
import { acceptDate, datePrompt, PAST_YEAR } from './shared/dates.js';
import { SCHOOL_PREFIX } from './shared/schools.js';
import { LOG_CONTACT_PAYLOAD } from '../src/core/contacts.js';

export const LOG_CONTACT = 'logContact';
const TAGS_DONE = 'tags:done';
const TAGS_CLEAR = 'tags:clear';
const TAGS_NONE = 'tags:none';
/** When correcting an entry: leave this answer as it was. */
const KEEP = 'keep';

const editing = (turn: DialogTurn) => typeof turn.args.editId === 'string';
const keepChoice = (turn: DialogTurn) => (editing(turn) ? [{ value: KEEP, label: key('liaison:keepAsIs') }] : []);

/**
 * Their own schools first. When correcting an entry the school stays, the entry is shown, and its
 * kind, date and topics are the answers until changed.
 */
function askSchool(turn: DialogTurn) {
  // "Log a contact with <school>" (a keep-in-touch nudge, My schools): the school is given.
  const given = typeof turn.args.payload === 'string' && turn.args.payload.startsWith(LOG_CONTACT_PAYLOAD) ? turn.args.payload.slice(LOG_CONTACT_PAYLOAD.length) : undefined;
  if (given && turn.directory.school(given)) {
    turn.values.schoolId = given;
    return next();
  }
  if (editing(turn)) {
    const existing = turn.services.contacts.get(String(turn.args.editId));
    if (!existing) return end();
    Object.assign(turn.values, { schoolId: existing.schoolId, kind: existing.kind, date: existing.date, tags: [...existing.tags] });
    turn.say({
      kind: 'text',
      text: turn.t('liaison:editing', {
        kind: turn.t(`liaison:kind.${existing.kind}`),
        school: turn.directory.school(existing.schoolId)?.name ?? existing.schoolId,
        date: formatDate(existing.date, turn.lang),
        tags: existing.tags.length ? existing.tags.map((t) => turn.t(`liaison:tag.${t}`)).join(', ') : turn.t('liaison:tagsNone'),
      }),
    });
    return next();
  }
  return pickSchool({ question: 'liaison:schoolPrompt', notListed: false, prefer: 'own' });
}

function askKind(turn: DialogTurn) {
  if (typeof turn.answer === 'string' && turn.answer.startsWith(SCHOOL_PREFIX)) turn.values.schoolId = turn.answer.slice(SCHOOL_PREFIX.length);
  return ask(choicePrompt(key('liaison:kindPrompt'), [...keepChoice(turn), ...CONTACT_KINDS.map((k) => ({ value: k, label: key(`liaison:kind.${k}`) }))]));
}

function askDate(turn: DialogTurn) {
  if (turn.answer !== undefined && turn.answer !== KEEP && (CONTACT_KINDS as readonly string[]).includes(String(turn.answer))) turn.values.kind = turn.answer;
  const prompt = datePrompt('liaison:datePrompt');
  return ask(editing(turn) ? { ...prompt, choices: [...keepChoice(turn), ...(prompt.choices ?? [])] } : prompt);
}

/** Not in the future, not more than a year ago; otherwise explain and ask again. */
function checkDate(turn: DialogTurn) {
  if (!editing(turn)) turn.values.tags = [];
  if (turn.answer === KEEP) return next();
  return acceptDate(turn, PAST_YEAR, askDate);
}

/** Topic tags, any number, one click each; Done (or "no tags") moves on. */
function askTags(turn: DialogTurn) {
  const chosen = turn.values.tags as string[];
  const remaining = CONTACT_TAGS.filter((t) => !chosen.includes(t));
  const chosenText = turn.inEveryLanguage((t) => chosen.map((tag) => t(`liaison:tag.${tag}`)).join(', '));
  return ask(
    choicePrompt(chosen.length ? key('liaison:tagsMore', { chosen: chosenText }) : key('liaison:tagsPrompt'), [
      ...remaining.map((t) => ({ value: t, label: key(`liaison:tag.${t}`) })),
      // "Klaar" ends the list; "geen" means no topics: with none chosen yet that is the same answer.
      { value: TAGS_DONE, label: key(chosen.length ? 'liaison:tagsDone' : 'liaison:noTags'), also: chosen.length ? 'common:doneWords' : 'common:doneWords|common:noneWords' },
      // A correction starts from the entry's topics: choose them again, or none ("geen").
      ...(editing(turn) && chosen.length
        ? [
            { value: TAGS_CLEAR, label: key('liaison:tagsClear') },
            { value: TAGS_NONE, label: key('liaison:noTags'), also: 'common:noneWords' },
          ]
        : []),
    ]),
  );
}

function collectTag(turn: DialogTurn) {
  if (turn.answer === TAGS_DONE) return next();
  if (turn.answer === TAGS_NONE) {
    turn.values.tags = [];
    return next();
  }
  if (turn.answer === TAGS_CLEAR) turn.values.tags = [];
  else (turn.values.tags as string[]).push(String(turn.answer));
  return goto(askTags);
}

/** Saves (or corrects) the entry and confirms it in words. */
function save(turn: DialogTurn) {
  const v = turn.values;
  const entry = {
    kind: v.kind as ContactLog['kind'],
    date: String(v.date),
    tags: v.tags as ContactLog['tags'],
  };
  const school = turn.directory.school(String(v.schoolId))?.name ?? String(v.schoolId);
  const params = { school, kind: turn.t(`liaison:kind.${entry.kind}`), date: formatDate(entry.date, turn.lang) };
  if (typeof turn.args.editId === 'string') {
    const result = turn.services.contacts.update(turn.args.editId, turn.user.personId, entry);
    if (result === 'ok') turn.services.audit.record(turn.user.personId!, 'contacts.edit', turn.args.editId);
    turn.say({ kind: 'text', text: turn.t(result === 'ok' ? 'liaison:updated' : `liaison:change.${result}`, params) });
    return end();
  }
  turn.services.contacts.log({ authorId: turn.user.personId!, schoolId: String(v.schoolId), ...entry });
  turn.say({ kind: 'text', text: turn.t('liaison:logged', params) });
  return end();
}

/**
 * A liaison officer logs a contact with a school: which school (their own first), what kind, when
 * (today, yesterday, or a date typed in their language), optional topic tags. Started with
 * `args.editId`, it corrects an existing entry of theirs instead (within the edit window).
 */
export const logContactDialog = defineDialog({
  id: LOG_CONTACT,
  roles: ['liaison', 'coordinator'],
  payloadPrefix: LOG_CONTACT_PAYLOAD,
  menu: { label: 'menu:logContact', order: 40 },
  intent: 'commands:intents.logContact',
  steps: [askSchool, askKind, askDate, checkDate, askTags, collectTag, save],
});
