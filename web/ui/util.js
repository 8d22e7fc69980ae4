/*
 * HoneySpy console: DOM building, attacker text made visible, the API.
 *
 * Safety rules for every file of the console:
 * - Data reaches the DOM only as text nodes (el(), txt(), vis()) or through
 *   the few attributes el() accepts; never innerHTML, never eval.
 * - An href is always built by route() or apiHref() from a constant prefix
 *   ("#/" or "/api/") and encoded parts, so no data can make it a
 *   javascript: or external link.
 * - Control characters, terminal escapes and invisible Unicode (bidi
 *   overrides, zero-width) are shown as \xNN / \u{NNNN} in a marked span,
 *   never handed to anything that interprets them.
 */
'use strict';

const HS = {};
window.HS = HS;

/* Attributes el() sets; anything else is refused, so that a slip cannot
 * create an event handler or a style attribute. */
const SAFE_ATTRS = new Set(['class', 'id', 'type', 'name', 'value',
  'placeholder', 'title', 'for', 'colspan', 'rows', 'cols', 'min', 'max',
  'step', 'size', 'maxlength', 'autocomplete', 'spellcheck', 'required',
  'disabled', 'checked', 'selected', 'readonly', 'role', 'tabindex',
  'download', 'aria-label', 'aria-live', 'aria-current', 'wrap',
  'rel', 'target', 'open', 'hidden']);

/*
 * el(tag, attrs, ...children): attrs may hold safe attributes, data-*
 * attributes, `href` (only a string made by route()/apiHref()), `on`
 * (an object of event listeners) and `text`.
 */
HS.el = function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false)
        continue;
      if (k === 'on') {
        for (const [ev, fn] of Object.entries(v))
          e.addEventListener(ev, fn);
      } else if (k === 'text') {
        e.textContent = String(v);
      } else if (k === 'href') {
        if (!(v instanceof SafeHref))
          throw new Error('href must come from route() or apiHref()');
        e.setAttribute('href', v.value);
      } else if (SAFE_ATTRS.has(k) || /^data-[a-z-]+$/.test(k)) {
        e.setAttribute(k, v === true ? '' : String(v));
      } else {
        throw new Error('attribute not allowed: ' + k);
      }
    }
  }
  HS.append(e, children);
  return e;
};

HS.append = function append(parent, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false)
      continue;
    parent.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return parent;
};

HS.clear = function clear(e) {
  while (e.firstChild)
    e.removeChild(e.firstChild);
  return e;
};

class SafeHref {
  constructor(value) { this.value = value; }
}

/* route('attacker', ip) -> "#/attacker/<encoded ip>"; a last argument
 * that is an object becomes the query: route('events', {src_ip: ip}). */
HS.route = function route(...parts) {
  let q = '';
  if (parts.length && typeof parts[parts.length - 1] === 'object') {
    q = new URLSearchParams(parts.pop()).toString();
    if (q)
      q = '?' + q;
  }
  return new SafeHref('#/' + parts.map((p) => encodeURIComponent(String(p))).join('/') + q);
};

/* apiHref('events/export', params) -> "/api/events/export?..." */
HS.apiHref = function apiHref(path, params) {
  if (!/^[a-z/]+$/.test(path))
    throw new Error('bad API path');
  const q = params ? new URLSearchParams(params).toString() : '';
  return new SafeHref('/api/' + path + (q ? '?' + q : ''));
};

/* Point an existing link elsewhere; the same rule as el()'s href. */
HS.setHref = function setHref(e, href) {
  if (!(href instanceof SafeHref))
    throw new Error('href must come from route() or apiHref()');
  e.setAttribute('href', href.value);
};

HS.link = function link(text, ...parts) {
  return HS.el('a', { href: HS.route(...parts) }, HS.vis(text));
};

/* Characters shown as escapes: C0, DEL, C1, and invisible or
 * reordering Unicode (zero-width, bidi controls, BOM, separators), and
 * lone surrogates (from a JSON \ud800). */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ud800-\udfff\ufeff\ufff9-\ufffb]/u;
