import { afterEach, describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/log.js';
import { text } from '../helpers/fixtures.js';
import { startApp, type RunningApp } from '../helpers/server.js';

let running: RunningApp | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

const CONTENT = 'scope,school,responses\noverall,,12\nwillow-primary,École fondamentale Les Saules,<5\n';

async function appWithClock() {
  let now = new Date('2026-11-24T10:00:00Z').getTime();
  const lines: string[] = [];
  const log = createLogger('info', new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
  running = await startApp({ PUBLIC_URL: 'https://assistant.example.org' }, { clock: () => new Date(now), app: { log } });
  const offer = () => running!.app.exports.offer({ name: 'training-needs-2026-2027.csv', mediaType: 'text/csv', content: CONTENT, kind: 'training', requestedBy: 'liaison-north' })!;
  // The link names the public address; the test reaches the same path on the local port.
  const local = (url: string) => `${running!.base}${new URL(url).pathname}`;
  return { offer, local, lines, advanceMinutes: (m: number) => (now += m * 60_000) };
}

describe('GET /exports/<id>: a download link given in the chat', () => {
  it('answers with the file as an attachment, UTF-8 with a byte-order mark for spreadsheet programs, never cached', async () => {
    const { offer, local, lines } = await appWithClock();
    const url = offer();
    expect(url.startsWith('https://assistant.example.org/exports/')).toBe(true);
    const res = await fetch(local(url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="training-needs-2026-2027.csv"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toBe(CONTENT);
    // The log says what was downloaded and for whom, never what it holds nor the link.
    const logged = lines.join('');
    expect(logged).toContain('"event":"export_downloaded"');
    expect(logged).toContain('"by":"liaison-north"');
    expect(logged).not.toContain('Saules');
    expect(logged).not.toContain(new URL(url).pathname.split('/').at(-1));
    // No CORS: another site's script could not read the file, even with its link.
    const cross = await fetch(local(url), { headers: { origin: 'https://school.example' } });
    expect(cross.headers.get('access-control-allow-origin')).toBeNull();
    // HEAD answers the same headers without the body, and is not a download.
    const downloads = () => lines.filter((l) => l.includes('"event":"export_downloaded"')).length;
    const before = downloads();
    const head = await fetch(local(url), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
    expect(downloads()).toBe(before);
  });

  it('after 15 minutes the link answers 404 with one sentence in the browser\'s language', async () => {
    const { offer, local, advanceMinutes } = await appWithClock();
    const url = offer();
    advanceMinutes(14);
    expect((await fetch(local(url))).status).toBe(200);
    advanceMinutes(2);
    const res = await fetch(local(url), { headers: { 'accept-language': 'fr-BE,fr;q=0.9' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('content-language')).toBe('fr');
    expect((await res.text()).trim()).toBe(await text('fr', 'page:exportGone', { minutes: 15 }));
  });

  it('anything else under /exports (unknown or malformed ids, other methods, a trailing slash, another case) is the same 404 sentence, and no log line carries a live id', async () => {
    const { offer, local, lines } = await appWithClock();
    const url = offer();
    const id = new URL(url).pathname.split('/').at(-1)!;
    const gone = await text('en', 'page:exportGone', { minutes: 15 });
    const tries: [string, string][] = [
      ['GET', 'AAAAAAAAAAAAAAAAAAAAAA'],
      ['GET', 'short'],
      ['GET', '..%2F..%2Fdb.json'],
      ['GET', '%00'],
      ['GET', 'x'.repeat(5000)],
      ['GET', `${id}/`],
      ['GET', `${id}/more`],
      ['POST', id],
      ['PUT', id],
      ['DELETE', id],
    ];
    for (const [method, path] of tries) {
      const res = await fetch(`${running!.base}/exports/${path}`, { method });
      expect([method, path.slice(0, 30), res.status]).toEqual([method, path.slice(0, 30), 404]);
      expect((await res.text()).trim()).toBe(gone);
    }
    for (const path of ['/exports', '/exports/', `/EXPORTS/${id}`, `/Exports/${id}`]) {
      const res = await fetch(`${running!.base}${path}`);
      expect([path, res.status]).toEqual([path, 404]);
      expect((await res.text()).trim()).toBe(gone);
    }
    expect(lines.join('')).not.toContain(id);
    // The file is still there for its link.
    expect((await fetch(local(url))).status).toBe(200);
  });
});
