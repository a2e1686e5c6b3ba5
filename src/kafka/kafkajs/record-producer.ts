import './patches.js'; // the version check and kafkajs fixes, before kafkajs loads
import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import type { OutputMessage } from '../../records/types.js';
import type { PartitionAppend, RecordProducer as RecordProducerPort } from '../types.js';
import { toKafkaError } from './errors.js';

/**
 * A plain (non-transactional) producer for data that enters the system: the scenario generators,
 * the demo. Idempotent (KIP-98), so a retried batch is written once and each key's records keep
 * their order; acks=-1; topics are never auto-created. The partitioner is Kafka's default
 * (murmur2 of the key, as the Java client), so a device or card always lands on the same partition.
 */
export class RecordProducer implements RecordProducerPort {
  private readonly producer: Producer;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      idempotent: true,
      // The idempotent producer keeps sequence numbers per partition; one request in flight keeps them
      // in order in kafkajs, which does not reorder retried batches itself.
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      // kafkajs' idempotent producer wants unlimited retries (a retried batch keeps its sequence
      // number, so it is never written twice); a stopped broker makes a send wait, Ctrl-C ends it.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 5_000 },
    });
  }

  async connect(): Promise<void> {
    try {
      await this.producer.connect();
    } catch (error) {
      throw toKafkaError(error, 'Connecting the producer');
    }
  }

  /** Sends one batch with acks=-1; resolves when every record is written to all in-sync replicas. */
  async send(topic: string, messages: readonly OutputMessage[]): Promise<PartitionAppend[]> {
    try {
      const metadata = await this.producer.send({ topic, acks: -1, messages: messages.map(toKafkaMessage) });
      return metadata.map((m) => ({ partition: m.partition, baseOffset: m.baseOffset ?? '-1' }));
    } catch (error) {
      throw toKafkaError(error, `Producing ${messages.length} record(s) to ${topic}`);
    }
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
  }
}

function toKafkaMessage(message: OutputMessage): Message {
  return { key: message.key, value: message.value, headers: message.headers, timestamp: message.timestamp };
}
