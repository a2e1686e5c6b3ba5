import type { Clock } from '../clock.js';
import { rangeCount, type BackfillPlan } from './plan.js';
import { doneOffsets } from './state.js';

/** One partition's progress: offsets of its range done, of total. */
export interface PartitionProgress {
  partition: number;
  done: number;
  total: number;
}

export interface ProgressSnapshot {
  /** Offsets of the range done (earlier runs included) and the range's size. */
  done: number;
  total: number;
  /** Of `done`, what earlier runs had done when this one started. */
  doneBefore: number;
  /** 0–100. */
  percent: number;
  /** Offsets per second over the last {@link RATE_WINDOW_MS} (or since start, if shorter). */
  rate: number;
  /** Seconds left at that rate; undefined while there is no rate yet. */
  etaSeconds: number | undefined;
  /** Scored in this run: records, and what became of them. */
  records: number;
  predictions: number;
  deadLetters: number;
  elapsedMs: number;
  /** Records per second over the whole run. */
  meanRate: number;
  partitions: PartitionProgress[];
}

/** The rate shown is the last 10 s: recent enough to follow a change, long enough to be steady. */
export const RATE_WINDOW_MS = 10_000;

/**
 * The progress of a backfill, fed by the pipeline's events (offsets committed per partition)
 * and by polls of the group's committed offsets. Counts offsets (the progress bar: what is left
 * of the range) and records (the summary: what this run scored) separately: with transactional
 * input, markers and aborted records take offsets but are never scored.
 */
export class BackfillProgress {
  private readonly ranges: Map<number, { start: bigint; end: bigint; done: bigint }>;
  private readonly startedAt: number;
  private readonly doneBefore: number;
  private readonly samples: { at: number; done: number }[] = [];
  private records = 0;
  private predictions = 0;
  private deadLetters = 0;

  constructor(plan: BackfillPlan, committed: Map<number, bigint>, private readonly clock: Clock) {
    this.ranges = new Map(plan.partitions.map((r) => [r.partition, { start: r.start, end: r.end, done: doneOffsets(r.start, r.end, committed.get(r.partition)) }]));
    this.startedAt = clock.now();
    this.doneBefore = this.doneTotal();
    this.samples.push({ at: this.startedAt, done: this.doneBefore });
  }

  /** A partition committed up to `nextOffset` (exclusive); never moves backwards. */
  committedTo(partition: number, nextOffset: bigint): void {
    const range = this.ranges.get(partition);
    if (!range) return;
    const done = doneOffsets(range.start, range.end, nextOffset);
    if (done > range.done) range.done = done;
    this.sample();
  }

  /** A window's transaction for one partition: its counts, then its offset. */
  recordCommit(partition: number, nextOffset: bigint, counts: { records: number; predictions: number; deadLetters: number }): void {
    this.records += counts.records;
    this.predictions += counts.predictions;
    this.deadLetters += counts.deadLetters;
    this.committedTo(partition, nextOffset);
  }

  partitionDone(partition: number): void {
    const range = this.ranges.get(partition);
    if (range) this.committedTo(partition, range.end);
  }

  get finished(): boolean {
    return [...this.ranges.values()].every((r) => r.done === r.end - r.start);
  }

  snapshot(): ProgressSnapshot {
    const now = this.clock.now();
    this.sample(now);
    const total = [...this.ranges.values()].reduce((sum, r) => sum + Number(r.end - r.start), 0);
    const done = this.doneTotal();
    const oldest = this.samples[0];
    const rate = now > oldest.at ? ((done - oldest.done) * 1000) / (now - oldest.at) : 0;
    const elapsedMs = now - this.startedAt;
    return {
      done,
      total,
      doneBefore: this.doneBefore,
      percent: total ? (100 * done) / total : 100,
      rate,
      etaSeconds: rate > 0 ? (total - done) / rate : undefined,
      records: this.records,
      predictions: this.predictions,
      deadLetters: this.deadLetters,
      elapsedMs,
      meanRate: elapsedMs > 0 ? (this.records * 1000) / elapsedMs : 0,
      partitions: [...this.ranges].map(([partition, r]) => ({ partition, done: Number(r.done), total: Number(rangeCount({ partition, ...r })) })),
    };
  }

  private doneTotal(): number {
    return [...this.ranges.values()].reduce((sum, r) => sum + Number(r.done), 0);
  }

  /** Keeps the samples of the rate window, plus the last one before it (the window's left edge). */
  private sample(now = this.clock.now()): void {
    this.samples.push({ at: now, done: this.doneTotal() });
    while (this.samples.length > 2 && this.samples[1].at <= now - RATE_WINDOW_MS) this.samples.shift();
  }
}
