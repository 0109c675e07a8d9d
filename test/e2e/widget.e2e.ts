import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { startApp, type RunningApp } from '../helpers/server.js';
import { parseDirectory } from '../../src/directory/directory.js';
import { offerCallbackText, realDirectoryJson, text } from '../helpers/fixtures.js';
import { waitFor } from '../helpers/slack.js';
import { axeViolations, chromiumAvailable, launch, newPage, screenshot } from './browser.js';

/**
 * The web chat widget as a person uses it, in Debian's Chromium: clicks, keyboard only, language
 * switch, reload, embedding on another origin, quick exit and clear, accessibility (axe-core).
 */
const describeIfChromium = chromiumAvailable() ? describe : describe.skip;
if (!chromiumAvailable()) process.stdout.write('Chromium is missing (/usr/bin/chromium): the browser tests are skipped; .ci/run installs it.\n');

let running: RunningApp;
let browser: Browser;
let host: Server;
let hostOrigin: string;

beforeAll(async () => {
  if (!chromiumAvailable()) return;
  // A host page on another origin that embeds the widget with one script tag (the app's address is
  // read when the page is served, after the app below has started with the host's origin allowed).
  host = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>School site</title></head><body><main><h1>Our school</h1><p>Staff pages.</p></main>` +
        `<script src="${running.base}/widget.js" data-open="true" data-language="de" data-position="left"></script></body></html>`,
    );
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
  running = await startApp({ WEB_ALLOWED_ORIGINS: hostOrigin });
  browser = await launch();
}, 60000);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
  host?.close();
});

/** A port nothing listens on now (for a server that must know its own address before it starts). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function openWidget(page: Page, path = '/') {
  await page.goto(`${running.base}${path}`);
  await page.locator('#slw-log .slw-msg--bot').first().waitFor();
}

/** Clicks the suggested-action button with this label and waits for the bot's answer. */
/** The conversation the widget keeps in the page's session storage. */
function session(page: Page): Promise<{ conversationId: string; token: string }> {
  return page.evaluate(() => JSON.parse(sessionStorage.getItem('slw:conversation')!) as { conversationId: string; token: string });
}

/** Waits until the widget holds a conversation other than `old`; returns its id. */
async function newConversation(page: Page, old: string): Promise<string> {
  await page.waitForFunction((previous) => {
    const s = sessionStorage.getItem('slw:conversation');
    return s !== null && JSON.parse(s).conversationId !== previous;
  }, old);
  return (await session(page)).conversationId;
}

async function clickAction(page: Page, label: string) {
  const before = await page.locator('#slw-log .slw-msg--bot').count();
  await page.locator('.slw-action', { hasText: label }).first().click();
  await page.waitForFunction((n) => document.querySelectorAll('#slw-log .slw-msg--bot').length > n, before);
}

describeIfChromium('web chat widget in Chromium', () => {
  it('completes the worried-about-a-pupil dialog by clicking, with zero axe violations when opened, mid-dialog and finished', async () => {
    const page = await newPage(browser, { viewport: { width: 1280, height: 900 } });
    await openWidget(page);
    await expect(page.locator('#slw-log')).toBeDefined();
    expect(await page.getAttribute('#slw-log', 'aria-live')).toBe('polite');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'widget-opened');

    await clickAction(page, await text('en', 'menu:concern'));
    await clickAction(page, await text('en', 'concern:dangerNo'));
    await clickAction(page, 'Basisschool De Eik');
    expect(await page.locator('.slw-action').count()).toBeGreaterThan(3);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'widget-mid-dialog');

    await clickAction(page, await text('en', 'concern:worry.behaviour'));
    await page.locator('#slw-log', { hasText: await offerCallbackText('en', parseDirectory(await realDirectoryJson(), 'e2e'), 'oak-primary') }).waitFor();
    const log = await page.locator('#slw-log').innerText();
    expect(log).toContain(running.app.directory().liaisonFor('oak-primary')!.phone);
    expect(await page.locator('#slw-log a[href^="tel:"]').count()).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'widget-answer');
    await page.context().close();
  });

  it('a download link from the assistant (a report as CSV) is a link that saves the file; a link that is neither http(s) nor this server\'s stays text', async () => {
    // Links are built on PUBLIC_URL: an assistant whose public address is its own local one.
    const port = await freePort();
    const linked = await startApp({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` });
    const page = await newPage(browser);
    await page.goto(`${linked.base}/`);
    await page.locator('#slw-log .slw-msg--bot').first().waitFor();
    const { conversationId } = await session(page);
    const content = 'scope,school,responses\nwillow-primary,École fondamentale Les Saules,<5\n';
    const url = linked.app.exports.offer({ name: 'training-needs-2026-2027.csv', mediaType: 'text/csv', content, kind: 'training', requestedBy: 'prevention-coordinator' })!;
    expect(url.startsWith(`http://127.0.0.1:${port}/exports/`)).toBe(true);
    const web = linked.app.channels.find((c) => c.id === 'web')!;
    const sent = await web.send(
      { channel: 'web', conversationId, data: {} },
      [
        { kind: 'link', text: 'Report ready', label: 'Download the report (CSV)', url },
        { kind: 'link', text: 'Not a link', label: 'Bad', url: 'javascript:alert(1)' },
        { kind: 'link', text: 'Not one either', label: 'Bad too', url: '/\\elsewhere.example/x' },
      ],
      'en',
    );
    expect(sent.ok).toBe(true);
    await page.locator('#slw-log .slw-msg--bot', { hasText: 'Not one either' }).waitFor();
    const links = page.locator('#slw-log a.slw-link');
    expect(await links.count()).toBe(1);
    expect(await links.first().getAttribute('href')).toBe(url);
    expect(await links.first().innerText()).toBe('Download the report (CSV)');
    expect(await axeViolations(page)).toEqual([]);
    const [download] = await Promise.all([page.waitForEvent('download'), links.first().click()]);
    expect(download.suggestedFilename()).toBe('training-needs-2026-2027.csv');
    const saved = await readFile((await download.path())!, 'utf8');
    expect(saved).toBe(`\uFEFF${content}`);
    await page.context().close();
    await linked.stop();
  });

  it('in a region of many schools, finds the school from a typed part of its name', async () => {
    const data = JSON.parse(await realDirectoryJson());
    const role = data.schools[0].careContact.role;
    for (let i = 1; i <= 30; i++) data.schools.push({ id: `x-${i}`, name: `Basisschool ${i} ${i % 2 ? 'Noord' : 'Zuid'}`, liaisonId: 'liaison-north', careContact: { role } });
    const file = join(await mkdtemp(join(tmpdir(), 'e2e-directory-')), 'directory.json');
    await writeFile(file, JSON.stringify(data));
    const region = await startApp({ DIRECTORY_FILE: file });
    const page = await newPage(browser, { viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(`${region.base}/`);
      await page.locator('#slw-log .slw-msg--bot').first().waitFor();
      await clickAction(page, await text('en', 'menu:concern'));
      await clickAction(page, await text('en', 'concern:dangerNo'));
      // No wall of 36 buttons: the question, and "not in the list".
      expect(await page.locator('.slw-action').count()).toBe(1);
      const before = await page.locator('#slw-log .slw-msg--bot').count();
      await page.fill('#slw-input', 'basisschool 12');
      await page.keyboard.press('Enter');
      await page.waitForFunction((n) => document.querySelectorAll('#slw-log .slw-msg--bot').length > n, before);
      await clickAction(page, 'Basisschool 12 Zuid');
      await page.locator('#slw-log', { hasText: await text('en', 'concern:worryPrompt') }).waitFor();
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await page.context().close();
      await region.stop();
    }
  });

  it('works by keyboard only, and announces new bot messages in the live region', async () => {
    const page = await newPage(browser);
    await openWidget(page);
    await page.focus('#slw-input');
    await page.keyboard.type("I'm worried about a pupil");
    await page.keyboard.press('Enter');
    await page.locator('#slw-log', { hasText: await text('en', 'concern:dangerPrompt') }).waitFor();
    // Tab from the input back to the answer buttons, as a keyboard user would.
    let reached = false;
    for (let i = 0; i < 20 && !reached; i++) {
      await page.keyboard.press('Shift+Tab');
      reached = (await page.evaluate(() => document.activeElement?.textContent ?? '')) === '' ? false : (await page.evaluate(() => document.activeElement?.classList.contains('slw-action') ?? false));
    }
    expect(reached).toBe(true);
    // Visible focus: the focused button has an outline.
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');
    const label = await page.evaluate(() => document.activeElement!.textContent);
    expect([await text('en', 'concern:dangerYes'), await text('en', 'concern:dangerNo')]).toContain(label);
    await page.keyboard.press('Enter');
    await page.locator('#slw-log', { hasText: label === (await text('en', 'concern:dangerNo')) ? await text('en', 'concern:schoolPrompt') : await text('en', 'emergency:confirm') }).waitFor();
    // The new message landed inside role=log / aria-live=polite.
    expect(await page.locator('[role="log"][aria-live="polite"] .slw-msg--bot').count()).toBeGreaterThan(2);
    await page.context().close();
  });

  it('switches language mid-dialog (the dialog keeps its place, the widget\'s own texts follow) and survives a reload', async () => {
    const page = await newPage(browser);
    await openWidget(page);
    await clickAction(page, await text('en', 'menu:concern'));
    await clickAction(page, await text('en', 'concern:dangerNo'));
    await page.selectOption('#slw-language', 'nl');
    await page.locator('#slw-log', { hasText: await text('nl', 'concern:schoolPrompt') }).waitFor();
    expect(await page.getAttribute('#slw-input', 'placeholder')).not.toBe(await page.evaluate(() => 'Type your message…'));
    await page.reload();
    await page.locator('#slw-log', { hasText: await text('nl', 'concern:schoolPrompt') }).waitFor();
    // Same conversation after the reload: the token lives in sessionStorage, not localStorage.
    const storage = await page.evaluate(() => ({ session: sessionStorage.getItem('slw:conversation'), local: Object.keys(localStorage).length }));
    expect(storage.session).toContain('conversationId');
    expect(storage.local).toBe(0);
    await clickAction(page, 'Athénée du Canal');
    await page.locator('#slw-log', { hasText: await text('nl', 'concern:worryPrompt') }).waitFor();
    await page.context().close();
  });

  it('embeds on another origin with one script tag (CORS), in the language the tag asks for', async () => {
    const page = await newPage(browser);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(hostOrigin);
    await page.locator('#slw-log .slw-msg--bot').first().waitFor();
    expect(await page.locator('#slw-log').innerText()).toContain(await text('de', 'menu:prompt'));
    await clickAction(page, await text('de', 'menu:concern'));
    await page.locator('#slw-log', { hasText: await text('de', 'concern:dangerPrompt') }).waitFor();
    expect(errors).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('quick exit hides it at once; both it and clear end the conversation on the server and in the browser', async () => {
    const page = await newPage(browser);
    await openWidget(page);
    await clickAction(page, await text('en', 'menu:concern'));
    const id = (await session(page)).conversationId;
    expect(running.app.store.data.webConversations[id]).toBeDefined();
    await page.click('#slw-clear');
    await newConversation(page, id);
    expect(running.app.store.data.webConversations[id]).toBeUndefined();
    expect(await page.locator('#slw-log').innerText()).not.toContain(await text('en', 'concern:dangerPrompt'));

    const second = (await session(page)).conversationId;
    expect(running.app.store.data.webConversations[second]).toBeDefined();
    await page.click('#slw-exit');
    expect(await page.locator('#slw-panel').isVisible()).toBe(false);
    expect(await page.locator('#slw-launcher').isVisible()).toBe(false);
    expect(await page.evaluate(() => sessionStorage.getItem('slw:conversation'))).toBeNull();
    // Ended on the server as well, as the page says: not left for the idle sweep.
    await waitFor(() => running.app.store.data.webConversations[second] === undefined);
    await page.context().close();
  });

  it('a conversation that ended on the server (idle, or cleared elsewhere) is replaced, with a word of why', async () => {
    const page = await newPage(browser);
    await openWidget(page);
    await clickAction(page, await text('en', 'menu:concern'));
    const { conversationId, token } = await session(page);
    // Gone on the server, as the idle sweep would leave it: the stream closes, the widget finds out.
    const del = await fetch(`${running.directLine}/conversations/${conversationId}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    expect(del.status).toBe(204);
    await newConversation(page, conversationId);
    await page.waitForFunction((ended) => document.querySelector('#slw-status')?.textContent === ended, await text('en', 'widget:ended'));
    expect(await page.locator('#slw-log').innerText()).not.toContain(await text('en', 'concern:dangerPrompt'));
    await page.context().close();
  });

  it('a message sent into a conversation that has just ended comes back to the input, and is not sent into the new one', async () => {
    const page = await newPage(browser);
    await openWidget(page);
    await clickAction(page, await text('en', 'menu:concern'));
    const old = (await session(page)).conversationId;
    // The server answers the next message as Direct Line does for a conversation that has ended.
    let refused = 0;
    await page.route('**/v3/directline/conversations/*/activities', async (route) => {
      if (route.request().method() !== 'POST' || refused > 0) return route.continue();
      refused++;
      return route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ error: { code: 'ConversationEnded', message: 'The conversation has ended.' } }) });
    });
    await page.fill('#slw-input', 'not sure');
    await page.keyboard.press('Enter');
    await page.waitForFunction((ended) => document.querySelector('#slw-status')?.textContent === ended, await text('en', 'widget:ended'));
    expect(await page.inputValue('#slw-input')).toBe('not sure');
    const fresh = await newConversation(page, old);
    await page.waitForFunction(() => document.querySelectorAll('#slw-log .slw-msg--bot').length >= 2);
    const said = running.app.store.data.webConversations[fresh]!.activities.map((a) => (a as { text?: string }).text ?? '');
    expect(said.join('\n')).not.toContain('not sure');
    await page.context().close();
  });

  it('a message still on its way when "Clear conversation" is pressed does not come back into the input', async () => {
    const page = await newPage(browser);
    await openWidget(page);
    await page.route('**/v3/directline/conversations/*/activities', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      await new Promise((resolve) => setTimeout(resolve, 500));
      return route.continue();
    });
    const old = (await session(page)).conversationId;
    await page.fill('#slw-input', 'about the pupil in 3B');
    await page.keyboard.press('Enter');
    await page.click('#slw-clear');
    await newConversation(page, old);
    await page.waitForTimeout(1_000);
    expect(await page.inputValue('#slw-input')).toBe('');
    await page.context().close();
  });

  it('a click that could not be sent is marked "not sent" in words and gives its buttons back, so that it can be clicked again', async () => {
    const page = await newPage(browser);
    await openWidget(page);
    let failed = 0;
    await page.route('**/v3/directline/conversations/*/activities', async (route) => {
      if (route.request().method() !== 'POST' || failed > 0) return route.continue();
      failed++;
      return route.abort('failed');
    });
    const label = await text('en', 'menu:concern');
    await page.getByRole('button', { name: label }).click();
    await page.waitForFunction((message) => document.querySelector('#slw-status')?.textContent === message, await text('en', 'widget:failed'));
    // Said in the message itself, not only by its border, so that it stays when the status changes.
    expect(await page.locator('#slw-log .slw-msg--failed').innerText()).toContain(await text('en', 'widget:notSent'));
    await clickAction(page, label);
    expect(await page.locator('#slw-log').innerText()).toContain(await text('en', 'concern:dangerPrompt'));
    await page.context().close();
  });

  it('fits a 360 px wide phone and 200% zoom, with zero axe violations', async () => {
    for (const [name, viewport] of [['phone-360', { width: 360, height: 740 }], ['zoom-200', { width: 640, height: 450 }]] as const) {
      const page = await newPage(browser, { viewport });
      await openWidget(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
      expect(overflow).toBe(false);
      expect(await page.locator('#slw-input').isVisible()).toBe(true);
      expect(await page.locator('#slw-send').isVisible()).toBe(true);
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, `widget-${name}`);
      await page.context().close();
    }
  });

  it('every control is labelled', async () => {
    const page = await newPage(browser);
    await openWidget(page);
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('#slw-root button, #slw-root input, #slw-root select')]
        .filter((el) => {
          const e = el as HTMLElement;
          const label = e.getAttribute('aria-label') || e.textContent?.trim() || (e.id && document.querySelector(`label[for="${e.id}"]`)?.textContent?.trim());
          return !label;
        })
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    expect(unlabelled).toEqual([]);
    await page.context().close();
  });
});
