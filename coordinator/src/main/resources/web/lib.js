// Small helpers shared by the dashboard's pages and the public status page. No framework: the pages
// are a handful of tables and bars that re-render from JSON, which plain DOM calls do in a few lines.

/** Thrown by getJson for a non-2xx answer; carries the status and the API's {error, message}. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

// A coordinator with read tokens wants one to read, and with admin tokens one to change things
// (acknowledge, maintenance). The dashboard keeps the token the user gives it for this browser tab
// only (sessionStorage), sends it as a bearer token, and on the event stream as ?key=.
const TOKEN_KEY = 'nines.token';

export function token() {
  try { return sessionStorage.getItem(TOKEN_KEY); } catch (e) { return null; }
}

export function setToken(value) {
  try {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch (e) { /* storage disabled: the token lasts until the page is left */ }
}

let unauthorized = () => {};

/** Registers what to do when a request is refused for its token (401): fn(message, method). */
export function onUnauthorized(fn) { unauthorized = fn; }

export async function getJson(path, init) {
  const headers = Object.assign({ Accept: 'application/json' }, (init && init.headers) || {});
  const t = token();
  if (t) headers.Authorization = `Bearer ${t}`;
  const r = await fetch(path, Object.assign({}, init, { headers }));
  let body = null;
  try { body = await r.json(); } catch (e) { body = null; }
  if (r.status === 401) unauthorized(body && body.message, (init && init.method) || 'GET');
  if (!r.ok) throw new ApiError(r.status, body);
  return body;
}

export function postJson(path, json) {
  return getJson(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(json || {}),
  });
}

/** Builds an element: h('td', {class: 'num', title: 'x'}, 'text', child, ...). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const SYMBOLS = { UP: '✔', DEGRADED: '▲', DOWN: '✖', UNKNOWN: '?', MAINTENANCE: '⚙' };
const LABELS = {
  UP: 'Up: every location passes',
  DEGRADED: 'Degraded: some locations fail, fewer than the down threshold',
  DOWN: 'Down: enough locations fail',
  UNKNOWN: 'Unknown: no fresh results',
  MAINTENANCE: 'In planned maintenance',
};

/** A state as colour, symbol and text, so it reads without colour. */
export function stateBadge(state) {
  const s = SYMBOLS[state] ? state : 'UNKNOWN';
  return h('span', { class: `state state-${s}`, title: LABELS[s], 'data-state': s },
    h('span', { 'aria-hidden': 'true' }, SYMBOLS[s]), ` ${s}`);
}

/**
 * A state that is not a service state (an incident's, an agent's) as colour, symbol and text, with
 * the colour of the service state it resembles: {@code cls} is one of UP, DEGRADED, DOWN, UNKNOWN.
 */
export function badge(cls, symbol, text, title, state) {
  return h('span', { class: `state state-${cls}`, title, 'data-state': state ?? text },
    h('span', { 'aria-hidden': 'true' }, symbol), ` ${text}`);
}

export function pct(fraction, digits = 3) {
  if (fraction === null || fraction === undefined) return '–';
  const p = fraction * 100;
  if (p === 100) return '100%';
  return `${p.toFixed(digits).replace(/0+$/, '').replace(/\.$/, '')}%`;
}

/**
 * A figure in words, honest about how much of its window was observed: "no data" when nothing
 * was, "99.98% over the 3 days observed" when part of the window was, else just "99.98%".
 */
export function observedPct(fraction, observedSeconds, windowSeconds, digits = 3) {
  if (fraction === null || fraction === undefined) return 'no data';
  if (observedSeconds === undefined || windowSeconds === undefined || observedSeconds >= windowSeconds) {
    return pct(fraction, digits);
  }
  return `${pct(fraction, digits)} over the ${observedSpan(observedSeconds)} observed`;
}

