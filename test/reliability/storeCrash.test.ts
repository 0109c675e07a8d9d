import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { openFileStore } from '../../src/store/store.js';

/** More kills with STRESS=1 (npm run test:stress). */
const ROUNDS = process.env.STRESS === '1' ? 16 : 5;
const WORKLOAD = 'test/helpers/storeWorkload.mjs';
/** See the workload: mostly light snapshots, or mostly full ones after erasures. */
type Profile = 'light' | 'erasing';

/** Runs the workload on a fresh store and kills it with SIGKILL after `ms`; resolves with the last confirmed step. */
function runAndKill(profile: Profile, file: string, seed: number, ms: number): Promise<number> {
  const progressFile = `${file}.progress`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKLOAD, 'run', profile, file, String(seed), progressFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      // The clock starts at the first confirmed step, after the process has loaded.
      timer ??= setTimeout(() => child.kill('SIGKILL'), ms);
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') return reject(new Error(`the workload stopped by itself: ${out}${err}`));
      // Confirmations go to a file, not the pipe (see the workload). Only whole lines: the kill may
      // cut the last number short ("12" of "1234").
      readFile(progressFile, 'utf8').then((progress) => {
        const confirmed = progress.slice(0, progress.lastIndexOf('\n') + 1).split('\n').filter((line) => /^\d+$/.test(line));
        resolve(Number(confirmed.at(-1) ?? -1));
      }, reject);
    });
  });
}

/** Runs the workload to its end (`state` or `window` mode); resolves with what it printed. */
function runWorkload(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKLOAD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    // Decoded as a stream: a chunk may end inside a character (the workload writes accented text).
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`the workload (${args[0]}) failed: ${err}`))));
  });
}

/** The documents after `from` … `to` steps, computed on a memory store by the same workload. */
async function expectedStates(profile: Profile, seed: number, from: number, to: number): Promise<unknown[]> {
  const out = await runWorkload(['state', profile, String(seed), String(from), String(to)]);
  return out.trim().split('\n').map((line) => JSON.parse(line) as unknown);
}

/** Which collections (and which web conversations, by their transcript's extent) differ. */
function describeDifference(expected: Record<string, unknown>, actual: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const key of Object.keys(expected)) {
    if (isDeepStrictEqual(expected[key], actual[key])) continue;
    if (key !== 'webConversations') {
      out.push(key);
      continue;
    }
    const a = expected[key] as Record<string, { firstWatermark: number; activities: unknown[] }>;
    const b = actual[key] as Record<string, { firstWatermark: number; activities: unknown[] }>;
    for (const id of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (isDeepStrictEqual(a[id], b[id])) continue;
      const extent = (c: { firstWatermark: number; activities: unknown[] } | undefined) => (c ? `${c.firstWatermark}+${c.activities.length}` : 'none');
      const field = Object.keys({ ...a[id], ...b[id] }).find((k) => !isDeepStrictEqual((a[id] as never)?.[k], (b[id] as never)?.[k]));
      const at = a[id] && b[id] ? a[id].activities.findIndex((x, i) => !isDeepStrictEqual(x, b[id]!.activities[i])) : -1;
      out.push(`conversation ${id}: expected ${extent(a[id])}, found ${extent(b[id])}; first difference: ${field}${at >= 0 ? ` at activity ${at}` : ''}`);
    }
  }
  return out;
}

/** The workload's `window` mode: a crash just after a snapshot completed, with a step not committed yet. */
async function crashWindows(profile: Profile, file: string, seed: number, steps: number): Promise<{ checks: number; failures: number[] }> {
  return JSON.parse(await runWorkload(['window', profile, file, String(seed), String(steps)])) as { checks: number; failures: number[] };
}

