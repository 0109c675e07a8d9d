import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * One temporary directory per test run, removed by tempDirTeardown.mjs, so that the stores, backups
 * and reports written by tests do not pile up in /tmp run after run. This runs in Jest's parent
 * process before the workers start; they inherit TMPDIR, and Node's tmpdir() reads it at each call,
 * so every mkdtemp(join(tmpdir(), ...)) in a test (or in a process a test spawns) lands here.
 * (Setting it inside a test file would not work: Jest gives each file its own copy of process.env.)
 */
export default function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'jest-run-'));
  process.env.JEST_RUN_TMPDIR = dir;
  process.env.TMPDIR = dir;
}
