/**
 * The statistics of the demo report, as pure functions (tested with small tables in
 * test/unit/demo/report-math.test.ts).
 */

/**
 * The p-th percentile (0–100) by the nearest-rank method: the smallest value such that at least
 * p% of the values are ≤ it. `sorted` must be in ascending order. NaN for no values.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (p <= 0) return sorted[0]!;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

/** Sorts a copy ascending (numerically) and reads several percentiles from it. */
export function percentiles(values: ArrayLike<number>, ps: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort();
  return ps.map((p) => percentile(sorted, p));
}

export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

/** Counts of flagged/not flagged against positive/negative truth. */
export function confusion(flags: ArrayLike<boolean | number>, positives: ArrayLike<boolean | number>): Confusion {
  if (flags.length !== positives.length) throw new RangeError(`confusion: ${flags.length} flags for ${positives.length} labels`);
  const c: Confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (let i = 0; i < flags.length; i++) {
    const flagged = Boolean(flags[i]);
    const positive = Boolean(positives[i]);
    if (flagged && positive) c.tp++;
    else if (flagged) c.fp++;
    else if (positive) c.fn++;
    else c.tn++;
  }
  return c;
}

/** tp / (tp + fp); NaN when nothing was flagged. */
export function precision(c: Confusion): number {
  return c.tp + c.fp === 0 ? Number.NaN : c.tp / (c.tp + c.fp);
}

/** tp / (tp + fn); NaN when there are no positives. */
export function recall(c: Confusion): number {
  return c.tp + c.fn === 0 ? Number.NaN : c.tp / (c.tp + c.fn);
}

/**
 * Area under the ROC curve: the probability that a random positive scores higher than a random
 * negative, ties counting one half (the Mann–Whitney U statistic over n⁺·n⁻, with tied scores
 * given their average rank). NaN when either class is empty.
 */
export function rocAuc(scores: ArrayLike<number>, positives: ArrayLike<boolean | number>): number {
  const n = scores.length;
  if (n !== positives.length) throw new RangeError(`rocAuc: ${n} scores for ${positives.length} labels`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positiveCount = 0;
  let positiveRankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && scores[order[end]!] === scores[order[start]!]) end++;
    // Ranks start..end-1 (0-based) share the score: each gets the average 1-based rank.
    const averageRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) {
      if (positives[order[k]!]) {
        positiveCount++;
        positiveRankSum += averageRank;
      }
    }
    start = end;
  }
  const negativeCount = n - positiveCount;
  if (positiveCount === 0 || negativeCount === 0) return Number.NaN;
  const u = positiveRankSum - (positiveCount * (positiveCount + 1)) / 2;
  return u / (positiveCount * negativeCount);
}
