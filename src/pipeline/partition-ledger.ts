import { partitionKey } from '../records/types.js';

export type PartitionStatus = 'initialising' | 'active' | 'fenced';

/** What the pipeline knows of one owned input partition. */
export interface PartitionState {
  topic: string;
  partition: number;
  key: string;
  /** Bumped whenever the partition's buffered work becomes invalid (revoke, reset, fence). */
  generation: number;
  status: PartitionStatus;
  ready: Promise<void>;
  /** The next input offset to accept; anything below was already buffered or committed. */
  nextOffset?: bigint;
  /** The offset committed last (one past the last record with an output). */
  committed?: bigint;
  /** Bounded runs: the fetch position passed the end of the range. */
  fetchedToEnd?: boolean;
  done?: boolean;
}

/**
 * The owned partitions and their offsets: generations, the first offset accepted, committed and
 * acknowledged offsets. Pure bookkeeping, no I/O.
 */
export class PartitionLedger {
  private readonly owned = new Map<string, PartitionState>();
  /** Source of generation numbers, unique across partition states: a revoked and re-assigned
   *  partition gets a new state whose generation can never match items of the old one. */
  private generationSeq = 0;
  /** First offset accepted per partition while it had no committed offset: where a reset
   *  goes back to, since there is no committed offset to seek to. */
  private readonly firstOffsets = new Map<string, bigint>();
  /**
   * Per partition, the highest offset whose commit the broker acknowledged to this process. An
   * acknowledged commit is a promise: a later read of the group's offset below it means the broker
   * lost the offset commit (docs/exactly-once.md, "Broker versions"), and this process resumes from here.
   */
  private readonly acknowledged = new Map<string, bigint>();

  get(key: string): PartitionState | undefined {
    return this.owned.get(key);
  }

  of(topic: string, partition: number): PartitionState | undefined {
    return this.owned.get(partitionKey(topic, partition));
  }

  keys(): string[] {
    return [...this.owned.keys()];
  }

  states(): PartitionState[] {
    return [...this.owned.values()];
  }

  create(topic: string, partition: number): PartitionState {
    const state: PartitionState = { topic, partition, key: partitionKey(topic, partition), generation: ++this.generationSeq, status: 'initialising', ready: Promise.resolve() };
    this.owned.set(state.key, state);
    return state;
  }

  delete(key: string): void {
    this.owned.delete(key);
  }

  /** The state's buffered work becomes invalid: items of the older generation are skipped everywhere. */
  bumpGeneration(state: PartitionState): void {
    state.generation = ++this.generationSeq;
  }

  /** Whether work made for `generation` of this partition may still be committed. */
  isCurrent(state: PartitionState, generation: number): boolean {
    return this.owned.get(state.key) === state && state.generation === generation && state.status === 'active';
  }

  /** Remembers the first offset accepted while the partition had no committed offset. */
  accepted(state: PartitionState, offset: bigint): void {
    if (state.nextOffset === undefined && !this.firstOffsets.has(state.key)) this.firstOffsets.set(state.key, offset);
    state.nextOffset = offset + 1n;
  }

  firstOffset(key: string): bigint | undefined {
    return this.firstOffsets.get(key);
  }

  /**
   * The group's committed offset, or the one the broker acknowledged to us if that is higher
   * (`behind` is then called: the broker lost an offset commit).
   */
  guardCommitted(key: string, committed: string | undefined, behind: (acknowledged: bigint) => void): string | undefined {
    const acknowledged = this.acknowledged.get(key);
    if (acknowledged === undefined || (committed !== undefined && BigInt(committed) >= acknowledged)) return committed;
    behind(acknowledged);
    return acknowledged.toString();
  }

  acknowledge(state: PartitionState, nextOffset: bigint): void {
    state.committed = nextOffset;
    if (nextOffset > (this.acknowledged.get(state.key) ?? -1n)) this.acknowledged.set(state.key, nextOffset);
  }
}