describe('store files under SIGKILL', () => {
  it('a crash just after a snapshot, with a change made in memory but not committed: the store opens with what was committed', async () => {
    // Found in review: a light snapshot judged which journal files to keep from the document in
    // memory, so a clear not yet committed released the only copy of confirmed activities (seed
    // 7003, step 6, failed before the fix).
    const report: string[] = [];
    const scale = process.env.STRESS === '1' ? 3 : 1;
    const runs = [['light', 7001, 3000], ['light', 7002, 3000], ['light', 7003, 3000], ['erasing', 7005, 600]] as const;
    for (const [profile, seed, steps] of runs) {
      const file = join(await mkdtemp(join(tmpdir(), 'store-window-')), 'db.json');
      const { checks, failures } = await crashWindows(profile, file, seed, steps * scale);
      report.push(`${profile} seed ${seed}: ${checks} crash points after a snapshot, ${failures.length ? `failed at steps ${failures.join(', ')}` : 'all opened as committed'}`);
      expect({ profile, seed, failures }).toEqual({ profile, seed, failures: [] });
      expect(checks).toBeGreaterThan(20);
    }
    process.stdout.write(`store crash windows:\n  ${report.join('\n  ')}\n`);
  }, 120_000);


  it(`a store killed at a random moment opens with every confirmed step and no step half-applied (${ROUNDS} kills; light and full snapshots, trims, erasures)`, async () => {
    const report: string[] = [];
    let keptGenerationsSeen = 0;
    let deltasSeen = 0;
    // A busy machine runs fewer steps before each kill, and may never reach a delta: then a few more
    // kills, later each time, until one lands while a delta is in use (what the test is for).
    const EXTRA_ROUNDS = 4;
    for (let round = 0; round < ROUNDS || (deltasSeen === 0 && round < ROUNDS + EXTRA_ROUNDS); round++) {
      const seed = 7_001 + round;
      const extra = round >= ROUNDS;
      const profile: Profile = !extra && round % 3 === 2 ? 'erasing' : 'light';
      const file = join(await mkdtemp(join(tmpdir(), 'store-kill-')), 'db.json');
      const killAfter = extra ? 800 + (round - ROUNDS) * 400 : 150 + ((round * 211) % 700);
      const confirmed = await runAndKill(profile, file, seed, killAfter);
      const journals = (await readdir(join(file, '..'))).filter((name) => name.startsWith('db.journal.'));
      const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8').catch(() => '{}')) as { coveredGeneration?: number; base?: string };
      const core = await readJson(file);
      const delta = await readJson(join(file, '..', 'db.delta.json'));
      const withDelta = delta.base !== undefined && delta.base === core.base;
      const covered = (withDelta ? delta.coveredGeneration : core.coveredGeneration) ?? 0;
      deltasSeen += withDelta ? 1 : 0;
      // Generations at or below the core's: kept for the transcript activities they hold.
      const kept = journals.filter((name) => Number(/\.(\d+)\.jsonl$/.exec(name)![1]) <= covered).length;
      keptGenerationsSeen += kept;

      const store = await openFileStore(file);
      const data = JSON.parse(JSON.stringify(store.data)) as unknown;
      await store.close();
      // Steps 0 … confirmed were confirmed; the next one may have been written just before the kill.
      const states = await expectedStates(profile, seed, confirmed + 1, confirmed + 2);
      const matched = states.findIndex((state) => isDeepStrictEqual(state, data));
      report.push(`${profile} seed ${seed}, killed after ${killAfter} ms: ${confirmed + 1} steps confirmed, ${journals.length} journal files (${kept} kept by a light snapshot), ${withDelta ? 'a delta' : 'no delta'} of the core, matched after ${matched < 0 ? 'none' : confirmed + 1 + matched}`);
      // On a mismatch, name what differs from the state after the confirmed steps.
      const differs = matched >= 0 ? [] : describeDifference(states[0] as Record<string, unknown>, data as Record<string, unknown>);
      expect({ report: report.at(-1), differs }).toEqual({ report: report.at(-1), differs: [] });
    }
    process.stdout.write(`store kills:\n  ${report.join('\n  ')}\n`);
    // The kills must land while light snapshots keep generations and deltas are in use, or this test
    // proves little.
    expect(keptGenerationsSeen).toBeGreaterThan(0);
    expect(deltasSeen).toBeGreaterThan(0);
  }, 120_000);
});
