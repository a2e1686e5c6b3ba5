import './patches.js'; // the version check and kafkajs fixes, before kafkajs loads
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { InputRecord } from '../../records/types.js';
import type { GroupMetadata, RecordSource, SourceHandlers, SourceOptions, Subscription, TopicPartition } from '../types.js';

/**
 * kafkajs fetches up to 10 MB per request by default: most of the process's peak memory, for no
 * throughput (docs/benchmarks.md). Windows bound memory; the fetch need not. Exported so that the
 * benchmark's baselines fetch exactly as the pipeline does.
 */
export const FETCH_LIMITS = { maxWaitTimeInMs: 250, maxBytesPerPartition: 256 * 1024, maxBytes: 1_536 * 1024 } as const;

/**
 * The consumer side of the pipeline, kafkajs kept inside. read_committed (kafkajs' default) and
 * no auto-commit: offsets are only ever committed inside the transactions that carry the outputs.
 */
export class InputConsumer implements RecordSource {
  private readonly consumer: Consumer;

  constructor(kafka: Kafka, private readonly options: SourceOptions) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      rebalanceTimeout: Math.max(60_000, options.sessionTimeoutMs),
      readUncommitted: false,
      ...FETCH_LIMITS,
      allowAutoTopicCreation: false,
    });
  }

  async start(subscription: Subscription, handlers: SourceHandlers): Promise<void> {
    const { GROUP_JOIN, CRASH, END_BATCH_PROCESS } = this.consumer.events;
    if (handlers.onPosition) {
      this.consumer.on(END_BATCH_PROCESS, (event) => {
        const { topic, partition, batchSize, firstOffset, lastOffset } = event.payload;
        if (batchSize === 0 && firstOffset !== null) handlers.onPosition!(topic, partition, firstOffset, lastOffset);
      });
    }
    this.consumer.on(GROUP_JOIN, (event) => {
      const assignment: TopicPartition[] = [];
      for (const [topic, partitions] of Object.entries(event.payload.memberAssignment)) {
        for (const partition of partitions) assignment.push({ topic, partition });
      }
      handlers.onAssignment(event.payload.memberId, assignment);
    });
    this.consumer.on(CRASH, (event) => handlers.onCrash(event.payload.error, event.payload.restart));
    await this.consumer.connect();
    const topics = subscription.topicPattern ? [new RegExp(subscription.topicPattern)] : (subscription.topics ?? []);
    await this.consumer.subscribe({ topics, fromBeginning: this.options.fromBeginning });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async (payload: EachBatchPayload) => {
        const { batch } = payload;
        const records = batch.messages.map((m) => toInputRecord(batch.topic, batch.partition, m));
        await handlers.onRecords(batch.topic, batch.partition, records, {
          highWatermark: batch.highWatermark,
          lastOffset: batch.lastOffset(),
          isStale: payload.isStale,
          heartbeat: payload.heartbeat,
        });
        // The position moves on locally; nothing is committed here (autoCommit is off).
        if (!payload.isStale()) payload.resolveOffset(batch.lastOffset());
      },
    });
  }

  /** kafkajs commits offsets without group metadata (no KIP-447): fencing comes from transactional ids. */
  groupMetadata(): GroupMetadata | undefined {
    return undefined;
  }

  seek(topic: string, partition: number, offset: string): void {
    this.consumer.seek({ topic, partition, offset });
  }

  pause(partitions: TopicPartition[]): void {
    if (partitions.length) this.consumer.pause(groupByTopic(partitions));
  }

  resume(partitions: TopicPartition[]): void {
    if (partitions.length) this.consumer.resume(groupByTopic(partitions));
  }

  /** Stops fetching, leaves the group (so partitions move at once) and disconnects. */
  async disconnect(): Promise<void> {
    await this.consumer.disconnect();
  }
}

function groupByTopic(partitions: TopicPartition[]): { topic: string; partitions: number[] }[] {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitions) byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
  return [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps }));
}

/** Shared by every record without headers (most): one object less per record in flight. */
const NO_HEADERS: Record<string, Buffer | undefined> = Object.freeze({});

/** A kafkajs message as the pipeline sees it (kafkajs types stay inside src/kafka). */
export function toInputRecord(topic: string, partition: number, m: KafkaMessage): InputRecord {
  return {
    topic,
    partition,
    offset: m.offset,
    timestamp: m.timestamp,
    key: m.key,
    value: m.value,
    headers: normaliseHeaders(m.headers),
    size: (m.key?.length ?? 0) + (m.value?.length ?? 0),
  };
}

function normaliseHeaders(headers: Record<string, unknown> | undefined): Record<string, Buffer | undefined> {
  if (!headers || Object.keys(headers).length === 0) return NO_HEADERS;
  const out: Record<string, Buffer | undefined> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    out[key] = first === undefined ? undefined : Buffer.isBuffer(first) ? first : Buffer.from(String(first));
  }
  return out;
}
