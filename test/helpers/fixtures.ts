import { readFile } from 'node:fs/promises';
import { createAssistant, type Assistant } from '../../src/assistant.js';
import type { Channel, SendResult } from '../../src/channels/channel.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Engine } from '../../src/core/engine.js';
import type { ConversationAddress } from '../../src/store/schema.js';
import type { ChannelId, InboundMessage, OutboundReply } from '../../src/core/messages.js';
import { parseDirectory, type DirectoryView } from '../../src/directory/directory.js';
import { loadTranslations, type Translations } from '../../src/i18n/i18n.js';
import type { Language } from '../../src/i18n/languages.js';
import { silentLogger, type Log } from '../../src/log.js';
import { openMemoryStore, type Store } from '../../src/store/store.js';

export const FIXED_NOW = new Date('2026-11-24T10:00:00.000Z');

let translationsCache: Translations | undefined;
export async function translations(): Promise<Translations> {
  translationsCache ??= await loadTranslations('locales');
  return translationsCache;
}

export async function realDirectoryJson(): Promise<string> {
  return readFile('data/directory.json', 'utf8');
}

export async function realDirectory(): Promise<DirectoryView> {
  return parseDirectory(await realDirectoryJson(), 'data/directory.json');
}

/** The real directory after `personId` left it: nobody's backup any more, their schools handed to `successorId`. */
export async function directoryWithout(personId: string, successorId: string): Promise<DirectoryView> {
  const json = JSON.parse(await realDirectoryJson()) as { people: { id: string; backupId?: string }[]; schools: { liaisonId: string }[] };
  json.people = json.people.filter((p) => p.id !== personId).map((p) => ({ ...p, backupId: p.backupId === personId ? undefined : p.backupId }));
  json.schools = json.schools.map((s) => ({ ...s, liaisonId: s.liaisonId === personId ? successorId : s.liaisonId }));
  return parseDirectory(JSON.stringify(json), `without-${personId}.json`);
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  // The in-process scheduler stays off in tests: they tick it themselves with a fixed clock.
  return loadConfig({ PORT: '0', LOG_LEVEL: 'silent', NUDGES_ENABLED: 'false', BACKUP_INTERVAL_HOURS: '0', ...overrides });
}

/** A translator for expectations: `await text('nl', 'menu:prompt')`. */
export async function text(lang: Language, key: string, params?: Record<string, unknown>): Promise<string> {
  return (await translations()).translator(lang).t(key, params);
}

export interface EngineHarness extends Assistant {
  store: Store;
  directory: DirectoryView;
  setDirectory(d: DirectoryView): void;
  /** Proactive messages sent through the test channel, by conversation id. */
  sent: { address: ConversationAddress; replies: OutboundReply[]; language: Language }[];
}

/** A channel that records proactive sends, for tests (the 'test' channel). */
export class RecordingChannel implements Channel {
  readonly id = 'test' as const;
  readonly sent: { address: ConversationAddress; replies: OutboundReply[]; language: Language }[] = [];
  async start() {}
  async stop() {}
  async send(address: ConversationAddress, replies: OutboundReply[], language: Language): Promise<SendResult> {
    this.sent.push({ address, replies, language });
    return { ok: true };
  }
}

export async function engineHarness(options: { store?: Store; directory?: DirectoryView; clock?: () => Date; log?: Log; publicUrl?: string } = {}): Promise<EngineHarness> {
  const store = options.store ?? (await openMemoryStore(undefined, { checkChanges: true }));
  let directory = options.directory ?? (await realDirectory());
  const assistant = createAssistant({
    store,
    directory: () => directory,
    translations: await translations(),
    // As the app does without DEFAULT_LANGUAGE: the directory's.
    defaultLanguage: () => directory.data.defaultLanguage,
    clock: options.clock ?? (() => FIXED_NOW),
    log: options.log ?? silentLogger(),
    publicUrl: options.publicUrl,
  });
  const channel = new RecordingChannel();
  assistant.notifier.register(channel);
  return {
    ...assistant,
    store,
    sent: channel.sent,
    get directory() {
      return directory;
    },
    setDirectory: (d) => {
      directory = d;
    },
  };
}

/**
 * One user talking to the engine, like botbuilder-testing's DialogTestClient: `say`, `click`, and
 * the replies of the last turn.
 */
/**
 * Every reply of every dialog test is checked for a placeholder left unfilled ("{{school}}"): a text
 * whose parameters the code does not pass, or a question stored before its text gained one.
 */
function unfilledCheck(replies: OutboundReply[]): OutboundReply[] {
  const unfilled = /\{\{\s*[\w.]+[^}]*\}\}/.exec(JSON.stringify(replies));
  if (unfilled) throw new Error(`a reply has an unfilled placeholder ${unfilled[0]}: ${JSON.stringify(replies).slice(0, 300)}`);
  return replies;
}

export class TestUser {
  last: OutboundReply[] = [];

