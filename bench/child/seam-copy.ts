import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { systemClock } from '../../src/clock.js';
import { openKafkaClient, toolKafkaSettings } from '../../src/kafka/open-client.js';
import type { KafkaClient } from '../../src/kafka/types.js';
import type { CommitHost, CommitPart, Committer } from '../../src/pipeline/committer.js';
import { PartitionCommitter } from '../../src/pipeline/partition-committer.js';
import { PartitionLedger, type PartitionState } from '../../src/pipeline/partition-ledger.js';
import { WindowCommitter } from '../../src/pipeline/window-committer.js';
import type { PartitionOutput } from '../../src/pipeline/window-scorer.js';
import type { InputRecord } from '../../src/records/types.js';
import { WindowPolicy } from '../../src/window/window-policy.js';
import { percentile } from '../stats.js';
import { LogTally } from './log-tally.js';
import { Meter, peakRssMb } from './meter.js';
import type { CaseResult, CopySpec } from './protocol.js';

/**
 * The copy baselines of one Kafka client, shaped like the pipeline so that only the work per
 * window differs: the client's own RecordSource (the pipeline's consumer: read_committed, its fetch
 * limits, one partition's batch at a time), the same WindowPolicy and bounds, at most maxInFlight
 * windows not yet written, fetching held back beyond.
 * - copy-raw: each closed window's records, same bytes, to the output topic with the client's plain
 *   producer (acks=all); no offsets committed: the ceiling of moving the bytes through this client.
 * - copy-eos: each window through the pipeline's own committer for the client's transaction scope
 *   (kafkajs: one transaction per input partition, chained; platformatic: one per window, KIP-447),
 *   outputs and offsets together: what exactly-once costs without any scoring.
 * No retries: a baseline that needs them is not measuring what it claims.
 */
