import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { batchSizeFor, produceRecords, type ProduceLoopOptions } from '../../../src/generate/produce.js';
import { createIotGenerator } from '../../../src/generate/iot.js';
import { createScenarioGenerator } from '../../../src/generate/scenarios.js';
import { readTruth, TRUTH_KIND_HEADER, TRUTH_LABEL_HEADERS } from '../../../src/generate/truth-headers.js';
import type { OutputMessage } from '../../../src/records/types.js';

/** A clock that only moves when the loop sleeps or a send "takes time". */
function fakeTime() {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    clock: { now: () => now },
    sleep: async (ms: number) => { sleeps.push(ms); now += ms; },
    advance: (ms: number) => { now += ms; },
    sleeps,
  };
}

function options(overrides: Partial<ProduceLoopOptions> & Pick<ProduceLoopOptions, 'send'>): ProduceLoopOptions {
  const time = fakeTime();
  return {
    scenario: 'iot',
    generator: createScenarioGenerator('iot', { seed: 5, startTime: Date.UTC(2026, 0, 1) }),
    encode: (value) => Buffer.from(JSON.stringify(value)),
    count: 2500,
    rate: 0,
    clock: time.clock,
    sleep: time.sleep,
    ...overrides,
  };
}

describe('produceRecords', () => {
  test('produces exactly count records in batches of at most batchSize, truth in headers only', async () => {
    const batches: OutputMessage[][] = [];
    const summary = await produceRecords(options({ count: 2500, send: async (m) => { batches.push(m); } }));
    assert.deepEqual(batches.map((b) => b.length), [1000, 1000, 500]);
    assert.equal(summary.produced, 2500);
    const all = batches.flat();
    const expected = createIotGenerator({ seed: 5, startTime: Date.UTC(2026, 0, 1) });
    let positives = 0;
    for (const message of all) {
      const record = expected.next();
      assert.equal(message.key!.toString(), record.key);
      assert.equal(message.timestamp, String(record.timestamp), 'message timestamp = event time');
      const value = JSON.parse(message.value!.toString()) as Record<string, unknown>;
      assert.deepEqual(value, record.value);
      assert.ok(!('truth' in value) && !('anomaly' in value), 'no truth in the value');
      const truth = readTruth('iot', message.headers as Record<string, string>);
      assert.deepEqual(truth, { positive: record.truth.anomaly, kind: record.truth.kind });
      assert.ok(message.headers[TRUTH_LABEL_HEADERS.iot] === '1' || message.headers[TRUTH_LABEL_HEADERS.iot] === '0');
      assert.ok(typeof message.headers[TRUTH_KIND_HEADER] === 'string');
      if (record.truth.anomaly) positives++;
    }
    assert.equal(summary.positives, positives);
    assert.equal(Object.values(summary.byKind).reduce((a, b) => a + b, 0), 2500);
    assert.equal(summary.byKind.none, 2500 - positives);
  });

  test('stampEventTime: false leaves the timestamp to the producer', async () => {
    const sent: OutputMessage[] = [];
    await produceRecords(options({ count: 10, stampEventTime: false, send: async (m) => { sent.push(...m); } }));
    assert.ok(sent.every((m) => m.timestamp === undefined));
  });

  test('at a fixed rate it sends small batches and paces them on the clock', async () => {
    const time = fakeTime();
    const sent: number[] = [];
    const summary = await produceRecords(options({ count: 1000, rate: 200, clock: time.clock, sleep: time.sleep, send: async (m) => { sent.push(m.length); } }));
    assert.equal(batchSizeFor(200), 10);
    assert.equal(sent.length, 100);
    assert.ok(sent.every((n) => n === 10));
    // 1,000 records at 200/s: the last batch starts at 990/200 = 4.95 s.
    assert.equal(summary.elapsedMs, 4950);
    assert.equal(time.sleeps.reduce((a, b) => a + b, 0), 4950);
  });

  test('batch sizes: full batches flat out, about 20 sends a second at a rate, never empty', () => {
    assert.equal(batchSizeFor(0), 1000);
    assert.equal(batchSizeFor(0, 250), 250);
    assert.equal(batchSizeFor(1), 1);
    assert.equal(batchSizeFor(100_000), 1000);
  });

  test('count 0 runs until the signal aborts, finishing the batch in flight', async () => {
    const controller = new AbortController();
    let sends = 0;
    const summary = await produceRecords(options({
      count: 0,
      signal: controller.signal,
      send: async () => { if (++sends === 3) controller.abort(); },
    }));
    assert.equal(summary.produced, 3000);
    assert.equal(summary.stopped, 'signal');
  });

  test('sends the records up to the latest timestamp the topic accepts, then stops', async () => {
    const start = Date.UTC(2026, 0, 1);
    const limit = start + 5 * 60_000;
    const sent: OutputMessage[] = [];
    const summary = await produceRecords(options({
      count: 0,
      // 500 devices reporting once a minute: 5 minutes of event time are about 2,500 records.
      timestampLimit: () => limit,
      send: async (m) => { sent.push(...m); },
    }));
    assert.equal(summary.stopped, 'timestamp-limit');
    assert.match(summary.refusal!, /beyond the latest timestamp the topic accepts/);
    assert.equal(summary.produced, sent.length);
    assert.ok(sent.length > 2000 && sent.length < 3000, `sent ${sent.length}`);
    assert.ok(sent.every((m) => Number(m.timestamp) <= limit));
    // The generator's next record is the one that crossed the limit.
    const reference = createIotGenerator({ seed: 5, startTime: start });
    for (let i = 0; i < sent.length; i++) reference.next();
    assert.ok(reference.next().timestamp > limit);
  });

  test('a failed send fails the run, and nothing after it is acknowledged', async () => {
    let calls = 0;
    await assert.rejects(
      produceRecords(options({ count: 5000, send: async () => { if (++calls === 2) throw new Error('broker gone'); } })),
      /broker gone/,
    );
    assert.equal(calls, 2);
  });
});
