// Incidents: open ones first, then past ones; each with its notification log (every notification
// the incident caused, with its delivery attempts) and, while open, an Ack button.
import { getJson, postJson, h, utc, badge, notAvailable, screenshotThumb } from '/ui/lib.js';

const STATES = {
  open: ['DOWN', '✖', 'OPEN', 'Open: nobody has acknowledged it; escalation continues'],
  acknowledged: ['DEGRADED', '⚑', 'ACKNOWLEDGED', 'Acknowledged: someone is on it; escalation has stopped'],
  resolved: ['UP', '✔', 'RESOLVED', 'Resolved: the service recovered'],
};

export function incidentBadge(state) {
  const [cls, sym, text, title] = STATES[state] || ['UNKNOWN', '?', String(state).toUpperCase(), state];
  return badge(cls, sym, text, title, state);
}

/** The notification log of one incident: what was sent, to whom, and how each delivery went. */
function log(notifications) {
  if (!notifications.length) return h('p', { class: 'muted' }, 'No notifications yet.');
  return h('table', { class: 'log' },
    h('thead', {}, h('tr', {}, ['At', 'Kind', 'Team', 'Channel', 'Summary', 'Status', 'Deliveries'].map((c) => h('th', {}, c)))),
    h('tbody', {}, notifications.map((n) => h('tr', { class: 'notification', dataset: { kind: n.kind, key: n.key, page: String(n.page) } },
      h('td', {}, utc(n.at)),
      h('td', {}, kindBadge(n)),
      h('td', {}, n.team),
      h('td', {}, n.channel),
      h('td', {}, n.summary),
      h('td', {}, n.status),
      h('td', {}, n.deliveries.length
        ? h('ul', { class: 'plain' }, n.deliveries.map((d) => h('li', { class: d.ok ? 'yes' : 'no' },
          `${d.ok ? '✔' : '✖'} ${utc(d.at)}${d.code ? ` (${d.code})` : ''}${d.message ? `: ${d.message}` : ''}`)))
        : h('span', { class: 'muted' }, n.nextAttemptAt ? `next attempt ${utc(n.nextAttemptAt)}` : 'none yet'))))));
}

/** A notification's kind; pages stand out, since they wake someone up. */
export function kindBadge(n) {
  return h('span', { class: `kind ${n.page ? 'kind-page' : ''}`, title: n.page ? 'a page: it wakes someone up' : 'a notice: read when convenient' },
    n.page ? '☎ ' : '✉ ', n.kind);
}

/** The screenshot of the failure that opened the incident: the first notification that has one. */
function shotOf(detail) {
  const n = detail && (detail.notifications || []).find((x) => x.details && /^[0-9a-f]{32}$/.test(x.details.screenshot || ''));
  return n ? n.details.screenshot : null;
}

export async function render(root, app) {
  root.append(h('h1', {}, 'Incidents'),
    h('p', { class: 'muted' }, 'An incident opens when a service goes DOWN and resolves when it recovers. '
      + 'Acknowledging one stops its escalation; the notification log shows every message it caused.'));
  const openBox = h('section', { id: 'open-incidents', 'aria-label': 'Open incidents' });
  const pastBox = h('section', { id: 'past-incidents', 'aria-label': 'Past incidents' });
  root.append(h('h2', {}, 'Open'), openBox, h('h2', {}, 'Past'), pastBox);
  const expanded = new Set(); // past incidents whose log the user opened
  const failedAcks = new Map();

  function card(i, detail) {
    const ackCell = i.state === 'open'
      ? h('button', { type: 'button', class: 'btn btn-primary', 'data-ack': i.id, onclick: (ev) => ack(ev.target, i.id) }, '⚑ Ack')
      : null;
    const facts = [
      ['Service', h('a', { href: `#/service/${encodeURIComponent(i.service)}` }, i.service)],
      ['Started', utc(i.start)],
      i.rootCause ? ['Root cause', h('a', { href: `#/service/${encodeURIComponent(i.rootCause)}` }, i.rootCause)] : null,
      i.acknowledgedAt ? ['Acknowledged', `${utc(i.acknowledgedAt)} by ${i.acknowledgedBy}`] : null,
      i.resolvedAt ? ['Resolved', utc(i.resolvedAt)] : null,
      ['Notifications', String(i.notificationCount)],
      shotOf(detail) ? ['Screenshot', screenshotThumb({ id: shotOf(detail) }, 'Screenshot of the browser failure that opened the incident')] : null,
    ].filter(Boolean);
    const details = h('details', { class: 'log-box', open: i.state !== 'resolved' || expanded.has(i.id),
      ontoggle: (ev) => {
        if (i.state !== 'resolved') return;
        if (ev.target.open && !expanded.has(i.id)) { expanded.add(i.id); load(); } else if (!ev.target.open) expanded.delete(i.id);
      } },
    h('summary', {}, `Notification log (${i.notificationCount})`),
    detail ? log(detail.notifications) : h('p', { class: 'muted' }, 'Loading…'));
    return h('article', { class: `card incident incident-${i.state}`, dataset: { incident: i.id, state: i.state, service: i.service } },
      h('div', { class: 'incident-head' },
        h('h3', {}, incidentBadge(i.state), ' ', i.service, h('span', { class: 'sub' }, i.id)),
        ackCell,
        failedAcks.has(i.id) ? h('span', { class: 'no', role: 'alert' }, failedAcks.get(i.id)) : null),
      h('dl', { class: 'facts' }, facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      details);
  }

  async function ack(button, id) {
    button.disabled = true;
    button.textContent = 'Acknowledging…';
    try {
      await postJson(`/api/v1/incidents/${encodeURIComponent(id)}/ack`, { by: 'dashboard' });
      failedAcks.delete(id);
    } catch (e) {
      failedAcks.set(id, `Ack failed: ${e.message}`);
    }
    await load();
  }

  async function section(box, state, empty) {
    const r = await getJson(`/api/v1/incidents?state=${state}&limit=50`);
    const items = r.items || [];
    const details = await Promise.all(items.map((i) =>
      (i.state !== 'resolved' || expanded.has(i.id))
        ? getJson(`/api/v1/incidents/${encodeURIComponent(i.id)}`).catch(() => null)
        : Promise.resolve(null)));
    box.replaceChildren(...(items.length
      ? items.map((i, n) => card(details[n] || i, details[n]))
      : [h('p', { class: 'muted' }, empty)]));
  }

  let running = false;
  async function load() {
    if (running) return;
    running = true;
    try {
      await section(openBox, 'open', 'No open incidents: every service is fine, or nobody has broken one yet. '
        + 'Try the demo panel on the overview.');
      await section(pastBox, 'resolved', 'No past incidents.');
    } catch (e) {
      openBox.replaceChildren(notAvailable('Incidents', e));
    } finally {
      running = false;
    }
  }
  await load();
  app.every(3000, load);
}
