/**
 * Where the source fetches each assigned partition from, and which fetched batches are still
 * current. Every change that makes fetched records obsolete (a seek, a revocation, a
 * re-assignment) gives the partition a new epoch from one counter shared by all partitions; a
 * fetch remembers the epoch it was built with, and its records are delivered, and move the
 * position on, only while that epoch is still the partition's. Pure bookkeeping, no I/O.
 */
import { partitionKey } from '../../records/types.js';
import type { TopicPartition } from '../types.js';

export interface Cursor {
  readonly topic: string;
  readonly partition: number;
  readonly key: string;
  epoch: number;
  /** Next offset to fetch; undefined until the committed offset (or the reset policy) gives one. */
  position?: bigint;
  /** The broker said the position is out of range: take the reset policy, not the committed offset. */
  resetNeeded: boolean;
  paused: boolean;
}

export class PartitionCursors {
  private readonly cursors = new Map<string, Cursor>();
  private readonly pausedKeys = new Set<string>();
  private epochs = 0;

  /** Applies a new assignment: revoked cursors go (their fetched records become stale), new ones await a position. */
  assign(assignment: readonly TopicPartition[]): { added: TopicPartition[]; revoked: TopicPartition[] } {
    const next = new Set(assignment.map((tp) => partitionKey(tp.topic, tp.partition)));
    const revoked: TopicPartition[] = [];
    for (const [key, cursor] of this.cursors) {
      if (next.has(key)) continue;
      this.cursors.delete(key);
      revoked.push({ topic: cursor.topic, partition: cursor.partition });
    }
    const added: TopicPartition[] = [];
    for (const { topic, partition } of assignment) {
      const key = partitionKey(topic, partition);
      if (this.cursors.has(key)) continue;
      this.cursors.set(key, { topic, partition, key, epoch: ++this.epochs, resetNeeded: false, paused: this.pausedKeys.has(key) });
      added.push({ topic, partition });
    }
    return { added, revoked };
  }

  clear(): void {
    this.cursors.clear();
  }

  get(topic: string, partition: number): Cursor | undefined {
    return this.cursors.get(partitionKey(topic, partition));
  }

  /** Fetch from `offset` next; whatever was fetched before is stale. Unassigned partitions are ignored. */
  seek(topic: string, partition: number, offset: bigint): void {
    const cursor = this.get(topic, partition);
    if (!cursor) return;
    cursor.position = offset;
    cursor.resetNeeded = false;
    cursor.epoch = ++this.epochs;
  }

  /** Paused partitions are not fetched, and their fetched records not delivered. Remembered across assignments, as kafkajs does. */
  setPaused(partitions: readonly TopicPartition[], paused: boolean): void {
    for (const { topic, partition } of partitions) {
      const key = partitionKey(topic, partition);
      if (paused) this.pausedKeys.add(key);
      else this.pausedKeys.delete(key);
      const cursor = this.cursors.get(key);
      if (cursor) cursor.paused = paused;
    }
  }

  /** True when records fetched at `epoch` are obsolete: the partition was sought, revoked or re-assigned since. */
  isStale(topic: string, partition: number, epoch: number): boolean {
    return this.get(topic, partition)?.epoch !== epoch;
  }

  /** Partitions that can be fetched now: positioned and not paused. */
  fetchable(): Cursor[] {
    return [...this.cursors.values()].filter((c) => c.position !== undefined && !c.paused);
  }

  /** Partitions still waiting for a starting position. */
  unpositioned(): Cursor[] {
    return [...this.cursors.values()].filter((c) => c.position === undefined);
  }

  /** Sets the starting position found for `epoch`, unless a seek or re-assignment came first. */
  position(topic: string, partition: number, epoch: number, offset: bigint): void {
    const cursor = this.get(topic, partition);
    if (!cursor || cursor.epoch !== epoch || cursor.position !== undefined) return;
    cursor.position = offset;
    cursor.resetNeeded = false;
  }

  /** After delivering a fetch made at `epoch`: the next fetch starts at `next`, unless that fetch is stale. */
  advance(topic: string, partition: number, epoch: number, next: bigint): void {
    const cursor = this.get(topic, partition);
    if (!cursor || cursor.epoch !== epoch) return;
    if (cursor.position === undefined || next > cursor.position) cursor.position = next;
  }

  /** The broker refused the position (OFFSET_OUT_OF_RANGE): apply the reset policy; stale like a seek. */
  reset(topic: string, partition: number, epoch: number): void {
    const cursor = this.get(topic, partition);
    if (!cursor || cursor.epoch !== epoch) return;
    cursor.position = undefined;
    cursor.resetNeeded = true;
    cursor.epoch = ++this.epochs;
  }
}