export async function runSeamCopy(spec: CopySpec): Promise<CaseResult> {
  const meter = new Meter(spec.brokerPid);
  const tally = new LogTally();
  const logger = pino({ level: 'warn' }, tally.pinoDestination());
  const kafka = openKafkaClient({ ...toolKafkaSettings(spec.brokers, `bench-${spec.kind}`), client: spec.client }, logger);
  const writer = spec.kind === 'copy-raw' ? rawWriter(kafka, spec) : eosWriter(kafka, spec, logger);
  const source = kafka.source({ groupId: spec.groupId, sessionTimeoutMs: 30_000, heartbeatIntervalMs: 3_000, fromBeginning: true });
  const window = new WindowPolicy<InputRecord>({ maxRecords: spec.window.maxRecords, maxLingerMs: spec.window.maxLingerMs }, systemClock);
  const commitMs: number[] = [];
  let inFlight = 0;
  let processed = 0;
  let windowSeq = 0;
  let lingerTimer: NodeJS.Timeout | undefined;
  let windowDone: () => void = () => undefined;
  let finish!: (error?: Error) => void;
  const finished = new Promise<void>((resolve, reject) => { finish = (error) => (error ? reject(error) : resolve()); });

  const write = (records: InputRecord[]): void => {
    inFlight++;
    const started = performance.now();
    writer.write(`w${windowSeq++}`, records).then(() => {
      commitMs.push(performance.now() - started);
      inFlight--;
      processed += records.length;
      windowDone();
      if (processed >= spec.expectedRecords) {
        meter.stop();
        finish();
      }
    }, (error: Error) => finish(error));
  };
  const close = (): void => {
    clearTimeout(lingerTimer);
    lingerTimer = undefined;
    const closed = window.flush('records');
    if (closed) write(closed.items);
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

  await writer.start();
  await source.start({ topics: [spec.inputTopic] }, {
    onAssignment: (_memberId, assignment) => void writer.assigned(assignment.map((tp) => tp.partition)),
    onCrash: (error) => finish(error),
    onRecords: async (_topic, _partition, records, context) => {
      meter.start();
      for (const record of records) if (window.add(record, record.size)) close();
      armLinger();
      while (inFlight >= spec.window.maxInFlight) {
        await Promise.race([new Promise<void>((resolve) => { windowDone = resolve; }), sleep(3_000)]);
        await context.heartbeat().catch(() => undefined);
      }
    },
  });
  try {
    await finished;
  } finally {
    clearTimeout(lingerTimer);
    await source.disconnect().catch(() => undefined);
    await writer.close();
  }
  return {
    records: spec.expectedRecords, ...meter.read(), peakRssMb: peakRssMb(), logged: tally.counts,
    commitMs: { count: commitMs.length, p50: percentile(commitMs, 50), p99: percentile(commitMs, 99) },
  };
}

interface WindowWriter {
  start(): Promise<void>;
  assigned(partitions: number[]): Promise<void>;
  /** Writes one closed window; rejects on any failure. */
  write(windowId: string, records: InputRecord[]): Promise<void>;
  close(): Promise<void>;
}

function rawWriter(kafka: KafkaClient, spec: CopySpec): WindowWriter {
  const producer = kafka.recordProducer();
  return {
    start: () => producer.connect(),
    assigned: async () => undefined,
    write: async (_windowId, records) => {
      await producer.send(spec.outputTopic, records.map((r) => ({ key: r.key, value: r.value, headers: {} })));
    },
    close: () => producer.disconnect(),
  };
}

/** The pipeline's committer with a host that has nothing to revoke: every part stays current. */
function eosWriter(kafka: KafkaClient, spec: CopySpec, logger: pino.Logger): WindowWriter {
  const ledger = new PartitionLedger();
  let failure: Error | undefined;
  const host: CommitHost = {
    appId: spec.groupId, outputTopic: spec.outputTopic, deadLetterTopic: spec.outputTopic, clock: systemClock, logger,
    isCurrent: () => true,
    // The baseline's source is not asked: fencing is not what it measures.
    groupMetadata: () => undefined,
    onCommitted: async () => undefined,
    onFailed: (_parts, _windowId, error) => { failure = error; },
  };
  const committer: Committer = kafka.transactionScope === 'window'
    ? new WindowCommitter(host, () => kafka.transactionalSink(`${spec.groupId}-eos`, 60_000))
    : new PartitionCommitter(host, (id) => kafka.transactionalSink(id, 60_000));
  const states = new Map<number, PartitionState>();
  const stateOf = (partition: number): PartitionState => {
    let state = states.get(partition);
    if (!state) states.set(partition, state = ledger.create(spec.inputTopic, partition));
    return state;
  };
  return {
    start: async () => undefined,
    assigned: async (partitions) => { await Promise.all(partitions.map((p) => committer.preparePartition(stateOf(p)))); },
    write: async (windowId, records) => {
      const parts: CommitPart[] = [...byPartition(records)].map(([partition, group]) => ({ state: stateOf(partition), generation: stateOf(partition).generation, output: copied(spec, partition, group) }));
      // Resolves once the window's transaction(s) ran, behind the earlier windows.
      await committer.commitWindow(windowId, parts);
      if (failure) throw failure;
    },
    close: () => committer.close(),
  };
}

/** A partition's records as its output: the same bytes to the output topic, and its next offset. */
function copied(spec: CopySpec, partition: number, records: InputRecord[]): PartitionOutput {
  return {
    topic: spec.inputTopic, partition, nextOffset: (BigInt(records[records.length - 1].offset) + 1n).toString(),
    predictions: records.map((r) => ({ key: r.key, value: r.value, headers: {} })), deadLetters: [], deadLetterCodes: [],
    records: records.length, flagged: 0, sourceTimestamps: [],
  };
}

function byPartition(records: InputRecord[]): Map<number, InputRecord[]> {
  const groups = new Map<number, InputRecord[]>();
  for (const record of records) {
    const group = groups.get(record.partition);
    if (group) group.push(record);
    else groups.set(record.partition, [record]);
  }
  return groups;
}
