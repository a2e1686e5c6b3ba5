import { Kafka, logLevel } from 'kafkajs';
/**
 * The platformatic client against a real broker: a window's transaction over several input
 * partitions, read_committed delivery where platformatic's own filter fails, seeks racing fetches,
 * zombie fencing by group generation (KIP-447), and require_stable committed offsets.
 * Fresh topics and groups per test; every wait has a deadline.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Consumer as PlatformaticConsumer, FetchIsolationLevels, MessagesStreamModes } from '@platformatic/kafka';
import pino from 'pino';
import { StreamscoreError } from '../../../src/errors.js';
import type { KafkaSettings } from '../../../src/kafka/open-client.js';
import { createPlatformaticClient } from '../../../src/kafka/platformatic/platformatic-client.js';
import { keyHash } from '../../../src/kafka/platformatic/partitioner.js';
import type { FetchContext, KafkaClient, SourceHandlers, TopicPartition } from '../../../src/kafka/types.js';
import type { InputRecord } from '../../../src/records/types.js';
import { resolveTestEnvironment, uniqueName, waitFor, type TestEnvironment } from '../../support/environment.js';
import { committedOffsets, createTopics, deleteTopics, endOffsets, produce, readTopic } from '../../support/kafka-fixtures.js';

/** kafkajs itself, for what this test does to the broker directly (transactions, configs) rather than through streamscore. */
function rawKafka(brokers: string[]): Kafka {
  return new Kafka({ clientId: 'streamscore-test', brokers, logLevel: logLevel.NOTHING, retry: { retries: 10 } });
}

const DEADLINE_MS = 30_000;
const silent = pino({ level: 'silent' });

function settings(brokers: string[]): KafkaSettings {
  return { brokers, client: 'platformatic', clientId: 'platformatic-test', ssl: false, connectionTimeoutMs: 5_000, sessionTimeoutMs: 10_000, heartbeatIntervalMs: 500, transactionTimeoutMs: 30_000 };
}

/** A source with its deliveries, assignments and positions recorded. */
function recordingSource(client: KafkaClient, groupId: string, onBatch?: (records: InputRecord[], context: FetchContext) => void | Promise<void>) {
  const source = client.source({ groupId, sessionTimeoutMs: 10_000, heartbeatIntervalMs: 500, fromBeginning: true });
  const seen = { records: [] as InputRecord[], assignments: [] as TopicPartition[][], position: new Map<string, bigint>(), crashes: [] as Error[] };
  const handlers: SourceHandlers = {
    onAssignment: (_memberId, assignment) => { seen.assignments.push(assignment); },
    onRecords: async (topic, partition, records, context) => {
      await onBatch?.(records, context);
      if (!context.isStale()) seen.records.push(...records);
      seen.position.set(`${topic}:${partition}`, BigInt(context.lastOffset) + 1n);
    },
    onPosition: (topic, partition, _first, last) => { seen.position.set(`${topic}:${partition}`, BigInt(last) + 1n); },
    onCrash: (error) => { seen.crashes.push(error); },
  };
  return { source, seen, start: (topics: string[]) => source.start({ topics }, handlers) };
}

async function reachEnd(seen: { position: Map<string, bigint> }, brokers: string[], topic: string): Promise<void> {
  const ends = await endOffsets(brokers, topic);
  await waitFor(() => [...ends].every(([p, end]) => end === '0' || (seen.position.get(`${topic}:${p}`) ?? 0n) >= BigInt(end)), { timeoutMs: DEADLINE_MS, what: `the source to reach the end of ${topic}` });
}

