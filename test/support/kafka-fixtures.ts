import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { waitFor } from './environment.js';

/** Direct kafkajs access for tests: an independent check of what the product wrote. */
export function kafkaFor(brokers: string[]): Kafka {
  return new Kafka({ clientId: 'streamscore-test', brokers, logLevel: logLevel.NOTHING, retry: { retries: 10 } });
}

/** Errors a broker answers for a topic it has just created, until its metadata cache has the topic and its leaders. */
const NOT_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/**
 * Creates the topics and waits until every partition has a leader. Not kafkajs' `waitForLeaders`: it
 * gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker answers until the new topic reaches its
 * metadata cache, and a freshly started broker (PrivateKafka) sometimes did (broker-outage.test.ts
 * failed in its set-up once in 30 runs).
 */
export async function createTopics(brokers: string[], topics: { topic: string; partitions: number }[]): Promise<void> {
  const admin = kafkaFor(brokers).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: topics.map((t) => ({ topic: t.topic, numPartitions: t.partitions, replicationFactor: 1 })), waitForLeaders: false });
    const wanted = new Map(topics.map((t) => [t.topic, t.partitions]));
    await waitFor(async () => {
      try {
        const { topics: found } = await admin.fetchTopicMetadata({ topics: [...wanted.keys()] });
        return found.every((t) => t.partitions.length === wanted.get(t.name) && t.partitions.every((p) => p.leader >= 0));
      } catch (error) {
        if (NOT_YET.has((error as { type?: string }).type ?? '')) return false;
        throw error;
      }
    }, { timeoutMs: 30_000, what: `leaders for ${[...wanted.keys()].join(', ')}`, intervalMs: 100 });
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(brokers: string[], topics: string[]): Promise<void> {
  const admin = kafkaFor(brokers).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics, timeout: 10_000 });
  } catch {
    // Best effort: a test's cleanup must not hide its result.
  } finally {
    await admin.disconnect();
  }
}

export interface TestMessage {
  key: string | Buffer | null;
  value: Buffer | null;
  partition?: number;
  headers?: IHeaders;
}

export async function produce(brokers: string[], topic: string, messages: TestMessage[]): Promise<void> {
  const producer = kafkaFor(brokers).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 2000) {
      await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 2000) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Registers a schema and returns an encoder to Confluent wire format. */
export async function avroEncoder(registryUrl: string, subject: string, schema: object): Promise<(value: unknown) => Promise<Buffer>> {
  const registry = new SchemaRegistry({ host: registryUrl });
  const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject });
  return (value) => registry.encode(id, value);
}

export async function avroDecoder(registryUrl: string): Promise<(buffer: Buffer) => Promise<any>> {
  const registry = new SchemaRegistry({ host: registryUrl });
  return (buffer) => registry.decode(buffer);
}

export async function endOffsets(brokers: string[], topic: string): Promise<Map<number, string>> {
  const admin = kafkaFor(brokers).admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
  } finally {
    await admin.disconnect();
  }
}

export async function committedOffsets(brokers: string[], groupId: string, topic: string): Promise<Map<number, string>> {
  const admin = kafkaFor(brokers).admin();
  await admin.connect();
  try {
    const [result] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map(result.partitions.map((p) => [p.partition, p.offset]));
  } finally {
    await admin.disconnect();
  }
}

/** Polls until the group has committed the topic's end offsets on every partition. */
export async function waitForCommittedToEnd(brokers: string[], groupId: string, topic: string, timeoutMs: number, isAlive?: () => void): Promise<void> {
  const ends = await endOffsets(brokers, topic);
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    isAlive?.();
    const committed = await committedOffsets(brokers, groupId, topic);
    const behind = [...ends].filter(([p, end]) => committed.get(p) !== end);
    if (!behind.length) return;
    last = behind.map(([p, end]) => `${p}: ${committed.get(p)}/${end}`).join(', ');
    if (Date.now() > deadline) throw new Error(`group ${groupId} did not commit to the end of ${topic} within ${timeoutMs} ms (partition: committed/end ${last})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface ReadMessage {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/**
 * Reads a whole topic, up to the end offsets it has when called, as a read_committed or
 * read_uncommitted consumer. Done when each partition's position reaches its end offset
 * (kafkajs' batch.lastOffset() covers transaction markers and aborted records).
 */
export async function readTopic(brokers: string[], topic: string, isolation: 'read_committed' | 'read_uncommitted', timeoutMs = 60_000): Promise<ReadMessage[]> {
  const ends = await endOffsets(brokers, topic);
  const pending = new Set([...ends].filter(([, end]) => end !== '0').map(([p]) => p));
  const messages: ReadMessage[] = [];
  if (!pending.size) return messages;
  const consumer = kafkaFor(brokers).consumer({ groupId: `reader-${topic}-${Math.random().toString(36).slice(2)}`, readUncommitted: isolation === 'read_uncommitted', maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => { resolveDone = r; });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch, resolveOffset }) => {
      for (const m of batch.messages) {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = String(Array.isArray(v) ? v[0] : v);
        messages.push({ partition: batch.partition, offset: m.offset, key: m.key, value: m.value, headers });
        resolveOffset(m.offset);
      }
      const end = BigInt(ends.get(batch.partition) ?? '0');
      // A fetch that returns nothing at all says lastOffset = high watermark - 1, also when a
      // read_committed fetch stops at the last stable offset behind an open transaction (a killed
      // instance's, until the broker aborts it): that is not the end of the partition.
      const fetchedNothing = (batch as unknown as { isEmptyIncludingFiltered(): boolean }).isEmptyIncludingFiltered();
      if (!fetchedNothing && BigInt(batch.lastOffset()) + 1n >= end) pending.delete(batch.partition);
      if (!pending.size) resolveDone();
    },
  });
  const timer = setTimeout(() => resolveDone(), timeoutMs);
  await done;
  clearTimeout(timer);
  await consumer.disconnect();
  if (pending.size) throw new Error(`readTopic(${topic}) did not reach the end of partitions ${[...pending].join(', ')} within ${timeoutMs} ms`);
  return messages;
}
