// The Streaming Blocks dashboard: one EventSource to the server, which reads the jobs' committed output.
// No libraries and no build step; charts are plain SVG.
'use strict';

const TOP_PRODUCTS = 5;
const MINUTES_SHOWN = 10;
const COLORS = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#dc2626'];
const SVG = 'http://www.w3.org/2000/svg';

const state = { stats: new Map(), alerts: [], sessions: [], health: null };
let source = null;
let renderPending = false;

function connect() {
  setConnection('connecting', 'connecting…');
  source = new EventSource('events');
  source.onopen = () => setConnection('live', 'live');
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) {
      // The browser gives up after an HTTP error: try again ourselves.
      setConnection('reconnecting', 'server unreachable, reconnecting…');
      setTimeout(connect, 2000);
    } else {
      setConnection('reconnecting', 'connection lost, reconnecting…');
    }
  };
  on('reset', () => { state.stats.clear(); state.alerts = []; state.sessions = []; });
  on('order-stats', row => {
    const key = row.windowStart + '|' + row.productId;
    if (row.deleted) { state.stats.delete(key); } else { state.stats.set(key, row); }
  });
  on('alert', alert => { state.alerts.unshift(alert); state.alerts.length = Math.min(state.alerts.length, 20); });
  on('sessions', event => { state.sessions = event.minutes; });
  on('health', health => { state.health = health; });
  on('source', renderSource);
}

function on(name, apply) {
  source.addEventListener(name, e => { apply(JSON.parse(e.data)); scheduleRender(); });
}

function setConnection(kind, text) {
  const el = document.getElementById('connection');
  el.className = kind;
  el.textContent = text;
}

function scheduleRender() {
  if (!renderPending) {
    renderPending = true;
    requestAnimationFrame(() => { renderPending = false; render(); });
  }
}

function render() {
  renderOrders();
  renderAlerts();
  renderSessions();
  renderHealth();
}

function el(tag, attrs, text) {
  const node = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) { node.setAttribute(k, v); }
  if (text !== undefined) { node.textContent = text; }
  return node;
}

function cells(tr, values) {
  for (const [value, cls] of values) { tr.appendChild(el('td', cls ? { class: cls } : {}, String(value))); }
}

function renderOrders() {
  const rows = [...state.stats.values()];
  const revenueByProduct = new Map();
  for (const r of rows) { revenueByProduct.set(r.productId, (revenueByProduct.get(r.productId) || 0) + r.revenue); }
  const top = [...revenueByProduct.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, TOP_PRODUCTS).map(e => e[0]);
  const minutes = [...new Set(rows.map(r => r.windowStart))].sort().slice(-MINUTES_SHOWN);
  const shown = rows.filter(r => top.includes(r.productId) && minutes.includes(r.windowStart));

  const tbody = document.querySelector('#orders-table tbody');
  tbody.replaceChildren();
  for (const r of shown.sort((a, b) => b.windowStart.localeCompare(a.windowStart)
      || top.indexOf(a.productId) - top.indexOf(b.productId))) {
    const tr = el('tr', { 'data-key': r.windowStart + '|' + r.productId });
    cells(tr, [[r.windowStart], [r.productId], [r.orderCount, 'num'], [r.revenue.toFixed(2), 'num']]);
    tbody.appendChild(tr);
  }

  const svg = document.getElementById('orders-chart');
  svg.replaceChildren();
  const width = 640, height = 200, slot = width / Math.max(minutes.length, 1);
  const max = Math.max(1, ...shown.map(r => r.revenue));
  minutes.forEach((minute, i) => {
    svg.appendChild(el('svg:text', { x: i * slot + 2, y: height + 14 }, minute.slice(11, 16)));
    top.forEach((product, j) => {
      const r = state.stats.get(minute + '|' + product);
      if (!r) { return; }
      const h = Math.max(1, r.revenue / max * (height - 10));
      const bar = el('svg:rect', { x: i * slot + 2 + j * (slot - 6) / top.length, y: height - h,
        width: Math.max(1, (slot - 6) / top.length - 1), height: h, fill: COLORS[j],
        'data-key': minute + '|' + product });
      bar.appendChild(el('svg:title', {}, `${product} ${minute}: ${r.orderCount} orders, revenue ${r.revenue.toFixed(2)}`));
      svg.appendChild(bar);
    });
  });
  const legend = document.getElementById('orders-legend');
  legend.replaceChildren(...top.map((p, j) => {
    const span = el('span', {}, p);
    span.prepend(el('i', { style: 'background:' + COLORS[j] }));
    return span;
  }));
}

