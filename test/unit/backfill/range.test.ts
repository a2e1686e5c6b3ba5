import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalBound, checkBounds, parseBound, type Bound } from '../../../src/backfill/range.js';
import { StreamscoreError } from '../../../src/errors.js';

const rangeError = (pattern: RegExp) => (error: unknown) => error instanceof StreamscoreError && error.code === 'ERR_BACKFILL_RANGE' && pattern.test(error.message);

describe('parseBound', () => {
  const accepted: { raw: string; canonical: string; kind: Bound['kind'] }[] = [
    { raw: 'earliest', canonical: 'earliest', kind: 'earliest' },
    { raw: ' LATEST ', canonical: 'latest', kind: 'latest' },
    { raw: '2026-11-01T00:00:00Z', canonical: '2026-11-01T00:00:00.000Z', kind: 'time' },
    { raw: '2026-11-01T01:30:00+01:00', canonical: '2026-11-01T00:30:00.000Z', kind: 'time' },
    { raw: '2026-11-01T00:00Z', canonical: '2026-11-01T00:00:00.000Z', kind: 'time' },
    { raw: '2026-11-01T00:00:00.250Z', canonical: '2026-11-01T00:00:00.250Z', kind: 'time' },
    { raw: '2026-11-01', canonical: '2026-11-01T00:00:00.000Z', kind: 'time' },
    { raw: 'readings:2:100,readings:0:5', canonical: 'readings:0:5,readings:2:100', kind: 'offsets' },
    { raw: 'my.topic-v2:0:0', canonical: 'my.topic-v2:0:0', kind: 'offsets' },
  ];
  for (const c of accepted) {
    it(`accepts ${JSON.stringify(c.raw)}`, () => {
      const bound = parseBound(c.raw);
      assert.equal(bound.kind, c.kind);
      assert.equal(canonicalBound(bound), c.canonical);
    });
  }

  const refused: { raw: string; why: RegExp }[] = [
    { raw: '2026-11-01T00:00:00', why: /needs a zone/ },
    { raw: 'yesterday', why: /expected an ISO-8601/ },
    { raw: '', why: /expected an ISO-8601/ },
    { raw: 'Nov 5 2026', why: /expected an ISO-8601/ },
    { raw: '2026-13-45T00:00:00Z', why: /not a valid calendar/ },
    { raw: 'readings:0', why: /not topic:partition:offset/ },
    { raw: 'readings:0:-1', why: /not topic:partition:offset/ },
    { raw: 'readings:x:1', why: /not topic:partition:offset/ },
    { raw: 'readings:0:1,other:1:1', why: /one topic only/ },
    { raw: 'readings:0:1,readings:0:2', why: /listed twice/ },
    { raw: 'readings:0:9223372036854775808', why: /out of range/ },
  ];
  for (const c of refused) {
    it(`refuses ${JSON.stringify(c.raw)} with ERR_BACKFILL_RANGE`, () => {
      assert.throws(() => parseBound(c.raw, '--to'), rangeError(c.why));
      assert.throws(() => parseBound(c.raw, '--to'), /^StreamscoreError: --to /);
    });
  }

  it('keeps 64-bit offsets exact', () => {
    const bound = parseBound('t:0:9223372036854775807');
    assert.equal(bound.kind === 'offsets' && bound.offsets.get(0), 9223372036854775807n);
  });
});

describe('checkBounds', () => {
  const ok: [string, string][] = [
    ['earliest', 'latest'],
    ['2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z'],
    ['2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z'],
    ['latest', 'latest'],
    ['earliest', 'earliest'],
    ['t:0:5,t:1:5', 't:1:9,t:0:9'],
    ['t:0:5', 'latest'],
    ['2026-11-01', 't:0:100'],
  ];
  for (const [from, to] of ok) {
    it(`accepts ${from} → ${to}`, () => checkBounds('t', parseBound(from), parseBound(to)));
  }

  const refused: [string, string, RegExp][] = [
    ['2026-11-02T00:00:00Z', '2026-11-01T00:00:00Z', /--to 2026-11-01T00:00:00.000Z is before --from 2026-11-02T00:00:00.000Z/],
    ['other:0:1', 'latest', /--from names offsets of topic other/],
    ['earliest', 'other:0:1', /--to names offsets of topic other/],
    ['latest', 'earliest', /--from latest/],
    ['latest', '2026-11-01', /--from latest/],
    ['2026-11-01', 'earliest', /--to earliest/],
    ['t:0:1,t:1:1', 't:0:5', /list different partitions/],
  ];
  for (const [from, to, why] of refused) {
    it(`refuses ${from} → ${to}`, () => assert.throws(() => checkBounds('t', parseBound(from), parseBound(to)), rangeError(why)));
  }
});
