import { describe, expect, it } from '@jest/globals';
import { EXPORT_ID, ExportService, type ExportFile } from '../../src/core/exports.js';

const file = (content = 'a,b\n1,2\n'): ExportFile => ({ name: 'training-needs-2026-2027.csv', mediaType: 'text/csv', content, kind: 'training', requestedBy: 'liaison-north' });

function service(options: { publicUrl?: string; maxHeld?: number } = {}) {
  let now = new Date('2026-11-24T10:00:00Z').getTime();
  const exports = new ExportService({ publicUrl: options.publicUrl, clock: () => new Date(now), maxHeld: options.maxHeld });
  return { exports, advanceMinutes: (m: number) => (now += m * 60_000) };
}

const idOf = (url: string) => url.split('/').at(-1)!;

describe('ExportService: files behind short-lived download links', () => {
  it('with PUBLIC_URL, an absolute link under it (a trailing slash is not doubled), with 128 random bits as its id', () => {
    const { exports } = service({ publicUrl: 'https://assistant.example.org/' });
    const url = exports.offer(file())!;
    expect(url).toMatch(/^https:\/\/assistant\.example\.org\/exports\/[A-Za-z0-9_-]{22}$/);
    expect(EXPORT_ID.test(idOf(url))).toBe(true);
    expect(exports.get(idOf(url))?.content).toBe('a,b\n1,2\n');
    const ids = new Set(Array.from({ length: 200 }, () => idOf(exports.offer(file())!)));
    expect(ids.size).toBe(200);
  });

  it('without PUBLIC_URL, no link (nothing says where a browser reaches the server), and nothing is held', () => {
    const { exports } = service();
    expect(exports.offer(file())).toBeUndefined();
    expect(exports.size).toBe(0);
  });

  it('a link works for 15 minutes, then never again; the upkeep drops expired files without anyone asking', () => {
    const { exports, advanceMinutes } = service({ publicUrl: 'https://a.example' });
    const id = idOf(exports.offer(file())!);
    advanceMinutes(14.9);
    expect(exports.get(id)).toBeDefined();
    advanceMinutes(0.2);
    expect(exports.get(id)).toBeUndefined();
    expect(exports.size).toBe(0);
    exports.offer(file());
    advanceMinutes(16);
    exports.dropExpired();
    expect((exports as unknown as { held: Map<string, unknown> }).held.size).toBe(0);
  });

  it('holds at most maxHeld files: the oldest link stops working first', () => {
    const { exports } = service({ publicUrl: 'https://a.example', maxHeld: 3 });
    const ids = [1, 2, 3, 4].map((n) => idOf(exports.offer(file(`n,${n}\n`))!));
    expect(exports.size).toBe(3);
    expect(exports.get(ids[0]!)).toBeUndefined();
    expect(ids.slice(1).map((id) => exports.get(id)?.content)).toEqual(['n,2\n', 'n,3\n', 'n,4\n']);
  });

  it('an id it did not make finds nothing', () => {
    const { exports } = service({ publicUrl: 'https://a.example' });
    const id = idOf(exports.offer(file())!);
    for (const wrong of ['', `${id}x`, id.slice(1), '../../etc/passwd', '__proto__', 'constructor', id.toUpperCase() === id ? id.toLowerCase() : id.toUpperCase()]) {
      expect(exports.get(wrong)).toBeUndefined();
    }
  });
});
