import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { TestUser, realDirectoryJson, text } from '../helpers/fixtures.js';
import { startApp, type RunningApp } from '../helpers/server.js';

/** The sample directory with its defaultLanguage set, written to a file of its own. */
async function directoryIn(language: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'lang-')), 'directory.json');
  await writeFile(file, JSON.stringify({ ...JSON.parse(await realDirectoryJson()), defaultLanguage: language }));
  return file;
}

async function menuPromptFor(running: RunningApp, id: string): Promise<string> {
  const user = new TestUser(running.app.engine, { id }); // no locale: the default language decides
  await user.say('help');
  return user.transcript();
}

async function pageLanguage(running: RunningApp): Promise<string | undefined> {
  const body = await (await fetch(`${running.base}/`)).text(); // no Accept-Language
  return /<html lang="(\w+)">/.exec(body)?.[1];
}

describe('the default language: DEFAULT_LANGUAGE when set, else the directory\'s defaultLanguage', () => {
  let running: RunningApp | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it('DEFAULT_LANGUAGE is not set unless the environment sets it', () => {
    expect(loadConfig({}).defaultLanguage).toBeUndefined();
    expect(loadConfig({ DEFAULT_LANGUAGE: 'fr' }).defaultLanguage).toBe('fr');
  });

  it('without DEFAULT_LANGUAGE, a user whose language is not known gets the directory\'s (the chat and the widget page)', async () => {
    running = await startApp({ DIRECTORY_FILE: await directoryIn('nl') });
    expect(await menuPromptFor(running, 'no-locale')).toContain(await text('nl', 'menu:prompt'));
    expect(await pageLanguage(running)).toBe('nl');
  });

  it('DEFAULT_LANGUAGE, when set, wins over the directory\'s, and the start says that they differ', async () => {
    const lines: string[] = [];
    const log = createLogger('info', new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    running = await startApp({ DIRECTORY_FILE: await directoryIn('nl'), DEFAULT_LANGUAGE: 'en' }, { app: { log } });
    const transcript = await menuPromptFor(running, 'no-locale');
    expect(transcript).toContain(await text('en', 'menu:prompt'));
    expect(transcript).not.toContain(await text('nl', 'menu:prompt'));
    expect(await pageLanguage(running)).toBe('en');
    const warnings = lines.filter((l) => l.includes('default_language_overridden'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('overrides the directory\'s defaultLanguage \\"nl\\"');
  });

  it('follows a reload of the directory', async () => {
    const file = await directoryIn('en');
    running = await startApp({ DIRECTORY_FILE: file });
    expect(await menuPromptFor(running, 'before')).toContain(await text('en', 'menu:prompt'));
    await writeFile(file, JSON.stringify({ ...JSON.parse(await realDirectoryJson()), defaultLanguage: 'de' }));
    expect(await running.app.reloadDirectory()).toMatchObject({ ok: true });
    expect(await menuPromptFor(running, 'after')).toContain(await text('de', 'menu:prompt'));
    expect(await pageLanguage(running)).toBe('de');
  });
});
