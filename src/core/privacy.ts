import type { CallbacksRepository } from '../store/callbacks.js';
import type { DialogStatesRepository } from '../store/dialogStates.js';
import type { UsersRepository } from '../store/users.js';
import type { WebConversationsRepository } from '../store/webConversations.js';
import type { PrivacyService, StoredAboutUser } from './services.js';

/**
 * Answers "what do you store about me" and "delete my data" across every collection that can hold
 * something about a user. A new collection with user data must be added here.
 */
export class StorePrivacyService implements PrivacyService {
  constructor(
    private readonly users: UsersRepository,
    private readonly dialogStates: DialogStatesRepository,
    private readonly web: WebConversationsRepository,
    private readonly callbacks: CallbacksRepository,
  ) {}

  describe(userKey: string): StoredAboutUser {
    const user = this.users.get(userKey);
    const webConversations = userKey.startsWith('web:') ? this.web.idsOfUser(userKey.slice(4)) : [];
    return {
      hasRecord: user !== undefined,
      language: user?.language,
      schoolId: user?.schoolId,
      channel: user?.channel,
      hasProactiveAddress: user?.address !== undefined,
      webConversations: webConversations.length,
      callbackRequests: this.callbacks.byRequester(userKey).length,
    };
  }

  forget(userKey: string): void {
    const user = this.users.get(userKey);
    if (user?.address) this.dialogStates.delete(`${user.address.channel}:${user.address.conversationId}`);
    this.users.delete(userKey);
    // A call-back request carries the teacher's name and contact: it goes too (the request is withdrawn).
    this.callbacks.deleteByRequester(userKey);
    // The visible transcript of a web visitor goes too; the conversation itself stays open so the
    // confirmation can still be shown.
    if (userKey.startsWith('web:')) {
      for (const id of this.web.idsOfUser(userKey.slice(4))) this.web.clearHistory(id);
    }
  }
}
