import type { CallbacksRepository } from '../store/callbacks.js';
import type { DialogStatesRepository } from '../store/dialogStates.js';
import type { NudgeLogRepository } from '../store/nudgeLog.js';
import type { CallbackRequest } from '../store/schema.js';
import type { UsersRepository } from '../store/users.js';
import type { WebConversationsRepository } from '../store/webConversations.js';
import type { PrivacyService, StoredAboutUser } from './services.js';
import type { TrainingService } from './training.js';

/**
 * One call-back request as the teacher who made it may see it: what they gave (their own name,
 * contact, note), for which school, who handles it, where it stands and when it was made. A copy:
 * changing it changes nothing in the store.
 */
export type StoredCallbackRequest = Readonly<
  Pick<CallbackRequest, 'status' | 'schoolId' | 'assigneeId' | 'urgency' | 'way' | 'window' | 'requesterName' | 'requesterContact' | 'note' | 'createdAt'>
>;

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
    private readonly nudgeLog: NudgeLogRepository,
    private readonly training: Pick<TrainingService, 'hasAnswered' | 'forgetAnswered'>,
  ) {}

  describe(userKey: string, personId?: string): StoredAboutUser {
    const user = this.users.get(userKey);
    const webConversations = userKey.startsWith('web:') ? this.web.idsOfUser(userKey.slice(4)) : [];
    const callbacks = this.callbacks
      .byRequester(userKey)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map(ownView);
    return {
      hasRecord: user !== undefined,
      language: user?.language,
      schoolId: user?.schoolId,
      channel: user?.channel,
      hasProactiveAddress: user?.address !== undefined,
      trainingReminder: user?.trainingReminder !== undefined,
      trainingAnswered: this.training.hasAnswered(userKey),
      nudgeSettings: personId !== undefined && Object.keys(this.nudgeLog.settings(personId)).length > 0,
      webConversations: webConversations.length,
      callbackRequests: callbacks.length,
      callbacks,
    };
  }

  forget(userKey: string, personId?: string): void {
    // An officer's nudge settings go (their work records, contacts logged and requests handled, stay).
    if (personId) this.nudgeLog.clearSettings(personId);
    const user = this.users.get(userKey);
    if (user?.address) this.dialogStates.delete(`${user.address.channel}:${user.address.conversationId}`);
    this.users.delete(userKey);
    // A call-back request carries the teacher's name and contact: it goes too (the request is withdrawn).
    this.callbacks.deleteByRequester(userKey);
    // Reminders sent to them (the training survey) are logged under their key: those records go too.
    this.nudgeLog.forgetRecipient(userKey);
    // So does the mark that they answered this year's survey (the answers carry no name: they stay).
    this.training.forgetAnswered(userKey);
    // The visible transcript of a web visitor goes too; the conversation itself stays open so the
    // confirmation can still be shown.
    if (userKey.startsWith('web:')) {
      for (const id of this.web.idsOfUser(userKey.slice(4))) this.web.clearHistory(id);
    }
  }
}

/** What the requester gave and where the request stands; not the ids, addresses or notification log. */
function ownView(r: CallbackRequest): StoredCallbackRequest {
  return {
    status: r.status,
    schoolId: r.schoolId,
    assigneeId: r.assigneeId,
    urgency: r.urgency,
    way: r.way,
    window: r.window,
    requesterName: r.requesterName,
    ...(r.requesterContact !== undefined ? { requesterContact: r.requesterContact } : {}),
    ...(r.note !== undefined ? { note: r.note } : {}),
    createdAt: r.createdAt,
  };
}
