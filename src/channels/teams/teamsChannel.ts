import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  TurnContext,
  type Activity,
  type ConversationReference,
} from 'botbuilder';
import type { Request, Response } from 'restify';
import { z } from 'zod';
import type { Config } from '../../config.js';
import type { Engine } from '../../core/engine.js';
import { KeyedQueue } from '../../core/keyedQueue.js';
import type { OutboundReply } from '../../core/messages.js';
import { jsonBody } from '../../http/jsonBody.js';
import type { HttpServer } from '../../http/server.js';
import type { Translations } from '../../i18n/i18n.js';
import { resolveLanguage, type Language } from '../../i18n/languages.js';
import type { Log } from '../../log.js';
import type { ProcessedEventsRepository } from '../../store/processedEvents.js';
import type { ConversationAddress } from '../../store/schema.js';
import type { Channel, SendResult } from '../channel.js';
import { renderForTeams } from './render.js';
import { teamsInbound } from './toInbound.js';

export const TEAMS_MESSAGES_PATH = '/api/messages';

/**
 * An entity the SDK reads when it strips the bot's @mention from the text: a mention without its
 * text or the mentioned id would make that throw in the middle of a turn.
 */
const Entity = z
  .object({ type: z.string().min(1).max(100), text: z.string().max(1000).optional(), mentioned: z.object({ id: z.string().max(200) }).loose().optional() })
  .loose()
  .refine((e) => e.type.toLowerCase() !== 'mention' || (e.text !== undefined && e.mentioned !== undefined), 'a mention needs its text and the mentioned id'); // the SDK compares the type in lower case

/** The fields of an incoming activity the channel relies on; the rest is the SDK's business. */
const IncomingActivity = z.object({
  type: z.string().min(1).max(50),
  id: z.string().max(200).optional(),
  serviceUrl: z.url({ protocol: /^https?$/ }),
  channelId: z.string().min(1).max(50),
  from: z.object({ id: z.string().min(1).max(200), aadObjectId: z.string().max(100).optional() }).loose(),
  conversation: z.object({ id: z.string().min(1).max(500), conversationType: z.string().max(50).optional() }).loose(),
  recipient: z.object({ id: z.string().min(1).max(200) }).loose(),
  // Up to Teams' own message size: a longer paste gets the engine's "too long", not a silent 400.
  text: z.string().max(60_000).optional(),
  locale: z.string().max(35).optional(),
  entities: z.array(Entity).max(50).optional(),
  membersAdded: z.array(z.object({ id: z.string().max(200) }).loose()).max(500).optional(),
  channelData: z.object({ tenant: z.object({ id: z.string().max(100) }).loose().optional() }).loose().optional(),
}).loose();
type IncomingActivity = z.infer<typeof IncomingActivity>;

/**
 * The connector no longer accepts this reference: the bot was removed, or the user left. A 401 is
 * not among them: it means the connector refused our own credentials, which is true for every
 * recipient at once and must not mark them all unreachable.
 */
const STALE_STATUSES = new Set([403, 404]);
const ACTIVITY_TTL_MS = 2 * 3_600_000;
/**
 * Bot Framework can deliver one bot registration's activities from several channels (Web Chat,
 * Direct Line), where a client may choose its own user id. Identities here are Teams identities,
 * so only Teams may post; the Bot Framework Emulator too, in the unauthenticated local mode.
 */
const TEAMS_CHANNEL = 'msteams';
const EMULATOR_CHANNEL = 'emulator';

export interface TeamsChannelDeps {
  config: NonNullable<Config['teams']>;
  http: HttpServer;
  engine: Engine;
  processedEvents: ProcessedEventsRepository;
  translations: Translations;
  /** A getter: DEFAULT_LANGUAGE when set, else the directory's defaultLanguage, which a reload may change. */
  defaultLanguage: () => Language;
  log: Log;
  clock: () => Date;
  /** How a throttled reply is waited out; injectable so tests need not sleep. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Waits before trying a reply again that Teams throttled (429) without saying how long to wait. The
 * connector client retries a 429 only when it carries Retry-After (and 5xx with its own back-off);
 * without this, such a reply was lost. Short, because the user is waiting and so is the connector's
 * request.
 */
export const THROTTLED_REPLY_WAITS_MS = [1_000, 3_000] as const;

/**
 * Microsoft Teams through botbuilder's CloudAdapter, mounted at POST /api/messages. The only folder
 * that imports botbuilder, so a move to its successor SDK (Microsoft 365 Agents SDK) touches only it.
 */
/**
 * CloudAdapter whose `process` prints any error, a failed sign-in included, to the console as a
 * multi-line stack: anyone could fill the log that way, outside its format. This one hands errors
 * back, for the channel to log as one event.
 */
class TeamsAdapter extends CloudAdapter {
  async handle(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>) {
    return this.processActivity(authHeader, activity, logic);
  }
}

/** Activity timestamps as the SDK expects them (what its own `process` does before processing). */
function withDates(activity: Record<string, unknown>): Activity {
  const out: Record<string, unknown> = { ...activity };
  for (const field of ['timestamp', 'localTimestamp', 'expiration'] as const) {
    const value = out[field];
    if (typeof value === 'string') {
      out[`raw${field[0]!.toUpperCase()}${field.slice(1)}`] = value;
      out[field] = new Date(value);
    }
  }
  return out as unknown as Activity;
}

export class TeamsChannel implements Channel {
  readonly id = 'teams' as const;
  private readonly adapter: TeamsAdapter;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly replyQueue = new KeyedQueue();
  /** With an app id, every incoming activity's token is checked (and its serviceUrl with it). */
  private readonly authenticated: boolean;

