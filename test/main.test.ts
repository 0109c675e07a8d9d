import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, open, readFile, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { WebSocket } from 'ws';
import { lockFile } from '../src/store/persistence.js';
import { killed, launchServer, runToExit, spawnServer } from './helpers/process.js';
import { json, openConversation } from './helpers/server.js';
import { waitFor } from './helpers/slack.js';
import { confirmForgetText, text } from './helpers/fixtures.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'main-'));
}

describe('the assistant as a process', () => {
  it('killed with SIGKILL in the middle of a dialog, continues that dialog after a restart (real store file)', async () => {
    const storeFile = join(await tempDir(), 'db.json');
    const first = await spawnServer({ STORE_FILE: storeFile });
    const directLine = `${first.base}/v3/directline`;
    const conv = await openConversation(directLine);
    await conv.post({ type: 'message', text: 'privacy' });
    expect((await conv.activities()).body.activities.at(-1)?.text).toBe(await text('en', 'privacy:offerDelete'));
    await killed(first.child, 'SIGKILL');

    const second = await spawnServer({ STORE_FILE: storeFile });
    try {
      const again = `${second.base}/v3/directline`;
      const url = `${again}/conversations/${conv.conversationId}/activities`;
      // The same token still opens the same conversation, with its history.
      const history = await json<{ activities: { text?: string }[]; watermark: string }>(`${url}?watermark=0`, { token: conv.token });
      expect(history.status).toBe(200);
      expect(history.body.activities.at(-1)?.text).toBe(await text('en', 'privacy:offerDelete'));
      await json(url, { method: 'POST', token: conv.token, body: { type: 'message', text: await text('en', 'privacy:delete') } });
      const after = await json<{ activities: { text?: string }[] }>(`${url}?watermark=${history.body.watermark}`, { token: conv.token });
      expect(after.body.activities.at(-1)?.text).toBe(await confirmForgetText('en', ['conversation']));
    } finally {
      await killed(second.child, 'SIGTERM');
    }
  });

  it('SIGHUP reads the directory again: a valid file is used from the next turn, a broken one is refused and the old one stays', async () => {
    const dir = await tempDir();
    const file = join(dir, 'directory.json');
    const directory = JSON.parse(await readFile('data/directory.json', 'utf8')) as { schools: Record<string, unknown>[] };
    await writeFile(file, JSON.stringify(directory));
    const server = await spawnServer({ STORE_FILE: join(dir, 'db.json'), DIRECTORY_FILE: file, LOG_LEVEL: 'info' });
    try {
      const schoolButtons = async () => {
        const conv = await openConversation(`${server.base}/v3/directline`);
        for (const choice of ['dialog:concern', 'danger-no']) await conv.post({ type: 'message', text: choice, value: { choice } });
        const last = (await conv.activities()).body.activities.at(-1) as { suggestedActions?: { actions: { title: string }[] } };
        return (last.suggestedActions?.actions ?? []).map((a) => a.title);
      };
      expect(await schoolButtons()).not.toContain('Basisschool Het Nieuwe Veld');
      directory.schools.push({ ...directory.schools[0], id: 'new-field', name: 'Basisschool Het Nieuwe Veld' });
      await writeFile(file, JSON.stringify(directory));
      server.child.kill('SIGHUP');
      await waitFor(() => server.stdout().includes('directory_reloaded'));
      expect(await schoolButtons()).toContain('Basisschool Het Nieuwe Veld');

      await writeFile(file, '{"schemaVersion": 1, "schools": [');
      server.child.kill('SIGHUP');
      await waitFor(() => server.stdout().includes('directory_reload_refused'));
      expect(server.stdout()).toContain(file);
      expect(await schoolButtons()).toContain('Basisschool Het Nieuwe Veld');
    } finally {
      expect(await killed(server.child, 'SIGTERM')).toBe(0);
    }
  });

  // The directory is read from a named pipe, so the start waits, without timing guesses, until the
  // test writes it: a signal sent then lands while the assistant is starting (its handlers installed,
  // the server not yet listening).
  async function pipedDirectory(dir: string) {
    const file = join(dir, 'directory.json');
    execFileSync('mkfifo', [file]);
    return {
      file,
      /** Resolves once the assistant has opened the pipe to read it (opening to write waits for that). */
      opened: () => open(file, 'w'),
      async write(handle: FileHandle, content: string) {
        await handle.writeFile(content);
        await handle.close();
      },
    };
  }
  // A signal is handled a moment after it is sent; the start must still be waiting for the pipe then.
  const signalHandled = () => new Promise((resolve) => setTimeout(resolve, 300));

  it('SIGHUP while starting neither ends the process nor is lost: the directory is read again once started', async () => {
    const dir = await tempDir();
    const directory = JSON.parse(await readFile('data/directory.json', 'utf8')) as { schools: Record<string, unknown>[] };
    const pipe = await pipedDirectory(dir);
    const { child, ready } = launchServer({ STORE_FILE: join(dir, 'db.json'), DIRECTORY_FILE: pipe.file, LOG_LEVEL: 'info' });
    try {
      const first = await pipe.opened();
      child.kill('SIGHUP');
      await signalHandled();
      await pipe.write(first, JSON.stringify(directory));
      const server = await ready;
      // Started, the assistant reads the directory again, as asked while it was starting.
      directory.schools.push({ ...directory.schools[0], id: 'new-field', name: 'Basisschool Het Nieuwe Veld' });
      await pipe.write(await pipe.opened(), JSON.stringify(directory));
      await waitFor(() => server.stdout().includes('directory_reloaded'));
      const conv = await openConversation(`${server.base}/v3/directline`);
      for (const choice of ['dialog:concern', 'danger-no']) await conv.post({ type: 'message', text: choice, value: { choice } });
      const last = (await conv.activities()).body.activities.at(-1) as { suggestedActions?: { actions: { title: string }[] } };
      expect((last.suggestedActions?.actions ?? []).map((a) => a.title)).toContain('Basisschool Het Nieuwe Veld');
    } finally {
      expect(await killed(child, 'SIGTERM')).toBe(0);
    }
  });

  it('SIGTERM while starting stops cleanly once the store is open: exit 0, no lock left', async () => {
    const dir = await tempDir();
    const pipe = await pipedDirectory(dir);
    const { child, ready } = launchServer({ STORE_FILE: join(dir, 'db.json'), DIRECTORY_FILE: pipe.file });
    ready.catch(() => undefined);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const handle = await pipe.opened();
    child.kill('SIGTERM');
    await signalHandled();
    await pipe.write(handle, await readFile('data/directory.json', 'utf8'));
    expect(await exited).toBe(0);
    // The store was created and closed again: its file is there, its lock is not.
    expect(existsSync(join(dir, 'db.json'))).toBe(true);
    expect(existsSync(lockFile(join(dir, 'db.json')))).toBe(false);
  });

  it('stops gracefully on SIGTERM with exit code 0', async () => {
    const server = await spawnServer({ STORE_FILE: join(await tempDir(), 'db.json') });
    expect(await killed(server.child, 'SIGTERM')).toBe(0);
  });

  it('stops gracefully on SIGTERM while a web chat holds its stream open: at once, exit 0, the socket told why, no lock left', async () => {
    const dir = await tempDir();
    const server = await spawnServer({ STORE_FILE: join(dir, 'db.json') });
    const conv = await openConversation(`${server.base}/v3/directline`);
    const socket = new WebSocket(conv.streamUrl);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    const started = Date.now();
    expect(await killed(server.child, 'SIGTERM')).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await closed).toBe(1001);
    expect(existsSync(lockFile(join(dir, 'db.json')))).toBe(false);
  });

  it('refuses to start when NUDGES_CRON never ticks inside the working hours, saying why', async () => {
    const { code, stderr } = await runToExit({ NUDGES_CRON: '0 3 * * *', STORE_FILE: join(await tempDir(), 'db.json') });
    expect(code).toBe(1);
    expect(stderr).toContain('NUDGES_CRON "0 3 * * *" never ticks inside the working hours');
  });

  it('refuses to start on bad environment variables, listing each', async () => {
    const { code, stderr } = await runToExit({ PORT: 'x', DEFAULT_LANGUAGE: 'klingon' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/PORT/);
    expect(stderr).toMatch(/DEFAULT_LANGUAGE/);
  });

  it('refuses to start on a broken directory, naming the path of each problem', async () => {
    const dir = await tempDir();
    const directory = JSON.parse(await readFile('data/directory.json', 'utf8')) as { schools: { liaisonId: string }[]; emergency: { number: string } };
    directory.schools[1]!.liaisonId = 'nobody';
    directory.emergency.number = 'call the police';
    await writeFile(join(dir, 'directory.json'), JSON.stringify(directory));
    const { code, stderr } = await runToExit({ DIRECTORY_FILE: join(dir, 'directory.json'), STORE_FILE: join(dir, 'db.json') });
    expect(code).toBe(1);
    expect(stderr).toContain('schools[1].liaisonId: no person with id "nobody"');
    expect(stderr).toContain('emergency.number');
  });

  it('refuses to start on a corrupt store and leaves the file untouched', async () => {
    const dir = await tempDir();
    const storeFile = join(dir, 'db.json');
    await writeFile(storeFile, '{"version":1,"users":{"a":');
    const { code, stderr } = await runToExit({ STORE_FILE: storeFile });
    expect(code).toBe(1);
    expect(stderr).toContain(storeFile);
    expect(await readFile(storeFile, 'utf8')).toBe('{"version":1,"users":{"a":');
  });
});

