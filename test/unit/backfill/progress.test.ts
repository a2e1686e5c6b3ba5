import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BackfillPlan } from '../../../src/backfill/plan.js';
import { BackfillProgress, RATE_WINDOW_MS } from '../../../src/backfill/progress.js';

class ManualClock {
  constructor(public time = 0) {}
  now(): number { return this.time; }
}

const plan: BackfillPlan = {
  topic: 't', from: 'earliest', to: 'latest', plannedAt: 1_700_000_000_000,
  partitions: [{ partition: 0, start: 100n, end: 1100n }, { partition: 1, start: 0n, end: 1000n }],
};

describe('BackfillProgress', () => {
  it('counts offsets of the range (earlier runs included) and records of this run', () => {
    const clock = new ManualClock();
    const progress = new BackfillProgress(plan, new Map([[0, 600n]]), clock);
    assert.equal(progress.snapshot().done, 500);
    clock.time = 1_000;
    progress.recordCommit(0, 700n, { records: 100, predictions: 98, deadLetters: 2 });
    progress.recordCommit(1, 200n, { records: 200, predictions: 200, deadLetters: 0 });
    const s = progress.snapshot();
    assert.deepEqual({ done: s.done, total: s.total, records: s.records, predictions: s.predictions, deadLetters: s.deadLetters }, { done: 800, total: 2000, records: 300, predictions: 298, deadLetters: 2 });
    assert.equal(s.percent, 40);
    assert.equal(s.rate, 300);
    assert.equal(s.etaSeconds, 1200 / 300);
    assert.equal(s.meanRate, 300);
    assert.deepEqual(s.partitions, [{ partition: 0, done: 600, total: 1000 }, { partition: 1, done: 200, total: 1000 }]);
  });

  it('never moves backwards, ignores partitions outside the plan, and ends at partitionDone', () => {
    const progress = new BackfillProgress(plan, new Map(), new ManualClock());
    progress.committedTo(1, 500n);
    progress.committedTo(1, 300n);
    progress.committedTo(7, 10n);
    assert.equal(progress.snapshot().done, 500);
    assert.equal(progress.finished, false);
    progress.partitionDone(0);
    progress.partitionDone(1);
    assert.equal(progress.finished, true);
    assert.equal(progress.snapshot().percent, 100);
  });

  it('rates over the last 10 s only', () => {
    const clock = new ManualClock();
    const progress = new BackfillProgress({ ...plan, partitions: [{ partition: 1, start: 0n, end: 1_000_000n }] }, new Map(), clock);
    // 100 offsets/s for 20 s, then 10 offsets/s.
    let offset = 0n;
    for (let t = 1; t <= 20; t++) {
      clock.time = t * 1000;
      offset += 100n;
      progress.committedTo(1, offset);
    }
    for (let t = 21; t <= 20 + RATE_WINDOW_MS / 1000; t++) {
      clock.time = t * 1000;
      offset += 10n;
      progress.committedTo(1, offset);
    }
    const s = progress.snapshot();
    assert.ok(Math.abs(s.rate - 10) < 1, `rate ${s.rate}`);
  });
});
