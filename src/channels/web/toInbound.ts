import { z } from 'zod';
import type { InboundMessage } from '../../core/messages.js';
import { isLocaleTag } from '../../i18n/languages.js';

/** The part of a posted Direct Line activity we read; everything else is ignored. */
export const PostedActivity = z.object({
  type: z.string().min(1).max(50),
  text: z.string().optional(),
  value: z.unknown().optional(),
  locale: z.string().max(35).optional(),
  channelData: z.object({ clientActivityID: z.string().max(200).optional() }).loose().optional(),
});
export type PostedActivity = z.infer<typeof PostedActivity>;

const ChoiceValue = z.object({ choice: z.string().min(1).max(200) });

/** A posted message activity → InboundMessage. Identity comes from the token, never from the body. */
export function webToInbound(activity: PostedActivity, conversationId: string, visitorId: string): InboundMessage {
  // Typed text has no value: skip the check rather than build a validation error on every message.
  const choice = activity.value === undefined ? undefined : ChoiceValue.safeParse(activity.value);
  return {
    kind: 'message',
    channel: 'web',
    userKey: `web:${visitorId}`,
    conversationKey: `web:${conversationId}`,
    text: (activity.text ?? '').trim(),
    choice: choice?.success ? choice.data.choice : undefined,
    // Only a language tag: anything else is not a hint (and would be kept with the user).
    ...(isLocaleTag(activity.locale) ? { localeHint: activity.locale } : {}),
    address: { channel: 'web', conversationId, data: {} },
  };
}
