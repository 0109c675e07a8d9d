import { createHmac } from 'node:crypto';
import nock from 'nock';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const BOT_TOKEN = 'xoxb-test-token';
export const SLACK_ENV = {
  SLACK_BOT_TOKEN: BOT_TOKEN,
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_BOT_ID: 'B0BOT',
  SLACK_BOT_USER_ID: 'U0BOT',
};

let sentMessages = 0;

/** Signs a body exactly as Slack does: v0=HMAC-SHA256(secret, "v0:<ts>:<body>"). */
export function slackHeaders(body: string, contentType: string, secret = SIGNING_SECRET, timestamp = Math.floor(Date.now() / 1000)) {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'content-type': contentType, 'x-slack-signature': signature, 'x-slack-request-timestamp': String(timestamp) };
}

export async function postEvent(base: string, event: Record<string, unknown>, options: { eventId?: string; retryNum?: number; secret?: string } = {}) {
  const body = JSON.stringify({
    token: 'legacy',
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: options.eventId ?? `Ev${Math.random().toString(36).slice(2)}`,
    event_time: Math.floor(Date.now() / 1000),
    event,
  });
  return fetch(`${base}/slack/events`, {
    method: 'POST',
    headers: {
      ...slackHeaders(body, 'application/json', options.secret),
      ...(options.retryNum ? { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' } : {}),
    },
    body,
  });
}

export function dm(user: string, text: string, channel = `D-${user}`) {
  // Slack's ts is unique per message in a channel; the assistant runs each (channel, ts) once.
  return { type: 'message', channel_type: 'im', channel, user, text, ts: `${Math.floor(Date.now() / 1000)}.${String(++sentMessages).padStart(6, '0')}` };
}

let clickedMessages = 0;

/** Posts a block_actions payload form-encoded (`payload=<json>`), signed, as Slack sends interactivity. */
function postAction(base: string, where: Record<string, unknown>, user: string, action: Record<string, unknown>) {
  const payload = {
    type: 'block_actions',
    team: { id: 'T1' },
    api_app_id: 'A1',
    token: 'legacy',
    user: { id: user },
    trigger_id: 'trigger',
    ...where,
    actions: [{ type: 'button', action_ts: `${Date.now() / 1000}`, ...action }],
  };
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return fetch(`${base}/slack/events`, { method: 'POST', headers: slackHeaders(body, 'application/x-www-form-urlencoded'), body });
}

/** Where a click on a message in a channel comes from. */
function onMessage(channel: string, messageTs: string, message: Record<string, unknown> = {}) {
  return {
    channel: { id: channel },
    container: { type: 'message', message_ts: messageTs, channel_id: channel },
    message: { ts: messageTs, text: 'fallback', blocks: [], ...message },
  };
}

/** A button click, form-encoded with `payload=<json>` as Slack sends interactivity. */
export async function clickButton(
  base: string,
  fields: { user: string; channel: string; value: string; label?: string; blockId?: string; messageTs?: string; threadTs?: string; blocks?: unknown[]; inHome?: boolean },
) {
  // Each click is on its own message unless a test says otherwise (two clicks on one message are a double-click).
  const messageTs = fields.messageTs ?? `${Date.now()}.${++clickedMessages}`;
  const where = fields.inHome
    ? { view: { id: 'V1', type: 'home' }, container: { type: 'view', view_id: 'V1' } }
    : onMessage(fields.channel, messageTs, { blocks: fields.blocks ?? [], ...(fields.threadTs ? { thread_ts: fields.threadTs } : {}) });
  return postAction(base, where, fields.user, {
    action_id: 'choice_0',
    block_id: fields.blockId ?? 'choices_0',
    value: fields.value,
    text: { type: 'plain_text', text: fields.label ?? fields.value },
  });
}

/** A click on a link button (a URL button: Slack opens the URL and still sends the click, with no value). */
export async function clickLinkButton(base: string, fields: { user: string; channel: string; url: string; blockId: string }) {
  const where = onMessage(fields.channel, `${Date.now()}.${++clickedMessages}`);
  return postAction(base, where, fields.user, { action_id: 'open_link', block_id: fields.blockId, url: fields.url, text: { type: 'plain_text', text: 'Download' } });
}

export async function slashCommand(base: string, user: string, text = '', command = '/liaison') {
  const body = new URLSearchParams({
    token: 'legacy', team_id: 'T1', channel_id: 'C-general', user_id: user, command, text,
    response_url: 'https://hooks.slack.com/commands/x', trigger_id: 't', api_app_id: 'A1',
  }).toString();
  return fetch(`${base}/slack/events`, { method: 'POST', headers: slackHeaders(body, 'application/x-www-form-urlencoded'), body });
}

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
}

/**
 * A fake Slack Web API on nock: records every call (form-encoded, `blocks`/`view` decoded) and answers
 * like Slack. `override` may answer a call differently (e.g. a 429) by returning [status, body, headers].
 */
export function fakeSlackApi(
  apiUrl = 'https://slack.com/api/',
  options: { locale?: (user: string) => string; override?: (call: SlackCall) => [number, unknown, Record<string, string>?] | undefined } = {},
) {
  const calls: SlackCall[] = [];
  const url = new URL(apiUrl);
  const scope = nock(url.origin)
    .persist()
    .post(new RegExp(`^${url.pathname.replace(/\/$/, '')}/[a-zA-Z.]+$`))
    .reply(function (uri, rawBody) {
      const method = uri.split('/').pop()!;
      const args: Record<string, unknown> = {};
      const params = typeof rawBody === 'string' ? new URLSearchParams(rawBody) : new URLSearchParams(Object.entries(rawBody as Record<string, string>));
      for (const [k, v] of params) args[k] = ['blocks', 'view'].includes(k) ? JSON.parse(v) : v;
      const call = { method, args };
      calls.push(call);
      const custom = options.override?.(call);
      if (custom) return custom;
      switch (method) {
        case 'conversations.open':
          return [200, { ok: true, channel: { id: `D-${String(args.users)}` } }];
        case 'users.info':
          return [200, { ok: true, user: { id: args.user, locale: options.locale?.(String(args.user)) ?? 'en-US' } }];
        case 'auth.test':
          return [200, { ok: true, user_id: 'U0BOT', bot_id: 'B0BOT' }];
        default:
          return [200, { ok: true, ts: `${Date.now() / 1000}`, channel: args.channel }];
      }
    });
  return {
    calls,
    scope,
    posts: () => calls.filter((c) => c.method === 'chat.postMessage'),
    /** Button values of every actions block in a posted message. */
    buttons: (call: SlackCall) =>
      ((call.args.blocks as { type: string; elements?: { value: string; text: { text: string } }[] }[]) ?? [])
        .filter((b) => b.type === 'actions')
        .flatMap((b) => b.elements!.map((e) => ({ value: e.value, label: e.text.text }))),
  };
}

export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
