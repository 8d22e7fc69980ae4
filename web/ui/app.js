/*
 * HoneySpy console: the shell (login, navigation, hash routes) and the
 * Overview, Live and Events pages.  Sensors, Attacker and Session pages
 * are in sensors.js and session.js.  See util.js for the safety rules.
 */
'use strict';

(function () {
  const { el, vis, clear, route, link } = HS;
  const main = () => document.getElementById('main');

  /* What the current page must stop when it is left (timers, streams). */
  let cleanups = [];
  HS.onLeave = (fn) => cleanups.push(fn);
  function leave() {
    for (const fn of cleanups) {
      try { fn(); } catch (e) { /* a page's own cleanup failing is no reason to stay */ }
    }
    cleanups = [];
  }

  HS.pages = {};

  /* ----------------------------------------------------------- login */

  let afterLogin = '';

  function showLogin(message) {
    leave();
    HS.csrf = '';
    HS.user = '';
    document.body.classList.add('logged-out');
    document.getElementById('whoami').textContent = '';
    if (location.hash && !location.hash.startsWith('#/login'))
      afterLogin = location.hash;
    const err = el('p', { id: 'login-error', class: 'error', role: 'alert',
      'aria-live': 'polite' });
    if (message)
      err.textContent = message;
    const user = el('input', { id: 'login-user', name: 'user', autocomplete: 'username',
      required: true, spellcheck: 'false' });
    const pass = el('input', { id: 'login-password', name: 'password', type: 'password',
      autocomplete: 'current-password', required: true });
    const btn = el('button', { type: 'submit', id: 'login-submit', text: 'Log in' });
    const form = el('form', { id: 'login-form', class: 'login',
      on: { submit: async (e) => {
        e.preventDefault();
        btn.disabled = true;
        err.textContent = '';
        try {
          const r = await HS.api('POST', '/api/login', { user: user.value, password: pass.value });
          loggedIn(r);
          const to = afterLogin && afterLogin !== '#/' ? afterLogin : '#/overview';
          afterLogin = '';
          if (location.hash === to)
            render();
          else
            location.hash = to;
        } catch (ex) {
          err.textContent = ex.message;
          pass.value = '';
          pass.focus();
        } finally {
          btn.disabled = false;
        }
      } } },
      el('h1', {}, 'HoneySpy'),
      el('p', { class: 'muted', text: 'Master console' }),
      el('label', { for: 'login-user', text: 'User' }), user,
      el('label', { for: 'login-password', text: 'Password' }), pass,
      btn, err);
    const m = clear(main());
    m.appendChild(form);
    user.focus();
  }

  function loggedIn(r) {
    HS.csrf = r.csrf || '';
    HS.user = r.user || '';
    document.body.classList.remove('logged-out');
    const who = document.getElementById('whoami');
    clear(who).appendChild(vis(HS.user));
  }

  HS.onLoggedOut = (msg) => {
    if (!document.body.classList.contains('logged-out'))
      showLogin(msg === 'not logged in' ? '' : msg);
  };

  async function logout() {
    try {
      await HS.api('POST', '/api/logout', {});
    } catch (e) { /* logged out either way */ }
    showLogin('You are logged out.');
    history.replaceState(null, '', '#/login');
  }

  /* ---------------------------------------------------------- router */

  function parseHash() {
    let h = location.hash.replace(/^#\/?/, '');
    let query = '';
    const qi = h.indexOf('?');
    if (qi >= 0) {
      query = h.slice(qi + 1);
      h = h.slice(0, qi);
    }
    const parts = h.split('/').filter((p) => p !== '').map((p) => {
      try { return decodeURIComponent(p); } catch (e) { return p; }
    });
    return { page: parts[0] || 'overview', args: parts.slice(1),
      query: new URLSearchParams(query) };
  }

  async function render() {
    if (!HS.csrf) {
      try {
        loggedIn(await HS.api('GET', '/api/me'));
      } catch (e) {
        showLogin(e.message === 'not logged in' ? '' : e.message);
        return;
      }
    }
    leave();
    const r = parseHash();
    if (r.page === 'login') {
      location.hash = '#/overview';
      return;
    }
    const page = HS.pages[r.page] || HS.pages.overview;
    for (const a of document.querySelectorAll('#nav a')) {
      if (a.dataset.page === r.page)
        a.setAttribute('aria-current', 'page');
      else
        a.removeAttribute('aria-current');
    }
    /* Each page draws into a view of its own: what a page still loading
     * adds after the next one replaced it goes nowhere. */
    const m = clear(main());
    m.dataset.page = r.page;
    const view = el('div', { class: 'view' });
    m.appendChild(view);
    try {
      await page(view, r.args, r.query);
    } catch (e) {
      if (e.status !== 401)
        view.appendChild(el('p', { class: 'error', text: e.message }));
    }
  }
  HS.render = render;

  /* ----------------------------------------------------- shared parts */

  HS.section = (title, ...body) => el('section', { class: 'card' },
    el('h2', { text: title }), ...body);

  HS.errorBox = (e) => el('p', { class: 'error', text: e && e.message ? e.message : String(e) });

  /* Short, visible summary of what an event carries from the attacker. */
  const SUMMARY_KEYS = ['command', 'username', 'password', 'url', 'query', 'usernames',
    'input', 'output',
    'message', 'description', 'rule', 'call', 'error', 'bytes_in', 'bytes_out',
    'duration', 'detections'];
  const FINGERPRINT_KEYS = ['os', 'distance', 'uptime', 'link', 'mtu'];
  /* Fields every row shows in its own columns, or nobody needs there. */
  const ROW_KEYS = new Set(['timestamp', 'eventid', 'sensor', 'session', 'protocol',
    'src_ip', 'src_port', 'dst_ip', 'dst_port', 'service', 'community_id', 'id']);
  HS.eventSummary = function eventSummary(ev) {
    const frag = document.createDocumentFragment();
    let first = true;
    const present = (k) => ev[k] !== undefined && ev[k] !== null && ev[k] !== '';
    let keys = (ev.eventid === 'honeyspy.host.fingerprint' ? FINGERPRINT_KEYS : SUMMARY_KEYS).filter(present);
    /* An event of another kind: its own fields, the first few. */
    if (keys.length === 0)
      keys = Object.keys(ev).filter((k) => !ROW_KEYS.has(k) && k !== 'os' && !k.endsWith('_encoding')).slice(0, 8);
    for (const k of keys) {
      if (!first)
        frag.appendChild(document.createTextNode('  '));
      first = false;
      frag.appendChild(el('span', { class: 'key', text: k + '=' }));
      frag.appendChild(el('span', { class: 'val' }, HS.fieldVis(ev, k)));
    }
    return frag;
  };

  HS.eventClass = function eventClass(id) {
    const s = String(id || '');
    if (s.startsWith('honeyspy.detect.'))
      return 'ev-detect';
    if (s.startsWith('honeyspy.login.'))
      return 'ev-login';
    if (s.startsWith('honeyspy.sensor.'))
      return 'ev-sensor';
    if (s.startsWith('honeyspy.packet.') || s.startsWith('honeyspy.host.'))
      return 'ev-packet';
    return 'ev-session';
  };

  function addrCell(ev) {
    const td = el('td', { class: 'addr' });
    if (ev.src_ip) {
      td.appendChild(link(ev.src_ip, 'attacker', ev.src_ip));
      if (ev.src_port !== undefined)
        td.appendChild(document.createTextNode(':' + ev.src_port));
    }
    if (ev.dst_ip || ev.dst_port !== undefined) {
      td.appendChild(el('span', { class: 'arrow', text: ' → ' }));
      td.appendChild(vis((ev.dst_ip || '') + (ev.dst_port !== undefined ? ':' + ev.dst_port : '')));
    }
    return td;
  }

  /* One event as a table row; a click on it shows the whole event. */
  HS.eventRow = function eventRow(ev, cols) {
    const tr = el('tr', { class: 'event ' + HS.eventClass(ev.eventid),
      'data-eventid': HS.visText(ev.eventid) });
    tr.appendChild(el('td', { class: 'time', text: HS.fmtTime(ev.timestamp),
      title: String(ev.timestamp || '') }));
    tr.appendChild(el('td', { class: 'sensor' }, vis(ev.sensor)));
    tr.appendChild(el('td', { class: 'eventid' }, vis(String(ev.eventid || '').replace(/^honeyspy\./, ''))));
    tr.appendChild(addrCell(ev));
    const svc = el('td', { class: 'service' }, vis(ev.service || ev.protocol || ''));
    tr.appendChild(svc);
    const sum = el('td', { class: 'summary' }, HS.eventSummary(ev));
    if (ev.session && ev.sensor && ev.src_ip) {
      sum.insertBefore(el('a', { class: 'session-link',
        href: route('session', ev.sensor, ev.session, ev.src_ip), text: 'session' }), sum.firstChild);
      sum.insertBefore(document.createTextNode(' '), sum.firstChild.nextSibling);
    }
    tr.appendChild(sum);
    tr.addEventListener('click', (e) => {
      if (e.target.closest('a'))
        return;
      const next = tr.nextElementSibling;
      if (next && next.classList.contains('detail')) {
        next.remove();
        return;
      }
      const d = el('tr', { class: 'detail' },
        el('td', { colspan: cols || 6 }, el('pre', { class: 'json' }, HS.jsonVis(ev))));
      tr.after(d);
    });
    return tr;
  };

  HS.eventTable = function eventTable(id) {
    return el('table', { class: 'events', id },
      el('thead', {}, el('tr', {},
        el('th', { text: 'Time (UTC)' }), el('th', { text: 'Sensor' }),
        el('th', { text: 'Event' }), el('th', { text: 'Source → target' }),
        el('th', { text: 'Service' }), el('th', { text: 'Details' }))),
      el('tbody'));
  };

  /* -------------------------------------------------------- overview */

  HS.pages.overview = async function overview(m, args, query) {
    const ranges = [['1h', 3600], ['24h', 86400], ['7d', 7 * 86400], ['30d', 30 * 86400]];
    const cur = query.get('range') || '24h';
    const secs = (ranges.find((r) => r[0] === cur) || ranges[1])[1];
    const bar = el('div', { class: 'toolbar' }, el('h1', { text: 'Overview' }),
      el('div', { class: 'seg' }, ranges.map(([name]) => el('a', {
        href: route('overview', { range: name }),
        class: name === cur ? 'on' : '', text: name }))));
    m.appendChild(bar);
    const body = el('div', { id: 'overview-body' });
    m.appendChild(body);

    async function load() {
      const now = Math.floor(Date.now() / 1000);
      let s;
      try {
        s = await HS.get('stats', { since: now - secs, until: now });
      } catch (e) {
        clear(body).appendChild(HS.errorBox(e));
        return;
      }
      clear(body);
      body.appendChild(el('div', { class: 'kpis' },
        kpi('Events', HS.fmtNum(s.total)),
        kpi('Detections', HS.fmtNum((s.detections || []).reduce((a, d) => a + (d.n || 0), 0))),
        kpi('Period', `${HS.fmtTime(s.since)} – ${HS.fmtTime(s.until)}`)));
      body.appendChild(el('section', { class: 'card wide', id: 'chart-timeline' },
        el('h2', { text: 'Events over time' }), HS.timelineChart(s.timeline, s.bucket, s.since, s.until)));
      const grid = el('div', { class: 'grid' });
      grid.appendChild(el('section', { class: 'card', id: 'chart-ports' }, el('h2', { text: 'Top targeted ports' }),
        HS.barChart(s.ports, (x) => String(x.port), { label: 'ports' })));
      grid.appendChild(el('section', { class: 'card', id: 'chart-services' }, el('h2', { text: 'Top services' }),
        HS.barChart(s.services, (x) => x.service || '(none)', { label: 'services' })));
      grid.appendChild(el('section', { class: 'card', id: 'chart-countries' }, el('h2', { text: 'Top source countries' }),
        HS.barChart(s.countries, (x) => x.country || 'unknown / private', { label: 'countries' })));
      grid.appendChild(el('section', { class: 'card', id: 'chart-os' }, el('h2', { text: 'Attacker OS mix' }),
        HS.donutChart(s.os, (x) => x.os || 'unknown')));
      grid.appendChild(el('section', { class: 'card', id: 'chart-detections' }, el('h2', { text: 'Detections by kind' }),
        HS.barChart(s.detections, (x) => x.kind, { label: 'detections', cls: 'danger', emptyText: 'no detections in this period' })));
      grid.appendChild(el('section', { class: 'card', id: 'chart-eventids' }, el('h2', { text: 'Events by type' }),
        HS.barChart(s.eventids, (x) => String(x.eventid || '').replace(/^honeyspy\./, ''), { label: 'event types' })));
      if (Array.isArray(s.sources) && s.sources.length) {
        const tb = el('tbody');
        for (const x of s.sources.slice(0, 10))
          tb.appendChild(el('tr', {}, el('td', { class: 'addr' }, link(x.src_ip, 'attacker', x.src_ip)),
            el('td', { class: 'num', text: HS.fmtNum(x.n) })));
        grid.appendChild(el('section', { class: 'card', id: 'top-sources' }, el('h2', { text: 'Top source addresses' }),
          el('table', { class: 'compact' }, el('thead', {}, el('tr', {}, el('th', { text: 'Address' }), el('th', { text: 'Events' }))), tb)));
      }
      body.appendChild(grid);
    }
    function kpi(label, value) {
      if (value === null)
        return null;
      return el('div', { class: 'kpi' }, el('span', { class: 'kpi-v', text: value }),
        el('span', { class: 'kpi-l', text: label }));
    }
    const t = setInterval(load, 30000);
    HS.onLeave(() => clearInterval(t));
    await load();
  };

  /* ------------------------------------------------------------ live */

  const LIVE_MAX = 500;

  HS.pages.live = async function live(m) {
    let paused = false;
    let pending = [];
    let es = null;
    const state = el('span', { id: 'live-state', class: 'badge off', text: 'connecting' });
    const count = el('span', { id: 'live-pending', class: 'muted' });
    const pauseBtn = el('button', { id: 'live-pause', type: 'button', text: 'Pause' });
    const fSensor = el('input', { id: 'live-sensor', placeholder: 'sensor', size: 10, spellcheck: 'false' });
    const fType = el('input', { id: 'live-type', placeholder: 'type, e.g. session.* or detect', size: 22, spellcheck: 'false' });
    const fSrc = el('input', { id: 'live-src', placeholder: 'source address', size: 16, spellcheck: 'false' });
    const table = HS.eventTable('live-table');
    const tbody = table.tBodies[0];
    const counts = el('span', { id: 'live-counts', class: 'muted' });
    /* What arrived, newest first: a filter changed applies to these too. */
    let kept = [];

    m.appendChild(el('div', { class: 'toolbar' }, el('h1', { text: 'Live' }), state, pauseBtn, count));
    m.appendChild(el('div', { class: 'filters' },
      el('label', {}, 'Sensor ', fSensor), el('label', {}, 'Type ', fType),
      el('label', {}, 'Source ', fSrc),
      el('button', { type: 'button', text: 'Clear', on: { click: () => {
        kept = [];
        redraw();
      } } }), counts));
    m.appendChild(el('div', { class: 'table-wrap' }, table));
    const emptyNote = el('p', { class: 'muted', id: 'live-empty', text: 'Waiting for events…' });
    m.appendChild(emptyNote);

    function matches(ev) {
      const s = fSensor.value.trim();
      if (s && ev.sensor !== s)
        return false;
      const t = fType.value.trim();
      if (t) {
        const id = String(ev.eventid || '');
        const want = t.startsWith('honeyspy.') ? t : 'honeyspy.' + t;
        if (t.endsWith('*')) {
          if (!id.startsWith(want.slice(0, -1)))
            return false;
        } else if (id !== want && !id.startsWith(want + '.') && !id.includes(t)) {
          return false;
        }
      }
      const a = fSrc.value.trim();
      if (a && ev.src_ip !== a)
        return false;
      return true;
    }

    function updateCounts() {
      counts.textContent = kept.length ? `${tbody.rows.length} of ${kept.length} shown` : '';
      emptyNote.hidden = kept.length > 0;
    }

    function redraw() {
      clear(tbody);
      for (const ev of kept)
        if (matches(ev))
          tbody.appendChild(HS.eventRow(ev));
      updateCounts();
    }

    function show(ev) {
      kept.unshift(ev);
      if (kept.length > LIVE_MAX)
        kept.pop();
      if (matches(ev)) {
        tbody.insertBefore(HS.eventRow(ev), tbody.firstChild);
        while (tbody.rows.length > LIVE_MAX)
          tbody.deleteRow(tbody.rows.length - 1);
      }
      updateCounts();
    }

    for (const f of [fSensor, fType, fSrc])
      f.addEventListener('input', redraw);

    pauseBtn.addEventListener('click', () => {
      paused = !paused;
      pauseBtn.textContent = paused ? 'Resume' : 'Pause';
      pauseBtn.classList.toggle('on', paused);
      if (!paused) {
        const p = pending;
        pending = [];
        p.forEach(show);
      }
      count.textContent = '';
    });

    function connect() {
      es = new EventSource('/api/live');
      es.addEventListener('open', () => {
        state.textContent = 'live';
        state.className = 'badge on';
      });
      es.addEventListener('event', (msg) => {
        let ev;
        try {
          ev = JSON.parse(msg.data);
        } catch (e) {
          return;
        }
        if (paused) {
          pending.push(ev);
          if (pending.length > LIVE_MAX)
            pending.shift();
          count.textContent = `${pending.length} new while paused`;
        } else {
          show(ev);
        }
      });
      es.addEventListener('error', async () => {
        state.textContent = 'reconnecting';
        state.className = 'badge off';
        if (es.readyState === EventSource.CLOSED) {
          /* The server refused the stream: logged out, or gone. */
          try {
            await HS.api('GET', '/api/me');
            setTimeout(() => { if (es && es.readyState === EventSource.CLOSED) connect(); }, 2000);
          } catch (e) { /* 401 shows the login form */ }
        }
      });
    }
    connect();
    HS.onLeave(() => {
      if (es)
        es.close();
      es = null;
    });
  };

  /* ---------------------------------------------------------- events */

  const EVENT_FILTERS = ['since', 'until', 'sensor', 'eventid', 'src_ip', 'session', 'q'];

  /* datetime-local (taken as UTC) or RFC 3339 or Unix seconds. */
  function timeParam(v) {
    v = v.trim();
    if (!v)
      return '';
    if (/^\d+$/.test(v))
      return v;
    if (/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?$/.test(v))
      return v + (v.length === 16 ? ':00Z' : 'Z');
    return v;
  }

  HS.pages.events = async function events(m, args, query) {
    const inputs = {};
    /* Without a query, the last day: the search runs oldest first. */
    if ([...query.keys()].length === 0)
      query.set('since', new Date(Date.now() - 86400000).toISOString().replace(/\.\d+Z$/, 'Z'));
    const mk = (name, label, attrs) => {
      inputs[name] = el('input', Object.assign({ id: 'ev-' + name, name, spellcheck: 'false' }, attrs || {}));
      inputs[name].value = query.get(name) || '';
      return el('label', {}, label, inputs[name]);
    };
    const limit = el('select', { id: 'ev-limit' },
      ['50', '100', '250', '1000'].map((n) => el('option', { value: n, text: n, selected: n === (query.get('limit') || '100') })));
    const exportA = el('a', { id: 'ev-export', class: 'button', href: HS.apiHref('events/export'), download: 'honeyspy-events.jsonl', text: 'Export JSON lines' });
    const form = el('form', { id: 'events-form', class: 'filters' },
      mk('since', 'From ', { placeholder: '2026-11-27T03:00:00Z', size: 20 }),
      mk('until', 'To ', { placeholder: 'now', size: 20 }),
      mk('sensor', 'Sensor ', { size: 8 }),
      mk('eventid', 'Type ', { placeholder: 'honeyspy.detect.*', size: 22 }),
      mk('src_ip', 'Source ', { size: 15 }),
      mk('session', 'Session ', { size: 10 }),
      mk('q', 'Text ', { size: 16 }),
      el('label', {}, 'Per page ', limit),
      el('button', { type: 'submit', id: 'ev-search', text: 'Search' }), exportA);
    const status = el('p', { class: 'muted', id: 'ev-status' });
    const table = HS.eventTable('events-table');
    const nextBtn = el('button', { type: 'button', id: 'ev-next', text: 'Next page →', disabled: true });
    const firstBtn = el('button', { type: 'button', id: 'ev-first', text: '← First page', disabled: true });
    m.appendChild(el('div', { class: 'toolbar' }, el('h1', { text: 'Events' })));
    m.appendChild(form);
    m.appendChild(status);
    m.appendChild(el('div', { class: 'table-wrap' }, table));
    m.appendChild(el('div', { class: 'pager' }, firstBtn, nextBtn));

    let next = 0;
    let page = 1;
    function params() {
      const p = {};
      for (const k of EVENT_FILTERS) {
        let v = inputs[k].value.trim();
        if (k === 'since' || k === 'until')
          v = timeParam(v);
        if (v)
          p[k] = v;
      }
      return p;
    }
    async function load(after) {
      const p = params();
      HS.setHref(exportA, HS.apiHref('events/export', p));
      status.textContent = 'Searching…';
      let r;
      try {
        r = await HS.get('events', Object.assign({}, p, { limit: limit.value, after: after || '' }));
      } catch (e) {
        status.textContent = '';
        status.appendChild(HS.errorBox(e));
        return;
      }
      const tb = clear(table.tBodies[0]);
      for (const ev of r.events || [])
        tb.appendChild(HS.eventRow(ev));
      next = r.next || 0;
      nextBtn.disabled = !next;
      firstBtn.disabled = !after;
      const n = (r.events || []).length;
      status.textContent = n === 0 ? 'No events match.' :
        `Page ${page}: ${n} event${n === 1 ? '' : 's'}, oldest first${next ? '; more on the next page' : ''}.`;
    }
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      page = 1;
      const q = new URLSearchParams(params());
      if (limit.value !== '100')
        q.set('limit', limit.value);
      history.replaceState(null, '', '#/events' + (q.toString() ? '?' + q.toString() : ''));
      load(0);
    });
    nextBtn.addEventListener('click', () => { page++; load(next); });
    firstBtn.addEventListener('click', () => { page = 1; load(0); });
    await load(0);
  };

  /* ------------------------------------------------------------ boot */

  document.addEventListener('DOMContentLoaded', () => {
    document.getElementById('logout').addEventListener('click', logout);
    window.addEventListener('hashchange', render);
    render();
  });
})();
