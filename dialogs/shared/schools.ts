import { choicePrompt, key, literal, type DialogTurn } from '../../src/core/dialog.js';
import type { PromptSpec } from '../../src/store/schema.js';

export const SCHOOL_PREFIX = 'school:';
export const SCHOOL_NOT_LISTED = 'school:not-listed';

/** "Which school?" from the directory, the user's remembered school first, and "not in the list". */
export function schoolPrompt(turn: DialogTurn): PromptSpec {
  const remembered = turn.user.schoolId;
  const schools = [...turn.directory.data.schools].sort((a, b) => Number(b.id === remembered) - Number(a.id === remembered));
  return choicePrompt(key('concern:schoolPrompt'), [
    ...schools.map((s) => ({ value: `${SCHOOL_PREFIX}${s.id}`, label: literal(s.name) })),
    { value: SCHOOL_NOT_LISTED, label: key('concern:schoolNotListed') },
  ]);
}

/** The school id from an answer to schoolPrompt (null: not in the directory); remembers it for next time. */
export function rememberSchool(turn: DialogTurn): string | null {
  const answer = String(turn.answer);
  const schoolId = answer === SCHOOL_NOT_LISTED ? null : answer.slice(SCHOOL_PREFIX.length);
  if (schoolId && turn.directory.school(schoolId)) {
    turn.setSchool(schoolId);
    return schoolId;
  }
  return null;
}
