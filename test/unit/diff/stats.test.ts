import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { percentile, rocAuc } from '../../../src/demo/report-math.js';
import { DiffStats } from '../../../src/diff/diff-stats.js';
import { QuantileSketch } from '../../../src/diff/quantile-sketch.js';
import { ROC_BINS, rocBin, rocFromBins } from '../../../src/diff/score-bins.js';

/** A small seeded generator (mulberry32): the tables below are the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('QuantileSketch', () => {
  it('reads nearest-rank percentiles within its relative accuracy', () => {
    const next = random(1);
    const values = Array.from({ length: 20_000 }, () => (next() < 0.1 ? 0 : next() ** 6));
    const sketch = new QuantileSketch(0.001);
    for (const v of values) sketch.add(v);
    const sorted = Float64Array.from(values).sort();
    for (const p of [1, 10, 50, 90, 99, 100]) {
      const exact = percentile(sorted, p);
      const approx = sketch.percentile(p);
      assert.ok(Math.abs(approx - exact) <= exact * 0.001 * (1 + 1e-9), `p${p}: ${approx} vs ${exact}`);
    }
    assert.equal(new QuantileSketch().percentile(50), Number.NaN);
  });
});

describe('ROC from bins', () => {
  it('is within half the share of tied pairs of the exact AUC, and exact when no bin mixes classes', () => {
    const next = random(2);
    const scores: number[] = [];
    const labels: boolean[] = [];
    for (let i = 0; i < 5_000; i++) {
      const positive = next() < 0.1;
      labels.push(positive);
      scores.push(positive ? next() ** 0.5 : next() ** 4);
    }
    const pos = new Float64Array(ROC_BINS);
    const neg = new Float64Array(ROC_BINS);
    scores.forEach((s, i) => (labels[i] ? pos : neg)[rocBin(s)]++);
    let tiedPairs = 0;
    for (let b = 0; b < ROC_BINS; b++) tiedPairs += pos[b]! * neg[b]!;
    const p = labels.filter(Boolean).length;
    const bound = (0.5 * tiedPairs) / (p * (labels.length - p));
    const { auc, points } = rocFromBins(pos, neg);
    assert.ok(Math.abs(auc - rocAuc(scores, labels)) <= bound + 1e-12, `${auc} vs ${rocAuc(scores, labels)} (bound ${bound})`);
    assert.deepEqual([points[0]!.fpr, points[0]!.tpr], [0, 0]);
    assert.deepEqual([points.at(-1)!.fpr, points.at(-1)!.tpr], [1, 1]);
    assert.equal(rocFromBins([1, 0], [0, 1]).auc, 0);
    assert.equal(rocFromBins([0, 1], [1, 0]).auc, 1);
  });

  it('keeps the order of scores across bins, small ones included', () => {
    const scores = [0, 1e-12, 1e-9, 1e-6, 0.001, 0.1, 0.5, 0.9, 0.999999, 1];
    const bins = scores.map(rocBin);
    assert.deepEqual([...bins].sort((a, b) => a - b), bins);
    assert.ok(rocBin(1e-6) < rocBin(1.02e-6), 'two percent apart near 0: other bins');
  });
});

describe('DiffStats', () => {
  it('counts comparisons, missing sides by reason, flips each way and deltas', () => {
    const stats = new DiffStats({ champion: 0.5, candidate: 0.4 });
    const side = (score: number, threshold: number) => ({ ok: true as const, score, flag: score >= threshold });
    const rows: [number, number, boolean][] = [[0.1, 0.45, true], [0.6, 0.3, false], [0.7, 0.7, true], [0.2, 0.2, false]];
    rows.forEach(([champion, candidate, positive], i) => stats.add({
      partition: 0, offset: String(i), champion: side(champion, 0.5), candidate: side(candidate, 0.4), championSource: i % 2 ? 'recorded' : 'recomputed', truth: { positive, kind: positive ? 'spike' : 'none' },
    }));
    stats.add({ partition: 1, offset: '9', champion: { ok: false, code: 'ERR_FEATURE_MISSING' }, candidate: { ok: false, code: 'ERR_FEATURE_MISSING' }, championSource: 'recomputed' });
    const s = stats.summary();
    assert.equal(s.compared, 4);
    assert.deepEqual([s.championRecorded, s.championRecomputed], [2, 2]);
    assert.deepEqual(s.missing, { total: 1, byReason: { 'champion ERR_FEATURE_MISSING, candidate ERR_FEATURE_MISSING': 1 } });
    assert.equal(s.flips.toFlagged.count, 1);
    assert.equal(s.flips.toUnflagged.count, 1);
    assert.deepEqual(s.flips.toFlagged.examples.map((f) => f.offset), ['0']);
    assert.ok(Math.abs(s.delta.mean! - (0.35 + 0.3 + 0 + 0) / 4) < 1e-12);
    assert.equal(s.delta.max, 0.35);
    assert.deepEqual(s.quality!.champion.confusion, { tp: 1, fp: 1, fn: 1, tn: 1 });
    assert.deepEqual(s.quality!.candidate.confusion, { tp: 2, fp: 0, fn: 0, tn: 2 });
    assert.deepEqual(s.quality!.candidate.recallByKind, { spike: { positives: 2, flagged: 2, recall: 1 } });
  });
});
