import { createHmac, randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { DirectoryView, Role } from '../directory/directory.js';
import type { Translations, Translator } from '../i18n/i18n.js';
import { isLanguage, resolveLanguage, SUPPORTED_LANGUAGES, type Language } from '../i18n/languages.js';
import type { Log } from '../log.js';
import type { DialogStatesRepository } from '../store/dialogStates.js';
import type { DialogFrame, JsonValue, TextSpec } from '../store/schema.js';
import { actionChoices } from './callbacks.js';
import { lastContactText } from './schoolsOverview.js';
import type { Store } from '../store/store.js';
import type { UsersRepository } from '../store/users.js';
import { CodedError, ErrorCode, isCodedError } from './errors.js';
import { SAVED, type Dialog, type DialogTurn, type DialogUser, type StepResult } from './dialog.js';
import { MAX_TYPED_LENGTH, type InboundMessage, type OutboundReply } from './messages.js';
import { recognizeChoice, renderPrompt, renderText } from './prompts.js';
import type { Services } from './services.js';
import { KeyedQueue } from './keyedQueue.js';
import type { textChecks } from './textChecks.js';
import { helpReplies, welcomeText } from './help.js';
import { containsAny, matchesAny, normalize, normalizePhrase } from './text.js';

/** Dialog ids the engine itself relies on. */
export const CoreDialog = {
  Menu: 'menu',
  Emergency: 'emergency',
  Language: 'language',
} as const;

/** Button payload prefixes understood anywhere in a conversation. */
export const Payload = {
  startDialog: 'dialog:',
  setLanguage: 'language:',
  command: 'cmd:',
} as const;

export interface EngineDeps {
  store: Store;
  users: UsersRepository;
  dialogStates: DialogStatesRepository;
  /** A getter, so a reloaded directory takes effect on the next turn. */
  directory: () => DirectoryView;
  translations: Translations;
  dialogs: readonly Dialog[];
  services: Services;
  textChecks: typeof textChecks;
  /** A getter: DEFAULT_LANGUAGE when set, else the directory's defaultLanguage, which a reload may change. */
  defaultLanguage: () => Language;
  clock: () => Date;
  log: Log;
}

export interface TurnHooks {
  /** Called with the turn's replies just before the single store write of the turn. */
  beforeCommit?: (replies: OutboundReply[], language: Language, facts: TurnFacts) => void;
}

/** What a channel that keeps a transcript must know about the user's own message. */
export interface TurnFacts {
  /**
   * Set when the user's typed text must not be kept (it seemed to identify a person, or it was
   * refused): a transcript shows this instead. Unset, the text may be kept.
   */
  inboundTextReplacement?: string;
}

export interface TurnOutcome {
  replies: OutboundReply[];
  language: Language;
  /** False when the turn failed and the replies are the safety fallback (nothing was stored). */
  committed: boolean;
}

/** What a channel needs from the engine: run a turn, and wait until none is running. */
export interface TurnHandler {
  handle(inbound: InboundMessage, hooks?: TurnHooks): Promise<TurnOutcome>;
  idle(): Promise<void>;
}

type Command = 'emergency' | 'help' | 'menu' | 'cancel' | 'language';
const COMMANDS: readonly Command[] = ['emergency', 'help', 'menu', 'cancel', 'language'];
/** Guards against a dialog that loops through steps without ever asking. */
const MAX_STEPS_PER_TURN = 50;
/**
 * The most dialogs a conversation holds at once (a dialog, what interrupted it, its children): beyond
 * it the oldest is dropped. Interrupting dialogs go on top of what runs, so without a bound anyone
 * could grow their stored state (rewritten at every turn) by one frame per message.
 */
export const MAX_STACK_DEPTH = 8;

/** Open call-back requests shown on a home screen; the rest are counted and found in the list. */
const HOME_REQUESTS = 20;

/**
 * The channel-neutral engine: load user and dialog state, handle global interrupts, run the current
 * step or route to a dialog, save once, return replies. Channels call `handle` and render the result.
 */

/** Where a question for a name keeps (hashed) what it last read as danger, and the hash's key. */
const DANGER_READ = '__dangerRead';
const DANGER_READ_KEY = randomBytes(32);

/** Lower-case parts of names ("Jan de Mes", "Anna von Messer"): the rest of a name is capitalised. */
const NAME_PARTICLES = new Set(['de', 'den', 'der', 'van', 'von', 'la', 'le', 'du', 'des', 'di', 'da', 'del', 'dos', 'das', 'ten', 'ter', 'zu', "d'", "'t", 'in', '’t']);

export class Engine implements TurnHandler {
  private readonly dialogs: Map<string, Dialog>;
  private readonly allTranslators: Translator[];
  /** Normalised command keywords (all languages) → the command; the first command listing a phrase keeps it. */
  private readonly commandByPhrase = new Map<string, Command>();
  /** Normalised language names ("nederlands") → the language. */
  private readonly languageByName = new Map<string, Language>();
  private readonly dangerWordsByLanguage = new Map<Language, { safe: string[]; negations: Set<string>; phrases: string[][] }>();
  /** Turns of one conversation run one after another, so two quick clicks never interleave. */
  private readonly queue = new KeyedQueue();

  constructor(private readonly deps: EngineDeps) {
    this.dialogs = new Map(deps.dialogs.map((d) => [d.id, d]));
    for (const id of Object.values(CoreDialog)) {
      if (!this.dialogs.has(id)) throw new CodedError(ErrorCode.UnknownDialog, `[Engine] missing core dialog "${id}"`);
    }
    this.allTranslators = SUPPORTED_LANGUAGES.map((l) => deps.translations.translator(l));
    // Every typed message is checked against every command keyword and language name in every
    // language; the catalogues are fixed, so the normalised phrases are indexed once.
    for (const cmd of COMMANDS) {
      for (const tr of this.allTranslators) {
        for (const phrase of tr.list(`commands:${cmd}`)) addPhrase(this.commandByPhrase, phrase, cmd);
      }
    }
    for (const tr of this.allTranslators) addPhrase(this.languageByName, tr.t('common:languageName'), tr.lang);
  }

  /**
   * Runs one turn. Never throws: a failure answers with a translated error that still shows the
   * emergency number. `hooks.beforeCommit` lets a channel store its own records of the turn (the web
   * transcript) in the same write as the dialog state.
   */
  handle(inbound: InboundMessage, hooks: TurnHooks = {}): Promise<TurnOutcome> {
    return this.queue.run(inbound.conversationKey, () => this.safeTurn(inbound, hooks));
  }

  /** Resolves when no turn and no after-commit task is running (graceful shutdown, tests). */
  async idle(): Promise<void> {
    await this.queue.idle();
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private readonly pending = new Set<Promise<void>>();

  private background(task: () => Promise<void>): void {
    const run = task()
      .catch((err: unknown) => this.deps.log.error({ event: 'after_commit_failed', err: String(err) }))
      .finally(() => this.pending.delete(run));
    this.pending.add(run);
  }

  private async safeTurn(inbound: InboundMessage, hooks: TurnHooks): Promise<TurnOutcome> {
    try {
      return await this.turn(inbound, hooks);
    } catch (err) {
      this.deps.log.error(
        { event: 'turn_failed', code: isCodedError(err) ? err.code : 'unexpected', channel: inbound.channel, err: isCodedError(err) ? undefined : String(err) },
        'turn failed',
      );
      return this.fallbackReplies(inbound, isCodedError(err) && err.code === ErrorCode.StoreWriteFailed);
    }
  }

  /** Safety first: even when the store or a dialog fails, an emergency question gets the emergency answer. */
  private fallbackReplies(inbound: InboundMessage, notSaved = false): TurnOutcome {
    const language = resolveLanguage(undefined, inbound.localeHint, this.deps.defaultLanguage());
    const tr = this.deps.translations.translator(language);
    const number = this.deps.directory().data.emergency.number;
    if (this.detectCommand(inbound) === 'emergency') {
      return {
        replies: [{ kind: 'text', text: tr.t('emergency:call', { number }) }, { kind: 'text', text: tr.t('emergency:tellInPerson') }],
        language,
        committed: false,
      };
    }
    return { replies: [{ kind: 'text', text: tr.t(notSaved ? 'common:notSaved' : 'common:error', { number }) }], language, committed: false };
  }

  private async turn(inbound: InboundMessage, hooks: TurnHooks): Promise<TurnOutcome> {
    const { users, dialogStates, store, directory, clock } = this.deps;
    const now = clock();
    const dir = directory();
    const record = users.touch(inbound.userKey, inbound.channel, now, inbound.localeHint?.slice(0, 35));
    if (inbound.address) users.setAddress(inbound.userKey, inbound.address);
    const stack = dialogStates.load(inbound.conversationKey);

    const person = dir.personByPlatformId(inbound.channel, inbound.platformUserId);
    // A message without a locale (a Direct Line client that sets it only when the conversation
    // starts) speaks the language last hinted, not the default.
    const turn = new TurnRunner(this, inbound, stack, now, {
      key: record.key,
      channel: inbound.channel,
      role: person?.role ?? 'teacher',
      personId: person?.id,
      schoolId: record.schoolId,
      language: record.language,
    }, inbound.localeHint ?? record.localeHint);
    if (record.unreachable) {
      // A message could not be delivered while the platform refused us; say so now that they are back
      // (by writing, or by installing the app again: either way the address just taken is fresh).
      const tr = this.deps.translations.translator(turn.lang);
      turn.notice(person ? tr.t('common:missedMessagesOfficer', { item: tr.t('menu:callbackList') }) : tr.t('common:missedMessages'));
      users.clearUnreachable(inbound.userKey);
    }
    await turn.process();
    const facts = this.inboundTextFacts(inbound, turn);

    if (turn.forgotten) {
      // Officers who were told of a request still being dealt with hear that it was withdrawn.
      for (const withdrawn of this.deps.services.callbacks.withdrawable(inbound.userKey)) {
        turn.afterCommit.push(() => this.deps.services.callbacks.notifyWithdrawn(withdrawn));
      }
      this.deps.services.privacy.forget(inbound.userKey, turn.user.personId);
      dialogStates.delete(inbound.conversationKey);
    } else {
      if (turn.chosenLanguage) users.setLanguage(inbound.userKey, turn.chosenLanguage);
      if (turn.schoolChanged) users.setSchool(inbound.userKey, turn.user.schoolId);
      dialogStates.save(inbound.conversationKey, turn.stack, now);
    }
    hooks.beforeCommit?.(turn.replies, turn.lang, facts);
    // The reply leaves only after the state it reflects is on disk.
    try {
      await store.commit();
    } catch (err) {
      // The turn's changes stay in memory (steps change records in place) and the store writes them
      // with the next commit that succeeds: the notices that follow them (the teacher told of an
      // acknowledgement, the officer of a request) go then, rather than never. The user is told that
      // it was not saved yet, not that it failed, so that they look before doing it twice.
      const tasks = turn.afterCommit;
      if (tasks.length > 0) store.whenNextWritten(() => tasks.forEach((task) => this.background(task)));
      throw new CodedError(ErrorCode.StoreWriteFailed, `[Engine] the turn's changes could not be written: ${String(err)}`);
    }
    for (const task of turn.afterCommit) this.background(task);
    this.deps.log.info({ event: 'turn', channel: inbound.channel, kind: inbound.kind, dialog: turn.stack.at(-1)?.dialogId ?? null, replies: turn.replies.length });
    return { replies: turn.replies, language: turn.lang, committed: true };
  }

  /**
   * Typed text the turn did not take as an answer, command or language (it started a dialog by its
   * words, or was not understood) is checked like a free-text answer: a teacher who writes "I'm worried
   * about Yusuf from 3B" is told that it was not kept, and channels with a transcript must not keep it.
   * A refused answer is never kept either, nor text that was not understood at all. Answers to the
   * assistant's own questions (the teacher's name or phone number for a call-back) are kept as given.
   */
  private inboundTextFacts(inbound: InboundMessage, turn: TurnRunner): TurnFacts {
    const typed = inbound.kind === 'message' && inbound.choice === undefined ? inbound.text.trim() : '';
    if (!typed || turn.textTaken) return {};
    const tr = this.deps.translations.translator(turn.lang);
    if (!turn.textRefused) {
      if (!this.deps.textChecks.noPersonalData(typed, turn.lang, { directory: this.deps.directory() })) {
        if (turn.textNotUnderstood) return { inboundTextReplacement: tr.t('personalData:echoNotUnderstood') };
        return turn.textBeyondCommand ? { inboundTextReplacement: tr.t('personalData:echoNotKeptPlain') } : {};
      }
      turn.replies.splice(turn.safetyFirst ? 1 : 0, 0, { kind: 'text', text: tr.t('personalData:notKept') });
    }
    // Refused for another reason (a phone number mistyped, too long): not kept either, but not said to identify anyone.
    const identifying = turn.textRefused === false || turn.textRefused.startsWith('personalData:');
    return { inboundTextReplacement: tr.t(identifying ? 'personalData:echoNotKept' : 'personalData:echoNotKeptPlain') };
  }

  /* Shared lookups for the turn runner. */

  get engineDeps(): EngineDeps {
    return this.deps;
  }

  dialog(id: string): Dialog {
    const d = this.dialogs.get(id);
    if (!d) throw new CodedError(ErrorCode.UnknownDialog, `[Engine] unknown dialog "${id}"`);
    return d;
  }

  /** The main-menu entries a role may use, in order, as buttons that start each dialog. */
  menuChoices(role: Role): { value: string; label: TextSpec }[] {
    return [...this.dialogs.values()]
      .filter((d) => d.menu && (!d.roles || d.roles.includes(role)) && (!d.menu.roles || d.menu.roles.includes(role)))
      .sort((a, b) => a.menu!.order - b.menu!.order)
      .map((d) => ({ value: `${Payload.startDialog}${d.id}`, label: { key: d.menu!.label } }));
  }

  /**
   * A channel's home screen (Slack's App Home): the main actions and, for liaison officers, the open
   * call-back requests (recorded in the audit log, like every read of call-back requests).
   */
  async home(identity: Pick<InboundMessage, 'channel' | 'userKey' | 'platformUserId' | 'localeHint'>): Promise<TurnOutcome> {
    const dir = this.deps.directory();
    const person = dir.personByPlatformId(identity.channel, identity.platformUserId);
    const role: Role = person?.role ?? 'teacher';
    const saved = this.deps.users.get(identity.userKey);
    const language = resolveLanguage(saved?.language, identity.localeHint, this.deps.defaultLanguage());
    const tr = this.deps.translations.translator(language);
    const translatorFor = (l: Language) => this.deps.translations.translator(l);
    const replies: OutboundReply[] = [
      { kind: 'text', text: welcomeText((key, params) => tr.t(key, params), language, dir, { role, personId: person?.id }) },
      renderPrompt({ text: { key: 'menu:prompt' }, choices: this.menuChoices(role) }, tr, translatorFor),
    ];
    if (person) {
      // Their schools, most overdue first, as in "my schools".
      const rows = this.deps.services.contacts.overview({ personId: person.id, role });
      replies.push({
        kind: 'text',
        text: [
          tr.t(role === 'coordinator' ? 'liaison:schoolsTitleAll' : 'liaison:schoolsTitle', { count: rows.filter((r) => r.overdue).length }),
          ...rows.map(
            (r) =>
              `${r.overdue ? '⚠' : '✓'} ${tr.t('common:labelled', { label: r.schoolName, value: lastContactText(r, (key, params) => tr.t(key, params), language) })}`,
          ),
        ].join('\n'),
      });
      const open = this.deps.services.callbacks.visibleTo(person.id, role);
      this.deps.services.audit.record(person.id, 'callbacks.read', `home:${open.length}`);
      await this.deps.store.commit();
      replies.push({ kind: 'text', text: open.length ? tr.t('callback:listTitle', { count: open.length }) : tr.t('callback:noneOpen') });
      // A home screen has room for a few dozen of them (Slack: 100 blocks); the list in the chat has them all.
      for (const request of open.slice(0, HOME_REQUESTS)) {
        replies.push({
          kind: 'choices',
          text: this.deps.services.callbacks.headline(request, tr.t),
          choices: actionChoices(request, tr.t),
        });
      }
      if (open.length > HOME_REQUESTS) replies.push({ kind: 'text', text: tr.t('callback:moreInList', { count: open.length - HOME_REQUESTS, item: tr.t('menu:callbackList') }) });
    }
    return { replies, language, committed: false };
  }

  /** The dialog that handles button payloads with a given prefix (e.g. `callback:ack:…`). */
  dialogForPayload(payload: string): Dialog | undefined {
    return [...this.dialogs.values()].find((d) => d.payloadPrefix && payload.startsWith(d.payloadPrefix));
  }

  hasDialog(id: string): boolean {
    return this.dialogs.has(id);
  }

  get translators(): readonly Translator[] {
    return this.allTranslators;
  }

  /** Global commands: a `cmd:` button, or a keyword in any supported language. */
  detectCommand(inbound: Pick<InboundMessage, 'text' | 'choice'>): Command | undefined {
    if (inbound.choice?.startsWith(Payload.command)) {
      const cmd = inbound.choice.slice(Payload.command.length);
      return (COMMANDS as readonly string[]).includes(cmd) ? (cmd as Command) : undefined;
    }
    if (inbound.choice !== undefined || !inbound.text.trim()) return undefined;
    const emergencyNumber = this.deps.directory().data.emergency.number;
    if (matchesAny(inbound.text, [emergencyNumber])) return 'emergency';
    return this.commandByPhrase.get(phraseKey(inbound.text));
  }

  /**
   * Words of danger anywhere in a message ("knife", "mes", "couteau", "Messer", "danger", "Gefahr"), in
   * the user's language and in English (which many write in when the conversation's language is not
   * theirs; an English word that is an everyday word of theirs, Dutch "gun", is a safe phrase there): not in every
   * language, since a word of one is an everyday word of another ("mes" is French for "my"). Not after
   * a negation ("it is not an emergency", "geen gevaar"), nor inside a phrase that means something else.
   */
  mentionsDanger(text: string, lang: Language): boolean {
    const { safe, negations, phrases } = this.dangerWords(lang);
    // French elision ("cas d'urgence", "l'otage") is read as the word itself.
    let said = ` ${normalize(text).replace(/(^| )(?:qu|[cdjlmnst])'/g, '$1')} `;
    // Phrases that hold a danger word and mean something else ("en danger de radicalisation": at risk of;
    // Dutch "ik gun hem": the English "gun" read in a Dutch sentence).
    for (const phrase of safe) said = said.split(` ${phrase} `).join(' ');
    const words = said.trim().split(' ');
    return phrases.some((phrase) =>
      words.some((_, i) => phrase.every((w, k) => words[i + k] === w) && !words.slice(Math.max(0, i - 3), i).some((w) => negations.has(w))),
    );
  }

  /** The danger words of a language (with English's), normalised once: they are read on every message not taken as an answer. */
  private dangerWords(lang: Language): { safe: string[]; negations: Set<string>; phrases: string[][] } {
    let words = this.dangerWordsByLanguage.get(lang);
    if (!words) {
      const lists = (name: string) => [...this.deps.translations.translator(lang).list(name), ...(lang === 'en' ? [] : this.deps.translations.translator('en').list(name))];
      words = {
        safe: this.deps.translations.translator(lang).list('commands:dangerSafePhrases').map(normalizePhrase),
        negations: new Set(lists('commands:negationWords').map(normalizePhrase)),
        phrases: lists('commands:dangerWords').map((p) => normalizePhrase(p).split(' ')),
      };
      this.dangerWordsByLanguage.set(lang, words);
    }
    return words;
  }

  /** "Thanks", "bedankt", "merci", "danke": not a question, and not to be answered "I did not understand". */
  isThanks(text: string): boolean {
    return text.trim() !== '' && this.allTranslators.some((tr) => matchesAny(text, tr.list('common:thanksWords')));
  }

  /** A language picked by button (`language:nl`) or by typing its own name ("Nederlands"). */
  detectLanguage(inbound: Pick<InboundMessage, 'text' | 'choice'>): Language | undefined {
    if (inbound.choice?.startsWith(Payload.setLanguage)) {
      const lng = inbound.choice.slice(Payload.setLanguage.length);
      return isLanguage(lng) ? lng : undefined;
    }
    if (inbound.choice !== undefined) return undefined;
    return this.languageByName.get(normalize(inbound.text));
  }

  /**
   * A dialog whose intent phrases the text contains, and the language those phrases are in. Dialogs
   * may share an intent ("training": the survey for teachers, the report for officers): the one the
   * user's role may run is taken, else the first, whose refusal then says who it is for.
   */
  detectIntent(text: string, preferred: Language, role: Role): { dialog: Dialog; lang: Language } | undefined {
    const ordered = [this.deps.translations.translator(preferred), ...this.allTranslators.filter((t) => t.lang !== preferred)];
    for (const tr of ordered) {
      const matching = [...this.dialogs.values()].filter((d) => d.intent && containsAny(text, tr.list(d.intent)));
      const dialog = matching.find((d) => !d.roles || d.roles.includes(role)) ?? matching[0];
      if (dialog) return { dialog, lang: tr.lang };
    }
    return undefined;
  }
}

/** The work of one turn: mutable stack, language and replies, discarded unless the turn succeeds. */
class TurnRunner {
  readonly replies: OutboundReply[] = [];
  readonly afterCommit: (() => Promise<void>)[] = [];
  lang: Language;
  chosenLanguage: Language | undefined;
  schoolChanged = false;
  forgotten = false;
  /** The typed text was taken as an answer, a command or a language name. */
  textTaken = false;
  /** Why the typed text was refused as an answer (identifying, too long, not a phone number …), if it was. */
  textRefused: string | false = false;
  /** The typed text answered nothing, started nothing and was no command: not kept. */
  textNotUnderstood = false;
  /** The first reply is what to do in an emergency: nothing goes before it (not even "not kept"). */
  safetyFirst = false;
  /** The typed text held more than the command or the words that started a dialog: not kept. */
  textBeyondCommand = false;
  private dangerSaid: boolean | undefined;
  user: DialogUser;
  private steps = 0;

  constructor(
    private readonly engine: Engine,
    private readonly inbound: InboundMessage,
    readonly stack: DialogFrame[],
    private readonly now: Date,
    user: DialogUser,
    localeHint: string | undefined,
  ) {
    this.user = user;
    this.lang = resolveLanguage(user.language, localeHint, engine.engineDeps.defaultLanguage());
  }

  private get tr(): Translator {
    return this.engine.engineDeps.translations.translator(this.lang);
  }

  notice(text: string): void {
    this.say({ kind: 'text', text });
  }

  private readonly translatorFor = (lang: Language): Translator => this.engine.engineDeps.translations.translator(lang);

  private get top(): DialogFrame | undefined {
    return this.stack.at(-1);
  }

  async process(): Promise<void> {
    const { inbound, engine } = this;
    const stale = this.staleStack();
    if (stale) {
      // A stack naming a dialog this version no longer has (after an upgrade), or one the user may
      // not hold (roles are checked when a dialog starts; the user's role may have changed in the
      // directory since), is dropped rather than resumed.
      this.stack.length = 0;
      // The emergency is one step from anywhere, a stale conversation included: asked for by name, or
      // danger written in the message (whose text is then not kept, as below).
      if (engine.detectCommand(inbound) === 'emergency') {
        this.textTaken = true;
        return this.runCommand('emergency');
      }
      if (inbound.text && this.mentionsDanger()) return this.emergencyForDanger();
      this.say({ kind: 'text', text: this.tr.t(stale === 'unknown' ? 'common:startedOver' : 'common:notAllowed') });
      await this.start(CoreDialog.Menu);
      return;
    }
    if (inbound.kind === 'start') {
      if (this.top) this.reprompt();
      else await this.start(CoreDialog.Menu, { welcome: true });
      return;
    }
    if (inbound.text.length > MAX_TYPED_LENGTH) {
      // Not read at all (nor checked, nor kept): see MAX_TYPED_LENGTH.
      this.textRefused = 'common:tooLong';
      this.say({ kind: 'text', text: this.tr.t('common:tooLong', { max: MAX_TYPED_LENGTH }) });
      if (this.top) this.reprompt();
      else await this.start(CoreDialog.Menu);
      return;
    }

    const focused = this.top ? engine.dialog(this.top.dialogId) : undefined;
    // The language picker answers its own question; elsewhere a language button or name switches at
    // once, except a name typed to find a school that has it ("Lycée Français", "Deutsche Schule").
    const language = focused?.id === CoreDialog.Language || this.searchesSchool() ? undefined : engine.detectLanguage(inbound);
    if (language) {
      this.textTaken = true;
      this.switchLanguage(language);
      this.say({ kind: 'text', text: this.tr.t('common:languageChanged') });
      if (this.top) this.resumeAfterInterrupt();
      else await this.start(CoreDialog.Menu);
      return;
    }

    const command = engine.detectCommand(inbound);
    if (command && focused?.holdsFocus && command !== 'emergency') {
      // "menu" or "cancel" while the emergency answer waits: not misunderstood, but not yet (see holdsFocus).
      this.textTaken = true;
      // The number again, then the confirmation question with its buttons (one question, not two).
      this.say({ kind: 'text', text: this.emergencyFirst() });
      return this.reprompt();
    }
    if (command) {
      this.textTaken = true;
      return this.runCommand(command);
    }

    if (inbound.choice && !focused?.holdsFocus) {
      if (inbound.choice.startsWith(Payload.startDialog)) {
        const id = inbound.choice.slice(Payload.startDialog.length);
        // A helper (the school picker) runs only inside the dialog that needs it.
        if (engine.hasDialog(id) && !engine.dialog(id).helper) return this.startFromUser(id);
      }
      const handler = engine.dialogForPayload(inbound.choice);
      if (handler) return this.startFromUser(handler.id, { payload: inbound.choice });
    }

    const top = this.top;
    if (top?.waiting === 'prompt' && top.prompt) {
      const answer = this.recognize(top);
      if (answer.kind === 'ok') {
        this.textTaken = true;
        return this.advance(top, answer.value);
      }
      if (answer.kind === 'refused') {
        this.textRefused = answer.reason;
        this.say({ kind: 'text', text: this.tr.t(answer.reason, answer.params) });
        this.reprompt();
        return;
      }
    }

    // Danger written anywhere in a message ("gevaar, hij heeft een mes", "he has a knife, call me back")
    // gets the emergency answer, as the word "emergency" alone does; the text itself is not kept.
    if (inbound.text && !focused?.holdsFocus && this.mentionsDanger()) return this.emergencyForDanger();

    // At a safety question nothing typed starts another dialog: "he has a knife, please call me back"
    // must get the emergency number, not the call-back form.
    const gate = this.top?.waiting === 'prompt' && this.top.prompt?.gate === true;
    const intent = inbound.text && !focused?.holdsFocus && !gate ? engine.detectIntent(inbound.text, this.lang, this.user.role) : undefined;
    if (intent) {
      // More than the words that start it ("I'm worried: the boy in 3B …"): the rest is not kept.
      if (!matchesAny(inbound.text, engine.engineDeps.translations.translator(intent.lang).list(intent.dialog.intent!))) this.textBeyondCommand = true;
      if (!this.user.language && intent.lang !== this.lang) this.switchLanguage(intent.lang);
      // Said again in the middle of that very dialog ("I'm worried about …" while answering its
      // questions): carry on where it was rather than start it over and lose the answers given. Only
      // while it is the dialog being answered (a helper such as the school picker aside) and has not
      // done what it is for: after the advice, the same words are a new worry and start it again.
      const current = [...this.stack].reverse().find((f) => !(this.engine.hasDialog(f.dialogId) && this.engine.dialog(f.dialogId).helper));
      if (current?.dialogId === intent.dialog.id && current.values[SAVED] !== true) {
        // Not an answer either: not kept (it may describe the pupil around the words that matched).
        this.textNotUnderstood = true;
        this.say({ kind: 'text', text: this.tr.t('common:alreadyInDialog') });
        this.reprompt();
        return;
      }
      return this.startFromUser(intent.dialog.id);
    }

    if (inbound.text && !focused?.holdsFocus && engine.isThanks(inbound.text)) {
      this.textTaken = true;
      this.say({ kind: 'text', text: this.tr.t('common:youAreWelcome') });
      if (this.top) this.reprompt();
      else await this.start(CoreDialog.Menu);
      return;
    }

    // While the emergency answer waits, not the general "type help" hint (help waits too): the number
    // again. A button no question is waiting for is one of an earlier message (pressed twice, or
    // scrolled back to): not "I did not understand", which would leave a teacher who pressed "Send"
    // twice wondering whether it was sent.
    // Typed text that answers nothing is not kept either (a web transcript would): it may describe the
    // pupil ("she started wearing …"), which nothing here asks for.
    if (inbound.choice === undefined) this.textNotUnderstood = true;
    const waiting = this.top?.waiting === 'prompt' ? this.top.prompt?.notUnderstood : undefined;
    // The emergency number is the directory's now, not the one stored with the question.
    const number = this.emergencyNumber;
    const fallback = focused?.holdsFocus
      ? this.emergencyFirst()
      : inbound.choice !== undefined
        ? this.tr.t('common:staleButton')
        : waiting
          ? renderText('key' in waiting ? { ...waiting, params: { ...waiting.params, number } } : waiting, this.tr, this.translatorFor)
          : this.tr.t(this.top?.prompt?.strict ? 'common:notUnderstoodStrict' : 'common:notUnderstood');
    if (gate || focused?.holdsFocus) this.safetyFirst = true;
    this.say({ kind: 'text', text: fallback });
    if (this.top) this.reprompt();
    else await this.start(CoreDialog.Menu);
  }

  private staleStack(): 'unknown' | 'notAllowed' | undefined {
    for (const frame of this.stack) {
      if (!this.engine.hasDialog(frame.dialogId)) return 'unknown';
      const roles = this.engine.dialog(frame.dialogId).roles;
      if (roles && !roles.includes(this.user.role)) return 'notAllowed';
    }
    return undefined;
  }

  private async runCommand(command: Command): Promise<void> {
    switch (command) {
      case 'emergency':
        // Asked again while the emergency answer waits: show it again rather than stacking copies
        // (with what it was started with: from the worried-teacher dialog, its own closing words).
        if (this.top?.dialogId === CoreDialog.Emergency) return this.start(CoreDialog.Emergency, this.stack.pop()!.args);
        return this.start(CoreDialog.Emergency);
      case 'language':
        return this.start(CoreDialog.Language);
      case 'help':
        this.say(...helpReplies((key, params) => this.tr.t(key, params), this.lang, this.engine.engineDeps.directory(), this.user));
        if (this.top) this.reprompt();
        else await this.start(CoreDialog.Menu);
        return;
      case 'cancel': {
        if (await this.cancelCorrection()) return;
        // What was stopped, and what that means ("nothing was sent"), when something was half-answered.
        const notice = this.leaveNotice();
        this.stack.length = 0;
        this.say({ kind: 'text', text: notice ?? this.tr.t('common:cancelled') });
        return this.start(CoreDialog.Menu);
      }
      case 'menu': {
        const notice = this.leaveNotice();
        this.stack.length = 0;
        if (notice) this.say({ kind: 'text', text: notice });
        return this.start(CoreDialog.Menu);
      }
    }
  }

  /**
   * Helpers (the school picker) and interrupting dialogs (language, help, a reassignment picker)
   * belong to, or only pause, the dialog underneath: that one is what the user is answering.
   */
  private isAside(id: string): boolean {
    return this.engine.hasDialog(id) && (this.engine.dialog(id).helper === true || this.engine.dialog(id).interrupts === true);
  }

  /**
   * "cancel" while correcting one answer of a form (see Dialog.cancelTo): back to where the form
   * wants it (its summary), with what is on top of it (the school picker, the language picker)
   * dropped and nothing else lost. False when no dialog asks for that.
   */
  private async cancelCorrection(): Promise<boolean> {
    const index = this.stack.findLastIndex((f) => !this.isAside(f.dialogId));
    const frame = this.stack[index];
    if (!frame || !this.engine.hasDialog(frame.dialogId)) return false;
    const step = this.engine.dialog(frame.dialogId).cancelTo?.(frame.values);
    if (!step) return false;
    this.stepAfter(this.engine.dialog(frame.dialogId), step.name); // validates the name
    this.stack.length = index + 1;
    frame.step = step.name;
    frame.waiting = 'prompt';
    this.say({ kind: 'text', text: this.tr.t('common:correctionCancelled') });
    await this.run(undefined);
    return true;
  }

  /** "First things first: … call 112 now", said while the emergency answer waits for its confirmation. */
  private emergencyFirst(): string {
    return this.tr.t('emergency:confirmFirst', { number: this.emergencyNumber });
  }

  /** The directory's emergency number, as it is now (a reload may change it). */
  private get emergencyNumber(): string {
    return this.engine.engineDeps.directory().data.emergency.number;
  }

  /** Danger written in a message: the emergency answer first, and the message's text not kept. */
  private emergencyForDanger(): Promise<void> {
    this.textBeyondCommand = true;
    this.safetyFirst = true;
    return this.runCommand('emergency');
  }

  /** Whether this turn's message speaks of danger; read once, though a free-text answer asks before the fallback does. */
  private mentionsDanger(): boolean {
    this.dangerSaid ??= this.engine.mentionsDanger(this.inbound.text, this.lang);
    return this.dangerSaid;
  }

  /**
   * What to tell a user whose half-answered dialog is about to be dropped (by "cancel", "menu" or
   * another dialog, `starting`): that it was stopped and what that means for it (its `whenLeft`,
   * by default "without saving"); nothing for a dialog that only shows things or has done its work.
   * A helper on top (the school picker) belongs to the dialog underneath: that one is named.
   */
  private leaveNotice(starting?: string): string | undefined {
    const unfinished = [...this.stack].reverse().find((f) => f.dialogId !== CoreDialog.Menu && f.dialogId !== starting && !this.isAside(f.dialogId) && f.values[SAVED] !== true);
    if (!unfinished) return undefined;
    const left = this.engine.hasDialog(unfinished.dialogId) ? this.engine.dialog(unfinished.dialogId) : undefined;
    if (left?.whenLeft === false) return undefined;
    const label = left?.menu?.label ?? left?.title;
    return label ? this.tr.t(left?.whenLeft ?? 'common:leftUnfinished', { what: this.tr.t(label) }) : this.tr.t('common:leftUnfinishedUnnamed');
  }

  /**
   * Why this user may not run the dialog (undefined when they may): said to whoever may not, officers'
   * parts to teachers, coordinators' parts to liaison officers, teachers' parts to officers.
   */
  private refusalOf(dialog: Dialog): string | undefined {
    if (!dialog.roles || dialog.roles.includes(this.user.role)) return undefined;
    return dialog.roles.includes('liaison') ? 'common:notAllowed' : dialog.roles.includes('coordinator') ? 'common:notAllowedCoordinator' : 'common:notAllowedTeacher';
  }

  /** Starts a dialog the user asked for: interrupting ones go on top, others replace what was running. */
  private async startFromUser(id: string, args: Record<string, JsonValue> = {}): Promise<void> {
    const dialog = this.engine.dialog(id);
    const refusal = this.refusalOf(dialog);
    if (refusal) {
      this.say({ kind: 'text', text: this.tr.t(refusal) });
      if (this.top) this.reprompt();
      else await this.start(CoreDialog.Menu);
      return;
    }
    if (!dialog.interrupts) {
      // A half-answered dialog is dropped by another one started over it: say so, rather than let
      // the user believe it was kept (nothing of it was saved). A screen that offers the new dialog
      // as one of its own buttons (Protocol → Plan a meeting) was not half-answered: it was answered.
      const offeredHere = this.top?.prompt?.choices?.some((c) => c.value === `${Payload.startDialog}${id}`) ?? false;
      const notice = offeredHere ? undefined : this.leaveNotice(id);
      if (notice) this.say({ kind: 'text', text: notice });
      this.stack.length = 0;
    }
    return this.start(id, args);
  }

  private recognize(
    frame: DialogFrame,
  ): { kind: 'ok'; value: string } | { kind: 'refused'; reason: string; params?: Record<string, unknown> } | { kind: 'none' } {
    const prompt = frame.prompt!;
    // "11" typed to find "Basisschool 11" is a search, not the eleventh button.
    const translators = [this.tr, ...this.engine.translators.filter((t) => t.lang !== this.lang)];
    const chosen = recognizeChoice(prompt, this.inbound, translators, { byNumber: !this.searchesSchool() });
    if (chosen !== undefined) return { kind: 'ok', value: chosen };
    if (!prompt.freeText || this.inbound.choice !== undefined) return { kind: 'none' };
    // A free-text answer is one line: line breaks typed into a name or a note must not become
    // structure (a list, a heading) in a card or a message shown to an officer.
    const text = this.inbound.text.replace(/\s+/g, ' ').trim();
    if (!text) return { kind: 'none' };
    const { check, maxLength } = prompt.freeText;
    const refusal = check === 'none' ? undefined : this.engine.engineDeps.textChecks[check](text, this.lang, { directory: this.engine.engineDeps.directory() });
    // Danger written into a note, a comment, a search or a name is not an answer: the emergency comes
    // first (see process). Only an answer of the very form asked for is not read for danger words:
    // "jan.mes@school.example" is an address, and "Jan Mes" a name: short (at most three words besides
    // particles), none of them a sentence's, each written with a capital as names are (no signal in
    // German, where every noun has one: "Ein Messer"), not a knife. "il a un couteau" or "Yusuf has a
    // knife" typed as a name is danger.
    const nameWords = check === 'personName' ? text.split(' ').filter((word) => !NAME_PARTICLES.has(word)) : [];
    const shortName = refusal === undefined && nameWords.length <= 3;
    const asName = shortName && this.lang !== 'de' && nameWords.length >= 2 && nameWords.every((word) => /^\p{Lu}/u.test(word));
    // A name of one or two words (particles aside) read as danger once ("jan mes", "Gun", "Anna Messer"
    // in German), typed again the same after the emergency answer: the teacher has seen the number and said what they meant. Kept
    // meanwhile in the dialog state only as a hash keyed with a secret of this process (gone at a
    // restart), and only for what passes as a name, so that no sentence can be recovered from it.
    const said = shortName && nameWords.length <= 2 ? createHmac('sha256', DANGER_READ_KEY).update(normalize(text)).digest('base64url').slice(0, 16) : undefined;
    const repeated = said !== undefined && frame.values[DANGER_READ] === said;
    const ofTheFormAsked = refusal === undefined && (check === 'email' || check === 'phone' || asName || repeated);
    if (!ofTheFormAsked && this.mentionsDanger()) {
      if (said !== undefined) frame.values[DANGER_READ] = said;
      return { kind: 'none' };
    }
    if (Object.hasOwn(frame.values, DANGER_READ)) delete frame.values[DANGER_READ];
    if (text.length > maxLength) return { kind: 'refused', reason: 'common:tooLong', params: { max: maxLength } };
    if (refusal) return { kind: 'refused', reason: refusal };
    return { kind: 'ok', value: text };
  }

  /** The question waiting is a school search, and the text typed finds a school. */
  private searchesSchool(): boolean {
    if (this.inbound.choice !== undefined || this.top?.waiting !== 'prompt' || this.top.prompt?.freeText?.check !== 'schoolSearch') return false;
    return this.engine.engineDeps.directory().searchSchools(this.inbound.text).length > 0;
  }

  private say(...replies: OutboundReply[]): void {
    this.replies.push(...replies);
  }

  private switchLanguage(lang: Language): void {
    this.lang = lang;
    this.chosenLanguage = lang;
    this.user = { ...this.user, language: lang };
  }

  /** Asks the waiting question again, in the current language. */
  private reprompt(): void {
    const top = this.top;
    if (top?.waiting === 'prompt' && top.prompt) this.say(renderPrompt(top.prompt, this.tr, this.translatorFor));
  }

  /** After an interrupt on top ended (or a language switch), the dialog underneath re-asks its question. */
  private resumeAfterInterrupt(): void {
    this.reprompt();
  }

  private async start(id: string, args: Record<string, JsonValue> = {}): Promise<void> {
    const dialog = this.engine.dialog(id);
    // The same dialog asked for again, for the same thing, while its question waits (a double click
    // on "Change language", "menu" typed at the menu) starts afresh rather than on top of itself. For
    // another thing (Done on request B while Reassign of request A asks to whom) it goes on top, and
    // A's question is asked again after it.
    if (this.top?.dialogId === id && this.top.waiting === 'prompt' && isDeepStrictEqual(this.top.args, args)) this.stack.pop();
    this.push({ dialogId: id, step: dialog.steps[0]!.name, values: {}, args, waiting: 'prompt' });
    await this.run(undefined);
  }

  private push(frame: DialogFrame): void {
    this.stack.push(frame);
    if (this.stack.length > MAX_STACK_DEPTH) this.stack.splice(0, this.stack.length - MAX_STACK_DEPTH);
  }

  /** The answer goes to the step after the one that asked. */
  private async advance(frame: DialogFrame, answer: JsonValue): Promise<void> {
    const dialog = this.engine.dialog(frame.dialogId);
    const following = this.stepAfter(dialog, frame.step);
    frame.prompt = undefined;
    if (!following) return this.finish(undefined, true);
    frame.step = following;
    await this.run(answer);
  }

  private stepAfter(dialog: Dialog, step: string): string | undefined {
    const index = dialog.steps.findIndex((s) => s.name === step);
    if (index < 0) throw new CodedError(ErrorCode.UnknownStep, `[Engine] ${dialog.id} has no step "${step}"`);
    return dialog.steps[index + 1]?.name;
  }

  /** Runs steps of the top frame until one asks or the stack empties. */
  private async run(answer: JsonValue | undefined): Promise<void> {
    let pending = answer;
    for (;;) {
      const frame = this.top;
      if (!frame) return;
      if (++this.steps > MAX_STEPS_PER_TURN) throw new Error(`[Engine] too many steps in one turn (${frame.dialogId})`);
      const dialog = this.engine.dialog(frame.dialogId);
      const step = dialog.steps.find((s) => s.name === frame.step);
      if (!step) throw new CodedError(ErrorCode.UnknownStep, `[Engine] ${dialog.id} has no step "${frame.step}"`);
      const result: StepResult = await step(this.dialogTurn(frame, pending));
      pending = undefined;
      switch (result.type) {
        case 'ask':
          frame.waiting = 'prompt';
          frame.prompt = result.prompt;
          this.say(renderPrompt(result.prompt, this.tr, this.translatorFor));
          return;
        case 'next': {
          const following = this.stepAfter(dialog, frame.step);
          if (!following) return this.finish(undefined, true);
          frame.step = following;
          continue;
        }
        case 'goto':
          this.stepAfter(dialog, result.step); // validates the name
          frame.step = result.step;
          continue;
        case 'end':
          return this.finish(result.result, result.showMenu);
        case 'begin':
        case 'replace': {
          // Checked here too, not only when a user starts a dialog by button or words: a step opens
          // another from an answer (the menu from a typed entry), and a question asked before the
          // user's role changed in the directory (the officer menu of someone no longer an officer)
          // must not open what their role now keeps from them.
          const next = this.engine.dialog(result.dialogId);
          const refusal = this.refusalOf(next);
          if (refusal) {
            this.say({ kind: 'text', text: this.tr.t(refusal) });
            this.stack.length = 0;
            return this.start(CoreDialog.Menu);
          }
          if (result.type === 'replace') this.stack.pop();
          else frame.waiting = 'child';
          this.push({ dialogId: next.id, step: next.steps[0]!.name, values: {}, args: result.args, waiting: 'prompt' });
          continue;
        }
      }
    }
  }

  /** Pops the finished dialog and hands control to whatever is underneath, or to the menu. */
  private async finish(result: JsonValue | undefined, showMenu: boolean): Promise<void> {
    this.stack.pop();
    const parent = this.top;
    if (!parent) {
      if (showMenu && !this.forgotten) await this.start(CoreDialog.Menu);
      return;
    }
    if (parent.waiting === 'child') {
      const following = this.stepAfter(this.engine.dialog(parent.dialogId), parent.step);
      if (!following) return this.finish(result, showMenu);
      parent.step = following;
      parent.waiting = 'prompt';
      return this.run(result ?? null);
    }
    this.resumeAfterInterrupt();
  }

  private dialogTurn(frame: DialogFrame, answer: JsonValue | undefined): DialogTurn {
    const deps = this.engine.engineDeps;
    // A plain object literal: V8 builds a literal with a getter (`lang` was one) slowly, and steps
    // read it slowly too (removing it, with a cheaper id check in activityCodec.ts, gave +8 % turns/s).
    const turn: Mutable<DialogTurn> = {
      input: { text: this.inbound.text, choice: this.inbound.choice },
      answer,
      values: frame.values,
      args: frame.args,
      lang: this.lang,
      // Looked up at call time, so a step that changes the language speaks the new one at once.
      t: (key, params) => this.tr.t(key, params),
      inEveryLanguage: (render) => Object.fromEntries(this.engine.translators.map((tr) => [tr.lang, render((key, params) => tr.t(key, params), tr.lang)])) as Record<Language, string>,
      user: this.user,
      directory: deps.directory(),
      services: deps.services,
      now: this.now,
      say: (...replies) => this.say(...replies),
      setLanguage: (lang) => {
        this.switchLanguage(lang);
        turn.lang = this.lang;
      },
      address: this.inbound.address,
      menuChoices: () => this.engine.menuChoices(this.user.role),
      afterCommit: (task) => {
        this.afterCommit.push(task);
      },
      forgetMe: () => {
        this.forgotten = true;
        this.stack.length = 0;
      },
      setSchool: (schoolId) => {
        this.user = { ...this.user, schoolId };
        this.schoolChanged = true;
      },
    };
    return turn;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Indexes a phrase by its normalised form (as `matchesAny` compares), keeping an earlier entry. */
function addPhrase<T>(index: Map<string, T>, phrase: string, value: T): void {
  const key = phraseKey(phrase);
  if (key !== '' && !index.has(key)) index.set(key, value);
}

/** The normalised phrase; a phrase of punctuation only ("?" for help) is kept as typed, or it would match nothing. */
function phraseKey(text: string): string {
  return normalize(text) || text.trim();
}
