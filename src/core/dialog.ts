import type { DirectoryView, Role } from '../directory/directory.js';
import type { Language } from '../i18n/languages.js';
import type { ConversationAddress, JsonValue, PromptSpec, TextCheckName, TextSpec } from '../store/schema.js';
import type { ChannelId, OutboundReply } from './messages.js';
import type { Services } from './services.js';

/**
 * Dialogs in the waterfall style of BotBuilder, but channel-neutral: a dialog is an ordered list of
 * named steps; each step returns exactly one of ask / next / goto / end / begin / replace. The engine
 * keeps the stack in the store, so a restart continues where the user was.
 */

export interface DialogUser {
  readonly key: string;
  readonly channel: ChannelId;
  readonly role: Role;
  /** The directory person behind this user (liaison officers and coordinators), if any. */
  readonly personId: string | undefined;
  readonly schoolId: string | undefined;
  readonly language: Language | undefined;
}

export interface DialogTurn {
  /** What the user sent this turn (raw). */
  readonly input: { text: string; choice?: string };
  /** The recognised answer to this dialog's previous question, or a child dialog's result. */
  readonly answer: JsonValue | undefined;
  /** This dialog instance's memory; saved with the stack. Keep it free of pupil data. */
  readonly values: Record<string, JsonValue>;
  /** What the dialog was started with. */
  readonly args: Record<string, JsonValue>;
  readonly lang: Language;
  readonly t: (key: string, params?: Record<string, unknown>) => string;
  /**
   * A text rendered in every language, for a question's parameters: a prompt is stored and shown again
   * after a language change, so what it says must not be fixed in the language it was asked in.
   */
  readonly inEveryLanguage: (render: (t: (key: string, params?: Record<string, unknown>) => string, lang: Language) => string) => Record<Language, string>;
  readonly user: DialogUser;
  readonly directory: DirectoryView;
  readonly services: Services;
  readonly now: Date;
  /** Queue replies for this turn. */
  say(...replies: OutboundReply[]): void;
  setLanguage(lang: Language): void;
  setSchool(schoolId: string | undefined): void;
  /** Deletes everything stored about this user once the turn ends ("delete my data"). */
  forgetMe(): void;
  /** Work to do once this turn's state is safely stored (notifications); runs in the background. */
  afterCommit(task: () => Promise<void>): void;
  /** The main-menu entries this user's role may use. */
  menuChoices(): { value: string; label: TextSpec }[];
  /** Where a proactive reply to this user goes (their current conversation). */
  readonly address: ConversationAddress | undefined;
}

export type StepResult =
  | { type: 'ask'; prompt: PromptSpec }
  | { type: 'next' }
  | { type: 'goto'; step: string }
  | { type: 'end'; result?: JsonValue; showMenu: boolean }
  | { type: 'begin'; dialogId: string; args: Record<string, JsonValue> }
  | { type: 'replace'; dialogId: string; args: Record<string, JsonValue> };

export type Step = (turn: DialogTurn) => StepResult | Promise<StepResult>;

export interface MenuEntry {
  /** Translation key of the menu label. */
  label: string;
  /** Position in the menu, lowest first. */
  order: number;
  /** Shown in the menu of these roles only (others who may run it reach it elsewhere); all allowed roles when absent. */
  roles?: readonly Role[];
}

