import { key } from '../../src/core/dialog.js';
import type { PromptSpec } from '../../src/store/schema.js';

/**
 * Correcting one answer of a form from its summary (the call-back request, the training survey):
 * the form's own question again, with a way back that changes nothing. "cancel" during a correction
 * goes back to the summary too (each form's `cancelTo`).
 */
export const KEEP = 'keep';
/** "Nothing, show the summary again", among the answers to correct. */
export const KEEP_ALL = 'nothing';

export function withKeep(prompt: PromptSpec): PromptSpec {
  return { ...prompt, choices: [...(prompt.choices ?? []), { value: KEEP, label: key('liaison:keepAsIs') }] };
}