/** "3 days", "1 day", "5 hours", "12 minutes": how long a service has been observed. */
export function observedSpan(seconds) {
  const unit = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (seconds >= 86400) return unit(Math.floor(seconds / 86400), 'day');
  if (seconds >= 3600) return unit(Math.floor(seconds / 3600), 'hour');
  if (seconds >= 60) return unit(Math.floor(seconds / 60), 'minute');
  return unit(Math.max(0, Math.round(seconds)), 'second');
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  const neg = seconds < 0;
  let s = Math.round(Math.abs(seconds));
  const d = Math.floor(s / 86400); s -= d * 86400;
  const hr = Math.floor(s / 3600); s -= hr * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  const parts = [];
  if (d) parts.push(`${d}d`);
  if (hr) parts.push(`${hr}h`);
  if (m && parts.length < 2) parts.push(`${m}m`);
  if ((s || parts.length === 0) && parts.length < 2) parts.push(`${s}s`);
  return (neg ? '−' : '') + parts.join(' ');
}

export function utc(iso) {
  return iso ? iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC') : '–';
}

/**
 * A 90-day bar timeline like a public status page's. Each bar is focusable and has a tooltip (title)
 * and an accessible label with its day, availability and, when given, outages and downtime.
 */
export function dayBars(days, targetPercent) {
  const target = targetPercent || 99.9;
  const bars = h('div', { class: 'bars', role: 'list', 'aria-label': `daily availability, last ${days.length} days` });
  for (const d of days) {
    let cls = 'bar';
    // Colour by the probes (maintenance apart); a day whose only downtime was planned is blue.
    const measured = d.availabilityExcludingMaintenance ?? d.availability;
    const p = (measured ?? 1) * 100;
    const maint = d.maintenance || d.maintenanceSeconds > 0;
    if (d.noData && !maint) cls += ' nodata';
    else if (p < Math.min(target, 99)) cls += ' bad';
    else if (p < target) cls += ' warn';
    else if (maint) cls += ' maint';
    let text = d.noData ? `${d.date}: no data` : `${d.date}: ${pct(d.availability)} available`;
    if (!d.noData && d.coverage !== undefined && d.coverage < 1) text += ` (over the ${Math.round(d.coverage * 24)}h observed)`;
    if (d.outages !== undefined) text += `, ${d.outages} outage${d.outages === 1 ? '' : 's'}`;
    if (d.downSeconds) text += `, ${duration(d.downSeconds)} down`;
    if (d.maintenanceSeconds) text += ` (${duration(d.maintenanceSeconds)} planned maintenance)`;
    else if (maint) text += ' (planned maintenance)';
    bars.append(h('span', { class: cls, title: text, 'aria-label': text, role: 'listitem', tabindex: '0',
      dataset: { date: d.date, availability: String(d.availability) } }));
  }
  return bars;
}

export function notAvailable(what, err) {
  if (err instanceof ApiError && err.status === 404) {
    return h('p', { class: 'notice', 'data-unavailable': 'true' },
      `${what} is not available yet on this coordinator (${err.message}).`);
  }
  return h('p', { class: 'error' }, `Could not load ${what}: ${err.message}`);
}

/**
 * The address of a stored screenshot (GET /api/v1/screenshots/{id}). An <img> cannot send a bearer
 * token, so where the dashboard has one it goes as ?key=, as the event stream's does.
 */
export function screenshotUrl(id) {
  const t = token();
  const path = `/api/v1/screenshots/${encodeURIComponent(id)}`;
  return t ? `${path}?key=${encodeURIComponent(t)}` : path;
}

/**
 * A screenshot reference ({id, width, height, bytes}, as results and notifications carry it) as a
 * thumbnail linking to the dashboard's full view; a reference without an id (the agent's or the
 * coordinator's note of why there is no image) as that note.
 */
export function screenshotThumb(ref, label) {
  if (!ref) return null;
  if (!ref.id) return ref.omitted ? h('span', { class: 'muted' }, `No screenshot: ${ref.omitted}`) : null;
  const text = label || 'Screenshot of the page when the step failed';
  return h('a', { class: 'shot', href: `#/screenshot/${encodeURIComponent(ref.id)}`, title: `${text} (open full size)` },
    h('img', { src: screenshotUrl(ref.id), alt: text, loading: 'lazy', width: 240,
      height: ref.width && ref.height ? Math.round(240 * ref.height / ref.width) : null, dataset: { screenshot: ref.id } }));
}