  constructor(private readonly deps: TeamsChannelDeps) {
    this.authenticated = Boolean(deps.config.appId);
    const { config, log } = deps;
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.adapter = new TeamsAdapter(
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
      jsonBody(256 * 1024),
      async (req: Request, res: Response) => {
        // Anything that is not a Bot Framework activity gets a 400 before the SDK sees it.
        const parsed = req.is('json') ? IncomingActivity.safeParse(req.body) : undefined;
        if (!parsed?.success) {
          res.json(400, { error: { code: 'BadArgument', message: 'Expected a Bot Framework activity.' } });
          return;
        }
        const refusal = this.refusal(parsed.data);
        if (refusal) {
          log.warn({ event: 'teams_activity_refused', reason: refusal });
          res.json(403, { error: { code: 'Forbidden', message: 'This endpoint accepts Microsoft Teams activities of the configured tenant only.' } });
          return;
        }
        // The SDK checks the token, including that it was issued for the activity's channel.
        try {
          const invoke = await this.adapter.handle(req.headers.authorization ?? '', withDates(req.body as Record<string, unknown>), (context) => this.onTurn(context, parsed.data));
          if (invoke?.body !== undefined) res.json(invoke.status ?? 200, invoke.body);
          else res.send(invoke?.status ?? 200);
        } catch (err) {
          const status = (err as { statusCode?: number }).statusCode;
          if (status === 401 || status === 403) {
            log.warn({ event: 'teams_unauthorized', status });
            res.json(401, { error: { code: 'Unauthorized', message: 'A valid Bot Framework token is required.' } });
          } else {
            // Turn errors go to onTurnError; what reaches here failed before the turn, in checking the
            // token (the key service unreachable, say): the connector may try again shortly.
            log.error({ event: 'teams_activity_failed', err: String(err) });
            res.setHeader('Retry-After', '5');
            res.json(503, { error: { code: 'ServiceUnavailable', message: 'The activity could not be checked now; please try again.' } });
          }
        }
      },
    );
  }

  async start(): Promise<void> {
    if (!this.deps.config.appId) {
      this.deps.log.warn(
        { event: 'teams_unauthenticated' },
        'TEAMS RUNS UNAUTHENTICATED: MicrosoftAppId is not set, so /api/messages accepts unsigned requests. Use this only for local testing.',
      );
    } else if (!this.deps.config.tenantId) {
      this.deps.log.warn(
        { event: 'teams_any_tenant' },
        'Teams accepts users of any Microsoft 365 tenant that installs the app; set MicrosoftAppTenantId to accept only yours.',
      );
    }
  }

  /** Why an activity is refused before the SDK sees it: another channel, or another tenant. */
  private refusal(activity: IncomingActivity): string | undefined {
    const { appId, tenantId } = this.deps.config;
    const channels = appId ? [TEAMS_CHANNEL] : [TEAMS_CHANNEL, EMULATOR_CHANNEL];
    if (!channels.includes(activity.channelId)) return 'channel';
    // Tenant ids are GUIDs: compared without regard to case.
    if (tenantId && activity.channelId === TEAMS_CHANNEL && activity.channelData?.tenant?.id?.toLowerCase() !== tenantId.toLowerCase()) return 'tenant';
    return undefined;
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
    // Taken without authentication (a forged activity could have named any serviceUrl), and the
    // connector client would now sign the request with the bot's token: not sent. The user's next
    // message brings a verified reference (and hears that messages were missed).
    if (this.authenticated && address.data.unverified === true) return { ok: false, permanent: true, reason: 'unverified_reference' };
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
    if (status === 401) this.deps.log.error({ event: 'teams_credentials_refused', status }, 'The Bot Connector refused our credentials: check MicrosoftAppId, MicrosoftAppPassword and MicrosoftAppType.');
    else this.deps.log.warn({ event: 'teams_send_failed', status });
    return { ok: false, permanent: false, reason: `connector_${status || 'unreachable'}` };
  }

