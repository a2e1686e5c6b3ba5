import type { KafkaClient, OffsetsAdmin, TopicAdmin } from '../src/kafka/types.js';
import { createTopics, deleteTopics, firstValue, topicOffsets } from './kafka.js';
import { IotRecords } from './iot-records.js';

/** A preloaded input topic that every case drains from its start. */
export interface Dataset {
  topic: string;
  records: number;
  partitions: number;
  /** Mean bytes of a record value (Avro body + 5-byte header); keys are `dev-NNNNN`. */
  meanValueBytes: number;
  meanKeyBytes: number;
  /** True when the topic was already there with exactly these records (from an earlier run). */
  reused: boolean;
  preloadMs: number;
}

export interface DatasetOptions {
  records: number;
  partitions: number;
  seed: number;
  /** Delete and reload even when a matching topic exists. */
  fresh: boolean;
  repoRoot: string;
  registryUrl: string;
}

const PRODUCE_CHUNK = 5_000;

/** `streamscore-bench-iot-s<seed>-p<partitions>-<records>`: the name says what is in it. */
export function datasetTopic(options: Pick<DatasetOptions, 'records' | 'partitions' | 'seed'>): string {
  return `streamscore-bench-iot-s${options.seed}-p${options.partitions}-${options.records}`;
}

/**
 * Makes sure the topic holds exactly the first `records` readings of the seed, keyed by device
 * (default partitioner, murmur2 as in the Java client). A topic left by an earlier run is reused
 * when its offsets say it is complete and its records carry the schema id the registry gives the
 * schema now (registering is idempotent); otherwise it is reloaded.
 * Record timestamps are left to the producer (now): the generator's event times are in the past
 * and would make the broker's retention delete the segments.
 */
export async function preloadDataset(kafka: KafkaClient, admin: TopicAdmin, options: DatasetOptions): Promise<Dataset> {
  const offsets = kafka.admin();
  await offsets.connect();
  try {
    return await preload(kafka, admin, offsets, options);
  } finally {
    await offsets.disconnect().catch(() => undefined);
  }
}

async function preload(kafka: KafkaClient, admin: TopicAdmin, offsets: OffsetsAdmin, options: DatasetOptions): Promise<Dataset> {
  const started = Date.now();
  const topic = datasetTopic(options);
  const source = await IotRecords.register(options.repoRoot, options.registryUrl, `${topic}-value`, options.seed);
  const sample = source.take(Math.min(options.records, 10_000));
  const meanValueBytes = sample.reduce((sum, r) => sum + r.value.length, 0) / sample.length;
  const meanKeyBytes = sample.reduce((sum, r) => sum + r.key.length, 0) / sample.length;
  const describe = (reused: boolean): Dataset => ({ topic, records: options.records, partitions: options.partitions, meanValueBytes, meanKeyBytes, reused, preloadMs: Date.now() - started });

  const existing = await topicOffsets(admin, offsets, topic);
  const complete = existing !== undefined && existing.length === options.partitions
    && existing.every((p) => p.low === 0) && existing.reduce((sum, p) => sum + p.high, 0) === options.records;
  // A registry that keeps schemas in memory (Testcontainers', or a local stack from before it kept an
  // H2 file, docs/local-stack.md) forgets them on a restart: the topic's records may then carry a schema
  // id it no longer knows (or that now names another schema). Reuse only when the records carry the id
  // the registry gives the schema now.
  if (complete && !options.fresh && sameSchemaId(await firstValue(kafka, topic), sample[0].value)) return describe(true);
  if (existing) {
    await deleteTopics(admin, [topic]);
    await waitUntilGone(admin, topic);
  }
  await createTopics(admin, [{ topic, partitions: options.partitions }]);

  // The seam's kafkajs producer: idempotent, acks=all, murmur2 of the key as the Java client.
  const producer = kafka.recordProducer();
  await producer.connect();
  try {
    const fresh = await IotRecords.register(options.repoRoot, options.registryUrl, `${topic}-value`, options.seed);
    for (let sent = 0; sent < options.records; sent += PRODUCE_CHUNK) {
      const messages = fresh.take(Math.min(PRODUCE_CHUNK, options.records - sent));
      await producer.send(topic, messages.map((m) => ({ key: m.key, value: m.value, headers: {} })));
    }
  } finally {
    await producer.disconnect();
  }
  const loaded = await topicOffsets(admin, offsets, topic);
  const total = loaded?.reduce((sum, p) => sum + p.high, 0);
  if (total !== options.records) throw new Error(`preloading ${topic}: expected ${options.records} records, the topic has ${total}`);
  return describe(false);
}

async function waitUntilGone(admin: TopicAdmin, topic: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await admin.existingTopics()).has(topic)) {
    if (Date.now() > deadline) throw new Error(`topic ${topic} was not deleted within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Whether two Confluent-framed values name the same schema id (bytes 1–4). */
function sameSchemaId(a: Buffer | null, b: Buffer): boolean {
  return a !== null && a.length >= 5 && a.subarray(0, 5).equals(b.subarray(0, 5));
}
