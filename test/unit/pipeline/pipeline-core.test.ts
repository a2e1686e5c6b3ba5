/**
 * The core loop with fake parts (no Kafka, no model): window order, offset order per partition,
 * generation drops on revoke, the in-flight limit, and aborted transactions redone, for both
 * transaction scopes. The exactly-once integration tests check the same against a real broker.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { systemClock, type Clock, type Timers } from '../../../src/clock.js';
import { StreamscoreError } from '../../../src/errors.js';
import type {
  FetchContext, GroupMetadata, OffsetsAdmin, RecordSource, SourceHandlers, TopicPartition, TransactionContent, TransactionScope, TransactionalSink,
} from '../../../src/kafka/types.js';
import { Pipeline } from '../../../src/pipeline/pipeline.js';
import type { PartitionOutput, ScoredWindow } from '../../../src/pipeline/window-scorer.js';
import { partitionKey, type InputRecord } from '../../../src/records/types.js';

const TOPIC = 'in';

/** The broker as far as the pipeline can tell: committed transactions and the group's offsets. */
class FakeCluster {
  readonly transactions: { transactionalId: string; content: TransactionContent }[] = [];
  readonly committed = new Map<string, string>();
  /** Set to make the next commits fail; returns the error to throw or undefined. */
  failNext: ((content: TransactionContent) => StreamscoreError | undefined) | undefined;
  /** Holds transactions before they commit. */
  gate: Promise<void> = Promise.resolve();

  commit(transactionalId: string, content: TransactionContent): void {
    const error = this.failNext?.(content);
    if (error) throw error;
    this.transactions.push({ transactionalId, content });
    for (const o of content.offsets) this.committed.set(partitionKey(o.topic, o.partition), o.nextOffset);
  }

  /** Every output value (the input offset it answers, as `partition:offset`), in commit order. */
  outputs(): string[] {
    return this.transactions.flatMap((t) => t.content.outputs.flatMap((o) => o.messages.map((m) => m.value!.toString())));
  }
}

class FakeSink implements TransactionalSink {
  constructor(readonly transactionalId: string, private readonly cluster: FakeCluster) {}
  async init(): Promise<void> {}
  async commit(content: TransactionContent): Promise<void> {
    await this.cluster.gate;
    this.cluster.commit(this.transactionalId, content);
  }
  async close(): Promise<void> {}
}

class FakeSource implements RecordSource {
  handlers!: SourceHandlers;
  readonly seeks: { partition: number; offset: string }[] = [];
  private seekCount = 0;
  metadata: GroupMetadata = { groupId: 'app', generationId: 1, memberId: 'member-1' };

  async start(_subscription: unknown, handlers: SourceHandlers): Promise<void> {
    this.handlers = handlers;
  }
  seek(_topic: string, partition: number, offset: string): void {
    this.seekCount++;
    this.seeks.push({ partition, offset });
  }
  pause(_partitions: TopicPartition[]): void {}
  resume(_partitions: TopicPartition[]): void {}
  groupMetadata(): GroupMetadata | undefined {
    return this.metadata;
  }
  async disconnect(): Promise<void> {}

  assign(partitions: number[]): void {
    this.handlers.onAssignment('member-1', partitions.map((partition) => ({ topic: TOPIC, partition })));
  }

  /** Hands records [from, to) of a partition to the pipeline, as one fetched batch. */
  deliver(partition: number, from: number, to: number): Promise<void> {
    const seeksBefore = this.seekCount;
    const records: InputRecord[] = [];
    for (let offset = from; offset < to; offset++) {
      records.push({ topic: TOPIC, partition, offset: String(offset), timestamp: '0', key: null, value: Buffer.from(`${partition}:${offset}`), headers: {}, size: 8 });
    }
    const context: FetchContext = { highWatermark: String(to), lastOffset: String(to - 1), isStale: () => this.seekCount !== seeksBefore, heartbeat: async () => undefined };
    return this.handlers.onRecords(TOPIC, partition, records, context);
  }
}

function fakeAdmin(cluster: FakeCluster): OffsetsAdmin {
  return {
    connect: async () => undefined,
    disconnect: async () => undefined,
    listTopics: async () => [TOPIC],
    requireTopics: async () => undefined,
    committedOffset: async (_group, topic, partition) => cluster.committed.get(partitionKey(topic, partition)),
    committedOffsets: async () => new Map(cluster.committed),
    partitionOffsets: async () => [],
    offsetsForTime: async () => [],
    ownsPartition: async () => 'owned',
  };
}

