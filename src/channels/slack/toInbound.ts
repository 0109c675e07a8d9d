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
    text: (fields.text ?? '').trim(),
    ...(fields.choice !== undefined ? { choice: fields.choice } : {}),
    ...(fields.locale ? { localeHint: fields.locale } : {}),
    address: { channel: 'slack', conversationId: fields.dmChannelId, data: { userId: fields.userId } },
  };
}

/** Removes `<@U123>` mentions of the bot from a message text. */
export function withoutMentions(text: string, botUserId: string | undefined): string {
  const mention = botUserId ? new RegExp(`<@${botUserId}(\\|[^>]*)?>`, 'g') : /<@[A-Z0-9]+(\|[^>]*)?>/g;
  return text.replace(mention, ' ').replace(/\s+/g, ' ').trim();
}
