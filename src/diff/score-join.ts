import type { SideResult } from './diff-stats.js';

/**
 * The streaming join of candidate scores (rescored input records) with the champion's recorded
 * predictions, by source partition and offset. Pure: the diff run feeds both sides as they are
 * read and takes the results.
 *
 * Memory holds only what one side has and the other not yet: the readers are paced on
 * `pendingCandidates` and `pendingRecorded`. A candidate is known to have no recorded prediction
 * once every partition of the predictions topic has either been read to its end or shown a
 * prediction of the same source partition at a higher source offset. That rests on one property of
 * streamscore's output: within one partition of the predictions topic, the predictions of one
 * source partition come in source-offset order (a source partition's windows commit in offset
 * order, one transaction after the other, and read_committed hides aborted attempts; see
 * docs/exactly-once.md). A topic holding several runs over the same records (a backfill into the
 * live topic) keeps, per record, the first prediction read; the others count as duplicates.
 */

export interface RecordedPrediction {
  score: number;
  flag: boolean | null;
  modelSha256: string;
}

export interface Joined<Payload> {
  partition: number;
  offset: bigint;
  candidate: SideResult;
  payload: Payload;
  /** Undefined: the predictions topic has no prediction for this record (recompute the champion). */
  recorded?: RecordedPrediction;
}

export interface JoinCounts {
  /** Recorded predictions of records outside the range (or of another topic): skipped. */
  recordedOutsideRange: number;
  /** A second (or later) prediction for a record that already had one. */
  recordedDuplicates: number;
  /** Recorded predictions in the range whose input record was never read (left at the end). */
  recordedWithoutInput: number;
}

interface SourcePartition<Payload> {
  start: bigint;
  end: bigint;
  /** In offset order (candidates arrive in offset order per partition). */
  candidates: Map<bigint, { candidate: SideResult; payload: Payload }>;
  recorded: Map<bigint, RecordedPrediction>;
  /** One past the highest offset the candidate side has given. */
  candidateNext: bigint;
  /** Per prediction partition, the highest source offset of this partition seen there. */
  seenThrough: Map<number, bigint>;
}

export class ScoreJoin<Payload> {
  private readonly sources = new Map<number, SourcePartition<Payload>>();
  private readonly exhausted = new Set<number>();
  private readonly ready: Joined<Payload>[] = [];
  private candidatesPending = 0;
  private recordedPending = 0;
  readonly counts: JoinCounts = { recordedOutsideRange: 0, recordedDuplicates: 0, recordedWithoutInput: 0 };

  /**
   * `ranges`: the source partitions of the range, [start, end); `predictionPartitions`: the partitions
   * of the predictions topic being read.
   */
  constructor(readonly sourceTopic: string, ranges: { partition: number; start: bigint; end: bigint }[], private readonly predictionPartitions: readonly number[]) {
    for (const r of ranges) {
      this.sources.set(r.partition, { start: r.start, end: r.end, candidates: new Map(), recorded: new Map(), candidateNext: r.start, seenThrough: new Map() });
    }
  }

  get pendingCandidates(): number {
    return this.candidatesPending;
  }

  get pendingRecorded(): number {
    return this.recordedPending;
  }

  /** A rescored record of the range; per partition in offset order. */
  addCandidate(partition: number, offset: bigint, candidate: SideResult, payload: Payload): void {
    const source = this.sources.get(partition);
    if (!source) throw new RangeError(`partition ${partition} is not part of the range`);
    if (offset < source.candidateNext) throw new RangeError(`candidate ${partition}:${offset} out of order (expected ≥ ${source.candidateNext})`);
    source.candidateNext = offset + 1n;
    const recorded = source.recorded.get(offset);
    if (recorded) {
      source.recorded.delete(offset);
      this.recordedPending--;
      this.ready.push({ partition, offset, candidate, payload, recorded });
      return;
    }
    if (this.recordedAbsent(source, offset)) {
      this.ready.push({ partition, offset, candidate, payload });
      return;
    }
    source.candidates.set(offset, { candidate, payload });
    this.candidatesPending++;
  }

  /** A prediction read from partition `predictionPartition` of the predictions topic. */
  addRecorded(predictionPartition: number, sourceTopic: string, sourcePartition: number, sourceOffset: bigint, recorded: RecordedPrediction): void {
    const source = this.sources.get(sourcePartition);
    if (sourceTopic !== this.sourceTopic || !source || sourceOffset < source.start || sourceOffset >= source.end) {
      this.counts.recordedOutsideRange++;
      return;
    }
    const seen = source.seenThrough.get(predictionPartition);
    if (seen === undefined || sourceOffset > seen) source.seenThrough.set(predictionPartition, sourceOffset);
    const waiting = source.candidates.get(sourceOffset);
    if (waiting) {
      source.candidates.delete(sourceOffset);
      this.candidatesPending--;
      this.ready.push({ partition: sourcePartition, offset: sourceOffset, ...waiting, recorded });
    } else if (sourceOffset < source.candidateNext || source.recorded.has(sourceOffset)) {
      // The candidate already had its answer (matched, or found without one): a later run's prediction.
      this.counts.recordedDuplicates++;
    } else {
      source.recorded.set(sourceOffset, recorded);
      this.recordedPending++;
    }
    this.settle(source, sourcePartition);
  }

  /** The predictions topic's partition was read to its end (as it was when the diff started). */
  predictionPartitionDone(predictionPartition: number): void {
    this.exhausted.add(predictionPartition);
    for (const [partition, source] of this.sources) this.settle(source, partition);
  }

  /** Joined records since the last call (with or without a recorded prediction). */
  take(): Joined<Payload>[] {
    return this.ready.splice(0, this.ready.length);
  }

  /**
   * Both sides read to their ends: the candidates still waiting have no recorded prediction, and
   * recorded predictions still waiting had no input record (returned by the next take()).
   */
  finish(): void {
    for (const q of this.predictionPartitions) this.exhausted.add(q);
    for (const [partition, source] of this.sources) {
      this.settle(source, partition);
      this.counts.recordedWithoutInput += source.recorded.size;
      this.recordedPending -= source.recorded.size;
      source.recorded.clear();
    }
  }

  /** True when no partition of the predictions topic can still hold a prediction for this record. */
  private recordedAbsent(source: SourcePartition<Payload>, offset: bigint): boolean {
    for (const q of this.predictionPartitions) {
      if (this.exhausted.has(q)) continue;
      const seen = source.seenThrough.get(q);
      if (seen === undefined || seen <= offset) return false;
    }
    return true;
  }

  /** Releases, in offset order, the waiting candidates now known to have no recorded prediction. */
  private settle(source: SourcePartition<Payload>, partition: number): void {
    for (const [offset, waiting] of source.candidates) {
      if (!this.recordedAbsent(source, offset)) break;
      source.candidates.delete(offset);
      this.candidatesPending--;
      this.ready.push({ partition, offset, ...waiting });
    }
  }
}
