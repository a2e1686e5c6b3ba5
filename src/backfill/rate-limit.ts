import type { Clock } from '../clock.js';

/**
 * `--max-rate`: a token bucket of records. The fetch loop takes a batch's records from it and is
 * held for as long as the bucket is in debt, so batches larger than the bucket are fine: the mean
 * rate converges on the limit while a single fetch may run ahead by one batch.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  /**
   * @param ratePerSecond records per second.
   * @param burst the most records that may pass at once after an idle spell (default: one second's worth).
   */
  constructor(private readonly ratePerSecond: number, private readonly clock: Clock, private readonly burst = ratePerSecond) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) throw new RangeError(`rate must be a positive number, got ${ratePerSecond}`);
    this.tokens = burst;
    this.updatedAt = clock.now();
  }

  /** Takes `records` tokens; returns how long (ms) to wait before taking more. */
  take(records: number): number {
    this.refill();
    this.tokens -= records;
    return this.waitMs();
  }

  /** How long (ms) until the bucket is out of debt. */
  waitMs(): number {
    this.refill();
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.ratePerSecond);
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) * this.ratePerSecond) / 1000);
    this.updatedAt = now;
  }
}
