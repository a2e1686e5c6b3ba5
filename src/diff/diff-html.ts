import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { DiffReport } from './diff-report.js';
import type { Flip, ModelQuality } from './diff-stats.js';

/**
 * The diff report as one self-contained HTML page: the numbers are written into the page here (each
 * with a `data-key` naming its place in the JSON report, which test/integration/diff/diff-html.test.ts
 * checks in Chromium); the plots are drawn in the browser by uPlot (MIT, from npm, inlined: the page
 * needs no network) from the report embedded as JSON.
 */

const require = createRequire(import.meta.url);

function asset(file: string): string {
  return readFileSync(require.resolve(`uplot/dist/${file}`), 'utf8');
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A number as shown, with the exact value in data-value for tools (and the test). */
function num(key: string, value: number | null, digits: number, style: 'fixed' | 'percent' | 'count' = 'fixed'): string {
  const shown = value === null ? '–'
    : style === 'percent' ? `${(value * 100).toFixed(digits)}%`
      : style === 'count' ? Math.round(value).toLocaleString('en-US')
        : value.toFixed(digits);
  return `<span class="num" data-key="${escapeHtml(key)}" data-value="${value === null ? '' : String(value)}">${shown}</span>`;
}

function flipRows(direction: string, flips: Flip[]): string {
  if (!flips.length) return '<tr><td colspan="5">none</td></tr>';
  return flips.map((f, i) => `<tr>
    <td>${num(`flips.${direction}.examples.${i}.partition`, f.partition, 0, 'count')}</td>
    <td><span class="num" data-key="flips.${direction}.examples.${i}.offset" data-value="${escapeHtml(f.offset)}">${escapeHtml(f.offset)}</span></td>
    <td>${num(`flips.${direction}.examples.${i}.champion`, f.champion, 4)}</td>
    <td>${num(`flips.${direction}.examples.${i}.candidate`, f.candidate, 4)}</td>
    <td>${num(`flips.${direction}.examples.${i}.delta`, f.delta, 4)}</td></tr>`).join('\n');
}

function qualityRow(name: 'champion' | 'candidate', q: ModelQuality): string {
  const k = `quality.${name}`;
  return `<tr><th>${name}</th><td>${num(`${k}.threshold`, q.threshold, 3)}</td><td>${num(`${k}.precision`, q.precision, 2, 'percent')}</td>
    <td>${num(`${k}.recall`, q.recall, 2, 'percent')}</td><td>${num(`${k}.rocAuc`, q.rocAuc, 4)}</td></tr>`;
}

function kindRows(report: DiffReport): string {
  const q = report.quality!;
  const kinds = [...new Set([...Object.keys(q.champion.recallByKind), ...Object.keys(q.candidate.recallByKind)])];
  return kinds.map((kind) => {
    const a = q.champion.recallByKind[kind];
    const b = q.candidate.recallByKind[kind];
    return `<tr><th>${escapeHtml(kind)}</th><td>${num(`quality.champion.recallByKind.${kind}.positives`, a?.positives ?? null, 0, 'count')}</td>
      <td>${num(`quality.champion.recallByKind.${kind}.recall`, a?.recall ?? null, 1, 'percent')}</td><td>${num(`quality.candidate.recallByKind.${kind}.recall`, b?.recall ?? null, 1, 'percent')}</td></tr>`;
  }).join('\n');
}

export function renderDiffHtml(report: DiffReport): string {
  const r = report;
  const missing = Object.entries(r.missing.byReason).map(([reason, n]) => `<li>${num(`missing.byReason.${reason}`, n, 0, 'count')} ${escapeHtml(reason)}</li>`).join('');
  const quality = r.quality ? `
  <h2>Against the ground truth</h2>
  <p>Over ${num('quality.records', r.quality.records, 0, 'count')} compared records carrying ground truth, ${num('quality.positives', r.quality.positives, 0, 'count')} of them positive. Each model at its own threshold.</p>
  <table class="metrics"><tr><th>model</th><th>threshold</th><th>precision</th><th>recall</th><th>ROC AUC</th></tr>
  ${qualityRow('champion', r.quality.champion)}
  ${qualityRow('candidate', r.quality.candidate)}
  </table>
  <h3>Recall by kind</h3>
  <table class="metrics"><tr><th>kind</th><th>positives</th><th>champion</th><th>candidate</th></tr>${kindRows(r)}</table>
  <div class="plots"><figure><figcaption>ROC curves</figcaption><div id="roc"></div></figure>
  <figure><figcaption>Calibration (mean score vs share positive, per 0.1 of score)</figcaption><div id="calibration"></div></figure></div>`
    : '<p id="no-truth">The records carry no ground truth: no precision, recall, ROC or calibration.</p>';
  // JSON inside <script>: "</" would end the element early.
  const embedded = JSON.stringify(r).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>streamscore diff: ${escapeHtml(r.topic)}</title>
<style>${asset('uPlot.min.css')}</style>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; } code { font-size: 0.95em; }
table { border-collapse: collapse; margin: 0.5em 0; } th, td { padding: 0.2em 0.8em; text-align: right; border-bottom: 1px solid #ddd; }
th:first-child, td:first-child { text-align: left; }
.plots { display: flex; flex-wrap: wrap; gap: 1.5em; } figure { margin: 0; } figcaption { font-weight: 600; margin-bottom: 0.3em; }
.note { color: #666; } .interrupted { color: #a00; font-weight: 600; }
</style></head>
<body>
<h1>streamscore diff — <code>${escapeHtml(r.topic)}</code> ${escapeHtml(r.range.from)} → ${escapeHtml(r.range.to)}</h1>
${r.interrupted ? '<p class="interrupted">Interrupted: these numbers cover the part of the range that was compared.</p>' : ''}
<table>
<tr><th>champion</th><td><code>${escapeHtml(r.champion.path)}</code></td><td><code>${r.champion.sha256.slice(0, 12)}…</code></td><td>${r.champion.recordedIn ? `recorded in <code>${escapeHtml(r.champion.recordedIn)}</code>` : 'scored in this run'}</td></tr>
<tr><th>candidate</th><td><code>${escapeHtml(r.candidate.path)}</code></td><td><code>${r.candidate.sha256.slice(0, 12)}…</code></td><td>scored in this run</td></tr>
</table>
<h2>Records</h2>
<p>${num('recordsRead', r.recordsRead, 0, 'count')} read, ${num('compared', r.compared, 0, 'count')} compared
(champion: ${num('championRecorded', r.championRecorded, 0, 'count')} recorded, ${num('championRecomputed', r.championRecomputed, 0, 'count')} scored here);
${num('missing.total', r.missing.total, 0, 'count')} without a score on one side.</p>
${missing ? `<ul>${missing}</ul>` : ''}
<h2>Score changes</h2>
<table class="metrics"><tr><th>|Δscore|</th><th>mean</th><th>p50</th><th>p99</th><th>max</th></tr>
<tr><th></th><td>${num('delta.mean', r.delta.mean, 6)}</td><td>${num('delta.p50', r.delta.p50, 6)}</td><td>${num('delta.p99', r.delta.p99, 6)}</td><td>${num('delta.max', r.delta.max, 6)}</td></tr></table>
<p class="note">p50 and p99 within ${(r.delta.quantileRelativeAccuracy * 100).toFixed(1)}% (a log-bucket sketch: memory does not grow with the range).</p>
<p>Flag flips: ${num('flips.toFlagged.count', r.flips.toFlagged.count, 0, 'count')} newly flagged, ${num('flips.toUnflagged.count', r.flips.toUnflagged.count, 0, 'count')} no longer flagged.</p>
<div class="plots"><figure><figcaption>Score distributions (records per 0.02 of score, log scale)</figcaption><div id="distribution"></div></figure></div>
${quality}
<h2>Top flips</h2>
<div class="plots">
<figure><figcaption>Newly flagged (largest |Δscore| first)</figcaption>
<table id="flips-to-flagged"><tr><th>partition</th><th>offset</th><th>champion</th><th>candidate</th><th>Δ</th></tr>${flipRows('toFlagged', r.flips.toFlagged.examples)}</table></figure>
<figure><figcaption>No longer flagged</figcaption>
<table id="flips-to-unflagged"><tr><th>partition</th><th>offset</th><th>champion</th><th>candidate</th><th>Δ</th></tr>${flipRows('toUnflagged', r.flips.toUnflagged.examples)}</table></figure>
</div>
<p class="note">Generated ${escapeHtml(r.createdAt)} by streamscore diff in ${(r.elapsedMs / 1000).toFixed(1)} s.</p>
<script type="application/json" id="report">${embedded}</script>
<script>${asset('uPlot.iife.min.js')}</script>
<script>${PLOTS_SCRIPT}</script>
</body></html>
`;
}

/** Runs in the page: draws the plots from the embedded report; sets data-rendered on <body> when done. */
const PLOTS_SCRIPT = `
(function () {
  var report = JSON.parse(document.getElementById('report').textContent);
  var colours = { champion: '#1f77b4', candidate: '#d62728', diagonal: '#999' };
  var size = { width: 500, height: 300 };
  var charts = [];
  function line(label, colour, extra) { return Object.assign({ label: label, stroke: colour, width: 2, points: { show: false } }, extra || {}); }

  var d = report.distributions;
  var centres = d.champion.map(function (_, i) { return (i + 0.5) * d.binWidth; });
  var logSafe = function (v) { return v > 0 ? v : null; };
  charts.push(new uPlot(Object.assign({}, size, {
    scales: { x: { time: false, range: [0, 1] }, y: { distr: 3 } },
    series: [{}, line('champion', colours.champion, { paths: uPlot.paths.stepped({ align: 0 }) }), line('candidate', colours.candidate, { paths: uPlot.paths.stepped({ align: 0 }) })],
    axes: [{ label: 'score' }, { label: 'records' }],
  }), [centres, d.champion.map(logSafe), d.candidate.map(logSafe)], document.getElementById('distribution')));

  if (report.quality) {
    var q = report.quality;
    var roc = function (m) { return m.roc.map(function (p) { return [p.fpr, p.tpr]; }); };
    // uPlot wants one x array: ROC curves are drawn as two charts' worth of series on a shared, merged x.
    var xs = Array.from(new Set(roc(q.champion).concat(roc(q.candidate)).map(function (p) { return p[0]; }))).sort(function (a, b) { return a - b; });
    function onGrid(points) {
      var byX = new Map(); points.forEach(function (p) { byX.set(p[0], Math.max(byX.get(p[0]) || 0, p[1])); });
      return xs.map(function (x) { return byX.has(x) ? byX.get(x) : null; });
    }
    charts.push(new uPlot(Object.assign({}, size, {
      scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1] } },
      series: [{}, line('champion', colours.champion, { spanGaps: true }), line('candidate', colours.candidate, { spanGaps: true }), line('chance', colours.diagonal, { dash: [4, 4], width: 1 })],
      axes: [{ label: 'false-positive rate' }, { label: 'true-positive rate' }],
    }), [xs, onGrid(roc(q.champion)), onGrid(roc(q.candidate)), xs], document.getElementById('roc')));

    var cal = function (m) { return m.calibration.map(function (b) { return b.positiveRate; }); };
    var mids = q.champion.calibration.map(function (b) { return (b.from + b.to) / 2; });
    charts.push(new uPlot(Object.assign({}, size, {
      scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1] } },
      series: [{}, line('champion', colours.champion, { spanGaps: true, points: { show: true } }), line('candidate', colours.candidate, { spanGaps: true, points: { show: true } }), line('perfect', colours.diagonal, { dash: [4, 4], width: 1 })],
      axes: [{ label: 'score (bin centre)' }, { label: 'share positive' }],
    }), [mids, cal(q.champion), cal(q.candidate), mids], document.getElementById('calibration')));
  }
  document.body.setAttribute('data-rendered', String(charts.length));
})();
`;
