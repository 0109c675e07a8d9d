import type { ConversationAddress } from '../store/schema.js';

/** The channel-neutral messages the engine consumes and produces. Channels translate to and from these. */
export type ChannelId = ConversationAddress['channel'];

/**
 * The longest message the engine reads, on every channel (the web chat's own limit,
 * WEB_MAX_MESSAGE_LENGTH, may only be lower). Teams and Slack deliver much longer texts; no answer
 * needs more than a few hundred characters, and everything typed goes through the checks for
 * identifying text, whose work grows with the length.
 */
export const MAX_TYPED_LENGTH = 10_000;

export interface InboundMessage {
  /** `start`: the conversation was opened (web chat created, bot installed); `message`: the user said something. */
  kind: 'start' | 'message';
  channel: ChannelId;
  /** `${channel}:${platform user id}` */
  userKey: string;
  /** `${channel}:${platform conversation id}` */
  conversationKey: string;
  /** The platform's own user id, used to look up a role in the directory. */
  platformUserId?: string;
  text: string;
  /** A button payload, when the user clicked instead of typing. */
  choice?: string;
  /** Teams activity.locale, Slack users.info locale, the browser's language. */
  localeHint?: string;
  /** Where proactive messages for this user go. */
  address?: ConversationAddress;
}

export interface Choice {
  label: string;
  value: string;
}

export interface Field {
  label: string;
  value: string;
}

export type OutboundReply =
  | { kind: 'text'; text: string }
  | { kind: 'choices'; text: string; choices: Choice[] }
  /** A block of labelled facts, e.g. a contact person's phone, e-mail and hours. */
  | { kind: 'card'; title: string; fields: Field[] }
  /** An ordered list, e.g. what will happen next. */
  | { kind: 'steps'; title: string; steps: { title: string; detail: string }[] }
  /** A bar chart; `display` is the value as shown (e.g. "12" or "fewer than 5"), always given as text. */
  | { kind: 'chart'; title: string; bars: { label: string; value: number; display: string }[] }
  /** A sentence and a link that opens in the browser (a file to download, see ExportService). */
  | { kind: 'link'; text: string; label: string; url: string };

/** A bar of block characters for text channels; the number is always written next to it. */
export function textBar(value: number, max: number, width = 12): string {
  const filled = max > 0 ? Math.round((value / max) * width) : 0;
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

/** "label: value" as the reader's language writes it (`common:labelled`: French puts a space before the colon). */
export type Labelled = (label: string, value: string) => string;
/** The default where no language is at hand (English punctuation). */
export const plainLabelled: Labelled = (label, value) => `${label}: ${value}`;

/** The plain-text rendering every channel can fall back to (Slack's `text`, notifications, screen readers). */
export function replyAsPlainText(reply: OutboundReply, labelled: Labelled = plainLabelled): string {
  switch (reply.kind) {
    case 'text':
      return reply.text;
    case 'choices':
      return [reply.text, ...reply.choices.map((c, i) => `${i + 1}. ${c.label}`)].join('\n');
    case 'card':
      return [reply.title, ...reply.fields.map((f) => labelled(f.label, f.value))].join('\n');
    case 'steps':
      return [reply.title, ...reply.steps.map((s, i) => `${i + 1}. ${labelled(s.title, s.detail)}`)].join('\n');
    case 'chart': {
      const max = Math.max(0, ...reply.bars.map((b) => b.value));
      return [reply.title, ...reply.bars.map((b) => `${textBar(b.value, max)} ${b.display}  ${b.label}`)].join('\n');
    }
    case 'link':
      // Not the URL: this text is what notifications and previews show, and the link is the permission to the file.
      return `${reply.text}\n${reply.label}`;
  }
}
