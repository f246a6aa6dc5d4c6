// The 5×5 risk matrix: likelihood A–E (observed outages) by consequence 1–5 (tier).
import { getJson, h, stateBadge, notAvailable } from '/ui/lib.js';

const CONSEQUENCES = ['1 insignificant', '2 minor', '3 moderate', '4 major', '5 catastrophic'];

export async function render(root) {
  root.append(h('h1', {}, 'Risk matrix'));
  let r;
  try { r = await getJson('/api/v1/risk'); } catch (e) { root.append(notAvailable('the risk matrix', e)); return; }
  const table = h('table', { class: 'risk', id: 'risk' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Likelihood \\ consequence'), CONSEQUENCES.map((c) => h('th', {}, c)))));
  const body = h('tbody');
  for (const row of r.grid) {
    body.append(h('tr', {}, h('th', {}, `${row.likelihood} ${row.label}`),
      row.cells.map((c) => {
        const here = r.services.filter((s) => s.likelihood === c.likelihood && s.consequence === c.consequence);
        return h('td', { class: `cell ${c.level}`, title: `${c.likelihood}${c.consequence}: rating ${c.rating}, ${c.level}`,
          dataset: { likelihood: c.likelihood, consequence: String(c.consequence) } },
          h('span', { class: 'rating' }, `${c.rating} ${c.level}`),
          here.map((s) => h('a', { class: 'svc', href: `#/service/${encodeURIComponent(s.id)}`, 'data-service': s.id }, s.name)));
      })));
  }
  table.append(body);
  root.append(table,
    h('p', { class: 'muted' }, `Likelihood: ${r.likelihoodRule}. Consequence: ${r.consequenceRule}.`),
    h('h2', {}, 'Services'),
    h('table', {}, h('thead', {}, h('tr', {}, ['Service', 'State', 'Tier', `Outages (${r.windowDays} days)`, 'Likelihood', 'Consequence', 'Rating'].map((t) => h('th', {}, t)))),
      h('tbody', {}, [...r.services].sort((a, b) => (b.rating ?? -1) - (a.rating ?? -1)).map((s) => h('tr', {},
        h('td', {}, h('a', { href: `#/service/${encodeURIComponent(s.id)}` }, s.name)), h('td', {}, stateBadge(s.state)),
        h('td', {}, s.tier), h('td', { class: 'num' }, s.outages), h('td', {}, s.likelihood ?? 'no data'), h('td', { class: 'num' }, s.consequence),
        h('td', {}, s.rating === null ? 'no data' : `${s.rating} ${s.level}`))))));
}
