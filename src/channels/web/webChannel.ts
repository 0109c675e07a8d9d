import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import restify, { type Request, type Response } from 'restify';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Config } from '../../config.js';
import type { TurnHandler } from '../../core/engine.js';
import { KeyedQueue } from '../../core/keyedQueue.js';
import type { Labelled, OutboundReply } from '../../core/messages.js';
import type { HttpServer } from '../../http/server.js';
import { isLocaleTag, type Language } from '../../i18n/languages.js';
import { jsonBody } from '../../http/jsonBody.js';
import { RateLimiter } from '../../http/rateLimit.js';
import type { Log } from '../../log.js';
import { activityId, WEB_BOT_ACCOUNT } from '../../store/activityCodec.js';
import type { DialogStatesRepository } from '../../store/dialogStates.js';
import type { ConversationAddress, StoredActivity, WebConversation } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import type { UsersRepository } from '../../store/users.js';
import type { WebConversationsRepository } from '../../store/webConversations.js';
import type { Channel, SendResult } from '../channel.js';
import { renderForWeb, type RenderedActivity } from './render.js';
import { bearer, conversationIdOf, hashToken, newId, newToken, sameSecret } from './tokens.js';
import { PostedActivity, webToInbound } from './toInbound.js';

const BASE = '/v3/directline';
/** Streams one conversation may hold at once (a tab or two, a reconnect in flight); the oldest goes first. */
const MAX_SOCKETS_PER_CONVERSATION = 4;
const BOT = WEB_BOT_ACCOUNT;

export interface WebChannelDeps {
  config: Config['web'];
  publicUrl: string | undefined;
  http: HttpServer;
  engine: TurnHandler;
  store: Store;
  conversations: WebConversationsRepository;
  users: UsersRepository;
  dialogStates: DialogStatesRepository;
  log: Log;
  clock: () => Date;
  /** How the reader's language writes "label: value" (`common:labelled`), for cards sent as text. */
  labelled?: (language: Language) => Labelled;
}

type HttpError = { status: number; code: string; message: string; retryAfterSeconds?: number };
const fail = (status: number, code: string, message: string): HttpError => ({ status, code, message });
/** A conversation cleared, gone idle, or deleted while a request waited: what Direct Line answers then. */
const ended = (): HttpError => fail(404, 'ConversationEnded', 'The conversation has ended.');

/** The activity types a client's echo keeps under their own name (others are kept as 'event', with nothing they carried). */
const ECHOED_TYPES = new Set(['message', 'typing', 'event', 'conversationUpdate']);

/**
 * The web chat channel: a Direct Line 3.0-compatible subset (tokens, conversations, activities,
 * WebSocket stream) over conversations kept in the store, so a restart loses neither the visitor's
 * session nor the dialog. Bot replies are Bot Framework activities.
 */
