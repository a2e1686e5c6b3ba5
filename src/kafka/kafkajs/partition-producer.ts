import './patches.js'; // the version check and kafkajs fixes, before kafkajs loads
import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import type { OutputMessage } from '../../records/types.js';
import { publishTransaction } from '../diagnostics.js';
import type { TransactionalSink, TransactionContent } from '../types.js';
import { toKafkaError } from './errors.js';

/**
 * One transactional producer per input partition, transactionalId `<appId>-<topic>-<partition>`
 * (DESIGN.md §2). kafkajs commits offsets with TxnOffsetCommit v0/v1, which carry no group
 * generation (KIP-447), so fencing zombies must come from the transactional id, as in Kafka
 * Streams' eos-alpha: whoever initialises the id last bumps its epoch and fences the previous owner.
 */
export class PartitionProducer implements TransactionalSink {
  private readonly producer: Producer;

  constructor(kafka: Kafka, readonly transactionalId: string, transactionTimeoutMs: number) {
    this.producer = kafka.producer({
      transactionalId,
      transactionTimeout: transactionTimeoutMs,
      maxInFlightRequests: 1,
      // idempotent: false only stops kafkajs from also initialising a non-transactional producer id
      // on connect and from retrying sends for ever; transactional sends are idempotent regardless.
      idempotent: false,
      // CONCURRENT_TRANSACTIONS answers the first request of a transaction while the previous one's
      // markers are still being written: retry it quickly, as the Java client does (retry.backoff.ms).
      retry: { retries: 10, initialRetryTime: 5, maxRetryTime: 1_000 },
      allowAutoTopicCreation: false,
      // Murmur2 like the Java client, so keys land where other producers put them (and no warning).
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  /**
   * Connects and runs InitProducerId for the transactional id. This fences any previous owner and
   * completes (commits or aborts) its pending transaction, so committed offsets read AFTER this
   * call are final. The empty transaction exists only to make kafkajs initialise now.
   */
  async init(): Promise<void> {
    try {
      await this.producer.connect();
      const transaction = await this.producer.transaction();
      await transaction.abort();
    } catch (error) {
      throw toKafkaError(error, `Initialising transactional id ${this.transactionalId}`);
    }
  }

  /**
   * Outputs and input offsets in one transaction: all visible, or none. kafkajs' TxnOffsetCommit
   * (v0/v1) cannot carry group metadata, so `content.groupMetadata` is not sent.
   */
  async commit(content: TransactionContent): Promise<void> {
    let transaction;
    try {
      transaction = await this.producer.transaction();
      const topicMessages = content.outputs
        .filter((o) => o.messages.length > 0)
        .map((o) => ({ topic: o.topic, messages: o.messages.map(toKafkaMessage) }));
      if (topicMessages.length) await transaction.sendBatch({ topicMessages, acks: -1 });
      await transaction.sendOffsets({ consumerGroupId: content.groupId, topics: offsetsByTopic(content.offsets) });
      publishTransaction({ transactionalId: this.transactionalId, phase: 'offsets-sent', partitions: content.offsets.length });
      await transaction.commit();
      publishTransaction({ transactionalId: this.transactionalId, phase: 'committed', partitions: content.offsets.length });
    } catch (error) {
      if (transaction?.isActive()) await transaction.abort().catch(() => undefined);
      publishTransaction({ transactionalId: this.transactionalId, phase: 'aborted', partitions: content.offsets.length });
      throw toKafkaError(error, `Transaction for ${content.offsets.map((o) => `${o.topic}:${o.partition}`).join(', ')} (${this.transactionalId})`);
    }
  }

  async close(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
  }
}

function toKafkaMessage(message: OutputMessage): Message {
  return { key: message.key, value: message.value, headers: message.headers, timestamp: message.timestamp };
}

function offsetsByTopic(offsets: TransactionContent['offsets']): { topic: string; partitions: { partition: number; offset: string }[] }[] {
  const byTopic = new Map<string, { partition: number; offset: string }[]>();
  for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), { partition: o.partition, offset: o.nextOffset }]);
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}