export interface Dialog {
  readonly id: string;
  readonly steps: readonly Step[];
  /** Who may start it; everyone when absent. */
  readonly roles?: readonly Role[];
  /** Shown in the main menu of users with an allowed role. */
  readonly menu?: MenuEntry;
  /** Translation key naming a dialog that has no menu entry (one started by another's button), where it must be named. */
  readonly title?: string;
  /** Translation key of a phrase list that starts this dialog from free text ("I'm worried about a pupil"). */
  readonly intent?: string;
  /** Started on top of the current dialog, which resumes (re-asks its question) afterwards. */
  readonly interrupts?: boolean;
  /**
   * While it waits, only its own answers, a language change and the emergency command are accepted;
   * other commands ("menu", "cancel") are told to answer first. (Only the emergency answer: safety first.)
   */
  readonly holdsFocus?: boolean;
  /**
   * Started only by other dialogs, for a part they share (the school picker): never by a user's
   * button or words, and not named when dropped (the dialog underneath is).
   */
  readonly helper?: boolean;
  /** Button payloads with this prefix start this dialog from anywhere, with `args.payload` set. */
  readonly payloadPrefix?: string;
  /**
   * What the user is told when another dialog replaces this one half-way: a catalogue key taking
   * `{{what}}` (the menu label), by default `common:leftUnfinished` ("stopped without saving"), or
   * false for a dialog that only shows things, where leaving loses nothing.
   */
  readonly whenLeft?: string | false;
  /**
   * Where "cancel" goes instead of stopping the dialog, given its values: a form's summary while the
   * user corrects one of its answers (cancelling the correction, not the form). Undefined: it stops.
   */
  readonly cancelTo?: (values: Readonly<Record<string, JsonValue>>) => Step | undefined;
}

/**
 * Set in a dialog's values (`turn.values[SAVED] = true`) once what it is for is stored: leaving it
 * from then on loses nothing, and the engine does not say it was stopped without saving.
 */
export const SAVED = '__saved';

export function defineDialog(dialog: Dialog): Dialog {
  const names = dialog.steps.map((s) => s.name);
  if (names.some((n) => !n)) throw new Error(`[defineDialog] ${dialog.id}: every step must be a named function`);
  if (new Set(names).size !== names.length) throw new Error(`[defineDialog] ${dialog.id}: step names must be unique`);
  return dialog;
}

/* Step results */

export function ask(prompt: PromptSpec): StepResult {
  return { type: 'ask', prompt };
}
export function next(): StepResult {
  return { type: 'next' };
}
export function goto(step: Step): StepResult {
  return { type: 'goto', step: step.name };
}
/** Ends the dialog; the main menu follows when nothing is underneath, unless `showMenu` is false. */
export function end(result?: JsonValue, options: { showMenu?: boolean } = {}): StepResult {
  return { type: 'end', result, showMenu: options.showMenu ?? true };
}
export function begin(dialogId: string, args: Record<string, JsonValue> = {}): StepResult {
  return { type: 'begin', dialogId, args };
}
export function replace(dialogId: string, args: Record<string, JsonValue> = {}): StepResult {
  return { type: 'replace', dialogId, args };
}

/* Prompt builders */

export function key(k: string, params?: Record<string, JsonValue>): TextSpec {
  return params ? { key: k, params } : { key: k };
}
/** A text always shown in one language (e.g. each language's own name in the language picker). */
export function keyIn(k: string, lng: Language): TextSpec {
  return { key: k, lng };
}
export function literal(text: string | Record<Language, string>): TextSpec {
  return { literal: text };
}
export function choicePrompt(
  text: TextSpec,
  choices: { value: string; label: TextSpec; also?: string; byNumber?: boolean }[],
  options: { notUnderstood?: TextSpec; gate?: boolean; wordMatch?: boolean; strict?: boolean } = {},
): PromptSpec {
  return {
    text,
    choices,
    ...(options.notUnderstood ? { notUnderstood: options.notUnderstood } : {}),
    ...(options.gate ? { gate: true } : {}),
    ...(options.wordMatch ? { wordMatch: true } : {}),
    ...(options.strict ? { strict: true } : {}),
  };
}
export function textPrompt(
  text: TextSpec,
  maxLength: number,
  check: TextCheckName = 'none',
  choices?: { value: string; label: TextSpec; byNumber?: boolean }[],
): PromptSpec {
  return { text, freeText: { maxLength, check }, ...(choices ? { choices } : {}) };
}
