/**
 * `--start-time` values for tests of `streamscore generate` that fit at any hour of the day.
 *
 * A fixed offset does not: the fraud scenario's traffic follows the time of day, so 300 night-time
 * transactions started "an hour ago" spanned over two hours of event time and reached past the
 * topic's one-hour limit for future timestamps (P0 issue 10, at 23:18 UTC). The start is computed
 * from the runs themselves instead, so every one of them ends by `now`.
 */
import { startEndingAt } from '../../src/generate/event-times.js';
import type { ScenarioName } from '../../src/generate/scenarios.js';

/** One `streamscore generate` run of a test, with the options that decide its event times. */
export interface GenerateRun {
  scenario: ScenarioName;
  seed: number;
  /** --anomaly-rate / --fraud-rate; the scenario's default when absent. */
  rate?: number;
  count: number;
}

/** One start time (ISO-8601) from which each of the runs ends at most at `now`. */
export function historyStart(runs: GenerateRun[], now: number): string {
  const starts = runs.map((run) => startEndingAt(run.scenario, { seed: run.seed, rate: run.rate }, run.count, now));
  return new Date(Math.min(...starts)).toISOString();
}
