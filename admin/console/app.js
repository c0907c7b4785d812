// Switchboard operator console: Live tail (WebSocket /api/tail), Browse
// (/api/events), event detail (/api/events/SEQ) and Health (/api/overview,
// /api/series, /api/refusals). Plain JavaScript, no dependencies; every
// request is the same JSON API a script can use (README, "Console").
'use strict';

const $ = (id) => document.getElementById(id);
const MAX_LIVE_ROWS = 500;
const state = { view: 'live', paused: false, lastSeq: null, ws: null, wsRetry: null,
  browse: { before: null, after: null, nextBefore: 0, nextAfter: 0 }, detail: null, healthTimer: null };

// ---------------------------------------------------------------------------
// API

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(path, options = {}) {
  const response = await fetch(path, Object.assign({ credentials: 'same-origin' }, options));
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
  if (!response.ok) {
    const message = body && body.error ? body.error.message + (body.error.field ? ` (${body.error.field})` : '') : `${response.status}`;
    if (response.status === 401) showLogin();
    throw new ApiError(response.status, message);
  }
  return body;
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}

// ---------------------------------------------------------------------------
// Tables of events

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v; else if (k === 'text') node.textContent = v; else node.setAttribute(k, v);
  }
  for (const child of children) node.append(child);
  return node;
}

function eventRow(event, fresh) {
  const type = el('td', { text: event.type });
  if (event.mismatches > 0) type.append(el('span', { class: 'badge', title: 'schema mismatches', text: `${event.mismatches} mismatch` }));
  const row = el('tr', { 'data-seq': String(event.sequence), tabindex: '0', class: fresh ? 'fresh' : '' },
    el('td', { text: String(event.sequence) }),
    el('td', { text: event.received_at.replace('T', ' ').replace('Z', '') }),
    type,
    el('td', { class: 'summary', text: event.summary }),
    el('td', { text: event.id }));
  row.addEventListener('click', () => openDetail(event.sequence));
  row.addEventListener('keydown', (e) => { if (e.key === 'Enter') openDetail(event.sequence); });
  return row;
}

function fillTable(table, events) {
  const body = table.tBodies[0];
  body.replaceChildren(...events.map((e) => eventRow(e, false)));
}

// ---------------------------------------------------------------------------
// Live tail: the newest events first, then every one the server sends; pause
// stops the stream, resume continues after the last sequence seen (nothing
// in between is lost), a dropped connection reconnects and resumes the same way.

function liveFilters() {
  return { types: $('live-types').value.trim(), q: $('live-q').value.trim() };
}

async function startLive() {
  const filters = liveFilters();
  $('live-status').textContent = 'loading…';
  try {
    const page = await api('/api/events' + query({ types: filters.types, q: filters.q, limit: 50 }));
    fillTable($('live-table'), page.events);
    state.lastSeq = page.newest;
    follow();
  } catch (e) {
    $('live-status').textContent = e.message;
  }
}

