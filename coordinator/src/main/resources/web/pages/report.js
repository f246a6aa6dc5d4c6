// The monthly report an SRE brings to the review: a month picker, the table, and the CSV.
import { getJson, h, pct, duration, notAvailable, observedSpan } from '/ui/lib.js';

export async function render(root) {
  const now = new Date().toISOString().slice(0, 7);
  const picker = h('input', { type: 'month', id: 'month', value: now, max: now, 'aria-label': 'Month (UTC)' });
  const csv = h('a', { id: 'csv', class: 'btn', download: true }, 'Download CSV');
  const out = h('div', { id: 'report' });
  root.append(h('h1', {}, 'Monthly report'), h('p', {}, h('label', { for: 'month' }, 'Month '), picker, ' ', csv), out);
  const load = async () => {
    const month = picker.value || now;
    csv.href = `/api/v1/reports/monthly?month=${month}&format=csv`;
    let r;
    try { r = await getJson(`/api/v1/reports/monthly?month=${month}`); } catch (e) { out.replaceChildren(notAvailable(`the report for ${month}`, e)); return; }
    out.replaceChildren(
      h('p', { class: 'muted' }, r.complete ? `${r.month}, the whole month.` : `${r.month} so far (up to ${r.to.replace('T', ' ').slice(0, 16)} UTC).`,
        ' Planned maintenance counts as downtime; the figure without it is shown next to it.',
        ' A service counts only from when it was first configured (or first reported); "no data" means none of the month was observed.'),
      h('table', {},
        h('thead', {}, h('tr', {}, ['Service', 'Tier', 'Target', 'Availability', 'Nines', 'Downtime', 'Maintenance', 'Without maintenance', 'Target met', 'Outages', 'Observed']
          .map((t, i) => h('th', { class: i > 1 ? 'num' : null }, t)))),
        h('tbody', {}, r.services.map((s) => h('tr', { dataset: { service: s.id } },
          h('td', {}, s.name), h('td', {}, s.tier), h('td', { class: 'num' }, `${s.target}%`),
          h('td', { class: 'num' }, s.noData ? 'no data' : pct(s.availability, 4)), h('td', { class: 'num' }, s.nines ?? '–'),
          h('td', { class: 'num' }, duration(s.downSeconds)), h('td', { class: 'num' }, duration(s.maintenanceSeconds)),
          h('td', { class: 'num' }, pct(s.availabilityExcludingMaintenance, 4)),
          s.met === null || s.met === undefined
            ? h('td', { class: 'num nodata' }, 'no data')
            : h('td', { class: `num ${s.met ? 'yes' : 'no'}` }, s.met ? '✔ yes' : '✖ no'),
          h('td', { class: 'num', title: s.outages.map((o) => `${o.start} → ${o.end}`).join('\n') }, s.outageCount),
          h('td', { class: 'num' }, s.coverage === undefined || s.coverage >= 1 ? 'whole month' : s.noData ? 'none' : `${observedSpan(s.observedSeconds)}`))))));
  };
  picker.addEventListener('change', load);
  await load();
}
