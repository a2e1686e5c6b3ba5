import { Kafka, logLevel, type Admin, type ITopicConfig, type logCreator } from 'kafkajs';

/** The benchmark's own kafkajs client: quiet, patient with a busy 2-core broker. */
export function benchKafka(brokers: string[], clientId = 'streamscore-bench', logger?: logCreator): Kafka {
  return new Kafka({ clientId, brokers, logLevel: logLevel.WARN, ...(logger ? { logCreator: logger } : {}), requestTimeout: 60_000, retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5_000 } });
}

export interface TopicSpec {
  topic: string;
  partitions: number;
  /** Topic configs, e.g. `{ 'message.timestamp.type': 'LogAppendTime' }`. */
  config?: Record<string, string>;
}

/**
 * Creates topics and waits until the broker's metadata shows a leader for every partition.
 * Not kafkajs' `waitForLeaders`: it retries only LEADER_NOT_AVAILABLE, while a KRaft broker under
 * load may still answer UNKNOWN_TOPIC_OR_PARTITION for a moment after the create returned.
 * If the topics do not settle, they are deleted again before the error is thrown.
 */
export async function createTopics(admin: Admin, topics: TopicSpec[]): Promise<void> {
  const specs: ITopicConfig[] = topics.map((t) => ({
    topic: t.topic,
    numPartitions: t.partitions,
    replicationFactor: 1,
    configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
  }));
  await admin.createTopics({ topics: specs, waitForLeaders: false, timeout: 30_000 });
  const names = topics.map((t) => t.topic);
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: names });
      const ready = topics.every((t) => {
        const partitions = metadata.find((m) => m.name === t.topic)?.partitions ?? [];
        return partitions.length === t.partitions && partitions.every((p) => p.leader >= 0);
      });
      if (ready) return;
    } catch {
      // UNKNOWN_TOPIC_OR_PARTITION while the metadata catches up: ask again
    }
    if (Date.now() > deadline) {
      await deleteTopics(admin, names);
      throw new Error(`topics ${names.join(', ')} had no leaders 60 s after being created`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Best effort: a failed clean-up must not hide a result. */
export async function deleteTopics(admin: Admin, topics: string[]): Promise<void> {
  if (!topics.length) return;
  await admin.deleteTopics({ topics, timeout: 30_000 }).catch(() => undefined);
}

/** Per partition [low, high) offsets; undefined if the topic does not exist. */
export async function topicOffsets(admin: Admin, topic: string): Promise<{ partition: number; low: number; high: number }[] | undefined> {
  const existing = new Set(await admin.listTopics());
  if (!existing.has(topic)) return undefined;
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) })).sort((a, b) => a.partition - b.partition);
}

/** A name no earlier run used: benchmark topics and groups are never shared between runs. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The value of the first record of a non-empty topic (any partition), read by a throwaway group. */
export async function firstValue(kafka: Kafka, topic: string): Promise<Buffer | null> {
  const consumer = kafka.consumer({ groupId: uniqueName('streamscore-bench-peek') });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    return await new Promise<Buffer | null>((resolve, reject) => {
      consumer.run({ eachMessage: async ({ message }) => resolve(message.value) }).catch(reject);
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}
