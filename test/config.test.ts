import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../src/config.js';
import { ErrorCode } from '../src/core/errors.js';

describe('.env.example', () => {
  it('documents every variable src/config.ts reads, and nothing else', async () => {
    const { readFile } = await import('node:fs/promises');
    const example = await readFile('.env.example', 'utf8');
    const documented = new Set([...example.matchAll(/^#?\s*([A-Za-z][A-Za-z0-9_]*)=/gm)].map((m) => m[1]));
    const source = await readFile('src/config.ts', 'utf8');
    const read = new Set([...source.matchAll(/^\s+([A-Za-z][A-Za-z0-9_]*): /gm)].map((m) => m[1]).filter((n) => /^[A-Z]|^Microsoft/.test(n!)));
    expect([...read].filter((n) => !documented.has(n))).toEqual([]);
    expect([...documented].filter((n) => !read.has(n))).toEqual([]);
  });
});

describe('loadConfig', () => {
  it('when nothing is set, gives a working local assistant', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3978);
    expect(config.storeFile).toBe('data/db.json');
    expect(config.directoryFile).toBe('data/directory.json');
    expect(config.defaultLanguage).toBeUndefined(); // the directory's defaultLanguage is used
    expect(config.web.enabled).toBe(true);
    expect(config.web.secret).toBeUndefined();
    expect(config.web.allowedOrigins).toEqual([]);
  });

  it('when several variables are bad, lists every problem in one message', () => {
    let message = '';
    try {
      loadConfig({ PORT: 'eighty', DEFAULT_LANGUAGE: 'es', WEB_ALLOWED_ORIGINS: 'not a url', WEB_CHAT_SECRET: 'short' });
    } catch (err) {
      expect((err as { code: string }).code).toBe(ErrorCode.ConfigInvalid);
      message = (err as Error).message;
    }
    expect(message).toMatch(/PORT/);
    expect(message).toMatch(/DEFAULT_LANGUAGE/);
    expect(message).toMatch(/WEB_ALLOWED_ORIGINS/);
    expect(message).toMatch(/WEB_CHAT_SECRET/);
  });

  it('takes a training submitter key of at least 32 characters, and none by default', () => {
    expect(loadConfig({}).trainingSubmitterKey).toBeUndefined();
    expect(loadConfig({ TRAINING_SUBMITTER_KEY: ` ${'s'.repeat(32)} ` }).trainingSubmitterKey).toBe('s'.repeat(32));
    expect(() => loadConfig({ TRAINING_SUBMITTER_KEY: 'short' })).toThrow(/TRAINING_SUBMITTER_KEY.*at least 32 characters/);
  });

  it('parses origins and booleans', () => {
    const config = loadConfig({ WEB_ALLOWED_ORIGINS: 'https://school.example, http://localhost:8080', WEB_CHAT_ENABLED: 'false' });
    expect(config.web.allowedOrigins).toEqual(['https://school.example', 'http://localhost:8080']);
    expect(config.web.enabled).toBe(false);
  });
});

describe('NUDGES_CRON', () => {
  it('is checked at start: a pattern croner cannot read stops it with a message naming the variable', () => {
    expect(loadConfig({ NUDGES_CRON: '0 8 * * 1-5' }).nudges.pattern).toBe('0 8 * * 1-5');
    expect(() => loadConfig({ NUDGES_CRON: 'every five minutes' })).toThrow(/NUDGES_CRON.*cron pattern/);
    expect(() => loadConfig({ NUDGES_CRON: '* * *' })).toThrow(/NUDGES_CRON/);
  });
});

describe('values an operator may plausibly write', () => {
  it('PUBLIC_URL must be an http(s) address (a bare host made every web conversation fail later)', () => {
    for (const bad of ['localhost:3978', 'ftp://x.example', 'mailto:a@b.c', 'https://a.example/sub/path']) expect(() => loadConfig({ PUBLIC_URL: bad })).toThrow(/PUBLIC_URL: must be an http\(s\) address without a path/);
    expect(loadConfig({ PUBLIC_URL: 'https://assistant.example.org' }).publicUrl).toBe('https://assistant.example.org');
    expect(loadConfig({ PUBLIC_URL: 'https://assistant.example.org/' }).publicUrl).toBe('https://assistant.example.org'); // a trailing slash made "//api/messages"
  });

  it('WEB_ALLOWED_ORIGINS takes origins as browsers send them: a trailing slash is dropped, a path refused', () => {
    expect(loadConfig({ WEB_ALLOWED_ORIGINS: 'https://school.example/, http://localhost:8080' }).web.allowedOrigins).toEqual(['https://school.example', 'http://localhost:8080']);
    expect(() => loadConfig({ WEB_ALLOWED_ORIGINS: 'https://school.example/chat' })).toThrow(/WEB_ALLOWED_ORIGINS.*an origin such as https:\/\/www.school.example \(http or https, no path\)/);
  });

  it('an empty value is the default, as if the line were absent (env files often hold `PORT=`)', () => {
    const config = loadConfig({ PORT: '', CALLBACK_RETENTION_DAYS: ' ', WEB_CHAT_ENABLED: '', HOST: '' });
    expect(config.port).toBe(3978);
    expect(config.retention.callbackDays).toBe(90);
    expect(config.web.enabled).toBe(true);
    expect(config.host).toBe('127.0.0.1');
  });

  it('problems across variables are listed with the others, in the same message', () => {
    let message = '';
    try {
      loadConfig({ PORT: 'abc', SLACK_BOT_TOKEN: 'xoxb-1', MicrosoftAppId: 'x', MicrosoftAppType: 'SingleTenant' });
    } catch (err) {
      message = (err as Error).message;
    }
    for (const name of ['PORT', 'SLACK_SIGNING_SECRET', 'MicrosoftAppPassword', 'MicrosoftAppTenantId']) expect(message).toContain(`- ${name}:`);
  });

  it('STORE_FILE must name a file: a path ending with a slash, or naming a folder, is refused before anything is touched', () => {
    const folder = mkdtempSync(join(tmpdir(), 'config-'));
    expect(() => loadConfig({ STORE_FILE: `${folder}/` })).toThrow(/STORE_FILE: must name a file/);
    expect(() => loadConfig({ STORE_FILE: folder })).toThrow(/STORE_FILE: names a folder/);
    expect(statSync(folder).mode & 0o777).not.toBe(0o600);
    expect(loadConfig({ STORE_FILE: join(folder, 'db.json') }).storeFile).toBe(join(folder, 'db.json'));
  });

  it('numbers are whole numbers written in digits: "0x10" or "1e3" for PORT is refused, not read as 16 or 1000', () => {
    expect(() => loadConfig({ PORT: '0x10' })).toThrow(/PORT: expected a whole number written in digits/);
    expect(() => loadConfig({ PORT: '1e3' })).toThrow(/PORT/);
    expect(loadConfig({ PORT: ' 3978 ' }).port).toBe(3978);
    expect(loadConfig({}).port).toBe(3978);
  });

  it('TEAMS_ENABLED takes the same true/false words as the other switches', () => {
    expect(loadConfig({ TEAMS_ENABLED: '1' }).teams).toEqual(expect.objectContaining({ appId: undefined }));
    expect(loadConfig({ TEAMS_ENABLED: 'no', MicrosoftAppId: 'x', MicrosoftAppPassword: 'y' }).teams).toBeUndefined();
  });
});

describe('unauthenticated Teams', () => {
  it('is refused unless the server listens on this machine only', () => {
    expect(() => loadConfig({ TEAMS_ENABLED: 'true', HOST: '0.0.0.0' })).toThrow(/TEAMS_ENABLED: without MicrosoftAppId, Teams runs unauthenticated.*HOST must then be a loopback address, not 0\.0\.0\.0/);
    expect(loadConfig({ TEAMS_ENABLED: 'true' }).teams?.appId).toBeUndefined(); // HOST defaults to 127.0.0.1
    expect(loadConfig({ TEAMS_ENABLED: 'true', HOST: '0.0.0.0', MicrosoftAppId: 'x', MicrosoftAppPassword: 'y' }).teams?.appId).toBe('x');
  });
});
