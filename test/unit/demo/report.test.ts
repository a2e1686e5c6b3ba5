import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import avro from 'avsc';
import { ScenarioCollector } from '../../../src/demo/collector.js';
import { PipelineWatch } from '../../../src/demo/pipeline-watch.js';
import { buildReport, formatReport } from '../../../src/demo/report.js';
import { truthHeaders } from '../../../src/generate/truth-headers.js';
import { packageFile } from '../../../src/package-files.js';
import type { PipelineEvents } from '../../../src/pipeline/events.js';
import type { InputRecord } from '../../../src/records/types.js';

const SCHEMA = packageFile('schemas/prediction.avsc');
const predictionType = avro.Type.forSchema(JSON.parse(readFileSync(SCHEMA, 'utf8')));
const topics = { input: 'in', output: 'out', deadLetters: 'dlq' };

function record(topic: string, partition: number, offset: number, fields: Partial<InputRecord>): InputRecord {
  return { topic, partition, offset: String(offset), timestamp: '0', key: null, value: null, headers: {}, size: 0, ...fields };
}

function input(partition: number, offset: number, positive: boolean, kind: string, appendedAt: number): InputRecord {
  const headers = Object.fromEntries(Object.entries(truthHeaders('iot', { positive, kind })).map(([k, v]) => [k, Buffer.from(v)]));
  return record('in', partition, offset, { timestamp: String(appendedAt), headers });
}

function prediction(partition: number, offset: number, score: number, appendedAt: number): InputRecord {
  const body = predictionType.toBuffer({
    source_topic: 'in', source_partition: partition, source_offset: offset, source_timestamp: appendedAt,
    model_name: 'm', model_version: '1', model_sha256: 'x', window_id: 'w', score, label: null, flag: score >= 0.5, scored_at: 0,
  });
  return record('out', 0, offset, { value: Buffer.concat([Buffer.from([0, 0, 0, 0, 1]), body]) });
}

/** Four inputs: two anomalies (one caught, one missed), two normal readings (one false alarm). */
function scenario() {
  const collector = new ScenarioCollector('iot', topics, SCHEMA);
  const events = new EventEmitter<PipelineEvents>();
  const watch = new PipelineWatch(events);
  collector.add([input(0, 0, true, 'spike', 1000), input(0, 1, false, 'none', 1000), input(1, 0, true, 'drift', 1100), input(1, 1, false, 'none', 1100)], 1200);
  events.emit('windowClosed', { windowId: 'w1', records: 4, bytes: 400, reason: 'linger' });
  events.emit('windowScored', { windowId: 'w1', records: 4, rows: 4, modelRuns: 1, modelFailedRows: 0, timings: { decodeMs: 1, featuresMs: 1, inferenceMs: 2, encodeMs: 1 } });
  events.emit('committed', { partition: 'in:0', windowId: 'w1', records: 2, predictions: 2, flagged: 1, deadLetters: 0, deadLetterCodes: [], nextOffset: '2', durationMs: 30, committedAt: 1200, sourceTimestamps: [1000, 1000] });
  events.emit('committed', { partition: 'in:1', windowId: 'w1', records: 2, predictions: 2, flagged: 1, deadLetters: 0, deadLetterCodes: [], nextOffset: '2', durationMs: 50, committedAt: 1200, sourceTimestamps: [1100, 1100] });
  watch.settleWindows();
  return { collector, watch, events };
}

describe('demo report', () => {
  test('joins predictions to inputs by source partition and offset and measures them', () => {
    const { collector, watch } = scenario();
    // Visible at 1,300 and 1,500: latencies 300, 300, 400, 400 ms.
    collector.add([prediction(0, 0, 0.9, 1000), prediction(0, 1, 0.1, 1000)], 1300);
    collector.add([prediction(1, 0, 0.2, 1100), prediction(1, 1, 0.7, 1100)], 1500);
    const report = buildReport({ scenario: 'iot', model: 'm@1', threshold: 0.5, requested: 4, produced: 4, collector, watch });

    assert.deepEqual(report.failures, []);
    assert.equal(report.predictions, 4);
    assert.deepEqual(report.quality.confusion, { tp: 1, fp: 1, fn: 1, tn: 1 });
    assert.equal(report.quality.precision, 0.5);
    assert.equal(report.quality.recall, 0.5);
    // Positives 0.9, 0.2 vs negatives 0.1, 0.7: 0.9 beats both, 0.2 beats 0.1 → 3/4.
    assert.equal(report.quality.rocAuc, 0.75);
    assert.deepEqual(report.quality.recallByKind, { drift: 0, spike: 1 });
    assert.deepEqual(report.latencyMs, { p50: 300, p99: 400, max: 400 });
    // First input appended at 1,000, last prediction visible at 1,500: 4 records in 0.5 s.
    assert.equal(report.throughput.recordsPerSecond, 8);
    assert.deepEqual(report.windows, { count: 1, meanRecords: 4, reasons: { linger: 1 } });
    assert.equal(report.meanStageMs.commit, 50, 'a window commits as fast as its slowest partition');
    assert.match(formatReport(report), /precision 0\.500 {2}recall 0\.500 {2}ROC AUC 0\.7500/);
  });

  test('an unscored record, a duplicate, a dead letter and a crash each fail the run', () => {
    const { collector, watch, events } = scenario();
    collector.add([prediction(0, 0, 0.9, 1000), prediction(0, 0, 0.9, 1000), prediction(1, 0, 0.2, 1100)], 1300);
    collector.add([record('dlq', 0, 0, {})], 1300);
    events.emit('consumerCrash', { message: 'boom', restarting: false });
    const report = buildReport({ scenario: 'iot', model: 'm@1', threshold: 0.5, requested: 5, produced: 4, collector, watch });
    const text = report.failures.join('\n');
    assert.match(text, /produced 4 of 5/);
    assert.match(text, /1 input records have neither a prediction nor a dead letter/);
    assert.match(text, /1 dead letters on clean generated data/);
    assert.match(text, /1 input records have more than one prediction/);
    assert.match(text, /consumer crashed: boom/);
    assert.match(formatReport(report), /FAILED/);
  });

  test('inputs without truth headers are counted as malformed', () => {
    const collector = new ScenarioCollector('iot', topics, SCHEMA);
    collector.add([record('in', 0, 0, {})], 0);
    assert.equal(collector.malformed, 1);
    assert.equal(collector.inputs.size, 0);
  });
});