/** Writes transactions with kafkajs: values starting with `aborted` are aborted, the others committed. */
async function writeTransactions(brokers: string[], topic: string, transactions: string[][]): Promise<void> {
  const producer = rawKafka(brokers).producer({ transactionalId: uniqueName('plat-writer'), idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (const values of transactions) {
      const transaction = await producer.transaction();
      await transaction.send({ topic, messages: values.map((value) => ({ key: 'k', value, partition: 0 })) });
      if (values[0].startsWith('aborted')) await transaction.abort();
      else await transaction.commit();
    }
  } finally {
    await producer.disconnect();
  }
}

describe('platformatic client', () => {
  let environment: TestEnvironment;
  let client: KafkaClient;
  const topics: string[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];

  before(async () => {
    environment = await resolveTestEnvironment();
    client = createPlatformaticClient(settings(environment.brokers), silent, '-test');
  });

  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    if (environment) await deleteTopics(environment.brokers, topics);
    await environment?.stop();
  });

  async function freshTopics(specs: { prefix: string; partitions: number }[]): Promise<string[]> {
    const created = specs.map((s) => ({ topic: uniqueName(s.prefix), partitions: s.partitions }));
    await createTopics(environment.brokers, created);
    topics.push(...created.map((c) => c.topic));
    return created.map((c) => c.topic);
  }

  it('commits one window over 3 input partitions: outputs on several topics and every offset, atomically', async () => {
    const [input, output, deadLetters] = await freshTopics([{ prefix: 'plat-in', partitions: 3 }, { prefix: 'plat-out', partitions: 7 }, { prefix: 'plat-dlq', partitions: 1 }]);
    const groupId = uniqueName('plat-window');
    const sink = client.transactionalSink(uniqueName('plat-sink'), 30_000);
    cleanups.push(() => sink.close());
    await sink.init();
    const keys = Array.from({ length: 50 }, (_, i) => `key-${i}`);
    await sink.commit({
      groupId,
      offsets: [{ topic: input, partition: 0, nextOffset: '5' }, { topic: input, partition: 1, nextOffset: '7' }, { topic: input, partition: 2, nextOffset: '9' }],
      outputs: [
        { topic: output, messages: keys.map((k) => ({ key: Buffer.from(k), value: Buffer.from(`v-${k}`), headers: { h: 'x' } })) },
        { topic: deadLetters, messages: [{ key: null, value: Buffer.from('dead'), headers: {} }] },
      ],
    });
    // EndTxn returns once the commit is decided; the markers reach the partitions just after.
    const read = await waitFor(async () => {
      const found = await readTopic(environment.brokers, output, 'read_committed');
      return found.length === keys.length ? found : undefined;
    }, { timeoutMs: DEADLINE_MS, what: 'every output record to be readable read_committed' });
    for (const m of read) assert.equal(m.partition, keyHash(m.key!) % 7, `key ${m.key} on the Java client's partition`);
    await waitFor(async () => (await readTopic(environment.brokers, deadLetters, 'read_committed')).length === 1, { timeoutMs: DEADLINE_MS, what: 'the dead letter' });
    assert.deepEqual(Object.fromEntries(await committedOffsets(environment.brokers, groupId, input)), { 0: '5', 1: '7', 2: '9' });

    // An aborted window leaves nothing: a commit naming a topic that does not exist fails and is aborted.
    await assert.rejects(sink.commit({ groupId, offsets: [{ topic: input, partition: 0, nextOffset: '50' }], outputs: [{ topic: output, messages: [{ key: Buffer.from('late'), value: Buffer.from('x'), headers: {} }] }, { topic: uniqueName('plat-missing'), messages: [{ key: null, value: Buffer.from('x'), headers: {} }] }] }),
      (error: unknown) => error instanceof StreamscoreError);
    assert.equal((await committedOffsets(environment.brokers, groupId, input)).get(0), '5');
  });

  it('never delivers records of aborted transactions, also several aborts by one producer (which platformatic\'s own stream delivers)', async () => {
    const [input] = await freshTopics([{ prefix: 'plat-aborts', partitions: 1 }]);
    await writeTransactions(environment.brokers, input, [['aborted-1a', 'aborted-1b'], ['committed-1'], ['aborted-2'], ['aborted-3a', 'aborted-3b'], ['committed-2', 'committed-3'], ['aborted-4']]);
    const { source, seen, start } = recordingSource(client, uniqueName('plat-aborts'));
    cleanups.push(() => source.disconnect());
    await start([input]);
    await reachEnd(seen, environment.brokers, input);
    await source.disconnect();
    assert.deepEqual(seen.records.map((r) => r.value?.toString()), ['committed-1', 'committed-2', 'committed-3']);

    // platformatic's MessagesStream over the same partition, read_committed.
    const raw = new PlatformaticConsumer({ clientId: 'plat-raw', bootstrapBrokers: environment.brokers, groupId: uniqueName('plat-raw'), isolationLevel: FetchIsolationLevels.READ_COMMITTED, autocommit: false, maxWaitTime: 100 });
    cleanups.push(() => new Promise<void>((resolve) => raw.close(true, () => resolve())));
    const stream = await raw.consume({ topics: [input], mode: MessagesStreamModes.EARLIEST, autocommit: false, isolationLevel: FetchIsolationLevels.READ_COMMITTED, maxWaitTime: 100 });
    const values: string[] = [];
    const end = BigInt((await endOffsets(environment.brokers, input)).get(0)!);
    let last = -1n;
    stream.on('data', (message) => { values.push(message.value.toString()); last = message.offset; });
    // The last committed record is followed only by an aborted transaction and markers: stop at it.
    await waitFor(() => values.includes('committed-3'), { timeoutMs: DEADLINE_MS, what: 'the raw stream to reach committed-3' });
    await stream.close();
    assert.ok(last < end);
    const leaked = values.filter((v) => v.startsWith('aborted'));
    assert.ok(leaked.length > 0, `platformatic's own read_committed filter leaks aborted records here (got ${values.join(', ')}); if this fails, it was fixed upstream`);
  });

  it('delivers nothing fetched before a seek after it, with seeks racing the fetches', async () => {
    const [input] = await freshTopics([{ prefix: 'plat-seek', partitions: 1 }]);
    const value = Buffer.alloc(100, 1);
    await produce(environment.brokers, input, Array.from({ length: 10_000 }, (_, i) => ({ key: `k${i}`, value, partition: 0 })));
    const targets = ['2500', '100', '9000', '0', '5000'];
    const seeks: { target: string; afterBatches: number }[] = [];
    const batches: InputRecord[][] = [];
    let seekDone: () => void;
    const allSeeks = new Promise<void>((resolve) => { seekDone = resolve; });
    const { source, start } = recordingSource(client, uniqueName('plat-seek'), (records, context) => {
      if (context.isStale()) return;
      batches.push(records);
      // After each batch, seek from outside the handler: the fetch loop has the next fetch in flight by then.
      if (seeks.length < targets.length) {
        const target = targets[seeks.length];
        seeks.push({ target, afterBatches: -1 });
        setTimeout(() => {
          source.seek(input, 0, target);
          seeks[seeks.length - 1].afterBatches = batches.length;
          if (seeks.length === targets.length) seekDone();
        }, 0);
      }
    });
    cleanups.push(() => source.disconnect());
    await start([input]);
    await Promise.race([allSeeks, new Promise((_, reject) => setTimeout(() => reject(new Error('seeks not all made')), DEADLINE_MS))]);
    const lastSeek = seeks[seeks.length - 1];
    await waitFor(() => batches.length > lastSeek.afterBatches, { timeoutMs: DEADLINE_MS, what: 'a batch after the last seek' });
    await source.disconnect();
    for (const { target, afterBatches } of seeks) {
      const next = batches[afterBatches];
      if (next === undefined) continue;
      assert.equal(next[0].offset, target, `the first batch after seeking to ${target} starts there`);
    }
    for (const batch of batches) {
      for (let i = 1; i < batch.length; i++) assert.equal(BigInt(batch[i].offset), BigInt(batch[i - 1].offset) + 1n, 'offsets in order');
    }
  });

  it('fences a zombie by group generation: its old metadata is refused, without metadata the same commit succeeds', async () => {
    const [input, output] = await freshTopics([{ prefix: 'plat-zombie-in', partitions: 2 }, { prefix: 'plat-zombie-out', partitions: 1 }]);
    const groupId = uniqueName('plat-zombie');
    const a = recordingSource(client, groupId);
    const b = recordingSource(client, groupId);
    cleanups.push(() => a.source.disconnect(), () => b.source.disconnect());
    await a.start([input]);
    await waitFor(() => a.seen.assignments.length >= 1, { timeoutMs: DEADLINE_MS, what: 'A to join' });
    const stale = a.source.groupMetadata()!;
    assert.equal(stale.groupId, groupId);
    await b.start([input]);
    await waitFor(() => (a.source.groupMetadata()?.generationId ?? 0) > stale.generationId && b.seen.assignments.length >= 1, { timeoutMs: DEADLINE_MS, what: 'the rebalance after B joined' });
    assert.equal(a.source.groupMetadata()!.generationId, b.source.groupMetadata()!.generationId);

    const sinkA = client.transactionalSink(uniqueName('plat-zombie-a'), 30_000);
    const sinkB = client.transactionalSink(uniqueName('plat-zombie-b'), 30_000);
    cleanups.push(() => sinkA.close(), () => sinkB.close());
    await Promise.all([sinkA.init(), sinkB.init()]);
    const window = (value: string) => ({ groupId, offsets: [{ topic: input, partition: 0, nextOffset: '5' }, { topic: input, partition: 1, nextOffset: '6' }], outputs: [{ topic: output, messages: [{ key: Buffer.from('k'), value: Buffer.from(value), headers: {} }] }] });

    await assert.rejects(sinkA.commit({ ...window('zombie'), groupMetadata: stale }), (error: unknown) => error instanceof StreamscoreError && error.code === 'ERR_KAFKA_FENCED');
    assert.equal((await committedOffsets(environment.brokers, groupId, input)).get(0), '-1', 'the zombie committed no offset');
    // The current generation's metadata is accepted, by the other member's sink too.
    await sinkB.commit({ ...window('current'), groupMetadata: b.source.groupMetadata() });
    // The sink stays usable after a group refusal (the producer was not fenced); without group
    // metadata (kafkajs' TxnOffsetCommit v0/v1) the coordinator cannot tell a zombie.
    await sinkA.commit(window('no-metadata'));
    const outputs = await waitFor(async () => {
      const found = (await readTopic(environment.brokers, output, 'read_committed')).map((m) => m.value?.toString());
      return found.length === 2 ? found : undefined;
    }, { timeoutMs: DEADLINE_MS, what: 'both committed outputs' });
    assert.deepEqual(outputs, ['current', 'no-metadata']);
    assert.deepEqual(Object.fromEntries(await committedOffsets(environment.brokers, groupId, input)), { 0: '5', 1: '6' });
  });

  it('fences the previous owner of a transactional id on init()', async () => {
    const [output] = await freshTopics([{ prefix: 'plat-fence-out', partitions: 1 }]);
    const id = uniqueName('plat-fence');
    const first = client.transactionalSink(id, 30_000);
    const second = client.transactionalSink(id, 30_000);
    cleanups.push(() => first.close(), () => second.close());
    await first.init();
    await second.init();
    const content = { groupId: uniqueName('plat-fence-group'), offsets: [], outputs: [{ topic: output, messages: [{ key: null, value: Buffer.from('x'), headers: {} }] }] };
    await assert.rejects(first.commit(content), (error: unknown) => error instanceof StreamscoreError && error.code === 'ERR_KAFKA_FENCED');
    await assert.rejects(first.commit(content), (error: unknown) => error instanceof StreamscoreError && error.code === 'ERR_KAFKA_FENCED', 'unusable until init()');
    await second.commit(content);
  });

  it('reads committed offsets with require_stable: waits for an open transaction carrying them', async () => {
    const [input] = await freshTopics([{ prefix: 'plat-stable', partitions: 1 }]);
    const groupId = uniqueName('plat-stable');
    const admin = client.admin();
    cleanups.push(() => admin.disconnect());
    await admin.connect();
    assert.equal(await admin.committedOffset(groupId, input, 0), undefined);
    const producer = rawKafka(environment.brokers).producer({ transactionalId: uniqueName('plat-stable-txn'), idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    const transaction = await producer.transaction();
    await transaction.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: input, partitions: [{ partition: 0, offset: '42' }] }] });
    const reading = admin.committedOffset(groupId, input, 0);
    let settled = false;
    void reading.then(() => { settled = true; }, () => { settled = true; });
    // A read without require_stable answers at once, with the old (absent) offset.
    assert.equal((await committedOffsets(environment.brokers, groupId, input)).get(0), '-1');
    assert.equal(settled, false, 'the require_stable read waits while the transaction is open');
    await transaction.commit();
    assert.equal(await reading, '42');
  });
});
