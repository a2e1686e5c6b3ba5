import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, Kafka } from 'kafkajs';
import { systemClock } from '../../src/clock.js';
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
  /** Writes one closed window out (and commits its offsets); windows are handed over one at a time, in order. */
  processWindow(records: RawRecord[], consumer: Consumer): Promise<void>;
}

/**
 * The baselines' loop, shaped like the pipeline's (src/pipeline/pipeline.ts) so that only the
 * work per window differs: the same consumer settings (read_committed, maxWait 250 ms, one
 * partition's batch at a time), the same WindowPolicy with the same bounds, closed windows
 * processed serially while fetching goes on, fetching held back beyond maxInFlight windows.
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
    maxWaitTimeInMs: 250,
    allowAutoTopicCreation: false,
  });
  const window = new WindowPolicy<RawRecord>({ maxRecords: bounds.maxRecords, maxLingerMs: bounds.maxLingerMs }, systemClock);
  const queue: RawRecord[][] = [];
  let processed = 0;
  let draining: Promise<void> | undefined;
  let lingerTimer: NodeJS.Timeout | undefined;
  let queueChanged: () => void = () => undefined;
  let finish!: (error?: Error) => void;
  const finished = new Promise<void>((resolve, reject) => { finish = (error) => (error ? reject(error) : resolve()); });

  const drain = async (): Promise<void> => {
    while (queue.length) {
      await options.processWindow(queue[0], consumer);
      processed += queue[0].length;
      queue.shift();
      queueChanged();
      if (processed >= options.expectedRecords) {
        meter.stop();
        finish();
      }
    }
  };
  const close = (): void => {
    clearTimeout(lingerTimer);
    lingerTimer = undefined;
    const closed = window.flush('records');
    if (!closed) return;
    queue.push(closed.items);
    draining ??= drain().catch((error: Error) => finish(error)).finally(() => { draining = undefined; });
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
      while (queue.length >= bounds.maxInFlight) {
        await Promise.race([new Promise<void>((resolve) => { queueChanged = resolve; }), sleep(3_000)]);
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
