// Overview: one row per service, live from the event stream; 90-day bars; the demo panel.
import { getJson, postJson, h, stateBadge, pct, duration, dayBars, ApiError, observedSpan } from '/ui/lib.js';

const TIER_ORDER = { critical: 0, important: 1, 'non-critical': 2 };

function availabilityCell(s, w) {
  const a = s.availability[w];
  if (a === null || a === undefined) {
    return h('td', { class: 'num nodata', 'data-window': w, title: `${w}: nothing observed yet` }, 'no data');
  }
  const coverage = s.coverage ? s.coverage[w] : 1;
  const observed = s.observedSeconds ? s.observedSeconds[w] : undefined;
  const partial = coverage !== undefined && coverage < 1 && observed !== undefined;
  const over = partial ? ` over the ${observedSpan(observed)} observed` : '';
  return h('td', { class: 'num', 'data-window': w, title: `${w}: ${pct(a, 4)} available${over}, ${s.nines[w]} nines` },
    pct(a), h('span', { class: 'sub' }, `${s.nines[w]} nines`),
    partial ? h('span', { class: 'sub observed' }, `over the ${observedSpan(observed)} observed`) : null);
}

function budgetCell(s) {
  const b = s.budget;
  if (!b) return h('td', {}, '–');
  if (b.noData) return h('td', { class: 'num nodata', title: `no part of ${b.month} observed yet` }, 'no data');
  const partOf = b.coverage !== undefined && b.coverage < 1 ? `, pro-rated to the ${Math.round(b.coverage * 100)}% of ${b.month} since ${b.from.slice(0, 10)}` : '';
  const left = b.leftSeconds;
  const share = b.allowedSeconds > 0 ? Math.max(0, Math.min(1, left / b.allowedSeconds)) : 0;
  const over = left < 0;
  return h('td', { class: 'num', title: `target ${b.targetPercent}% allows ${duration(b.allowedSeconds)} of downtime in ${b.month}${partOf}; ${duration(b.spentSeconds)} spent` },
    over ? `${duration(-left)} over` : `${duration(left)} left`,
    h('span', { class: 'sub' }, `of ${duration(b.allowedSeconds)} (${b.targetPercent}%)`),
    h('span', { class: over ? 'meter over' : 'meter', 'aria-hidden': 'true' },
      h('span', { style: `width:${over ? 100 : Math.round(share * 100)}%` })));
}

function stateCell(s) {
  return h('td', { class: 'state-cell' }, stateBadge(s.state),
    s.inMaintenance ? h('span', { class: 'sub' }, '⚙ in maintenance') : null);
}

export async function render(root, app) {
  root.append(h('h1', {}, 'Services'));
  const demo = h('section', { class: 'card demo', id: 'demo', hidden: true, 'aria-label': 'Demo panel' });
  root.append(demo);
  const tbody = h('tbody');
  root.append(h('table', { id: 'services' },
    h('thead', {}, h('tr', {},
      h('th', {}, 'Service'), h('th', {}, 'State'), h('th', {}, 'Tier'),
      h('th', { class: 'num' }, '24 h'), h('th', { class: 'num' }, '7 days'), h('th', { class: 'num' }, '30 days'),
      h('th', { class: 'num' }, 'Budget this month'), h('th', {}, 'Last 90 days'))),
    tbody));
  const rows = new Map();
  const bars = new Map();
  const lastState = new Map();

  async function loadBars(s) {
    try {
      const d = await getJson(`/api/v1/services/${encodeURIComponent(s.id)}/daily?days=90`);
      const cell = bars.get(s.id);
      if (cell) cell.replaceChildren(dayBars(d.days, s.target));
    } catch (e) { /* the bars stay as they were */ }
  }

  function update(snapshot) {
    const items = [...snapshot.items].sort((a, b) =>
      (TIER_ORDER[a.tier] ?? 9) - (TIER_ORDER[b.tier] ?? 9) || a.name.localeCompare(b.name));
    for (const s of items) {
      let tr = rows.get(s.id);
      const barCell = bars.get(s.id) || h('td', { class: 'bars-cell' }, h('span', { class: 'muted' }, '…'));
      bars.set(s.id, barCell);
      const cells = [
        h('td', {}, h('a', { href: `#/service/${encodeURIComponent(s.id)}` }, s.name), h('span', { class: 'sub' }, s.id)),
        stateCell(s),
        h('td', {}, s.tier, h('span', { class: 'sub' }, `target ${s.target}%`)),
        availabilityCell(s, '24h'), availabilityCell(s, '7d'), availabilityCell(s, '30d'),
        budgetCell(s),
        barCell,
      ];
      if (!tr) {
        tr = h('tr', { dataset: { service: s.id } });
        rows.set(s.id, tr);
      }
      tr.dataset.state = s.state;
      tr.replaceChildren(...cells);
      tbody.append(tr);
      if (lastState.get(s.id) !== s.state) {
        lastState.set(s.id, s.state);
        loadBars(s);
      }
    }
  }

  app.onServices(update);
  if (!app.services) {
    try { update(await getJson('/api/v1/services')); } catch (e) { /* the stream will fill it */ }
  }
  app.every(60000, () => app.services && app.services.items.forEach(loadBars));
  demoPanel(demo);
}

async function demoPanel(section) {
  let faults;
  try {
    faults = await getJson('/api/v1/demo/faults');
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404)) {
      section.hidden = false;
      section.replaceChildren(h('p', { class: 'error' }, `Demo panel: ${e.message}`));
    }
    return;
  }
  const select = h('select', { id: 'demo-service', 'aria-label': 'Service to break' },
    Object.keys(faults).map((s) => h('option', { value: s }, s)));
  const forSel = h('select', { id: 'demo-for', 'aria-label': 'For how long' },
    h('option', { value: '0' }, 'until cleared'), h('option', { value: '120' }, 'for 2 minutes'),
    h('option', { value: '600' }, 'for 10 minutes'));
  const out = h('p', { id: 'demo-result', role: 'status', 'aria-live': 'polite', class: 'muted' }, describe(faults));
  const button = (mode, label, hint) => h('button', { type: 'button', 'data-mode': mode, title: hint,
    onclick: async () => {
      const service = select.value;
      out.textContent = `Sending ${mode} to ${service}…`;
      try {
        await postJson(`/api/v1/demo/faults/${encodeURIComponent(service)}`, { mode, forSeconds: Number(forSel.value) });
        out.textContent = describe(await getJson('/api/v1/demo/faults'));
      } catch (e) {
        out.textContent = `Failed: ${e.message}`;
      }
    } }, label);
  section.hidden = false;
  section.replaceChildren(
    h('h2', {}, 'Demo panel: break the ShopSmart shop'),
    h('p', { class: 'muted' }, 'Inject a fault into one of the shop\'s services and watch the agents notice it.'),
    h('div', {}, select, ' ', forSel, ' ',
      button('outage', '✖ Outage', 'every request fails with 503'),
      button('slow', '◔ Slow', 'every request is delayed by 3 s'),
      button('errors', '⚠ Errors', 'half of the requests fail with 500'),
      button('broken-ui', '◫ Broken UI', 'checkout only: the storefront\'s Place order button stops working while every HTTP endpoint answers 200'),
      button('none', '✔ Clear', 'remove the fault')),
    out);
}

function describe(faults) {
  const on = Object.entries(faults).filter(([, f]) => f.mode && f.mode !== 'none');
  if (on.length === 0) return 'No faults injected.';
  return 'Faults now: ' + on.map(([s, f]) => `${s} ${f.mode}${f.until ? ` until ${f.until.slice(11, 19)} UTC` : ''}`).join(', ');
}