describe('starting, as an operator meets it', () => {
  it('a port already in use gets one clear line, not a stack trace', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, stderr } = await runToExit({ PORT: String(port), STORE_FILE: join(await tempDir(), 'db.json'), NUDGES_ENABLED: 'false' });
      expect(code).toBe(1);
      expect(stderr).toContain(`Cannot start: port ${port} on 127.0.0.1 is already in use (set PORT to another one).`);
      expect(stderr).not.toMatch(/EADDRINUSE|\n\s+at /); // no stack trace
    } finally {
      blocker.close();
    }
  });

  it('says which channels listen, and that nobody can talk to it when none is on', async () => {
    const server = await spawnServer({ STORE_FILE: join(await tempDir(), 'db.json'), WEB_CHAT_ENABLED: 'false' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(server.stdout()).toContain('No channel is switched on');
    } finally {
      await killed(server.child, 'SIGTERM');
    }
    const web = await spawnServer({ STORE_FILE: join(await tempDir(), 'db.json'), WEB_CHAT_SECRET: 'a-secret-of-16-chars-or-more' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(web.stdout()).toMatch(/web chat on http:\/\/localhost:\d+\n {2}The widget at .* cannot be used while WEB_CHAT_SECRET is set/);
    } finally {
      await killed(web.child, 'SIGTERM');
    }
  });

  it('reads .env from the working directory for variables the environment does not set (the environment wins)', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const dir = await tempDir();
    await writeFile(join(dir, '.env'), 'LOG_LEVEL=warn\nPORT=4999\nDEFAULT_LANGUAGE=nl\n');
    const config = join(process.cwd(), 'dist/src/config.js');
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', `import { loadConfig } from ${JSON.stringify(config)}; const c = loadConfig(); console.log(JSON.stringify([c.logLevel, c.port, c.defaultLanguage]));`], {
      cwd: dir,
      env: { PATH: process.env.PATH, PORT: '5000' },
    });
    expect(JSON.parse(stdout)).toEqual(['warn', 5000, 'nl']);
  });

  it('every command-line tool answers --help with its usage and exit code 0', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    for (const script of ['dist/src/main.js', 'dist/src/reports/cli.js', 'dist/src/nudges/cli.js', 'dist/src/directory/check.js', 'dist/src/store/restoreCli.js', 'dist/src/channels/teams/packageApp.js', 'dist/src/bench/run.js']) {
      const { stdout } = await promisify(execFile)(process.execPath, [script, '--help'], { env: { PATH: process.env.PATH } });
      expect(stdout).toMatch(/^Usage: /);
    }
    await expect(promisify(execFile)(process.execPath, ['dist/src/channels/teams/packageApp.js', '--out'], { env: { PATH: process.env.PATH } })).rejects.toMatchObject({ code: 1 });
    // A run length that is not a positive number is refused before anything starts (it used to run with NaN).
    await expect(promisify(execFile)(process.execPath, ['dist/src/bench/run.js', 'abc'], { env: { PATH: process.env.PATH } })).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/positive number/) });
  });

  it('started from another working directory (a service manager), it still serves the widget', async () => {
    const dir = await tempDir();
    const here = process.cwd();
    const child = spawn(process.execPath, [join(here, 'dist/src/main.js')], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', BACKUP_INTERVAL_HOURS: '0', NUDGES_ENABLED: 'false', STORE_FILE: join(dir, 'db.json'), DIRECTORY_FILE: join(here, 'data/directory.json'), LOCALES_DIR: join(here, 'locales') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const base = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const port = /:(\d+)/.exec(out)?.[1];
          if (port) resolve(`http://127.0.0.1:${port}`);
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      const res = await fetch(`${base}/widget.js`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('slw-');
    } finally {
      expect(await killed(child, 'SIGTERM')).toBe(0);
    }
  });

  it('a HOST that does not resolve, or an unknown argument, gets one clear line', async () => {
    const { code, stderr } = await runToExit({ HOST: 'nonexistent.invalid', STORE_FILE: join(await tempDir(), 'db.json') });
    expect(code).toBe(1);
    expect(stderr).toContain('nonexistent.invalid (HOST) is not a name this machine can resolve');
    expect(stderr).not.toMatch(/\n\s+at /);
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    await expect(promisify(execFile)(process.execPath, ['dist/src/main.js', '--port', '80'], { env: { PATH: process.env.PATH } })).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('Unknown argument --port') });
  });

  it('directory:check refuses, as the start does, working hours the configured NUDGES_CRON never reaches', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    await expect(promisify(execFile)(process.execPath, ['dist/src/directory/check.js'], { env: { PATH: process.env.PATH, NUDGES_CRON: '0 12 * * 1-5' } })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('NUDGES_CRON "0 12 * * 1-5"'),
    });
    const ok = await promisify(execFile)(process.execPath, ['dist/src/directory/check.js'], { env: { PATH: process.env.PATH, NUDGES_CRON: '0 12 * * 1-5', NUDGES_ENABLED: 'false' } });
    expect(ok.stdout).toContain('is valid');
    // A file named on the command line is checked even when the environment has a problem of its own.
    const named = await promisify(execFile)(process.execPath, ['dist/src/directory/check.js', 'data/directory.json'], { env: { PATH: process.env.PATH, PORT: 'x' } });
    expect(named.stdout).toContain('is valid');
  });

  it('directory:check checks DIRECTORY_FILE, the file the assistant would load, when no file is given', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const dir = await tempDir();
    await writeFile(join(dir, 'broken.json'), '{"schemaVersion": 1}');
    await expect(promisify(execFile)(process.execPath, ['dist/src/directory/check.js'], { env: { PATH: process.env.PATH, DIRECTORY_FILE: join(dir, 'broken.json') } })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('broken.json'),
    });
  });
});

