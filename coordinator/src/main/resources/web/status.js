// The public status page: names, states and daily availability only (GET /api/v1/status).
import { getJson, h, stateBadge, pct, dayBars } from '/ui/lib.js';

const root = document.getElementById('status');

async function render() {
  let s;
  try {
    s = await getJson('/api/v1/status');
  } catch (e) {
    root.replaceChildren(h('p', { class: 'error' }, `Status is unavailable right now: ${e.message}`));
    return;
  }
  const summary = s.allOperational
    ? h('div', { class: 'summary', id: 'summary' }, '✔ All systems operational')
    : h('div', { class: 'summary trouble', id: 'summary' }, '✖ Some systems are having problems');
  const rows = s.services.map((svc) =>
    h('section', { class: 'status-row', 'data-name': svc.name },
      h('div', { class: 'head' },
        h('strong', {}, svc.name),
        h('span', {}, svc.inMaintenance ? stateBadge('MAINTENANCE') : null, ' ', stateBadge(svc.state),
          h('span', { class: 'sub' }, `${pct(svc.availability)} over 90 days`))),
      dayBars(svc.days)));
  root.replaceChildren(summary, ...rows, h('p', { class: 'muted' }, `Updated ${s.at.replace('T', ' ').slice(0, 19)} UTC`));
}

render();
setInterval(render, 15000);
