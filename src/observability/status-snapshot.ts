import type { Metric, MetricValue } from 'prom-client';
import type { HealthSource } from './http-server.js';
import type { PipelineMetrics } from './metrics.js';
import type { ModelFacts, ModelRole, StatusError } from './status.js';

/** p50/p99 of a histogram since start, interpolated within buckets as PromQL's histogram_quantile does. */
export interface Quantiles {
  p50: number | null;
  p99: number | null;
  count: number;
  sum: number;
}

/** One pipeline on GET /status.json. Counters are totals since start: the page derives rates from two polls. */
export interface PipelineStatus {
  name: string;
  ready: boolean;
  healthy: boolean;
  /** What /healthz shows beside its status: the scoring workers' state, the failure if any. */
  health: Record<string, unknown>;
  models: Partial<Record<ModelRole, ModelFacts>>;
  owned: string[];
  totals: {
    /** Records taken into windows (sum of streamscore_window_size_records). */
    recordsIn: number;
    /** Input records committed: predictions + dead letters (streamscore_source_records_total). */
    recordsOut: number;
    predictions: number;
    windows: number;
    aborts: number;
    rebalances: number;
    flagged: number;
  };
  windowsByReason: Record<string, number>;
  deadLettersByCode: Record<string, number>;
  abortsByCode: Record<string, number>;
  windowSize: Quantiles;
  /** Seconds. */
  latency: { score: Quantiles; commit: Quantiles; window: Quantiles; endToEnd: Quantiles };
  lag: Record<string, number>;
  lastErrors: StatusError[];
  eventLoopP99Ms: number;
}

export interface StatusSnapshot {
  at: number;
  pipelines: PipelineStatus[];
}

/** A pipeline as the status server knows it. */
export interface StatusSource {
  name: string;
  metrics: PipelineMetrics;
  health: HealthSource;
}

type Values = (MetricValue<string> & { metricName?: string })[];

async function valuesOf(metric: Metric): Promise<Values> {
  return (await metric.get()).values as Values;
}

function total(values: Values): number {
  return values.reduce((sum, v) => sum + v.value, 0);
}

function byLabel(values: Values, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) {
    const key = String(v.labels[label]);
    out[key] = (out[key] ?? 0) + v.value;
  }
  return out;
}

/**
 * histogram_quantile over cumulative buckets: the bucket the rank falls in, linear within it; the
 * lowest bucket starts at 0; a rank in the +Inf bucket gives the highest finite bound.
 */
export function histogramQuantile(q: number, buckets: { le: number; count: number }[]): number | null {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const count = sorted.at(-1)?.count ?? 0;
  if (count === 0) return null;
  const rank = q * count;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const { le, count: upto } of sorted) {
    if (upto >= rank) {
      if (le === Infinity) return lowerBound;
      if (upto === lowerCount) return le;
      return lowerBound + (le - lowerBound) * ((rank - lowerCount) / (upto - lowerCount));
    }
    lowerBound = le;
    lowerCount = upto;
  }
  return lowerBound;
}

async function quantiles(metric: Metric): Promise<Quantiles> {
  const values = await valuesOf(metric);
  const buckets = values.filter((v) => v.metricName?.endsWith('_bucket'))
    .map((v) => ({ le: v.labels.le === '+Inf' ? Infinity : Number(v.labels.le), count: v.value }));
  const sum = values.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
  const count = values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
  return { p50: histogramQuantile(0.5, buckets), p99: histogramQuantile(0.99, buckets), count, sum };
}

export async function pipelineStatus({ name, metrics, health }: StatusSource): Promise<PipelineStatus> {
  const [recordsOut, predictions, windows, aborts, rebalances, flagged, deadLetters, lag] = await Promise.all([
    metrics.recordsIn, metrics.predictions, metrics.windows, metrics.aborts, metrics.rebalances,
    metrics.flagged, metrics.deadLetters, metrics.lag,
  ].map((metric) => valuesOf(metric as Metric)));
  const [windowSize, score, commit, window, endToEnd] = await Promise.all([
    metrics.windowSize, metrics.scoreSeconds, metrics.commitSeconds, metrics.windowSeconds, metrics.endToEndSeconds,
  ].map((metric) => quantiles(metric as Metric)));
  return {
    name,
    ready: health.ready(),
    healthy: health.healthy(),
    health: health.details?.() ?? {},
    models: { ...metrics.status.models },
    owned: metrics.status.owned,
    totals: {
      recordsIn: windowSize.sum, recordsOut: total(recordsOut), predictions: total(predictions), windows: total(windows),
      aborts: total(aborts), rebalances: total(rebalances), flagged: total(flagged),
    },
    windowsByReason: byLabel(windows, 'reason'),
    deadLettersByCode: byLabel(deadLetters, 'code'),
    abortsByCode: byLabel(aborts, 'code'),
    windowSize,
    latency: { score, commit, window, endToEnd },
    lag: byLabel(lag, 'partition'),
    lastErrors: [...metrics.status.lastErrors].reverse(),
    eventLoopP99Ms: metrics.eventLoopP99Ms(),
  };
}

export async function statusSnapshot(sources: readonly StatusSource[]): Promise<StatusSnapshot> {
  return { at: Date.now(), pipelines: await Promise.all(sources.map(pipelineStatus)) };
}
