import pino from 'pino';
import { openKafkaClient, toolKafkaSettings } from '../src/kafka/open-client.js';
import type { KafkaClient, OffsetsAdmin, TopicAdmin } from '../src/kafka/types.js';

/** The benchmark's own client for set-up, through the seam (the kafkajs tools), quiet. */
export function benchKafka(brokers: string[], clientId = 'streamscore-bench'): KafkaClient {
  return openKafkaClient({ ...toolKafkaSettings(brokers, clientId), client: 'kafkajs' }, pino({ level: 'warn' }));
}

export interface TopicSpec {
  topic: string;
  partitions: number;
  /** Topic configs, e.g. `{ 'message.timestamp.type': 'LogAppendTime' }`. */
  config?: Record<string, string>;
}

/**
 * Creates topics and waits until every partition has a leader (a KRaft broker under load may
 * still answer UNKNOWN_TOPIC_OR_PARTITION a moment after the create returned: asked again).
 * If the topics do not settle, they are deleted again before the error is thrown.
 */
export async function createTopics(admin: TopicAdmin, topics: TopicSpec[]): Promise<void> {
  await admin.createTopics(topics.map((t) => ({ topic: t.topic, partitions: t.partitions, configs: t.config })));
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const described = await admin.describeTopics(topics.map((t) => t.topic));
      if (topics.every((t) => described.get(t.topic)?.partitions === t.partitions)) return;
    } catch {
      // the metadata is catching up: ask again
    }
    if (Date.now() > deadline) {
      await deleteTopics(admin, topics.map((t) => t.topic));
      throw new Error(`topics ${topics.map((t) => t.topic).join(', ')} had no leaders 60 s after being created`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Best effort: a failed clean-up must not hide a result. */
export async function deleteTopics(admin: TopicAdmin, topics: string[]): Promise<void> {
  if (!topics.length) return;
  await admin.deleteTopics(topics);
}

/** Per partition [low, high) offsets; undefined if the topic does not exist. */
export async function topicOffsets(admin: TopicAdmin, offsets: OffsetsAdmin, topic: string): Promise<{ partition: number; low: number; high: number }[] | undefined> {
  if (!(await admin.existingTopics()).has(topic)) return undefined;
  const found = await offsets.partitionOffsets(topic);
  return found.map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) })).sort((a, b) => a.partition - b.partition);
}

/** A name no earlier run used: benchmark topics and groups are never shared between runs. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The value of the first record of a non-empty topic (any partition), read by a throwaway group. */
export async function firstValue(kafka: KafkaClient, topic: string): Promise<Buffer | null> {
  const reader = kafka.topicReader({ groupPrefix: 'streamscore-bench-peek' });
  try {
    return await new Promise<Buffer | null>((resolve, reject) => {
      reader.start([topic], (records) => { if (records.length) resolve(records[0].value); }).catch(reject);
    });
  } finally {
    await reader.stop().catch(() => undefined);
  }
}
