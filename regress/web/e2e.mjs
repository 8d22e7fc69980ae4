// End-to-end scenarios of the HoneySpy web console in Debian's Chromium,
// driven by playwright-core.  regress/web/web.bats runs one scenario per
// test, regress/web/lab.bats a few across the lab's namespaces: node
// e2e.mjs SCENARIO, with the network described in
// the environment:
//
//   HS_URL        the console, https://127.0.0.1:PORT
//   HS_USER       a user of web.users; HS_PASSWORD_FILE its passphrase
//   HS_SENSOR     the sensor's name
//   HS_SHOTS      the directory for screenshots (SCENARIO-STEP.png)
//   HS_SEND       a shell command that carries its standard input to a
//                 service of the sensor and back (socat, nc): the attack
//   HS_CTL        the sensor's local control command (honeyspyctl -s ...)
//   HS_SINCE      Unix time the test file started (event searches)
//   HS_SESSION_TIMEOUT  the master's web.session_timeout (expire)
//   HS_FREE_PORT, HS_PROGRAM  a free port and a service program (service)
//   HS_TICK       a shell command that makes the sensor report 1000 events
//   HS_ATTACKER   the address the attacks come from (127.0.0.1)
//
// Nothing sleeps for a fixed time: every step waits for what it expects
// (selectors, page functions), within playwright's timeouts.  Every
// scenario ends with the page's safety checks: no dialog opened, no
// script error, no Content-Security-Policy violation, window.__pwned
// never set.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

const env = process.env;
const scenario = process.argv[2];
const base = env.HS_URL;
const user = env.HS_USER || 'admin';
const password = env.HS_PASSWORD_FILE ?
  readFileSync(env.HS_PASSWORD_FILE, 'utf8').split('\n')[0] : '';
const sensor = env.HS_SENSOR || 's1';
const shots = env.HS_SHOTS || '/tmp';
mkdirSync(shots, { recursive: true });

class Failure extends Error {}
function check(cond, what) {
  if (!cond)
    throw new Failure(what);
  console.log(`ok: ${what}`);
}

// The attacker: HS_SEND with these bytes on its standard input.
function attack(bytes) {
  return execFileSync('/bin/sh', ['-c', env.HS_SEND], { input: bytes, timeout: 15000 });
}

// The sensor's own answer to CALL, over its control socket (-j).
function ctl(call) {
  return JSON.parse(execFileSync('/bin/sh', ['-c', `${env.HS_CTL} -j ${call}`], { timeout: 15000 }).toString());
}
const ctlRules = () => ctl('getFilters').map((f) => f.rule);
const ctlPorts = () => ctl('getServices').filter((x) => x.state === 'listening').map((x) => x.port);

// Poll COND (which may be async) every 100 ms for at most SECS s.
async function until(what, cond, secs = 10) {
  for (const end = Date.now() + secs * 1000; !(await cond());) {
    if (Date.now() > end)
      throw new Failure(`${what}: not within ${secs} s`);
    await page.waitForTimeout(100);
  }
  check(true, what);
}

// What the console must show for attacker text: the same characters,
// every control byte as \xNN (\t, \n, \r by name).
function visible(s) {
  const named = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };
  return s.replace(/[\x00-\x1f\x7f]/g, (c) => named[c] ||
    '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'))
    .replace(/[\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}

const browser = await chromium.launch({
  executablePath: env.HS_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
  headless: true,
});
// The master's certificate is signed by the network's own CA, which this
// browser profile does not know; the bats file checks it with curl.
const ctx = await browser.newContext({ ignoreHTTPSErrors: true,
  viewport: { width: 1400, height: 900 } });
await ctx.addInitScript(() => {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
  });
});
const page = await ctx.newPage();
page.setDefaultTimeout(20000);
const dialogs = [];
const errors = [];
page.on('dialog', (d) => {
  dialogs.push(`${d.type()}: ${d.message()}`);
  d.dismiss().catch(() => {});
});
page.on('pageerror', (e) => errors.push(e.message));

let shotNo = 0;
async function shot(step, full = true) {
  shotNo++;
  const path = `${shots}/${scenario}-${String(shotNo).padStart(2, '0')}-${step}.png`;
  await page.screenshot({ path, fullPage: full });
  console.log(`screenshot: ${path}`);
}

async function go(hash) {
  await page.evaluate((h) => { location.hash = h; }, hash);
}

