import { Kafka, logLevel } from 'kafkajs';
/**
 * `streamscore diff` on the real stack: generated IoT readings (ground truth in headers), a backfill
 * of part of the range into a predictions topic (the champion's recorded predictions), then a diff
 * of the whole range against a deliberately different candidate (test/fixtures/models/iot-candidate.onnx,
 * the committed model with seeded noise on its last layers, at a shifted threshold). The report's
 * numbers are checked against an independent computation here: the test reads both topics itself,
 * scores the records with onnxruntime directly and computes the statistics exactly
 * (src/demo/report-math.ts). The diff must write to no topic.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import ort from 'onnxruntime-node';
import { parse } from 'yaml';
import { confusion, percentiles, precision, recall, rocAuc } from '../../../src/demo/report-math.js';
import type { DiffReport } from '../../../src/diff/diff-report.js';
import type { ModelQuality } from '../../../src/diff/diff-stats.js';
import { uniqueName } from '../../support/environment.js';
import { avroDecoder, deleteGroups, deleteTopics, createTopics, endOffsets, readTopic, type ReadMessage } from '../../support/kafka-fixtures.js';
import { StreamscoreProcess, writeConfig } from '../../support/streamscore-process.js';
import { useTestEnvironment } from '../../support/use-test-environment.js';
import { launchChromium, openFile } from '../../support/chromium.js';

/** kafkajs itself, for what this test does to the broker directly (transactions, configs) rather than through streamscore. */
function rawKafka(brokers: string[]): Kafka {
  return new Kafka({ clientId: 'streamscore-test', brokers, logLevel: logLevel.NOTHING, retry: { retries: 10 } });
}

const CANDIDATE = path.resolve('test/fixtures/models/iot-candidate.onnx');
const CHAMPION = path.resolve('models/iot-anomaly.onnx');
const RECORDS = 4_000;
const PARTITIONS = 3;
/** Offsets below this in each partition get no recorded prediction: the diff must score the champion for them. */
const RECORDED_FROM = 150;
const CANDIDATE_THRESHOLD = 0.3;
const DEADLINE_MS = 180_000;

async function runToExit(args: string[]): Promise<{ code: number | null; out: string }> {
  const child = new StreamscoreProcess(args, { LOG_LEVEL: 'info' });
  const timer = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
  const { code } = await child.exited;
  clearTimeout(timer);
  return { code, out: child.lines.join('\n') };
}

interface Reading {
  partition: number;
  offset: string;
  features: number[];
  positive: boolean;
  kind: string;
}

async function scoreWith(model: string, rows: number[][], columns: number): Promise<number[]> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  try {
    const data = Float32Array.from(rows.flat());
    const out = await session.run({ features: new ort.Tensor('float32', data, [rows.length, columns]) }, ['probabilities']);
    const probabilities = out.probabilities.data as Float32Array;
    return rows.map((_, i) => probabilities[i * 2 + 1]!);
  } finally {
    await session.release();
  }
}

