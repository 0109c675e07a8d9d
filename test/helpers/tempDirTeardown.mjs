import { rmSync } from 'node:fs';

/** Removes the run's temporary directory made by tempDirSetup.mjs. */
export default function teardown() {
  const dir = process.env.JEST_RUN_TMPDIR;
  if (dir) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}
