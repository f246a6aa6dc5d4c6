// The fleet: every agent with its state, when it was last heard from and its load; every location,
// with those that have no live agent (so nothing probes from there) highlighted.
import { getJson, h, utc, badge, duration, notAvailable } from '/ui/lib.js';

function ago(iso) {
  if (!iso) return '–';
  const s = (Date.now() - Date.parse(iso)) / 1000;
  return s < 1 ? 'just now' : `${duration(s)} ago`;
}

function agentState(state) {
  return state === 'live'
    ? badge('UP', '✔', 'LIVE', 'Live: it sent a heartbeat recently', state)
    : badge('DOWN', '✖', 'LOST', 'Lost: no heartbeat for too long; its checks move to other agents', state);
}

function locationState(state) {
  if (state === 'covered') return badge('UP', '✔', 'COVERED', 'At least one live agent probes from here', state);
  if (state === 'no-browser-agents') {
    return badge('DEGRADED', '◐', 'NO BROWSER',
      'Live agents probe from here, but none can run browser checks (no usable Chromium on their hosts): its browser checks are not run', state);
  }
  return badge('DOWN', '✖', 'NO AGENTS', 'No live agent: nothing probes from this location', state);
}

export async function render(root, app) {
  root.append(h('h1', {}, 'Agents'));
  const locBox = h('div', { id: 'locations' });
  const agentBox = h('div', { id: 'agents' });
  root.append(h('h2', {}, 'Locations'), locBox, h('h2', {}, 'Agents'), agentBox);

  const load = async () => {
    try {
      const [agents, locations] = await Promise.all([getJson('/api/v1/agents'), getJson('/api/v1/locations')]);
      const locs = locations.items || [];
      const empty = locs.filter((l) => l.state !== 'covered' && l.state !== 'no-browser-agents');
      const noBrowser = locs.filter((l) => l.state === 'no-browser-agents');
      locBox.replaceChildren(...[
        empty.length
          ? h('p', { class: 'error', role: 'alert' }, `✖ No live agent in ${empty.map((l) => l.id).join(', ')}: checks assigned there are not probed from it.`)
          : null,
        noBrowser.length
          ? h('p', { class: 'error', role: 'alert' }, `◐ No agent that can run browser checks in ${noBrowser.map((l) => l.id).join(', ')}: its browser checks are not run (install Chromium on an agent's host there).`)
          : null,
        h('table', {},
          h('thead', {}, h('tr', {}, h('th', {}, 'Location'), h('th', {}, 'State'), h('th', { class: 'num' }, 'Live agents'), h('th', { class: 'num' }, 'Checks'))),
          h('tbody', {}, locs.map((l) => h('tr', { class: l.state === 'covered' ? '' : 'uncovered', dataset: { location: l.id, state: l.state } },
            h('td', {}, l.id), h('td', {}, locationState(l.state)),
            h('td', { class: 'num' }, String(l.liveAgents)), h('td', { class: 'num' }, String(l.checks))))))].filter(Boolean));
      const items = agents.items || [];
      agentBox.replaceChildren(items.length
        ? h('table', {},
          h('thead', {}, h('tr', {}, ['Agent', 'Location', 'State', 'Last seen', 'Load', 'Checks assigned', 'Buffered results', 'Host', 'Version']
            .map((c) => h('th', {}, c)))),
          h('tbody', {}, items.map((a) => h('tr', { dataset: { agent: a.id, state: a.state } },
            h('td', {}, a.id),
            h('td', {}, a.location),
            h('td', {}, agentState(a.state)),
            h('td', { title: utc(a.lastSeen) }, ago(a.lastSeen), h('span', { class: 'sub' }, utc(a.lastSeen))),
            h('td', { class: 'num', title: `${a.inFlight} probes running of a capacity of ${a.capacity}` },
              `${a.inFlight} / ${a.capacity}`,
              h('span', { class: 'meter', 'aria-hidden': 'true' },
                h('span', { style: `width:${a.capacity > 0 ? Math.min(100, Math.round((100 * a.inFlight) / a.capacity)) : 0}%` }))),
            h('td', { class: 'num' }, String(a.assigned)),
            h('td', { class: 'num' }, String(a.buffered)),
            h('td', {}, a.host),
            h('td', {}, a.version)))))
        : h('p', { class: 'muted' }, 'No agent has registered yet.'));
    } catch (e) {
      agentBox.replaceChildren(notAvailable('Agents', e));
    }
  };
  await load();
  app.every(3000, load);
}
