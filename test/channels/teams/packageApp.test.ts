import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';

/** Reads a ZIP through its central directory, as Teams' uploader does, checking every CRC. */
function unzip(buf: Buffer): Map<string, Buffer> {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(p)).toBe(0x02014b50);
    const crc = buf.readUInt32LE(p + 16);
    const size = buf.readUInt32LE(p + 20);
    const nameLength = buf.readUInt16LE(p + 28);
    const extra = buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLength).toString();
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = inflateRawSync(buf.subarray(dataStart, dataStart + size));
    expect(crc32(data)).toBe(crc);
    files.set(name, data);
    p += 46 + nameLength + extra;
  }
  return files;
}

describe('npm run teams:package', () => {
  it('writes a valid app package with the bot id and the public host filled in', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'teams-')), 'app.zip');
    await promisify(execFile)(process.execPath, ['dist/src/channels/teams/packageApp.js', out], {
      // No password: the package holds no secret, and the README's command sets only these two.
      env: { PATH: process.env.PATH, MicrosoftAppId: '00000000-0000-0000-0000-0000000000aa', PUBLIC_URL: 'https://assistant.riverside.example/' },
    });
    const files = unzip(await readFile(out));
    expect([...files.keys()]).toEqual(['manifest.json', 'color.png', 'outline.png']);
    const manifest = JSON.parse(files.get('manifest.json')!.toString());
    expect(manifest.id).toBe('00000000-0000-0000-0000-0000000000aa');
    expect(manifest.bots[0].botId).toBe('00000000-0000-0000-0000-0000000000aa');
    expect(manifest.validDomains).toEqual(['assistant.riverside.example']);
    // Personal chats only: in a team the assistant would only point to a personal chat.
    expect(manifest.bots[0].scopes).toEqual(['personal']);
    expect(files.get('color.png')!.subarray(1, 4).toString()).toBe('PNG');
    expect(files.get('color.png')!.readUInt32BE(16)).toBe(192); // Teams wants a 192×192 colour icon
    expect(files.get('outline.png')!.readUInt32BE(16)).toBe(32); // and a 32×32 outline
  });

  it('explains what is missing instead of writing a broken package', async () => {
    await expect(promisify(execFile)(process.execPath, ['dist/src/channels/teams/packageApp.js'], { env: { PATH: process.env.PATH } })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('MicrosoftAppId'),
    });
  });
});
