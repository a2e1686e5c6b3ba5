import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WindowPolicy, type WindowBounds } from '../../../src/window/window-policy.js';

class ManualClock {
  constructor(public time = 1_000) {}
  now(): number { return this.time; }
}

describe('WindowPolicy', () => {
  it('refuses a window without any bound', () => {
    assert.throws(() => new WindowPolicy({}, new ManualClock()), /at least one bound/);
  });

  const cases: { name: string; bounds: WindowBounds; adds: { bytes: number; advance?: number }[]; expect: (string | undefined)[] }[] = [
    { name: 'count bound fires on the Nth record', bounds: { maxRecords: 3 }, adds: [{ bytes: 1 }, { bytes: 1 }, { bytes: 1 }], expect: [undefined, undefined, 'records'] },
    { name: 'byte bound fires when reached', bounds: { maxBytes: 10 }, adds: [{ bytes: 4 }, { bytes: 4 }, { bytes: 2 }], expect: [undefined, undefined, 'bytes'] },
    { name: 'count wins when both fire at once', bounds: { maxRecords: 2, maxBytes: 2 }, adds: [{ bytes: 1 }, { bytes: 1 }], expect: [undefined, 'records'] },
    { name: 'bytes before count in a mixed window', bounds: { maxRecords: 100, maxBytes: 5, maxLingerMs: 50 }, adds: [{ bytes: 3 }, { bytes: 3 }], expect: [undefined, 'bytes'] },
    { name: 'linger alone never fires on add', bounds: { maxLingerMs: 10 }, adds: [{ bytes: 1, advance: 20 }, { bytes: 1 }], expect: [undefined, undefined] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const clock = new ManualClock();
      const policy = new WindowPolicy<number>(c.bounds, clock);
      const got = c.adds.map((a, i) => { const r = policy.add(i, a.bytes); clock.time += a.advance ?? 0; return r; });
      assert.deepEqual(got, c.expect);
    });
  }

  it('linger counts from the first record, not the last', () => {
    const clock = new ManualClock(0);
    const policy = new WindowPolicy<number>({ maxLingerMs: 100 }, clock);
    assert.equal(policy.untilLinger(), undefined, 'empty window has no deadline');
    policy.add(1, 1);
    clock.time = 60;
    policy.add(2, 1);
    assert.equal(policy.untilLinger(), 40);
    assert.equal(policy.due(), undefined);
    clock.time = 100;
    assert.equal(policy.due(), 'linger');
  });

  it('flush returns the items, bytes and reason, and starts empty', () => {
    const clock = new ManualClock(5);
    const policy = new WindowPolicy<string>({ maxRecords: 10 }, clock);
    policy.add('a', 2);
    policy.add('b', 3);
    clock.time = 9;
    const closed = policy.flush('linger');
    assert.deepEqual(closed, { items: ['a', 'b'], bytes: 5, reason: 'linger', openedAt: 5, closedAt: 9 });
    assert.equal(policy.count, 0);
    assert.equal(policy.size, 0);
    assert.equal(policy.flush('linger'), undefined, 'an empty window flushes to nothing');
  });

  it('a new window re-opens its linger clock', () => {
    const clock = new ManualClock(0);
    const policy = new WindowPolicy<number>({ maxLingerMs: 10 }, clock);
    policy.add(1, 1);
    clock.time = 50;
    policy.flush('linger');
    policy.add(2, 1);
    assert.equal(policy.untilLinger(), 10);
  });

  it('remove drops matching items and recounts bytes', () => {
    const policy = new WindowPolicy<{ p: number; s: number }>({ maxRecords: 10 }, new ManualClock());
    policy.add({ p: 0, s: 3 }, 3);
    policy.add({ p: 1, s: 4 }, 4);
    policy.add({ p: 0, s: 5 }, 5);
    assert.equal(policy.remove((i) => i.p === 0, (i) => i.s), 2);
    assert.equal(policy.count, 1);
    assert.equal(policy.size, 4);
  });
});
