import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from '../../src/core/errors.js';
import { activityId, packActivity, unpackActivity, WEB_BOT_ACCOUNT, type ActivityPlace } from '../../src/store/activityCodec.js';

const place: ActivityPlace = { conversationId: 'AbC-12_x', userId: 'v-visitor', watermark: 41 };
const envelope = (watermark = place.watermark) => ({
  id: activityId(place.conversationId, watermark),
  timestamp: '2026-11-25T10:00:00.000Z',
  channelId: 'directline',
  conversation: { id: place.conversationId },
});

/** A bot reply as the web channel stores it (render.ts and appendBotReplies). */
const choicesReply = () => ({
  type: 'message',
  text: 'What would you like to do?',
  textFormat: 'plain',
  channelData: { reply: 'choices' },
  suggestedActions: {
    actions: [
      { type: 'messageBack', title: 'I am worried about a pupil', text: 'I am worried about a pupil', displayText: 'I am worried about a pupil', value: { choice: 'dialog:concern' } },
      { type: 'messageBack', title: 'Élève — “quote”', text: 'Élève — “quote”', displayText: 'Élève — “quote”', value: { choice: 'yes' } },
    ],
  },
  from: { ...WEB_BOT_ACCOUNT },
  locale: 'fr',
  replyToId: activityId(place.conversationId, 40),
  ...envelope(),
});

const roundTrip = (activity: unknown, at: ActivityPlace = place) => unpackActivity(JSON.parse(JSON.stringify(packActivity(activity, at))), at);

