import type { Dialog } from '../src/core/dialog.js';
import { emergencyDialog } from './emergency.js';
import { helpDialog } from './help.js';
import { languageDialog } from './language.js';
import { createMenuDialog } from './menu.js';
import { privacyDialog } from './privacy.js';

/** The registry of every dialog the engine can run. */
export const dialogs: readonly Dialog[] = [
  createMenuDialog(() => dialogs),
  emergencyDialog,
  languageDialog,
  helpDialog,
  privacyDialog,
];
