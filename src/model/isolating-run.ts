import type { FeatureTensor } from '../features/feature-mapper.js';
import { sliceRows, type ModelRun, type OutputTensor } from './batched-run.js';

/** Outputs of the rows [start, end) of a window, from one model run. */
export interface RunPart {
  start: number;
  end: number;
  outputs: Record<string, OutputTensor>;
}

export interface IsolatedRun {
  /** Outputs of every row range that ran, in row order; together with `failedRows` they cover the window. */
  parts: RunPart[];
  /** Rows the run throws on by themselves → the runtime's message. */
  failedRows: Map<number, string>;
  /** Model runs made, the first (whole window) included. */
  runs: number;
  /** Bisection stopped early because more rows failed than `giveUpAfter` allows: the failure looks systemic. */
  gaveUp: boolean;
}

/** More rows failed than the caller allows: stop bisecting. */
class GiveUp extends Error {}

/**
 * Scores a window in one run; if that run throws, bisects: runs halves, then quarters, and so on,
 * until the rows the run fails on are isolated, one row each. Every other row is scored in some run.
 *
 * A row is blamed only when a run of that row alone throws, so a failure that depends on the batch
 * (not on a row) blames nobody. If a range failed and its left half ran whole, its right half must
 * hold a failing row and is split without being run whole first: k failing rows in n cost at most
 * about 2·k·log2(n) extra runs (docs/exactly-once.md, "A model run that throws").
 */
export async function runIsolatingFailures(run: ModelRun, tensors: FeatureTensor[], giveUpAfter = Infinity): Promise<IsolatedRun> {
  const rows = tensors[0]?.dims[0] ?? 0;
  const result: IsolatedRun = { parts: [], failedRows: new Map(), runs: 0, gaveUp: false };

  /** Resolves true if [start, end) ran as one piece. */
  const visit = async (start: number, end: number, knownToFail: boolean): Promise<boolean> => {
    if (!knownToFail || end - start === 1) {
      result.runs++;
      try {
        result.parts.push({ start, end, outputs: await run(tensors.map((t) => sliceRows(t, start, end))) });
        return true;
      } catch (error) {
        if (end - start === 1) {
          result.failedRows.set(start, error instanceof Error ? error.message : String(error));
          if (result.failedRows.size > giveUpAfter) throw new GiveUp();
          return false;
        }
      }
    }
    const middle = start + Math.floor((end - start) / 2);
    const leftRan = await visit(start, middle, false);
    // This range fails: if its left half ran whole, the failing rows are in the right half.
    await visit(middle, end, leftRan);
    return false;
  };

  if (rows === 0) return result;
  try {
    await visit(0, rows, false);
  } catch (error) {
    if (!(error instanceof GiveUp)) throw error;
    result.gaveUp = true;
  }
  return result;
}
