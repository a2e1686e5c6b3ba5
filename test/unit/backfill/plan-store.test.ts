import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePlan, encodePlan } from '../../../src/backfill/plan-store.js';
import type { BackfillPlan } from '../../../src/backfill/plan.js';

const plan: BackfillPlan = {
  topic: 't', from: 'earliest', to: 'latest', plannedAt: 1_700_000_000_000,
  partitions: [{ partition: 0, start: 100n, end: 1100n }, { partition: 1, start: 0n, end: 1000n }],
};

describe('stored plan', () => {
  it('round-trips through committed offsets and metadata', () => {
    const stored = { plan, outputTopic: 'out', modelSha256: 'ab'.repeat(32) };
    const offsets = encodePlan(stored);
    assert.deepEqual(offsets.map((o) => [o.partition, o.offset]), [[0, '1100'], [1, '1000']]);
    assert.ok(offsets.every((o) => Buffer.byteLength(o.metadata ?? '') < 4096), 'fits offset.metadata.max.bytes');
    assert.deepEqual(decodePlan('t', [...offsets].reverse(), 'g.plan'), stored);
  });

  it('is absent when nothing is stored, and refused when unreadable', () => {
    assert.equal(decodePlan('t', [], 'g.plan'), undefined);
    assert.throws(() => decodePlan('t', [{ partition: 0, offset: '5', metadata: null }], 'g.plan'), /stored plan .* is unreadable .*--restart/);
    const [a, b] = encodePlan({ plan, outputTopic: 'out', modelSha256: 'x' });
    const other = encodePlan({ plan: { ...plan, plannedAt: 2 }, outputTopic: 'out', modelSha256: 'x' })[1];
    assert.throws(() => decodePlan('t', [a, other], 'g.plan'), /different plans/);
    assert.ok(decodePlan('t', [a, b], 'g.plan'));
  });
});
