import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EventEmitter } from 'node:events';
import type { PipelineEvents } from '../pipeline/events.js';
import type { WorkerPoolEvents } from '../pipeline/worker-pool.js';
import { StatusTracker, type ModelFacts, type ModelRole } from './status.js';

const SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** End to end includes the time a record waits for its window (up to window.maxLingerMs) and any backlog. */
const END_TO_END_SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * The PipelineMetrics that owns a registry. The metrics server is handed a registry (by
 * src/pipeline/service.ts); through this it also finds the status page's figures.
 */
const byRegistry = new WeakMap<Registry, PipelineMetrics>();

export function metricsOf(registry: Registry): PipelineMetrics | undefined {
  return byRegistry.get(registry);
}

/** Prometheus metrics, named streamscore_<stage>_<what>_<unit>, fed by the pipeline's events. */
export class PipelineMetrics {
  readonly registry = new Registry();
  private readonly eventLoop = monitorEventLoopDelay({ resolution: 10 });

  readonly recordsIn = new Counter({ name: 'streamscore_source_records_total', help: 'Input records committed (predictions + dead letters).', labelNames: ['partition'], registers: [this.registry] });
  readonly predictions = new Counter({ name: 'streamscore_sink_predictions_total', help: 'Predictions committed.', registers: [this.registry] });
  readonly deadLetters = new Counter({ name: 'streamscore_sink_dead_letters_total', help: 'Dead letters committed, by error code.', labelNames: ['code'], registers: [this.registry] });
  readonly windows = new Counter({ name: 'streamscore_window_closed_total', help: 'Windows closed, by reason.', labelNames: ['reason'], registers: [this.registry] });
  readonly windowSize = new Histogram({ name: 'streamscore_window_size_records', help: 'Records per window.', buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000], registers: [this.registry] });
  readonly stageSeconds = new Histogram({ name: 'streamscore_pipeline_stage_seconds', help: 'Time per window in each stage.', labelNames: ['stage'], buckets: SECONDS, registers: [this.registry] });
  readonly commitSeconds = new Histogram({ name: 'streamscore_sink_transaction_seconds', help: 'Time to commit one partition transaction.', buckets: SECONDS, registers: [this.registry] });
  readonly aborts = new Counter({ name: 'streamscore_sink_transaction_aborts_total', help: 'Aborted partition transactions, by error code.', labelNames: ['code'], registers: [this.registry] });
  readonly rebalances = new Counter({ name: 'streamscore_source_rebalances_total', help: 'Group assignments received.', registers: [this.registry] });
  readonly lag = new Gauge({ name: 'streamscore_source_lag_records', help: 'Records behind the high watermark, per partition.', labelNames: ['partition'], registers: [this.registry] });
  readonly modelBisections = new Counter({ name: 'streamscore_model_bisections_total', help: 'Windows whose model run threw and were bisected to isolate the rows it fails on.', registers: [this.registry] });
  readonly workerExits = new Counter({ name: 'streamscore_model_worker_exits_total', help: 'Scoring worker threads that exited (and were replaced unless the respawn limit was reached).', registers: [this.registry] });
  readonly retries = new Counter({ name: 'streamscore_pipeline_retries_total', help: 'Retries of transient faults.', registers: [this.registry] });
  readonly scoreSeconds = new Histogram({ name: 'streamscore_pipeline_score_seconds', help: 'Time to score one window: decode + features + inference + encode.', buckets: SECONDS, registers: [this.registry] });
  readonly windowSeconds = new Histogram({ name: 'streamscore_pipeline_window_seconds', help: 'From a window closing to the commit of each of its partition transactions.', buckets: SECONDS, registers: [this.registry] });
  readonly modelInfo = new Gauge({ name: 'streamscore_model_info', help: 'The model scoring (role "live") and a shadow model if one is set: always 1.', labelNames: ['role', 'name', 'version', 'sha256'], registers: [this.registry] });
  readonly flagged = new Counter({ name: 'streamscore_sink_flagged_total', help: 'Committed predictions with flag=true (score >= model.outputs.threshold); the flag rate is this over streamscore_sink_predictions_total.', registers: [this.registry] });
  readonly endToEndSeconds = new Histogram({ name: 'streamscore_pipeline_end_to_end_seconds', help: "From an input record's timestamp to the commit of its prediction (from then on visible to read_committed consumers).", buckets: END_TO_END_SECONDS, registers: [this.registry] });
  /** What /readyz answers, set by the metrics server that serves it (src/observability/http-server.ts). */
  readySource: (() => boolean) | undefined;
  readonly ready = new Gauge({
    name: 'streamscore_ready', help: '1 while /readyz answers 200 (joined the group, every owned partition initialised), else 0.', registers: [this.registry],
    collect: () => { if (this.readySource) this.ready.set(this.readySource() ? 1 : 0); },
  });
  /** Owned partitions, model facts and the last errors, for the status page (GET /). */
  readonly status = new StatusTracker();
  private readonly closedAt = new Map<string, number>();
  readonly eventLoopDelay = new Gauge({
    name: 'streamscore_process_event_loop_delay_seconds', help: 'Event-loop delay percentiles since start.', labelNames: ['quantile'], registers: [this.registry],
    collect: () => {
      for (const q of [50, 99]) this.eventLoopDelay.set({ quantile: String(q / 100) }, this.eventLoop.percentile(q) / 1e9);
      this.eventLoopDelay.set({ quantile: 'max' }, this.eventLoop.max / 1e9);
    },
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'streamscore_' });
    this.eventLoop.enable();
    byRegistry.set(this.registry, this);
    // Known label values start at 0, so rates and dashboards have a series before the first event.
    for (const reason of ['records', 'bytes', 'linger', 'shutdown', 'revoke']) this.windows.inc({ reason }, 0);
  }

  /** The model that scores (role `live`), or a shadow model; shown on the status page and as streamscore_model_info. */
  describeModel(role: ModelRole, model: ModelFacts): void {
    const previous = this.status.models[role];
    if (previous) this.modelInfo.remove({ role, ...previous });
    this.status.models[role] = { name: model.name, version: model.version, sha256: model.sha256 };
    this.modelInfo.set({ role, name: model.name, version: model.version, sha256: model.sha256 }, 1);
  }

  /** p99 event-loop delay in milliseconds, for benchmarks and the demo report. */
  eventLoopP99Ms(): number {
    return this.eventLoop.percentile(99) / 1e6;
  }

  subscribe(events: EventEmitter<PipelineEvents>): void {
    events.on('assigned', () => this.rebalances.inc());
    events.on('windowClosed', ({ windowId, records, reason }) => {
      this.windows.inc({ reason });
      this.windowSize.observe(records);
      this.closedAt.set(windowId, performance.now());
      // Windows commit in order within seconds; a window aborted and redone gets a new id. Keep the last ones only.
      if (this.closedAt.size > 256) this.closedAt.delete(this.closedAt.keys().next().value!);
    });
    events.on('windowScored', ({ modelRuns, timings }) => {
      if (modelRuns > 1) this.modelBisections.inc();
      this.scoreSeconds.observe((timings.decodeMs + timings.featuresMs + timings.inferenceMs + timings.encodeMs) / 1000);
      this.stageSeconds.observe({ stage: 'decode' }, timings.decodeMs / 1000);
      this.stageSeconds.observe({ stage: 'features' }, timings.featuresMs / 1000);
      this.stageSeconds.observe({ stage: 'inference' }, timings.inferenceMs / 1000);
      this.stageSeconds.observe({ stage: 'encode' }, timings.encodeMs / 1000);
    });
    events.on('committed', ({ partition, windowId, records, predictions, flagged, deadLetterCodes, durationMs, committedAt, sourceTimestamps }) => {
      this.recordsIn.inc({ partition }, records);
      this.observeWindowCommitted(windowId);
      this.predictions.inc(predictions);
      this.flagged.inc(flagged);
      for (const timestamp of sourceTimestamps) this.endToEndSeconds.observe(Math.max(0, committedAt - timestamp) / 1000);
      for (const code of deadLetterCodes) this.deadLetters.inc({ code });
      this.commitSeconds.observe(durationMs / 1000);
    });
    events.on('aborted', ({ code }) => this.aborts.inc({ code }));
    events.on('lag', ({ partition, lag }) => this.lag.set({ partition }, lag));
    events.on('retrying', () => this.retries.inc());
    this.status.subscribe(events);
  }

  /** Close → this partition's commit; a window with several partitions gives one sample each. */
  private observeWindowCommitted(windowId: string): void {
    const closed = this.closedAt.get(windowId);
    if (closed !== undefined) this.windowSeconds.observe((performance.now() - closed) / 1000);
  }

  subscribeWorkers(events: EventEmitter<WorkerPoolEvents>): void {
    events.on('workerExited', () => this.workerExits.inc());
    this.status.subscribeWorkers(events);
  }

  stop(): void {
    this.eventLoop.disable();
  }
}
