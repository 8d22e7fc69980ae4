/*
 * HoneySpy console: the Sensors page.  The list refreshes every few
 * seconds; a sensor opened (#/sensors/NAME) shows its state from the
 * sensor itself (status, getFilters, getAliases, getServices) and the
 * actions, each of which shows the sensor's reply or error.
 */
'use strict';

(function () {
  const { el, vis, clear, route } = HS;

  /* Previous event counts, for the events/minute estimate between two
   * refreshes of the list. */
  const lastCounts = new Map();

  function rateOf(s, now) {
    const prev = lastCounts.get(s.name);
    lastCounts.set(s.name, { n: s.events, t: now, rate: prev ? prev.rate : null });
    if (!prev || now - prev.t < 1000)
      return prev ? prev.rate : null;
    const rate = ((s.events - prev.n) * 60000) / (now - prev.t);
    lastCounts.get(s.name).rate = rate;
    return rate;
  }

  function featureBadges(features) {
    const span = el('span', { class: 'features' });
    if (!features || typeof features !== 'object')
      return span;
    for (const [k, v] of Object.entries(features)) {
      if (typeof v === 'boolean')
        span.appendChild(el('span', { class: 'badge ' + (v ? 'on' : 'off'),
          title: `${HS.visText(k)}: ${v ? 'on' : 'off'}`, text: HS.visText(k) }));
      else
        span.appendChild(el('span', { class: 'badge info', text: `${HS.visText(k)}: ${HS.visText(JSON.stringify(v))}` }));
    }
    return span;
  }

  HS.pages.sensors = async function sensors(m, args) {
    const open = args[0] || '';
    const table = el('table', { class: 'sensors', id: 'sensors-table' },
      el('thead', {}, el('tr', {},
        ['Sensor', 'State', 'Mode', 'Address', 'Last seen', 'Events', 'Events/min', 'Features']
          .map((h) => el('th', { text: h })))),
      el('tbody'));
    const note = el('p', { class: 'muted', id: 'sensors-note' });
    m.appendChild(el('div', { class: 'toolbar' }, el('h1', { text: 'Sensors' }), note));
    m.appendChild(el('div', { class: 'table-wrap' }, table));
    const detail = el('div', { id: 'sensor-detail' });
    m.appendChild(detail);

    async function refresh() {
      let r;
      try {
        r = await HS.get('sensors');
      } catch (e) {
        note.textContent = e.message;
        note.className = 'error';
        return;
      }
      note.className = 'muted';
      note.textContent = `updated ${HS.fmtTime(Date.now())}`;
      const now = Date.now();
      const tb = clear(table.tBodies[0]);
      const list = (r.sensors || []).slice().sort((a, b) => String(a.name).localeCompare(String(b.name)));
      if (list.length === 0)
        tb.appendChild(el('tr', {}, el('td', { colspan: 8, class: 'muted', text: 'No sensor has connected yet.' })));
      for (const s of list) {
        const rate = rateOf(s, now);
        const tr = el('tr', { class: 'sensor-row ' + (s.online ? 'online' : 'offline') +
          (s.name === open ? ' selected' : ''), 'data-sensor': HS.visText(s.name),
          'data-online': s.online ? 'true' : 'false' },
          el('td', {}, el('a', { href: route('sensors', s.name) }, vis(s.name))),
          el('td', {}, el('span', { class: 'state ' + (s.online ? 'online' : 'offline'),
            text: s.online ? 'online' : 'offline' })),
          el('td', {}, vis(s.mode || '-')),
          el('td', { class: 'addr' }, vis(s.address || '-')),
          el('td', { title: HS.fmtTime(s.last_seen) }, s.online ? 'now' : HS.fmtAgo(s.last_seen)),
          el('td', { class: 'num', text: HS.fmtNum(s.events) }),
          el('td', { class: 'num rate', text: rate === null ? '…' : rate.toFixed(1) }),
          el('td', {}, featureBadges(s.features)));
        tr.addEventListener('click', (e) => {
          if (!e.target.closest('a'))
            location.hash = route('sensors', s.name).value;
        });
        tb.appendChild(tr);
      }
      const cur = list.find((s) => s.name === open);
      const st = document.getElementById('detail-online');
      if (cur && st) {
        st.textContent = cur.online ? 'online' : 'offline';
        st.className = 'state ' + (cur.online ? 'online' : 'offline');
      }
    }
    const t = setInterval(refresh, 3000);
    HS.onLeave(() => clearInterval(t));
    await refresh();
    if (open)
      sensorDetail(detail, open);
  };

  /* ---------------------------------------------------------- detail */

  function sensorDetail(box, name) {
    const replies = el('ol', { class: 'replies', id: 'action-log', 'aria-live': 'polite' });
    const sections = {
      status: el('div', { id: 'sd-status' }),
      filters: el('div', { id: 'sd-filters' }),
      services: el('div', { id: 'sd-services' }),
      aliases: el('div', { id: 'sd-aliases' }),
    };

    /*
     * A call, on the sensor or (node "") on the master, that shows what
     * came back first in the action log; `shown` is how the log names
     * it, `after` runs when it succeeded.
     */
    async function logged(node, call, args, shown, after) {
      const item = el('li', { class: 'pending' },
        el('code', { class: 'call' }, vis((shown || [call].concat(args)).join(' '))),
        el('span', { class: 'result', text: ' …' }));
      replies.insertBefore(item, replies.firstChild);
      let r;
      try {
        r = await HS.call(node, call, args);
      } catch (e) {
        r = { ok: false, error: e.message };
      }
      item.className = r.ok ? 'ok' : 'failed';
      const res = clear(item.querySelector('.result'));
      res.appendChild(el('span', { class: 'badge ' + (r.ok ? 'on' : 'bad'), text: r.ok ? 'ok' : 'error' }));
      if (r.ok && r.reply !== undefined && r.reply !== null && r.reply !== '')
        res.appendChild(el('pre', { class: 'json' }, HS.jsonVis(r.reply)));
      if (!r.ok)
        res.appendChild(el('span', { class: 'error-text' }, vis(' ' + (r.error || 'failed'), { breaks: true })));
      if (r.ok && after)
        after();
      return r;
    }
    const act = (call, args, after) => logged(name, call, args || [], null, after);

    async function read(call) {
      try {
        const r = await HS.call(name, call, []);
        return r.ok ? { reply: r.reply } : { error: r.error || 'failed' };
      } catch (e) {
        return { error: e.message };
      }
    }

    function form(id, fields, label, onSubmit) {
      const f = el('form', { class: 'inline-form', id }, fields, el('button', { type: 'submit', text: label }));
      f.addEventListener('submit', (e) => {
        e.preventDefault();
        onSubmit(f);
      });
      return f;
    }
    const input = (n, ph, size) => el('input', { name: n, placeholder: ph, size: size || 14, spellcheck: 'false', required: true });

    async function loadStatus() {
      /* getStatus is the call's name on the link; the contract's
       * "status" is the same reply. */
      let r = await read('getStatus');
      if (r.error && /unknown/.test(r.error))
        r = await read('status');
      const d = clear(sections.status);
      if (r.error)
        return d.appendChild(el('p', { class: 'error' }, vis(r.error)));
      const s = r.reply || {};
      d.appendChild(el('dl', { class: 'facts' },
        el('dt', { text: 'Run mode' }), el('dd', {}, vis(s.mode || '-')),
        el('dt', { text: 'Started' }), el('dd', {}, vis(s.started || '-')),
        s.capture ? [el('dt', { text: 'Capture' }), el('dd', { id: 'sd-capture' },
          vis(`${s.capture.interface}: ${s.capture.live ? (s.capture.enabled ? 'enabled' : 'disabled') : 'unavailable (' + s.capture.reason + ')'}, ` +
            `${s.capture.rules} rule${s.capture.rules === 1 ? '' : 's'}, ${s.capture.received} packets received, ${s.capture.matched} matched`))] : null));
      if (Array.isArray(s.features)) {
        const tb = el('tbody');
        for (const f of s.features)
          tb.appendChild(el('tr', {},
            el('td', {}, vis(f.name)),
            el('td', {}, el('span', { class: 'badge ' + (f.enabled ? 'on' : 'off'), text: f.enabled ? 'on' : 'off' })),
            el('td', {}, vis(f.description || '')),
            el('td', { class: 'muted' }, vis(f.enabled ? '' : f.reason || ''))));
        d.appendChild(el('table', { class: 'compact' }, el('thead', {}, el('tr', {},
          el('th', { text: 'Feature' }), el('th', { text: '' }), el('th', { text: 'What' }), el('th', { text: 'Why off' }))), tb));
      }
      if (Array.isArray(s.processes)) {
        const tb = el('tbody');
        for (const p of s.processes)
          tb.appendChild(el('tr', {}, el('td', {}, vis(p.name)), el('td', { class: 'num', text: String(p.pid) }),
            el('td', { class: 'num', text: String(p.uid) }), el('td', {}, vis(p.seccomp)),
            el('td', {}, vis(p.chroot || '-')), el('td', {}, vis(p.capabilities))));
        d.appendChild(el('details', {}, el('summary', { text: `Processes (${s.processes.length})` }),
          el('table', { class: 'compact' }, el('thead', {}, el('tr', {},
            ['Process', 'PID', 'UID', 'Seccomp', 'Chroot', 'Capabilities'].map((h) => el('th', { text: h })))), tb)));
      }
    }

    async function loadFilters() {
      const r = await read('getFilters');
      const d = clear(sections.filters);
      if (r.error)
        d.appendChild(el('p', { class: 'error' }, vis(r.error)));
      const list = Array.isArray(r.reply) ? r.reply : [];
      const tb = el('tbody');
      for (const f of list) {
        tb.appendChild(el('tr', { 'data-rule': HS.visText(f.rule) },
          el('td', { class: 'num', text: String(f.number) }),
          el('td', {}, vis(f.from)),
          el('td', { class: 'mono' }, vis(f.rule)),
          el('td', {}, f.from === 'config' ? el('span', { class: 'muted', text: 'from the configuration' }) :
            el('button', { type: 'button', class: 'small danger', text: 'Delete',
              on: { click: () => act('delFilter', [String(f.number)], loadFilters) } }))));
      }
      if (list.length === 0)
        tb.appendChild(el('tr', {}, el('td', { colspan: 4, class: 'muted', text: 'No capture rules.' })));
      d.appendChild(el('table', { class: 'compact', id: 'filters-table' }, el('thead', {}, el('tr', {},
        el('th', { text: '#' }), el('th', { text: 'From' }), el('th', { text: 'Rule (pcap-filter)' }), el('th'))), tb));
      d.appendChild(form('add-filter', [input('expr', 'tcp port 23', 30)], 'Add rule',
        (f) => act('addFilter', [f.expr.value], () => { f.reset(); loadFilters(); loadStatus(); })));
      d.appendChild(el('div', { class: 'buttons' },
        el('button', { type: 'button', id: 'pcap-enable', text: 'Enable capture', on: { click: () => act('enablePcap', [], loadStatus) } }),
        el('button', { type: 'button', id: 'pcap-disable', text: 'Disable capture', on: { click: () => act('disablePcap', [], loadStatus) } })));
    }

    async function loadServices() {
      const r = await read('getServices');
      const d = clear(sections.services);
      if (r.error)
        d.appendChild(el('p', { class: 'error' }, vis(r.error)));
      const list = Array.isArray(r.reply) ? r.reply : [];
      const tb = el('tbody');
      for (const s of list) {
        tb.appendChild(el('tr', {},
          el('td', {}, vis(s.name || '')),
          el('td', { class: 'addr' }, vis(`${s.address} ${s.protocol}/${s.port}`)),
          el('td', {}, el('span', { class: 'state ' + (s.state === 'listening' ? 'online' : s.state === 'failed' ? 'offline' : 'pending'), text: s.state || '?' })),
          el('td', { class: 'mono' }, vis([s.program].concat(s.args || []).join(' '))),
          el('td', {}, el('button', { type: 'button', class: 'small danger', text: 'Remove',
            on: { click: () => act('delService', [String(s.address), String(s.protocol), String(s.port)], loadServices) } }))));
      }
      if (list.length === 0)
        tb.appendChild(el('tr', {}, el('td', { colspan: 5, class: 'muted', text: 'No services.' })));
      d.appendChild(el('table', { class: 'compact', id: 'services-table' }, el('thead', {}, el('tr', {},
        ['Name', 'Listen', 'State', 'Program', ''].map((h) => el('th', { text: h })))), tb));
      const proto = el('select', { name: 'proto' }, el('option', { value: 'tcp', text: 'tcp' }), el('option', { value: 'udp', text: 'udp' }));
      const port = input('port', 'port', 5);
      d.appendChild(form('add-service', [input('addr', 'address or *', 14), proto, port,
        input('program', '/usr/libexec/honeyspy/services/www', 30),
        el('input', { name: 'args', placeholder: 'arguments (space separated)', size: 20, spellcheck: 'false' })], 'Add service',
      (f) => {
        const a = [f.addr.value, proto.value, f.port.value, f.program.value];
        const extra = f.args.value.trim();
        if (extra)
          a.push(...extra.split(/\s+/));
        act('addService', a, () => { f.reset(); loadServices(); });
      }));
    }

    async function loadAliases() {
      const r = await read('getAliases');
      const d = clear(sections.aliases);
      if (r.error)
        d.appendChild(el('p', { class: 'error' }, vis(r.error)));
      const list = Array.isArray(r.reply) ? r.reply : [];
      const tb = el('tbody');
      for (const a of list) {
        tb.appendChild(el('tr', {},
          el('td', { class: 'addr' }, vis(a.address)),
          el('td', { class: 'mono' }, vis(a.mac)),
          el('td', {}, vis(a.vendor || '-')),
          el('td', {}, vis(a.personality || '-')),
          el('td', {}, a.personality ? el('span', { class: a.rewriting ? 'badge on' : 'badge bad',
            text: a.rewriting ? 'rewriting' : 'not rewriting' }) : ''),
          el('td', {}, vis(a.interface || '')),
          el('td', {}, vis(a.source || '')),
          el('td', {}, el('button', { type: 'button', class: 'small danger', text: 'Remove',
            on: { click: () => act('delAlias', [String(a.address)], loadAliases) } }))));
      }
      if (list.length === 0)
        tb.appendChild(el('tr', {}, el('td', { colspan: 8, class: 'muted', text: 'No fake hosts.' })));
      d.appendChild(el('table', { class: 'compact', id: 'aliases-table' }, el('thead', {}, el('tr', {},
        ['Address', 'MAC', 'Vendor', 'Personality', 'Stack', 'Link', 'From', ''].map((h) => el('th', { text: h })))), tb));
      d.appendChild(form('add-alias', [input('ip', '198.51.100.50', 16),
        el('input', { name: 'mac', placeholder: 'MAC or vendor (optional)', size: 22, spellcheck: 'false' })], 'Add fake host',
      (f) => {
        const a = [f.ip.value];
        if (f.mac.value.trim())
          a.push(f.mac.value.trim());
        act('addAlias', a, () => { f.reset(); loadAliases(); });
      }));
    }

    function personaSection() {
      return el('div', { id: 'sd-persona' },
        el('p', { class: 'muted', text: 'The TCP/IP stack personality a fake host shows to nmap and p0f (an nmap-os-db name).' }),
        form('set-fingerprint', [input('ip', 'fake host address', 16), input('persona', 'personality, e.g. Microsoft Windows XP SP3', 34)],
          'Set personality', (f) => act('setFingerprint', [f.ip.value, f.persona.value])),
        form('get-fingerprint', [input('ip', 'fake host address', 16)], 'Show personality',
          (f) => act('getFingerprint', [f.ip.value])));
    }

    function configSection() {
      const ta = el('textarea', { id: 'config-text', rows: 16, cols: 80, spellcheck: 'false', wrap: 'off' });
      const msg = el('p', { class: 'muted', id: 'config-msg' });
      const confirmBox = el('div', { class: 'confirm', hidden: true });
      const get = async (node, args) => {
        try {
          return await HS.call(node, 'getConfig', args);
        } catch (e) {
          return { ok: false, error: e.message };
        }
      };
      /* What the master keeps for the sensor, else what the sensor runs. */
      const load = async () => {
        msg.textContent = 'Loading…';
        ta.dataset.loaded = '';
        let r = await get('', [name]);
        let from = 'The configuration the master keeps for this sensor.';
        if (!r.ok) {
          const kept = r.error;
          r = await get(name, []);
          from = `The configuration the sensor runs (the master: ${kept || 'none kept'}).`;
        }
        if (r.ok) {
          ta.value = typeof r.reply === 'string' ? r.reply : JSON.stringify(r.reply, null, 2);
          msg.textContent = from;
          ta.dataset.loaded = 'yes';
        } else {
          msg.textContent = r.error || 'failed';
        }
      };
      const push = el('button', { type: 'button', id: 'config-push', class: 'danger', text: 'Push to sensor…',
        on: { click: () => { confirmBox.hidden = false; } } });
      HS.append(confirmBox, [el('span', { text: `The master checks it and keeps it; the sensor applies it and starts with it from now on. Push it to ${HS.visText(name)}? ` }),
        el('button', { type: 'button', class: 'danger', id: 'config-push-confirm', text: 'Push configuration',
          on: { click: () => {
            confirmBox.hidden = true;
            pushConfig(ta.value);
          } } }),
        el('button', { type: 'button', text: 'Cancel', on: { click: () => { confirmBox.hidden = true; } } })]);
      return el('div', { id: 'sd-config' },
        el('div', { class: 'buttons' }, el('button', { type: 'button', id: 'config-load', text: 'Load', on: { click: load } }), push),
        confirmBox, ta, msg);
    }

    /* setConfig is a master call: it checks, keeps and sends; what it
     * applied changes everything shown. */
    function pushConfig(yaml) {
      return logged('', 'setConfig', [name, yaml], ['setConfig', name, `(${yaml.length} bytes of YAML)`], () => {
        loadStatus();
        loadFilters();
        loadServices();
        loadAliases();
      });
    }

    function killSection() {
      const confirmBox = el('div', { class: 'confirm', id: 'kill-confirm-box', hidden: true },
        el('span', { text: `Shut ${HS.visText(name)} down? It stops its services and leaves the network until it is started again. ` }),
        el('button', { type: 'button', class: 'danger', id: 'kill-confirm', text: `Shut ${HS.visText(name)} down`,
          on: { click: () => { confirmBox.hidden = true; act('kill', []); } } }),
        el('button', { type: 'button', id: 'kill-cancel', text: 'Cancel', on: { click: () => { confirmBox.hidden = true; } } }));
      return el('div', { id: 'sd-kill' },
        el('button', { type: 'button', class: 'danger', id: 'kill', text: 'Shut down…',
          on: { click: () => { confirmBox.hidden = false; } } }), confirmBox);
    }

    clear(box).appendChild(el('div', { class: 'detail-head' },
      el('h2', {}, 'Sensor ', el('span', { class: 'mono' }, vis(name)), ' ',
        el('span', { id: 'detail-online', class: 'state' })),
      el('a', { href: route('events', { sensor: name }), text: 'Events' }), ' · ',
      el('a', { href: route('sensors'), text: 'Close' })));
    const grid = el('div', { class: 'detail-grid' },
      el('div', {},
        HS.section('Status and features', sections.status),
        HS.section('Capture rules', sections.filters),
        HS.section('Services', sections.services),
        HS.section('Fake hosts (IP aliases, MAC addresses)', sections.aliases),
        HS.section('Personality', personaSection()),
        HS.section('Configuration', configSection()),
        HS.section('Shut down', killSection())),
      el('div', { class: 'side' }, HS.section('Replies', replies)));
    box.appendChild(grid);
    loadStatus();
    document.getElementById('config-load').click();
    loadFilters();
    loadServices();
    loadAliases();
  }
})();
