import { ownRecord } from './ownRecord.js';
import type { Store } from './store.js';
import type { StoredActivity, WebConversation } from './schema.js';

/** How many activities a web conversation keeps; older ones are trimmed (the watermark stays absolute). */
export const MAX_ACTIVITIES_PER_CONVERSATION = 300;

/** Web chat conversations, tokens and history: the only module that touches `data.webConversations`. */
export class WebConversationsRepository {
  constructor(private readonly store: Store) {}

  get(id: string): WebConversation | undefined {
    return ownRecord(this.store.data.webConversations, id);
  }

  /** How many conversations are open. */
  count(): number {
    return Object.keys(this.store.data.webConversations).length;
  }

  create(conversation: WebConversation): void {
    this.store.data.webConversations[conversation.id] = conversation;
    this.store.conversationChanged(conversation.id, { rewrite: true });
  }

  /**
   * The web channel changes tokens, the locale and the started mark in place; it calls this so they
   * are written. (The last activity time needs no call: it is written whenever the conversation is.)
   */
  touched(id: string): void {
    this.store.conversationChanged(id, { meta: true });
  }

  /** Appends activities and returns the watermark after them. */
  append(id: string, activities: StoredActivity[]): number {
    const conv = ownRecord(this.store.data.webConversations, id);
    if (!conv) throw new Error(`unknown web conversation ${id}`);
    this.store.conversationChanged(id, { appendFrom: conv.firstWatermark + conv.activities.length });
    conv.activities.push(...activities);
    const excess = conv.activities.length - MAX_ACTIVITIES_PER_CONVERSATION;
    if (excess > 0) {
      const trim = Math.max(excess, Math.floor(MAX_ACTIVITIES_PER_CONVERSATION / 3));
      conv.activities.splice(0, trim);
      conv.firstWatermark += trim;
      this.store.conversationChanged(id, { trimmed: true });
    }
    return conv.firstWatermark + conv.activities.length;
  }

  delete(id: string): boolean {
    const existed = Object.hasOwn(this.store.data.webConversations, id);
    delete this.store.data.webConversations[id];
    this.store.conversationChanged(id);
    return existed;
  }

  /** Ids of conversations idle since before `cutoff`. */
  idleSince(cutoff: Date): string[] {
    const limit = cutoff.toISOString();
    return Object.values(this.store.data.webConversations)
      .filter((c) => c.lastActiveAt < limit)
      .map((c) => c.id);
  }

  idsOfUser(userId: string): string[] {
    return Object.values(this.store.data.webConversations)
      .filter((c) => c.userId === userId)
      .map((c) => c.id);
  }

  /** Drops the stored transcript, keeping the watermark moving forward for connected clients. */
  clearHistory(id: string): void {
    const conv = this.store.data.webConversations[id];
    if (!conv) return;
    conv.firstWatermark += conv.activities.length;
    conv.activities = [];
    this.store.conversationChanged(id, { trimmed: true });
  }
}
