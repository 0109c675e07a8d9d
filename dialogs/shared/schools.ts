import type { DialogTurn } from '../../src/core/dialog.js';

export const SCHOOL_PREFIX = 'school:';
export const SCHOOL_NOT_LISTED = 'school:not-listed';

/** The school id from an answer of the school picker (null: not in the directory); remembers it for next time. */
export function rememberSchool(turn: DialogTurn): string | null {
  const answer = String(turn.answer);
  const schoolId = answer === SCHOOL_NOT_LISTED ? null : answer.slice(SCHOOL_PREFIX.length);
  if (schoolId && turn.directory.school(schoolId)) {
    turn.setSchool(schoolId);
    return schoolId;
  }
  return null;
}
