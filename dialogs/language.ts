import { ask, choicePrompt, defineDialog, end, key, keyIn, type DialogTurn } from '../src/core/dialog.js';
import { CoreDialog, Payload } from '../src/core/engine.js';
import { isLanguage, SUPPORTED_LANGUAGES } from '../src/i18n/languages.js';

/** Lets the user pick a language at any point; the dialog underneath keeps its place and re-asks. */
export const languageDialog = defineDialog({
  id: CoreDialog.Language,
  interrupts: true,
  menu: { label: 'menu:language', order: 80 },
  steps: [
    /** Lists every supported language by its own name. */
    function askLanguage(_turn: DialogTurn) {
      return ask(
        choicePrompt(
          key('language:prompt'),
          // Also by its name in the other languages ("Dutch", "Frans") and its code ("nl").
          SUPPORTED_LANGUAGES.map((lng) => ({ value: `${Payload.setLanguage}${lng}`, label: keyIn('common:languageName', lng), also: `language:also.${lng}` })),
        ),
      );
    },
    /** Saves the choice and confirms in the new language. */
    function saveLanguage(turn: DialogTurn) {
      const lng = String(turn.answer).slice(Payload.setLanguage.length);
      if (isLanguage(lng)) turn.setLanguage(lng);
      turn.say({ kind: 'text', text: turn.t('common:languageChanged') });
      return end(lng);
    },
  ],
});
