import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { acquireStoreLock, processIdentity } from '../../src/store/lock.js';


describe('the store lock', () => {
  it('of several processes taking over a stale lock at the same moment, exactly one gets it', async () => {
    const lockModule = resolve('dist/src/store/lock.js');
    for (let trial = 0; trial < 3; trial++) {
      const dir = await mkdtemp(join(tmpdir(), 'lock-'));
      const store = join(dir, 'db.json');
      await writeFile(join(dir, 'db.lock'), '999999\n'); // a process that is gone
      const start = Date.now() + 400;
      const release = join(dir, 'release');
      // Each holds what it got until every one has tried (the parent then creates \`release\`): on a
      // busy machine a late starter must meet a live holder, not the lock of one that already exited.
      const script = `import { existsSync } from 'node:fs';
        import { acquireStoreLock } from ${JSON.stringify(lockModule)};
        while (Date.now() < ${start});
        let got = false;
        try { acquireStoreLock(${JSON.stringify(store)}); got = true; } catch { got = false; }
        console.log(got ? 'got' : 'refused');
        const until = Date.now() + 60_000;
        while (!existsSync(${JSON.stringify(release)}) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));`;
      const children = Array.from({ length: 6 }, () => spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] }));
      const results = await Promise.all(
        children.map((child) => new Promise<string>((done) => {
          let out = '';
          child.stdout.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            if (out.includes('\n')) done(out.trim());
          });
        })),
      );
      await writeFile(release, '');
      await Promise.all(children.map((child) => new Promise((done) => (child.exitCode !== null ? done(null) : child.once('exit', done)))));
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
    expect(await readFile(join(dir, 'db.lock'), 'utf8')).toBe(`${process.pid}\n${processIdentity(process.pid)}\n`);
    second();
    await expect(readFile(join(dir, 'db.lock'))).rejects.toThrow(/ENOENT/);
  });

  it('names the holder by pid, boot and start time: a live process that only has the pid of a holder from before a reboot or an earlier run does not block', async () => {
    // A live process other than us, standing for whatever got the old holder's pid.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      await new Promise((r) => other.once('spawn', r));
      const identity = processIdentity(other.pid!);
      expect(identity).toMatch(/^[0-9a-f-]{36}:\d+$/);
      const cases: [content: string, taken: boolean][] = [
        [`${other.pid}\n${identity}\n`, false], // that very process holds it
        [`${other.pid}\n`, false], // an older build's lock: the pid alone decides
        [`${other.pid}\n00000000-0000-0000-0000-000000000000:${identity!.split(':')[1]}\n`, true], // another boot
        [`${other.pid}\n${identity!.split(':')[0]}:1\n`, true], // the same boot, a process that started long before
      ];
      for (const [content, taken] of cases) {
        const dir = await mkdtemp(join(tmpdir(), 'lock-'));
        const store = join(dir, 'db.json');
        await writeFile(join(dir, 'db.lock'), content);
        if (taken) {
          const release = acquireStoreLock(store);
          expect((await readFile(join(dir, 'db.lock'), 'utf8')).split('\n')[0]).toBe(String(process.pid));
          release();
        } else {
          expect(() => acquireStoreLock(store)).toThrow(new RegExp(`in use by another process \\(pid ${other.pid}\\)`));
          expect(await readFile(join(dir, 'db.lock'), 'utf8')).toBe(content);
        }
      }
    } finally {
      other.kill('SIGKILL');
    }
  });
});
