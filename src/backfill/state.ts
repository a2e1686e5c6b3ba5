import { planTotal, type BackfillPlan } from './plan.js';

export type BackfillStatus = 'not-started' | 'partial' | 'done';

export interface BackfillState {
  status: BackfillStatus;
  /** Offsets of the range already committed (scored, or skipped as transaction markers), all partitions. */
  done: bigint;
  total: bigint;
  /** Per partition of the plan: offsets done. */
  perPartition: Map<number, bigint>;
}

/** Offsets of [start, end) at or below `committed`: how far one partition got. */
export function doneOffsets(start: bigint, end: bigint, committed: bigint | undefined): bigint {
  if (committed === undefined || committed <= start) return 0n;
  return (committed < end ? committed : end) - start;
}

/**
 * Where a backfill stands, from its group's committed offsets (partition → next offset). The
 * pipeline commits them only with the outputs of the records below (or, at the very end of a
 * partition, alone), so a committed offset ≥ the end means every record of that partition is done.
 */
export function backfillState(plan: BackfillPlan, committed: Map<number, bigint>): BackfillState {
  const perPartition = new Map<number, bigint>();
  let done = 0n;
  let finished = 0;
  for (const range of plan.partitions) {
    const offset = committed.get(range.partition);
    const n = doneOffsets(range.start, range.end, offset);
    perPartition.set(range.partition, n);
    done += n;
    if (offset !== undefined && offset >= range.end) finished++;
  }
  const anyCommitted = plan.partitions.some((r) => committed.has(r.partition));
  const status: BackfillStatus = finished === plan.partitions.length && anyCommitted ? 'done' : anyCommitted ? 'partial' : 'not-started';
  return { status, done, total: planTotal(plan), perPartition };
}
