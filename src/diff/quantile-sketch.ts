/**
 * Quantiles of a stream of non-negative numbers in memory that does not grow with the stream: a
 * log-bucket sketch (DDSketch, Masson et al., VLDB 2019, https://arxiv.org/abs/1908.10693).
 * A value x > 0 falls in bucket i = ⌈log_γ x⌉ with γ = (1 + α) / (1 − α); the bucket's estimate
 * 2γ^i / (γ + 1) is within relative error α of every value in it. So a quantile read from the
 * sketch is within α (relative) of the exact nearest-rank quantile. Values below `zeroBelow` count
 * as 0 (the exact answer is then within `zeroBelow` absolute).
 *
 * Buckets: about ln(max / zeroBelow) / (2α); for |Δscore| of probabilities with α = 0.001 and
 * zeroBelow = 1e-12, at most ~14,000, whatever the number of values.
 */
export class QuantileSketch {
  private readonly gamma: number;
  private readonly logGamma: number;
  private readonly buckets = new Map<number, number>();
  private zeros = 0;
  private total = 0;

  constructor(readonly relativeAccuracy = 0.001, readonly zeroBelow = 1e-12) {
    if (!(relativeAccuracy > 0 && relativeAccuracy < 1)) throw new RangeError(`relativeAccuracy must be in (0, 1), got ${relativeAccuracy}`);
    this.gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
    this.logGamma = Math.log(this.gamma);
  }

  get count(): number {
    return this.total;
  }

  add(value: number): void {
    if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(`QuantileSketch takes finite values ≥ 0, got ${value}`);
    this.total++;
    if (value < this.zeroBelow) {
      this.zeros++;
      return;
    }
    const index = Math.ceil(Math.log(value) / this.logGamma);
    this.buckets.set(index, (this.buckets.get(index) ?? 0) + 1);
  }

  /**
   * The p-th percentile (0–100) by nearest rank (the smallest value with at least p% of the values
   * ≤ it, as src/demo/report-math.ts `percentile`), within the sketch's accuracy. NaN when empty.
   */
  percentile(p: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.max(1, Math.min(this.total, Math.ceil((p / 100) * this.total)));
    if (rank <= this.zeros) return 0;
    let seen = this.zeros;
    for (const index of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(index)!;
      if (seen >= rank) return (2 * this.gamma ** index) / (this.gamma + 1);
    }
    // Unreachable: the buckets hold every non-zero value.
    return Number.NaN;
  }
}
