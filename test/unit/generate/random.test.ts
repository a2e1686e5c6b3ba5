import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRandom, normaliseSeed } from '../../../src/generate/index.js';

function take(seed: number, n: number): number[] {
  const rng = createRandom(seed);
  return Array.from({ length: n }, () => rng.next());
}

test('the same seed gives the same sequence, neighbouring seeds unrelated ones', () => {
  assert.deepEqual(take(42, 1000), take(42, 1000));
  const a = take(1, 1000);
  const b = take(2, 1000);
  assert.ok(a.filter((x, i) => x === b[i]).length === 0);
});

test('seeds are normalised to unsigned 32 bits; huge and negative seeds are usable', () => {
  assert.equal(normaliseSeed(-1), 0xffffffff);
  assert.equal(normaliseSeed(7.9), 7);
  assert.notEqual(normaliseSeed(2 ** 32 + 5), normaliseSeed(5));
  assert.equal(createRandom(-1).seed, 0xffffffff);
  assert.throws(() => createRandom(Number.NaN), RangeError);
});

test('next() is uniform in [0, 1)', () => {
  const values = take(3, 100_000);
  assert.ok(values.every((x) => x >= 0 && x < 1));
  const mean = values.reduce((s, x) => s + x, 0) / values.length;
  assert.ok(Math.abs(mean - 0.5) < 0.005, `mean ${mean}`);
  const deciles = new Array<number>(10).fill(0);
  for (const x of values) deciles[Math.floor(x * 10)]!++;
  for (const count of deciles) assert.ok(Math.abs(count - 10_000) < 500, `decile count ${count}`);
});

test('normal() has the requested mean and standard deviation', () => {
  const rng = createRandom(4);
  const values = Array.from({ length: 100_000 }, () => rng.normal(10, 2));
  const mean = values.reduce((s, x) => s + x, 0) / values.length;
  const sd = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / values.length);
  assert.ok(Math.abs(mean - 10) < 0.03, `mean ${mean}`);
  assert.ok(Math.abs(sd - 2) < 0.03, `sd ${sd}`);
});

test('int, uniform, pick, chance, weightedIndex and exponential stay in range with the right frequencies', () => {
  const rng = createRandom(5);
  const n = 50_000;
  let heads = 0;
  let expSum = 0;
  const picked = new Map<string, number>();
  const weighted = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const k = rng.int(3, 7);
    assert.ok(Number.isInteger(k) && k >= 3 && k < 7);
    const u = rng.uniform(-2, 2);
    assert.ok(u >= -2 && u < 2);
    const p = rng.pick(['a', 'b'] as const);
    picked.set(p, (picked.get(p) ?? 0) + 1);
    if (rng.chance(0.25)) heads++;
    weighted[rng.weightedIndex([1, 0, 3])]!++;
    expSum += rng.exponential(4);
  }
  assert.ok(Math.abs(heads / n - 0.25) < 0.01);
  assert.ok(Math.abs(picked.get('a')! / n - 0.5) < 0.01);
  assert.equal(weighted[1], 0);
  assert.ok(Math.abs(weighted[2]! / n - 0.75) < 0.01);
  assert.ok(Math.abs(expSum / n - 4) < 0.1);
  assert.throws(() => rng.pick([]), RangeError);
});

test('fork() gives an independent, reproducible stream', () => {
  const a = createRandom(6).fork();
  const b = createRandom(6).fork();
  const xs = Array.from({ length: 100 }, () => a.next());
  assert.deepEqual(xs, Array.from({ length: 100 }, () => b.next()));
  assert.notDeepEqual(xs, take(6, 100));
});
