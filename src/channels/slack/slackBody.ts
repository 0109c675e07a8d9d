import type { IncomingMessage } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { z } from 'zod';

/** Events and interactivity payloads are a few kilobytes; a clicked message's blocks come with it. */
export const SLACK_BODY_MAX_BYTES = 1024 * 1024;

export type SlackBody = { ok: true; raw: Buffer } | { ok: false; status: 400 | 413 | 415; code: string; message: string };

const PlainObject = z.record(z.string(), z.unknown());

/*
 * What Bolt dereferences before any listener runs (helpers.getTypeAndConversation and buildSource in
 * App.js), by the kind it takes a body for. Bolt tells the kind by shape, not by `type`: any `event`
 * makes an event, any `command` a slash command, any `name` options, any `actions` an action. A
 * signed body that would fail there is refused here instead of answered 500 with an error logged.
 */
const EventBody = z
  .object({
    event: z
      .object({
        type: z.string(),
        channel: z.union([z.string(), PlainObject]).optional(),
        item: PlainObject.optional(),
        user: z.union([z.string(), PlainObject]).optional(),
        subteam: PlainObject.optional(),
      })
      .loose(),
    // Bolt reads the first authorization's team_id.
    authorizations: z.unknown().refine((list) => !Array.isArray(list) || list.length === 0 || PlainObject.safeParse(list[0]).success).optional(),
  })
  .loose();
const CommandBody = z.object({ command: z.string(), user_id: z.string().min(1), text: z.string().optional() }).loose();
const InteractiveBody = z
  .object({
    user: z.object({ id: z.string().min(1) }).loose(),
    team: PlainObject.nullable().optional(),
    enterprise: PlainObject.nullable().optional(),
    channel: PlainObject.optional(),
    actions: z.array(PlainObject).optional(),
    view: PlainObject.optional(),
  })
  .loose();

/** Interactivity payloads by their `type`. */
const INTERACTIVE_TYPES = new Set(['block_actions', 'block_suggestion', 'view_submission', 'view_closed', 'shortcut', 'message_action', 'interactive_message', 'dialog_submission']);

function hasKnownShape(body: unknown): boolean {
  if (!PlainObject.safeParse(body).success) return false;
  const fields = body as Record<string, unknown>;
  if (fields.event !== undefined) return EventBody.safeParse(body).success;
  if (fields.type === 'event_callback') return false; // an event callback without its event
  if (fields.command !== undefined) return CommandBody.safeParse(body).success;
  const interactive = fields.name !== undefined || fields.actions !== undefined || (typeof fields.type === 'string' && INTERACTIVE_TYPES.has(fields.type));
  if (!interactive) return true; // url_verification, ssl_check: Bolt answers those itself
  if (!InteractiveBody.safeParse(body).success) return false;
  if (fields.type === 'view_submission' || fields.type === 'view_closed') return PlainObject.safeParse(fields.view).success;
  return true;
}

/**
 * Reads a request to /slack/events whole and checks its shape before Bolt sees it, and hands Bolt the
 * bytes read (as `rawBody`, which Bolt uses instead of reading the stream again, so the signature is
 * still checked on exactly what arrived). Bolt 5 dereferences the parsed body without checking it:
 * a signed `null` body killed the process (an unhandled rejection), a block_actions payload without
 * `user` answered 500, and a malformed body's first characters went into the log. The body is parsed
 * the way Bolt parses it (a form only for exactly `application/x-www-form-urlencoded`, its `payload`
 * field as JSON; anything else as JSON), so what passes here parses there.
 */
export async function readSlackBody(req: IncomingMessage): Promise<SlackBody> {
  if (req.headers['content-encoding'] !== undefined) {
    return { ok: false, status: 415, code: 'UnsupportedMediaType', message: 'Request bodies must not be compressed.' };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > SLACK_BODY_MAX_BYTES) {
      req.resume();
      return { ok: false, status: 413, code: 'PayloadTooLarge', message: `Request bodies are limited to ${SLACK_BODY_MAX_BYTES} bytes.` };
    }
    chunks.push(chunk);
  }
  const raw = Buffer.concat(chunks);
  const refused = { ok: false, status: 400, code: 'BadRequest', message: 'Expected a Slack event, interactivity payload or slash command.' } as const;
  let body: unknown;
  try {
    const text = raw.toString('utf8');
    if (req.headers['content-type'] === 'application/x-www-form-urlencoded') {
      const form = parseQuery(text);
      body = typeof form.payload === 'string' ? JSON.parse(form.payload) : form;
    } else {
      body = JSON.parse(text);
    }
  } catch {
    return refused;
  }
  return hasKnownShape(body) ? { ok: true, raw } : refused;
}

/* The fields the listeners read, checked (a signed payload is Slack's, but its shape is still input). */

export const MessageEvent = z.object({
  channel: z.string().min(1),
  ts: z.string().min(1),
  user: z.string().min(1).optional(),
  text: z.string().optional(),
  channel_type: z.string().optional(),
  subtype: z.string().optional(),
  bot_id: z.string().optional(),
  thread_ts: z.string().optional(),
});

export const MentionEvent = MessageEvent.extend({ edited: z.unknown().optional() });

export const ButtonAction = z.object({
  type: z.string(),
  value: z.string().optional(),
  block_id: z.string().optional(),
  text: z.object({ text: z.string().optional() }).optional(),
});

export const ActionBody = z.object({
  user: z.object({ id: z.string().min(1) }),
  channel: z.object({ id: z.string().min(1) }).optional(),
  message: z.object({ ts: z.string().min(1), thread_ts: z.string().optional(), blocks: z.array(PlainObject).optional(), text: z.string().optional() }).optional(),
  view: z.unknown().optional(),
});
