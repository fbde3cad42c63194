// ferry dashboard: renders the server's snapshots, sent over one SSE
// stream. Every value from the server reaches the page through
// textContent or an attribute, never as HTML.
'use strict';
(() => {
  const csrf = document.querySelector('meta[name="ferry-csrf"]').content;
  const page = { snap: null, series: {}, busy: false };
  const stageSymbol = { preview: '◔', shift: '▶', cutover: '▶', drain: '◑', done: '✓', 'rolling-back': '↩', 'rolled-back': '↩', aborted: '✕', pending: '…' };
  const dangerous = { rollback: 'Put legacy back to 100% of the traffic and end the migration.', abort: 'End the migration and leave DNS exactly as it is, with nobody watching it.' };

  // el builds an element; children are nodes or strings (as text).
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === false || v == null) continue;
      if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) if (c != null) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }
  const svgEl = (tag, attrs) => {
    const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  };
  const pct = (x) => `${Math.round(x)}%`;
  const num = (x, d) => (x == null ? '–' : Number(x).toFixed(d));
  const clock = (t) => new Date(t).toLocaleTimeString([], { hour12: false });

  function badge(m) {
    let cls = 'live';
    if (m.stage === 'done') cls = 'good';
    else if (['rolled-back', 'rolling-back', 'aborted'].includes(m.stage) || m.alert) cls = 'bad';
    else if (m.paused) cls = 'warn';
    const text = `${stageSymbol[m.stage] || ''} ${m.stage}${m.paused ? ' (paused)' : ''}`;
    return el('span', { class: `badge ${cls}`, 'data-testid': 'stage' }, text);
  }

  function notices(m) {
    const n = [];
    const add = (label, text, alert) => text && n.push(el('p', { class: alert ? 'notice alert' : 'notice', role: alert ? 'alert' : null }, el('strong', {}, label), text));
    add('ALERT:', m.alert, true);
    add('Drift:', m.drift, true);
    add('Legacy failing:', m.legacyAlert, true);
    add('Retrying:', m.retrying, false);
    add('Reason:', m.reason, ['rolled-back', 'rolling-back'].includes(m.stage));
    add('Drain waits:', m.trafficError, false);
    if (m.pending) add('In flight:', m.pending, false);
    if (m.awaitingPromotion) add('Waiting:', 'the hold has passed; promote moves to the next step (manual promotion).', false);
    if (m.promotionRequested) add('Promotion:', 'waits for fresh probes of the cluster to pass.', false);
    if (m.stage === 'aborted' && m.weights.legacy > 0 && m.weights.cluster > 0) add('Unwatched:', `the split ${m.weights.legacy}/${m.weights.cluster} was left as it was; rollback puts legacy back.`, true);
    return n;
  }

  function bar(label, w, testid) {
    const parts = [];
    if (w == null) parts.push(el('span', { class: 'none' }, 'no traffic source'));
    else {
      if (w.legacy > 0) parts.push(el('span', { class: 'legacy', style: null }, `legacy ${pct(w.legacy)}`));
      if (w.cluster > 0) parts.push(el('span', { class: 'cluster' }, `cluster ${pct(w.cluster)}`));
    }
    const b = el('div', { class: 'bar', role: 'img', 'data-testid': testid, 'aria-label': w == null ? `${label}: unknown` : `${label}: legacy ${pct(w.legacy)}, cluster ${pct(w.cluster)}` }, parts);
    // Widths are set through the CSSOM: the page's policy allows no inline style attributes.
    if (w != null) [...b.children].forEach((s) => { s.style.flex = `0 0 ${s.className === 'legacy' ? w.legacy : w.cluster}%`; });
    return [el('span', {}, label, w == null ? null : el('span', { class: 'figure' }, ` ${Math.round(w.legacy)}/${Math.round(w.cluster)}`)), b];
  }

  function observed(key) {
    const s = (page.series[key] || []).filter((x) => x.o != null).slice(-5);
    if (!s.length) return null;
    let n = 0; let c = 0;
    for (const x of s) { n += x.n; c += (x.o * x.n) / 100; }
    return n ? { legacy: (100 * (n - c)) / n, cluster: (100 * c) / n, n } : null;
  }

  function split(m) {
    const obs = observed(m.key);
    const rows = [...bar('DNS weights', m.weights, 'weights')];
    if (m.target.legacy !== m.weights.legacy) rows.push(...bar('asked for', m.target, 'target'));
    rows.push(...bar(obs ? `observed (${obs.n} req)` : 'observed', obs, 'observed'));
    return el('div', { class: 'split' }, rows);
  }

  function chart(m) {
    const s = page.series[m.key] || [];
    const W = 600; const H = 180; const L = 34; const B = 18;
    const svg = svgEl('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'data-testid': 'chart' });
    const last = s[s.length - 1];
    const obs = observed(m.key);
    const title = svgEl('title', {});
    title.textContent = `Cluster share over time: DNS set to ${last ? last.w.cluster : m.weights.cluster}%` + (obs ? `, observed ${pct(obs.cluster)}` : ', no observed traffic');
    svg.append(title);
    for (const y of [0, 50, 100]) {
      const py = H - B - ((H - B - 6) * y) / 100;
      svg.append(svgEl('line', { class: 'grid', x1: L, x2: W, y1: py, y2: py }));
      const t = svgEl('text', { x: 2, y: py + 4 }); t.textContent = `${y}%`; svg.append(t);
    }
    if (s.length < 2) return svg;
    const t0 = s[0].t; const span = Math.max(1, s[s.length - 1].t - t0);
    const x = (t) => L + ((W - L - 4) * (t - t0)) / span;
    const y = (v) => H - B - ((H - B - 6) * v) / 100;
    let d = `M${x(s[0].t)},${y(s[0].w.cluster)}`;
    for (const p of s.slice(1)) d += ` H${x(p.t)} V${y(p.w.cluster)}`;
    svg.append(svgEl('path', { class: 'set', d }));
    const o = s.filter((p) => p.o != null);
    if (o.length > 1) svg.append(svgEl('path', { class: 'observed', d: o.map((p, i) => `${i ? 'L' : 'M'}${x(p.t)},${y(p.o)}`).join(' ') }));
    for (const [tx, anchor, label] of [[L, 'start', clock(t0)], [W - 4, 'end', clock(s[s.length - 1].t)]]) {
      const t = svgEl('text', { x: tx, y: H - 4, 'text-anchor': anchor }); t.textContent = label; svg.append(t);
    }
    return svg;
  }

  function steps(m) {
    const items = [['preview', 'preview'], ...m.steps.map((c, i) => [`shift:${i + 1}`, `${c}%`]), ['cutover', 'cutover'], ['drain', 'drain'], ['done', 'done']];
    const at = m.stage === 'shift' ? (m.step > 0 ? `shift:${m.step}` : 'preview') : m.stage;
    const idx = items.findIndex(([k]) => k === at);
    return el('ol', { class: 'steps', 'aria-label': `Steps; now at ${m.stage}${m.step > 0 ? ` step ${m.step} of ${m.steps.length}` : ''}` },
      items.map(([k, label], i) => {
        const cls = i === idx ? 'current' : (idx >= 0 && i < idx ? 'done' : '');
        return el('li', { class: cls, 'aria-current': i === idx ? 'step' : null }, `${i < idx ? '✓ ' : ''}${label}`);
      }));
  }

  function gates(m) {
    const g = m.gates;
    const row = (side) => {
      const h = m.health[side];
      if (!h) return el('tr', {}, el('th', { scope: 'row' }, side), el('td', { colspan: 5, class: 'unknown' }, 'no measurement yet'));
      const sym = { pass: '✓ pass', fail: '✕ fail', unknown: '? unknown' }[h.status] || h.status;
      return el('tr', { 'data-side': side },
        el('th', { scope: 'row' }, side),
        el('td', { class: h.status, 'data-testid': `gate-${side}` }, sym),
        el('td', { class: h.successRatio < g.successRatio ? 'num over' : 'num' }, `${num(h.successRatio, 3)} (≥ ${num(g.successRatio, 3)})`),
        el('td', { class: h.p99Ms > g.p99Ms ? 'num over' : 'num' }, `${num(h.p99Ms, 1)} ms (≤ ${num(g.p99Ms, 0)})`),
        el('td', { class: 'num', 'data-testid': `n-${side}` }, `${h.n} (≥ ${g.minRequests})`),
        el('td', { class: 'num' }, `${h.failing} of ${g.failures}`));
    };
    return el('div', { class: 'scroll' },
      el('table', { 'aria-label': 'Gates' },
        el('caption', { class: 'meta' }, `each side probed every ${g.intervalMs / 1000}s on ${g.paths.join(', ')}, judged over ${g.windowMs / 1000}s`),
        el('thead', {}, el('tr', {}, ['side', 'verdict', 'success', 'p99', 'probes', 'failing'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, row('cluster'), row('legacy'))),
      metricGates(m));
  }

  // metricGates shows each metric check's latest evaluation: the query,
  // the value against its threshold, the verdict and where it came from.
  function metricGates(m) {
    if (!m.metrics || m.metrics.length === 0) return el('p', { class: 'meta' }, 'metric gates: none configured, or no evaluation yet');
    const sym = { pass: '✓ pass', fail: '✕ fail', inconclusive: '? inconclusive' };
    const row = (e) => el('tr', { 'data-side': e.side, 'data-check': e.check },
      el('th', { scope: 'row' }, e.side),
      el('td', {}, e.check),
      el('td', { class: e.verdict === 'fail' ? 'fail' : e.verdict }, (sym[e.verdict] || e.verdict) + (e.idle ? ' (no traffic: not judged)' : '')),
      el('td', { class: e.verdict === 'fail' ? 'num over' : 'num', 'data-testid': `metric-${e.side}-${e.check}` },
        `${num(e.value, 4)} (${e.op === 'min' ? '≥' : '≤'} ${num(e.threshold, 4)})`),
      el('td', { class: 'num' }, `${e.failing}`),
      el('td', {}, el('code', {}, e.query), e.error ? el('small', {}, ` — ${e.error}`) : null, el('small', {}, ` — ${e.source}`)));
    return el('table', { 'aria-label': 'Metric gates' },
      el('caption', { class: 'meta' }, 'metric gates (Prometheus), latest evaluation of each check'),
      el('thead', {}, el('tr', {}, ['side', 'check', 'verdict', 'value', 'failing', 'query and source'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, m.metrics.map(row)));
  }

  function actions(m) {
    const reasons = m.commands.map((k) => m.allowed[k]);
    // One reason for every command (an ended migration) is said once.
    const shared = reasons.every((r) => r && r === reasons[0]) ? reasons[0] : null;
    const sharedId = `why-${m.key}`.replace(/[^a-zA-Z0-9-]/g, '-');
    const group = el('div', { class: 'actions', role: 'group', 'aria-label': 'Commands' }, m.commands.map((k) => {
      const why = m.allowed[k];
      const id = shared ? sharedId : `why-${m.key}-${k}`.replace(/[^a-zA-Z0-9-]/g, '-');
      const b = el('button', { type: 'button', class: dangerous[k] ? 'danger' : null, disabled: !!why || page.busy, 'data-command': k, 'data-focus': `${m.key}:${k}`, 'aria-describedby': why ? id : null, title: why || null }, k);
      b.addEventListener('click', () => command(m, k));
      return el('div', { class: 'action' }, b, why && !shared ? el('small', { id }, why) : null);
    }));
    return shared ? [group, el('p', { class: 'meta', id: sharedId }, `No command: ${shared}.`)] : group;
  }

  function traffic(m) {
    const t = m.traffic;
    if (!t) return el('p', { class: 'empty' }, 'No traffic source for this migration: requests per side appear here when one is connected (the demo\'s clients today; metric gates later).');
    return el('div', { class: 'scroll' }, el('table', { 'aria-label': 'Requests per stage' },
      el('thead', {}, el('tr', {}, ['stage', 'DNS l/c', 'requests', 'legacy', 'cluster', 'failed', 'failed l/c', 'p99 ms'].map((h, i) => el('th', { scope: 'col', class: i > 1 ? 'num' : null }, h)))),
      el('tbody', {}, (t.stages || []).map((s) => el('tr', {},
        el('td', {}, s.stage), el('td', {}, `${s.weights.legacy}/${s.weights.cluster}`),
        ...[s.requests.legacy + s.requests.cluster, s.requests.legacy, s.requests.cluster].map((v) => el('td', { class: 'num' }, v)),
        el('td', { class: s.failed ? 'num over' : 'num' }, s.failed),
        el('td', { class: 'num' }, s.failedPerSide ? `${s.failedPerSide.legacy}/${s.failedPerSide.cluster}` : '–'), el('td', { class: 'num' }, num(s.p99Ms, 2)))))));
  }

  function timeline(m) {
    const rows = [...m.timeline].reverse().slice(0, 60).map((e) => el('tr', { 'data-kind': e.kind },
      el('td', {}, clock(e.at)), el('td', {}, e.kind), el('td', {}, e.stage), el('td', {}, `${e.weights.legacy}/${e.weights.cluster}`), el('td', {}, e.message)));
    return el('div', { class: 'scroll' }, el('table', { class: 'timeline', 'aria-label': 'Timeline, newest first' },
      el('thead', {}, el('tr', {}, ['time', 'kind', 'stage', 'l/c', 'what and why'].map((h) => el('th', { scope: 'col' }, h)))), el('tbody', {}, rows)));
  }

  // hold says how long the current step has held, against its hold.
  function hold(m) {
    if (!['preview', 'shift'].includes(m.stage) || m.paused || !page.snap) return '';
    const held = Math.max(0, (Date.parse(page.snap.at) - Date.parse(m.since)) / 1000);
    return ` · held ${held.toFixed(0)}s of ${(m.holdMs / 1000).toFixed(0)}s`;
  }

  function card(m) {
    const step = (m.stage === 'shift' && m.step > 0 ? ` · step ${m.step}/${m.steps.length}` : '') + hold(m);
    return el('article', { class: 'migration', 'data-key': m.key, 'aria-labelledby': `h-${m.key}` },
      el('h2', { id: `h-${m.key}` }, `${m.service} · ${m.domain}`, badge(m)),
      el('p', { class: 'meta' }, `legacy ${m.legacy} → cluster ${m.cluster}${step} · ${m.promotion} promotion · parity ${m.parity} · `,
        m.runningBy ? `run by ${m.runningBy}` : (m.terminal ? 'ended' : 'nothing runs it: `ferry migrate start` resumes it')),
      notices(m), actions(m),
      el('div', { class: 'grid' },
        el('section', {}, el('h3', {}, 'Traffic split'), el('div', { 'data-part': 'split' }, split(m), chart(m)),
          el('ul', { class: 'legend' }, el('li', { class: 'set' }, 'cluster weight set in DNS'), el('li', { class: 'observed' }, 'cluster share observed'))),
        el('section', {}, el('h3', {}, 'Steps'), steps(m), el('h3', {}, 'Gates'), gates(m))),
      el('h3', {}, 'Requests per stage'), traffic(m),
      el('h3', {}, 'Timeline'), timeline(m));
  }

  // rollout says, in words, where a release's services are.
  function rollout(services) {
    if (!services || !services.length) return ['? no services', 'warn'];
    if (services.some((x) => x.missing)) return ['✕ a Deployment is missing', 'bad'];
    if (services.every((x) => x.ready === x.desired && x.updated === x.desired)) return ['✓ rolled out', 'good'];
    return ['▶ rolling out', 'live'];
  }

  function release(r) {
    const [state, cls] = rollout(r.services);
    const revs = r.revisions || [];
    const last = revs[revs.length - 1];
    const svc = (r.services || []).map((x) => el('tr', {},
      el('td', {}, x.service), el('td', {}, x.namespace),
      el('td', { class: x.missing || x.ready < x.desired ? 'num over' : 'num' }, x.missing ? 'missing' : `${x.ready}/${x.desired}`),
      el('td', { class: 'num' }, x.updated), el('td', { class: 'num' }, x.revision), el('td', {}, x.image), el('td', {}, (x.domains || []).join(', ') || '–')));
    const hist = [...revs].reverse().map((v) => el('tr', {},
      el('td', { class: 'num' }, v.revision), el('td', {}, new Date(v.time).toLocaleString([], { hour12: false })), el('td', {}, v.user), el('td', {}, v.path),
      el('td', {}, [v.service ? `only ${v.service}` : null, v.rollbackOf ? `rollback to ${v.rollbackOf}` : null, `${v.objectCount} objects`].filter(Boolean).join(' · '))));
    const table = (label, heads, rows) => el('div', { class: 'scroll' }, el('table', { 'aria-label': label },
      el('thead', {}, el('tr', {}, heads.map((h) => el('th', { scope: 'col' }, h)))), el('tbody', {}, rows)));
    return el('article', { class: 'migration', 'data-release': r.name },
      el('h2', {}, `${r.name} · namespace ${r.namespace}`, el('span', { class: `badge ${cls}`, 'data-testid': 'rollout' }, state)),
      el('p', { class: 'meta' }, last ? `revision ${last.revision}, deployed ${new Date(last.time).toLocaleString([], { hour12: false })} by ${last.user} from ${last.path}` : 'no revision'),
      r.error ? el('p', { class: 'notice alert', role: 'alert' }, el('strong', {}, 'Cannot read:'), r.error) : null,
      el('h3', {}, 'Services'), table('Services', ['service', 'namespace', 'ready', 'up-to-date', 'revision', 'image', 'domains'], svc),
      el('h3', {}, 'History'), table('History, newest first', ['revision', 'time', 'by', 'file', 'what'], hist));
  }

  function render() {
    const s = page.snap;
    if (!s) return;
    const focus = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.focus : null;
    const box = document.getElementById('migrations');
    box.replaceChildren(...(s.migrations && s.migrations.length ? s.migrations.map(card)
      : [el('p', { class: 'empty' }, 'No migrations in the sources below yet: `ferry migrate start SERVICE` (or `ferry demo --web`) makes one.')]));
    const dep = document.getElementById('deploys');
    dep.hidden = !s.deploySources;
    document.getElementById('releases').replaceChildren(...(s.releases && s.releases.length ? s.releases.map(release)
      : [el('p', { class: 'empty' }, 'No release recorded by `ferry deploy` in the deploy sources below.')]));
    document.getElementById('sources').replaceChildren(...[...(s.sources || []), ...(s.deploySources || [])].map((x) => el('li', {}, x.name, x.error ? el('span', { class: 'fail' }, ` — cannot be read: ${x.error}`) : null)));
    document.getElementById('absent').replaceChildren(...(s.absent || []).map((x) => el('li', {}, x)));
    if (focus) { const f = box.querySelector(`[data-focus="${CSS.escape(focus)}"]`); if (f && !f.disabled) f.focus(); }
  }

  function toast(msg, error) {
    const t = document.getElementById('toast');
    t.textContent = msg; t.hidden = false; t.classList.toggle('error', !!error);
    clearTimeout(toast.timer); toast.timer = setTimeout(() => { t.hidden = true; }, 8000);
  }

  function confirmDanger(m, kind) {
    const d = document.getElementById('confirm');
    document.getElementById('confirm-title').textContent = `${kind} the migration of ${m.domain}?`;
    document.getElementById('confirm-text').textContent = dangerous[kind];
    document.getElementById('confirm-ok').textContent = `Yes, ${kind}`;
    return new Promise((resolve) => {
      const done = (v) => { d.close(); resolve(v); };
      document.getElementById('confirm-ok').onclick = () => done(true);
      document.getElementById('confirm-cancel').onclick = () => done(false);
      d.oncancel = () => resolve(false);
      d.showModal();
      document.getElementById('confirm-cancel').focus();
    });
  }

  async function command(m, kind) {
    if (dangerous[kind] && !(await confirmDanger(m, kind))) return;
    page.busy = true; render();
    try {
      const r = await fetch(`/api/migrations/${m.source}/${encodeURIComponent(m.domain)}/${kind}`, { method: 'POST', headers: { 'X-Ferry-CSRF': csrf } });
      const body = await r.json().catch(() => ({ message: `${r.status} ${r.statusText}` }));
      toast(body.message, !r.ok);
    } catch (e) {
      toast(`${kind} not sent: ${e}`, true);
    } finally {
      page.busy = false; render();
    }
  }

  function connect() {
    const conn = document.getElementById('conn');
    const es = new EventSource('/api/stream');
    es.onopen = () => { conn.textContent = 'live'; conn.dataset.state = 'live'; };
    es.onerror = () => { conn.textContent = 'connection lost; reconnecting…'; conn.dataset.state = 'lost'; };
    es.addEventListener('history', (e) => { page.series = JSON.parse(e.data); });
    es.addEventListener('snapshot', (e) => { page.snap = JSON.parse(e.data); render(); });
    // New chart points redraw only the split and the chart: the rest of
    // the page (buttons, focus, a selection) stays as it is.
    es.addEventListener('samples', (e) => {
      for (const [k, smp] of Object.entries(JSON.parse(e.data))) (page.series[k] = page.series[k] || []).push(smp);
      for (const m of (page.snap && page.snap.migrations) || []) {
        const part = document.querySelector(`article[data-key="${CSS.escape(m.key)}"] [data-part="split"]`);
        if (part) part.replaceChildren(split(m), chart(m));
      }
    });
  }
  connect();
})();
