// web_page.js: drives Debian's headless Chromium over the DevTools protocol
// (--remote-debugging-pipe: no npm package, no network) through adem's page
// for the room, for tests/e2e/e2e_play_web.c.
//
//   node web_page.js CHROMIUM CONTROL_URL VIEW_URL OUTDIR
//
// 1. the guide (view URL, 1920x1080): waits for a phase label, then takes two
//    screenshots during an in-breath (OUTDIR/in1.png, in2.png) and two during
//    an out-breath (out1.png, out2.png), 1.5 s apart, with the shape's width
//    from the page at each;
// 2. the remote (control URL + &remote, 390x844, touch): taps the pause
//    button like a finger and waits until the page shows the pause
//    (remote.png);
// and records every request the browser makes. Prints one JSON line with
// what it saw; exits 1 with a message on stderr when something fails
// (including any request that does not go to adem).
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const [chromium, controlUrl, viewUrl, outDir] = process.argv.slice(2);
if (!outDir) {
  console.error('usage: node web_page.js CHROMIUM CONTROL_URL VIEW_URL OUTDIR');
  process.exit(2);
}
const origin = new URL(controlUrl).origin;
const profile = fs.mkdtempSync(path.join(outDir, 'chromium-'));
const browser = spawn(chromium, [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
  '--disable-default-apps', '--disable-extensions', '--mute-audio',
  '--user-data-dir=' + profile, '--remote-debugging-pipe', 'about:blank',
], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
let chromeErr = '';
browser.stderr.on('data', (d) => { chromeErr = (chromeErr + d).slice(-4000); });

const pipeOut = browser.stdio[3], pipeIn = browser.stdio[4];
let nextId = 1;
const pending = new Map();
const listeners = [];
let buf = Buffer.alloc(0);
pipeIn.on('data', (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  for (let end; (end = buf.indexOf(0)) >= 0;) {
    const msg = JSON.parse(buf.subarray(0, end).toString('utf8'));
    buf = buf.subarray(end + 1);
    if (msg.id && pending.has(msg.id)) {
      const { resolve, reject } = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) reject(new Error(JSON.stringify(msg.error)));
      else resolve(msg.result);
    } else if (msg.method) {
      for (const l of listeners) l(msg);
    }
  }
});

function send(method, params = {}, sessionId) {
  const id = nextId++;
  const msg = { id, method, params };
  if (sessionId) msg.sessionId = sessionId;
  pipeOut.write(JSON.stringify(msg) + '\0');
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
}

const requests = [];
listeners.push((m) => {
  if (m.method === 'Network.requestWillBeSent') requests.push(m.params.request.url);
});

function fail(why) {
  console.error('web_page.js: ' + why);
  if (chromeErr) console.error('chromium said: ' + chromeErr.split('\n').slice(-5).join('\n'));
  browser.kill('SIGKILL');
  process.exit(1);
}
setTimeout(() => fail('timed out after 150 s'), 150000).unref();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function openPage(width, height, mobile) {
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  await send('Network.enable', {}, sessionId);
  await send('Page.enable', {}, sessionId);
  await send('Runtime.enable', {}, sessionId);
  await send('Emulation.setDeviceMetricsOverride',
    { width, height, deviceScaleFactor: 1, mobile }, sessionId);
  if (mobile) await send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 1 }, sessionId);
  return sessionId;
}

async function evaluate(s, expr) {
  const r = await send('Runtime.evaluate', { expression: expr, returnByValue: true }, s);
  if (r.exceptionDetails) throw new Error('page: ' + JSON.stringify(r.exceptionDetails));
  return r.result.value;
}

async function navigate(s, url) {
  const loaded = new Promise((resolve) => listeners.push((m) => {
    if (m.method === 'Page.loadEventFired' && m.sessionId === s) resolve();
  }));
  await send('Page.navigate', { url }, s);
  await loaded;
}

// Waits until the page's expression is true (polls every 50 ms).
async function until(s, expr, ms, what) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await evaluate(s, expr)) return;
    await sleep(50);
  }
  fail('the page never showed ' + what);
}

async function shot(s, name) {
  const { data } = await send('Page.captureScreenshot', { format: 'png' }, s);
  fs.writeFileSync(path.join(outDir, name), Buffer.from(data, 'base64'));
}

const width = (s) => evaluate(s, "document.getElementById('shape').getBoundingClientRect().width");
const tone = "document.getElementById('label').dataset.tone";

async function main() {
  await new Promise((r) => setTimeout(r, 100));
  const result = {};
  // 1. the guide on the projector
  const g = await openPage(1920, 1080, false);
  await navigate(g, viewUrl);
  await until(g, "(t => t && t !== 'Even geduld…' && t !== 'Geen verbinding…')(document.getElementById('label').textContent)",
    20000, 'a phase label');
  result.label = await evaluate(g, "document.getElementById('label').textContent");
  result.remoteHidden = await evaluate(g, "document.getElementById('remote').hidden");
  // an in-breath from its start: wait for the phase before it, then for it
  await until(g, tone + " !== 'rise'", 40000, 'a phase other than an in-breath');
  await until(g, tone + " === 'rise'", 40000, 'an in-breath');
  result.inLabel = await evaluate(g, "document.getElementById('label').textContent");
  result.round = await evaluate(g, "document.getElementById('round').textContent");
  await sleep(300);
  result.in = [await width(g)];
  await shot(g, 'in1.png');
  await sleep(1500);
  result.in.push(await width(g));
  await shot(g, 'in2.png');
  await until(g, tone + " === 'fall'", 40000, 'an out-breath');
  result.outLabel = await evaluate(g, "document.getElementById('label').textContent");
  await sleep(300);
  result.out = [await width(g)];
  await shot(g, 'out1.png');
  await sleep(1500);
  result.out.push(await width(g));
  await shot(g, 'out2.png');
  // 2. the remote on a phone: a finger on the pause button
  const r = await openPage(390, 844, true);
  await navigate(r, controlUrl + '&remote');
  await until(r, "!document.getElementById('remote').hidden && document.body.dataset.paused === '0'",
    20000, 'the remote, playing');
  const box = await evaluate(r, "(b => [b.x + b.width / 2, b.y + b.height / 2])(document.getElementById('toggle').getBoundingClientRect())");
  const point = { x: box[0], y: box[1] };
  await send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point] }, r);
  await send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] }, r);
  await until(r, "document.body.dataset.paused === '1'", 10000, 'the pause after the tap');
  result.pausedLabel = await evaluate(r, "document.getElementById('label').textContent");
  await shot(r, 'remote.png');
  result.requests = requests;
  const foreign = requests.filter((u) => !u.startsWith(origin + '/') && u !== 'about:blank');
  if (foreign.length) fail('requests outside adem: ' + foreign.join(' '));
  console.log(JSON.stringify(result));
  const gone = new Promise((resolve) => browser.on('exit', resolve));
  browser.kill('SIGTERM');
  await Promise.race([gone, sleep(5000)]);
  try { fs.rmSync(profile, { recursive: true, force: true }); } catch (e) { /* the test's tmp dir goes anyway */ }
  process.exit(0);
}
main().catch((e) => fail(e.stack || String(e)));
