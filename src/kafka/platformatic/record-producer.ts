import { Producer } from '@platformatic/kafka';
import type { OutputMessage } from '../../records/types.js';
import type { PartitionAppend, RecordProducer } from '../types.js';
import { baseOptions, type KafkaConfig } from './client-options.js';
import { toKafkaError } from './errors.js';
import { createJavaCompatiblePartitioner } from './partitioner.js';
import { toMessage } from './transactional-sink.js';

/** Bounded, as in the transactional sink: an idempotent platformatic producer otherwise retries for ever. */
const PRODUCER_RETRIES = 10;

/**
 * A plain producer on platformatic: idempotent (KIP-98), acks=all, keys partitioned as the Java
 * client does. The benchmark's copy-raw baseline for this client uses it.
 */
export class PlatformaticRecordProducer implements RecordProducer {
  private readonly producer: Producer;
  /** The last send: the next waits for it (see send). */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(config: KafkaConfig, clientIdSuffix: string) {
    this.producer = new Producer({
      ...baseOptions(config, clientIdSuffix),
      idempotent: true,
      acks: -1,
      retries: PRODUCER_RETRIES,
      partitioner: createJavaCompatiblePartitioner(),
    });
  }

  /** platformatic connects on first use. */
  async connect(): Promise<void> {}

  /**
   * Sends one after another: platformatic 1.35's idempotent producer numbers the batches of
   * concurrent sends to one partition out of order, and the broker refuses them
   * (OUT_OF_ORDER_SEQUENCE_NUMBER; seen in the benchmark's copy-raw).
   */
  async send(topic: string, messages: readonly OutputMessage[]): Promise<PartitionAppend[]> {
    if (!messages.length) return [];
    const previous = this.tail;
    const sent = previous.catch(() => undefined).then(() => this.producer.send({ messages: messages.map((m) => toMessage(topic, m)) }));
    this.tail = sent.catch(() => undefined);
    try {
      const result = await sent;
      return (result.offsets ?? []).map((o) => ({ partition: o.partition, baseOffset: o.offset.toString() }));
    } catch (error) {
      throw toKafkaError(error, `Producing to ${topic}`);
    }
  }

  async disconnect(): Promise<void> {
    await this.producer.close().catch(() => undefined);
  }
}
