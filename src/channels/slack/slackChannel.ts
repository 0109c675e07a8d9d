import { App, HTTPReceiver, LogLevel, webApi, type Logger } from '@slack/bolt';
import type { Request, Response } from 'restify';
import type { Config } from '../../config.js';
import type { Engine } from '../../core/engine.js';
import type { InboundMessage, OutboundReply } from '../../core/messages.js';
import type { HttpServer } from '../../http/server.js';
import { labelledIn, type Translations } from '../../i18n/i18n.js';
import { resolveLanguage, type Language } from '../../i18n/languages.js';
import type { Log } from '../../log.js';
import type { ProcessedEventsRepository } from '../../store/processedEvents.js';
import type { ConversationAddress } from '../../store/schema.js';
import type { Channel, SendResult } from '../channel.js';
import { answeredBlocks, choiceGroup, renderForSlack, renderHome, type Block } from './render.js';
import { ActionBody, ButtonAction, MentionEvent, MessageEvent, readSlackBody } from './slackBody.js';
import { slackInbound, withoutMentions } from './toInbound.js';

export const SLACK_EVENTS_PATH = '/slack/events';

/** Errors about the recipient that will not go away by retrying: recorded on the user, never retried. */
const PERMANENT_ERRORS = new Set(['user_not_found', 'not_in_channel', 'channel_not_found', 'is_archived', 'cannot_dm_bot', 'user_disabled']);
/**
 * Errors about our own token (`account_inactive` is "the token is for a deleted user or workspace"):
 * true for every recipient at once, so nobody is marked unreachable; the operator must act, so they
 * are logged as errors, and the send is tried again later like any transient failure.
 */
