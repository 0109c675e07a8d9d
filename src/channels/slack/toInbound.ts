import type { InboundMessage } from '../../core/messages.js';

/** Slack payloads → InboundMessage, pure. The conversation is always the user's direct message. */
export function slackInbound(fields: {
  userId: string;
  dmChannelId: string;
  text?: string;
  choice?: string;
  locale?: string;
}): InboundMessage {
  return {
    kind: 'message',
    channel: 'slack',
    userKey: `slack:${fields.userId}`,
    conversationKey: `slack:${fields.dmChannelId}`,
    platformUserId: fields.userId,
    text: fromSlackText(fields.text ?? '').trim(),
    ...(fields.choice !== undefined ? { choice: fields.choice } : {}),
    ...(fields.locale ? { localeHint: fields.locale } : {}),
    address: { channel: 'slack', conversationId: fields.dmChannelId, data: { userId: fields.userId } },
  };
}

/**
 * What the user typed, from Slack's encoding of it: Slack wraps what it recognises ("kim@oak.example"
 * arrives as `<mailto:kim@oak.example|kim@oak.example>`, a web address as `<https://…|…>`, a mention
 * as `<@U123>`) and escapes `&`, `<` and `>`. Without this, an e-mail address typed for a call-back
 * was refused and "Kim & Lee" was stored as "Kim &amp; Lee".
 */
export function fromSlackText(text: string): string {
  return text
    .replace(/<([^<>]*)>/g, (_, inner: string) => {
      const [target = '', label] = inner.split('|', 2) as [string, string | undefined];
      if (target.startsWith('@') || target.startsWith('#')) return label ? `${target[0]}${label.replace(/^[@#]/, '')}` : target;
      if (target.startsWith('!')) return label ?? `@${target.slice(1).split('^')[0]}`;
      // mailto:, tel:, http(s): what was typed is the label (else the target without its scheme for mailto/tel).
      return label ?? target.replace(/^(mailto|tel):/, '');
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Removes `<@U123>` mentions of the bot from a message text. */
export function withoutMentions(text: string, botUserId: string | undefined): string {
  const mention = botUserId ? new RegExp(`<@${botUserId}(\\|[^>]*)?>`, 'g') : /<@[A-Z0-9]+(\|[^>]*)?>/g;
  return text.replace(mention, ' ').replace(/\s+/g, ' ').trim();
}