describe('activityCodec', () => {
  it('writes a bot reply with buttons at well under half its length, and reads it back whole', () => {
    const reply = choicesReply();
    const packed = packActivity(reply, place) as Record<string, unknown>;
    expect(packed).toStrictEqual({
      '@': expect.any(Number),
      text: reply.text,
      channelData: { reply: 'choices' },
      locale: 'fr',
      timestamp: reply.timestamp,
      choices: [
        ['dialog:concern', 'I am worried about a pupil'],
        ['yes', 'Élève — “quote”'],
      ],
      replyTo: 40,
    });
    expect(JSON.stringify(packed).length).toBeLessThan(JSON.stringify(reply).length * 0.45);
    expect(roundTrip(reply)).toStrictEqual(reply);
  });

  it("reads back the visitor's echo, a click, a typing event and a proactive message exactly", () => {
    const visitor = { id: place.userId, role: 'user' };
    const cases = [
      { type: 'message', from: visitor, locale: 'nl-BE', channelData: { clientActivityID: 'c-1' }, text: 'ik maak me zorgen', ...envelope() },
      { type: 'message', from: visitor, value: { choice: 'dialog:concern' }, text: 'I am worried about a pupil', ...envelope() },
      { type: 'typing', from: visitor, ...envelope() },
      { type: 'message', text: 'A reminder', textFormat: 'plain', channelData: { reply: 'text' }, from: { ...WEB_BOT_ACCOUNT }, locale: 'en', ...envelope() },
      {
        type: 'message',
        text: 'Read the protocol',
        textFormat: 'plain',
        channelData: { reply: 'link', link: { label: 'Protocol', url: 'https://example.org/p' } },
        attachments: [{ contentType: 'application/vnd.microsoft.card.hero', content: { buttons: [{ type: 'openUrl', title: 'Protocol', value: 'https://example.org/p' }] } }],
        from: { ...WEB_BOT_ACCOUNT },
        locale: 'en',
        ...envelope(),
      },
    ];
    for (const activity of cases) {
      expect(roundTrip(activity)).toStrictEqual(activity);
      const packed = packActivity(activity, place) as Record<string, unknown>;
      for (const derived of ['id', 'channelId', 'conversation', 'from']) expect(packed).not.toHaveProperty(derived);
    }
  });

  it('leaves a field out only when it has exactly the value read back: anything else is written as it is', () => {
    const odd = [
      { ...choicesReply(), id: activityId('other-conversation', 41) }, // another conversation's id
      { ...choicesReply(), id: activityId(place.conversationId, 42) }, // another watermark
      { ...choicesReply(), channelId: 'webchat' },
      { ...choicesReply(), conversation: { id: place.conversationId, isGroup: false } },
      { ...choicesReply(), from: { ...WEB_BOT_ACCOUNT, name: 'Someone else' } },
      { ...choicesReply(), from: { id: 'v-someone-else', role: 'user' } },
      { ...choicesReply(), from: { id: place.userId, role: 'user', name: 'extra' } },
      { ...choicesReply(), textFormat: 'markdown' },
      { ...choicesReply(), type: 'event' },
      { ...choicesReply(), replyToId: 'not-of-this-conversation|0000040' },
      { ...choicesReply(), replyToId: `${place.conversationId}|40` }, // not seven digits
      { ...choicesReply(), replyToId: activityId(place.conversationId, 12_345_678) }, // past seven digits
      { ...choicesReply(), suggestedActions: { actions: [{ type: 'imBack', title: 'A', value: 'A' }] } },
      { ...choicesReply(), suggestedActions: { actions: [{ type: 'messageBack', title: 'A', text: 'B', displayText: 'A', value: { choice: 'a' } }] } },
      { ...choicesReply(), suggestedActions: { actions: [{ type: 'messageBack', title: 'A', text: 'A', displayText: 'A', value: { choice: 'a', extra: 1 } }] } },
      { ...choicesReply(), suggestedActions: { actions: [], to: ['x'] } },
      { ...choicesReply(), suggestedActions: { actions: [] } },
      { ...choicesReply(), choices: ['a field of its own'] }, // the name buttons are written under
      { ...choicesReply(), replyTo: 'a field of its own' },
      { ...choicesReply(), '@': 'a field of its own' }, // the mark itself
      { ...choicesReply(), '@': 0, activity: 'x' },
      { id: 'x', type: 'message', timestamp: 't' },
      { ...envelope(), type: 'message', nested: { '@': 3, id: 'x' } },
    ];
    for (const activity of odd) expect(roundTrip(activity)).toStrictEqual(activity);
    expect(roundTrip({ ...choicesReply(), id: activityId(place.conversationId, 10_000_000) }, { ...place, watermark: 10_000_000 })).toStrictEqual({
      ...choicesReply(),
      id: activityId(place.conversationId, 10_000_000),
    });
  });

  it('keeps a "__proto__" field a JSON activity can carry as a field, on both sides', () => {
    const withProto = JSON.parse(`{"type":"message","text":"x","__proto__":{"polluted":true},${JSON.stringify(envelope()).slice(1, -1)}}`) as Record<string, unknown>;
    expect(Object.hasOwn(withProto, '__proto__')).toBe(true);
    const back = roundTrip(withProto) as Record<string, unknown>;
    expect(Object.hasOwn(back, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(back).toStrictEqual(withProto);
    // A packed line carrying one (written by hand) does not set the prototype either.
    const read = unpackActivity(JSON.parse('{"@":128,"timestamp":"t","__proto__":{"polluted":true}}'), place) as Record<string, unknown>;
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    expect(Object.hasOwn(read, '__proto__')).toBe(true);
  });

  it('refuses a packed activity that does not read back whole, naming where it is', () => {
    const corrupt = [
      { '@': 4096, timestamp: 't' }, // a bit this build does not know
      { '@': -1, timestamp: 't' },
      { '@': 1.5, timestamp: 't' },
      { '@': 'x', timestamp: 't' },
      { '@': 8 | 16, timestamp: 't' }, // two accounts
      { '@': 64, choices: 'oops', timestamp: 't' },
      { '@': 64, choices: [['a']], timestamp: 't' },
      { '@': 256, replyTo: 'x', timestamp: 't' },
      { '@': 256, timestamp: 't' },
      { '@': 1, id: 'x', timestamp: 't' }, // left out and there at once
      { '@': 0, timestamp: 't' }, // "as it is" without the activity
    ];
    for (const stored of corrupt) {
      expect(() => unpackActivity(stored, place, 'db.journal.3.jsonl line 7')).toThrow(
        expect.objectContaining({ code: ErrorCode.StoreCorrupt, message: expect.stringContaining('db.journal.3.jsonl line 7') }),
      );
    }
  });

  it('reads activities written before packing as they are', () => {
    const old = choicesReply();
    expect(unpackActivity(old, place)).toBe(old);
    expect(unpackActivity('not an object', place)).toBe('not an object');
    expect(unpackActivity(null, place)).toBeNull();
  });

  it('round-trips random activities built from the fields the channel uses, right and wrong', () => {
    // A small seeded generator (mulberry32): the same cases on every run.
    let seed = 20261125;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(values: T[]): T => values[Math.floor(random() * values.length)]!;
    const fields: Record<string, unknown[]> = {
      type: ['message', 'typing', 'event', 3],
      id: [activityId(place.conversationId, 41), activityId(place.conversationId, 7), 'x', 41],
      channelId: ['directline', 'slack'],
      conversation: [{ id: place.conversationId }, { id: 'other' }, place.conversationId],
      from: [{ ...WEB_BOT_ACCOUNT }, { id: place.userId, role: 'user' }, { id: place.userId }, 'bot'],
      textFormat: ['plain', 'xml'],
      replyToId: [activityId(place.conversationId, 40), 'elsewhere', 40],
      suggestedActions: [choicesReply().suggestedActions, { actions: 'none' }, null],
      choices: [[['a', 'b']]],
      replyTo: [40],
      text: ['hello', ''],
      '@': [1, 'mark'],
    };
    for (let n = 0; n < 2000; n++) {
      const activity: Record<string, unknown> = {};
      for (const [key, values] of Object.entries(fields)) if (random() < 0.6) activity[key] = pick(values);
      expect(roundTrip(activity)).toStrictEqual(activity);
    }
  });
});
