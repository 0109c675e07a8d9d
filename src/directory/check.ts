import { isCodedError } from '../core/errors.js';
import { loadDirectory } from './directory.js';

/**
 * `npm run directory:check [-- file]`: validates a directory file and prints each problem with its
 * JSON path. Exit code 0 when valid, 1 otherwise.
 */
const file = process.argv[2] ?? 'data/directory.json';
try {
  const dir = await loadDirectory(file);
  const d = dir.data;
  process.stdout.write(
    `${file} is valid: ${d.people.length} people, ${d.schools.length} schools, ${d.partners.length} partners, ` +
      `${d.nextSteps.length} next steps, ${d.platformMeetings.length} planned platform meetings.\n`,
  );
} catch (err) {
  process.stderr.write(`${isCodedError(err) ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
