import { ask, choicePrompt, defineDialog, end, goto, key, literal, next, type DialogTurn } from '../src/core/dialog.js';
import { formatDate } from '../src/core/dates.js';
import { CONTACT_KINDS, CONTACT_TAGS, type ContactLog } from '../src/store/schema.js';
import { acceptDate, datePrompt, PAST_YEAR } from './shared/dates.js';

export const LOG_CONTACT = 'logContact';
const SCHOOL = 'school:';
const TAGS_DONE = 'tags:done';

/** Their own schools first. When editing, the school stays. */
function askSchool(turn: DialogTurn) {
  if (typeof turn.args.editId === 'string') {
    const existing = turn.services.contacts.get(turn.args.editId);
    if (!existing) return end();
    turn.values.schoolId = existing.schoolId;
    return next();
  }
  const own = (id: string) => Number(turn.directory.school(id)?.liaisonId === turn.user.personId);
  const schools = [...turn.directory.data.schools].sort((a, b) => own(b.id) - own(a.id) || a.name.localeCompare(b.name));
  return ask(choicePrompt(key('liaison:schoolPrompt'), schools.map((s) => ({ value: `${SCHOOL}${s.id}`, label: literal(s.name) }))));
}

function askKind(turn: DialogTurn) {
  if (typeof turn.answer === 'string' && turn.answer.startsWith(SCHOOL)) turn.values.schoolId = turn.answer.slice(SCHOOL.length);
  return ask(choicePrompt(key('liaison:kindPrompt'), CONTACT_KINDS.map((k) => ({ value: k, label: key(`liaison:kind.${k}`) }))));
}

function askDate(turn: DialogTurn) {
  if (turn.answer !== undefined) turn.values.kind = turn.answer;
  return ask(datePrompt('liaison:datePrompt'));
}

/** Not in the future, not more than a year ago; otherwise explain and ask again. */
function checkDate(turn: DialogTurn) {
  turn.values.tags = [];
  return acceptDate(turn, PAST_YEAR, askDate);
}

/** Topic tags, any number, one click each; Done (or "no tags") moves on. */
function askTags(turn: DialogTurn) {
  const chosen = turn.values.tags as string[];
  const remaining = CONTACT_TAGS.filter((t) => !chosen.includes(t));
  const chosenText = chosen.map((t) => turn.t(`liaison:tag.${t}`)).join(', ');
  return ask(
    choicePrompt(chosen.length ? key('liaison:tagsMore', { chosen: chosenText }) : key('liaison:tagsPrompt'), [
      ...remaining.map((t) => ({ value: t, label: key(`liaison:tag.${t}`) })),
      { value: TAGS_DONE, label: key(chosen.length ? 'liaison:tagsDone' : 'liaison:noTags') },
    ]),
  );
}

function collectTag(turn: DialogTurn) {
  if (turn.answer === TAGS_DONE) return next();
  (turn.values.tags as string[]).push(String(turn.answer));
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
  menu: { label: 'menu:logContact', order: 40 },
  intent: 'commands:intents.logContact',
  steps: [askSchool, askKind, askDate, checkDate, askTags, collectTag, save],
});
