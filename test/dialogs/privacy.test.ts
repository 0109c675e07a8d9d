import { describe, expect, it } from '@jest/globals';
import { SUPPORTED_LANGUAGES } from '../../src/i18n/languages.js';
import { engineHarness, TestUser, text } from '../helpers/fixtures.js';

describe('privacy dialog', () => {
  it.each(SUPPORTED_LANGUAGES)('(%s) lists what is stored and deletes it on confirmation', async (lang) => {
    const { engine, store } = await engineHarness();
    const user = new TestUser(engine, { locale: lang });
    await user.say('menu');
    await user.say(await text(lang, 'common:languageName')); // an explicit choice is stored
    await user.click('dialog:privacy');
    const listed = user.transcript();
    expect(listed).toContain(await text(lang, 'privacy:never'));
    expect(listed).toContain(await text(lang, 'privacy:language', { language: await text(lang, 'common:languageName') }));
    expect(listed).toContain(await text(lang, 'privacy:noSchool'));
    expect(store.data.users['test:teacher-1']).toBeDefined();

    await user.click('delete');
    await user.click('confirm');
    expect(user.transcript()).toContain(await text(lang, 'privacy:deleted'));
    expect(store.data.users['test:teacher-1']).toBeUndefined();
    expect(store.data.dialogs['test:conv-teacher-1']).toBeUndefined();
  });

  it('keeps everything when the user changes their mind', async () => {
    const { engine, store } = await engineHarness();
    const user = new TestUser(engine);
    await user.say('what do you store about me?');
    await user.click('delete');
    await user.click('keep');
    expect(user.transcript()).toContain(await text('en', 'privacy:kept'));
    expect(store.data.users['test:teacher-1']).toBeDefined();
  });
});
