import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { killed, runToExit, spawnServer } from './helpers/process.js';
import { json, openConversation } from './helpers/server.js';
import { text } from './helpers/fixtures.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'main-'));
}

describe('the assistant as a process', () => {
  it('killed with SIGKILL in the middle of a dialog, continues that dialog after a restart (real store file)', async () => {
    const storeFile = join(await tempDir(), 'db.json');
    const first = await spawnServer({ STORE_FILE: storeFile });
    const directLine = `${first.base}/v3/directline`;
    const conv = await openConversation(directLine);
    await conv.post({ type: 'message', text: 'privacy' });
    expect((await conv.activities()).body.activities.at(-1)?.text).toBe(await text('en', 'privacy:offerDelete'));
    await killed(first.child, 'SIGKILL');

    const second = await spawnServer({ STORE_FILE: storeFile });
    try {
      const again = `${second.base}/v3/directline`;
      const url = `${again}/conversations/${conv.conversationId}/activities`;
      // The same token still opens the same conversation, with its history.
      const history = await json<{ activities: { text?: string }[]; watermark: string }>(`${url}?watermark=0`, { token: conv.token });
      expect(history.status).toBe(200);
      expect(history.body.activities.at(-1)?.text).toBe(await text('en', 'privacy:offerDelete'));
      await json(url, { method: 'POST', token: conv.token, body: { type: 'message', text: '1' } });
      const after = await json<{ activities: { text?: string }[] }>(`${url}?watermark=${history.body.watermark}`, { token: conv.token });
      expect(after.body.activities.at(-1)?.text).toBe(await text('en', 'privacy:confirmPrompt'));
    } finally {
      await killed(second.child, 'SIGTERM');
    }
  });

  it('stops gracefully on SIGTERM with exit code 0', async () => {
    const server = await spawnServer({ STORE_FILE: join(await tempDir(), 'db.json') });
    expect(await killed(server.child, 'SIGTERM')).toBe(0);
  });

  it('refuses to start on bad environment variables, listing each', async () => {
    const { code, stderr } = await runToExit({ PORT: 'x', DEFAULT_LANGUAGE: 'klingon' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/PORT/);
    expect(stderr).toMatch(/DEFAULT_LANGUAGE/);
  });

  it('refuses to start on a broken directory, naming the path of each problem', async () => {
    const dir = await tempDir();
    const directory = JSON.parse(await readFile('data/directory.json', 'utf8')) as { schools: { liaisonId: string }[]; emergency: { number: string } };
    directory.schools[1]!.liaisonId = 'nobody';
    directory.emergency.number = 'call the police';
    await writeFile(join(dir, 'directory.json'), JSON.stringify(directory));
    const { code, stderr } = await runToExit({ DIRECTORY_FILE: join(dir, 'directory.json'), STORE_FILE: join(dir, 'db.json') });
    expect(code).toBe(1);
    expect(stderr).toContain('schools[1].liaisonId: no person with id "nobody"');
    expect(stderr).toContain('emergency.number');
  });

  it('refuses to start on a corrupt store and leaves the file untouched', async () => {
    const dir = await tempDir();
    const storeFile = join(dir, 'db.json');
    await writeFile(storeFile, '{"version":1,"users":{"a":');
    const { code, stderr } = await runToExit({ STORE_FILE: storeFile });
    expect(code).toBe(1);
    expect(stderr).toContain(storeFile);
    expect(await readFile(storeFile, 'utf8')).toBe('{"version":1,"users":{"a":');
  });
});
