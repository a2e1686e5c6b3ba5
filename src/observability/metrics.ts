import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EventEmitter } from 'node:events';
import type { PipelineEvents } from '../pipeline/events.js';
import type { WorkerPoolEvents } from '../pipeline/worker-pool.js';

const SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

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
  }

  /** p99 event-loop delay in milliseconds, for benchmarks and the demo report. */
  eventLoopP99Ms(): number {
    return this.eventLoop.percentile(99) / 1e6;
  }

  subscribe(events: EventEmitter<PipelineEvents>): void {
    events.on('assigned', () => this.rebalances.inc());
    events.on('windowClosed', ({ records, reason }) => { this.windows.inc({ reason }); this.windowSize.observe(records); });
    events.on('windowScored', ({ modelRuns, timings }) => {
      if (modelRuns > 1) this.modelBisections.inc();
      this.stageSeconds.observe({ stage: 'decode' }, timings.decodeMs / 1000);
      this.stageSeconds.observe({ stage: 'features' }, timings.featuresMs / 1000);
      this.stageSeconds.observe({ stage: 'inference' }, timings.inferenceMs / 1000);
      this.stageSeconds.observe({ stage: 'encode' }, timings.encodeMs / 1000);
    });
    events.on('committed', ({ partition, records, predictions, deadLetterCodes, durationMs }) => {
      this.recordsIn.inc({ partition }, records);
      this.predictions.inc(predictions);
      for (const code of deadLetterCodes) this.deadLetters.inc({ code });
      this.commitSeconds.observe(durationMs / 1000);
    });
    events.on('aborted', ({ code }) => this.aborts.inc({ code }));
    events.on('lag', ({ partition, lag }) => this.lag.set({ partition }, lag));
    events.on('retrying', () => this.retries.inc());
  }

  subscribeWorkers(events: EventEmitter<WorkerPoolEvents>): void {
    events.on('workerExited', () => this.workerExits.inc());
  }

  stop(): void {
    this.eventLoop.disable();
  }
}
