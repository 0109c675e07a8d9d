import type { Dialog } from '../src/core/dialog.js';
import { callbackActionDialog } from './callbackAction.js';
import { cancelMeetingDialog } from './cancelMeeting.js';
import { callbackListDialog } from './callbackList.js';
import { callbackRequestDialog } from './callbackRequest.js';
import { concernDialog } from './concern.js';
import { contactActionDialog } from './contactAction.js';
import { deliveryProblemsDialog } from './deliveryProblems.js';
import { logContactDialog } from './logContact.js';
import { mySchoolsDialog } from './mySchools.js';
import { nudgeActionDialog } from './nudgeAction.js';
import { nudgeSettingsDialog } from './nudgeSettings.js';
import { pickSchoolDialog } from './pickSchool.js';
import { planMeetingDialog } from './planMeeting.js';
import { protocolStatusDialog } from './protocolStatus.js';
import { readProtocolDialog } from './readProtocol.js';
import { recentContactsDialog } from './recentContacts.js';
import { recordEvaluationDialog } from './recordEvaluation.js';
import { trainingNeedsDialog } from './trainingNeeds.js';
import { trainingReportDialog } from './trainingReport.js';
import { trainingReminderDialog } from './trainingReminder.js';
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
  mySchoolsDialog,
  logContactDialog,
  recentContactsDialog,
  contactActionDialog,
  protocolStatusDialog,
  readProtocolDialog,
  recordEvaluationDialog,
  planMeetingDialog,
  cancelMeetingDialog,
  nudgeActionDialog,
  nudgeSettingsDialog,
  trainingNeedsDialog,
  trainingReportDialog,
  trainingReminderDialog,
  deliveryProblemsDialog,
  languageDialog,
  helpDialog,
  privacyDialog,
  pickSchoolDialog,
];
