import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coveredOnlyBy } from '../../../bench/child/stage-recorder.js';

describe('coveredOnlyBy (the benchmark\'s commit time not hidden by scoring)', () => {
  it('is the union of the covering intervals when nothing is excluded', () => {
    assert.equal(coveredOnlyBy([[0, 10], [5, 15], [20, 25]], []), 20);
  });

  it('leaves out the time an excluded interval is open', () => {
    // Commits 0–10 and 8–20 overlap the scoring 4–12: only 0–4 and 12–20 count.
    assert.equal(coveredOnlyBy([[0, 10], [8, 20]], [[4, 12]]), 12);
  });

  it('is zero when the excluded intervals hide everything', () => {
    assert.equal(coveredOnlyBy([[2, 3], [3, 5]], [[0, 6]]), 0);
  });

  it('counts touching intervals once', () => {
    assert.equal(coveredOnlyBy([[0, 5], [5, 10]], [[10, 12]]), 10);
  });
});
