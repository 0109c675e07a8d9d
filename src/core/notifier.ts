import type { Channel } from '../channels/channel.js';
import type { DirectoryView } from '../directory/directory.js';
import type { Person } from '../directory/schema.js';
import type { Translations, Translator } from '../i18n/i18n.js';
import { resolveLanguage, type Language } from '../i18n/languages.js';
import type { Log } from '../log.js';
import type { ConversationAddress } from '../store/schema.js';
import type { UsersRepository } from '../store/users.js';
import type { ChannelId, OutboundReply } from './messages.js';

/** failed: worth retrying later; unreachable: the platform refused for good; no-address: no way to reach them. */
export type DeliveryResult = 'sent' | 'failed' | 'unreachable' | 'no-address';

/**
 * Proactive messages (notifications, acknowledgements) through whichever channel the recipient
 * uses. Channels register themselves once the app has built them; the core never imports one.
 */
export class Notifier {
  private readonly channels = new Map<ChannelId, Channel>();

  constructor(
    private readonly users: UsersRepository,
    private readonly directory: () => DirectoryView,
    private readonly translations: Translations,
    private readonly log: Log,
    private readonly clock: () => Date,
  ) {}

  register(channel: Channel): void {
    this.channels.set(channel.id, channel);
  }

  /** The user keys under which a directory person may have talked to the assistant. */
  static keysOf(person: Person): string[] {
    return [
      ...(person.slackUserId ? [`slack:${person.slackUserId}`] : []),
      ...(person.teamsUserId ? [`teams:${person.teamsUserId}`] : []),
      // The test channel exists only in tests; there the directory id is the platform id.
      `test:${person.id}`,
    ];
  }

  /**
   * Whether a message to this person has somewhere to go: a conversation they had with the assistant
   * on a platform that has not refused them, or a Slack id (Slack opens a direct message from it).
   * A Teams officer who never opened the app cannot be reached until they do.
   */
  canReach(person: Person): boolean {
    return Notifier.keysOf(person).some((key) => {
      const user = this.users.get(key);
      if (user?.unreachable) return false;
      const address = user?.address ?? this.directAddress(key);
      return address !== undefined && this.channels.has(address.channel);
    });
  }

  /** Whether any channel that writes first to officers is switched on (Slack, Teams; the web chat cannot). */
  hasOfficerChannel(): boolean {
    return [...this.channels.keys()].some((id) => id !== 'web');
  }

  async toPerson(personId: string, build: (tr: Translator) => OutboundReply[]): Promise<DeliveryResult> {
    const person = this.directory().person(personId);
    if (!person) return 'no-address';
    // Over several channels, the most hopeful outcome counts: a transient failure is worth a retry.
    const rank: Record<DeliveryResult, number> = { sent: 3, failed: 2, unreachable: 1, 'no-address': 0 };
    let result: DeliveryResult = 'no-address';
    for (const key of Notifier.keysOf(person)) {
      const user = this.users.get(key);
      const address = user?.address ?? this.directAddress(key);
      if (!address) continue;
      const language = resolveLanguage(user?.language, user?.localeHint, person.languages[0]!);
      const outcome = user?.unreachable ? 'unreachable' : await this.toAddress(address, language, build, key);
      if (outcome === 'sent') return outcome;
      if (rank[outcome] > rank[result]) result = outcome;
    }
    this.log.warn({ event: 'notify_undelivered', person: personId, result });
    return result;
  }

  /** To a user who is not in the directory (a teacher), by their stored address, in their language. */
  async toUser(userKey: string, build: (tr: Translator) => OutboundReply[], fallback: Language): Promise<DeliveryResult> {
    const user = this.users.get(userKey);
    if (!user?.address) return 'no-address';
    if (user.unreachable) return 'unreachable';
    return this.toAddress(user.address, resolveLanguage(user.language, user.localeHint, fallback), build, userKey);
  }

  /**
   * Slack can open a direct message from a user id alone, so a liaison officer listed with a Slack id
   * is reachable before ever writing to the assistant. Teams needs a stored conversation reference.
   */
  private directAddress(userKey: string): ConversationAddress | undefined {
    if (!userKey.startsWith('slack:') || !this.channels.has('slack')) return undefined;
    return { channel: 'slack', conversationId: '', data: { userId: userKey.slice('slack:'.length) } };
  }

  async toAddress(
    address: ConversationAddress,
    language: Language,
    build: (tr: Translator) => OutboundReply[],
    userKey?: string,
  ): Promise<DeliveryResult> {
    const channel = this.channels.get(address.channel);
    if (!channel) return 'no-address';
    try {
      const outcome = await channel.send(address, build(this.translations.translator(language)), language);
      if (!outcome.ok) {
        this.log.warn({ event: 'notify_failed', channel: address.channel, reason: outcome.reason, permanent: outcome.permanent });
        // Recorded, not retried forever; cleared when the user writes again.
        if (outcome.permanent && userKey) this.users.markUnreachable(userKey, outcome.reason, this.clock());
      }
      if (outcome.ok) return 'sent';
      return outcome.permanent ? 'unreachable' : 'failed';
    } catch (err) {
      this.log.error({ event: 'notify_failed', channel: address.channel, err: String(err) });
      return 'failed';
    }
  }
}
