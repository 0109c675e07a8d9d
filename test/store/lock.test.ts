import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { acquireStoreLock } from '../../src/store/lock.js';

const run = promisify(execFile);

describe('the store lock', () => {
  it('of several processes taking over a stale lock at the same moment, exactly one gets it', async () => {
    const lockModule = resolve('dist/src/store/lock.js');
    for (let trial = 0; trial < 3; trial++) {
      const dir = await mkdtemp(join(tmpdir(), 'lock-'));
      const store = join(dir, 'db.json');
      await writeFile(join(dir, 'db.lock'), '999999\n'); // a process that is gone
      const start = Date.now() + 400;
      const script = `import { acquireStoreLock } from ${JSON.stringify(lockModule)};
        while (Date.now() < ${start});
        let got = false;
        try { acquireStoreLock(${JSON.stringify(store)}); got = true; } catch { got = false; }
        console.log(got ? 'got' : 'refused');
        await new Promise((r) => setTimeout(r, 600));`;
      const results = await Promise.all(Array.from({ length: 6 }, () => run(process.execPath, ['--input-type=module', '-e', script]).then((r) => r.stdout.trim())));
      expect(results.filter((r) => r === 'got')).toHaveLength(1);
    }
  });

  it('opens in one process share the lock, and the file goes with the last of them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lock-'));
    const store = join(dir, 'db.json');
    const first = acquireStoreLock(store);
    const second = acquireStoreLock(store);
    first();
    first(); // a release counts once
    expect(await readFile(join(dir, 'db.lock'), 'utf8')).toBe(`${process.pid}\n`);
    second();
    await expect(readFile(join(dir, 'db.lock'))).rejects.toThrow(/ENOENT/);
  });
});
