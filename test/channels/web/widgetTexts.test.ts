import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WIDGET_TEXT_KEYS } from '../../../src/channels/web/static.js';
import { SUPPORTED_LANGUAGES } from '../../../src/i18n/languages.js';
import { realDirectoryJson, text } from '../../helpers/fixtures.js';
import { startApp, type RunningApp } from '../../helpers/server.js';

let running: RunningApp | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('the widget\'s own texts come from the catalogues', () => {
  it('widget.js as served carries every text of every language and the configured message limit', async () => {
    running = await startApp({ WEB_MAX_MESSAGE_LENGTH: '500' });
    const served = await (await fetch(`${running.base}/widget.js`)).text();
    const strings = JSON.parse(/\/\*server:strings\*\/ (\{.*?\});\n/.exec(served)![1]!) as Record<string, Record<string, string>>;
    for (const lang of SUPPORTED_LANGUAGES) {
      for (const key of WIDGET_TEXT_KEYS) expect(strings[lang]![key]).toBe(await text(lang, `widget:${key}`, { max: 500, number: '112' }));
    }
    expect(strings.nl!.tooLong).toContain('500');
    // Said even when the chat cannot be reached: the directory's emergency number.
    expect(strings.nl!.busy).toContain('112');
    expect(served).toContain('/*server:maxLength*/ 500;');
    expect(served).toContain(`/*server:languageNames*/ ${JSON.stringify({ en: 'English', nl: 'Nederlands', fr: 'Français', de: 'Deutsch' })};`);
  });

  it('the source file holds no texts of its own, only the markers the server fills', async () => {
    const source = await readFile('src/channels/web/public/widget.js', 'utf8');
    expect(source).toContain('/*server:strings*/ {};');
    expect(source).toContain('/*server:languageNames*/ {};');
    expect(source).not.toContain('Gesprek wissen');
    expect(source).not.toContain('Snel verlaten');
    expect(source).not.toContain('Sortie rapide');
  });

  it('the page at / is in the browser\'s language, or the one its links ask for, or the default; its source holds only markers', async () => {
    running = await startApp({ DEFAULT_LANGUAGE: 'fr' });
    const page = async (query: string, acceptLanguage?: string) => {
      const res = await fetch(`${running!.base}/${query}`, { headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {} });
      const body = await res.text();
      return { lang: /<html lang="(\w+)">/.exec(body)?.[1], body, headers: res.headers };
    };
    const dutch = await page('', 'nl-BE,nl;q=0.9,en;q=0.8');
    expect(dutch.lang).toBe('nl');
    expect(dutch.headers.get('content-language')).toBe('nl');
    expect(dutch.headers.get('vary')).toContain('Accept-Language');
    expect(dutch.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(dutch.body).toContain(`<h1>${await text('nl', 'widget:title')}</h1>`);
    expect(dutch.body).toContain(`<strong>${await text('nl', 'widget:exit')}</strong>`);
    expect(dutch.body).toContain('<a href="/?lang=de" lang="de" hreflang="de">Deutsch</a>');
    expect(dutch.body).toContain('aria-current="page">Nederlands</a>');
    expect(dutch.body).not.toMatch(/\{\{\w+\}\}/);
    expect((await page('?lang=de', 'nl')).lang).toBe('de'); // the page's own links win over the browser
    expect((await page('?lang=xx', 'es,en;q=0.5')).lang).toBe('en');
    expect((await page('', 'es')).lang).toBe('fr'); // nothing supported: DEFAULT_LANGUAGE
    const french = await page('');
    expect(french.lang).toBe('fr');
    expect(french.body).toContain((await text('fr', 'page:intro')).replace(/'/g, '&#39;'));

    const source = await readFile('src/channels/web/public/index.html', 'utf8');
    expect(source).toContain('{{intro}}');
    expect(source).not.toMatch(/worried|liaison officer/i);
  });

  it.each(['/', '/widget.js', '/widget.css'])('HEAD %s answers as GET does, without the body', async (path) => {
    running = await startApp();
    const get = await fetch(`${running.base}${path}`);
    const head = await fetch(`${running.base}${path}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
    expect(head.headers.get('content-length')).toBe(get.headers.get('content-length'));
    expect(await head.text()).toBe('');
  });
});

describe('the widget\'s language when nothing names one it speaks', () => {
  it('is the directory\'s default language (not English), and follows a reload of the directory', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'widget-lang-')), 'directory.json');
    const directory = JSON.parse(await realDirectoryJson());
    await writeFile(file, JSON.stringify({ ...directory, defaultLanguage: 'nl' }));
    running = await startApp({ DIRECTORY_FILE: file });
    const served = async () => (await fetch(`${running!.base}/widget.js`)).text();
    expect(await served()).toContain("/*server:defaultLanguage*/ \"nl\";");
    // pickLanguage falls back to it: a page without a lang of ours, in a browser set to Turkish.
    expect(await served()).toMatch(/if \(STRINGS\[code\]\) return code;\s*\}\s*return DEFAULT_LANGUAGE;/);
    await writeFile(file, JSON.stringify({ ...directory, defaultLanguage: 'fr' }));
    expect(await running.app.reloadDirectory()).toMatchObject({ ok: true });
    expect(await served()).toContain("/*server:defaultLanguage*/ \"fr\";");
  });
});