function follow() {
  if (state.paused) return;
  const f = liveFilters();
  const command = JSON.stringify({ op: 'follow', after: state.lastSeq, types: f.types || null, q: f.q || null });
  if (state.ws && state.ws.readyState === WebSocket.OPEN) { state.ws.send(command); return; }
  if (state.ws && state.ws.readyState === WebSocket.CONNECTING) return;
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/tail`);
  state.ws = ws;
  ws.onopen = () => { $('conn').textContent = 'live'; ws.send(JSON.stringify({ op: 'follow', after: state.lastSeq, types: liveFilters().types || null, q: liveFilters().q || null })); };
  ws.onmessage = (m) => onLiveMessage(JSON.parse(m.data));
  ws.onclose = (e) => {
    if (state.ws !== ws) return;
    state.ws = null;
    $('conn').textContent = `disconnected${e.reason ? ': ' + e.reason : ''}; reconnecting`;
    clearTimeout(state.wsRetry);
    state.wsRetry = setTimeout(follow, 1000);  // resumes after state.lastSeq
  };
}

function onLiveMessage(message) {
  const status = $('live-status');
  if (message.kind === 'events') {
    const body = $('live-table').tBodies[0];
    for (const event of message.events) body.prepend(eventRow(event, true));
    while (body.rows.length > MAX_LIVE_ROWS) body.deleteRow(body.rows.length - 1);
    state.lastSeq = message.last;
    status.textContent = `following · last #${message.last}`;
  } else if (message.kind === 'following') {
    status.textContent = `following after #${message.after}`;
  } else if (message.kind === 'paused') {
    state.lastSeq = message.after;
    status.textContent = `paused after #${message.after}; resume continues from there`;
  } else if (message.kind === 'gap') {
    status.textContent = `events after #${message.after} left retention unread; continuing at #${message.oldest}`;
  } else if (message.kind === 'error') {
    status.textContent = `error: ${message.message}`;
  }
}

function togglePause() {
  state.paused = !state.paused;
  $('live-pause').firstChild.textContent = state.paused ? 'Resume ' : 'Pause ';
  if (state.paused) {
    if (state.ws && state.ws.readyState === WebSocket.OPEN) state.ws.send('{"op":"pause"}');
  } else {
    follow();
  }
}

// ---------------------------------------------------------------------------
// Browse: pages of stored events, newest first, over the whole retention.

function browseParams() {
  return { types: $('browse-types').value.trim(), q: $('browse-q').value.trim(),
    since: $('browse-since').value.trim(), until: $('browse-until').value.trim(), limit: $('browse-limit').value };
}

async function loadBrowse(position = {}) {
  const status = $('browse-status');
  status.textContent = 'loading…';
  try {
    const page = await api('/api/events' + query(Object.assign(browseParams(), position)));
    fillTable($('browse-table'), page.events);
    state.browse.nextBefore = page.next_before;
    state.browse.nextAfter = page.next_after;
    $('browse-older').disabled = !page.next_before;
    $('browse-newer').disabled = !page.next_after;
    const first = page.events.length ? page.events[page.events.length - 1].sequence : null;
    const last = page.events.length ? page.events[0].sequence : null;
    status.textContent = page.events.length
      ? `#${last} to #${first} · ${page.events.length} shown · store holds #${page.oldest} to #${page.newest}` +
        (page.complete ? '' : ` · scanned ${page.scanned} events without filling the page: Older searches on`)
      : `no matching events in this range (scanned ${page.scanned}) · store holds #${page.oldest} to #${page.newest}`;
  } catch (e) {
    status.textContent = e.message;
  }
}

async function jump(target) {
  target = target.trim();
  if (!target) return;
  const status = $('browse-status');
  if (/^#?\d+$/.test(target)) {
    const seq = Number(target.replace('#', ''));
    await loadBrowse({ before: seq + 1 });
    openDetail(seq);
    return;
  }
  try {
    const page = await api('/api/events' + query({ id: target }));
    if (!page.events.length) { status.textContent = `no event with id ${target} among the newest ${page.scanned}`; return; }
    await loadBrowse({ before: page.events[0].sequence + 1 });
    openDetail(page.events[0].sequence);
  } catch (e) {
    status.textContent = e.message;
  }
}

// ---------------------------------------------------------------------------
// JSON rendering that keeps numbers exactly as written (JSON.parse would
// round integers beyond 2^53) and marks paths: "data.a.b", "data.list[2].c".

