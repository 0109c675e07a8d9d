import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { WebSocket } from 'ws';
import { journalFiles, readStoreSnapshot } from '../../../src/store/store.js';
import type { WebChannel } from '../../../src/channels/web/webChannel.js';
import { json, openConversation, startApp, type RunningApp, type WebActivity } from '../../helpers/server.js';
import { text } from '../../helpers/fixtures.js';

let running: RunningApp | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('Direct Line endpoint (REST contract)', () => {
  it('a conversation started in Dutch stays in Dutch when later messages carry no locale', async () => {
    running = await startApp();
    const conv = await openConversation(running.directLine, 'nl');
    const mark = Number((await conv.activities()).body.watermark);
    await conv.post({ type: 'message', text: 'dialog:concern', value: { choice: 'dialog:concern' } });
    const texts = (await conv.activities(mark)).body.activities.map((a) => a.text);
    expect(texts).toContain(await text('nl', 'concern:dangerPrompt'));
  });

  it('a token opens a conversation that starts with a welcome and the menu as suggested actions', async () => {
    running = await startApp();
    const conv = await openConversation(running.directLine, 'nl-BE');
    expect(conv.status).toBe(201);
    expect(conv.streamUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v3\/directline\/conversations\/.+\/stream\?t=/);
    const { body } = await conv.activities();
    const [welcome, menu] = body.activities;
    expect(welcome?.from.role).toBe('bot');
    expect(welcome?.locale).toBe('nl');
    expect(menu?.text).toBe(await text('nl', 'menu:prompt'));
    expect(menu?.suggestedActions?.actions.map((a) => a.value.choice)).toContain('dialog:language');
    expect(body.watermark).toBe(String(body.activities.length));
  });

  it('echoes the user activity with a server id and its clientActivityID, then the replies', async () => {
    running = await startApp();
    const conv = await openConversation(running.directLine);
    const before = Number((await conv.activities()).body.watermark);
    const posted = await conv.post({ type: 'message', text: 'language', channelData: { clientActivityID: 'c-1' } });
    expect(posted.status).toBe(200);
    const { body } = await conv.activities(before);
    const [echo, reply] = body.activities as [WebActivity, WebActivity];
    expect(echo.id).toBe(posted.body.id);
    expect(echo.from.role).toBe('user');
    expect(echo.from.id).not.toBe('ignored'); // identity comes from the token, never the body
    expect(echo.channelData?.clientActivityID).toBe('c-1');
    expect(reply.text).toBe(await text('en', 'language:prompt'));
  });

  it('a click on a suggested action answers exactly as typing would', async () => {
    running = await startApp();
    const conv = await openConversation(running.directLine);
    await conv.post({ type: 'message', text: 'language' });
    const mark = Number((await conv.activities()).body.watermark);
    await conv.post({ type: 'message', text: 'Deutsch', value: { choice: 'language:de' } });
    const { body } = await conv.activities(mark);
    expect(body.activities.at(-1)?.text).toBe(await text('de', 'menu:prompt'));
  });

  it('a transcript reads back as it was shown (the same fields and values), from the journal and after a restart, though written at half its length', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'transcript-')), 'db.json');
    running = await startApp({ STORE_FILE: file }, { storeFile: true });
    const conv = await openConversation(running.directLine, 'fr');
    await conv.post({ type: 'message', text: 'dialog:concern', value: { choice: 'dialog:concern' }, channelData: { clientActivityID: 'c-1' } });
    await conv.post({ type: 'message', text: 'non' });
    await conv.post({ type: 'typing' });
    const shown = (await conv.activities()).body.activities;
    expect(shown.filter((a) => a.suggestedActions).length).toBeGreaterThanOrEqual(2);
    // As a crash would leave it: snapshot and journal. Buttons, ids and accounts are left out of the lines.
    const journal = (await Promise.all((await journalFiles(file)).map((f) => readFile(f, 'utf8')))).join('');
    expect(journal).toContain(conv.conversationId);
    expect(journal).not.toContain('suggestedActions');
    expect(journal).not.toContain('"directline"');
    const fromDisk = await readStoreSnapshot(file);
    expect(fromDisk.data.webConversations[conv.conversationId]?.activities).toEqual(shown);
    // After a restart (the stop writes the transcript file), the endpoint serves the very same activities.
    await running.stop();
    running = await startApp({ STORE_FILE: file }, { storeFile: true });
    const transcript = await readFile(join(file, '..', 'db.web', `${conv.conversationId}.jsonl`), 'utf8');
    expect(transcript).not.toContain('suggestedActions');
    const again = await json<{ activities: WebActivity[] }>(`${running.directLine}/conversations/${conv.conversationId}/activities?watermark=0`, { token: conv.token });
    expect(again.body.activities).toEqual(shown);
  });

  it('a token opens exactly one conversation: any other id answers 403', async () => {
    running = await startApp();
    const a = await openConversation(running.directLine);
    const b = await openConversation(running.directLine);
    const res = await json(`${running.directLine}/conversations/${b.conversationId}/activities?watermark=0`, { token: a.token });
    expect(res.status).toBe(403);
    const post = await json(`${running.directLine}/conversations/${b.conversationId}/activities`, {
      method: 'POST',
      token: a.token,
      body: { type: 'message', text: 'hi' },
    });
    expect(post.status).toBe(403);
    expect((await json(`${running.directLine}/conversations/${a.conversationId}/activities`, { token: 'forged.token' })).status).toBe(403);
    expect((await json(`${running.directLine}/conversations/${a.conversationId}/activities`)).status).toBe(403);
  });

  it('with WEB_CHAT_SECRET set, only the secret can mint tokens', async () => {
    running = await startApp({ WEB_CHAT_SECRET: 'a-very-long-site-secret' });
    expect((await json(`${running.directLine}/tokens/generate`, { method: 'POST' })).status).toBe(401);
    expect((await json(`${running.directLine}/conversations`, { method: 'POST' })).status).toBe(401);
    const ok = await json<{ token: string }>(`${running.directLine}/tokens/generate`, { method: 'POST', token: 'a-very-long-site-secret' });
    expect(ok.status).toBe(200);
    const conv = await json(`${running.directLine}/conversations`, { method: 'POST', token: ok.body.token });
    expect(conv.status).toBe(201);
  });

  it('refreshes a token; the new one works and the old one still works until it expires', async () => {
    running = await startApp();
    const conv = await openConversation(running.directLine);
    const refreshed = await json<{ token: string; conversationId: string }>(`${running.directLine}/tokens/refresh`, {
      method: 'POST',
      token: conv.token,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.conversationId).toBe(conv.conversationId);
    expect(refreshed.body.token).not.toBe(conv.token);
    const url = `${running.directLine}/conversations/${conv.conversationId}/activities`;
    expect((await json(url, { token: refreshed.body.token })).status).toBe(200);
    expect((await json(url, { token: conv.token })).status).toBe(200);
  });

  it('rejects malformed and oversized activities with 4xx and keeps running', async () => {
    running = await startApp({ WEB_MAX_MESSAGE_LENGTH: '100' });
    const conv = await openConversation(running.directLine);
    const url = `${running.directLine}/conversations/${conv.conversationId}/activities`;
    expect((await json(url, { method: 'POST', token: conv.token, body: '{not json' })).status).toBe(400);
    expect((await json(url, { method: 'POST', token: conv.token, body: { type: 42 } })).status).toBe(400);
    expect((await conv.post({ type: 'message', text: 'x'.repeat(101) })).status).toBe(413);
    expect((await json(url, { method: 'POST', token: conv.token, body: { type: 'message', text: 'y'.repeat(20_000) } })).status).toBe(413);
    expect((await conv.post({ type: 'message', text: 'menu' })).status).toBe(200);
  });

  it('limits the request rate per client address, with 429 and Retry-After', async () => {
    running = await startApp({ WEB_RATE_LIMIT_PER_MINUTE: '5' });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await json(`${running.directLine}/tokens/generate`, { method: 'POST' })).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const res = await fetch(`${running.directLine}/tokens/generate`, { method: 'POST' });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  });

  it('limits messages per conversation; polling and forged tokens do not count against it', async () => {
    running = await startApp({ WEB_RATE_LIMIT_PER_TOKEN_PER_MINUTE: '3' });
    const conv = await openConversation(running.directLine); // opening it with its token is the first change
    // A client without WebSockets polls every second: more than the limit, and all of it answered.
    for (let i = 0; i < 70; i++) expect((await conv.activities()).status).toBe(200);
    // Someone who knows the conversation id but not its token cannot use up the visitor's quota.
    for (let i = 0; i < 10; i++) {
      const forged = await json(`${running.directLine}/conversations/${conv.conversationId}/activities`, {
        method: 'POST',
        token: `${conv.conversationId}.forged`,
        body: { type: 'message', text: 'menu' },
      });
      expect(forged.status).toBe(403);
    }
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await conv.post({ type: 'message', text: 'menu' })).status);
    expect(statuses).toEqual([200, 200, 429]);
    const other = await openConversation(running.directLine);
    expect((await other.post({ type: 'message', text: 'menu' })).status).toBe(200); // another conversation is not affected
  });

  it('clearing a conversation deletes it on the server; its token stops working, answered "ended" (404), not "expired"', async () => {
    running = await startApp();
    const conv = await openConversation(running.directLine);
    await conv.post({ type: 'message', text: 'privacy' });
    const del = await fetch(`${running.directLine}/conversations/${conv.conversationId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${conv.token}` },
    });
    expect(del.status).toBe(204);
    expect(running.app.store.data.webConversations[conv.conversationId]).toBeUndefined();
    expect(running.app.store.data.dialogs[`web:${conv.conversationId}`]).toBeUndefined();
    const after = await conv.activities();
    expect(after.status).toBe(404);
    expect(after.body).toEqual({ error: { code: 'ConversationEnded', message: expect.any(String) } });
    expect((await json(`${running.directLine}/tokens/refresh`, { method: 'POST', token: conv.token })).status).toBe(404);
    // Another token naming that conversation was never one of it: 403 as before.
    expect((await json(`${running.directLine}/conversations/${conv.conversationId}/activities`, { token: `${conv.conversationId}.forged` })).status).toBe(403);
  });

  it('a token of an ended conversation is answered "ended" only until it would have expired', async () => {
    let now = new Date('2026-11-24T10:00:00Z');
    running = await startApp({ WEB_TOKEN_TTL_SECONDS: '900' }, { clock: () => now });
    const conv = await openConversation(running.directLine);
    await fetch(`${running.directLine}/conversations/${conv.conversationId}`, { method: 'DELETE', headers: { authorization: `Bearer ${conv.token}` } });
    expect((await conv.activities()).status).toBe(404);
    now = new Date('2026-11-24T10:16:00Z');
    expect((await conv.activities()).status).toBe(403);
  });

  it('a chat kept open (its token refreshed) is not idle: it outlives the idle time, and expires that long after the last refresh', async () => {
    let now = new Date('2026-11-24T10:00:00Z');
    running = await startApp({ WEB_CONVERSATION_IDLE_MINUTES: '30', WEB_TOKEN_TTL_SECONDS: '86400' }, { clock: () => now });
    const conv = await openConversation(running.directLine);
    let token = conv.token;
    for (const at of ['10:20', '10:40', '11:00']) {
      now = new Date(`2026-11-24T${at}:00Z`);
      const refreshed = await json<{ token: string }>(`${running.directLine}/tokens/refresh`, { method: 'POST', token });
      expect(refreshed.status).toBe(200);
      token = refreshed.body.token;
    }
    await (running.app.channels.find((c) => c.id === 'web') as WebChannel).sweep();
    const url = `${running.directLine}/conversations/${conv.conversationId}/activities?watermark=0`;
    expect((await json(url, { token })).status).toBe(200);
    now = new Date('2026-11-24T11:31:00Z');
    expect((await json(url, { token })).status).toBe(404);
  });

  it('typing is neither kept in the transcript nor written: the history a reloaded page gets back holds the conversation', async () => {
    running = await startApp();
    const conv = await openConversation(running.directLine);
    const before = (await conv.activities()).body.activities.length;
    // Its echo reaches an open stream (clients such as Web Chat wait for it), under an id of its own.
    const socket = new WebSocket(conv.streamUrl);
    const frames: { activities: { type: string; id: string; channelData?: { clientActivityID?: string } }[] }[] = [];
    socket.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString()) as (typeof frames)[number]));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    for (let i = 0; i < 5; i++) expect((await conv.post({ type: 'typing', channelData: { clientActivityID: `t-${i}` } })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.close();
    const echoes = frames.flatMap((f) => f.activities).filter((a) => a.type === 'typing');
    expect(echoes.map((a) => a.channelData?.clientActivityID)).toEqual(['t-0', 't-1', 't-2', 't-3', 't-4']);
    expect(new Set(echoes.map((a) => a.id)).size).toBe(5);
    expect((await conv.activities()).body.activities).toHaveLength(before);
  });

  it('with WEB_CHAT_SECRET set, the secret opens any conversation (as Direct Line\'s does), and reconnecting with it gives a fresh token', async () => {
    const secret = 'a-very-long-site-secret';
    running = await startApp({ WEB_CHAT_SECRET: secret });
    const started = await json<{ conversationId: string; token: string }>(`${running.directLine}/conversations`, { method: 'POST', token: secret });
    expect(started.status).toBe(201);
    const id = started.body.conversationId;
    expect((await json(`${running.directLine}/conversations/${id}/activities`, { method: 'POST', token: secret, body: { type: 'message', text: 'menu' } })).status).toBe(200);
    const history = await json<{ activities: { text?: string }[] }>(`${running.directLine}/conversations/${id}/activities?watermark=0`, { token: secret });
    expect(history.status).toBe(200);
    expect(history.body.activities.at(-1)?.text).toBe(await text('en', 'menu:prompt'));
    const reconnected = await json<{ token: string; streamUrl: string }>(`${running.directLine}/conversations/${id}?watermark=0`, { token: secret });
    expect(reconnected.status).toBe(200);
    expect(reconnected.body.token).not.toBe(secret);
    expect(reconnected.body.streamUrl).not.toContain(secret);
    expect((await json(`${running.directLine}/conversations/${id}/activities?watermark=0`, { token: reconnected.body.token })).status).toBe(200);
    // An id that names no conversation: 404, with the secret as with anything else, never another's.
    expect((await json(`${running.directLine}/conversations/__proto__/activities`, { token: secret })).status).toBe(404);
    expect((await json(`${running.directLine}/conversations/nobody/activities`, { token: secret })).status).toBe(404);
    // A wrong secret opens nothing.
    expect((await json(`${running.directLine}/conversations/${id}/activities`, { token: `${secret}x` })).status).toBe(403);
  });

  it('no more than WEB_MAX_CONVERSATIONS open at once: the next is refused with 503 and Retry-After, open ones go on, and a place frees when one ends', async () => {
    running = await startApp({ WEB_MAX_CONVERSATIONS: '10' });
    const open = [];
    for (let i = 0; i < 10; i++) open.push(await openConversation(running.directLine));
    const refused = await fetch(`${running.directLine}/tokens/generate`, { method: 'POST' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(await refused.json()).toEqual({ error: { code: 'TooManyConversations', message: expect.any(String) } });
    expect((await open[0]!.post({ type: 'message', text: 'menu' })).status).toBe(200);
    await fetch(`${running.directLine}/conversations/${open[0]!.conversationId}`, { method: 'DELETE', headers: { authorization: `Bearer ${open[0]!.token}` } });
    expect((await fetch(`${running.directLine}/tokens/generate`, { method: 'POST' })).status).toBe(200);
  });

  it('expires conversations after the idle time', async () => {
    let now = new Date('2026-11-24T10:00:00Z');
    running = await startApp({ WEB_CONVERSATION_IDLE_MINUTES: '30', WEB_TOKEN_TTL_SECONDS: '86400' }, { clock: () => now });
    const conv = await openConversation(running.directLine);
    now = new Date('2026-11-24T10:29:00Z');
    expect((await conv.activities()).status).toBe(200);
    now = new Date('2026-11-24T10:31:00Z');
    expect((await conv.activities()).status).toBe(404);
  });
});

