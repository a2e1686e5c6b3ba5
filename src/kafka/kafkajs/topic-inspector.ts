import './patches.js'; // the version check and kafkajs fixes, before kafkajs loads
import type { Kafka } from 'kafkajs';
import type { InspectedRecord, OutgoingRecord, TopicInspector as TopicInspectorPort } from '../types.js';
import { toKafkaError } from './errors.js';

/** Errors a broker answers for a topic it has just created, until its metadata cache has the topic and its leaders. */
const NOT_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/**
 * Topics as an outside observer sees them, for checks of what streamscore wrote (the tests'
 * exactly-once oracle) and set-up: whole topics read to their end, offsets, records written to
 * chosen partitions. Nothing here is on the pipeline's path.
 */
export class TopicInspector implements TopicInspectorPort {
  constructor(private readonly kafka: Kafka) {}

  /**
   * Creates the topics (replication 1) and waits until every partition has a leader. Not kafkajs'
   * `waitForLeaders`: it gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker answers until
   * the new topic reaches its metadata cache.
   */
  async createTopics(topics: { topic: string; partitions: number }[], timeoutMs = 30_000): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: topics.map((t) => ({ topic: t.topic, numPartitions: t.partitions, replicationFactor: 1 })), waitForLeaders: false });
      const wanted = new Map(topics.map((t) => [t.topic, t.partitions]));
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          const { topics: found } = await admin.fetchTopicMetadata({ topics: [...wanted.keys()] });
          if (found.every((t) => t.partitions.length === wanted.get(t.name) && t.partitions.every((p) => p.leader >= 0))) return;
        } catch (error) {
          if (!NOT_YET.has((error as { type?: string }).type ?? '')) throw error;
        }
        if (Date.now() > deadline) throw new Error(`no leaders for ${[...wanted.keys()].join(', ')} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await admin.disconnect();
    }
  }

  /** Best effort: a clean-up must not hide a result. */
  async deleteTopics(topics: string[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics, timeout: 10_000 });
    } catch {
      // best effort
    } finally {
      await admin.disconnect();
    }
  }

  /** Best effort: deletes the groups whose id `matches`. */
  async deleteGroups(matches: (groupId: string) => boolean): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.listGroups();
      const mine = groups.map((g) => g.groupId).filter(matches);
      if (mine.length) await admin.deleteGroups(mine).catch(() => undefined);
    } finally {
      await admin.disconnect();
    }
  }

  /** Writes the records in batches of 2,000 (acks=all), each to its `partition` if it names one. */
  async produce(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    const producer = await this.openProducer();
    try {
      await producer.send(topic, records);
    } finally {
      await producer.close();
    }
  }

  async openProducer(): Promise<{ send(topic: string, records: readonly OutgoingRecord[]): Promise<void>; close(): Promise<void> }> {
    const producer = this.kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    return {
      send: async (topic, records) => {
        try {
          for (let i = 0; i < records.length; i += 2000) {
            await producer.send({ topic, acks: -1, messages: records.slice(i, i + 2000).map((r) => ({ ...r })) });
          }
        } catch (error) {
          throw toKafkaError(error, `Producing to ${topic}`);
        }
      },
      close: () => producer.disconnect(),
    };
  }

  /** Per partition, the offset after the last stable record (read_committed: an open transaction stops it). */
  async endOffsets(topic: string): Promise<Map<number, string>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
    } finally {
      await admin.disconnect();
    }
  }

  async committedOffsets(groupId: string, topic: string): Promise<Map<number, string>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const [result] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return new Map(result.partitions.map((p) => [p.partition, p.offset]));
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Reads a whole topic, up to the end it has when called, as a read_committed or read_uncommitted
   * consumer. Done when each partition's position reaches its end (kafkajs' batch.lastOffset()
   * covers transaction markers and aborted records); read_committed, that waits for any transaction
   * still open below the end to be committed or aborted.
   */
  async readTopic(topic: string, isolation: 'read_committed' | 'read_uncommitted', timeoutMs = 60_000): Promise<InspectedRecord[]> {
    const ends = await this.endOffsets(topic);
    const pending = new Set([...ends].filter(([, end]) => end !== '0').map(([p]) => p));
    const records: InspectedRecord[] = [];
    if (!pending.size) return records;
    const targets = new Map<number, bigint>();
    const consumer = this.kafka.consumer({ groupId: `reader-${topic}-${Math.random().toString(36).slice(2)}`, readUncommitted: isolation === 'read_uncommitted', maxWaitTimeInMs: 100 });
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
          records.push({ partition: batch.partition, offset: m.offset, key: m.key, value: m.value, headers });
          resolveOffset(m.offset);
        }
        // The end: the partition's high watermark when first fetched, not only the end offset read
        // before (kafkajs' admin answers that read_committed: the last stable offset, which an open
        // transaction of a killed instance holds back until the broker aborts it). Records written
        // after the read began do not move it.
        let end = targets.get(batch.partition);
        if (end === undefined) {
          end = [BigInt(ends.get(batch.partition) ?? '0'), BigInt(batch.highWatermark)].reduce((a, b) => (a > b ? a : b));
          targets.set(batch.partition, end);
        }
        // A fetch that returns nothing at all says lastOffset = high watermark - 1, also when a
        // read_committed fetch stops at the last stable offset: that is not the end of the partition.
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
    return records;
  }
}
