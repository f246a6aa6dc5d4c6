// The dashboard shell: a hash router over a few page modules, and one EventSource on
// /api/v1/events whose `services` snapshots pages subscribe to, so they update without reloads.
import { getJson, h, token, setToken, onUnauthorized } from '/ui/lib.js';
import * as overview from '/ui/pages/overview.js';
import * as service from '/ui/pages/service.js';
import * as risk from '/ui/pages/risk.js';
import * as report from '/ui/pages/report.js';
import * as incidents from '/ui/pages/incidents.js';
import * as inbox from '/ui/pages/inbox.js';
import * as agents from '/ui/pages/agents.js';
import * as screenshot from '/ui/pages/screenshot.js';

const view = document.getElementById('view');
const live = document.getElementById('live');

const routes = [
  [/^#?\/?$/, 'overview', (root, app) => overview.render(root, app)],
  [/^#\/service\/([^/]+)$/, 'overview', (root, app, m) => service.render(root, app, decodeURIComponent(m[1]))],
  [/^#\/risk$/, 'risk', (root, app) => risk.render(root, app)],
  [/^#\/report$/, 'report', (root, app) => report.render(root, app)],
  [/^#\/incidents$/, 'incidents', (root, app) => incidents.render(root, app)],
  [/^#\/agents$/, 'agents', (root, app) => agents.render(root, app)],
  [/^#\/inbox$/, 'inbox', (root, app) => inbox.render(root, app)],
  [/^#\/screenshot\/([0-9a-f]{32})$/, 'screenshot', (root, app, m) => screenshot.render(root, app, m[1])],
];

/** What pages get: the last snapshot, and subscriptions that end when the page is left. */
const app = {
  services: null,
  listeners: new Set(),
  timers: new Set(),
  onServices(fn) { this.listeners.add(fn); if (this.services) fn(this.services); },
  every(ms, fn) { this.timers.add(setInterval(fn, ms)); },
  reset() { this.listeners.clear(); for (const t of this.timers) clearInterval(t); this.timers.clear(); },
};

function publish(snapshot) {
  app.services = snapshot;
  for (const fn of app.listeners) {
    try { fn(snapshot); } catch (e) { console.error(e); }
  }
}

let es = null;

function connect() {
  if (!window.EventSource) { poll(); return; }
  if (es) es.close();
  const t = token();
  es = new EventSource(t ? `/api/v1/events?key=${encodeURIComponent(t)}` : '/api/v1/events');
  es.addEventListener('services', (e) => {
    live.textContent = `● live, updated ${new Date().toISOString().slice(11, 19)} UTC`;
    publish(JSON.parse(e.data));
  });
  es.onerror = () => { live.textContent = '○ reconnecting…'; };
}

/** Without EventSource (or with the stream limit reached), the list is polled instead. */
function poll() {
  const once = () => getJson('/api/v1/services').then(publish).catch(() => {});
  once();
  setInterval(once, 5000);
}

async function route() {
  app.reset();
  const hash = location.hash || '#/';
  for (const [re, nav, page] of routes) {
    const m = hash.match(re);
    if (!m) continue;
    for (const a of document.querySelectorAll('[data-nav]')) {
      if (a.dataset.nav === nav) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    const root = h('div', { 'data-page': nav });
    view.replaceChildren(root);
    try {
      await page(root, app, m);
    } catch (e) {
      root.append(h('p', { class: 'error' }, `This page failed to load: ${e.message}`));
    }
    return;
  }
  view.replaceChildren(h('p', { class: 'error' }, `No page at ${hash}.`), h('a', { href: '#/' }, 'Back to the overview'));
}

/**
 * Asks for a token when the coordinator refused one (401): a read or admin token to read, an admin
 * token to change things. Kept for this tab; the pages and the stream start again with it.
 */
function signIn(message, method) {
  let box = document.getElementById('signin');
  if (!box) {
    box = h('section', { id: 'signin', class: 'signin', 'aria-live': 'polite' });
    view.before(box);
  }
  const input = h('input', { id: 'token-input', type: 'password', autocomplete: 'off', size: 40 });
  const use = () => {
    if (!input.value.trim()) return;
    setToken(input.value.trim());
    box.remove();
    connect();
    route();
  };
  input.addEventListener('keydown', (e) => { if (e.key === 'Enter') use(); });
  const needs = method && method !== 'GET' ? 'an admin token to change things' : 'a read or admin token';
  const forget = token()
    ? [' ', h('button', { type: 'button', onclick: () => { setToken(null); location.reload(); } }, 'Forget the token')]
    : [];
  box.replaceChildren(
    h('p', {}, `This coordinator asks for ${needs}`, message ? ` (${message})` : '', '.'),
    h('label', { for: 'token-input' }, 'Token '), input, ' ',
    h('button', { id: 'token-use', type: 'button', onclick: use }, 'Use this token'),
    ...forget,
    h('p', { class: 'muted' }, 'The token stays in this browser tab only (session storage).'));
  input.focus();
}

onUnauthorized(signIn);
window.addEventListener('hashchange', route);
connect();
route();
