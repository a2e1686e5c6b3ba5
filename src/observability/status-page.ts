import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The live status page (GET /): one static HTML document, built once per process, with uPlot (MIT,
 * from npm) inlined so it needs no network. The browser polls /status.json once a second and derives
 * rates from two polls; the server does no work per page view beyond handing these bytes out, and per
 * poll reads the metrics' current values (a few dozen numbers). Every figure carries
 * `data-pipeline`/`data-key` and its exact `data-value`, which test/integration/observability checks
 * against /metrics in Chromium.
 */

const require = createRequire(import.meta.url);
const asset = (file: string): string => readFileSync(require.resolve(`uplot/dist/${file}`), 'utf8');

/** Polls kept in the charts: five minutes at one a second. */
const HISTORY = 300;

const CLIENT = String.raw`
'use strict';
const HISTORY = __HISTORY__;
const root = document.getElementById('pipelines');
const state = new Map();
window.streamscoreStatus = state;
let previous;

function esc(text) { return String(text).replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';'); }
function fmt(value, digits) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return Number(value).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
function fig(pipeline, key, value, shown) {
  return '<span class="num" data-pipeline="' + esc(pipeline) + '" data-key="' + esc(key) + '" data-value="' + (value === null || value === undefined ? '' : esc(value)) + '">' + esc(shown) + '</span>';
}
function ms(pipeline, key, seconds) { return fig(pipeline, key, seconds, seconds === null ? '–' : fmt(seconds * 1000, 1) + ' ms'); }
function table(rows, empty) { return rows.length ? '<table>' + rows.join('') + '</table>' : '<p class="muted">' + empty + '</p>'; }

function section(p) {
  const el = document.createElement('section');
  el.className = 'pipeline';
  el.dataset.pipeline = p.name;
  el.innerHTML = '<h2>' + esc(p.name) + ' <span class="badge"></span></h2>' +
    '<div class="tiles"></div>' +
    '<div class="charts"><div class="chart" data-chart="throughput"></div><div class="chart" data-chart="lag"></div><div class="chart" data-chart="window"></div></div>' +
    '<div class="grid"></div>';
  root.appendChild(el);
  const width = Math.max(300, Math.min(560, (root.clientWidth - 40) / 3));
  const opts = (title, labels, colours) => ({
    title, width, height: 200, legend: { show: true },
    scales: { x: { time: true } },
    series: [{}].concat(labels.map((label, i) => ({ label, stroke: colours[i], width: 2 }))),
    axes: [{}, { size: 60 }],
  });
  const data = { t: [], in: [], out: [], lag: [], window: [] };
  const charts = {
    throughput: new uPlot(opts('records/s', ['in', 'out'], ['#1f77b4', '#2ca02c']), [[], [], []], el.querySelector('[data-chart=throughput]')),
    lag: new uPlot(opts('lag (records, all partitions)', ['lag'], ['#d62728']), [[], []], el.querySelector('[data-chart=lag]')),
    window: new uPlot(opts('records per window (mean per poll)', ['window'], ['#9467bd']), [[], []], el.querySelector('[data-chart=window]')),
  };
  const s = { el, data, charts };
  state.set(p.name, s);
  return s;
}

function push(array, value) { array.push(value); if (array.length > HISTORY) array.shift(); }

function render(p, at, before) {
  const s = state.get(p.name) || section(p);
  const seconds = before ? (at - before.at) / 1000 : 0;
  const prior = before && before.pipelines.find((q) => q.name === p.name);
  const rate = (key) => (prior && seconds > 0 ? Math.max(0, (p.totals[key] - prior.totals[key]) / seconds) : null);
  const inRate = rate('recordsIn');
  const outRate = rate('recordsOut');
  const lagTotal = Object.values(p.lag).reduce((a, b) => a + b, 0);
  const windows = prior ? p.windowSize.count - prior.windowSize.count : 0;
  const meanWindow = windows > 0 ? (p.windowSize.sum - prior.windowSize.sum) / windows : null;
  const flagRate = p.totals.predictions > 0 ? p.totals.flagged / p.totals.predictions : null;
  if (prior) {
    push(s.data.t, at / 1000); push(s.data.in, inRate); push(s.data.out, outRate);
    push(s.data.lag, lagTotal); push(s.data.window, meanWindow);
    s.charts.throughput.setData([s.data.t, s.data.in, s.data.out]);
    s.charts.lag.setData([s.data.t, s.data.lag]);
    s.charts.window.setData([s.data.t, s.data.window]);
  }
  const badge = s.el.querySelector('.badge');
  badge.textContent = !p.healthy ? 'unhealthy' : p.ready ? 'ready' : 'not ready';
  badge.className = 'badge ' + (!p.healthy ? 'bad' : p.ready ? 'ok' : 'warn');
  const n = p.name;
  const model = (role) => {
    const m = p.models[role];
    return m ? fig(n, 'models.' + role + '.name', m.name, m.name) + ' ' + fig(n, 'models.' + role + '.version', m.version, m.version) +
      ' <code>' + fig(n, 'models.' + role + '.sha256', m.sha256, m.sha256.slice(0, 12) + '…') + '</code>' : '<span class="muted">none</span>';
  };
  s.el.querySelector('.tiles').innerHTML = [
    ['records/s in', fig(n, 'rate.in', inRate, fmt(inRate, 0))],
    ['records/s out', fig(n, 'rate.out', outRate, fmt(outRate, 0))],
    ['records out (total)', fig(n, 'totals.recordsOut', p.totals.recordsOut, fmt(p.totals.recordsOut, 0))],
    ['lag (records)', fig(n, 'lag.total', lagTotal, fmt(lagTotal, 0))],
    ['flag rate', fig(n, 'flagRate', flagRate, flagRate === null ? '–' : fmt(flagRate * 100, 2) + '%')],
    ['live model', model('live')],
    ['shadow model', model('shadow')],
    ['workers', fig(n, 'workers', JSON.stringify(p.health.workers || {}), Object.entries(p.health.workers || {}).map((e) => e[0] + ' ' + e[1]).join(', ') || '–')],
  ].map((t) => '<div class="tile"><div class="label">' + t[0] + '</div><div class="value">' + t[1] + '</div></div>').join('');
  const lat = p.latency;
  const latencyRows = [['score', lat.score], ['commit', lat.commit], ['window close → committed', lat.window], ['end to end', lat.endToEnd]].map((r, i) => {
    const key = ['score', 'commit', 'window', 'endToEnd'][i];
    return '<tr><th>' + r[0] + '</th><td>' + ms(n, 'latency.' + key + '.p50', r[1].p50) + '</td><td>' + ms(n, 'latency.' + key + '.p99', r[1].p99) + '</td><td>' + fig(n, 'latency.' + key + '.count', r[1].count, fmt(r[1].count, 0)) + '</td></tr>';
  });
  const counts = (object, key) => Object.keys(object).sort().map((k) => '<tr><th>' + esc(k) + '</th><td>' + fig(n, key + '.' + k, object[k], fmt(object[k], 0)) + '</td></tr>');
  const lagRows = Object.keys(p.lag).sort().map((k) => '<tr><th>' + esc(k) + '</th><td>' + fig(n, 'lag.' + k, p.lag[k], fmt(p.lag[k], 0)) + '</td></tr>');
  const errors = p.lastErrors.map((e) => '<tr><td>' + esc(new Date(e.at).toISOString().slice(11, 19)) + '</td><td>' + esc(e.kind) + '</td><td>' + esc(e.code || '') + '</td><td>' + esc(e.partition || '') + '</td><td class="msg">' + esc(e.message) + '</td></tr>');
  s.el.querySelector('.grid').innerHTML =
    '<div><h3>latency since start</h3><table><tr><th></th><th>p50</th><th>p99</th><th>count</th></tr>' + latencyRows.join('') + '</table></div>' +
    '<div><h3>windows</h3><table><tr><th>size p50</th><td>' + fig(n, 'windowSize.p50', p.windowSize.p50, fmt(p.windowSize.p50, 0)) + '</td></tr><tr><th>size p99</th><td>' + fig(n, 'windowSize.p99', p.windowSize.p99, fmt(p.windowSize.p99, 0)) + '</td></tr></table>' +
    '<h4>closed by</h4>' + table(counts(p.windowsByReason, 'windows'), 'none yet') + '</div>' +
    '<div><h3>lag per partition</h3>' + table(lagRows, 'no partition fetched yet') + '</div>' +
    '<div><h3>dead letters</h3>' + table(counts(p.deadLettersByCode, 'deadLetters'), 'none') + '<h4>aborted transactions</h4>' + table(counts(p.abortsByCode, 'aborts'), 'none') + '</div>' +
    '<div><h3>partitions owned (' + fig(n, 'owned.count', p.owned.length, p.owned.length) + ')</h3><p class="owned">' + (p.owned.map(esc).join(' ') || '–') + '</p>' +
    '<p class="muted">rebalances ' + fig(n, 'totals.rebalances', p.totals.rebalances, p.totals.rebalances) + ', event-loop p99 ' + fig(n, 'eventLoopP99Ms', p.eventLoopP99Ms, fmt(p.eventLoopP99Ms, 1)) + ' ms</p></div>' +
    '<div class="wide"><h3>last errors</h3>' + table(errors, 'none') + '</div>';
}

async function poll() {
  try {
    const response = await fetch('status.json', { cache: 'no-store' });
    const snapshot = await response.json();
    for (const p of snapshot.pipelines) render(p, snapshot.at, previous);
    previous = snapshot;
    document.body.dataset.polls = String(Number(document.body.dataset.polls || 0) + 1);
    document.getElementById('updated').textContent = 'updated ' + new Date(snapshot.at).toISOString().slice(11, 19);
  } catch (error) {
    document.getElementById('updated').textContent = 'not answering: ' + error.message;
  }
  setTimeout(poll, 1000);
}
poll();
`;

