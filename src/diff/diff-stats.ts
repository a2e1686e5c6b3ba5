import { QuantileSketch } from './quantile-sketch.js';
import { CALIBRATION_BINS, calibrationBin, DISTRIBUTION_BINS, distributionBin, ROC_BINS, rocBin, rocFromBins, type RocSummary } from './score-bins.js';

/**
 * The comparison of two models over a range, accumulated one record at a time in memory that does
 * not grow with the range (fixed bins, a quantile sketch, the few largest flips). Pure: the diff run
 * feeds it joined rows; `summary()` is the report's numbers.
 */

/** One model's answer for one record: a score (and the flag at its threshold), or why there is none. */
export type SideResult =
  | { ok: true; score: number; flag: boolean | null }
  | { ok: false; code: string };

export interface DiffRow {
  partition: number;
  offset: string;
  candidate: SideResult;
  champion: SideResult;
  /** Where the champion's answer came from: the predictions topic, or scored again in this run. */
  championSource: 'recorded' | 'recomputed';
  /** Ground truth from the record's headers (src/generate/truth-headers.ts), when it carries some. */
  truth?: { positive: boolean; kind: string };
}

export interface Flip {
  partition: number;
  offset: string;
  champion: number;
  candidate: number;
  delta: number;
}

/** Flips kept as examples per direction: the largest |Δscore|. */
export const FLIP_EXAMPLES = 20;

export interface ModelQuality {
  threshold: number | null;
  confusion: { tp: number; fp: number; fn: number; tn: number } | null;
  precision: number | null;
  recall: number | null;
  rocAuc: number | null;
  /** Per injected kind: positives of that kind and how many this model flagged. */
  recallByKind: Record<string, { positives: number; flagged: number; recall: number | null }>;
  roc: RocSummary['points'];
  /** Reliability: per score bin of width 0.1, records, mean score and the share that is positive. */
  calibration: { from: number; to: number; records: number; meanScore: number | null; positiveRate: number | null }[];
}

export interface DiffSummary {
  compared: number;
  championRecorded: number;
  championRecomputed: number;
  /** Records without a score on one side or both, counted by reason ("candidate ERR_…", "champion ERR_…"). */
  missing: { total: number; byReason: Record<string, number> };
  delta: { mean: number | null; p50: number | null; p99: number | null; max: number | null; quantileRelativeAccuracy: number };
  flips: {
    /** Champion did not flag, candidate flags. */
    toFlagged: { count: number; examples: Flip[] };
    /** Champion flagged, candidate does not. */
    toUnflagged: { count: number; examples: Flip[] };
  };
  distributions: { binWidth: number; champion: number[]; candidate: number[] };
  /** Over the compared records that carry ground truth; null when none does. */
  quality: { records: number; positives: number; champion: ModelQuality; candidate: ModelQuality } | null;
}

class ModelAccumulator {
  readonly histogram = new Array<number>(DISTRIBUTION_BINS).fill(0);
  private readonly rocPositives = new Float64Array(ROC_BINS);
  private readonly rocNegatives = new Float64Array(ROC_BINS);
  private readonly calibrationCount = new Float64Array(CALIBRATION_BINS);
  private readonly calibrationScore = new Float64Array(CALIBRATION_BINS);
  private readonly calibrationPositive = new Float64Array(CALIBRATION_BINS);
  private readonly confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  private flagged = 0;
  private unflaggable = 0;
  private readonly kinds = new Map<string, { positives: number; flagged: number }>();

  constructor(private readonly threshold: number | null) {}

  add(score: number, flag: boolean | null, truth: DiffRow['truth']): void {
    this.histogram[distributionBin(score)]++;
    if (!truth) return;
    (truth.positive ? this.rocPositives : this.rocNegatives)[rocBin(score)]++;
    const bin = calibrationBin(score);
    this.calibrationCount[bin]++;
    this.calibrationScore[bin] += score;
    if (truth.positive) this.calibrationPositive[bin]++;
    if (flag === null) {
      this.unflaggable++;
      return;
    }
    if (flag) this.flagged++;
    if (flag && truth.positive) this.confusion.tp++;
    else if (flag) this.confusion.fp++;
    else if (truth.positive) this.confusion.fn++;
    else this.confusion.tn++;
    if (truth.positive) {
      const kind = this.kinds.get(truth.kind) ?? { positives: 0, flagged: 0 };
      kind.positives++;
      if (flag) kind.flagged++;
      this.kinds.set(truth.kind, kind);
    }
  }

  quality(): ModelQuality {
    const c = this.confusion;
    const hasFlags = this.unflaggable === 0 && this.threshold !== null;
    const roc = rocFromBins(this.rocPositives, this.rocNegatives);
    const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);
    return {
      threshold: this.threshold,
      confusion: hasFlags ? { ...c } : null,
      precision: hasFlags ? ratio(c.tp, c.tp + c.fp) : null,
      recall: hasFlags ? ratio(c.tp, c.tp + c.fn) : null,
      rocAuc: Number.isNaN(roc.auc) ? null : roc.auc,
      recallByKind: hasFlags
        ? Object.fromEntries([...this.kinds].sort(([a], [b]) => a.localeCompare(b)).map(([kind, k]) => [kind, { ...k, recall: ratio(k.flagged, k.positives) }]))
        : {},
      roc: roc.points,
      calibration: Array.from({ length: CALIBRATION_BINS }, (_, i) => ({
        from: i / CALIBRATION_BINS,
        to: (i + 1) / CALIBRATION_BINS,
        records: this.calibrationCount[i]!,
        meanScore: ratio(this.calibrationScore[i]!, this.calibrationCount[i]!),
        positiveRate: ratio(this.calibrationPositive[i]!, this.calibrationCount[i]!),
      })),
    };
  }
}

