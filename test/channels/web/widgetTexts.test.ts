import { afterEach, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { WIDGET_TEXT_KEYS } from '../../../src/channels/web/static.js';
import { SUPPORTED_LANGUAGES } from '../../../src/i18n/languages.js';
import { text } from '../../helpers/fixtures.js';
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
      for (const key of WIDGET_TEXT_KEYS) expect(strings[lang]![key]).toBe(await text(lang, `widget:${key}`, { max: 500 }));
    }
    expect(strings.nl!.tooLong).toContain('500');
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
});
