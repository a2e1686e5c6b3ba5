import type { TransactionalSink } from '../kafka/types.js';
import { asCommitError, transactionContent, type CommitHost, type CommitPart, type Committer } from './committer.js';
import type { PartitionState } from './partition-ledger.js';

interface PartitionLane {
  producer: TransactionalSink;
  /** The partition's last commit scheduled: the next one starts after it, so outputs commit in offset order. */
  tail: Promise<void>;
}

/**
 * One transactional producer per input partition, `<appId>-<topic>-<partition>` (docs/exactly-once.md):
 * for a client without KIP-447, whose offset commits carry no group generation, fencing must come
 * from the transactional id, as in Kafka Streams' eos-alpha. Whoever initialises the id last bumps
 * its epoch and fences the previous owner. A window commits one transaction per partition present,
 * each behind that partition's previous one; different partitions' transactions overlap.
 */
export class PartitionCommitter implements Committer {
  private readonly lanes = new Map<PartitionState, PartitionLane>();

  constructor(private readonly host: CommitHost, private readonly createSink: (transactionalId: string) => TransactionalSink) {}

  /** A fresh producer for the partition's id: its init fences the previous owner and settles its transaction. */
  async preparePartition(state: PartitionState): Promise<void> {
    const lane = this.lanes.get(state);
    await lane?.producer.close();
    const producer = this.createSink(`${this.host.appId}-${state.topic}-${state.partition}`);
    this.lanes.set(state, { producer, tail: lane?.tail ?? Promise.resolve() });
    await producer.init();
  }

  releasePartition(state: PartitionState): void {
    const lane = this.lanes.get(state);
    this.lanes.delete(state);
    void lane?.producer.close();
  }

  async commitWindow(windowId: string, parts: CommitPart[]): Promise<void> {
    await Promise.all(parts.map((part) => this.schedule(windowId, part)));
  }

  private schedule(windowId: string, part: CommitPart): Promise<void> {
    const lane = this.lanes.get(part.state);
    if (!lane) return Promise.resolve();
    const run = lane.tail
      .then(() => this.commitPart(windowId, part))
      .catch((error: unknown) => this.host.logger.error({ err: error, partition: part.state.key, windowId }, 'commit failed'));
    lane.tail = run;
    return run;
  }

  private async commitPart(windowId: string, part: CommitPart): Promise<void> {
    const lane = this.lanes.get(part.state);
    if (!lane || !this.host.isCurrent(part.state, part.generation)) return;
    const started = this.host.clock.now();
    try {
      await lane.producer.commit(transactionContent(this.host, [part]));
    } catch (error) {
      if (this.host.isCurrent(part.state, part.generation)) this.host.onFailed([part], windowId, asCommitError(error));
      return;
    }
    await this.host.onCommitted(part, windowId, this.host.clock.now() - started);
  }

  async commitOffsetOnly(state: PartitionState, nextOffset: string): Promise<void> {
    const lane = this.lanes.get(state);
    if (!lane) throw new Error(`no producer for ${state.key}`);
    await lane.producer.commit({ groupId: this.host.appId, offsets: [{ topic: state.topic, partition: state.partition, nextOffset }], outputs: [] });
  }

  async close(): Promise<void> {
    await Promise.all([...this.lanes.values()].map((lane) => lane.producer.close()));
    this.lanes.clear();
  }
}