function parseJson(text) {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i])) i++; };
  const str = () => {
    const start = i++;
    while (text[i] !== '"') { if (text[i] === '\\') i++; i++; if (i > text.length) throw new Error('unterminated string'); }
    i++;
    return text.slice(start, i);
  };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++; const entries = []; ws();
      if (text[i] === '}') { i++; return { t: 'obj', entries }; }
      for (;;) {
        ws(); const key = str(); ws(); i++;  // ':'
        entries.push([JSON.parse(key), value()]); ws();
        if (text[i++] === '}') return { t: 'obj', entries };
      }
    }
    if (c === '[') {
      i++; const items = []; ws();
      if (text[i] === ']') { i++; return { t: 'arr', items }; }
      for (;;) { items.push(value()); ws(); if (text[i++] === ']') return { t: 'arr', items }; }
    }
    if (c === '"') return { t: 'str', text: str() };
    const start = i;
    while (i < text.length && !',]} \t\r\n'.includes(text[i])) i++;
    const raw = text.slice(start, i);
    return { t: /^[-\d]/.test(raw) ? 'num' : 'lit', text: raw };
  };
  return value();
}

function renderJson(node, path, marks, indent = '') {
  const frag = document.createDocumentFragment();
  const inner = indent + '  ';
  if (node.t === 'obj' || node.t === 'arr') {
    const entries = node.t === 'obj' ? node.entries : node.items.map((v, k) => [k, v]);
    frag.append(node.t === 'obj' ? '{' : '[');
    if (!entries.length) { frag.append(node.t === 'obj' ? '}' : ']'); return frag; }
    entries.forEach(([key, value], n) => {
      const childPath = node.t === 'obj' ? `${path}.${key}` : `${path}[${key}]`;
      const line = el('span', { 'data-path': childPath });
      const mark = marks.get(childPath);
      if (mark) { line.className = mark; line.title = mark === 'catch-all' ? 'not held by the typed payload' : marks.get(childPath + '#reason') || 'schema mismatch'; }
      line.append('\n' + inner);
      if (node.t === 'obj') { line.append(el('span', { class: 'j-key', text: JSON.stringify(key) }), ': '); }
      line.append(renderJson(value, childPath, marks, inner));
      frag.append(line);
      if (n < entries.length - 1) frag.append(',');
    });
    frag.append('\n' + indent + (node.t === 'obj' ? '}' : ']'));
    return frag;
  }
  frag.append(el('span', { class: node.t === 'str' ? 'j-str' : node.t === 'num' ? 'j-num' : 'j-lit', text: node.text }));
  return frag;
}

// ---------------------------------------------------------------------------
// Event detail

async function openDetail(seq) {
  let detail;
  try {
    detail = await api(`/api/events/${seq}`);
  } catch (e) {
    alert(e.message);
    return;
  }
  state.detail = detail;
  $('detail-title').textContent = `#${detail.sequence} ${detail.type}`;
  const facts = [['id', detail.id], ['received_at', detail.received_at],
    ['occurred_at', detail.occurred_at ? `${detail.occurred_at} (received ${detail.received_after_ms} ms later)` : '— (no timestamp in the envelope)'],
    ['signature', detail.verified_by.length ? `verified: ${detail.verified_by.join(', ')}` : 'not verified (no secret configured)'],
    ['webhook_url', detail.webhook_url || '—'], ['url_id', detail.url_id || '—']];
  for (const [k, v] of Object.entries(detail.envelope_extras)) facts.push([`envelope: ${k}`, v]);
  $('detail-facts').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]));
  const notes = [];
  for (const m of detail.schema_mismatches) notes.push(el('div', { class: 'note warn', text: `schema mismatch at ${m.path}: ${m.reason}` }));
  if (detail.catch_all_keys.length) notes.push(el('div', { class: 'note info', text: `catch-all keys (kept in data_json only): ${detail.catch_all_keys.join(', ')}` }));
  $('detail-notes').replaceChildren(...notes);
  const marks = new Map();
  for (const key of detail.catch_all_keys) marks.set(key, 'catch-all');
  for (const m of detail.schema_mismatches) { marks.set(m.path, 'mismatch'); marks.set(m.path + '#reason', m.reason); }
  $('detail-typed').replaceChildren(renderJson(parseJson(JSON.stringify(detail.typed)), 'event', new Map()));
  $('detail-data').replaceChildren(renderJson(parseJson(detail.data_json), 'data', marks));
  $('detail-curl').textContent = detail.replay.curl;
  $('copy-status').textContent = '';
  $('detail').hidden = false;
  $('detail-close').focus();
}

