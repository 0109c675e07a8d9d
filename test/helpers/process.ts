import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Runs the built assistant (`dist/src/main.js`, built by `npm test`'s pretest) as a real process on
 * 127.0.0.1 and a free port, and waits for the line that says where the web chat is.
 */
export interface ServerProcess {
  child: ChildProcess;
  base: string;
  stderr(): string;
  stdout(): string;
}

export function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  return launchServer(env).ready;
}

/** Like spawnServer, but hands over the process at once, for signals sent while it starts. */
export function launchServer(env: Record<string, string>): { child: ChildProcess; ready: Promise<ServerProcess> } {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', BACKUP_INTERVAL_HOURS: '0', NUDGES_ENABLED: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ready = new Promise<ServerProcess>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 15000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = out.match(/http:\/\/[^:]+:(\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve({ child, base: `http://127.0.0.1:${match[1]}`, stderr: () => err, stdout: () => out });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${err}`));
    });
  });
  return { child, ready };
}

/** Runs the built assistant expecting it to refuse to start; resolves with its exit code and stderr. */
export function runToExit(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['dist/src/main.js'], {
      env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', BACKUP_INTERVAL_HOURS: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

export function killed(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}
