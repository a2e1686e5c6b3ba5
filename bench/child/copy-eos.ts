import { PartitionProducer } from '../../src/kafka/kafkajs/partition-producer.js';
import { percentile } from '../stats.js';
import { benchKafka } from '../kafka.js';
import { runCopyLoop } from './copy-loop.js';
import { LogTally } from './log-tally.js';
import { Meter, peakRssMb } from './meter.js';
import type { CaseResult, CopySpec } from './protocol.js';

/**
 * Baseline 2, copy-eos: copy-raw inside transactions, exactly as the pipeline commits
 * (DESIGN.md §2): one transactional producer per input partition (the product's own
 * PartitionProducer, transactionalId `<group>-<topic>-<partition>`), and per window one
 * transaction per partition present, chained behind that partition's previous one as in the
 * pipeline, each carrying that partition's records and its offset (sendOffsets). What exactly-once costs without any scoring.
 */
export async function runCopyEos(spec: CopySpec): Promise<CaseResult> {
  const meter = new Meter(spec.brokerPid);
  const tally = new LogTally();
  const kafka = benchKafka(spec.brokers, 'bench-copy-eos', tally.kafkajs());
  const producers = new Map(Array.from({ length: spec.partitions }, (_, p) => p).map((p) => [p, new PartitionProducer(kafka, `${spec.groupId}-${spec.inputTopic}-${p}`, 60_000)]));
  const commitMs: number[] = [];
  await Promise.all([...producers.values()].map((producer) => producer.init()));
  try {
    await runCopyLoop({
      kafka, groupId: spec.groupId, inputTopic: spec.inputTopic, window: spec.window, expectedRecords: spec.expectedRecords, meter,
      async processPartition(partition, records) {
        const started = performance.now();
        await producers.get(partition)!.commit({
          groupId: spec.groupId,
          offsets: [{ topic: spec.inputTopic, partition, nextOffset: (BigInt(records[records.length - 1].offset) + 1n).toString() }],
          outputs: [{ topic: spec.outputTopic, messages: records.map((r) => ({ key: r.key, value: r.value, headers: {} })) }],
        });
        commitMs.push(performance.now() - started);
      },
    });
  } finally {
    await Promise.all([...producers.values()].map((producer) => producer.close()));
  }
  return {
    records: spec.expectedRecords, ...meter.read(), peakRssMb: peakRssMb(), logged: tally.counts,
    commitMs: { count: commitMs.length, p50: percentile(commitMs, 50), p99: percentile(commitMs, 99) },
  };
}