function closeDetail() { $('detail').hidden = true; state.detail = null; }

async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch (e) {  // not a secure context (e.g. http://HOST off loopback): a textarea copy
    const area = el('textarea'); area.value = text; document.body.append(area); area.select();
    document.execCommand('copy'); area.remove();
  }
  $('copy-status').textContent = 'copied';
}

// ---------------------------------------------------------------------------
// Health

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

function card(label, value, bad) {
  return el('div', { class: 'card' + (bad ? ' bad' : '') }, el('div', { class: 'label', text: label }), el('div', { class: 'value', text: String(value) }));
}

function ago(iso) {
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} days`;
}

function rows(table, list, cells, empty) {
  const body = $(table).tBodies[0];
  if (!list.length) { body.replaceChildren(el('tr', {}, el('td', { colspan: String($(table).tHead.rows[0].cells.length), class: 'muted', text: empty }))); return; }
  body.replaceChildren(...list.map((item) => el('tr', {}, ...cells(item).map((c) => el('td', { text: String(c) })))));
}

// A chart of `series` ([{label, color, values}], newest last), stacked when asked.
function drawChart(canvas, series, intervalSeconds, stacked) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || canvas.width, height = canvas.clientHeight || canvas.height;
  canvas.width = width * ratio; canvas.height = height * ratio;
  const g = canvas.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.fillStyle = '#fff'; g.fillRect(0, 0, width, height);
  const n = series.length ? series[0].values.length : 0;
  const left = 48, bottom = 20, top = 8, right = 8;
  const sums = new Array(n).fill(0);
  let max = 0;
  for (const s of series) s.values.forEach((v, k) => { sums[k] += v; max = Math.max(max, stacked ? sums[k] : v); });
  max = max > 0 ? max * 1.1 : 1;
  const x = (k) => left + (n > 1 ? (k / (n - 1)) * (width - left - right) : 0);
  const y = (v) => top + (1 - v / max) * (height - top - bottom);
  g.strokeStyle = '#e3e5e8'; g.fillStyle = '#6b6f75'; g.font = '11px system-ui, sans-serif'; g.lineWidth = 1;
  for (let t = 0; t <= 4; t++) {
    const v = (max / 4) * t, yy = y(v);
    g.beginPath(); g.moveTo(left, yy); g.lineTo(width - right, yy); g.stroke();
    g.fillText(v >= 100 ? v.toFixed(0) : v.toFixed(1), 4, yy + 4);
  }
  const minutes = Math.round((n * intervalSeconds) / 60);
  g.fillText(`−${minutes} min`, left, height - 4);
  g.fillText('now', width - right - 22, height - 4);
  const base = new Array(n).fill(0);
  for (const s of series) {
    g.beginPath();
    s.values.forEach((v, k) => { const yy = y(stacked ? base[k] + v : v); if (k === 0) g.moveTo(x(k), yy); else g.lineTo(x(k), yy); });
    if (stacked) {
      for (let k = n - 1; k >= 0; k--) g.lineTo(x(k), y(base[k]));
      g.closePath(); g.fillStyle = s.color + 'cc'; g.fill();
      s.values.forEach((v, k) => { base[k] += v; });
    } else {
      g.strokeStyle = s.color; g.lineWidth = 2; g.stroke(); g.lineWidth = 1;
    }
  }
  if (!n || max === 1) { g.fillStyle = '#6b6f75'; g.fillText('no webhooks in this period', width / 2 - 60, height / 2); }
}

function legend(id, series) {
  $(id).replaceChildren(...series.map((s) => { const span = el('span', { text: s.label }); span.style.setProperty('--c', s.color); return span; }));
}

function charts(data) {
  const byType = new Map(), byStatus = new Map();
  const add = (map, key, values) => { const sum = map.get(key) || new Array(values.length).fill(0); values.forEach((v, k) => { sum[k] += v; }); map.set(key, sum); };
  for (const s of data.webhooks) {
    add(byType, s.type, s.per_second);
    add(byStatus, s.status === '200' ? '200 stored' : s.status[0] === '4' ? `${s.status} refused` : `${s.status} retry`, s.per_second);
  }
  const total = (values) => values.reduce((a, b) => a + b, 0);
  let types = [...byType.entries()].sort((a, b) => total(b[1]) - total(a[1]));
  if (types.length > 8) {
    const rest = types.slice(7).reduce((acc, [, v]) => acc.map((a, k) => a + v[k]), new Array(data.points).fill(0));
    types = types.slice(0, 7).concat([['other types', rest]]);
  }
  const typeSeries = types.map(([label, values], k) => ({ label, values, color: PALETTE[k % PALETTE.length] }));
  const statusColor = (label) => (label.startsWith('200') ? '#2ca02c' : label.startsWith('4') ? '#d62728' : '#ff7f0e');
  const statusSeries = [...byStatus.entries()].sort().map(([label, values]) => ({ label, values, color: statusColor(label) }));
  for (const s of data.auth_failures) statusSeries.push({ label: `signature failures (${s.scheme})`, values: s.per_second, color: '#9467bd' });
  drawChart($('chart-types'), typeSeries, data.interval_seconds, true);
  drawChart($('chart-status'), statusSeries, data.interval_seconds, false);
  legend('legend-types', typeSeries);
  legend('legend-status', statusSeries);
}

async function loadHealth() {
  try {
    const [overview, series, refusals] = await Promise.all([api('/api/overview'), api('/api/series'), api('/api/refusals')]);
    const s = overview.store;
    const retention = s.kind === 'memory' ? `${s.retention.max_events} events` : s.retention.max_age_seconds ? `${Math.round(s.retention.max_age_seconds / 3600)} h` : 'no age limit';
    const authFailures = Object.values(overview.auth_failures).reduce((a, b) => a + b, 0);
    $('health-cards').replaceChildren(
      card('store', `${s.kind}${s.writable ? '' : ' (not writable)'}`, !s.writable),
      card('events stored', s.events),
      card('oldest · newest sequence', `#${s.oldest_sequence} · #${s.newest_sequence}`),
      card('oldest event held', s.oldest_received_at ? ago(s.oldest_received_at) + ' old' : '—'),
      card('retention', retention + (s.retention.max_bytes ? ` · ${(s.retention.max_bytes / 2 ** 30).toFixed(1)} GiB` : '')),
      card('webhooks stored (200)', overview.webhooks.answered_200),
      card('webhooks refused', overview.webhooks.refused, overview.webhooks.refused > 0),
      card('signature failures', authFailures, authFailures > 0),
      card('subscribers', overview.subscribers.length));
    charts(series);
    rows('refusals-table', refusals.refusals, (r) => [r.time.replace('T', ' ').replace('Z', ''), r.status, r.type,
      r.answer && r.answer.error ? r.answer.error.message : r.answer, r.answer && r.answer.error && r.answer.error.field ? r.answer.error.field : ''], 'none');
    rows('subscribers-table', overview.subscribers, (x) => [x.peer, x.filter, x.lag], 'no gRPC subscriber');
    rows('groups-table', overview.consumer_groups, (x) => [x.name, x.filter, x.members, x.lag, x.pending,
      x.pending ? `${x.oldest_unacked_seconds.toFixed(1)} s` : '—', x.dead_letters, x.redeliveries], 'no consumer group');
    rows('viewers-table', overview.viewers, (x) => [x.peer, x.filter, x.text, x.following ? 'yes' : 'paused', x.cursor, x.sent, x.buffered_bytes], 'none');
  } catch (e) {
    $('health-cards').replaceChildren(card('error', e.message, true));
  }
}