/** Scores a window by echoing each record's coordinates as its prediction; `gate` holds scoring. */
class FakeScoring {
  gate: Promise<void> = Promise.resolve();
  scoring = 0;
  async score(records: readonly InputRecord[]): Promise<ScoredWindow> {
    this.scoring++;
    await this.gate;
    this.scoring--;
    const byPartition = new Map<number, PartitionOutput>();
    for (const record of records) {
      let output = byPartition.get(record.partition);
      if (!output) byPartition.set(record.partition, output = { topic: record.topic, partition: record.partition, nextOffset: '', predictions: [], deadLetters: [], deadLetterCodes: [], records: 0, flagged: 0, sourceTimestamps: [] });
      output.predictions.push({ key: null, value: record.value, headers: {} });
      output.records++;
      output.nextOffset = String(BigInt(record.offset) + 1n);
    }
    return { partitions: [...byPartition.values()], rows: records.length, timings: { decodeMs: 0, featuresMs: 0, inferenceMs: 0, encodeMs: 0 }, model: { runs: 1, failedRows: 0, gaveUp: false } };
  }
}

/** A clock whose time moves only when the test says: timers fire in `advance`. */
class ManualClock implements Clock, Timers {
  private time = 1_000_000;
  private readonly timers: { at: number; fn: () => void }[] = [];
  now(): number {
    return this.time;
  }
  after(ms: number, fn: () => void): () => void {
    const timer = { at: this.time + ms, fn };
    this.timers.push(timer);
    return () => { this.timers.splice(this.timers.indexOf(timer) >>> 0, 1); };
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const cancel = this.after(ms, resolve);
      signal?.addEventListener('abort', () => { cancel(); resolve(); }, { once: true });
    });
  }
  advance(ms: number): void {
    this.time += ms;
    for (const timer of this.timers.filter((t) => t.at <= this.time)) {
      this.timers.splice(this.timers.indexOf(timer), 1);
      timer.fn();
    }
  }
}

function setUp(scope: TransactionScope, window: { maxRecords: number; maxInFlight: number; maxLingerMs?: number } = { maxRecords: 4, maxInFlight: 4 }, clock: Clock & Timers = systemClock) {
  const cluster = new FakeCluster();
  const source = new FakeSource();
  const scoring = new FakeScoring();
  const pipeline = new Pipeline(
    {
      appId: 'app', outputTopic: 'out', deadLetterTopic: 'dlq', window: { maxLingerMs: 60_000, ...window },
      transactionTimeoutMs: 60_000, heartbeatIntervalMs: 50, systemicFailureAttempts: 1, subscription: { topics: [TOPIC] },
    },
    {
      transactionScope: scope,
      createProducer: (id) => new FakeSink(id, cluster),
      admin: fakeAdmin(cluster), consumer: source, scoring, clock, logger: pino({ level: 'silent' }),
    },
  );
  return { cluster, source, scoring, pipeline };
}

/** Resolves once every listed partition's committed offset reached `end`. */
function committedTo(pipeline: Pipeline, cluster: FakeCluster, partitions: number[], end: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (partitions.every((p) => cluster.committed.get(partitionKey(TOPIC, p)) === String(end))) {
        pipeline.off('committed', check);
        resolve();
      }
    };
    pipeline.on('committed', check);
    check();
  });
}

function ready(pipeline: Pipeline, count: number): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => pipeline.on('partitionReady', () => { if (++seen === count) resolve(); }));
}

