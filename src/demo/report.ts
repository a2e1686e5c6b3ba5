/**
 * The demo's report for one scenario: what went in and came out, how windows formed, how fast,
 * how late, how well the model did against the ground truth, and whether anything went wrong.
 */
import type { ScenarioName } from '../generate/scenarios.js';
import type { ScenarioCollector } from './collector.js';
import type { PipelineWatch } from './pipeline-watch.js';
import { confusion, percentiles, precision, recall, rocAuc, type Confusion } from './report-math.js';

export interface ScenarioReport {
  scenario: ScenarioName;
  model: string;
  topics: { input: string; output: string; deadLetters: string };
  requested: number;
  produced: number;
  recordsIn: number;
  predictions: number;
  deadLetters: number;
  windows: { count: number; meanRecords: number; reasons: Record<string, number> };
  /** Predictions per second from the first input appended to the last prediction visible. */
  throughput: { recordsPerSecond: number; spanSeconds: number };
  /** Mean time per window in each stage, ms (commit: the slowest of the window's partition transactions). */
  meanStageMs: { decode: number; features: number; inference: number; encode: number; commit: number };
  /** Input append time → prediction visible to a read_committed consumer, ms. */
  latencyMs: { p50: number; p99: number; max: number };
  quality: { threshold: number | undefined; positives: number; confusion: Confusion; precision: number; recall: number; rocAuc: number; recallByKind: Record<string, number> };
  abortedTransactions: number;
  /** Everything that makes the run a failure; empty when it passed. */
  failures: string[];
}

export interface ReportInputs {
  scenario: ScenarioName;
  model: string;
  threshold: number | undefined;
  requested: number;
  produced: number;
  collector: ScenarioCollector;
  watch: PipelineWatch;
  /** Set when the run did not get to the end (interrupted, timed out). */
  incomplete?: string;
}

export function buildReport(inputs: ReportInputs): ScenarioReport {
  const { collector, watch } = inputs;
  const scores: number[] = [];
  const flags: boolean[] = [];
  const positives: boolean[] = [];
  const latencies: number[] = [];
  const kinds = new Map<string, { total: number; flagged: number }>();
  let unmatched = 0;
  let firstAppend = Infinity;
  let lastVisible = -Infinity;
  for (const input of collector.inputs.values()) firstAppend = Math.min(firstAppend, input.timestamp);
  for (const [source, p] of collector.predictions) {
    const input = collector.inputs.get(source);
    if (!input) {
      unmatched++;
      continue;
    }
    scores.push(p.score);
    flags.push(p.flag);
    positives.push(input.positive);
    latencies.push(p.visibleAt - p.sourceTimestamp);
    lastVisible = Math.max(lastVisible, p.visibleAt);
    if (input.positive) {
      const k = kinds.get(input.kind) ?? { total: 0, flagged: 0 };
      k.total++;
      if (p.flag) k.flagged++;
      kinds.set(input.kind, k);
    }
  }
  const [p50, p99, max] = percentiles(latencies, [50, 99, 100]);
  const matrix = confusion(flags, positives);
  const spanSeconds = Math.max(0.001, (lastVisible - firstAppend) / 1000);

  const failures: string[] = [];
  if (inputs.incomplete) failures.push(inputs.incomplete);
  if (inputs.produced < inputs.requested) failures.push(`produced ${inputs.produced} of ${inputs.requested} records`);
  const unscored = collector.inputs.size - collector.accountedFor;
  if (unscored > 0) failures.push(`${unscored} input records have neither a prediction nor a dead letter`);
  if (collector.deadLetters > 0) failures.push(`${collector.deadLetters} dead letters on clean generated data (${[...watch.deadLetterCodes].map(([c, n]) => `${c} ×${n}`).join(', ')})`);
  if (collector.duplicates > 0) failures.push(`${collector.duplicates} input records have more than one prediction (exactly-once broken)`);
  if (unmatched > 0) failures.push(`${unmatched} predictions name a source record that was never produced`);
  if (collector.malformed > 0) failures.push(`${collector.malformed} records without truth headers or undecodable predictions`);
  failures.push(...watch.problems);

  return {
    scenario: inputs.scenario,
    model: inputs.model,
    topics: collector.topics,
    requested: inputs.requested,
    produced: inputs.produced,
    recordsIn: collector.inputs.size,
    predictions: collector.predictions.size,
    deadLetters: collector.deadLetters,
    windows: { count: watch.windows.count, meanRecords: watch.windows.count ? watch.windows.records / watch.windows.count : 0, reasons: watch.windows.reasons },
    throughput: { recordsPerSecond: scores.length / spanSeconds, spanSeconds },
    meanStageMs: {
      decode: watch.stageMs.decode / Math.max(1, watch.windows.count),
      features: watch.stageMs.features / Math.max(1, watch.windows.count),
      inference: watch.stageMs.inference / Math.max(1, watch.windows.count),
      encode: watch.stageMs.encode / Math.max(1, watch.windows.count),
      commit: watch.stageMs.commit / Math.max(1, watch.windows.count),
    },
    latencyMs: { p50: p50!, p99: p99!, max: max! },
    quality: {
      threshold: inputs.threshold,
      positives: matrix.tp + matrix.fn,
      confusion: matrix,
      precision: precision(matrix),
      recall: recall(matrix),
      rocAuc: rocAuc(scores, positives),
      recallByKind: Object.fromEntries([...kinds].sort(([a], [b]) => a.localeCompare(b)).map(([kind, k]) => [kind, k.flagged / k.total])),
    },
    abortedTransactions: watch.aborted,
    failures,
  };
}