const TOKEN_ERRORS = new Set(['account_inactive', 'invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'missing_scope']);
/** Slack retries an event for up to about an hour; remember event ids a little longer. */
const EVENT_TTL_MS = 2 * 3_600_000;
const LOCALE_TTL_MS = 24 * 3_600_000;
const LOCALE_CACHE_SIZE = 10_000;
/** How long a signed payload may go unacknowledged before it is answered as one no listener takes. */
const UNHANDLED_AFTER_MS = 1_000;

export interface SlackChannelDeps {
  config: NonNullable<Config['slack']>;
  http: HttpServer;
  engine: Engine;
  processedEvents: ProcessedEventsRepository;
  translations: Translations;
  /** The language of a notice sent outside a turn when the user's locale is not one the assistant speaks. */
  defaultLanguage: () => Language;
  log: Log;
  clock: () => Date;
  /** How 429s are waited out; injectable so tests need not sleep. */
  sleep?: (ms: number) => Promise<void>;
  /** The longest Retry-After we wait for before reporting failure (the caller retries later). */
  maxRetryAfterSeconds?: number;
  /** Bolt acknowledges before the turn runs in production; tests may wait for the turn. */
  processBeforeResponse?: boolean;
}

/**
 * Slack through @slack/bolt, mounted on the shared restify server at POST /slack/events (events,
 * interactivity and slash commands). Bolt verifies signatures and timestamps. Every turn runs in the
 * user's direct message, so a worry is never discussed in a public channel.
 */
export class SlackChannel implements Channel {
  readonly id = 'slack' as const;
  readonly client: webApi.WebClient;
  private readonly app: App;
  private readonly receiver: HTTPReceiver;
  /** Slack locales by user, in the order they were looked up (the oldest goes first when full). */
  private readonly locales = new Map<string, { locale: string | undefined; at: number }>();
  private readonly dmChannels = new Map<string, string>();
  private auth: Promise<{ botId: string; botUserId: string }> | undefined;
  /** The bot's ids once known (configured, or learnt from auth.test). */
  private identity: { botId: string; botUserId: string } | undefined;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: SlackChannelDeps) {
    const { config } = deps;
    const logger = boltLogger(deps.log);
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    // Our own client honours SLACK_API_URL for every call; 429s are surfaced to us, not retried for minutes.
    this.client = new webApi.WebClient(config.botToken, {
      slackApiUrl: config.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logger,
    });
    this.receiver = new HTTPReceiver({
      signingSecret: config.signingSecret,
      endpoints: SLACK_EVENTS_PATH,
      processBeforeResponse: deps.processBeforeResponse ?? false,
      logger,
      // A signed payload no listener takes (an event type or interactivity the app does not use) is
      // answered 200 after a second, so that Slack does not retry it, and logged by kind only; Bolt's
      // default waited 3 seconds, answered 404 and logged it as an error.
      unhandledRequestTimeoutMillis: UNHANDLED_AFTER_MS,
      unhandledRequestHandler: ({ response }) => {
        deps.log.warn({ event: 'slack_payload_unhandled' });
        if (!response.headersSent) {
          response.writeHead(200);
          response.end();
        }
      },
    });
    this.app = new App({
      receiver: this.receiver,
      // authorize instead of token: no auth.test call at construction. Never waits for auth.test either:
      // it runs before a payload is acknowledged, and a slow Slack API would outlast the time after which
      // a payload counts as unhandled (the 200 sent, the late ack failing, the message lost). Without the
      // ids (learnt in the background for later payloads) our own checks (bot_id) still skip bot messages.
      authorize: async () => {
        if (!this.identity) void this.botIdentity().catch(() => undefined);
        return { botToken: config.botToken, ...(this.identity ?? {}) };
      },
      clientOptions: { slackApiUrl: config.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true },
      logger,
      ignoreSelf: true,
    });
    this.listen();
    deps.http.server.post(SLACK_EVENTS_PATH, (req: Request, res: Response, next: (arg?: false) => void) => {
      // No body parser on this route: Bolt checks the signature on the bytes read here (see readSlackBody).
      readSlackBody(req).then(
        (body) => {
          if (!body.ok) {
            // Nothing of the body is logged: it may be a message.
            deps.log.warn({ event: 'slack_body_refused', code: body.code });
            res.json(body.status, { error: { code: body.code, message: body.message } });
            return next(false);
          }
          (req as Request & { rawBody?: Buffer }).rawBody = body.raw;
          // restify routed this request here, but Bolt routes again on the raw path, and throws on one
          // it does not know: "/slack/%65vents" and "/slack/events;x" reach this route too (the throw
          // was an unhandled rejection: one unsigned request stopped the process). The path is not part
          // of what Slack signs.
          req.url = SLACK_EVENTS_PATH;
          res.once('finish', () => next(false));
          try {
            this.receiver.requestListener(req, res);
          } catch (err) {
            deps.log.error({ event: 'slack_request_failed', code: errorCode(err) });
            if (!res.headersSent) res.json(500, { error: { code: 'InternalError', message: 'Something went wrong.' } });
            next(false);
          }
        },
        // The client went away while sending: nobody is left to answer.
        () => next(false),
      );
    });
  }

  /** Learns the bot's ids now (auth.test), not inside the first event, whose 3-second ack it would delay. */
  async start(): Promise<void> {
    await this.botIdentity().catch((err: unknown) => this.deps.log.warn({ event: 'slack_auth_test_failed', code: errorCode(err) }));
  }

  /**
   * Waits for the listeners still at work. Bolt answers Slack (200) before a listener runs the turn
   * and posts its replies, so Slack never sends that payload again: a stop that did not wait would
   * leave a turn committed and its answer, or the next question, never posted.
   */
  async stop(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private readonly inFlight = new Set<Promise<unknown>>();

  /** Proactive message to a user's DM (opened from the user id when needed), with bounded 429 handling. */
  async send(address: ConversationAddress, replies: OutboundReply[], language: Language): Promise<SendResult> {
    try {
      const userId = typeof address.data.userId === 'string' ? address.data.userId : undefined;
      const channel = address.conversationId || (userId ? await this.openDm(userId) : undefined);
      if (!channel) return { ok: false, permanent: true, reason: 'no_channel' };
      await this.post(channel, replies, undefined, language);
      return { ok: true };
    } catch (err) {
      const code = errorCode(err);
      if (TOKEN_ERRORS.has(code)) {
        this.deps.log.error({ event: 'slack_token_refused', code }, 'Slack refused the bot token: check SLACK_BOT_TOKEN and the app installation.');
      }
      return toSendFailure(err);
    }
  }

  /* ------------------------------------------------------------ listeners */

  private listen(): void {
    // Every payload's listeners, tracked until they finish (see stop): `next()` resolves once they have.
    this.app.use(async ({ next }) => {
      const work = next();
      this.inFlight.add(work);
      try {
        await work;
      } finally {
        this.inFlight.delete(work);
      }
    });

    this.app.event('message', async ({ event }) => {
      const parsed = MessageEvent.safeParse(event);
      if (!parsed.success) return this.ignored('message');
      const message = parsed.data;
      if (message.channel_type === 'im' && message.subtype === 'file_share' && message.user && !message.bot_id) {
        // A file runs no turn (it could be about a pupil, and nothing reads it), but it gets an answer.
        if (!this.firstMessage(message.channel, message.ts)) return;
        await this.post(message.channel, [{ kind: 'text', text: this.deps.translations.translator(await this.languageOf(message.user)).t('channels:slack.noFiles') }], message.thread_ts);
        return;
      }
      // A reply in a thread also sent to the DM itself ("Also send to direct message") is a message too.
      const subtype = message.subtype === 'thread_broadcast' ? undefined : message.subtype;
      if (message.channel_type !== 'im' || subtype || message.bot_id || !message.user) return;
      if (!this.firstMessage(message.channel, message.ts)) return;
      // "@assistant help" in its own DM is "help".
      // Without the bot's id (auth.test failing for a moment) any mention is stripped: the message is not lost.
      const botUserId = await this.botIdentity().then((id) => id.botUserId, () => undefined);
      const text = withoutMentions(message.text ?? '', botUserId);
      // A message written in a thread of the DM is answered in that thread, where the user looks.
      await this.turn(slackInbound({ userId: message.user, dmChannelId: message.channel, text, locale: await this.localeOf(message.user) }), message.thread_ts);
    });

    this.app.event('app_mention', async ({ event: raw }) => {
      const parsed = MentionEvent.safeParse(raw);
      if (!parsed.success) return this.ignored('app_mention');
      const event = parsed.data;
      // Not an edit of a mention (Slack sends it again), not another bot, not a mention inside the DM
      // (the message event runs that turn), and each message once.
      if (!event.user || event.edited || event.subtype || event.bot_id || event.channel.startsWith('D')) return;
      if (!this.firstMessage(event.channel, event.ts)) return;
      const dm = await this.openDm(event.user);
      const text = withoutMentions(event.text ?? '', (await this.botIdentity()).botUserId);
      const outcome = await this.turn(slackInbound({ userId: event.user, dmChannelId: dm, text: text || 'menu', locale: await this.localeOf(event.user) }));
      // Privacy: the conversation continues in a direct message; the channel only hears where.
      await this.withRateLimit(() =>
        this.client.chat.postMessage({
          channel: event.channel,
          thread_ts: event.thread_ts ?? event.ts,
          text: this.deps.translations.translator(outcome.language).t('channels:slack.repliedInDm'),
        }),
      );
    });

    this.app.action({ type: 'block_actions' }, async ({ ack, body: rawBody, action: rawAction }) => {
      await ack();
      const parsedAction = ButtonAction.safeParse(rawAction);
      const parsedBody = ActionBody.safeParse(rawBody);
      if (!parsedAction.success || !parsedBody.success) return this.ignored('block_actions');
      const button = parsedAction.data;
      if (button.type !== 'button' || button.value === undefined) return;
      const userId = parsedBody.data.user.id;
      const container = parsedBody.data as { channel?: { id: string }; message?: { ts: string; thread_ts?: string; blocks?: Block[]; text?: string }; view?: unknown };
      // The turn always runs in the user's own DM: a click that came from anywhere else (the App Home,
      // or a message in a shared channel) must not move their conversation, or their notices, there.
      const dm = await this.openDm(userId);
      const inDm = container.channel?.id === dm;
      // A double-click sends the same button twice: the question is answered once.
      if (inDm && container.message && button.block_id && !this.deps.processedEvents.claim(`slack:act:${dm}:${container.message.ts}:${choiceGroup(button.block_id)}`, this.deps.clock(), EVENT_TTL_MS)) return;
      if (inDm && container.message?.blocks && button.block_id) {
        await this.withRateLimit(() =>
          this.client.chat.update({
            channel: container.channel!.id,
            ts: container.message!.ts,
            text: container.message!.text ?? '',
            blocks: answeredBlocks(container.message!.blocks!, button.block_id!, button.text?.text ?? ''),
          }),
        ).catch((err: unknown) => this.deps.log.warn({ event: 'slack_update_failed', err: errorCode(err) }));
      }
      // A button of a message in a thread of the DM is answered in that thread.
      await this.turn(slackInbound({ userId, dmChannelId: dm, choice: button.value, locale: await this.localeOf(userId) }), inDm ? container.message?.thread_ts : undefined);
      // A click in the App Home changed what it shows (a request acknowledged): publish it again.
      if (container.view) await this.publishHome(userId).catch((err: unknown) => this.deps.log.warn({ event: 'slack_home_failed', err: errorCode(err) }));
    });

    this.app.command(this.deps.config.command, async ({ ack, command }) => {
      await ack();
      const dm = await this.openDm(command.user_id);
      await this.turn(slackInbound({ userId: command.user_id, dmChannelId: dm, text: command.text || 'menu', locale: await this.localeOf(command.user_id) }));
    });

    this.app.event('app_home_opened', async ({ event }) => {
      if (event.tab !== 'home') return;
      await this.publishHome(event.user);
    });

    this.app.error(async (err) => {
      this.deps.log.error({ event: 'slack_listener_failed', code: errorCode(err) });
    });
  }

  /** A signed payload of a shape the listeners cannot read: logged by kind only, and dropped. */
  private ignored(kind: string): void {
    this.deps.log.warn({ event: 'slack_payload_invalid', kind });
  }

  /** The language to answer in outside a turn (no dialog runs): the user's Slack locale's, as the Teams notice does. */
  private async languageOf(userId: string): Promise<Language> {
    return resolveLanguage(undefined, await this.localeOf(userId), this.deps.defaultLanguage());
  }

  private async publishHome(userId: string): Promise<void> {
    const { replies } = await this.deps.engine.home({
      channel: 'slack',
      userKey: `slack:${userId}`,
      platformUserId: userId,
      localeHint: await this.localeOf(userId),
    });
    await this.withRateLimit(() => this.client.views.publish({ user_id: userId, view: renderHome(replies) as never }));
  }

  /**
   * A message (channel and ts) runs once, whatever event carries it: Slack's redeliveries
   * (X-Slack-Retry-Num, the same event_id) and an edit (a new event_id) alike.
   */
  private firstMessage(channel: string, ts: string): boolean {
    const first = this.deps.processedEvents.claim(`slack:msg:${channel}:${ts}`, this.deps.clock(), EVENT_TTL_MS);
    if (!first) this.deps.log.info({ event: 'slack_duplicate_event', channel, ts });
    return first;
  }

  /** Runs a turn and posts its replies in the DM, or in the DM's thread `threadTs` it came from. */
  private async turn(inbound: InboundMessage, threadTs?: string) {
    const outcome = await this.deps.engine.handle(inbound);
    await this.post(inbound.address!.conversationId, outcome.replies, threadTs, outcome.language);
    return outcome;
  }

  private async post(channel: string, replies: OutboundReply[], threadTs?: string, language?: Language): Promise<void> {
    // The plain-text fallback (notifications, screen readers) joins "label: value" as the reader's language does.
    const labelled = language ? labelledIn(this.deps.translations.translator(language)) : undefined;
    for (const message of renderForSlack(replies, labelled)) {
      // No previews: Slack would fetch the pages the messages link to (a report's download link among them).
      await this.withRateLimit(() =>
        this.client.chat.postMessage({ channel, text: message.text, blocks: message.blocks as never, unfurl_links: false, unfurl_media: false, ...(threadTs ? { thread_ts: threadTs } : {}) }),
      );
    }
  }

  /** 429: wait Retry-After and try again, at most 3 times and never longer than the bound; then fail. */
  private async withRateLimit<T>(call: () => Promise<T>): Promise<T> {
    const maxWait = this.deps.maxRetryAfterSeconds ?? 10;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        const retryAfter = (err as { code?: string; retryAfter?: number }).code === webApi.ErrorCode.RateLimitedError ? (err as { retryAfter: number }).retryAfter : undefined;
        if (retryAfter === undefined || attempt >= 3 || retryAfter > maxWait) throw err;
        this.deps.log.warn({ event: 'slack_rate_limited', retryAfter, attempt });
        await this.sleep(retryAfter * 1000);
      }
    }
  }

  private async openDm(userId: string): Promise<string> {
    const known = this.dmChannels.get(userId);
    if (known) return known;
    const result = await this.withRateLimit(() => this.client.conversations.open({ users: userId }));
    const id = result.channel?.id;
    if (!id) throw new Error('conversations.open returned no channel');
    this.dmChannels.set(userId, id);
    return id;
  }

  /**
   * The user's Slack locale (users.info include_locale), looked up again after a day (they may change
   * it), for at most LOCALE_CACHE_SIZE users; the engine prefers a language chosen in the chat.
   */
  private async localeOf(userId: string): Promise<string | undefined> {
    const cached = this.locales.get(userId);
    if (cached && cached.at > this.deps.clock().getTime() - LOCALE_TTL_MS) return cached.locale;
    try {
      const info = await this.withRateLimit(() => this.client.users.info({ user: userId, include_locale: true }));
      const locale = info.user?.locale;
      this.locales.delete(userId);
      if (this.locales.size >= LOCALE_CACHE_SIZE) this.locales.delete(this.locales.keys().next().value!);
      this.locales.set(userId, { locale, at: this.deps.clock().getTime() });
      return locale;
    } catch (err) {
      // Not remembered: a passing failure must not fix the user's language until the next restart.
      this.deps.log.warn({ event: 'slack_locale_unavailable', code: errorCode(err) });
      return undefined;
    }
  }

  private botIdentity(): Promise<{ botId: string; botUserId: string }> {
    const { botId, botUserId } = this.deps.config;
    if (botId && botUserId) return Promise.resolve((this.identity = { botId, botUserId }));
    this.auth ??= this.client.auth.test().then(
      (r) => (this.identity = { botId: r.bot_id ?? '', botUserId: r.user_id ?? '' }),
      (err: unknown) => {
        this.auth = undefined; // try again on the next event
        throw err;
      },
    );
    return this.auth;
  }
}

function errorCode(err: unknown): string {
  const e = err as { code?: string; data?: { error?: string } };
  return e.data?.error ?? e.code ?? 'unknown';
}

function toSendFailure(err: unknown): SendResult {
  const code = errorCode(err);
  return { ok: false, permanent: PERMANENT_ERRORS.has(code), reason: code };
}

/** Bolt's logs go through our logger, at warn and above (Bolt's info logs name events, not content). */
function boltLogger(log: Log): Logger {
  const child = log.child({ component: 'slack' });
  let level = LogLevel.WARN;
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (...msg: unknown[]) => child.warn({ event: 'bolt', detail: msg.map(String).join(' ').slice(0, 300) }),
    error: (...msg: unknown[]) => child.error({ event: 'bolt', detail: msg.map(String).join(' ').slice(0, 300) }),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