function renderAlerts() {
  const tbody = document.querySelector('#alerts-table tbody');
  tbody.replaceChildren();
  for (const a of state.alerts) {
    const tr = el('tr', { 'data-key': a.userId + '|' + a.rule + '|' + a.windowStart });
    cells(tr, [[a.userId], [a.rule], [a.windowStart + ' → ' + a.windowEnd.slice(11)], [a.count, 'num']]);
    tbody.appendChild(tr);
  }
}

function renderSessions() {
  const tbody = document.querySelector('#sessions-table tbody');
  tbody.replaceChildren();
  const minutes = state.sessions.slice(-MINUTES_SHOWN);
  for (const m of [...minutes].reverse()) {
    const tr = el('tr', { 'data-key': m.minute });
    cells(tr, [[m.minute], [m.closed, 'num']]);
    tbody.appendChild(tr);
  }
  const svg = document.getElementById('sessions-chart');
  svg.replaceChildren();
  const slot = 640 / Math.max(minutes.length, 1), max = Math.max(1, ...minutes.map(m => m.closed));
  minutes.forEach((m, i) => {
    const h = Math.max(1, m.closed / max * 90);
    const bar = el('svg:rect', { x: i * slot + 2, y: 100 - h, width: slot - 4, height: h, fill: '#0891b2' });
    bar.appendChild(el('svg:title', {}, `${m.minute}: ${m.closed} sessions closed`));
    svg.appendChild(bar);
    svg.appendChild(el('svg:text', { x: i * slot + 2, y: 114 }, m.minute.slice(11)));
  });
}

function rate(perSecond) {
  return perSecond === null || perSecond === undefined ? '–/s' : Math.round(perSecond) + '/s';
}

function renderHealth() {
  const h = state.health;
  if (!h) { return; }
  const status = document.getElementById('health-state');
  const set = (id, text) => { document.getElementById(id).textContent = text; };
  if (!h.reachable) {
    status.className = 'bad';
    status.textContent = 'Flink not reachable (job restarting?); retrying';
    status.title = h.error;
    return;
  }
  status.className = h.state === 'RUNNING' ? '' : 'bad';
  status.textContent = h.job ? `${h.job} ${h.state}` : h.state;
  status.title = h.jobId || '';
  set('records-in', `${h.recordsIn} (${rate(h.inPerSecond)})`);
  set('records-out', `${h.recordsOut} (${rate(h.outPerSecond)})`);
  set('watermark', h.watermark || 'none yet');
  set('lag', h.lagMillis === null ? '–' : (h.lagMillis / 1000).toFixed(1) + ' s'
      + (h.newestEvent ? ` (newest event ${h.newestEvent})` : ''));
  set('checkpoint', h.lastCheckpoint ? `#${h.lastCheckpoint.id} at ${h.lastCheckpoint.completedAt}`
      + ` (${h.checkpointsCompleted} completed, ${h.checkpointsFailed} failed)` : 'none yet');
  set('dead-letters', String(h.deadLetters));
  set('late-records', String(h.lateRecords));
}

function renderSource(s) {
  const el2 = document.getElementById('source');
  const problem = s.kafka !== 'ok' || s.unreadable > 0 || s.problem;
  el2.className = problem ? 'problem' : '';
  el2.textContent = s.kafka !== 'ok' ? 'Kafka unavailable: ' + s.problem
      : s.problem ? `${s.unreadable} unreadable: ${s.problem}` : '';
}

connect();
