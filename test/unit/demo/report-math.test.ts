import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { confusion, mean, percentile, percentiles, precision, recall, rocAuc } from '../../../src/demo/report-math.js';

describe('percentile (nearest rank)', () => {
  const sorted = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
  const table: [p: number, expected: number][] = [
    [0, 10],
    [10, 10],
    [11, 20],
    [50, 50],
    [51, 60],
    [90, 90],
    [99, 100],
    [100, 100],
  ];
  for (const [p, expected] of table) {
    test(`p${p} of 10..100 is ${expected}`, () => assert.equal(percentile(sorted, p), expected));
  }

  test('one value is every percentile; none is NaN', () => {
    assert.deepEqual(percentiles([7], [0, 50, 99, 100]), [7, 7, 7, 7]);
    assert.ok(Number.isNaN(percentile([], 50)));
  });

  test('percentiles sorts numerically, not as strings, and leaves its input alone', () => {
    const values = [100, 9, 25, 1000, 3];
    assert.deepEqual(percentiles(values, [20, 40, 60, 80, 100]), [3, 9, 25, 100, 1000]);
    assert.deepEqual(values, [100, 9, 25, 1000, 3]);
  });

  test('mean', () => {
    assert.equal(mean([1, 2, 3, 4]), 2.5);
    assert.ok(Number.isNaN(mean([])));
  });
});

describe('confusion, precision, recall', () => {
  test('counts each cell', () => {
    //              flagged:  1     1      0     0     1     0
    //              truth:    1     0      1     0     1     0
    const c = confusion([true, true, false, false, true, false], [true, false, true, false, true, false]);
    assert.deepEqual(c, { tp: 2, fp: 1, fn: 1, tn: 2 });
    assert.equal(precision(c), 2 / 3);
    assert.equal(recall(c), 2 / 3);
  });

  test('numbers work as booleans', () => {
    assert.deepEqual(confusion([1, 0, 1], [1, 1, 0]), { tp: 1, fp: 1, fn: 1, tn: 0 });
  });

  test('undefined ratios are NaN, not 0 or 1', () => {
    const nothingFlagged = confusion([false, false], [true, false]);
    assert.ok(Number.isNaN(precision(nothingFlagged)));
    assert.equal(recall(nothingFlagged), 0);
    const noPositives = confusion([true, false], [false, false]);
    assert.equal(precision(noPositives), 0);
    assert.ok(Number.isNaN(recall(noPositives)));
  });

  test('refuses lists of different lengths', () => {
    assert.throws(() => confusion([true], [true, false]), RangeError);
  });
});

describe('rocAuc', () => {
  const table: [name: string, scores: number[], truth: boolean[], expected: number][] = [
    ['perfect separation', [0.1, 0.2, 0.8, 0.9], [false, false, true, true], 1],
    ['perfectly wrong', [0.9, 0.8, 0.2, 0.1], [false, false, true, true], 0],
    ['all scores equal: a coin', [0.5, 0.5, 0.5, 0.5], [false, true, false, true], 0.5],
    // Positives 0.35, 0.8; negatives 0.1, 0.4: pairs (0.35>0.1 ✓, 0.35>0.4 ✗, 0.8>0.1 ✓, 0.8>0.4 ✓) = 3/4.
    ['one pair out of order', [0.1, 0.35, 0.4, 0.8], [false, true, false, true], 0.75],
    // A positive and a negative tie at 0.5: that pair counts one half. Pairs: (0.5 vs 0.5) ½, (0.5 vs 0.2) 1,
    // (0.9 vs 0.5) 1, (0.9 vs 0.2) 1 → 3.5/4.
    ['a tie between classes counts one half', [0.2, 0.5, 0.5, 0.9], [false, false, true, true], 0.875],
    // Positives 0.35, 0.8, 0.7 against negatives 0.1, 0.4, 0.7: 1 + 3 + 2½ = 6.5 of 9 pairs;
    // sklearn.metrics.roc_auc_score([0,0,1,1,0,1], [0.1,0.4,0.35,0.8,0.7,0.7]) = 0.7222….
    ['ties inside and across classes (sklearn agrees)', [0.1, 0.4, 0.35, 0.8, 0.7, 0.7], [false, false, true, true, false, true], 6.5 / 9],
  ];
  for (const [name, scores, truth, expected] of table) {
    test(name, () => assert.ok(Math.abs(rocAuc(scores, truth) - expected) < 1e-12, `${rocAuc(scores, truth)} ≠ ${expected}`));
  }

  test('is NaN when a class is missing', () => {
    assert.ok(Number.isNaN(rocAuc([0.1, 0.2], [true, true])));
    assert.ok(Number.isNaN(rocAuc([0.1, 0.2], [false, false])));
    assert.ok(Number.isNaN(rocAuc([], [])));
  });

  test('does not depend on the order of the rows', () => {
    const scores = [0.3, 0.9, 0.1, 0.65, 0.65, 0.2, 0.8];
    const truth = [false, true, false, true, false, false, true];
    const order = [6, 2, 4, 0, 5, 1, 3];
    assert.equal(rocAuc(order.map((i) => scores[i]!), order.map((i) => truth[i]!)), rocAuc(scores, truth));
  });
});
