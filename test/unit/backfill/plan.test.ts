import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPlan, planBounds, planTotal, type Watermarks } from '../../../src/backfill/plan.js';
import { parseBound } from '../../../src/backfill/range.js';
import { backfillState, doneOffsets } from '../../../src/backfill/state.js';
import { StreamscoreError } from '../../../src/errors.js';

const T = 't';
/** Three partitions: p0 fully retained, p1 with its first 100 offsets deleted, p2 empty. */
const marks: Watermarks[] = [
  { partition: 0, low: 0n, high: 1000n },
  { partition: 1, low: 100n, high: 500n },
  { partition: 2, low: 0n, high: 0n },
];

function plan(from: string, to: string, times: { from?: [number, bigint][]; to?: [number, bigint][] } = {}) {
  return buildPlan({
    topic: T, from: parseBound(from), to: parseBound(to), watermarks: marks, plannedAt: 1,
    fromTimeOffsets: times.from ? new Map(times.from) : undefined,
    toTimeOffsets: times.to ? new Map(times.to) : undefined,
  });
}

const ranges = (result: ReturnType<typeof plan>) => result.plan.partitions.map((r) => [r.partition, Number(r.start), Number(r.end)]);

describe('buildPlan', () => {
  const cases: { name: string; from: string; to: string; times?: Parameters<typeof plan>[2]; expect: number[][]; total: number; warnings: RegExp[] }[] = [
    { name: 'earliest → latest is every retained record', from: 'earliest', to: 'latest', expect: [[0, 0, 1000], [1, 100, 500], [2, 0, 0]], total: 1400, warnings: [] },
    {
      name: 'times resolve through the lookups',
      from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z',
      times: { from: [[0, 200n], [1, 150n], [2, 0n]], to: [[0, 300n], [1, 500n], [2, 0n]] },
      expect: [[0, 200, 300], [1, 150, 500], [2, 0, 0]], total: 450, warnings: [],
    },
    {
      name: 'a time before the oldest retained record starts at low, with a warning where records were deleted',
      from: '2020-01-01', to: 'latest',
      times: { from: [[0, 0n], [1, 100n], [2, 0n]] },
      expect: [[0, 0, 1000], [1, 100, 500], [2, 0, 0]], total: 1400, warnings: [/t:1: --from 2020-01-01T00:00:00.000Z is at or before the oldest retained record \(offset 100\)/],
    },
    {
      name: 'a lookup past the watermark read before it is clamped to the end',
      from: '2026-11-01', to: '2026-11-02',
      times: { from: [[0, 900n], [1, 100n], [2, 0n]], to: [[0, 1200n], [1, 100n], [2, 0n]] },
      expect: [[0, 900, 1000], [1, 100, 100], [2, 0, 0]], total: 100, warnings: [],
    },
    {
      name: 'explicit offsets select partitions; below low clamps with a warning',
      from: 't:0:10,t:1:50', to: 'latest',
      expect: [[0, 10, 1000], [1, 100, 500]], total: 1390, warnings: [/t:1: offsets 50–99 were deleted \(retention\); the range starts at the oldest retained offset 100/],
    },
    {
      name: 'an end past the partition end is clamped to it, with a warning',
      from: 'earliest', to: 't:0:5000,t:1:300',
      expect: [[0, 0, 1000], [1, 100, 300]], total: 1200, warnings: [/t:0: --to offset 5000 is past the end of the partition \(1000\)/],
    },
    {
      name: 'a range wholly below low is empty, with a warning',
      from: 't:1:10', to: 't:1:60',
      expect: [[1, 100, 100]], total: 0, warnings: [/t:1: the whole range \(offsets 10–59\) was deleted/],
    },
    {
      name: 'equal bounds are an empty range, no warning',
      from: 't:0:10', to: 't:0:10',
      expect: [[0, 10, 10]], total: 0, warnings: [],
    },
    { name: 'latest → latest is empty everywhere', from: 'latest', to: 'latest', expect: [[0, 1000, 1000], [1, 500, 500], [2, 0, 0]], total: 0, warnings: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = plan(c.from, c.to, c.times);
      assert.deepEqual(ranges(result), c.expect);
      assert.equal(planTotal(result.plan), BigInt(c.total));
      assert.equal(result.warnings.length, c.warnings.length, `warnings: ${result.warnings.join(' | ')}`);
      c.warnings.forEach((w, i) => assert.match(result.warnings[i], w));
    });
  }

  it('refuses --to before --from on a partition, naming it', () => {
    assert.throws(() => plan('t:0:500', 't:0:400'), (e: unknown) => e instanceof StreamscoreError && e.code === 'ERR_BACKFILL_RANGE' && /on t:0 \(offset 400 < 500\)/.test(e.message));
    // An offset start after a time end, resolved.
    assert.throws(() => plan('t:0:500', '2026-11-01', { to: [[0, 300n]] }), /--to is before --from on t:0/);
  });

  it('refuses partitions the topic does not have', () => {
    assert.throws(() => plan('t:0:1,t:7:1', 'latest'), /topic t has no partition 7 \(it has 3: 0–2\)/);
  });

  it('keeps the canonical bounds and gives the pipeline its bounds', () => {
    const { plan: p } = plan('t:1:200,t:0:100', 'latest');
    assert.equal(p.from, 't:0:100,t:1:200');
    assert.equal(p.to, 'latest');
    assert.deepEqual([...planBounds(p)], [['t:0', { start: '100', end: '1000' }], ['t:1', { start: '200', end: '500' }]]);
  });
});

describe('backfill state', () => {
  const { plan: p } = plan('earliest', 'latest');
  const cases: { name: string; committed: [number, bigint][]; status: string; done: number }[] = [
    { name: 'nothing committed: not started', committed: [], status: 'not-started', done: 0 },
    { name: 'some committed: partial', committed: [[0, 400n]], status: 'partial', done: 400 },
    { name: 'a committed offset below start counts nothing', committed: [[1, 50n]], status: 'partial', done: 0 },
    { name: 'all at their ends: done', committed: [[0, 1000n], [1, 500n], [2, 0n]], status: 'done', done: 1400 },
    { name: 'past the end counts as the end', committed: [[0, 1500n], [1, 900n], [2, 3n]], status: 'done', done: 1400 },
    { name: 'one partition short: partial', committed: [[0, 1000n], [1, 499n], [2, 0n]], status: 'partial', done: 1399 },
    { name: 'an empty partition without its end commit is not done', committed: [[0, 1000n], [1, 500n]], status: 'partial', done: 1400 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const state = backfillState(p, new Map(c.committed));
      assert.equal(state.status, c.status);
      assert.equal(state.done, BigInt(c.done));
      assert.equal(state.total, 1400n);
    });
  }

  it('doneOffsets clamps into the range', () => {
    assert.deepEqual([undefined, 5n, 10n, 15n, 20n, 25n].map((c) => doneOffsets(10n, 20n, c)), [0n, 0n, 0n, 5n, 10n, 10n]);
  });
});
