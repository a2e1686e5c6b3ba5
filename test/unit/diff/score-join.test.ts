import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScoreJoin, type Joined } from '../../../src/diff/score-join.js';

const ok = (score: number) => ({ ok: true as const, score, flag: score >= 0.5 });
const rec = (score: number) => ({ score, flag: score >= 0.5, modelSha256: 'm' });
const brief = (joined: Joined<string>[]) => joined.map((j) => `${j.partition}:${j.offset}${j.recorded ? `=${j.recorded.score}` : '=none'}`);

describe('ScoreJoin', () => {
  it('matches either side first, by source partition and offset', () => {
    const join = new ScoreJoin<string>('in', [{ partition: 0, start: 0n, end: 10n }], [0, 1]);
    join.addRecorded(0, 'in', 0, 1n, rec(0.1));
    join.addCandidate(0, 0n, ok(0.2), 'a');
    join.addCandidate(0, 1n, ok(0.3), 'b');
    join.addRecorded(1, 'in', 0, 0n, rec(0.4));
    assert.deepEqual(brief(join.take()), ['0:1=0.1', '0:0=0.4']);
    assert.equal(join.pendingCandidates, 0);
    assert.equal(join.pendingRecorded, 0);
  });

  it('knows a record has no prediction once every prediction partition is past it or read to its end', () => {
    const join = new ScoreJoin<string>('in', [{ partition: 0, start: 0n, end: 10n }], [0, 1]);
    join.addCandidate(0, 2n, ok(0.2), 'a');
    join.addRecorded(0, 'in', 0, 5n, rec(0.5));
    assert.deepEqual(brief(join.take()), [], 'partition 1 may still hold it');
    join.predictionPartitionDone(1);
    assert.deepEqual(brief(join.take()), ['0:2=none']);
    // A later candidate below what both partitions have shown: known at once.
    join.addCandidate(0, 3n, ok(0.3), 'b');
    assert.deepEqual(brief(join.take()), ['0:3=none']);
  });

  it('keeps the first of several predictions of one record, skips what is outside the range', () => {
    const join = new ScoreJoin<string>('in', [{ partition: 0, start: 5n, end: 10n }], [0]);
    join.addRecorded(0, 'in', 0, 6n, rec(0.1));
    join.addRecorded(0, 'in', 0, 6n, rec(0.9));
    join.addRecorded(0, 'in', 0, 4n, rec(0.9));
    join.addRecorded(0, 'in', 1, 6n, rec(0.9));
    join.addRecorded(0, 'other', 0, 6n, rec(0.9));
    join.addCandidate(0, 6n, ok(0.2), 'a');
    join.addRecorded(0, 'in', 0, 6n, rec(0.8));
    assert.deepEqual(brief(join.take()), ['0:6=0.1']);
    assert.deepEqual(join.counts, { recordedOutsideRange: 3, recordedDuplicates: 2, recordedWithoutInput: 0 });
  });

  it('finish() releases what still waits on either side', () => {
    const join = new ScoreJoin<string>('in', [{ partition: 0, start: 0n, end: 10n }, { partition: 1, start: 0n, end: 10n }], [0]);
    join.addCandidate(0, 0n, ok(0.2), 'a');
    join.addRecorded(0, 'in', 1, 7n, rec(0.3));
    join.finish();
    assert.deepEqual(brief(join.take()), ['0:0=none']);
    assert.equal(join.counts.recordedWithoutInput, 1);
    assert.equal(join.pendingRecorded, 0);
    assert.equal(join.pendingCandidates, 0);
  });

  it('refuses candidates out of order (the caller scores each partition in offset order)', () => {
    const join = new ScoreJoin<string>('in', [{ partition: 0, start: 0n, end: 10n }], [0]);
    join.addCandidate(0, 3n, ok(0.2), 'a');
    assert.throws(() => join.addCandidate(0, 2n, ok(0.2), 'b'), /out of order/);
  });
});
