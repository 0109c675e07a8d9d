import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  TurnContext,
  type Activity,
  type ConversationReference,
} from 'botbuilder';
import restify, { type Request, type Response } from 'restify';
import { z } from 'zod';
import type { Config } from '../../config.js';
import type { Engine } from '../../core/engine.js';
import type { OutboundReply } from '../../core/messages.js';
import type { HttpServer } from '../../http/server.js';
import type { Language } from '../../i18n/languages.js';
import type { Log } from '../../log.js';
import type { ProcessedEventsRepository } from '../../store/processedEvents.js';
import type { ConversationAddress } from '../../store/schema.js';
import type { Channel, SendResult } from '../channel.js';
import { renderForTeams } from './render.js';
import { teamsInbound } from './toInbound.js';

export const TEAMS_MESSAGES_PATH = '/api/messages';

/** The fields of an incoming activity the channel relies on; the rest is the SDK's business. */
const IncomingActivity = z.object({
  type: z.string().min(1).max(50),
  id: z.string().max(200).optional(),
  serviceUrl: z.url({ protocol: /^https?$/ }),
  channelId: z.string().min(1).max(50),
  from: z.object({ id: z.string().min(1).max(200), aadObjectId: z.string().max(100).optional() }).loose(),
  conversation: z.object({ id: z.string().min(1).max(500) }).loose(),
  recipient: z.object({ id: z.string().min(1).max(200) }).loose().optional(),
  text: z.string().max(10_000).optional(),
  locale: z.string().max(35).optional(),
}).loose();
/** The connector no longer accepts this reference: the bot was removed, or the user left. */
const STALE_STATUSES = new Set([401, 403, 404]);
const GREETED_TTL_MS = 10 * 365 * 86_400_000;
const ACTIVITY_TTL_MS = 2 * 3_600_000;

export interface TeamsChannelDeps {
  config: NonNullable<Config['teams']>;
  http: HttpServer;
  engine: Engine;
  processedEvents: ProcessedEventsRepository;
  log: Log;
  clock: () => Date;
}

/**
 * Microsoft Teams through botbuilder's CloudAdapter, mounted at POST /api/messages. The only folder
 * that imports botbuilder, so a move to its successor SDK (Microsoft 365 Agents SDK) touches only it.
 */
export class TeamsChannel implements Channel {
  readonly id = 'teams' as const;
  private readonly adapter: CloudAdapter;

  constructor(private readonly deps: TeamsChannelDeps) {
    const { config, log } = deps;
    this.adapter = new CloudAdapter(
      new ConfigurationBotFrameworkAuthentication({
        MicrosoftAppId: config.appId ?? '',
        MicrosoftAppPassword: config.appPassword ?? '',
        MicrosoftAppType: config.appType,
        MicrosoftAppTenantId: config.tenantId ?? '',
      }),
    );
    this.adapter.onTurnError = async (_context, error) => {
      log.error({ event: 'teams_turn_failed', err: String(error) });
    };
    deps.http.server.post(
      TEAMS_MESSAGES_PATH,
      restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false, mapFiles: false }),
      async (req: Request, res: Response) => {
        // Anything that is not a Bot Framework activity gets a 400 before the SDK sees it.
        if (!req.is('json') || !IncomingActivity.safeParse(req.body).success) {
          res.json(400, { error: { code: 'BadArgument', message: 'Expected a Bot Framework activity.' } });
          return;
        }
        await this.adapter.process(req as never, res as never, (context) => this.onTurn(context));
      },
    );
  }

  async start(): Promise<void> {
    if (!this.deps.config.appId) {
      this.deps.log.warn(
        { event: 'teams_unauthenticated' },
        'TEAMS RUNS UNAUTHENTICATED: MicrosoftAppId is not set, so /api/messages accepts unsigned requests. Use this only for local testing.',
      );
    }
  }

  async stop(): Promise<void> {}

  /**
   * Proactive message through a stored conversation reference. 401/403/404 mark the reference stale
   * (permanent: recorded, not retried). 429 and 5xx are already retried by the connector client's
   * pipeline (exponential back-off honouring Retry-After, three retries at most), so a failure that
   * reaches us is reported to the caller, who tries again on a later tick.
   */
  async send(address: ConversationAddress, replies: OutboundReply[], _language: Language): Promise<SendResult> {
    const reference = address.data.reference as Partial<ConversationReference> | undefined;
    if (!reference?.serviceUrl) return { ok: false, permanent: true, reason: 'no_reference' };
    let failure: unknown;
    // CloudAdapter hands errors inside the callback to onTurnError and swallows them: catch them here.
    await this.adapter.continueConversationAsync(this.deps.config.appId ?? '', reference, async (context) => {
      try {
        await context.sendActivities(replies.map(renderForTeams));
      } catch (err) {
        failure = err;
      }
    });
    if (failure === undefined) return { ok: true };
    const status = (failure as { statusCode?: number }).statusCode ?? 0;
    if (STALE_STATUSES.has(status)) return { ok: false, permanent: true, reason: `stale_reference_${status}` };
    this.deps.log.warn({ event: 'teams_send_failed', status });
    return { ok: false, permanent: false, reason: `connector_${status || 'unreachable'}` };
  }

  private async onTurn(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const reference = TurnContext.getConversationReference(activity);
    const { engine, processedEvents, clock } = this.deps;
    if (activity.type === 'message') {
      // The connector may deliver an activity twice; a turn runs once.
      if (activity.id && !processedEvents.claim(`teams:${activity.conversation.id}:${activity.id}`, clock(), ACTIVITY_TTL_MS)) return;
      const text = TurnContext.removeRecipientMention(activity as Activity) ?? activity.text ?? '';
      const outcome = await engine.handle(teamsInbound(activity, reference, text));
      await context.sendActivities(outcome.replies.map(renderForTeams));
      return;
    }
    if (activity.type === 'conversationUpdate' && activity.membersAdded?.length) {
      // Installed, or a member added: greet once per conversation, in the user's language.
      if (!processedEvents.claim(`teams:greeted:${activity.conversation.id}`, clock(), GREETED_TTL_MS)) return;
      const outcome = await engine.handle(teamsInbound(activity, reference, '', 'start'));
      await context.sendActivities(outcome.replies.map(renderForTeams));
    }
  }
}