describe('one process per store', () => {
  it('a second server, a real nudge tick and a restore are refused while the assistant runs; nothing is moved', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const { readdir } = await import('node:fs/promises');
    const dir = await tempDir();
    const store = join(dir, 'db.json');
    const server = await spawnServer({ STORE_FILE: store });
    try {
      const pid = server.child.pid!;
      const second = await runToExit({ STORE_FILE: store, NUDGES_ENABLED: 'false' });
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`The store ${store} is in use by another process (pid ${pid})`);

      const backup = join(dir, 'backup.json');
      await writeFile(backup, JSON.stringify((await import('../src/store/schema.js')).emptyDb()));
      const env = { PATH: process.env.PATH, STORE_FILE: store, LOG_LEVEL: 'silent' };
      const before = (await readdir(dir)).sort();
      await expect(promisify(execFile)(process.execPath, ['dist/src/store/restoreCli.js', backup], { env })).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining(`in use by another process (pid ${pid})`) });
      await expect(promisify(execFile)(process.execPath, ['dist/src/nudges/cli.js', '--once'], { env })).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining(`in use by another process (pid ${pid})`) });
      expect((await readdir(dir)).sort()).toEqual(before); // no marker, nothing moved aside
      // A dry run only reads: it works beside the running assistant.
      const dry = await promisify(execFile)(process.execPath, ['dist/src/nudges/cli.js', '--once', '--dry-run'], { env });
      expect(dry.stdout).toContain('dry run');
    } finally {
      expect(await killed(server.child, 'SIGTERM')).toBe(0);
    }
    // Stopped: the lock is gone, and a real tick takes it and gives it back.
    expect(await readdir(dir)).not.toContain('db.lock');
    await promisify(execFile)(process.execPath, ['dist/src/nudges/cli.js', '--once', '--at', '2026-11-23T10:00:00+01:00'], { env: { PATH: process.env.PATH, STORE_FILE: store, LOG_LEVEL: 'silent' } });
    expect(await readdir(dir)).not.toContain('db.lock');
  });

  it('a lock left by a process that is gone (kill -9) is taken over at the next start', async () => {
    const dir = await tempDir();
    const store = join(dir, 'db.json');
    const first = await spawnServer({ STORE_FILE: store });
    expect(await killed(first.child, 'SIGKILL')).toBe(null);
    expect((await readFile(join(dir, 'db.lock'), 'utf8')).split('\n')[0]).toBe(String(first.child.pid));
    const second = await spawnServer({ STORE_FILE: store });
    expect((await readFile(join(dir, 'db.lock'), 'utf8')).split('\n')[0]).toBe(String(second.child.pid));
    expect(await killed(second.child, 'SIGTERM')).toBe(0);
  });
});
