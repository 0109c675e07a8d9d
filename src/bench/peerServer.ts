import { randomUUID } from 'node:crypto';
import { ActivityHandler, BotAdapter, TurnContext, type Activity, type ConversationReference, type ResourceResponse } from 'botbuilder';
import { WebChannel } from '../channels/web/webChannel.js';
import { loadConfig } from '../config.js';
import type { TurnHandler, TurnHooks, TurnOutcome } from '../core/engine.js';
import type { InboundMessage, OutboundReply } from '../core/messages.js';
import { createHttpServer } from '../http/server.js';
import { silentLogger } from '../log.js';
import { DialogStatesRepository } from '../store/dialogStates.js';
import { openMemoryStore } from '../store/store.js';
import { UsersRepository } from '../store/users.js';
import { WebConversationsRepository } from '../store/webConversations.js';

/**
 * Benchmark "peer": what a team starting from Bot Framework's samples would have, a plain botbuilder
 * echo bot (ActivityHandler, in-memory state as in the samples), behind the same Direct Line endpoint.
 */
class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      await context.sendActivity(`Echo: ${context.activity.text ?? ''}`);
      await next();
    });
  }
}

/** An in-process adapter: the bot's sends are collected as the turn's replies. */
class InProcessAdapter extends BotAdapter {
  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const replies = context.turnState.get('replies') as OutboundReply[];
    for (const a of activities) if (a.type === 'message') replies.push({ kind: 'text', text: a.text ?? '' });
    return activities.map(() => ({ id: randomUUID() }));
  }
  async updateActivity(): Promise<void> {}
  async deleteActivity(): Promise<void> {}
  async continueConversation(_ref: Partial<ConversationReference>, _logic: (context: TurnContext) => Promise<void>): Promise<void> {}
  run(activity: Partial<Activity>, replies: OutboundReply[], logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const context = new TurnContext(this, activity);
    context.turnState.set('replies', replies);
    return this.runMiddleware(context, logic);
  }
}

const bot = new EchoBot();
const adapter = new InProcessAdapter();
const store = await openMemoryStore();

const handler: TurnHandler = {
  async handle(inbound: InboundMessage, hooks: TurnHooks = {}): Promise<TurnOutcome> {
    const replies: OutboundReply[] = [];
    if (inbound.kind === 'message') {
      await adapter.run(
        {
          type: 'message',
          id: randomUUID(),
          text: inbound.text,
          channelId: 'directline',
          from: { id: inbound.userKey, name: 'user' },
          recipient: { id: 'bot', name: 'bot' },
          conversation: { id: inbound.conversationKey, isGroup: false, conversationType: 'personal', name: '' },
          serviceUrl: 'http://localhost',
        },
        replies,
        (context) => bot.run(context),
      );
    }
    hooks.beforeCommit?.(replies, 'en', {});
    await store.commit();
    return { replies, language: 'en', committed: true };
  },
  idle: async () => undefined,
};

const config = loadConfig({ LOG_LEVEL: 'silent', WEB_RATE_LIMIT_PER_MINUTE: '10000000', WEB_RATE_LIMIT_PER_TOKEN_PER_MINUTE: '10000000' });
const log = silentLogger();
const http = createHttpServer(log, []);
const web = new WebChannel({
  config: config.web,
  publicUrl: undefined,
  http,
  engine: handler,
  store,
  conversations: new WebConversationsRepository(store),
  users: new UsersRepository(store),
  dialogStates: new DialogStatesRepository(store),
  log,
  clock: () => new Date(),
});
await web.start();
const address = await http.start(0, '127.0.0.1');
process.stdout.write(`listening http://127.0.0.1:${address.port}\n`);
