import type { OutboundReply } from '../core/messages.js';
import type { Language } from '../i18n/languages.js';
import type { ConversationAddress } from '../store/schema.js';

/** The result of a proactive send; permanent failures are not retried. */
export type SendResult = { ok: true } | { ok: false; permanent: boolean; reason: string };

/**
 * A channel, like bolt's Receiver and lowdb's Adapter: a few verbs. Receiving is wired by the channel
 * itself onto the shared HTTP server; `send` delivers proactive messages (notifications, nudges).
 */
export interface Channel {
  readonly id: ConversationAddress['channel'];
  start(): Promise<void>;
  stop(): Promise<void>;
  send(address: ConversationAddress, replies: OutboundReply[], language: Language): Promise<SendResult>;
}
