/**
 * Web transcript activities as the store writes them to disk (journal lines and transcript files).
 *
 * Every activity of a conversation repeats fields that follow from where it stands: its id (the
 * conversation's id and its watermark), the channel, the conversation, the bot's or the visitor's
 * account, plain text, and buttons that carry their label three times (Bot Framework's
 * messageBack). Those are left out when written and put back when read, so an activity on disk is
 * about half as long; in memory and on the wire activities keep their full Direct Line shape.
 * Encoding the journal was the largest single cost of a turn (see docs/performance.md).
 *
 * A packed activity is an object with a numeric "@": the fields it leaves out, one bit each. Packing
 * is exact: a field is left out only when it has exactly the value that reading puts back (anything
 * else is written as it is), so `unpack(pack(a))` equals `a` for every activity, whatever its shape:
 * the same fields with the same values, though not in the same order (the fields put back come after
 * the others), which no reader of JSON may rely on.
 * Activities written before this format (no "@") are read as they are.
 */

import { CodedError, ErrorCode } from '../core/errors.js';
import { isObject } from './rawShapes.js';

/** The assistant's account in web transcripts. */
export const WEB_BOT_ACCOUNT = Object.freeze({ id: 'school-liaison-assistant', name: 'School liaison assistant', role: 'bot' } as const);

/** Where an activity stands: what its left-out fields follow from. */
export interface ActivityPlace {
  conversationId: string;
  /** The visitor's id (`WebConversation.userId`). */
  userId: string;
  /** The activity's watermark (its position in the whole conversation). */
  watermark: number;
}

type Activity = Record<string, unknown>;

const MARK = '@';
const ID = 1;
const CHANNEL = 2;
const CONVERSATION = 4;
const FROM_BOT = 8;
const FROM_USER = 16;
const PLAIN_TEXT = 32;
const BUTTONS = 64;
const MESSAGE = 128;
const REPLY_TO = 256;
const ALL_BITS = ID | CHANNEL | CONVERSATION | FROM_BOT | FROM_USER | PLAIN_TEXT | BUTTONS | MESSAGE | REPLY_TO;
/** Written for an activity that has an "@" field of its own: the activity as it is, under `activity`. */
const VERBATIM = 0;
/** Ids carry seven digits: a watermark past them is written with its id as it is. */
const MAX_PACKED_WATERMARK = 9_999_999;

/** The bit of the field a key names (0 for any other field); BUTTONS and REPLY_TO are written in another form, see below. */
function bitOf(key: string): number {
  switch (key) {
    case 'id':
      return ID;
    case 'channelId':
      return CHANNEL;
    case 'conversation':
      return CONVERSATION;
    case 'from':
      return FROM_BOT | FROM_USER;
    case 'textFormat':
      return PLAIN_TEXT;
    case 'suggestedActions':
      return BUTTONS;
    case 'type':
      return MESSAGE;
    case 'replyToId':
      return REPLY_TO;
    default:
      return 0;
  }
}

/** The activity id of a watermark, as the web channel gives it. */
export function activityId(conversationId: string, watermark: number): string {
  return `${conversationId}|${String(watermark).padStart(7, '0')}`;
}

function hasExactly(value: Record<string, unknown>, count: number): boolean {
  let n = 0;
  for (const key in value) if (Object.hasOwn(value, key)) n++;
  return n === count;
}

/**
 * The watermark an id of this conversation names, or undefined for any other id (and for watermarks
 * past seven digits, whose ids are then written as they are). Read digit by digit: this runs for
 * every activity written, and building the id to compare cost more.
 */
function watermarkOf(id: unknown, conversationId: string): number | undefined {
  const start = conversationId.length + 1;
  if (typeof id !== 'string' || id.length !== start + 7 || id.charCodeAt(start - 1) !== 0x7c || !id.startsWith(conversationId)) return undefined;
  let watermark = 0;
  for (let i = start; i < id.length; i++) {
    const digit = id.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    watermark = watermark * 10 + digit;
  }
  return watermark;
}

/** messageBack buttons whose title, text and displayText are one label, as [choice, label] pairs; undefined for any other shape. */
function buttonPairs(suggested: unknown): [string, string][] | undefined {
  if (!isObject(suggested) || !hasExactly(suggested, 1) || !Array.isArray(suggested.actions)) return undefined;
  const pairs: [string, string][] = [];
  for (const action of suggested.actions as unknown[]) {
    if (!isObject(action) || !hasExactly(action, 5) || action.type !== 'messageBack') return undefined;
    const { title, text, displayText, value } = action;
    if (typeof title !== 'string' || text !== title || displayText !== title) return undefined;
    if (!isObject(value) || !hasExactly(value, 1) || typeof value.choice !== 'string') return undefined;
    pairs.push([value.choice, title]);
  }
  return pairs;
}

function isBot(from: unknown): boolean {
  // The web channel gives every reply this very (frozen) object: the comparison of its fields is for any other.
  if (from === WEB_BOT_ACCOUNT) return true;
  return isObject(from) && hasExactly(from, 3) && from.id === WEB_BOT_ACCOUNT.id && from.name === WEB_BOT_ACCOUNT.name && from.role === WEB_BOT_ACCOUNT.role;
}

