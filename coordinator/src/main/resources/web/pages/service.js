// One service: state, budget, dependencies both ways, its timeline with outages, maintenance and
// configuration changes, latency per location (uPlot), and recent failures.
import uPlot from '/webjars/uplot/1.6.30/dist/uPlot.esm.js';
import { getJson, h, stateBadge, pct, duration, utc, notAvailable, screenshotThumb } from '/ui/lib.js';

const WINDOWS = { '1h': 3600e3, '24h': 86400e3, '7d': 7 * 86400e3 };
const COLOURS = ['#0969da', '#8250df', '#bf3989', '#1a7f37', '#9a6700', '#57606a'];

export async function render(root, app, id) {
  let detail;
  try {
    detail = await getJson(`/api/v1/services/${encodeURIComponent(id)}`);
  } catch (e) {
    root.append(notAvailable(`service '${id}'`, e));
    return;
  }
  const stateSlot = h('span', { id: 'service-state' }, stateBadge(detail.state));
  const windowSel = h('select', { id: 'window', 'aria-label': 'Window' },
    Object.keys(WINDOWS).map((w) => h('option', { value: w, selected: w === '24h' }, `last ${w}`)));
  const b = detail.budget;
  root.append(
    h('p', {}, h('a', { href: '#/' }, '← all services')),
    h('h1', {}, detail.name, ' ', stateSlot),
    h('div', { class: 'grid2' },
      h('section', { class: 'card' },
        h('div', {}, `Tier ${detail.tier}, target ${detail.target}%`),
        b.noData
          ? h('div', { id: 'budget' }, `Downtime budget ${b.month}: no data (nothing of the month observed yet)`)
          : h('div', { id: 'budget' }, `Downtime budget ${b.month}: `, b.leftSeconds >= 0 ? `${duration(b.leftSeconds)} left` : `${duration(-b.leftSeconds)} over`,
            ` of ${duration(b.allowedSeconds)} (spent ${duration(b.spentSeconds)})`,
            b.coverage < 1 ? `, pro-rated to the part of the month since ${utc(b.from)}` : ''),
        h('div', { id: 'observed-from' }, detail.observedFrom ? `Observed since ${utc(detail.observedFrom)}` : 'Not observed yet: no data'),
        h('div', {}, 'Owners: ', detail.owners.length ? detail.owners.join(', ') : '–'),
        h('div', {}, 'Runbook: ', detail.runbook ? h('a', { href: detail.runbook, rel: 'noopener' }, detail.runbook) : '–')),
      h('section', { class: 'card', id: 'dependencies' },
        h('div', {}, h('strong', {}, 'Depends on: '), links(detail.dependsOn)),
        h('div', {}, h('strong', {}, 'Depended on by: '), links(detail.dependents)),
        h('div', { class: 'muted' }, 'Checks: ', detail.checks.map((c) => `${c.id} (${c.type}, every ${c.everySeconds}s, ${c.downWhen}) `)))),
    h('h2', {}, 'Timeline ', windowSel));
  const timelineBox = h('section', { class: 'card', id: 'timeline' });
  const latencyBox = h('section', { class: 'card', id: 'latency' });
  const failuresBox = h('section', { class: 'card', id: 'failures' });
  root.append(timelineBox, h('h2', {}, 'Latency per location'), latencyBox, h('h2', {}, 'Recent failures'), failuresBox);

  const load = () => {
    const to = new Date();
    const from = new Date(to.getTime() - WINDOWS[windowSel.value]);
    const q = `from=${from.toISOString()}&to=${to.toISOString()}`;
    getJson(`/api/v1/services/${encodeURIComponent(id)}/timeline?${q}`)
      .then((t) => timelineBox.replaceChildren(...timeline(t))).catch((e) => timelineBox.replaceChildren(notAvailable('the timeline', e)));
    getJson(`/api/v1/services/${encodeURIComponent(id)}/latency?${q}&points=400`)
      .then((l) => latency(latencyBox, l, from, to)).catch((e) => latencyBox.replaceChildren(notAvailable('latency', e)));
    failures(failuresBox, detail.checks);
  };
  windowSel.addEventListener('change', load);
  load();
  let last = detail.state;
  app.onServices((snap) => {
    const s = snap.items.find((x) => x.id === id);
    if (s && s.state !== last) { last = s.state; stateSlot.replaceChildren(stateBadge(s.state)); load(); }
  });
  app.every(30000, load);
}

function links(refs) {
  if (!refs.length) return 'none';
  return refs.flatMap((r, i) => [i ? ', ' : '', h('a', { href: `#/service/${encodeURIComponent(r.id)}` }, r.name)]);
}

