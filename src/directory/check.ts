import { loadConfig } from '../config.js';
import { localDate } from '../core/dates.js';
import { formatIssues, isCodedError } from '../core/errors.js';
import { assertTicksReachWorkingHours } from '../nudges/tickCoverage.js';
import { loadDirectory } from './directory.js';

/**
 * `npm run directory:check [-- file]`: validates a directory file (by default DIRECTORY_FILE, the one
 * the assistant would load) and prints each problem with its JSON path; also, as the start does, that
 * the nudge ticks (NUDGES_CRON) reach its working hours. Warns (exit code still 0) about platform meetings
 * that have passed and people without a Slack or Teams id. Exit code 0 when valid, 1 otherwise.
 */
const USAGE = 'Usage: npm run directory:check [-- <directory file>]   (default: DIRECTORY_FILE, else data/directory.json)';
const arg = process.argv[2];
if (arg === '--help' || arg === '-h') {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (arg?.startsWith('-')) {
  process.stderr.write(`Unknown option ${arg}\n${USAGE}\n`);
  process.exit(1);
}
let file: string | undefined = arg;
try {
  // The environment is needed for the default file and for the nudge ticks; a file named on the
  // command line is still checked when the environment has a problem of its own (said by the start).
  let config: ReturnType<typeof loadConfig> | undefined;
  try {
    config = loadConfig();
  } catch (err) {
    if (file === undefined) throw err;
  }
  file ??= config!.directoryFile;
  const dir = await loadDirectory(file);
  const d = dir.data;
  // What the start (and SIGHUP) also refuses: working hours the configured NUDGES_CRON never reaches.
  if (config?.nudges.enabled) assertTicksReachWorkingHours(config.nudges.pattern, d, new Date());
  // Past meetings are not planned ones (the chat counts those from today); they are said, not refused.
  const today = localDate(new Date(), d.timeZone);
  const upcoming = d.platformMeetings.filter((m) => m.date >= today).length;
  const warnings = [
    ...d.platformMeetings.flatMap((m, i) =>
      m.date < today ? [{ path: ['platformMeetings', i, 'date'], message: `${m.date} has passed (today is ${today} in ${d.timeZone}): not counted as planned; remove it, or correct the date` }] : [],
    ),
    ...d.people.flatMap((p, i) =>
      p.slackUserId === undefined && p.teamsUserId === undefined
        ? [{ path: ['people', i], message: `"${p.id}" has neither a slackUserId nor a teamsUserId: the assistant can never recognise them as ${p.role}, nor send them call-back requests or nudges` }]
        : [],
    ),
  ];
  process.stdout.write(
    `${file} is valid: ${d.people.length} people, ${d.schools.length} schools, ${d.partners.length} partners, ` +
      `${d.nextSteps.length} next steps, ${upcoming} upcoming platform meeting(s).\n` +
      (warnings.length > 0 ? `${warnings.length} warning(s):\n${formatIssues(warnings)}\n` : ''),
  );
} catch (err) {
  process.stderr.write(`${isCodedError(err) ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
