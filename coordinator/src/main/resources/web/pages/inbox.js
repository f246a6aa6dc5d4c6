// The demo inbox: every notification the local demo receivers got, newest first, as each team
// would have received it: channel, kind, summary, the failing step and actual value, the runbook.
import { getJson, h, utc, notAvailable } from '/ui/lib.js';
import { kindBadge } from '/ui/pages/incidents.js';

// The details a responder reads first come first, under these names; any others follow as they are.
const LABELS = {
  failingStep: 'Failing step', actual: 'Actual value', check: 'Check', location: 'Location', failureKind: 'Failure',
  rootCause: 'Root cause', exposedServices: 'Also affected', since: 'Since', tier: 'Tier', target: 'Target %',
};
const ORDER = Object.keys(LABELS);
const rank = (k) => (ORDER.includes(k) ? ORDER.indexOf(k) : ORDER.length);

function detailList(details) {
  const entries = Object.entries(details || {}).filter(([k]) => k !== 'runbook').sort(([a], [b]) => rank(a) - rank(b));
  if (!entries.length) return null;
  return h('dl', { class: 'facts' }, entries.flatMap(([k, v]) =>
    [h('dt', {}, LABELS[k] || k), h('dd', { dataset: { detail: k } }, k === 'since' ? utc(v) : v)]));
}

export async function render(root, app) {
  root.append(h('h1', {}, 'Inbox'),
    h('p', { class: 'muted' }, 'What each team would have received. In the demo every channel (PagerDuty, e-mail, '
      + 'Slack, webhooks) delivers here instead; real channels are a configuration change away.'));
  const filter = h('select', { id: 'inbox-team', 'aria-label': 'Show the messages of one team' },
    h('option', { value: '' }, 'every team'));
  root.append(h('p', {}, h('label', {}, 'Team: ', filter)));
  const box = h('div', { id: 'inbox' });
  root.append(box);
  let last = [];

  function draw() {
    const team = filter.value;
    const items = last.filter((n) => !team || n.team === team);
    if (!items.length) {
      box.replaceChildren(h('p', { class: 'muted' }, 'Nothing received yet. Break a service from the demo panel on the overview.'));
      return;
    }
    box.replaceChildren(...items.map((n) => h('article', {
      class: `card message${n.page ? ' message-page' : ''}`,
      dataset: { key: n.key, team: n.team, kind: n.kind, incident: n.incident || '', service: n.service || '', page: String(n.page) },
    },
    h('div', { class: 'message-head' },
      kindBadge(n),
      h('strong', { class: 'team' }, `to ${n.team}`),
      h('span', { class: 'muted' }, `via ${n.channel}`),
      h('span', { class: 'muted at' }, utc(n.at))),
    h('p', { class: 'summary-line' }, n.summary),
    detailList(n.details),
    h('p', { class: 'links' },
      n.details && n.details.runbook ? h('a', { href: n.details.runbook, target: '_blank', rel: 'noopener', class: 'runbook' }, '☰ Runbook') : null,
      n.incident ? h('a', { href: '#/incidents', class: 'incident-link' }, ` Incident ${n.incident}`) : null))));
  }

  filter.addEventListener('change', draw);
  const load = async () => {
    try {
      const r = await getJson('/api/v1/demo/inbox');
      last = [...(r.items || [])].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
      const teams = [...new Set(last.map((n) => n.team))].sort();
      const have = [...filter.options].map((o) => o.value);
      for (const t of teams) if (!have.includes(t)) filter.append(h('option', { value: t }, t));
      draw();
    } catch (e) { box.replaceChildren(notAvailable('The inbox', e)); }
  };
  await load();
  app.every(3000, load);
}