function timeline(t) {
  const start = Date.parse(t.from);
  const span = Date.parse(t.to) - start;
  const pos = (iso) => ((Date.parse(iso) - start) / span) * 100;
  const bar = h('div', { class: 'timeline', role: 'img', 'aria-label': `state from ${utc(t.from)} to ${utc(t.to)}` });
  for (const iv of t.intervals) {
    const l = pos(iv.start);
    bar.append(h('div', { class: `seg ${iv.state}`, style: `left:${l}%;width:${pos(iv.end) - l}%`,
      title: `${iv.state} ${utc(iv.start)} → ${utc(iv.end)}` }));
  }
  for (const m of t.maintenance) {
    const l = pos(m.start);
    bar.append(h('div', { class: 'seg maint', style: `left:${l}%;width:${pos(m.end) - l}%`, title: `maintenance ${utc(m.start)} → ${utc(m.end)}` }));
  }
  for (const c of t.changes || []) {
    bar.append(h('div', { class: 'seg change', style: `left:${pos(c.at)}%`, title: `configuration ${c.version}: ${c.what} at ${utc(c.at)}` }));
  }
  const legend = h('div', { class: 'legend' },
    ...[['UP', 'var(--up)'], ['DEGRADED', 'var(--degraded)'], ['DOWN', 'var(--down)'], ['UNKNOWN', '#afb8c1'], ['maintenance (hatched, top)', 'var(--maint)'], ['config change', '#000']]
      .map(([n, c]) => h('span', {}, h('span', { class: 'swatch', style: `background:${c}` }), n)));
  const outages = t.outages.length
    ? h('table', { id: 'outages' }, h('thead', {}, h('tr', {}, h('th', {}, 'Outage start'), h('th', {}, 'End'), h('th', { class: 'num' }, 'Duration'))),
      h('tbody', {}, t.outages.map((o) => h('tr', {}, h('td', {}, utc(o.start)), h('td', {}, utc(o.end)), h('td', { class: 'num' }, duration(o.seconds))))))
    : h('p', { class: 'muted', id: 'outages' }, 'No outages in this window.');
  return [bar, h('div', { class: 'axis' }, h('span', {}, utc(t.from)), h('span', {}, utc(t.to))), legend, outages];
}

