import type { Activity, ConversationReference } from 'botbuilder';
import type { InboundMessage } from '../../core/messages.js';
import type { JsonValue } from '../../store/schema.js';

/**
 * A Teams activity → InboundMessage, pure. The identity is the user's Azure AD object id (what the
 * directory lists as teamsUserId); a card submit's `value.choice` is the answer.
 */
export function teamsInbound(
  activity: Partial<Activity>,
  reference: Partial<ConversationReference>,
  text: string,
  { kind = 'message', authenticated }: { kind?: InboundMessage['kind']; authenticated: boolean },
): InboundMessage {
  // AAD object ids are GUIDs, compared in lower case (the directory's are lower-cased when it loads).
  const userId = activity.from?.aadObjectId?.toLowerCase() ?? activity.from?.id ?? 'unknown';
  const conversationId = activity.conversation?.id ?? 'unknown';
  const value = activity.value as { choice?: unknown } | undefined;
  const choice = typeof value?.choice === 'string' && value.choice.length <= 200 ? value.choice : undefined;
  return {
    kind,
    channel: 'teams',
    userKey: `teams:${userId}`,
    conversationKey: `teams:${conversationId}`,
    platformUserId: userId,
    text: choice === undefined ? text.trim() : '',
    ...(choice !== undefined ? { choice } : {}),
    ...(activity.locale ? { localeHint: activity.locale } : {}),
    // A reference taken while no app id was set came with no token: its serviceUrl is whatever the
    // sender wrote. Marked, so that it never receives the bot's token once an app id is set.
    address: { channel: 'teams', conversationId, data: { reference: storedReference(reference), ...(authenticated ? {} : { unverified: true }) } },
  };
}

/**
 * What is kept of a conversation reference to write to the user later: not their display name
 * (the assistant calls them anonymous) nor the id of the message it came with.
 */
function storedReference(reference: Partial<ConversationReference>): JsonValue {
  const copy = JSON.parse(JSON.stringify(reference)) as Record<string, unknown> & { user?: Record<string, unknown> };
  delete copy.activityId;
  if (copy.user) delete copy.user.name;
  return copy as JsonValue;
}