  constructor(
    readonly engine: Engine,
    readonly options: {
      channel?: ChannelId;
      id?: string;
      conversation?: string;
      locale?: string;
      platformUserId?: string;
      /** Replies may show "{{…}}" typed by someone (a comment shown as written). */
      bracesShown?: boolean;
    } = {},
  ) {}

  private checked(replies: OutboundReply[]): OutboundReply[] {
    return this.options.bracesShown ? replies : unfilledCheck(replies);
  }

  private inbound(partial: Partial<InboundMessage>): InboundMessage {
    const channel = this.options.channel ?? 'test';
    const id = this.options.id ?? 'teacher-1';
    const conversation = this.options.conversation ?? `conv-${id}`;
    return {
      kind: 'message',
      channel,
      userKey: `${channel}:${id}`,
      conversationKey: `${channel}:${conversation}`,
      platformUserId: this.options.platformUserId ?? id,
      text: '',
      localeHint: this.options.locale,
      address: { channel, conversationId: conversation, data: {} },
      ...partial,
    };
  }

  async start(): Promise<OutboundReply[]> {
    this.last = this.checked((await this.engine.handle(this.inbound({ kind: 'start' }))).replies);
    return this.last;
  }

  async say(text: string): Promise<OutboundReply[]> {
    this.last = this.checked((await this.engine.handle(this.inbound({ text }))).replies);
    return this.last;
  }

  /** Clicks the button with this value in the last question (fails when there is none). */
  async click(value: string): Promise<OutboundReply[]> {
    const choices = this.lastChoices();
    if (!choices.some((c) => c.value === value)) {
      throw new Error(`no button "${value}" in ${JSON.stringify(choices.map((c) => c.value))}`);
    }
    this.last = this.checked((await this.engine.handle(this.inbound({ choice: value }))).replies);
    return this.last;
  }

  /** Sends a button payload from an older message (or a notification), without checking the last question. */
  async press(value: string): Promise<OutboundReply[]> {
    this.last = this.checked((await this.engine.handle(this.inbound({ choice: value }))).replies);
    return this.last;
  }

  lastChoices(): { label: string; value: string }[] {
    const question = [...this.last].reverse().find((r) => r.kind === 'choices');
    return question?.kind === 'choices' ? question.choices : [];
  }

  /** Everything the bot said in the last turn, as plain text. */
  transcript(): string {
    return this.last
      .map((r) => {
        switch (r.kind) {
          case 'text':
            return r.text;
          case 'choices':
            return [r.text, ...r.choices.map((c) => `[${c.label}]`)].join('\n');
          case 'card':
            return [r.title, ...r.fields.map((f) => `${f.label}: ${f.value}`)].join('\n');
          case 'steps':
            return [r.title, ...r.steps.map((s) => `${s.title}: ${s.detail}`)].join('\n');
          case 'chart':
            return [r.title, ...r.bars.map((b) => `${b.label}: ${b.display}`)].join('\n');
        }
      })
      .join('\n');
  }
}

/** Answers the whole training survey with the same choices every time and sends it. */
export async function answerTrainingSurvey(user: TestUser): Promise<void> {
  await user.press('dialog:trainingNeeds');
  await user.click('school:harbour-secondary');
  await user.click('teacher');
  await user.click('onlineRadicalisation');
  await user.click('competences:done');
  await user.click('schoolTeam');
  await user.click('skip');
  await user.click('send');
}

/**
 * A distinct surname for the n-th simulated teacher, in letters only: the call-back form takes a
 * person's name, and refuses digits ("Teacher 12" would be asked again).
 */
export function surnameFor(n: number): string {
  // Consonants only: no surname can spell a word the name check refuses ("Bij" was 189 in a-j).
  const letters = [...String(n)].map((digit) => 'bcdfghjklm'[Number(digit)]).join('');
  return letters.charAt(0).toUpperCase() + letters.slice(1);
}

/** The call-back offer after the advice, as a teacher of this school sees it: it names who would call. */
export async function offerCallbackText(lang: Language, directory: DirectoryView, schoolId: string | null): Promise<string> {
  const handler = (schoolId ? directory.liaisonFor(schoolId) : undefined) ?? directory.data.people.find((p) => p.role === 'coordinator')!;
  return text(lang, 'concern:offerCallbackTo', { name: handler.name, role: await text(lang, `callback:handlerRole.${handler.role}`) });
}

/** "Are you sure? I will forget …" as the privacy dialog builds it from what is stored about the user. */
export async function confirmForgetText(lang: Language, parts: readonly string[]): Promise<string> {
  const { DATE_LOCALES } = await import('../../src/core/dates.js');
  const named = await Promise.all(parts.map((part) => text(lang, `privacy:forgetPart.${part}`)));
  return text(lang, 'privacy:confirmForget', { what: new Intl.ListFormat(DATE_LOCALES[lang], { type: 'conjunction' }).format(named) });
}