async function login() {
  await page.goto(base + '/');
  await page.waitForSelector('#login-form');
  await page.fill('#login-user', user);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  await page.waitForSelector('body:not(.logged-out) #nav');
  await page.waitForSelector('#main[data-page="overview"]');
}

// The text of the element, control characters included as the DOM has
// them (the console shows them as escape text, so there should be none).
const textOf = (sel) => page.$eval(sel, (e) => e.textContent);

async function waitText(sel, needle, what) {
  await page.waitForFunction(([s, n]) => {
    const e = document.querySelector(s);
    return e && e.textContent.includes(n);
  }, [sel, needle]);
  console.log(`ok: ${what}`);
}

// The Live page is open and its stream flowing.  The master fixes where
// a new stream starts ("now") with a store query it makes after the
// page has the stream's headers, so an event stored in those few
// milliseconds is not streamed; one warm-up event that arrives proves
// the start is fixed.  It is sent again if the first was that early.
async function liveFlowing() {
  await page.waitForSelector('#live-state.on');
  for (let i = 1; ; i++) {
    const w = 'warmup-' + randomBytes(4).toString('hex');
    attack(Buffer.from(w + '\r\n'));
    try {
      await page.waitForFunction((m) => document.querySelector('#live-table tbody').textContent.includes(m),
        w, { timeout: 5000 });
      console.log(`ok: the live stream flows (warm-up ${i})`);
      return;
    } catch (e) {
      if (i === 3)
        throw new Failure('the Live page shows no event at all');
    }
  }
}