// ---------------------------------------------------------------------------
// Views, sign-in, keyboard

function show(view) {
  state.view = view;
  for (const tab of document.querySelectorAll('[role=tab]')) tab.setAttribute('aria-selected', String(tab.dataset.view === view));
  for (const name of ['live', 'browse', 'health']) $(`view-${name}`).hidden = name !== view;
  clearInterval(state.healthTimer);
  if (view === 'browse' && !$('browse-table').tBodies[0].rows.length) loadBrowse();
  if (view === 'health') { loadHealth(); state.healthTimer = setInterval(loadHealth, 5000); }
}

function showLogin() {
  $('login').hidden = false;
  document.querySelector('main').hidden = true;
  $('login-token').focus();
}

function moveSelection(step) {
  const table = $(state.view === 'browse' ? 'browse-table' : 'live-table');
  const list = [...table.tBodies[0].rows];
  if (!list.length) return;
  let k = list.indexOf(document.activeElement);
  k = k < 0 ? 0 : Math.min(list.length - 1, Math.max(0, k + step));
  list[k].focus();
}

function onKey(e) {
  const typing = ['INPUT', 'SELECT', 'TEXTAREA'].includes(document.activeElement.tagName);
  if (e.key === 'Escape') {
    if (!$('help').hidden) $('help').hidden = true; else if (!$('detail').hidden) closeDetail(); else if (typing) document.activeElement.blur();
    return;
  }
  if (typing || e.ctrlKey || e.metaKey || e.altKey || !$('detail').hidden) return;
  const keys = { '1': () => show('live'), '2': () => show('browse'), '3': () => show('health'),
    '/': () => $(state.view === 'browse' ? 'browse-q' : 'live-q').focus(), p: togglePause,
    j: () => moveSelection(1), k: () => moveSelection(-1), '?': () => { $('help').hidden = false; $('help-close').focus(); },
    n: () => state.view === 'browse' && state.browse.nextAfter && loadBrowse({ after: state.browse.nextAfter }),
    o: () => state.view === 'browse' && state.browse.nextBefore && loadBrowse({ before: state.browse.nextBefore }) };
  if (keys[e.key]) { e.preventDefault(); keys[e.key](); }
}

