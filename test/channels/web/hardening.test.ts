import { afterEach, describe, expect, it } from '@jest/globals';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { WebSocket } from 'ws';
import type { WebChannel } from '../../../src/channels/web/webChannel.js';
import { json, openConversation, startApp, type RunningApp } from '../../helpers/server.js';

let running: RunningApp | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

/** Sends raw bytes and resolves with what the server answered before it closed (or after `waitMs`). */
function raw(base: string, request: string, waitMs = 3000): Promise<string> {
  const { port } = new URL(base);
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(request));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(`${answer}<still open>`);
    }, waitMs);
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}

const upgrade = (path: string) =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;

async function alive(base: string): Promise<number> {
  return (await fetch(`${base}/healthz`)).status;
}

describe('web chat endpoint: hostile requests get an answer, never a crash or a held socket', () => {
  it('an upgrade request with a URL that does not parse is refused, and the server lives on', async () => {
    running = await startApp();
    expect(await raw(running.base, upgrade('//['))).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(running.base, upgrade('http://[/x'))).toMatch(/^HTTP\/1\.1 400/);
    const conv = await openConversation(running.directLine);
    expect(await raw(running.base, upgrade(`/v3/directline/conversations/%E0%A4%A/stream?t=${conv.token}`))).toMatch(/^HTTP\/1\.1 400/);
    expect(await alive(running.base)).toBe(200);
  });

  it('an upgrade to any other path (an HTTP/2 h2c attempt, say) is answered and closed, not held', async () => {
    running = await startApp();
    const answer = await raw(running.base, upgrade('/healthz').replace('Upgrade: websocket', 'Upgrade: h2c'));
    expect(answer).toMatch(/^HTTP\/1\.1 404/);
    expect(answer).not.toContain('<still open>');
  });

  it('compressed and multipart bodies are refused with 415 before they are read (no size-limit bypass, no crash)', async () => {
    running = await startApp({ TEAMS_ENABLED: 'true' });
    const gz = (path: string, body: Buffer) =>
      fetch(`${running!.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: new Uint8Array(body) });
    expect((await gz('/v3/directline/tokens/generate', Buffer.from('not gzip at all'))).status).toBe(415);
    expect((await gz('/api/messages', Buffer.from('x'))).status).toBe(415);
    // 15 KB on the wire that would inflate to 15 MB.
    const bomb = gzipSync(Buffer.from(JSON.stringify({ type: 'message', text: 'hi', value: { pad: 'a'.repeat(15_000_000) } })));
    const conv = await openConversation(running.directLine);
    const res = await fetch(`${running.directLine}/conversations/${conv.conversationId}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Bearer ${conv.token}` },
      body: new Uint8Array(bomb),
    });
    expect(res.status).toBe(415);
    const form = new FormData();
    form.append('file', new Blob([Buffer.alloc(100_000)]), 'big.bin');
    expect((await fetch(`${running.directLine}/tokens/generate`, { method: 'POST', body: form })).status).toBe(415);
    expect(await alive(running.base)).toBe(200);
  });

  it('a Host header that is not a host gets 400, and no conversation is created for it', async () => {
    running = await startApp();
    const before = Object.keys(running.app.store.data.webConversations).length;
    const answer = await raw(running.base, 'POST /v3/directline/conversations HTTP/1.1\r\nHost: [bad\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(Object.keys(running.app.store.data.webConversations)).toHaveLength(before);
  });

  it('a message racing "Clear conversation" gets 404, never a 500', async () => {
    running = await startApp();
    for (let i = 0; i < 10; i++) {
      const conv = await openConversation(running.directLine);
      const del = fetch(`${running.directLine}/conversations/${conv.conversationId}`, { method: 'DELETE', headers: { authorization: `Bearer ${conv.token}` } });
      const statuses = await Promise.all([conv.post({ type: 'message', text: 'menu' }).then((r) => r.status), del.then((r) => r.status), conv.post({ type: 'message', text: 'menu' }).then((r) => r.status)]);
      for (const status of statuses) expect([200, 204, 403, 404]).toContain(status);
    }
  });

  it('behind trusted proxies the per-address limit counts the visitor from X-Forwarded-For; otherwise that header is ignored', async () => {
    const generate = (xff: string) => json(`${running!.directLine}/tokens/generate`, { method: 'POST', headers: { 'x-forwarded-for': xff } });
    running = await startApp({ WEB_RATE_LIMIT_PER_MINUTE: '3', WEB_TRUSTED_PROXY_HOPS: '1' });
    for (let i = 0; i < 3; i++) expect((await generate(`spoofed-${i}, 203.0.113.7`)).status).toBe(200);
    expect((await generate('spoofed-x, 203.0.113.7')).status).toBe(429); // the first entries are the client's own claims
    expect((await generate('198.51.100.9')).status).toBe(200); // another visitor behind the same proxy
    await running.stop();
    running = await startApp({ WEB_RATE_LIMIT_PER_MINUTE: '3' });
    for (let i = 0; i < 3; i++) expect((await generate(`198.51.100.${i}`)).status).toBe(200);
    expect((await generate('198.51.100.99')).status).toBe(429); // not trusted: one address, whatever the header says
  });

  it('a conversation holds a few streams at most (the oldest is closed), and clearing it closes them', async () => {
    running = await startApp();
    const conv = await openConversation(running.directLine);
    const closed: number[] = [];
    const sockets = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const ws = new WebSocket(conv.streamUrl);
        ws.on('close', (code) => closed.push(i * 10_000 + code));
        await new Promise((resolve) => ws.once('open', resolve));
        return ws;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(closed.filter((c) => c % 10_000 === 1008)).toHaveLength(2);
    await fetch(`${running.directLine}/conversations/${conv.conversationId}`, { method: 'DELETE', headers: { authorization: `Bearer ${conv.token}` } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sockets.every((ws) => ws.readyState === ws.CLOSED)).toBe(true);
  });

  it('a stream lasts while its conversation has a live token: refreshing keeps it, the last token expiring closes it', async () => {
    let now = new Date('2026-11-24T10:00:00Z');
    running = await startApp({ WEB_TOKEN_TTL_SECONDS: '900', WEB_CONVERSATION_IDLE_MINUTES: '120' }, { clock: () => now });
    const web = running.app.channels.find((c) => c.id === 'web') as WebChannel;
    const conv = await openConversation(running.directLine);
    const ws = new WebSocket(conv.streamUrl);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await new Promise((resolve) => ws.once('open', resolve));

    now = new Date('2026-11-24T10:10:00Z'); // the client refreshes before its token expires at 10:15
    const refreshed = await json<{ token: string }>(`${running.directLine}/tokens/refresh`, { method: 'POST', token: conv.token });
    expect(refreshed.status).toBe(200);
    now = new Date('2026-11-24T10:20:00Z'); // the first token has expired, the refreshed one lives until 10:25
    await web.sweep();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ws.readyState).toBe(ws.OPEN);

    now = new Date('2026-11-24T10:26:00Z'); // nobody refreshed again
    await web.sweep();
    expect(await closed).toBe(1008);
    expect((await json(`${running.directLine}/conversations/${conv.conversationId}?watermark=0`, { token: refreshed.body.token })).status).toBe(403);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('a conversation id or token named "%s" (a member every object inherits) gets 403, never a 500', async (name) => {
    running = await startApp();
    const directLine = running.directLine;
    const token = `${name}.x`;
    for (const [method, path] of [
      ['GET', `/conversations/${name}/activities`],
      ['POST', `/conversations/${name}/activities`],
      ['DELETE', `/conversations/${name}`],
      ['POST', '/tokens/refresh'],
    ] as const) {
      const res = await json(`${directLine}${path}`, { method, token, ...(method === 'POST' ? { body: { type: 'message', text: 'menu' } } : {}) });
      expect([method, path, res.status]).toEqual([method, path, 403]);
    }
  });

  it('a body that is not JSON, or too large, is refused in the same error format as every other refusal, without quoting the body', async () => {
    running = await startApp();
    const conv = await openConversation(running.directLine);
    const url = `${running.directLine}/conversations/${conv.conversationId}/activities`;
    const headers = { authorization: `Bearer ${conv.token}`, 'content-type': 'application/json' };
    const malformed = await fetch(url, { method: 'POST', headers, body: '{"type":"message","text":"Yusuf from 3B' });
    expect(malformed.status).toBe(400);
    const malformedBody = await malformed.text();
    expect(JSON.parse(malformedBody)).toEqual({ error: { code: 'BadArgument', message: expect.any(String) } });
    expect(malformedBody).not.toContain('Yusuf');
    const large = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ type: 'message', text: 'x'.repeat(40_000) }) });
    expect(large.status).toBe(413);
    expect(await large.json()).toEqual({ error: { code: 'PayloadTooLarge', message: expect.any(String) } });
    // The conversation goes on.
    expect((await conv.post({ type: 'message', text: 'menu' })).status).toBe(200);
  });
});