const count = (n: number): string => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, digits: number): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const ms = (n: number): string => (Number.isFinite(n) ? `${count(n)} ms` : 'n/a');

/** A few aligned lines per scenario, for people. */
export function formatReport(report: ScenarioReport): string {
  const q = report.quality;
  const c = q.confusion;
  const reasons = Object.entries(report.windows.reasons).sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${reason} ${count(n)}`).join(', ');
  const positiveName = report.scenario === 'iot' ? 'anomalies' : 'frauds';
  const lines = [
    `${report.scenario}: ${report.model}  ${report.topics.input} → ${report.topics.output}`,
    `  records in       ${count(report.recordsIn)}   predictions out ${count(report.predictions)}   dead letters ${count(report.deadLetters)}`,
    `  windows          ${count(report.windows.count)}, mean ${fixed(report.windows.meanRecords, 1)} records; closed by ${reasons || 'n/a'}`,
    `  per window       decode ${fixed(report.meanStageMs.decode, 1)} ms, features ${fixed(report.meanStageMs.features, 1)} ms, inference ${fixed(report.meanStageMs.inference, 1)} ms, encode ${fixed(report.meanStageMs.encode, 1)} ms, commit ${fixed(report.meanStageMs.commit, 1)} ms (mean)`,
    `  throughput       ${count(report.throughput.recordsPerSecond)} records/s over ${fixed(report.throughput.spanSeconds, 1)} s (first input appended → last prediction visible)`,
    `  latency          p50 ${ms(report.latencyMs.p50)}   p99 ${ms(report.latencyMs.p99)}   max ${ms(report.latencyMs.max)}   (input appended → prediction visible, read_committed)`,
    `  detection        at threshold ${q.threshold ?? 'n/a'}: precision ${fixed(q.precision, 3)}  recall ${fixed(q.recall, 3)}  ROC AUC ${fixed(q.rocAuc, 4)}   (${count(q.positives)} ${positiveName}: TP ${count(c.tp)} FP ${count(c.fp)} FN ${count(c.fn)})`,
  ];
  const byKind = Object.entries(q.recallByKind).map(([kind, r]) => `${kind} ${fixed(r, 2)}`).join(', ');
  if (byKind) lines.push(`  recall by kind   ${byKind}`);
  if (report.abortedTransactions > 0) lines.push(`  note             ${report.abortedTransactions} transaction(s) aborted and redone (outputs still exactly once)`);
  for (const failure of report.failures) lines.push(`  FAILED           ${failure}`);
  return lines.join('\n');
}
