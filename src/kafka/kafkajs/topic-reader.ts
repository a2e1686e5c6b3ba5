import { randomBytes } from 'node:crypto';
import './patches.js'; // the version check and kafkajs fixes, before kafkajs loads
import type { Consumer, Kafka } from 'kafkajs';
import type { InputRecord } from '../../records/types.js';
import type { ReaderOptions, TopicReader as TopicReaderPort } from '../types.js';
import { toKafkaError } from './errors.js';
import { toInputRecord } from './input-consumer.js';

/**
 * Reads topics from their beginning, as an observer: a throwaway consumer group that never commits,
 * records handed over per fetched batch with the wall-clock time they arrived. The demo watches
 * its input and prediction topics with it.
 */
export class TopicReader implements TopicReaderPort {
  private readonly consumer: Consumer;
  readonly groupId: string;
  private joinedFlag = false;

  constructor(kafka: Kafka, options: ReaderOptions = {}) {
    this.groupId = `${options.groupPrefix ?? 'streamscore-reader'}-${randomBytes(4).toString('hex')}`;
    this.consumer = kafka.consumer({
      groupId: this.groupId,
      readUncommitted: options.isolation === 'read_uncommitted',
      maxWaitTimeInMs: 50,
      allowAutoTopicCreation: false,
    });
  }

  /** True once the reader has joined its group and been given the partitions: it is fetching. */
  get joined(): boolean {
    return this.joinedFlag;
  }

  /** Starts reading; `onRecords` is called for each non-empty batch, in offset order per partition. */
  async start(topics: string[], onRecords: (records: InputRecord[], receivedAt: number) => void): Promise<void> {
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => { this.joinedFlag = true; });
    try {
      await this.consumer.connect();
      await this.consumer.subscribe({ topics, fromBeginning: true });
      await this.consumer.run({
        autoCommit: false,
        partitionsConsumedConcurrently: 3,
        eachBatch: async ({ batch }) => {
          if (batch.isEmpty()) return;
          const receivedAt = Date.now();
          onRecords(batch.messages.map((m) => toInputRecord(batch.topic, batch.partition, m)), receivedAt);
        },
      });
    } catch (error) {
      throw toKafkaError(error, `Reading ${topics.join(', ')}`);
    }
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect().catch(() => undefined);
  }
}