describe('HTTP surface', () => {
  it('every response carries the security headers; API answers are not cached', async () => {
    running = await startApp();
    for (const path of ['/', '/widget.js', '/healthz', '/v3/directline/conversations/x/activities', '/nowhere']) {
      const res = await fetch(`${running.base}${path}`);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    }
    expect((await fetch(`${running.directLine}/conversations/x/activities`)).headers.get('cache-control')).toBe('no-store');
  });

  it('GET /healthz answers 200 with status ok', async () => {
    running = await startApp();
    const res = await json<{ status: string; channels: string[] }>(`${running.base}/healthz`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.channels).toContain('web');
  });

  it('serves the widget page with a Content-Security-Policy and the widget script', async () => {
    running = await startApp();
    const page = await fetch(`${running.base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('widget.js');
    const script = await fetch(`${running.base}/widget.js`);
    expect(script.headers.get('content-type')).toContain('javascript');
  });

  it('answers CORS preflights for allowed origins only', async () => {
    running = await startApp({ WEB_ALLOWED_ORIGINS: 'https://school.example' });
    const preflight = (origin: string) =>
      fetch(`${running!.directLine}/conversations`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,x-ms-bot-agent' },
      });
    const ok = await preflight('https://school.example');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://school.example');
    expect(ok.headers.get('access-control-allow-headers')).toContain('x-ms-bot-agent');
    const refused = await preflight('https://evil.example');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });
});