async function safety() {
  const s = await page.evaluate(() => ({
    pwned: typeof window.__pwned,
    csp: window.__csp || [],
    imgs: document.querySelectorAll('img, iframe, object, embed').length,
    scripts: [...document.scripts].map((x) => x.getAttribute('src')),
    handlers: [...document.querySelectorAll('*')].filter((e) =>
      [...e.attributes].some((a) => /^on/i.test(a.name) || (a.name === 'style' && a.value !== '')) ||
      (e.localName === 'a' && e.hasAttribute('href') && !/^(#\/|\/api\/)/.test(e.getAttribute('href'))))
      .map((e) => e.outerHTML.slice(0, 200)),
  }));
  check(s.pwned === 'undefined', 'window.__pwned was never set');
  check(dialogs.length === 0, `no dialog opened${dialogs.length ? ': ' + dialogs.join('; ') : ''}`);
  check(errors.length === 0, `no script error${errors.length ? ': ' + errors.join('; ') : ''}`);
  check(s.csp.length === 0, `no Content-Security-Policy violation${s.csp.length ? ': ' + s.csp.join('; ') : ''}`);
  check(s.imgs === 0, 'no img, iframe, object or embed element in the page');
  check(s.scripts.every((x) => x && /^[a-z]+\.js$/.test(x)), 'only the console\'s own script files');
  check(s.handlers.length === 0, `no event handler, style attribute or foreign link in the DOM${s.handlers.length ? ': ' + s.handlers.join(' | ') : ''}`);
}

const scenarios = {};

// Wrong password refused on the form, then the overview and the sensor.
scenarios.login = async () => {
  await page.goto(base + '/');
  await page.waitForSelector('#login-form');
  await page.fill('#login-user', user);
  await page.fill('#login-password', password + '-wrong');
  await page.click('#login-submit');
  await waitText('#login-error', 'wrong user or password', 'a wrong password shows the server\'s error');
  await shot('wrong-password');
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  await page.waitForSelector('#chart-timeline svg, #chart-timeline .chart-empty');
  for (const id of ['timeline', 'ports', 'services', 'countries', 'os', 'detections'])
    check(await page.$(`#chart-${id}`) !== null, `the overview has its ${id} chart`);
  check(await page.$$eval('#chart-timeline svg rect.bar', (r) => r.length) > 0,
    'the timeline is drawn in SVG');
  await shot('overview');
  await page.click('#nav a[data-page="sensors"]');
  await page.waitForSelector(`#sensors-table tr[data-sensor="${sensor}"][data-online="true"]`);
  check(true, `${sensor} is online on the Sensors page`);
  await shot('sensors');
  await page.click('#logout');
  await page.waitForSelector('#login-form');
  const st = await page.evaluate(async () => (await fetch('/api/me')).status);
  check(st === 401, 'after logout /api/me answers 401');
};

// An attack shows on the Live page without a reload; pause and resume;
// its session (text and hex) and attacker pages.
scenarios.live = async () => {
  await login();
  await go('#/live');
  await liveFlowing();
  await page.evaluate(() => { window.__sameDocument = 'yes'; });
  const mark = 'live-' + randomBytes(4).toString('hex');
  attack(Buffer.from(mark + '\r\n'));
  await waitText('#live-table tbody', mark, 'the attack appears on the Live page');
  check(await page.evaluate(() => window.__sameDocument) === 'yes', 'without a page reload');
  await shot('live');

  await page.click('#live-pause');
  const mark2 = 'paused-' + randomBytes(4).toString('hex');
  attack(Buffer.from(mark2 + '\r\n'));
  await page.waitForFunction(() => /\d+ new while paused/.test(document.getElementById('live-pending').textContent));
  check(!(await textOf('#live-table tbody')).includes(mark2), 'paused: the new event waits');
  await shot('paused');
  await page.click('#live-pause');
  await waitText('#live-table tbody', mark2, 'resumed: the waiting event is shown');

  // The filters apply to what arrived: by source, by type.
  await page.fill('#live-src', '192.0.2.99');
  await page.waitForFunction((m) => !document.querySelector('#live-table tbody').textContent.includes(m), mark);
  check(true, 'a filter by another source hides the attack');
  await page.fill('#live-src', env.HS_ATTACKER || '127.0.0.1');
  await waitText('#live-table tbody', mark, 'a filter by its source shows it again');
  await page.fill('#live-type', 'session.input');
  await page.waitForFunction(() => [...document.querySelectorAll('#live-table tbody tr.event')]
    .every((r) => r.dataset.eventid === 'honeyspy.session.input'));
  await waitText('#live-table tbody', mark, 'a filter by type keeps its input');
  await shot('filtered');
  await page.fill('#live-type', '');
  await page.fill('#live-src', '');

  // Its session page.
  const row = page.locator('#live-table tbody tr.event', { hasText: mark }).filter({ has: page.locator('a.session-link') }).first();
  await row.locator('a.session-link').click();
  await page.waitForSelector('#main[data-page="session"] #transcript-text');
  await waitText('#transcript-text', mark + '\\r\\n', 'the session page shows the transcript');
  await shot('session-text');
  await page.click('#tab-hex');
  const hex = [...Buffer.from(mark.slice(0, 5))].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  await waitText('#transcript-hex pre.hexdump[data-direction="input"]', hex, 'the hex view has the bytes');
  await shot('session-hex');
  const sessionId = page.url().split('/').slice(-2)[0];

  // Its attacker page.
  await page.click('#main a[href^="#/attacker/"]');
  await page.waitForSelector('#attacker-sessions');
  await waitText('#attacker-sessions', decodeURIComponent(sessionId), 'the attacker page lists the session');
  check(await page.$('#attacker-fingerprint') !== null, 'the attacker page has a fingerprint section');
  await shot('attacker');
};

// An exploit found in a session: the detection on the Live page, and
// its bytes marked in the session's text and hex views.
scenarios.detect = async () => {
  await login();
  await go('#/live');
  await liveFlowing();
  const mark = 'fmt-' + randomBytes(4).toString('hex');
  const exploit = '%08x.%08x.%08x.%08x.%n';
  attack(Buffer.from(`${mark} ${exploit}\r\n`));
  await page.waitForSelector('#live-table tr.event[data-eventid="honeyspy.detect.format_string"]');
  check(true, 'the detection appears on the Live page');
  await shot('live');
  await page.click('#live-table tr.event[data-eventid="honeyspy.detect.format_string"] a.session-link');
  await page.waitForSelector('#transcript-text mark.det');
  const marked = await page.$$eval('#transcript-text .chunk.input mark.det', (ms) => ms.map((m) => m.textContent).join(''));
  check(marked.includes('%n'), `the input's detected bytes are marked: "${marked}"`);
  check(!marked.includes(mark), 'and only those');
  check(await page.$('table.detections tr.det-row') !== null, 'the session lists its detection');
  await shot('session-text');
  await page.click('#tab-hex');
  const hexMarked = await page.$$eval('#transcript-hex pre[data-direction="input"] mark.det', (ms) => ms.length);
  check(hexMarked > 0, 'the hex view marks them too');
  await shot('session-hex');
};

// Attacker strings through a real service: shown as sent, inert.
const XSS = [
  '<script>window.__pwned=1</script>',
  '"><img src=x onerror="window.__pwned=1">',
  'javascript:window.__pwned=1',
  '\x1b[31mred\x1b[0m',
  '\x1b]0;title\x07',
  '<svg onload=window.__pwned=1>',
  '{{constructor.constructor(\'window.__pwned=1\')()}}',
  'invoice\u202egpj.exe',
];
scenarios.xss = async () => {
  await login();
  await go('#/live');
  await liveFlowing();
  const tag = 'x' + randomBytes(3).toString('hex');
  const lines = XSS.map((p, i) => `${tag}-${i} ${p}`);
  for (const l of lines)
    attack(Buffer.from(l + '\r\n'));
  for (const l of lines)
    await waitText('#live-table tbody', visible(l), `Live shows ${JSON.stringify(l)} as ${visible(l)}`);
  const live = await textOf('#live-table tbody');
  check(!/[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]/.test(live), 'no raw control or bidi character reached the Live page');
  await shot('live');
  await safety();

  await go('#/events?eventid=honeyspy.session.input&since=' + (env.HS_SINCE || '0') + '&limit=1000');
  await page.waitForSelector('#events-table tbody tr.event');
  for (const l of lines)
    await waitText('#events-table tbody', visible(l), `Events shows ${JSON.stringify(l)}`);
  await shot('events');
  await safety();

  // Text search: only events whose JSON holds the text.
  await page.fill('#ev-eventid', '');
  await page.fill('#ev-q', `${tag}-1 `);
  await page.click('#ev-search');
  // The table of the search before is on "Page 1:" too: wait for rows
  // that all hold the text, or a timeout says the search is wrong.
  await page.waitForFunction((t) => {
    const rows = [...document.querySelectorAll('#events-table tbody tr.event')];
    return /^Page 1:/.test(document.getElementById('ev-status').textContent) &&
      rows.length > 0 && rows.every((r) => r.textContent.includes(t));
  }, `${tag}-1`);
  const texts = await page.$$eval('#events-table tbody tr.event', (rows) => rows.map((r) => r.textContent));
  check(texts.every((t) => t.includes(`${tag}-1`)) && texts.some((t) => t.includes(visible(lines[1]))),
    `the text search finds payload 1's events only (${texts.length}): ${texts.join(' | ').slice(0, 600)}`);
  await page.fill('#ev-q', '');
  await page.fill('#ev-eventid', 'honeyspy.session.input');
  await page.click('#ev-search');
  await page.waitForFunction((t) => document.querySelector('#events-table tbody').textContent.includes(`${t}-6`), tag);

  // The export link carries the same search, and gives the same events.
  const href = await page.getAttribute('#ev-export', 'href');
  check(href.startsWith('/api/events/export?') && href.includes('eventid=honeyspy.session.input'),
    `the export link has the search: ${href}`);
  const exported = await page.evaluate(async (h) => {
    const r = await fetch(h);
    return { type: r.headers.get('content-type'), text: await r.text() };
  }, href);
  const evs = exported.text.split('\n').filter((l) => l).map((l) => JSON.parse(l));
  check(/ndjson/.test(exported.type) && evs.every((e) => e.eventid === 'honeyspy.session.input'),
    `the export is JSON lines of those events (${evs.length})`);
  for (const l of lines)
    check(evs.some((e) => Buffer.from(e.input, e.input_encoding === 'base64' ? 'base64' : 'utf8').equals(Buffer.from(l + '\r\n'))),
      `the export has ${JSON.stringify(l)} byte for byte`);

  const hrefs = await page.$$eval('#events-table tbody tr.event', (rows, t) => rows
    .filter((r) => r.textContent.includes(t))
    .map((r) => r.querySelector('a.session-link'))
    .filter((a) => a).map((a) => a.getAttribute('href')), tag);
  check(hrefs.length >= lines.length, `each payload has a session link (${hrefs.length})`);
  for (const h of hrefs) {
    await go(h);
    await page.waitForSelector('#main[data-page="session"] #transcript-text .chunk');
    const t = await textOf('#transcript-text');
    const l = lines.find((x) => t.includes(visible(x)));
    check(l !== undefined, `session ${h} shows its payload as sent`);
    check(!/[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]/.test(t), 'no raw control character in the transcript');
    if (l === lines[1] || l === lines[3])
      await shot('session');
  }
  await safety();
};

// Paging: the ticker service reports 1000 events of its own; the Events
// page goes through them 250 at a time with the next cursors.
scenarios.paging = async () => {
  await login();
  execFileSync('/bin/sh', ['-c', env.HS_TICK], { timeout: 15000 });
  // The very search the page makes, with its "since", so that what is
  // counted here is what the pages can show.
  const search = 'eventid=honeyspy.test.tick&since=' + (env.HS_SINCE || '0');
  // Polled from here: waitForFunction takes an async predicate's
  // promise for a true value and returns after the first try.
  await until('the master stored the 1000 events', () => page.evaluate(async (s) => {
    const r = await fetch('/api/events?' + s + '&limit=1000');
    return r.ok && (await r.json()).events.length === 1000;
  }, search), 60);
  await go('#/events?' + search + '&limit=250');
  const seen = [];
  for (let p = 1; p <= 4; p++) {
    await page.waitForFunction((n) => document.getElementById('ev-status').textContent.startsWith(`Page ${n}:`), p);
    const ns = await page.$$eval('#events-table tbody tr.event td.summary', (tds) =>
      tds.map((td) => Number((td.textContent.match(/\bn=(\d+)/) || [])[1])));
    check(ns.length === 250, `page ${p} has 250 events`);
    seen.push(...ns);
    if (p === 1)
      await shot('page1', false);
    if (p < 4)
      await page.click('#ev-next');
  }
  check(await page.$eval('#ev-next', (b) => b.disabled), 'after the last page, no next page');
  check(seen.every((n, i) => n === i), 'the pages hold events 0 to 999 in order, each once');
  await page.click('#ev-first');
  await page.waitForFunction(() => document.getElementById('ev-status').textContent.startsWith('Page 1:'));
  check(true, 'back to the first page');
  await safety();
};

// A capture rule added from the page, applied by the sensor; a bad one
// refused with pcap's words; the rule deleted again.
scenarios.filter = async () => {
  const rule = env.HS_RULE || 'tcp port 2323';
  check(!ctlRules().includes(rule), `the sensor does not have "${rule}" yet`);
  await login();
  await go('#/sensors/' + encodeURIComponent(sensor));
  await page.waitForSelector('#filters-table');
  await page.waitForSelector('#config-text');
  await shot('detail');
  await page.fill('#add-filter input[name="expr"]', rule);
  await page.click('#add-filter button[type="submit"]');
  await page.waitForSelector('#action-log li.ok:has-text("addFilter")');
  await page.waitForSelector(`#filters-table tr[data-rule="${rule}"]`);
  check(true, 'the page shows the new rule');
  check(ctlRules().includes(rule), 'honeyspyctl getFilters on the sensor lists it');
  await shot('added');

  await page.fill('#add-filter input[name="expr"]', 'tcp port banana');
  await page.click('#add-filter button[type="submit"]');
  await page.waitForSelector('#action-log li.failed:has-text("banana")');
  const err = await textOf('#action-log li.failed');
  check(/banana/.test(err), `a bad rule is refused with the sensor's message: ${err.trim()}`);
  await shot('refused');

  await page.click(`#filters-table tr[data-rule="${rule}"] button`);
  await page.waitForSelector('#action-log li.ok:has-text("delFilter")');
  await page.waitForFunction((r) => !document.querySelector(`#filters-table tr[data-rule="${r}"]`), rule);
  check(!ctlRules().includes(rule), 'after Delete the sensor no longer has it');
  await shot('deleted');
  await safety();
};

// A service added from the page listens on the sensor (honeyspyctl
// getServices), answers an attacker, and is removed again.
scenarios.service = async () => {
  const port = Number(env.HS_FREE_PORT);
  check(port > 0 && !ctlPorts().includes(port), `nothing listens on port ${port} yet`);
  await login();
  await go('#/sensors/' + encodeURIComponent(sensor));
  await page.waitForSelector('#services-table');
  await page.fill('#add-service input[name="addr"]', '127.0.0.1');
  await page.selectOption('#add-service select[name="proto"]', 'tcp');
  await page.fill('#add-service input[name="port"]', String(port));
  await page.fill('#add-service input[name="program"]', env.HS_PROGRAM);
  await page.click('#add-service button[type="submit"]');
  await page.waitForSelector('#action-log li.ok:has-text("addService")');
  await waitText('#services-table', `127.0.0.1 tcp/${port}`, 'the page lists the new service');
  await until('honeyspyctl getServices on the sensor shows it listening', () => ctlPorts().includes(port));
  const reply = execFileSync('/bin/sh', ['-c', `printf 'root\r\n' | socat -t 2 - TCP:127.0.0.1:${port}`], { timeout: 15000 }).toString();
  check(/root/.test(reply), 'it answers a client');
  await shot('added');
  await page.click(`#services-table tr:has-text("tcp/${port}") button`);
  await page.waitForSelector('#action-log li.ok:has-text("delService")');
  await page.waitForFunction((p) => !document.querySelector('#services-table').textContent.includes(`tcp/${p}`), port);
  check(!ctlPorts().includes(port), 'after Remove the sensor no longer listens there');
  await shot('removed');
  await safety();
};

// Every other action answers on the page: capture switched on and off
// (the sensor's status follows), a fake host and a personality (which
// need a bridge and the persona process: the reply or the sensor's error).
scenarios.actions = async () => {
  await login();
  await go('#/sensors/' + encodeURIComponent(sensor));
  await page.waitForSelector('#sd-capture');
  const replies = () => page.$$eval('#action-log li', (li) => li.length);
  async function answered(what, click) {
    const before = await replies();
    await click();
    await page.waitForFunction((n) => {
      const li = document.querySelectorAll('#action-log li');
      return li.length > n && !li[0].classList.contains('pending');
    }, before);
    const li = await page.$eval('#action-log li', (e) => ({ cls: e.className, text: e.textContent }));
    check(/ok|failed/.test(li.cls) && li.text.trim().length > what.length,
      `${what}: the page shows the answer (${li.cls}: ${li.text.replace(/\s+/g, ' ').trim().slice(0, 160)})`);
    return li.cls === 'ok';
  }
  check(await answered('enablePcap', () => page.click('#pcap-enable')), 'capture enabled');
  await waitText('#sd-capture', 'enabled', 'the status says capture is enabled');
  check(await answered('disablePcap', () => page.click('#pcap-disable')), 'capture disabled');
  await waitText('#sd-capture', 'disabled', 'the status says capture is disabled');

  await page.fill('#add-alias input[name="ip"]', '198.51.100.77');
  await page.fill('#add-alias input[name="mac"]', 'Cisco');
  if (await answered('addAlias', () => page.click('#add-alias button[type="submit"]'))) {
    await waitText('#aliases-table', '198.51.100.77', 'the fake host is listed');
    await answered('delAlias', () => page.click('#aliases-table tr:has-text("198.51.100.77") button'));
  }
  await page.fill('#set-fingerprint input[name="ip"]', '198.51.100.77');
  await page.fill('#set-fingerprint input[name="persona"]', 'Microsoft Windows XP SP3');
  await answered('setFingerprint', () => page.click('#set-fingerprint button[type="submit"]'));
  await page.fill('#get-fingerprint input[name="ip"]', '198.51.100.77');
  await answered('getFingerprint', () => page.click('#get-fingerprint button[type="submit"]'));
  await shot('replies');
  await safety();
};

// A whole configuration pushed from the page: a bad one refused with the
// parser's words, a good one (one more service) applied by the sensor.
scenarios.config = async () => {
  const port = Number(env.HS_FREE_PORT);
  await login();
  await go('#/sensors/' + encodeURIComponent(sensor));
  await page.waitForSelector('#config-text[data-loaded="yes"]');
  const conf = await page.inputValue('#config-text');
  check(conf.includes(`name: ${sensor}`), 'the page loads the sensor\'s configuration');
  await shot('loaded');

  await page.fill('#config-text', conf + '\nbogus: 1\n');
  await page.click('#config-push');
  await page.waitForSelector('#config-push-confirm', { state: 'visible' });
  await page.click('#config-push-confirm');
  await page.waitForSelector('#action-log li.failed:has-text("setConfig")');
  const err = await textOf('#action-log li.failed');
  check(/bogus/.test(err), `a bad configuration is refused with the parser's words: ${err.trim()}`);

  const good = conf.replace(/^capture:/m, `  - address: 127.0.0.1\n    port: ${port}\n    program: ${env.HS_PROGRAM}\ncapture:`);
  check(good !== conf, 'one more service in the configuration');
  await page.fill('#config-text', good);
  await page.click('#config-push');
  await page.click('#config-push-confirm');
  await page.waitForSelector('#action-log li.ok:has-text("setConfig")');
  check(true, 'the master took it');
  await shot('pushed');
  await until('the sensor applied it: its new service listens', () => ctlPorts().includes(port));
  await waitText('#services-table', `127.0.0.1 tcp/${port}`, 'the page shows the new service');
  await page.click('#config-load');
  await page.waitForSelector('#config-text[data-loaded="yes"]');
  check((await page.inputValue('#config-text')) === good, 'the master now keeps exactly what was pushed');
  await safety();
};

// Shut the sensor down after the confirmation; it goes offline.
scenarios.kill = async () => {
  await login();
  await go('#/sensors/' + encodeURIComponent(sensor));
  await page.waitForSelector(`#sensors-table tr[data-sensor="${sensor}"][data-online="true"]`);
  await page.click('#kill');
  await page.waitForSelector('#kill-confirm', { state: 'visible' });
  check(await page.$('#action-log li') === null, 'nothing is sent before the confirmation');
  await shot('confirm');
  await page.click('#kill-confirm');
  await page.waitForSelector('#action-log li.ok:has-text("kill")');
  check(true, 'the sensor answered the kill');
  await page.waitForSelector(`#sensors-table tr[data-sensor="${sensor}"][data-online="false"]`, { timeout: 30000 });
  check(true, `${sensor} shows offline`);
  await shot('offline');
  await safety();
};

// An idle session expires: the next request shows the login form.
scenarios.expire = async () => {
  const timeout = Number(env.HS_SESSION_TIMEOUT || '5');
  await login();
  await go('#/events');
  await page.waitForSelector('#events-table');
  await page.waitForFunction(() => /event|match/i.test(document.getElementById('ev-status').textContent));
  // From the last request on, the session is idle: any probe would
  // renew it, so wait out the timeout on the clock, then use the page.
  const deadline = Date.now() + (timeout + 1) * 1000;
  await page.waitForFunction((d) => Date.now() > d, deadline, { polling: 100, timeout: (timeout + 10) * 1000 });
  await page.click('#nav a[data-page="sensors"]');
  await page.waitForSelector('#login-form');
  await waitText('#login-error', 'session expired', 'an expired session brings back the login form');
  await shot('expired');
  await page.fill('#login-user', user);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  await page.waitForSelector('#main[data-page="sensors"]');
  check(true, 'logging in again goes back to the page that was asked for');
};

// Too many failed logins: refused with the server's words, even the
// right password.
scenarios.ratelimit = async () => {
  await page.goto(base + '/');
  await page.waitForSelector('#login-form');
  let text = '';
  for (let i = 0; i < 8 && !/too many/.test(text); i++) {
    await page.fill('#login-user', user);
    await page.fill('#login-password', 'wrong-' + i);
    await page.evaluate(() => { document.getElementById('login-error').textContent = ''; });
    await page.click('#login-submit');
    await page.waitForFunction(() => document.getElementById('login-error').textContent !== '');
    text = await textOf('#login-error');
  }
  check(/too many failed logins; try again in \d+ s/.test(text), `the form shows "${text}"`);
  await page.fill('#login-password', password);
  await page.evaluate(() => { document.getElementById('login-error').textContent = ''; });
  await page.click('#login-submit');
  await page.waitForFunction(() => document.getElementById('login-error').textContent !== '');
  check(/too many/.test(await textOf('#login-error')), 'the right password is refused too while limited');
  await shot('limited');
};

let code = 0;
try {
  if (!scenarios[scenario])
    throw new Failure(`no scenario ${scenario}; have: ${Object.keys(scenarios).join(' ')}`);
  await scenarios[scenario]();
  if (!['xss', 'filter', 'service', 'actions', 'config', 'kill'].includes(scenario))
    await safety();
} catch (e) {
  code = 1;
  console.log(`FAILED: ${scenario}: ${e.message}`);
  try { await shot('failure'); } catch (e2) { /* the page may be gone */ }
  try { console.log('page text: ' + (await page.textContent('#main')).slice(0, 2000)); } catch (e2) { /* idem */ }
}
await browser.close();
process.exit(code);