  private async onTurn(context: TurnContext, incoming: IncomingActivity): Promise<void> {
    const activity = context.activity;
    const { engine, processedEvents, clock } = this.deps;
    // Only a personal chat is private. In a team channel or a group chat the assistant runs no
    // dialog (others would see it, and could answer a colleague's questions) and keeps nothing (its
    // address there must never receive a liaison officer's call-back notices): it points to a
    // personal chat instead, once per message.
    const personal = incoming.conversation.conversationType === undefined || incoming.conversation.conversationType === 'personal';
    if (activity.type === 'message') {
      // Read before the claim: a malformed activity must not use up the id its corrected redelivery needs.
      // (A message may come without text, an adaptive card's or a mention's only: the SDK's stripping assumes one.)
      const text = typeof activity.text === 'string' ? (TurnContext.removeRecipientMention(activity as Activity) ?? activity.text) : '';
      // The connector may deliver an activity twice; a turn runs once.
      if (activity.id && !processedEvents.claim(`teams:${activity.conversation.id}:${activity.id}`, clock(), ACTIVITY_TTL_MS)) return;
      if (!personal) {
        await context.sendActivity({ type: 'message', text: this.personalChatOnly(activity.locale), textFormat: 'plain' });
        return;
      }
      const outcome = await engine.handle(teamsInbound(activity, TurnContext.getConversationReference(activity), text, { authenticated: this.authenticated }));
      await this.reply(context, outcome.replies);
      return;
    }
    // The app installed (again) in a personal chat: greet, and take the fresh conversation
    // reference, which also ends an "unreachable" mark left by an earlier removal.
    const botAdded = activity.type === 'conversationUpdate' && incoming.membersAdded?.some((m) => m.id === incoming.recipient.id);
    if (botAdded && personal) {
      if (activity.id && !processedEvents.claim(`teams:${activity.conversation.id}:${activity.id}`, clock(), ACTIVITY_TTL_MS)) return;
      const outcome = await engine.handle(teamsInbound(activity, TurnContext.getConversationReference(activity), '', { kind: 'start', authenticated: this.authenticated }));
      await this.reply(context, outcome.replies);
    }
  }

  /**
   * A turn's replies, one after the other; one throttled without Retry-After is tried again after a
   * short wait. One that still fails is logged (its status only) and the rest are not sent, so no
   * reply arrives without the ones before it. The turn itself is stored either way.
   */
  private reply(context: TurnContext, replies: OutboundReply[]): Promise<void> {
    // One turn's replies after the previous turn's in the same conversation, even while those wait
    // out a throttle: a quick second message must not have its answer shown before the first one's.
    return this.replyQueue.run(context.activity.conversation.id, () => this.sendReplies(context, replies));
  }

  private async sendReplies(context: TurnContext, replies: OutboundReply[]): Promise<void> {
    const activities = replies.map(renderForTeams);
    for (const [index, activity] of activities.entries()) {
      for (let attempt = 0; ; attempt++) {
        try {
          await context.sendActivity(activity);
          break;
        } catch (err) {
          const status = (err as { statusCode?: number }).statusCode ?? 0;
          // A 429 that said how long to wait was already waited out, and retried, by the connector client.
          const saidWhen = (err as { response?: { headers?: { get?: (name: string) => string | undefined } } }).response?.headers?.get?.('retry-after') !== undefined;
          const wait = status === 429 && !saidWhen ? THROTTLED_REPLY_WAITS_MS[attempt] : undefined;
          if (wait === undefined) {
            const lost = { event: 'teams_reply_lost', status, attempts: attempt + 1, unsent: activities.length - index };
            // Throttling is Teams' doing and passes; anything else (our credentials refused, the
            // connector failing after its own retries, no network) needs an operator.
            if (status === 429) this.deps.log.warn(lost);
            else if (status === 401) this.deps.log.error(lost, 'The Bot Connector refused our credentials: check MicrosoftAppId, MicrosoftAppPassword and MicrosoftAppType.');
            else this.deps.log.error(lost);
            return;
          }
          await this.sleep(wait);
        }
      }
    }
  }

  private personalChatOnly(locale: string | undefined): string {
    const language = resolveLanguage(undefined, locale, this.deps.defaultLanguage());
    return this.deps.translations.translator(language).t('channels:teams.personalChatOnly');
  }
}
