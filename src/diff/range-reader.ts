import { randomBytes } from 'node:crypto';
import type { FetchContext, KafkaClient, RecordSource } from '../kafka/types.js';
import type { InputRecord } from '../records/types.js';

/**
 * Reads fixed offset ranges of one topic, read_committed, as an observer: a consumer group of its
 * own (random suffix) that never commits, seeks each partition to its start and stops each at its
 * end. `onBatch` is awaited before the next fetch of that partition, so a slow consumer of the
 * records holds the reader back instead of piling records up in memory (the consumer heartbeats
 * meanwhile). Built on the pipeline's RecordSource, of whichever client the config names.
 */

export interface OffsetRange {
  partition: number;
  start: bigint;
  /** Exclusive. */
  end: bigint;
}

export interface RangeReaderOptions {
  topic: string;
  ranges: OffsetRange[];
  groupPrefix: string;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
}

interface PartitionState {
  range: OffsetRange;
  /** The next offset wanted: records below it were handed over already (or lie before the range). */
  next: bigint;
  done: boolean;
}

export class RangeReader {
  readonly groupId: string;
  private readonly consumer: RecordSource;
  private readonly partitions = new Map<number, PartitionState>();
  private finish!: () => void;
  private fail!: (error: Error) => void;
  /** Resolves once every partition has been read to its end; rejects if the consumer crashes for good. */
  readonly done: Promise<void>;
  private stopped = false;

  constructor(kafka: KafkaClient, private readonly options: RangeReaderOptions, private readonly onPartitionDone: (partition: number) => void = () => undefined) {
    this.groupId = `${options.groupPrefix}-${randomBytes(4).toString('hex')}`;
    this.consumer = kafka.source({
      groupId: this.groupId,
      sessionTimeoutMs: options.sessionTimeoutMs,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      fromBeginning: true,
    });
    for (const range of options.ranges) this.partitions.set(range.partition, { range, next: range.start, done: false });
    this.done = new Promise<void>((resolve, reject) => {
      this.finish = resolve;
      this.fail = reject;
    });
    // Awaited by the caller at its own pace; a crash before that must not be an unhandled rejection.
    this.done.catch(() => undefined);
  }

  async start(onBatch: (records: InputRecord[]) => Promise<void>): Promise<void> {
    for (const state of this.partitions.values()) if (state.range.start >= state.range.end) this.markDone(state);
    if (this.allDone()) {
      this.finish();
      return;
    }
    await this.consumer.start({ topics: [this.options.topic] }, {
      onAssignment: (_memberId, assignment) => {
        // The group has one member: every partition is ours. Start each at its range; leave the others.
        const others = assignment.filter((tp) => !this.partitions.has(tp.partition));
        this.consumer.pause(others);
        for (const tp of assignment) {
          const state = this.partitions.get(tp.partition);
          if (!state) continue;
          if (state.done) this.consumer.pause([tp]);
          else this.consumer.seek(tp.topic, tp.partition, state.next.toString());
        }
      },
      onRecords: (_topic, partition, records, context) => this.onRecords(partition, records, context, onBatch),
      onCrash: (error, restarting) => {
        if (!restarting && !this.stopped) this.fail(error);
      },
      onPosition: (_topic, partition, firstOffset, lastOffset) => {
        const state = this.partitions.get(partition);
        // Only markers or aborted records up to lastOffset: past the end, if the fetch started where we are.
        if (state && !state.done && BigInt(firstOffset) <= state.next && BigInt(lastOffset) + 1n >= state.range.end) this.markDone(state);
      },
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer.disconnect().catch(() => undefined);
  }

  private async onRecords(partition: number, records: InputRecord[], context: FetchContext, onBatch: (records: InputRecord[]) => Promise<void>): Promise<void> {
    const state = this.partitions.get(partition);
    if (!state || state.done || this.stopped) return;
    const wanted: InputRecord[] = [];
    for (const record of records) {
      const offset = BigInt(record.offset);
      // Below `next`: fetched before the seek took effect, or again after it. At or past the end: not ours.
      if (offset < state.next || offset >= state.range.end) continue;
      wanted.push(record);
      state.next = offset + 1n;
    }
    if (wanted.length) await whileHeartbeating(onBatch(wanted), context, this.options.heartbeatIntervalMs);
    // A batch cut short by a seek proves nothing (kafkajs marks it stale).
    if (!context.isStale() && BigInt(context.lastOffset) + 1n >= state.range.end) this.markDone(state);
  }

  private markDone(state: PartitionState): void {
    if (state.done) return;
    state.done = true;
    if (!this.stopped) this.consumer.pause([{ topic: this.options.topic, partition: state.range.partition }]);
    this.onPartitionDone(state.range.partition);
    if (this.allDone()) this.finish();
  }

  private allDone(): boolean {
    return [...this.partitions.values()].every((s) => s.done);
  }
}

/** Awaits `work`, heartbeating the group while it takes longer than a heartbeat interval. */
async function whileHeartbeating(work: Promise<void>, context: FetchContext, intervalMs: number): Promise<void> {
  let settled = false;
  const finished = work.finally(() => { settled = true; });
  while (!settled) {
    let timer: NodeJS.Timeout | undefined;
    const tick = new Promise<void>((resolve) => { timer = setTimeout(resolve, intervalMs); });
    await Promise.race([finished, tick]);
    clearTimeout(timer);
    if (!settled) await context.heartbeat().catch(() => undefined);
  }
  await finished;
}
