/*
 * HoneySpy console: the Attacker page (#/attacker/IP) and the Session
 * page (#/session/SENSOR/SESSION/SRCIP): the transcript as escaped text
 * and as hex, with detections marked at their offsets in their
 * direction's stream.
 */
'use strict';

(function () {
  const { el, vis, clear, route, link } = HS;

  function facts(pairs) {
    const dl = el('dl', { class: 'facts' });
    for (const [k, v] of pairs) {
      if (v === undefined || v === null || v === '')
        continue;
      dl.appendChild(el('dt', { text: k }));
      dl.appendChild(el('dd', {}, v instanceof Node ? v : vis(String(v))));
    }
    return dl;
  }

  function fmtUptime(v) {
    if (typeof v !== 'number')
      return v;
    const d = Math.floor(v / 86400), h = Math.floor((v % 86400) / 3600), mi = Math.floor((v % 3600) / 60);
    return (d ? d + ' d ' : '') + (h ? h + ' h ' : '') + mi + ' min';
  }

  function hostPort(ip, port) {
    if (!ip)
      return port !== undefined ? ':' + port : '';
    const h = String(ip).includes(':') ? `[${ip}]` : String(ip);
    return port !== undefined ? `${h}:${port}` : h;
  }

  function flow(ev) {
    const a = hostPort(ev.src_ip, ev.src_port), b = hostPort(ev.dst_ip, ev.dst_port);
    return b ? `${a} → ${b}` : a;
  }

  function sessionLink(ev, text) {
    if (!ev.sensor || !ev.session || !ev.src_ip)
      return vis(text || ev.session || '-');
    return el('a', { href: route('session', ev.sensor, ev.session, ev.src_ip) }, vis(text || String(ev.session)));
  }

  /* -------------------------------------------------------- attacker */

  HS.pages.attacker = async function attacker(m, args) {
    const ip = args[0] || '';
    m.appendChild(el('div', { class: 'toolbar' }, el('h1', {}, 'Attacker ', el('span', { class: 'mono', id: 'attacker-ip' }, vis(ip))),
      el('a', { href: route('events', { src_ip: ip }), text: 'All its events' })));
    if (!ip) {
      m.appendChild(el('p', { class: 'muted', text: 'No address given.' }));
      return;
    }
    const a = await HS.get('attacker', { ip });
    const fp = a.fingerprint;
    const top = el('div', { class: 'grid' });
    top.appendChild(HS.section('Origin', facts([
      ['Country', a.country || 'unknown or private'],
      ['AS', a.asn ? `AS${a.asn}${a.as_name ? ' ' + a.as_name : ''}` : 'unknown'],
      ['First seen', HS.fmtTime(a.first_seen)],
      ['Last seen', HS.fmtTime(a.last_seen)],
      ['Events', HS.fmtNum(a.events)]])));
    top.appendChild(el('section', { class: 'card', id: 'attacker-fingerprint' }, el('h2', { text: 'Fingerprint (passive)' }),
      fp ? facts([
        ['OS', fp.os || (fp.p0f_label ? fp.p0f_label : 'no signature matched')],
        ['Seen in', fp.direction === 'synack' ? 'its SYN+ACK' : fp.direction === 'syn' ? 'its SYN' : fp.direction],
        ['Signature', fp.raw_sig],
        ['Distance', fp.distance !== undefined ? `${fp.distance} hop${fp.distance === 1 ? '' : 's'}` : ''],
        ['Uptime', fmtUptime(fp.uptime)],
        ['Link', fp.link],
        ['MTU', fp.mtu],
        ['Seen', fp.seen || fp.kind],
        ['Sensor', fp.sensor],
        ['When', HS.fmtTime(fp.timestamp)]]) :
        el('p', { class: 'muted', text: 'No fingerprint yet: no SYN from this address was captured.' })));
    m.appendChild(top);

    /* A session's connect and closed events make one row. */
    const bySession = new Map();
    for (const ev of a.sessions || []) {
      const k = `${ev.sensor}\u0000${ev.session}`;
      bySession.set(k, Object.assign({}, ev, bySession.get(k) || {},
        ev.eventid === 'honeyspy.session.closed' ? { bytes_in: ev.bytes_in, bytes_out: ev.bytes_out, duration: ev.duration } : {}));
    }
    const stb = el('tbody');
    for (const s of bySession.values()) {
      stb.appendChild(el('tr', {},
        el('td', { class: 'time', text: HS.fmtTime(s.timestamp) }),
        el('td', {}, vis(s.sensor)),
        el('td', {}, sessionLink(s)),
        el('td', {}, vis(s.service || s.protocol || '')),
        el('td', { class: 'addr' }, vis(flow(s))),
        el('td', { class: 'num', text: s.bytes_in !== undefined ? `${s.bytes_in} / ${s.bytes_out ?? 0}` : '' }),
        el('td', { class: 'num', text: s.duration !== undefined ? Number(s.duration).toFixed(1) + ' s' : '' })));
    }
    if (!stb.rows.length)
      stb.appendChild(el('tr', {}, el('td', { colspan: 7, class: 'muted', text: 'No sessions.' })));
    m.appendChild(HS.section('Sessions', el('table', { class: 'compact', id: 'attacker-sessions' },
      el('thead', {}, el('tr', {}, ['Time (UTC)', 'Sensor', 'Session', 'Service', 'Flow', 'Bytes in / out', 'Duration']
        .map((h) => el('th', { text: h })))), stb)));

    m.appendChild(HS.section('Detections', detectionTable(a.detections || [], true)));
  };

  function detectionTable(list, withSession) {
    const tb = el('tbody');
    for (const d of list) {
      tb.appendChild(el('tr', { class: 'det-row' },
        el('td', { class: 'time', text: HS.fmtTime(d.timestamp) }),
        el('td', {}, el('span', { class: 'badge bad' }, vis(String(d.eventid || '').replace(/^honeyspy\.detect\./, '')))),
        withSession ? el('td', {}, sessionLink(d)) : null,
        el('td', {}, vis(d.direction || '')),
        el('td', { class: 'num', text: d.offset !== undefined ? `${d.offset}+${d.length}` : '' }),
        el('td', { class: 'num', text: d.confidence !== undefined ? String(d.confidence) : '' }),
        el('td', {}, vis(d.description || ''), d.arch ? el('span', { class: 'muted' }, ' (', vis(d.arch), ')') : null,
          d.disassembly ? el('details', {}, el('summary', { text: 'disassembly' }),
            el('pre', { class: 'mono' }, HS.fieldVis(d, 'disassembly', { breaks: true }))) : null)));
    }
    if (!tb.rows.length)
      tb.appendChild(el('tr', {}, el('td', { colspan: withSession ? 7 : 6, class: 'muted', text: 'No detections.' })));
    return el('table', { class: 'compact detections' }, el('thead', {}, el('tr', {},
      ['Time (UTC)', 'Kind', withSession ? 'Session' : null, 'Direction', 'Offset+length', 'Confidence', 'Description']
        .filter((h) => h !== null).map((h) => el('th', { text: h })))), tb);
  }

  /* --------------------------------------------------------- session */

  /* Which bytes [from, to) of a direction's stream a detection covers. */
  function ranges(dets, dir) {
    return dets.filter((d) => d.direction === dir && typeof d.offset === 'number')
      .map((d) => ({ from: d.offset, to: d.offset + Math.max(d.length || 1, 1), d }));
  }

  function markedAt(rs, pos) {
    for (const r of rs)
      if (pos >= r.from && pos < r.to)
        return r;
    return null;
  }

  /*
   * bytes at stream offset `base` as escaped text, runs inside a
   * detection wrapped in <mark>.
   */
  function markedText(bytes, base, rs) {
    const frag = document.createDocumentFragment();
    let i = 0;
    while (i < bytes.length) {
      const r = markedAt(rs, base + i);
      let j = i + 1;
      while (j < bytes.length && markedAt(rs, base + j) === r)
        j++;
      const part = HS.bytesVis(bytes.subarray(i, j), { breaks: true });
      if (r) {
        frag.appendChild(el('mark', { class: 'det', 'data-offset': String(base + i),
          title: `${HS.visText(r.d.eventid)} at ${r.from}+${r.to - r.from}: ${HS.visText(r.d.description || '')}` }, part));
      } else {
        frag.appendChild(part);
      }
      i = j;
    }
    return frag;
  }

  const HEX_LIMIT = 256 * 1024;

  function hex2(b) {
    return b.toString(16).padStart(2, '0');
  }

  /* A classic hex dump of one direction's stream; a detection's bytes
   * are marked in both the hex and the ASCII column. */
  function hexDump(stream, rs, dir) {
    const pre = el('pre', { class: 'hexdump', 'data-direction': dir });
    const n = Math.min(stream.length, HEX_LIMIT);
    const runs = (line, cells) => {
      let run = '', mark = null;
      const flush = () => {
        if (!run)
          return;
        line.appendChild(mark ? el('mark', { class: 'det',
          title: HS.visText(mark.d.eventid) + ': ' + HS.visText(mark.d.description || ''), text: run }) :
          document.createTextNode(run));
        run = '';
      };
      for (const [text, m] of cells) {
        if (m !== mark) {
          flush();
          mark = m;
        }
        run += text;
      }
      flush();
    };
    for (let off = 0; off < n; off += 16) {
      const line = el('span', { class: 'hexline' });
      line.appendChild(el('span', { class: 'off', text: off.toString(16).padStart(8, '0') + '  ' }));
      const hexCells = [], asciiCells = [];
      for (let k = 0; k < 16; k++) {
        const p = off + k;
        const gap = k === 7 ? '  ' : ' ';
        if (p < n) {
          const c = stream[p];
          const m = markedAt(rs, p);
          hexCells.push([hex2(c) + gap, m]);
          asciiCells.push([c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.', m]);
        } else {
          hexCells.push(['  ' + gap, null]);
        }
      }
      runs(line, hexCells);
      const ascii = el('span', { class: 'ascii', text: ' |' });
      runs(ascii, asciiCells);
      ascii.appendChild(document.createTextNode('|'));
      line.appendChild(ascii);
      line.appendChild(document.createTextNode('\n'));
      pre.appendChild(line);
    }
    if (stream.length > n)
      pre.appendChild(el('span', { class: 'muted', text: `… ${stream.length - n} more bytes not shown` }));
    if (stream.length === 0)
      pre.appendChild(el('span', { class: 'muted', text: 'no bytes' }));
    return pre;
  }

  HS.pages.session = async function session(m, args) {
    const [sensor, sess, src] = args;
    m.appendChild(el('div', { class: 'toolbar' },
      el('h1', {}, 'Session ', el('span', { class: 'mono' }, vis(sess || ''))),
      src ? link('attacker ' + src, 'attacker', src) : null,
      sensor && sess ? el('a', { href: route('events', { sensor, session: sess }), text: 'its events' }) : null));
    if (!sensor || !sess) {
      m.appendChild(el('p', { class: 'muted', text: 'No session given.' }));
      return;
    }
    const t = await HS.get('transcript', { sensor, session: sess, src_ip: src || '' });
    const c = t.connect || {}, z = t.closed || {};
    m.appendChild(HS.section('Connection', facts([
      ['Sensor', t.sensor || sensor],
      ['Service', c.service || z.service],
      ['Protocol', c.protocol || z.protocol],
      ['From', el('span', {}, c.src_ip || src ? link(c.src_ip || src, 'attacker', c.src_ip || src) : '-',
        vis(c.src_port !== undefined ? ':' + c.src_port : ''))],
      ['To', (c.dst_ip || '') + (c.dst_port !== undefined ? ':' + c.dst_port : '')],
      ['Started', HS.fmtTime(c.timestamp)],
      ['Closed', t.closed ? HS.fmtTime(z.timestamp) : 'open or unknown'],
      ['Duration', z.duration !== undefined ? Number(z.duration).toFixed(2) + ' s' : ''],
      ['Bytes in / out', z.bytes_in !== undefined ? `${z.bytes_in} / ${z.bytes_out}` : ''],
      ['OS', c.os],
      ['Community ID', c.community_id],
      ['SHA-256 of input', z.sha256]])));

    const dets = t.detections || [];
    const rIn = ranges(dets, 'input'), rOut = ranges(dets, 'output');
    const chunks = (t.chunks || []).map((ch) => ({ ch, bytes: HS.b64bytes(ch.data || '') || new Uint8Array(0) }));

    /* Text view: the turns of the conversation in order, each at its
     * offset in its direction's stream.  Consecutive chunks of one
     * direction (a service that writes byte by byte) make one turn. */
    const cat = (list) => {
      const out = new Uint8Array(list.reduce((a, b) => a + b.length, 0));
      let o = 0;
      for (const b of list) {
        out.set(b, o);
        o += b.length;
      }
      return out;
    };
    const text = el('div', { class: 'transcript', id: 'transcript-text' });
    const pos = { input: 0, output: 0 };
    const streams = { input: [], output: [] };
    const turns = [];
    for (const { ch, bytes } of chunks) {
      const dir = ch.direction === 'output' ? 'output' : 'input';
      const last = turns[turns.length - 1];
      if (last && last.dir === dir) {
        last.parts.push(bytes);
        last.n++;
      } else {
        turns.push({ dir, base: pos[dir], ts: ch.timestamp, parts: [bytes], n: 1 });
      }
      pos[dir] += bytes.length;
      streams[dir].push(bytes);
    }
    for (const t of turns) {
      const bytes = cat(t.parts);
      text.appendChild(el('div', { class: 'chunk ' + t.dir, 'data-direction': t.dir, 'data-offset': String(t.base) },
        el('span', { class: 'chunk-head', text: `${t.dir === 'input' ? '▶ attacker' : '◀ service'} · ${HS.fmtTime(t.ts)} · @${t.base} · ${bytes.length} B` +
          (t.n > 1 ? ` in ${t.n} chunks` : '') }),
        el('pre', { class: 'chunk-body' }, markedText(bytes, t.base, t.dir === 'input' ? rIn : rOut))));
    }
    if (!chunks.length)
      text.appendChild(el('p', { class: 'muted', text: 'No bytes were recorded for this session.' }));

    const hex = el('div', { id: 'transcript-hex', hidden: true },
      el('h3', { text: `Input (attacker → service), ${pos.input} bytes` }), hexDump(cat(streams.input), rIn, 'input'),
      el('h3', { text: `Output (service → attacker), ${pos.output} bytes` }), hexDump(cat(streams.output), rOut, 'output'));

    const tabText = el('button', { type: 'button', class: 'tab on', id: 'tab-text', text: 'Text' });
    const tabHex = el('button', { type: 'button', class: 'tab', id: 'tab-hex', text: 'Hex' });
    const select = (which) => {
      text.hidden = which !== 'text';
      hex.hidden = which !== 'hex';
      tabText.classList.toggle('on', which === 'text');
      tabHex.classList.toggle('on', which === 'hex');
    };
    tabText.addEventListener('click', () => select('text'));
    tabHex.addEventListener('click', () => select('hex'));
    m.appendChild(el('section', { class: 'card wide' }, el('h2', { text: 'Transcript' }),
      el('div', { class: 'tabs' }, tabText, tabHex,
        el('span', { class: 'muted legend-inline' }, 'control bytes shown as ', el('span', { class: 'esc', text: '\\xNN' }),
          ', detections ', el('mark', { class: 'det', text: 'marked' }))),
      text, hex));
    m.appendChild(HS.section('Detections', detectionTable(dets, false)));
  };
})();
