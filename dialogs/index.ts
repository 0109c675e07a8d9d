import type { Dialog } from '../src/core/dialog.js';
import { callbackActionDialog } from './callbackAction.js';
import { callbackListDialog } from './callbackList.js';
import { callbackRequestDialog } from './callbackRequest.js';
import { concernDialog } from './concern.js';
import { emergencyDialog } from './emergency.js';
import { helpDialog } from './help.js';
import { languageDialog } from './language.js';
import { menuDialog } from './menu.js';
import { privacyDialog } from './privacy.js';

/** The registry of every dialog the engine can run. */
export const dialogs: readonly Dialog[] = [
  menuDialog,
  emergencyDialog,
  concernDialog,
  callbackRequestDialog,
  callbackListDialog,
  callbackActionDialog,
  languageDialog,
  helpDialog,
  privacyDialog,
];
