import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBucket } from '../../../src/backfill/rate-limit.js';

class ManualClock {
  constructor(public time = 0) {}
  now(): number { return this.time; }
}

describe('TokenBucket', () => {
  it('lets a second\'s worth through, then holds for the debt', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket(1000, clock);
    assert.equal(bucket.take(1000), 0);
    assert.equal(bucket.take(500), 500);
    clock.time = 250;
    assert.equal(bucket.waitMs(), 250);
    clock.time = 500;
    assert.equal(bucket.waitMs(), 0);
  });

  it('converges on the rate with batches larger than the bucket', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket(200, clock);
    let sent = 0;
    while (clock.time < 60_000) {
      const wait = bucket.take(1000);
      sent += 1000;
      clock.time += Math.max(wait, 1);
    }
    const rate = (sent * 1000) / clock.time;
    assert.ok(rate > 190 && rate < 225, `rate ${rate}`);
  });

  it('does not save up more than the burst while idle', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket(100, clock, 100);
    clock.time = 3_600_000;
    assert.equal(bucket.take(300), 2000);
  });

  it('refuses a rate that is not positive', () => {
    assert.throws(() => new TokenBucket(0, new ManualClock()), RangeError);
  });
});
