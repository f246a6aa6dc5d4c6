package io.nines.agent.browser;

import io.vertx.core.json.JsonObject;

/**
 * The JavaScript the browser probe runs in pages. {@link #call} builds one self-contained
 * expression per operation (nothing is left in the page's globals but the vitals record), so a
 * page's own scripts can't break the probe's helpers between steps.
 */
final class PageScripts {
  private PageScripts() {}

  /**
   * Installed before every document's own scripts ({@code Page.addScriptToEvaluateOnNewDocument}):
   * PerformanceObservers for LCP, FCP, CLS, INP (the longest interaction) and the first input's
   * delay, into {@code window.__ninesVitals}.
   */
  static final String VITALS =
      """
      (() => {
        if (window.__ninesVitals) return;
        const v = window.__ninesVitals = {lcp: null, fcp: null, cls: 0, inp: null, fid: null};
        const watch = (type, f, extra) => {
          try {
            new PerformanceObserver(l => l.getEntries().forEach(f))
                .observe(Object.assign({type: type, buffered: true}, extra || {}));
          } catch (e) {}
        };
        watch('largest-contentful-paint', e => { v.lcp = e.renderTime || e.loadTime || e.startTime; });
        watch('paint', e => { if (e.name === 'first-contentful-paint') v.fcp = e.startTime; });
        watch('layout-shift', e => { if (!e.hadRecentInput) v.cls += e.value; });
        watch('event', e => { if (e.interactionId) v.inp = Math.max(v.inp || 0, e.duration); },
            {durationThreshold: 16});
        watch('first-input', e => { v.fid = e.processingStart - e.startTime; });
      })();
      """;

