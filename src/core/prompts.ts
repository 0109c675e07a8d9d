import { SUPPORTED_LANGUAGES, type Language } from '../i18n/languages.js';
import type { Translator } from '../i18n/i18n.js';
import type { JsonValue, PromptSpec, TextSpec } from '../store/schema.js';
import type { OutboundReply } from './messages.js';
import { normalize, normalizePhrase, normalizeUncached } from './text.js';

/** Renders language-neutral prompts and recognises answers to them, typed or clicked. */

function isLocalizedRecord(value: JsonValue | undefined): value is Record<Language, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    SUPPORTED_LANGUAGES.every((l) => typeof (value as Record<string, JsonValue>)[l] === 'string')
  );
}

/** Renders a text spec; `translatorFor` serves specs pinned to another language. */
export function renderText(spec: TextSpec, tr: Translator, translatorFor?: (lang: Language) => Translator): string {
  if ('literal' in spec) return typeof spec.literal === 'string' ? spec.literal : spec.literal[tr.lang];
  if (spec.lng && spec.lng !== tr.lang && translatorFor) return renderText({ ...spec, lng: undefined }, translatorFor(spec.lng));
  const params: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(spec.params ?? {})) {
    params[name] = isLocalizedRecord(value) ? value[tr.lang] : value;
  }
  return tr.t(spec.key, params);
}

export function renderPrompt(prompt: PromptSpec, tr: Translator, translatorFor: (lang: Language) => Translator): OutboundReply {
  const text = renderText(prompt.text, tr, translatorFor);
  if (!prompt.choices?.length) return { kind: 'text', text };
  return {
    kind: 'choices',
    text,
    choices: prompt.choices.map((c) => ({ value: c.value, label: renderText(c.label, tr, translatorFor) })),
  };
}

/**
 * Finds the choice a user meant: the button payload, the number shown before it, or its label typed
 * in any supported language (a user may have switched language since the buttons were shown).
 */
export function recognizeChoice(
  prompt: PromptSpec,
  input: { text: string; choice?: string },
  translators: readonly Translator[],
  options: { byNumber?: boolean } = {},
): string | undefined {
  const choices = prompt.choices ?? [];
  if (choices.length === 0) return undefined;
  if (input.choice !== undefined) {
    return choices.find((c) => c.value === input.choice)?.value;
  }
  const typed = normalize(input.text);
  if (typed === '') return undefined;
  // Irreversible: the label as the user reads it, or its own words; nothing looser.
  if (prompt.strict) translators = translators.slice(0, 1);
  if (!prompt.strict && (options.byNumber ?? true) && /^\d{1,2}$/.test(typed)) {
    const numbered = choices[Number(typed) - 1];
    if (numbered?.byNumber !== false) return numbered?.value;
  }
  for (const tr of translators) {
    // Labels from the catalogues are remembered; literal ones (school names, thousands in a region) are not.
    const hit = choices.find((c) => ('literal' in c.label ? normalizeUncached : normalizePhrase)(renderText(c.label, tr, (l) => translators.find((x) => x.lang === l) ?? tr)) === typed);
    if (hit) return hit.value;
  }
  // A plain "yes" or "no" answers a yes/no question as its full label would.
  for (const tr of translators) {
    // `also` names one word list, or several joined by "|".
    const hit = choices.find((c) => c.also !== undefined && c.also.split('|').some((list) => tr.list(list).some((word) => normalizePhrase(word) === typed)));
    if (hit) return hit.value;
  }
  const byWord = choiceByOneWord(prompt, typed, translators);
  if (byWord !== undefined) return byWord;
  if (prompt.strict) return undefined;
  return choices.find((c) => normalizeUncached(c.value) === typed)?.value;
}

/**
 * One word of exactly one button's label ("geweld" for "Heeft het over geweld", "Gewalt" for "Spricht
 * von Gewalt"), the user's language first. Only on questions that ask for it (the kind of worry, a
 * role, a format, topics: never a confirmation, a deletion or a choice of what to cancel), only where
 * buttons are the only answers, never for yes/no choices (those with word lists: "immediate" must not
 * answer "No immediate danger") nor "not in the list", and only a word of four letters or more.
 */
function choiceByOneWord(prompt: PromptSpec, typed: string, translators: readonly Translator[]): string | undefined {
  if (!prompt.wordMatch || prompt.freeText || !/^[\p{L}']{4,}$/u.test(typed)) return undefined;
  const candidates = (prompt.choices ?? []).filter((c) => c.also === undefined && c.byNumber !== false);
  for (const tr of translators) {
    const label = (c: (typeof candidates)[number]) => ('literal' in c.label ? normalizeUncached : normalizePhrase)(renderText(c.label, tr, (l) => translators.find((x) => x.lang === l) ?? tr));
    const hits = candidates.filter((c) => label(c).split(' ').includes(typed));
    if (hits.length === 1) return hits[0]!.value;
  }
  return undefined;
}
