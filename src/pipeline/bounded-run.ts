import type { Logger } from 'pino';
import type { FetchContext, RecordSource } from '../kafka/types.js';
import type { Committer } from './committer.js';
import type { PartitionLedger, PartitionState } from './partition-ledger.js';

/** Per partition `topic:partition`: the first offset and the end offset (exclusive) of the range. */
export type RangeBounds = Map<string, { start: string; end: string }>;

export interface BoundedRunParts {
  ledger: PartitionLedger;
  committer: Committer;
  consumer: RecordSource;
  logger: Logger;
  /** True while the pipeline stops: nothing new is started. */
  stopping(): boolean;
  partitionDone(key: string): void;
  finished(): void;
}

/**
 * A bounded run (backfill) as a plug-in of the pipeline: only the range's records are scored,
 * partitions outside it are ignored, and the run finishes when every listed partition has
 * committed its end offset. The live service does not carry it.
 */
export class BoundedRun {
  constructor(private readonly bounds: RangeBounds, private readonly parts: BoundedRunParts) {}

  /** An empty range is finished before anything is fetched. */
  get emptyFromStart(): boolean {
    return [...this.bounds.values()].every((b) => b.start === b.end);
  }

  /** Whether the partition is part of the range at all. */
  covers(key: string): boolean {
    return this.bounds.has(key);
  }

  /** Where a partition without a committed offset starts. */
  startOffset(key: string): string | undefined {
    return this.bounds.get(key)?.start;
  }

  inRange(key: string, offset: bigint): boolean {
    const bound = this.bounds.get(key);
    return bound !== undefined && offset >= BigInt(bound.start) && offset < BigInt(bound.end);
  }

  /**
   * A fetch of only transaction markers or aborted records reached `lastOffset`. It proves nothing
   * was skipped only if it starts at or before the next offset we expect: one fetched before a
   * seek (start, reset) may lie past records never accepted.
   */
  onPosition(state: PartitionState | undefined, firstOffset: string, lastOffset: string): void {
    const bound = state && this.bounds.get(state.key);
    if (!state || !bound || state.status !== 'active' || this.parts.stopping() || BigInt(lastOffset) + 1n < BigInt(bound.end)) return;
    if (state.nextOffset === undefined || BigInt(firstOffset) > state.nextOffset) return;
    this.fetchedToEnd(state);
  }

  /**
   * After a batch: if the fetch reached the end of the range and every record of it was looked at
   * (`complete`: a batch cut short by a seek or by stopping proves nothing), the range is fetched.
   */
  afterBatch(state: PartitionState, context: FetchContext, complete: boolean): void {
    const bound = this.bounds.get(state.key);
    if (bound && complete && !this.parts.stopping() && !context.isStale() && BigInt(context.lastOffset) + 1n >= BigInt(bound.end)) this.fetchedToEnd(state);
  }

  /** Every record of the range was fetched and accepted (or never existed): wait for the commits, then finish. */
  private fetchedToEnd(state: PartitionState): void {
    if (!state.fetchedToEnd) {
      state.fetchedToEnd = true;
      // Nothing past the end is wanted: stop fetching this partition.
      this.parts.consumer.pause([{ topic: state.topic, partition: state.partition }]);
    }
    void this.maybeFinish(state);
  }

  /**
   * A bounded partition is done when its committed offset reaches the range end. If the range
   * ends with records that never reach us (transaction markers, aborted records), the last
   * output commit stops short of the end: an offsets-only transaction then records the end.
   * Called when a partition is ready and after each of its commits.
   */
  async maybeFinish(state: PartitionState): Promise<void> {
    const bound = this.bounds.get(state.key);
    if (!bound || state.done || state.status !== 'active') return;
    const end = BigInt(bound.end);
    if ((state.committed ?? -1n) < end) {
      const nothingPending = state.nextOffset === undefined || state.committed === state.nextOffset || (state.committed === undefined && state.nextOffset === BigInt(bound.start));
      if (!state.fetchedToEnd && BigInt(bound.start) !== end) return;
      if (!nothingPending) return;
      try {
        await this.parts.committer.commitOffsetOnly(state, bound.end);
        this.parts.ledger.acknowledge(state, end);
      } catch (error) {
        this.parts.logger.warn({ err: error, partition: state.key }, 'committing the end of the range failed; will retry after the next fetch');
        return;
      }
    }
    state.done = true;
    this.parts.consumer.pause([{ topic: state.topic, partition: state.partition }]);
    this.parts.partitionDone(state.key);
    if ([...this.bounds.keys()].every((key) => this.parts.ledger.get(key)?.done)) this.parts.finished();
  }
}
