import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PartitionCursors } from '../../../../src/kafka/platformatic/partition-cursors.js';

const tp = (partition: number) => ({ topic: 't', partition });

describe('partition cursors', () => {
  it('a seek makes records fetched before it stale and wins over their advance', () => {
    const cursors = new PartitionCursors();
    cursors.assign([tp(0)]);
    const { epoch } = cursors.get('t', 0)!;
    cursors.position('t', 0, epoch, 10n);
    const fetchedAt = cursors.get('t', 0)!.epoch;
    cursors.seek('t', 0, 3n);
    assert.equal(cursors.isStale('t', 0, fetchedAt), true);
    cursors.advance('t', 0, fetchedAt, 50n);
    assert.equal(cursors.get('t', 0)!.position, 3n, 'the stale fetch did not move the position');
  });

  it('a starting position found after a seek does not overwrite it', () => {
    const cursors = new PartitionCursors();
    cursors.assign([tp(0)]);
    const { epoch } = cursors.get('t', 0)!;
    cursors.seek('t', 0, 7n);
    cursors.position('t', 0, epoch, 100n);
    assert.equal(cursors.get('t', 0)!.position, 7n);
  });

  it('revocation makes fetched records stale; re-assignment gives a fresh epoch and no position', () => {
    const cursors = new PartitionCursors();
    cursors.assign([tp(0), tp(1)]);
    const epoch = cursors.get('t', 1)!.epoch;
    cursors.position('t', 1, epoch, 5n);
    assert.deepEqual(cursors.assign([tp(0)]).revoked, [tp(1)]);
    assert.equal(cursors.isStale('t', 1, epoch), true);
    assert.deepEqual(cursors.assign([tp(0), tp(1)]).added, [tp(1)]);
    assert.equal(cursors.isStale('t', 1, epoch), true);
    assert.equal(cursors.get('t', 1)!.position, undefined);
    assert.equal(cursors.isStale('t', 0, cursors.get('t', 0)!.epoch), false, 'a retained partition stays current');
  });

  it('paused partitions are not fetchable, and stay paused across assignments', () => {
    const cursors = new PartitionCursors();
    cursors.assign([tp(0)]);
    cursors.position('t', 0, cursors.get('t', 0)!.epoch, 0n);
    cursors.setPaused([tp(0)], true);
    assert.equal(cursors.fetchable().length, 0);
    cursors.assign([]);
    cursors.assign([tp(0)]);
    assert.equal(cursors.get('t', 0)!.paused, true);
    cursors.setPaused([tp(0)], false);
    cursors.position('t', 0, cursors.get('t', 0)!.epoch, 0n);
    assert.equal(cursors.fetchable().length, 1);
  });

  it('an out-of-range reset drops the position and marks the reset policy', () => {
    const cursors = new PartitionCursors();
    cursors.assign([tp(0)]);
    const epoch = cursors.get('t', 0)!.epoch;
    cursors.position('t', 0, epoch, 99n);
    cursors.reset('t', 0, epoch);
    const cursor = cursors.get('t', 0)!;
    assert.equal(cursor.position, undefined);
    assert.equal(cursor.resetNeeded, true);
    assert.equal(cursors.isStale('t', 0, epoch), true);
  });
});