let page: string | undefined;

export function statusPage(): string {
  page ??= `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>streamscore status</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${asset('uPlot.min.css')}</style>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 16px; color: #222; }
header { display: flex; gap: 16px; align-items: baseline; } h1 { font-size: 20px; margin: 0; } #updated { color: #777; }
h2 { font-size: 17px; margin: 18px 0 8px; } h3 { font-size: 14px; margin: 6px 0; } h4 { font-size: 13px; margin: 8px 0 4px; }
.badge { font-size: 12px; padding: 2px 8px; border-radius: 10px; color: #fff; } .ok { background: #2ca02c; } .warn { background: #e6a100; } .bad { background: #d62728; }
.tiles { display: flex; flex-wrap: wrap; gap: 8px; } .tile { border: 1px solid #ddd; border-radius: 6px; padding: 6px 10px; min-width: 120px; }
.tile .label { color: #666; font-size: 12px; } .tile .value { font-size: 16px; }
.charts { display: flex; flex-wrap: wrap; gap: 8px; margin: 10px 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 12px; } .grid .wide { grid-column: 1 / -1; }
table { border-collapse: collapse; } th, td { text-align: left; padding: 1px 8px 1px 0; font-weight: normal; } th { color: #555; }
.muted { color: #888; } .msg { max-width: 700px; overflow-wrap: anywhere; } code { font-size: 12px; }
</style></head>
<body><header><h1>streamscore</h1><span id="updated">loading…</span></header>
<main id="pipelines"></main>
<script>${asset('uPlot.iife.min.js')}</script>
<script>${CLIENT.replace('__HISTORY__', String(HISTORY))}</script>
</body></html>
`;
  return page;
}
