import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App, type AppOptions } from '../../src/app.js';
import { silentLogger } from '../../src/log.js';
import { openMemoryStore, type Store } from '../../src/store/store.js';
import { testConfig } from './fixtures.js';

export interface RunningApp {
  app: App;
  base: string;
  directLine: string;
  stop(): Promise<void>;
}

/** Starts the whole assistant on 127.0.0.1 and a free port, with a memory store unless one is given. */
export async function startApp(
  env: Record<string, string> = {},
  options: { store?: Store; clock?: () => Date; storeFile?: boolean; app?: Partial<AppOptions> } = {},
): Promise<RunningApp> {
  const storeEnv: Record<string, string> = options.storeFile ? { STORE_FILE: join(await mkdtemp(join(tmpdir(), 'app-')), 'db.json') } : {};
  const config = testConfig({ HOST: '127.0.0.1', ...storeEnv, ...env });
  const store = options.storeFile ? undefined : (options.store ?? (await openMemoryStore(undefined, { checkChanges: true })));
  const app = await createApp(config, { store, clock: options.clock, ...options.app, log: options.app?.log ?? silentLogger() });
  const address = await app.start();
  const base = `http://127.0.0.1:${address.port}`;
  return { app, base, directLine: `${base}/v3/directline`, stop: () => app.stop() };
}

export async function json<T = Record<string, unknown>>(
  url: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

export interface WebActivity {
  id: string;
  type: string;
  text?: string;
  from: { id: string; role?: string };
  locale?: string;
  suggestedActions?: { actions: { title: string; value: { choice: string } }[] };
  channelData?: { clientActivityID?: string };
}

/** Opens a web chat conversation the way the widget does: token, then conversation. */
export async function openConversation(directLine: string, locale?: string) {
  const generated = await json<{ token: string; conversationId: string }>(`${directLine}/tokens/generate`, { method: 'POST' });
  const started = await json<{ conversationId: string; token: string; streamUrl: string }>(`${directLine}/conversations`, {
    method: 'POST',
    token: generated.body.token,
    body: locale ? { locale } : {},
  });
  const { conversationId, token, streamUrl } = started.body;
  return {
    conversationId,
    token,
    streamUrl,
    status: started.status,
    async post(body: Record<string, unknown>) {
      return json<{ id: string }>(`${directLine}/conversations/${conversationId}/activities`, {
        method: 'POST',
        token,
        body: { from: { id: 'ignored' }, ...body },
      });
    },
    async activities(watermark = 0) {
      return json<{ activities: WebActivity[]; watermark: string }>(
        `${directLine}/conversations/${conversationId}/activities?watermark=${watermark}`,
        { token },
      );
    },
  };
}