export class WebChannel implements Channel {
  readonly id = 'web' as const;
  private readonly sockets = new Map<string, Set<WebSocket>>();
  /** Sockets that have not answered the last ping; still in it at the next sweep, they are dropped. */
  private readonly silent = new WeakSet<WebSocket>();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private readonly queue = new KeyedQueue();
  /** Hashes of the live tokens of conversations that ended, with when they expire, oldest first. */
  private readonly endedTokens = new Map<string, string>();
  /** When "too many conversations" was last logged. */
  private fullLoggedAt = -Infinity;
  private readonly limiter: RateLimiter;
  private readonly tokenLimiter: RateLimiter;
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head);

  constructor(private readonly deps: WebChannelDeps) {
    this.limiter = new RateLimiter(deps.config.rateLimitPerMinute, 60_000);
    this.tokenLimiter = new RateLimiter(deps.config.rateLimitPerTokenPerMinute, 60_000);
    this.routes();
  }

  async start(): Promise<void> {
    this.deps.http.server.server.on('upgrade', this.onUpgrade);
    await this.sweep();
    this.sweepTimer = setInterval(() => void this.sweep(), 60_000);
    this.sweepTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.sweepTimer);
    this.deps.http.server.server.off('upgrade', this.onUpgrade);
    const sockets = [...this.sockets.values()].flatMap((set) => [...set]);
    this.sockets.clear();
    await Promise.all(sockets.map((ws) => closeOrTerminate(ws, 'server stopping')));
    await this.queue.idle();
  }

  /** Proactive send (a call-back acknowledgement, a nudge): appended to the visitor's transcript. */
  async send(address: ConversationAddress, replies: OutboundReply[], language: Language): Promise<SendResult> {
    return this.queue.run(address.conversationId, async () => {
      if (!this.deps.conversations.get(address.conversationId)) {
        return { ok: false, permanent: true, reason: 'conversation_gone' } as const;
      }
      const activities = this.appendBotReplies(address.conversationId, replies, language, undefined);
      await this.deps.store.commit();
      this.push(address.conversationId, activities);
      return { ok: true } as const;
    });
  }

  /* ---------------------------------------------------------------- routes */

  private routes(): void {
    const { server } = this.deps.http;
    // Per client address first, before a body is read: 429 with Retry-After. (Per conversation, only
    // requests that change something count, once their token is known to be valid: see limitChanges.)
    const byAddress = (req: Request, res: Response, next: (arg?: false) => void) => {
      if (this.limiter.allow(this.clientAddress(req))) return next();
      this.reply(res, { ...fail(429, 'TooManyRequests', 'Too many requests; slow down.'), retryAfterSeconds: this.limiter.retryAfterSeconds() });
      return next(false);
    };
    const json = [byAddress, jsonBody(16 * 1024)];
    const guard = (handler: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
      try {
        await handler(req, res);
      } catch (err) {
        if (isHttpError(err)) return this.reply(res, err);
        this.deps.log.error({ event: 'web_handler_failed', err: String(err) });
        return this.reply(res, fail(500, 'InternalError', 'Something went wrong.'));
      }
    };

    server.post(`${BASE}/tokens/generate`, ...json, guard((req, res) => this.generateToken(req, res)));
    server.post(`${BASE}/tokens/refresh`, ...json, guard((req, res) => this.refreshToken(req, res)));
    server.post(`${BASE}/conversations`, ...json, guard((req, res) => this.startConversation(req, res)));
    // Only these two read the query string (the watermark).
    const query = restify.plugins.queryParser({ mapParams: false });
    server.get(`${BASE}/conversations/:id`, byAddress, query, guard((req, res) => this.reconnect(req, res)));
    server.del(`${BASE}/conversations/:id`, byAddress, guard((req, res) => this.endConversation(req, res)));
    server.get(`${BASE}/conversations/:id/activities`, byAddress, query, guard((req, res) => this.getActivities(req, res)));
    server.post(`${BASE}/conversations/:id/activities`, ...json, guard((req, res) => this.postActivity(req, res)));
  }

  private reply(res: Response, err: HttpError): void {
    if (err.retryAfterSeconds !== undefined) res.header('Retry-After', String(err.retryAfterSeconds));
    res.json(err.status, { error: { code: err.code, message: err.message } });
  }

  /** Anonymous while WEB_CHAT_SECRET is unset; otherwise only the site's backend (holding the secret) may mint tokens. */
  private requireSecretIfConfigured(req: Request): void {
    if (!this.deps.config.secret) return;
    const given = bearer(req.headers.authorization);
    if (!given || !this.isSecret(given)) throw fail(401, 'Unauthorized', 'A valid secret is required.');
  }

  private async generateToken(req: Request, res: Response): Promise<void> {
    this.requireSecretIfConfigured(req);
    const { conversation, token } = this.createConversation(localeFrom(req.body));
    await this.deps.store.commit();
    res.json(200, { conversationId: conversation.id, token, expires_in: this.deps.config.tokenTtlSeconds });
  }

  private async startConversation(req: Request, res: Response): Promise<void> {
    const streamBase = this.streamBase(req); // before anything is created: a bad Host header changes nothing
    const given = bearer(req.headers.authorization);
    const locale = localeFrom(req.body);
    let conversation: WebConversation | undefined;
    let token: string;
    if (given && !this.isSecret(given) && conversationIdOf(given)) {
      conversation = this.authenticate(given);
      this.limitChanges(conversation);
      token = given;
      if (locale && !conversation.started) {
        conversation.locale = locale;
        this.deps.conversations.touched(conversation.id);
      }
    } else {
      this.requireSecretIfConfigured(req);
      ({ conversation, token } = this.createConversation(locale));
    }
    const isNew = !conversation.started;
    if (isNew) await this.runStartTurn(conversation);
    else await this.deps.store.commit();
    res.json(isNew ? 201 : 200, {
      conversationId: conversation.id,
      token,
      expires_in: this.deps.config.tokenTtlSeconds,
      streamUrl: this.streamUrl(streamBase, conversation.id, token),
    });
  }

  private async reconnect(req: Request, res: Response): Promise<void> {
    const conversation = this.authorizedConversation(req);
    let token = bearer(req.headers.authorization)!;
    if (this.isSecret(token)) {
      // The backend reconnecting with the secret gets a token of the conversation for its client
      // (a secret never goes into a stream URL): how a conversation whose tokens expired is opened again.
      this.limitChanges(conversation);
      token = this.issueToken(conversation);
      await this.deps.store.commit();
    }
    // A reconnecting client replays only what it has not seen yet.
    const watermark = parseWatermark((req.query as Record<string, unknown> | undefined)?.watermark);
    res.json(200, { conversationId: conversation.id, token, streamUrl: this.streamUrl(this.streamBase(req), conversation.id, token, watermark) });
  }

  private async refreshToken(req: Request, res: Response): Promise<void> {
    const given = bearer(req.headers.authorization);
    if (!given) throw fail(403, 'Forbidden', 'A token is required.');
    const conversation = this.authenticate(given);
    this.limitChanges(conversation);
    const token = this.issueToken(conversation);
    // A client that refreshes its token still has the chat open (the widget does, every half token
    // lifetime): not idle, so a call-back acknowledged hours later still reaches the open chat.
    conversation.lastActiveAt = this.deps.clock().toISOString();
    await this.deps.store.commit();
    res.json(200, { conversationId: conversation.id, token, expires_in: this.deps.config.tokenTtlSeconds });
  }

  /** "Clear this conversation": the transcript, dialog state and visitor record go; the token stops working. */
  private async endConversation(req: Request, res: Response): Promise<void> {
    const conversation = this.authorizedConversation(req);
    this.limitChanges(conversation);
    await this.queue.run(conversation.id, async () => {
      this.forget(conversation);
      await this.deps.store.commit();
    });
    res.send(204);
  }

  private async getActivities(req: Request, res: Response): Promise<void> {
    const conversation = this.authorizedConversation(req);
    const watermark = parseWatermark((req.query as Record<string, unknown> | undefined)?.watermark);
    res.json(200, this.activitiesAfter(conversation, watermark));
  }

  private async postActivity(req: Request, res: Response): Promise<void> {
    const conversation = this.authorizedConversation(req);
    this.limitChanges(conversation);
    const parsed = PostedActivity.safeParse(req.body);
    if (!parsed.success) throw fail(400, 'BadArgument', 'The activity is not valid.');
    const activity = parsed.data;
    if ((activity.text ?? '').length > this.deps.config.maxMessageLength) {
      throw fail(413, 'MessageTooLong', `Messages are limited to ${this.deps.config.maxMessageLength} characters.`);
    }
    const id = await this.queue.run(conversation.id, async () => {
      // Cleared ("Clear conversation", or the idle sweep) while this request waited its turn.
      if (!this.deps.conversations.get(conversation.id)) throw ended();
      // The echo keeps only what the assistant itself understands: the text of a message (checked by
      // the turn), a button's choice shown as the button's own label, a locale tag and the client's
      // id for its send status. Anything else a client puts in an activity is not kept.
      // The type as one of Direct Line's own: anything else a client names its activity is not kept.
      const type = ECHOED_TYPES.has(activity.type) ? activity.type : 'event';
      const fields: Record<string, unknown> = { type, from: { id: conversation.userId, role: 'user' } };
      if (isLocaleTag(activity.locale)) fields.locale = activity.locale; // what the turn takes as a hint too (toInbound)
      const clientId = activity.channelData?.clientActivityID;
      if (clientId && /^[A-Za-z0-9._:-]{1,100}$/.test(clientId)) fields.channelData = { clientActivityID: clientId };
      if (activity.type === 'typing') {
        // "Typing…" (Web Chat sends one every few seconds while the visitor types): no turn reads it,
        // so it is neither kept nor written (kept, it pushed earlier answers out of the history a
        // reloaded page gets back). Its echo goes to the open streams only, for clients that wait for
        // it, under an id of its own that holds no watermark.
        const echo = { ...fields, id: `${conversation.id}|typing-${newId(8)}`, timestamp: this.deps.clock().toISOString(), channelId: 'directline', conversation: { id: conversation.id } };
        this.push(conversation.id, [echo as unknown as StoredActivity]);
        return echo.id;
      }
      conversation.lastActiveAt = this.deps.clock().toISOString();
      if (activity.type !== 'message') {
        // Events: no turn reads them, so nothing of what they carry is kept.
        const echo = this.appendActivity(conversation.id, fields);
        await this.deps.store.commit();
        this.push(conversation.id, [echo]);
        return echo.id;
      }
      const inbound = webToInbound(activity, conversation.id, conversation.userId);
      if (inbound.choice !== undefined) {
        // A click: shown as the label of the button offered (text sent beside a choice is never read, so
        // never kept). A value no button of the latest question carried (one of an earlier message, or
        // made up) is not kept at all: it could say anything, and no check for identifying text reads it.
        const label = this.offeredLabel(conversation.id, inbound.choice);
        if (label !== undefined) {
          fields.value = { choice: inbound.choice };
          fields.text = label;
        }
      } else if (activity.text !== undefined) {
        fields.text = activity.text;
      }
      let echo: StoredActivity | undefined;
      let delivered: StoredActivity[] = [];
      const outcome = await this.deps.engine.handle(inbound, {
        beforeCommit: (replies, language, facts) => {
          // The echo joins the transcript only now, with the turn's replies in the same write, so text
          // that must not be kept never reaches the conversation (nor a write of another turn).
          if (facts.inboundTextReplacement !== undefined) fields.text = facts.inboundTextReplacement;
          const at = this.deps.clock().toISOString(); // one moment for the message and its replies
          echo = this.appendActivity(conversation.id, fields, at);
          delivered = this.appendBotReplies(conversation.id, replies, language, echo.id, at);
        },
      });
      if (!outcome.committed) {
        // The turn failed (e.g. the store could not be written): still show the safety answer.
        echo ??= this.appendActivity(conversation.id, fields);
        delivered = [...delivered, ...this.appendBotReplies(conversation.id, outcome.replies, outcome.language, echo.id)];
      }
      this.push(conversation.id, [echo!, ...delivered]);
      return echo!.id;
    });
    res.json(200, { id });
  }

  /** The title of the button carrying this choice in the latest bot message that offered buttons. */
  private offeredLabel(conversationId: string, choice: string): string | undefined {
    const activities = this.deps.conversations.get(conversationId)?.activities ?? [];
    for (let i = activities.length - 1; i >= 0; i--) {
      const actions = (activities[i] as { suggestedActions?: { actions?: { title?: string; value?: { choice?: string } }[] } }).suggestedActions?.actions;
      if (!actions?.length) continue;
      return actions.find((a) => a.value?.choice === choice)?.title;
    }
    return undefined;
  }

  /* ----------------------------------------------------------- conversations */

  private createConversation(locale: string | undefined): { conversation: WebConversation; token: string } {
    // A bound on what anonymous visitors can make the store hold (the per-address limit alone is no
    // bound: an IPv6 client may change its address freely). Conversations go when idle.
    if (this.deps.conversations.count() >= this.deps.config.maxConversations) {
      // Said once a minute at most: a flood of refusals must not flood the log too.
      const now = this.deps.clock().getTime();
      if (now - this.fullLoggedAt >= 60_000) {
        this.fullLoggedAt = now;
        this.deps.log.warn({ event: 'web_conversations_full', max: this.deps.config.maxConversations });
      }
      throw { ...fail(503, 'TooManyConversations', 'The chat is busy; please try again in a few minutes.'), retryAfterSeconds: 60 };
    }
    const now = this.deps.clock().toISOString();
    const conversation: WebConversation = {
      id: newId(),
      userId: `v-${newId(12)}`,
      tokens: [],
      ...(locale ? { locale } : {}),
      createdAt: now,
      lastActiveAt: now,
      firstWatermark: 0,
      activities: [],
      started: false,
    };
    this.deps.conversations.create(conversation);
    return { conversation, token: this.issueToken(conversation) };
  }

  private issueToken(conversation: WebConversation): string {
    const now = this.deps.clock();
    const token = newToken(conversation.id);
    const expiresAt = new Date(now.getTime() + this.deps.config.tokenTtlSeconds * 1000).toISOString();
    // Keep unexpired tokens: a refresh must not break a tab that still holds the previous one.
    conversation.tokens = conversation.tokens.filter((t) => t.expiresAt > now.toISOString()).slice(-4);
    conversation.tokens.push({ hash: hashToken(token), expiresAt });
    this.deps.conversations.touched(conversation.id);
    return token;
  }

  private isSecret(given: string): boolean {
    const secret = this.deps.config.secret;
    return secret !== undefined && secret !== '' && sameSecret(given, secret);
  }

  /** A conversation named by id (the secret opens any): 404 when there is none or it went idle. */
  private openConversation(id: string): WebConversation {
    const conversation = this.deps.conversations.get(id);
    if (!conversation || this.isIdle(conversation, this.deps.clock())) throw ended();
    return conversation;
  }

  /** A token opens exactly one conversation; an unknown, expired or foreign token gets 403. */
  private authenticate(token: string): WebConversation {
    const id = conversationIdOf(token);
    const conversation = id ? this.deps.conversations.get(id) : undefined;
    const now = this.deps.clock();
    const hash = hashToken(token);
    const nowIso = now.toISOString();
    const valid = conversation?.tokens.some((t) => t.hash === hash && t.expiresAt > nowIso);
    if (!conversation || !valid) {
      // A token of a conversation that ended (cleared, or idle) hears so: Direct Line clients take a
      // 403 for an expired token and keep trying to refresh it.
      if ((this.endedTokens.get(hash) ?? '') > nowIso) throw ended();
      throw fail(403, 'TokenExpired', 'The token is not valid for any open conversation.');
    }
    if (this.isIdle(conversation, now)) throw ended();
    return conversation;
  }

  private authorizedConversation(req: Request): WebConversation {
    const token = bearer(req.headers.authorization);
    if (!token) throw fail(403, 'Forbidden', 'A token is required.');
    // The site's backend, holding WEB_CHAT_SECRET, may use any conversation with it, as with Direct
    // Line (botframework-directlinejs in secret mode sends the secret with every request).
    if (this.isSecret(token)) return this.openConversation(String(req.params.id));
    const conversation = this.authenticate(token);
    if (conversation.id !== req.params.id) throw fail(403, 'Forbidden', 'This token does not open that conversation.');
    return conversation;
  }

  /**
   * Messages and other changes per conversation and minute. Reading (polling every second, as
   * Microsoft's Web Chat does without WebSockets) is not counted, and neither is anything with a token
   * that does not open the conversation: a forged token cannot use up a visitor's quota.
   */
  private limitChanges(conversation: WebConversation): void {
    if (this.tokenLimiter.allow(conversation.id)) return;
    throw { ...fail(429, 'TooManyRequests', 'Too many messages; slow down.'), retryAfterSeconds: this.tokenLimiter.retryAfterSeconds() };
  }

  /**
   * The client's address for the per-address limit: the connection's, or behind WEB_TRUSTED_PROXY_HOPS
   * reverse proxies the one the outermost trusted proxy saw (each proxy appends to X-Forwarded-For).
   */
  private clientAddress(req: IncomingMessage): string {
    const hops = this.deps.config.trustedProxyHops;
    const forwarded = req.headers['x-forwarded-for'];
    if (hops > 0 && typeof forwarded === 'string') {
      const chain = forwarded.split(',').map((a) => a.trim()).filter(Boolean);
      const client = chain[Math.max(0, chain.length - hops)];
      if (client) return client;
    }
    return req.socket.remoteAddress ?? 'unknown';
  }

  private isIdle(conversation: WebConversation, now: Date): boolean {
    return now.getTime() - Date.parse(conversation.lastActiveAt) > this.deps.config.conversationIdleMinutes * 60_000;
  }

  /** Greets the visitor: the engine's start turn, in the language the page asked for. */
  private async runStartTurn(conversation: WebConversation): Promise<void> {
    await this.queue.run(conversation.id, async () => {
      conversation.started = true;
      this.deps.conversations.touched(conversation.id);
      const inbound = {
        ...webToInbound({ type: 'message', locale: conversation.locale }, conversation.id, conversation.userId),
        kind: 'start' as const,
      };
      const outcome = await this.deps.engine.handle(inbound, {
        beforeCommit: (replies, language) => void this.appendBotReplies(conversation.id, replies, language, undefined),
      });
      if (!outcome.committed) this.appendBotReplies(conversation.id, outcome.replies, outcome.language, undefined);
    });
  }

  private forget(conversation: WebConversation): void {
    // Its live tokens are remembered (hashes only, in memory, the most recent ENDED_TOKENS_KEPT) until
    // they would have expired, so that they get "ended" rather than "expired".
    const nowIso = this.deps.clock().toISOString();
    for (const t of conversation.tokens) if (t.expiresAt > nowIso) this.endedTokens.set(t.hash, t.expiresAt);
    for (const [hash, expiresAt] of this.endedTokens) {
      if (this.endedTokens.size <= ENDED_TOKENS_KEPT && expiresAt > nowIso) break;
      this.endedTokens.delete(hash);
    }
    for (const ws of this.sockets.get(conversation.id) ?? []) ws.close(1000, 'conversation ended');
    this.sockets.delete(conversation.id);
    this.deps.conversations.delete(conversation.id);
    this.deps.dialogStates.delete(`web:${conversation.id}`);
    this.deps.users.delete(`web:${conversation.userId}`);
  }

  /**
   * The minute's upkeep (public so that tests need not wait for the timer): streams whose tokens
   * have all expired are closed, dead streams dropped, and conversations idle for longer than
   * WEB_CONVERSATION_IDLE_MINUTES deleted with their state.
   */
  async sweep(): Promise<void> {
    this.closeUnauthorisedStreams();
    this.heartbeat();
    const cutoff = new Date(this.deps.clock().getTime() - this.deps.config.conversationIdleMinutes * 60_000);
    const idle = this.deps.conversations.idleSince(cutoff);
    if (idle.length === 0) return;
    for (const id of idle) {
      const conversation = this.deps.conversations.get(id);
      if (conversation) this.forget(conversation);
    }
    try {
      await this.deps.store.commit();
      this.deps.log.info({ event: 'web_conversations_expired', count: idle.length });
    } catch (err) {
      this.deps.log.error({ event: 'web_sweep_failed', err: String(err) });
    }
  }

  /* ------------------------------------------------------------- activities */

  /**
   * Completes `fields` into a stored activity and appends it. The object is taken over (callers
   * build a fresh one): adding the properties in place rather than spreading into a new object halved
   * the cost of an activity, its serialisation included (2.4 µs against 4.9 µs for a choices reply).
   */
  private appendActivity(conversationId: string, fields: object, timestamp = this.deps.clock().toISOString()): StoredActivity {
    const conversation = this.deps.conversations.get(conversationId)!;
    const seq = conversation.firstWatermark + conversation.activities.length;
    const activity = fields as Record<string, unknown>;
    activity.type = String(activity.type ?? 'message');
    activity.id = activityId(conversationId, seq);
    activity.timestamp = timestamp;
    activity.channelId = 'directline';
    activity.conversation = { id: conversationId };
    this.deps.conversations.append(conversationId, [activity as StoredActivity]);
    return activity as StoredActivity;
  }

  private appendBotReplies(
    conversationId: string,
    replies: OutboundReply[],
    language: Language,
    replyToId: string | undefined,
    timestamp = this.deps.clock().toISOString(),
  ): StoredActivity[] {
    return replies.map((reply) => {
      const fields: RenderedActivity & { from?: typeof BOT; locale?: Language; replyToId?: string } = renderForWeb(reply, this.deps.labelled?.(language));
      fields.from = BOT;
      fields.locale = language;
      if (replyToId) fields.replyToId = replyToId;
      return this.appendActivity(conversationId, fields, timestamp);
    });
  }

  private activitiesAfter(conversation: WebConversation, watermark: number): { activities: StoredActivity[]; watermark: string } {
    const start = Math.max(0, watermark - conversation.firstWatermark);
    return {
      activities: conversation.activities.slice(start),
      watermark: String(conversation.firstWatermark + conversation.activities.length),
    };
  }

  /* ---------------------------------------------------------------- stream */

  /** Where clients reach this server: PUBLIC_URL, or the request's own Host (400 when that is not a host). */
  private streamBase(req: Request): URL {
    const base = this.deps.publicUrl ?? `${isSecure(req) ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`;
    try {
      return new URL(base);
    } catch {
      throw fail(400, 'BadArgument', 'The Host header is not valid.');
    }
  }

  private streamUrl(base: URL, conversationId: string, token: string, watermark?: number): string {
    const url = new URL(`${BASE}/conversations/${encodeURIComponent(conversationId)}/stream`, base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('t', token);
    if (watermark) url.searchParams.set('watermark', String(watermark));
    return url.toString();
  }

  /**
   * Node hands this every request that asks for a protocol upgrade, on any path. Nothing here may
   * throw (an error in an 'upgrade' listener ends the process), and every socket gets an answer (one
   * left unanswered is held open forever: the server's request timeouts no longer apply to it).
   */
  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    let url: URL;
    let conversationId: string;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
      const match = url.pathname.match(/^\/v3\/directline\/conversations\/([^/]+)\/stream$/);
      // Only the Direct Line stream upgrades; other requests (an HTTP/2 "h2c" attempt, say) get a plain refusal.
      if (!match) return refuse(404, 'Not Found');
      conversationId = decodeURIComponent(match[1]!);
    } catch {
      return refuse(400, 'Bad Request');
    }
    if (!this.limiter.allow(this.clientAddress(req))) return refuse(429, 'Too Many Requests');
    let conversation: WebConversation;
    try {
      conversation = this.authenticate(url.searchParams.get('t') ?? '');
    } catch (err) {
      return refuse(isHttpError(err) ? err.status : 403, 'Forbidden');
    }
    if (conversation.id !== conversationId) return refuse(403, 'Forbidden');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const set = this.sockets.get(conversation.id) ?? new Set<WebSocket>();
      set.add(ws);
      this.sockets.set(conversation.id, set);
      const oldest = set.size > MAX_SOCKETS_PER_CONVERSATION ? set.values().next().value : undefined;
      if (oldest) {
        set.delete(oldest);
        oldest.close(1008, 'too many streams');
      }
      const drop = () => {
        set.delete(ws);
        if (set.size === 0 && this.sockets.get(conversation.id) === set) this.sockets.delete(conversation.id);
      };
      ws.on('close', drop);
      ws.on('error', drop);
      ws.on('pong', () => this.silent.delete(ws));
      // Clients send empty frames as keep-alive pings; nothing else is expected from them.
      ws.on('message', () => undefined);
      // Replay what was posted before the socket opened (the welcome, the first echo).
      const replay = this.activitiesAfter(conversation, parseWatermark(url.searchParams.get('watermark')));
      if (replay.activities.length > 0) ws.send(JSON.stringify(replay));
    });
  }

  /**
   * A stream is opened with a token and lasts only while its conversation still has a live one: the
   * widget and Web Chat refresh theirs every 15 minutes, so a client that stopped refreshing (or
   * whoever holds a copied stream URL) stops hearing the conversation once the last token expires.
   * A real client then reconnects with its current token or learns that it expired.
   */
  private closeUnauthorisedStreams(): void {
    const now = this.deps.clock().toISOString();
    for (const [conversationId, set] of this.sockets) {
      const conversation = this.deps.conversations.get(conversationId);
      if (conversation?.tokens.some((t) => t.expiresAt > now)) continue;
      for (const ws of set) ws.close(1008, 'token expired');
      this.sockets.delete(conversationId);
    }
  }

  /** Pings every stream; one that did not answer the previous ping is dead (a closed laptop) and dropped. */
  private heartbeat(): void {
    for (const set of this.sockets.values()) {
      for (const ws of set) {
        if (this.silent.has(ws)) {
          ws.terminate();
          continue;
        }
        this.silent.add(ws);
        ws.ping();
      }
    }
  }

  private push(conversationId: string, activities: StoredActivity[]): void {
    const set = this.sockets.get(conversationId);
    const conversation = this.deps.conversations.get(conversationId);
    if (!set?.size || !conversation || activities.length === 0) return;
    const frame = JSON.stringify({ activities, watermark: String(conversation.firstWatermark + conversation.activities.length) });
    for (const ws of set) if (ws.readyState === ws.OPEN) ws.send(frame);
  }
}

function isHttpError(err: unknown): err is HttpError {
  return typeof err === 'object' && err !== null && 'status' in err && 'code' in err;
}

function parseWatermark(value: unknown): number {
  const n = typeof value === 'string' ? Number.parseInt(value, 10) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : 0;
}

function localeFrom(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const locale = (body as { locale?: unknown }).locale;
  return isLocaleTag(locale) ? locale : undefined;
}


function isSecure(req: Request): boolean {
  return req.headers['x-forwarded-proto'] === 'https' || req.isSecure();
}

/** How many tokens of ended conversations are remembered, to be answered "ended" rather than "expired". */
const ENDED_TOKENS_KEPT = 20_000;

/** How long a stream's client may take to answer the closing handshake before its socket is dropped. */
const CLOSE_HANDSHAKE_MS = 1_000;

/** Closes a stream with 1001 (going away); a client that does not answer the handshake in time is cut off. */
function closeOrTerminate(ws: WebSocket, reason: string): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState === ws.CLOSED) return resolve();
    const timer = setTimeout(() => {
      ws.terminate();
      resolve();
    }, CLOSE_HANDSHAKE_MS);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    ws.close(1001, reason);
  });
}
