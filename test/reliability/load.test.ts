import { afterAll, describe, expect, it } from '@jest/globals';
import { Danger, Offer } from '../../dialogs/concern.js';
import { surnameFor } from '../helpers/fixtures.js';
import { openConversation, startApp, type RunningApp } from '../helpers/server.js';

const STRESS = process.env.STRESS === '1';
const CONVERSATIONS = STRESS ? 200 : 50;

let running: RunningApp | undefined;
afterAll(async () => running?.stop());

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describe('load', () => {
  it(`holds ${CONVERSATIONS} concurrent web chat conversations through full dialogs, with durable writes`, async () => {
    running = await startApp({ WEB_RATE_LIMIT_PER_MINUTE: '100000' }, { storeFile: true });
    const { directLine, app } = running;
    const latencies: number[] = [];
    let errors = 0;
    const steps = (i: number) => [
      { text: "I'm worried about a pupil" },
      { value: { choice: Danger.No } },
      { value: { choice: 'school:harbour-secondary' } },
      { value: { choice: 'views' } },
      { value: { choice: Offer.CallMe } },
      { value: { choice: 'week' } },
      { value: { choice: 'phone' } },
      { value: { choice: 'afternoon' } },
      { text: `Load Teacher ${surnameFor(i)}` },
      { text: '+32 3 555 77 88' },
      { value: { choice: 'skip' } },
      { value: { choice: 'send' } },
    ];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONVERSATIONS }, async (_, i) => {
        const conv = await openConversation(directLine);
        for (const step of steps(i)) {
          const t0 = performance.now();
          const res = await conv.post({ type: 'message', ...step });
          latencies.push(performance.now() - t0);
          if (res.status !== 200) errors += 1;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    await app.engine.idle();
    latencies.sort((a, b) => a - b);
    const stored = app.store.data.callbacks.filter((c) => c.requesterName.startsWith('Load Teacher')).length;
    process.stdout.write(
      `load: ${CONVERSATIONS} concurrent conversations, ${latencies.length} turns in ${seconds.toFixed(1)} s = ${(latencies.length / seconds).toFixed(0)} turns/s; ` +
        `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms; errors ${errors}; records stored ${stored}/${CONVERSATIONS}\n`,
    );
    expect(errors).toBe(0);
    expect(stored).toBe(CONVERSATIONS);
  }, 120_000);
});
