// The operator console in headless Chromium (Debian's chromium, driven by
// puppeteer-core): live tail, filters, pause/resume, the detail of an official
// call.completed, paging back through 10,000 stored events, the health chart.
// Writes a screenshot of each page to SCREENSHOT_DIR (default: a temporary
// folder); SCREENSHOT_DIR=docs/console refreshes the README's.
// Usage: SWITCHBOARD_BIN=... FIXTURES_DIR=... [SCREENSHOT_DIR=...] node --test console_browser_test.js
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const puppeteer = require('puppeteer-core');

const root = path.resolve(__dirname, '../..');
const shots = path.resolve(process.env.SCREENSHOT_DIR ||
  fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-console-')));
fs.mkdirSync(shots, { recursive: true });
const fixtures = process.env.FIXTURES_DIR || path.join(root, 'tests/fixtures/justcall');
let server, browser, page, httpPort, consoleUrl;
let counter = 0;

function startServer() {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.env.SWITCHBOARD_BIN, ['--http_addr=127.0.0.1:0', '--grpc_addr=127.0.0.1:0',
      '--admin_addr=127.0.0.1:0', '--store=memory', '--memory_max_events=100000'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const timer = setTimeout(() => reject(new Error(`switchboard did not start:\n${log}`)), 15000);
    proc.stderr.on('data', (chunk) => {
      log += chunk;
      const http = /http gateway listening on ([\d.:]+)/.exec(log);
      const admin = /admin console listening on ([\d.:]+)/.exec(log);
      if (http && admin && / ready\n/.test(log)) {
        clearTimeout(timer);
        resolve({ proc, http: http[1], admin: admin[1] });
      }
    });
    proc.on('exit', (code) => reject(new Error(`switchboard exited with ${code}:\n${log}`)));
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
function post(body) {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port: httpPort, path: '/webhooks/justcall', method: 'POST', agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (response) => {
      let text = '';
      response.on('data', (c) => { text += c; });
      response.on('end', () => resolve({ status: response.statusCode, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

// A webhook of `type` with a fresh request_id; its sequence once stored.
async function send(type, data = { call_id: 'c', direction: 'inbound' }) {
  const answer = await post(JSON.stringify({ request_id: `browser-${++counter}`, type, data }));
  assert.strictEqual(answer.status, 200, answer.body);
  return JSON.parse(answer.body).sequence;
}

async function sendFixture(file) {
  const webhook = JSON.parse(fs.readFileSync(path.join(fixtures, file), 'utf8'));
  webhook.request_id = `browser-fixture-${++counter}`;
  const answer = await post(JSON.stringify(webhook));
  assert.strictEqual(answer.status, 200, answer.body);
  return JSON.parse(answer.body).sequence;
}

const rowSeqs = (table) => page.$$eval(`#${table} tbody tr[data-seq]`, (rows) => rows.map((r) => Number(r.dataset.seq)));

before(async () => {
  const started = await startServer();
  server = started.proc;
  httpPort = Number(started.http.split(':')[1]);
  consoleUrl = `http://${started.admin}/`;
  browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    userDataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-chromium-')),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  page.on('pageerror', (e) => { throw e; });
  fs.mkdirSync(shots, { recursive: true });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
  agent.destroy();
});

test('webhooks appear live within a second of their 200, newest on top', async () => {
  await send('call.completed');
  await page.goto(consoleUrl, { waitUntil: 'networkidle0' });
  await page.waitForSelector('#live-table tr[data-seq="1"]');
  await page.waitForFunction(() => document.getElementById('live-status').textContent.startsWith('following'));
  const seqs = [];
  for (const type of ['sms.received', 'call.missed', 'voicemail.received']) seqs.push(await send(type));
  const answered = Date.now();
  await page.waitForSelector(`#live-table tr[data-seq="${seqs[2]}"]`, { timeout: 1000 });
  const waited = Date.now() - answered;
  assert.ok(waited < 1000, `shown ${waited} ms after the 200`);
  const shown = await rowSeqs('live-table');
  assert.deepStrictEqual(shown.slice(0, 4), [seqs[2], seqs[1], seqs[0], 1]);
  await sendFixture('v2.1/sms.received.json');
  await sendFixture('v2.1/whatsapp.message_received.json');
  await page.waitForSelector(`#live-table tr[data-seq="${seqs[2] + 2}"]`);
  await page.screenshot({ path: path.join(shots, 'live.png') });
});

test('type filter and text search apply to the live tail', async () => {
  await page.type('#live-types', 'sms.*');
  await page.click('#live-filters button[type=submit]');
  await page.waitForFunction(() => document.getElementById('live-status').textContent.startsWith('following'));
  const call = await send('call.completed');
  const sms = await send('sms.received', { message_id: 'needle-123', body: 'hi' });
  await page.waitForSelector(`#live-table tr[data-seq="${sms}"]`);
  const types = await page.$$eval('#live-table tbody tr td:nth-child(3)', (cells) => cells.map((c) => c.textContent));
  assert.ok(types.length > 0 && types.every((t) => t.startsWith('sms.')), types.join(','));
  assert.strictEqual(await page.$(`#live-table tr[data-seq="${call}"]`), null);
  // Text search over the event's fields.
  await page.type('#live-q', 'NEEDLE-123');
  await page.click('#live-filters button[type=submit]');
  await page.waitForFunction(() => document.getElementById('live-status').textContent.startsWith('following'));
  assert.deepStrictEqual(await rowSeqs('live-table'), [sms]);
  await page.$eval('#live-types', (i) => { i.value = ''; });
  await page.$eval('#live-q', (i) => { i.value = ''; });
  await page.click('#live-filters button[type=submit]');
  await page.waitForFunction(() => document.getElementById('live-status').textContent.startsWith('following'));
});

test('pause and resume lose nothing', async () => {
  await page.keyboard.press('p');
  await page.waitForFunction(() => document.getElementById('live-status').textContent.startsWith('paused'));
  const during = [];
  for (let k = 0; k < 5; k++) during.push(await send('call.answered'));
  await new Promise((r) => setTimeout(r, 700));
  assert.strictEqual(await page.$(`#live-table tr[data-seq="${during[0]}"]`), null, 'shown while paused');
  await page.keyboard.press('p');
  await page.waitForSelector(`#live-table tr[data-seq="${during[4]}"]`);
  const shown = await rowSeqs('live-table');
  for (const seq of during) assert.ok(shown.includes(seq), `#${seq} lost across the pause`);
});

test('the detail of an official call.completed shows its nested fields', async () => {
  const seq = await sendFixture('v2.1/call.completed.json');
  await page.waitForSelector(`#live-table tr[data-seq="${seq}"]`);
  await page.click(`#live-table tr[data-seq="${seq}"]`);
  await page.waitForSelector('#detail:not([hidden])');
  const title = await page.$eval('#detail-title', (e) => e.textContent);
  assert.strictEqual(title, `#${seq} call.completed`);
  // The original data, nested objects included, and the typed view of them.
  const direction = await page.$eval('#detail-data [data-path="data.call_info.direction"]', (e) => e.textContent);
  assert.match(direction, /"direction": "Incoming"/);
  assert.ok(await page.$('#detail-data [data-path="data.call_duration.total_duration"]'));
  const typed = await page.$eval('#detail-typed', (e) => e.textContent);
  assert.match(typed, /"callInfo"/);
  assert.match(typed, /"contactName": "Daniel Okafor"/);
  // The key the schema leaves to data_json is highlighted as catch-all.
  assert.ok(await page.$('#detail-data .catch-all[data-path="data.queue_callback"]'));
  const curl = await page.$eval('#detail-curl', (e) => e.textContent);
  assert.match(curl, /^curl -sS -X POST/);
  assert.match(curl, /"request_id":"browser-fixture-/);
  await page.screenshot({ path: path.join(shots, 'detail.png') });
  await page.keyboard.press('Escape');
  await page.waitForSelector('#detail', { hidden: true });
});

test('browse pages back through 10,000 stored events', async () => {
  // Paused: the page need not draw 10,000 live rows meanwhile.
  await page.keyboard.press('p');
  await page.waitForFunction(() => document.getElementById('live-status').textContent.startsWith('paused'));
  const pending = [];
  for (let k = 0; k < 10000; k++) {
    pending.push(send(['call.completed', 'sms.received', 'call.missed', 'contact.updated'][k % 4]));
    if (pending.length === 64) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  await post('{"type":"call.completed"');  // refused, for the health view
  await page.keyboard.press('2');
  await page.select('#browse-limit', '1000');
  await page.click('#browse-filters button[type=submit]');
  await page.waitForFunction(() => /store holds #1 to/.test(document.getElementById('browse-status').textContent));
  const newest = (await rowSeqs('browse-table'))[0];
  assert.ok(newest >= 10000, `newest #${newest}`);
  await page.screenshot({ path: path.join(shots, 'browse.png') });
  const seen = new Set();
  for (let pages = 0; pages < 50; pages++) {
    for (const seq of await rowSeqs('browse-table')) seen.add(seq);
    if (await page.$eval('#browse-older', (b) => b.disabled)) break;
    const oldest = Math.min(...(await rowSeqs('browse-table')));
    await page.keyboard.press('o');
    await page.waitForFunction((o) => Math.max(...[...document.querySelectorAll('#browse-table tbody tr')].map((r) => Number(r.dataset.seq))) < o, {}, oldest);
  }
  for (let seq = 1; seq <= newest; seq++) assert.ok(seen.has(seq), `#${seq} never shown`);
  // Jump to a sequence: its page and its detail.
  await page.type('#jump-to', '#4242');
  await page.click('#jump-form button[type=submit]');
  await page.waitForSelector('#detail:not([hidden])');
  assert.match(await page.$eval('#detail-title', (e) => e.textContent), /^#4242 /);
  await page.keyboard.press('Escape');
});

test('the health view charts webhooks per second', async () => {
  // The sampler takes a point every 5 s: wait for one holding the load above.
  const deadline = Date.now() + 15000;
  for (;;) {
    const series = await page.evaluate(() => fetch('/api/series').then((r) => r.json()));
    if (series.webhooks.some((s) => s.per_second.some((v) => v > 0))) break;
    assert.ok(Date.now() < deadline, 'no sample with webhooks in 15 s');
    await new Promise((r) => setTimeout(r, 500));
  }
  await page.keyboard.press('3');
  await page.waitForFunction(() => document.querySelectorAll('#legend-types span').length > 0);
  const colored = await page.$eval('#chart-types', (canvas) => {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let k = 0; k < data.length; k += 4) if (Math.max(data[k], data[k + 1], data[k + 2]) - Math.min(data[k], data[k + 1], data[k + 2]) > 60) n++;
    return n;
  });
  assert.ok(colored > 500, `${colored} coloured pixels in the chart`);
  await page.waitForFunction(() => document.querySelectorAll('#refusals-table tbody tr td').length > 1);
  const refusal = await page.$eval('#refusals-table tbody tr', (r) => r.textContent);
  assert.match(refusal, /400/);
  await page.screenshot({ path: path.join(shots, 'health.png'), fullPage: true });
});
