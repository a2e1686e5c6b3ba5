import { Producer, type Consumer, type MessageToProduce } from '@platformatic/kafka';
import { StreamscoreError } from '../../errors.js';
import type { OutputMessage } from '../../records/types.js';
import { publishTransaction } from '../diagnostics.js';
import type { TransactionalSink, TransactionContent } from '../types.js';
import { baseOptions, type KafkaConfig } from './client-options.js';
import { isProducerFenced, toKafkaError } from './errors.js';
import { createJavaCompatiblePartitioner } from './partitioner.js';
import { commitTransactionalOffsets } from './txn-offset-commit.js';

/**
 * - uninitialised: before init(), and after a failure that left the producer unusable (fenced, or a
 *   transaction that could not be aborted): only init() makes it usable again.
 * - ready: no transaction open.
 * - closed: for good.
 */
/** platformatic's Transaction class is not exported by name. */
type Transaction = Awaited<ReturnType<Producer['beginTransaction']>>;

type SinkState =
  | { kind: 'uninitialised'; failure?: StreamscoreError }
  | { kind: 'ready'; producer: Producer }
  | { kind: 'closed' };

/**
 * platformatic retries every error it marks retriable `retries` times, and an idempotent producer
 * without an explicit count retries for ever (Producer constructor: `retries = MAX_SAFE_INTEGER`).
 * Fencing errors are not retriable there; CONCURRENT_TRANSACTIONS (the previous transaction's
 * markers still being written) is, and clears in milliseconds: a short backoff, as the Java
 * client's retry.backoff.ms. NOT_COORDINATOR is retriable too but the producer caches its
 * coordinator for its lifetime, so those retries must end: the pipeline then makes a new sink.
 */
const PRODUCER_RETRIES = 10;

/**
 * One transactional producer per instance (transactionScope 'window'): a window's outputs, on any
 * topics and partitions, and the offsets of all its input partitions, in ONE transaction. Zombie
 * fencing comes from the group metadata sent with the offsets (KIP-447), not from the
 * transactional id; see errors.ts for which refusals count as fenced.
 */
export class PlatformaticTransactionalSink implements TransactionalSink {
  private state: SinkState = { kind: 'uninitialised' };
  private readonly partitioner = createJavaCompatiblePartitioner();

  constructor(private readonly config: KafkaConfig, private readonly clientIdSuffix: string, readonly transactionalId: string, private readonly transactionTimeoutMs: number) {}

  /**
   * InitProducerId for the transactional id: bumps the epoch, which fences the previous owner and
   * completes (aborts) its pending transaction, so committed offsets read after this are final.
   * platformatic sends it on the first beginTransaction; the transaction is then dropped locally
   * (cancel: nothing was sent, and EndTxn on an empty transaction is refused by the broker).
   */
  async init(): Promise<void> {
    if (this.state.kind === 'closed') throw new StreamscoreError('ERR_KAFKA_TRANSIENT', `Sink ${this.transactionalId} is closed`, { stage: 'sink' });
    await this.closeProducer();
    const producer = new Producer({
      ...baseOptions(this.config, this.clientIdSuffix),
      transactionalId: this.transactionalId,
      idempotent: true,
      acks: -1,
      retries: PRODUCER_RETRIES,
      // platformatic sends `timeout` both as InitProducerId's transaction timeout and as Produce's
      // (broker-side) ack timeout.
      timeout: this.transactionTimeoutMs,
      partitioner: this.partitioner,
    });
    try {
      // producerId/epoch -1: "no previous producer", as the Java client sends. platformatic defaults
      // them to 0/0, which KIP-360 reads as "bump the epoch of producer 0": refused with
      // PRODUCER_FENCED as soon as the transactional id has a history, i.e. on every restart.
      const transaction = await producer.beginTransaction({ producerId: -1n, producerEpoch: -1 });
      await transaction.cancel();
      this.state = { kind: 'ready', producer };
    } catch (error) {
      await producer.close().catch(() => undefined);
      throw toKafkaError(error, `Initialising transactional id ${this.transactionalId}`);
    }
  }

