import type { IncomingMessage } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { z } from 'zod';

/** Events and interactivity payloads are a few kilobytes; a clicked message's blocks come with it. */
export const SLACK_BODY_MAX_BYTES = 1024 * 1024;

export type SlackBody = { ok: true; raw: Buffer } | { ok: false; status: 400 | 413 | 415; code: string; message: string };

const PlainObject = z.record(z.string(), z.unknown());
/** The parts Bolt reads before any listener runs: without them it fails inside, after the signature check. */
const EventEnvelope = z.object({ event: z.object({ type: z.string() }).loose() }).loose();
const WithUser = z.object({ user: z.object({ id: z.string().min(1) }).loose() }).loose();
const ActionsEnvelope = WithUser.extend({ actions: z.array(PlainObject) });

/** Interactivity payloads: Bolt reads the user of each before any listener runs. */
const INTERACTIVE_TYPES = new Set(['block_actions', 'block_suggestion', 'view_submission', 'view_closed', 'shortcut', 'message_action', 'interactive_message', 'dialog_submission']);

function hasKnownShape(body: unknown): boolean {
  if (!PlainObject.safeParse(body).success) return false;
  const { type } = body as { type?: unknown };
  if (type === 'event_callback') return EventEnvelope.safeParse(body).success;
  if (type === 'block_actions') return ActionsEnvelope.safeParse(body).success;
  if (typeof type === 'string' && INTERACTIVE_TYPES.has(type)) return WithUser.safeParse(body).success;
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