function init() {
  for (const tab of document.querySelectorAll('[role=tab]')) tab.addEventListener('click', () => show(tab.dataset.view));
  $('live-filters').addEventListener('submit', (e) => { e.preventDefault(); startLive(); });
  $('live-pause').addEventListener('click', togglePause);
  $('browse-filters').addEventListener('submit', (e) => { e.preventDefault(); loadBrowse(); });
  $('jump-form').addEventListener('submit', (e) => { e.preventDefault(); jump($('jump-to').value); });
  $('browse-newest').addEventListener('click', () => loadBrowse());
  $('browse-older').addEventListener('click', () => loadBrowse({ before: state.browse.nextBefore }));
  $('browse-newer').addEventListener('click', () => loadBrowse({ after: state.browse.nextAfter }));
  $('detail-close').addEventListener('click', closeDetail);
  $('help-button').addEventListener('click', () => { $('help').hidden = false; $('help-close').focus(); });
  $('help-close').addEventListener('click', () => { $('help').hidden = true; });
  $('copy-curl').addEventListener('click', () => copy(state.detail.replay.curl));
  $('copy-cli').addEventListener('click', () => copy(state.detail.replay.cli));
  $('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api('/api/session', { method: 'POST', headers: { Authorization: `Bearer ${$('login-token').value}` } });
      location.reload();
    } catch (err) {
      $('login-error').textContent = err.message;
    }
  });
  document.addEventListener('keydown', onKey);
  startLive();
}

init();
