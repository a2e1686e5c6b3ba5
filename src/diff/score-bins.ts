/**
 * Fixed bins over scores, so that distributions, ROC curves and calibration of any number of
 * records fit in a few arrays. Pure.
 *
 * Scores are taken to be probabilities in [0, 1] (what `model.outputs.score` is for every shipped
 * model); a score outside is counted in the first or last bin.
 */

/** Bins of the distribution plot: 50 of width 0.02. */
export const DISTRIBUTION_BINS = 50;

/**
 * ROC bins are uniform in log-odds, ln(s / (1 − s)) from −ROC_LOGIT_SPAN to +ROC_LOGIT_SPAN, plus one
 * bin below and one above: a classifier's negatives crowd near 0 (scores of 1e-6 are common), where
 * uniform bins in s would put most of them in one bin and blur the ranking. A bin 0.01 wide in
 * log-odds spans about 1% of a small score.
 */
export const ROC_LOGIT_SPAN = 20;
export const ROC_BIN_WIDTH = 0.01;
export const ROC_BINS = Math.round((2 * ROC_LOGIT_SPAN) / ROC_BIN_WIDTH) + 2;

/** Calibration: 10 bins of width 0.1 (a reliability diagram). */
export const CALIBRATION_BINS = 10;

function clampIndex(index: number, bins: number): number {
  return index < 0 ? 0 : index >= bins ? bins - 1 : index;
}

export function distributionBin(score: number): number {
  return clampIndex(Math.floor(score * DISTRIBUTION_BINS), DISTRIBUTION_BINS);
}

export function calibrationBin(score: number): number {
  return clampIndex(Math.floor(score * CALIBRATION_BINS), CALIBRATION_BINS);
}

/** Order-preserving: a higher score never falls in a lower bin. */
export function rocBin(score: number): number {
  if (!(score > 0)) return 0;
  if (score >= 1) return ROC_BINS - 1;
  const logit = Math.log(score) - Math.log1p(-score);
  if (logit < -ROC_LOGIT_SPAN) return 0;
  if (logit >= ROC_LOGIT_SPAN) return ROC_BINS - 1;
  return clampIndex(1 + Math.floor((logit + ROC_LOGIT_SPAN) / ROC_BIN_WIDTH), ROC_BINS);
}

/** The lowest score of ROC bin `index` (a threshold at which the curve has a point). */
export function rocBinFloor(index: number): number {
  if (index <= 0) return 0;
  if (index >= ROC_BINS - 1) return 1 / (1 + Math.exp(-ROC_LOGIT_SPAN));
  const logit = -ROC_LOGIT_SPAN + (index - 1) * ROC_BIN_WIDTH;
  return 1 / (1 + Math.exp(-logit));
}

export interface RocSummary {
  /** Area under the curve; records in one bin count as ties (one half). NaN when a class is empty. */
  auc: number;
  /** Points (false-positive rate, true-positive rate, threshold), thresholds descending, at most ~maxPoints. */
  points: { fpr: number; tpr: number; threshold: number }[];
}

/**
 * ROC from per-bin counts of positives and negatives. Walking the bins from the highest score down,
 * each bin adds a straight segment (the trapezoid rule): the area is exactly the Mann–Whitney
 * statistic with every pair in one bin counted as a tie, so it differs from the exact AUC by at most
 * half the share of positive–negative pairs that share a bin.
 */
export function rocFromBins(positives: ArrayLike<number>, negatives: ArrayLike<number>, maxPoints = 200): RocSummary {
  let p = 0;
  let n = 0;
  for (let i = 0; i < positives.length; i++) {
    p += positives[i]!;
    n += negatives[i]!;
  }
  if (p === 0 || n === 0) return { auc: Number.NaN, points: [] };
  const all: RocSummary['points'] = [{ fpr: 0, tpr: 0, threshold: Number.POSITIVE_INFINITY }];
  let tp = 0;
  let fp = 0;
  let area = 0;
  for (let i = positives.length - 1; i >= 0; i--) {
    const dp = positives[i]!;
    const dn = negatives[i]!;
    if (dp === 0 && dn === 0) continue;
    area += dn * (tp + dp / 2);
    tp += dp;
    fp += dn;
    all.push({ fpr: fp / n, tpr: tp / p, threshold: rocBinFloor(i) });
  }
  // Thin the curve for the plot, keeping its ends and the points where it moves most.
  const step = Math.max(1, Math.ceil(all.length / maxPoints));
  const points = all.filter((_, i) => i % step === 0 || i === all.length - 1);
  return { auc: area / (p * n), points };
}
