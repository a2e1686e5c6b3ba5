/**
 * The live status page (GET / on the metrics server) in headless Chromium, against a pipeline on
 * the real stack: it loads nothing from elsewhere, its charts draw, its figures agree with /metrics,
 * lag falls to 0 once input stops, and a screenshot goes to docs/status-page.png for the README.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'puppeteer-core';
import { launchChromium } from '../../support/chromium.js';
import { waitFor } from '../../support/environment.js';
import { ObservedPipeline, parseExposition, type Sample } from '../../support/observed-pipeline.js';
import { useTestEnvironment } from '../../support/use-test-environment.js';

const env = useTestEnvironment();

/** PromQL's histogram_quantile, written again here so the page's own implementation is checked. */
function quantileFromBuckets(q: number, samples: Sample[], name: string): number | null {
  const buckets = samples.filter((s) => s.name === `${name}_bucket`).map((s) => ({ le: s.labels.le === '+Inf' ? Infinity : Number(s.labels.le), n: s.value })).sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)?.n ?? 0;
  if (!total) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const { le, n } of buckets) {
    if (n >= rank) return le === Infinity ? lower : n === below ? le : lower + (le - lower) * (rank - below) / (n - below);
    lower = le;
    below = n;
  }
  return lower;
}

const sum = (samples: Sample[], name: string, labels: Record<string, string> = {}): number =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);

/** The page's figures: data-key → data-value, for one pipeline. */
async function figures(page: Page): Promise<Record<string, string>> {
  return page.$$eval('[data-pipeline="streamscore"][data-key]', (elements) => Object.fromEntries(elements.map((e) => [e.getAttribute('data-key'), e.getAttribute('data-value')])) as Record<string, string>);
}

function close(actual: number, expected: number, what: string, relative = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= relative * Math.max(1, Math.abs(expected)), `${what}: page shows ${actual}, /metrics gives ${expected}`);
}

