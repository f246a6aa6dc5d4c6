// Pages whose endpoints come with alerting and the fleet: incidents, the demo inbox, agents.
// Each renders "not available yet" when its endpoint answers 404.
import { getJson, postJson, h, utc, notAvailable } from '/ui/lib.js';

function cell(v) {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)) return utc(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A table of items, with the given columns first and any others after. */
function table(items, columns, extra) {
  if (!items.length) return h('p', { class: 'muted' }, 'Nothing here yet.');
  const cols = [...columns.filter((c) => items.some((i) => i[c] !== undefined))];
  for (const i of items) for (const k of Object.keys(i)) if (!cols.includes(k) && typeof i[k] !== 'object') cols.push(k);
  return h('table', {},
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', {}, c)), extra ? h('th', {}, '') : null)),
    h('tbody', {}, items.map((i) => h('tr', { dataset: { id: i.id ?? '' } }, cols.map((c) => h('td', {}, cell(i[c]))), extra ? h('td', {}, extra(i)) : null))));
}

export async function incidents(root, app) {
  root.append(h('h1', {}, 'Incidents'));
  const box = h('div', { id: 'incidents' });
  root.append(box);
  const load = async () => {
    let r;
    try { r = await getJson('/api/v1/incidents'); } catch (e) { box.replaceChildren(notAvailable('Incidents', e)); return; }
    const items = r.items || [];
    box.replaceChildren(table(items, ['id', 'service', 'state', 'title', 'openedAt', 'acknowledgedAt', 'resolvedAt'], (i) => {
      const acked = i.acknowledged || i.acknowledgedAt || /ack|resolved|closed/i.test(i.state || '');
      if (acked) return h('span', { class: 'muted' }, 'acknowledged');
      return h('button', { type: 'button', class: 'btn btn-primary', 'data-ack': i.id, onclick: async (ev) => {
        ev.target.disabled = true;
        try { await postJson(`/api/v1/incidents/${encodeURIComponent(i.id)}/ack`, {}); } catch (e) { ev.target.textContent = `Ack failed: ${e.message}`; return; }
        load();
      } }, 'Ack');
    }), ...items.filter((i) => Array.isArray(i.notifications) && i.notifications.length).map((i) =>
      h('details', { class: 'card' }, h('summary', {}, `Notification log of ${i.id}`),
        table(i.notifications, ['at', 'channel', 'to', 'team', 'status', 'message']))));
  };
  await load();
  app.every(5000, load);
  app.onServices(() => {});
}

export async function inbox(root, app) {
  root.append(h('h1', {}, 'Inbox'), h('p', { class: 'muted' }, 'What each team would have received, delivered to local demo receivers.'));
  const box = h('div', { id: 'inbox' });
  root.append(box);
  const load = async () => {
    try {
      const r = await getJson('/api/v1/demo/inbox');
      box.replaceChildren(table(r.items || [], ['at', 'team', 'channel', 'to', 'subject', 'incident', 'message']));
    } catch (e) { box.replaceChildren(notAvailable('The inbox', e)); }
  };
  await load();
  app.every(5000, load);
}

export async function agents(root, app) {
  root.append(h('h1', {}, 'Agents'));
  const box = h('div', { id: 'agents' });
  root.append(box);
  const load = async () => {
    try {
      const r = await getJson('/api/v1/agents');
      box.replaceChildren(table(r.items || [], ['id', 'location', 'state', 'lastSeen', 'load', 'checks']));
    } catch (e) { box.replaceChildren(notAvailable('Agents', e)); }
  };
  await load();
  app.every(10000, load);
}
