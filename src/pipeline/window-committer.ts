import type { TransactionalSink } from '../kafka/types.js';
import { asCommitError, transactionContent, type CommitHost, type CommitPart, type Committer } from './committer.js';
import type { PartitionState } from './partition-ledger.js';

/**
 * One transactional producer per instance commits each window whole: every partition's outputs
 * and offsets in one transaction, windows one after another (so each partition's outputs commit
 * in offset order). Fencing rests on the consumer group generation sent with the offsets
 * (KIP-447, as Kafka Streams' exactly_once_v2): a member that lost its partitions in a rebalance
 * has its offsets refused by the group coordinator and its transaction aborted.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-447%3A+Producer+scalability+for+exactly+once+semantics
 */
export class WindowCommitter implements Committer {
  private sink: TransactionalSink | undefined;
  private ready: Promise<void> | undefined;
  /** The last window commit scheduled: the next one starts after it. */
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly host: CommitHost, private readonly createSink: () => TransactionalSink) {}

  /** The instance's producer, initialised (once; again after a failed transaction). */
  private producer(): Promise<TransactionalSink> {
    if (!this.sink || !this.ready) {
      const sink = this.createSink();
      this.sink = sink;
      this.ready = sink.init().catch((error: unknown) => {
        if (this.sink === sink) this.discard();
        throw error;
      });
    }
    const sink = this.sink;
    return this.ready.then(() => sink);
  }

  /** After a failure the producer may hold a transaction in an unknown state: start over with a fresh one. */
  private discard(): void {
    void this.sink?.close();
    this.sink = undefined;
    this.ready = undefined;
  }

  /**
   * Offsets are read with require_stable (KIP-447): the broker answers only once no open
   * transaction holds offsets of the partition, so nothing needs settling per partition. The
   * producer is initialised here so that a broker refusing it fails the partition's start.
   */
  async preparePartition(_state: PartitionState): Promise<void> {
    await this.producer();
  }

  releasePartition(_state: PartitionState): void {
    // Nothing held per partition: its parts in queued windows are dropped at commit (isCurrent).
  }

  commitWindow(windowId: string, parts: CommitPart[]): Promise<void> {
    const run = this.tail
      .then(() => this.commit(windowId, parts))
      .catch((error: unknown) => this.host.logger.error({ err: error, windowId }, 'commit failed'));
    this.tail = run;
    return run;
  }

  private async commit(windowId: string, parts: CommitPart[]): Promise<void> {
    const current = parts.filter((part) => this.host.isCurrent(part.state, part.generation));
    if (!current.length) return;
    const started = this.host.clock.now();
    try {
      const sink = await this.producer();
      await sink.commit(transactionContent(this.host, current, this.host.groupMetadata()));
    } catch (error) {
      this.discard();
      const failed = current.filter((part) => this.host.isCurrent(part.state, part.generation));
      if (failed.length) this.host.onFailed(failed, windowId, asCommitError(error));
      return;
    }
    const durationMs = this.host.clock.now() - started;
    for (const part of current) await this.host.onCommitted(part, windowId, durationMs);
  }

  /** Runs behind the windows already queued, so the range's end commits after their outputs. */
  async commitOffsetOnly(state: PartitionState, nextOffset: string): Promise<void> {
    const run = this.tail.then(async () => {
      const sink = await this.producer();
      try {
        await sink.commit({ groupId: this.host.appId, groupMetadata: this.host.groupMetadata(), offsets: [{ topic: state.topic, partition: state.partition, nextOffset }], outputs: [] });
      } catch (error) {
        this.discard();
        throw error;
      }
    });
    this.tail = run.catch(() => undefined);
    await run;
  }

  /** The pipeline waits for the windows in flight (within its deadline) before closing. */
  async close(): Promise<void> {
    await this.sink?.close();
    this.sink = undefined;
    this.ready = undefined;
  }
}