const NAMED = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeChar(ch) {
  if (NAMED[ch])
    return NAMED[ch];
  const c = ch.codePointAt(0);
  if (c < 0x100)
    return '\\x' + c.toString(16).padStart(2, '0');
  return '\\u{' + c.toString(16) + '}';
}

/*
 * vis(value, opts): a fragment showing the string as text, every
 * control or invisible character as an escape in <span class="esc">.
 * opts.breaks: after a shown "\n", also break the line (for transcripts).
 */
HS.vis = function vis(value, opts) {
  const frag = document.createDocumentFragment();
  if (value === undefined || value === null)
    return frag;
  const s = typeof value === 'string' ? value : String(value);
  const breaks = opts && opts.breaks;
  let plain = '';
  for (const ch of s) {
    if (INVISIBLE.test(ch)) {
      if (plain) {
        frag.appendChild(document.createTextNode(plain));
        plain = '';
      }
      const span = document.createElement('span');
      span.className = 'esc';
      span.textContent = escapeChar(ch);
      frag.appendChild(span);
      if (breaks && ch === '\n')
        frag.appendChild(document.createTextNode('\n'));
    } else {
      plain += ch;
    }
  }
  if (plain)
    frag.appendChild(document.createTextNode(plain));
  return frag;
};

/* The same as a plain string, for titles and plain-text places. */
HS.visText = function visText(value) {
  if (value === undefined || value === null)
    return '';
  let out = '';
  for (const ch of String(value))
    out += INVISIBLE.test(ch) ? escapeChar(ch) : ch;
  return out;
};

/* Base64 to bytes; null when it is not base64. */
HS.b64bytes = function b64bytes(s) {
  try {
    const bin = atob(s);
    const b = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++)
      b[i] = bin.charCodeAt(i);
    return b;
  } catch (e) {
    return null;
  }
};

/*
 * The length of the valid UTF-8 sequence at b[i] (2 to 4 bytes), or 0:
 * no overlong forms, no surrogates, nothing past U+10FFFF.
 */
function utf8Len(b, i) {
  const c = b[i];
  let n, min;
  if (c >= 0xc2 && c <= 0xdf) { n = 1; min = 0x80; }
  else if (c >= 0xe0 && c <= 0xef) { n = 2; min = 0x800; }
  else if (c >= 0xf0 && c <= 0xf4) { n = 3; min = 0x10000; }
  else return 0;
  if (i + n > b.length - 1)
    return 0;
  let cp = c & (0x3f >> n);
  for (let k = 1; k <= n; k++) {
    const x = b[i + k];
    if ((x & 0xc0) !== 0x80)
      return 0;
    cp = (cp << 6) | (x & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return n + 1;
}

/* bytesVis(Uint8Array, opts): like vis() for raw bytes. */
HS.bytesVis = function bytesVis(bytes, opts) {
  const frag = document.createDocumentFragment();
  let plain = '';
  const flush = () => {
    if (plain) {
      frag.appendChild(HS.vis(plain, opts));
      plain = '';
    }
  };
  for (let i = 0; i < bytes.length;) {
    const c = bytes[i];
    if (c < 0x80) {
      plain += String.fromCharCode(c);
      i++;
      continue;
    }
    const n = utf8Len(bytes, i);
    if (n > 0) {
      plain += new TextDecoder().decode(bytes.subarray(i, i + n));
      i += n;
      continue;
    }
    flush();
    const span = document.createElement('span');
    span.className = 'esc';
    span.textContent = '\\x' + c.toString(16).padStart(2, '0');
    frag.appendChild(span);
    i++;
  }
  flush();
  return frag;
};

/* A field of an event as a fragment: base64 fields decoded to bytes. */
HS.fieldVis = function fieldVis(ev, key, opts) {
  const v = ev[key];
  if (v === undefined || v === null)
    return document.createDocumentFragment();
  if (typeof v === 'string' && ev[key + '_encoding'] === 'base64') {
    const b = HS.b64bytes(v);
    if (b)
      return HS.bytesVis(b, opts);
  }
  /* A list of strings (usernames, say): each quoted, made visible. */
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) {
    const frag = document.createDocumentFragment();
    frag.appendChild(document.createTextNode('['));
    v.forEach((x, i) => {
      frag.appendChild(document.createTextNode((i ? ', ' : '') + '"'));
      frag.appendChild(HS.vis(x, opts));
      frag.appendChild(document.createTextNode('"'));
    });
    frag.appendChild(document.createTextNode(']'));
    return frag;
  }
  if (typeof v === 'object')
    return HS.vis(JSON.stringify(v), opts);
  return HS.vis(v, opts);
};

/* Times: Unix seconds (or microseconds) or RFC 3339, shown in UTC. */
HS.toDate = function toDate(t) {
  if (t === undefined || t === null || t === '')
    return null;
  if (typeof t === 'number') {
    if (t > 1e14)
      return new Date(t / 1000);
    if (t > 1e11)
      return new Date(t);
    return new Date(t * 1000);
  }
  const d = new Date(t);
  return isNaN(d.getTime()) ? null : d;
};

HS.fmtTime = function fmtTime(t) {
  const d = HS.toDate(t);
  if (!d)
    return '-';
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
};

HS.fmtAgo = function fmtAgo(t) {
  const d = HS.toDate(t);
  if (!d)
    return '-';
  const s = Math.round((Date.now() - d.getTime()) / 1000);
  if (s < 0)
    return 'just now';
  if (s < 60)
    return s + ' s ago';
  if (s < 3600)
    return Math.floor(s / 60) + ' min ago';
  if (s < 86400)
    return Math.floor(s / 3600) + ' h ago';
  return Math.floor(s / 86400) + ' d ago';
};

HS.fmtNum = function fmtNum(n) {
  if (typeof n !== 'number' || !isFinite(n))
    return '-';
  return n.toLocaleString('en-US');
};

/* ---------------------------------------------------------------- API */

HS.csrf = '';
HS.user = '';

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}
HS.ApiError = ApiError;

