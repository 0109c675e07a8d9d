/*
 * School liaison assistant — embeddable web chat widget (plain ES2020, no build step).
 *
 *   <script src="https://host/widget.js" defer data-language="nl" data-position="right"
 *           data-open="true" data-accent="#1d4ed8"></script>
 *
 * Talks to the server's Direct Line 3.0 subset at <base>/v3/directline, where <base> is
 * derived from this script's own src so the widget works on any host page.
 *
 * Privacy: the conversation id and token live in sessionStorage only, so they disappear
 * with the tab. "Quick exit" hides the launcher and panel at once, empties the visible log,
 * stops all network activity and forgets the stored conversation (so a reload does not
 * bring the old messages back), without waiting for the server. window.SchoolLiaisonWidget.open() brings the
 * widget back with a fresh conversation. The host is responsible for data-accent having
 * at least 4.5:1 contrast against white text.
 */
(function () {
  'use strict';

  if (window.SchoolLiaisonWidget) return; // embedded twice: the first instance wins

  const STORAGE_KEY = 'slw:conversation';
  const POLL_MS = 1000;
  // Filled in by the server when it serves this file (src/channels/web/static.ts), from the
  // catalogues in locales/*/widget.json and common.json and from WEB_MAX_MESSAGE_LENGTH.
  const LANGUAGE_NAMES = /*server:languageNames*/ {};
  const STRINGS = /*server:strings*/ {};
  const MAX_LENGTH = /*server:maxLength*/ 2000;
  // When neither the saved session, the embedding tag, the page nor the browser names a language we speak.
  const DEFAULT_LANGUAGE = /*server:defaultLanguage*/ 'en';

  // document.currentScript is null when executed from some loaders, hence the fallback.
  const script = document.currentScript || document.querySelector('script[src$="widget.js"]');
  if (!script) return;
  const scriptUrl = new URL(script.src, document.baseURI);
  const BASE = scriptUrl.origin + scriptUrl.pathname.replace(/\/[^/]*$/, '');
  const API = BASE + '/v3/directline';
  const opts = script.dataset;

  // ---- sessionStorage (may throw in sandboxed iframes or with storage disabled) ----
  function loadSession() {
    try { return JSON.parse(sessionStorage.getItem(STORAGE_KEY) || 'null'); } catch { return null; }
  }
  function saveSession() {
    const data = conv && { conversationId: conv.id, token: conv.token, language: lang };
    try { if (data) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(data)); } catch { /* convenience only */ }
  }
  function forgetSession() {
    try { sessionStorage.removeItem(STORAGE_KEY); } catch { /* ignore */ }
  }

  function pickLanguage(...candidates) {
    for (const c of candidates) {
      const code = String(c || '').slice(0, 2).toLowerCase();
      if (STRINGS[code]) return code;
    }
    return DEFAULT_LANGUAGE;
  }
  const saved = loadSession();
  let lang = pickLanguage(saved && saved.language, opts.language, document.documentElement.lang, navigator.language);
  let lastAnnouncedLang = lang; // the server already knows this one (conversation locale)
  const t = (key) => STRINGS[lang][key];

  // ---- DOM ----
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else node.setAttribute(k, v);
    }
    for (const child of children || []) node.append(child);
    return node;
  }

  const title = el('h2', { id: 'slw-title', class: 'slw-title' });
  const langLabel = el('label', { for: 'slw-language', class: 'slw-lang-label' });
  const langSelect = el('select', { id: 'slw-language', class: 'slw-select' },
    Object.entries(LANGUAGE_NAMES).map(([code, name]) => el('option', { value: code, lang: code, text: name })));
  const clearBtn = el('button', { type: 'button', id: 'slw-clear', class: 'slw-btn slw-btn--secondary' });
  const exitBtn = el('button', { type: 'button', id: 'slw-exit', class: 'slw-btn slw-btn--exit' });
  const closeBtn = el('button', { type: 'button', id: 'slw-close', class: 'slw-btn slw-btn--icon', text: '×' });
  const status = el('div', { id: 'slw-status', class: 'slw-status', role: 'status' });
  const log = el('div', { id: 'slw-log', class: 'slw-log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', tabindex: '0' });
  const inputLabel = el('label', { for: 'slw-input', class: 'slw-sr-only' });
  const input = el('input', { id: 'slw-input', class: 'slw-input', type: 'text', autocomplete: 'off', enterkeyhint: 'send', maxlength: String(MAX_LENGTH) });
  const sendBtn = el('button', { type: 'submit', id: 'slw-send', class: 'slw-btn slw-btn--primary' });
  const form = el('form', { id: 'slw-form', class: 'slw-form' }, [inputLabel, input, sendBtn]);
  const panel = el('section', { id: 'slw-panel', class: 'slw-panel', role: 'region', hidden: '' }, [
    el('header', { class: 'slw-header' }, [
      el('div', { class: 'slw-header-row' }, [title, exitBtn, closeBtn]),
      el('div', { class: 'slw-header-row slw-toolbar' }, [el('div', { class: 'slw-lang' }, [langLabel, langSelect]), clearBtn]),
    ]),
    status, log, form,
  ]);
  const launcher = el('button', { type: 'button', id: 'slw-launcher', class: 'slw-launcher', 'aria-expanded': 'false', 'aria-controls': 'slw-panel' });
  const root = el('div', { id: 'slw-root', class: 'slw slw--' + (opts.position === 'left' ? 'left' : 'right'), hidden: '' }, [panel, launcher]);
  if (opts.accent && window.CSS && window.CSS.supports('color', opts.accent)) root.style.setProperty('--slw-accent', opts.accent);

  let statusKey = '';
  function setStatus(key) { statusKey = key; status.textContent = key ? t(key) : ''; }
  function clearLostStatus() { if (statusKey === 'lost' || statusKey === 'busy') setStatus(''); }

  function applyStrings() {
    root.lang = langSelect.value = lang;
    for (const [node, key] of [[title, 'title'], [launcher, 'open'], [langLabel, 'language'], [clearBtn, 'clear'],
      [exitBtn, 'exit'], [inputLabel, 'label'], [sendBtn, 'send']]) node.textContent = t(key);
    for (const [node, key] of [[panel, 'title'], [closeBtn, 'close'], [log, 'log']]) node.setAttribute('aria-label', t(key));
    input.placeholder = t('placeholder');
    if (statusKey) setStatus(statusKey);
  }

  // ---- rendering ----
  // Order matters: URLs first so their parts are never linked as e-mail or phone numbers.
  const LINK_RE = /(https?:\/\/[^\s<>"]*[^\s<>".,;:!?)'\]])|([A-Z0-9._%+-]+@[A-Z0-9-]+(?:\.[A-Z0-9-]+)*\.[A-Z]{2,})|((?:\+|\(?\b0)\d[\d ().-]{5,17}\d)/gi;
  const DATE_RE = /^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$/;

  function linkFor(match, url, email, phone) {
    if (url) return el('a', { href: url, target: '_blank', rel: 'noopener noreferrer', text: match });
    if (email) return el('a', { href: 'mailto:' + email, text: match });
    const digits = phone.replace(/\D/g, '');
    if (digits.length < 7 || digits.length > 15 || DATE_RE.test(phone)) return null;
    return el('a', { href: 'tel:' + (phone.startsWith('+') ? '+' : '') + digits, text: match });
  }

  // Builds text nodes and <a> elements; bot text never goes through innerHTML.
  function appendLinkified(parent, text) {
    let last = 0;
    for (const m of text.matchAll(LINK_RE)) {
      const link = linkFor(m[0], m[1], m[2], m[3]);
      if (!link) continue;
      parent.append(text.slice(last, m.index), link);
      last = m.index + m[0].length;
    }
    parent.append(text.slice(last));
  }

  const renderedIds = new Set();
  const pendingByClientId = new Map(); // optimistic user messages awaiting their server echo

  function addMessage(role, text, locale) {
    const body = el('span', { class: 'slw-msg-text' });
    appendLinkified(body, text);
    const node = el('div', { class: 'slw-msg slw-msg--' + role }, [
      el('span', { class: 'slw-sr-only', text: t(role === 'user' ? 'youSaid' : 'botSaid') + ' ' }), body]);
    if (locale) node.lang = locale; // lets screen readers switch pronunciation (WCAG 3.1.2)
    log.append(node);
    log.scrollTop = log.scrollHeight;
    return node;
  }

  // A bar chart: the text (title and "label: number" lines) stays for screen readers; the bars are
  // decoration beside it (aria-hidden), sized with CSSOM, which the page's CSP allows.
  function addChart(text, bars, locale) {
    const node = addMessage('bot', text.split('\n')[0], locale);
    const max = Math.max(1, ...bars.map((b) => Number(b.value) || 0));
    const list = el('ul', { class: 'slw-chart' });
    for (const b of bars) {
      const fill = el('span', { class: 'slw-chart-fill' });
      fill.style.width = Math.round(((Number(b.value) || 0) / max) * 100) + '%';
      list.append(el('li', {}, [
        el('span', { class: 'slw-chart-label', text: String(b.label) + ': ' }),
        el('span', { class: 'slw-chart-bar', 'aria-hidden': 'true' }, [fill]),
        el('span', { class: 'slw-chart-value', text: String(b.display) }),
      ]));
    }
    node.append(list);
  }

  // A file to download (a report as CSV): the link goes under the text. Only http(s) links are
  // followed (the server builds them on PUBLIC_URL); anything else stays text.
  function addLink(text, link, locale) {
    const node = addMessage('bot', text || '', locale);
    const url = String(link.url || '');
    if (!/^https?:\/\//i.test(url)) return;
    node.append(el('br'), el('a', { class: 'slw-link', href: url, download: '', rel: 'noopener noreferrer', text: String(link.label || url) }));
  }

  // Suggested actions are only meaningful for the latest turn, so any newer message removes them.
  const removeActions = () => log.querySelectorAll('.slw-actions').forEach((group) => group.remove());

  let lastActions = null; // the latest question's buttons, offered again when an answer could not be sent
  function renderActions(actions) {
    lastActions = actions;
    const group = el('div', { class: 'slw-actions', role: 'group', 'aria-label': t('replies') });
    for (const action of actions) {
      const label = action && (action.title || action.text);
      if (!label) continue;
      const btn = el('button', { type: 'button', class: 'slw-btn slw-action', text: label });
      btn.addEventListener('click', () => {
        group.querySelectorAll('button').forEach((b) => { b.disabled = true; });
        input.focus(); // before removal, so focus never falls back to <body>
        group.remove();
        send(action.text || action.title, action.value);
      });
      group.append(btn);
    }
    if (group.childElementCount) { log.append(group); log.scrollTop = log.scrollHeight; }
  }

  function renderActivity(a) {
    if (!a || a.type !== 'message' || (a.id && renderedIds.has(a.id))) return;
    if (a.id) renderedIds.add(a.id);
    const role = a.from && (a.from.role === 'user' || (!a.from.role && a.from.id === 'user')) ? 'user' : 'bot';
    const clientId = a.channelData && a.channelData.clientActivityID;
    if (role === 'user' && clientId && pendingByClientId.has(clientId)) {
      pendingByClientId.get(clientId).classList.remove('slw-msg--pending');
      pendingByClientId.delete(clientId);
      return;
    }
    const actions = role === 'bot' && a.suggestedActions && Array.isArray(a.suggestedActions.actions) ? a.suggestedActions.actions : [];
    if (!a.text && !actions.length) return;
    removeActions();
    const chart = role === 'bot' && a.channelData && Array.isArray(a.channelData.chart) ? a.channelData.chart : null;
    const link = role === 'bot' && a.channelData && a.channelData.link;
    if (chart) addChart(a.text, chart, a.locale);
    else if (link) addLink(a.text, link, a.locale);
    else if (a.text) addMessage(role, a.text, a.locale);
    if (actions.length) renderActions(actions);
  }

  function clearLog() { log.replaceChildren(); renderedIds.clear(); pendingByClientId.clear(); lastActions = null; }

  // ---- server protocol ----
  let conv = null;       // {id, token, streamUrl, watermark, socket, timers, dead}
  let starting = null;   // promise of the conversation currently being set up
  let stopped = false;   // set by quick exit: no network activity until open() is called
  let startRetry = null;
  let generation = 0;
  let clearedAt = -1;    // the generation "Clear conversation" started: what was being sent then is dropped too    // bumped whenever the conversation is thrown away, to drop late results

  async function api(method, path, token, body) {
    const headers = { Accept: 'application/json' };
    if (token) headers.Authorization = 'Bearer ' + token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(API + path, {
      method, headers, cache: 'no-store', credentials: 'omit',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw Object.assign(new Error('HTTP ' + res.status), { status: res.status });
    return res.status === 204 ? null : res.json();
  }
  const isGone = (err) => err && (err.status === 403 || err.status === 404);
  const convPath = (c) => '/conversations/' + encodeURIComponent(c.id);

  function adopt(gen, id, token, streamUrl) {
    // A slower set-up that finished after a clear/restart must not take over.
    if (gen !== generation) throw Object.assign(new Error('stale'), { stale: true });
    teardown(conv);
    conv = { id, token, streamUrl, watermark: null, socket: null, dead: false, pollLoop: 0, socketFailures: 0 };
    saveSession();
    return conv;
  }

  function teardown(c) {
    if (!c) return;
    c.dead = true;
    c.pollLoop++;
    clearTimeout(c.pollTimer); clearTimeout(c.socketTimer); clearTimeout(c.refreshTimer);
    if (c.socket) { c.socket.onclose = null; c.socket.close(); c.socket = null; }
  }

  function ingest(c, payload) {
    if (!payload || c !== conv || c.dead) return;
    const wm = payload.watermark;
    // Socket frames and polls can overlap, so never move the watermark backwards.
    if (wm != null && (c.watermark == null || !(Number(wm) < Number(c.watermark)))) c.watermark = String(wm);
    for (const a of Array.isArray(payload.activities) ? payload.activities : []) renderActivity(a);
  }

  async function createConversation() {
    const gen = generation;
    const { token } = await api('POST', '/tokens/generate');
    const res = await api('POST', '/conversations', token, { locale: lang });
    const c = adopt(gen, res.conversationId, res.token || token, res.streamUrl);
    lastAnnouncedLang = lang;
    scheduleRefresh(c, res.expires_in);
    openSocket(c);
  }

  async function resumeConversation(s) {
    const gen = generation;
    const info = await api('GET', '/conversations/' + encodeURIComponent(s.conversationId) + '?watermark=0', s.token);
    const c = adopt(gen, info.conversationId || s.conversationId, info.token || s.token, info.streamUrl);
    const history = await api('GET', convPath(c) + '/activities?watermark=0', c.token);
    clearLog();
    // The history is shown, not announced: a screen reader would read the whole conversation again
    // at every reload. New messages are announced again from here on.
    log.setAttribute('aria-live', 'off');
    ingest(c, history);
    // Back on only once the history is in the accessibility tree (set back at once, it was announced).
    setTimeout(() => log.setAttribute('aria-live', 'polite'), 500);
    scheduleRefresh(c, info.expires_in);
    openSocket(c);
  }

  async function connect() {
    const s = loadSession();
    if (s && s.conversationId && s.token) {
      try { return await resumeConversation(s); } catch (err) {
        if (!isGone(err)) throw err;
        forgetSession();
        clearLog();
      }
    }
    return createConversation();
  }

  function ensureConversation() {
    if (stopped) return Promise.reject(new Error('stopped'));
    if (!starting) {
      const p = connect().then(clearLostStatus, (err) => { if (starting === p) starting = null; throw err; });
      starting = p;
    }
    return starting;
  }

  // Fire-and-forget start that keeps retrying while the network is down.
  function start() {
    clearTimeout(startRetry);
    return ensureConversation().catch((err) => {
      if (stopped || err.stale) return;
      // 503: the server holds as many conversations as it may; the emergency number is said anyway.
      setStatus(err && err.status === 503 ? 'busy' : 'lost');
      startRetry = setTimeout(start, 5000);
    });
  }

  // Drops the current conversation locally; the server copy is left alone.
  function reset() {
    generation++;
    teardown(conv);
    conv = starting = null;
    forgetSession();
    clearLog();
    setStatus('');
  }

  // 403 (token expired/invalid) or 404 (conversation gone): start over, and say why the conversation
  // on screen went (after a long while without a message, or a computer that slept past its token).
  function restart(c) {
    if (c !== conv) return starting || Promise.resolve(); // already replaced by someone else
    reset();
    setStatus('ended');
    return start();
  }

  function scheduleRefresh(c, expiresIn) {
    clearTimeout(c.refreshTimer);
    // Unknown expiry (reconnect response): refresh right away to learn it.
    const delay = Number(expiresIn) > 0 ? Math.min(Number(expiresIn) * 500, 2 ** 31 - 1) : 1000;
    c.refreshTimer = setTimeout(() => refreshToken(c), delay);
  }

  async function refreshToken(c) {
    if (c.dead) return;
    try {
      const res = await api('POST', '/tokens/refresh', c.token);
      if (c.dead) return;
      c.token = res.token || c.token;
      saveSession();
      scheduleRefresh(c, res.expires_in);
    } catch (err) {
      if (isGone(err)) restart(c);
      else if (!c.dead) c.refreshTimer = setTimeout(() => refreshToken(c), 30000);
    }
  }

  function openSocket(c) {
    if (c.dead) return;
    let ws;
    try {
      if (!c.streamUrl) throw new Error('no stream URL');
      const url = new URL(c.streamUrl, API.replace(/^http/, 'ws'));
      url.searchParams.set('watermark', c.watermark == null ? '0' : c.watermark);
      ws = new WebSocket(url.href);
    } catch {
      startPolling(c);
      scheduleSocketRetry(c);
      return;
    }
    c.socket = ws;
    ws.onopen = () => { c.socketFailures = 0; stopPolling(c); clearLostStatus(); };
    ws.onmessage = (event) => {
      if (typeof event.data !== 'string' || !event.data.trim()) return; // keep-alive frames
      try { ingest(c, JSON.parse(event.data)); } catch { /* ignore a malformed frame */ }
    };
    ws.onclose = () => {
      if (c.socket !== ws || c.dead) return;
      c.socket = null;
      startPolling(c);
      scheduleSocketRetry(c);
    };
  }

  // Stream URLs are short-lived, so each retry asks the server for a fresh one.
  function scheduleSocketRetry(c) {
    clearTimeout(c.socketTimer);
    const delay = Math.min(60000, 5000 * 2 ** c.socketFailures++);
    c.socketTimer = setTimeout(async () => {
      if (c.dead) return;
      try {
        const info = await api('GET', convPath(c) + '?watermark=' + (c.watermark || 0), c.token);
        if (c.dead) return;
        if (info.token) { c.token = info.token; saveSession(); }
        c.streamUrl = info.streamUrl || c.streamUrl;
        openSocket(c);
      } catch (err) {
        if (isGone(err)) restart(c); else scheduleSocketRetry(c);
      }
    }, delay);
  }

  function startPolling(c) {
    if (c.dead || c.polling) return;
    c.polling = true;
    const loop = ++c.pollLoop; // a stale loop notices it was superseded and stops
    const tick = async () => {
      if (c.dead || loop !== c.pollLoop) return;
      try {
        ingest(c, await api('GET', convPath(c) + '/activities?watermark=' + (c.watermark || 0), c.token));
        clearLostStatus();
      } catch (err) {
        if (isGone(err)) { restart(c); return; }
        if (loop === c.pollLoop) setStatus('lost');
      }
      if (!c.dead && loop === c.pollLoop) c.pollTimer = setTimeout(tick, POLL_MS);
    };
    c.pollTimer = setTimeout(tick, 0);
  }

  function stopPolling(c) { c.polling = false; c.pollLoop++; clearTimeout(c.pollTimer); }

  // randomUUID exists only in secure contexts; the id just has to be unique per conversation.
  const randomId = () => (window.crypto && window.crypto.randomUUID ? window.crypto.randomUUID()
    : Date.now().toString(36) + Math.random().toString(36).slice(2, 12));

  async function postActivity(activity) {
    await ensureConversation();
    const c = conv;
    try {
      await api('POST', convPath(c) + '/activities', c.token, activity);
    } catch (err) {
      if (!isGone(err)) throw err;
      // Not sent again into the new conversation: an answer to a question of the old one means
      // nothing there (the visitor gets their typed text back to send if they still want to).
      restart(c); // not waited for: the typed text comes back at once
      throw Object.assign(new Error('conversation ended'), { ended: true });
    }
  }

  // Shows the message at once; the echoed copy from the server is matched by clientActivityID.
  async function send(text, value, locale = lang) {
    const gen = generation;
    const clientActivityID = randomId();
    removeActions();
    const node = addMessage('user', text, locale);
    node.classList.add('slw-msg--pending');
    pendingByClientId.set(clientActivityID, node);
    const activity = { type: 'message', from: { id: 'user' }, text, locale, channelData: { clientActivityID } };
    if (value !== undefined) activity.value = value;
    try {
      await postActivity(activity);
      if (statusKey === 'failed' || statusKey === 'tooLong' || statusKey === 'ended') setStatus('');
    } catch (err) {
      // What was typed comes back to the input (unless something new was typed meanwhile), so that a
      // failed message need not be typed again.
      // Not after a quick exit or a clear (the conversation was dropped on purpose, text and all).
      const dropped = stopped || (err && err.stale) || clearedAt > gen || (gen !== generation && !(err && err.ended));
      if (value === undefined && !input.value && !dropped) input.value = text;
      if ((err && err.ended) || dropped) return; // the log was cleared (and, when it ended, the status says why)
      node.classList.add('slw-msg--failed');
      // Said in words, not only by the dashed border: colour and shape alone do not reach everyone
      // (WCAG 1.4.1), and a screen reader going back through the log finds it in the message.
      node.append(el('span', { class: 'slw-msg-note', text: t('notSent') }));
      // The question's buttons were taken away on the click: offered again, so that it can be retried.
      if (lastActions && !log.querySelector('.slw-actions')) renderActions(lastActions);
      setStatus(err && err.status === 413 ? 'tooLong' : 'failed');
    }
  }

  // ---- behaviour ----
  function setOpen(open, moveFocus) {
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', String(open));
    root.classList.toggle('slw--open', open);
    if (open) {
      log.scrollTop = log.scrollHeight; // content may have arrived while the panel was hidden
      if (!conv) start();
      if (moveFocus) input.focus();
    } else if (moveFocus) {
      launcher.focus();
    }
  }

  let languageTimer = null;
  langSelect.addEventListener('change', () => {
    lang = pickLanguage(langSelect.value);
    applyStrings();
    saveSession();
    // Arrow keys on a closed <select> fire "change" per step; tell the server only the final choice.
    clearTimeout(languageTimer);
    languageTimer = setTimeout(() => {
      // No conversation yet: the next one is created with this locale anyway.
      if (lang === lastAnnouncedLang || (!conv && !starting)) return;
      lastAnnouncedLang = lang;
      send(LANGUAGE_NAMES[lang], { choice: 'language:' + lang }, lang);
    }, 700);
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    input.value = '';
    input.focus();
    if (text) send(text);
  });

  clearBtn.addEventListener('click', () => {
    const old = conv;
    reset();
    clearedAt = generation;
    input.focus();
    // Best effort: the local copy is already gone even if the server is unreachable.
    if (old) api('DELETE', convPath(old), old.token).catch(() => {});
    start();
  });

  function quickExit() {
    root.hidden = true; // first, so nothing stays on screen while we tidy up
    stopped = true;
    clearTimeout(startRetry);
    clearTimeout(languageTimer);
    const old = conv;
    reset();
    // Ended on the server too, as "Clear" does (best effort: if it cannot be reached, the idle sweep
    // deletes it later); nothing in this tab could open it again anyway.
    if (old) api('DELETE', convPath(old), old.token).catch(() => {});
    input.value = '';
    setOpen(false, false);
  }
  exitBtn.addEventListener('click', quickExit);

  launcher.addEventListener('click', () => setOpen(panel.hidden, true));
  closeBtn.addEventListener('click', () => setOpen(false, true));
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') { event.preventDefault(); setOpen(false, true); }
  });

  function mount() {
    applyStrings();
    document.body.append(root);
    // Keep the widget hidden until its stylesheet applies, avoiding a flash of unstyled UI.
    const href = BASE + '/widget.css';
    const reveal = () => { if (!stopped) root.hidden = false; log.scrollTop = log.scrollHeight; };
    if (document.querySelector('link[href="' + href + '"]')) reveal();
    else {
      const link = el('link', { rel: 'stylesheet', href });
      link.addEventListener('load', reveal);
      link.addEventListener('error', reveal);
      document.head.append(link);
    }
    // Only contact the server when needed: an open panel or a conversation to restore.
    if (opts.open === 'true') setOpen(true, false); // never steal focus on page load
    else if (saved && saved.conversationId) start();
  }

  window.SchoolLiaisonWidget = Object.freeze({
    open() { stopped = false; root.hidden = false; setOpen(true, true); },
    close() { setOpen(false, false); },
  });

  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount, { once: true });
})();
