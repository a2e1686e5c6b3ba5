import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, Kafka } from 'kafkajs';
import { systemClock } from '../../src/clock.js';
import { FETCH_LIMITS } from '../../src/kafka/kafkajs/input-consumer.js';
import { WindowPolicy } from '../../src/window/window-policy.js';
import type { CaseWindow } from './protocol.js';
import type { Meter } from './meter.js';

/** One consumed record, as the copy baselines pass it on: the same bytes, nothing decoded. */
export interface RawRecord {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

export interface CopyLoopOptions {
  kafka: Kafka;
  groupId: string;
  inputTopic: string;
  window: CaseWindow;
  expectedRecords: number;
  meter: Meter;
  /**
   * Writes one partition's records of a closed window out and commits their offsets. A partition's
   * calls run one after another, in offset order; different partitions' calls overlap.
   */
  processPartition(partition: number, records: RawRecord[], consumer: Consumer): Promise<void>;
}

/**
 * The baselines' loop, shaped like the pipeline's (src/pipeline/pipeline.ts) so that only the
 * work per window differs: the same consumer settings (read_committed, the pipeline's fetch
 * limits, one partition's batch at a time), the same WindowPolicy with the same bounds, each
 * closed window split by partition and chained behind that partition's previous window (the
 * pipeline's commit chains), fetching held back while maxInFlight windows are not yet done.
 * Resolves once `expectedRecords` records have been processed; a failure fails the case (no
 * retries: a baseline that needs them is not measuring what it claims).
 */
export async function runCopyLoop(options: CopyLoopOptions): Promise<void> {
  const { window: bounds, meter } = options;
  const consumer = options.kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    rebalanceTimeout: 60_000,
    readUncommitted: false,
    ...FETCH_LIMITS,
    allowAutoTopicCreation: false,
  });
  const window = new WindowPolicy<RawRecord>({ maxRecords: bounds.maxRecords, maxLingerMs: bounds.maxLingerMs }, systemClock);
  const tails = new Map<number, Promise<void>>();
  let inFlight = 0;
  let processed = 0;
  let lingerTimer: NodeJS.Timeout | undefined;
  let windowDone: () => void = () => undefined;
  let finish!: (error?: Error) => void;
  const finished = new Promise<void>((resolve, reject) => { finish = (error) => (error ? reject(error) : resolve()); });

  const schedule = (records: RawRecord[]): void => {
    inFlight++;
    const parts = [...byPartition(records)].map(([partition, group]) => {
      const run = (tails.get(partition) ?? Promise.resolve()).then(() => options.processPartition(partition, group, consumer));
      tails.set(partition, run.catch(() => undefined));
      return run;
    });
    Promise.all(parts).then(() => {
      inFlight--;
      processed += records.length;
      windowDone();
      if (processed >= options.expectedRecords) {
        meter.stop();
        finish();
      }
    }, (error: Error) => finish(error));
  };
  const close = (): void => {
    clearTimeout(lingerTimer);
    lingerTimer = undefined;
    const closed = window.flush('records');
    if (closed) schedule(closed.items);
  };
  const armLinger = (): void => {
    const wait = window.untilLinger();
    if (lingerTimer || wait === undefined) return;
    lingerTimer = setTimeout(() => {
      lingerTimer = undefined;
      if (window.due()) close();
      else armLinger();
    }, wait);
  };

  await consumer.connect();
  await consumer.subscribe({ topics: [options.inputTopic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 1,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      if (batch.isEmpty()) return;
      meter.start();
      for (const m of batch.messages) {
        const record: RawRecord = { partition: batch.partition, offset: m.offset, key: m.key, value: m.value };
        if (window.add(record, (m.key?.length ?? 0) + (m.value?.length ?? 0))) close();
      }
      armLinger();
      while (inFlight >= bounds.maxInFlight) {
        await Promise.race([new Promise<void>((resolve) => { windowDone = resolve; }), sleep(3_000)]);
        await heartbeat().catch(() => undefined);
      }
      resolveOffset(batch.lastOffset());
    },
  });
  try {
    await finished;
  } finally {
    clearTimeout(lingerTimer);
    await consumer.disconnect().catch(() => undefined);
  }
}

/** The window's records grouped by input partition, each group in offset order. */
export function byPartition(records: RawRecord[]): Map<number, RawRecord[]> {
  const groups = new Map<number, RawRecord[]>();
  for (const record of records) {
    const group = groups.get(record.partition);
    if (group) group.push(record);
    else groups.set(record.partition, [record]);
  }
  return groups;
}