/*
 * api(method, path, body): JSON in and out.  A 401 shows the login form
 * (and rejects); every POST carries the CSRF token.
 */
HS.api = async function api(method, path, body) {
  const opts = { method, credentials: 'same-origin', headers: {} };
  if (method !== 'GET') {
    opts.headers['Content-Type'] = 'application/json';
    if (HS.csrf)
      opts.headers['X-CSRF-Token'] = HS.csrf;
    opts.body = JSON.stringify(body || {});
  }
  let res;
  try {
    res = await fetch(path, opts);
  } catch (e) {
    throw new ApiError(0, 'cannot reach the master: ' + e.message);
  }
  let data = null;
  try {
    data = await res.json();
  } catch (e) {
    data = null;
  }
  if (!res.ok) {
    const msg = data && typeof data.error === 'string' ? data.error :
      'HTTP ' + res.status;
    if (res.status === 401 && path !== '/api/login' && HS.onLoggedOut)
      HS.onLoggedOut(msg);
    throw new ApiError(res.status, msg);
  }
  return data;
};

HS.get = (path, params) => {
  let q = '';
  if (params) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(params))
      if (v !== undefined && v !== null && v !== '')
        p.set(k, v);
    q = p.toString();
  }
  return HS.api('GET', '/api/' + path + (q ? '?' + q : ''));
};

/* A call on a sensor (node) or, with node "", on the master. */
HS.call = (node, call, args) =>
  HS.api('POST', '/api/call', { node: node || '', call, args: args || [] });

/* A JSON value, pretty-printed, as visible text: JSON.stringify already
 * escapes control characters in strings; vis() catches the invisible
 * Unicode it leaves.  A string value is shown as it is. */
HS.jsonVis = function jsonVis(v) {
  if (typeof v === 'string')
    return HS.vis(v, { breaks: true });
  const frag = document.createDocumentFragment();
  const s = JSON.stringify(v, null, 2);
  if (s === undefined)
    return frag;
  s.split('\n').forEach((line, i) => {
    if (i > 0)
      frag.appendChild(document.createTextNode('\n'));
    frag.appendChild(HS.vis(line));
  });
  return frag;
};
