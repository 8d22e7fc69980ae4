/*
 * HoneySpy console: the overview's charts, drawn as SVG by the page
 * itself (no library).  Labels are text nodes; values only set numeric
 * geometry attributes.
 */
'use strict';

(function () {
  const NS = 'http://www.w3.org/2000/svg';

  function svg(tag, attrs, ...children) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {}))
      e.setAttribute(k, String(v));
    for (const c of children) {
      if (c === null || c === undefined)
        continue;
      e.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function niceMax(v) {
    if (v <= 0)
      return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10])
      if (m * p >= v)
        return m * p;
    return 10 * p;
  }

  function empty(text) {
    return HS.el('p', { class: 'chart-empty', text: text || 'no data in this period' });
  }

  /*
   * Events over time: one bar per bucket, a y axis with three ticks, the
   * first, middle and last time on the x axis.
   */
  HS.timelineChart = function timelineChart(points, bucket, since, until) {
    if (!Array.isArray(points) || points.length === 0)
      return empty();
    /* The server may leave out empty buckets: lay the points out on
     * the period's buckets, zeros between them. */
    let timeline = points;
    if (bucket > 0 && typeof since === 'number' && typeof until === 'number' && until > since) {
      /* Buckets are whole multiples of their width since the epoch. */
      const start = Math.floor(since / bucket) * bucket;
      const nb = Math.min(Math.ceil((until - start) / bucket), 2000);
      timeline = Array.from({ length: nb }, (_, i) => ({ t: start + i * bucket, n: 0 }));
      for (const p of points) {
        const i = Math.floor((p.t - start) / bucket);
        if (i >= 0 && i < nb)
          timeline[i].n += p.n || 0;
      }
    }
    const W = 1200, H = 220, L = 48, R = 8, T = 10, B = 26;
    const max = niceMax(Math.max(...timeline.map((p) => p.n || 0)));
    const pw = W - L - R, ph = H - T - B;
    const bw = pw / timeline.length;
    const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart timeline',
      role: 'img', 'aria-label': 'events over time' });
    for (const f of [0, 0.5, 1]) {
      const y = T + ph - f * ph;
      root.appendChild(svg('line', { x1: L, x2: W - R, y1: y, y2: y, class: 'grid' }));
      root.appendChild(svg('text', { x: L - 6, y: y + 4, class: 'tick', 'text-anchor': 'end' },
        HS.fmtNum(Math.round(max * f))));
    }
    timeline.forEach((p, i) => {
      const h = ((p.n || 0) / max) * ph;
      const r = svg('rect', { x: L + i * bw + 0.5, y: T + ph - h,
        width: Math.max(bw - 1, 0.5), height: h, class: 'bar' });
      r.appendChild(svg('title', {}, `${HS.fmtTime(p.t)}: ${p.n} event${p.n === 1 ? '' : 's'}`));
      root.appendChild(r);
    });
    const idx = [0, Math.floor((timeline.length - 1) / 2), timeline.length - 1];
    const seen = new Set();
    for (const i of idx) {
      if (seen.has(i))
        continue;
      seen.add(i);
      const x = L + i * bw + bw / 2;
      const anchor = i === 0 ? 'start' : (i === timeline.length - 1 ? 'end' : 'middle');
      root.appendChild(svg('text', { x: i === 0 ? L : (i === timeline.length - 1 ? W - R : x),
        y: H - 8, class: 'tick', 'text-anchor': anchor },
        HS.fmtTime(timeline[i].t).slice(5, 16)));
    }
    const wrap = HS.el('div', { class: 'chart-wrap' });
    wrap.appendChild(root);
    if (bucket)
      wrap.appendChild(HS.el('p', { class: 'chart-note',
        text: `one bar = ${bucket >= 3600 ? bucket / 3600 + ' h' : bucket >= 60 ? bucket / 60 + ' min' : bucket + ' s'}, times in UTC` }));
    return wrap;
  };

  /*
   * A top list as horizontal bars: label on the left (attacker-influenced
   * text, so a text node with control characters made visible), the bar
   * and its count.
   */
  HS.barChart = function barChart(items, labelOf, opts) {
    if (!Array.isArray(items) || items.length === 0)
      return empty(opts && opts.emptyText);
    const rowH = 22, W = 360, LW = 130, NW = 56;
    const H = items.length * rowH + 4;
    const max = Math.max(...items.map((x) => x.n || 0), 1);
    const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart bars',
      role: 'img', 'aria-label': (opts && opts.label) || 'top list' });
    items.forEach((it, i) => {
      const y = 2 + i * rowH;
      let label = HS.visText(labelOf(it));
      const full = label;
      if (label.length > 20)
        label = label.slice(0, 19) + '…';
      const t = svg('text', { x: LW - 6, y: y + 15, class: 'label', 'text-anchor': 'end' }, label);
      t.appendChild(svg('title', {}, full));
      root.appendChild(t);
      const w = Math.max(((it.n || 0) / max) * (W - LW - NW), 1);
      const r = svg('rect', { x: LW, y: y + 3, width: w, height: rowH - 6,
        class: 'bar' + (opts && opts.cls ? ' ' + opts.cls : '') });
      r.appendChild(svg('title', {}, `${full}: ${it.n}`));
      root.appendChild(r);
      root.appendChild(svg('text', { x: LW + w + 4, y: y + 15, class: 'count' },
        HS.fmtNum(it.n || 0)));
    });
    return root;
  };

  /* A share chart (attacker OS mix): a donut and its legend. */
  HS.donutChart = function donutChart(items, labelOf) {
    if (!Array.isArray(items) || items.length === 0)
      return empty();
    const total = items.reduce((a, x) => a + (x.n || 0), 0) || 1;
    const S = 160, C = S / 2, Rr = 64, r = 38;
    const root = svg('svg', { viewBox: `0 0 ${S} ${S}`, class: 'chart donut',
      role: 'img', 'aria-label': 'share' });
    let a0 = -Math.PI / 2;
    const legend = HS.el('ul', { class: 'legend' });
    items.forEach((it, i) => {
      const frac = (it.n || 0) / total;
      const a1 = a0 + frac * 2 * Math.PI;
      const cls = 'slice s' + (i % 10);
      let shape;
      if (frac >= 0.9999) {
        shape = svg('g', {},
          svg('circle', { cx: C, cy: C, r: (Rr + r) / 2, class: cls + ' ring',
            'stroke-width': Rr - r, fill: 'none' }));
      } else {
        const large = a1 - a0 > Math.PI ? 1 : 0;
        const p = (ang, rad) => `${(C + rad * Math.cos(ang)).toFixed(2)} ${(C + rad * Math.sin(ang)).toFixed(2)}`;
        shape = svg('path', { class: cls,
          d: `M ${p(a0, Rr)} A ${Rr} ${Rr} 0 ${large} 1 ${p(a1, Rr)} L ${p(a1, r)} A ${r} ${r} 0 ${large} 0 ${p(a0, r)} Z` });
      }
      const label = HS.visText(labelOf(it));
      shape.appendChild(svg('title', {}, `${label}: ${it.n} (${(frac * 100).toFixed(1)} %)`));
      root.appendChild(shape);
      legend.appendChild(HS.el('li', {},
        HS.el('span', { class: 'swatch s' + (i % 10) }),
        HS.el('span', { class: 'legend-label', text: label }),
        HS.el('span', { class: 'legend-n', text: `${HS.fmtNum(it.n)} · ${(frac * 100).toFixed(0)} %` })));
      a0 = a1;
    });
    return HS.el('div', { class: 'donut-wrap' }, root, legend);
  };
})();
