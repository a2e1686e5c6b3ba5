import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backfillIdentity, defaultBackfillId } from '../../../src/backfill/identity.js';
import { parseBound } from '../../../src/backfill/range.js';

describe('backfill identity', () => {
  it('is the same for two spellings of the same range, and differs with the range, topic or config', () => {
    const id = (config: string, topic: string, from: string, to: string) => defaultBackfillId(config, topic, parseBound(from), parseBound(to));
    const base = id('/etc/s.yaml', 't', '2026-11-01T00:00:00Z', 'latest');
    assert.match(base, /^[0-9a-f]{10}$/);
    assert.equal(id('/etc/s.yaml', 't', '2026-11-01T01:00:00+01:00', 'LATEST'), base);
    assert.equal(id('/etc/./s.yaml', 't', '2026-11-01', 'latest'), base);
    assert.notEqual(id('/etc/s.yaml', 't', '2026-11-01T00:00:01Z', 'latest'), base);
    assert.notEqual(id('/etc/s.yaml', 'u', '2026-11-01T00:00:00Z', 'latest'), base);
    assert.notEqual(id('/etc/other.yaml', 't', '2026-11-01T00:00:00Z', 'latest'), base);
  });

  it('names the group and the plan group', () => {
    assert.deepEqual(backfillIdentity('scorer', 'nov'), { id: 'nov', group: 'scorer.backfill.nov', planGroup: 'scorer.backfill.nov.plan' });
    assert.throws(() => backfillIdentity('scorer', 'a b'), RangeError);
  });
});
