import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from '@jest/globals';
import { dialogs } from '../../dialogs/index.js';
import { createLogger } from '../../src/log.js';
import { engineHarness, TestUser, text } from '../helpers/fixtures.js';
import { openConversation, startApp, type RunningApp } from '../helpers/server.js';
import { SLACK_ENV } from '../helpers/slack.js';

const STRESS = process.env.STRESS === '1';
const HTTP_CASES = STRESS ? 3000 : 600;
const DIALOG_CASES_PER_STEP = STRESS ? 40 : 8;

/** A seeded PRNG so a failure can be replayed. */
function prng(seed: number) {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!,
  };
}

function randomString(r: ReturnType<typeof prng>, max: number): string {
  const alphabet = [...'abcXYZ019 _-{}[]":,\\/<>&%\u0000\u00e9\u4e2d\ud83d\ude00\n\t\'`$']; // code points, not halves
  return Array.from({ length: r.int(max) }, () => alphabet[r.int(alphabet.length)]).join('');
}

function randomJson(r: ReturnType<typeof prng>, depth = 0): unknown {
  switch (r.int(depth > 2 ? 5 : 8)) {
    case 0: return r.int(1e9) - 5e8;
    case 1: return randomString(r, 40);
    case 2: return null;
    case 3: return r.next() > 0.5;
    case 4: return r.next() * 1e300;
    case 5: return Array.from({ length: r.int(4) }, () => randomJson(r, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: r.int(5) }, () => [r.pick(['type', 'text', 'value', 'locale', 'channelData', 'from', 'event', 'payload', randomString(r, 8)]), randomJson(r, depth + 1)]));
  }
}

let running: RunningApp | undefined;
afterAll(async () => running?.stop());

describe('fuzzing', () => {
  it(`every endpoint answers malformed, oversized, wrongly typed and random requests with a 4xx (never a crash), and a refused request changes nothing stored`, async () => {
    running = await startApp({ ...SLACK_ENV, TEAMS_ENABLED: 'true', WEB_RATE_LIMIT_PER_MINUTE: '100000', WEB_RATE_LIMIT_PER_TOKEN_PER_MINUTE: '100000' });
    const { base, directLine, app } = running;
    const conv = await openConversation(directLine);
    const r = prng(42);
    const paths = [
      '/v3/directline/tokens/generate',
      '/v3/directline/tokens/refresh',
      '/v3/directline/conversations',
      `/v3/directline/conversations/${conv.conversationId}`,
      `/v3/directline/conversations/${conv.conversationId}/activities`,
      '/v3/directline/conversations/someone-else/activities',
      '/slack/events',
      '/api/messages',
      '/healthz',
      '/exports/AAAAAAAAAAAAAAAAAAAAAA',
      `/exports/${randomString(r, 22)}`,
      `/${randomString(r, 10)}`,
    ];
    const statuses = new Map<number, number>();
    let serverErrors = 0;
    const failures: string[] = [];
    for (let i = 0; i < HTTP_CASES; i++) {
      const path = r.pick(paths);
      const method = r.pick(['GET', 'POST', 'POST', 'POST', 'DELETE', 'PUT', 'OPTIONS']);
      const kind = r.int(6);
      const body =
        method === 'GET' || method === 'OPTIONS' ? undefined
        : kind === 0 ? randomString(r, 300) // not JSON at all
        : kind === 1 ? 'x'.repeat(300_000) // oversized
        : kind === 2 ? `payload=${encodeURIComponent(randomString(r, 200))}`
        : JSON.stringify(randomJson(r));
      const headers: Record<string, string> = {
        'content-type': r.pick(['application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/octet-stream']),
      };
      if (r.next() > 0.3) headers.authorization = r.pick([`Bearer ${conv.token}`, 'Bearer garbage', `Bearer ${randomString(r, 30).replace(/[^\x21-\x7e]/g, 'x')}`, 'Basic abc']);
      if (r.next() > 0.7) {
        headers['x-slack-signature'] = `v0=${'a'.repeat(64)}`;
        headers['x-slack-request-timestamp'] = String(Math.floor(Date.now() / 1000));
      }
      if (r.next() > 0.9) headers['x-junk'] = 'y'.repeat(r.int(4000));
      const before = JSON.stringify(app.store.data);
      const res = await fetch(`${base}${path}`, { method, headers, body });
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) {
        serverErrors += 1;
        failures.push(`${method} ${path} ${headers['content-type']} ${body?.slice(0, 60) ?? ''}`);
      }
      if (res.status >= 400) expect(JSON.stringify(app.store.data)).toBe(before);
    }
    const health = await fetch(`${base}/healthz`);
    process.stdout.write(`fuzz (HTTP): ${HTTP_CASES} requests; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}; server errors ${serverErrors}\n`);
    expect(failures).toEqual([]);
    expect(serverErrors).toBe(0);
    expect(health.status).toBe(200);
  }, 120_000);

  it('random texts and button values at every step of every dialog: no failed turn, always an answer', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    // The engine's log is captured to count failed turns.
    const h = await engineHarness({ log: createLogger('info', sink) });
    const r = prng(7);
    let cases = 0;
    const notUnderstood = await text('en', 'common:notUnderstood');
    let answeredNotUnderstood = 0;
    const starters = dialogs.filter((d) => d.menu).map((d) => `dialog:${d.id}`);
    for (const [index, start] of starters.entries()) {
      for (const who of ['teacher-fuzz', 'liaison-north', 'prevention-coordinator']) {
        const user = new TestUser(h.engine, { id: who, conversation: `fuzz-${index}-${who}`, locale: r.pick(['en', 'nl', 'fr', 'de']) });
        await user.press(start);
        // Walk a few steps: at each, random inputs first, then a real choice when there is one.
        for (let step = 0; step < 6; step++) {
          for (let k = 0; k < DIALOG_CASES_PER_STEP; k++) {
            const replies = r.next() > 0.5 ? await user.say(randomString(r, 60)) : await user.press(r.pick([randomString(r, 20), 'callback:ack:nope', 'contact:delete:x', 'school:nowhere', 'dialog:nonexistent', 'language:xx', 'cmd:unknown']));
            cases += 1;
            expect(replies.length).toBeGreaterThan(0);
            if (replies.some((x) => x.kind === 'text' && x.text === notUnderstood)) answeredNotUnderstood += 1;
          }
          const choices = user.lastChoices();
          if (choices.length === 0) break;
          await user.click(choices[r.int(choices.length)]!.value);
        }
      }
    }
    const failed = lines.filter((l) => l.includes('"turn_failed"')).length;
    process.stdout.write(`fuzz (dialogs): ${cases} random inputs across ${starters.length} dialogs and 3 roles; ${answeredNotUnderstood} answered "I didn't understand"; failed turns ${failed}\n`);
    expect(failed).toBe(0);
  }, 120_000);
});