function isVisitor(from: unknown, userId: string): boolean {
  return isObject(from) && hasExactly(from, 2) && from.id === userId && from.role === 'user';
}

/**
 * Sets a field as data. `object[key] = value` would set the prototype for "__proto__", a key that
 * JSON.parse gives as an ordinary field.
 */
function setField(object: Activity, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

/** The activity as written to disk. */
export function packActivity(activity: unknown, place: ActivityPlace): unknown {
  if (!isObject(activity)) return activity;
  if (Object.hasOwn(activity, MARK)) return { [MARK]: VERBATIM, activity };
  let bits = 0;
  if (watermarkOf(activity.id, place.conversationId) === place.watermark) bits |= ID;
  if (activity.channelId === 'directline') bits |= CHANNEL;
  const conversation = activity.conversation;
  if (isObject(conversation) && hasExactly(conversation, 1) && conversation.id === place.conversationId) bits |= CONVERSATION;
  if (isBot(activity.from)) bits |= FROM_BOT;
  else if (isVisitor(activity.from, place.userId)) bits |= FROM_USER;
  if (activity.textFormat === 'plain') bits |= PLAIN_TEXT;
  if (activity.type === 'message') bits |= MESSAGE;
  // The two fields written in another form take a name of their own, which the activity must not use.
  const pairs = Object.hasOwn(activity, 'choices') ? undefined : buttonPairs(activity.suggestedActions);
  if (pairs) bits |= BUTTONS;
  const replyTo = Object.hasOwn(activity, 'replyTo') ? undefined : watermarkOf(activity.replyToId, place.conversationId);
  if (replyTo !== undefined) bits |= REPLY_TO;
  // Nothing to leave out: written as it is (it has no "@", so it is read as it is).
  if (bits === 0) return activity;
  const packed: Activity = { '@': bits };
  for (const key of Object.keys(activity)) if ((bitOf(key) & bits) === 0) setField(packed, key, activity[key]);
  if (pairs) packed.choices = pairs;
  if (replyTo !== undefined) packed.replyTo = replyTo;
  return packed;
}

/**
 * An activity as read from disk (packed or written before packing) in its full shape. A packed
 * activity that does not read back whole (bits this build does not know, both accounts, buttons or a
 * reply that are not in their written form) is refused: `where` names the file and line.
 */
export function unpackActivity(stored: unknown, place: ActivityPlace, where = 'file'): unknown {
  if (!isObject(stored) || !Object.hasOwn(stored, MARK)) return stored;
  const mark = stored[MARK];
  const refuse = (reason: string): never => {
    throw new CodedError(ErrorCode.StoreCorrupt, `Store ${where}: a stored activity cannot be read (${reason}); the files were left untouched.`);
  };
  if (mark === VERBATIM) return hasExactly(stored, 2) && Object.hasOwn(stored, 'activity') ? stored.activity : refuse('"@" 0 holds one field, "activity"');
  if (typeof mark !== 'number' || !Number.isInteger(mark) || mark < 0 || (mark & ~ALL_BITS) !== 0) refuse(`"@" is ${JSON.stringify(mark)}`);
  const bits = mark as number;
  if (bits & FROM_BOT && bits & FROM_USER) refuse('two accounts');
  const activity: Activity = {};
  if (bits & MESSAGE) activity.type = 'message';
  for (const key of Object.keys(stored)) {
    if (key === MARK || (key === 'choices' && bits & BUTTONS) || (key === 'replyTo' && bits & REPLY_TO)) continue;
    if (bitOf(key) & bits) refuse(`"${key}" is there and left out at once`);
    setField(activity, key, stored[key]);
  }
  if (bits & FROM_BOT) activity.from = { ...WEB_BOT_ACCOUNT };
  if (bits & FROM_USER) activity.from = { id: place.userId, role: 'user' };
  if (bits & PLAIN_TEXT) activity.textFormat = 'plain';
  if (bits & BUTTONS) {
    const pairs = stored.choices;
    if (!Array.isArray(pairs) || !pairs.every((pair) => Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string' && typeof pair[1] === 'string')) refuse('buttons that are not [choice, label] pairs');
    activity.suggestedActions = {
      actions: (pairs as [string, string][]).map(([choice, label]) => ({ type: 'messageBack', title: label, text: label, displayText: label, value: { choice } })),
    };
  }
  if (bits & REPLY_TO) {
    const replyTo = stored.replyTo;
    if (typeof replyTo !== 'number' || !Number.isInteger(replyTo) || replyTo < 0 || replyTo > MAX_PACKED_WATERMARK) refuse('a reply to no watermark');
    activity.replyToId = activityId(place.conversationId, replyTo as number);
  }
  if (bits & ID) activity.id = activityId(place.conversationId, place.watermark);
  if (bits & CHANNEL) activity.channelId = 'directline';
  if (bits & CONVERSATION) activity.conversation = { id: place.conversationId };
  return activity;
}