/** Keeps the `limit` flips with the largest |Δscore| (ties: lower partition, then offset, first). */
class TopFlips {
  readonly kept: Flip[] = [];
  count = 0;

  constructor(private readonly limit: number) {}

  add(flip: Flip): void {
    this.count++;
    if (this.kept.length === this.limit && compareFlips(flip, this.kept[this.kept.length - 1]!) >= 0) return;
    let i = this.kept.length;
    while (i > 0 && compareFlips(flip, this.kept[i - 1]!) < 0) i--;
    this.kept.splice(i, 0, flip);
    if (this.kept.length > this.limit) this.kept.pop();
  }
}

function compareFlips(a: Flip, b: Flip): number {
  const byDelta = Math.abs(b.delta) - Math.abs(a.delta);
  if (byDelta !== 0) return byDelta;
  if (a.partition !== b.partition) return a.partition - b.partition;
  const [x, y] = [BigInt(a.offset), BigInt(b.offset)];
  return x < y ? -1 : x > y ? 1 : 0;
}

export class DiffStats {
  private compared = 0;
  private recorded = 0;
  private recomputed = 0;
  private readonly missing = new Map<string, number>();
  private missingTotal = 0;
  private deltaSum = 0;
  private deltaMax = Number.NEGATIVE_INFINITY;
  private readonly sketch = new QuantileSketch(0.001);
  private readonly toFlagged = new TopFlips(FLIP_EXAMPLES);
  private readonly toUnflagged = new TopFlips(FLIP_EXAMPLES);
  private readonly champion: ModelAccumulator;
  private readonly candidate: ModelAccumulator;
  private truthRecords = 0;
  private truthPositives = 0;

  constructor(thresholds: { champion: number | null; candidate: number | null }) {
    this.champion = new ModelAccumulator(thresholds.champion);
    this.candidate = new ModelAccumulator(thresholds.candidate);
  }

  add(row: DiffRow): void {
    const { candidate, champion } = row;
    if (!candidate.ok || !champion.ok) {
      const reasons = [...(champion.ok ? [] : [`champion ${champion.code}`]), ...(candidate.ok ? [] : [`candidate ${candidate.code}`])];
      const reason = reasons.join(', ');
      this.missing.set(reason, (this.missing.get(reason) ?? 0) + 1);
      this.missingTotal++;
      return;
    }
    this.compared++;
    if (row.championSource === 'recorded') this.recorded++;
    else this.recomputed++;
    const delta = candidate.score - champion.score;
    const magnitude = Math.abs(delta);
    this.deltaSum += magnitude;
    if (magnitude > this.deltaMax) this.deltaMax = magnitude;
    this.sketch.add(magnitude);
    if (champion.flag === false && candidate.flag === true) this.toFlagged.add(flipOf(row, champion.score, candidate.score));
    if (champion.flag === true && candidate.flag === false) this.toUnflagged.add(flipOf(row, champion.score, candidate.score));
    this.champion.add(champion.score, champion.flag, row.truth);
    this.candidate.add(candidate.score, candidate.flag, row.truth);
    if (row.truth) {
      this.truthRecords++;
      if (row.truth.positive) this.truthPositives++;
    }
  }

  summary(): DiffSummary {
    const n = this.compared;
    return {
      compared: n,
      championRecorded: this.recorded,
      championRecomputed: this.recomputed,
      missing: { total: this.missingTotal, byReason: Object.fromEntries([...this.missing].sort(([a], [b]) => a.localeCompare(b))) },
      delta: {
        mean: n ? this.deltaSum / n : null,
        p50: n ? this.sketch.percentile(50) : null,
        p99: n ? this.sketch.percentile(99) : null,
        max: n ? this.deltaMax : null,
        quantileRelativeAccuracy: this.sketch.relativeAccuracy,
      },
      flips: {
        toFlagged: { count: this.toFlagged.count, examples: [...this.toFlagged.kept] },
        toUnflagged: { count: this.toUnflagged.count, examples: [...this.toUnflagged.kept] },
      },
      distributions: { binWidth: 1 / DISTRIBUTION_BINS, champion: [...this.champion.histogram], candidate: [...this.candidate.histogram] },
      quality: this.truthRecords === 0 ? null : {
        records: this.truthRecords,
        positives: this.truthPositives,
        champion: this.champion.quality(),
        candidate: this.candidate.quality(),
      },
    };
  }
}

function flipOf(row: DiffRow, champion: number, candidate: number): Flip {
  return { partition: row.partition, offset: row.offset, champion, candidate, delta: candidate - champion };
}
