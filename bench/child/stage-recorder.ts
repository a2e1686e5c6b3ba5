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
 * Turns the pipeline's events into where its time went. The pipeline scores one window at a time
 * while the consumer fills the next, and hands each scored window to its partitions' commit
 * chains without waiting, so a window's commit overlaps the scoring of the next ones. Over the
 * measured interval:
 * - decode / features / inference / encode: the stage timings of `windowScored`;
 * - scoringOther: `windowClosed` → `windowScored` minus those four (the hand-off to and from the scoring worker);
 * - commit: time when some window was committing (`windowScored` → its last `committed`) and
 *   none was being scored: the commits that scoring did not hide;
 * - fetch: the rest, when nothing was scored or committed, i.e. the pipeline waited for the
 *   consumer (fetch, decode of the fetch response, windowing, linger).
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
    const scoring: Interval[] = [];
    const committing: Interval[] = [];
    let records = 0;
    let count = 0;
    for (const trace of this.windows.values()) {
      if (trace.scoredAt === undefined || trace.timings === undefined) continue;
      const t = trace.timings;
      const timed = t.decodeMs + t.featuresMs + t.inferenceMs + t.encodeMs;
      stages.decode += t.decodeMs;
      stages.features += t.featuresMs;
      stages.inference += t.inferenceMs;
      stages.encode += t.encodeMs;
      stages.scoringOther += Math.max(0, trace.scoredAt - trace.startedAt - timed);
      scoring.push([trace.startedAt, trace.scoredAt]);
      if (trace.lastCommitAt !== undefined) committing.push([trace.scoredAt, trace.lastCommitAt]);
      records += trace.records;
      count++;
    }
    const scoringMs = coveredOnlyBy(scoring, []);
    stages.commit = coveredOnlyBy(committing, scoring);
    stages.fetch = Math.max(0, wallMs - scoringMs - stages.commit);
    return {
      stages,
      windows: { count, meanRecords: count ? records / count : 0 },
      commitMs: { count: this.commitDurations.length, p50: percentile(this.commitDurations, 50), p99: percentile(this.commitDurations, 99) },
    };
  }
}

type Interval = [start: number, end: number];

/** How long some interval of `covering` is open while none of `excluded` is. */
export function coveredOnlyBy(covering: Interval[], excluded: Interval[]): number {
  const edges: [at: number, covering: number, excluded: number][] = [];
  for (const [start, end] of covering) edges.push([start, 1, 0], [end, -1, 0]);
  for (const [start, end] of excluded) edges.push([start, 0, 1], [end, 0, -1]);
  edges.sort((a, b) => a[0] - b[0]);
  let open = 0;
  let blocked = 0;
  let total = 0;
  let previous = 0;
  for (const [at, coveringDelta, excludedDelta] of edges) {
    if (open > 0 && blocked === 0) total += at - previous;
    open += coveringDelta;
    blocked += excludedDelta;
    previous = at;
  }
  return total;
}