  private static final String HELPERS =
      """
      (function(op, a) {
        const norm = t => (t == null ? '' : String(t)).replace(/\\s+/g, ' ').trim();
        const visible = el => {
          if (!el || !el.isConnected) return false;
          const s = getComputedStyle(el);
          if (s.visibility === 'hidden' || s.display === 'none' || s.opacity === '0') return false;
          const r = el.getBoundingClientRect();
          return r.width > 0 && r.height > 0;
        };
        const matches = (have, want, exact) =>
            exact ? norm(have) === norm(want) : norm(have).includes(norm(want));
        const textOf = el => norm(el.innerText !== undefined ? el.innerText : el.textContent);
        const roleOf = el => {
          const explicit = el.getAttribute('role');
          if (explicit) return explicit.split(' ')[0];
          const t = el.tagName.toLowerCase();
          const type = (el.getAttribute('type') || '').toLowerCase();
          switch (t) {
            case 'button': return 'button';
            case 'a': case 'area': return el.hasAttribute('href') ? 'link' : null;
            case 'input':
              if (['button', 'submit', 'reset', 'image'].includes(type)) return 'button';
              if (type === 'checkbox') return 'checkbox';
              if (type === 'radio') return 'radio';
              if (type === 'range') return 'slider';
              if (type === 'number') return 'spinbutton';
              if (type === 'search') return 'searchbox';
              if (['', 'text', 'email', 'tel', 'url', 'password'].includes(type)) return 'textbox';
              return null;
            case 'textarea': return 'textbox';
            case 'select': return (el.multiple || el.size > 1) ? 'listbox' : 'combobox';
            case 'option': return 'option';
            case 'h1': case 'h2': case 'h3': case 'h4': case 'h5': case 'h6': return 'heading';
            case 'img': return el.getAttribute('alt') === '' ? null : 'img';
            case 'ul': case 'ol': return 'list';
            case 'li': return 'listitem';
            case 'nav': return 'navigation';
            case 'main': return 'main';
            case 'form': return 'form';
            case 'table': return 'table';
            case 'tr': return 'row';
            case 'td': return 'cell';
            case 'th': return 'columnheader';
            case 'dialog': return 'dialog';
            case 'article': return 'article';
            case 'header': return 'banner';
            case 'progress': return 'progressbar';
            case 'search': return 'search';
            case 'section':
              return el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby')
                  ? 'region' : null;
          }
          return null;
        };
        const nameOf = el => {
          const label = el.getAttribute('aria-label');
          if (label) return norm(label);
          const by = el.getAttribute('aria-labelledby');
          if (by) return norm(by.split(/\\s+/).map(id => {
            const e = document.getElementById(id);
            return e ? e.textContent : '';
          }).join(' '));
          if (el.labels && el.labels.length) {
            return norm(Array.from(el.labels).map(l => l.textContent).join(' '));
          }
          const t = el.tagName.toLowerCase();
          const type = (el.getAttribute('type') || '').toLowerCase();
          if (t === 'input' && ['button', 'submit', 'reset'].includes(type)) {
            return norm(el.value || (type === 'submit' ? 'Submit' : type === 'reset' ? 'Reset' : ''));
          }
          if (t === 'img' || (t === 'input' && type === 'image')) return norm(el.getAttribute('alt'));
          if (!['input', 'textarea', 'select'].includes(t)) {
            const text = textOf(el);
            if (text) return text;
          }
          return norm(el.getAttribute('title') || el.getAttribute('placeholder') || '');
        };
        const findAll = s => {
          if (s.kind === 'CSS') return Array.from(document.querySelectorAll(s.value));
          const root = document.body || document.documentElement;
          const all = root ? Array.from(root.querySelectorAll('*')) : [];
          if (s.kind === 'TEXT') {
            const skip = ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'HEAD', 'TITLE'];
            const hits = all.filter(el => !skip.includes(el.tagName)
                && matches(textOf(el), s.value, false)
                && (!s.exact || matches(textOf(el), s.value, true)));
            return hits.filter(el => !hits.some(o => o !== el && el.contains(o)));
          }
          return all.filter(el => roleOf(el) === s.value
              && (s.name == null || matches(nameOf(el), s.name, s.exact)));
        };
        const describe = el => {
          const t = el.tagName.toLowerCase();
          return '<' + t + (el.id ? ' id="' + el.id + '"' : '')
              + (el.getAttribute('name') ? ' name="' + el.getAttribute('name') + '"' : '') + '>';
        };
        const first = s => { const els = findAll(s); return els.find(visible) || els[0]; };
        const locate = (s, scroll) => {
          let els;
          try { els = findAll(s); } catch (e) { return {error: String(e && e.message || e)}; }
          const vis = els.find(visible);
          const r = {count: els.length, visible: !!vis};
          const el = vis || els[0];
          if (el) {
            r.element = describe(el);
            r.text = textOf(el).slice(0, 200);
          }
          if (vis) {
            if (scroll) vis.scrollIntoView({block: 'center', inline: 'center', behavior: 'instant'});
            const b = vis.getBoundingClientRect();
            r.x = b.left + b.width / 2;
            r.y = b.top + b.height / 2;
            r.disabled = !!vis.disabled;
            const top = document.elementFromPoint(r.x, r.y);
            if (top && top !== vis && !vis.contains(top)) r.covered = describe(top);
            // Actionable for a click: the page has loaded (its stylesheets too, so the element
            // will not move under the pointer) and the element is where it was at the last look.
            r.loaded = document.readyState === 'complete';
            const rect = [b.left, b.top, b.width, b.height].join(',');
            r.stable = window.__ninesLastRect === rect;
            window.__ninesLastRect = rect;
          }
          return r;
        };
        const page = () => ({url: location.href, title: document.title,
            text: norm(document.body ? document.body.innerText : '').slice(0, 300)});
        switch (op) {
          case 'locate': return locate(a.s, a.scroll);
          case 'focus': {
            const r = locate(a.s, true);
            if (r.visible) {
              const el = first(a.s);
              el.focus();
              if (a.clear && 'value' in el) {
                el.value = '';
                el.dispatchEvent(new Event('input', {bubbles: true}));
              }
              if (a.secret) el.setAttribute('data-nines-secret', '');
            }
            return r;
          }
          case 'changed': {
            const el = first(a.s);
            if (el) el.dispatchEvent(new Event('change', {bubbles: true}));
            return true;
          }
          case 'select': {
            const r = locate(a.s, true);
            if (!r.visible) return r;
            const el = first(a.s);
            if (el.tagName !== 'SELECT') { r.notSelect = true; return r; }
            const opts = Array.from(el.options);
            const opt = opts.find(o => o.value === a.v) || opts.find(o => norm(o.label) === norm(a.v));
            if (!opt) { r.options = opts.map(o => o.value).slice(0, 20); return r; }
            el.value = opt.value;
            el.dispatchEvent(new Event('input', {bubbles: true}));
            el.dispatchEvent(new Event('change', {bubbles: true}));
            r.selected = opt.value;
            return r;
          }
          case 'read': {
            const r = locate(a.s, false);
            if (r.error || !r.count) return r;
            const el = first(a.s);
            r.value = a.attr ? el.getAttribute(a.attr)
                : ('value' in el && el.tagName !== 'BUTTON' && el.tagName !== 'LI')
                    ? el.value : textOf(el);
            return r;
          }
          case 'cond': {
            const p = page();
            if (a.kind === 'visible' || a.kind === 'hidden') {
              const r = locate(a.s, false);
              return {ok: !r.error && (a.kind === 'visible' ? r.visible : !r.visible), found: r, page: p};
            }
            if (a.kind === 'text') {
              if (a.s) {
                const r = locate(a.s, false);
                const el = r.error || !r.count ? null : first(a.s);
                const t = el ? textOf(el) : null;
                return {ok: t != null && t.includes(norm(a.t)), found: r,
                    seen: t == null ? null : t.slice(0, 300), page: p};
              }
              const t = norm(document.body ? document.body.innerText : '');
              return {ok: t.includes(norm(a.t)), seen: t.slice(0, 300), page: p};
            }
            if (a.kind === 'url') return {ok: location.href.includes(a.t), page: p};
            return {ok: document.title.includes(a.t), page: p};
          }
          case 'mask': {
            let n = 0;
            document.querySelectorAll('[data-nines-secret], input[type=password]').forEach(el => {
              if ('value' in el && el.value) { el.__ninesMasked = el.value; el.value = ''; n++; }
            });
            return n;
          }
          case 'unmask': {
            document.querySelectorAll('[data-nines-secret], input[type=password]').forEach(el => {
              if (el.__ninesMasked !== undefined) { el.value = el.__ninesMasked; delete el.__ninesMasked; }
            });
            return true;
          }
          case 'page': return page();
          case 'metrics': {
            const nav = performance.getEntriesByType('navigation')[0];
            const v = window.__ninesVitals || {};
            const m = {vitals: {lcp: v.lcp, fcp: v.fcp, cls: v.cls, inp: v.inp, fid: v.fid}};
            if (nav) {
              m.navigation = {dns: nav.domainLookupEnd, connect: nav.connectEnd,
                  tls: nav.secureConnectionStart > 0 ? nav.connectEnd : null,
                  firstByte: nav.responseStart,
                  domContentLoaded: nav.domContentLoadedEventEnd || null,
                  load: nav.loadEventEnd || null};
            }
            return m;
          }
        }
        return null;
      })""";

  /** The expression that runs helper {@code op} with {@code args} and returns its JSON value. */
  static String call(String op, JsonObject args) {
    return HELPERS + "(" + new JsonObject().put("op", op).encode() + ".op, " + args.encode() + ")";
  }

  /** A selector as the helpers take it. */
  static JsonObject selector(io.nines.config.BrowserStep.Selector s) {
    return new JsonObject()
        .put("kind", s.kind().name())
        .put("value", s.value())
        .put("name", s.name())
        .put("exact", s.exact());
  }
}
