import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(path)));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

function imports(code: string): string[] {
  return [...code.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm), ...code.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
}

describe('architecture: channels translate, never decide', () => {
  it('src/core and dialogs/ import no channel SDK, no HTTP framework and no channel code', async () => {
    const offenders: string[] = [];
    for (const file of [...(await sources('src/core')), ...(await sources('dialogs'))]) {
      for (const spec of imports(await readFile(file, 'utf8'))) {
        if (/^(@slack\/|botbuilder|botframework-|restify|ws$)/.test(spec) || /\/channels\//.test(spec)) {
          // Only the Channel interface itself may be named by the core (the notifier delivers through it).
          if (!spec.endsWith('/channels/channel.js')) offenders.push(`${file} → ${spec}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('@slack/bolt is imported only under src/channels/slack, botbuilder only under src/channels/teams', async () => {
    const offenders: string[] = [];
    for (const file of await sources('src')) {
      for (const spec of imports(await readFile(file, 'utf8'))) {
        if (spec.startsWith('@slack/') && !file.includes('channels/slack/')) offenders.push(`${file} → ${spec}`);
        // src/bench/peerServer.ts is the benchmark's peer: a plain botbuilder sample bot, not product code.
        if (spec.startsWith('botbuilder') && !file.includes('channels/teams/') && !file.includes('src/bench/')) offenders.push(`${file} → ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('only src/config.ts reads process.env', async () => {
    const readers: string[] = [];
    for (const file of [...(await sources('src')), ...(await sources('dialogs'))]) {
      if (/process\.env/.test(await readFile(file, 'utf8')) && !file.endsWith('src/config.ts')) readers.push(file);
    }
    expect(readers).toEqual([]);
  });
});
