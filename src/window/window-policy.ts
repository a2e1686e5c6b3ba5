import type { Clock } from '../clock.js';

export type CloseReason = 'records' | 'bytes' | 'linger' | 'shutdown' | 'revoke';

export interface WindowBounds {
  maxRecords?: number;
  maxBytes?: number;
  maxLingerMs?: number;
}

export interface ClosedWindow<T> {
  items: T[];
  bytes: number;
  reason: CloseReason;
  openedAt: number;
  closedAt: number;
}

/**
 * Accumulates items into one window and says when it must close: at the first of maxRecords,
 * maxBytes or maxLingerMs (from the first item). The same shape as Benthos' batch policy:
 * add() tells whether a size trigger fired, untilLinger() how long until the time trigger.
 * Pure: time comes from the injected clock, nothing here sleeps.
 */
export class WindowPolicy<T> {
  private items: T[] = [];
  private bytes = 0;
  private openedAt = 0;

  constructor(private readonly bounds: WindowBounds, private readonly clock: Clock) {
    if (bounds.maxRecords === undefined && bounds.maxBytes === undefined && bounds.maxLingerMs === undefined) {
      throw new RangeError('A window needs at least one bound: maxRecords, maxBytes or maxLingerMs');
    }
  }

  get count(): number {
    return this.items.length;
  }

  get size(): number {
    return this.bytes;
  }

  /** Adds an item; returns the reason if a size bound is now reached, else undefined. */
  add(item: T, bytes: number): CloseReason | undefined {
    if (this.items.length === 0) this.openedAt = this.clock.now();
    this.items.push(item);
    this.bytes += bytes;
    return this.sizeTrigger();
  }

  private sizeTrigger(): CloseReason | undefined {
    if (this.bounds.maxRecords !== undefined && this.items.length >= this.bounds.maxRecords) return 'records';
    if (this.bounds.maxBytes !== undefined && this.bytes >= this.bounds.maxBytes) return 'bytes';
    return undefined;
  }

  /** Milliseconds until the linger bound fires; undefined when empty or without a linger bound. */
  untilLinger(): number | undefined {
    if (this.items.length === 0 || this.bounds.maxLingerMs === undefined) return undefined;
    return Math.max(0, this.openedAt + this.bounds.maxLingerMs - this.clock.now());
  }

  /** The reason the window should close now, if any. */
  due(): CloseReason | undefined {
    return this.sizeTrigger() ?? (this.untilLinger() === 0 ? 'linger' : undefined);
  }

  /** Closes the window and starts an empty one. Returns undefined if it held nothing. */
  flush(reason: CloseReason): ClosedWindow<T> | undefined {
    if (this.items.length === 0) return undefined;
    const closed: ClosedWindow<T> = { items: this.items, bytes: this.bytes, reason, openedAt: this.openedAt, closedAt: this.clock.now() };
    this.items = [];
    this.bytes = 0;
    return closed;
  }

  /** Removes the items that match (e.g. of revoked partitions); returns how many went. */
  remove(predicate: (item: T) => boolean, sizeOf: (item: T) => number): number {
    const kept = this.items.filter((item) => !predicate(item));
    const removed = this.items.length - kept.length;
    this.items = kept;
    this.bytes = kept.reduce((sum, item) => sum + sizeOf(item), 0);
    return removed;
  }
}