function latency(box, l, from, to) {
  const withData = l.series.filter((s) => s.points.length);
  if (!withData.length) { box.replaceChildren(h('p', { class: 'muted' }, 'No results in this window.')); return; }
  // uPlot wants one shared x array: merge the series' timestamps, nulls where a series has none.
  const xs = [...new Set(withData.flatMap((s) => s.points.map((p) => Date.parse(p[0]) / 1000)))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const data = [xs];
  const series = [{}];
  const failed = new Array(xs.length).fill(null);
  withData.forEach((s, i) => {
    const ys = new Array(xs.length).fill(null);
    for (const [t, ms, ok] of s.points) {
      const j = index.get(Date.parse(t) / 1000);
      ys[j] = ms;
      if (!ok) failed[j] = ms;
    }
    data.push(ys);
    series.push({ label: `${s.location}${l.series.length > withData.length || new Set(withData.map((x) => x.check)).size > 1 ? ` (${s.check})` : ''}`,
      stroke: COLOURS[i % COLOURS.length], width: 1.5, spanGaps: true, value: (u, v) => (v == null ? '–' : `${v} ms`) });
  });
  data.push(failed);
  series.push({ label: 'failed', stroke: '#cf222e', width: 0, paths: () => null, points: { show: true, size: 7, fill: '#cf222e' },
    value: (u, v) => (v == null ? '–' : `${v} ms`) });
  const width = Math.max(320, box.clientWidth - 32);
  box.replaceChildren();
  // eslint-disable-next-line no-new
  // The x-axis spans the selected window, not just the points in it: a few probes a second
  // apart would otherwise stretch over the whole chart with a 2 ms scale.
  const range = [from.getTime() / 1000, to.getTime() / 1000];
  // The span the chart drew, for tests (uPlot sets its scales after the constructor returns).
  const drawn = (u, key) => { if (key === 'x') box.dataset.xSpanSeconds = String(Math.round(u.scales.x.max - u.scales.x.min)); };
  // eslint-disable-next-line no-new
  new uPlot({ width, height: 240, series, axes: [{}, { label: 'ms' }], scales: { x: { time: true, range: () => range } },
    hooks: { setScale: [drawn] } }, data, box);
  box.append(h('p', { class: 'muted' }, 'Each point is one probe (the slowest of its time slice when there are many); red dots failed.'));
}

async function failures(box, checks) {
  const rows = [];
  for (const c of checks) {
    try {
      const r = await getJson(`/api/v1/checks/${encodeURIComponent(c.id)}/results?limit=200`);
      for (const x of r.items) if (!x.ok) rows.push(x);
    } catch (e) { /* a check without results */ }
  }
  rows.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  if (!rows.length) { box.replaceChildren(h('p', { class: 'muted' }, 'No recent failures.')); return; }
  // A browser failure gets a row of its own below: the failing step, the screenshot and the timings.
  // The newest one is open; the others open on a click.
  let firstBrowser = true;
  box.replaceChildren(h('table', {},
    h('thead', {}, h('tr', {}, ['When', 'Check', 'Location', 'Kind', 'Failed step', 'What was seen'].map((t) => h('th', {}, t)))),
    h('tbody', {}, rows.slice(0, 30).flatMap((x) => {
      const row = h('tr', { class: 'failure' },
        h('td', {}, utc(x.startedAt)), h('td', {}, x.check), h('td', {}, x.location),
        h('td', {}, x.failure.kind), h('td', {}, x.failure.step || '–'), h('td', {}, x.failure.message));
      const d = x.diagnostics;
      if (!d || !(d.steps || d.screenshot || d.failedStep)) return [row];
      const open = firstBrowser;
      firstBrowser = false;
      return [row, h('tr', { class: 'failure-detail' }, h('td', { colspan: 6 },
        h('details', { open, class: 'browser-details' }, h('summary', {}, 'What the browser saw'), browserFailure(d))))];
    }))));
}

/** A browser check's failure: the failing step, the screenshot, step timings, navigation and vitals. */
function browserFailure(d) {
  const left = h('div', {});
  const f = d.failedStep;
  if (f) {
    const found = f.found && typeof f.found === 'object'
      ? Object.entries(f.found).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(', ')
      : f.found;
    left.append(h('dl', { class: 'facts failed-step' },
      h('dt', {}, 'Failed step'), h('dd', {}, `#${f.index} ${f.name || ''} (${f.action})`),
      f.selector ? [h('dt', {}, 'Selector'), h('dd', {}, h('code', {}, f.selector))] : null,
      found ? [h('dt', {}, 'Found'), h('dd', {}, found)] : null,
      d.url ? [h('dt', {}, 'Page'), h('dd', {}, d.url)] : null,
      d.title ? [h('dt', {}, 'Title'), h('dd', {}, d.title)] : null,
      d.consoleErrorCount ? [h('dt', {}, 'Console errors'), h('dd', {}, `${d.consoleErrorCount}: ${(d.consoleErrors || []).slice(0, 3).join(' | ')}`)] : null,
      d.failedRequestCount ? [h('dt', {}, 'Failed requests'), h('dd', {}, String(d.failedRequestCount))] : null));
  }
  const thumb = screenshotThumb(d.screenshot);
  if (thumb) left.append(thumb);
  const right = h('div', {});
  if (Array.isArray(d.steps) && d.steps.length) {
    const longest = Math.max(1, ...d.steps.map((s) => s.millis || 0));
    right.append(h('table', { class: 'steps', 'aria-label': 'Step timings' },
      h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, 'Step'), h('th', { class: 'num' }, 'ms'), h('th', {}, ''))),
      h('tbody', {}, d.steps.map((s, i) => h('tr', { class: s.ok === false ? 'failed step' : 'step' },
        h('td', { class: 'num' }, String(i + 1)),
        h('td', {}, `${s.name || ''} (${s.action || '?'})${s.ok === false ? ' ✖' : ''}`),
        h('td', { class: 'num' }, String(s.millis ?? '–')),
        h('td', { class: 'bar-cell' }, h('span', { class: s.ok === false ? 'step-bar failed' : 'step-bar',
          style: `width:${Math.max(1, Math.round(100 * (s.millis || 0) / longest))}%` })))))));
  }
  const nav = d.navigation && Object.entries(d.navigation).filter(([, v]) => typeof v === 'number');
  if (nav && nav.length) {
    right.append(h('p', { class: 'navigation' }, h('strong', {}, 'Navigation: '),
      nav.map(([k, v]) => `${k} ${Math.round(v)} ms`).join(', ')));
  }
  const vitals = d.vitals && Object.entries(d.vitals);
  if (vitals && vitals.length) {
    right.append(h('p', { class: 'vitals' }, h('strong', {}, 'Web Vitals: '),
      vitals.map(([k, v]) => (k === 'cls' ? `CLS ${v}` : `${k.toUpperCase()} ${Math.round(v)} ms`)).join(', ')));
  }
  return h('div', { class: 'browser-failure' }, left, right);
}