describe('status page', () => {
  let pipeline: ObservedPipeline;
  let browser: Browser;
  let page: Page;
  const foreign: string[] = [];

  before(async () => {
    pipeline = new ObservedPipeline(env.brokers, env.registryUrl, 'status');
    await pipeline.start();
    browser = await launchChromium();
    page = await browser.newPage();
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      if (request.url().startsWith(pipeline.url)) void request.continue();
      else {
        foreign.push(request.url());
        void request.abort();
      }
    });
    await page.setViewport({ width: 1500, height: 1100 });
  });

  after(async () => {
    await browser?.close();
    await pipeline?.stop();
  });

  it('shows the pipeline live, agrees with /metrics, and lag falls to 0 when input stops', async () => {
    await page.goto(`${pipeline.url}/`, { waitUntil: 'load' });
    // No DOM types in this project's tsconfig: the page's state is read through globalThis.
    await page.waitForFunction(() => Number((globalThis as unknown as { document: { body: { dataset: { polls?: string } } } }).document.body.dataset.polls ?? 0) >= 2, { timeout: 30_000 });

    // Input in several batches, so that the page sees records arrive between its polls.
    const polls = (): Promise<number> => page.evaluate(() => Number((globalThis as unknown as { document: { body: { dataset: { polls?: string } } } }).document.body.dataset.polls ?? 0));
    for (let batch = 0; batch < 8; batch++) {
      await pipeline.produceBatch(500, batch === 0 ? 4 : 0);
      const seen = await polls();
      await waitFor(async () => (await polls()) > seen, { timeoutMs: 30_000, what: 'the page to poll again' });
    }
    const expected = pipeline.produced;

    // Input stopped: everything is committed, the observer has seen every prediction, and lag is 0 on every partition.
    const settled = await waitFor(async () => {
      const f = await figures(page);
      const lags = Object.entries(f).filter(([k]) => /^lag\.\w/.test(k) && k !== 'lag.total');
      const done = Number(f['totals.recordsOut']) === expected && lags.length === 6 && lags.every(([, v]) => v === '0')
        && Number(f['latency.endToEnd.count']) === expected - 4;
      return done ? f : undefined;
    }, { timeoutMs: 120_000, what: `the page to show ${expected} records out and lag 0 on 6 partitions` });
    assert.equal(settled['lag.total'], '0');

    // The figures agree with /metrics (read after the page: nothing moves once input stopped).
    const samples = parseExposition(await (await fetch(`${pipeline.url}/metrics`)).text());
    close(Number(settled['totals.recordsOut']), sum(samples, 'streamscore_source_records_total'), 'records out');
    for (const code of new Set(samples.filter((s) => s.name === 'streamscore_sink_dead_letters_total').map((s) => s.labels.code!))) {
      close(Number(settled[`deadLetters.${code}`]), sum(samples, 'streamscore_sink_dead_letters_total', { code }), `dead letters ${code}`);
    }
    assert.equal(sum(samples, 'streamscore_sink_dead_letters_total'), 4, 'the 4 poison records were dead-lettered');
    for (const reason of ['records', 'linger']) close(Number(settled[`windows.${reason}`] ?? 0), sum(samples, 'streamscore_window_closed_total', { reason }), `windows closed by ${reason}`);
    for (const s of samples.filter((x) => x.name === 'streamscore_source_lag_records')) close(Number(settled[`lag.${s.labels.partition}`]), s.value, `lag of ${s.labels.partition}`);
    const histograms: [string, string][] = [
      ['latency.score', 'streamscore_pipeline_score_seconds'], ['latency.commit', 'streamscore_sink_transaction_seconds'],
      ['latency.window', 'streamscore_pipeline_window_seconds'], ['latency.endToEnd', 'streamscore_pipeline_end_to_end_seconds'],
      ['windowSize', 'streamscore_window_size_records'],
    ];
    for (const [key, metric] of histograms) {
      for (const q of [0.5, 0.99]) {
        const fromMetrics = quantileFromBuckets(q, samples, metric);
        assert.ok(fromMetrics !== null, `${metric} has observations`);
        close(Number(settled[`${key}.p${q * 100}`]), fromMetrics, `${key} p${q * 100}`, 1e-6);
      }
    }
    const flagged = sum(samples, 'streamscore_sink_flagged_total');
    close(Number(settled.flagRate), flagged / sum(samples, 'streamscore_sink_predictions_total'), 'flag rate');
    assert.ok(flagged > 0 && flagged < expected, 'the tiny model flags some readings, not all');
    const info = samples.find((s) => s.name === 'streamscore_model_info' && s.labels.role === 'live');
    assert.equal(settled['models.live.sha256'], info?.labels.sha256);
    assert.equal(settled['models.live.name'], 'tiny');
    assert.equal(settled['owned.count'], '6');

    // The charts drew: three canvases per pipeline with pixels on them, and throughput above 0 at some poll.
    const charts = await page.$$eval('[data-pipeline="streamscore"] .uplot canvas', (canvases) => canvases.map((element) => {
      const canvas = element as unknown as { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } };
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let inked = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) inked++;
      return inked;
    }));
    assert.equal(charts.length, 3, 'three charts');
    for (const inked of charts) assert.ok(inked > 100, `a chart has ${inked} drawn pixels`);
    const peak = await page.evaluate(() => Math.max(0, ...((globalThis as unknown as { streamscoreStatus: Map<string, { data: { out: (number | null)[] } }> }).streamscoreStatus.get('streamscore')!.data.out.map((v) => v ?? 0))));
    assert.ok(peak > 0, 'the throughput chart saw records/s out above 0');
    assert.deepEqual(foreign, [], 'the page loads nothing from elsewhere');

    const docs = path.resolve('docs');
    mkdirSync(docs, { recursive: true });
    await page.screenshot({ path: path.join(docs, 'status-page.png'), fullPage: true });
  });
});
