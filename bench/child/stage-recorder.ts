import type { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { PipelineEvents } from '../../src/pipeline/events.js';
import { percentile } from '../stats.js';
import type { StageTimes } from './protocol.js';

interface WindowTrace {
  startedAt: number;
  records: number;
  scoredAt?: number;
  lastCommitAt?: number;
  timings?: PipelineEvents['windowScored'][0]['timings'];
}

/**
 * Turns the pipeline's events into where its time went. The pipeline processes one window at a
 * time (score, then commit its partition transactions in parallel) while the consumer fills the
 * next one, so over the measured interval:
 * - decode / features / inference / encode: the stage timings of `windowScored`;
 * - scoringOther: `windowClosed` → `windowScored` minus those four (worker hand-off, output mapping);
 * - commit: `windowScored` → the window's last `committed` (its slowest partition transaction);
 * - fetch: the rest, when the processing loop had no closed window to work on, i.e. waited for
 *   the consumer (fetch, decode of the fetch response, windowing, linger).
 */
export class StageRecorder {
  private readonly windows = new Map<string, WindowTrace>();
  private readonly commitDurations: number[] = [];
  committedRecords = 0;
  deadLetters = 0;

  attach(events: EventEmitter<PipelineEvents>, onCommitted: () => void): void {
    events.on('windowClosed', ({ windowId, records }) => this.windows.set(windowId, { startedAt: performance.now(), records }));
    events.on('windowScored', ({ windowId, timings }) => {
      const trace = this.windows.get(windowId);
      if (trace) Object.assign(trace, { scoredAt: performance.now(), timings });
    });
    events.on('committed', ({ windowId, records, deadLetters, durationMs }) => {
      const trace = this.windows.get(windowId);
      if (trace) trace.lastCommitAt = performance.now();
      this.commitDurations.push(durationMs);
      this.committedRecords += records;
      this.deadLetters += deadLetters;
      onCommitted();
    });
  }

  /** Stage totals over `wallMs` of processing, window statistics and per-transaction commit times. */
  summarise(wallMs: number): { stages: StageTimes; windows: { count: number; meanRecords: number }; commitMs: { count: number; p50: number; p99: number } } {
    const stages: StageTimes = { fetch: 0, decode: 0, features: 0, inference: 0, scoringOther: 0, encode: 0, commit: 0 };
    let busy = 0;
    let records = 0;
    let count = 0;
    for (const trace of this.windows.values()) {
      if (trace.scoredAt === undefined || trace.timings === undefined) continue;
      const t = trace.timings;
      const scoring = trace.scoredAt - trace.startedAt;
      const timed = t.decodeMs + t.featuresMs + t.inferenceMs + t.encodeMs;
      stages.decode += t.decodeMs;
      stages.features += t.featuresMs;
      stages.inference += t.inferenceMs;
      stages.encode += t.encodeMs;
      stages.scoringOther += Math.max(0, scoring - timed);
      const commit = trace.lastCommitAt === undefined ? 0 : trace.lastCommitAt - trace.scoredAt;
      stages.commit += commit;
      busy += Math.max(scoring, timed) + commit;
      records += trace.records;
      count++;
    }
    stages.fetch = Math.max(0, wallMs - busy);
    return {
      stages,
      windows: { count, meanRecords: count ? records / count : 0 },
      commitMs: { count: this.commitDurations.length, p50: percentile(this.commitDurations, 50), p99: percentile(this.commitDurations, 99) },
    };
  }
}
