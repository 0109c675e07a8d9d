import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ConnectionStatus, DirectLine, type Activity, type Message } from 'botframework-directlinejs';
import { WebSocket } from 'ws';
import XHR from 'xhr2';
import { json, startApp, type RunningApp } from '../../helpers/server.js';
import { text } from '../../helpers/fixtures.js';

/**
 * Contract tests with Microsoft's own Direct Line client (the one Web Chat uses), over polling and
 * over WebSocket, against the real server on 127.0.0.1.
 */
const globals = globalThis as Record<string, unknown>;
beforeAll(() => {
  globals.XMLHttpRequest = XHR; // directlinejs uses rxjs ajax, which needs XHR
});
afterAll(() => {
  delete globals.XMLHttpRequest;
  delete globals.WebSocket;
});

let running: RunningApp | undefined;
let client: DirectLine | undefined;
afterEach(async () => {
  client?.end();
  client = undefined;
  await running?.stop();
  running = undefined;
});

/** One long-lived subscription, as Web Chat has: re-subscribing would open a new socket. */
function collectBotMessages(dl: DirectLine) {
  const seen: Message[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  dl.activity$.subscribe({
    next: (a: Activity) => {
      if (a.type === 'message' && a.from.role === 'bot') seen.push(a as Message);
      for (const w of waiters.filter((w) => seen.length >= w.count)) w.resolve();
    },
    error: () => undefined,
  });
  return {
    /** Resolves with every bot message once at least `count` have arrived in total. */
    async until(count: number, timeoutMs = 8000): Promise<Message[]> {
      if (seen.length < count) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`only ${seen.length} of ${count}: ${JSON.stringify(seen.map((m) => m.text))}`)), timeoutMs);
          waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
        });
      }
      return seen.slice();
    },
  };
}

function post(dl: DirectLine, activity: Partial<Message>): Promise<string> {
  return new Promise((resolve, reject) => {
    dl.postActivity({ type: 'message', from: { id: 'someone' }, ...activity } as Message).subscribe({
      next: resolve,
      error: (e: unknown) => reject(e as Error),
    });
  });
}

describe.each([
  ['polling', false],
  ['WebSocket', true],
])('botframework-directlinejs over %s', (_name, webSocket) => {
  it('receives the welcome, answers a suggested action and follows the language change', async () => {
    running = await startApp();
    globals.WebSocket = WebSocket; // directlinejs touches the global even in polling mode
    const { body } = await json<{ token: string }>(`${running.directLine}/tokens/generate`, { method: 'POST' });
    client = new DirectLine({ token: body.token, domain: running.directLine, webSocket, pollingInterval: 200 });
    const statuses: ConnectionStatus[] = [];
    client.connectionStatus$.subscribe((s) => statuses.push(s));

    const bot = collectBotMessages(client);
    const [welcome, menu] = await bot.until(2);
    expect(welcome?.text).toContain('Riverside');
    expect(menu?.text).toBe(await text('en', 'menu:prompt'));
    const languageAction = menu?.suggestedActions?.actions.find((a) => (a.value as { choice?: string }).choice === 'dialog:language');
    expect(languageAction).toBeDefined();

    const id = await post(client, { text: languageAction!.title, value: languageAction!.value });
    expect(id).toMatch(/\|\d+$/);
    expect((await bot.until(3))[2]?.text).toBe(await text('en', 'language:prompt'));

    await post(client, { text: 'Nederlands', value: { choice: 'language:nl' } });
    const after = await bot.until(5);
    expect(after[3]?.text).toBe(await text('nl', 'common:languageChanged'));
    expect(after[4]?.text).toBe(await text('nl', 'menu:prompt'));
    expect(after).toHaveLength(5); // nothing arrived twice
    expect(statuses).toContain(ConnectionStatus.Online);
  });
});

describe('botframework-directlinejs in secret mode (the site\'s backend holds WEB_CHAT_SECRET)', () => {
  it('starts a conversation with the secret, receives the welcome and gets an answer (it sends the secret with every request)', async () => {
    const secret = 'a-very-long-site-secret';
    running = await startApp({ WEB_CHAT_SECRET: secret });
    globals.WebSocket = WebSocket;
    client = new DirectLine({ secret, domain: running.directLine, webSocket: false, pollingInterval: 200 });
    const bot = collectBotMessages(client);
    const [, menu] = await bot.until(2);
    expect(menu?.text).toBe(await text('en', 'menu:prompt'));
    await post(client, { text: 'help' });
    expect((await bot.until(3)).length).toBeGreaterThanOrEqual(3);
  });
});