for (const scope of ['partition', 'window'] as const) {
  describe(`pipeline core loop, ${scope} transactions`, () => {
    it('gives every record one output, in offset order per partition, and commits each partition to its end', async () => {
      const { cluster, source, pipeline } = setUp(scope);
      await pipeline.start();
      const initialised = ready(pipeline, 3);
      source.assign([0, 1, 2]);
      await initialised;
      for (let from = 0; from < 12; from += 3) for (const p of [0, 1, 2]) await source.deliver(p, from, from + 3);
      await committedTo(pipeline, cluster, [0, 1, 2], 12);
      const outputs = cluster.outputs();
      assert.equal(outputs.length, 36);
      assert.equal(new Set(outputs).size, 36, 'no output twice');
      for (const p of [0, 1, 2]) {
        const offsets = outputs.filter((o) => o.startsWith(`${p}:`)).map((o) => Number(o.split(':')[1]));
        assert.deepEqual(offsets, [...Array(12).keys()], `partition ${p} in offset order`);
      }
      if (scope === 'window') {
        assert.equal(new Set(cluster.transactions.map((t) => t.transactionalId)).size, 1, 'one producer per instance');
        assert.ok(cluster.transactions.some((t) => t.content.offsets.length > 1), 'a window spanning partitions commits them in one transaction');
        assert.ok(cluster.transactions.every((t) => t.content.groupMetadata?.generationId === 1), 'offsets carry the group metadata');
      } else {
        assert.ok(cluster.transactions.every((t) => t.content.offsets.length === 1 && t.transactionalId === `app-${TOPIC}-${t.content.offsets[0].partition}`));
      }
      await pipeline.stop(1_000);
    });

    it("drops a revoked partition's scored work and commits the others'", async () => {
      const { cluster, source, scoring, pipeline } = setUp(scope, { maxRecords: 6, maxInFlight: 4 });
      await pipeline.start();
      const initialised = ready(pipeline, 2);
      source.assign([0, 1]);
      await initialised;
      let open!: () => void;
      scoring.gate = new Promise((resolve) => { open = resolve; });
      await source.deliver(0, 0, 3);
      await source.deliver(1, 0, 3);
      source.assign([1]);
      open();
      await committedTo(pipeline, cluster, [1], 3);
      assert.equal(cluster.committed.get(partitionKey(TOPIC, 0)), undefined, 'nothing of the revoked partition committed');
      assert.deepEqual(cluster.outputs(), ['1:0', '1:1', '1:2']);
      await pipeline.stop(1_000);
    });

    it('drops the part of a revoked partition from a window already queued to commit', async () => {
      const { cluster, source, pipeline } = setUp(scope, { maxRecords: 4, maxInFlight: 4 });
      await pipeline.start();
      const initialised = ready(pipeline, 2);
      source.assign([0, 1]);
      await initialised;
      let open!: () => void;
      cluster.gate = new Promise((resolve) => { open = resolve; });
      const scored: string[] = [];
      pipeline.on('windowScored', ({ windowId }) => scored.push(windowId));
      const bothScored = new Promise<void>((resolve) => pipeline.on('windowScored', () => { if (scored.length === 2) resolve(); }));
      // Window A (offsets 0-1 of both) goes to commit and is held there; window B (2-3) queues behind it.
      for (const from of [0, 2]) for (const p of [0, 1]) await source.deliver(p, from, from + 2);
      await bothScored;
      source.assign([1]);
      open();
      await committedTo(pipeline, cluster, [1], 4);
      assert.equal(cluster.committed.get(partitionKey(TOPIC, 0)), '2', "window B's part of the revoked partition is not committed");
      assert.ok(!cluster.outputs().includes('0:2'));
      await pipeline.stop(1_000);
    });

    it('closes a window on its linger when the injected clock says so, not before', async () => {
      const clock = new ManualClock();
      const { cluster, source, pipeline } = setUp(scope, { maxRecords: 100, maxInFlight: 4, maxLingerMs: 1_000 }, clock);
      await pipeline.start();
      const initialised = ready(pipeline, 1);
      source.assign([0]);
      await initialised;
      await source.deliver(0, 0, 3);
      clock.advance(999);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(cluster.transactions.length, 0, 'the window is still open 1 ms before its linger');
      const committed = committedTo(pipeline, cluster, [0], 3);
      clock.advance(1);
      await committed;
      assert.deepEqual(cluster.outputs(), ['0:0', '0:1', '0:2']);
      await pipeline.stop(1_000);
    });

    it('holds the fetch loop while maxInFlight windows are not yet committed', async () => {
      const { source, scoring, pipeline } = setUp(scope, { maxRecords: 2, maxInFlight: 2 });
      await pipeline.start();
      const initialised = ready(pipeline, 1);
      source.assign([0]);
      await initialised;
      let open!: () => void;
      scoring.gate = new Promise((resolve) => { open = resolve; });
      await source.deliver(0, 0, 2); // window 1: being scored
      let released = false;
      const held = source.deliver(0, 2, 4).then(() => { released = true; }); // window 2: the limit
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(released, false, 'fetching waits while two windows are in flight');
      open();
      await held;
      assert.equal(released, true);
      await pipeline.stop(1_000);
    });

    it('redoes an aborted transaction from the committed offset: no record lost, none twice', async () => {
      // Per-partition scope aborts only one partition's transaction: its redone records close their window by linger.
      const { cluster, source, pipeline } = setUp(scope, { maxRecords: 4, maxInFlight: 4, maxLingerMs: 20 });
      await pipeline.start();
      const initialised = ready(pipeline, 2);
      source.assign([0, 1]);
      await initialised;
      await source.deliver(0, 0, 2);
      await source.deliver(1, 0, 2);
      await committedTo(pipeline, cluster, [0, 1], 2);
      let failures = 0;
      cluster.failNext = () => (failures++ === 0 ? new StreamscoreError('ERR_KAFKA_TRANSIENT', 'broker went away') : undefined);
      const aborted = new Promise((resolve) => pipeline.once('aborted', resolve));
      const reinitialised = ready(pipeline, scope === 'window' ? 2 : 1);
      await source.deliver(0, 2, 4);
      await source.deliver(1, 2, 4);
      await aborted;
      await reinitialised;
      assert.ok(source.seeks.some((s) => s.offset === '2'), 'seeks back to the committed offset');
      // The source re-fetches from the committed offsets, as a consumer does after a seek.
      await source.deliver(0, 2, 4);
      await source.deliver(1, 2, 4);
      await committedTo(pipeline, cluster, [0, 1], 4);
      const outputs = cluster.outputs();
      assert.equal(outputs.length, 8);
      assert.equal(new Set(outputs).size, 8, 'no output twice');
      await pipeline.stop(1_000);
    });
  });
}
