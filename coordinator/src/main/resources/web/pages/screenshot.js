// One screenshot at full size: where the notification's and the failure's "screenshot" links lead.
import { h, screenshotUrl } from '/ui/lib.js';

export async function render(root, app, id) {
  const img = h('img', { src: screenshotUrl(id), alt: 'Screenshot of the page when the browser check failed', id: 'screenshot-full' });
  const missing = h('p', { class: 'notice', hidden: true },
    'This screenshot is not available: unknown, or older than the retention of raw results.');
  img.addEventListener('error', () => { img.hidden = true; missing.hidden = false; });
  root.append(
    h('p', {}, h('a', { href: 'javascript:history.back()' }, '← back')),
    h('h1', {}, 'Screenshot'),
    h('p', { class: 'muted' }, 'What the browser showed when the check failed (inputs typed from secrets are blanked). ',
      h('a', { href: screenshotUrl(id), target: '_blank', rel: 'noopener' }, 'Open the PNG')),
    missing,
    h('div', { class: 'shot-full card' }, img));
}