describe('streamscore diff against a backfilled predictions topic', () => {
  const env = useTestEnvironment();
  const topics = { input: uniqueName('diff-in'), output: uniqueName('diff-out'), dlq: uniqueName('diff-dlq'), predictions: uniqueName('diff-pred') };
  const appId = uniqueName('diff-app');
  const workDir = mkdtempSync(path.join(tmpdir(), 'streamscore-diff-'));
  let config = '';
  let fields: string[] = [];

  before(async () => {
    const shipped = parse(readFileSync('config/iot-anomaly.yaml', 'utf8'));
    fields = shipped.model.inputs[0].columns.map((c: { field: string }) => c.field);
    config = writeConfig({
      ...shipped,
      appId,
      kafka: { ...shipped.kafka, brokers: env.brokers, clientId: appId },
      schemaRegistry: { url: env.registryUrl },
      input: { ...shipped.input, topics: [topics.input], readerSchema: path.resolve(shipped.input.readerSchema) },
      output: { topic: topics.output, deadLetterTopic: topics.dlq, schema: path.resolve('schemas/prediction.avsc') },
      model: { ...shipped.model, path: CHAMPION },
      observability: { ...shipped.observability, metricsPort: 0 },
    });
    await createTopics(env.brokers, [{ topic: topics.input, partitions: PARTITIONS }, { topic: topics.output, partitions: 1 }, { topic: topics.dlq, partitions: 1 }, { topic: topics.predictions, partitions: 2 }]);
    const generated = await runToExit(['generate', 'iot', '--count', String(RECORDS), '--topic', topics.input, '--seed', '7', '--anomaly-rate', '0.1', '--devices', '60']);
    assert.equal(generated.code, 0, generated.out);
    const from = Array.from({ length: PARTITIONS }, (_, p) => `${topics.input}:${p}:${RECORDED_FROM}`).join(',');
    const backfilled = await runToExit(['backfill', '--config', config, '--from', from, '--to', 'latest', '--output-topic', topics.predictions]);
    assert.equal(backfilled.code, 0, backfilled.out);
  });

  after(async () => {
    await deleteTopics(env.brokers, Object.values(topics));
    await deleteGroups(env.brokers, (g) => g.startsWith(`${appId}.`));
  });

  it('reports what an independent computation finds, and writes to no topic', async () => {
    const before = await Promise.all(Object.values(topics).map((t) => endOffsets(env.brokers, t)));
    const reportFile = path.join(workDir, 'report.json');
    const diff = await runToExit(['diff', '--config', config, '--from', 'earliest', '--to', 'latest', '--model', CANDIDATE, '--against', topics.predictions, '--threshold', String(CANDIDATE_THRESHOLD), '--output', reportFile, '--html', path.join(workDir, 'report.html'), '--window-records', '700']);
    assert.equal(diff.code, 0, diff.out);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as DiffReport;
    const afterRun = await Promise.all(Object.values(topics).map((t) => endOffsets(env.brokers, t)));
    assert.deepEqual(afterRun.map((m) => [...m]), before.map((m) => [...m]), 'the diff wrote to no topic');

    // The independent side: every reading, decoded and scored here.
    const decode = await avroDecoder(env.registryUrl);
    const inputs: ReadMessage[] = await readTopic(env.brokers, topics.input, 'read_committed');
    const readings: Reading[] = [];
    for (const m of inputs) {
      const value = await decode(m.value!);
      readings.push({ partition: m.partition, offset: m.offset, features: fields.map((f) => Number(value[f])), positive: m.headers['streamscore.truth.anomaly'] === '1', kind: m.headers['streamscore.truth.kind'] ?? 'unknown' });
    }
    assert.equal(readings.length, RECORDS);
    const recorded = new Map<string, { score: number; flag: boolean }>();
    for (const m of await readTopic(env.brokers, topics.predictions, 'read_committed')) {
      const p = await decode(m.value!);
      recorded.set(`${p.source_partition}:${p.source_offset}`, { score: p.score, flag: p.flag });
    }
    const rows = readings.map((r) => r.features);
    const [championScores, candidateScores] = [await scoreWith(CHAMPION, rows, fields.length), await scoreWith(CANDIDATE, rows, fields.length)];
    const shippedThreshold = 0.358;
    const champion = readings.map((r, i) => recorded.get(`${r.partition}:${r.offset}`) ?? { score: championScores[i]!, flag: championScores[i]! >= shippedThreshold });
    const candidate = candidateScores.map((score) => ({ score, flag: score >= CANDIDATE_THRESHOLD }));

    assert.equal(recorded.size, RECORDS - PARTITIONS * RECORDED_FROM);
    assert.equal(report.recordsRead, RECORDS);
    assert.equal(report.compared, RECORDS);
    assert.equal(report.championRecorded, recorded.size);
    assert.equal(report.championRecomputed, PARTITIONS * RECORDED_FROM);
    assert.equal(report.missing.total, 0);
    assert.deepEqual(report.join, { recordedOutsideRange: 0, recordedDuplicates: 0, recordedWithoutInput: 0 });

    const deltas = readings.map((_, i) => Math.abs(candidate[i]!.score - champion[i]!.score));
    const [p50, p99] = percentiles(deltas, [50, 99]);
    const close = (actual: number | null, expected: number, tolerance: number, what: string) =>
      assert.ok(actual !== null && Math.abs(actual - expected) <= tolerance, `${what}: report ${actual}, independent ${expected}`);
    // Scores agree to float32 rounding (the same runtime, other batch sizes); quantiles to the sketch's 0.1%.
    close(report.delta.mean, deltas.reduce((a, b) => a + b, 0) / deltas.length, 1e-6, 'mean |Δ|');
    close(report.delta.max, Math.max(...deltas), 1e-6, 'max |Δ|');
    close(report.delta.p50, p50!, p50! * 0.001 + 1e-6, 'p50 |Δ|');
    close(report.delta.p99, p99!, p99! * 0.001 + 1e-6, 'p99 |Δ|');
    assert.ok(report.delta.max! > 0.01, 'the candidate is deliberately different');

    const toFlagged = readings.filter((_, i) => !champion[i]!.flag && candidate[i]!.flag);
    const toUnflagged = readings.filter((_, i) => champion[i]!.flag && !candidate[i]!.flag);
    assert.equal(report.flips.toFlagged.count, toFlagged.length);
    assert.equal(report.flips.toUnflagged.count, toUnflagged.length);
    assert.ok(toFlagged.length > 0 && toUnflagged.length > 0, `flips both ways (${toFlagged.length} / ${toUnflagged.length})`);
    const flipped = new Set([...toFlagged, ...toUnflagged].map((r) => `${r.partition}:${r.offset}`));
    for (const f of [...report.flips.toFlagged.examples, ...report.flips.toUnflagged.examples]) assert.ok(flipped.has(`${f.partition}:${f.offset}`), `example ${f.partition}:${f.offset} is a flip`);

    const positives = readings.map((r) => r.positive);
    assert.ok(report.quality, 'the readings carry ground truth');
    assert.equal(report.quality.records, RECORDS);
    assert.equal(report.quality.positives, positives.filter(Boolean).length);
    for (const [name, side] of [['champion', champion], ['candidate', candidate]] as const) {
      const q: ModelQuality = report.quality[name];
      const c = confusion(side.map((s) => s.flag), positives);
      assert.deepEqual(q.confusion, c, `${name} confusion`);
      close(q.precision, precision(c), 1e-12, `${name} precision`);
      close(q.recall, recall(c), 1e-12, `${name} recall`);
      // Binned ROC: pairs within one bin (1% of a small score) count as ties.
      close(q.rocAuc, rocAuc(side.map((s) => s.score), positives), 0.002, `${name} ROC AUC`);
      const kinds = new Map<string, { positives: number; flagged: number }>();
      readings.forEach((r, i) => {
        if (!r.positive) return;
        const k = kinds.get(r.kind) ?? { positives: 0, flagged: 0 };
        k.positives++;
        if (side[i]!.flag) k.flagged++;
        kinds.set(r.kind, k);
      });
      assert.deepEqual(Object.fromEntries(Object.entries(q.recallByKind).map(([k, v]) => [k, { positives: v.positives, flagged: v.flagged }])), Object.fromEntries([...kinds].sort(([a], [b]) => a.localeCompare(b))), `${name} recall by kind`);
    }
    const histogram = (scores: number[]) => {
      const bins = new Array<number>(50).fill(0);
      for (const s of scores) bins[Math.min(49, Math.floor(s * 50))]++;
      return bins;
    };
    assert.deepEqual(report.distributions.champion, histogram(champion.map((s) => s.score)));
    assert.deepEqual(report.distributions.candidate, histogram(candidate.map((s) => s.score)));
    assert.match(diff.out, /^ {2}flips {6}\d+ newly flagged, \d+ no longer flagged$/m);
  });

  it('the HTML page renders in Chromium, offline, and shows the JSON report\'s numbers', async () => {
    const report = JSON.parse(readFileSync(path.join(workDir, 'report.json'), 'utf8')) as DiffReport;
    const browser = await launchChromium();
    try {
      const { page, foreignRequests } = await openFile(browser, path.join(workDir, 'report.html'));
      await page.waitForSelector('body[data-rendered]', { timeout: 30_000 });
      assert.deepEqual(foreignRequests, [], 'the page loads nothing from anywhere');
      assert.equal(await page.$eval('body', (b) => b.getAttribute('data-rendered')), '3', 'three plots: distributions, ROC, calibration');
      for (const id of ['distribution', 'roc', 'calibration']) {
        // A drawn canvas: some pixels are not transparent.
        const painted = await page.$eval(`#${id} canvas`, (canvas) => {
          // No DOM types in this project's tsconfig: the few canvas members used, spelled out.
          const c = canvas as unknown as { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } };
          const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++;
          return c.width > 0 && c.height > 0 ? n : 0;
        });
        assert.ok(painted > 1_000, `#${id} is drawn (${painted} painted pixels)`);
      }
      const shown = await page.$$eval('[data-key]', (els) => els.map((e) => ({ key: e.getAttribute('data-key')!, value: e.getAttribute('data-value')!, text: e.textContent! })));
      assert.ok(shown.length > 40, `${shown.length} numbers on the page`);
      const keys = new Set(shown.map((s) => s.key));
      for (const key of ['compared', 'delta.mean', 'delta.p50', 'delta.p99', 'delta.max', 'flips.toFlagged.count', 'flips.toUnflagged.count', 'quality.champion.precision', 'quality.candidate.recall', 'quality.candidate.rocAuc']) assert.ok(keys.has(key), `${key} is on the page`);
      for (const { key, value, text } of shown) {
        let expected: unknown = report;
        for (const part of key.split('.')) expected = (expected as Record<string, unknown>)[part];
        assert.equal(value, expected === null ? '' : String(expected), `${key}: the page's value is the JSON's`);
        if (typeof expected !== 'number') continue;
        // The text shown is that value rounded: as many decimals as it shows (percentages ×100).
        const percent = text.endsWith('%');
        const digits = text.includes('.') ? text.replace('%', '').split('.')[1]!.length : 0;
        const number = Number(text.replace(/[%,]/g, ''));
        assert.ok(Math.abs(number - expected * (percent ? 100 : 1)) <= 0.5 * 10 ** -digits + 1e-9, `${key}: shows "${text}" for ${expected}`);
      }
      const flipRows = await page.$$eval('#flips-to-flagged tr, #flips-to-unflagged tr', (rows) => rows.length);
      assert.equal(flipRows, 2 + Math.max(1, report.flips.toFlagged.examples.length) + Math.max(1, report.flips.toUnflagged.examples.length));
      const screenshot = process.env.STREAMSCORE_DIFF_SCREENSHOT ?? path.join(workDir, 'report.png');
      await page.screenshot({ path: screenshot as `${string}.png`, fullPage: true });
    } finally {
      await browser.close();
    }
  });

  it('without --against scores the champion in the same run, with the same numbers', async () => {
    const reportFile = path.join(workDir, 'report-no-against.json');
    const diff = await runToExit(['diff', '--config', config, '--from', 'earliest', '--to', 'latest', '--model', CANDIDATE, '--threshold', String(CANDIDATE_THRESHOLD), '--output', reportFile]);
    assert.equal(diff.code, 0, diff.out);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as DiffReport;
    assert.equal(report.compared, RECORDS);
    assert.equal(report.championRecomputed, RECORDS);
    assert.equal(report.join, null);
    assert.ok(report.quality);
  });

  it('refuses a candidate whose contract does not match the config, a bad range and a missing predictions topic (exit 2 / 1)', async () => {
    const tiny = path.resolve('test/fixtures/models/tiny-classifier.onnx');
    const mismatch = await runToExit(['diff', '--config', config, '--from', 'earliest', '--to', 'latest', '--model', tiny]);
    assert.equal(mismatch.code, 2, mismatch.out);
    assert.match(mismatch.out, /^error ERR_DIFF_MODEL_MISMATCH: --model .*tiny-classifier\.onnx does not fit the config's model contract/m);
    const range = await runToExit(['diff', '--config', config, '--from', '2026-11-02T00:00:00Z', '--to', '2026-11-01T00:00:00Z', '--model', CANDIDATE]);
    assert.equal(range.code, 2, range.out);
    assert.match(range.out, /^error ERR_DIFF_RANGE: --to 2026-11-01T00:00:00.000Z is before --from/m);
    const missing = await runToExit(['diff', '--config', config, '--from', 'earliest', '--to', 'latest', '--model', CANDIDATE, '--against', `${topics.predictions}-nope`]);
    assert.equal(missing.code, 1, missing.out);
    assert.match(missing.out, /^error ERR_TOPIC_MISSING: --against .*-nope: the predictions topic does not exist/m);
  });

  it('on SIGINT stops and exits 130 with the report of what it compared', async () => {
    // An open transaction on the predictions topic: read_committed stops before it, so the diff
    // cannot finish until it is interrupted (no race with the signal).
    const producer = rawKafka(env.brokers).producer({ transactionalId: uniqueName('diff-open-txn'), maxInFlightRequests: 1, idempotent: true });
    await producer.connect();
    const transaction = await producer.transaction();
    await transaction.send({ topic: topics.predictions, messages: [{ key: 'x', value: Buffer.from([0]) }] });
    try {
      const reportFile = path.join(workDir, 'report-interrupted.json');
      const child = new StreamscoreProcess(['diff', '--config', config, '--from', 'earliest', '--to', 'latest', '--model', CANDIDATE, '--against', topics.predictions, '--output', reportFile, '--window-records', '500'], { LOG_LEVEL: 'debug' });
      const timer = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
      await child.waitForLine(/"msg":"diff window scored"/, DEADLINE_MS);
      child.kill('SIGINT');
      const { code } = await child.exited;
      clearTimeout(timer);
      assert.equal(code, 130, child.lines.slice(-20).join('\n'));
      const report = JSON.parse(readFileSync(reportFile, 'utf8')) as DiffReport;
      assert.equal(report.interrupted, true);
      assert.ok(report.recordsRead > 0 && report.compared < RECORDS, `partial: ${report.compared} of ${RECORDS} compared`);
      assert.match(child.lines.join('\n'), /^diff of .* \(interrupted: partial\)$/m);
    } finally {
      await transaction.abort();
      await producer.disconnect();
    }
  });
});
