import { StreamscoreError } from '../errors.js';
import { canonicalBound, type Bound } from './range.js';

/** The offsets of one partition that a backfill scores: [start, end), end exclusive. */
export interface PartitionRange {
  partition: number;
  start: bigint;
  end: bigint;
}

/** A backfill resolved to offsets. The ends are fixed here: records written later are not part of it. */
export interface BackfillPlan {
  topic: string;
  /** The bounds as given, canonical (for the log and the stored plan). */
  from: string;
  to: string;
  partitions: PartitionRange[];
  /** Epoch ms when the plan was made. */
  plannedAt: number;
}

/** One partition's watermarks when planning: low = oldest retained offset, high = the end. */
export interface Watermarks {
  partition: number;
  low: bigint;
  high: bigint;
}

export interface PlanInputs {
  topic: string;
  from: Bound;
  to: Bound;
  watermarks: Watermarks[];
  /** For a time bound: per partition, the first offset whose timestamp ≥ the time (the high watermark if none). */
  fromTimeOffsets?: Map<number, bigint>;
  toTimeOffsets?: Map<number, bigint>;
  plannedAt: number;
}

export interface PlanResult {
  plan: BackfillPlan;
  /** What was clamped and why, one line each, for the operator. */
  warnings: string[];
}

export function rangeCount(range: PartitionRange): bigint {
  return range.end - range.start;
}

export function planTotal(plan: BackfillPlan): bigint {
  return plan.partitions.reduce((sum, range) => sum + rangeCount(range), 0n);
}

/** The pipeline's `bounds`: `topic:partition` → [start, end) as decimal strings. */
export function planBounds(plan: BackfillPlan): Map<string, { start: string; end: string }> {
  return new Map(plan.partitions.map((r) => [`${plan.topic}:${r.partition}`, { start: r.start.toString(), end: r.end.toString() }]));
}

const clamp = (value: bigint, low: bigint, high: bigint): bigint => (value < low ? low : value > high ? high : value);

function resolve(bound: Bound, marks: Watermarks, timeOffsets: Map<number, bigint> | undefined): bigint {
  switch (bound.kind) {
    case 'earliest': return marks.low;
    case 'latest': return marks.high;
    case 'offsets': return bound.offsets.get(marks.partition)!;
    case 'time': {
      const offset = timeOffsets?.get(marks.partition);
      if (offset === undefined) throw new Error(`no offset for time ${canonicalBound(bound)} on partition ${marks.partition}`);
      // Looked up after the watermarks: a record written in between may lie past `high`.
      return clamp(offset, marks.low, marks.high);
    }
  }
}

/**
 * Resolves the bounds to [start, end) per partition (pure: the lookups are inputs).
 * - Partitions: all of the topic's, or those an offsets bound lists.
 * - `--to` before `--from` on any partition: ERR_BACKFILL_RANGE.
 * - Offsets below the low watermark were deleted (retention): the range starts at `low`, with a warning.
 * - Offsets past the high watermark do not exist yet and the end is fixed now: clamped to `high`, with a warning.
 */
export function buildPlan(inputs: PlanInputs): PlanResult {
  const { topic, from, to } = inputs;
  const byPartition = new Map(inputs.watermarks.map((w) => [w.partition, w]));
  const listed = from.kind === 'offsets' ? from.offsets : to.kind === 'offsets' ? to.offsets : undefined;
  const selected = listed ? [...listed.keys()].sort((a, b) => a - b) : [...byPartition.keys()].sort((a, b) => a - b);
  const unknown = selected.filter((p) => !byPartition.has(p));
  if (unknown.length) {
    throw new StreamscoreError('ERR_BACKFILL_RANGE', `topic ${topic} has no partition ${unknown.join(', ')} (it has ${byPartition.size}: 0–${byPartition.size - 1})`);
  }
  const warnings: string[] = [];
  const partitions = selected.map((partition): PartitionRange => {
    const marks = byPartition.get(partition)!;
    const rawStart = resolve(from, marks, inputs.fromTimeOffsets);
    const rawEnd = resolve(to, marks, inputs.toTimeOffsets);
    if (rawEnd < rawStart) {
      throw new StreamscoreError('ERR_BACKFILL_RANGE', `--to is before --from on ${topic}:${partition} (offset ${rawEnd} < ${rawStart})`);
    }
    const start = clamp(rawStart, marks.low, marks.high);
    const end = clamp(rawEnd, marks.low, marks.high);
    if (rawEnd <= marks.low && rawStart < rawEnd) {
      warnings.push(`${topic}:${partition}: the whole range (offsets ${rawStart}–${rawEnd - 1n}) was deleted (retention); nothing to score there`);
    } else if (rawStart < marks.low) {
      warnings.push(`${topic}:${partition}: offsets ${rawStart}–${marks.low - 1n} were deleted (retention); the range starts at the oldest retained offset ${marks.low}`);
    } else if (from.kind === 'time' && rawStart === marks.low && marks.low > 0n && rawStart < rawEnd) {
      warnings.push(`${topic}:${partition}: --from ${canonicalBound(from)} is at or before the oldest retained record (offset ${marks.low}); older records in the range were deleted (retention)`);
    }
    if (rawEnd > marks.high) {
      warnings.push(`${topic}:${partition}: --to offset ${rawEnd} is past the end of the partition (${marks.high}); the range ends there`);
    }
    return { partition, start, end };
  });
  return { plan: { topic, from: canonicalBound(from), to: canonicalBound(to), partitions, plannedAt: inputs.plannedAt }, warnings };
}
