// The public status page: names, states and daily availability only (GET /api/v1/status).
import { getJson, h, stateBadge, observedPct, dayBars } from '/ui/lib.js';

const root = document.getElementById('status');

// "99.98% over 90 days", "99.98% over the 3 days observed", or "no data yet": never a figure for
// time nobody observed.
function statusFigure(svc) {
  if (svc.noData || svc.availability === null) return 'no data yet';
  if (svc.coverage !== undefined && svc.coverage < 1) {
    return observedPct(svc.availability, svc.observedSeconds, svc.windowSeconds);
  }
  return `${observedPct(svc.availability)} over 90 days`;
}

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
          h('span', { class: 'sub', 'data-figure': 'availability' }, statusFigure(svc)))),
      dayBars(svc.days)));
  root.replaceChildren(summary, ...rows, h('p', { class: 'muted' }, `Updated ${s.at.replace('T', ' ').slice(0, 19)} UTC`));
}

render();
setInterval(render, 15000);