  /**
   * One transaction, bounded by the transaction timeout. platformatic does not fail requests that
   * were in flight on a connection the broker dropped (kill -9 of the broker): they wait for the
   * request timeout and its retries, and an EndTxn can hang for minutes. Past the transaction
   * timeout the broker aborts the transaction anyway (or already committed it): the sink is dropped
   * (a new init() settles it either way) and the pipeline redoes the window from the committed offsets.
   */
  async commit(content: TransactionContent): Promise<void> {
    const producer = this.readyProducer();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const failure = new StreamscoreError('ERR_KAFKA_TRANSIENT', `Transaction of ${this.transactionalId} did not complete within kafka.transactionTimeoutMs=${this.transactionTimeoutMs}`, { stage: 'sink' });
        if (this.state.kind === 'ready' && this.state.producer === producer) this.state = { kind: 'uninitialised', failure };
        void producer.close().catch(() => undefined);
        reject(failure);
      }, this.transactionTimeoutMs);
    });
    try {
      await Promise.race([this.transact(producer, content), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async transact(producer: Producer, content: TransactionContent): Promise<void> {
    const messages = content.outputs.flatMap((o) => o.messages.map((m) => toMessage(o.topic, m)));
    if (messages.length === 0 && content.offsets.length === 0) return;
    let transaction: Transaction | undefined;
    try {
      transaction = await producer.beginTransaction();
      if (messages.length) await transaction.send({ messages });
      if (content.offsets.length) {
        // AddOffsetsToTxn: platformatic reads only `groupId` from the consumer it is given.
        await transaction.addConsumer({ groupId: content.groupId } as Consumer);
        await commitTransactionalOffsets(producer, {
          transactionalId: this.transactionalId,
          groupId: content.groupId,
          producerId: producer.producerId!,
          producerEpoch: producer.producerEpoch!,
          groupMetadata: content.groupMetadata,
          offsets: content.offsets,
        });
        publishTransaction({ transactionalId: this.transactionalId, phase: 'offsets-sent', partitions: content.offsets.length });
      }
      await transaction.commit();
      publishTransaction({ transactionalId: this.transactionalId, phase: 'committed', partitions: content.offsets.length });
    } catch (error) {
      publishTransaction({ transactionalId: this.transactionalId, phase: 'aborted', partitions: content.offsets.length });
      const failure = toKafkaError(error, `Transaction for ${content.offsets.map((o) => `${o.topic}:${o.partition}`).join(', ') || 'outputs only'} (${this.transactionalId})`);
      await this.abandon(producer, transaction, error, failure);
      throw failure;
    }
  }

  async close(): Promise<void> {
    await this.closeProducer();
    this.state = { kind: 'closed' };
  }

  private readyProducer(): Producer {
    if (this.state.kind === 'ready') return this.state.producer;
    if (this.state.kind === 'uninitialised' && this.state.failure) throw this.state.failure;
    throw new StreamscoreError('ERR_KAFKA_TRANSIENT', `Sink ${this.transactionalId} is not initialised: call init() first`, { stage: 'sink' });
  }

  /**
   * After a failed transaction: abort it if the producer can still do so, and stay usable; if it is
   * fenced, or the abort fails (its state is then unknown), drop the producer: only a new init()
   * (which also settles the pending transaction on the broker) makes the sink usable again.
   */
  private async abandon(producer: Producer, transaction: Transaction | undefined, error: unknown, failure: StreamscoreError): Promise<void> {
    if (!isProducerFenced(error) && transaction && !transaction.completed) {
      try {
        await transaction.abort();
        return;
      } catch {
        // fall through: unusable until init()
      }
    } else if (!isProducerFenced(error) && (!transaction || transaction.completed)) {
      return;
    }
    await transaction?.cancel().catch(() => undefined);
    this.state = { kind: 'uninitialised', failure };
    await producer.close().catch(() => undefined);
  }

  private async closeProducer(): Promise<void> {
    if (this.state.kind === 'ready') {
      const { producer } = this.state;
      this.state = { kind: 'uninitialised' };
      await producer.close().catch(() => undefined);
    }
  }
}

/** An output message as platformatic produces it (headers as byte pairs). */
export function toMessage(topic: string, message: OutputMessage): MessageToProduce<Buffer, Buffer, Buffer, Buffer> {
  const headers = new Map<Buffer, Buffer>();
  for (const [key, value] of Object.entries(message.headers)) headers.set(Buffer.from(key), Buffer.isBuffer(value) ? value : Buffer.from(value));
  return {
    topic,
    key: message.key ?? undefined,
    value: message.value ?? undefined,
    headers,
    timestamp: message.timestamp === undefined ? undefined : BigInt(message.timestamp),
  };
}
