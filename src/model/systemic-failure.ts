import { MIN_SYSTEMIC_SAMPLE_ROWS } from '../config/schema.js';

/**
 * How many rows of a window of `rows` may fail on their own before bisecting it can stop: past that
 * the window alone proves the failure systemic. A window under `minRows` never proves it alone.
 */
export function bisectionBudget(rows: number, ratio: number, minRows = MIN_SYSTEMIC_SAMPLE_ROWS): number {
  return rows >= minRows ? Math.floor(ratio * rows) : Infinity;
}

interface Sample {
  rows: number;
  failed: number;
}

/**
 * Tells a broken model from bad rows (docs/exactly-once.md, "A model run that throws"): a window's
 * failure is systemic when more than `ratio` of its rows fail the model run on their own. A window
 * under `minRows` rows is judged together with the windows accepted just before it, so that a
 * trickle of one-row windows through a broken model dead-letters at most about `minRows` rows.
 * Pure; lives on the main thread, which sees every window in order.
 */
export class SystemicFailureJudge {
  /** Windows accepted lately, oldest first; together just over `minRows` rows. */
  private readonly recent: Sample[] = [];

  constructor(private readonly ratio: number, private readonly minRows = MIN_SYSTEMIC_SAMPLE_ROWS) {}

  isSystemic(rows: number, failed: number): boolean {
    if (failed === 0) return false;
    let sampleRows = rows;
    let sampleFailed = failed;
    for (let i = this.recent.length - 1; i >= 0 && sampleRows < this.minRows; i--) {
      sampleRows += this.recent[i].rows;
      sampleFailed += this.recent[i].failed;
    }
    return sampleRows >= this.minRows && sampleFailed > this.ratio * sampleRows;
  }

  /** A window whose failures were taken as the rows' own (dead-lettered). */
  accept(rows: number, failed: number): void {
    if (rows === 0) return;
    this.recent.push({ rows, failed });
    let total = this.recent.reduce((sum, s) => sum + s.rows, 0);
    while (this.recent.length > 1 && total - this.recent[0].rows >= this.minRows) total -= this.recent.shift()!.rows;
  }
}
